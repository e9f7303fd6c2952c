/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-lag check, on a reader: lag, replication threads, and a readable
 * flag with hysteresis, published to Pacemaker on request. One reading is
 * check_read then check_decide; run_check does one, watch.c many.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attrd.h"
#include "conn.h"
#include "deadline.h"
#include "exitcode.h"
#include "heartbeat.h"
#include "hysteresis.h"
#include "log.h"
#include "output.h"

#include "lag.h"

enum {
    OFFSET_SAMPLES = 5,        /* NOW(6) round trips per server */
    OFFSET_REFRESH_MS = 60000, /* --watch: measure the offset again */
};

static unsigned int server_clock(struct mmha_conn *c,
                                 struct mmha_clock_sample *s)
{
    char buf[32];
    unsigned int e;

    s->sent_us = mmha_now_us();
    e = mmha_query_value(c, MMHA_HB_SERVER_US, buf, sizeof(buf), NULL);
    s->recv_us = mmha_now_us();
    s->server_us = strtoll(buf, NULL, 10);
    return e;
}

/*
 * Writer clock minus reader clock: each server's clock against this
 * host's monotonic clock (best of a few round trips), then the difference,
 * so this host's own clock never enters the result.
 */
static int measure_offset(const struct lag_args *a, struct mmha_conn *rd,
                          const struct mmha_deadline *d, struct check_memory *m)
{
    struct mmha_clock_sample sr[OFFSET_SAMPLES];
    struct mmha_clock_sample sw[OFFSET_SAMPLES];
    struct mmha_conn_opts wo = {0};
    struct mmha_conn wr = {0};
    int64_t off_r, off_w, err_r, err_w;
    char err[ERR_LEN];
    unsigned int e = 0;
    int rc;
    int i;

    wo.defaults_file = a->offset_from;
    wo.group = a->common.conn.group;
    rc = mmha_connect(&wr, &wo, d, err, sizeof(err));
    if (rc != MMHA_EXIT_OK) {
        mmha_err("--offset-from: %s", err);
        return rc;
    }
    mmha_conn_bound(&wr, d);
    for (i = 0; i < OFFSET_SAMPLES && e == 0; i++) {
        e = server_clock(rd, &sr[i]);
        if (e == 0) {
            e = server_clock(&wr, &sw[i]);
        }
    }
    if (e != 0) {
        mmha_err("--offset-from: reading the clocks failed: %s",
                 mysql_error(wr.my));
        rc = mmha_exit_for_errno(e);
    } else if (!mmha_clock_offset(sr, OFFSET_SAMPLES, &off_r, &err_r) ||
               !mmha_clock_offset(sw, OFFSET_SAMPLES, &off_w, &err_w)) {
        mmha_err("--offset-from: no usable clock sample");
        rc = MMHA_EXIT_SOFTWARE;
    } else {
        m->offset_known = true;
        m->offset_ms = (double)(off_w - off_r) / 1000.0;
        m->offset_err_ms = (double)(err_r + err_w) / 1000.0;
        m->offset_at_us = mmha_now_us();
    }
    mmha_disconnect(&wr);
    return rc;
}

static void copy_col(char *dst, size_t len, const struct mmha_row *row,
                     const char *name)
{
    const char *v = mmha_row_get(row, name);

    snprintf(dst, len, "%s", v != NULL ? v : "");
}

/* The heartbeat row, if any: 0 or the server's errno. */
static unsigned int read_heartbeat(struct mmha_conn *c, struct lag_reading *r)
{
    struct mmha_row row;
    const char *v;
    unsigned int e = mmha_query_row(c, MMHA_HB_CHECK, &row);

    if (mmha_hb_missing(e)) {
        return 0; /* no table yet: nobody beat */
    }
    if (e != 0) {
        return e;
    }
    v = mmha_row_get(&row, "lag_us");
    if (mmha_row_found(&row) && v != NULL) {
        r->hb_found = true;
        r->lag_raw_ms = (double)strtoll(v, NULL, 10) / 1000.0;
        v = mmha_row_get(&row, "server_id");
        r->hb_server_id = v != NULL ? strtoll(v, NULL, 10) : 0;
        v = mmha_row_get(&row, "epoch");
        r->hb_epoch = v != NULL ? strtoull(v, NULL, 10) : 0;
        v = mmha_row_get(&row, "binlog_pos");
        r->hb_pos = v != NULL ? strtoull(v, NULL, 10) : 0;
        copy_col(r->hb_ts, sizeof(r->hb_ts), &row, "ts");
        copy_col(r->hb_file, sizeof(r->hb_file), &row, "binlog_file");
    }
    mmha_row_free(&row);
    return 0;
}

static const char *thread_state(bool running, bool connecting)
{
    return running ? "Yes" : connecting ? "Connecting" : "No";
}

static const char *lag_source(const struct lag_reading *r)
{
    if (!r->reached) {
        return r->unreachable ? "unreachable" : "error";
    }
    if (r->hb_found) {
        return "heartbeat";
    }
    return r->lag_known ? "seconds_behind_master" : "none";
}

/* Set NAME-lag-ms and NAME-readable; 0 or the first failing status. */
static int publish(const struct lag_args *a, const struct lag_reading *r,
                   bool readable, const struct mmha_deadline *d)
{
    char lag_name[256];
    char rd_name[256];
    char lag[32];
    char dampen[32];
    struct mmha_attrd_call call;
    int rc;

    snprintf(lag_name, sizeof(lag_name), "%s-lag-ms", a->publish);
    snprintf(rd_name, sizeof(rd_name), "%s-readable", a->publish);
    snprintf(lag, sizeof(lag), "%lld",
             (long long)(r->lag_ms >= 0 ? r->lag_ms + 0.5 : r->lag_ms - 0.5));
    snprintf(dampen, sizeof(dampen), "%" PRId64 "ms", a->dampen_ms);
    /* Unknown lag: delete the value rather than publish a fake one. */
    mmha_attrd_build(&call, lag_name, r->lag_known ? lag : NULL,
                     a->dampen_ms >= 0 ? dampen : NULL, a->node);
    rc = mmha_run_argv(call.argv, d);
    if (rc != 0) {
        mmha_err("attrd_updater -n %s failed (status %d)", lag_name, rc);
        return rc;
    }
    /* The flag is not dampened: the hysteresis already smoothed it. */
    mmha_attrd_build(&call, rd_name, readable ? "1" : "0", NULL, a->node);
    rc = mmha_run_argv(call.argv, d);
    if (rc != 0) {
        mmha_err("attrd_updater -n %s failed (status %d)", rd_name, rc);
    }
    return rc;
}

static void print_replication(struct mmha_out *o, const struct lag_reading *r)
{
    const struct mmha_replica_status *rs = &r->rs;

    if (r->hb_found) {
        mmha_out_object_begin(o, "heartbeat");
        mmha_out_int(o, "server_id", r->hb_server_id);
        mmha_out_str(o, "ts", r->hb_ts);
        mmha_out_int(o, "epoch", (long long)r->hb_epoch);
        mmha_out_str(o, "binlog_file", r->hb_file);
        mmha_out_int(o, "binlog_pos", (long long)r->hb_pos);
        mmha_out_close(o);
    }
    mmha_out_bool(o, "replication_configured", rs->configured);
    mmha_out_str(o, "io_thread",
                 rs->configured
                     ? thread_state(rs->io_running, rs->io_connecting)
                     : NULL);
    mmha_out_str(o, "sql_thread",
                 rs->configured ? thread_state(rs->sql_running, false) : NULL);
    if (rs->configured && !rs->seconds_behind_null) {
        mmha_out_int(o, "seconds_behind_master", rs->seconds_behind);
    } else {
        mmha_out_str(o, "seconds_behind_master", NULL);
    }
    mmha_out_int(o, "last_io_errno", rs->last_io_errno);
    mmha_out_int(o, "last_sql_errno", rs->last_sql_errno);
}

/* Now as UTC ISO 8601 with milliseconds: "2026-12-02T15:31:00.123Z". */
static const char *utc_now(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    size_t n;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
    return buf;
}

static void check_print(const struct lag_args *a, const struct lag_reading *r,
                        const struct mmha_hyst_state *st,
                        enum mmha_hyst_reason why, int64_t dwell_left,
                        bool changed, int published,
                        const struct watch_extra *w)
{
    struct mmha_out o;

    mmha_out_begin(&o, a->common.format, stdout);
    if (w != NULL) {
        char when[40];

        mmha_out_int(&o, "reading", w->reading);
        mmha_out_str(&o, "time", utc_now(when, sizeof(when)));
        mmha_out_double(&o, "check_ms",
                        (double)(mmha_now_us() - w->start_us) / 1000.0, 3);
    }
    mmha_out_str(&o, "source", lag_source(r));
    if (!r->reached) {
        mmha_out_str(&o, "error", r->error);
        if (w != NULL) {
            mmha_out_int(&o, "unreached_ms", w->unreached_ms);
        }
    }
    if (r->lag_known) {
        mmha_out_double(&o, "lag_ms", r->lag_ms, 3);
    } else {
        mmha_out_str(&o, "lag_ms", NULL);
    }
    if (r->offset_known) {
        mmha_out_double(&o, "lag_raw_ms", r->lag_raw_ms, 3);
        mmha_out_double(&o, "offset_ms", r->offset_ms, 3);
        mmha_out_double(&o, "offset_uncertainty_ms", r->offset_err_ms, 3);
    }
    /* Nothing is known of the threads of a server that did not answer. */
    if (r->reached) {
        print_replication(&o, r);
        mmha_out_bool(&o, "replication_ok", r->replication_ok);
    }
    mmha_out_bool(&o, "readable", st->readable);
    mmha_out_str(&o, "reason", mmha_hyst_reason_name(why));
    mmha_out_int(&o, "dwell_left_ms", dwell_left);
    mmha_out_bool(&o, "changed", changed);
    mmha_out_int(&o, "max_lag_ms", a->max_lag_ms);
    mmha_out_int(&o, "recover_lag_ms", a->recover_lag_ms);
    mmha_out_int(&o, "dwell_ms", a->dwell_ms);
    if (a->publish != NULL) {
        mmha_out_bool(&o, "published", published == 0);
    }
    mmha_out_end(&o);
    if (w != NULL && a->common.format != MMHA_FORMAT_JSON) {
        fputc('\n', stdout); /* a blank line ends a record */
    }
    fflush(stdout);
}

/*
 * Hysteresis memory: loaded from --state-file; without one, a single check
 * has none (readable = lag within --max-lag, no dwell) while --watch keeps
 * it in this process, starting not readable like a missing state file.
 */
void check_memory_init(const struct lag_args *a, struct check_memory *m,
                       bool watching)
{
    int lr = 1;

    memset(m, 0, sizeof(*m));
    m->hc.max_lag_ms = (double)a->max_lag_ms;
    m->hc.recover_lag_ms = (double)a->recover_lag_ms;
    m->hc.dwell_ms = a->dwell_ms;
    mmha_hyst_init(&m->st);
    m->st.readable = a->state_file == NULL && !watching;
    if (a->state_file != NULL) {
        lr = mmha_hyst_load(a->state_file, &m->st);
    }
    if (lr < 0) {
        mmha_warn("--state-file %s: unreadable or malformed; starting "
                  "unreadable",
                  a->state_file);
    }
    /* A single check always writes the file; --watch when it changed. */
    m->have_saved = watching && lr == 0;
    m->saved = m->st;
}

static bool state_equal(const struct mmha_hyst_state *x,
                        const struct mmha_hyst_state *y)
{
    return x->readable == y->readable && x->good_since_us == y->good_since_us &&
           x->changed_us == y->changed_us;
}

/* Whether the --offset-from estimate must be (re)measured now. */
static bool offset_due(const struct lag_args *a, const struct check_memory *m)
{
    return a->offset_from != NULL &&
           (!m->offset_known ||
            mmha_now_us() - m->offset_at_us > OFFSET_REFRESH_MS * 1000LL);
}

int check_read(const struct lag_args *a, struct mmha_conn *c,
               const struct mmha_deadline *d, struct check_memory *m,
               struct lag_reading *r)
{
    unsigned int e;
    int rc;

    memset(r, 0, sizeof(*r));
    if (offset_due(a, m)) {
        rc = measure_offset(a, c, d, m);
        if (rc != MMHA_EXIT_OK && !m->offset_known) {
            snprintf(r->error, sizeof(r->error),
                     "--offset-from: no clock offset");
            r->error_logged = true; /* measure_offset said why */
            return rc;
        }
        if (rc != MMHA_EXIT_OK) {
            mmha_warn("--offset-from: keeping the previous estimate");
        }
    }
    e = read_heartbeat(c, r);
    if (e == 0) {
        e = mmha_replica_status_read(c, &r->rs);
    }
    if (e != 0) {
        snprintf(r->error, sizeof(r->error), "reading the lag failed: %s",
                 mysql_error(c->my));
        r->unreachable = lag_client_error(e);
        return mmha_deadline_passed(d) ? MMHA_EXIT_DEADLINE
                                       : mmha_exit_for_errno(e);
    }
    r->reached = true;
    if (m->offset_known) {
        r->offset_known = true;
        r->offset_ms = m->offset_ms;
        r->offset_err_ms = m->offset_err_ms;
    }
    if (r->hb_found) {
        r->lag_known = true;
        r->lag_ms = r->lag_raw_ms + (r->offset_known ? r->offset_ms : 0.0);
    } else if (r->rs.configured && !r->rs.seconds_behind_null) {
        r->lag_known = true;
        r->lag_ms = (double)r->rs.seconds_behind * 1000.0;
        r->lag_raw_ms = r->lag_ms;
    }
    r->replication_ok =
        r->rs.configured && r->rs.io_running && r->rs.sql_running;
    return MMHA_EXIT_OK;
}

int check_decide(const struct lag_args *a, struct check_memory *m,
                 const struct lag_reading *r, const struct mmha_deadline *d,
                 const struct watch_extra *w)
{
    struct mmha_hyst_input in;
    enum mmha_hyst_reason why;
    int64_t dwell_left = 0;
    bool was_readable = m->st.readable;
    bool remembers = a->state_file != NULL || w != NULL;
    int published = -1;
    int rc = MMHA_EXIT_OK;

    in.lag_known = r->lag_known;
    in.lag_ms = r->lag_ms;
    /* A server that did not answer: its threads are unknown, not broken
     * (the unknown lag makes it unreadable all the same). */
    in.replication_ok = r->reached ? r->replication_ok : true;
    in.now_us = mmha_wall_us();
    why = mmha_hyst_step(&m->hc, &m->st, &in, &dwell_left);
    /* Without memory there is no previous state to change from. */
    if (remembers && was_readable != m->st.readable) {
        mmha_notice("%s (%s)", m->st.readable ? "readable" : "not readable",
                    mmha_hyst_reason_name(why));
    }
    if (a->state_file != NULL &&
        (!m->have_saved || !state_equal(&m->st, &m->saved))) {
        int se = mmha_hyst_save(a->state_file, &m->st);

        if (se != 0) {
            mmha_err("--state-file %s: %s", a->state_file, strerror(se));
            rc = MMHA_EXIT_IOERR;
        } else {
            m->saved = m->st;
            m->have_saved = w != NULL;
        }
    }
    if (a->publish != NULL) {
        published = publish(a, r, m->st.readable, d);
        if (published != 0 && rc == MMHA_EXIT_OK) {
            rc = published == MMHA_EXIT_DEADLINE ? MMHA_EXIT_DEADLINE
                                                 : MMHA_EXIT_ERROR;
        }
    }
    check_print(a, r, &m->st, why, dwell_left, was_readable != m->st.readable,
                published, w);
    return rc;
}

int run_check(const struct lag_args *a)
{
    struct check_memory m;
    struct mmha_deadline d;
    struct mmha_conn c = {0};
    struct lag_reading r = {0};
    int rc;

    rc = lag_connect_once(a, &c, &d);
    if (rc != MMHA_EXIT_OK) {
        goto done;
    }
    check_memory_init(a, &m, false);
    rc = check_read(a, &c, &d, &m, &r);
    if (rc != MMHA_EXIT_OK) {
        if (!r.error_logged) {
            mmha_err("%s", r.error);
        }
        goto done;
    }
    rc = check_decide(a, &m, &r, &d, NULL);
done:
    mmha_replica_status_free(&r.rs);
    mmha_disconnect(&c);
    return rc;
}
