/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard's link rule: how much of the cluster this node still reaches
 * over knet (libcfg's node status), ahead of corosync's membership change.
 * The configured nodes and quorum options come from cmap.
 */
#ifndef MMHA_GUARD_LINKS_H
#define MMHA_GUARD_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <corosync/cfg.h>

#include "membership.h"

struct guard_links {
    corosync_cfg_handle_t cfg;
    bool up;           /* libcfg connection open */
    const char *off;   /* NULL: the rule applies; else why not */
    uint32_t self;     /* this node's id */
    uint32_t expected; /* quorum.expected_votes, 0: sum of the votes */
    size_t n;
    struct mmha_link_node nodes[MMHA_MEMBERS_MAX];
    bool polled;                  /* count holds the last poll */
    struct mmha_link_count count; /* ... its result */
    int64_t minority_since_us;    /* first poll that found a minority */
};

/*
 * Connect to libcfg and read the configuration (guard_links_config).
 * Never fails: without libcfg the rule is off and the reason logged.
 */
void guard_links_open(struct guard_links *l, uint32_t self);

void guard_links_close(struct guard_links *l);

/*
 * Read the nodelist and the quorum options again from cmap and say
 * whether the rule applies (two_node, last_man_standing,
 * auto_tie_breaker, a qdevice or another transport than knet turn it off).
 * Logs when that changes.
 */
void guard_links_config(struct guard_links *l);

/*
 * Ask corosync about every configured node; logs each node that became
 * (un)reachable. A call that corosync asks to retry leaves the last state
 * (the first poll after a reset waits for a full one).
 */
void guard_links_poll(struct guard_links *l, int64_t now_us);

/* Not polling (server read-only, not quorate): forget the last poll. */
void guard_links_reset(struct guard_links *l);

/* A minority was found and has lasted grace_us. */
bool guard_links_minority(const struct guard_links *l, int64_t now_us,
                          int64_t grace_us);

#endif
