/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-guard: SQL-level self-fence. A daemon on every node joins a corosync
 * CPG group, follows quorum, and makes its own MySQL read-only as soon as
 * the node is cut off from the majority (or loses corosync), before anyone
 * else is promoted. Members tell each other (epoch, writable); of two
 * writers the one with the lower epoch yields. It never makes a server
 * writable.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <corosync/cpg.h>
#include <corosync/quorum.h>
#include <qb/qbloop.h>

#include "conn.h"
#include "deadline.h"
#include "exitcode.h"
#include "file.h"
#include "links.h"
#include "log.h"
#include "membership.h"
#include "opts.h"
#include "output.h"
#include "readonly.h"

static const char TOOL[] = "mmha-guard";
static const char DEFAULT_GROUP[] = "mmha-guard";

enum {
    TIMEOUT_MS = 2000,      /* one MySQL call, one read-only action */
    INTERVAL_MS = 500,      /* poll MySQL, tell the group, retry */
    LINK_INTERVAL_MS = 100, /* poll knet while the server is writable */
    LINK_GRACE_MS = 0,      /* knet's own timeouts are the hysteresis */
    KILL_AFTER_MS = 100,    /* a blocker's grace when fencing */
    RETRY_TRIES = 10,       /* CS_ERR_TRY_AGAIN: bounded retries ... */
    RETRY_SLEEP_US = 20000, /* ... this far apart */
    START_WAIT_MS = 10000,  /* corosync not ready at start: retry ... */
    START_RETRY_MS = 200,   /* ... this often */
    ERR_LEN = 512,
    PATH_LEN = 4096,
};

enum guard_opt {
    OPT_EPOCH_FILE = MMHA_OPT_FIRST_OWN,
    OPT_GROUP,
    OPT_INTERVAL,
    OPT_KILL_AFTER,
    OPT_LINK_GRACE,
    OPT_LINK_INTERVAL,
    OPT_PIDFILE,
    OPT_STATUS_FILE,
};

static const struct option LONGOPTS[] = {
    MMHA_COMMON_LONGOPTS,
    {"epoch-file", required_argument, NULL, OPT_EPOCH_FILE},
    {"group", required_argument, NULL, OPT_GROUP},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"kill-after", required_argument, NULL, OPT_KILL_AFTER},
    {"link-grace", required_argument, NULL, OPT_LINK_GRACE},
    {"link-interval", required_argument, NULL, OPT_LINK_INTERVAL},
    {"pidfile", required_argument, NULL, OPT_PIDFILE},
    {"status-file", required_argument, NULL, OPT_STATUS_FILE},
    {NULL, 0, NULL, 0},
};

struct guard_args {
    struct mmha_common common;
    const char *epoch_file;
    const char *group;
    int64_t interval_ms;
    int64_t kill_after_ms;
    int64_t link_grace_ms;
    int64_t link_interval_ms; /* 0: no link rule */
    const char *pidfile;
    const char *status_file;
};

struct guard {
    struct guard_args a;
    qb_loop_t *loop;
    qb_loop_timer_handle tick;
    qb_loop_timer_handle link_tick;
    /* corosync */
    cpg_handle_t cpg;
    quorum_handle_t qh;
    bool cpg_up;
    bool q_up;
    bool joined;
    int cpg_fd;
    int q_fd;
    uint32_t nodeid;
    uint32_t pid;
    enum mmha_quorum quorum;
    int64_t cut_us;       /* when the node was cut off, 0 while it is not */
    int64_t left_wall_ms; /* wall clock of the last member leaving, 0 none */
    struct guard_links links;
    struct mmha_members members;
    /* this node's server */
    struct mmha_conn db;
    bool db_up;
    bool db_warned;
    enum mmha_tri writable;
    uint64_t epoch;
    struct stat epoch_st;
    bool epoch_warned;
    /* what was last logged, to log changes only */
    enum mmha_guard_reason last_reason;
    bool last_alarm;
    uint32_t last_rival_node;
    int64_t last_action_us;
    int fences; /* read-only actions taken */
    char last_fence[64];
    char status[2048];
};

static void usage(FILE *f)
{
    static const struct mmha_help own[] = {
        {"--epoch-file FILE", "this node's writer epoch"},
        {"--group NAME", "the CPG group (default mmha-guard)"},
        {"--interval S", "poll and tell the group this often, 0.05 to 60"},
        {"--kill-after S", "a blocker's grace when fencing, 0 to 60"},
        {"--link-grace S", "link rule: cut off this long before fencing"},
        {"--link-interval S", "link rule: poll knet this often; 0: off"},
        {"--pidfile FILE", "write the pid once joined"},
        {"--status-file FILE", "the state, rewritten when it changes"},
        {NULL, NULL},
    };

    fprintf(f, "usage: mmha-guard [--epoch-file FILE] [--group NAME]\n"
               "                  [--interval S] [--kill-after S]\n"
               "                  [--link-interval S] [--link-grace S]\n"
               "                  [--pidfile FILE] [--status-file FILE]\n"
               "                  [common options]\n"
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

static int own_option(struct guard_args *a, int opt, const char *arg)
{
    switch (opt) {
    case OPT_EPOCH_FILE:
        a->epoch_file = arg;
        return mmha_check_name("--epoch-file", arg, MMHA_NAME_PATH) ? 0 : -1;
    case OPT_GROUP:
        if (!mmha_check_name("--group", arg, MMHA_NAME_WORD)) {
            return -1;
        }
        if (strlen(arg) >= CPG_MAX_NAME_LENGTH) {
            mmha_err("--group: '%s' must be 1 to %d characters",
                     mmha_arg_text(arg), CPG_MAX_NAME_LENGTH - 1);
            return -1;
        }
        a->group = arg;
        return 0;
    case OPT_INTERVAL:
        return mmha_parse_seconds_ms("--interval", arg, 50, 60 * 1000,
                                     &a->interval_ms)
                   ? 0
                   : -1;
    case OPT_KILL_AFTER:
        return mmha_parse_seconds_ms("--kill-after", arg, 0, 60 * 1000,
                                     &a->kill_after_ms)
                   ? 0
                   : -1;
    case OPT_LINK_GRACE:
        return mmha_parse_seconds_ms("--link-grace", arg, 0, 60 * 1000,
                                     &a->link_grace_ms)
                   ? 0
                   : -1;
    case OPT_LINK_INTERVAL:
        if (strcmp(arg, "0") == 0) {
            a->link_interval_ms = 0;
            return 0;
        }
        return mmha_parse_seconds_ms("--link-interval", arg, 20, 60 * 1000,
                                     &a->link_interval_ms)
                   ? 0
                   : -1;
    case OPT_PIDFILE:
        a->pidfile = arg;
        return mmha_check_name("--pidfile", arg, MMHA_NAME_PATH) ? 0 : -1;
    case OPT_STATUS_FILE:
        a->status_file = arg;
        return mmha_check_name("--status-file", arg, MMHA_NAME_PATH) ? 0 : -1;
    default: return 1;
    }
}

static int parse_args(struct guard_args *a, int argc, char **argv)
{
    int opt;

    memset(a, 0, sizeof(*a));
    mmha_common_defaults(&a->common, TIMEOUT_MS);
    a->group = DEFAULT_GROUP;
    a->interval_ms = INTERVAL_MS;
    a->kill_after_ms = KILL_AFTER_MS;
    a->link_grace_ms = LINK_GRACE_MS;
    a->link_interval_ms = LINK_INTERVAL_MS;
    opterr = 0;
    for (;;) {
        int r;

        opt = getopt_long(argc, argv, "v", LONGOPTS, NULL);
        if (opt == -1) {
            break;
        }
        if (opt == '?' || opt == ':') {
            mmha_bad_option(TOOL, optopt, argv);
            return MMHA_EXIT_USAGE;
        }
        r = mmha_common_option(&a->common, opt, optarg);
        if (r < 0) {
            return MMHA_EXIT_USAGE;
        }
        if (r == 0 && own_option(a, opt, optarg) != 0) {
            return MMHA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        mmha_err("unexpected argument '%s'", mmha_arg_text(argv[optind]));
        return MMHA_EXIT_USAGE;
    }
    if (a->common.timeout_ms < 0) {
        a->common.timeout_ms = TIMEOUT_MS;
    }
    return MMHA_EXIT_OK;
}

/* ---- files ------------------------------------------------------------ */

/* Re-read the epoch file when it changed; a missing file means epoch 0. */
static void read_epoch(struct guard *g)
{
    struct stat st;
    char buf[64];
    ssize_t n;
    int fd;
    int64_t v;

    if (g->a.epoch_file == NULL) {
        return;
    }
    if (stat(g->a.epoch_file, &st) != 0) {
        if (!g->epoch_warned) {
            mmha_warn("--epoch-file %s: %s; epoch 0", g->a.epoch_file,
                      strerror(errno));
            g->epoch_warned = true;
        }
        g->epoch = 0;
        memset(&g->epoch_st, 0, sizeof(g->epoch_st));
        return;
    }
    if (st.st_ino == g->epoch_st.st_ino && st.st_size == g->epoch_st.st_size &&
        st.st_mtim.tv_sec == g->epoch_st.st_mtim.tv_sec &&
        st.st_mtim.tv_nsec == g->epoch_st.st_mtim.tv_nsec) {
        return;
    }
    fd = open(g->a.epoch_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        return;
    }
    buf[n] = '\0';
    buf[strcspn(buf, " \t\r\n")] = '\0';
    if (!mmha_parse_int("--epoch-file", buf, 0, INT64_MAX, &v)) {
        return; /* keep the last good value; the file is being written */
    }
    g->epoch_st = st;
    g->epoch_warned = false;
    if ((uint64_t)v != g->epoch) {
        mmha_notice("writer epoch %" PRId64 " (was %" PRIu64 ")", v, g->epoch);
        g->epoch = (uint64_t)v;
    }
}

static void write_status(struct guard *g)
{
    char text[sizeof(g->status)];
    struct mmha_out o;
    FILE *f;
    size_t i;
    int err;

    if (g->a.status_file == NULL) {
        return;
    }
    f = fmemopen(text, sizeof(text), "w");
    if (f == NULL) {
        return;
    }
    mmha_out_begin(&o, g->a.common.format, f);
    mmha_out_int(&o, "pid", (long long)getpid());
    mmha_out_int(&o, "nodeid", g->nodeid);
    mmha_out_str(&o, "quorum", mmha_quorum_name(g->quorum));
    mmha_out_str(&o, "writable", mmha_tri_name(g->writable));
    mmha_out_int(&o, "epoch", (long long)g->epoch);
    mmha_out_str(&o, "reason", mmha_guard_reason_name(g->last_reason));
    mmha_out_bool(&o, "alarm", g->last_alarm);
    mmha_out_str(&o, "link_rule",
                 g->a.link_interval_ms == 0 ? "disabled"
                 : g->links.off == NULL     ? "on"
                                            : g->links.off);
    mmha_out_int(&o, "link_votes", g->links.count.reachable_votes);
    mmha_out_int(&o, "link_needed", g->links.count.needed);
    mmha_out_int(&o, "fences", g->fences);
    mmha_out_str(&o, "last_fence", g->last_fence[0] ? g->last_fence : NULL);
    mmha_out_int(&o, "left_ms", (long long)g->left_wall_ms);
    mmha_out_list_begin(&o, "members");
    for (i = 0; i < g->members.n; i++) {
        const struct mmha_member *m = &g->members.m[i];

        mmha_out_item_begin(&o);
        mmha_out_int(&o, "nodeid", m->nodeid);
        mmha_out_int(&o, "pid", m->pid);
        mmha_out_int(&o, "epoch", (long long)m->epoch);
        mmha_out_str(&o, "writable", mmha_tri_name(m->writable));
        mmha_out_close(&o);
    }
    mmha_out_close(&o);
    mmha_out_end(&o);
    if (fclose(f) != 0 || strcmp(text, g->status) == 0) {
        return;
    }
    memcpy(g->status, text, sizeof(text));
    err = mmha_write_atomic(g->a.status_file, text, 0644);
    if (err != 0) {
        mmha_warn("--status-file %s: %s", g->a.status_file, strerror(err));
    }
}

/* ---- this node's server ------------------------------------------------ */

static bool db_connect(struct guard *g, const struct mmha_deadline *d)
{
    char err[ERR_LEN];

    if (g->db_up) {
        return true;
    }
    if (mmha_connect(&g->db, &g->a.common.conn, d, err, sizeof(err)) != 0) {
        if (!g->db_warned) {
            mmha_warn("%s; retrying every %" PRId64 " ms", err,
                      g->a.interval_ms);
            g->db_warned = true;
        }
        return false;
    }
    if (g->db_warned) {
        mmha_notice("connected to MySQL again");
    }
    g->db_up = true;
    g->db_warned = false;
    return true;
}

static void db_drop(struct guard *g)
{
    mmha_disconnect(&g->db);
    g->db_up = false;
}

/* read_only and super_read_only: writable only when both are off. */
static void poll_writable(struct guard *g)
{
    struct mmha_deadline d;
    char val[16];
    enum mmha_tri w = MMHA_TRI_UNKNOWN;
    int tries;

    mmha_deadline_start(&d, g->a.common.timeout_ms);
    /* A connection killed or timed out since the last poll: one retry. */
    for (tries = 0; tries < 2 && w == MMHA_TRI_UNKNOWN; tries++) {
        if (!db_connect(g, &d)) {
            break;
        }
        mmha_conn_bound(&g->db, &d);
        if (mmha_query_value(&g->db, "SELECT @@global.read_only", val,
                             sizeof(val), NULL) != 0) {
            db_drop(g);
        } else {
            w = strcmp(val, "0") != 0 ? MMHA_TRI_NO : MMHA_TRI_YES;
        }
    }
    if (w != g->writable) {
        mmha_notice("MySQL is %s", w == MMHA_TRI_YES  ? "writable"
                                   : w == MMHA_TRI_NO ? "read-only"
                                                      : "not answering");
    }
    g->writable = w;
}

/* The same code as mmha-readonly: clients killed, a short deadline. */
static int fence(struct guard *g, struct mmha_readonly_report *r)
{
    struct mmha_readonly_opts o;
    struct mmha_deadline d;

    /* Our poll connection bypasses read_only: the core would kill it. */
    db_drop(g);
    mmha_readonly_opts_init(&o);
    o.kill_after_ms = g->a.kill_after_ms;
    o.keep_clients = false;
    mmha_deadline_start(&d, g->a.common.timeout_ms);
    memset(r, 0, sizeof(*r));
    return mmha_make_read_only(&g->a.common.conn, &o, &d, r);
}

/* ---- corosync ----------------------------------------------------------- */

static void broadcast(struct guard *g)
{
    struct mmha_guard_msg msg = {.epoch = g->epoch, .writable = g->writable};
    uint8_t buf[MMHA_GUARD_MSG_LEN];
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
    cs_error_t rc = CS_OK;
    int i;

    if (!g->cpg_up || !g->joined) {
        return;
    }
    mmha_guard_msg_encode(&msg, buf);
    for (i = 0; i < RETRY_TRIES; i++) {
        rc = cpg_mcast_joined(g->cpg, CPG_TYPE_AGREED, &iov, 1);
        if (rc != CS_ERR_TRY_AGAIN) {
            break;
        }
        usleep(RETRY_SLEEP_US);
    }
    if (rc != CS_OK) {
        mmha_debug("cpg_mcast_joined: error %d (next tick sends again)", rc);
    }
}

static void evaluate(struct guard *g, const char *why);

static void corosync_down(struct guard *g, const char *why);

static void on_deliver(cpg_handle_t h, const struct cpg_name *group,
                       uint32_t nodeid, uint32_t pid, void *msg, size_t len)
{
    struct guard *g = NULL;
    struct mmha_guard_msg m;

    (void)group;
    if (cpg_context_get(h, (void **)&g) != CS_OK || g == NULL) {
        return;
    }
    if (!mmha_guard_msg_decode(msg, len, &m)) {
        mmha_debug("ignored a %zu-byte message from %" PRIu32 "/%" PRIu32, len,
                   nodeid, pid);
        return;
    }
    if (!mmha_members_heard(&g->members, nodeid, pid, &m)) {
        return;
    }
    if (nodeid != g->nodeid || pid != g->pid) {
        evaluate(g, "member state");
    }
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
                       const struct cpg_address *members, size_t nmembers,
                       const struct cpg_address *left, size_t nleft,
                       const struct cpg_address *joined, size_t njoined)
{
    struct guard *g = NULL;
    uint32_t nodes[MMHA_MEMBERS_MAX];
    uint32_t pids[MMHA_MEMBERS_MAX];
    size_t i;

    (void)group;
    if (cpg_context_get(h, (void **)&g) != CS_OK || g == NULL) {
        return;
    }
    for (i = 0; i < nmembers && i < MMHA_MEMBERS_MAX; i++) {
        nodes[i] = members[i].nodeid;
        pids[i] = members[i].pid;
    }
    mmha_members_set(&g->members, nodes, pids, i);
    /* A promotion elsewhere times its grace from this (mysql-mm). */
    if (nleft > 0) {
        g->left_wall_ms = mmha_wall_us() / 1000;
    }
    for (i = 0; i < nleft; i++) {
        mmha_notice("member %" PRIu32 "/%" PRIu32 " left (reason %" PRIu32
                    "), %zu remain",
                    left[i].nodeid, left[i].pid, left[i].reason, nmembers);
    }
    for (i = 0; i < njoined; i++) {
        mmha_notice("member %" PRIu32 "/%" PRIu32 " joined, %zu members",
                    joined[i].nodeid, joined[i].pid, nmembers);
    }
    /* Newcomers learn our state now, not at the next tick. */
    if (njoined > 0) {
        broadcast(g);
    }
    evaluate(g, "membership");
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n,
                     const uint32_t *nodes)
{
    (void)h;
    (void)nodes;
    mmha_info("ring %" PRIu32 ".%" PRIu64 ": %" PRIu32 " nodes", ring.nodeid,
              ring.seq, n);
}

static void on_quorum(quorum_handle_t h, uint32_t quorate,
                      struct quorum_ring_id ring, uint32_t n,
                      const uint32_t *nodes)
{
    struct guard *g = NULL;
    enum mmha_quorum q =
        quorate != 0 ? MMHA_QUORUM_QUORATE : MMHA_QUORUM_INQUORATE;

    (void)nodes;
    if (quorum_context_get(h, (const void **)&g) != CS_OK || g == NULL) {
        return;
    }
    if (q != g->quorum) {
        mmha_notice("%s (ring %" PRIu32 ".%" PRIu64 ", %" PRIu32 " nodes)",
                    mmha_quorum_name(q), ring.nodeid, ring.seq, n);
        g->cut_us = q == MMHA_QUORUM_INQUORATE ? mmha_now_us() : 0;
    }
    g->quorum = q;
    /* A membership change may come with a reloaded nodelist. */
    guard_links_config(&g->links);
    evaluate(g, "quorum");
}

static void on_nodelist(quorum_handle_t h, struct quorum_ring_id ring,
                        uint32_t n, const uint32_t *nodes, uint32_t njoined,
                        const uint32_t *joined, uint32_t nleft,
                        const uint32_t *left)
{
    (void)h;
    (void)ring;
    (void)nodes;
    (void)joined;
    (void)left;
    mmha_debug("nodelist: %" PRIu32 " nodes, %" PRIu32 " joined, %" PRIu32
               " left",
               n, njoined, nleft);
}

static int32_t on_cpg_fd(int32_t fd, int32_t revents, void *data)
{
    struct guard *g = data;
    cs_error_t rc;

    (void)fd;
    if ((revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
        corosync_down(g, "CPG connection closed");
        return 0;
    }
    rc = cpg_dispatch(g->cpg, CS_DISPATCH_ALL);
    if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) {
        corosync_down(g, "cpg_dispatch failed");
    }
    return 0;
}

static int32_t on_quorum_fd(int32_t fd, int32_t revents, void *data)
{
    struct guard *g = data;
    cs_error_t rc;

    (void)fd;
    if ((revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
        corosync_down(g, "quorum connection closed");
        return 0;
    }
    rc = quorum_dispatch(g->qh, CS_DISPATCH_ALL);
    if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) {
        corosync_down(g, "quorum_dispatch failed");
    }
    return 0;
}

static void corosync_close(struct guard *g)
{
    if (g->cpg_up) {
        qb_loop_poll_del(g->loop, g->cpg_fd);
        if (g->joined) {
            struct cpg_name name;

            memset(&name, 0, sizeof(name));
            name.length = (uint32_t)strlen(g->a.group);
            memcpy(name.value, g->a.group, name.length);
            cpg_leave(g->cpg, &name);
        }
        cpg_finalize(g->cpg);
        g->cpg_up = false;
        g->joined = false;
    }
    if (g->q_up) {
        qb_loop_poll_del(g->loop, g->q_fd);
        quorum_trackstop(g->qh);
        quorum_finalize(g->qh);
        g->q_up = false;
    }
    guard_links_close(&g->links);
    memset(&g->members, 0, sizeof(g->members));
}

static void corosync_down(struct guard *g, const char *why)
{
    if (!g->cpg_up && !g->q_up) {
        return;
    }
    mmha_warn("%s: lost corosync; reconnecting every %" PRId64 " ms", why,
              g->a.interval_ms);
    corosync_close(g);
    g->quorum = MMHA_QUORUM_LOST;
    g->cut_us = mmha_now_us();
    evaluate(g, "corosync");
}

/* Retry a corosync call on CS_ERR_TRY_AGAIN, a bounded number of times. */
#define RETRY(rc, call)                                                        \
    do {                                                                       \
        int tries_ = 0;                                                        \
        for (;;) {                                                             \
            (rc) = (call);                                                     \
            if ((rc) != CS_ERR_TRY_AGAIN || ++tries_ >= RETRY_TRIES) {         \
                break;                                                         \
            }                                                                  \
            usleep(RETRY_SLEEP_US);                                            \
        }                                                                      \
    } while (0)

static bool corosync_open(struct guard *g, char *err, size_t errlen)
{
    cpg_model_v1_data_t cm;
    quorum_model_v1_data_t qm;
    struct cpg_name name;
    uint32_t qtype = 0;
    unsigned int nodeid = 0;
    cs_error_t rc;

    memset(&cm, 0, sizeof(cm));
    cm.model = CPG_MODEL_V1;
    cm.cpg_deliver_fn = on_deliver;
    cm.cpg_confchg_fn = on_confchg;
    cm.cpg_totem_confchg_fn = on_totem;
    cm.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF;
    RETRY(rc, cpg_model_initialize(&g->cpg, CPG_MODEL_V1,
                                   (cpg_model_data_t *)&cm, g));
    if (rc != CS_OK) {
        snprintf(err, errlen, "cpg_model_initialize: error %d", rc);
        return false;
    }
    g->cpg_up = true;
    RETRY(rc, cpg_local_get(g->cpg, &nodeid));
    if (rc == CS_OK) {
        RETRY(rc, cpg_fd_get(g->cpg, &g->cpg_fd));
    }
    if (rc != CS_OK) {
        snprintf(err, errlen, "cpg_local_get/cpg_fd_get: error %d", rc);
        corosync_close(g);
        return false;
    }
    g->nodeid = nodeid;
    memset(&qm, 0, sizeof(qm));
    qm.model = QUORUM_MODEL_V1;
    qm.quorum_notify_fn = on_quorum;
    qm.nodelist_notify_fn = on_nodelist;
    RETRY(rc, quorum_model_initialize(&g->qh, QUORUM_MODEL_V1,
                                      (quorum_model_data_t *)&qm, &qtype, g));
    if (rc != CS_OK) {
        snprintf(err, errlen, "quorum_model_initialize: error %d", rc);
        corosync_close(g);
        return false;
    }
    g->q_up = true;
    if (qtype != QUORUM_SET) {
        snprintf(err, errlen, "corosync has no quorum provider configured");
        corosync_close(g);
        return false;
    }
    RETRY(rc, quorum_fd_get(g->qh, &g->q_fd));
    if (rc == CS_OK) {
        RETRY(rc,
              quorum_trackstart(g->qh, CS_TRACK_CHANGES | CS_TRACK_CURRENT));
    }
    if (rc != CS_OK) {
        snprintf(err, errlen, "quorum_fd_get/quorum_trackstart: error %d", rc);
        corosync_close(g);
        return false;
    }
    if (qb_loop_poll_add(g->loop, QB_LOOP_HIGH, g->cpg_fd, POLLIN, g,
                         on_cpg_fd) != 0 ||
        qb_loop_poll_add(g->loop, QB_LOOP_HIGH, g->q_fd, POLLIN, g,
                         on_quorum_fd) != 0) {
        snprintf(err, errlen, "cannot poll the corosync connections");
        qb_loop_poll_del(g->loop, g->cpg_fd);
        corosync_close(g);
        return false;
    }
    memset(&name, 0, sizeof(name));
    name.length = (uint32_t)strlen(g->a.group);
    memcpy(name.value, g->a.group, name.length);
    RETRY(rc, cpg_join(g->cpg, &name));
    if (rc != CS_OK) {
        snprintf(err, errlen, "cpg_join %s: error %d", g->a.group, rc);
        corosync_close(g);
        return false;
    }
    g->joined = true;
    g->quorum = MMHA_QUORUM_UNKNOWN;
    if (g->a.link_interval_ms > 0) {
        guard_links_open(&g->links, g->nodeid);
    }
    mmha_notice("joined CPG group %s as %" PRIu32 "/%" PRIu32, g->a.group,
                g->nodeid, g->pid);
    return true;
}

/* ---- decisions ---------------------------------------------------------- */

static void log_decision(struct guard *g, const struct mmha_guard_decision *d)
{
    uint32_t rival = d->rival != NULL ? d->rival->nodeid : 0;

    if (d->alarm && (!g->last_alarm || rival != g->last_rival_node)) {
        mmha_err("ALARM: node %" PRIu32 " (epoch %" PRIu64
                 ") and this node %" PRIu32 " (epoch %" PRIu64
                 ") are both writable",
                 rival, d->rival->epoch, g->nodeid, g->epoch);
    } else if (!d->alarm && g->last_alarm) {
        mmha_notice("alarm over: no other writable member");
    }
    if (d->reason != g->last_reason) {
        mmha_info("state: %s", mmha_guard_reason_name(d->reason));
    }
    g->last_alarm = d->alarm;
    g->last_rival_node = rival;
    g->last_reason = d->reason;
}

static void evaluate(struct guard *g, const char *why)
{
    int64_t now = mmha_now_us();
    struct mmha_guard_input in = {
        .quorum = g->quorum,
        .writable = g->writable,
        .epoch = g->epoch,
        .nodeid = g->nodeid,
        .pid = g->pid,
        .members = &g->members,
        .links_minority =
            guard_links_minority(&g->links, now, g->a.link_grace_ms * 1000)};
    struct mmha_guard_decision d;
    struct mmha_readonly_report r;
    int64_t cut;
    int code;

    mmha_guard_decide(&in, &d);
    log_decision(g, &d);
    if (d.action != MMHA_GUARD_READ_ONLY) {
        write_status(g);
        return;
    }
    /* A failed attempt is retried by the tick, not by every callback. */
    if (g->last_action_us != 0 &&
        now - g->last_action_us < g->a.interval_ms * 1000 / 2) {
        return;
    }
    g->last_action_us = now;
    if (d.reason == MMHA_REASON_LINKS_DOWN) {
        mmha_warn("making MySQL read-only: %s (on %s: %" PRIu32 " of %" PRIu32
                  " votes reachable over knet for %" PRId64 " ms, %" PRIu32
                  " needed; corosync still says quorate)",
                  mmha_guard_reason_name(d.reason), why,
                  g->links.count.reachable_votes, g->links.count.expected_votes,
                  (now - g->links.minority_since_us) / 1000,
                  g->links.count.needed);
    } else {
        mmha_warn("making MySQL read-only: %s (on %s)",
                  mmha_guard_reason_name(d.reason), why);
    }
    code = fence(g, &r);
    if (code != MMHA_EXIT_OK) {
        mmha_err("read-only failed (%s): %s; retrying", mmha_exit_name(code),
                 r.message);
        mmha_binlog_pos_free(&r.pos);
        write_status(g);
        return;
    }
    g->writable = MMHA_TRI_NO;
    g->fences++;
    snprintf(g->last_fence, sizeof(g->last_fence), "%s",
             mmha_guard_reason_name(d.reason));
    cut = d.reason == MMHA_REASON_LINKS_DOWN ? g->links.minority_since_us
          : d.reason == MMHA_REASON_INQUORATE ||
                  d.reason == MMHA_REASON_NO_COROSYNC
              ? g->cut_us
              : 0;
    if (cut != 0) {
        mmha_warn("MySQL read-only %" PRId64 " ms after the node was cut "
                  "off (%s; %zu clients killed)",
                  (mmha_now_us() - cut) / 1000,
                  d.reason == MMHA_REASON_LINKS_DOWN ? "seen over knet"
                                                     : "seen by corosync",
                  r.nkills);
    } else {
        mmha_warn("MySQL read-only (%s, %zu clients killed)",
                  mmha_guard_reason_name(d.reason), r.nkills);
    }
    mmha_binlog_pos_free(&r.pos);
    broadcast(g);
    write_status(g);
}

/* ---- main loop ---------------------------------------------------------- */

static void on_tick(void *data)
{
    struct guard *g = data;
    char err[ERR_LEN];

    if (!g->cpg_up && !g->q_up) {
        if (corosync_open(g, err, sizeof(err))) {
            mmha_notice("connected to corosync again");
        } else {
            mmha_debug("corosync: %s", err);
            g->quorum = MMHA_QUORUM_LOST;
        }
    }
    read_epoch(g);
    poll_writable(g);
    broadcast(g);
    evaluate(g, "tick");
    qb_loop_timer_add(g->loop, QB_LOOP_MED,
                      (uint64_t)g->a.interval_ms * 1000000u, g, on_tick,
                      &g->tick);
}

/*
 * The link rule: while the server may be writable and corosync still says
 * quorate, ask knet how much of the cluster this node reaches.
 */
static void on_link_tick(void *data)
{
    struct guard *g = data;
    int64_t now = mmha_now_us();

    if (g->links.off == NULL && g->quorum == MMHA_QUORUM_QUORATE &&
        g->writable != MMHA_TRI_NO) {
        guard_links_poll(&g->links, now);
        if (guard_links_minority(&g->links, now, g->a.link_grace_ms * 1000)) {
            evaluate(g, "links");
        }
    } else {
        guard_links_reset(&g->links);
    }
    qb_loop_timer_add(g->loop, QB_LOOP_HIGH,
                      (uint64_t)g->a.link_interval_ms * 1000000u, g,
                      on_link_tick, &g->link_tick);
}

static int32_t on_signal(int32_t sig, void *data)
{
    struct guard *g = data;

    mmha_notice("signal %d: leaving the group", sig);
    qb_loop_stop(g->loop);
    return 0;
}

/*
 * Corosync may still be settling when a node has just booted (its IPC
 * refuses clients for a moment): retry for a bounded time, then give up.
 */
static bool start_corosync(struct guard *g, char *err, size_t errlen)
{
    struct mmha_deadline d;

    mmha_deadline_start(&d, START_WAIT_MS);
    while (!corosync_open(g, err, errlen)) {
        if (!mmha_deadline_sleep_ms(&d, START_RETRY_MS)) {
            return false;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    struct guard *g = calloc(1, sizeof(*g));
    char err[ERR_LEN];
    int code = MMHA_EXIT_OK;
    int i;
    bool pidfile_written = false;

    if (g == NULL) {
        return MMHA_EXIT_OSERR;
    }
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            g->a.common.verbose++;
        }
    }
    mmha_log_init(TOOL, g->a.common.verbose, false);
    code = parse_args(&g->a, argc, argv);
    if (code != MMHA_EXIT_OK) {
        goto done;
    }
    if (g->a.common.help) {
        usage(stdout);
        goto done;
    }
    if (g->a.common.version) {
        mmha_print_version(TOOL);
        goto done;
    }
    if (g->a.common.print_defaults) {
        code = mmha_print_defaults(TOOL, &g->a.common);
        goto done;
    }
    if (g->a.common.check_args) {
        goto done;
    }
    code = mmha_conn_files_ok(&g->a.common);
    if (code != 0) {
        goto done;
    }
    if (g->a.common.syslog) {
        mmha_log_fini();
        mmha_log_init(TOOL, g->a.common.verbose, true);
    }
    signal(SIGPIPE, SIG_IGN);
    g->pid = (uint32_t)getpid();
    g->quorum = MMHA_QUORUM_LOST;
    g->links.off = "not_connected";
    g->loop = qb_loop_create();
    if (g->loop == NULL) {
        mmha_err("cannot create the main loop");
        code = MMHA_EXIT_OSERR;
        goto done;
    }
    if (!start_corosync(g, err, sizeof(err))) {
        mmha_err("cannot join corosync: %s", err);
        code = MMHA_EXIT_UNAVAILABLE;
        goto done;
    }
    if (g->a.pidfile != NULL) {
        int e = mmha_write_pidfile(g->a.pidfile);

        if (e != 0) {
            mmha_err("--pidfile %s: %s", g->a.pidfile, strerror(e));
            code = MMHA_EXIT_IOERR;
            goto done;
        }
        pidfile_written = true;
    }
    qb_loop_signal_add(g->loop, QB_LOOP_HIGH, SIGTERM, g, on_signal, NULL);
    qb_loop_signal_add(g->loop, QB_LOOP_HIGH, SIGINT, g, on_signal, NULL);
    on_tick(g);
    if (g->a.link_interval_ms > 0) {
        on_link_tick(g);
    }
    qb_loop_run(g->loop);

done:
    if (g->loop != NULL) {
        corosync_close(g);
        qb_loop_destroy(g->loop);
    }
    db_drop(g);
    if (pidfile_written) {
        unlink(g->a.pidfile);
    }
    if (g->a.status_file != NULL && code == MMHA_EXIT_OK && g->loop != NULL) {
        unlink(g->a.status_file);
    }
    free(g);
    mmha_log_fini();
    return code;
}
