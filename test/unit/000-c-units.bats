#!/usr/bin/env bats
# The C unit tests (helpers/tests), each binary one test, run under both
# builds: plain and ASan/UBSan.

load ../lib/common

setup() {
    load_bats_libs
    cd "$MMHA_TOP" || return 1
}

# run_unit BUILD NAME: the unit binary must pass every TAP point.
run_unit() {
    local bin="$MMHA_TOP/$1/tests/$2"
    [ -x "$bin" ] || fail "$bin is missing: run make all sanitize"
    run -0 "$bin"
    refute_output --partial "not ok"
}

@test "unit: dialect table and version parser" {
    run_unit build test_dialect
    run_unit build-san test_dialect
}

@test "unit: output formats" {
    run_unit build test_output
    run_unit build-san test_output
}

@test "unit: option and number parsing, deadline" {
    run_unit build test_opts
    run_unit build-san test_opts
}

@test "unit: every unit binary in helpers/tests passes (plain and sanitized)" {
    local src name
    for src in helpers/tests/test_*.c; do
        name=$(basename "$src" .c)
        run_unit build "$name"
        run_unit build-san "$name"
    done
}
