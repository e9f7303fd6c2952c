/*
 * Binlog coordinates and server variables, shared by the subcommands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"

/* The number after the last dot of a binlog name, -1 if none. */
static long long file_seq(const char *f, size_t *base_len)
{
    const char *dot = strrchr(f, '.');
    char *end = NULL;
    long long v;

    if (dot == NULL || dot[1] == '\0') {
        return -1;
    }
    v = strtoll(dot + 1, &end, 10);
    if (*end != '\0') {
        return -1;
    }
    *base_len = (size_t)(dot - f);
    return v;
}

/*
 * Order of two binlog coordinates: <0, 0, >0; 2 when they cannot be
 * compared (different base names).
 */
int coord_cmp(const char *fa, uint64_t pa, const char *fb, uint64_t pb)
{
    size_t la = 0;
    size_t lb = 0;
    long long sa = file_seq(fa, &la);
    long long sb = file_seq(fb, &lb);

    if (strcmp(fa, fb) == 0) {
        return pa < pb ? -1 : pa > pb ? 1 : 0;
    }
    if (sa < 0 || sb < 0 || la != lb || strncmp(fa, fb, la) != 0) {
        return 2;
    }
    return sa < sb ? -1 : 1;
}

enum mmha_gtid_kind gtid_kind(const struct mmha_conn *c)
{
    return c->version.flavour == MMHA_FLAVOUR_MARIADB ? MMHA_GTID_MARIADB
                                                      : MMHA_GTID_MYSQL;
}

unsigned int read_var(struct mmha_conn *c, enum mmha_sql key, char *buf,
                      size_t len)
{
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT %s", mmha_sql_text(&c->version, key));
    return mmha_query_value(c, sql, buf, len, NULL);
}
