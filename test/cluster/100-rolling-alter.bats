#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 10, rolling ALTER TABLE (the PIXNET procedure) under write
# load: take the reader out of rotation (its reader VIPs banned away), alter
# it with the binary log off for the session, put it back, switch over to
# it, do the same on the old writer.  No client error outside the
# switchover gap; the column exists everywhere at the end.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

# out_of_rotation i: ban every reader VIP from node i, wait until none is
# there; back_in_rotation: clear the bans.
out_of_rotation() {
    local v
    for ((v = 1; v <= MM_READERS; v++)); do
        cluster_exec "$(mm_any_node)" crm_resource --ban -r "vip-reader$v" \
            -N "node$1" >/dev/null 2>&1 || return 1
    done
    for ((v = 1; v <= MM_READERS; v++)); do
        wait_until 20 "[ \"\$(mm_vip_started reader$v 2>/dev/null)\" != $1 ]" ||
            return 1
    done
}

back_in_rotation() {
    local v
    for ((v = 1; v <= MM_READERS; v++)); do
        cluster_exec "$(mm_any_node)" crm_resource --clear -r "vip-reader$v" \
            >/dev/null 2>&1 || return 1
    done
}

alter_local() {
    mm_sql "$1" "SET sql_log_bin=0;
        ALTER TABLE test.wc_roll ADD COLUMN note VARCHAR(16) NULL"
}

@test "rolling ALTER TABLE: no client error beyond the switchover gap" {
    local w r ts te errs
    _mm_load
    w=$(mm_writer)
    r=$(mm_other "$w")
    mm_client_start roll
    sleep 1
    out_of_rotation "$r"
    alter_local "$r"
    back_in_rotation
    ts=$(_mmha_now_ms)
    mm_switchover "$r"
    mm_ack_writes_on roll "$r" 10
    te=$(_mmha_now_ms)
    echo "# switchover to the altered node$r: $((te - ts)) ms" >&3
    out_of_rotation "$w"
    alter_local "$w"
    back_in_rotation
    sleep 1
    run -0 mm_client_stop roll
    echo "# client: $output" >&3
    errs=$(awk -v a="$ts" -v b="$te" '$2 == "ERR" && ($1 < a || $1 > b)' \
        "$(mm_client_log roll)")
    [ -z "$errs" ] || fail "client errors outside the switchover: $errs"
    run -0 mm_client_lost roll "$r"
    assert_output ""
    run -0 mm_sql "$w" "SELECT COUNT(*) FROM information_schema.COLUMNS
        WHERE TABLE_NAME='wc_roll' AND COLUMN_NAME='note'"
    assert_output 1
    run -0 mm_sql "$r" "SELECT COUNT(*) FROM information_schema.COLUMNS
        WHERE TABLE_NAME='wc_roll' AND COLUMN_NAME='note'"
    assert_output 1
    mm_check_replication 5
}
