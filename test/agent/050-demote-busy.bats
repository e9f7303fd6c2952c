#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Demoting a busy writer: a 60 s UPDATE in flight must not hold the
# demotion past its deadline, and must not leave half a write behind.

load ../lib/agent

setup_file() {
    agent_pair writer
    bed_app_sql 1 "CREATE TABLE test.busy (id INT PRIMARY KEY, v INT);
        INSERT INTO test.busy VALUES (1, 0), (2, 0), (3, 0)"
    bed_sync 10
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

teardown() {
    if [ -n "${UPDATE_PID:-}" ]; then
        kill "$UPDATE_PID" 2>/dev/null || true
    fi
}

update_running() {
    [ "$(bed_sql 1 "SELECT COUNT(*) FROM information_schema.PROCESSLIST
        WHERE INFO LIKE 'UPDATE test.busy%'")" = 1 ]
}

@test "demote with a 60 s UPDATE in flight finishes within its deadline" {
    bed_app_sql 1 "UPDATE test.busy SET v = v + 1 WHERE SLEEP(60) = 0" \
        >"$BATS_TEST_TMPDIR/update.out" 2>&1 3>&- &
    UPDATE_PID=$!
    run -0 wait_until 10 update_running
    sleep 1
    # A 20 s operation: the helper gets 18 s; it needs far less.
    run_agent 0 1 demote OCF_RESKEY_CRM_meta_timeout=20000
    echo "# demote took ${AGENT_MS} ms" >&3
    [ "$AGENT_MS" -lt 5000 ] || fail "demote took ${AGENT_MS} ms"
    assert_equal "$(bed_sql 1 "SELECT @@global.read_only")" 1
    # The UPDATE was killed, not committed: no row changed anywhere.
    run -0 wait_until 10 "! kill -0 $UPDATE_PID 2>/dev/null"
    run -0 cat "$BATS_TEST_TMPDIR/update.out"
    assert_output --partial "ERROR"
    assert_equal "$(bed_sql 1 "SELECT SUM(v) FROM test.busy")" 0
    assert_equal "$(bed_sql 2 "SELECT SUM(v) FROM test.busy")" 0
    run -0 agent_cib history
    assert_output --partial "demote node=n1"
}

@test "after the busy demotion n2 takes over and n1 follows it" {
    run_agent 0 2 promote
    agent_notify 1 post promote n2
    run -0 bed_app_sql 2 "UPDATE test.busy SET v = 7 WHERE id = 1"
    run -0 bed_wait_sql 1 "SELECT v FROM test.busy WHERE id = 1" 7 10
    run_agent 0 1 monitor
    run_agent 8 2 monitor
}
