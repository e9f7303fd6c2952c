/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guard's link rule: knet reachability through libcfg (see links.h). */
#include "links.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cmap.h>

#include "log.h"

enum { KEY_LEN = 128, VALUE_LEN = 256 };

/* An integer key of any cmap type (a string of digits too); false if none. */
static bool cmap_uint(cmap_handle_t h, const char *key, uint64_t *out)
{
    union {
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        uint64_t u64;
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        char s[VALUE_LEN];
    } v;
    size_t len = sizeof(v);
    cmap_value_types_t type;
    char *end;

    memset(&v, 0, sizeof(v));
    if (cmap_get(h, key, &v, &len, &type) != CS_OK) {
        return false;
    }
    switch (type) {
    case CMAP_VALUETYPE_UINT8: *out = v.u8; return true;
    case CMAP_VALUETYPE_UINT16: *out = v.u16; return true;
    case CMAP_VALUETYPE_UINT32: *out = v.u32; return true;
    case CMAP_VALUETYPE_UINT64: *out = v.u64; return true;
    case CMAP_VALUETYPE_INT8: *out = v.i8 < 0 ? 0 : (uint64_t)v.i8; return true;
    case CMAP_VALUETYPE_INT16:
        *out = v.i16 < 0 ? 0 : (uint64_t)v.i16;
        return true;
    case CMAP_VALUETYPE_INT32:
        *out = v.i32 < 0 ? 0 : (uint64_t)v.i32;
        return true;
    case CMAP_VALUETYPE_INT64:
        *out = v.i64 < 0 ? 0 : (uint64_t)v.i64;
        return true;
    case CMAP_VALUETYPE_STRING:
        v.s[sizeof(v.s) - 1] = '\0';
        *out = strtoull(v.s, &end, 10);
        return end != v.s && *end == '\0';
    default: return false;
    }
}

static bool cmap_has(cmap_handle_t h, const char *key)
{
    char v[VALUE_LEN];
    size_t len = sizeof(v);
    cmap_value_types_t type;

    /* A value longer than the buffer still says the key exists. */
    return cmap_get(h, key, v, &len, &type) != CS_ERR_NOT_EXIST;
}

/* The string key equals want; an absent key is taken as dflt. */
static bool cmap_is(cmap_handle_t h, const char *key, const char *want,
                    bool dflt)
{
    char *s = NULL;
    bool is;
    cs_error_t rc = cmap_get_string(h, key, &s);

    if (rc == CS_ERR_NOT_EXIST) {
        return dflt;
    }
    if (rc != CS_OK) {
        return false;
    }
    is = strcmp(s, want) == 0;
    free(s);
    return is;
}

static bool cmap_flag(cmap_handle_t h, const char *key)
{
    uint64_t v = 0;

    return cmap_uint(h, key, &v) && v != 0;
}

/*
 * The nodelist into l->nodes; returns how many entries cmap has, up to
 * MMHA_MEMBERS_MAX + 1 (more than the table holds).
 */
static size_t read_nodes(struct guard_links *l, cmap_handle_t h)
{
    char key[KEY_LEN];
    size_t i;

    l->n = 0;
    for (i = 0;; i++) {
        struct mmha_link_node *node = &l->nodes[l->n];
        uint64_t v;

        snprintf(key, sizeof(key), "nodelist.node.%zu.nodeid", i);
        if (!cmap_uint(h, key, &v)) {
            break;
        }
        if (l->n == MMHA_MEMBERS_MAX) {
            return MMHA_MEMBERS_MAX + 1;
        }
        node->nodeid = (uint32_t)v;
        snprintf(key, sizeof(key), "nodelist.node.%zu.quorum_votes", i);
        node->votes = cmap_uint(h, key, &v) ? (uint32_t)v : 1;
        node->reachable = node->nodeid == l->self;
        l->n++;
    }
    return l->n;
}

/* Why the rule cannot apply to this configuration; NULL if it can. */
static const char *rule_off(struct guard_links *l, cmap_handle_t h)
{
    struct mmha_link_config c;
    const char *off;
    uint64_t v;

    memset(&c, 0, sizeof(c));
    c.knet = cmap_is(h, "totem.transport", "knet", true);
    if (c.knet) {
        c.nodes = read_nodes(l, h);
    }
    c.two_node_runtime_set = cmap_uint(h, "runtime.votequorum.two_node", &v);
    c.two_node_runtime = c.two_node_runtime_set && v != 0;
    c.two_node = cmap_flag(h, "quorum.two_node");
    c.last_man_standing = cmap_flag(h, "quorum.last_man_standing");
    c.auto_tie_breaker = cmap_flag(h, "quorum.auto_tie_breaker");
    c.qdevice = cmap_has(h, "quorum.device.model");
    off = mmha_link_rule_off(&c);
    if (off == NULL) {
        l->expected =
            cmap_uint(h, "quorum.expected_votes", &v) ? (uint32_t)v : 0;
    }
    return off;
}

void guard_links_config(struct guard_links *l)
{
    const char *was = l->off;
    cmap_handle_t h;
    cs_error_t rc;

    if (!l->up) {
        return;
    }
    rc = cmap_initialize(&h);
    if (rc != CS_OK) {
        l->off = "no_cmap";
        if (was != l->off) {
            mmha_warn("link rule off: cmap_initialize: error %d", rc);
        }
        return;
    }
    l->off = rule_off(l, h);
    cmap_finalize(h);
    guard_links_reset(l);
    if (l->off == NULL) {
        struct mmha_link_count c;

        mmha_link_count(l->nodes, l->n, l->self, l->expected, &c);
        if (was != NULL) {
            mmha_notice("link rule on: %zu nodes, %" PRIu32
                        " expected votes, read-only below %" PRIu32
                        " reachable",
                        l->n, c.expected_votes, c.needed);
        }
    } else if (was == NULL || strcmp(was, l->off) != 0) {
        mmha_notice("link rule off: %s; acting on corosync's quorum only",
                    l->off);
    }
}

void guard_links_open(struct guard_links *l, uint32_t self)
{
    cs_error_t rc;

    memset(l, 0, sizeof(*l));
    l->self = self;
    l->off = "not_connected";
    rc = corosync_cfg_initialize(&l->cfg, NULL);
    if (rc != CS_OK) {
        mmha_warn("link rule off: corosync_cfg_initialize: error %d", rc);
        return;
    }
    l->up = true;
    guard_links_config(l);
}

void guard_links_close(struct guard_links *l)
{
    if (l->up) {
        corosync_cfg_finalize(l->cfg);
        l->up = false;
    }
    l->off = "not_connected";
    guard_links_reset(l);
}

void guard_links_reset(struct guard_links *l)
{
    l->polled = false;
    l->minority_since_us = 0;
    memset(&l->count, 0, sizeof(l->count));
}

void guard_links_poll(struct guard_links *l, int64_t now_us)
{
    struct corosync_cfg_node_status_v1 st;
    size_t i;

    if (!l->up || l->off != NULL) {
        return;
    }
    for (i = 0; i < l->n; i++) {
        struct mmha_link_node *node = &l->nodes[i];
        bool reach;
        cs_error_t rc;

        if (node->nodeid == l->self) {
            continue;
        }
        memset(&st, 0, sizeof(st));
        rc = corosync_cfg_node_status_get(l->cfg, node->nodeid,
                                          CFG_NODE_STATUS_V1, &st);
        if (rc == CS_ERR_TRY_AGAIN) {
            if (!l->polled) {
                return; /* no state yet to stand for this node */
            }
            continue; /* the last state stands */
        }
        if (rc != CS_OK) {
            /* Corosync itself going away is the CPG side's to notice. */
            mmha_warn("link rule off: corosync_cfg_node_status_get(%" PRIu32
                      "): error %d",
                      node->nodeid, rc);
            guard_links_close(l);
            l->off = "node_status_failed";
            return;
        }
        reach = st.reachable != 0;
        if (l->polled && reach != node->reachable) {
            node->reachable = reach;
            mmha_link_count(l->nodes, l->n, l->self, l->expected, &l->count);
            mmha_notice("node %" PRIu32 " %s over knet: %" PRIu32 " of %" PRIu32
                        " votes reachable, %" PRIu32 " needed",
                        node->nodeid, reach ? "reachable" : "unreachable",
                        l->count.reachable_votes, l->count.expected_votes,
                        l->count.needed);
        }
        node->reachable = reach;
    }
    mmha_link_count(l->nodes, l->n, l->self, l->expected, &l->count);
    l->polled = true;
    if (!l->count.minority) {
        l->minority_since_us = 0;
    } else if (l->minority_since_us == 0) {
        l->minority_since_us = now_us;
    }
}

bool guard_links_minority(const struct guard_links *l, int64_t now_us,
                          int64_t grace_us)
{
    return l->off == NULL && l->polled && l->count.minority &&
           l->minority_since_us != 0 &&
           now_us - l->minority_since_us >= grace_us;
}
