/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared option handling and bounded number parsing. */
#include "opts.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "log.h"
#include "optfile.h"
#include "version.h"

enum {
    NAME_ATTR_MAX = 200,           /* leaves room for "-lag-ms" */
    NAME_WORD_MAX = 255,           /* a host name, a node, an account */
    NAME_PATH_MAX = PATH_MAX - 1,  /* what open(2) takes */
    TIMEOUT_MAX_MS = 86400 * 1000, /* --timeout: one day */
    ARG_TEXT_MAX = 40,             /* characters of a value a message shows */
    ARG_TEXT_BUFS = 4,             /* values one message may show */
};

const char *mmha_arg_text(const char *s)
{
    static char bufs[ARG_TEXT_BUFS][ARG_TEXT_MAX + sizeof("...")];
    static unsigned int next;
    char *b = bufs[next++ % ARG_TEXT_BUFS];
    size_t i;

    if (s == NULL) {
        return "";
    }
    for (i = 0; i < ARG_TEXT_MAX && s[i] != '\0'; i++) {
        unsigned char ch = (unsigned char)s[i];

        b[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    if (s[i] == '\0') {
        b[i] = '\0';
        return b;
    }
    /* Cut before a UTF-8 character, not inside one. */
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) {
        i--;
    }
    memcpy(b + i, "...", sizeof("..."));
    return b;
}

void mmha_common_defaults(struct mmha_common *c, int64_t timeout_ms)
{
    memset(c, 0, sizeof(*c));
    c->timeout_ms = timeout_ms;
    c->format = MMHA_FORMAT_HUMAN;
}

/*
 * The one number grammar of every option: decimal digits only, no sign, no
 * blank, no leading zero (but "0" itself), at most 20 digits; false when
 * malformed or above max.  *too_big tells the two apart.
 */
static bool parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out,
                      bool *too_big)
{
    uint64_t v = 0;
    size_t i;

    *too_big = false;
    if (n == 0 || (n > 1 && s[0] == '0')) {
        return false;
    }
    for (i = 0; i < n; i++) {
        unsigned int d;

        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        d = (unsigned int)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) {
            v = UINT64_MAX;
            *too_big = true;
            continue; /* still check the rest are digits */
        }
        v = v * 10 + d;
    }
    if (*too_big || v > max) {
        *too_big = true;
        return false;
    }
    *out = v;
    return true;
}

bool mmha_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    bool too_big;

    return s != NULL && parse_u64(s, strlen(s), max, out, &too_big);
}

/* "1.5" seconds from ms, without trailing zeros. */
static const char *ms_text(int64_t ms, char *buf, size_t len)
{
    if (ms % 1000 == 0) {
        snprintf(buf, len, "%lld", (long long)(ms / 1000));
    } else if (ms % 100 == 0) {
        snprintf(buf, len, "%lld.%01lld", (long long)(ms / 1000),
                 (long long)(ms % 1000 / 100));
    } else if (ms % 10 == 0) {
        snprintf(buf, len, "%lld.%02lld", (long long)(ms / 1000),
                 (long long)(ms % 1000 / 10));
    } else {
        snprintf(buf, len, "%lld.%03lld", (long long)(ms / 1000),
                 (long long)(ms % 1000));
    }
    return buf;
}

bool mmha_parse_int(const char *name, const char *s, int64_t min, int64_t max,
                    int64_t *out)
{
    uint64_t v = 0;
    bool too_big = false;

    if (min < 0 || max < min) {
        mmha_err("%s: internal error: bad bounds", name);
        return false;
    }
    if (!parse_u64(s, strlen(s), (uint64_t)max, &v, &too_big) && !too_big) {
        mmha_err("%s: '%s' is not a decimal whole number", name,
                 mmha_arg_text(s));
        return false;
    }
    if (too_big || v < (uint64_t)min) {
        mmha_err("%s: '%s' is out of range (%lld to %lld)", name,
                 mmha_arg_text(s), (long long)min, (long long)max);
        return false;
    }
    *out = (int64_t)v;
    return true;
}

bool mmha_parse_seconds_ms(const char *name, const char *s, int64_t min_ms,
                           int64_t max_ms, int64_t *out_ms)
{
    const char *dot = strchr(s, '.');
    size_t ilen = dot != NULL ? (size_t)(dot - s) : strlen(s);
    size_t flen = dot != NULL ? strlen(dot + 1) : 0;
    uint64_t whole = 0;
    uint64_t frac = 0;
    bool too_big = false;
    char lo[32];
    char hi[32];
    size_t i;

    if (!parse_u64(s, ilen, (uint64_t)INT64_MAX / 1000 - 1, &whole, &too_big) &&
        !too_big) {
        goto malformed;
    }
    if (dot != NULL) {
        if (flen == 0 || flen > 3) {
            goto malformed;
        }
        for (i = 0; i < flen; i++) {
            if (dot[1 + i] < '0' || dot[1 + i] > '9') {
                goto malformed;
            }
            frac = frac * 10 + (uint64_t)(dot[1 + i] - '0');
        }
        for (; i < 3; i++) {
            frac *= 10;
        }
    }
    if (too_big || (int64_t)(whole * 1000 + frac) < min_ms ||
        (int64_t)(whole * 1000 + frac) > max_ms) {
        mmha_err("%s: '%s' is out of range (%s to %s seconds)", name,
                 mmha_arg_text(s), ms_text(min_ms, lo, sizeof(lo)),
                 ms_text(max_ms, hi, sizeof(hi)));
        return false;
    }
    *out_ms = (int64_t)(whole * 1000 + frac);
    return true;

malformed:
    mmha_err("%s: '%s' is not a number of seconds (decimal, at most 3 "
             "decimals)",
             name, mmha_arg_text(s));
    return false;
}

void mmha_help_print(FILE *f, const char *title, const struct mmha_help *h)
{
    fprintf(f, "%s:\n", title);
    for (; h->option != NULL; h++) {
        fprintf(f, "  %-26s %s\n", h->option, h->what);
    }
}

void mmha_common_help(FILE *f)
{
    static const struct mmha_help common[] = {
        {"--check-args", "check the command line, exit 0; connect nowhere"},
        {"--defaults-extra-file FILE",
         "read FILE too, after /etc, before ~/.my.cnf"},
        {"--defaults-file FILE", "read FILE only (user, password; mode 0600)"},
        {"--defaults-group G", "option group read besides [client]"},
        {"--format human|shell|json", "output format (default human)"},
        {"--help", "this text"},
        {"--host HOST", "server host (overrides the option file)"},
        {"--no-defaults", "read no option file (so no password)"},
        {"--port PORT", "server port, 1 to 65535"},
        {"--print-defaults",
         "print the files' options (password *****), exit 0"},
        {"--socket PATH", "server socket (overrides the option file)"},
        {"--syslog", "log to syslog too"},
        {"--timeout S", "bound in seconds, 0.001 to 86400 (e.g. 0.3)"},
        {"--user USER", "user name (overrides the option file)"},
        {"-v, --verbose", "more log detail; twice for debug"},
        {"--version", "print the version and exit"},
        {NULL, NULL},
    };

    mmha_help_print(f, "common options", common);
}

static void ignore_option(void *ctx, const char *key, const char *value)
{
    (void)ctx;
    (void)key;
    (void)value;
}

int mmha_conn_files_ok(const struct mmha_common *c)
{
    char err[1024];
    int rc =
        mmha_defaults_read(&c->conn, ignore_option, NULL, err, sizeof(err));

    if (rc != 0) {
        mmha_err("%s", err);
    }
    return rc;
}

int mmha_print_defaults(const char *tool, const struct mmha_common *c)
{
    char err[1024];
    int rc = mmha_defaults_print(stdout, tool, &c->conn, err, sizeof(err));

    if (rc != 0) {
        mmha_err("%s", err);
    }
    return rc;
}

int mmha_option_file_ok(const char *option, const char *path, const char *group)
{
    char err[1024];
    int rc;

    if (path == NULL) {
        return 0;
    }
    rc = mmha_optfile_read(option, path, group, ignore_option, NULL, err,
                           sizeof(err));
    if (rc != 0) {
        mmha_err("%s", err);
    }
    return rc;
}

void mmha_print_version(const char *tool)
{
    printf("%s %s\n", tool, MMHA_VERSION);
}

/* Whether ch may appear in a name of this kind. */
static bool name_char_ok(unsigned char ch, enum mmha_name_kind kind)
{
    if (ch < 0x20 || ch == 0x7f) {
        return false;
    }
    switch (kind) {
    case MMHA_NAME_ATTR:
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
    case MMHA_NAME_WORD: return strchr(" '\"`\\*?[]", ch) == NULL;
    case MMHA_NAME_HOST:
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch >= '0' && ch <= '9') || strchr(".-_:%", ch) != NULL;
    case MMHA_NAME_PATH:
    default: return true;
    }
}

bool mmha_check_name(const char *opt, const char *s, enum mmha_name_kind kind)
{
    static const char *const what[] = {
        [MMHA_NAME_ATTR] = "letters, digits, '_', '.' and '-' only",
        [MMHA_NAME_WORD] = "no blank, quote, backslash, glob, control char",
        [MMHA_NAME_HOST] = "letters, digits, '.', '-', '_', ':', '%' only",
        [MMHA_NAME_PATH] = "no control character",
    };
    static const size_t max[] = {
        [MMHA_NAME_ATTR] = NAME_ATTR_MAX,
        [MMHA_NAME_WORD] = NAME_WORD_MAX,
        [MMHA_NAME_HOST] = NAME_WORD_MAX,
        [MMHA_NAME_PATH] = NAME_PATH_MAX,
    };
    size_t i;

    if (s == NULL || s[0] == '\0') {
        mmha_err("%s: must not be empty", opt);
        return false;
    }
    for (i = 0; s[i] != '\0'; i++) {
        if (!name_char_ok((unsigned char)s[i], kind)) {
            mmha_err("%s: '%s' is not usable (%s)", opt, mmha_arg_text(s),
                     what[kind]);
            return false;
        }
    }
    if (i > max[kind]) {
        mmha_err("%s: '%s' is longer than %zu characters", opt,
                 mmha_arg_text(s), max[kind]);
        return false;
    }
    return true;
}

/* The option-file options, by name. */
static const struct {
    int opt;
    const char *name;
} FILE_OPTS[] = {
    {MMHA_OPT_DEFAULTS_EXTRA_FILE, "--defaults-extra-file"},
    {MMHA_OPT_DEFAULTS_FILE, "--defaults-file"},
    {MMHA_OPT_DEFAULTS_GROUP, "--defaults-group"},
    {MMHA_OPT_NO_DEFAULTS, "--no-defaults"},
};

/* Pairs of them that exclude one another. */
static const int FILE_OPTS_EXCLUSIVE[][2] = {
    {MMHA_OPT_DEFAULTS_FILE, MMHA_OPT_DEFAULTS_EXTRA_FILE},
    {MMHA_OPT_DEFAULTS_FILE, MMHA_OPT_NO_DEFAULTS},
    {MMHA_OPT_DEFAULTS_EXTRA_FILE, MMHA_OPT_NO_DEFAULTS},
    {MMHA_OPT_DEFAULTS_GROUP, MMHA_OPT_NO_DEFAULTS},
};

static const char *file_opt_name(int opt)
{
    size_t i;

    for (i = 0; i < sizeof(FILE_OPTS) / sizeof(FILE_OPTS[0]); i++) {
        if (FILE_OPTS[i].opt == opt) {
            return FILE_OPTS[i].name;
        }
    }
    return "?";
}

static bool file_opt_given(const struct mmha_conn_opts *o, int opt)
{
    switch (opt) {
    case MMHA_OPT_DEFAULTS_EXTRA_FILE: return o->extra_file != NULL;
    case MMHA_OPT_DEFAULTS_FILE: return o->defaults_file != NULL;
    case MMHA_OPT_DEFAULTS_GROUP: return o->group != NULL;
    default: return o->no_defaults;
    }
}

/*
 * Whether option-file option opt may join those already given, whatever
 * their order: false after one line naming opt and the other.
 */
static bool files_combine(const struct mmha_common *c, int opt)
{
    size_t i;

    for (i = 0;
         i < sizeof(FILE_OPTS_EXCLUSIVE) / sizeof(FILE_OPTS_EXCLUSIVE[0]);
         i++) {
        const int *pair = FILE_OPTS_EXCLUSIVE[i];
        int other = pair[0] == opt ? pair[1] : pair[1] == opt ? pair[0] : 0;

        if (other != 0 && file_opt_given(&c->conn, other)) {
            mmha_err("%s: not with %s (see --help)", file_opt_name(opt),
                     file_opt_name(other));
            return false;
        }
    }
    return true;
}

int mmha_common_option(struct mmha_common *c, int opt, const char *arg)
{
    int64_t n;

    switch (opt) {
    case MMHA_OPT_CHECK_ARGS: c->check_args = true; return 1;
    case MMHA_OPT_DEFAULTS_EXTRA_FILE:
        if (!mmha_check_name("--defaults-extra-file", arg, MMHA_NAME_PATH) ||
            !files_combine(c, opt)) {
            return -1;
        }
        c->conn.extra_file = arg;
        return 1;
    case MMHA_OPT_DEFAULTS_FILE:
        if (!mmha_check_name("--defaults-file", arg, MMHA_NAME_PATH) ||
            !files_combine(c, opt)) {
            return -1;
        }
        c->conn.defaults_file = arg;
        return 1;
    case MMHA_OPT_DEFAULTS_GROUP:
        if (!mmha_check_name("--defaults-group", arg, MMHA_NAME_ATTR) ||
            !files_combine(c, opt)) {
            return -1;
        }
        c->conn.group = arg;
        return 1;
    case MMHA_OPT_FORMAT:
        if (!mmha_format_parse(arg, &c->format)) {
            mmha_err("--format: '%s' is not one of human, shell, json",
                     mmha_arg_text(arg));
            return -1;
        }
        return 1;
    case 'H': c->help = true; return 1;
    case MMHA_OPT_HOST:
        if (!mmha_check_name("--host", arg, MMHA_NAME_HOST)) {
            return -1;
        }
        c->conn.host = arg;
        return 1;
    case MMHA_OPT_NO_DEFAULTS:
        if (!files_combine(c, opt)) {
            return -1;
        }
        c->conn.no_defaults = true;
        return 1;
    case MMHA_OPT_PASSWORD:
        /* A password in argv shows in ps(1) and shell history. */
        mmha_err("--password: not accepted on the command line; put it in "
                 "an option file (mode 0600): ~/.my.cnf or --defaults-file");
        return -1;
    case MMHA_OPT_PORT:
        if (!mmha_parse_int("--port", arg, 1, 65535, &n)) {
            return -1;
        }
        c->conn.port = (unsigned int)n;
        return 1;
    case MMHA_OPT_PRINT_DEFAULTS: c->print_defaults = true; return 1;
    case MMHA_OPT_SOCKET:
        if (!mmha_check_name("--socket", arg, MMHA_NAME_PATH)) {
            return -1;
        }
        c->conn.socket = arg;
        return 1;
    case MMHA_OPT_SYSLOG: c->syslog = true; return 1;
    case MMHA_OPT_TIMEOUT:
        if (!mmha_parse_seconds_ms("--timeout", arg, 1, TIMEOUT_MAX_MS,
                                   &c->timeout_ms)) {
            return -1;
        }
        return 1;
    case MMHA_OPT_USER:
        if (!mmha_check_name("--user", arg, MMHA_NAME_PATH)) {
            return -1;
        }
        c->conn.user = arg;
        return 1;
    case MMHA_OPT_VERSION: c->version = true; return 1;
    case 'v': c->verbose++; return 1;
    default: return 0;
    }
}

void mmha_bad_option(const char *tool, int optopt_value, char **argv)
{
    /* getopt has already advanced optind past the offending word. */
    const char *word = optind > 0 ? argv[optind - 1] : "?";

    if (optopt_value != 0 && optopt_value < 0x100) {
        mmha_err("-%c: unknown option or missing value (see %s --help)",
                 optopt_value, tool);
    } else {
        mmha_err("%s: unknown option or missing value (see %s --help)",
                 mmha_arg_text(word), tool);
    }
}

bool mmha_parse_binlog_pos(const char *s, char *file, size_t len, uint64_t *pos)
{
    const char *colon = strrchr(s, ':');
    uint64_t v;

    if (colon == NULL || colon == s || (size_t)(colon - s) >= len ||
        !mmha_parse_u64(colon + 1, UINT64_MAX, &v)) {
        return false;
    }
    memcpy(file, s, (size_t)(colon - s));
    file[colon - s] = '\0';
    *pos = v;
    return true;
}

bool mmha_parse_host_port(const char *s, char *host, size_t len,
                          unsigned int *port)
{
    const char *colon = strrchr(s, ':');
    const char *h = s;
    size_t hl;
    uint64_t v;

    if (colon == NULL) {
        return false;
    }
    hl = (size_t)(colon - s);
    if (s[0] == '[' && hl >= 2 && s[hl - 1] == ']') {
        h = s + 1;
        hl -= 2;
    }
    if (hl == 0 || hl >= len || !mmha_parse_u64(colon + 1, 65535, &v) ||
        v < 1) {
        return false;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (unsigned int)v;
    return true;
}
