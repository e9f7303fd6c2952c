#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mysql-mm attached to servers it does not run (manage_mysqld=false): the
# bed keeps the two mariadbd; start, promote and stop change roles and
# replication only, and stop leaves the server up, read-only and no longer
# following the cluster's writer.

load ../lib/agent

setup_file() {
    bed_start -n 2 -t mm -m gtid
    agent_cib_init 2
    bed_sql 1 "CREATE TABLE test.att (id INT PRIMARY KEY)"
    bed_sync 10
}

teardown_file() {
    agent_teardown 2 OCF_RESKEY_manage_mysqld=false
}

setup() {
    load_bats_libs
}

attached() {
    local rc=$1 i=$2 action=$3
    shift 3
    run_agent "$rc" "$i" "$action" OCF_RESKEY_manage_mysqld=false "$@"
}

@test "attached: start and promote use the running servers; the reader replicates" {
    attached 0 1 start
    attached 0 1 promote
    attached 0 2 start
    run -0 wait_until 10 "agent_replicating 2"
    run -0 bed_sql 1 "INSERT INTO test.att VALUES (1)"
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM test.att" 1 10
}

@test "attached: stop leaves the server up and read-only, its replication stopped" {
    local pid
    pid=$(bed_pid 2)
    attached 0 2 stop
    kill -0 "$pid" || fail "stop ended the attached server"
    run -0 bed_sql 2 "SELECT @@global.read_only"
    assert_output 1
    run -0 _bed_slave_field 2 Slave_IO_Running Slave_SQL_Running
    assert_output $'No\nNo'
    # No longer following the writer.
    run -0 bed_sql 1 "INSERT INTO test.att VALUES (2)"
    sleep 1
    run -0 bed_sql 2 "SELECT COUNT(*) FROM test.att"
    assert_output 1
    attached 7 2 monitor
}

@test "attached: a stop that cannot make a writable server read-only fails" {
    local nohelp
    nohelp=$BATS_TEST_TMPDIR/helpers
    mkdir -p "$nohelp"
    ln -sf "$MMHA_BUILD_DIR/mmha-binlog" "$MMHA_BUILD_DIR/mmha-lag" "$nohelp/"
    printf '#!/bin/sh\necho "mmha-readonly: refused by the test" >&2\nexit 1\n' \
        >"$nohelp/mmha-readonly"
    chmod +x "$nohelp/mmha-readonly"
    attached 0 2 start
    # Made writable behind the agent's back (an operator, a restart).
    run -0 bed_sql 2 "SET GLOBAL read_only=0"
    attached 1 2 stop "OCF_RESKEY_helper_dir=$nohelp"
    assert_output --partial "could not be made read-only"
    # With the helper back the stop succeeds and the server is read-only.
    attached 0 2 stop
    run -0 bed_sql 2 "SELECT @@global.read_only"
    assert_output 1
}

@test "attached: a stop with parameters that do not validate fails while attached" {
    attached 0 2 start
    local open=$BATS_TEST_TMPDIR/open.cnf
    cp "$(bed_cnf 2)" "$open"
    chmod 0644 "$open"
    attached 1 2 stop "OCF_RESKEY_defaults_file=$open"
    attached 0 2 stop
}
