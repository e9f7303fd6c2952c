/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha metrics: the view in Prometheus' text exposition format (0.0.4),
 * on stdout, into DIR/mmha.prom for node-exporter's textfile collector
 * (written whole, through a rename), or answered to each GET /metrics on
 * ADDR:PORT (one scrape, one fresh view).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "exitcode.h"
#include "file.h"
#include "gtid.h"
#include "log.h"

#include "mmha.h"

enum {
    METRICS_MAX = 256 * 1024,
    REQUEST_MAX = 8192,
    CLIENT_TIMEOUT_S = 5,
    BACKLOG = 16,
};

static const char TEXTFILE_NAME[] = "mmha.prom";
static const char CONTENT_TYPE[] = "text/plain; version=0.0.4; charset=utf-8";

/* A growing text buffer that never overflows (cut at METRICS_MAX). */
struct text {
    char *buf;
    size_t len;
};

static void add(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->len >= METRICS_MAX - 1) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(t->buf + t->len, METRICS_MAX - t->len, fmt, ap);
    va_end(ap);
    if (n > 0) {
        t->len += (size_t)n;
        if (t->len >= METRICS_MAX) {
            t->len = METRICS_MAX - 1;
        }
    }
}

/* A label value with \, " and newline escaped. */
static void label(char *buf, size_t len, const char *s)
{
    size_t o = 0;

    for (; *s != '\0' && o + 3 < len; s++) {
        if (*s == '\\' || *s == '"') {
            buf[o++] = '\\';
            buf[o++] = *s;
        } else if (*s == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else {
            buf[o++] = *s;
        }
    }
    buf[o] = '\0';
}

static void head(struct text *t, const char *name, const char *type,
                 const char *help)
{
    add(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Errant transactions in a set: MySQL counts them, MariaDB's set names
 * the last GTID of each domain (one each at least). */
static long long errant_count(const char *set)
{
    struct mmha_gtid_set s;
    char err[256];
    long long n = 0;

    if (set[0] == '\0') {
        return 0;
    }
    if (strchr(set, ':') != NULL &&
        mmha_gtid_parse(&s, MMHA_GTID_MYSQL, set, err, sizeof(err))) {
        n = (long long)mmha_gtid_count(&s);
        mmha_gtid_free(&s);
        return n;
    }
    for (n = 1; *set != '\0'; set++) {
        n += *set == ',';
    }
    return n;
}

/* One gauge per node: value(v, i, &x) false = no sample for that node. */
typedef bool (*node_value_fn)(const struct view *v, int i, double *x);

static void per_node(struct text *t, const struct view *v, const char *name,
                     const char *help, node_value_fn fn)
{
    char node[2 * MMHA_CL_NAME];
    double x;
    int i;

    head(t, name, "gauge", help);
    for (i = 0; i < v->cl.nnodes; i++) {
        if (fn(v, i, &x)) {
            label(node, sizeof(node), v->cl.node[i].name);
            add(t, "%s{node=\"%s\"} %.15g\n", name, node, x);
        }
    }
}

static bool v_writer(const struct view *v, int i, double *x)
{
    *x = v->cl.node[i].role == MMHA_CL_PROMOTED;
    return true;
}

static bool v_online(const struct view *v, int i, double *x)
{
    *x = v->cl.node[i].online;
    return true;
}

static bool v_offline(const struct view *v, int i, double *x)
{
    *x = v->cl.node[i].offline;
    return true;
}

static bool v_server_up(const struct view *v, int i, double *x)
{
    *x = v->srv[i].reachable;
    return true;
}

static bool v_read_only(const struct view *v, int i, double *x)
{
    *x = v->srv[i].pos.read_only;
    return v->srv[i].reachable;
}

static bool v_lag(const struct view *v, int i, double *x)
{
    *x = v->srv[i].hb_lag_ms / 1000.0;
    return v->srv[i].has_hb_lag;
}

static bool v_published_lag(const struct view *v, int i, double *x)
{
    *x = (double)v->cl.node[i].lag_ms / 1000.0;
    return v->cl.node[i].has_lag && v->cl.node[i].lag_ms >= 0;
}

static bool v_readable(const struct view *v, int i, double *x)
{
    *x = v->cl.node[i].readable;
    return v->cl.node[i].has_readable;
}

static bool v_score(const struct view *v, int i, double *x)
{
    *x = (double)v->cl.node[i].score;
    return v->cl.node[i].has_score;
}

static bool v_errant(const struct view *v, int i, double *x)
{
    *x = (double)errant_count(v->cl.node[i].errant);
    return true;
}

static bool v_degraded(const struct view *v, int i, double *x)
{
    *x = strcmp(v->cl.node[i].semisync, "degraded") == 0;
    return v->cl.node[i].semisync[0] != '\0';
}

/* Degraded episodes among the history records kept (the newest ones). */
static long long degraded_records(const char *history)
{
    char rec[1024];
    long long n = 0;
    int i;
    int total = mmha_cl_history_record(history, 0, NULL, 0);

    for (i = 0; i < total; i++) {
        mmha_cl_history_record(history, i, rec, sizeof(rec));
        n += strncmp(rec, "semisync-degraded ", 18) == 0;
    }
    return n;
}

static bool v_failed(const struct view *v, int i, double *x)
{
    *x = v->cl.node[i].failed;
    return true;
}

static void threads(struct text *t, const struct view *v)
{
    char node[2 * MMHA_CL_NAME];
    int i;

    head(t, "mmha_replication_threads_running", "gauge",
         "Whether a replication thread (io, sql) of the server runs.");
    for (i = 0; i < v->cl.nnodes; i++) {
        const struct server *s = &v->srv[i];

        if (!s->reachable || !s->rep.configured) {
            continue;
        }
        label(node, sizeof(node), v->cl.node[i].name);
        add(t,
            "mmha_replication_threads_running{node=\"%s\",thread=\"io\"} "
            "%d\n",
            node, s->rep.io_running);
        add(t,
            "mmha_replication_threads_running{node=\"%s\",thread=\"sql\"} "
            "%d\n",
            node, s->rep.sql_running);
    }
    head(t, "mmha_replication_last_errno", "gauge",
         "The last error number of a replication thread (0 = none).");
    for (i = 0; i < v->cl.nnodes; i++) {
        const struct server *s = &v->srv[i];

        if (!s->reachable || !s->rep.configured) {
            continue;
        }
        label(node, sizeof(node), v->cl.node[i].name);
        add(t, "mmha_replication_last_errno{node=\"%s\",thread=\"io\"} %u\n",
            node, s->rep.last_io_errno);
        add(t, "mmha_replication_last_errno{node=\"%s\",thread=\"sql\"} %u\n",
            node, s->rep.last_sql_errno);
    }
}

static void vips(struct text *t, const struct view *v)
{
    char id[2 * MMHA_CL_NAME];
    char node[2 * MMHA_CL_NAME];
    int i;

    head(t, "mmha_vip", "gauge",
         "Where each address of the cluster runs (1 on its node).");
    for (i = 0; i < v->cl.nvips; i++) {
        label(id, sizeof(id), v->cl.vip[i].id);
        label(node, sizeof(node), v->cl.vip[i].node);
        add(t, "mmha_vip{vip=\"%s\",ip=\"%s\",role=\"%s\",node=\"%s\"} %d\n",
            id, v->cl.vip[i].ip, v->cl.vip[i].writer ? "writer" : "reader",
            node, v->cl.vip[i].node[0] != '\0');
    }
}

static void guard(struct text *t, const struct view *v)
{
    char node[2 * MMHA_CL_NAME];

    if (!v->guard.present) {
        return;
    }
    label(node, sizeof(node), v->local);
    head(t, "mmha_guard_quorate", "gauge",
         "Whether this node's mmha-guard sees its node quorate.");
    add(t, "mmha_guard_quorate{node=\"%s\"} %d\n", node,
        strcmp(v->guard.quorum, "quorate") == 0);
    head(t, "mmha_guard_fences_total", "counter",
         "Times this node's mmha-guard made its server read-only.");
    add(t, "mmha_guard_fences_total{node=\"%s\"} %lld\n", node,
        v->guard.fences);
}

/* The whole exposition of one view (rc: the view's exit code). */
static void render(struct text *t, const struct view *v, int rc)
{
    head(t, "mmha_up", "gauge",
         "Whether mmha could read the cluster (crm_mon, cibadmin).");
    add(t, "mmha_up %d\n", rc == MMHA_EXIT_OK);
    if (rc != MMHA_EXIT_OK) {
        return;
    }
    head(t, "mmha_quorate", "gauge",
         "Whether this node's partition has quorum.");
    add(t, "mmha_quorate %d\n", v->cl.quorate);
    head(t, "mmha_epoch", "gauge",
         "The writer epoch (raised at every promotion).");
    add(t, "mmha_epoch %lld\n", v->cl.epoch < 0 ? 0 : v->cl.epoch);
    head(t, "mmha_role_changes_total", "counter",
         "Promotions of a writer since the cluster began (the epoch).");
    add(t, "mmha_role_changes_total %lld\n", v->cl.epoch < 0 ? 0 : v->cl.epoch);
    per_node(t, v, "mmha_writer", "1 on the node that is the writer.",
             v_writer);
    per_node(t, v, "mmha_node_online", "Whether the node is online.", v_online);
    per_node(t, v, "mmha_node_offline",
             "Whether the node was taken offline (mmha offline).", v_offline);
    per_node(t, v, "mmha_resource_failed",
             "Whether the node's mysql-mm instance has a failed operation.",
             v_failed);
    per_node(t, v, "mmha_server_up", "Whether the node's server answered.",
             v_server_up);
    per_node(t, v, "mmha_read_only", "The server's read_only.", v_read_only);
    /* Seconds, Prometheus' base unit (promtool refuses milliseconds). */
    per_node(t, v, "mmha_lag_seconds",
             "A reader's replication lag measured at this scrape (the "
             "writer's newest heartbeat against the reader's clock).",
             v_lag);
    per_node(t, v, "mmha_published_lag_seconds",
             "The lag the node published at its last monitor (mmha-lag-ms), "
             "what Pacemaker acts on.",
             v_published_lag);
    per_node(t, v, "mmha_readable",
             "Whether the node publishes mmha-readable=1.", v_readable);
    per_node(t, v, "mmha_promotion_score", "The node's promotion score.",
             v_score);
    per_node(t, v, "mmha_errant_transactions",
             "Errant transactions the node reports (mmha-errant).", v_errant);
    per_node(t, v, "mmha_semisync_degraded",
             "1 on a writer whose semi-sync fell back to asynchronous "
             "(mmha-semisync=degraded), 0 on other semisync=on nodes.",
             v_degraded);
    head(t, "mmha_semisync_degraded_records", "gauge",
         "Degraded semi-sync episodes among the history records kept.");
    add(t, "mmha_semisync_degraded_records %lld\n",
        degraded_records(v->cl.history));
    threads(t, v);
    vips(t, v);
    guard(t, v);
    head(t, "mmha_scrape_duration_seconds", "gauge",
         "How long reading the cluster and the servers took.");
    add(t, "mmha_scrape_duration_seconds %.3f\n", (double)v->took_ms / 1000);
}

/* A fresh view rendered into t. */
static int collect(const struct args *a, struct text *t)
{
    struct view *v = calloc(1, sizeof(*v));
    struct mmha_deadline d;
    char err[MSG_MAX];
    int rc;

    t->len = 0;
    t->buf[0] = '\0';
    if (v == NULL) {
        return MMHA_EXIT_OSERR;
    }
    mmha_deadline_start(&d, a->common.timeout_ms);
    rc = view_read(v, a, &d, true, err, sizeof(err));
    if (rc != MMHA_EXIT_OK) {
        mmha_warn("%s", err);
    }
    render(t, v, rc);
    view_free(v);
    return rc;
}

static int textfile(const struct args *a, struct text *t)
{
    char path[MMHA_CL_TEXT];
    int rc = collect(a, t);
    int err;

    snprintf(path, sizeof(path), "%s/%s", a->textfile, TEXTFILE_NAME);
    err = mmha_write_atomic(path, t->buf, 0644);
    if (err != 0) {
        mmha_err("--textfile %s: %s", path, strerror(err));
        return MMHA_EXIT_IOERR;
    }
    return rc;
}

/* ---- the HTTP side -------------------------------------------------- */

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void answer(int fd, const char *status, const char *body, size_t len)
{
    char h[256];
    int n = snprintf(h, sizeof(h),
                     "HTTP/1.0 %s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, CONTENT_TYPE, len);

    send_all(fd, h, (size_t)n);
    send_all(fd, body, len);
}

/* Read the request head; false if none came in time. */
static bool read_request(int fd, char *req, size_t len)
{
    size_t got = 0;

    while (got + 1 < len) {
        ssize_t n = recv(fd, req + got, len - 1 - got, 0);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n") != NULL || strstr(req, "\n\n") != NULL) {
            return true;
        }
    }
    req[got] = '\0';
    return got > 0;
}

static void serve_one(const struct args *a, int fd, struct text *t)
{
    char req[REQUEST_MAX];
    static const char NOT_FOUND[] = "only /metrics is served here\n";
    static const char NOT_ALLOWED[] = "only GET is answered here\n";
    struct timeval tv = {CLIENT_TIMEOUT_S, 0};

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (!read_request(fd, req, sizeof(req))) {
        return;
    }
    if (strncmp(req, "GET ", 4) != 0) {
        answer(fd, "405 Method Not Allowed", NOT_ALLOWED,
               sizeof(NOT_ALLOWED) - 1);
        return;
    }
    if (strncmp(req + 4, "/metrics ", 9) != 0 &&
        strncmp(req + 4, "/metrics?", 9) != 0 &&
        strncmp(req + 4, "/metrics\r", 9) != 0) {
        answer(fd, "404 Not Found", NOT_FOUND, sizeof(NOT_FOUND) - 1);
        return;
    }
    collect(a, t);
    answer(fd, "200 OK", t->buf, t->len);
}

static int listen_on(const char *spec)
{
    char host[MMHA_CL_NAME];
    char port_s[16];
    unsigned int port;
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    int fd = -1;
    int one = 1;

    if (!mmha_parse_host_port(spec, host, sizeof(host), &port)) {
        mmha_err("--listen: '%s' is not ADDR:PORT", spec);
        return -1;
    }
    snprintf(port_s, sizeof(port_s), "%u", port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(host, port_s, &hints, &res) != 0 || res == NULL) {
        mmha_err("--listen: cannot resolve %s", host);
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
            listen(fd, BACKLOG) != 0) {
            mmha_err("--listen %s: %s", spec, strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static int serve(const struct args *a, struct text *t)
{
    int64_t served = 0;
    int fd = listen_on(a->listen);

    if (fd < 0) {
        return MMHA_EXIT_OSERR;
    }
    mmha_notice("serving GET /metrics on %s", a->listen);
    while (a->serve_count == 0 || served < a->serve_count) {
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            mmha_err("accept: %s", strerror(errno));
            close(fd);
            return MMHA_EXIT_OSERR;
        }
        serve_one(a, c, t);
        close(c);
        served++;
    }
    close(fd);
    return MMHA_EXIT_OK;
}

int cmd_metrics(const struct args *a)
{
    struct text t;
    int rc;

    t.buf = calloc(1, METRICS_MAX);
    t.len = 0;
    if (t.buf == NULL) {
        return MMHA_EXIT_OSERR;
    }
    if (a->listen != NULL) {
        rc = serve(a, &t);
    } else if (a->textfile != NULL) {
        rc = textfile(a, &t);
    } else {
        rc = collect(a, &t);
        fwrite(t.buf, 1, t.len, stdout);
    }
    free(t.buf);
    return rc;
}
