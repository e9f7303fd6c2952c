/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the guard's member table, message and decision. */
#include <stdint.h>
#include <string.h>

#include "membership.h"
#include "unit.h"

static struct mmha_members table;

/* Three daemons with the same pid on nodes 1..3, this one is node 1. */
static void three_members(void)
{
    static const uint32_t nodes[] = {1, 2, 3};
    static const uint32_t pids[] = {42, 42, 42};

    memset(&table, 0, sizeof(table));
    mmha_members_set(&table, nodes, pids, 3);
}

static void say(uint32_t nodeid, uint64_t epoch, enum mmha_tri w)
{
    struct mmha_guard_msg msg = {.epoch = epoch, .writable = w};

    mmha_members_heard(&table, nodeid, 42, &msg);
}

static struct mmha_guard_decision decide(enum mmha_quorum q, enum mmha_tri w,
                                         uint64_t epoch)
{
    struct mmha_guard_input in = {.quorum = q,
                                  .writable = w,
                                  .epoch = epoch,
                                  .nodeid = 1,
                                  .pid = 42,
                                  .members = &table};
    struct mmha_guard_decision d;

    mmha_guard_decide(&in, &d);
    return d;
}

static void test_table(void)
{
    static const uint32_t nodes[] = {1, 3};
    static const uint32_t pids[] = {42, 42};
    static const uint32_t many[MMHA_MEMBERS_MAX + 1];
    struct mmha_guard_msg msg = {.epoch = 7, .writable = MMHA_TRI_YES};

    three_members();
    CHECK(table.n == 3, "three members");
    CHECK(mmha_members_find(&table, 2, 42) != NULL, "found by nodeid+pid");
    CHECK(mmha_members_find(&table, 2, 43) == NULL, "pid is part of the key");
    CHECK(!mmha_members_find(&table, 2, 42)->heard, "new member not heard");
    CHECK(mmha_members_heard(&table, 3, 42, &msg), "message recorded");
    CHECK(!mmha_members_heard(&table, 4, 42, &msg), "non-member ignored");
    mmha_members_set(&table, nodes, pids, 2);
    CHECK(table.n == 2, "node 2 left");
    CHECK(mmha_members_find(&table, 2, 42) == NULL, "left member dropped");
    CHECK(mmha_members_find(&table, 3, 42)->heard &&
              mmha_members_find(&table, 3, 42)->epoch == 7,
          "staying member keeps what it said");
    CHECK(!mmha_members_set(&table, many, many, MMHA_MEMBERS_MAX + 1),
          "too many members refused");
    CHECK(table.n == 2, "refused list leaves the table alone");
}

static void test_msg(void)
{
    struct mmha_guard_msg in = {.epoch = 0x0102030405060708ull,
                                .writable = MMHA_TRI_YES};
    struct mmha_guard_msg out;
    uint8_t buf[MMHA_GUARD_MSG_LEN];

    mmha_guard_msg_encode(&in, buf);
    CHECK(buf[0] == 'M' && buf[3] == 'G', "magic first, big-endian");
    CHECK(buf[8] == 1 && buf[15] == 8, "epoch big-endian");
    CHECK(mmha_guard_msg_decode(buf, sizeof(buf), &out), "decodes");
    CHECK(out.epoch == in.epoch && out.writable == MMHA_TRI_YES, "roundtrip");
    CHECK(!mmha_guard_msg_decode(buf, sizeof(buf) - 1, &out), "short refused");
    buf[0] = 'X';
    CHECK(!mmha_guard_msg_decode(buf, sizeof(buf), &out), "magic checked");
    mmha_guard_msg_encode(&in, buf);
    buf[4] = 9;
    CHECK(!mmha_guard_msg_decode(buf, sizeof(buf), &out), "version checked");
    mmha_guard_msg_encode(&in, buf);
    buf[5] = 7;
    CHECK(!mmha_guard_msg_decode(buf, sizeof(buf), &out), "state checked");
}

static void test_quorum(void)
{
    struct mmha_guard_decision d;

    three_members();
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, 5);
    CHECK(d.action == MMHA_GUARD_NONE && d.reason == MMHA_REASON_OK,
          "quorate lone writer stays");
    d = decide(MMHA_QUORUM_UNKNOWN, MMHA_TRI_YES, 5);
    CHECK(d.action == MMHA_GUARD_NONE && d.reason == MMHA_REASON_QUORUM_WAIT,
          "no quorum news yet: wait");
    d = decide(MMHA_QUORUM_INQUORATE, MMHA_TRI_YES, 5);
    CHECK(d.action == MMHA_GUARD_READ_ONLY && d.reason == MMHA_REASON_INQUORATE,
          "inquorate writer goes read-only");
    d = decide(MMHA_QUORUM_INQUORATE, MMHA_TRI_UNKNOWN, 5);
    CHECK(d.action == MMHA_GUARD_READ_ONLY, "inquorate, state unknown: act");
    d = decide(MMHA_QUORUM_INQUORATE, MMHA_TRI_NO, 5);
    CHECK(d.action == MMHA_GUARD_NONE && d.reason == MMHA_REASON_NOT_WRITABLE,
          "inquorate reader: nothing to do");
    d = decide(MMHA_QUORUM_LOST, MMHA_TRI_YES, 5);
    CHECK(d.action == MMHA_GUARD_READ_ONLY &&
              d.reason == MMHA_REASON_NO_COROSYNC,
          "corosync lost: read-only");
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_UNKNOWN, 5);
    CHECK(d.action == MMHA_GUARD_NONE, "quorate, state unknown: wait");
}

static void test_rivals(void)
{
    struct mmha_guard_decision d;

    three_members();
    say(1, 5, MMHA_TRI_YES); /* our own message comes back too */
    say(2, 0, MMHA_TRI_NO);
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, 5);
    CHECK(!d.alarm && d.action == MMHA_GUARD_NONE, "own message is no rival");

    say(3, 6, MMHA_TRI_YES);
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, 5);
    CHECK(d.alarm && d.action == MMHA_GUARD_READ_ONLY &&
              d.reason == MMHA_REASON_RIVAL_NEWER && d.rival->nodeid == 3,
          "newer rival: yield");

    say(3, 4, MMHA_TRI_YES);
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, 5);
    CHECK(d.alarm && d.action == MMHA_GUARD_NONE &&
              d.reason == MMHA_REASON_RIVAL_OLDER,
          "older rival: alarm, stay");

    say(3, 5, MMHA_TRI_YES);
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, 5);
    CHECK(d.alarm && d.action == MMHA_GUARD_NONE &&
              d.reason == MMHA_REASON_RIVAL_SAME,
          "same epoch: alarm only");

    say(2, 9, MMHA_TRI_YES);
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, 5);
    CHECK(d.action == MMHA_GUARD_READ_ONLY && d.rival->nodeid == 2,
          "the newest of two rivals decides");

    say(2, 9, MMHA_TRI_NO);
    say(3, 9, MMHA_TRI_UNKNOWN);
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, 5);
    CHECK(!d.alarm && d.action == MMHA_GUARD_NONE,
          "readers and unknowns are no rivals");

    say(3, 9, MMHA_TRI_YES);
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_NO, 5);
    CHECK(d.action == MMHA_GUARD_NONE, "a reader never acts on rivals");

    d = decide(MMHA_QUORUM_INQUORATE, MMHA_TRI_YES, 50);
    CHECK(d.action == MMHA_GUARD_READ_ONLY &&
              d.reason == MMHA_REASON_INQUORATE && d.alarm,
          "cut off beats a higher own epoch");
}

static void test_same_pid_other_node(void)
{
    static const uint32_t nodes[] = {1, 2};
    static const uint32_t pids[] = {42, 42};
    struct mmha_guard_decision d;

    memset(&table, 0, sizeof(table));
    mmha_members_set(&table, nodes, pids, 2);
    say(2, 8, MMHA_TRI_YES);
    d = decide(MMHA_QUORUM_QUORATE, MMHA_TRI_YES, 1);
    CHECK(d.alarm && d.rival->nodeid == 2,
          "same pid on another node is another member");
}

static void test_names(void)
{
    CHECK_STR(mmha_guard_reason_name(MMHA_REASON_INQUORATE), "inquorate",
              "reason name");
    CHECK_STR(mmha_quorum_name(MMHA_QUORUM_LOST), "lost", "quorum name");
    CHECK_STR(mmha_tri_name(MMHA_TRI_YES), "yes", "tri name");
}

int main(void)
{
    test_table();
    test_msg();
    test_quorum();
    test_rivals();
    test_same_pid_other_node();
    test_names();
    return unit_done();
}
