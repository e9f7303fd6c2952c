/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha switchover: move the writer role (MMM's `move_role writer HOST`).
 * Refuses a target that cannot take it, naming why; otherwise creates the
 * one constraint that moves a promotable clone's Promoted role with the
 * installed Pacemaker (crm_resource --move --promoted), waits until the
 * new writer serves writes through the writer address and the old writer
 * replicates from it, and clears the constraint whatever happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"

#include "mmha.h"

enum {
    POLL_MS = 250,
    PCMK_TIMEOUT_MS = 15000, /* one crm_resource call */
    VIEW_TIMEOUT_MS = 10000, /* the first look at the cluster */
    LINE = 2048,
};

/* The steps a switchover waits for, in order. */
enum step {
    STEP_PROMOTED,
    STEP_VIP,
    STEP_WRITABLE,
    STEP_OLD_REPLICATES,
    STEP_N,
};

static const char *const STEP_NAMES[STEP_N] = {
    "promoted_ms",
    "writer_vip_ms",
    "writable_ms",
    "old_writer_replicating_ms",
};

static const char *const STEP_TEXT[STEP_N] = {
    "Pacemaker promoted it",
    "the writer address is on it",
    "it answers read_only=0 through the writer address",
    "the old writer replicates from it",
};

/* Why node i cannot be the writer now ("" = it can). */
static void unfit(const struct view *v, int i, char *why, size_t len)
{
    const struct mmha_cl_node *n = &v->cl.node[i];
    const struct server *s = &v->srv[i];

    why[0] = '\0';
    if (!n->online) {
        snprintf(why, len, "%s is not online", n->name);
    } else if (n->offline) {
        snprintf(why, len,
                 "%s is offline (mmha offline): bring it back with "
                 "'mmha online %s' first",
                 n->name, n->name);
    } else if (n->never_promoted) {
        snprintf(why, len,
                 "%s is never promoted (a -INFINITY location rule on the "
                 "Promoted role names it: a read replica)",
                 n->name);
    } else if (n->role != MMHA_CL_UNPROMOTED || n->failed) {
        snprintf(why, len, "%s runs no healthy reader instance (%s%s%s)",
                 n->name, node_role(n), n->failed ? ", failed: " : "",
                 n->fail_reason);
    } else if (n->errant[0] != '\0') {
        snprintf(why, len,
                 "%s holds errant transactions %s (see docs/operations.md, "
                 "split brain)",
                 n->name, n->errant);
    } else if (!n->has_readable || !n->readable) {
        snprintf(why, len, "%s is not readable (mmha-readable is not 1)",
                 n->name);
    } else if (n->has_lag && n->lag_ms > v->cl.max_lag) {
        snprintf(why, len, "%s lags %lld ms, beyond max_lag %lld ms", n->name,
                 n->lag_ms, v->cl.max_lag);
    } else if (!n->has_score || n->score <= 0) {
        snprintf(why, len, "%s has no promotion score (master-%s)", n->name,
                 v->cl.rsc);
    } else if (!s->reachable) {
        snprintf(why, len, "%s's server does not answer: %s", n->name,
                 s->error);
    } else if (!s->rep.io_running || !s->rep.sql_running) {
        snprintf(why, len, "%s does not replicate (IO %s, SQL %s)", n->name,
                 s->rep.io_running ? "yes" : "no",
                 s->rep.sql_running ? "yes" : "no");
    }
}

/* The best candidate: fit, highest score, then least lag; -1 if none. */
static int best_target(const struct view *v, const struct mmha_cl_node *w)
{
    char why[LINE];
    int best = -1;
    int i;

    for (i = 0; i < v->cl.nnodes; i++) {
        const struct mmha_cl_node *n = &v->cl.node[i];

        if (n == w) {
            continue;
        }
        unfit(v, i, why, sizeof(why));
        if (why[0] != '\0') {
            mmha_info("not a candidate: %s", why);
            continue;
        }
        if (best < 0 || n->score > v->cl.node[best].score ||
            (n->score == v->cl.node[best].score &&
             n->lag_ms < v->cl.node[best].lag_ms)) {
            best = i;
        }
    }
    return best;
}

/* The writer address' ip, NULL without one. */
static const struct mmha_cl_vip *writer_vip(const struct mmha_cl *cl)
{
    int i;

    for (i = 0; i < cl->nvips; i++) {
        if (cl->vip[i].writer) {
            return &cl->vip[i];
        }
    }
    return NULL;
}

/* read_only=0 and the target's server_id through the writer address. */
static bool writes_through(const struct view *v, const struct args *a,
                           const char *ip, unsigned long server_id)
{
    struct mmha_conn_opts o;
    struct mmha_deadline d;
    struct mmha_conn c = {0};
    struct mmha_row r;
    char err[MSG_MAX];
    bool ok = false;

    view_files(v, a, &o);
    o.host = ip;
    o.port = v->cl.port;
    o.socket = NULL;
    mmha_deadline_start(&d, 1000);
    if (mmha_connect(&c, &o, &d, err, sizeof(err)) != 0) {
        mmha_debug("writer address: %s", err);
        return false;
    }
    if (mmha_query_row(&c, "SELECT @@server_id AS id, @@read_only AS ro", &r) ==
        0) {
        const char *id = mmha_row_get(&r, "id");
        const char *ro = mmha_row_get(&r, "ro");

        ok = id != NULL && ro != NULL && strtoul(id, NULL, 10) == server_id &&
             strcmp(ro, "0") == 0;
        mmha_row_free(&r);
    }
    mmha_disconnect(&c);
    return ok;
}

/* The old writer's server replicates (both threads) from the target. */
static bool replicates_from(const struct view *v0, const struct args *a,
                            int old_i, int to_i)
{
    struct mmha_conn_opts o;
    struct mmha_deadline d;
    struct mmha_conn c = {0};
    struct mmha_replica_status r = {0};
    const struct server *ts = &v0->srv[to_i];
    const char *to_name = v0->cl.node[to_i].name;
    char err[MSG_MAX];
    bool ok = false;

    view_conn_opts(v0, a, &v0->cl.node[old_i], &o);
    mmha_deadline_start(&d, 1000);
    if (mmha_connect(&c, &o, &d, err, sizeof(err)) != 0) {
        mmha_debug("old writer: %s", err);
        return false;
    }
    if (mmha_replica_status_read(&c, &r) == 0 && r.io_running &&
        r.sql_running &&
        (strcmp(r.source_host, to_name) == 0 ||
         strcmp(r.source_host, ts->host) == 0)) {
        ok = true;
    }
    mmha_replica_status_free(&r);
    mmha_disconnect(&c);
    return ok;
}

static int crm_move(const struct view *v, const char *to)
{
    const char *argv[] = {"crm_resource", "--move",  "-r",
                          v->cl.clone,    "-N",      to,
                          "--promoted",   "--quiet", NULL};
    struct mmha_deadline d;

    mmha_deadline_start(&d, PCMK_TIMEOUT_MS);
    return run_quiet(argv, &d);
}

static int crm_clear(const struct view *v)
{
    const char *argv[] = {"crm_resource", "--clear", "-r",
                          v->cl.clone,    "--quiet", NULL};
    struct mmha_deadline d;

    mmha_deadline_start(&d, PCMK_TIMEOUT_MS);
    return run_quiet(argv, &d);
}

/* Poll until every step is reached or the deadline: the steps' times. */
static int wait_steps(const struct view *v0, const struct args *a, int old_i,
                      int to_i, const struct mmha_deadline *d, int64_t t0,
                      int64_t at_ms[STEP_N])
{
    const struct mmha_cl_vip *wv = writer_vip(&v0->cl);
    const char *to = v0->cl.node[to_i].name;
    struct view *v = calloc(1, sizeof(*v));
    int done = 0;
    int k;

    if (v == NULL) {
        return done;
    }
    for (k = 0; k < STEP_N; k++) {
        at_ms[k] = -1;
    }
    while (done < STEP_N && !mmha_deadline_passed(d)) {
        char err[MSG_MAX];

        if (done < STEP_WRITABLE &&
            view_read(v, a, d, false, err, sizeof(err)) == MMHA_EXIT_OK) {
            const struct mmha_cl_node *n = mmha_cl_writer(&v->cl);
            const struct mmha_cl_vip *cv = writer_vip(&v->cl);

            if (done == STEP_PROMOTED && n != NULL &&
                strcmp(n->name, to) == 0) {
                at_ms[done++] = (mmha_now_us() - t0) / 1000;
            }
            if (done == STEP_VIP && (cv == NULL || strcmp(cv->node, to) == 0)) {
                at_ms[done++] = (mmha_now_us() - t0) / 1000;
            }
        }
        if (done == STEP_WRITABLE &&
            (wv == NULL ||
             writes_through(v0, a, wv->ip, v0->srv[to_i].pos.server_id))) {
            at_ms[done++] = (mmha_now_us() - t0) / 1000;
        }
        if (done == STEP_OLD_REPLICATES &&
            replicates_from(v0, a, old_i, to_i)) {
            at_ms[done++] = (mmha_now_us() - t0) / 1000;
        }
        if (done < STEP_N) {
            mmha_deadline_sleep_ms(d, POLL_MS);
        }
    }
    view_free(v);
    return done;
}

static void report(const struct args *a, const char *clone, const char *from,
                   const char *to, bool dry_run, int done,
                   const int64_t at_ms[STEP_N], int64_t total_ms, bool cleared,
                   const char *error)
{
    struct mmha_out o;
    int k;

    if (a->common.format == MMHA_FORMAT_HUMAN) {
        if (dry_run) {
            printf("would move the writer from %s to %s:\n"
                   "  crm_resource --move -r %s -N %s --promoted\n"
                   "  wait until %s is promoted, holds the writer address "
                   "and answers read_only=0 there,\n"
                   "  and %s replicates from it\n"
                   "  crm_resource --clear -r %s\n",
                   from, to, clone, to, to, from, clone);
            return;
        }
        for (k = 0; k < STEP_N; k++) {
            if (at_ms[k] >= 0) {
                printf("%7.3f s  %s (%s)\n", (double)at_ms[k] / 1000.0,
                       STEP_TEXT[k], to);
            } else {
                printf("   --     NOT REACHED: %s\n", STEP_TEXT[k]);
            }
        }
        printf("%s the writer from %s to %s in %.3f s; move constraint %s\n",
               done == STEP_N ? "moved" : "FAILED to move", from, to,
               (double)total_ms / 1000.0,
               cleared ? "cleared" : "NOT cleared (crm_resource --clear)");
        if (error != NULL) {
            printf("%s\n", error);
        }
        return;
    }
    mmha_out_begin(&o, a->common.format, stdout);
    mmha_out_str(&o, "from", from);
    mmha_out_str(&o, "to", to);
    mmha_out_bool(&o, "dry_run", dry_run);
    if (!dry_run) {
        mmha_out_bool(&o, "ok", done == STEP_N);
        for (k = 0; k < STEP_N; k++) {
            if (at_ms[k] >= 0) {
                mmha_out_int(&o, STEP_NAMES[k], at_ms[k]);
            } else {
                mmha_out_str(&o, STEP_NAMES[k], NULL);
            }
        }
        mmha_out_int(&o, "total_ms", total_ms);
        mmha_out_bool(&o, "constraint_cleared", cleared);
        mmha_out_str(&o, "error", error);
    }
    mmha_out_end(&o);
}

int cmd_switchover(const struct args *a)
{
    struct mmha_deadline d;
    const struct mmha_cl_node *w;
    const struct mmha_cl_node *t;
    int64_t at_ms[STEP_N] = {-1, -1, -1, -1};
    int64_t t0;
    char why[LINE];
    int rc;
    int to_i;
    int done;
    bool cleared;
    struct args first = *a;
    struct view *v;

    /* --timeout bounds the wait for the new writer; the first look at
     * the cluster has the common bound. */
    first.common.timeout_ms = VIEW_TIMEOUT_MS;
    v = view_new(&first, true, &rc);

    if (v == NULL) {
        return rc;
    }
    w = mmha_cl_writer(&v->cl);
    if (w == NULL) {
        mmha_err("no writer now: Pacemaker promotes one itself (see mmha "
                 "status)");
        rc = MMHA_EXIT_TEMPFAIL;
        goto done;
    }
    if (a->node == NULL) {
        to_i = best_target(v, w);
        if (to_i < 0) {
            mmha_err("no node can take the writer role (mmha switchover -v "
                     "says why each is not a candidate)");
            rc = MMHA_EXIT_TEMPFAIL;
            goto done;
        }
    } else {
        t = mmha_cl_node_find(&v->cl, a->node);
        if (t == NULL) {
            mmha_err("%s is not a node of this cluster", a->node);
            rc = MMHA_EXIT_USAGE;
            goto done;
        }
        if (t == w) {
            printf("%s is already the writer: nothing to do\n", t->name);
            rc = MMHA_EXIT_OK;
            goto done;
        }
        to_i = (int)(t - v->cl.node);
        unfit(v, to_i, why, sizeof(why));
        if (why[0] != '\0') {
            mmha_err("refused: %s", why);
            rc = MMHA_EXIT_TEMPFAIL;
            goto done;
        }
    }
    t = &v->cl.node[to_i];
    if (a->dry_run) {
        report(a, v->cl.clone, w->name, t->name, true, 0, at_ms, 0, false,
               NULL);
        rc = MMHA_EXIT_OK;
        goto done;
    }
    mmha_info("moving the writer from %s to %s", w->name, t->name);
    t0 = mmha_now_us();
    rc = crm_move(v, t->name);
    /* --timeout bounds the wait; the two crm_resource calls have their
     * own bound, so that the constraint is always cleared. */
    mmha_deadline_start(&d, a->common.timeout_ms);
    done = 0;
    if (rc == 0) {
        done = wait_steps(v, a, (int)(w - v->cl.node), to_i, &d, t0, at_ms);
    } else {
        mmha_err("crm_resource --move failed (exit %d)", rc);
    }
    cleared = crm_clear(v) == 0;
    report(a, v->cl.clone, w->name, t->name, false, done, at_ms,
           (mmha_now_us() - t0) / 1000, cleared,
           rc != 0         ? "crm_resource --move failed"
           : done < STEP_N ? "timed out (--timeout)"
                           : NULL);
    rc = rc != 0         ? MMHA_EXIT_ERROR
         : done < STEP_N ? MMHA_EXIT_DEADLINE
         : !cleared      ? MMHA_EXIT_ERROR
                         : MMHA_EXIT_OK;

done:
    view_free(v);
    return rc;
}
