#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha-binlog semisync against real servers: server 1 a semi-sync source,
# server 2 its semi-sync replica; what the source then counts, how long a
# write waits when no replica acknowledges, and what capture shows.
# Server 3 (a replica of 1) claims to be MySQL 8.0.36 (version= in its
# my.cnf): mmha-binlog asks it for rpl_semi_sync_source_enabled, which it
# does not know, as MySQL does without the semisync plugins.
# wait_until conditions are single-quoted on purpose: evaluated at each try.
# shellcheck disable=SC2016

# bats sets $stderr for run --separate-stderr.
# shellcheck disable=SC2154

load ../lib/bed

# The source's commit wait in these tests, milliseconds.
TIMEOUT_MS=1500

setup_file() {
    bed_start -n 3
    echo "version=8.0.36" >>"$(bed_mycnf 3)"
    bed_restart 3
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    semisync_reset
}

teardown() {
    # A test that failed with server 2 stopped leaves it running.
    kill -CONT "$(bed_pid 2)" 2>/dev/null || true
    # One that failed with 1 stopped, or 2's IO thread stopped, too.
    kill -CONT "$(bed_pid 1)" 2>/dev/null || true
    bed_sql 2 "START SLAVE IO_THREAD" 2>/dev/null || true
}

binlog() {
    run_bounded 30 mmha-binlog "$@"
}

# field KEY: a KEY=value of the last shell-format $output.
field() {
    printf '%s\n' "$output" | sed -n "s/^$1=//p"
}

# gstatus i NAME: a global status variable of server i.
gstatus() {
    bed_sql "$1" "SHOW GLOBAL STATUS LIKE '$2'" | cut -f2
}

# dump_ids i: the ids of server i's binary log dump sessions, one line.
dump_ids() {
    bed_sql "$1" "SELECT GROUP_CONCAT(ID ORDER BY ID)
        FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'"
}

# write_ms i: milliseconds one autocommit insert on server i takes.
write_ms() {
    local t0
    t0=$(_mmha_now_ms)
    bed_sql "$1" "INSERT INTO test.ss () VALUES ()" >/dev/null || return 1
    echo $(($(_mmha_now_ms) - t0))
}

# write_counted MIN_MS MAX_MS YES NO: one write on 1 takes MIN_MS to
# MAX_MS, and 1's semisync status then counts YES more acknowledged and NO
# more unacknowledged commits; $output is that status.
write_counted() {
    local yes no ms
    run -0 binlog semisync status --defaults-file "$(bed_cnf 1)" --format shell
    yes=$(field SEMISYNC_SOURCE_YES_TX)
    no=$(field SEMISYNC_SOURCE_NO_TX)
    ms=$(write_ms 1)
    if [ "$ms" -lt "$1" ] || [ "$ms" -ge "$2" ]; then
        fail "the write took $ms ms, not $1 to $2"
    fi
    run -0 binlog semisync status --defaults-file "$(bed_cnf 1)" --format shell
    assert_line "SEMISYNC_SOURCE_YES_TX=$((yes + $3))"
    assert_line "SEMISYNC_SOURCE_NO_TX=$((no + $4))"
}

# semisync_reset: both sides off on 1 and 2, 2's IO thread connected
# without semi-sync, the server defaults for the source side.
semisync_reset() {
    local i
    for i in 1 2; do
        bed_sql "$i" "SET GLOBAL rpl_semi_sync_master_enabled = 0,
            GLOBAL rpl_semi_sync_slave_enabled = 0,
            GLOBAL rpl_semi_sync_master_timeout = 10000,
            GLOBAL rpl_semi_sync_master_wait_point = AFTER_COMMIT"
    done
    if [ "$(gstatus 2 Rpl_semi_sync_slave_status)" = ON ]; then
        bed_sql 2 "STOP SLAVE IO_THREAD; START SLAVE IO_THREAD"
    fi
    bed_wait_replicating 2 10
    bed_sql 1 "CREATE TABLE IF NOT EXISTS test.ss
        (id INT AUTO_INCREMENT PRIMARY KEY)"
}

# pair_up: 1 a semi-sync source with TIMEOUT_MS, 2 its replica, the
# source counting 2 as its client.
pair_up() {
    run -0 binlog semisync source --semisync-timeout "$TIMEOUT_MS" \
        --defaults-file "$(bed_cnf 1)" --format shell
    run -0 binlog semisync replica --defaults-file "$(bed_cnf 2)" --format shell
    run -0 wait_until 10 '[ "$(gstatus 1 Rpl_semi_sync_master_clients)" = 1 ]'
}

@test "semisync source on 1, replica on 2: 2 becomes the source's client and a write counts as acknowledged" {
    run -0 binlog semisync source --semisync-timeout "$TIMEOUT_MS" --defaults-file "$(bed_cnf 1)" --format shell
    assert_line STATUS=ok
    assert_line SEMISYNC_SOURCE_ENABLED=1
    assert_line "SEMISYNC_SOURCE_TIMEOUT_MS=$TIMEOUT_MS"
    assert_line SEMISYNC_REPLICA_ENABLED=0
    run -0 bed_sql 1 "SELECT @@GLOBAL.rpl_semi_sync_master_enabled,
        @@GLOBAL.rpl_semi_sync_master_wait_point,
        @@GLOBAL.rpl_semi_sync_master_timeout,
        @@GLOBAL.rpl_semi_sync_slave_enabled"
    assert_output "$(printf '1\tAFTER_SYNC\t%s\t0' "$TIMEOUT_MS")"
    # 2 acknowledges nothing yet: no client.
    run -0 gstatus 1 Rpl_semi_sync_master_clients
    assert_output 0

    local ids
    ids=$(dump_ids 1)
    run -0 binlog semisync replica --defaults-file "$(bed_cnf 2)" --format shell
    assert_line STATUS=ok
    assert_line SEMISYNC_SOURCE_ENABLED=0
    assert_line SEMISYNC_REPLICA_ENABLED=1
    # The IO thread was restarted (a new dump session on 1) and now
    # acknowledges: the source counts it.
    run -0 wait_until 10 '[ "$(gstatus 1 Rpl_semi_sync_master_clients)" = 1 ]'
    run -0 dump_ids 1
    refute_output "$ids"
    run -0 wait_until 10 '[ "$(gstatus 2 Rpl_semi_sync_slave_status)" = ON ]'
    run -0 bed_wait_replicating 2 10

    run -0 binlog semisync status --defaults-file "$(bed_cnf 1)" --format shell
    assert_line SEMISYNC_SOURCE_ACTIVE=1
    assert_line SEMISYNC_SOURCE_CLIENTS=1
    # Acknowledged, well before the timeout.
    write_counted 0 $((TIMEOUT_MS / 2)) 1 0
    assert_line SEMISYNC_SOURCE_ACTIVE=1
    run -0 binlog semisync status --defaults-file "$(bed_cnf 2)" --format shell
    assert_line SEMISYNC_REPLICA_ACTIVE=1
}

@test "semisync replica again: nothing to change, the IO thread is left alone" {
    pair_up
    local ids
    ids=$(dump_ids 1)
    run -0 binlog semisync replica --defaults-file "$(bed_cnf 2)" --format shell
    assert_line SEMISYNC_REPLICA_ACTIVE=1
    run -0 dump_ids 1
    assert_output "$ids"
    run -0 gstatus 1 Rpl_semi_sync_master_clients
    assert_output 1
}

@test "replica stop --io-thread with the source hung: the dump-thread kill waits 1 s at most, the setting is put back" {
    local t0 ms
    pair_up
    bed_sql 2 "SET GLOBAL rpl_semi_sync_slave_kill_conn_timeout = 5"
    kill -STOP "$(bed_pid 1)"
    t0=$(_mmha_now_ms)
    run -0 binlog replica stop --io-thread --timeout 10 \
        --defaults-file "$(bed_cnf 2)" --format shell
    ms=$(($(_mmha_now_ms) - t0))
    kill -CONT "$(bed_pid 1)"
    echo "# semi-sync IO thread stopped, source SIGSTOPped: $ms ms (2 s with the server's 5 s setting)" >&3
    assert_line REPLICA_IO_RUNNING=no
    [ "$ms" -lt 1800 ] || fail "the stop took $ms ms"
    run -0 bed_sql 2 "SELECT @@GLOBAL.rpl_semi_sync_slave_kill_conn_timeout"
    assert_output 5
    # The source answers again: 2 replicates from it as before.
    bed_sql 2 "START SLAVE IO_THREAD"
    run -0 bed_wait_replicating 2 10
}

@test "replica stop --io-thread --sent-file, source hung: the file exists while the stop still waits, and nothing arrives after it" {
    local mark=$BATS_TEST_TMPDIR/sent pid
    pair_up
    kill -STOP "$(bed_pid 1)"
    binlog replica stop --io-thread --sent-file "$mark" --timeout 10 \
        --defaults-file "$(bed_cnf 2)" --format shell >"$BATS_TEST_TMPDIR/out" &
    pid=$!
    run -0 wait_until 5 "[ -e '$mark' ]"
    # Sent, and still waiting on the source that does not answer.
    kill -0 "$pid"
    run -0 bed_sql 2 "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'STOP SLAVE%'"
    assert_output 1
    wait "$pid" || fail "the stop failed"
    kill -CONT "$(bed_pid 1)"
    run -0 grep -x REPLICA_IO_RUNNING=no "$BATS_TEST_TMPDIR/out"
    # The source writes again: the stopped thread received none of it.
    bed_sql 1 "CREATE TABLE IF NOT EXISTS test.after_stop (id INT PRIMARY KEY); INSERT INTO test.after_stop VALUES (1)"
    sleep 0.5
    run -0 bed_sql 2 "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'after_stop'"
    assert_output 0
    bed_sql 2 "START SLAVE IO_THREAD"
    run -0 bed_wait_replicating 2 10
}

@test "semisync source --keep-io: the replica side off, a running IO thread not restarted" {
    pair_up
    run -0 bed_sql 2 "SELECT id FROM information_schema.processlist WHERE command = 'Slave_IO'"
    local io=$output
    [ -n "$io" ]
    run -0 binlog semisync source --semisync-timeout 1000 --keep-io \
        --defaults-file "$(bed_cnf 2)" --format shell
    assert_line SEMISYNC_REPLICA_ENABLED=0
    # The same thread: not restarted, so the side applies at its next connect.
    run -0 bed_sql 2 "SELECT id FROM information_schema.processlist WHERE command = 'Slave_IO'"
    assert_output "$io"
    run -64 --separate-stderr mmha-binlog capture --keep-io --check-args
    assert_equal "$stderr" "mmha-binlog: --keep-io is for semisync"
    run -64 --separate-stderr mmha-binlog semisync status --sent-file "$BATS_TEST_TMPDIR/x" --check-args
    assert_equal "$stderr" "mmha-binlog: --sent-file is for replica stop and replica start"
    bed_sql 2 "SET GLOBAL rpl_semi_sync_master_enabled = 0"
}

@test "no replica: a write does not wait; a hung replica: one write waits the timeout, then the source is degraded; both counted unacknowledged" {
    pair_up
    # Gone (its IO thread stopped): nothing to wait for (wait_no_slave
    # off), the commit counted unacknowledged.
    run -0 bed_sql 2 "STOP SLAVE IO_THREAD"
    run -0 wait_until 10 '[ "$(gstatus 1 Rpl_semi_sync_master_clients)" = 0 ]'
    write_counted 0 $((TIMEOUT_MS / 2)) 0 1
    assert_line STATUS=ok
    assert_line SEMISYNC_SOURCE_ENABLED=1
    assert_line SEMISYNC_SOURCE_CLIENTS=0
    run -0 bed_sql 2 "START SLAVE IO_THREAD"
    run -0 wait_until 10 '[ "$(gstatus 1 Rpl_semi_sync_master_clients)" = 1 ]'
    # Hung (connected, silent): one write waits the timeout.
    kill -STOP "$(bed_pid 2)"
    write_counted $((TIMEOUT_MS - 100)) $((TIMEOUT_MS + 1500)) 0 1
    assert_line SEMISYNC_SOURCE_ACTIVE=0
    # Degraded: the next write does not wait.
    write_counted 0 $((TIMEOUT_MS / 2)) 0 1
    assert_line SEMISYNC_SOURCE_ACTIVE=0
    # The replica back: the source counts it and waits again.
    kill -CONT "$(bed_pid 2)"
    run -0 wait_until 10 '[ "$(gstatus 1 Rpl_semi_sync_master_clients)" = 1 ]'
    run -0 wait_until 10 '[ "$(gstatus 1 Rpl_semi_sync_master_status)" = ON ]'
    run -0 binlog semisync status --defaults-file "$(bed_cnf 1)" --format json
    assert_output --partial '"semisync_source_active":1'
}

@test "semisync off: both sides off, 2 no longer the source's client, writes counted nowhere" {
    pair_up
    run -0 binlog semisync off --defaults-file "$(bed_cnf 2)" --format shell
    assert_line STATUS=ok
    assert_line SEMISYNC_REPLICA_ENABLED=0
    assert_line SEMISYNC_SOURCE_ENABLED=0
    # Its IO thread was restarted without semi-sync.
    run -0 wait_until 10 '[ "$(gstatus 1 Rpl_semi_sync_master_clients)" = 0 ]'
    run -0 wait_until 10 '[ "$(gstatus 2 Rpl_semi_sync_slave_status)" = OFF ]'
    run -0 bed_wait_replicating 2 10
    run -0 binlog semisync off --defaults-file "$(bed_cnf 1)" --format shell
    assert_line SEMISYNC_SOURCE_ENABLED=0
    assert_line SEMISYNC_SOURCE_ACTIVE=0
    assert_line SEMISYNC_REPLICA_ENABLED=0
    write_counted 0 $((TIMEOUT_MS / 2)) 0 0
    local i
    for i in 1 2; do
        run -0 bed_sql "$i" "SELECT @@GLOBAL.rpl_semi_sync_master_enabled,
            @@GLOBAL.rpl_semi_sync_slave_enabled"
        assert_output "$(printf '0\t0')"
    done
}

@test "semisync: bad --semisync-timeout values, actions and misplaced options: one line, 64, nothing changed" {
    run -0 binlog semisync source --semisync-timeout 2000 --defaults-file "$(bed_cnf 1)"
    local v
    for v in 0 08 -5 +5 x "" " 5" 1e3 0x10 2.5 3600001; do
        run -64 --separate-stderr mmha-binlog semisync source --semisync-timeout "$v" --defaults-file "$(bed_cnf 1)"
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        [[ "$stderr" == "mmha-binlog: --semisync-timeout: "* ]] ||
            fail "'$v' said '$stderr'"
    done
    run -64 --separate-stderr mmha-binlog semisync source --semisync-timeout 0 --check-args
    assert_equal "$stderr" "mmha-binlog: --semisync-timeout: '0' is out of range (1 to 3600000)"
    run -64 --separate-stderr mmha-binlog semisync source --semisync-timeout -5
    assert_equal "$stderr" "mmha-binlog: --semisync-timeout: '-5' is not a decimal whole number"
    run -64 --separate-stderr mmha-binlog semisync source
    assert_equal "$stderr" "mmha-binlog: semisync source needs --semisync-timeout MS"
    run -64 --separate-stderr mmha-binlog semisync replica --semisync-timeout 5
    assert_equal "$stderr" "mmha-binlog: --semisync-timeout is for semisync source"
    run -64 --separate-stderr mmha-binlog capture --semisync-timeout 5
    assert_equal "$stderr" "mmha-binlog: --semisync-timeout is for semisync source"
    run -64 --separate-stderr mmha-binlog semisync
    assert_equal "$stderr" "mmha-binlog: semisync needs an action: source, replica, off, status"
    run -64 --separate-stderr mmha-binlog semisync on
    assert_equal "$stderr" "mmha-binlog: semisync: 'on' is not an action (source, replica, off, status)"
    run -64 --separate-stderr mmha-binlog semisync status extra
    assert_equal "$stderr" "mmha-binlog: unexpected argument 'extra'"
    run -64 --separate-stderr mmha-binlog semisync replica --io-thread
    # The bounds themselves, and every action, pass --check-args.
    for v in "source --semisync-timeout 1" "source --semisync-timeout 3600000" replica off status; do
        # shellcheck disable=SC2086 # the action and its option
        run -0 --separate-stderr mmha-binlog semisync $v --check-args --defaults-file "$BATS_TEST_TMPDIR/none.cnf"
        assert_equal "$output$stderr" ""
    done
    # Nothing reached the server.
    run -0 bed_sql 1 "SELECT @@GLOBAL.rpl_semi_sync_master_timeout,
        @@GLOBAL.rpl_semi_sync_master_enabled"
    assert_output "$(printf '2000\t1')"
}

@test "semisync: a SET the account may not make changes neither side (77)" {
    run -0 binlog semisync source --semisync-timeout 2000 --defaults-file "$(bed_cnf 1)"
    # An account that may set the source side only.
    run -0 bed_sql 1 "CREATE USER IF NOT EXISTS ss_half@'%' IDENTIFIED BY 'half-pw';
        GRANT REPLICATION MASTER ADMIN ON *.* TO ss_half@'%'"
    local cnf=$BATS_TEST_TMPDIR/half.cnf
    (
        umask 077
        printf '[client]\nuser=ss_half\npassword=half-pw\nhost=%s\nport=%s\nprotocol=tcp\n' \
            "$(bed_host 1)" "$(bed_port 1)" >"$cnf"
    )
    run -77 --separate-stderr binlog semisync replica --defaults-file "$cnf" --format shell
    assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
    assert_equal "${stderr%%: SET *}" mmha-binlog
    [[ "$stderr" == *"Access denied"* ]] || fail "$stderr"
    assert_line STATUS=access-denied
    assert_line SEMISYNC_SOURCE_ENABLED=1
    assert_line SEMISYNC_REPLICA_ENABLED=0
    run -77 --separate-stderr binlog semisync source --semisync-timeout 3000 --defaults-file "$cnf"
    # The source side, which the account may set, was left as it was too.
    run -0 bed_sql 1 "SELECT @@GLOBAL.rpl_semi_sync_master_enabled,
        @@GLOBAL.rpl_semi_sync_master_timeout, @@GLOBAL.rpl_semi_sync_slave_enabled"
    assert_output "$(printf '1\t2000\t0')"
}

@test "capture: the semisync fields of status, in shell and json" {
    pair_up
    run -0 binlog capture --defaults-file "$(bed_cnf 1)" --format shell
    assert_line SEMISYNC_SOURCE_ENABLED=1
    assert_line SEMISYNC_SOURCE_ACTIVE=1
    assert_line SEMISYNC_SOURCE_CLIENTS=1
    assert_line "SEMISYNC_SOURCE_TIMEOUT_MS=$TIMEOUT_MS"
    assert_line SEMISYNC_REPLICA_ENABLED=0
    assert_line SEMISYNC_REPLICA_ACTIVE=0
    assert_line --regexp '^SEMISYNC_SOURCE_YES_TX=[0-9]+$'
    assert_line --regexp '^SEMISYNC_SOURCE_NO_TX=[0-9]+$'
    local cap
    cap=$(printf '%s\n' "$output" | grep '^SEMISYNC_')
    run -0 binlog semisync status --defaults-file "$(bed_cnf 1)" --format shell
    assert_equal "$(printf '%s\n' "$output" | grep '^SEMISYNC_')" "$cap"
    run -0 binlog capture --defaults-file "$(bed_cnf 2)" --format json
    printf '%s\n' "$output" | python3 -m json.tool >/dev/null ||
        fail "not valid JSON: $output"
    assert_output --partial '"semisync_replica_enabled":1,"semisync_replica_active":1'
    assert_output --partial '"semisync_source_enabled":0'
}

@test "a server without semi-sync: every action exits 69 naming the plugins, nothing changed" {
    run -0 bed_sql 3 "SELECT VERSION()"
    assert_output 8.0.36
    local a
    for a in status "source --semisync-timeout 1000" replica off; do
        # shellcheck disable=SC2086 # the action and its option
        run -69 --separate-stderr binlog semisync $a --defaults-file "$(bed_cnf 3)" --format shell
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        [[ "$stderr" == "mmha-binlog: no semi-synchronous replication on this server"* ]] ||
            fail "$stderr"
        [[ "$stderr" == *"INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so'"* ]] ||
            fail "$stderr"
        [[ "$stderr" == *"plugin-load-add=semisync_source.so;semisync_replica.so"* ]] ||
            fail "$stderr"
    done
    run -0 bed_sql 3 "SELECT @@GLOBAL.rpl_semi_sync_master_enabled,
        @@GLOBAL.rpl_semi_sync_slave_enabled"
    assert_output "$(printf '0\t0')"
}
