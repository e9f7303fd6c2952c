/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The option-file reader: libmariadb's rules (see optfile.h), written
 * once for every helper, plus the mode check.
 */
#include "optfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"

enum {
    FILE_MAX = 1 << 20, /* an option file larger than 1 MB is refused */
};

static bool is_blank(char c)
{
    return isspace((unsigned char)c) != 0;
}

static bool is_quote(char c)
{
    return c == '"' || c == '\'';
}

static bool in_groups(const struct mmha_optparse *p, const char *name)
{
    return strcmp(name, "client") == 0 || strcmp(name, "client-server") == 0 ||
           strcmp(name, "client-mariadb") == 0 ||
           (p->group != NULL && strcmp(name, p->group) == 0);
}

/* The value part in place: quotes and escapes as the client library. */
static void unquote(char *v)
{
    char *end = v + strlen(v);
    char *out = v;
    char *in = v;

    if (is_quote(*in)) {
        in++;
        if (end > in && is_quote(end[-1])) {
            end--;
        }
    }
    for (; in < end; in++) {
        if (*in != '\\' || in == end - 1) {
            *out++ = *in;
            continue;
        }
        in++;
        switch (*in) {
        case 'n': *out++ = '\n'; break;
        case 't': *out++ = '\t'; break;
        case 'r': *out++ = '\r'; break;
        case 'b': *out++ = '\b'; break;
        case 's': *out++ = ' '; break;
        case '"':
        case '\'':
        case '\\': *out++ = *in; break;
        default:
            *out++ = '\\';
            *out++ = *in;
            break;
        }
    }
    *out = '\0';
}

static void trim_end(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && is_blank(s[n - 1])) {
        s[--n] = '\0';
    }
}

/* "!include FILE" / "!includedir DIR": 0 or the reader's exit code. */
static int directive(struct mmha_optparse *p, char *s)
{
    char *val = strchr(s, ' ');

    if (val == NULL) {
        return 0;
    }
    *val++ = '\0';
    trim_end(val);
    if (p->on_include == NULL ||
        (strcmp(s, "include") != 0 && strcmp(s, "includedir") != 0)) {
        return 0;
    }
    if (p->depth + 1 >= MMHA_OPTFILE_DEPTH_MAX) {
        snprintf(p->err, p->errlen, "!%s %s: more than %d levels of includes",
                 s, val, MMHA_OPTFILE_DEPTH_MAX);
        return MMHA_EXIT_CONFIG;
    }
    return p->on_include(p->include_ctx, s, val, p->depth + 1);
}

/* One key[=value] line of a group being read. */
static void option_line(struct mmha_optparse *p, char *s)
{
    char *eq = strchr(s, '=');
    char *key;
    char *v;

    if (eq == NULL) {
        trim_end(s);
        key = s;
        v = NULL;
    } else {
        *eq = '\0';
        trim_end(s);
        key = s;
        v = eq + 1;
        while (is_blank(*v)) {
            v++;
        }
        trim_end(v);
        unquote(v);
    }
    for (s = key; *s != '\0'; s++) {
        if (*s == '_') {
            *s = '-';
        }
    }
    p->on_option(p->ctx, key, v);
}

int mmha_optfile_parse(struct mmha_optparse *p, const char *text, size_t len)
{
    const char *at = text;
    const char *stop = text + len;
    bool found_group = false;
    bool reading = false;
    bool escaped = false;
    unsigned long lineno = 0;
    int rc = 0;

    while (at < stop && rc == 0) {
        const char *nl = memchr(at, '\n', (size_t)(stop - at));
        size_t n = nl != NULL ? (size_t)(nl - at) : (size_t)(stop - at);
        char *line = calloc(1, n + 1);
        char *s;

        if (line == NULL) {
            snprintf(p->err, p->errlen, "out of memory");
            return MMHA_EXIT_OSERR;
        }
        memcpy(line, at, n);
        at += n + (nl != NULL ? 1 : 0);
        lineno++;
        for (s = line; is_blank(*s); s++) {
        }
        if (!escaped && is_quote(*s)) {
            /* The client library skips a line that starts quoted. */
        } else if (*s == '!') {
            rc = directive(p, s + 1);
        } else if (*s == '#' || *s == ';' || *s == '\0') {
            /* comment or blank */
        } else if (*s == '[') {
            char *end = strchr(s + 1, ']');

            escaped = false;
            if (end == NULL) {
                snprintf(p->err, p->errlen, "line %lu: '[' without ']'",
                         lineno);
                rc = MMHA_EXIT_CONFIG;
            } else {
                *end = '\0';
                trim_end(s + 1);
                found_group = true;
                reading = in_groups(p, s + 1);
            }
        } else if (!found_group) {
            snprintf(p->err, p->errlen,
                     "line %lu: an option before any [group]", lineno);
            rc = MMHA_EXIT_CONFIG;
        } else {
            escaped = *s == '\\';
            if (reading) {
                option_line(p, s);
            }
        }
        free(line);
    }
    return rc;
}

/* Exists, is a regular file we may read, owned by us or root: 0 or code. */
static int check_owner(const char *option, const char *path, struct stat *st,
                       char *err, size_t errlen)
{
    uid_t me = geteuid();

    if (stat(path, st) != 0 || access(path, R_OK) != 0) {
        snprintf(err, errlen, "%s %s: cannot read it: %s", option, path,
                 strerror(errno));
        return MMHA_EXIT_NOINPUT;
    }
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "%s %s: not a regular file", option, path);
        return MMHA_EXIT_NOINPUT;
    }
    if (st->st_uid != me && st->st_uid != 0) {
        snprintf(err, errlen,
                 "%s %s: owned by uid %lu, neither this user (uid %lu) nor "
                 "root",
                 option, path, (unsigned long)st->st_uid, (unsigned long)me);
        return MMHA_EXIT_NOPERM;
    }
    return 0;
}

/* Not readable by group or others, else MMHA_EXIT_NOPERM; why: "" or why. */
static int check_private(const char *option, const char *path,
                         const struct stat *st, const char *why, char *err,
                         size_t errlen)
{
    if ((st->st_mode & (S_IRGRP | S_IROTH)) != 0) {
        snprintf(err, errlen,
                 "%s %s: %sreadable by group or others (mode %04o); chmod "
                 "600 it",
                 option, path, why, (unsigned int)(st->st_mode & 07777));
        return MMHA_EXIT_NOPERM;
    }
    return 0;
}

int mmha_optfile_check(const char *option, const char *path, char *err,
                       size_t errlen)
{
    struct stat st;
    int rc = check_owner(option, path, &st, err, errlen);

    return rc != 0 ? rc : check_private(option, path, &st, "", err, errlen);
}

bool mmha_optfile_secret(const char *key, const char *value)
{
    return value != NULL && value[0] != '\0' && strstr(key, "pass") != NULL;
}

struct reader {
    const char *option;
    const char *group;
    enum mmha_optfile_rule rule;
    mmha_optfile_cb on_option;
    void *ctx;
    char *err;
    size_t errlen;
};

/* One file being read: whether it holds a secret. */
struct file_read {
    struct reader *r;
    bool secret;
};

static void relay_option(void *ctx, const char *key, const char *value)
{
    struct file_read *f = ctx;

    if (mmha_optfile_secret(key, value)) {
        f->secret = true;
    }
    if (f->r->on_option != NULL) {
        f->r->on_option(f->r->ctx, key, value);
    }
}

/* The rule's check before reading: 0 or an exit code with r->err. */
static int check_before(struct reader *r, const char *path, struct stat *st)
{
    int rc = check_owner(r->option, path, st, r->err, r->errlen);

    if (rc != 0) {
        return rc;
    }
    if (r->rule == MMHA_OPTFILE_PRIVATE) {
        return check_private(r->option, path, st, "", r->err, r->errlen);
    }
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        snprintf(r->err, r->errlen,
                 "%s %s: writable by group or others (mode %04o); chmod "
                 "go-w it",
                 r->option, path, (unsigned int)(st->st_mode & 07777));
        return MMHA_EXIT_NOPERM;
    }
    return 0;
}

static int read_file(struct reader *r, const char *path, unsigned int depth);

static int on_include(void *ctx, const char *kind, const char *path,
                      unsigned int depth)
{
    struct reader *r = ctx;
    char file[4096];

    if (strcmp(kind, "include") == 0) {
        return read_file(r, path, depth);
    }
    /* The client library reads DIR/my.cnf of an !includedir, if there. */
    if (snprintf(file, sizeof(file), "%s/my.cnf", path) >= (int)sizeof(file) ||
        access(file, F_OK) != 0) {
        return 0;
    }
    return read_file(r, file, depth);
}

static int read_file(struct reader *r, const char *path, unsigned int depth)
{
    struct file_read one = {r, false};
    struct mmha_optparse p = {r->group, relay_option, &one,   on_include,
                              r,        depth,        r->err, r->errlen};
    struct stat st;
    char *text = NULL;
    char why[512] = "";
    size_t n = 0;
    FILE *f = NULL;
    int rc;

    rc = check_before(r, path, &st);
    if (rc != 0) {
        return rc;
    }
    f = fopen(path, "re");
    text = calloc(1, FILE_MAX + 1);
    if (f == NULL || text == NULL) {
        snprintf(r->err, r->errlen, "%s %s: cannot read it: %s", r->option,
                 path, f == NULL ? strerror(errno) : "out of memory");
        rc = f == NULL ? MMHA_EXIT_NOINPUT : MMHA_EXIT_OSERR;
        goto done;
    }
    n = fread(text, 1, FILE_MAX + 1, f);
    if (ferror(f) || n > FILE_MAX) {
        snprintf(r->err, r->errlen, "%s %s: %s", r->option, path,
                 ferror(f) ? "read error" : "larger than 1 MB");
        rc = ferror(f) ? MMHA_EXIT_IOERR : MMHA_EXIT_CONFIG;
        goto done;
    }
    p.err = why;
    p.errlen = sizeof(why);
    rc = mmha_optfile_parse(&p, text, n);
    if (rc != 0 && why[0] != '\0') {
        /* An included file's error already names its file. */
        if (strncmp(why, r->option, strlen(r->option)) == 0) {
            snprintf(r->err, r->errlen, "%s", why);
        } else {
            snprintf(r->err, r->errlen, "%s %s: %s", r->option, path, why);
        }
    }
    if (rc == 0 && one.secret) {
        /* A SHARED file may be readable by all only without a secret. */
        rc = check_private(r->option, path, &st, "holds a password and is ",
                           r->err, r->errlen);
    }
done:
    if (f != NULL) {
        fclose(f);
    }
    free(text);
    return rc;
}

int mmha_optfile_read_rule(const char *option, const char *path,
                           const char *group, enum mmha_optfile_rule rule,
                           mmha_optfile_cb on_option, void *ctx, char *err,
                           size_t errlen)
{
    struct reader r = {option, group, rule, on_option, ctx, err, errlen};

    return read_file(&r, path, 0);
}

int mmha_optfile_read(const char *option, const char *path, const char *group,
                      mmha_optfile_cb on_option, void *ctx, char *err,
                      size_t errlen)
{
    return mmha_optfile_read_rule(option, path, group, MMHA_OPTFILE_PRIVATE,
                                  on_option, ctx, err, errlen);
}

struct one_key {
    const char *key;
    char *buf;
    size_t len;
    bool found;
    bool too_long;
};

static void take_key(void *ctx, const char *key, const char *value)
{
    struct one_key *k = ctx;

    if (strcmp(key, k->key) != 0 || value == NULL) {
        return;
    }
    /* The last occurrence wins, as in the client library. */
    k->found = true;
    k->too_long = strlen(value) >= k->len;
    snprintf(k->buf, k->len, "%s", value);
}

int mmha_optfile_get(const char *option, const char *path, const char *group,
                     const char *key, char *buf, size_t len, char *err,
                     size_t errlen)
{
    struct one_key k = {key, buf, len, false, false};
    int rc;

    if (len > 0) {
        buf[0] = '\0';
    }
    rc = mmha_optfile_read(option, path, group, take_key, &k, err, errlen);
    if (rc != 0) {
        return rc;
    }
    if (k.too_long) {
        snprintf(err, errlen, "%s %s: %s is longer than %zu bytes", option,
                 path, key, len - 1);
        return MMHA_EXIT_CONFIG;
    }
    return k.found ? 0 : 1;
}
