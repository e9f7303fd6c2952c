/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-lag beat, one beat: on the writer, keep its heartbeat row fresh;
 * --once does one and prints it.
 */
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "deadline.h"
#include "exitcode.h"
#include "heartbeat.h"
#include "log.h"
#include "output.h"

#include "lag.h"

enum {
    SQL_LEN = 1024,
};

static unsigned int ensure_table(struct mmha_conn *c)
{
    unsigned int e = mmha_exec(c, MMHA_HB_CREATE_DB);

    return e != 0 ? e : mmha_exec(c, MMHA_HB_CREATE_TABLE);
}

/* One beat: 0 or the server's (or client's) errno. */
unsigned int beat_once(struct mmha_conn *c, uint64_t epoch, bool read_back,
                       struct beat_result *b)
{
    char buf[64];
    char sql[SQL_LEN];
    struct mmha_row row;
    unsigned int e;

    memset(b, 0, sizeof(*b));
    e = mmha_query_value(c, "SELECT @@GLOBAL.read_only", buf, sizeof(buf),
                         NULL);
    if (e != 0) {
        return e;
    }
    /* Only the writer beats: a read-only server's row would be a lie. */
    if (strcmp(buf, "0") != 0) {
        b->skipped = true;
        return 0;
    }
    e = mmha_query_row(
        c, mmha_sql_text(&c->version, MMHA_SQL_SHOW_BINLOG_STATUS), &row);
    if (e != 0) {
        return e;
    }
    snprintf(b->file, sizeof(b->file), "%s",
             mmha_row_get(&row, "File") != NULL ? mmha_row_get(&row, "File")
                                                : "");
    b->pos = mmha_row_get(&row, "Position") != NULL
                 ? strtoull(mmha_row_get(&row, "Position"), NULL, 10)
                 : 0;
    mmha_row_free(&row);
    if (mmha_hb_beat_sql(c, sql, sizeof(sql), b->file, b->pos, epoch) >=
        (int)sizeof(sql)) {
        return CR_OUT_OF_MEMORY;
    }
    e = mmha_exec(c, sql);
    if (mmha_hb_missing(e)) {
        e = ensure_table(c);
        if (e == 0) {
            e = mmha_exec(c, sql);
        }
    }
    if (e == 0 && read_back) {
        e = mmha_query_row(c,
                           "SELECT server_id, ts FROM mmha.heartbeat "
                           "WHERE server_id = @@GLOBAL.server_id",
                           &row);
        if (e == 0) {
            const char *id = mmha_row_get(&row, "server_id");

            snprintf(b->ts, sizeof(b->ts), "%s",
                     mmha_row_get(&row, "ts") != NULL ? mmha_row_get(&row, "ts")
                                                      : "");
            b->server_id = id != NULL ? strtoll(id, NULL, 10) : 0;
            mmha_row_free(&row);
        }
    }
    return e;
}

static int beat_print(const struct lag_args *a, const struct beat_result *b)
{
    struct mmha_out o;

    mmha_out_begin(&o, a->common.format, stdout);
    mmha_out_bool(&o, "skipped", b->skipped);
    mmha_out_str(&o, "reason", b->skipped ? "read_only" : NULL);
    if (!b->skipped) {
        mmha_out_int(&o, "server_id", b->server_id);
        mmha_out_str(&o, "ts", b->ts);
        mmha_out_int(&o, "epoch", (long long)a->epoch);
        mmha_out_str(&o, "binlog_file", b->file);
        mmha_out_int(&o, "binlog_pos", (long long)b->pos);
    }
    mmha_out_end(&o);
    return MMHA_EXIT_OK;
}

int lag_connect_once(const struct lag_args *a, struct mmha_conn *c,
                     struct mmha_deadline *d)
{
    char err[ERR_LEN];
    int rc;

    mmha_deadline_start(d, a->common.timeout_ms >= 0 ? a->common.timeout_ms
                                                     : ONCE_TIMEOUT_MS);
    rc = mmha_connect(c, &a->common.conn, d, err, sizeof(err));
    if (rc != MMHA_EXIT_OK) {
        mmha_err("%s", err);
        return rc;
    }
    mmha_conn_bound(c, d);
    return MMHA_EXIT_OK;
}

int run_beat_once(const struct lag_args *a)
{
    struct mmha_deadline d;
    struct mmha_conn c = {0};
    struct beat_result b;
    unsigned int e;
    int rc;

    rc = lag_connect_once(a, &c, &d);
    if (rc != MMHA_EXIT_OK) {
        goto done;
    }
    e = beat_once(&c, a->epoch, true, &b);
    if (e != 0) {
        mmha_err("beat failed: %s", mysql_error(c.my));
        rc = mmha_deadline_passed(&d) ? MMHA_EXIT_DEADLINE
                                      : mmha_exit_for_errno(e);
        goto done;
    }
    rc = beat_print(a, &b);
done:
    mmha_disconnect(&c);
    return rc;
}
