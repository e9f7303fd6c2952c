/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha: the operator's command for an mmha cluster (MySQL-MMM's
 * mmm_control for Pacemaker): status, switchover, offline/online,
 * history, Prometheus metrics, and the import of an MMM configuration.
 * See mmha(8).
 *
 * This file reads the command line and runs one subcommand; each one
 * lives in its own file under mmha/.
 */
#include <getopt.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "opts.h"

#include "mmha.h"

enum {
    DEFAULT_TIMEOUT_MS = 10000,
    SWITCHOVER_TIMEOUT_MS = 60000,
    DEFAULT_HISTORY = 20,
};

enum own_opt {
    OPT_COUNT = MMHA_OPT_FIRST_OWN,
    OPT_DRY_RUN,
    OPT_LISTEN,
    OPT_OUTPUT,
    OPT_PCS,
    OPT_TEXTFILE,
    OPT_TO,
    OPT_WATCH,
};

int cli_verbose;

static const char *const COMMANDS[] = {
    "status",  "switchover", "offline",    "online",
    "history", "metrics",    "import-mmm", NULL,
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " TOOL " status [--watch SECONDS] [common options]\n"
            "       " TOOL " switchover [--to NODE] [--dry-run]"
            " [common options]\n"
            "       " TOOL " offline NODE [common options]\n"
            "       " TOOL " online NODE [common options]\n"
            "       " TOOL " history [-n N] [common options]\n"
            "       " TOOL " metrics [--textfile DIR | --listen ADDR:PORT"
            " [--count N]]\n"
            "                    [common options]\n"
            "       " TOOL " import-mmm FILE [--pcs] [--output FILE]\n"
            "common options: [--defaults-file FILE | --defaults-extra-file "
            "FILE |\n"
            "       --no-defaults] [--defaults-group G] [--print-defaults]\n"
            "       [--user U] [--timeout SECONDS] [--format human|shell|json]"
            "\n"
            "       [-v] [--syslog] [--help]\n");
}

static const struct option longopts[] = {
    MMHA_COMMON_LONGOPTS,
    {"count", required_argument, NULL, OPT_COUNT},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"pcs", no_argument, NULL, OPT_PCS},
    {"textfile", required_argument, NULL, OPT_TEXTFILE},
    {"to", required_argument, NULL, OPT_TO},
    {"watch", required_argument, NULL, OPT_WATCH},
    {NULL, 0, NULL, 0},
};

static bool is(const struct args *a, const char *cmd)
{
    return strcmp(a->cmd, cmd) == 0;
}

static int own_option(struct args *a, int opt)
{
    switch (opt) {
    case 'n':
        return mmha_parse_int("-n", optarg, 1, 1000, &a->history_n) ? 0 : -1;
    case OPT_COUNT:
        return mmha_parse_int("--count", optarg, 1, 1000000, &a->serve_count)
                   ? 0
                   : -1;
    case OPT_DRY_RUN: a->dry_run = true; return 0;
    case OPT_LISTEN: a->listen = optarg; return 0;
    case OPT_OUTPUT: a->output = optarg; return 0;
    case OPT_PCS: a->pcs = true; return 0;
    case OPT_TEXTFILE: a->textfile = optarg; return 0;
    case OPT_TO: a->node = optarg; return 0;
    case OPT_WATCH:
        return mmha_parse_seconds_ms("--watch", optarg, 100, 3600000,
                                     &a->watch_ms)
                   ? 0
                   : -1;
    default: return -1;
    }
}

/* What each subcommand takes and refuses; false after one clear line. */
static bool check_args(const struct args *a, int npos)
{
    bool node_cmd = is(a, "offline") || is(a, "online");

    if (a->watch_ms > 0 && !is(a, "status")) {
        mmha_err("--watch is for status");
        return false;
    }
    if ((a->dry_run || (a->node != NULL && !node_cmd)) &&
        !is(a, "switchover")) {
        mmha_err("--to and --dry-run are for switchover");
        return false;
    }
    if ((a->textfile != NULL || a->listen != NULL || a->serve_count > 0) &&
        !is(a, "metrics")) {
        mmha_err("--textfile, --listen and --count are for metrics");
        return false;
    }
    if (a->textfile != NULL && a->listen != NULL) {
        mmha_err("metrics: --textfile or --listen, not both");
        return false;
    }
    if (a->serve_count > 0 && a->listen == NULL) {
        mmha_err("--count needs --listen");
        return false;
    }
    if ((a->pcs || a->output != NULL) && !is(a, "import-mmm")) {
        mmha_err("--pcs and --output are for import-mmm");
        return false;
    }
    if (a->history_n > 0 && !is(a, "history")) {
        mmha_err("-n is for history");
        return false;
    }
    if (node_cmd && npos != 1) {
        mmha_err("%s needs one NODE", a->cmd);
        return false;
    }
    if (is(a, "import-mmm") && npos != 1) {
        mmha_err("import-mmm needs the MMM configuration file "
                 "(mmm_common.conf)");
        return false;
    }
    if (!node_cmd && !is(a, "import-mmm") && npos != 0) {
        mmha_err("%s takes no argument", a->cmd);
        return false;
    }
    return true;
}

static int parse_args(struct args *a, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    int opt;
    int r;
    int i;

    memset(a, 0, sizeof(*a));
    mmha_common_defaults(&a->common, DEFAULT_TIMEOUT_MS);
    a->common.conn.defaults_file = NULL;
    if (argc < 2) {
        mmha_err("a subcommand is needed: status, switchover, offline, "
                 "online, history, metrics, import-mmm");
        return MMHA_EXIT_USAGE;
    }
    a->cmd = argv[1];
    if (strcmp(a->cmd, "--help") == 0 || strcmp(a->cmd, "-h") == 0 ||
        strcmp(a->cmd, "help") == 0) {
        a->common.help = true;
        return MMHA_EXIT_OK;
    }
    if (strcmp(a->cmd, "--version") == 0) {
        a->common.version = true;
        return MMHA_EXIT_OK;
    }
    for (i = 0; COMMANDS[i] != NULL && strcmp(COMMANDS[i], a->cmd) != 0; i++) {
    }
    if (COMMANDS[i] == NULL) {
        mmha_err("'%s' is not a subcommand (status, switchover, offline, "
                 "online, history, metrics, import-mmm)",
                 a->cmd);
        return MMHA_EXIT_USAGE;
    }
    if (is(a, "switchover")) {
        a->common.timeout_ms = SWITCHOVER_TIMEOUT_MS;
    }
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    /* GNU getopt moves the positional arguments to the end. */
    while ((opt = getopt_long(argc, argv, "hn:v", longopts, NULL)) != -1) {
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
        if (own_option(a, opt) != 0) {
            return MMHA_EXIT_USAGE;
        }
    }
    for (i = optind; i < argc; i++) {
        if (npos < 2) {
            pos[npos] = argv[i];
        }
        npos++;
    }
    if (a->common.help) {
        return MMHA_EXIT_OK;
    }
    if (is(a, "offline") || is(a, "online")) {
        a->node = pos[0];
    }
    if (is(a, "import-mmm")) {
        a->file = pos[0];
    }
    if (!check_args(a, npos)) {
        return MMHA_EXIT_USAGE;
    }
    if (is(a, "history") && a->history_n == 0) {
        a->history_n = DEFAULT_HISTORY;
    }
    a->color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
               a->common.format == MMHA_FORMAT_HUMAN;
    return MMHA_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct args a;
    int rc;

    cli_verbose = mmha_log_count_verbose(argc, argv);
    mmha_log_init(TOOL, cli_verbose, false);
    rc = parse_args(&a, argc, argv);
    if (rc != 0 || a.common.help || a.common.version) {
        if (a.common.help) {
            usage(stdout);
        } else if (rc == 0) {
            mmha_print_version(TOOL);
        }
        goto done;
    }
    if (a.common.syslog) {
        mmha_log_fini();
        mmha_log_init(TOOL, a.common.verbose, true);
    }
    if (a.common.print_defaults) {
        rc = view_print_defaults(&a);
        goto done;
    }
    /* Servers are asked from several threads at once. */
    if (mysql_library_init(0, NULL, NULL) != 0) {
        mmha_err("cannot initialise the MySQL client library");
        rc = MMHA_EXIT_SOFTWARE;
        goto done;
    }
    if (is(&a, "status")) {
        rc = cmd_status(&a);
    } else if (is(&a, "history")) {
        rc = cmd_history(&a);
    } else if (is(&a, "switchover")) {
        rc = cmd_switchover(&a);
    } else if (is(&a, "offline") || is(&a, "online")) {
        rc = cmd_offline(&a, is(&a, "offline"));
    } else if (is(&a, "metrics")) {
        rc = cmd_metrics(&a);
    } else {
        rc = cmd_import_mmm(&a);
    }
    mysql_library_end();

done:
    mmha_log_fini();
    return rc;
}
