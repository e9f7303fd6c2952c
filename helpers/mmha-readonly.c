/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-readonly: make a busy writer read-only within a bounded time,
 * losing nothing, and print the final binary log position; or, with
 * --writable, make it writable again. The work is in lib/readonly.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "deadline.h"
#include "exitcode.h"
#include "log.h"
#include "opts.h"
#include "output.h"
#include "readonly.h"
#include "sessions.h"

static const char TOOL[] = "mmha-readonly";

enum {
    DEFAULT_TIMEOUT_MS = 30000,
    KILL_AFTER_MAX_MS = 86400 * 1000,
    SPARE_MAX = 32,
};

enum ro_opt {
    OPT_DRY_RUN = MMHA_OPT_FIRST_OWN,
    OPT_KEEP_CLIENTS,
    OPT_KILL_AFTER,
    OPT_KILL_CONNECTIONS,
    OPT_SPARE_USER,
    OPT_WRITABLE,
};

static const struct option LONGOPTS[] = {
    MMHA_COMMON_LONGOPTS,
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"keep-clients", no_argument, NULL, OPT_KEEP_CLIENTS},
    {"kill-after", required_argument, NULL, OPT_KILL_AFTER},
    {"kill-connections", required_argument, NULL, OPT_KILL_CONNECTIONS},
    {"spare-user", required_argument, NULL, OPT_SPARE_USER},
    {"writable", no_argument, NULL, OPT_WRITABLE},
    {NULL, 0, NULL, 0},
};

struct ro_args {
    struct mmha_common common;
    struct mmha_readonly_opts ro;
    const char *spare[SPARE_MAX];
    size_t nspare;
    bool writable;
};

static void usage(FILE *f)
{
    static const struct mmha_help own[] = {
        {"--dry-run", "list what would be killed; change nothing"},
        {"--keep-clients", "kill no clients once read-only"},
        {"--kill-after MS", "grace for blockers before they are killed"},
        {"--kill-connections N",
         "connections that issue the KILLs in parallel"},
        {"--spare-user USER[@HOST]", "never kill this account (repeatable)"},
        {"--writable", "make the server writable instead"},
        {NULL, NULL},
    };

    fprintf(f, "usage: mmha-readonly [--dry-run] [--keep-clients] "
               "[--kill-after MS]\n"
               "                     [--kill-connections N]\n"
               "                     [--spare-user USER[@HOST]] ... "
               "[common options]\n"
               "       mmha-readonly --writable [common options]\n"
               "common options: [--defaults-file FILE | --defaults-extra-file "
               "FILE |\n"
               "                --no-defaults] [--defaults-group G] "
               "[--print-defaults]\n"
               "                [--format human|shell|json] [--host HOST]\n"
               "                [--port PORT] [--socket PATH] [--syslog]\n"
               "                [--timeout S] [--user USER] [-v]\n"
               "                [--check-args] [--help] [--version]\n\n");
    mmha_help_print(f, "options", own);
    mmha_common_help(f);
}

/* 1 handled, -1 bad value (logged). */
static int own_option(struct ro_args *a, int opt, const char *arg)
{
    int64_t n;

    switch (opt) {
    case OPT_DRY_RUN: a->ro.dry_run = true; return 1;
    case OPT_KEEP_CLIENTS: a->ro.keep_clients = true; return 1;
    case OPT_KILL_AFTER:
        if (!mmha_parse_int("--kill-after", arg, 0, KILL_AFTER_MAX_MS, &n)) {
            return -1;
        }
        a->ro.kill_after_ms = n;
        return 1;
    case OPT_KILL_CONNECTIONS:
        if (!mmha_parse_int("--kill-connections", arg, 1,
                            MMHA_RO_KILL_CONNS_MAX, &n)) {
            return -1;
        }
        a->ro.kill_conns = (int)n;
        return 1;
    case OPT_SPARE_USER:
        if (!mmha_check_name("--spare-user", arg, MMHA_NAME_WORD)) {
            return -1;
        }
        if (!mmha_spare_valid(arg)) {
            mmha_err("--spare-user: '%s' is not USER or USER@HOST",
                     mmha_arg_text(arg));
            return -1;
        }
        if (a->nspare == SPARE_MAX) {
            mmha_err("--spare-user: at most %d", SPARE_MAX);
            return -1;
        }
        a->spare[a->nspare++] = arg;
        return 1;
    case OPT_WRITABLE: a->writable = true; return 1;
    default: return 0;
    }
}

/* 0 to go on, else the exit code; -1: exit 0 (--help, --version,
 * --check-args). */
static int parse_args(struct ro_args *a, int argc, char **argv)
{
    int opt;

    mmha_common_defaults(&a->common, DEFAULT_TIMEOUT_MS);
    mmha_readonly_opts_init(&a->ro);
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "v", LONGOPTS, NULL)) != -1) {
        int h = mmha_common_option(&a->common, opt, optarg);

        if (h == 0) {
            h = own_option(a, opt, optarg);
        }
        if (h < 0) {
            return MMHA_EXIT_USAGE;
        }
        if (h == 0) {
            mmha_bad_option(TOOL, optopt, argv);
            return MMHA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        mmha_err("%s: unexpected argument (see %s --help)",
                 mmha_arg_text(argv[optind]), TOOL);
        return MMHA_EXIT_USAGE;
    }
    if (a->common.help) {
        usage(stdout);
        return -1;
    }
    if (a->common.version) {
        mmha_print_version(TOOL);
        return -1;
    }
    if (a->writable && (a->nspare > 0 || a->ro.keep_clients || a->ro.dry_run)) {
        mmha_err("--writable: takes no --spare-user, --keep-clients or "
                 "--dry-run");
        return MMHA_EXIT_USAGE;
    }
    a->ro.spare = a->spare;
    a->ro.nspare = a->nspare;
    return a->common.check_args && !a->common.print_defaults ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct ro_args *a = calloc(1, sizeof(*a));
    struct mmha_readonly_report *r = calloc(1, sizeof(*r));
    struct mmha_deadline d;
    struct mmha_out out;
    int rc;

    mmha_log_init(TOOL, 0, false);
    if (a == NULL || r == NULL) {
        mmha_err("out of memory");
        rc = MMHA_EXIT_OSERR;
        goto done;
    }
    rc = parse_args(a, argc, argv);
    if (rc != 0) {
        rc = rc < 0 ? MMHA_EXIT_OK : rc;
        goto done;
    }
    if (a->common.verbose > 0 || a->common.syslog) {
        mmha_log_fini();
        mmha_log_init(TOOL, a->common.verbose, a->common.syslog);
    }
    if (a->common.print_defaults) {
        rc = mmha_print_defaults(TOOL, &a->common);
        goto done;
    }
    /* SIGTERM/SIGINT end the call as the deadline would (read_only put
     * back unless reached); see mmha-readonly(8), SIGNALS. */
    mmha_stop_handlers_install();
    rc = mmha_conn_files_ok(&a->common);
    if (rc != 0) {
        goto done;
    }
    mmha_deadline_start(&d, a->common.timeout_ms);
    if (a->writable) {
        rc = mmha_make_writable(&a->common.conn, &d, r);
    } else {
        rc = mmha_make_read_only(&a->common.conn, &a->ro, &d, r);
    }
    if (rc != MMHA_EXIT_OK && mmha_stop_signal() != 0) {
        rc = mmha_stop_exit_code(mmha_stop_signal());
        snprintf(r->message, sizeof(r->message),
                 "stopped by signal %d; read_only=%d", mmha_stop_signal(),
                 r->read_only ? 1 : 0);
    }
    if (rc != MMHA_EXIT_OK) {
        mmha_err("%s", r->message[0] != '\0' ? r->message : "failed");
    }
    /* Nothing to report when we never reached the server. */
    if (rc != MMHA_EXIT_NOINPUT && rc != MMHA_EXIT_UNAVAILABLE &&
        rc != MMHA_EXIT_NOPERM) {
        mmha_out_begin(&out, a->common.format, stdout);
        mmha_readonly_report_out(&out, r, rc);
        mmha_out_end(&out);
    }
done:
    free(a);
    if (r != NULL) {
        mmha_binlog_pos_free(&r->pos);
    }
    free(r);
    mmha_log_fini();
    return rc;
}
