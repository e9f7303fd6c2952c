#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A broken reader (SQL thread stopped on an error, errant transactions)
# loses its promotion score and is reported; once repaired it gets it back.
# Errant transactions are never merged into the writer.

load ../lib/agent

setup_file() {
    agent_pair writer
    bed_app_sql 1 "CREATE TABLE test.k (id INT PRIMARY KEY, v TEXT)"
    bed_sync 10
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

sql_errno() {
    _bed_slave_field "$1" Last_SQL_Errno
}

@test "a healthy reader has a promotion score" {
    run_agent 0 2 monitor
    [ -n "$(agent_score 2)" ] || fail "no score"
}

@test "a reader whose SQL thread stopped on an error: failed, no score" {
    # A row that only the reader has, then the same key from the writer.
    run -0 bed_sql 2 "SET sql_log_bin = 0; INSERT INTO test.k VALUES (100, 'local')"
    run -0 bed_app_sql 1 "INSERT INTO test.k VALUES (100, 'writer')"
    run -0 wait_until 10 "[ \"\$(sql_errno 2)\" = 1062 ]"
    run_agent 1 2 monitor
    assert_output --partial "SQL thread stopped with error 1062"
    assert_equal "$(agent_score 2)" ""
}

@test "repaired, it replicates again and gets its score back" {
    run -0 bed_sql 2 "SET sql_log_bin = 0; DELETE FROM test.k WHERE id = 100; START SLAVE"
    run -0 bed_wait_sql 2 "SELECT v FROM test.k WHERE id = 100" writer 10
    run_agent 0 2 monitor
    [ -n "$(agent_score 2)" ] || fail "no score after repair"
}

attr() {
    crm_attribute -N "n$1" -n "mmha-$2" -l reboot -G -q 2>/dev/null
}

@test "errant transactions on a reader: reported, unreadable, no score, not merged" {
    # n1 (the writer) receives nothing from n2; n2 logs a write of its own:
    # n2 now holds a transaction the writer does not have (as an old
    # writer cut off from the cluster would).
    run -0 bed_sql 1 "STOP SLAVE"
    run -0 bed_sql 2 "INSERT INTO test.k VALUES (200, 'errant')"
    gtid=$(bed_sql 2 "SELECT @@gtid_binlog_pos")
    run_agent 0 2 monitor
    assert_equal "$(agent_score 2)" ""
    assert_equal "$(attr 2 readable)" 0
    assert_equal "$(attr 2 peer)" ""
    # The set, as crm_mon -A shows it: n2's own domain, its newest GTID.
    run -0 attr 2 errant
    [[ ",$gtid," == *",$output,"* ]] || fail "errant '$output' not in '$gtid'"
    run -0 agent_cib history
    assert_output --regexp "errant node=n2 set=$(attr 2 errant) writer=n1"
    run -0 grep "ERROR: errant transactions $(attr 2 errant)" "$(agent_dir)/agent.log"
    assert_output --partial "docs/operations.md"
    # n2 keeps replicating from the writer, so that it can be repaired.
    run -0 agent_replicating 2
    # The writer does not take the errant row from n2.
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000
    assert_equal "$(_bed_slave_field 1 Slave_IO_Running)" No
    assert_equal "$(bed_sql 1 "SELECT COUNT(*) FROM test.k WHERE id = 200")" 0
    # Reported once: a second monitor adds no history record.
    run_agent 0 2 monitor
    run -0 agent_cib history
    [ "$(grep -o "errant node=n2" <<<"$output" | wc -l)" = 1 ] ||
        fail "errant recorded more than once: $output"
}

@test "repaired as docs/operations.md says, the attribute cleared: peer again" {
    local wpos
    # Keep the row: discard it on n2 (not logged), re-apply it on the writer.
    run -0 bed_sql 2 "SET sql_log_bin = 0; DELETE FROM test.k WHERE id = 200"
    run -0 bed_app_sql 1 "INSERT INTO test.k VALUES (200, 'errant')"
    run -0 bed_wait_sql 2 "SELECT v FROM test.k WHERE id = 200" errant 10
    # n2's binary log: the writer's GTID state instead of its errant one.
    wpos=$(bed_sql 1 "SELECT @@gtid_binlog_pos")
    run -0 bed_sql 2 "STOP SLAVE; RESET MASTER; SET GLOBAL gtid_binlog_state = '$wpos'; START SLAVE"
    # The writer will resume from n2 where its own binary log stands.
    run -0 bed_sql 1 "STOP SLAVE; SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos"
    # Still reported until an operator clears the attribute.
    run_agent 0 2 monitor
    assert_equal "$(agent_score 2)" ""
    [ -n "$(attr 2 errant)" ] || fail "errant attribute gone by itself"
    run -0 crm_attribute -N n2 -n mmha-errant -l reboot -D
    run_agent 0 2 monitor
    [ -n "$(agent_score 2)" ] || fail "no score after the repair"
    assert_equal "$(attr 2 errant)" ""
    run -0 attr 2 peer
    assert_output --regexp "^$(agent_cib epoch)@127\.0\.0\.1:$(bed_port 2)$"
    # Now the writer replicates from n2 again.
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000
    run -0 wait_until 10 "agent_replicating 1"
    assert_equal "$(_bed_slave_field 1 Master_Port)" "$(bed_port 2)"
}

@test "validate-all and start refuse a duplicate server_id or offset (PIXNET rule)" {
    # This server's own settings clash: this node's problem (the
    # instance elsewhere keeps running), not OCF_ERR_CONFIGURED.
    run_agent 0 1 validate-all
    run -0 crm_attribute -t crm_config -n mmha-mm-ids-n9 -v "1 2 2"
    run_agent 5 1 validate-all
    assert_output --partial "server_id 1 is also used by n9"
    run_agent 5 1 start
    run -0 crm_attribute -t crm_config -n mmha-mm-ids-n9 -v "9 2 1"
    run_agent 5 1 validate-all
    assert_output --partial "auto_increment_offset 1 is also used by n9"
    run -0 crm_attribute -t crm_config -n mmha-mm-ids-n9 -v "9 3 2"
    run_agent 5 2 validate-all
    assert_output --partial "auto_increment_increment is 2 here but 3 on n9"
    run -0 crm_attribute -t crm_config -n mmha-mm-ids-n9 -D
    run_agent 0 1 validate-all
    run_agent 0 2 validate-all
}

@test "monitor publishes the reader's lag and readable flag" {
    : >"$MMHA_RECORD_FILE"
    run_agent 0 2 monitor
    # The agent writes them itself (one writer); the helper publishes none.
    run -0 cat "$MMHA_RECORD_FILE"
    refute_output --partial attrd_updater
    run -0 attr 2 lag-ms
    assert_output --regexp '^[0-9]+$'
    run -0 attr 2 readable
    assert_output --regexp '^[01]$'
}
