/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the GTID set parser (gtid.c), both flavours, and the
 * set arithmetic and formatting on what it accepts: formatting a parsed
 * set and parsing it again gives the same set.
 */
#include <stdio.h>

#include "gtid.h"

#include "fuzz.h"

static void one(enum mmha_gtid_kind kind, const char *text)
{
    struct mmha_gtid_set a;
    struct mmha_gtid_set b;
    struct mmha_gtid_set u;
    struct mmha_gtid_set d;
    char err[160];
    char *out;

    if (!mmha_gtid_parse(&a, kind, text, err, sizeof(err))) {
        return;
    }
    out = mmha_gtid_format_dup(&a);
    if (out == NULL) {
        mmha_gtid_free(&a);
        return;
    }
    if (!mmha_gtid_parse(&b, kind, out, err, sizeof(err))) {
        fprintf(stderr, "formatted set does not parse: %s (%s)\n", out, err);
        abort();
    }
    /* MariaDB prints a position (the last GTID of each domain): compare
     * the printed forms; MySQL sets print whole. */
    if (kind == MMHA_GTID_MYSQL &&
        mmha_gtid_compare(&a, &b) != MMHA_GTID_EQUAL) {
        fprintf(stderr, "set changed through its text: %s\n", out);
        abort();
    }
    if (mmha_gtid_union(&u, &a, &b) && mmha_gtid_subtract(&d, &u, &a)) {
        if (kind == MMHA_GTID_MYSQL && !mmha_gtid_empty(&d)) {
            fprintf(stderr, "(a + a) - a is not empty: %s\n", out);
            abort();
        }
        mmha_gtid_free(&d);
    }
    mmha_gtid_free(&u);
    (void)mmha_gtid_count(&a);
    free(out);
    mmha_gtid_free(&a);
    mmha_gtid_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);

    if (text != NULL) {
        one(MMHA_GTID_MARIADB, text);
        one(MMHA_GTID_MYSQL, text);
    }
    free(text);
    return 0;
}
