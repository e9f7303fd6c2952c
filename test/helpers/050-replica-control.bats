#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha-binlog replica stop/start/net-timeout/reconnect, clients, capture's
# auto-increment settings and mmha-lag age, against a real pair: what the
# agent used to do with SQL of its own.
# wait_until conditions are single-quoted on purpose: evaluated at each try.
# shellcheck disable=SC2016

# bats sets $stderr for run --separate-stderr.
# shellcheck disable=SC2154

load ../lib/bed

setup_file() {
    bed_start -n 2
}

teardown_file() {
    stop_pidfiles "$BATS_FILE_TMPDIR"
    bed_stop
}

setup() {
    load_bats_libs
}

binlog() {
    run_bounded 30 mmha-binlog "$@"
}

# field KEY: a KEY=value of the last shell-format $output.
field() {
    printf '%s\n' "$output" | sed -n "s/^$1=//p"
}

# slave i FIELD: one field of server i's SHOW SLAVE STATUS.
slave() {
    _bed_slave_field "$1" "$2"
}

# json_ok: the last $output is valid JSON for a strict parser.
json_ok() {
    printf '%s\n' "$output" | python3 -m json.tool >/dev/null ||
        fail "not valid JSON: $output"
}

# hold NAME CNF SQL: a client of option file CNF running SQL in the
# background over TCP to server 1; its pid in $BATS_FILE_TMPDIR/NAME.pid.
hold() {
    mariadb --defaults-file="$2" --protocol=tcp --host=127.0.0.1 \
        --port="$(bed_port 1)" --skip-reconnect -N -B -e "$3" \
        >/dev/null 2>&1 3>&- &
    echo $! >"$BATS_FILE_TMPDIR/$1.pid"
}

# session_of USER INFO_PREFIX: id of server 1's session of USER running a
# statement that starts so.
session_of() {
    bed_sql 1 "SELECT ID FROM information_schema.PROCESSLIST
        WHERE USER = '$1' AND INFO LIKE '$2%'"
}

@test "replica stop --io-thread: IO thread stopped, SQL thread still running; start brings it back" {
    run -0 binlog replica stop --io-thread --defaults-file "$(bed_cnf 2)" --format shell
    assert_line "STATUS=ok"
    assert_line "REPLICA_IO_RUNNING=no"
    assert_line "REPLICA_SQL_RUNNING=yes"
    run -0 slave 2 Slave_IO_Running
    assert_output No
    run -0 slave 2 Slave_SQL_Running
    assert_output Yes
    run -0 --separate-stderr binlog replica start --io-thread --defaults-file "$(bed_cnf 2)" --format json
    json_ok
    assert_output --partial '"status":"ok"'
    run -0 bed_wait_replicating 2 10
    run -0 slave 2 Slave_IO_Running
    assert_output Yes
}

@test "replica stop and start: both threads" {
    run -0 binlog replica stop --defaults-file "$(bed_cnf 2)" --format shell
    assert_line "REPLICA_IO_RUNNING=no"
    assert_line "REPLICA_SQL_RUNNING=no"
    run -0 slave 2 Slave_SQL_Running
    assert_output No
    # Stopping what is stopped is no error (the server only warns).
    run -0 binlog replica stop --defaults-file "$(bed_cnf 2)" --format shell
    run -0 binlog replica start --defaults-file "$(bed_cnf 2)" --format shell
    assert_line "REPLICA_SQL_RUNNING=yes"
    run -0 bed_wait_replicating 2 10
    # Replication works again: a row written on 1 arrives on 2.
    run -0 bed_sql 1 "CREATE TABLE test.rc (id INT PRIMARY KEY)"
    run -0 bed_sql 1 "INSERT INTO test.rc VALUES (1)"
    run -0 bed_sync 10
    run -0 bed_sql 2 "SELECT COUNT(*) FROM test.rc"
    assert_output 1
}

@test "replica net-timeout: the global variable is set; bad values change nothing" {
    run -0 binlog replica net-timeout 7 --defaults-file "$(bed_cnf 2)" --format shell
    assert_line "REPLICA_NET_TIMEOUT=7"
    run -0 bed_sql 2 "SELECT @@GLOBAL.slave_net_timeout"
    assert_output 7
    run -0 --separate-stderr binlog replica net-timeout 4 --defaults-file "$(bed_cnf 2)" --format json
    json_ok
    assert_output --partial '"replica_net_timeout":4'
    local v
    for v in 0 -1 08 1e3 +4 31536001 ''; do
        run -64 --separate-stderr mmha-binlog replica net-timeout "$v" --defaults-file "$(bed_cnf 2)"
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        assert_equal "${stderr%%: *}" mmha-binlog
    done
    run -64 --separate-stderr mmha-binlog replica net-timeout --defaults-file "$(bed_cnf 2)"
    assert_equal "$stderr" "mmha-binlog: replica net-timeout needs SECONDS"
    run -0 bed_sql 2 "SELECT @@GLOBAL.slave_net_timeout"
    assert_output 4
}

@test "replica: bad actions and misplaced options, one line and 64" {
    run -64 --separate-stderr mmha-binlog replica
    assert_equal "$stderr" "mmha-binlog: replica needs an action: stop, start, net-timeout, reconnect"
    run -64 --separate-stderr mmha-binlog replica pause
    assert_equal "$stderr" "mmha-binlog: replica: 'pause' is not an action (stop, start, net-timeout, reconnect)"
    run -64 --separate-stderr mmha-binlog replica reconnect
    assert_equal "$stderr" "mmha-binlog: replica reconnect needs --repl-defaults-file FILE"
    run -64 --separate-stderr mmha-binlog replica net-timeout 5 --io-thread
    assert_equal "$stderr" "mmha-binlog: --io-thread is for replica stop and replica start"
    run -64 --separate-stderr mmha-binlog capture --io-thread
    run -64 --separate-stderr mmha-binlog replica stop extra
    assert_equal "$stderr" "mmha-binlog: unexpected argument 'extra'"
    run -64 --separate-stderr mmha-binlog clients --repl-defaults-file /x
    assert_equal "$stderr" "mmha-binlog: --repl-defaults-file is for repoint and replica reconnect"
}

@test "replica reconnect: this node's leftover session on the source ends, the IO thread runs again" {
    # A second session of the replication account from this address.
    hold leftover "$(bed_repl_cnf)" "SELECT SLEEP(60)"
    run -0 wait_until 10 '[ -n "$(session_of repl "SELECT SLEEP")" ]'
    local id
    id=$(session_of repl "SELECT SLEEP")
    run -0 binlog replica reconnect --repl-defaults-file "$(bed_repl_cnf)" \
        --defaults-file "$(bed_cnf 2)" --format shell
    assert_line "STATUS=ok"
    assert_line "SOURCE=127.0.0.1:$(bed_port 1)"
    local ended
    ended=$(field ENDED)
    [[ ",$ended," == *",$id,"* ]] || fail "ENDED=$ended lacks the leftover session $id"
    # Gone from the source's processlist, and its client saw the end.
    run -0 wait_until 5 '[ -z "$(session_of repl "SELECT SLEEP")" ]'
    run -0 wait_until 5 '! kill -0 "$(cat "$BATS_FILE_TMPDIR/leftover.pid")" 2>/dev/null'
    # The replica's IO thread runs again and replicates.
    run -0 bed_wait_replicating 2 10
    run -0 bed_sql 1 "CREATE TABLE test.rc2 (id INT PRIMARY KEY)"
    run -0 bed_sync 10
    run -0 bed_sql 2 "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'rc2'"
    assert_output 1
    # Sessions of other accounts stay.
    hold other "$(bed_app_cnf 1)" "SELECT SLEEP(60)"
    run -0 wait_until 10 '[ -n "$(session_of app "SELECT SLEEP")" ]'
    run -0 --separate-stderr binlog replica reconnect --repl-defaults-file "$(bed_repl_cnf)" \
        --defaults-file "$(bed_cnf 2)" --format json
    json_ok
    run -0 session_of app "SELECT SLEEP"
    refute_output ''
    run -0 bed_sql 1 "KILL $(session_of app "SELECT SLEEP")"
    run -0 bed_wait_replicating 2 10
}

@test "replica reconnect: a source that refuses the account still leaves the IO thread started" {
    run -0 bed_sql 2 "STOP SLAVE IO_THREAD"
    printf '[client]\nuser=nobody\npassword=x\n' >"$BATS_TEST_TMPDIR/bad.cnf"
    chmod 600 "$BATS_TEST_TMPDIR/bad.cnf"
    run -77 --separate-stderr mmha-binlog replica reconnect --repl-defaults-file "$BATS_TEST_TMPDIR/bad.cnf" \
        --defaults-file "$(bed_cnf 2)" --format shell
    assert_line "ENDED="
    run -0 bed_wait_replicating 2 10
}

@test "clients: a TCP client is listed, the replication dump and our own connection are not" {
    hold client "$(bed_app_cnf 1)" "SELECT SLEEP(60)"
    run -0 wait_until 10 '[ -n "$(session_of app "SELECT SLEEP")" ]'
    local id host dump
    id=$(session_of app "SELECT SLEEP")
    host=$(bed_sql 1 "SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = $id")
    dump=$(bed_sql 1 "SELECT HOST FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
    [ -n "$dump" ] || fail "no binlog dump thread on server 1"
    run -0 binlog clients --defaults-file "$(bed_cnf 1)" --format shell
    assert_line "CLIENT=$host"
    refute_line "CLIENT=$dump"
    # Every line is CLIENT=address:port, and ours is not among them.
    refute_line --regexp '^CLIENT=.*[^0-9]$'
    assert_equal "$(grep -c . <<<"$output")" 1
    run -0 --separate-stderr binlog clients --defaults-file "$(bed_cnf 1)" --format json
    json_ok
    assert_output "{\"clients\":[\"$host\"]}"
    # Another server over TCP with the same account: server 1 seen from 2's file.
    run -0 binlog clients --defaults-file "$(bed_cnf 2)" --host 127.0.0.1 --port "$(bed_port 1)" --format shell
    assert_line "CLIENT=$host"
    run -0 bed_sql 1 "KILL $id"
    run -0 binlog clients --defaults-file "$(bed_cnf 1)" --format shell
    refute_output --partial "CLIENT=$host"
}

@test "capture: auto_increment_increment and auto_increment_offset" {
    run -0 binlog capture --defaults-file "$(bed_cnf 2)" --format shell
    assert_line "AUTO_INCREMENT_INCREMENT=$(bed_sql 2 'SELECT @@GLOBAL.auto_increment_increment')"
    assert_line "AUTO_INCREMENT_OFFSET=2"
    run -0 --separate-stderr binlog capture --defaults-file "$(bed_cnf 1)" --format json
    json_ok
    assert_output --partial '"auto_increment_offset":1'
}

@test "lag age: no row, a fresh row, a locked table (75 within ~1.2 s)" {
    run -0 bed_sql 1 "DROP DATABASE IF EXISTS mmha"
    run -0 bed_sync 10
    run -0 mmha-lag age --defaults-file "$(bed_cnf 1)" --format shell
    assert_output "ROW_AGE_MS="
    run -0 --separate-stderr mmha-lag age --defaults-file "$(bed_cnf 1)" --format json
    json_ok
    assert_output '{"row_age_ms":null}'
    run -0 mmha-lag beat --once --defaults-file "$(bed_cnf 1)"
    # Server 2 has server 1's row but none of its own.
    run -0 bed_sync 10
    run -0 mmha-lag age --defaults-file "$(bed_cnf 2)" --format shell
    assert_output "ROW_AGE_MS="
    run -0 mmha-lag age --defaults-file "$(bed_cnf 1)" --format shell
    local age
    age=$(field ROW_AGE_MS)
    [ "$age" -ge 0 ] && [ "$age" -lt 5000 ] || fail "fresh row aged $age ms"
    sleep 1
    run -0 mmha-lag age --defaults-file "$(bed_cnf 1)" --format shell
    [ "$(field ROW_AGE_MS)" -ge $((age + 1000)) ] || fail "the row did not age: $output"

    # A table lock blocks the read as it blocks the beat.
    hold lock "$(bed_cnf 1)" "LOCK TABLES mmha.heartbeat WRITE; SELECT SLEEP(30)"
    run -0 wait_until 10 '[ -n "$(session_of mmha_admin "SELECT SLEEP")" ]'
    local t0 t1
    t0=$(_mmha_now_ms)
    run -75 --separate-stderr mmha-lag age --defaults-file "$(bed_cnf 1)" --format shell
    t1=$(_mmha_now_ms)
    assert_equal "$stderr" "mmha-lag: heartbeat row unreadable within 1 s (table locked?)"
    assert_output ""
    [ $((t1 - t0)) -ge 900 ] && [ $((t1 - t0)) -le 1500 ] ||
        fail "answered after $((t1 - t0)) ms"
    echo "# locked: exit 75 after $((t1 - t0)) ms" >&3
    run -0 bed_sql 1 "KILL $(session_of mmha_admin "SELECT SLEEP")"

    # FLUSH TABLES WITH READ LOCK blocks the beat, not this read: the
    # row is readable and its age shows the beat is held.
    hold ftwrl "$(bed_cnf 1)" "FLUSH TABLES WITH READ LOCK; SELECT SLEEP(30)"
    run -0 wait_until 10 '[ -n "$(session_of mmha_admin "SELECT SLEEP")" ]'
    run -0 mmha-lag age --defaults-file "$(bed_cnf 1)" --format shell
    [ "$(field ROW_AGE_MS)" -ge 1000 ] || fail "row age $output under a global read lock"
    run -0 bed_sql 1 "KILL $(session_of mmha_admin "SELECT SLEEP")"
    run -64 --separate-stderr mmha-lag age --max-lag 5
    assert_equal "$stderr" "mmha-lag: --max-lag: not an option of 'mmha-lag age'"
}

@test "repoint --dry-run: the statements it would send, password masked; nothing changes" {
    local before
    before=$(_bed_slave_field 2 Master_Host Master_Port Slave_IO_Running Using_Gtid | paste -sd' ' -)
    run -0 --separate-stderr binlog repoint --dry-run --defaults-file "$(bed_cnf 2)" \
        --to 127.0.0.1:1 --gtid --repl-defaults-file "$(bed_repl_cnf)" --format shell
    assert_line "DRY_RUN=1"
    assert_line "STATEMENT=STOP SLAVE"
    assert_line --regexp "^STATEMENT=CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='repl', MASTER_PASSWORD='\*+',"
    assert_line "STATEMENT=START SLAVE"
    refute_output --partial "$(sed -n 's/^password=//p' "$(bed_repl_cnf)")"
    assert_line "REPLICA_SOURCE_PORT=$(bed_port 1)"
    assert_equal "$(_bed_slave_field 2 Master_Host Master_Port Slave_IO_Running Using_Gtid | paste -sd' ' -)" "$before"
    run -0 --separate-stderr binlog repoint --dry-run --defaults-file "$(bed_cnf 2)" \
        --to 127.0.0.1:1 --at f.000001:4 --format json
    printf '%s\n' "$output" | python3 -m json.tool >/dev/null || fail "invalid JSON: $output"
    assert_output --partial '"dry_run":true,"statements":["STOP SLAVE","CHANGE MASTER TO'
    run -64 --separate-stderr mmha-binlog capture --dry-run
}
