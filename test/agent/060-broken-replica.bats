#!/usr/bin/env bats
# A broken reader (SQL thread stopped on an error, errant transactions)
# loses its promotion score and is reported; once repaired it gets it back.

load ../lib/agent

setup_file() {
    bed_start -n 2 -t mm -m gtid
    agent_cib_init 2
    agent_take_over 1
    agent_take_over 2
    run_agent 0 1 start
    run_agent 0 2 start
    run_agent 0 1 promote
    agent_notify 2 post promote n1
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

@test "a reader with errant transactions loses its score" {
    # n1 stops reading n2, then n2 logs a write of its own: n2 now holds
    # a transaction the writer does not have.
    run -0 bed_sql 1 "STOP SLAVE"
    run -0 bed_sql 2 "INSERT INTO test.k VALUES (200, 'errant')"
    run_agent 0 2 monitor
    assert_equal "$(agent_score 2)" ""
    run -0 grep -c "errant" "$(agent_dir)/agent.log"
}

@test "once the writer has it too, the score comes back" {
    run -0 bed_sql 1 "START SLAVE"
    run -0 bed_wait_sql 1 "SELECT v FROM test.k WHERE id = 200" errant 10
    run_agent 0 2 monitor
    [ -n "$(agent_score 2)" ] || fail "no score after the writer caught up"
}

@test "validate-all and start refuse a duplicate server_id or offset (PIXNET rule)" {
    run_agent 0 1 validate-all
    run -0 crm_attribute -t crm_config -n mmha-mm-ids-n9 -v "1 2 2"
    run_agent 6 1 validate-all
    assert_output --partial "server_id 1 is also used by n9"
    run_agent 6 1 start
    run -0 crm_attribute -t crm_config -n mmha-mm-ids-n9 -v "9 2 1"
    run_agent 6 1 validate-all
    assert_output --partial "auto_increment_offset 1 is also used by n9"
    run -0 crm_attribute -t crm_config -n mmha-mm-ids-n9 -v "9 3 2"
    run_agent 6 2 validate-all
    assert_output --partial "auto_increment_increment is 2 here but 3 on n9"
    run -0 crm_attribute -t crm_config -n mmha-mm-ids-n9 -D
    run_agent 0 1 validate-all
    run_agent 0 2 validate-all
}

@test "monitor publishes the reader's lag and readable flag" {
    : >"$MMHA_RECORD_FILE"
    run_agent 0 2 monitor
    run -0 cat "$MMHA_RECORD_FILE"
    assert_line --regexp '^attrd_updater -n mmha-lag-ms -U [0-9]+ .*-N n2'
    assert_line --regexp '^attrd_updater -n mmha-readable -U [01] .*-N n2'
}
