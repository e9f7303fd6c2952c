/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog: capture a server's binary log and replica positions, wait
 * with a hard bound until a replica has applied a position, move a replica
 * to another source, list errant transactions, and set the server's side
 * of semi-synchronous replication. See mmha-binlog(8).
 *
 * This file reads the command line and runs one subcommand; each one lives
 * in its own file under mmha-binlog/.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "deadline.h"
#include "exitcode.h"
#include "gtid.h"
#include "log.h"
#include "opts.h"
#include "output.h"
#include "position.h"

#include "binlog.h"

enum {
    DEFAULT_TIMEOUT_MS = 30000,
    NET_TIMEOUT_MAX_S = 31536000,      /* the servers' own maximum (a year) */
    SEMISYNC_TIMEOUT_MAX_MS = 3600000, /* an hour */
};

#define SUBCOMMANDS "capture, wait, repoint, errant, replica, clients, semisync"

enum own_opt {
    OPT_AT = MMHA_OPT_FIRST_OWN,
    OPT_DRAIN,
    OPT_DRY_RUN,
    OPT_GTID,
    OPT_IGNORE_DOMAINS,
    OPT_IGNORE_SOURCE_DOMAIN,
    OPT_IO_THREAD,
    OPT_KEEP_IO,
    OPT_POS,
    OPT_PROGRESS,
    OPT_REFERENCE,
    OPT_REPL_DEFAULTS_FILE,
    OPT_SEMISYNC_TIMEOUT,
    OPT_SENT_FILE,
    OPT_SETTLE,
    OPT_TO,
};

/* When main started: wait reports connect + check time from it. */
int64_t start_us;

static void usage(FILE *f)
{
    static const struct mmha_help own[] = {
        {"--at FILE:POS", "repoint: start at this position of the source"},
        {"--drain", "wait: until the relay log received is applied"},
        {"--dry-run", "repoint: print what would be sent, change nothing"},
        {"--gtid SET", "wait: until this GTID set is applied"},
        {"--gtid", "repoint: GTID auto-positioning"},
        {"--ignore-domains LIST", "repoint: GTID domains to drop (1,2)"},
        {"--ignore-source-domain", "repoint: drop the source's own domain"},
        {"--io-thread", "replica stop/start: the IO thread only"},
        {"--keep-io",
         "semisync: never restart the IO thread (the side applies at its "
         "next connect)"},
        {"--pos FILE:POS", "wait: until this source position is applied"},
        {"--progress", "wait: what remains, once a second, on stderr"},
        {"--reference FILE|HOST:PORT", "errant: the server to compare with"},
        {"--repl-defaults-file FILE",
         "repoint, replica reconnect: replication account"},
        {"--semisync-timeout MS",
         "semisync source: commit wait for an ack, 1 to 3600000"},
        {"--sent-file FILE",
         "replica stop/start: FILE created once the statement is sent"},
        {"--settle MS", "repoint: threads up this long, 0 to 60000"},
        {"--to HOST:PORT", "repoint: the new source"},
        {NULL, NULL},
    };

    fprintf(f, "usage: " TOOL " capture [common options]\n"
               "       " TOOL " wait --pos FILE:POS | --gtid SET | --drain\n"
               "                   [--progress] [common options]\n"
               "       " TOOL " repoint --to HOST:PORT --at FILE:POS | --gtid\n"
               "                   [--ignore-source-domain]\n"
               "                   [--ignore-domains LIST] [--settle MS]\n"
               "                   [--repl-defaults-file FILE] [--dry-run]\n"
               "                   [common options]\n"
               "       " TOOL " errant --reference FILE | HOST:PORT"
               " [common options]\n"
               "       " TOOL " replica stop | start [--io-thread]"
               " [--sent-file FILE]\n"
               "                   [common options]\n"
               "       " TOOL " replica net-timeout SECONDS [common options]\n"
               "       " TOOL " replica reconnect --repl-defaults-file FILE"
               " [common options]\n"
               "       " TOOL " clients [common options]\n"
               "       " TOOL " semisync source --semisync-timeout MS |"
               " replica | off | status\n"
               "                   [--keep-io] [common options]\n"
               "common options: [--defaults-file FILE | --defaults-extra-file "
               "FILE |\n"
               "       --no-defaults] [--defaults-group G] [--print-defaults]\n"
               "       [--host HOST] [--port PORT] [--socket PATH] [--user U]\n"
               "       [--timeout SECONDS] [--format human|shell|json] [-v]\n"
               "       [--syslog] [--check-args] [--help] [--version]\n\n");
    mmha_help_print(f, "options", own);
    mmha_common_help(f);
}

/* ------------------------------------------------------------ options */

static const struct option longopts[] = {
    MMHA_COMMON_LONGOPTS,
    {"at", required_argument, NULL, OPT_AT},
    {"drain", no_argument, NULL, OPT_DRAIN},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"gtid", optional_argument, NULL, OPT_GTID},
    {"ignore-domains", required_argument, NULL, OPT_IGNORE_DOMAINS},
    {"ignore-source-domain", no_argument, NULL, OPT_IGNORE_SOURCE_DOMAIN},
    {"io-thread", no_argument, NULL, OPT_IO_THREAD},
    {"keep-io", no_argument, NULL, OPT_KEEP_IO},
    {"pos", required_argument, NULL, OPT_POS},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"reference", required_argument, NULL, OPT_REFERENCE},
    {"repl-defaults-file", required_argument, NULL, OPT_REPL_DEFAULTS_FILE},
    {"semisync-timeout", required_argument, NULL, OPT_SEMISYNC_TIMEOUT},
    {"sent-file", required_argument, NULL, OPT_SENT_FILE},
    {"settle", required_argument, NULL, OPT_SETTLE},
    {"to", required_argument, NULL, OPT_TO},
    {NULL, 0, NULL, 0},
};

static int own_option(struct args *a, int opt, int argc, char **argv)
{
    switch (opt) {
    case OPT_AT: a->at = optarg; return 0;
    case OPT_DRAIN: a->drain = true; return 0;
    case OPT_DRY_RUN: a->dry_run = true; return 0;
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
    case OPT_IGNORE_DOMAINS: a->ignore_domains = optarg; return 0;
    case OPT_IGNORE_SOURCE_DOMAIN: a->ignore_source_domain = true; return 0;
    case OPT_IO_THREAD: a->io_thread = true; return 0;
    case OPT_KEEP_IO: a->keep_io = true; return 0;
    case OPT_POS: a->pos = optarg; return 0;
    case OPT_PROGRESS: a->progress = true; return 0;
    case OPT_REFERENCE:
        if (!mmha_check_name("--reference", optarg, MMHA_NAME_PATH)) {
            return -1;
        }
        a->reference = optarg;
        return 0;
    case OPT_REPL_DEFAULTS_FILE:
        if (!mmha_check_name("--repl-defaults-file", optarg, MMHA_NAME_PATH)) {
            return -1;
        }
        a->repl_defaults = optarg;
        return 0;
    case OPT_SENT_FILE:
        if (!mmha_check_name("--sent-file", optarg, MMHA_NAME_PATH)) {
            return -1;
        }
        a->sent_file = optarg;
        return 0;
    case OPT_SEMISYNC_TIMEOUT:
        if (!mmha_parse_int("--semisync-timeout", optarg, 1,
                            SEMISYNC_TIMEOUT_MAX_MS, &a->semisync_timeout_ms)) {
            return -1;
        }
        return 0;
    case OPT_SETTLE: {
        int64_t n;

        if (!mmha_parse_int("--settle", optarg, 0, 60000, &n)) {
            return -1;
        }
        a->settle_ms = (int)n;
        a->settle_set = true;
        return 0;
    }
    case OPT_TO: a->to = optarg; return 0;
    default: return -1;
    }
}

/*
 * The action of a subcommand that takes one (a word after the options):
 * one of actions, which list spells for the messages.
 */
static bool action_word(struct args *a, int argc, char **argv,
                        const char *const *actions, const char *list)
{
    size_t i;

    if (optind >= argc) {
        mmha_err("%s needs an action: %s", a->cmd, list);
        return false;
    }
    a->action = argv[optind++];
    for (i = 0; actions[i] != NULL; i++) {
        if (strcmp(a->action, actions[i]) == 0) {
            return true;
        }
    }
    mmha_err("%s: '%s' is not an action (%s)", a->cmd, mmha_arg_text(a->action),
             list);
    return false;
}

/* The action of replica and its SECONDS, from the words after options. */
static bool replica_words(struct args *a, int argc, char **argv)
{
    static const char *const actions[] = {"stop", "start", "net-timeout",
                                          "reconnect", NULL};

    if (!action_word(a, argc, argv, actions,
                     "stop, start, net-timeout, reconnect")) {
        return false;
    }
    if (strcmp(a->action, "net-timeout") == 0) {
        if (optind >= argc) {
            mmha_err("replica net-timeout needs SECONDS");
            return false;
        }
        if (!mmha_parse_int("net-timeout", argv[optind++], 1, NET_TIMEOUT_MAX_S,
                            &a->net_timeout_s)) {
            return false;
        }
    }
    return true;
}

/*
 * A GTID set of either flavour, not empty: checked before connecting (the
 * server's flavour, known once connected, is checked then).
 */
static bool gtid_text_valid(const char *text)
{
    struct mmha_gtid_set s;
    char err[160];
    bool ok;

    if (text[0] == '\0') {
        return false;
    }
    ok = mmha_gtid_parse(&s, MMHA_GTID_MARIADB, text, err, sizeof(err));
    mmha_gtid_free(&s);
    if (!ok) {
        ok = mmha_gtid_parse(&s, MMHA_GTID_MYSQL, text, err, sizeof(err));
        mmha_gtid_free(&s);
    }
    return ok;
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
    bool is_replica = strcmp(a->cmd, "replica") == 0;
    bool is_semisync = strcmp(a->cmd, "semisync") == 0;
    bool is_semisync_source = is_semisync && strcmp(a->action, "source") == 0;
    bool is_reconnect = is_replica && strcmp(a->action, "reconnect") == 0;
    bool is_stop_start = is_replica && (strcmp(a->action, "stop") == 0 ||
                                        strcmp(a->action, "start") == 0);
    int targets = (a->pos != NULL) + (a->gtid != NULL) + a->drain;

    if (!is_wait && (targets > 0 || a->progress)) {
        mmha_err("--pos, --gtid SET, --drain and --progress are for wait");
        return false;
    }
    if (!is_repoint && (a->to != NULL || a->at != NULL || a->gtid_auto ||
                        a->ignore_domains != NULL || a->ignore_source_domain ||
                        a->settle_set || a->dry_run)) {
        mmha_err(
            "--to, --at, --gtid, --ignore-domains, --ignore-source-domain, "
            "--settle and --dry-run are for repoint");
        return false;
    }
    if (!is_repoint && !is_reconnect && a->repl_defaults != NULL) {
        mmha_err("--repl-defaults-file is for repoint and replica reconnect");
        return false;
    }
    if (is_reconnect && a->repl_defaults == NULL) {
        mmha_err("replica reconnect needs --repl-defaults-file FILE");
        return false;
    }
    if (!is_stop_start && a->io_thread) {
        mmha_err("--io-thread is for replica stop and replica start");
        return false;
    }
    if (!is_stop_start && a->sent_file != NULL) {
        mmha_err("--sent-file is for replica stop and replica start");
        return false;
    }
    if (!is_semisync && a->keep_io) {
        mmha_err("--keep-io is for semisync");
        return false;
    }
    if (!is_errant && a->reference != NULL) {
        mmha_err("--reference is for errant");
        return false;
    }
    if (!is_semisync_source && a->semisync_timeout_ms != 0) {
        mmha_err("--semisync-timeout is for semisync source");
        return false;
    }
    if (is_semisync_source && a->semisync_timeout_ms == 0) {
        mmha_err("semisync source needs --semisync-timeout MS");
        return false;
    }
    if (is_wait && targets != 1) {
        mmha_err("wait needs exactly one of --pos, --gtid, --drain");
        return false;
    }
    if (a->pos != NULL &&
        !mmha_parse_binlog_pos(a->pos, file, sizeof(file), &pos)) {
        mmha_err("--pos: '%s' is not FILE:POS", mmha_arg_text(a->pos));
        return false;
    }
    if (a->gtid != NULL && !gtid_text_valid(a->gtid)) {
        mmha_err("--gtid: '%s' is not a GTID set (D-S-N,... or UUID:N-M,...)",
                 mmha_arg_text(a->gtid));
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
            mmha_err("--at: '%s' is not FILE:POS", mmha_arg_text(a->at));
            return false;
        }
        if (a->ignore_domains != NULL &&
            (a->ignore_domains[0] == '\0' ||
             strlen(a->ignore_domains) >= DOMAINS_MAX - sizeof(",4294967295") ||
             !domain_list_valid(a->ignore_domains))) {
            mmha_err("--ignore-domains: '%s' is not a list of domain ids "
                     "(1,2)",
                     mmha_arg_text(a->ignore_domains));
            return false;
        }
        if (a->at != NULL &&
            (a->ignore_domains != NULL || a->ignore_source_domain)) {
            mmha_err("--ignore-domains and --ignore-source-domain need --gtid "
                     "(no domain is ignored with a file position)");
            return false;
        }
    }
    if (is_errant && a->reference == NULL) {
        mmha_err("errant needs --reference FILE or HOST:PORT");
        return false;
    }
    return true;
}

static bool is_subcommand(const char *cmd)
{
    static const char *const cmds[] = {"capture",  "wait",    "repoint",
                                       "errant",   "replica", "clients",
                                       "semisync", NULL};
    size_t i;

    for (i = 0; cmds[i] != NULL; i++) {
        if (strcmp(cmd, cmds[i]) == 0) {
            return true;
        }
    }
    return false;
}

static int parse_args(struct args *a, int argc, char **argv)
{
    static const char *const semisync_actions[] = {"source", "replica", "off",
                                                   "status", NULL};
    int opt;
    int r;

    mmha_common_defaults(&a->common, DEFAULT_TIMEOUT_MS);
    if (argc < 2) {
        mmha_err("a subcommand is needed: " SUBCOMMANDS);
        return MMHA_EXIT_USAGE;
    }
    a->cmd = argv[1];
    if (strcmp(a->cmd, "--help") == 0 || strcmp(a->cmd, "-h") == 0) {
        a->common.help = true;
        return MMHA_EXIT_OK;
    }
    if (strcmp(a->cmd, "--version") == 0) {
        a->common.version = true;
        return MMHA_EXIT_OK;
    }
    if (!is_subcommand(a->cmd)) {
        mmha_err("'%s' is not a subcommand (" SUBCOMMANDS ")",
                 mmha_arg_text(a->cmd));
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
        if (opt == '?' && strcmp(a->cmd, "replica") == 0 && optind > 0 &&
            argv[optind - 1][0] == '-' && argv[optind - 1][1] >= '0' &&
            argv[optind - 1][1] <= '9') {
            /* "replica net-timeout -1": a number, not an option. */
            mmha_err("net-timeout: '%s' is not a decimal whole number",
                     mmha_arg_text(argv[optind - 1]));
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
    if (a->common.help || a->common.version) {
        return MMHA_EXIT_OK;
    }
    if (strcmp(a->cmd, "replica") == 0 && !replica_words(a, argc, argv)) {
        return MMHA_EXIT_USAGE;
    }
    if (strcmp(a->cmd, "semisync") == 0 &&
        !action_word(a, argc, argv, semisync_actions,
                     "source, replica, off, status")) {
        return MMHA_EXIT_USAGE;
    }
    if (optind < argc) {
        mmha_err("unexpected argument '%s'", mmha_arg_text(argv[optind]));
        return MMHA_EXIT_USAGE;
    }
    return check_args(a) ? MMHA_EXIT_OK : MMHA_EXIT_USAGE;
}

/* Every option file of the command line, before connecting. */
static int option_files_ok(const struct args *a)
{
    int rc = mmha_conn_files_ok(&a->common);

    if (rc == 0) {
        rc =
            mmha_option_file_ok("--repl-defaults-file", a->repl_defaults, NULL);
    }
    /* errant --reference is an option file when such a file exists. */
    if (rc == 0 && a->reference != NULL && access(a->reference, F_OK) == 0) {
        rc = mmha_option_file_ok("--reference", a->reference,
                                 a->common.conn.group);
    }
    return rc;
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
    mmha_log_init(TOOL, mmha_log_count_verbose(argc, argv), false);
    rc = parse_args(&a, argc, argv);
    if (rc == 0 && a.common.print_defaults && !a.common.help &&
        !a.common.version) {
        rc = mmha_print_defaults(TOOL, &a.common);
        goto done;
    }
    if (rc != 0 || a.common.help || a.common.version || a.common.check_args) {
        if (rc == 0 && a.common.help) {
            usage(stdout);
        } else if (rc == 0 && a.common.version) {
            mmha_print_version(TOOL);
        }
        goto done;
    }
    if (a.common.syslog) {
        mmha_log_fini();
        mmha_log_init(TOOL, a.common.verbose, true);
    }
    /* SIGTERM/SIGINT end every wait as the deadline would; see
     * mmha-binlog(8), SIGNALS. */
    mmha_stop_handlers_install();
    rc = option_files_ok(&a);
    if (rc != 0) {
        goto done;
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
    } else if (strcmp(a.cmd, "replica") == 0) {
        rc = cmd_replica(&a, &c, &d, &o);
    } else if (strcmp(a.cmd, "clients") == 0) {
        rc = cmd_clients(&a, &c, &o);
    } else if (strcmp(a.cmd, "semisync") == 0) {
        rc = cmd_semisync(&a, &c, &o);
    } else {
        rc = cmd_errant(&a, &c, &d, &o);
    }

done:
    if (rc != 0 && rc != MMHA_EXIT_USAGE && mmha_stop_signal() != 0) {
        rc = mmha_stop_exit_code(mmha_stop_signal());
    }
    if (out_open) {
        mmha_out_end(&o);
    }
    mmha_disconnect(&c);
    mmha_log_fini();
    return rc;
}
