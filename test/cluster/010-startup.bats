#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 1, start-up: a cluster built from nothing with a crm-examples
# file has exactly one writable node, the writer VIP on it, the reader VIPs
# on readable nodes, and replication running in both directions.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

teardown() {
    mm_bg_stop_all
    if [ -n "${OWN_CLUSTER:-}" ]; then
        mm_stop
    fi
}

# assert_one_writer N: exactly one node answers read_only=0, the Promoted.
assert_one_writer() {
    # (no loop variable named i around `run`: bats' tracing clobbers it)
    local n w writable=()
    w=$(mm_writer)
    for ((n = 1; n <= $1; n++)); do
        run -0 mm_sql "$n" "SELECT @@global.read_only"
        [ "$output" = 0 ] && writable+=("$n")
    done
    [ "${#writable[@]}" = 1 ] || fail "writable nodes: ${writable[*]}"
    [ "${writable[0]}" = "$w" ] || fail "writable node${writable[0]}, Promoted node$w"
}

# assert_vips N: writer VIP on the writer and serving writes there; every
# reader VIP on a node publishing mmha-readable=1 (or the writer) and
# answering reads.
assert_vips() {
    local w v node sid
    w=$(mm_writer)
    run -0 mm_vip_started writer
    assert_output "$w"
    run -0 mm_app_sql "$(mm_vip writer)" "CREATE TABLE IF NOT EXISTS
        test.startup (id INT PRIMARY KEY); REPLACE INTO test.startup VALUES (1);
        SELECT @@server_id"
    assert_output "$w"
    for ((v = 1; v <= $1; v++)); do
        run -0 mm_vip_started "reader$v"
        node=$output
        if [ "$node" != "$w" ]; then
            run -0 cluster_exec "$w" crm_attribute -N "node$node" \
                -n mmha-readable -l reboot -G -q
            assert_output 1
        fi
        run -0 mm_app_sql "$(mm_vip "reader$v")" "SELECT @@server_id"
        sid=$output
        [ "$sid" = "$node" ] || fail "reader$v: server $sid answered on node$node"
    done
}

@test "2-node start-up: one writer, VIPs placed, crm_mon clean" {
    assert_one_writer 2
    assert_vips 2
    run -0 cluster_exec 1 crm_mon -1
    assert_output --partial "Promoted: [ node$(mm_writer) ]"
    refute_output --partial "Failed Resource Actions"
    # The promotion left an audit record naming the writer.
    run -0 cluster_exec 1 crm_attribute -t crm_config -n mmha-mysql-writer \
        -G -q
    assert_output --partial "node=node$(mm_writer) "
    # The example's guard clone: a guard on every node, quorate, in one group.
    mm_assert_guards
}

@test "2-node start-up: replication runs in both directions" {
    local n
    for n in 1 2; do
        run -0 mm_slave_status "$n"
        [ -n "$output" ] || fail "node$n replicates from nobody"
        assert_line --regexp '^ *Slave_IO_Running: Yes$'
        assert_line --regexp '^ *Slave_SQL_Running: Yes$'
    done
    mm_check_replication 5
}

@test "the bed: a client started inside a node is stopped by its PID file, not left running" {
    local pid log
    # Tracked as the command itself: a TERM to nsenter is not passed on,
    # and bench/chaos's local client wrote on after its partition ended.
    mm_client_start inode -n "$(mm_writer)" --writer 127.0.0.1 ||
        fail "no write acknowledged by the client inside the node"
    pid=$(cat "$(_mm_dir)/logs/inode.pid")
    assert_equal "$(cat "/proc/$pid/comm")" python3
    log=$(mm_client_log inode)
    run -0 wait_until 10 "grep -q ' ACK ' '$log'"
    mm_client_stop inode >/dev/null
    run -0 wait_until 5 "! kill -0 $pid 2>/dev/null"
}

@test "3-node start-up from the pcs example: replica never the writer" {
    mm_stop
    OWN_CLUSTER=1
    mm_start -n 3 --pcs
    assert_one_writer 3
    [ "$(mm_writer)" != 3 ]
    assert_vips 3
    mm_check_replication 5
    # node3 replicates; it is never a promotion candidate.
    run -0 cluster_exec 1 crm_mon -1
    assert_output --regexp "Unpromoted: \\[ .*node3.* \\]"
    mm_assert_guards
    # The pcs example builds what the crm one does.
    run -0 mm_cib_shape
    assert_output "$(mm_crm_shape "$MMHA_TOP/crm-examples/3-node.crm")"
}
