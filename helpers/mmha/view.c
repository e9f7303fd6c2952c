/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The view every mmha subcommand starts from: crm_mon and cibadmin run
 * side by side (their XML read by helpers/lib/crmxml.c), then each online
 * node's server asked at once, one thread per server, and this node's
 * guard status file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "defaults.h"
#include "exitcode.h"
#include "heartbeat.h"
#include "log.h"

#include "mmha.h"

enum {
    STATUS_RUN_FAILED = 127,
    STATUS_DEADLINE = 124,
    READ_CHUNK = 65536,
};

static const char HA_RSCTMP[] = "/run/resource-agents";

/* ---- child processes ------------------------------------------------ */

struct child {
    pid_t pid;
    int fd; /* its stdout, -1 once read to the end */
    char *buf;
    size_t len;
    size_t cap;
};

static int child_start(struct child *c, const char *const *argv, bool capture)
{
    int p[2] = {-1, -1};

    memset(c, 0, sizeof(*c));
    c->fd = -1;
    if (capture && pipe2(p, O_CLOEXEC) != 0) {
        return -1;
    }
    c->pid = fork();
    if (c->pid < 0) {
        if (capture) {
            close(p[0]);
            close(p[1]);
        }
        return -1;
    }
    if (c->pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        if (null >= 0) {
            dup2(null, STDIN_FILENO);
        }
        dup2(capture ? p[1] : STDERR_FILENO, STDOUT_FILENO);
        if (capture) {
            /* Tools' complaints stay out of our report. */
            int devnull = open("/dev/null", O_WRONLY);

            if (devnull >= 0 && cli_verbose == 0) {
                dup2(devnull, STDERR_FILENO);
            }
        }
        execvp(argv[0], (char *const *)argv);
        _exit(STATUS_RUN_FAILED);
    }
    if (capture) {
        close(p[1]);
        c->fd = p[0];
    }
    return 0;
}

/* Read what is there; false at end of file or error. */
static bool child_read(struct child *c)
{
    ssize_t n;

    if (c->cap - c->len < READ_CHUNK) {
        size_t cap = c->cap == 0 ? READ_CHUNK * 2 : c->cap * 2;
        char *b;

        if (cap > XML_MAX) {
            return false;
        }
        b = realloc(c->buf, cap + 1);
        if (b == NULL) {
            return false;
        }
        c->buf = b;
        c->cap = cap;
    }
    n = read(c->fd, c->buf + c->len, c->cap - c->len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return true;
    }
    if (n <= 0) {
        return false;
    }
    c->len += (size_t)n;
    return true;
}

/* Reap c within the deadline (killed past it): its exit status. */
static int child_wait(struct child *c, const struct mmha_deadline *d)
{
    int st;

    for (;;) {
        pid_t r = waitpid(c->pid, &st, WNOHANG);

        if (r == c->pid) {
            break;
        }
        if (r < 0 && errno != EINTR) {
            return STATUS_RUN_FAILED;
        }
        if (mmha_deadline_passed(d)) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &st, 0);
            return STATUS_DEADLINE;
        }
        mmha_deadline_sleep_ms(d, 2);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : STATUS_RUN_FAILED;
}

/* Read every capturing child to its end, all at once. */
static void children_drain(struct child *c, int n,
                           const struct mmha_deadline *d)
{
    struct pollfd pfd[4];
    int i;

    for (;;) {
        int open_n = 0;
        int64_t left = mmha_deadline_left_ms(d);

        for (i = 0; i < n; i++) {
            pfd[i].fd = c[i].fd;
            pfd[i].events = POLLIN;
            pfd[i].revents = 0;
            open_n += c[i].fd >= 0;
        }
        if (open_n == 0 || left <= 0) {
            break;
        }
        if (poll(pfd, (nfds_t)n, left > 1000 ? 1000 : (int)left) < 0 &&
            errno != EINTR) {
            break;
        }
        for (i = 0; i < n; i++) {
            if (c[i].fd >= 0 && pfd[i].revents != 0 && !child_read(&c[i])) {
                close(c[i].fd);
                c[i].fd = -1;
            }
        }
    }
    for (i = 0; i < n; i++) {
        if (c[i].fd >= 0) {
            close(c[i].fd);
            c[i].fd = -1;
        }
        if (c[i].buf != NULL) {
            c[i].buf[c[i].len] = '\0';
        }
    }
}

int run_capture(const char *const *argv, const struct mmha_deadline *d,
                char **out, size_t *len)
{
    struct child c;
    int st;

    *out = NULL;
    *len = 0;
    if (child_start(&c, argv, true) != 0) {
        return STATUS_RUN_FAILED;
    }
    children_drain(&c, 1, d);
    st = child_wait(&c, d);
    *out = c.buf;
    *len = c.len;
    return st;
}

int run_quiet(const char *const *argv, const struct mmha_deadline *d)
{
    struct child c;

    mmha_info("running %s", argv[0]);
    if (child_start(&c, argv, false) != 0) {
        return STATUS_RUN_FAILED;
    }
    return child_wait(&c, d);
}

/* ---- servers -------------------------------------------------------- */

struct ask {
    struct server *s;
    bool reader; /* measure its heartbeat lag too */
    struct mmha_conn_opts o;
    const struct mmha_deadline *d;
    pthread_t t;
    bool started;
};

static void *ask_server(void *p)
{
    struct ask *k = p;
    struct server *s = k->s;
    struct mmha_conn c = {0};
    int64_t t0 = mmha_now_us();
    unsigned int e;

    if (mmha_connect(&c, &k->o, k->d, s->error, sizeof(s->error)) != 0) {
        s->took_us = mmha_now_us() - t0;
        return NULL;
    }
    e = mmha_binlog_pos_read(&c, &s->pos);
    if (e == 0) {
        e = mmha_replica_status_read(&c, &s->rep);
    }
    if (e != 0) {
        snprintf(s->error, sizeof(s->error), "%s", mysql_error(c.my));
    } else {
        s->reachable = true;
    }
    if (e == 0 && k->reader) {
        /* The lag as mmha-lag check measures it (the writer's newest
         * beat against this server's clock); none without the table. */
        struct mmha_row r;

        if (mmha_query_row(&c, MMHA_HB_CHECK, &r) == 0) {
            const char *us = mmha_row_get(&r, "lag_us");

            if (mmha_row_found(&r) && us != NULL) {
                s->has_hb_lag = true;
                s->hb_lag_ms = strtod(us, NULL) / 1000.0;
            }
            mmha_row_free(&r);
        }
    }
    mmha_disconnect(&c);
    s->took_us = mmha_now_us() - t0;
    return NULL;
}

/* A node's address: its announced peer address, the writer record's,
 * or its name. */
static void node_address(const struct mmha_cl *cl, const struct mmha_cl_node *n,
                         char *host, size_t len, unsigned int *port)
{
    char rec_node[MMHA_CL_NAME];
    char addr[MMHA_CL_NAME];
    const char *p = NULL;

    *port = cl->port;
    if (n->peer[0] != '\0') {
        p = strchr(n->peer, '@');
        p = p != NULL ? p + 1 : n->peer;
    } else if (mmha_cl_record_field(cl->writer_record, "node", rec_node,
                                    sizeof(rec_node)) &&
               strcmp(rec_node, n->name) == 0 &&
               mmha_cl_record_field(cl->writer_record, "addr", addr,
                                    sizeof(addr))) {
        p = addr;
    }
    if (p == NULL || !mmha_parse_host_port(p, host, len, port)) {
        size_t l = strnlen(n->name, len - 1);

        /* (not snprintf: host and n are parts of one view) */
        memcpy(host, n->name, l);
        host[l] = '\0';
        *port = cl->port;
    }
}

void view_files(const struct view *v, const struct args *a,
                struct mmha_conn_opts *o)
{
    *o = a->common.conn;
    if (o->defaults_file == NULL && !o->no_defaults) {
        o->defaults_file = v->cl.defaults_file;
    }
}

int view_print_defaults(const struct args *a)
{
    struct args b = *a;
    struct view *v = NULL;
    int rc = MMHA_EXIT_OK;

    if (a->common.conn.defaults_file == NULL && !a->common.conn.no_defaults) {
        v = view_new(a, false, &rc);
        if (v == NULL) {
            return rc;
        }
        view_files(v, a, &b.common.conn);
    }
    rc = mmha_print_defaults(TOOL, &b.common);
    view_free(v);
    return rc;
}

void view_conn_opts(const struct view *v, const struct args *a,
                    const struct mmha_cl_node *n, struct mmha_conn_opts *o)
{
    size_t i = (size_t)(n - v->cl.node);

    view_files(v, a, o);
    o->host = v->srv[i].host;
    o->port = v->srv[i].port;
    o->socket = NULL;
}

static void ask_servers(struct view *v, const struct args *a,
                        const struct mmha_deadline *d)
{
    struct ask k[MMHA_CL_NODES_MAX];
    int i;

    memset(k, 0, sizeof(k));
    for (i = 0; i < v->cl.nnodes; i++) {
        struct server *s = &v->srv[i];
        const struct mmha_cl_node *n = &v->cl.node[i];

        node_address(&v->cl, n, s->host, sizeof(s->host), &s->port);
        if (!n->online) {
            char msg[sizeof(s->error)];

            snprintf(msg, sizeof(msg), "node %s is not online", n->name);
            memcpy(s->error, msg, sizeof(msg));
            continue;
        }
        s->asked = true;
        k[i].s = s;
        k[i].reader = n->role != MMHA_CL_PROMOTED;
        k[i].d = d;
        view_conn_opts(v, a, n, &k[i].o);
        k[i].started = pthread_create(&k[i].t, NULL, ask_server, &k[i]) == 0;
        if (!k[i].started) {
            ask_server(&k[i]);
        }
    }
    for (i = 0; i < v->cl.nnodes; i++) {
        if (k[i].started) {
            pthread_join(k[i].t, NULL);
        }
    }
}

/* ---- this node's guard ---------------------------------------------- */

static void guard_read(struct view *v)
{
    struct guard *g = &v->guard;
    char line[GUARD_TEXT];
    FILE *f;

    if (v->cl.guard_rsc[0] == '\0') {
        return;
    }
    if (v->cl.guard_status_file[0] != '\0') {
        snprintf(g->file, sizeof(g->file), "%s", v->cl.guard_status_file);
    } else {
        snprintf(g->file, sizeof(g->file), "%s/mmha-guard-%s.status", HA_RSCTMP,
                 v->cl.guard_rsc);
    }
    f = fopen(g->file, "r");
    if (f == NULL) {
        return;
    }
    g->present = true;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *eq = strchr(line, '=');
        const char *val;

        line[strcspn(line, "\n")] = '\0';
        if (eq == NULL) {
            continue;
        }
        *eq = '\0';
        val = eq + 1;
        if (strcmp(line, "QUORUM") == 0) {
            snprintf(g->quorum, sizeof(g->quorum), "%s", val);
        } else if (strcmp(line, "WRITABLE") == 0) {
            snprintf(g->writable, sizeof(g->writable), "%s", val);
        } else if (strcmp(line, "REASON") == 0) {
            snprintf(g->reason, sizeof(g->reason), "%s", val);
        } else if (strcmp(line, "EPOCH") == 0) {
            g->epoch = strtoll(val, NULL, 10);
        } else if (strcmp(line, "FENCES") == 0) {
            g->fences = strtoll(val, NULL, 10);
        } else if (strcmp(line, "LAST_FENCE") == 0) {
            snprintf(g->last_fence, sizeof(g->last_fence), "%s", val);
        }
    }
    fclose(f);
}

/* ---- the whole view ------------------------------------------------- */

int view_read(struct view *v, const struct args *a,
              const struct mmha_deadline *d, bool servers, char *err,
              size_t errlen)
{
    static const char *const mon_argv[] = {"crm_mon", "-1", "--output-as=xml",
                                           NULL};
    /* The configuration only: the status section (the larger part) is
     * crm_mon's to read. */
    static const char *const cib_argv[] = {"cibadmin", "-Q", "-o",
                                           "configuration", NULL};
    struct child c[2];
    struct utsname u;
    int64_t t0 = mmha_now_us();
    int st_mon;
    int st_cib;
    int rc = MMHA_EXIT_OK;

    memset(v, 0, sizeof(*v));
    mmha_cl_init(&v->cl);
    if (uname(&u) == 0) {
        snprintf(v->local, sizeof(v->local), "%s", u.nodename);
    }
    if (child_start(&c[0], mon_argv, true) != 0 ||
        child_start(&c[1], cib_argv, true) != 0) {
        snprintf(err, errlen, "cannot run crm_mon and cibadmin: %s",
                 strerror(errno));
        return MMHA_EXIT_OSERR;
    }
    children_drain(c, 2, d);
    st_mon = child_wait(&c[0], d);
    st_cib = child_wait(&c[1], d);
    if (st_cib != 0 || c[1].len == 0) {
        snprintf(err, errlen,
                 st_cib == STATUS_RUN_FAILED
                     ? "cannot run cibadmin (is Pacemaker installed?)"
                 : st_cib == STATUS_DEADLINE
                     ? "cibadmin -Q did not answer in time"
                     : "cibadmin -Q failed (exit %d): is the cluster "
                       "running on this node?",
                 st_cib);
        rc = st_cib == STATUS_DEADLINE ? MMHA_EXIT_DEADLINE
                                       : MMHA_EXIT_UNAVAILABLE;
        goto done;
    }
    rc = mmha_cl_parse_cib(&v->cl, c[1].buf, c[1].len, err, errlen);
    if (rc != 0) {
        rc = rc < 0 ? MMHA_EXIT_PROTOCOL : MMHA_EXIT_CONFIGURED;
        goto done;
    }
    /* crm_mon exits non-zero without quorum yet prints the status. */
    if (c[0].len == 0 ||
        mmha_cl_parse_mon(&v->cl, c[0].buf, c[0].len, err, errlen) != 0) {
        snprintf(err, errlen, "crm_mon gave no status (exit %d)", st_mon);
        rc = st_mon == STATUS_DEADLINE ? MMHA_EXIT_DEADLINE
                                       : MMHA_EXIT_UNAVAILABLE;
        goto done;
    }
    mmha_cl_parse_bans(&v->cl, c[1].buf, c[1].len, err, errlen);
    if (servers) {
        struct mmha_conn_opts o;

        /* Every file the connections read, checked once per view. */
        view_files(v, a, &o);
        rc = mmha_defaults_read(&o, NULL, NULL, err, errlen);
        if (rc != 0) {
            goto done;
        }
        ask_servers(v, a, d);
    }
    guard_read(v);

done:
    free(c[0].buf);
    free(c[1].buf);
    v->took_ms = (mmha_now_us() - t0) / 1000;
    return rc;
}

struct view *view_new(const struct args *a, bool servers, int *rc)
{
    struct view *v = calloc(1, sizeof(*v));
    struct mmha_deadline d;
    char err[MSG_MAX];

    if (v == NULL) {
        *rc = MMHA_EXIT_OSERR;
        mmha_err("out of memory");
        return NULL;
    }
    mmha_deadline_start(&d, a->common.timeout_ms);
    *rc = view_read(v, a, &d, servers, err, sizeof(err));
    if (*rc != MMHA_EXIT_OK) {
        mmha_err("%s", err);
        view_free(v);
        return NULL;
    }
    return v;
}

/* The view and what its servers' readings hold on the heap. */
void view_free(struct view *v)
{
    int i;

    if (v == NULL) {
        return;
    }
    for (i = 0; i < MMHA_CL_NODES_MAX; i++) {
        mmha_binlog_pos_free(&v->srv[i].pos);
        mmha_replica_status_free(&v->srv[i].rep);
    }
    free(v);
}

/* ---- what a node is ------------------------------------------------- */

const char *node_role(const struct mmha_cl_node *n)
{
    if (n->unclean) {
        return "unclean";
    }
    if (!n->online) {
        return "down";
    }
    if (n->role == MMHA_CL_PROMOTED) {
        return "writer";
    }
    if (n->offline) {
        return "offline";
    }
    if (n->standby) {
        return "standby";
    }
    if (n->role == MMHA_CL_UNPROMOTED) {
        return "reader";
    }
    return "stopped";
}

void node_problem(const struct view *v, int i, char *buf, size_t len)
{
    const struct mmha_cl_node *n = &v->cl.node[i];
    const struct server *s = &v->srv[i];
    size_t used = 0;

#define ADD(...)                                                               \
    do {                                                                       \
        if (used < len) {                                                      \
            int w_ =                                                           \
                snprintf(buf + used, len - used, "%s", used > 0 ? "; " : "");  \
            used += w_ > 0 ? (size_t)w_ : 0;                                   \
        }                                                                      \
        if (used < len) {                                                      \
            int w_ = snprintf(buf + used, len - used, __VA_ARGS__);            \
            used += w_ > 0 ? (size_t)w_ : 0;                                   \
        }                                                                      \
    } while (0)

    buf[0] = '\0';
    if (!n->online) {
        ADD("node %s", n->unclean ? "lost, not fenced yet" : "down");
        return;
    }
    if (s->asked && !s->reachable) {
        ADD("server unreachable: %s", s->error);
    }
    if (n->failed) {
        ADD("failed%s%s", n->fail_reason[0] != '\0' ? ": " : "",
            n->fail_reason);
    }
    if (n->errant[0] != '\0') {
        ADD("errant transactions %s", n->errant);
    }
    if (s->reachable && n->role == MMHA_CL_UNPROMOTED) {
        if (!s->rep.io_running || !s->rep.sql_running) {
            ADD("replication IO %s, SQL %s",
                s->rep.io_running      ? "running"
                : s->rep.io_connecting ? "connecting"
                                       : "stopped",
                s->rep.sql_running ? "running" : "stopped");
        }
        if (s->rep.last_sql_errno != 0) {
            ADD("SQL error %u: %s", s->rep.last_sql_errno,
                s->rep.last_sql_error);
        } else if (s->rep.last_io_errno != 0) {
            ADD("IO error %u: %s", s->rep.last_io_errno, s->rep.last_io_error);
        }
    }
    if (s->reachable && n->role == MMHA_CL_PROMOTED && s->pos.read_only) {
        ADD("writer is read-only");
    }
    if (n->role == MMHA_CL_UNPROMOTED && n->has_lag &&
        n->lag_ms > v->cl.max_lag) {
        ADD("lagging %lld ms (max_lag %lld)", n->lag_ms, v->cl.max_lag);
    }
    if (n->role != MMHA_CL_STOPPED && n->has_readable && !n->readable) {
        ADD("not readable");
    }
#undef ADD
}

void node_vips(const struct view *v, int i, bool ips, char *buf, size_t len)
{
    size_t used = 0;
    int k;

    buf[0] = '\0';
    for (k = 0; k < v->cl.nvips; k++) {
        const struct mmha_cl_vip *p = &v->cl.vip[k];
        int w;

        if (strcmp(p->node, v->cl.node[i].name) != 0 || used >= len) {
            continue;
        }
        w = snprintf(buf + used, len - used, "%s%s", used > 0 ? "," : "",
                     ips ? p->ip : p->id);
        used += w > 0 ? (size_t)w : 0;
    }
}
