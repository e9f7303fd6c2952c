/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guard's member table, state message and decision (no I/O). */
#include "membership.h"

#include <string.h>

/* "MMHG": a message of another program in our group is ignored. */
static const uint32_t MSG_MAGIC = 0x4d4d4847u;
static const uint8_t MSG_VERSION = 1;

struct mmha_member *mmha_members_find(struct mmha_members *t, uint32_t nodeid,
                                      uint32_t pid)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        if (t->m[i].nodeid == nodeid && t->m[i].pid == pid) {
            return &t->m[i];
        }
    }
    return NULL;
}

bool mmha_members_set(struct mmha_members *t, const uint32_t *nodeids,
                      const uint32_t *pids, size_t n)
{
    struct mmha_members next;
    size_t i;

    if (n > MMHA_MEMBERS_MAX) {
        return false;
    }
    memset(&next, 0, sizeof(next));
    for (i = 0; i < n; i++) {
        const struct mmha_member *old =
            mmha_members_find(t, nodeids[i], pids[i]);

        if (old != NULL) {
            next.m[i] = *old;
        } else {
            next.m[i].nodeid = nodeids[i];
            next.m[i].pid = pids[i];
            next.m[i].writable = MMHA_TRI_UNKNOWN;
        }
    }
    next.n = n;
    *t = next;
    return true;
}

bool mmha_members_heard(struct mmha_members *t, uint32_t nodeid, uint32_t pid,
                        const struct mmha_guard_msg *msg)
{
    struct mmha_member *m = mmha_members_find(t, nodeid, pid);

    if (m == NULL) {
        return false;
    }
    m->epoch = msg->epoch;
    m->writable = msg->writable;
    m->heard = true;
    return true;
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
    int i;

    for (i = bytes - 1; i >= 0; i--) {
        p[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < bytes; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* magic(4) version(1) writable(1) reserved(2) epoch(8) */
void mmha_guard_msg_encode(const struct mmha_guard_msg *msg, uint8_t *buf)
{
    memset(buf, 0, MMHA_GUARD_MSG_LEN);
    put_be(buf, MSG_MAGIC, 4);
    buf[4] = MSG_VERSION;
    buf[5] = (uint8_t)msg->writable;
    put_be(buf + 8, msg->epoch, 8);
}

bool mmha_guard_msg_decode(const void *buf, size_t len,
                           struct mmha_guard_msg *msg)
{
    const uint8_t *p = buf;

    if (len != MMHA_GUARD_MSG_LEN || get_be(p, 4) != MSG_MAGIC ||
        p[4] != MSG_VERSION || p[5] > MMHA_TRI_YES) {
        return false;
    }
    msg->writable = (enum mmha_tri)p[5];
    msg->epoch = get_be(p + 8, 8);
    return true;
}

static void rivals(const struct mmha_guard_input *in,
                   struct mmha_guard_decision *out)
{
    size_t i;

    if (in->members == NULL) {
        return;
    }
    for (i = 0; i < in->members->n; i++) {
        const struct mmha_member *m = &in->members->m[i];

        if ((m->nodeid == in->nodeid && m->pid == in->pid) || !m->heard ||
            m->writable != MMHA_TRI_YES) {
            continue;
        }
        out->alarm = true;
        /* The newest rival decides: one newer writer is enough to yield. */
        if (out->rival == NULL || m->epoch > out->rival->epoch) {
            out->rival = m;
        }
    }
    if (out->rival == NULL) {
        return;
    }
    if (out->rival->epoch > in->epoch) {
        out->action = MMHA_GUARD_READ_ONLY;
        out->reason = MMHA_REASON_RIVAL_NEWER;
    } else if (out->rival->epoch == in->epoch) {
        out->reason = MMHA_REASON_RIVAL_SAME;
    } else {
        out->reason = MMHA_REASON_RIVAL_OLDER;
    }
}

const char *mmha_link_rule_off(const struct mmha_link_config *c)
{
    /* Corosync 3 runs knet when the transport is not configured. */
    if (!c->knet) {
        return "transport_not_knet";
    }
    if (c->nodes > MMHA_MEMBERS_MAX) {
        return "too_many_nodes";
    }
    if (c->nodes == 0) {
        return "no_nodelist";
    }
    /* The runtime flag: votequorum clears two_node past two nodes. */
    if (c->two_node_runtime_set ? c->two_node_runtime : c->two_node) {
        return "two_node";
    }
    if (c->last_man_standing) {
        return "last_man_standing";
    }
    if (c->auto_tie_breaker) {
        return "auto_tie_breaker";
    }
    if (c->qdevice) {
        return "qdevice";
    }
    return NULL;
}

void mmha_link_count(const struct mmha_link_node *nodes, size_t n,
                     uint32_t self, uint32_t expected,
                     struct mmha_link_count *out)
{
    uint64_t all = 0;
    uint64_t reach = 0;
    bool self_seen = false;
    size_t i;

    for (i = 0; i < n; i++) {
        all += nodes[i].votes;
        if (nodes[i].nodeid == self) {
            self_seen = true;
            reach += nodes[i].votes;
        } else if (nodes[i].reachable) {
            reach += nodes[i].votes;
        }
    }
    if (!self_seen) {
        reach++;
        all++;
    }
    if (expected == 0) {
        expected = all > UINT32_MAX ? UINT32_MAX : (uint32_t)all;
    }
    out->reachable_votes = reach > UINT32_MAX ? UINT32_MAX : (uint32_t)reach;
    out->expected_votes = expected;
    out->needed = expected / 2 + 1;
    out->minority = out->reachable_votes < out->needed;
}

void mmha_guard_decide(const struct mmha_guard_input *in,
                       struct mmha_guard_decision *out)
{
    memset(out, 0, sizeof(*out));
    out->action = MMHA_GUARD_NONE;
    out->reason = MMHA_REASON_NOT_WRITABLE;
    if (in->writable == MMHA_TRI_NO) {
        return;
    }
    /*
     * Cut off: act even when the state is unknown (MySQL did not answer
     * yet); making a read-only server read-only again costs nothing.
     */
    if (in->quorum == MMHA_QUORUM_INQUORATE || in->quorum == MMHA_QUORUM_LOST ||
        (in->quorum == MMHA_QUORUM_QUORATE && in->links_minority)) {
        rivals(in, out); /* for the alarm; the cut-off reason wins */
        out->action = MMHA_GUARD_READ_ONLY;
        out->reason = in->quorum == MMHA_QUORUM_LOST ? MMHA_REASON_NO_COROSYNC
                      : in->quorum == MMHA_QUORUM_INQUORATE
                          ? MMHA_REASON_INQUORATE
                          : MMHA_REASON_LINKS_DOWN;
        return;
    }
    if (in->writable != MMHA_TRI_YES) {
        return;
    }
    out->reason = in->quorum == MMHA_QUORUM_UNKNOWN ? MMHA_REASON_QUORUM_WAIT
                                                    : MMHA_REASON_OK;
    rivals(in, out);
}

const char *mmha_guard_reason_name(enum mmha_guard_reason r)
{
    switch (r) {
    case MMHA_REASON_NOT_WRITABLE: return "not_writable";
    case MMHA_REASON_OK: return "ok";
    case MMHA_REASON_QUORUM_WAIT: return "quorum_unknown";
    case MMHA_REASON_INQUORATE: return "inquorate";
    case MMHA_REASON_NO_COROSYNC: return "corosync_lost";
    case MMHA_REASON_RIVAL_NEWER: return "rival_newer_epoch";
    case MMHA_REASON_RIVAL_SAME: return "rival_same_epoch";
    case MMHA_REASON_RIVAL_OLDER: return "rival_older_epoch";
    case MMHA_REASON_LINKS_DOWN: return "majority_unreachable";
    }
    return "unknown";
}

const char *mmha_quorum_name(enum mmha_quorum q)
{
    switch (q) {
    case MMHA_QUORUM_UNKNOWN: return "unknown";
    case MMHA_QUORUM_QUORATE: return "quorate";
    case MMHA_QUORUM_INQUORATE: return "inquorate";
    case MMHA_QUORUM_LOST: return "lost";
    }
    return "unknown";
}

const char *mmha_tri_name(enum mmha_tri t)
{
    switch (t) {
    case MMHA_TRI_UNKNOWN: return "unknown";
    case MMHA_TRI_NO: return "no";
    case MMHA_TRI_YES: return "yes";
    }
    return "unknown";
}
