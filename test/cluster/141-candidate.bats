#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The most advanced candidate, on 3 database nodes (crm-examples/3-node.crm
# with its ban of node3 from the writer role lifted, catchup_policy=wait):
# one reader has received all of the writer's stream but applied little
# of it (its applier waits on a row lock), the other applied all it
# received but hears nothing more (the writer's packets dropped).  The
# second shows the least lag; when the writer's mysqld is killed the first
# is promoted, because it holds more, and applies its relay log before it
# takes writes.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 3)
load ../lib/cluster-suite

teardown() {
    local i
    mm_bg_stop_all
    mm_keep_failed_logs
    for ((i = 1; i <= 3; i++)); do
        mm_reader_deaf "$i" 1 off
    done
}

# score i: node i's promotion score.
score() {
    mm_attr "$1" "master-mysql"
}

# received_pos i: what node i's IO thread has read of its source.
received_pos() {
    mm_slave_field "$1" Read_Master_Log_Pos
}

@test "3 database nodes: every node may be the writer, one writer" {
    local n
    n=$(mm_any_node)
    cluster_exec "$n" crm configure delete no-writer-on-node3
    cluster_exec "$n" crm_resource -r mysql -p catchup_policy -v wait >/dev/null
    cluster_settle -n "$n" 30
    mm_writer >/dev/null || fail "no single writer"
}

@test "writer killed: the reader that received the most is promoted, not the one with the least lag" {
    local w ahead behind t0 sid n p_ahead p_behind
    w=$(mm_writer)
    ahead=$(mm_other "$w")
    behind=$(mm_other "$ahead")
    sid=$(mm_sql "$w" "SELECT @@server_id")
    wait_until 30 "mm_replicating $ahead && mm_replicating $behind"
    mm_client_start cand
    mm_ack_writes_on cand "$w" 20
    # The applier of "ahead" waits behind a lock on the writer's heartbeat
    # row (its IO thread keeps receiving) until the test kills the lock.
    _mm_bg lock "$ahead" mariadb --defaults-file=/etc/mysql/mmha.cnf -N -B -e \
        "BEGIN; SELECT * FROM mmha.heartbeat WHERE server_id = $sid FOR UPDATE; SELECT SLEEP(120); ROLLBACK"
    t0=$(_mmha_now_ms)
    sleep 3
    # "behind" applies what it has, and hears nothing more.
    mm_reader_deaf "$behind" "$w" on
    # Lag alone would choose "behind"; what they received, "ahead".
    wait_until 30 "[ \"\$(mm_attr $behind mmha-lag-ms)\" -lt \"\$(mm_attr $ahead mmha-lag-ms)\" ] &&
        [ \"\$(score $ahead)\" -gt \"\$(score $behind)\" ]"
    p_ahead=$(received_pos "$ahead") p_behind=$(received_pos "$behind")
    echo "# lag ms: node$ahead $(mm_attr "$ahead" mmha-lag-ms), node$behind $(mm_attr "$behind" mmha-lag-ms); received: $p_ahead, $p_behind; scores $(score "$ahead"), $(score "$behind")" >&3
    [ "$p_ahead" -gt "$p_behind" ]
    run -0 grep -c 'received less than another reader' \
        "$(_cluster_ndir "$behind")/log-pacemaker/pacemaker.log"
    mm_kill_mysqld "$w"
    t0=$(_mmha_now_ms)
    # The promotion of "ahead" waits for its relay log (catchup_policy=
    # wait), which waits for the lock: no writer meanwhile.
    wait_until 60 "cluster_exec $ahead pgrep -f 'mmha-binlog wait' >/dev/null" ||
        fail "no catch-up wait on node$ahead (writer: $(mm_writer 2>/dev/null))"
    echo "# node$ahead catching up $(mm_elapsed_ms "$t0") ms after the kill" >&3
    sleep 1
    run ! mm_app_sql "$(mm_vip writer)" "SELECT @@server_id"
    mm_sql "$ahead" "KILL $(mm_sql "$ahead" "SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(120)%'")"
    mm_wait_writer "$ahead" 60 ||
        fail "node$(mm_writer 2>/dev/null) promoted, not node$ahead"
    echo "# node$ahead writer $(mm_elapsed_ms "$t0") ms after the kill" >&3
    echo "# $(grep -o 'promoted, epoch [0-9]*: [^;]*' \
        "$(_cluster_ndir "$ahead")/log-pacemaker/pacemaker.log" | tail -n 1)" >&3
    mm_reader_deaf "$behind" "$w" off
    run -0 mm_client_stop cand
    echo "# client: $output" >&3
    mm_wait_reader "$behind" 60
    mm_wait_same_checksum test.wc_cand 30
    mm_check_replication 5
    n=$(mm_any_node)
    cluster_exec "$n" crm_resource -r mysql -p catchup_policy -v immediate >/dev/null
}
