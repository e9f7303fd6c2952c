/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-lag: replication lag to the millisecond from a heartbeat row, a
 * readable flag with hysteresis, published to Pacemaker on request.
 *
 *   mmha-lag beat    on the writer: keep its heartbeat row fresh
 *   mmha-lag check   on a reader: lag, replication threads, readable;
 *                    with --watch, a reading every interval on one
 *                    connection until stopped
 *
 * This file reads the command line; beat and check live under mmha-lag/.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"
#include "opts.h"

#include "lag.h"

static const char TOOL[] = "mmha-lag";

enum {
    WATCH_MIN_MS = 10, /* check --watch: as beat --interval, no spinning */
    LAG_MAX_MS = 86400 * 1000,
};

enum lag_opt {
    OPT_COUNT = MMHA_OPT_FIRST_OWN,
    OPT_DAMPEN,
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
    OPT_WATCH,
};

static const struct option LONGOPTS[] = {
    MMHA_COMMON_LONGOPTS,
    {"count", required_argument, NULL, OPT_COUNT},
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
    {"watch", required_argument, NULL, OPT_WATCH},
    {NULL, 0, NULL, 0},
};

static const struct mmha_help OWN_HELP[] = {
    {"--count N", "check --watch: stop after N readings"},
    {"--dampen S", "check --publish: attrd_updater dampening"},
    {"--dwell S", "check: lag within bounds this long to be readable"},
    {"--epoch N", "beat: the writer epoch written in the row"},
    {"--interval MS", "beat: milliseconds between beats, 10 to 3600000"},
    {"--max-lag MS", "check: above this lag not readable"},
    {"--node NODE", "check --publish: the node whose attributes to set"},
    {"--offset-from FILE", "check: correct for the writer's clock offset"},
    {"--once", "beat: one beat, printed, then exit"},
    {"--pidfile FILE", "beat, check --watch: write the pid here"},
    {"--publish NAME", "check: set NAME-lag-ms and NAME-readable"},
    {"--recover-lag MS", "check: readable again below this lag"},
    {"--state-file FILE", "check: the hysteresis state between calls"},
    {"--watch MS", "check: a reading every MS, 10 to 3600000"},
    {NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(
        f, "usage: mmha-lag beat [--epoch N] [--interval MS] [--once]\n"
           "                [--pidfile FILE] [common options]\n"
           "       mmha-lag check [--count N] [--dampen S] [--dwell S]\n"
           "                [--max-lag MS] [--node NODE] [--offset-from FILE]\n"
           "                [--pidfile FILE] [--publish NAME]\n"
           "                [--recover-lag MS] [--state-file FILE]\n"
           "                [--watch MS] [common options]\n"
           "       mmha-lag age [common options]\n"
           "common options: [--defaults-file FILE | --defaults-extra-file "
           "FILE |\n"
           "                --no-defaults] [--defaults-group G] "
           "[--print-defaults]\n"
           "                [--format human|shell|json] [--host HOST]\n"
           "                [--port PORT] [--socket PATH] [--syslog]\n"
           "                [--timeout S] [--user USER] [-v] [--check-args]\n"
           "                [--help] [--version]\n\n");
    mmha_help_print(f, "options", OWN_HELP);
    mmha_common_help(f);
}

static int own_option(struct lag_args *a, int opt, const char *arg)
{
    int64_t n;

    switch (opt) {
    case OPT_COUNT:
        return mmha_parse_int("--count", arg, 1, INT64_MAX, &a->count) ? 0 : -1;
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
        return mmha_parse_int("--max-lag", arg, 1, LAG_MAX_MS, &a->max_lag_ms)
                   ? 0
                   : -1;
    case OPT_NODE:
        a->node = arg;
        return mmha_check_name("--node", arg, MMHA_NAME_WORD) ? 0 : -1;
    case OPT_OFFSET_FROM:
        a->offset_from = arg;
        return mmha_check_name("--offset-from", arg, MMHA_NAME_PATH) ? 0 : -1;
    case OPT_ONCE: a->once = true; return 0;
    case OPT_PIDFILE:
        a->pidfile = arg;
        return mmha_check_name("--pidfile", arg, MMHA_NAME_PATH) ? 0 : -1;
    case OPT_PUBLISH:
        a->publish = arg;
        return mmha_check_name("--publish", arg, MMHA_NAME_ATTR) ? 0 : -1;
    case OPT_RECOVER_LAG:
        return mmha_parse_int("--recover-lag", arg, 0, LAG_MAX_MS,
                              &a->recover_lag_ms)
                   ? 0
                   : -1;
    case OPT_STATE_FILE:
        a->state_file = arg;
        return mmha_check_name("--state-file", arg, MMHA_NAME_PATH) ? 0 : -1;
    case OPT_WATCH:
        return mmha_parse_int("--watch", arg, WATCH_MIN_MS, 3600 * 1000,
                              &a->watch_ms)
                   ? 0
                   : -1;
    default: return 1;
    }
}

/* Whether opt belongs to the subcommand (--pidfile: beat and check). */
static bool option_of(enum lag_cmd cmd, int opt)
{
    bool beat_only = opt == OPT_EPOCH || opt == OPT_INTERVAL || opt == OPT_ONCE;

    if (cmd == LAG_AGE) {
        return false; /* common options only */
    }
    return opt == OPT_PIDFILE || (cmd == LAG_BEAT) == beat_only;
}

/* 0 = run, -1 = usage error (exit 64), 1 = --help, --version or
 * --check-args done (exit 0). */
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
    a->watch_ms = -1;
    if (argc < 2) {
        mmha_err("a subcommand is needed: beat or check (see %s --help)", TOOL);
        return -1;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 1;
    }
    if (strcmp(argv[1], "--version") == 0) {
        mmha_print_version(TOOL);
        return 1;
    }
    if (strcmp(argv[1], "beat") == 0) {
        a->cmd = LAG_BEAT;
    } else if (strcmp(argv[1], "check") == 0) {
        a->cmd = LAG_CHECK;
    } else if (strcmp(argv[1], "age") == 0) {
        a->cmd = LAG_AGE;
    } else {
        mmha_err("%s: unknown subcommand; use beat, check or age",
                 mmha_arg_text(argv[1]));
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
        if (!option_of(a->cmd, opt)) {
            mmha_err("--%s: not an option of '%s %s'", LONGOPTS[idx].name, TOOL,
                     argv[0]);
            return -1;
        }
        if (own_option(a, opt, optarg) != 0) {
            return -1;
        }
    }
    if (optind < argc) {
        mmha_err("%s: unexpected argument", mmha_arg_text(argv[optind]));
        return -1;
    }
    if (a->common.help) {
        usage(stdout);
        return 1;
    }
    if (a->common.version) {
        mmha_print_version(TOOL);
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
    if (a->cmd == LAG_CHECK && a->watch_ms < 0 &&
        (a->count != 0 || a->pidfile != NULL)) {
        mmha_err("--count and --pidfile only apply to check with --watch");
        return -1;
    }
    return a->common.check_args && !a->common.print_defaults ? 1 : 0;
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
    if (a.common.print_defaults) {
        rc = mmha_print_defaults(TOOL, &a.common);
        goto done;
    }
    rc = mmha_conn_files_ok(&a.common);
    if (rc == 0) {
        rc = mmha_option_file_ok("--offset-from", a.offset_from,
                                 a.common.conn.group);
    }
    if (rc != 0) {
        goto done;
    }
    if (a.cmd == LAG_AGE) {
        rc = run_age(&a);
    } else if (a.cmd == LAG_CHECK) {
        rc = a.watch_ms >= 0 ? run_watch(&a) : run_check(&a);
    } else if (a.once) {
        rc = run_beat_once(&a);
    } else {
        rc = run_beat_daemon(&a);
    }
done:
    mmha_log_fini();
    return rc;
}
