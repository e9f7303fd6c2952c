/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha offline NODE / mmha online NODE: MMM's set_offline / set_online.
 * An offline node keeps its server running and replicating, but holds no
 * reader address and is never promoted: the permanent node attribute
 * <prefix>-offline=1, which the location rules of crm-examples/ honour.
 * The writer is not taken offline (switch over first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"

#include "mmha.h"

enum {
    POLL_MS = 250,
    ATTR_TIMEOUT_MS = 15000,
};

static int set_attribute(const struct view *v, const char *node, bool on)
{
    char name[sizeof(v->cl.prefix) + 16];
    struct mmha_deadline d;
    const char *set_argv[] = {
        "crm_attribute", "-N", node, "-n", name, "-v", "1", "-l",
        "forever",       NULL};
    const char *del_argv[] = {
        "crm_attribute", "-N", node, "-n", name, "-D", "-l",
        "forever",       "-q", NULL};

    snprintf(name, sizeof(name), "%s-offline", v->cl.prefix);
    mmha_deadline_start(&d, ATTR_TIMEOUT_MS);
    return run_quiet(on ? set_argv : del_argv, &d);
}

static int reader_vips(const struct view *v, const char *node)
{
    int n = 0;
    int i;

    for (i = 0; i < v->cl.nvips; i++) {
        n += !v->cl.vip[i].writer && strcmp(v->cl.vip[i].node, node) == 0;
    }
    return n;
}

/* Pacemaker has applied the change: crm_resource --wait (no action
 * pending), bounded by the deadline. */
static void wait_idle(const struct mmha_deadline *d)
{
    char timeout[32];
    const char *argv[] = {"crm_resource", "--wait", timeout, NULL};
    int64_t left = mmha_deadline_left_ms(d);

    snprintf(timeout, sizeof(timeout), "--timeout=%llds",
             (long long)(left > 1000 ? left / 1000 : 1));
    run_quiet(argv, d);
}

/* Until the node shows the attribute (and, offline, holds no reader
 * address) once nothing is pending: milliseconds taken, -1 past the
 * deadline. */
static int64_t wait_applied(const struct args *a, const char *node, bool on)
{
    struct mmha_deadline d;
    struct view *v = calloc(1, sizeof(*v));
    int64_t t0 = mmha_now_us();
    int64_t took = -1;

    if (v == NULL) {
        return -1;
    }
    mmha_deadline_start(&d, a->common.timeout_ms);
    while (!mmha_deadline_passed(&d)) {
        char err[MSG_MAX];
        const struct mmha_cl_node *n;

        wait_idle(&d);
        if (view_read(v, a, &d, false, err, sizeof(err)) == MMHA_EXIT_OK &&
            (n = mmha_cl_node_find(&v->cl, node)) != NULL && n->offline == on &&
            (!on || reader_vips(v, node) == 0)) {
            took = (mmha_now_us() - t0) / 1000;
            break;
        }
        mmha_deadline_sleep_ms(&d, POLL_MS);
    }
    view_free(v);
    return took;
}

int cmd_offline(const struct args *a, bool offline)
{
    const struct mmha_cl_node *n;
    struct mmha_out o;
    int64_t took;
    int rc;
    struct view *v = view_new(a, false, &rc);

    if (v == NULL) {
        return rc;
    }
    n = mmha_cl_node_find(&v->cl, a->node);
    if (n == NULL) {
        mmha_err("%s is not a node of this cluster", a->node);
        rc = MMHA_EXIT_USAGE;
        goto done;
    }
    if (offline && n->role == MMHA_CL_PROMOTED) {
        mmha_err("refused: %s is the writer: switch over first (mmha "
                 "switchover), then take it offline",
                 n->name);
        rc = MMHA_EXIT_TEMPFAIL;
        goto done;
    }
    if (offline && v->cl.offline_rules == 0) {
        mmha_warn("no location rule in the CIB uses %s-offline: the node "
                  "keeps its reader addresses and may be promoted (add the "
                  "rules of crm-examples/README.md, \"mmha offline\")",
                  v->cl.prefix);
    }
    if (n->offline != offline) {
        rc = set_attribute(v, n->name, offline);
        if (rc != 0) {
            mmha_err("crm_attribute failed (exit %d)", rc);
            rc = MMHA_EXIT_ERROR;
            goto done;
        }
    }
    took = wait_applied(a, n->name, offline);
    if (a->common.format == MMHA_FORMAT_HUMAN) {
        if (took < 0) {
            printf("%s marked %s, but not applied within --timeout%s\n",
                   n->name, offline ? "offline" : "online",
                   offline ? " (it still holds a reader address)" : "");
        } else {
            printf("%s is %s (%.3f s)%s\n", n->name,
                   offline ? "offline: no reader address, never promoted"
                           : "online again",
                   (double)took / 1000.0,
                   offline ? "" : "; it takes reader addresses once readable");
        }
    } else {
        mmha_out_begin(&o, a->common.format, stdout);
        mmha_out_str(&o, "node", n->name);
        mmha_out_bool(&o, "offline", offline);
        mmha_out_bool(&o, "applied", took >= 0);
        mmha_out_int(&o, "took_ms", took);
        mmha_out_end(&o);
    }
    rc = took < 0 ? MMHA_EXIT_DEADLINE : MMHA_EXIT_OK;

done:
    view_free(v);
    return rc;
}
