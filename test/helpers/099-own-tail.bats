#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha-binlog repoint --gtid takes back this server's own transactions
# that the new source holds and its binary log lacks: a former writer
# whose unacknowledged tail MariaDB truncated at crash recovery
# (--init-rpl-role=SLAVE) while a reader had received it.  Server 2 plays
# that reader: it holds a transaction of server 1's domain and server_id
# that server 1 lacks.  Its IO thread alone would drop it (own server_id)
# and count it as applied.

# bats sets $stderr for run --separate-stderr.
# shellcheck disable=SC2154

load ../lib/bed

setup_file() {
    bed_start -n 2 -t star
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
}

repoint_1_to_2() {
    run_bounded 30 mmha-binlog repoint --defaults-file "$(bed_cnf 1)" \
        --to "$(bed_host 2):$(bed_port 2)" --gtid \
        --repl-defaults-file "$(bed_repl_cnf)" --timeout 20 "$@"
}

@test "repoint --gtid: the source's copy of this server's lost tail comes back, server_id restored" {
    local seq
    bed_sql 1 "CREATE TABLE test.own (id INT PRIMARY KEY); INSERT INTO test.own VALUES (1), (2)"
    run -0 bed_sync 10
    # Server 2 becomes the writer holding 1's next transaction (1-1-N+1).
    seq=$(bed_sql 1 "SELECT @@gtid_binlog_pos" | tr ',' '\n' |
        awk -F- '$1 == 1 { print $3 }')
    bed_sql 2 "STOP SLAVE; SET GLOBAL read_only = 0"
    bed_sql 2 "SET SESSION gtid_domain_id = 1, server_id = 1, gtid_seq_no = $((seq + 1)); INSERT INTO test.own VALUES (3)"
    bed_sql 2 "INSERT INTO test.own VALUES (4)"
    bed_sql 1 "SET GLOBAL read_only = 1"
    run -0 --separate-stderr repoint_1_to_2 -v
    assert_line "status: ok"
    [[ $stderr == *"transactions of this server (server_id 1) that its binary log lacks"* ]]
    run -0 bed_wait_sql 1 "SELECT GROUP_CONCAT(id ORDER BY id) FROM test.own" 1,2,3,4
    run -0 bed_sql 1 "SELECT @@server_id"
    assert_output 1
    run -0 bed_sql 1 "SELECT @@gtid_binlog_pos"
    [[ $output == *"1-1-$((seq + 1))"* ]]
    run -0 _bed_slave_field 1 Slave_IO_Running Slave_SQL_Running Using_Gtid
    assert_output $'Yes\nYes\nSlave_Pos'
}

@test "repoint --gtid with nothing of its own missing: no fetch, nothing applied twice" {
    run -0 --separate-stderr repoint_1_to_2 -v
    assert_line "status: ok"
    [[ $stderr != *"lacks"* ]]
    bed_sql 2 "INSERT INTO test.own VALUES (5)"
    run -0 bed_wait_sql 1 "SELECT GROUP_CONCAT(id ORDER BY id) FROM test.own" 1,2,3,4,5
    run -0 bed_sql 1 "SELECT @@server_id"
    assert_output 1
}
