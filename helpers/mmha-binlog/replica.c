/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog replica: the replication threads and their settings.
 *
 *   replica stop [--io-thread]    both threads, or the IO thread only
 *   replica start [--io-thread]
 *   replica net-timeout SECONDS   the global replica net timeout
 *   replica reconnect             stop the IO thread, end this node's
 *                                 other sessions of the replication account
 *                                 on the source, start the IO thread
 *
 * Every statement comes from the dialect table (STOP SLAVE / STOP REPLICA,
 * slave_net_timeout / replica_net_timeout).
 */
#include <errno.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"

#include "binlog.h"

enum {
    ENDED_MAX = 4096, /* the comma-separated ids of reconnect */
};

/* The replica's state after the action, as capture prints it. */
static int state_out(struct mmha_conn *c, struct mmha_out *o)
{
    struct mmha_replica_status r = {0};
    char ignore[DOMAINS_MAX] = "";
    unsigned int e;
    int rc = replica_read(c, &r);

    if (rc == MMHA_EXIT_OK) {
        e = read_ignore_domains(c, ignore, sizeof(ignore));
        if (e != 0) {
            mmha_err("cannot read the replica status: %s", mysql_error(c->my));
            rc = mmha_exit_for_errno(e);
        } else {
            replica_out(o, "replica", &r, ignore);
        }
    }
    mmha_replica_status_free(&r);
    return rc;
}

int run_sql(struct mmha_conn *c, enum mmha_sql key)
{
    const char *sql = mmha_sql_text(&c->version, key);
    unsigned int e = mmha_exec(c, sql);

    if (e != 0) {
        mmha_err("%s: %s", sql, mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    return MMHA_EXIT_OK;
}

/*
 * run_sql, and FILE created once the statement is sent: a caller that
 * goes on while a stop waits on an unanswering source knows the server
 * has it (the IO thread queues nothing once the stop is in).
 */
static int run_sql_marked(struct mmha_conn *c, enum mmha_sql key,
                          const char *file)
{
    const char *sql = mmha_sql_text(&c->version, key);
    MYSQL_RES *res;
    FILE *f;

    if (mysql_send_query(c->my, sql, (unsigned long)strlen(sql)) != 0) {
        mmha_err("%s: %s", sql, mysql_error(c->my));
        return mmha_exit_for_errno(mysql_errno(c->my));
    }
    f = fopen(file, "w");
    if (f == NULL || fclose(f) != 0) {
        mmha_warn("--sent-file %s: %s", file, strerror(errno));
    }
    if (mysql_read_query_result(c->my) != 0) {
        mmha_err("%s: %s", sql, mysql_error(c->my));
        return mmha_exit_for_errno(mysql_errno(c->my));
    }
    res = mysql_store_result(c->my);
    if (res != NULL) {
        mysql_free_result(res);
    }
    return MMHA_EXIT_OK;
}

/*
 * A semi-sync replica's IO thread, when stopped, connects to its source to
 * end its dump thread and waits up to rpl_semi_sync_slave_kill_conn_timeout
 * for it: 2 s on a source that does not answer (a crashed writer at a
 * promotion), against 15 ms for an asynchronous one.  The stop caps that
 * wait at 1 s (a source that answers does it in milliseconds); saved holds
 * the value to put back ("" when nothing was changed).
 */
static void kill_wait_cap(struct mmha_conn *c, char *saved, size_t len)
{
    const char *var =
        mmha_sql_text(&c->version, MMHA_VAR_SEMISYNC_KILL_CONN_TIMEOUT);

    saved[0] = '\0';
    /* Unknown before MariaDB 10.3 and on MySQL: nothing to cap. */
    if (var[0] == '\0' ||
        read_var(c, MMHA_VAR_SEMISYNC_KILL_CONN_TIMEOUT, saved, len) != 0 ||
        saved[0] == '\0' || strspn(saved, "0123456789") != strlen(saved) ||
        strtoll(saved, NULL, 10) <= 1 ||
        mmha_execf(c, "SET %s = 1", var) != 0) {
        saved[0] = '\0';
    }
}

static void kill_wait_restore(struct mmha_conn *c, const char *saved)
{
    const char *var =
        mmha_sql_text(&c->version, MMHA_VAR_SEMISYNC_KILL_CONN_TIMEOUT);

    if (saved[0] != '\0' && mmha_execf(c, "SET %s = %s", var, saved) != 0) {
        mmha_warn("%s not put back to %s: %s", var, saved, mysql_error(c->my));
    }
}

static int stop_start(struct args *a, struct mmha_conn *c, struct mmha_out *o)
{
    char saved[32] = "";
    bool stop = strcmp(a->action, "stop") == 0;
    enum mmha_sql key;
    int rc;

    if (stop) {
        key = a->io_thread ? MMHA_SQL_STOP_REPLICA_IO : MMHA_SQL_STOP_REPLICA;
    } else {
        key = a->io_thread ? MMHA_SQL_START_REPLICA_IO : MMHA_SQL_START_REPLICA;
    }
    if (stop) {
        kill_wait_cap(c, saved, sizeof(saved));
    }
    rc = a->sent_file != NULL ? run_sql_marked(c, key, a->sent_file)
                              : run_sql(c, key);
    kill_wait_restore(c, saved);
    mmha_out_str(o, "status", mmha_exit_name(rc));
    if (state_out(c, o) != MMHA_EXIT_OK && rc == MMHA_EXIT_OK) {
        rc = MMHA_EXIT_ERROR;
    }
    return rc;
}

static int net_timeout(struct args *a, struct mmha_conn *c, struct mmha_out *o)
{
    const char *var = mmha_sql_text(&c->version, MMHA_VAR_REPLICA_NET_TIMEOUT);
    char buf[32] = "";
    unsigned int e;

    e = mmha_execf(c, "SET %s = %lld", var, (long long)a->net_timeout_s);
    if (e == 0) {
        e = read_var(c, MMHA_VAR_REPLICA_NET_TIMEOUT, buf, sizeof(buf));
    }
    if (e != 0) {
        mmha_err("setting %s: %s", var, mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    mmha_out_str(o, "status", mmha_exit_name(MMHA_EXIT_OK));
    mmha_out_int(o, "replica_net_timeout", strtoll(buf, NULL, 10));
    return MMHA_EXIT_OK;
}

/*
 * On the source, as the replication account: end every session of that
 * account from this node's address but the asking one (earlier dump
 * threads of this replica, which can hold a new one at "starting").
 * The ids ended go to ended; an exit code.
 */
static int end_leftovers(const struct args *a,
                         const struct mmha_replica_status *r,
                         const struct mmha_deadline *d, char *ended, size_t len)
{
    struct mmha_conn_opts so = {0};
    struct mmha_conn src = {0};
    struct procs ps = {0};
    char msg[MSG_MAX];
    size_t n = 0;
    size_t i;
    unsigned int e;
    int rc;

    so.defaults_file = a->repl_defaults;
    so.host = r->source_host;
    so.port = r->source_port;
    rc = mmha_connect(&src, &so, d, msg, sizeof(msg));
    if (rc != MMHA_EXIT_OK) {
        mmha_err("the source %s:%u: %s", r->source_host, r->source_port, msg);
        return rc;
    }
    e = procs_read(&src, MMHA_SQL_MY_OTHER_LINKS, &ps);
    if (e != 0) {
        mmha_err("the source %s:%u: cannot list its sessions: %s",
                 r->source_host, r->source_port, mysql_error(src.my));
        rc = mmha_exit_for_errno(e);
    }
    for (i = 0; i < ps.n && rc == MMHA_EXIT_OK; i++) {
        e = mmha_execf(&src, "KILL CONNECTION %lu", ps.v[i].id);
        if (e == ER_NO_SUCH_THREAD) {
            continue; /* gone by itself meanwhile */
        }
        if (e != 0) {
            mmha_err("the source %s:%u: KILL %lu: %s", r->source_host,
                     r->source_port, ps.v[i].id, mysql_error(src.my));
            rc = mmha_exit_for_errno(e);
            break;
        }
        mmha_notice("ended session %lu of the replication account from %s "
                    "on %s:%u",
                    ps.v[i].id, ps.v[i].host, r->source_host, r->source_port);
        if (n + 24 < len) {
            n += (size_t)snprintf(ended + n, len - n, "%s%lu", n > 0 ? "," : "",
                                  ps.v[i].id);
        }
    }
    procs_free(&ps);
    mmha_disconnect(&src);
    return rc;
}

static int reconnect(struct args *a, struct mmha_conn *c,
                     const struct mmha_replica_status *r,
                     const struct mmha_deadline *d, struct mmha_out *o)
{
    char ended[ENDED_MAX] = "";
    char source[MMHA_NAME_MAX + 8];
    int rc;
    int src_rc;

    rc = run_sql(c, MMHA_SQL_STOP_REPLICA_IO);
    if (rc != MMHA_EXIT_OK) {
        return rc;
    }
    /* The IO thread starts again whatever happened on the source. */
    src_rc = end_leftovers(a, r, d, ended, sizeof(ended));
    mmha_conn_bound(c, d);
    rc = run_sql(c, MMHA_SQL_START_REPLICA_IO);
    if (rc == MMHA_EXIT_OK) {
        rc = src_rc;
    }
    snprintf(source, sizeof(source), "%s:%u", r->source_host, r->source_port);
    mmha_out_str(o, "status", mmha_exit_name(rc));
    mmha_out_str(o, "source", source);
    mmha_out_str(o, "ended", ended);
    state_out(c, o);
    return rc;
}

int cmd_replica(struct args *a, struct mmha_conn *c,
                const struct mmha_deadline *d, struct mmha_out *o)
{
    struct mmha_replica_status r = {0};
    int rc;

    if (strcmp(a->action, "net-timeout") == 0) {
        return net_timeout(a, c, o);
    }
    rc = replica_read(c, &r);
    if (rc == MMHA_EXIT_OK && !r.configured) {
        mmha_err("this server is not a replica");
        rc = MMHA_EXIT_CONFIGURED;
    } else if (rc == MMHA_EXIT_OK && strcmp(a->action, "reconnect") == 0) {
        rc = reconnect(a, c, &r, d, o);
    } else if (rc == MMHA_EXIT_OK) {
        rc = stop_start(a, c, o);
    }
    mmha_replica_status_free(&r);
    return rc;
}
