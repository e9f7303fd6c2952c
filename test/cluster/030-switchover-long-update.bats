#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 3, switchover while a 60 s UPDATE runs on the writer: demotion
# ends the blocker (mmha-readonly kills what blocks read_only=1 after
# demote_kill_after) and finishes within the demote deadline, far from the
# 60 s the stock agent waits; the write gap is measured.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

@test "switchover with a 60 s UPDATE running: done within the demote deadline" {
    local old new t0 took gap
    old=$(mm_writer)
    new=$(mm_other "$old")
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE test.slow (id INT PRIMARY KEY,
        v INT) ENGINE=InnoDB; INSERT INTO test.slow VALUES (1, 0), (2, 0)"
    mm_client_start long
    mm_long_update_start "$(mm_vip writer)" "UPDATE test.slow SET v = v + 1 WHERE SLEEP(60) = 0"
    wait_until 10 "mm_sql $old \"SELECT COUNT(*) FROM information_schema.PROCESSLIST
        WHERE INFO LIKE 'UPDATE test.slow%'\" | grep -qx 1"
    t0=$(_mmha_now_ms)
    mm_switchover "$new"
    mm_ack_writes_on long "$new" 10
    took=$(mm_elapsed_ms "$t0")
    echo "# switchover with the UPDATE running: done in $took ms" >&3
    # The demote timeout in the example is 30 s.
    [ "$took" -lt 30000 ] || fail "switchover took $took ms"
    sleep 1
    run -0 mm_client_stop long
    echo "# client: $output" >&3
    gap=$(mm_gap_ms long)
    echo "# write gap ${gap} ms" >&3
    run -0 mm_client_lost long "$new"
    assert_output ""
    run -0 mm_sql "$old" "SELECT @@global.read_only"
    assert_output 1
    mm_check_replication 5
}
