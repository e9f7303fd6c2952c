#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The libFuzzer targets (helpers/fuzz, make fuzz) for a bounded time each:
# the option-file parser, the GTID parser and the position parser. A crash,
# a sanitizer report or a failed round trip fails the test; the input that
# did it is kept under the test's directory and printed.

load ../lib/common

# Seconds per target (at most 20 in CI).
: "${MMHA_FUZZ_SECONDS:=10}"

setup_file() {
    cd "$MMHA_TOP" || return 1
    # Builds only what changed; clang-14 and libclang-rt-14-dev (mk/deps.sh).
    run_bounded 300 make -s fuzz >&2
}

setup() {
    load_bats_libs
    cd "$MMHA_TOP" || return 1
}

# fuzz NAME: run build-fuzz/fuzz_NAME on a copy of its seed corpus.
fuzz() {
    local bin="$MMHA_TOP/build-fuzz/fuzz_$1" corpus="$BATS_TEST_TMPDIR/corpus"
    [ -x "$bin" ] || fail "$bin is missing: make fuzz"
    mkdir -p "$corpus"
    cp "$MMHA_TOP/helpers/fuzz/corpus/$1/"* "$corpus/"
    run -0 run_bounded $((MMHA_FUZZ_SECONDS + 15)) "$bin" \
        -max_total_time="$MMHA_FUZZ_SECONDS" -rss_limit_mb=1024 \
        -artifact_prefix="$BATS_TEST_TMPDIR/" "$corpus"
    assert_output --partial "Done "
    refute_output --partial "ERROR: AddressSanitizer"
    refute_output --partial "runtime error"
    echo "# $1: $(printf '%s\n' "$output" | grep '^Done ')" >&3
}

@test "fuzz: option-file parser" {
    fuzz optfile
}

@test "fuzz: GTID set parser, formatting and arithmetic" {
    fuzz gtid
}

@test "fuzz: positions, host:port and numbers of the command line" {
    fuzz position
}
