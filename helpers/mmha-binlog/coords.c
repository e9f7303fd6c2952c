/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Binlog coordinates and server variables, shared by the subcommands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"

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

unsigned int read_ignore_domains(struct mmha_conn *c, char *buf, size_t len)
{
    const char *col = mmha_sql_text(&c->version, MMHA_COL_IGNORE_DOMAINS);
    struct mmha_row r;
    const char *v;
    size_t n = 0;
    unsigned int e;

    buf[0] = '\0';
    if (col[0] == '\0') {
        return 0;
    }
    e = mmha_query_row(
        c, mmha_sql_text(&c->version, MMHA_SQL_SHOW_REPLICA_STATUS), &r);
    if (e != 0) {
        return e;
    }
    /* The server writes "2, 7": kept without the blanks. */
    v = mmha_row_get(&r, col);
    for (; v != NULL && *v != '\0' && n + 1 < len; v++) {
        if (*v != ' ') {
            buf[n++] = *v;
        }
    }
    buf[n] = '\0';
    mmha_row_free(&r);
    return 0;
}

/* Domain ids are 32-bit: "1,2", no blanks, no empty item; "" is valid. */
bool domain_list_valid(const char *list)
{
    const char *p = list;
    char *end = NULL;
    unsigned long long v;

    while (*p != '\0') {
        if (*p < '0' || *p > '9') {
            return false;
        }
        errno = 0;
        v = strtoull(p, &end, 10);
        if (errno != 0 || v > 0xffffffffULL) {
            return false;
        }
        p = end;
        if (*p == ',') {
            p++;
            if (*p == '\0') {
                return false;
            }
        } else if (*p != '\0') {
            return false;
        }
    }
    return true;
}

bool domain_list_has(const char *list, unsigned long domain)
{
    const char *p = list;
    char *end = NULL;

    while (*p >= '0' && *p <= '9') {
        if (strtoul(p, &end, 10) == domain) {
            return true;
        }
        if (*end != ',') {
            break;
        }
        p = end + 1;
    }
    return false;
}

void replica_out(struct mmha_out *o, const char *key,
                 const struct mmha_replica_status *r, const char *ignore)
{
    mmha_out_object_begin(o, key);
    mmha_replica_status_out(o, NULL, r);
    mmha_out_str(o, "ignore_domains", ignore);
    mmha_out_close(o);
}

int replica_read(struct mmha_conn *c, struct mmha_replica_status *r)
{
    unsigned int e = mmha_replica_status_read(c, r);

    if (e != 0) {
        mmha_err("cannot read the replica status: %s", mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    return MMHA_EXIT_OK;
}

int source_connect(const struct args *a, const char *host, unsigned int port,
                   const struct mmha_deadline *d, struct mmha_conn *src,
                   char *msg, size_t len)
{
    struct mmha_conn_opts so = a->common.conn;

    if (a->repl_defaults != NULL) {
        memset(&so, 0, sizeof(so));
        so.defaults_file = a->repl_defaults;
    }
    so.host = host;
    so.port = port;
    so.socket = NULL;
    return mmha_connect(src, &so, d, msg, len);
}
