/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Options every helper shares (connection, --timeout, --format, -v,
 * --syslog) and bounded number parsing with messages that name the option.
 */
#ifndef MMHA_OPTS_H
#define MMHA_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conn.h"
#include "output.h"

/* Long-only option codes, above any character. */
enum mmha_common_opt {
    MMHA_OPT_CHECK_ARGS = 0x1000,
    MMHA_OPT_DEFAULTS_EXTRA_FILE,
    MMHA_OPT_DEFAULTS_FILE,
    MMHA_OPT_DEFAULTS_GROUP,
    MMHA_OPT_FORMAT,
    MMHA_OPT_HOST,
    MMHA_OPT_NO_DEFAULTS,
    MMHA_OPT_PASSWORD,
    MMHA_OPT_PORT,
    MMHA_OPT_PRINT_DEFAULTS,
    MMHA_OPT_SOCKET,
    MMHA_OPT_SYSLOG,
    MMHA_OPT_TIMEOUT,
    MMHA_OPT_USER,
    MMHA_OPT_VERSION,
    MMHA_OPT_FIRST_OWN = 0x1100, /* a tool's own long options start here */
};

/* Put these first in a tool's struct option table. */
#define MMHA_COMMON_LONGOPTS                                                   \
    {"check-args", no_argument, NULL, MMHA_OPT_CHECK_ARGS},                    \
        {"defaults-extra-file", required_argument, NULL,                       \
         MMHA_OPT_DEFAULTS_EXTRA_FILE},                                        \
        {"defaults-file", required_argument, NULL, MMHA_OPT_DEFAULTS_FILE},    \
        {"defaults-group", required_argument, NULL, MMHA_OPT_DEFAULTS_GROUP},  \
        {"format", required_argument, NULL, MMHA_OPT_FORMAT},                  \
        {"help", no_argument, NULL, 'H'},                                      \
        {"host", required_argument, NULL, MMHA_OPT_HOST},                      \
        {"no-defaults", no_argument, NULL, MMHA_OPT_NO_DEFAULTS},              \
        {"password", optional_argument, NULL, MMHA_OPT_PASSWORD},              \
        {"port", required_argument, NULL, MMHA_OPT_PORT},                      \
        {"print-defaults", no_argument, NULL, MMHA_OPT_PRINT_DEFAULTS},        \
        {"socket", required_argument, NULL, MMHA_OPT_SOCKET},                  \
        {"syslog", no_argument, NULL, MMHA_OPT_SYSLOG},                        \
        {"timeout", required_argument, NULL, MMHA_OPT_TIMEOUT},                \
        {"user", required_argument, NULL, MMHA_OPT_USER},                      \
        {"version", no_argument, NULL, MMHA_OPT_VERSION},                      \
    {                                                                          \
        "verbose", no_argument, NULL, 'v'                                      \
    }

struct mmha_common {
    struct mmha_conn_opts conn;
    int64_t timeout_ms; /* -1 = none given */
    enum mmha_format format;
    int verbose;
    bool syslog;
    bool help;
    bool version;        /* --version: print MMHA_VERSION, exit 0 */
    bool check_args;     /* --check-args: validate, exit 0, connect nowhere */
    bool print_defaults; /* --print-defaults: print the files' options */
};

void mmha_common_defaults(struct mmha_common *c, int64_t timeout_ms);

/*
 * Handle one getopt result if it is a common option: 1 = handled,
 * 0 = not a common option, -1 = bad value (message already logged; exit
 * MMHA_EXIT_USAGE).
 */
int mmha_common_option(struct mmha_common *c, int opt, const char *arg);

/* The one-line message for an unknown option or missing argument. */
void mmha_bad_option(const char *tool, int optopt_value, char **argv);

/* One line of --help: an option and what it does. */
struct mmha_help {
    const char *option; /* "--timeout S" */
    const char *what;   /* "bound on the whole call, in seconds" */
};

/* Print "options:" lines from a table ending with {NULL, NULL}. */
void mmha_help_print(FILE *f, const char *title, const struct mmha_help *h);

/* The common options' lines (every helper's --help ends with them). */
void mmha_common_help(FILE *f);

/*
 * The option files of the connection (defaults.h), before any: each
 * checked by its rule and read. 0, or an exit code (66, 77, 78) after one
 * line naming the file.
 */
int mmha_conn_files_ok(const struct mmha_common *c);

/*
 * --print-defaults: the options the connection would read from its files
 * (defaults.h, mmha_defaults_print) on stdout. 0, or the exit code of
 * mmha_conn_files_ok after its line. The caller exits then; it takes
 * precedence over --check-args (both connect nowhere).
 */
int mmha_print_defaults(const char *tool, const struct mmha_common *c);

/*
 * Another option file named on the command line, before any connection: its
 * mode and owner (optfile.h, mmha_optfile_check) and its syntax, with
 * what it includes. NULL path: nothing to check. 0, or an exit code (66,
 * 77, 78) after one line naming the option.
 */
int mmha_option_file_ok(const char *option, const char *path,
                        const char *group);

/* "TOOL VERSION" on stdout (--version). */
void mmha_print_version(const char *tool);

/*
 * A value as a message shows it: its first 40 characters, then "...",
 * and every control character as '?', so that a refusal stays one short
 * line whatever was given. Static buffers used in turn (4 values at most
 * in one message); for the messages of the option parsing.
 */
const char *mmha_arg_text(const char *s);

/*
 * What a string option may hold, checked by mmha_check_name:
 *   ATTR  a Pacemaker attribute name (prefix): letters, digits, _ . -;
 *         at most 200 characters
 *   WORD  a name (user, node, group): no blank, quote, backslash,
 *         glob character (* ? [ ]) or control character; at most 255
 *   HOST  a host name or address: letters, digits, . - _ : %; at most 255
 *   PATH  a file: not empty, no control character, shorter than PATH_MAX
 * Each refuses the empty string. False after one line naming the option.
 */
enum mmha_name_kind {
    MMHA_NAME_ATTR,
    MMHA_NAME_WORD,
    MMHA_NAME_HOST,
    MMHA_NAME_PATH,
};
bool mmha_check_name(const char *opt, const char *s, enum mmha_name_kind kind);

/*
 * Numbers, each bounded, with "--name: ..." on error (returns false).
 * One grammar everywhere: decimal digits, no sign, blank or leading zero
 * ("0" itself is fine), so "+80", "08", "0x10", "1e3" and " 5" are
 * refused. Seconds accept up to three decimals ("0.3", "2.125") and are
 * returned in milliseconds.
 */
bool mmha_parse_int(const char *name, const char *s, int64_t min, int64_t max,
                    int64_t *out);
bool mmha_parse_seconds_ms(const char *name, const char *s, int64_t min_ms,
                           int64_t max_ms, int64_t *out_ms);

/* The same grammar without a message: s into *out if at most max. */
bool mmha_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* "FILE:POS" into file (len bytes) and pos; false if malformed. */
bool mmha_parse_binlog_pos(const char *s, char *file, size_t len,
                           uint64_t *pos);

/* "HOST:PORT" (or "[v6]:PORT") into host and port. */
bool mmha_parse_host_port(const char *s, char *host, size_t len,
                          unsigned int *port);

#endif
