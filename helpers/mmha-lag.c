/*
 * mmha-lag: replication lag to the millisecond from a heartbeat row, a
 * readable flag with hysteresis, published to Pacemaker on request.
 *
 *   mmha-lag beat    on the writer: keep its heartbeat row fresh
 *   mmha-lag check   on a reader: lag, replication threads, readable
 */
#include <errmsg.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attrd.h"
#include "conn.h"
#include "deadline.h"
#include "exitcode.h"
#include "file.h"
#include "heartbeat.h"
#include "hysteresis.h"
#include "log.h"
#include "opts.h"
#include "output.h"
#include "position.h"

static const char TOOL[] = "mmha-lag";

enum {
    BEAT_TIMEOUT_MS = 5000,  /* per beat in the daemon */
    ONCE_TIMEOUT_MS = 10000, /* whole call otherwise */
    BACKOFF_FIRST_MS = 250,  /* reconnect back-off doubles from here */
    BACKOFF_MAX_MS = 5000,   /* ... up to here */
    SLEEP_SLICE_MS = 50,     /* a stop request waits at most this */
    OFFSET_SAMPLES = 5,      /* NOW(6) round trips per server */
    ERR_LEN = 512,
    SQL_LEN = 1024,
};

enum lag_opt {
    OPT_DAMPEN = MMHA_OPT_FIRST_OWN,
    OPT_DWELL,
    OPT_EPOCH,
    OPT_INTERVAL,
    OPT_MAX_LAG,
    OPT_NODE,
    OPT_OFFSET_FROM,
    OPT_ONCE,
    OPT_PIDFILE,
    OPT_PUBLISH,
    OPT_RECOVER_LAG,
    OPT_STATE_FILE,
};

static const struct option LONGOPTS[] = {
    MMHA_COMMON_LONGOPTS,
    {"dampen", required_argument, NULL, OPT_DAMPEN},
    {"dwell", required_argument, NULL, OPT_DWELL},
    {"epoch", required_argument, NULL, OPT_EPOCH},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"max-lag", required_argument, NULL, OPT_MAX_LAG},
    {"node", required_argument, NULL, OPT_NODE},
    {"offset-from", required_argument, NULL, OPT_OFFSET_FROM},
    {"once", no_argument, NULL, OPT_ONCE},
    {"pidfile", required_argument, NULL, OPT_PIDFILE},
    {"publish", required_argument, NULL, OPT_PUBLISH},
    {"recover-lag", required_argument, NULL, OPT_RECOVER_LAG},
    {"state-file", required_argument, NULL, OPT_STATE_FILE},
    {NULL, 0, NULL, 0},
};

struct lag_args {
    struct mmha_common common;
    bool is_beat;
    /* beat */
    uint64_t epoch;
    int64_t interval_ms;
    bool once;
    const char *pidfile;
    /* check */
    int64_t dampen_ms; /* -1 = not given */
    int64_t dwell_ms;
    int64_t max_lag_ms;
    int64_t recover_lag_ms; /* -1 = half of max_lag */
    const char *node;
    const char *offset_from;
    const char *publish;
    const char *state_file;
};

/* What a check found. */
struct lag_reading {
    bool hb_found;
    long long hb_server_id;
    char hb_ts[40];
    unsigned long long hb_epoch;
    char hb_file[MMHA_NAME_MAX];
    unsigned long long hb_pos;
    bool lag_known;
    double lag_ms;     /* corrected by the offset when one was measured */
    double lag_raw_ms; /* reader clock - writer's ts, uncorrected */
    bool offset_known;
    double offset_ms; /* writer clock - reader clock */
    double offset_err_ms;
    struct mmha_replica_status rs;
    bool replication_ok;
};

static volatile sig_atomic_t g_stop;
static volatile sig_atomic_t g_in_db;
static const char *g_pidfile;

static void usage(FILE *f)
{
    fprintf(f, "usage: mmha-lag beat [--epoch N] [--interval MS] [--once]\n"
               "                [--pidfile FILE] [common options]\n"
               "       mmha-lag check [--dampen S] [--dwell S] [--max-lag MS]\n"
               "                [--node NODE] [--offset-from FILE]\n"
               "                [--publish NAME] [--recover-lag MS]\n"
               "                [--state-file FILE] [common options]\n"
               "common options: [--defaults-file FILE] [--defaults-group G]\n"
               "                [--format human|shell|json] [--host HOST]\n"
               "                [--port PORT] [--socket PATH] [--syslog]\n"
               "                [--timeout S] [--user USER] [-v] [--help]\n");
}

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

static int own_option(struct lag_args *a, int opt, const char *arg)
{
    int64_t n;

    switch (opt) {
    case OPT_DAMPEN:
        return mmha_parse_seconds_ms("--dampen", arg, 0, 3600 * 1000,
                                     &a->dampen_ms)
                   ? 0
                   : -1;
    case OPT_DWELL:
        return mmha_parse_seconds_ms("--dwell", arg, 0, 86400 * 1000,
                                     &a->dwell_ms)
                   ? 0
                   : -1;
    case OPT_EPOCH:
        if (!mmha_parse_int("--epoch", arg, 0, INT64_MAX, &n)) {
            return -1;
        }
        a->epoch = (uint64_t)n;
        return 0;
    case OPT_INTERVAL:
        return mmha_parse_int("--interval", arg, 10, 3600 * 1000,
                              &a->interval_ms)
                   ? 0
                   : -1;
    case OPT_MAX_LAG:
        return mmha_parse_int("--max-lag", arg, 1, 86400 * 1000, &a->max_lag_ms)
                   ? 0
                   : -1;
    case OPT_NODE: a->node = arg; return 0;
    case OPT_OFFSET_FROM: a->offset_from = arg; return 0;
    case OPT_ONCE: a->once = true; return 0;
    case OPT_PIDFILE: a->pidfile = arg; return 0;
    case OPT_PUBLISH:
        if (arg[0] == '\0' || strpbrk(arg, " \t\n=") != NULL) {
            mmha_err("--publish: '%s' is not a usable attribute prefix", arg);
            return -1;
        }
        a->publish = arg;
        return 0;
    case OPT_RECOVER_LAG:
        return mmha_parse_int("--recover-lag", arg, 0, 86400 * 1000,
                              &a->recover_lag_ms)
                   ? 0
                   : -1;
    case OPT_STATE_FILE: a->state_file = arg; return 0;
    default: return 1;
    }
}

static bool beat_only(int opt)
{
    return opt == OPT_EPOCH || opt == OPT_INTERVAL || opt == OPT_ONCE ||
           opt == OPT_PIDFILE;
}

/* 0 = run, -1 = usage error (exit 64), 1 = --help shown (exit 0). */
static int parse_args(struct lag_args *a, int argc, char **argv)
{
    int idx = 0;
    int opt;

    memset(a, 0, sizeof(*a));
    mmha_common_defaults(&a->common, -1);
    a->interval_ms = 250;
    a->dampen_ms = -1;
    a->dwell_ms = 5000;
    a->max_lag_ms = 1000;
    a->recover_lag_ms = -1;
    if (argc < 2) {
        mmha_err("a subcommand is needed: beat or check (see %s --help)", TOOL);
        return -1;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 1;
    }
    if (strcmp(argv[1], "beat") == 0) {
        a->is_beat = true;
    } else if (strcmp(argv[1], "check") != 0) {
        mmha_err("%s: unknown subcommand; use beat or check", argv[1]);
        return -1;
    }
    argc--;
    argv++;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "v", LONGOPTS, &idx)) != -1) {
        int r = mmha_common_option(&a->common, opt, optarg);

        if (r < 0) {
            return -1;
        }
        if (r > 0) {
            continue;
        }
        if (opt == '?' || opt == ':') {
            mmha_bad_option(TOOL, optopt, argv);
            return -1;
        }
        if (a->is_beat != beat_only(opt)) {
            mmha_err("--%s: not an option of '%s %s'", LONGOPTS[idx].name, TOOL,
                     argv[0]);
            return -1;
        }
        if (own_option(a, opt, optarg) != 0) {
            return -1;
        }
    }
    if (optind < argc) {
        mmha_err("%s: unexpected argument", argv[optind]);
        return -1;
    }
    if (a->common.help) {
        usage(stdout);
        return 1;
    }
    if (a->recover_lag_ms < 0) {
        a->recover_lag_ms = a->max_lag_ms / 2;
    }
    if (a->recover_lag_ms >= a->max_lag_ms) {
        mmha_err("--recover-lag: %" PRId64 " must be below --max-lag %" PRId64
                 " (the gap is the hysteresis)",
                 a->recover_lag_ms, a->max_lag_ms);
        return -1;
    }
    if ((a->node != NULL || a->dampen_ms >= 0) && a->publish == NULL) {
        mmha_err("--node and --dampen only apply with --publish");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------- beat */

struct beat_result {
    bool skipped; /* read-only: not the writer */
    char ts[40];  /* the row's ts after the beat (--once only) */
    char file[MMHA_NAME_MAX];
    uint64_t pos;
    long long server_id;
};

static unsigned int ensure_table(struct mmha_conn *c)
{
    unsigned int e = mmha_exec(c, MMHA_HB_CREATE_DB);

    return e != 0 ? e : mmha_exec(c, MMHA_HB_CREATE_TABLE);
}

/* One beat: 0 or the server's (or client's) errno. */
static unsigned int beat_once(struct mmha_conn *c, uint64_t epoch,
                              bool read_back, struct beat_result *b)
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

static bool client_error(unsigned int e)
{
    return e >= CR_MIN_ERROR && e <= CR_MAX_ERROR;
}

/* Sleep ms in short slices so SIGTERM is seen promptly. */
static void sleep_unless_stopped(int64_t ms)
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

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a sleep is cut short by the signal. */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
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

static int run_beat_once(const struct lag_args *a)
{
    struct mmha_deadline d;
    struct mmha_conn c = {0};
    struct beat_result b;
    char err[ERR_LEN];
    unsigned int e;
    int rc;

    mmha_deadline_start(&d, a->common.timeout_ms >= 0 ? a->common.timeout_ms
                                                      : ONCE_TIMEOUT_MS);
    rc = mmha_connect(&c, &a->common.conn, &d, err, sizeof(err));
    if (rc != MMHA_EXIT_OK) {
        mmha_err("%s", err);
        goto done;
    }
    mmha_conn_bound(&c, &d);
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

/* The daemon: beat every interval until SIGTERM; reconnect with back-off. */
static int run_beat_daemon(const struct lag_args *a)
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

    install_signals();
    if (a->pidfile != NULL) {
        e = mmha_write_pidfile(a->pidfile);
        if (e != 0) {
            mmha_err("--pidfile %s: %s", a->pidfile, strerror(e));
            return MMHA_EXIT_IOERR;
        }
        g_pidfile = a->pidfile;
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
            g_in_db = 1;
            e = mmha_connect(&c, &a->common.conn, &d, err, sizeof(err));
            g_in_db = 0;
            if (e == MMHA_EXIT_NOINPUT) {
                mmha_err("%s", err);
                rc = e;
                break;
            }
            if (e != MMHA_EXIT_OK) {
                mmha_warn("%s; retrying in %" PRId64 " ms", err, backoff);
                sleep_unless_stopped(backoff);
                backoff =
                    backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
                continue;
            }
            connected = true;
            backoff = BACKOFF_FIRST_MS;
            mmha_notice("connected");
        }
        mmha_conn_bound(&c, &d);
        g_in_db = 1;
        se = beat_once(&c, a->epoch, false, &b);
        g_in_db = 0;
        if (se != 0) {
            mmha_warn("beat failed: %s", mysql_error(c.my));
            if (client_error(se)) {
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
        sleep_unless_stopped(a->interval_ms - (mmha_now_us() - start) / 1000);
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

/* ------------------------------------------------------------ check */

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
                          const struct mmha_deadline *d, struct lag_reading *r)
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
        r->offset_known = true;
        r->offset_ms = (double)(off_w - off_r) / 1000.0;
        r->offset_err_ms = (double)(err_r + err_w) / 1000.0;
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

static void check_print(const struct lag_args *a, const struct lag_reading *r,
                        const struct mmha_hyst_state *st,
                        enum mmha_hyst_reason why, int64_t dwell_left,
                        bool changed, int published)
{
    const struct mmha_replica_status *rs = &r->rs;
    struct mmha_out o;

    mmha_out_begin(&o, a->common.format, stdout);
    mmha_out_str(&o, "source", lag_source(r));
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
    if (r->hb_found) {
        mmha_out_object_begin(&o, "heartbeat");
        mmha_out_int(&o, "server_id", r->hb_server_id);
        mmha_out_str(&o, "ts", r->hb_ts);
        mmha_out_int(&o, "epoch", (long long)r->hb_epoch);
        mmha_out_str(&o, "binlog_file", r->hb_file);
        mmha_out_int(&o, "binlog_pos", (long long)r->hb_pos);
        mmha_out_close(&o);
    }
    mmha_out_bool(&o, "replication_configured", rs->configured);
    mmha_out_str(&o, "io_thread",
                 rs->configured
                     ? thread_state(rs->io_running, rs->io_connecting)
                     : NULL);
    mmha_out_str(&o, "sql_thread",
                 rs->configured ? thread_state(rs->sql_running, false) : NULL);
    if (rs->configured && !rs->seconds_behind_null) {
        mmha_out_int(&o, "seconds_behind_master", rs->seconds_behind);
    } else {
        mmha_out_str(&o, "seconds_behind_master", NULL);
    }
    mmha_out_int(&o, "last_io_errno", rs->last_io_errno);
    mmha_out_int(&o, "last_sql_errno", rs->last_sql_errno);
    mmha_out_bool(&o, "replication_ok", r->replication_ok);
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
}

static int run_check(const struct lag_args *a)
{
    struct mmha_hyst_conf hc = {(double)a->max_lag_ms,
                                (double)a->recover_lag_ms, a->dwell_ms};
    struct mmha_hyst_state st;
    struct mmha_hyst_input in;
    struct mmha_deadline d;
    struct mmha_conn c = {0};
    struct lag_reading r;
    enum mmha_hyst_reason why;
    int64_t dwell_left = 0;
    char err[ERR_LEN];
    bool was_readable;
    unsigned int e;
    int published = -1;
    int rc;

    memset(&r, 0, sizeof(r));
    mmha_deadline_start(&d, a->common.timeout_ms >= 0 ? a->common.timeout_ms
                                                      : ONCE_TIMEOUT_MS);
    rc = mmha_connect(&c, &a->common.conn, &d, err, sizeof(err));
    if (rc != MMHA_EXIT_OK) {
        mmha_err("%s", err);
        goto done;
    }
    mmha_conn_bound(&c, &d);
    if (a->offset_from != NULL) {
        rc = measure_offset(a, &c, &d, &r);
        if (rc != MMHA_EXIT_OK) {
            goto done;
        }
    }
    e = read_heartbeat(&c, &r);
    if (e == 0) {
        e = mmha_replica_status_read(&c, &r.rs);
    }
    if (e != 0) {
        mmha_err("reading the lag failed: %s", mysql_error(c.my));
        rc = mmha_deadline_passed(&d) ? MMHA_EXIT_DEADLINE
                                      : mmha_exit_for_errno(e);
        goto done;
    }
    if (r.hb_found) {
        r.lag_known = true;
        r.lag_ms = r.lag_raw_ms + (r.offset_known ? r.offset_ms : 0.0);
    } else if (r.rs.configured && !r.rs.seconds_behind_null) {
        r.lag_known = true;
        r.lag_ms = (double)r.rs.seconds_behind * 1000.0;
        r.lag_raw_ms = r.lag_ms;
    }
    r.replication_ok = r.rs.configured && r.rs.io_running && r.rs.sql_running;

    /* Without a state file there is no memory: no dwell, no hysteresis. */
    mmha_hyst_init(&st);
    st.readable = true;
    if (a->state_file != NULL && mmha_hyst_load(a->state_file, &st) < 0) {
        mmha_warn("--state-file %s: unreadable or malformed; starting "
                  "unreadable",
                  a->state_file);
    }
    was_readable = st.readable;
    in.lag_known = r.lag_known;
    in.lag_ms = r.lag_ms;
    in.replication_ok = r.replication_ok;
    in.now_us = mmha_wall_us();
    why = mmha_hyst_step(&hc, &st, &in, &dwell_left);
    /* Without a state file there is no previous state to change from. */
    if (a->state_file != NULL && was_readable != st.readable) {
        mmha_notice("%s (%s)", st.readable ? "readable" : "not readable",
                    mmha_hyst_reason_name(why));
    }
    if (a->state_file != NULL) {
        int se = mmha_hyst_save(a->state_file, &st);

        if (se != 0) {
            mmha_err("--state-file %s: %s", a->state_file, strerror(se));
            rc = MMHA_EXIT_IOERR;
        }
    }
    if (a->publish != NULL) {
        published = publish(a, &r, st.readable, &d);
        if (published != 0 && rc == MMHA_EXIT_OK) {
            rc = published == MMHA_EXIT_DEADLINE ? MMHA_EXIT_DEADLINE
                                                 : MMHA_EXIT_ERROR;
        }
    }
    check_print(a, &r, &st, why, dwell_left, was_readable != st.readable,
                published);
done:
    mmha_disconnect(&c);
    return rc;
}

int main(int argc, char **argv)
{
    struct lag_args a;
    int rc;

    mmha_log_init(TOOL, 0, false);
    switch (parse_args(&a, argc, argv)) {
    case 1: rc = MMHA_EXIT_OK; goto done;
    case -1: rc = MMHA_EXIT_USAGE; goto done;
    default: break;
    }
    if (a.common.verbose > 0 || a.common.syslog) {
        mmha_log_fini();
        mmha_log_init(TOOL, a.common.verbose, a.common.syslog);
    }
    if (!a.is_beat) {
        rc = run_check(&a);
    } else if (a.once) {
        rc = run_beat_once(&a);
    } else {
        rc = run_beat_daemon(&a);
    }
done:
    mmha_log_fini();
    return rc;
}
