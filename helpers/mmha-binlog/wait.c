/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog wait: wait with a hard bound until a replica has applied a
 * position or a GTID set (or all it has read, --drain).
 */
#include <errmsg.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "position.h"

#include "binlog.h"

enum {
    KILL_MS = 50,  /* past the deadline, to end the server-side wait */
    ASIDE_MS = 25, /* of it, for a connection of its own */
    STOP_MS = 150, /* after SIGTERM/SIGINT, for the same */
};

/* The blocking wait function, run on its own connection and thread. */
struct waiter {
    struct mmha_conn *c;
    char *sql;
    pthread_t thread;
    bool started;
    atomic_bool finished;
    unsigned int err;
    bool isnull;
    long long value;
    char errtext[MSG_MAX];
};

static void *waiter_run(void *arg)
{
    struct waiter *w = arg;
    char buf[64];

    w->err = mmha_query_value(w->c, w->sql, buf, sizeof(buf), &w->isnull);
    w->value = strtoll(buf, NULL, 10);
    if (w->err != 0) {
        snprintf(w->errtext, sizeof(w->errtext), "%s", mysql_error(w->c->my));
    }
    atomic_store(&w->finished, true);
    return NULL;
}

struct wait_target {
    enum { TARGET_POS, TARGET_GTID } kind;
    char file[MMHA_NAME_MAX];
    uint64_t pos;
    struct mmha_gtid_set gtid;
};

/* The replica's own applied GTID state: what it replicated and wrote. */
static unsigned int applied_gtids(struct mmha_conn *c,
                                  const struct mmha_replica_status *r,
                                  struct mmha_gtid_set *out)
{
    struct mmha_gtid_set applied;
    struct mmha_gtid_set own;
    char *buf = NULL;
    char err[128];
    unsigned int e;

    mmha_gtid_init(out, gtid_kind(c));
    e = mmha_var_dup(c, MMHA_VAR_GTID_BINLOG, &buf);
    if (e != 0) {
        free(buf);
        return e;
    }
    if (!mmha_gtid_parse(&applied, gtid_kind(c), r->gtid_applied, err,
                         sizeof(err)) ||
        !mmha_gtid_parse(&own, gtid_kind(c), buf, err, sizeof(err))) {
        mmha_gtid_free(&applied);
        free(buf);
        mmha_err("the server's GTID state is unreadable: %s", err);
        return ER_UNKNOWN_ERROR;
    }
    free(buf);
    if (!mmha_gtid_union(out, &applied, &own)) {
        e = CR_OUT_OF_MEMORY;
    }
    mmha_gtid_free(&applied);
    mmha_gtid_free(&own);
    return e;
}

/* How much is left: bytes (positions) or transactions (GTIDs); -1 unknown */
static long long remaining(struct mmha_conn *c,
                           const struct mmha_replica_status *r,
                           const struct wait_target *t, bool *reached)
{
    *reached = false;
    if (t->kind == TARGET_POS) {
        int cmp = coord_cmp(r->exec_file, r->exec_pos, t->file, t->pos);

        *reached = cmp == 0 || cmp == 1;
        if (*reached) {
            return 0;
        }
        return strcmp(r->exec_file, t->file) == 0
                   ? (long long)(t->pos - r->exec_pos)
                   : -1;
    }
    {
        struct mmha_gtid_set have;
        struct mmha_gtid_set left;
        long long n = -1;

        if (applied_gtids(c, r, &have) != 0) {
            return -1;
        }
        if (mmha_gtid_subtract(&left, &t->gtid, &have)) {
            n = (long long)mmha_gtid_count(&left);
            *reached = mmha_gtid_empty(&left);
            mmha_gtid_free(&left);
        }
        mmha_gtid_free(&have);
        return n;
    }
}

/*
 * Whether replication is broken for a wait: an SQL error, a stopped SQL
 * thread, or an IO thread stopped on an error. 0 when it is fine.
 */
static int replication_broken(const struct mmha_replica_status *r, char *msg,
                              size_t len)
{
    if (!r->configured) {
        snprintf(msg, len, "this server is not a replica");
        return MMHA_EXIT_CONFIGURED;
    }
    if (r->last_sql_errno != 0) {
        snprintf(msg, len, "replication SQL error %u: %s", r->last_sql_errno,
                 r->last_sql_error);
        return MMHA_EXIT_REPLICATION;
    }
    if (!r->io_running && !r->io_connecting && r->last_io_errno != 0) {
        snprintf(msg, len, "replication IO error %u: %s", r->last_io_errno,
                 r->last_io_error);
        return MMHA_EXIT_REPLICATION;
    }
    if (!r->sql_running) {
        snprintf(msg, len, "the replica SQL thread is not running");
        return MMHA_EXIT_NOT_RUNNING;
    }
    return 0;
}

struct progress {
    bool on;
    int64_t t0_us;
    long long left0;
    int64_t last_us;
};

static void progress_show(struct progress *p, const struct wait_target *t,
                          const struct mmha_replica_status *r, long long left)
{
    int64_t now = mmha_now_us();
    const char *unit = t->kind == TARGET_POS ? "bytes" : "transactions";
    double secs;
    double rate = 0.0;

    if (!p->on || now - p->last_us < 1000000) {
        return;
    }
    p->last_us = now;
    if (p->left0 < 0) {
        p->left0 = left;
        p->t0_us = now;
    }
    secs = (double)(now - p->t0_us) / 1e6;
    if (secs > 0.0 && left >= 0 && p->left0 >= left) {
        rate = (double)(p->left0 - left) / secs;
    }
    if (left < 0) {
        fprintf(stderr,
                TOOL ": waiting: applied %s:%llu, target %s:%llu "
                     "(another file)\n",
                r->exec_file, (unsigned long long)r->exec_pos, t->file,
                (unsigned long long)t->pos);
    } else if (rate > 0.0) {
        fprintf(stderr,
                TOOL ": waiting: %lld %s to apply, %.0f %s/s, ETA %.1f s\n",
                left, unit, rate, unit, (double)left / rate);
    } else {
        fprintf(stderr, TOOL ": waiting: %lld %s to apply, no progress\n", left,
                unit);
    }
}

static void wait_out(struct mmha_out *o, const struct wait_target *t,
                     const struct mmha_replica_status *r, int64_t t0_us,
                     int code, const char *msg)
{
    char buf[MMHA_NAME_MAX + 24];
    char *gtid = NULL;

    mmha_out_str(o, "status", mmha_exit_name(code));
    mmha_out_bool(o, "reached", code == MMHA_EXIT_OK);
    if (t->kind == TARGET_POS) {
        snprintf(buf, sizeof(buf), "%s:%llu", t->file,
                 (unsigned long long)t->pos);
        mmha_out_str(o, "target", buf);
    } else {
        gtid = mmha_gtid_format_dup(&t->gtid);
        mmha_out_str(o, "target", gtid);
        free(gtid);
    }
    mmha_out_str(o, "exec_file", r->exec_file);
    mmha_out_int(o, "exec_pos", (long long)r->exec_pos);
    mmha_out_str(o, "gtid_applied",
                 r->gtid_applied != NULL ? r->gtid_applied : "");
    mmha_out_double(o, "waited", (double)(mmha_now_us() - t0_us) / 1e6, 3);
    mmha_out_double(o, "elapsed", (double)(mmha_now_us() - start_us) / 1e6, 4);
    mmha_out_str(o, "error", msg[0] != '\0' ? msg : NULL);
}

static bool wait_target_set(struct args *a, struct mmha_conn *c,
                            const struct mmha_replica_status *r,
                            struct wait_target *t)
{
    char err[160];

    memset(t, 0, sizeof(*t));
    mmha_gtid_init(&t->gtid, gtid_kind(c));
    if (a->gtid != NULL) {
        t->kind = TARGET_GTID;
        if (!mmha_gtid_parse(&t->gtid, gtid_kind(c), a->gtid, err,
                             sizeof(err))) {
            mmha_err("--gtid: %s", err);
            return false;
        }
        return true;
    }
    t->kind = TARGET_POS;
    if (a->drain) {
        snprintf(t->file, sizeof(t->file), "%s", r->read_file);
        t->pos = r->read_pos;
        return true;
    }
    return mmha_parse_binlog_pos(a->pos, t->file, sizeof(t->file), &t->pos);
}

/* The wait function's statement for what is still missing: a new heap
 * string, NULL when out of memory. */
static char *waiter_sql(struct mmha_conn *c, struct mmha_conn *mon,
                        const struct mmha_replica_status *r,
                        const struct wait_target *t,
                        const struct mmha_deadline *d)
{
    const struct mmha_version *v = &c->version;
    /*
     * The server-side bound ends at our deadline too: should the KILL QUERY
     * that ends it never reach the server (stopped, unreachable), it still
     * ends by itself. MASTER_GTID_WAIT takes a fraction; the others whole
     * seconds (rounded up).
     */
    int64_t left_ms = mmha_deadline_left_ms(d);
    long long secs = left_ms == INT64_MAX ? 31536000 : (left_ms + 999) / 1000;
    char tmo[32];
    char *text = NULL;
    char *esc = NULL;
    char *sql = NULL;
    const char *fn;

    if (v->flavour == MMHA_FLAVOUR_MARIADB && left_ms != INT64_MAX) {
        snprintf(tmo, sizeof(tmo), "%lld.%03lld", (long long)(left_ms / 1000),
                 (long long)(left_ms % 1000));
    } else {
        snprintf(tmo, sizeof(tmo), "%lld", secs);
    }
    if (t->kind == TARGET_POS) {
        text = strdup(t->file);
        fn = mmha_sql_text(v, MMHA_FN_POS_WAIT);
    } else {
        struct mmha_gtid_set have;
        struct mmha_gtid_set left;

        /* Only what is missing: a domain the server wrote itself never
         * shows in its gtid_slave_pos, MASTER_GTID_WAIT would not end. */
        mmha_gtid_init(&left, t->gtid.kind);
        if (applied_gtids(mon, r, &have) == 0 &&
            mmha_gtid_subtract(&left, &t->gtid, &have)) {
            text = mmha_gtid_format_dup(&left);
        } else {
            text = mmha_gtid_format_dup(&t->gtid);
        }
        mmha_gtid_free(&left);
        mmha_gtid_free(&have);
        fn = mmha_sql_text(v, MMHA_FN_GTID_WAIT);
    }
    esc = text != NULL ? calloc(1, 2 * strlen(text) + 1) : NULL;
    if (esc != NULL) {
        mmha_escape(c, esc, 2 * strlen(text) + 1, text);
        if (t->kind == TARGET_POS) {
            (void)!asprintf(&sql, "SELECT %s('%s', %llu, %lld)", fn, esc,
                            (unsigned long long)t->pos, secs);
        } else {
            (void)!asprintf(&sql, "SELECT %s('%s', %s)", fn, esc, tmo);
        }
    }
    free(text);
    free(esc);
    return sql;
}

/*
 * End the server-side wait of the waiter's connection (cut by the deadline
 * or a stop, or still running): KILL QUERY from mon under a short cleanup
 * bound, or from a connection of its own when mon is lost. After the
 * deadline that is KILL_MS at most (ASIDE_MS of it for a new connection,
 * none at all when the wait ends by itself at the deadline: MariaDB's
 * MASTER_GTID_WAIT takes it to the millisecond); after a stop, STOP_MS.
 */
static void end_server_wait(struct args *a, struct mmha_conn *mon,
                            unsigned long id, bool self_ending)
{
    struct mmha_deadline k;
    bool stopped = mmha_stop_signal() != 0;
    int64_t aside = stopped ? STOP_MS : ASIDE_MS;
    unsigned int e = CR_SERVER_GONE_ERROR;

    mmha_deadline_cleanup(&k, stopped ? STOP_MS : KILL_MS);
    if (mon->my != NULL && !mmha_conn_cut(mon)) {
        mmha_conn_bound(mon, &k);
        e = mmha_execf(mon, "KILL QUERY %lu", id);
        if (e == 0 || e == ER_NO_SUCH_THREAD || mmha_conn_cut(mon)) {
            return;
        }
    } else if (self_ending && !stopped) {
        return; /* the server did not answer; its wait is over anyway */
    }
    /* The server may be the one not answering: try briefly. */
    e = mmha_kill_query_aside(
        &a->common.conn, id,
        mmha_deadline_left_ms(&k) < aside ? mmha_deadline_left_ms(&k) : aside);
    if (e != 0 && e != ER_NO_SUCH_THREAD) {
        mmha_warn("could not end the server-side wait (KILL QUERY %lu): "
                  "error %u; it ends by itself at the deadline%s",
                  id, e, self_ending ? "" : " (rounded up to a second)");
    }
}

int cmd_wait(struct args *a, struct mmha_conn *c, const struct mmha_deadline *d,
             struct mmha_out *o)
{
    struct mmha_replica_status r = {0};
    struct wait_target t;
    struct mmha_conn mon = {0};
    struct waiter *w = NULL;
    struct progress prog = {a->progress || isatty(STDERR_FILENO), 0, -1, 0};
    char msg[MSG_MAX] = "";
    int64_t t0 = mmha_now_us();
    unsigned int e;
    bool reached = false;
    long long left;
    int rc = MMHA_EXIT_OK;

    memset(&t, 0, sizeof(t));
    mmha_gtid_init(&t.gtid, gtid_kind(c));
    rc = replica_read(c, &r);
    if (rc != MMHA_EXIT_OK) {
        mmha_replica_status_free(&r);
        return rc;
    }
    if (!r.configured) {
        mmha_err("this server is not a replica");
        rc = MMHA_EXIT_CONFIGURED;
        goto done;
    }
    if (!wait_target_set(a, c, &r, &t)) {
        rc = MMHA_EXIT_USAGE;
        goto done;
    }
    /* The common case first: already there, one query, no second link. */
    left = remaining(c, &r, &t, &reached);
    if (reached) {
        goto done;
    }
    rc = replication_broken(&r, msg, sizeof(msg));
    if (rc != 0) {
        goto done;
    }
    rc = mmha_connect(&mon, &a->common.conn, d, msg, sizeof(msg));
    if (rc != 0) {
        goto done;
    }
    w = calloc(1, sizeof(*w));
    if (w == NULL) {
        rc = MMHA_EXIT_OSERR;
        goto done;
    }
    w->c = c;
    w->sql = waiter_sql(c, &mon, &r, &t, d);
    if (w->sql == NULL) {
        snprintf(msg, sizeof(msg), "out of memory");
        rc = MMHA_EXIT_OSERR;
        goto done;
    }
    mmha_debug("waiting with: %s", w->sql);
    if (pthread_create(&w->thread, NULL, waiter_run, w) != 0) {
        snprintf(msg, sizeof(msg), "cannot start a thread");
        rc = MMHA_EXIT_OSERR;
        goto done;
    }
    w->started = true;
    progress_show(&prog, &t, &r, left);
    for (;;) {
        if (atomic_load(&w->finished)) {
            break;
        }
        if (mmha_deadline_passed(d)) {
            rc = MMHA_EXIT_DEADLINE;
            snprintf(msg, sizeof(msg), "not reached within --timeout");
            break;
        }
        if (!mmha_deadline_sleep_ms(d, POLL_MS)) {
            continue; /* passed (or a stop): mon stays usable for the KILL */
        }
        e = mmha_replica_status_read(&mon, &r);
        if (e != 0) {
            rc = mmha_exit_for_errno(e);
            if (rc == MMHA_EXIT_DEADLINE) {
                snprintf(msg, sizeof(msg),
                         "not reached within --timeout (the server did not "
                         "answer)");
            } else {
                snprintf(msg, sizeof(msg), "lost the server: %s",
                         mysql_error(mon.my));
            }
            break;
        }
        left = remaining(&mon, &r, &t, &reached);
        if (reached) {
            break;
        }
        rc = replication_broken(&r, msg, sizeof(msg));
        if (rc != 0) {
            break;
        }
        progress_show(&prog, &t, &r, left);
    }
    if (!atomic_load(&w->finished) || mmha_conn_cut(c)) {
        /* End the server-side wait; our own link is never the target. */
        end_server_wait(a, &mon, c->thread_id,
                        t.kind == TARGET_GTID &&
                            c->version.flavour == MMHA_FLAVOUR_MARIADB &&
                            a->common.timeout_ms >= 0);
    }
    pthread_join(w->thread, NULL);
    w->started = false;
    if (rc == 0 && !reached) {
        if (w->err != 0 && mmha_conn_cut(c)) {
            /* The deadline cut it before this loop saw the deadline. */
            rc = MMHA_EXIT_DEADLINE;
            snprintf(msg, sizeof(msg), "not reached within --timeout");
        } else if (w->err != 0) {
            snprintf(msg, sizeof(msg), "the wait failed: %.1000s", w->errtext);
            rc = mmha_exit_for_errno(w->err);
        } else if (w->isnull || w->value < 0 ||
                   (t.kind == TARGET_GTID &&
                    w->value != mmha_gtid_wait_ok_value(&c->version))) {
            /* The server gave up: find out why from the status. */
            if (mmha_replica_status_read(&mon, &r) == 0) {
                rc = replication_broken(&r, msg, sizeof(msg));
                remaining(&mon, &r, &t, &reached);
            }
            if (rc == 0 && !reached && w->isnull && !mmha_deadline_passed(d)) {
                /* NULL at once with replication running: the server
                 * refused the arguments (a file its source never had). */
                rc = MMHA_EXIT_DATAERR;
                snprintf(msg, sizeof(msg),
                         "the server refused the wait: %s returned NULL "
                         "(%s)",
                         mmha_sql_text(&c->version, t.kind == TARGET_POS
                                                        ? MMHA_FN_POS_WAIT
                                                        : MMHA_FN_GTID_WAIT),
                         t.kind == TARGET_POS
                             ? "is the file a binary log of its source?"
                             : "is the GTID set valid here?");
            } else if (rc == 0 && !reached) {
                rc = MMHA_EXIT_DEADLINE;
                snprintf(msg, sizeof(msg), "not reached within --timeout");
            }
        }
    }
    if (rc == 0) {
        /* The status as it is now, for the output. */
        mmha_replica_status_read(&mon, &r);
    }

done:
    if (mmha_stop_signal() != 0) {
        rc = mmha_stop_exit_code(mmha_stop_signal());
        snprintf(msg, sizeof(msg), "stopped by signal %d%s", mmha_stop_signal(),
                 w != NULL ? " (the server-side wait ended)" : "");
    }
    if (w != NULL && w->started) {
        pthread_join(w->thread, NULL);
    }
    if (w != NULL) {
        free(w->sql);
    }
    free(w);
    mmha_disconnect(&mon);
    if (rc != 0 && msg[0] != '\0') {
        mmha_err("%s", msg);
    }
    if (rc != MMHA_EXIT_USAGE) {
        wait_out(o, &t, &r, t0, rc, msg);
    }
    mmha_gtid_free(&t.gtid);
    mmha_replica_status_free(&r);
    return rc;
}
