/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared option handling and bounded number parsing. */
#include "opts.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void mmha_common_defaults(struct mmha_common *c, int64_t timeout_ms)
{
    memset(c, 0, sizeof(*c));
    c->timeout_ms = timeout_ms;
    c->format = MMHA_FORMAT_HUMAN;
}

bool mmha_parse_int(const char *name, const char *s, int64_t min, int64_t max,
                    int64_t *out)
{
    char *end = NULL;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (s[0] == '\0' || end == NULL || *end != '\0' || errno != 0) {
        mmha_err("%s: '%s' is not a whole number", name, s);
        return false;
    }
    if (v < min || v > max) {
        mmha_err("%s: %lld is out of range (%lld to %lld)", name, v,
                 (long long)min, (long long)max);
        return false;
    }
    *out = v;
    return true;
}

bool mmha_parse_seconds_ms(const char *name, const char *s, int64_t min_ms,
                           int64_t max_ms, int64_t *out_ms)
{
    char *end = NULL;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (s[0] == '\0' || end == NULL || *end != '\0' || errno != 0 || v != v) {
        mmha_err("%s: '%s' is not a number of seconds", name, s);
        return false;
    }
    if (v * 1000.0 < (double)min_ms || v * 1000.0 > (double)max_ms) {
        mmha_err("%s: %s is out of range (%.3f to %.3f seconds)", name, s,
                 (double)min_ms / 1000.0, (double)max_ms / 1000.0);
        return false;
    }
    *out_ms = (int64_t)(v * 1000.0 + 0.5);
    return true;
}

int mmha_common_option(struct mmha_common *c, int opt, const char *arg)
{
    int64_t n;

    switch (opt) {
    case MMHA_OPT_DEFAULTS_FILE: c->conn.defaults_file = arg; return 1;
    case MMHA_OPT_DEFAULTS_GROUP: c->conn.group = arg; return 1;
    case MMHA_OPT_FORMAT:
        if (!mmha_format_parse(arg, &c->format)) {
            mmha_err("--format: '%s' is not one of human, shell, json", arg);
            return -1;
        }
        return 1;
    case 'H': c->help = true; return 1;
    case MMHA_OPT_HOST: c->conn.host = arg; return 1;
    case MMHA_OPT_PASSWORD:
        /* A password in argv shows in ps(1) and shell history. */
        mmha_err("--password: not accepted on the command line; put it in "
                 "an option file and pass --defaults-file");
        return -1;
    case MMHA_OPT_PORT:
        if (!mmha_parse_int("--port", arg, 1, 65535, &n)) {
            return -1;
        }
        c->conn.port = (unsigned int)n;
        return 1;
    case MMHA_OPT_SOCKET: c->conn.socket = arg; return 1;
    case MMHA_OPT_SYSLOG: c->syslog = true; return 1;
    case MMHA_OPT_TIMEOUT:
        if (!mmha_parse_seconds_ms("--timeout", arg, 1, 86400 * 1000,
                                   &c->timeout_ms)) {
            return -1;
        }
        return 1;
    case MMHA_OPT_USER: c->conn.user = arg; return 1;
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
        mmha_err("%s: unknown option or missing value (see %s --help)", word,
                 tool);
    }
}

bool mmha_parse_binlog_pos(const char *s, char *file, size_t len, uint64_t *pos)
{
    const char *colon = strrchr(s, ':');
    char *end = NULL;
    unsigned long long v;

    if (colon == NULL || colon == s || (size_t)(colon - s) >= len ||
        colon[1] < '0' || colon[1] > '9') {
        return false;
    }
    errno = 0;
    v = strtoull(colon + 1, &end, 10);
    if (*end != '\0' || errno != 0) {
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
    char *end = NULL;
    long v;

    if (colon == NULL) {
        return false;
    }
    hl = (size_t)(colon - s);
    if (s[0] == '[' && hl >= 2 && s[hl - 1] == ']') {
        h = s + 1;
        hl -= 2;
    }
    if (hl == 0 || hl >= len) {
        return false;
    }
    errno = 0;
    v = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || errno != 0 || v < 1 || v > 65535) {
        return false;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (unsigned int)v;
    return true;
}
