/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sessions of a server as (ID, HOST) rows, for clients and replica
 * reconnect: the statement comes from the dialect table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"

unsigned int procs_read(struct mmha_conn *c, enum mmha_sql key,
                        struct procs *out)
{
    MYSQL_RES *res;
    MYSQL_ROW row;

    memset(out, 0, sizeof(*out));
    if (mysql_query(c->my, mmha_sql_text(&c->version, key)) != 0) {
        return mysql_errno(c->my);
    }
    res = mysql_store_result(c->my);
    if (res == NULL) {
        return mysql_errno(c->my);
    }
    while ((row = mysql_fetch_row(res)) != NULL) {
        struct proc *p;

        if (out->n == out->cap) {
            size_t cap = out->cap == 0 ? 16 : 2 * out->cap;
            struct proc *v = realloc(out->v, cap * sizeof(*v));

            if (v == NULL) {
                mysql_free_result(res);
                procs_free(out);
                return CR_OUT_OF_MEMORY;
            }
            out->v = v;
            out->cap = cap;
        }
        p = &out->v[out->n++];
        p->id = row[0] != NULL ? strtoul(row[0], NULL, 10) : 0;
        snprintf(p->host, sizeof(p->host), "%s", row[1] != NULL ? row[1] : "");
    }
    mysql_free_result(res);
    return 0;
}

void procs_free(struct procs *p)
{
    free(p->v);
    memset(p, 0, sizeof(*p));
}
