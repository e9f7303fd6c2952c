#!/usr/bin/env bats
# Static checks, one test per tool, so a lint failure shows in the summary.

load ../lib/common

setup() {
    load_bats_libs
    cd "$MMHA_TOP" || return 1
}

@test "shellcheck: every shell file is clean" {
    run sh mk/lint.sh shell
    assert_success
}

@test "clang-format: every C file is formatted" {
    run sh mk/lint.sh format
    assert_success
}

@test "cppcheck: no warnings in the C sources" {
    run sh mk/lint.sh cppcheck
    assert_success
}

@test "build: helpers compile with -Werror (normal and sanitizer builds)" {
    run -0 make -s all
    run -0 make -s sanitize
}
