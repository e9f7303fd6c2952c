#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Option files: one reader with the client library's rules (escapes,
# quotes, comments, !include) for every helper, and the mode check.

# bats sets $stderr for run --separate-stderr.
# shellcheck disable=SC2154

load ../lib/bed

setup_file() {
    bed_start -n 3
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    D=$BATS_TEST_TMPDIR
}

# private FILE TEXT: an option file of mode 0600.
private() {
    (umask 077 && printf '%s' "$2" >"$1")
}

# field KEY: a KEY=value of the last shell-format $output.
field() {
    printf '%s\n' "$output" | sed -n "s/^$1=//p"
}

@test "a replication password with \\, #, quotes and blanks: repoint replicates, every reader logs in" {
    # The password, and the same as an SQL literal.
    local pw sqlpw i h
    pw="p\\a#s 'q\" z"
    sqlpw=${pw//\\/\\\\}
    sqlpw=${sqlpw//\'/\\\'}
    for i in 1 2 3; do
        for h in % localhost; do
            run -0 bed_sql "$i" "SET sql_log_bin=0; ALTER USER 'repl'@'$h' IDENTIFIED BY '$sqlpw'"
        done
    done
    # Written as the client library reads it: quoted, \\ and \" escaped.
    private "$D/repl.cnf" "$(printf '[client]\n# the replication account\nuser = repl\npassword = "p\\\\a#s '"'"'q\\" z"\n')"
    private "$D/inc.cnf" "$(printf '[client]\n!include %s\n' "$D/repl.cnf")"
    # The mariadb client (mysys) reads it the same way.
    run -0 mariadb --defaults-file="$D/repl.cnf" --protocol=tcp --host=127.0.0.1 \
        --port="$(bed_port 1)" -N -B -e "SELECT CURRENT_USER()"
    assert_output "repl@%"
    # Server 3 moves from 1 to 2 with these credentials, and replicates.
    run -0 mmha-binlog repoint --defaults-file "$(bed_cnf 3)" \
        --to "127.0.0.1:$(bed_port 2)" --gtid --repl-defaults-file "$D/inc.cnf" \
        --settle 300 --timeout 20 --format shell
    assert_line "STATUS=ok"
    assert_line "REPLICA_IO_RUNNING=yes"
    run -0 bed_sql 2 "CREATE TABLE test.pw (id INT PRIMARY KEY)"
    run -0 bed_sql 2 "INSERT INTO test.pw VALUES (7)"
    run -0 bed_wait_sql 3 "SELECT id FROM test.pw" 7 10
    # libmariadb's own reading of the file: a connection with it.
    run -0 mmha-binlog replica reconnect --repl-defaults-file "$D/repl.cnf" \
        --defaults-file "$(bed_cnf 3)" --format shell
    assert_line "STATUS=ok"
    run -0 mmha-binlog clients --defaults-file "$D/inc.cnf" --host 127.0.0.1 \
        --port "$(bed_port 2)" --format json
    assert_output '{"clients":[]}'
    run -0 bed_wait_replicating 3 10
}

@test "mode check: group- or world-readable, foreign owner: 77 in every helper, before connecting" {
    cp "$(bed_cnf 1)" "$D/open.cnf"
    chmod 0644 "$D/open.cnf"
    local want="--defaults-file $D/open.cnf: readable by group or others (mode 0644); chmod 600 it"
    run -77 --separate-stderr mmha-binlog capture --defaults-file "$D/open.cnf"
    assert_equal "$stderr" "mmha-binlog: $want"
    assert_equal "$output" ""
    run -77 --separate-stderr mmha-lag check --defaults-file "$D/open.cnf"
    assert_equal "$stderr" "mmha-lag: $want"
    run -77 --separate-stderr mmha-readonly --defaults-file "$D/open.cnf"
    assert_equal "$stderr" "mmha-readonly: $want"
    run -77 --separate-stderr mmha-guard --defaults-file "$D/open.cnf"
    assert_equal "$stderr" "mmha-guard: $want"
    # Nothing was done on the server: it is still writable.
    run -0 bed_sql 1 "SELECT @@GLOBAL.read_only"
    assert_output 0
    chmod 0640 "$D/open.cnf"
    run -77 mmha-binlog capture --defaults-file "$D/open.cnf"
    chmod 0604 "$D/open.cnf"
    run -77 mmha-binlog capture --defaults-file "$D/open.cnf"
    # Mode 0600 but owned by someone else.
    chmod 0600 "$D/open.cnf"
    chown nobody "$D/open.cnf"
    run -77 --separate-stderr mmha-binlog capture --defaults-file "$D/open.cnf"
    assert_equal "$stderr" "mmha-binlog: --defaults-file $D/open.cnf: owned by uid $(id -u nobody), neither this user (uid $(id -u)) nor root"
    chown root "$D/open.cnf"
    run -0 mmha-binlog capture --defaults-file "$D/open.cnf"
    # Symlinks are followed: the file they name is checked.
    ln -s "$D/open.cnf" "$D/link.cnf"
    run -0 mmha-binlog capture --defaults-file "$D/link.cnf"
    chmod 0644 "$D/open.cnf"
    run -77 mmha-binlog capture --defaults-file "$D/link.cnf"
    # The other option files of the command line.
    run -77 --separate-stderr mmha-binlog repoint --defaults-file "$(bed_cnf 3)" \
        --to 127.0.0.1:1 --gtid --repl-defaults-file "$D/open.cnf"
    assert_equal "$stderr" "mmha-binlog: --repl-defaults-file $D/open.cnf: readable by group or others (mode 0644); chmod 600 it"
    run -77 mmha-binlog errant --defaults-file "$(bed_cnf 3)" --reference "$D/open.cnf"
    run -77 mmha-lag check --defaults-file "$(bed_cnf 2)" --offset-from "$D/open.cnf"
    # An included file is checked too.
    private "$D/inc.cnf" "$(printf '[client]\n!include %s\n' "$D/open.cnf")"
    run -77 mmha-binlog capture --defaults-file "$D/inc.cnf"
    # Missing: 66; a directory: 66.
    run -66 mmha-binlog capture --defaults-file "$D/none.cnf"
    run -66 mmha-binlog capture --defaults-file "$D"
}

@test "malformed option files: 78 with the line; !includedir reads DIR/my.cnf" {
    private "$D/bad.cnf" "$(printf 'user=x\n[client]\n')"
    run -78 --separate-stderr mmha-binlog capture --defaults-file "$D/bad.cnf"
    assert_equal "$stderr" "mmha-binlog: --defaults-file $D/bad.cnf: line 1: an option before any [group]"
    private "$D/bad.cnf" "$(printf '[client\nuser=x\n')"
    run -78 --separate-stderr mmha-lag age --defaults-file "$D/bad.cnf"
    assert_equal "$stderr" "mmha-lag: --defaults-file $D/bad.cnf: line 1: '[' without ']'"
    mkdir -m 0700 "$D/conf.d"
    cp "$(bed_cnf 1)" "$D/conf.d/my.cnf"
    private "$D/top.cnf" "$(printf '[client]\n!includedir %s\n' "$D/conf.d")"
    run -0 mmha-binlog capture --defaults-file "$D/top.cnf" --format shell
    assert_line "SERVER_ID=1"
    # A file including itself stops at 64 levels.
    private "$D/loop.cnf" "$(printf '[client]\n!include %s\n' "$D/loop.cnf")"
    run -78 --separate-stderr mmha-binlog capture --defaults-file "$D/loop.cnf"
    assert_equal "$stderr" "mmha-binlog: --defaults-file $D/loop.cnf: !include $D/loop.cnf: more than 64 levels of includes"
}
