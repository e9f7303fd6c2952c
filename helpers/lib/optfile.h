/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helpers' one reader of MySQL option files, with the semantics of the
 * client library the helpers connect with (libmariadb):
 *   - groups [client], [client-server], [client-mariadb] and the group
 *     asked for; a key before the first group, or a '[' without ']', makes
 *     the file malformed;
 *   - comments: a line whose first non-blank is '#' or ';' (no comment at
 *     the end of a value);
 *   - key = value, blanks around both trimmed; '_' in a key reads as '-';
 *     a value starting with a quote loses it, and loses a last character
 *     that is a quote; then \n \t \r \b \s \" \' \\ are unescaped, any
 *     other backslash is kept; the last occurrence of a key wins;
 *   - a line starting with a quote is skipped (unless the line before
 *     started with a backslash);
 *   - !include FILE reads FILE; !includedir DIR reads DIR/my.cnf when it
 *     exists; at most 64 levels deep.
 * Every file read, and every file it includes, passes the check of its
 * rule (enum mmha_optfile_rule).
 */
#ifndef MMHA_OPTFILE_H
#define MMHA_OPTFILE_H

#include <stdbool.h>
#include <stddef.h>

enum { MMHA_OPTFILE_DEPTH_MAX = 64 };

/*
 * How a file is checked before its options count (symlinks followed): it
 * exists and is a regular file, owned by the user running the helper or by
 * root (else MMHA_EXIT_NOINPUT or MMHA_EXIT_NOPERM), and
 *   PRIVATE  (--defaults-file and the like) not readable by group or others;
 *   SHARED   (the default files, --defaults-extra-file) not writable by
 *            group or others, and not readable by them when it holds a
 *            secret (mmha_optfile_secret) in a group read.
 * What a file includes is checked by the same rule.
 */
enum mmha_optfile_rule {
    MMHA_OPTFILE_PRIVATE,
    MMHA_OPTFILE_SHARED,
};

/* One option: key with '_' read as '-', value NULL for a bare key. */
typedef void (*mmha_optfile_cb)(void *ctx, const char *key, const char *value);

/*
 * An !include or !includedir line: kind "include" or "includedir". The
 * callback reads it (an exit code, 0 when fine).
 */
typedef int (*mmha_optfile_include_cb)(void *ctx, const char *kind,
                                       const char *path, unsigned int depth);

struct mmha_optparse {
    const char *group; /* besides client, client-server, client-mariadb */
    mmha_optfile_cb on_option;
    void *ctx;                          /* on_option's */
    mmha_optfile_include_cb on_include; /* NULL: includes ignored */
    void *include_ctx;
    unsigned int depth; /* of this text: 0 for the named file */
    char *err;          /* a one-line reason on failure */
    size_t errlen;
};

/*
 * Parse the text of one option file (len bytes, no NUL needed): 0, or an
 * exit code (MMHA_EXIT_CONFIG for malformed text, or what on_include
 * returned) with p->err set.
 */
int mmha_optfile_parse(struct mmha_optparse *p, const char *text, size_t len);

/*
 * Whether path may hold a password: it exists (symlinks followed) and is
 * a regular file, owned by the user running the helper or by root, not
 * readable by group or others. 0, or MMHA_EXIT_NOINPUT (missing,
 * unreadable, not a file) or MMHA_EXIT_NOPERM (owner, mode), with a
 * one-line reason in err naming the option.
 */
int mmha_optfile_check(const char *option, const char *path, char *err,
                       size_t errlen);

/*
 * Check and read path (and what it includes): every option of the groups
 * to on_option (NULL: none). 0 or an exit code with err (66, 77, 78). The
 * PRIVATE rule.
 */
int mmha_optfile_read(const char *option, const char *path, const char *group,
                      mmha_optfile_cb on_option, void *ctx, char *err,
                      size_t errlen);

/* mmha_optfile_read with the rule given. */
int mmha_optfile_read_rule(const char *option, const char *path,
                           const char *group, enum mmha_optfile_rule rule,
                           mmha_optfile_cb on_option, void *ctx, char *err,
                           size_t errlen);

/*
 * Whether an option holds a secret: a non-empty value of a key containing
 * "pass" (password, ssl-passphrase, ...). Never printed, and a SHARED
 * file that holds one must be private.
 */
bool mmha_optfile_secret(const char *key, const char *value);

/*
 * The value of key in path's [client] groups (and group), as the client
 * library reads it, into buf: 0 when found, 1 when absent, or an exit code
 * (66, 77, 78) with err; MMHA_EXIT_CONFIG when it does not fit in buf.
 */
int mmha_optfile_get(const char *option, const char *path, const char *group,
                     const char *key, char *buf, size_t len, char *err,
                     size_t errlen);

#endif
