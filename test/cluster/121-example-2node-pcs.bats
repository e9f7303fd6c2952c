#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# crm-examples/2-node.pcs.sh run as it is (sh, on node1): the same cluster
# as 2-node.crm, one writer with the writer VIP, the reader VIPs placed,
# the guard clone on both nodes, replication both ways.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2 --pcs)
load ../lib/cluster-suite

@test "2-node.pcs.sh: the configuration of 2-node.crm, one writer, the guard on both nodes" {
    local w v
    run -0 mm_cib_shape
    assert_output "$(mm_crm_shape "$MMHA_TOP/crm-examples/2-node.crm")"
    w=$(mm_writer) || fail "no single writer"
    [ "$(mm_sql "$w" 'SELECT @@global.read_only')" = 0 ]
    [ "$(mm_sql "$(mm_other "$w")" 'SELECT @@global.read_only')" = 1 ]
    run -0 mm_vip_started writer
    assert_output "$w"
    for v in 1 2; do
        run -0 mm_vip_started "reader$v"
    done
    mm_assert_guards
    mm_check_replication 5
    run -0 cluster_exec 1 crm_mon -1
    refute_output --partial "Failed Resource Actions"
}
