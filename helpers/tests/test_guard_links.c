/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the guard's link rule: the vote count against a majority
 * (mmha_link_count), when the rule is off and why (mmha_link_rule_off),
 * and what the decision does with the verdict.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "membership.h"
#include "unit.h"

enum { SELF = 1 };

static struct mmha_link_node nodes[MMHA_MEMBERS_MAX];
static size_t n_nodes;

/* Nodes 1..n, one vote each, none reached but this one (node SELF). */
static void cluster(size_t n)
{
    size_t i;

    memset(nodes, 0, sizeof(nodes));
    for (i = 0; i < n; i++) {
        nodes[i].nodeid = (uint32_t)(i + 1);
        nodes[i].votes = 1;
        nodes[i].reachable = nodes[i].nodeid == SELF;
    }
    n_nodes = n;
}

static struct mmha_link_node *node(uint32_t nodeid)
{
    return &nodes[nodeid - 1];
}

static struct mmha_link_count count(uint32_t expected)
{
    struct mmha_link_count c;

    memset(&c, 0xff, sizeof(c)); /* every field must be written */
    mmha_link_count(nodes, n_nodes, SELF, expected, &c);
    return c;
}

/* The count is (reachable, expected, needed) and minority is as said. */
static bool is(struct mmha_link_count c, uint32_t reachable, uint32_t expected,
               uint32_t needed, bool minority)
{
    return c.reachable_votes == reachable && c.expected_votes == expected &&
           c.needed == needed && c.minority == minority;
}

static void test_count_equal_votes(void)
{
    cluster(3);
    CHECK(is(count(0), 1, 3, 2, true), "3 nodes, none reached: minority");
    node(2)->reachable = true;
    CHECK(is(count(0), 2, 3, 2, false), "3 nodes, one reached: majority");
    node(3)->reachable = true;
    CHECK(is(count(0), 3, 3, 2, false), "3 nodes, all reached: majority");

    cluster(4);
    node(2)->reachable = true;
    CHECK(is(count(0), 2, 4, 3, true), "4 nodes, exactly half: minority");
    node(3)->reachable = true;
    CHECK(is(count(0), 3, 4, 3, false), "4 nodes, 3 reached: majority");

    cluster(5);
    node(4)->reachable = true;
    CHECK(is(count(0), 2, 5, 3, true), "5 nodes, one short: minority");
    node(5)->reachable = true;
    CHECK(is(count(0), 3, 5, 3, false), "5 nodes, 3 reached: majority");

    cluster(2);
    CHECK(is(count(0), 1, 2, 2, true), "2 nodes, alone: half is a minority");
    node(2)->reachable = true;
    CHECK(is(count(0), 2, 2, 2, false), "2 nodes, both: majority");

    cluster(1);
    CHECK(is(count(0), 1, 1, 1, false), "a one-node cluster is a majority");
}

static void test_count_self(void)
{
    cluster(3);
    node(SELF)->reachable = false; /* as knet would never say of itself */
    CHECK(is(count(0), 1, 3, 2, true), "own votes count, reachable or not");
    node(SELF)->votes = 2;
    CHECK(is(count(0), 2, 4, 3, true), "own votes count as configured");

    /* This node missing from the nodelist: one vote of its own. */
    cluster(3);
    nodes[0].nodeid = 7;
    nodes[0].reachable = false;
    CHECK(is(count(0), 1, 4, 3, true), "self not in the list: 1 of 4 votes");
    node(2)->reachable = true;
    node(3)->reachable = true;
    CHECK(is(count(0), 3, 4, 3, false),
          "self not in the list: 3 of 4 is a majority");

    n_nodes = 0;
    CHECK(is(count(0), 1, 1, 1, false), "empty list: this node alone");
}

static void test_count_unequal_votes(void)
{
    /* Node 3 holds 3 votes: 1 + 1 + 3 = 5, majority 3. */
    cluster(3);
    node(3)->votes = 3;
    node(2)->reachable = true;
    CHECK(is(count(0), 2, 5, 3, true),
          "two of three nodes, but not the heavy one: minority");
    node(2)->reachable = false;
    node(3)->reachable = true;
    CHECK(is(count(0), 4, 5, 3, false), "the heavy node alone: majority");

    /* This node is the heavy one: it is a majority alone. */
    cluster(3);
    node(SELF)->votes = 3;
    CHECK(is(count(0), 3, 5, 3, false), "heavy self alone: majority");

    /* Node 3 has no vote: 1 + 1 + 0 = 2, majority 2. */
    cluster(3);
    node(3)->votes = 0;
    node(3)->reachable = true;
    CHECK(is(count(0), 1, 2, 2, true), "reaching a 0-vote node adds nothing");
    node(2)->reachable = true;
    node(3)->reachable = false;
    CHECK(is(count(0), 2, 2, 2, false), "losing a 0-vote node costs nothing");

    /* This node has no vote of its own. */
    cluster(3);
    node(SELF)->votes = 0;
    node(2)->reachable = true;
    CHECK(is(count(0), 1, 2, 2, true), "0-vote self adds nothing");
    node(3)->reachable = true;
    CHECK(is(count(0), 2, 2, 2, false), "0-vote self reaching both voters");
}

static void test_count_expected(void)
{
    /* quorum.expected_votes over the nodelist's sum. */
    cluster(3);
    node(2)->reachable = true;
    node(3)->reachable = true;
    CHECK(is(count(5), 3, 5, 3, false), "expected 5, 3 reached: majority");
    CHECK(is(count(6), 3, 6, 4, true), "expected 6, exactly half: minority");
    CHECK(is(count(7), 3, 7, 4, true), "expected 7, one short: minority");
    node(3)->reachable = false;
    CHECK(is(count(4), 2, 4, 3, true), "expected 4, 2 reached: minority");

    /* Below the sum: the configured value is taken as it is. */
    cluster(5);
    node(2)->reachable = true;
    CHECK(is(count(3), 2, 3, 2, false), "expected 3 of 5 nodes: 2 is enough");
    CHECK(is(count(0), 2, 5, 3, true), "not set: the sum of the votes");
    CHECK(is(count(1), 2, 1, 1, false), "expected 1: this node alone");

    /* Votes that overflow 32 bits saturate rather than wrap. */
    cluster(2);
    node(SELF)->votes = UINT32_MAX;
    node(2)->votes = UINT32_MAX;
    CHECK(is(count(0), UINT32_MAX, UINT32_MAX, UINT32_MAX / 2 + 1, false),
          "vote sums saturate at UINT32_MAX");
}

/* A configuration the rule applies to: knet, three nodes, no options. */
static struct mmha_link_config plain(void)
{
    struct mmha_link_config c;

    memset(&c, 0, sizeof(c));
    c.knet = true;
    c.nodes = 3;
    return c;
}

static void test_rule_off(void)
{
    struct mmha_link_config c = plain();

    CHECK(mmha_link_rule_off(&c) == NULL, "knet, 3 nodes, no options: on");
    c.nodes = 1;
    CHECK(mmha_link_rule_off(&c) == NULL, "one node: on");
    c.nodes = MMHA_MEMBERS_MAX;
    CHECK(mmha_link_rule_off(&c) == NULL, "a full table: on");
    c.nodes = MMHA_MEMBERS_MAX + 1;
    CHECK_STR(mmha_link_rule_off(&c), "too_many_nodes", "more than the table");
    c.nodes = 0;
    CHECK_STR(mmha_link_rule_off(&c), "no_nodelist", "no nodelist");

    c = plain();
    c.knet = false;
    CHECK_STR(mmha_link_rule_off(&c), "transport_not_knet", "udpu or udp");

    c = plain();
    c.two_node = true;
    CHECK_STR(mmha_link_rule_off(&c), "two_node", "quorum.two_node: 1");
    c.two_node_runtime_set = true;
    c.two_node_runtime = true;
    CHECK_STR(mmha_link_rule_off(&c), "two_node", "runtime two_node: 1");
    c.two_node_runtime = false;
    CHECK(mmha_link_rule_off(&c) == NULL,
          "two_node cleared at runtime (past two nodes): on");
    c.two_node = false;
    c.two_node_runtime = true;
    CHECK_STR(mmha_link_rule_off(&c), "two_node",
              "the runtime flag wins over the configured one");

    c = plain();
    c.last_man_standing = true;
    CHECK_STR(mmha_link_rule_off(&c), "last_man_standing", "last_man_standing");

    c = plain();
    c.auto_tie_breaker = true;
    CHECK_STR(mmha_link_rule_off(&c), "auto_tie_breaker", "auto_tie_breaker");

    c = plain();
    c.qdevice = true;
    CHECK_STR(mmha_link_rule_off(&c), "qdevice", "quorum.device");
}

static void test_rule_off_order(void)
{
    struct mmha_link_config c;

    /* Everything at once: the first reason in the documented order. */
    memset(&c, 0, sizeof(c));
    c.nodes = 0;
    c.two_node = true;
    c.last_man_standing = true;
    c.auto_tie_breaker = true;
    c.qdevice = true;
    CHECK_STR(mmha_link_rule_off(&c), "transport_not_knet", "transport first");
    c.knet = true;
    CHECK_STR(mmha_link_rule_off(&c), "no_nodelist", "then the nodelist");
    c.nodes = 2;
    CHECK_STR(mmha_link_rule_off(&c), "two_node", "then two_node");
    c.two_node = false;
    CHECK_STR(mmha_link_rule_off(&c), "last_man_standing",
              "then last_man_standing");
    c.last_man_standing = false;
    CHECK_STR(mmha_link_rule_off(&c), "auto_tie_breaker",
              "then auto_tie_breaker");
    c.auto_tie_breaker = false;
    CHECK_STR(mmha_link_rule_off(&c), "qdevice", "then qdevice");
    c.qdevice = false;
    CHECK(mmha_link_rule_off(&c) == NULL, "then on");
}

static struct mmha_guard_decision decide(enum mmha_quorum q, enum mmha_tri w,
                                         bool links_minority)
{
    struct mmha_guard_input in = {.quorum = q,
                                  .writable = w,
                                  .epoch = 5,
                                  .nodeid = SELF,
                                  .pid = 42,
                                  .members = NULL,
                                  .links_minority = links_minority};
    struct mmha_guard_decision d;

    mmha_guard_decide(&in, &d);
    return d;
}

static void test_decide_links(void)
{
    struct mmha_guard_decision d;

    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, true);
    CHECK(d.action == MMHA_GUARD_READ_ONLY &&
              d.reason == MMHA_REASON_LINKS_DOWN,
          "quorate writer reaching a minority: read-only");
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_UNKNOWN, true);
    CHECK(d.action == MMHA_GUARD_READ_ONLY &&
              d.reason == MMHA_REASON_LINKS_DOWN,
          "state unknown, minority: act");
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_NO, true);
    CHECK(d.action == MMHA_GUARD_NONE && d.reason == MMHA_REASON_NOT_WRITABLE,
          "a reader reaching a minority: nothing to do");
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, false);
    CHECK(d.action == MMHA_GUARD_NONE && d.reason == MMHA_REASON_OK,
          "writer reaching a majority: stays");
    d = decide(MMHA_QUORUM_INQUORATE, MMHA_TRI_YES, true);
    CHECK(d.reason == MMHA_REASON_INQUORATE, "inquorate wins over the links");
    d = decide(MMHA_QUORUM_LOST, MMHA_TRI_YES, true);
    CHECK(d.reason == MMHA_REASON_NO_COROSYNC,
          "corosync lost wins over the links");
    d = decide(MMHA_QUORUM_UNKNOWN, MMHA_TRI_YES, true);
    CHECK(d.action == MMHA_GUARD_NONE && d.reason == MMHA_REASON_QUORUM_WAIT,
          "no quorum news: the link verdict waits too");
    CHECK_STR(mmha_guard_reason_name(MMHA_REASON_LINKS_DOWN),
              "majority_unreachable", "reason name");
}

int main(void)
{
    test_count_equal_votes();
    test_count_self();
    test_count_unequal_votes();
    test_count_expected();
    test_rule_off();
    test_rule_off_order();
    test_decide_links();
    return unit_done();
}
