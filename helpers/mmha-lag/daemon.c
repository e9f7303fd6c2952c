/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-lag beat as a daemon: beat every interval until SIGTERM or SIGINT,
 * reconnect with back-off, keep a pid file. The signal handling and sleeps
 * here serve check --watch too (watch.c).
 */
#include <errmsg.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "deadline.h"
#include "exitcode.h"
#include "file.h"
#include "log.h"

#include "lag.h"

enum {
    BEAT_TIMEOUT_MS = 5000, /* per beat in the daemon */
    BACKOFF_FIRST_MS = 250, /* reconnect back-off doubles from here */
    BACKOFF_MAX_MS = 5000,  /* ... up to here */
    SLEEP_SLICE_MS = 50,    /* a stop request waits at most this */
};

static volatile sig_atomic_t g_stop;
static volatile sig_atomic_t g_in_db;
static const char *g_pidfile;

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
    /* Blocked inside the client library: leave now rather than wait for
     * its read timeout; only async-signal-safe calls here. */
    if (g_in_db) {
        static const char msg[] = "mmha-lag: stopped\n";

        if (g_pidfile != NULL) {
            unlink(g_pidfile);
        }
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
            _exit(MMHA_EXIT_OK); /* nothing more we can do */
        }
        _exit(MMHA_EXIT_OK);
    }
}

bool lag_stopped(void)
{
    return g_stop != 0;
}

void lag_in_db(bool in_db)
{
    g_in_db = in_db ? 1 : 0;
}

bool lag_client_error(unsigned int e)
{
    return e >= CR_MIN_ERROR && e <= CR_MAX_ERROR;
}

/* Sleep ms in short slices so SIGTERM is seen promptly. */
void lag_sleep_unless_stopped(int64_t ms)
{
    int64_t end = mmha_now_us() + ms * 1000;
    int64_t left;

    while (!g_stop && (left = end - mmha_now_us()) > 0) {
        struct timespec ts;
        int64_t slice =
            left / 1000 < SLEEP_SLICE_MS ? left / 1000 + 1 : SLEEP_SLICE_MS;

        ts.tv_sec = 0;
        ts.tv_nsec = (long)slice * 1000000;
        nanosleep(&ts, NULL);
    }
}

int lag_signals_install(const char *pidfile)
{
    struct sigaction sa;

    if (pidfile != NULL) {
        int e = mmha_write_pidfile(pidfile);

        if (e != 0) {
            mmha_err("--pidfile %s: %s", pidfile, strerror(e));
            return MMHA_EXIT_IOERR;
        }
    }
    g_pidfile = pidfile;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a sleep is cut short by the signal. */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    return MMHA_EXIT_OK;
}

/* The daemon: beat every interval until SIGTERM; reconnect with back-off. */
int run_beat_daemon(const struct lag_args *a)
{
    int64_t per_beat =
        a->common.timeout_ms >= 0 ? a->common.timeout_ms : BEAT_TIMEOUT_MS;
    int64_t backoff = BACKOFF_FIRST_MS;
    struct mmha_conn c = {0};
    bool connected = false;
    int skipping = -1; /* unknown, so the first state is logged */
    char err[ERR_LEN];
    int rc = MMHA_EXIT_OK;
    int e;

    rc = lag_signals_install(a->pidfile);
    if (rc != MMHA_EXIT_OK) {
        return rc;
    }
    mmha_notice("beating every %" PRId64 " ms, epoch %" PRIu64, a->interval_ms,
                a->epoch);
    while (!g_stop) {
        int64_t start = mmha_now_us();
        struct mmha_deadline d;
        struct beat_result b;
        unsigned int se;

        mmha_deadline_start(&d, per_beat);
        if (!connected) {
            lag_in_db(true);
            e = mmha_connect(&c, &a->common.conn, &d, err, sizeof(err));
            lag_in_db(false);
            if (e == MMHA_EXIT_NOINPUT) {
                mmha_err("%s", err);
                rc = e;
                break;
            }
            if (e != MMHA_EXIT_OK) {
                mmha_warn("%s; retrying in %" PRId64 " ms", err, backoff);
                lag_sleep_unless_stopped(backoff);
                backoff =
                    backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
                continue;
            }
            connected = true;
            backoff = BACKOFF_FIRST_MS;
            mmha_notice("connected");
        }
        mmha_conn_bound(&c, &d);
        lag_in_db(true);
        se = beat_once(&c, a->epoch, false, &b);
        lag_in_db(false);
        if (se != 0) {
            mmha_warn("beat failed: %s", mysql_error(c.my));
            if (lag_client_error(se)) {
                /* The server went away: connect again, with back-off. */
                mmha_disconnect(&c);
                connected = false;
                continue;
            }
        } else if ((int)b.skipped != skipping) {
            skipping = b.skipped;
            mmha_notice("%s", b.skipped ? "server is read-only: not beating"
                                        : "server is writable: beating");
        } else {
            mmha_debug("beat %s:%" PRIu64, b.file, b.pos);
        }
        lag_sleep_unless_stopped(a->interval_ms -
                                 (mmha_now_us() - start) / 1000);
    }
    mmha_disconnect(&c);
    if (g_stop) {
        mmha_notice("stopped");
    }
    if (g_pidfile != NULL) {
        unlink(g_pidfile);
    }
    return rc;
}
