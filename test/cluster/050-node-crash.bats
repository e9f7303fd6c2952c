#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 5, crash of the writer's node (namespace killed, link down):
# the survivor fences it and is promoted, writes resume (gap measured), the
# crashed node reboots, rejoins as a reader and catches up (CHECKSUM TABLE
# equal everywhere), and its restarted server never answers read_only=0.
# A session held on the crashed writer is reset by the new one (writer_vip).

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

@test "writer node crash: survivor promoted, crashed node rejoins read-only and catches up" {
    local old new t0 gap
    old=$(mm_writer)
    new=$(mm_other "$old")
    mm_rocheck_start
    mm_client_start crash
    # A session inside a long statement on the writer: after the crash
    # nothing ever tells it the server is gone, unless the new writer
    # resets it (writer_vip; the reader noted it at a monitor, every 2 s).
    _mm_bg held "" mariadb --defaults-file="$(_mm_dir)/app.cnf" \
        --host="$(mm_vip writer)" --port=3306 --protocol=tcp -N -B \
        -e "SELECT SLEEP(300)"
    sleep 3
    kill -0 "$(cat "$(_mm_dir)/logs/held.pid")"
    t0=$(_mmha_now_ms)
    cluster_crash "$old"
    mm_ack_writes_on crash "$new" 30
    echo "# crash node$old -> writes acknowledged by node$new after $(mm_elapsed_ms "$t0") ms" >&3
    wait_until 3 "! kill -0 $(cat "$(_mm_dir)/logs/held.pid") 2>/dev/null"
    echo "# held session ended after $(mm_elapsed_ms "$t0") ms" >&3
    run -0 cat "$(_mm_dir)/logs/held.out"
    assert_output --partial "Lost connection"
    run -0 cluster_fence_log
    assert_output --partial "reboot node$old by node$new rc=0"
    # The fence agent's reboot boots the node again: it rejoins.
    mm_wait_reader "$old" 90
    echo "# node$old back as a replicating reader after $(mm_elapsed_ms "$t0") ms" >&3
    sleep 1
    run -0 mm_client_stop crash
    echo "# client: $output" >&3
    gap=$(mm_gap_ms crash)
    echo "# write gap ${gap} ms" >&3
    run -0 mm_rocheck_stop
    echo "# read_only watch: ${lines[0]}" >&3
    run -0 mm_sql "$old" "SELECT @@global.read_only"
    assert_output 1
    mm_wait_same_checksum test.wc_crash 30
    run -0 mm_client_lost crash "$new"
    echo "# acknowledged writes missing on the new writer: ${#lines[@]}" >&3
    mm_check_replication 5
}
