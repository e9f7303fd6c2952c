#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Promotion with a real backlog (MASTER_DELAY on the candidate) under each
# catch-up policy, and the pre-promote hook.

load ../lib/agent

ROWS=5
DELAY=10

setup_file() {
    agent_pair writer
    bed_app_sql 1 "CREATE TABLE test.b (id INT AUTO_INCREMENT PRIMARY KEY, tag TEXT)"
    bed_sync 10
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

# backlog TAG: n1 is the writer, n2 applies DELAY s late and holds ROWS
# rows tagged TAG in its relay log only; then n1 is demoted.
backlog() {
    local tag=$1 k
    bed_sql 2 "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = $DELAY; START SLAVE" ||
        return 1
    for k in $(seq 1 "$ROWS"); do
        bed_app_sql 1 "INSERT INTO test.b (tag) VALUES ('$tag $k')" ||
            return 1
    done
    # The events reached n2's relay log, not its tables.
    wait_until 10 "[ \"\$(_bed_slave_field 2 Read_Master_Log_Pos)\" = \"\$(bed_sql 1 'SHOW MASTER STATUS' | cut -f2)\" ]" ||
        return 1
    run_agent 0 1 demote
}

rows() {
    bed_sql 2 "SELECT COUNT(*) FROM test.b WHERE tag LIKE '$1 %'"
}

# back_to_n1: undo the delay, make n1 the writer again.
back_to_n1() {
    bed_sql 2 "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE"
    # What Pacemaker did after n2's promotion: n1 follows n2, so that n2's
    # writes reach it before it is the writer again.
    if [ "$(bed_sql 2 'SELECT @@global.read_only')" = 0 ]; then
        agent_notify 1 post promote n2 || return 1
    fi
    if [ "$(bed_sql 2 'SELECT @@global.read_only')" = 0 ]; then
        run_agent 0 2 demote || return 1
    fi
    run_agent 0 1 promote || return 1
    agent_notify 2 post promote n1 || return 1
    bed_sync 20 || {
        local n
        for n in 1 2; do
            echo "--- n$n" >&2
            _bed_slave_field "$n" Master_Port Slave_IO_Running \
                Slave_SQL_Running Last_IO_Error Last_SQL_Error Gtid_IO_Pos \
                Replicate_Ignore_Domain_Ids SQL_Delay >&2 || true
            bed_sql "$n" "SELECT @@gtid_slave_pos, @@gtid_binlog_pos, @@read_only" >&2 || true
        done
        echo "--- agent log" >&2
        grep -v "lacks read_only" "$(agent_dir)/agent.log" | tail -n 25 | cut -c1-400 >&2
        return 1
    }
}

@test "immediate: writable at once while the backlog keeps applying" {
    local took
    backlog imm
    run_agent 0 2 promote OCF_RESKEY_catchup_policy=immediate
    echo "# immediate promote: ${AGENT_MS} ms" >&3
    assert_equal "$(bed_sql 2 'SELECT @@global.read_only')" 0
    [ "$(rows imm)" -lt "$ROWS" ] || fail "backlog already applied"
    took=$AGENT_MS
    run -0 bed_app_sql 2 "INSERT INTO test.b (tag) VALUES ('new writer')"
    # The backlog keeps applying behind the new writes.
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM test.b WHERE tag LIKE 'imm %'" "$ROWS" $((DELAY + 10))
    run -0 agent_cib writer
    assert_output --partial "node=n2"
    back_to_n1
    # Last, so that a slow run leaves the pair as the next test needs it.
    [ "$took" -le 1500 ] || fail "promote took $took ms"
}

@test "wait: writable only after the relay log is drained" {
    backlog wait
    [ "$(rows wait)" -lt "$ROWS" ] || fail "backlog already applied"
    run_agent 0 2 promote OCF_RESKEY_catchup_policy=wait \
        OCF_RESKEY_catchup_timeout=30
    echo "# wait promote: ${AGENT_MS} ms" >&3
    assert_equal "$(rows wait)" "$ROWS"
    assert_equal "$(bed_sql 2 'SELECT @@global.read_only')" 0
    back_to_n1
}

@test "wait, timeout passes, action fail: promotion refused, still read-only" {
    backlog fail
    run_agent 1 2 promote OCF_RESKEY_catchup_policy=wait \
        OCF_RESKEY_catchup_timeout=1 OCF_RESKEY_catchup_timeout_action=fail
    assert_output --partial "promotion refused: catch-up timed out"
    assert_equal "$(bed_sql 2 'SELECT @@global.read_only')" 1
    [ "$AGENT_MS" -lt 4000 ] || fail "gave up after ${AGENT_MS} ms"
    back_to_n1
}

@test "wait, timeout passes, action promote: writable after the timeout" {
    backlog late
    run_agent 0 2 promote OCF_RESKEY_catchup_policy=wait \
        OCF_RESKEY_catchup_timeout=1 OCF_RESKEY_catchup_timeout_action=promote
    [ "$(rows late)" -lt "$ROWS" ] || fail "backlog already applied"
    assert_equal "$(bed_sql 2 'SELECT @@global.read_only')" 0
    back_to_n1
}

@test "a failing pre-promote hook aborts; hooks see node, role, epoch" {
    local hook=$BATS_FILE_TMPDIR/hook
    cat >"$hook" <<EOF
#!/bin/sh
env | grep ^MMHA_ >"$BATS_FILE_TMPDIR/env.\$1"
exit "\${HOOK_RC:-0}"
EOF
    chmod 0755 "$hook"
    run_agent 0 1 demote
    run_agent 1 2 promote OCF_RESKEY_pre_promote_hook="$hook" HOOK_RC=3
    assert_output --partial "pre_promote_hook failed"
    assert_equal "$(bed_sql 2 'SELECT @@global.read_only')" 1
    run_agent 0 2 promote OCF_RESKEY_pre_promote_hook="$hook" \
        OCF_RESKEY_post_promote_hook="$hook"
    run -0 cat "$BATS_FILE_TMPDIR/env.post-promote"
    assert_line "MMHA_NODE=n2"
    assert_line "MMHA_ROLE=post-promote"
    assert_line "MMHA_EPOCH=$(agent_cib epoch)"
    assert_line --regexp '^MMHA_BINLOG_POS=[0-9]+$'
    back_to_n1
}
