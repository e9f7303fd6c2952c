#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/chaos in CI: a fixed list of eight faults (test/cluster/chaos-ci.plan:
# the writer's mysqld killed, its node cut off while a local client writes
# on it, its node crashed, a hung reader node, an operator's restart of the
# writer's mysqld, a switchover under a 60 s UPDATE, a standby, and two
# faults overlapping) on 3 nodes from crm-examples/3-node.crm with fencing
# on, under the bench's clients and read_only checkers; every invariant
# bench/chaos checks after each fault holds, and the end is clean.  The
# bench starts and stops its own cluster.

# bats sets $stderr for run --separate-stderr; awk programs are quoted on
# purpose.
# shellcheck disable=SC2154,SC2016

bats_require_minimum_version 1.5.0

setup_file() {
    load ../lib/common
    CHAOS_CI_OUT=$BATS_FILE_TMPDIR/chaos
    export CHAOS_CI_OUT
    # Bounded: eight faults settle in about five minutes here.
    timeout 900 bash "$BATS_TEST_DIRNAME/../../bench/chaos" \
        --plan "$BATS_TEST_DIRNAME/chaos-ci.plan" --out "$CHAOS_CI_OUT" \
        >"$CHAOS_CI_OUT.stdout" 2>&1
    echo $? >"$CHAOS_CI_OUT.rc"
}

setup() {
    load ../lib/common
    load_bats_libs
}

# keep_on_failure: the run's folder (its violation-K logs) where CI keeps
# failed tests' logs.
keep_on_failure() {
    local keep=${MM_FAILED_LOGS:-/tmp/mmha-failed-logs}/150-chaos
    mkdir -p "$keep" && cp -r "$CHAOS_CI_OUT" "$CHAOS_CI_OUT.stdout" "$keep/"
    echo "# chaos run kept in $keep" >&3
}

teardown() {
    [ -n "${BATS_TEST_COMPLETED:-}" ] || keep_on_failure
}

# column NAME: NAME's column of faults.tsv, one value a fault.
column() {
    awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) n = i; next }
        { print $n }' "$CHAOS_CI_OUT/faults.tsv"
}

@test "chaos: every fault of the list applied, settled and checked" {
    [ -s "$CHAOS_CI_OUT/faults.tsv" ] || fail "no faults.tsv: $(tail -n 20 "$CHAOS_CI_OUT.stdout")"
    run -0 column kind
    assert_equal "${#lines[@]}" "$(grep -c '^[0-9]' "$BATS_TEST_DIRNAME/chaos-ci.plan")"
    run -0 column violations
    refute_line --regexp '[^-]'
}

@test "chaos: never two writable servers, no acknowledged write lost on a planned move" {
    run -0 column double_ms
    refute_line --regexp '[^0]'
    run -0 awk -F'\t' 'NR > 1 && $4 == 1 && $8 != 0' "$CHAOS_CI_OUT/faults.tsv"
    assert_output ''
    # The checkers ran the whole time: every node sampled, no overlap.
    run -0 cat "$CHAOS_CI_OUT/rocheck.summary"
    assert_output --regexp 'node1:[1-9][0-9]*/.* node2:[1-9][0-9]*/.* node3:[1-9][0-9]*/.* overlaps=0 '

}

@test "chaos: the cut-off writer's local writes are reported as errant and repaired, not kept" {
    # The partition's local client wrote on the cut-off writer before its
    # fencing; whatever it was told committed is not on the writer at the
    # end, and got the documented repair.
    run -0 awk -F'\t' 'NR > 1 && $2 == "partition-writer" { print $11, $12, $13 }' \
        "$CHAOS_CI_OUT/faults.tsv"
    [ -n "$output" ] || fail "no partition-writer in the list"
    read -r repairs acked errant <<<"$output"
    assert_equal "$errant" "$acked"
    if [ "$acked" -gt 0 ]; then
        [ "$repairs" -ge 1 ] || fail "$acked local writes, no repair"
    fi
}

@test "chaos: the end: CHECKSUM TABLE equal on every node, daemons and addresses as at the start" {
    run -0 cat "$CHAOS_CI_OUT.rc"
    assert_output 0
    run -0 cat "$CHAOS_CI_OUT/end.txt"
    assert_output --partial "end: CHECKSUM TABLE equal on every node; daemons and addresses as at the start"
}

@test "chaos: bad arguments refused in one line naming the option" {
    run -64 --separate-stderr bash "$BATS_TEST_DIRNAME/../../bench/chaos" --faults 0
    assert_equal "$stderr" "bench/chaos: --faults: 1-9999, not '0'"
    run -64 --separate-stderr bash "$BATS_TEST_DIRNAME/../../bench/chaos" --plan /nonexistent
    assert_output ''
    [[ $stderr == "bench/chaos: --plan: "* ]] || fail "$stderr"
    run -64 --separate-stderr bash "$BATS_TEST_DIRNAME/../../bench/chaos" --fencing maybe
    [[ $stderr == "bench/chaos: --fencing: "* ]] || fail "$stderr"
}
