/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-lag check --watch: one connection, a reading every interval and one
 * record each, until SIGTERM or SIGINT (or --count readings). The
 * hysteresis lives in this process (and in --state-file); --publish runs
 * at every reading. When the server goes away it reconnects with back-off,
 * and every reading it cannot take is still a record: lag unknown, not
 * readable, published as such.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "deadline.h"
#include "exitcode.h"
#include "log.h"

#include "lag.h"

enum {
    WATCH_TIMEOUT_MS = 5000, /* per reading, unless --timeout */
    BACKOFF_FIRST_MS = 250,  /* reconnect back-off doubles from here */
    BACKOFF_MAX_MS = 5000,   /* ... up to here */
};

struct watch_conn {
    struct mmha_conn c;
    bool connected;
    int64_t backoff_ms;
    int64_t next_try_us; /* monotonic: no connection attempt before */
};

/* Connected, or why not into err (then an exit code). */
static int watch_connect(const struct lag_args *a, struct watch_conn *wc,
                         const struct mmha_deadline *d, char *err, size_t len)
{
    int64_t now = mmha_now_us();
    int rc;

    if (wc->connected) {
        return MMHA_EXIT_OK;
    }
    if (now < wc->next_try_us) {
        snprintf(err, len, "not connected; next attempt in %" PRId64 " ms",
                 (wc->next_try_us - now + 999) / 1000);
        return MMHA_EXIT_UNAVAILABLE;
    }
    lag_in_db(true);
    rc = mmha_connect(&wc->c, &a->common.conn, d, err, len);
    lag_in_db(false);
    if (rc == MMHA_EXIT_OK) {
        wc->connected = true;
        wc->backoff_ms = BACKOFF_FIRST_MS;
        mmha_notice("connected");
        return rc;
    }
    if (rc != MMHA_EXIT_NOINPUT) {
        mmha_warn("%s; retrying in %" PRId64 " ms", err, wc->backoff_ms);
    }
    wc->next_try_us = mmha_now_us() + wc->backoff_ms * 1000;
    wc->backoff_ms = wc->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
                                                         : wc->backoff_ms * 2;
    return rc;
}

/* One reading on the connection (made first if need be): an exit code. */
static int watch_read(const struct lag_args *a, struct watch_conn *wc,
                      struct check_memory *m, struct lag_reading *r)
{
    struct mmha_deadline d;
    int64_t timeout =
        a->common.timeout_ms >= 0 ? a->common.timeout_ms : WATCH_TIMEOUT_MS;
    int rc;

    memset(r, 0, sizeof(*r));
    mmha_deadline_start(&d, timeout);
    rc = watch_connect(a, wc, &d, r->error, sizeof(r->error));
    if (rc != MMHA_EXIT_OK) {
        r->unreachable = true;
        r->error_logged = true;
        return rc;
    }
    mmha_conn_bound(&wc->c, &d);
    lag_in_db(true);
    rc = check_read(a, &wc->c, &d, m, r);
    lag_in_db(false);
    if (rc == MMHA_EXIT_OK) {
        return rc;
    }
    if (!r->error_logged) {
        mmha_warn("%s", r->error);
    }
    if (r->unreachable || rc == MMHA_EXIT_DEADLINE) {
        /* Gone, or stuck mid-answer: a new connection at the next reading,
         * then back-off. */
        r->unreachable = true;
        mmha_disconnect(&wc->c);
        wc->connected = false;
        wc->next_try_us = 0;
    }
    return rc;
}

/* The next due time after now, on the fixed schedule (missed ones skip). */
static int64_t next_due(int64_t due_us, int64_t interval_ms, int64_t now_us)
{
    int64_t step = interval_ms * 1000;

    if (step == 0) {
        return now_us;
    }
    due_us += step;
    if (due_us < now_us) {
        due_us += ((now_us - due_us) / step + 1) * step;
    }
    return due_us;
}

int run_watch(const struct lag_args *a)
{
    int64_t timeout =
        a->common.timeout_ms >= 0 ? a->common.timeout_ms : WATCH_TIMEOUT_MS;
    struct watch_conn wc = {.backoff_ms = BACKOFF_FIRST_MS};
    struct check_memory m;
    int64_t due = mmha_now_us();
    int64_t last_good = due;
    long long n = 0;
    int rc;

    rc = lag_signals_install(a->pidfile);
    if (rc != MMHA_EXIT_OK) {
        return rc;
    }
    check_memory_init(a, &m, true);
    mmha_notice("checking every %" PRId64 " ms", a->watch_ms);
    while (!lag_stopped() && (a->count == 0 || n < a->count)) {
        struct watch_extra w = {++n, mmha_now_us(), 0};
        struct mmha_deadline pd;
        struct lag_reading r;
        int dr;

        rc = watch_read(a, &wc, &m, &r);
        if (rc == MMHA_EXIT_NOINPUT) {
            mmha_err("%s", r.error);
            mmha_replica_status_free(&r.rs);
            break;
        }
        if (lag_stopped()) {
            mmha_replica_status_free(&r.rs);
            break;
        }
        if (r.reached) {
            last_good = mmha_now_us();
        } else {
            w.unreached_ms = (mmha_now_us() - last_good) / 1000;
        }
        /* Its own bound: a reading that used up --timeout must still
         * publish that the lag is unknown. */
        mmha_deadline_start(&pd, timeout);
        dr = check_decide(a, &m, &r, &pd, &w);
        mmha_replica_status_free(&r.rs);
        if (rc == MMHA_EXIT_OK) {
            rc = dr;
        }
        if (a->count != 0 && n >= a->count) {
            break;
        }
        due = next_due(due, a->watch_ms, mmha_now_us());
        lag_sleep_unless_stopped((due - mmha_now_us()) / 1000);
    }
    mmha_disconnect(&wc.c);
    if (lag_stopped()) {
        mmha_notice("stopped");
        rc = MMHA_EXIT_OK;
    }
    if (a->pidfile != NULL) {
        unlink(a->pidfile);
    }
    return rc;
}
