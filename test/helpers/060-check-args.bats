#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --check-args on every helper and subcommand: the same parsing, bounds and
# messages as a real run, exit 0, no connection, nothing changed. A table
# of good and bad values per option; numbers are decimal only everywhere.

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
    # A file that does not exist: a real run would exit 66 on it.
    NOFILE=$BATS_TEST_TMPDIR/none.cnf
}

# good CMD... : accepted by --check-args (exit 0, no output at all).
good() {
    run -0 --separate-stderr "$@" --check-args --defaults-file "$NOFILE"
    assert_equal "$output" ""
    assert_equal "$stderr" ""
}

# bad OPTION CMD... : refused with one line naming OPTION and exit 64, the
# same line with and without --check-args.
bad() {
    local opt=$1 with
    shift
    run -64 --separate-stderr "$@" --check-args --defaults-file "$NOFILE"
    with=$stderr
    assert_equal "$output" ""
    assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
    [[ "$stderr" == "$1: $opt"* ]] ||
        fail "'$*' said '$stderr', not about $opt"
    run -64 --separate-stderr "$@" --defaults-file "$NOFILE"
    assert_equal "$stderr" "$with"
}

# Numbers no option accepts, whatever its bounds.
NOT_NUMBERS=(08 -1 1e3 0x10 " 5" "5 " +80 "" 5x 1.0.0
    1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000)

@test "check-args: --timeout takes decimal seconds with millisecond resolution" {
    local t v
    # The whole table on one subcommand of each helper ...
    for t in "mmha-binlog capture" "mmha-lag check" "mmha-readonly" "mmha-guard"; do
        # shellcheck disable=SC2086 # the tool and its subcommand
        for v in 0.3 1 2.125 0.001 86400; do good $t --timeout "$v"; done
        # shellcheck disable=SC2086
        for v in "${NOT_NUMBERS[@]}" 0 0.0005 1. .5 nan inf 86400.001 00.3; do
            bad --timeout $t --timeout "$v"
        done
    done
    # ... and a sample on the others (one parser serves them all).
    for t in "mmha-binlog clients" "mmha-binlog replica stop" "mmha-lag age" "mmha-lag beat"; do
        # shellcheck disable=SC2086
        good $t --timeout 0.3
        # shellcheck disable=SC2086
        bad --timeout $t --timeout 1e3
    done
    run -64 --separate-stderr mmha-binlog capture --check-args --timeout 0x10
    assert_equal "$stderr" "mmha-binlog: --timeout: '0x10' is not a number of seconds (decimal, at most 3 decimals)"
    run -64 --separate-stderr mmha-binlog capture --check-args --timeout 86401
    assert_equal "$stderr" "mmha-binlog: --timeout: '86401' is out of range (0.001 to 86400 seconds)"
}

@test "check-args: common options of every helper" {
    local t v
    for t in "mmha-binlog capture" "mmha-lag check" "mmha-readonly" "mmha-guard"; do
        # shellcheck disable=SC2086
        for v in 1 3306 65535; do good $t --port "$v"; done
        # shellcheck disable=SC2086
        for v in "${NOT_NUMBERS[@]}" 0 65536; do bad --port $t --port "$v"; done
        # shellcheck disable=SC2086
        for v in human shell json; do good $t --format "$v"; done
        # shellcheck disable=SC2086
        for v in xml "" JSON; do bad --format $t --format "$v"; done
        # shellcheck disable=SC2086
        for v in 127.0.0.1 db1.example ::1; do good $t --host "$v"; done
        # shellcheck disable=SC2086
        for v in "" "db 1" "db'1" 'db"1' 'db*' 'db?' 'db[1]'; do bad --host $t --host "$v"; done
        # shellcheck disable=SC2086
        for v in "" "a b" "a'b"; do bad --defaults-group $t --defaults-group "$v"; done
        # shellcheck disable=SC2086
        good $t --defaults-group mmha --user app --socket /run/mysqld/mysqld.sock -v --syslog
        # shellcheck disable=SC2086
        bad --user $t --user ""
        # shellcheck disable=SC2086
        bad --socket $t --socket ""
        # shellcheck disable=SC2086
        bad --password $t --password=x
        # shellcheck disable=SC2086
        bad --bogus $t --bogus
    done
    run -64 --separate-stderr mmha-lag check --check-args --port +80
    assert_equal "$stderr" "mmha-lag: --port: '+80' is not a decimal whole number"
    run -64 --separate-stderr mmha-lag check --check-args --port 65536
    assert_equal "$stderr" "mmha-lag: --port: '65536' is out of range (1 to 65535)"
}

@test "check-args: mmha-binlog subcommands" {
    local v
    good mmha-binlog wait --pos mariadb-bin.000001:4
    good mmha-binlog wait --gtid 1-1-5
    good mmha-binlog wait --drain --progress
    for v in f:08 f:+5 f:-5 f: :5 f:0x10 f:1e3 "f: 5" nocolon; do
        bad --pos mmha-binlog wait --pos "$v"
    done
    bad wait mmha-binlog wait --pos f:4 --drain
    good mmha-binlog repoint --to 10.0.0.2:3306 --gtid --settle 0
    good mmha-binlog repoint --to '[::1]:3306' --at f.000002:4 --settle 60000 --repl-defaults-file /etc/r.cnf
    good mmha-binlog repoint --to h:1 --gtid --ignore-domains 1,2 --ignore-source-domain
    for v in "${NOT_NUMBERS[@]}" 60001; do
        bad --settle mmha-binlog repoint --to h:1 --gtid --settle "$v"
    done
    for v in h:0 h:+80 h:08 h:65536 h: h ":3306" "h:80 "; do
        bad --to mmha-binlog repoint --to "$v" --gtid
    done
    for v in "1,x" "" "1,,2" "1," 4294967296 "1 2" "+1"; do
        bad --ignore-domains mmha-binlog repoint --to h:1 --gtid --ignore-domains "$v"
    done
    bad --repl-defaults-file mmha-binlog repoint --to h:1 --gtid --repl-defaults-file ""
    good mmha-binlog errant --reference /etc/ref.cnf
    good mmha-binlog errant --reference 10.0.0.1:3306
    bad --reference mmha-binlog errant --reference ""
    good mmha-binlog replica stop
    good mmha-binlog replica stop --io-thread
    good mmha-binlog replica start --io-thread
    good mmha-binlog replica reconnect --repl-defaults-file /etc/r.cnf
    for v in 1 4 31536000; do good mmha-binlog replica net-timeout "$v"; done
    for v in "${NOT_NUMBERS[@]}" 0 31536001; do
        bad net-timeout mmha-binlog replica net-timeout "$v"
    done
    good mmha-binlog clients --host 10.0.0.2 --port 3306
}

@test "check-args: mmha-lag subcommands, the agent's lag parameters" {
    local v
    good mmha-lag check --max-lag 1000 --recover-lag 500 --dwell 5 --publish mmha
    good mmha-lag check --max-lag 1 --recover-lag 0 --dwell 0 --publish mmha-db.1_x --node node-1 --dampen 2.5
    good mmha-lag check --max-lag 86400000 --dwell 86400 --state-file /run/x --offset-from /etc/w.cnf
    good mmha-lag check --watch 10 --count 3 --pidfile /run/p
    good mmha-lag check --watch 3600000
    for v in "${NOT_NUMBERS[@]}" 0 86400001; do bad --max-lag mmha-lag check --max-lag "$v"; done
    for v in "${NOT_NUMBERS[@]}" 86400001; do bad --recover-lag mmha-lag check --recover-lag "$v"; done
    bad --recover-lag mmha-lag check --max-lag 100 --recover-lag 100
    for v in "${NOT_NUMBERS[@]}" 86400.001 0.0001; do bad --dwell mmha-lag check --dwell "$v"; done
    for v in "${NOT_NUMBERS[@]}" 3600.001; do bad --dampen mmha-lag check --publish p --dampen "$v"; done
    for v in "${NOT_NUMBERS[@]}" 0 9 3600001; do bad --watch mmha-lag check --watch "$v"; done
    for v in "${NOT_NUMBERS[@]}" 0; do bad --count mmha-lag check --watch 100 --count "$v"; done
    for v in "" "a b" "a'b" 'a"b' 'a*' 'a?' 'a[1]' 'a=b' 'a/b' "a	b" \
        "$(printf 'x%.0s' {1..201})"; do
        bad --publish mmha-lag check --publish "$v"
    done
    good mmha-lag check --publish "$(printf 'x%.0s' {1..200})"
    for v in "" "node 1" "node'1"; do bad --node mmha-lag check --publish p --node "$v"; done
    bad --state-file mmha-lag check --state-file ""
    good mmha-lag beat --interval 250 --epoch 7 --once
    good mmha-lag beat --interval 10 --epoch 0 --pidfile /run/b.pid
    for v in "${NOT_NUMBERS[@]}" 0 9 3600001; do bad --interval mmha-lag beat --interval "$v"; done
    for v in "${NOT_NUMBERS[@]}" 9223372036854775808; do bad --epoch mmha-lag beat --epoch "$v"; done
    good mmha-lag age
    good mmha-lag age --format json --timeout 2
    bad --max-lag mmha-lag age --max-lag 5
}

@test "check-args: mmha-readonly and mmha-guard" {
    local v
    good mmha-readonly --kill-after 100 --spare-user app --spare-user 'app@10.%'
    good mmha-readonly --kill-after 0 --keep-clients
    good mmha-readonly --writable
    for v in "${NOT_NUMBERS[@]}" 86400001; do bad --kill-after mmha-readonly --kill-after "$v"; done
    for v in "" "@h" "a b" "a'b" 'a"b' 'a*' 'a?' 'a\b'; do
        bad --spare-user mmha-readonly --spare-user "$v"
    done
    bad --writable mmha-readonly --writable --keep-clients
    good mmha-guard --interval 0.5 --kill-after 0.1 --link-interval 0 --link-grace 0 --group g1
    good mmha-guard --interval 0.05 --link-interval 0.02 --epoch-file /run/e --status-file /run/s --pidfile /run/p
    for v in "${NOT_NUMBERS[@]}" 0 0.049 60.001; do bad --interval mmha-guard --interval "$v"; done
    for v in "${NOT_NUMBERS[@]}" 60.001; do bad --kill-after mmha-guard --kill-after "$v"; done
    for v in "${NOT_NUMBERS[@]}" 0.019; do bad --link-interval mmha-guard --link-interval "$v"; done
    for v in "${NOT_NUMBERS[@]}" 60.001; do bad --link-grace mmha-guard --link-grace "$v"; done
    for v in "" "g 1" "$(printf 'g%.0s' {1..200})"; do bad --group mmha-guard --group "$v"; done
    bad --epoch-file mmha-guard --epoch-file ""
}

@test "check-args: connects nowhere and changes nothing" {
    local c0 c1
    c0=$(bed_sql 2 "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2)
    run -0 mmha-binlog replica stop --check-args --defaults-file "$(bed_cnf 2)"
    run -0 mmha-binlog replica net-timeout 9 --check-args --defaults-file "$(bed_cnf 2)"
    run -0 mmha-binlog replica reconnect --check-args --repl-defaults-file "$(bed_repl_cnf)" --defaults-file "$(bed_cnf 2)"
    run -0 mmha-readonly --check-args --defaults-file "$(bed_cnf 2)"
    run -0 mmha-lag beat --once --check-args --defaults-file "$(bed_cnf 2)"
    c1=$(bed_sql 2 "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2)
    # One connection: the bed_sql that read the counter the first time.
    assert_equal "$((c1 - c0))" 1
    run -0 _bed_slave_field 2 Slave_IO_Running
    assert_output Yes
    run -0 bed_sql 2 "SELECT @@GLOBAL.slave_net_timeout, @@GLOBAL.read_only"
    refute_output --partial 9
    assert_output --regexp $'^[0-9]+\t0$'
    # Unreachable or missing: still 0, at once.
    run -0 mmha-binlog capture --check-args --host 127.0.0.1 --port 1 --timeout 0.3
    run -0 mmha-lag check --check-args --defaults-file "$BATS_TEST_TMPDIR/none.cnf"
}

@test "--version and --help on every helper" {
    local t
    for t in mmha-binlog mmha-lag mmha-readonly mmha-guard; do
        run -0 "$t" --version
        assert_output --regexp "^$t [0-9]+\.[0-9]+\.[0-9]+"
        run -0 "$t" --help
        assert_output --partial "--check-args"
        # Every option of the synopsis has a line of its own that says
        # what it does.
        local opt
        for opt in $(printf '%s\n' "$output" | sed -n '/^options:/q;p' |
            grep -o -- '--[a-z-]*' | sort -u); do
            assert_line --regexp "^  (-v, )?$opt( [^ ]+)? +[a-z]"
        done
    done
    run -0 mmha-binlog capture --version
    assert_output --regexp '^mmha-binlog [0-9]'
    run -0 mmha-lag age --version
    assert_output --regexp '^mmha-lag [0-9]'
}
