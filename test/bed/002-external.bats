#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# External mode: MMHA_TEST_SERVERS names option files of servers the bed
# did not start (here: a bed's own servers, seen from a subshell).

load ../lib/bed

setup_file() {
    bed_start -n 2 -t mm
    echo "# bed up in ${BED_START_SECONDS}s" >&3
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
}

# external CMD...: run CMD with the bed functions in external mode.
external() {
    (
        MMHA_TEST_SERVERS="$(bed_cnf 1) $(bed_cnf 2)"
        export MMHA_TEST_SERVERS
        unset BED_DIR BED_N
        "$@"
    )
}

replicate_a_row() {
    bed_start || return 1
    echo "n=$BED_N host=$(bed_host 2) port=$(bed_port 2)"
    bed_sql 1 "CREATE TABLE test.ext (id INT PRIMARY KEY)" &&
        bed_app_sql 1 "INSERT INTO test.ext VALUES (7)" &&
        bed_sync 10 &&
        bed_sql 2 "SELECT id FROM test.ext" || return 1
    bed_pid 1 2>/dev/null && return 1
    bed_stop
}

@test "external mode: cnf files come from MMHA_TEST_SERVERS, a row replicates" {
    run -0 external replicate_a_row
    assert_line "n=2 host=127.0.0.1 port=$(bed_port 2)"
    assert_line 7
    # bed_stop in external mode left the servers alone.
    run -0 bed_running 1
    run -0 bed_running 2
    run -0 bed_sql 2 "SELECT id FROM test.ext"
    assert_output 7
}
