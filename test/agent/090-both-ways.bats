#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Master-master both ways: at promotion the new writer stops receiving; a
# Promoted monitor re-points it to a healthy peer (mmha-peer, no
# mmha-errant), ignoring the peer's own GTID domain.  Writes on the writer
# reach the reader; transactions written on the reader behind the
# writer's back are never pulled, and the reader reports them errant.

load ../lib/agent

setup_file() {
    agent_pair started
    bed_sql 1 "CREATE TABLE test.b (id INT PRIMARY KEY, v TEXT)"
    bed_sync 10
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

attr() {
    crm_attribute -N "n$1" -n "mmha-$2" -l reboot -G -q 2>/dev/null
}

threads() {
    _bed_slave_field "$1" Slave_IO_Running Slave_SQL_Running | paste -sd ' ' -
}

monitor_writer() {
    run_agent 8 "$1" monitor OCF_RESKEY_CRM_meta_interval=5000
}

monitor_reader() {
    run_agent 0 "$1" monitor OCF_RESKEY_CRM_meta_interval=10000
}

rows() {
    bed_sql "$1" "SELECT COUNT(*) FROM test.b WHERE id = $2"
}

# ignored i: the GTID domains server i's replica channel ignores.
ignored() {
    _bed_slave_field "$1" Replicate_Ignore_Domain_Ids
}

@test "promote: the new writer stops receiving, its SQL thread keeps applying" {
    run_agent 0 1 promote
    assert_equal "$(threads 1)" "No Yes"
    assert_equal "$(_bed_slave_field 1 Last_IO_Errno)" 0
}

@test "the notified reader announces itself as a peer of this epoch" {
    agent_notify 2 post promote n1
    run -0 wait_until 10 "agent_replicating 2"
    assert_equal "$(_bed_slave_field 2 Master_Port)" "$(bed_port 1)"
    run -0 attr 2 peer
    assert_output "$(agent_cib epoch)@127.0.0.1:$(bed_port 2)"
    assert_equal "$(attr 2 errant)" ""
}

@test "a Promoted monitor re-points the writer to its peer: both threads Yes" {
    monitor_writer 1
    run -0 wait_until 10 "[ \"\$(threads 1)\" = 'Yes Yes' ]"
    assert_equal "$(_bed_slave_field 1 Master_Port)" "$(bed_port 2)"
    # The peer's own domain (its gtid_domain_id, 2) is ignored.
    assert_equal "$(ignored 1)" 2
    # Healthy: the next monitor keeps it as it is.
    monitor_writer 1
    assert_equal "$(threads 1)" "Yes Yes"
    assert_equal "$(ignored 1)" 2
}

@test "a write on the writer replicates to the reader" {
    run -0 bed_app_sql 1 "INSERT INTO test.b VALUES (1, 'writer')"
    run -0 bed_wait_sql 2 "SELECT v FROM test.b WHERE id = 1" writer 10
    monitor_reader 2
    assert_equal "$(attr 2 errant)" ""
}

@test "switchover: the old writer's errant write before the re-point is never pulled" {
    agent_switchover 1 2
    assert_equal "$(threads 2)" "No Yes"
    run -0 wait_until 10 "agent_replicating 1"
    # n1's channel already pointed at n2, ignoring n2's domain, and dropped
    # n2's first writes as the writer (its heartbeat row) until the
    # notification re-pointed it: the list is cleared, and what was
    # dropped is fetched again (else the next heartbeat UPDATE stops n1's
    # SQL thread on error 1032).
    assert_equal "$(_bed_slave_field 1 Master_Port)" "$(bed_port 2)"
    assert_equal "$(ignored 1)" ""
    run -0 wait_until 5 "bed_sql 1 'SELECT COUNT(*) FROM mmha.heartbeat' | grep -qx \"\$(bed_sql 2 'SELECT COUNT(*) FROM mmha.heartbeat')\""
    # n1, now a reader, takes a write of its own (SUPER, logged): a GTID of
    # its domain that the new writer lacks.
    run -0 bed_sql 1 "INSERT INTO test.b VALUES (2, 'errant')"
    monitor_reader 1
    run -0 attr 1 errant
    assert_output --regexp "^1-1-[0-9]+$"
    assert_equal "$(attr 1 peer)" ""
    # The writer looks for a source: none.
    monitor_writer 2
    monitor_writer 2
    sleep 1
    assert_equal "$(_bed_slave_field 2 Slave_IO_Running)" No
    assert_equal "$(rows 2 2)" 0
    # Writes still flow from the writer to n1.
    run -0 bed_app_sql 2 "INSERT INTO test.b VALUES (3, 'writer2')"
    run -0 bed_wait_sql 1 "SELECT v FROM test.b WHERE id = 3" writer2 10
}

@test "repaired and cleared, the writer replicates from n1 again" {
    local wpos
    run -0 bed_sql 1 "SET sql_log_bin = 0; DELETE FROM test.b WHERE id = 2"
    wpos=$(bed_sql 2 "SELECT @@gtid_binlog_pos")
    run -0 bed_sql 1 "STOP SLAVE; RESET MASTER; SET GLOBAL gtid_binlog_state = '$wpos'; START SLAVE"
    run -0 bed_sql 2 "STOP SLAVE; SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos"
    run -0 crm_attribute -N n1 -n mmha-errant -l reboot -D
    monitor_reader 1
    run -0 attr 1 peer
    assert_output "$(agent_cib epoch)@127.0.0.1:$(bed_port 1)"
    monitor_writer 2
    run -0 wait_until 10 "[ \"\$(threads 2)\" = 'Yes Yes' ]"
    assert_equal "$(_bed_slave_field 2 Master_Port)" "$(bed_port 1)"
    assert_equal "$(ignored 2)" 1
    assert_equal "$(rows 2 2)" 0
}

@test "steady state: a write made directly on the reader is not pulled by the writer" {
    local t0 pulled='' g
    run -0 bed_sql 1 "INSERT INTO test.b VALUES (4, 'direct')"
    g=$(bed_sql 1 "SELECT @@gtid_binlog_pos" | tr ',' '\n' | grep '^1-1-')
    t0=$(_mmha_now_ms)
    if wait_until 3 "[ \"\$(rows 2 4)\" = 1 ]" 2>/dev/null; then
        pulled=$(($(_mmha_now_ms) - t0))
    fi
    [ -z "$pulled" ] || fail "the writer pulled the reader's direct write in $pulled ms"
    # The writer's channel read it and dropped it, and still runs.
    assert_equal "$(threads 2)" "Yes Yes"
    # (n1's binary log keeps moving: it logs the writer's heartbeats.)
    run -0 wait_until 5 "[ \"\$(_bed_slave_field 2 Exec_Master_Log_Pos)\" = \"\$(bed_sql 1 'SHOW MASTER STATUS' | cut -f2)\" ]"
    # The reader reports it: errant, no peer, not readable, no score.
    monitor_reader 1
    run -0 attr 1 errant
    assert_output "$g"
    assert_equal "$(attr 1 peer)" ""
    assert_equal "$(attr 1 readable)" 0
    assert_equal "$(agent_score 1)" ""
    # The writer keeps its channel (it ignores n1's domain) and pulls
    # nothing later either.
    monitor_writer 2
    sleep 0.5
    assert_equal "$(rows 2 4)" 0
    assert_equal "$(ignored 2)" 1
}
