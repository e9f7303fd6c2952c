/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha status: one screen per cluster (MMM's `mmm_control show`): each
 * node's role, its server's read_only and replication, the addresses it
 * holds, lag, readable, errant set, score; the writer record, the epoch,
 * this node's guard and the last role changes. --watch S refreshes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"

#include "mmha.h"

enum {
    STATUS_HISTORY = 5, /* role changes shown by status */
    LINE_MAX_ = 4096,
};

static const char C_RESET[] = "\033[0m";
static const char C_GREEN[] = "\033[32m";
static const char C_RED[] = "\033[31m";
static const char C_YELLOW[] = "\033[33m";
static const char C_BOLD[] = "\033[1m";

static const char *colour(bool on, const char *c)
{
    return on ? c : "";
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

static const char *thread_state(bool running, bool connecting)
{
    return running ? "yes" : connecting ? "connecting" : "no";
}

/* ---- machine formats ------------------------------------------------ */

static void node_out(struct mmha_out *o, const struct view *v, int i)
{
    const struct mmha_cl_node *n = &v->cl.node[i];
    const struct server *s = &v->srv[i];
    char buf[LINE_MAX_];

    mmha_out_item_begin(o);
    mmha_out_str(o, "name", n->name);
    mmha_out_str(o, "role", node_role(n));
    mmha_out_bool(o, "online", n->online);
    mmha_out_bool(o, "offline", n->offline);
    mmha_out_bool(o, "failed", n->failed);
    mmha_out_bool(o, "candidate", !n->never_promoted);
    node_vips(v, i, false, buf, sizeof(buf));
    mmha_out_str(o, "vips", buf);
    node_vips(v, i, true, buf, sizeof(buf));
    mmha_out_str(o, "vip_addresses", buf);
    snprintf(buf, sizeof(buf), "%s:%u", s->host, s->port);
    mmha_out_str(o, "address", buf);
    if (n->has_lag) {
        mmha_out_int(o, "lag_ms", n->lag_ms);
    } else {
        mmha_out_str(o, "lag_ms", NULL);
    }
    if (s->has_hb_lag) {
        mmha_out_double(o, "lag_now_ms", s->hb_lag_ms, 1);
    } else {
        mmha_out_str(o, "lag_now_ms", NULL);
    }
    if (n->has_readable) {
        mmha_out_bool(o, "readable", n->readable);
    } else {
        mmha_out_str(o, "readable", NULL);
    }
    if (n->has_score) {
        mmha_out_int(o, "score", n->score);
    } else {
        mmha_out_str(o, "score", NULL);
    }
    mmha_out_str(o, "errant", n->errant[0] != '\0' ? n->errant : NULL);
    mmha_out_bool(o, "reachable", s->reachable);
    if (s->reachable) {
        mmha_out_bool(o, "read_only", s->pos.read_only);
        mmha_out_int(o, "server_id", (long long)s->pos.server_id);
        mmha_out_str(o, "gtid_binlog_pos", s->pos.gtid_binlog);
        mmha_out_bool(o, "replica_configured", s->rep.configured);
        mmha_out_str(o, "source",
                     s->rep.configured ? s->rep.source_host : NULL);
        mmha_out_str(o, "io_thread",
                     thread_state(s->rep.io_running, s->rep.io_connecting));
        mmha_out_str(o, "sql_thread", yes_no(s->rep.sql_running));
        mmha_out_int(o, "last_io_errno", s->rep.last_io_errno);
        mmha_out_str(o, "last_io_error", s->rep.last_io_error);
        mmha_out_int(o, "last_sql_errno", s->rep.last_sql_errno);
        mmha_out_str(o, "last_sql_error", s->rep.last_sql_error);
    } else {
        mmha_out_str(o, "error", s->error);
    }
    mmha_out_str(o, "fail_reason",
                 n->fail_reason[0] != '\0' ? n->fail_reason : NULL);
    node_problem(v, i, buf, sizeof(buf));
    mmha_out_str(o, "problem", buf[0] != '\0' ? buf : NULL);
    mmha_out_close(o);
}

static void guard_out(struct mmha_out *o, const struct view *v)
{
    const struct guard *g = &v->guard;

    mmha_out_object_begin(o, "guard");
    mmha_out_str(o, "resource", v->cl.guard_rsc[0] ? v->cl.guard_rsc : NULL);
    mmha_out_str(o, "node", v->local);
    mmha_out_bool(o, "present", g->present);
    if (g->present) {
        mmha_out_str(o, "quorum", g->quorum);
        mmha_out_str(o, "writable", g->writable);
        mmha_out_str(o, "reason", g->reason);
        mmha_out_int(o, "epoch", g->epoch);
        mmha_out_int(o, "fences", g->fences);
        mmha_out_str(o, "last_fence",
                     g->last_fence[0] != '\0' ? g->last_fence : NULL);
    }
    mmha_out_close(o);
}

static void status_out(struct mmha_out *o, const struct view *v)
{
    const struct mmha_cl_node *w = mmha_cl_writer((struct mmha_cl *)&v->cl);
    int i;

    mmha_out_str(o, "cluster", v->cl.cluster_name);
    mmha_out_str(o, "resource", v->cl.rsc);
    mmha_out_str(o, "clone", v->cl.clone);
    mmha_out_bool(o, "quorate", v->cl.quorate);
    mmha_out_str(o, "dc", v->cl.dc[0] != '\0' ? v->cl.dc : NULL);
    mmha_out_bool(o, "maintenance_mode", v->cl.maintenance_mode);
    mmha_out_str(o, "writer", w != NULL ? w->name : NULL);
    if (v->cl.epoch >= 0) {
        mmha_out_int(o, "epoch", v->cl.epoch);
    } else {
        mmha_out_str(o, "epoch", NULL);
    }
    mmha_out_str(o, "writer_record",
                 v->cl.writer_record[0] != '\0' ? v->cl.writer_record : NULL);
    mmha_out_int(o, "max_lag_ms", v->cl.max_lag);
    mmha_out_list_begin(o, "nodes");
    for (i = 0; i < v->cl.nnodes; i++) {
        node_out(o, v, i);
    }
    mmha_out_close(o);
    guard_out(o, v);
    history_out(o, &v->cl, STATUS_HISTORY);
    mmha_out_int(o, "took_ms", v->took_ms);
}

/* ---- a person's screen ---------------------------------------------- */

static void human_out(FILE *f, const struct view *v, bool c)
{
    const struct mmha_cl_node *w = mmha_cl_writer((struct mmha_cl *)&v->cl);
    char buf[LINE_MAX_];
    char rec[MMHA_CL_TEXT];
    int i;
    int n;

    snprintf(rec, sizeof(rec), v->cl.epoch >= 0 ? "%lld" : "-", v->cl.epoch);
    fprintf(f, "%scluster %s%s  resource %s  %s%s%s  DC %s  epoch %s\n",
            colour(c, C_BOLD), v->cl.cluster_name, colour(c, C_RESET),
            v->cl.clone, colour(c, v->cl.quorate ? C_GREEN : C_RED),
            v->cl.quorate ? "quorate" : "NOT QUORATE", colour(c, C_RESET),
            v->cl.dc[0] != '\0' ? v->cl.dc : "-", rec);
    if (v->cl.maintenance_mode) {
        fprintf(f, "%smaintenance-mode is on: Pacemaker acts on nothing%s\n",
                colour(c, C_YELLOW), colour(c, C_RESET));
    }
    fprintf(f, "writer: %s%s%s\n", colour(c, w != NULL ? C_GREEN : C_RED),
            w != NULL ? w->name : "NONE", colour(c, C_RESET));
    fprintf(f, "\n%-10s %-8s %-3s %-6s %-9s %-8s %-10s %-5s %s\n", "NODE",
            "ROLE", "RO", "LAG", "READABLE", "IO/SQL", "SOURCE", "SCORE",
            "VIPS");
    for (i = 0; i < v->cl.nnodes; i++) {
        const struct mmha_cl_node *nd = &v->cl.node[i];
        const struct server *s = &v->srv[i];
        const char *role = node_role(nd);
        char lag[24];
        char threads[32];
        char score[24];
        const char *rc = strcmp(role, "writer") == 0   ? C_GREEN
                         : strcmp(role, "reader") == 0 ? ""
                                                       : C_YELLOW;

        /* The lag measured now; the published one when there is none. */
        if (s->has_hb_lag) {
            snprintf(lag, sizeof(lag), "%.0f", s->hb_lag_ms);
        } else {
            snprintf(lag, sizeof(lag), nd->has_lag ? "%lld" : "-", nd->lag_ms);
        }
        snprintf(score, sizeof(score), nd->has_score ? "%lld" : "-", nd->score);
        if (s->reachable && s->rep.configured) {
            snprintf(threads, sizeof(threads), "%s/%s",
                     thread_state(s->rep.io_running, s->rep.io_connecting),
                     yes_no(s->rep.sql_running));
        } else {
            snprintf(threads, sizeof(threads), "-");
        }
        node_vips(v, i, false, buf, sizeof(buf));
        fprintf(f, "%-10s %s%-8s%s %-3s %-6s %-9s %-8s %-10s %-5s %s\n",
                nd->name, colour(c, rc), role, colour(c, C_RESET),
                s->reachable ? (s->pos.read_only ? "1" : "0") : "?", lag,
                nd->has_readable ? yes_no(nd->readable) : "-", threads,
                s->reachable && s->rep.configured ? s->rep.source_host : "-",
                score, buf[0] != '\0' ? buf : "-");
    }
    n = 0;
    for (i = 0; i < v->cl.nnodes; i++) {
        node_problem(v, i, buf, sizeof(buf));
        if (buf[0] == '\0') {
            continue;
        }
        if (n++ == 0) {
            fputc('\n', f);
        }
        fprintf(f, "%s%s: %s%s\n", colour(c, C_RED), v->cl.node[i].name, buf,
                colour(c, C_RESET));
    }
    fputc('\n', f);
    for (i = 0; i < v->cl.nvips; i++) {
        fprintf(f, "%s%s %s on %s", i == 0 ? "addresses: " : ", ",
                v->cl.vip[i].id, v->cl.vip[i].ip,
                v->cl.vip[i].node[0] != '\0' ? v->cl.vip[i].node : "NONE");
    }
    if (v->cl.nvips > 0) {
        fputc('\n', f);
    }
    fprintf(f, "writer record: %s\n",
            v->cl.writer_record[0] != '\0' ? v->cl.writer_record : "-");
    if (v->cl.guard_rsc[0] == '\0') {
        fprintf(f, "guard: not configured\n");
    } else if (!v->guard.present) {
        fprintf(f, "guard (%s): no status file %s\n", v->local, v->guard.file);
    } else {
        fprintf(f,
                "guard (%s): %s, writable %s, epoch %lld, fences %lld, "
                "last fence %s\n",
                v->local, v->guard.quorum, v->guard.writable, v->guard.epoch,
                v->guard.fences,
                v->guard.last_fence[0] != '\0' ? v->guard.last_fence : "-");
    }
    n = mmha_cl_history_record(v->cl.history, 0, NULL, 0);
    fprintf(f, "last role changes:%s\n", n == 0 ? " none" : "");
    for (i = n > STATUS_HISTORY ? n - STATUS_HISTORY : 0; i < n; i++) {
        mmha_cl_history_record(v->cl.history, i, rec, sizeof(rec));
        fprintf(f, "  %s\n", rec);
    }
}

static int status_once(const struct args *a, bool clear)
{
    struct mmha_out o;
    int rc;
    struct view *v = view_new(a, true, &rc);

    if (v == NULL) {
        return rc;
    }
    if (a->common.format == MMHA_FORMAT_HUMAN) {
        if (clear) {
            fputs("\033[H\033[2J", stdout);
        }
        human_out(stdout, v, a->color);
    } else {
        mmha_out_begin(&o, a->common.format, stdout);
        status_out(&o, v);
        mmha_out_end(&o);
    }
    fflush(stdout);
    view_free(v);
    return MMHA_EXIT_OK;
}

int cmd_status(const struct args *a)
{
    int rc;

    if (a->watch_ms <= 0) {
        return status_once(a, false);
    }
    for (;;) {
        rc = status_once(a, a->color);
        if (rc != MMHA_EXIT_OK && rc != MMHA_EXIT_UNAVAILABLE) {
            return rc;
        }
        if (!a->color) {
            fputs("\n", stdout);
        }
        usleep((useconds_t)(a->watch_ms * 1000));
    }
}
