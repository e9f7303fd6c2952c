#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Three servers: n1 <-> n2 master-master, n3 a reader of n1.  After a
# switchover the post-promote notify re-points n3 at the new writer.
# AGENT_BED_MODE=filepos runs the same in file/position mode.

load ../lib/agent

setup_file() {
    agent_trio "${AGENT_BED_MODE:-gtid}"
    bed_app_sql 1 "CREATE TABLE test.three (id INT AUTO_INCREMENT PRIMARY KEY, v TEXT)"
    bed_sync 20
}

teardown_file() {
    agent_teardown 3
}

setup() {
    load_bats_libs
}

source_port() {
    _bed_slave_field "$1" Master_Port
}

@test "n3 follows n1 at first" {
    assert_equal "$(source_port 3)" "$(bed_port 1)"
    run_agent 0 3 monitor
}

@test "switchover to n2: n3 follows the new writer and misses nothing" {
    run -0 bed_app_sql 1 "INSERT INTO test.three (v) VALUES ('before')"
    run -0 agent_switchover 1 2
    # The post-promote notification re-points in the background (off
    # Pacemaker's path): waited for, not read at once (CI saw n3 still on
    # n1 right after its notification returned).
    if [ "$BED_MODE" = filepos ]; then
        # Positions of two servers do not map: n3 stays on n1, which
        # relays n2's writes (see mmha_decide_repoint).
        sleep 1
        assert_equal "$(source_port 3)" "$(bed_port 1)"
    else
        run -0 wait_until 10 "[ \"\$(source_port 3)\" = $(bed_port 2) ]"
    fi
    # n1, the old writer, still replicates from n2 (master-master kept).
    run -0 wait_until 10 "[ \"\$(source_port 1)\" = $(bed_port 2) ]"
    run -0 bed_app_sql 2 "INSERT INTO test.three (v) VALUES ('after')"
    run -0 bed_wait_sql 3 "SELECT GROUP_CONCAT(v ORDER BY id) FROM test.three" "before,after" 10
    run -0 bed_wait_sql 1 "SELECT GROUP_CONCAT(v ORDER BY id) FROM test.three" "before,after" 10
    run_agent 0 1 monitor
    run_agent 0 3 monitor
    run_agent 8 2 monitor
}

@test "every server holds the same table after the switchover" {
    local c1 c2 c3
    run -0 bed_sync 20
    c1=$(bed_sql 1 "CHECKSUM TABLE test.three" | cut -f2)
    c2=$(bed_sql 2 "CHECKSUM TABLE test.three" | cut -f2)
    c3=$(bed_sql 3 "CHECKSUM TABLE test.three" | cut -f2)
    assert_equal "$c2" "$c1"
    assert_equal "$c3" "$c1"
}
