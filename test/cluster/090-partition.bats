#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 9, network partition of the writer (3 nodes, fencing on): its
# link goes down for 20 s (nothing killed) while a client writes through
# the writer VIP and another writes locally on the cut-off writer.  Never
# two writable nodes at any instant (read_only polled every 100 ms from the
# host and from inside each node); whatever the cut-off writer accepted
# alone is reported as errant by the cluster, never merged silently.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 3 --fencing on)
load ../lib/cluster-suite

@test "partition of the writer, fencing on: never two writers, errant writes reported" {
    mm_partition_scenario 20
    [[ $PART_OVERLAPS == *" overlaps=0 "* ]] ||
        fail "two writable nodes: $PART_OVERLAPS"
    run -0 cluster_fence_log
    assert_output --partial "node$PART_OLD by node"
    mm_partition_assert_errant
    mm_check_replication 5
}
