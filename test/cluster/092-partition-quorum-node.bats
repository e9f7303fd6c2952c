#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The partition of the writer on the layout many users run: two masters
# and a third node that runs only corosync and Pacemaker (no MySQL),
# fencing off, mmha-guard on both masters.  The cut-off writer takes a
# few local writes before its guard makes it read-only; after the heal
# those writes must be reported as errant - attribute, no promotion score,
# not readable, a history record - and stay reported over the monitors
# that follow (one writer of mmha-readable: the agent).

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(--quorum-node --fencing off)
load ../lib/cluster-suite

@test "quorum-only node: the cut-off writer's local writes are reported errant and kept out" {
    mm_guard_ensure
    mm_partition_scenario 20
    echo "# fencing off, quorum node: $PART_OVERLAPS" >&3
    mm_partition_assert_errant
    # The promotion waited no blind grace: the old writer's node had left
    # the membership, and its guard's bound had passed by then.
    local promoted
    promoted=$(grep -h 'promoted, epoch' \
        "$(_cluster_ndir "$PART_NEW")/log-pacemaker/pacemaker.log" | tail -n 1)
    echo "# node$PART_NEW: ${promoted##*mysql-mm}" >&3
    [[ "$promoted" == *"left the membership"* ]] ||
        fail "node$PART_NEW's promotion: no grace decision from the membership: $promoted"
    [ "$PART_CUTOFF_ACKS" -gt 0 ] ||
        skip "the cut-off writer acknowledged no local write: nothing errant to report"
    local old=$PART_OLD new=$PART_NEW errant expect
    # The helper's own answer, from the old writer against the new one.
    expect=$(cluster_exec "$old" mmha-binlog errant \
        --reference "node$new:3306" --defaults-file /etc/mysql/mmha.cnf \
        --format shell | sed -n 's/^ERRANT=//p')
    [ -n "$expect" ] || fail "mmha-binlog errant finds nothing on node$old"
    wait_until 30 "[ -n \"\$(mm_attr $old mmha-errant)\" ]" ||
        fail "node$old: no mmha-errant attribute (expected $expect)"
    errant=$(mm_attr "$old" mmha-errant)
    [ "$errant" = "$expect" ] ||
        fail "node$old: mmha-errant '$errant', mmha-binlog errant '$expect'"
    mm_history | grep -q "^errant node=node$old " ||
        fail "no errant record in the history: $(mm_history)"
    # Several monitors later (Unpromoted monitor every 2 s) it still holds.
    local k
    for k in 1 2 3 4; do
        [ "$(mm_attr "$old" mmha-readable)" = 0 ] ||
            fail "node$old readable after $k checks: $(mm_attr "$old" mmha-readable)"
        [ -z "$(mm_attr "$old" master-mysql)" ] ||
            fail "node$old has a promotion score: $(mm_attr "$old" master-mysql)"
        sleep 2
    done
    [ "$(mm_attr "$old" mmha-errant)" = "$expect" ]
    # Kept out: the new writer still lacks them, and serves writes.
    mm_check_replication 5
}
