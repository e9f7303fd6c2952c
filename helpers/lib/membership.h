/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard's decisions, without corosync or MySQL: the CPG member table
 * (keyed on nodeid and pid: every node's daemon may have the same pid in
 * its own PID namespace), the state message members exchange, and the one
 * function that says whether this node's server must go read-only.
 *
 * The guard only ever takes writes away: no input makes it set a server
 * writable.
 */
#ifndef MMHA_MEMBERSHIP_H
#define MMHA_MEMBERSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { MMHA_MEMBERS_MAX = 128, MMHA_GUARD_MSG_LEN = 16 };

/* Is the server writable (read_only=0)? UNKNOWN: no answer yet. */
enum mmha_tri {
    MMHA_TRI_UNKNOWN,
    MMHA_TRI_NO,
    MMHA_TRI_YES,
};

/* What corosync says about this node's partition. */
enum mmha_quorum {
    MMHA_QUORUM_UNKNOWN,   /* connected, no notification yet */
    MMHA_QUORUM_QUORATE,   /* in the primary component */
    MMHA_QUORUM_INQUORATE, /* cut off from the majority */
    MMHA_QUORUM_LOST,      /* no connection to corosync at all */
};

struct mmha_member {
    uint32_t nodeid;
    uint32_t pid;
    uint64_t epoch;
    enum mmha_tri writable;
    bool heard; /* a state message arrived since it joined */
};

struct mmha_members {
    size_t n;
    struct mmha_member m[MMHA_MEMBERS_MAX];
};

/* What a member says about itself in its CPG message. */
struct mmha_guard_msg {
    uint64_t epoch;
    enum mmha_tri writable;
};

enum mmha_guard_action {
    MMHA_GUARD_NONE,
    MMHA_GUARD_READ_ONLY,
};

enum mmha_guard_reason {
    MMHA_REASON_NOT_WRITABLE, /* nothing to guard */
    MMHA_REASON_OK,           /* writable and alone, quorate */
    MMHA_REASON_QUORUM_WAIT,  /* no quorum notification yet */
    MMHA_REASON_INQUORATE,    /* left the primary component */
    MMHA_REASON_NO_COROSYNC,  /* lost corosync: the others see us gone */
    MMHA_REASON_RIVAL_NEWER,  /* another writer has a higher epoch */
    MMHA_REASON_RIVAL_SAME,   /* another writer, same epoch: alarm only */
    MMHA_REASON_RIVAL_OLDER,  /* another writer, lower epoch: it yields */
    MMHA_REASON_LINKS_DOWN,   /* quorate still, but the majority is out of
                                 reach over knet: inquorate soon */
};

struct mmha_guard_input {
    enum mmha_quorum quorum;
    enum mmha_tri writable; /* this node's server */
    uint64_t epoch;         /* this node's writer epoch */
    uint32_t nodeid;        /* this daemon's identity in the group */
    uint32_t pid;
    const struct mmha_members *members; /* may include this daemon */
    /*
     * The link rule's verdict: the nodes this one still reaches over knet
     * hold less than a majority of the votes (for longer than the grace).
     * Corosync reports the same as inquorate a consensus timeout later.
     */
    bool links_minority;
};

struct mmha_guard_decision {
    enum mmha_guard_action action;
    enum mmha_guard_reason reason;
    bool alarm;                      /* two members claim writable */
    const struct mmha_member *rival; /* the other writer, if any */
};

/* One configured node as the link rule sees it. */
struct mmha_link_node {
    uint32_t nodeid;
    uint32_t votes; /* quorum_votes, 1 unless configured */
    bool reachable; /* knet: some link to it is up (this node: always) */
};

struct mmha_link_count {
    uint32_t reachable_votes; /* this node's and those it reaches */
    uint32_t expected_votes;  /* configured, else the sum of all votes */
    uint32_t needed;          /* a majority of expected_votes */
    bool minority;            /* reachable_votes < needed */
};

/*
 * What the link rule depends on in corosync's configuration (cmap), as
 * plain values: the guard reads them, mmha_link_rule_off judges them.
 */
struct mmha_link_config {
    bool knet;                 /* totem.transport is knet (or not set) */
    size_t nodes;              /* nodelist entries; > MMHA_MEMBERS_MAX: more */
    bool two_node_runtime_set; /* runtime.votequorum.two_node exists ... */
    bool two_node_runtime;     /* ... and is not 0 (cleared past 2 nodes) */
    bool two_node;             /* quorum.two_node, when the above is not set */
    bool last_man_standing;
    bool auto_tie_breaker;
    bool qdevice; /* quorum.device.model exists */
};

/*
 * Why the link rule cannot count a majority the way votequorum does with
 * this configuration (the LINK_RULE reason: transport_not_knet,
 * too_many_nodes, no_nodelist, two_node, last_man_standing,
 * auto_tie_breaker, qdevice, the first that applies in that order);
 * NULL when the rule applies.
 */
const char *mmha_link_rule_off(const struct mmha_link_config *c);

/*
 * Count the votes this node (self) still reaches. expected is
 * quorum.expected_votes when configured, 0 for the sum of the nodes' votes.
 * This node counts as reachable whether or not it is in nodes.
 */
void mmha_link_count(const struct mmha_link_node *nodes, size_t n,
                     uint32_t self, uint32_t expected,
                     struct mmha_link_count *out);

/*
 * Replace the table's membership with the CPG member list (nodeids and
 * pids, n entries): members that stay keep what they said, new ones are
 * not yet heard, members that left are dropped. False if n is too large.
 */
bool mmha_members_set(struct mmha_members *t, const uint32_t *nodeids,
                      const uint32_t *pids, size_t n);

/* Record a member's message; false when (nodeid, pid) is not a member. */
bool mmha_members_heard(struct mmha_members *t, uint32_t nodeid, uint32_t pid,
                        const struct mmha_guard_msg *msg);

struct mmha_member *mmha_members_find(struct mmha_members *t, uint32_t nodeid,
                                      uint32_t pid);

/* The message in network byte order; buf holds MMHA_GUARD_MSG_LEN bytes. */
void mmha_guard_msg_encode(const struct mmha_guard_msg *msg, uint8_t *buf);

/* False for a message of another length, magic or version. */
bool mmha_guard_msg_decode(const void *buf, size_t len,
                           struct mmha_guard_msg *msg);

/*
 * The decision. Read-only when the server is (or may be) writable and
 * this node is inquorate, has lost corosync or (quorate still) reaches only
 * a minority over its links, or when another member
 * claims writable with a higher epoch. Two writers raise the alarm
 * whatever the epochs; with equal epochs neither yields (Pacemaker
 * decides which one is the writer).
 */
void mmha_guard_decide(const struct mmha_guard_input *in,
                       struct mmha_guard_decision *out);

const char *mmha_guard_reason_name(enum mmha_guard_reason r);
const char *mmha_quorum_name(enum mmha_quorum q);
const char *mmha_tri_name(enum mmha_tri t);

#endif
