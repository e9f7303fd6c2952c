/*
 * mmha-binlog: capture a server's binary log and replica positions, wait
 * with a hard bound until a replica has applied a position, move a replica
 * to another source, and list errant transactions. See mmha-binlog(8).
 */
#include <errno.h>
#include <getopt.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "change_source.h"
#include "conn.h"
#include "deadline.h"
#include "exitcode.h"
#include "gtid.h"
#include "log.h"
#include "optfile.h"
#include "opts.h"
#include "output.h"
#include "position.h"

#define TOOL "mmha-binlog"

enum {
    DEFAULT_TIMEOUT_MS = 30000,
    POLL_MS = 100,             /* how often a wait looks at the replica */
    SETTLE_MS = 500,           /* threads must stay up this long on repoint */
    RESTORE_RESERVE_MS = 2000, /* kept back from repoint for a restore */
    CONNECT_RETRY_S = 1,       /* a replica retries its source this often */
    SQL_MAX = 16384,
    MSG_MAX = 1200,
};

enum own_opt {
    OPT_AT = MMHA_OPT_FIRST_OWN,
    OPT_DRAIN,
    OPT_GTID,
    OPT_POS,
    OPT_PROGRESS,
    OPT_REFERENCE,
    OPT_REPL_DEFAULTS_FILE,
    OPT_TO,
};

/* When main started: wait reports connect + check time from it. */
static int64_t start_us;

struct args {
    struct mmha_common common;
    const char *cmd;
    const char *pos;  /* wait --pos */
    const char *gtid; /* wait --gtid SET */
    bool gtid_auto;   /* repoint --gtid */
    bool drain;
    bool progress;
    const char *to;
    const char *at;
    const char *reference;
    const char *repl_defaults;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " TOOL " capture [common options]\n"
            "       " TOOL " wait --pos FILE:POS | --gtid SET | --drain\n"
            "                   [--progress] [common options]\n"
            "       " TOOL " repoint --to HOST:PORT --at FILE:POS | --gtid\n"
            "                   [--repl-defaults-file FILE] [common options]\n"
            "       " TOOL " errant --reference FILE | HOST:PORT"
            " [common options]\n"
            "common options: [--defaults-file FILE] [--defaults-group G]\n"
            "       [--host HOST] [--port PORT] [--socket PATH] [--user U]\n"
            "       [--timeout SECONDS] [--format human|shell|json] [-v]\n"
            "       [--syslog] [--help]\n");
}

/* ------------------------------------------------------------ positions */

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
static int coord_cmp(const char *fa, uint64_t pa, const char *fb, uint64_t pb)
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

static enum mmha_gtid_kind gtid_kind(const struct mmha_conn *c)
{
    return c->version.flavour == MMHA_FLAVOUR_MARIADB ? MMHA_GTID_MARIADB
                                                      : MMHA_GTID_MYSQL;
}

static unsigned int read_var(struct mmha_conn *c, enum mmha_sql key, char *buf,
                             size_t len)
{
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT %s", mmha_sql_text(&c->version, key));
    return mmha_query_value(c, sql, buf, len, NULL);
}

/* ------------------------------------------------------------ capture */

static int cmd_capture(struct args *a, struct mmha_conn *c, struct mmha_out *o)
{
    struct mmha_binlog_pos p;
    struct mmha_replica_status r;
    char name[64];
    unsigned int e;

    e = mmha_binlog_pos_read(c, &p);
    if (e == 0) {
        e = mmha_replica_status_read(c, &r);
    }
    if (e != 0) {
        mmha_err("cannot read the positions: %s", mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    (void)a;
    mmha_out_str(o, "server",
                 mmha_version_name(&c->version, name, sizeof(name)));
    mmha_binlog_pos_out(o, NULL, &p);
    mmha_replica_status_out(o, "replica", &r);
    return MMHA_EXIT_OK;
}

/* ------------------------------------------------------------ wait */

/* The blocking wait function, run on its own connection and thread. */
struct waiter {
    struct mmha_conn *c;
    char sql[SQL_MAX];
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
    char buf[MMHA_GTID_MAX];
    char err[128];
    unsigned int e;

    mmha_gtid_init(out, gtid_kind(c));
    e = read_var(c, MMHA_VAR_GTID_BINLOG, buf, sizeof(buf));
    if (e != 0) {
        return e;
    }
    if (!mmha_gtid_parse(&applied, gtid_kind(c), r->gtid_applied, err,
                         sizeof(err)) ||
        !mmha_gtid_parse(&own, gtid_kind(c), buf, err, sizeof(err))) {
        mmha_gtid_free(&applied);
        mmha_err("the server's GTID state is unreadable: %s", err);
        return ER_UNKNOWN_ERROR;
    }
    mmha_gtid_union(out, &applied, &own);
    mmha_gtid_free(&applied);
    mmha_gtid_free(&own);
    return 0;
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
    char buf[MMHA_GTID_MAX];

    mmha_out_str(o, "status", mmha_exit_name(code));
    mmha_out_bool(o, "reached", code == MMHA_EXIT_OK);
    if (t->kind == TARGET_POS) {
        snprintf(buf, sizeof(buf), "%s:%llu", t->file,
                 (unsigned long long)t->pos);
    } else {
        mmha_gtid_format(&t->gtid, buf, sizeof(buf));
    }
    mmha_out_str(o, "target", buf);
    mmha_out_str(o, "exec_file", r->exec_file);
    mmha_out_int(o, "exec_pos", (long long)r->exec_pos);
    mmha_out_str(o, "gtid_applied", r->gtid_applied);
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

/* The wait function's statement for what is still missing. */
static void waiter_sql(struct mmha_conn *c, struct mmha_conn *mon,
                       const struct mmha_replica_status *r,
                       const struct wait_target *t,
                       const struct mmha_deadline *d, char *sql, size_t len)
{
    const struct mmha_version *v = &c->version;
    /* The server bound is a backstop: our deadline kills it first. */
    long long secs = mmha_deadline_left_ms(d) / 1000 + 2;
    char text[MMHA_GTID_MAX];
    char esc[2 * MMHA_GTID_MAX + 1];

    if (t->kind == TARGET_POS) {
        mmha_escape(c, esc, sizeof(esc), t->file);
        snprintf(sql, len, "SELECT %s('%s', %llu, %lld)",
                 mmha_sql_text(v, MMHA_FN_POS_WAIT), esc,
                 (unsigned long long)t->pos, secs);
        return;
    }
    {
        struct mmha_gtid_set have;
        struct mmha_gtid_set left;

        /* Only what is missing: a domain the server wrote itself never
         * shows in its gtid_slave_pos, MASTER_GTID_WAIT would not end. */
        mmha_gtid_init(&left, t->gtid.kind);
        if (applied_gtids(mon, r, &have) == 0 &&
            mmha_gtid_subtract(&left, &t->gtid, &have)) {
            mmha_gtid_format(&left, text, sizeof(text));
        } else {
            mmha_gtid_format(&t->gtid, text, sizeof(text));
        }
        mmha_gtid_free(&left);
        mmha_gtid_free(&have);
    }
    mmha_escape(c, esc, sizeof(esc), text);
    snprintf(sql, len, "SELECT %s('%s', %lld)",
             mmha_sql_text(v, MMHA_FN_GTID_WAIT), esc, secs);
}

static int cmd_wait(struct args *a, struct mmha_conn *c,
                    const struct mmha_deadline *d, struct mmha_out *o)
{
    struct mmha_replica_status r;
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
    e = mmha_replica_status_read(c, &r);
    if (e != 0) {
        mmha_err("cannot read the replica status: %s", mysql_error(c->my));
        return mmha_exit_for_errno(e);
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
    waiter_sql(c, &mon, &r, &t, d, w->sql, sizeof(w->sql));
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
        mmha_deadline_sleep_ms(d, POLL_MS);
        mmha_conn_bound(&mon, d);
        e = mmha_replica_status_read(&mon, &r);
        if (e != 0) {
            snprintf(msg, sizeof(msg), "lost the server: %s",
                     mysql_error(mon.my));
            rc = mmha_exit_for_errno(e);
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
    if (!atomic_load(&w->finished)) {
        /* Cut the server-side wait; our own link is never the target. */
        mmha_execf(&mon, "KILL QUERY %lu", c->thread_id);
    }
    pthread_join(w->thread, NULL);
    w->started = false;
    if (rc == 0 && !reached) {
        if (w->err != 0) {
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
            if (rc == 0 && !reached) {
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
    if (w != NULL && w->started) {
        pthread_join(w->thread, NULL);
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
    return rc;
}

/* ------------------------------------------------------------ repoint */

static void conn_escape(void *ctx, char *buf, size_t len, const char *s)
{
    mmha_escape(ctx, buf, len, s);
}

static bool change_source(struct mmha_conn *c,
                          const struct mmha_change_source *cs, char *msg,
                          size_t len)
{
    const struct mmha_version *v = &c->version;
    char sql[4096];
    unsigned int e;

    if (!mmha_change_source_sql(v, cs, conn_escape, c, sql, sizeof(sql))) {
        snprintf(msg, len, "cannot build the CHANGE statement");
        return false;
    }
    e = mmha_exec(c, mmha_sql_text(v, MMHA_SQL_STOP_REPLICA));
    if (e == 0) {
        e = mmha_exec(c, sql);
    }
    if (e != 0) {
        snprintf(msg, len, "%s", mysql_error(c->my));
        return false;
    }
    return true;
}

/* Both threads up, no error, and still so after SETTLE_MS. */
static int verify_running(struct mmha_conn *c, const struct mmha_deadline *d,
                          struct mmha_replica_status *r, char *msg, size_t len)
{
    int64_t up_since = 0;
    unsigned int e;

    for (;;) {
        e = mmha_replica_status_read(c, r);
        if (e != 0) {
            snprintf(msg, len, "%s", mysql_error(c->my));
            return mmha_exit_for_errno(e);
        }
        /* Connecting with an error is a retry: it may still succeed. */
        if (r->last_io_errno != 0 && !r->io_running && !r->io_connecting) {
            snprintf(msg, len, "replication IO error %u: %s", r->last_io_errno,
                     r->last_io_error);
            return MMHA_EXIT_REPLICATION;
        }
        if (r->last_sql_errno != 0) {
            snprintf(msg, len, "replication SQL error %u: %s",
                     r->last_sql_errno, r->last_sql_error);
            return MMHA_EXIT_REPLICATION;
        }
        if (r->io_running && r->sql_running) {
            if (up_since == 0) {
                up_since = mmha_now_us();
            } else if (mmha_now_us() - up_since >= SETTLE_MS * 1000) {
                return MMHA_EXIT_OK;
            }
        } else {
            up_since = 0;
        }
        if (mmha_deadline_passed(d)) {
            snprintf(msg, len,
                     "replication threads not running within --timeout "
                     "(IO %s, SQL %s)%s%.900s",
                     r->io_running      ? "yes"
                     : r->io_connecting ? "connecting"
                                        : "no",
                     r->sql_running ? "yes" : "no",
                     r->last_io_errno != 0 ? ": " : "", r->last_io_error);
            return MMHA_EXIT_DEADLINE;
        }
        mmha_deadline_sleep_ms(d, POLL_MS);
    }
}

static int read_repl_credentials(const char *path, char *user, size_t ulen,
                                 char *pw, size_t plen)
{
    int u;
    int p;

    if (access(path, R_OK) != 0) {
        mmha_err("--repl-defaults-file %s: cannot read it: %s", path,
                 strerror(errno));
        return MMHA_EXIT_NOINPUT;
    }
    u = mmha_optfile_get(path, "client", "user", user, ulen);
    p = mmha_optfile_get(path, "client", "password", pw, plen);
    if (u != 0 || p != 0) {
        mmha_err("--repl-defaults-file %s: needs user and password in "
                 "[client]",
                 path);
        return MMHA_EXIT_CONFIG;
    }
    return MMHA_EXIT_OK;
}

/*
 * Put back what the replica had: its old source at the position it had
 * applied (or its GTID mode), threads as they were; no source at all when
 * it had none.
 */
static bool restore_source(struct mmha_conn *c,
                           const struct mmha_replica_status *old, char *msg,
                           size_t len)
{
    const struct mmha_version *v = &c->version;
    struct mmha_change_source back = {0};

    if (!old->configured) {
        if (mmha_exec(c, mmha_sql_text(v, MMHA_SQL_STOP_REPLICA)) != 0 ||
            mmha_exec(c, mmha_sql_text(v, MMHA_SQL_RESET_REPLICA_ALL)) != 0) {
            snprintf(msg, len, "%s", mysql_error(c->my));
            return false;
        }
        return true;
    }
    back.host = old->source_host;
    back.port = old->source_port;
    back.connect_retry = CONNECT_RETRY_S;
    back.auto_position =
        old->auto_position ? MMHA_AUTOPOS_ON : MMHA_AUTOPOS_OFF;
    if (!old->auto_position && old->exec_file[0] != '\0') {
        back.log_file = old->exec_file;
        back.log_pos = old->exec_pos;
    }
    if (!change_source(c, &back, msg, len)) {
        return false;
    }
    if (old->io_running || old->io_connecting || old->sql_running) {
        mmha_exec(c, mmha_sql_text(v, MMHA_SQL_START_REPLICA));
    }
    return true;
}

static int cmd_repoint(struct args *a, struct mmha_conn *c,
                       const struct mmha_deadline *d, struct mmha_out *o)
{
    struct mmha_replica_status old;
    struct mmha_replica_status now;
    struct mmha_change_source cs = {0};
    struct mmha_deadline verify;
    char host[MMHA_NAME_MAX];
    char file[MMHA_NAME_MAX] = "";
    char user[128] = "";
    char pw[256] = "";
    char msg[MSG_MAX] = "";
    char rmsg[MSG_MAX] = "";
    unsigned int port = 0;
    uint64_t pos = 0;
    int64_t left;
    bool restored = false;
    int rc;
    unsigned int e;

    memset(&now, 0, sizeof(now));
    mmha_parse_host_port(a->to, host, sizeof(host), &port);
    if (a->at != NULL) {
        mmha_parse_binlog_pos(a->at, file, sizeof(file), &pos);
    }
    if (a->repl_defaults != NULL) {
        rc = read_repl_credentials(a->repl_defaults, user, sizeof(user), pw,
                                   sizeof(pw));
        if (rc != 0) {
            return rc;
        }
    }
    e = mmha_replica_status_read(c, &old);
    if (e != 0) {
        mmha_err("cannot read the replica status: %s", mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    cs.host = host;
    cs.port = port;
    cs.user = a->repl_defaults != NULL ? user : NULL;
    cs.password = a->repl_defaults != NULL ? pw : NULL;
    cs.connect_retry = CONNECT_RETRY_S;
    cs.log_file = a->at != NULL ? file : NULL;
    cs.log_pos = pos;
    cs.auto_position = a->gtid_auto ? MMHA_AUTOPOS_ON : MMHA_AUTOPOS_LEAVE;

    /* Keep time back for putting the old source back if this fails. */
    left = mmha_deadline_left_ms(d);
    mmha_deadline_start(&verify, left > 2 * RESTORE_RESERVE_MS
                                     ? left - RESTORE_RESERVE_MS
                                     : left / 2);
    if (!change_source(c, &cs, msg, sizeof(msg))) {
        rc = MMHA_EXIT_ERROR;
    } else if (mmha_exec(c, mmha_sql_text(&c->version,
                                          MMHA_SQL_START_REPLICA)) != 0) {
        snprintf(msg, sizeof(msg), "%s", mysql_error(c->my));
        rc = MMHA_EXIT_REPLICATION;
    } else {
        rc = verify_running(c, &verify, &now, msg, sizeof(msg));
    }
    if (rc != 0) {
        mmha_conn_bound(c, d);
        restored = restore_source(c, &old, rmsg, sizeof(rmsg));
        if (!restored) {
            mmha_err("could not restore the old source: %s", rmsg);
        }
        mmha_replica_status_read(c, &now);
    }
    if (rc != 0) {
        mmha_err("repoint to %s failed: %s%s", a->to, msg,
                 restored ? " (old source restored)" : "");
    }
    mmha_out_str(o, "status", mmha_exit_name(rc));
    mmha_out_str(o, "to", a->to);
    mmha_out_str(o, "at", a->at != NULL ? a->at : "gtid");
    mmha_out_bool(o, "restored", restored);
    mmha_out_str(o, "error", msg[0] != '\0' ? msg : NULL);
    mmha_replica_status_out(o, "old", &old);
    mmha_replica_status_out(o, "replica", &now);
    return rc;
}

/* ------------------------------------------------------------ errant */

static unsigned int gtid_state(struct mmha_conn *c, bool with_applied,
                               struct mmha_gtid_set *out, char *err,
                               size_t errlen)
{
    struct mmha_gtid_set bin;
    struct mmha_gtid_set app;
    char buf[MMHA_GTID_MAX];
    unsigned int e;

    mmha_gtid_init(out, gtid_kind(c));
    e = read_var(c, MMHA_VAR_GTID_BINLOG, buf, sizeof(buf));
    if (e != 0) {
        snprintf(err, errlen, "%s", mysql_error(c->my));
        return e;
    }
    if (!mmha_gtid_parse(&bin, gtid_kind(c), buf, err, errlen)) {
        return ER_UNKNOWN_ERROR;
    }
    mmha_gtid_init(&app, gtid_kind(c));
    if (with_applied) {
        e = read_var(c, MMHA_VAR_GTID_APPLIED, buf, sizeof(buf));
        if (e != 0) {
            snprintf(err, errlen, "%s", mysql_error(c->my));
            mmha_gtid_free(&bin);
            return e;
        }
        if (!mmha_gtid_parse(&app, gtid_kind(c), buf, err, errlen)) {
            mmha_gtid_free(&bin);
            return ER_UNKNOWN_ERROR;
        }
    }
    mmha_gtid_union(out, &bin, &app);
    mmha_gtid_free(&bin);
    mmha_gtid_free(&app);
    return 0;
}

static void errant_out(struct mmha_out *o, const struct mmha_gtid_set *s)
{
    size_t i;
    size_t j;

    mmha_out_list_begin(o, "transactions");
    for (i = 0; i < s->n; i++) {
        const struct mmha_gtid_source *src = &s->src[i];

        for (j = 0; j < src->n; j++) {
            mmha_out_item_begin(o);
            if (s->kind == MMHA_GTID_MARIADB) {
                mmha_out_int(o, "domain", src->domain);
                mmha_out_int(o, "server_id", src->server_id);
            } else {
                mmha_out_str(o, "uuid", src->key);
            }
            mmha_out_int(o, "first", (long long)src->iv[j].first);
            mmha_out_int(o, "last", (long long)src->iv[j].last);
            mmha_out_close(o);
        }
    }
    mmha_out_close(o);
}

static int cmd_errant(struct args *a, struct mmha_conn *c,
                      const struct mmha_deadline *d, struct mmha_out *o)
{
    struct mmha_conn_opts ro = a->common.conn;
    struct mmha_conn ref = {0};
    struct mmha_gtid_set mine;
    struct mmha_gtid_set theirs;
    struct mmha_gtid_set errant;
    char host[MMHA_NAME_MAX];
    char msg[MSG_MAX] = "";
    char text[MMHA_GTID_MAX];
    unsigned int port = 0;
    int rc;

    mmha_gtid_init(&mine, gtid_kind(c));
    mmha_gtid_init(&theirs, gtid_kind(c));
    mmha_gtid_init(&errant, gtid_kind(c));
    /* An existing file is an option file; otherwise HOST:PORT with our
     * own credentials. */
    if (access(a->reference, F_OK) != 0 &&
        mmha_parse_host_port(a->reference, host, sizeof(host), &port)) {
        ro.host = host;
        ro.port = port;
        ro.socket = NULL;
    } else {
        memset(&ro, 0, sizeof(ro));
        ro.defaults_file = a->reference;
        ro.group = a->common.conn.group;
    }
    rc = mmha_connect(&ref, &ro, d, msg, sizeof(msg));
    if (rc != 0) {
        mmha_err("--reference: %s", msg);
        goto done;
    }
    if (gtid_state(c, false, &mine, msg, sizeof(msg)) != 0 ||
        gtid_state(&ref, true, &theirs, msg, sizeof(msg)) != 0) {
        mmha_err("cannot read the GTID state: %s", msg);
        rc = MMHA_EXIT_PROTOCOL;
        goto done;
    }
    if (!mmha_gtid_subtract(&errant, &mine, &theirs)) {
        rc = MMHA_EXIT_OSERR;
        goto done;
    }
    rc = mmha_gtid_empty(&errant) ? MMHA_EXIT_OK : MMHA_EXIT_ERRANT;
    mmha_out_str(o, "status", mmha_exit_name(rc));
    mmha_gtid_format(&mine, text, sizeof(text));
    mmha_out_str(o, "gtid_local", text);
    mmha_gtid_format(&theirs, text, sizeof(text));
    mmha_out_str(o, "gtid_reference", text);
    mmha_gtid_format(&errant, text, sizeof(text));
    mmha_out_str(o, "errant", text);
    mmha_out_int(o, "errant_count", (long long)mmha_gtid_count(&errant));
    errant_out(o, &errant);

done:
    mmha_gtid_free(&mine);
    mmha_gtid_free(&theirs);
    mmha_gtid_free(&errant);
    mmha_disconnect(&ref);
    return rc;
}

/* ------------------------------------------------------------ options */

static const struct option longopts[] = {
    MMHA_COMMON_LONGOPTS,
    {"at", required_argument, NULL, OPT_AT},
    {"drain", no_argument, NULL, OPT_DRAIN},
    {"gtid", optional_argument, NULL, OPT_GTID},
    {"pos", required_argument, NULL, OPT_POS},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"reference", required_argument, NULL, OPT_REFERENCE},
    {"repl-defaults-file", required_argument, NULL, OPT_REPL_DEFAULTS_FILE},
    {"to", required_argument, NULL, OPT_TO},
    {NULL, 0, NULL, 0},
};

static int own_option(struct args *a, int opt, int argc, char **argv)
{
    switch (opt) {
    case OPT_AT: a->at = optarg; return 0;
    case OPT_DRAIN: a->drain = true; return 0;
    case OPT_GTID:
        /* wait takes "--gtid SET"; repoint a bare "--gtid". */
        if (optarg == NULL && strcmp(a->cmd, "wait") == 0) {
            if (optind >= argc) {
                mmha_err("--gtid: wait needs a GTID set");
                return -1;
            }
            optarg = argv[optind++];
        }
        if (optarg != NULL) {
            a->gtid = optarg;
        } else {
            a->gtid_auto = true;
        }
        return 0;
    case OPT_POS: a->pos = optarg; return 0;
    case OPT_PROGRESS: a->progress = true; return 0;
    case OPT_REFERENCE: a->reference = optarg; return 0;
    case OPT_REPL_DEFAULTS_FILE: a->repl_defaults = optarg; return 0;
    case OPT_TO: a->to = optarg; return 0;
    default: return -1;
    }
}

/* What each subcommand needs and refuses; false after one clear line. */
static bool check_args(const struct args *a)
{
    char file[MMHA_NAME_MAX];
    char host[MMHA_NAME_MAX];
    uint64_t pos;
    unsigned int port;
    bool is_wait = strcmp(a->cmd, "wait") == 0;
    bool is_repoint = strcmp(a->cmd, "repoint") == 0;
    bool is_errant = strcmp(a->cmd, "errant") == 0;
    int targets = (a->pos != NULL) + (a->gtid != NULL) + a->drain;

    if (!is_wait && (targets > 0 || a->progress)) {
        mmha_err("--pos, --gtid SET, --drain and --progress are for wait");
        return false;
    }
    if (!is_repoint && (a->to != NULL || a->at != NULL ||
                        a->repl_defaults != NULL || a->gtid_auto)) {
        mmha_err("--to, --at, --gtid and --repl-defaults-file are for "
                 "repoint");
        return false;
    }
    if (!is_errant && a->reference != NULL) {
        mmha_err("--reference is for errant");
        return false;
    }
    if (is_wait && targets != 1) {
        mmha_err("wait needs exactly one of --pos, --gtid, --drain");
        return false;
    }
    if (a->pos != NULL &&
        !mmha_parse_binlog_pos(a->pos, file, sizeof(file), &pos)) {
        mmha_err("--pos: '%s' is not FILE:POS", a->pos);
        return false;
    }
    if (is_repoint) {
        if (a->to == NULL ||
            !mmha_parse_host_port(a->to, host, sizeof(host), &port)) {
            mmha_err("--to: repoint needs the new source as HOST:PORT");
            return false;
        }
        if ((a->at != NULL) == a->gtid_auto) {
            mmha_err("repoint needs exactly one of --at FILE:POS, --gtid");
            return false;
        }
        if (a->at != NULL &&
            !mmha_parse_binlog_pos(a->at, file, sizeof(file), &pos)) {
            mmha_err("--at: '%s' is not FILE:POS", a->at);
            return false;
        }
    }
    if (is_errant && a->reference == NULL) {
        mmha_err("errant needs --reference FILE or HOST:PORT");
        return false;
    }
    return true;
}

static int parse_args(struct args *a, int argc, char **argv)
{
    int opt;
    int r;

    mmha_common_defaults(&a->common, DEFAULT_TIMEOUT_MS);
    if (argc < 2) {
        mmha_err("a subcommand is needed: capture, wait, repoint, errant");
        return MMHA_EXIT_USAGE;
    }
    a->cmd = argv[1];
    if (strcmp(a->cmd, "--help") == 0 || strcmp(a->cmd, "-h") == 0) {
        a->common.help = true;
        return MMHA_EXIT_OK;
    }
    if (strcmp(a->cmd, "capture") != 0 && strcmp(a->cmd, "wait") != 0 &&
        strcmp(a->cmd, "repoint") != 0 && strcmp(a->cmd, "errant") != 0) {
        mmha_err("'%s' is not a subcommand (capture, wait, repoint, errant)",
                 a->cmd);
        return MMHA_EXIT_USAGE;
    }
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
        if (opt == 'h') {
            opt = 'H';
        }
        r = mmha_common_option(&a->common, opt, optarg);
        if (r == 1) {
            continue;
        }
        if (r == -1) {
            return MMHA_EXIT_USAGE;
        }
        if (opt == '?' || opt == ':') {
            mmha_bad_option(TOOL, optopt, argv);
            return MMHA_EXIT_USAGE;
        }
        if (own_option(a, opt, argc, argv) != 0) {
            return MMHA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        mmha_err("unexpected argument '%s'", argv[optind]);
        return MMHA_EXIT_USAGE;
    }
    if (a->common.help) {
        return MMHA_EXIT_OK;
    }
    return check_args(a) ? MMHA_EXIT_OK : MMHA_EXIT_USAGE;
}

/* -v counts before the log is set up, so look for it first. */
static int count_verbose(int argc, char **argv)
{
    int n = 0;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
            n++;
        } else if (strcmp(argv[i], "-vv") == 0) {
            n += 2;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    struct args a;
    struct mmha_deadline d;
    struct mmha_conn c = {0};
    struct mmha_out o;
    char msg[MSG_MAX];
    bool out_open = false;
    int rc;

    start_us = mmha_now_us();
    memset(&a, 0, sizeof(a));
    mmha_log_init(TOOL, count_verbose(argc, argv), false);
    rc = parse_args(&a, argc, argv);
    if (rc != 0 || a.common.help) {
        if (a.common.help) {
            usage(stdout);
        }
        goto done;
    }
    if (a.common.syslog) {
        mmha_log_fini();
        mmha_log_init(TOOL, a.common.verbose, true);
    }
    mmha_deadline_start(&d, a.common.timeout_ms);
    rc = mmha_connect(&c, &a.common.conn, &d, msg, sizeof(msg));
    if (rc != 0) {
        mmha_err("%s", msg);
        goto done;
    }
    mmha_out_begin(&o, a.common.format, stdout);
    out_open = true;
    if (strcmp(a.cmd, "capture") == 0) {
        rc = cmd_capture(&a, &c, &o);
    } else if (strcmp(a.cmd, "wait") == 0) {
        rc = cmd_wait(&a, &c, &d, &o);
    } else if (strcmp(a.cmd, "repoint") == 0) {
        rc = cmd_repoint(&a, &c, &d, &o);
    } else {
        rc = cmd_errant(&a, &c, &d, &o);
    }

done:
    if (out_open) {
        mmha_out_end(&o);
    }
    mmha_disconnect(&c);
    mmha_log_fini();
    return rc;
}
