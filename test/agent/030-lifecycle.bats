#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mysql-mm against two real mariadbd servers (master-master, GTID), run
# the way Pacemaker runs it, outside a cluster (file CIB).  The tests run
# in order and share the pair: ocf-tester, then start, promote, notify,
# switchover, failure detection and stop.

load ../lib/agent

setup_file() {
    agent_pair
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

read_only() {
    bed_sql "$1" "SELECT @@global.read_only"
}

@test "ocf-tester: the whole OCF sequence passes on n1" {
    run -0 agent_ocf_tester 1
    assert_output --partial "passed all tests"
    refute_output --partial "* rc="
}

@test "start: both servers come up read-only and replicating" {
    run_agent 0 1 start
    run_agent 0 2 start
    assert_equal "$(read_only 1)" 1
    assert_equal "$(read_only 2)" 1
    # replica_net_timeout (default 4 s): a silent source is left, not waited on.
    assert_equal "$(bed_sql 1 "SELECT @@slave_net_timeout")" 4
    assert_equal "$(bed_sql 2 "SELECT @@slave_net_timeout")" 4
    run -1 bed_app_sql 1 "CREATE TABLE test.nope (id INT)"
    assert_output --partial "read-only"
    run -0 wait_until 10 "agent_replicating 1 && agent_replicating 2"
    run_agent 0 1 monitor
    run_agent 0 2 monitor
    [ -n "$(agent_score 1)" ] || fail "n1 has no promotion score"
    [ "$(agent_score 1)" -lt 1000 ] || fail "a reader scores like a writer"
}

@test "start and stop are idempotent; monitor tells stopped from running" {
    run_agent 0 2 start
    run_agent 0 2 stop
    run_agent 7 2 monitor
    run_agent 7 2 monitor OCF_RESKEY_CRM_meta_interval=0
    assert_equal "$(agent_score 2)" ""
    run_agent 0 2 stop
    run_agent 0 2 start
    run_agent 0 2 monitor
}

@test "promote: n1 becomes the writer, beats, and is recorded" {
    local before
    before=$(agent_cib epoch)
    run_agent 0 1 promote
    agent_notify 2 post promote n1
    run_agent 8 1 monitor
    assert_equal "$(read_only 1)" 0
    assert_equal "$(agent_score 1)" 1000
    assert_equal "$(agent_cib epoch)" "$((${before:-0} + 1))"
    run -0 agent_cib writer
    assert_output --partial "node=n1 epoch=$((${before:-0} + 1)) addr=$(bed_host 1):$(bed_port 1)"
    run -0 agent_cib history
    assert_output --partial "promote node=n1"
    # The heartbeat row of n1 moves.
    run -0 wait_until 10 "[ -n \"\$(bed_sql 2 'SELECT 1 FROM mmha.heartbeat LIMIT 1' 2>/dev/null)\" ]"
    # Promoting a writer again changes nothing.
    run_agent 0 1 promote
}

@test "the writer takes writes, the reader refuses them and replicates them" {
    run -0 bed_app_sql 1 "CREATE TABLE test.t (id INT AUTO_INCREMENT PRIMARY KEY, v TEXT)"
    run -0 bed_app_sql 1 "INSERT INTO test.t (v) VALUES ('on n1')"
    run -0 bed_wait_sql 2 "SELECT v FROM test.t" "on n1" 10
    run -1 bed_app_sql 2 "INSERT INTO test.t (v) VALUES ('on n2')"
    assert_output --partial "read-only"
    run_agent 0 2 monitor
}

@test "switchover n1 -> n2: master-master is kept both ways" {
    run -0 agent_switchover 1 2
    assert_equal "$(read_only 1)" 1
    assert_equal "$(read_only 2)" 0
    run_agent 0 1 monitor
    run_agent 8 2 monitor
    run -0 agent_replicating 1
    run -0 bed_app_sql 2 "INSERT INTO test.t (v) VALUES ('on n2')"
    run -0 bed_wait_sql 1 "SELECT COUNT(*) FROM test.t WHERE v = 'on n2'" 1 10
    run -0 agent_cib history
    assert_output --regexp "promote node=n1.*demote node=n1.*promote node=n2"
    run -0 agent_cib writer
    assert_output --partial "node=n2"
}

@test "and back n2 -> n1, epochs keep rising" {
    local e
    e=$(agent_cib epoch)
    run -0 agent_switchover 2 1
    assert_equal "$(agent_cib epoch)" "$((e + 1))"
    run -0 bed_app_sql 1 "INSERT INTO test.t (v) VALUES ('on n1 again')"
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM test.t WHERE v = 'on n1 again'" 1 10
    run_agent 0 2 monitor
}

@test "a writer whose heartbeat does not commit is restarted once, then failed" {
    local locker log
    log=$(agent_dir)/agent.log
    # A write lock on the heartbeat table from another session: the
    # writer's heartbeat UPDATEs wait; nothing else looks wrong.
    bed_sql 1 "LOCK TABLES mmha.heartbeat WRITE; SELECT SLEEP(20)" \
        >/dev/null 2>&1 &
    locker=$!
    sleep 2.3
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=1000
    run -0 grep -c "restarting the heartbeat" "$log"
    # The restarted heartbeat gets 2 s to write before it is judged.
    sleep 3
    run_agent 9 1 monitor OCF_RESKEY_CRM_meta_interval=1000
    assert_output --partial "the writer's writes do not commit"
    wait "$locker" || true
    # Lock gone: the row moves again and the writer is healthy.
    run -0 wait_until 10 "[ \"\$(bed_sql 1 'SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) < 1000000 FROM mmha.heartbeat WHERE server_id = @@server_id')\" = 1 ]"
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=1000
}

@test "a reader whose replication is stopped is failed, not a healthy Unpromoted" {
    run -0 bed_sql 2 "STOP SLAVE"
    run_agent 1 2 monitor
    assert_output --partial "reader not replicating"
    run -0 bed_sql 2 "START SLAVE"
    run -0 wait_until 10 "agent_replicating 2"
    run_agent 0 2 monitor
}

@test "a reader's replication resumes after the agent restarts it" {
    run_agent 0 2 stop
    run -0 bed_app_sql 1 "INSERT INTO test.t (v) VALUES ('while n2 was down')"
    run_agent 0 2 start
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM test.t WHERE v = 'while n2 was down'" 1 10
    run_agent 0 2 monitor
}

@test "a killed mysqld is reported as not running" {
    local pid
    pid=$(agent_mysqld_pid 2)
    kill -KILL "$pid"
    run -0 wait_until 10 "! kill -0 $pid 2>/dev/null"
    run_agent 7 2 monitor
    run_agent 0 2 stop
    run_agent 0 2 start
    run_agent 0 2 monitor
}

@test "demote then stop the writer; nothing stays behind" {
    run_agent 0 1 demote
    run_agent 0 1 monitor
    run_agent 0 1 stop
    run_agent 7 1 monitor
    run -1 pgrep -f "mmha-lag beat .*$(bed_cnf 1)"
}
