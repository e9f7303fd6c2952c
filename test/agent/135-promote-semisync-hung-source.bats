#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# semisync=on, the writer hung (SIGSTOP: a crashed or cut-off source
# answers nothing): stopping the reader's semi-sync IO thread waits up to
# 1 s for the source to end its dump thread.  The promotion does not wait
# for that: the server is writable while the stop still runs, the stop
# has ended when the promotion returns, and nothing more comes in from
# the old writer.

load ../lib/agent

SS=OCF_RESKEY_semisync=on

setup_file() {
    bed_start -n 2 -t mm -m gtid
    agent_cib_init 2
    agent_take_over 1
    agent_take_over 2
    run_agent 0 1 start "$SS"
    run_agent 0 2 start "$SS"
    run_agent 0 1 promote "$SS"
    run_agent 0 2 notify "$SS" OCF_RESKEY_CRM_meta_notify_type=post \
        OCF_RESKEY_CRM_meta_notify_operation=promote \
        OCF_RESKEY_CRM_meta_notify_promote_uname=n1
    bed_app_sql 1 "CREATE TABLE test.hung (id INT PRIMARY KEY)"
    bed_sync 10
}

teardown_file() {
    local pid
    pid=$(agent_mysqld_pid 1)
    [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null
    agent_teardown 2 "$SS"
}

setup() {
    load_bats_libs
}

status_var() {
    bed_sql "$1" "SHOW GLOBAL STATUS LIKE '$2'" | cut -f2
}

@test "a semi-sync reader of a hung writer is writable before its IO thread's stop ends, and receives nothing after" {
    local n1 watch
    run -0 wait_until 10 "[ \"\$(status_var 2 Rpl_semi_sync_slave_status)\" = ON ]"
    n1=$(agent_mysqld_pid 1)
    kill -STOP "$n1"
    # Sampled every 20 ms: read_only, and whether a STOP SLAVE runs.
    watch=$BATS_TEST_TMPDIR/watch
    (
        while :; do
            bed_sql 2 "SELECT @@global.read_only, (SELECT COUNT(*) FROM
                information_schema.processlist WHERE info LIKE 'STOP SLAVE%')" \
                2>/dev/null
            sleep 0.02
        done
    ) >"$watch" &
    local wpid=$!
    run_agent 0 2 promote "$SS"
    kill "$wpid"
    wait "$wpid" 2>/dev/null || true
    echo "# promotion took $AGENT_MS ms (the stop waits up to 1 s on the hung source)" >&3
    run -0 grep -c $'^0\t1$' "$watch"
    echo "# samples writable with the stop still running: $output" >&3
    # The stop had ended when the promotion returned.
    assert_equal "$(_bed_slave_field 2 Slave_IO_Running)" No
    assert_equal "$(bed_sql 2 "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'STOP SLAVE%'")" 0
    assert_equal "$(status_var 2 Rpl_semi_sync_slave_status)" OFF
    run -0 grep 'joined once writable' "$(agent_dir)/agent.log"
    # The old writer wakes up and writes: none of it reaches n2.
    kill -CONT "$n1"
    bed_app_sql 1 "INSERT INTO test.hung VALUES (1)"
    sleep 1
    assert_equal "$(bed_sql 2 "SELECT COUNT(*) FROM test.hung")" 0
    assert_equal "$(_bed_slave_field 2 Slave_IO_Running)" No
    # The new writer takes writes.
    run -0 bed_app_sql 2 "INSERT INTO test.hung VALUES (2)"
}
