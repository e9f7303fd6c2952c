#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# crm-examples/3-node.crm loaded as it is (fencing off, so that the cut-off
# node stays up to be looked at): one writer, the guard clone on every
# node sharing mysql-mm's writer epoch file, and the writer making itself
# read-only through its guard when its node is cut off, before the
# majority's membership changes (token 1000 ms + consensus: ~3.6 s).

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 3 --fencing off)
load ../lib/cluster-suite

teardown() {
    mm_bg_stop_all
    cluster_heal_all
}

@test "3-node.crm: one writer, the guard on every node, on mysql-mm's epoch" {
    local w epoch
    w=$(mm_writer) || fail "no single writer"
    [ "$w" != 3 ] || fail "node3 (read replica only) is the writer"
    mm_assert_guards
    # Both agents' default epoch_file is the same file: the guard of the
    # writer reads the epoch mysql-mm recorded at the promotion.
    epoch=$(cluster_exec 1 crm_attribute -t crm_config -n mmha-mysql-epoch \
        -G -q) || fail "no epoch record"
    run -0 cluster_exec "$w" cat /run/resource-agents/mmha-writer.epoch
    assert_output "$epoch"
    wait_until 5 "[ \"\$(mm_guard_get $w EPOCH)\" = $epoch ]" ||
        fail "the writer's guard reads epoch $(mm_guard_get "$w" EPOCH), not $epoch"
    [ "$(mm_guard_get "$w" WRITABLE)" = yes ]
    [ "$(mm_guard_get "$w" LINK_RULE)" = on ]
    mm_check_replication 5
}

@test "3-node.crm: the cut-off writer goes read-only by its guard within 2.5 s" {
    local w t0 ms=''
    w=$(mm_writer) || fail "no single writer"
    [ "$(mm_sql "$w" 'SELECT @@global.read_only')" = 0 ]
    cluster_partition "$w"
    t0=$(_mmha_now_ms)
    while [ $(($(_mmha_now_ms) - t0)) -lt 2500 ]; do
        if [ "$(mm_sql "$w" 'SELECT @@global.read_only' 2>/dev/null)" = 1 ]; then
            ms=$(($(_mmha_now_ms) - t0))
            break
        fi
        sleep 0.05
    done
    run -0 mm_guard_status "$w"
    printf '# %s\n' "node$w cut off: read_only=1 after ${ms:-more than 2500} ms" \
        "guard: $(grep -E '^(QUORUM|REASON|FENCES|LAST_FENCE)=' <<<"$output" |
            paste -sd' ' -)" >&3
    [ -n "$ms" ] || fail "node$w still writable 2.5 s after its link went down"
    assert_line --regexp '^FENCES=[1-9]'
    assert_line LAST_FENCE=majority_unreachable
    cluster_heal "$w"
    # The cluster carries on: a writer on the majority side, one only.
    wait_until 60 "mm_writer >/dev/null 2>&1" || fail "no single writer after the heal"
}
