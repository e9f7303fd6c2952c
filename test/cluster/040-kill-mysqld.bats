#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 4, kill -9 of the writer's mysqld: the other master is
# promoted, the writer VIP serves writes again (gap measured), the killed
# server comes back read-only (never answering read_only=0) as a reader
# of the new writer, and every node ends with the same data.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

@test "kill -9 of the writer's mysqld: writes resume, killed server rejoins read-only" {
    local old new t0 gap
    old=$(mm_writer)
    new=$(mm_other "$old")
    mm_rocheck_start
    mm_client_start k9
    sleep 1
    t0=$(_mmha_now_ms)
    mm_kill_mysqld "$old"
    mm_ack_writes_on k9 "$new" 30
    echo "# kill -9 node$old mysqld -> writes acknowledged by node$new after $(mm_elapsed_ms "$t0") ms" >&3
    mm_wait_reader "$old" 60
    echo "# node$old back as a replicating reader after $(mm_elapsed_ms "$t0") ms" >&3
    sleep 1
    run -0 mm_client_stop k9
    echo "# client: $output" >&3
    gap=$(mm_gap_ms k9)
    echo "# write gap ${gap} ms" >&3
    run -0 mm_rocheck_stop
    echo "# read_only watch: ${lines[0]}" >&3
    run -0 mm_sql "$old" "SELECT @@global.read_only"
    assert_output 1
    # Both directions replicate: whatever the killed writer had logged
    # reaches the new writer, nothing acknowledged is lost.
    mm_wait_same_checksum test.wc_k9 30
    run -0 mm_client_lost k9 "$new"
    assert_output ""
    mm_check_replication 5
}
