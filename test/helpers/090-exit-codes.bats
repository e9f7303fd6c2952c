#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Exit codes that say what happened: a wait the server refuses, a
# table-level denial, a restored re-point, a --watch that would spin.

# bats sets $stderr for run --separate-stderr.
# shellcheck disable=SC2154

load ../lib/bed

setup_file() {
    bed_start -n 2
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
}

# field KEY: a KEY=value of the last shell-format $output.
field() {
    printf '%s\n' "$output" | sed -n "s/^$1=//p"
}

@test "wait --pos on a file the source never had: the server's refusal at once (65), not 124" {
    local t0 t1
    t0=$(_mmha_now_ms)
    run -65 --separate-stderr mmha-binlog wait --defaults-file "$(bed_cnf 2)" \
        --pos nosuchfile:5 --timeout 5 --format shell
    t1=$(_mmha_now_ms)
    assert_line "STATUS=data-error"
    assert_equal "$stderr" "mmha-binlog: the server refused the wait: MASTER_POS_WAIT returned NULL (is the file a binary log of its source?)"
    [ $((t1 - t0)) -lt 1000 ] || fail "took $((t1 - t0)) ms"
    # A real position of the source still works.
    run -0 mmha-binlog wait --defaults-file "$(bed_cnf 2)" \
        --pos "$(bed_sql 1 'SHOW MASTER STATUS' | cut -f1,2 | tr '\t' :)" --timeout 5
}

@test "a table-level denial exits 77" {
    run -0 mmha-lag beat --once --defaults-file "$(bed_cnf 1)"
    local h
    for h in % localhost; do
        run -0 bed_sql 1 "SET sql_log_bin=0; CREATE OR REPLACE USER 'weak'@'$h' IDENTIFIED BY 'w'"
    done
    (umask 077 && printf '[client]\nuser=weak\npassword=w\nhost=127.0.0.1\nport=%s\nprotocol=tcp\n' \
        "$(bed_port 1)" >"$BATS_TEST_TMPDIR/weak.cnf")
    run -77 --separate-stderr mmha-lag age --defaults-file "$BATS_TEST_TMPDIR/weak.cnf"
    assert_equal "$output" ""
    [[ "$stderr" == *"SELECT command denied"* ]] || fail "said: $stderr"
    run -77 --separate-stderr mmha-lag beat --once --defaults-file "$BATS_TEST_TMPDIR/weak.cnf"
}

@test "a re-point that fails and is restored: 124, and no stale IO error in the replica" {
    run -124 --separate-stderr mmha-binlog repoint --defaults-file "$(bed_cnf 2)" \
        --to 127.0.0.1:1 --gtid --repl-defaults-file "$(bed_repl_cnf)" \
        --timeout 4 --format shell
    assert_line "RESTORED=1"
    assert_line "REPLICA_SOURCE_PORT=$(bed_port 1)"
    assert_line "REPLICA_LAST_IO_ERRNO=0"
    run -0 bed_wait_replicating 2 10
    run -0 _bed_slave_field 2 Last_IO_Errno
    assert_output 0
    # The next re-point is not blamed for the earlier failure.
    run -0 mmha-binlog repoint --defaults-file "$(bed_cnf 2)" \
        --to "127.0.0.1:$(bed_port 1)" --gtid --repl-defaults-file "$(bed_repl_cnf)" \
        --timeout 10 --format shell
    assert_line "STATUS=ok"
}

@test "check --watch below 10 ms is refused before connecting" {
    run -64 --separate-stderr mmha-lag check --watch 0 --defaults-file "$(bed_cnf 2)"
    assert_equal "$stderr" "mmha-lag: --watch: '0' is out of range (10 to 3600000)"
    assert_equal "$output" ""
}
