#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A promotion after a clean demotion takes the old writer's last
# transactions even when the new writer's IO thread was stopped (an
# operator's STOP SLAVE IO_THREAD): they were acknowledged to clients and
# must not stay behind on the old writer.  The fetch is bounded: an old
# writer that went away after its demotion costs the promotion ~1 s.

load ../lib/agent

setup_file() {
    agent_pair writer
    bed_app_sql 1 "CREATE TABLE test.tail (id INT PRIMARY KEY)"
    bed_sync 10
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

# io i: server i's IO thread state (Yes, No, Connecting).
io() {
    _bed_slave_field "$1" Slave_IO_Running
}

# log_mark / log_since: the agents' log lines written after the mark.
log_mark() {
    MARK=$(wc -l <"$(agent_dir)/agent.log")
}
log_since() {
    tail -n "+$((MARK + 1))" "$(agent_dir)/agent.log"
}

@test "a reader whose IO thread was stopped gets the demoted writer's last rows at promotion" {
    bed_sql 2 "STOP SLAVE IO_THREAD"
    run -0 wait_until 10 "[ \"\$(io 2)\" = No ]"
    bed_app_sql 1 "INSERT INTO test.tail VALUES (1), (2), (3)"
    sleep 0.5
    assert_equal "$(bed_sql 2 "SELECT COUNT(*) FROM test.tail")" 0
    run_agent 0 1 demote
    log_mark
    run_agent 0 2 promote
    # The relay log keeps applying; the rows are all there.
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM test.tail" 3 10
    run -0 log_since
    assert_output --partial "started the stopped IO thread for n1's final"
    # Receiving from the old writer stopped again once its tail was in.
    assert_equal "$(io 2)" No
    assert_equal "$(bed_sql 2 "SELECT @@global.read_only")" 0
}

@test "the old writer follows the new one, and a write there reaches it" {
    agent_notify 1 post promote n2
    run -0 bed_app_sql 2 "INSERT INTO test.tail VALUES (4)"
    run -0 bed_wait_sql 1 "SELECT COUNT(*) FROM test.tail" 4 10
}

@test "an old writer gone after its demotion holds the promotion ~1 s, no more" {
    bed_sql 1 "STOP SLAVE IO_THREAD"
    run -0 wait_until 10 "[ \"\$(io 1)\" = No ]"
    # A row n1 has not received: it stays on n2, which is gone.
    bed_app_sql 2 "INSERT INTO test.tail VALUES (5)"
    run_agent 0 2 demote
    run_agent 0 2 stop
    log_mark
    run_agent 0 1 promote
    echo "# promote took ${AGENT_MS} ms" >&3
    [ "$AGENT_MS" -lt 6000 ] || fail "promote took ${AGENT_MS} ms"
    run -0 log_since
    assert_output --partial "not its final"
    assert_equal "$(bed_sql 1 "SELECT @@global.read_only")" 0
    run -0 bed_app_sql 1 "INSERT INTO test.tail VALUES (6)"
    assert_equal "$(bed_sql 1 "SELECT COUNT(*) FROM test.tail WHERE id IN (4, 6)")" 2
}

@test "after a clean demotion, a candidate whose source refuses its position (1236) is refused: the old writer takes the role back, nothing lost" {
    local spos
    run_agent 0 2 start
    run -0 wait_until 10 "[ \"\$(_bed_slave_field 2 Master_Port)\" = $(bed_port 1) ]"
    # n2 diverged: a replica position n1's binary log does not hold (as a
    # reader repaired by hand, or failed on 1236, would have it).
    spos=$(bed_diverge 2 5) || fail "n2 not refused by n1"
    # Acknowledged on n1 before its (planned) demotion.
    run -0 bed_app_sql 1 "INSERT INTO test.tail VALUES (7)"
    run_agent 0 1 demote
    log_mark
    run_agent 1 2 promote
    assert_equal "$(bed_sql 2 "SELECT @@global.read_only")" 1
    run -0 log_since
    assert_output --partial "promotion refused: its source refuses this server's position (error 1236)"
    # The old writer is promoted again: the row is there, writes go on.
    run_agent 0 1 promote
    assert_equal "$(bed_sql 1 "SELECT @@global.read_only")" 0
    assert_equal "$(bed_sql 1 "SELECT COUNT(*) FROM test.tail WHERE id = 7")" 1
    run -0 bed_app_sql 1 "INSERT INTO test.tail VALUES (8)"
    run -0 bed_sql 2 "STOP SLAVE; SET GLOBAL gtid_slave_pos = '$spos'; START SLAVE"
}
