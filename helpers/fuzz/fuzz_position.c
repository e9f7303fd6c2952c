/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the position and number parsers of the command line
 * (opts.c): FILE:POS, HOST:PORT, whole numbers and seconds. Whatever they
 * accept must print back as the same digits.
 */
#include <inttypes.h>
#include <stdio.h>

#include "opts.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_string(data, size);
    char file[256];
    char host[256];
    char back[64];
    uint64_t pos;
    unsigned int port;
    int64_t v;

    if (s == NULL) {
        return 0;
    }
    if (mmha_parse_binlog_pos(s, file, sizeof(file), &pos)) {
        snprintf(back, sizeof(back), ":%" PRIu64, pos);
        if (strstr(s, back) == NULL || strlen(file) == 0) {
            abort();
        }
    }
    if (mmha_parse_host_port(s, host, sizeof(host), &port) &&
        (port < 1 || port > 65535 || host[0] == '\0')) {
        abort();
    }
    if (mmha_parse_int("--n", s, 0, INT64_MAX, &v)) {
        snprintf(back, sizeof(back), "%" PRId64, v);
        if (strcmp(back, s) != 0) {
            abort();
        }
    }
    if (mmha_parse_seconds_ms("--t", s, 0, INT64_MAX / 2, &v) && v < 0) {
        abort();
    }
    free(s);
    return 0;
}
