#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 6, lagging reader (MASTER_DELAY): it stops being readable and
# loses its reader VIP (which falls back to the writer), then gets it back
# after recovery with hysteresis — each VIP moves away once and back once,
# no flapping.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

reader_vips_on() {
    local v
    for ((v = 1; v <= MM_READERS; v++)); do
        [ "$(mm_vip_started "reader$v" 2>/dev/null)" = "$1" ] && return 0
    done
    return 1
}

@test "lagging reader loses its reader VIP, gets it back without flapping" {
    local w r t0
    _mm_load
    w=$(mm_writer)
    r=$(mm_other "$w")
    # A fresh reader turns readable only after lag_dwell below recover_lag.
    wait_until 30 "reader_vips_on $r"
    mm_assert_writer_readable
    mm_vip_watch_start
    t0=$(_mmha_now_ms)
    mm_sql "$r" "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=10; START SLAVE"
    wait_until 30 "[ \"\$(mm_attr $r mmha-readable)\" = 0 ]"
    echo "# node$r unreadable after $(mm_elapsed_ms "$t0") ms (lag $(mm_attr "$r" mmha-lag-ms) ms)" >&3
    wait_until 20 "! reader_vips_on $r"
    # Both reader addresses still answer: they fell back to the writer.
    run -0 mm_vip_started reader1
    assert_output "$w"
    run -0 mm_vip_started reader2
    assert_output "$w"
    t0=$(_mmha_now_ms)
    mm_sql "$r" "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE"
    wait_until 60 "reader_vips_on $r"
    echo "# node$r serves a reader VIP again $(mm_elapsed_ms "$t0") ms after recovery" >&3
    sleep 5
    run -0 mm_vip_watch_stop
    echo "# VIP moves: $(echo "$output" | paste -sd' ' -)" >&3
    # Per VIP: away and back at most (2 changes), never more.
    # shellcheck disable=SC2016 # awk program
    run -0 awk '$2 > 2 { bad = 1 } END { exit bad }' <<<"$output"
    mm_check_replication 5
}
