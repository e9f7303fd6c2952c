/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog semisync: this server's side of semi-synchronous
 * replication.
 *
 *   semisync source --semisync-timeout MS   the writer: a commit waits
 *                                 (AFTER_SYNC) up to MS for a replica's
 *                                 acknowledgement, then goes on without one
 *   semisync replica              a reader: its IO thread acknowledges
 *   semisync off                  neither side
 *   semisync status               nothing changed
 *   --keep-io                     the IO thread left as it is (a
 *                                 promotion's, whose stop may still be
 *                                 under way: a restart would take it up
 *                                 again from the old writer)
 *
 * Each prints the state afterwards; semisync_read and semisync_out serve
 * capture too. Every name comes from the dialect table (MariaDB and MySQL
 * before 8.0.26 rpl_semi_sync_master_* and _slave_*, MySQL 8.0.26 and
 * later rpl_semi_sync_source_* and _replica_*).
 */
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exitcode.h"
#include "log.h"

#include "binlog.h"

/* Every semi-sync status variable of either spelling. */
#define STATUS_SQL "SHOW GLOBAL STATUS LIKE 'Rpl\\_semi\\_sync\\_%'"
#define WAIT_POINT "AFTER_SYNC"

enum {
    SQL_MAX = 512,
};

static long long number(const char *v)
{
    return v != NULL ? strtoll(v, NULL, 10) : 0;
}

/* A status variable is ON (a variable read with SELECT is 1). */
static bool on(const char *v)
{
    return v != NULL && strcasecmp(v, "ON") == 0;
}

/* Whether name is the status variable of key on this server. */
static bool is(const struct mmha_conn *c, enum mmha_sql key, const char *name)
{
    return strcasecmp(name, mmha_sql_text(&c->version, key)) == 0;
}

/* One row of SHOW GLOBAL STATUS into s. */
static void status_take(const struct mmha_conn *c, struct semisync *s,
                        const char *name, const char *value)
{
    if (is(c, MMHA_STATUS_SEMISYNC_SOURCE_ON, name)) {
        s->source_active = on(value);
    } else if (is(c, MMHA_STATUS_SEMISYNC_SOURCE_CLIENTS, name)) {
        s->source_clients = number(value);
    } else if (is(c, MMHA_STATUS_SEMISYNC_SOURCE_YES_TX, name)) {
        s->source_yes_tx = number(value);
    } else if (is(c, MMHA_STATUS_SEMISYNC_SOURCE_NO_TX, name)) {
        s->source_no_tx = number(value);
    } else if (is(c, MMHA_STATUS_SEMISYNC_REPLICA_ON, name)) {
        s->replica_active = on(value);
    }
}

unsigned int semisync_read(struct mmha_conn *c, struct semisync *s)
{
    const struct mmha_version *v = &c->version;
    char sql[SQL_MAX];
    struct mmha_row r;
    MYSQL_RES *res;
    MYSQL_ROW row;
    unsigned int e;

    memset(s, 0, sizeof(*s));
    /* An unknown variable (no plugin) fails the whole SELECT: 1193. */
    snprintf(sql, sizeof(sql),
             "SELECT %s AS source_enabled, %s AS source_timeout,"
             " %s AS replica_enabled",
             mmha_sql_text(v, MMHA_VAR_SEMISYNC_SOURCE_ENABLED),
             mmha_sql_text(v, MMHA_VAR_SEMISYNC_SOURCE_TIMEOUT),
             mmha_sql_text(v, MMHA_VAR_SEMISYNC_REPLICA_ENABLED));
    e = mmha_query_row(c, sql, &r);
    if (e != 0) {
        return e;
    }
    s->source_enabled = number(mmha_row_get(&r, "source_enabled")) != 0;
    s->source_timeout_ms = number(mmha_row_get(&r, "source_timeout"));
    s->replica_enabled = number(mmha_row_get(&r, "replica_enabled")) != 0;
    mmha_row_free(&r);
    if (mysql_query(c->my, STATUS_SQL) != 0) {
        return mysql_errno(c->my);
    }
    res = mysql_store_result(c->my);
    if (res == NULL) {
        return mysql_errno(c->my) != 0 ? mysql_errno(c->my) : CR_NO_DATA;
    }
    while ((row = mysql_fetch_row(res)) != NULL) {
        if (row[0] != NULL) {
            status_take(c, s, row[0], row[1]);
        }
    }
    mysql_free_result(res);
    return 0;
}

void semisync_out(struct mmha_out *o, const struct semisync *s)
{
    mmha_out_int(o, "semisync_source_enabled", s->source_enabled);
    mmha_out_int(o, "semisync_source_active", s->source_active);
    mmha_out_int(o, "semisync_source_clients", s->source_clients);
    mmha_out_int(o, "semisync_source_yes_tx", s->source_yes_tx);
    mmha_out_int(o, "semisync_source_no_tx", s->source_no_tx);
    mmha_out_int(o, "semisync_source_timeout_ms", s->source_timeout_ms);
    mmha_out_int(o, "semisync_replica_enabled", s->replica_enabled);
    mmha_out_int(o, "semisync_replica_active", s->replica_active);
}

/*
 * The replica side takes effect when the IO thread connects: restart a
 * running one (or one retrying its source) when the side changed, or
 * when the thread does not yet do what the setting says.
 */
static int io_restart(struct mmha_conn *c, const struct semisync *before,
                      bool want)
{
    struct mmha_replica_status r = {0};
    bool restart;
    int rc;

    if (before->replica_enabled == want && before->replica_active == want) {
        return MMHA_EXIT_OK;
    }
    rc = replica_read(c, &r);
    restart =
        rc == MMHA_EXIT_OK && r.configured && (r.io_running || r.io_connecting);
    mmha_replica_status_free(&r);
    if (restart) {
        rc = run_sql(c, MMHA_SQL_STOP_REPLICA_IO);
    }
    if (restart && rc == MMHA_EXIT_OK) {
        rc = run_sql(c, MMHA_SQL_START_REPLICA_IO);
    }
    if (restart && rc == MMHA_EXIT_OK) {
        mmha_notice("restarted the replica IO thread: semi-sync replica "
                    "side %s",
                    want ? "on" : "off");
    }
    return rc;
}

/*
 * source, replica or off. One SET carries every variable: the server
 * checks all its assignments (names, values, privileges) before it
 * changes any, so a refused one leaves the previous roles whole. That is
 * chosen over a restore, which could fail in its turn. Timeout and wait
 * point come before enabled: the source side starts with them.
 *
 * The source does not wait while no replica is connected (wait_no_slave
 * OFF): a new writer whose only reader was the old writer would stall
 * its first commit for the whole timeout (measured here: 1013 ms against
 * 11 ms), and a replica gone cleanly acknowledges nothing however long
 * the wait. A replica connected but silent still costs one timeout.
 */
static int apply(const struct args *a, struct mmha_conn *c,
                 const struct semisync *before)
{
    const struct mmha_version *v = &c->version;
    bool source = strcmp(a->action, "source") == 0;
    bool replica = strcmp(a->action, "replica") == 0;
    char sql[SQL_MAX];
    unsigned int e;

    if (source) {
        snprintf(sql, sizeof(sql),
                 "SET %s = %lld, %s = '" WAIT_POINT "', %s = OFF,"
                 " %s = 1, %s = 0",
                 mmha_sql_text(v, MMHA_VAR_SEMISYNC_SOURCE_TIMEOUT),
                 (long long)a->semisync_timeout_ms,
                 mmha_sql_text(v, MMHA_VAR_SEMISYNC_SOURCE_WAIT_POINT),
                 mmha_sql_text(v, MMHA_VAR_SEMISYNC_SOURCE_WAIT_NONE),
                 mmha_sql_text(v, MMHA_VAR_SEMISYNC_SOURCE_ENABLED),
                 mmha_sql_text(v, MMHA_VAR_SEMISYNC_REPLICA_ENABLED));
    } else {
        snprintf(sql, sizeof(sql), "SET %s = 0, %s = %d",
                 mmha_sql_text(v, MMHA_VAR_SEMISYNC_SOURCE_ENABLED),
                 mmha_sql_text(v, MMHA_VAR_SEMISYNC_REPLICA_ENABLED),
                 replica ? 1 : 0);
    }
    e = mmha_exec(c, sql);
    if (e != 0) {
        mmha_err("%s: %s", sql, mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    return a->keep_io ? MMHA_EXIT_OK : io_restart(c, before, replica);
}

int cmd_semisync(struct args *a, struct mmha_conn *c, struct mmha_out *o)
{
    struct semisync s;
    unsigned int e;
    int rc = MMHA_EXIT_OK;

    e = semisync_read(c, &s);
    if (e == ER_UNKNOWN_SYSTEM_VARIABLE) {
        mmha_err("no semi-synchronous replication on this server (%s): "
                 "load its plugins (%s), or plugin-load-add=%s",
                 mysql_error(c->my),
                 mmha_sql_text(&c->version, MMHA_SQL_SEMISYNC_INSTALL),
                 mmha_sql_text(&c->version, MMHA_TXT_SEMISYNC_LOAD));
        return MMHA_EXIT_UNAVAILABLE;
    }
    if (e != 0) {
        mmha_err("cannot read the semi-sync state: %s", mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    if (strcmp(a->action, "status") != 0) {
        rc = apply(a, c, &s);
        /* After a failure the state is printed if it can be read: the
         * line already logged says why it failed. */
        e = semisync_read(c, &s);
        if (e != 0 && rc == MMHA_EXIT_OK) {
            mmha_err("cannot read the semi-sync state: %s", mysql_error(c->my));
            rc = mmha_exit_for_errno(e);
        }
    }
    mmha_out_str(o, "status", mmha_exit_name(rc));
    if (e == 0) {
        semisync_out(o, &s);
    }
    return rc;
}
