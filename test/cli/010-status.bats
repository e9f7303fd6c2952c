#!/usr/bin/env bats
# mmha status and mmha history on the 3-node bed, each asserted against
# what the servers and Pacemaker say: right after start-up, after a
# switchover, with a lagging reader, with a broken reader, with a node
# down. One cluster for the file.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 3)
load ../lib/cluster-suite
load cli

@test "status after start-up: human, json and shell say what the servers say" {
    local w
    _mm_load
    w=$(mm_writer)
    cli_assert_status_true 1
    [ "$(js .quorate)" = true ]
    [ "$(js .epoch)" -ge 1 ]
    [ "$(jnode node3 candidate)" = false ]
    # From a reader's node the same.
    cli_assert_status_true 2
    run -0 mmha_on 1 status
    assert_line "writer: node$w"
    assert_line --regexp "^node$w +writer +0 "
    assert_line --partial "vip-writer $(mm_vip writer) on node$w"
    # No colour when the output is not a terminal.
    refute_output --partial $'\033'
    run -0 mmha_on 3 status --format shell
    assert_line "WRITER=node$w"
    assert_line "NODES_3_NAME=node3"
    assert_line "NODES_3_CANDIDATE=0"
    run -0 mmha_on 1 history --format json
    [ "$(js '.history[-1].event')" = promote ]
    [ "$(js '.history[-1].node')" = "node$w" ]
}

@test "status and history after a switchover" {
    local old new
    _mm_load
    old=$(mm_writer)
    new=$(mm_other "$old")
    [ "$new" = 3 ] && new=$(mm_other "$new")
    mm_switchover "$new"
    mm_wait_reader "$old" 60
    cli_assert_status_true 3
    [ "$(jnode "node$old" source)" = "node$new" ]
    [ "$(jnode "node$new" role)" = writer ]
    [ "$(jnode "node$old" role)" = reader ]
    run -0 mmha_on 1 history -n 2
    assert_line --regexp "demote +node$old "
    assert_line --regexp "promote +node$new "
    # A header and exactly the two records asked for.
    [ "${#lines[@]}" = 3 ]
}

# The lagging reader's delay, undone whatever happened.
teardown() {
    mm_bg_stop_all
    mm_sql 3 "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE" \
        >/dev/null 2>&1 || true
}

@test "status with a lagging reader: not readable, its lag shown" {
    _mm_load
    mm_sql 3 "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=10; START SLAVE"
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE IF NOT EXISTS test.lagt (id INT PRIMARY KEY AUTO_INCREMENT)"
    mm_app_sql "$(mm_vip writer)" "INSERT INTO test.lagt VALUES ()"
    wait_until 40 "[ \"\$(mm_attr 3 mmha-readable)\" = 0 ]"
    run -0 mmha_on 1 status --format json
    [ "$(jnode node3 readable)" = false ]
    [ "$(jnode node3 lag_ms)" -ge 1000 ]
    jnode node3 problem | grep -q 'not readable'
    [ "$(jnode node3 vips)" = "" ] || wait_until 20 \
        "mmha_on 1 status --format json | jq -e '.nodes[2].vips == \"\"' >/dev/null"
    cli_assert_status_true 1
    mm_sql 3 "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE"
    wait_until 60 "[ \"\$(mm_attr 3 mmha-readable)\" = 1 ]"
    run -0 mmha_on 1 status --format json
    [ "$(jnode node3 problem)" = null ]
}

@test "status with a broken reader: the replication error, not readable" {
    local w
    _mm_load
    w=$(mm_writer)
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE test.conflict (id INT PRIMARY KEY)"
    wait_until 10 "mm_sql 3 'SELECT 1 FROM test.conflict' >/dev/null 2>&1"
    mm_sql 3 "SET sql_log_bin=0; INSERT INTO test.conflict VALUES (1)"
    mm_app_sql "$(mm_vip writer)" "INSERT INTO test.conflict VALUES (1)"
    wait_until 20 "[ \"\$(mm_slave_field 3 Slave_SQL_Running)\" = No ]"
    run -0 mmha_on "$w" status --format json
    [ "$(jnode node3 sql_thread)" = no ]
    [ "$(jnode node3 last_sql_errno)" = 1062 ]
    jnode node3 problem | grep -q 'SQL error 1062'
    run -0 mmha_on "$w" status
    assert_line --regexp '^node3: .*SQL .*1062'
    # The repair of test/cluster/070-broken-reader.bats.
    mm_sql 3 "STOP SLAVE; SET sql_log_bin=0; DELETE FROM test.conflict WHERE id=1; START SLAVE"
    cluster_exec "$w" crm_resource --cleanup -r ms-mysql >/dev/null
    mm_wait_reader 3 60
    wait_until 60 "[ \"\$(mm_attr 3 mmha-readable)\" = 1 ]"
    cli_assert_status_true "$w"
}

@test "status with a node down: shown lost, the others still right" {
    _mm_load
    cluster_fence_hold on
    cluster_crash 3
    wait_until 30 "mmha_on 1 status --format json | jq -e '.nodes[] | select(.name == \"node3\") | .online == false' >/dev/null"
    run -0 mmha_on 1 status --format json
    [ "$(jnode node3 reachable)" = false ]
    jnode node3 role | grep -qE '^(unclean|down)$'
    cli_assert_status_true 1
    run -0 mmha_on 2 status
    assert_line --regexp '^node3 +(unclean|down) '
    cluster_fence_hold off
}
