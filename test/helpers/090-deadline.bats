#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # bats sets $output, $status
# The deadline is a hard bound: every helper that talks to a server returns
# within --timeout + 100 ms with its documented code, whatever the peer
# does: silent (accepts, never answers), trickling (a byte a second),
# stopped (SIGSTOP of mariadbd during connect, a query, a wait), half-open
# (a relay that stops forwarding without closing). A server-side wait cut
# by the deadline or a signal does not keep running. Figures go to fd 3.

load ../lib/bed
load ../lib/deadline

setup_file() {
    bed_start -n 2 -t mm -m gtid
    bed_sql 1 "SET sql_log_bin=0; CREATE OR REPLACE TABLE test.t
        (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO test.t
        VALUES (1, 0)"
}

teardown_file() {
    bed_cont_all
    bed_stop
}

setup() {
    load_bats_libs
    PEER_PID=
    HELPER_PID=
}

teardown() {
    bed_cont_all
    if [ -n "$HELPER_PID" ]; then
        kill -TERM "$HELPER_PID" 2>/dev/null || true
        wait "$HELPER_PID" 2>/dev/null || true
    fi
    if [ -n "$PEER_PID" ]; then
        kill -TERM "$PEER_PID" 2>/dev/null || true
        wait "$PEER_PID" 2>/dev/null || true
    fi
    bed_sql 1 "SET GLOBAL read_only=0" 2>/dev/null || true
}

# peer MODE [ARGS]: start test/lib/fake-peer.py; PEER_PORT, PEER_PID.
peer() {
    local f="$BATS_TEST_TMPDIR/peer.port"
    "$MMHA_TOP/test/lib/fake-peer.py" "$@" >"$f" 3>&- &
    PEER_PID=$!
    wait_until 10 "[ -s '$f' ]"
    PEER_PORT=$(head -n 1 "$f")
}

# every helper that talks to a server, against HOST PORT (our admin
# credentials, the peer's address): BOUNDED STATUS TIMEOUT each.
all_helpers() {
    local want=$1 secs=$2 host=$3 port=$4 cnf
    cnf=$(bed_cnf 1)
    local -a c=(--defaults-file "$cnf" --host "$host" --port "$port"
        --timeout "$secs")
    bounded "$want" "$secs" mmha-binlog capture "${c[@]}"
    bounded "$want" "$secs" mmha-binlog wait --gtid 1-1-999999 "${c[@]}"
    bounded "$want" "$secs" mmha-binlog errant --reference "$cnf" "${c[@]}"
    bounded "$want" "$secs" mmha-binlog repoint --to 127.0.0.1:1 --gtid "${c[@]}"
    bounded "$want" "$secs" mmha-readonly "${c[@]}"
    bounded "$want" "$secs" mmha-lag check "${c[@]}"
}

# server_waits i: MASTER_GTID_WAIT / MASTER_POS_WAIT running on server i.
server_waits() {
    bed_sql "$1" "SELECT COUNT(*) FROM information_schema.PROCESSLIST
        WHERE INFO LIKE 'SELECT MASTER\_%WAIT(%'"
}

@test "silent peer (accepts, never answers): every helper, 124 within --timeout + 100 ms" {
    peer silent
    all_helpers 124 0.3 127.0.0.1 "$PEER_PORT"
    all_helpers 124 1.2 127.0.0.1 "$PEER_PORT"
}

@test "trickling peer (a byte a second): every helper, 124 within --timeout + 100 ms" {
    peer trickle
    all_helpers 124 0.3 127.0.0.1 "$PEER_PORT"
    all_helpers 124 2.5 127.0.0.1 "$PEER_PORT"
}

@test "errant: a silent reference bounds the call too" {
    peer silent
    bounded 124 0.5 mmha-binlog errant --defaults-file "$(bed_cnf 2)" \
        --reference "127.0.0.1:$PEER_PORT" --timeout 0.5
}

@test "server stopped before the call (connect): every helper, 124 within --timeout + 100 ms" {
    kill -STOP "$(bed_pid 1)"
    all_helpers 124 0.3 "$(bed_host 1)" "$(bed_port 1)"
    all_helpers 124 1.2 "$(bed_host 1)" "$(bed_port 1)"
    kill -CONT "$(bed_pid 1)"
    run -0 bed_sql 1 "SELECT @@read_only"
    assert_output 0
}

@test "server stopped during mmha-readonly's loop (a query): 124 within --timeout + 100 ms, still writable" {
    # A write that holds its lock (never killed: --kill-after 60 s).
    (
        bed_app_sql 1 "BEGIN; UPDATE test.t SET v=v+1 WHERE id=1 AND SLEEP(30)=0" \
            >/dev/null 2>&1
    ) 3>&- &
    local writer=$!
    wait_until 5 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE test.t%'\")\" = 1 ]"
    (
        sleep 0.5
        kill -STOP "$(bed_pid 1)"
    ) 3>&- &
    bounded 124 2 mmha-readonly --defaults-file "$(bed_cnf 1)" --timeout 2 \
        --kill-after 60000
    kill -CONT "$(bed_pid 1)"
    run -0 bed_sql 1 "SELECT @@read_only"
    assert_output 0
    bed_sql 1 "KILL QUERY $(bed_sql 1 "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE test.t%'")" || true
    wait "$writer" || true
    run -0 bed_sql 1 "SELECT @@read_only"
    assert_output 0
}

@test "server stopped during mmha-binlog wait: 124 within --timeout + 100 ms; no server-side wait left after SIGCONT" {
    for t in 0.3 2; do
        (
            sleep 0.2
            kill -STOP "$(bed_pid 2)"
        ) 3>&- &
        bounded 124 "$t" mmha-binlog wait --defaults-file "$(bed_cnf 2)" \
            --gtid 1-1-999999 --timeout "$t"
        wait
        kill -CONT "$(bed_pid 2)"
        # Its own bound is the deadline (a fraction): over already.
        wait_until 2 "[ \"\$(server_waits 2)\" = 0 ]"
    done
}

@test "wait not reached on a live server: 124 within --timeout + 100 ms, the server-side wait ended at once" {
    bounded 124 0.3 mmha-binlog wait --defaults-file "$(bed_cnf 2)" \
        --gtid 1-1-999999 --timeout 0.3
    run -0 server_waits 2
    assert_output 0
    bounded 124 1.5 mmha-binlog wait --defaults-file "$(bed_cnf 2)" \
        --pos mariadb-bin.999999:4 --timeout 1.5
    run -0 server_waits 2
    assert_output 0
}

@test "half-open path (a relay that stops forwarding, nothing closed) during a wait: 124 within --timeout + 100 ms, the server-side wait ended" {
    peer relay "$(bed_host 2)" "$(bed_port 2)"
    (
        sleep 0.5
        kill -USR1 "$PEER_PID"
    ) 3>&- &
    bounded 124 1.5 mmha-binlog wait --defaults-file "$(bed_cnf 2)" \
        --host 127.0.0.1 --port "$PEER_PORT" --gtid 1-1-999999 --timeout 1.5
    wait_until 2 "[ \"\$(server_waits 2)\" = 0 ]"
    # And a capture cut the same way in its first query.
    kill -TERM "$PEER_PID"
    wait "$PEER_PID" || true
    peer relay "$(bed_host 2)" "$(bed_port 2)"
    kill -USR1 "$PEER_PID" # freezes nothing yet: no connection
    bounded 0 0.5 mmha-binlog capture --defaults-file "$(bed_cnf 2)" \
        --host 127.0.0.1 --port "$PEER_PORT" --timeout 0.5
}

@test "SIGTERM / SIGINT end mmha-binlog wait at once: 143 / 130, the server-side wait ended" {
    local sig want t0 ms rc
    for sig in TERM INT; do
        want=143
        [ "$sig" = INT ] && want=130
        mmha-binlog wait --defaults-file "$(bed_cnf 2)" --gtid 1-1-999999 \
            --timeout 30 >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
        HELPER_PID=$!
        wait_until 5 "[ \"\$(server_waits 2)\" = 1 ]"
        t0=$(_mmha_now_ms)
        kill "-$sig" "$HELPER_PID"
        rc=0
        wait "$HELPER_PID" || rc=$?
        ms=$(($(_mmha_now_ms) - t0))
        HELPER_PID=
        echo "# wait, SIG$sig: status $rc after $ms ms" >&3
        assert_equal "$rc" "$want"
        [ "$ms" -le "$SIGNAL_MS" ] || fail "SIG$sig took $ms ms"
        run -0 server_waits 2
        assert_output 0
        run -0 cat "$BATS_TEST_TMPDIR/out"
        assert_output --partial "stopped by signal"
    done
}

@test "SIGTERM during mmha-readonly before read_only=1: 143, read_only put back" {
    (
        bed_app_sql 1 "BEGIN; UPDATE test.t SET v=v+1 WHERE id=1 AND SLEEP(30)=0" \
            >/dev/null 2>&1
    ) 3>&- &
    local writer=$! t0 ms rc
    wait_until 5 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE test.t%'\")\" = 1 ]"
    mmha-readonly --defaults-file "$(bed_cnf 1)" --timeout 30 \
        --kill-after 60000 --format shell >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
    HELPER_PID=$!
    sleep 0.5
    t0=$(_mmha_now_ms)
    kill -TERM "$HELPER_PID"
    rc=0
    wait "$HELPER_PID" || rc=$?
    ms=$(($(_mmha_now_ms) - t0))
    HELPER_PID=
    echo "# mmha-readonly, SIGTERM: status $rc after $ms ms" >&3
    assert_equal "$rc" 143
    [ "$ms" -le "$SIGNAL_MS" ] || fail "SIGTERM took $ms ms"
    run -0 bed_sql 1 "SELECT @@read_only"
    assert_output 0
    run -0 cat "$BATS_TEST_TMPDIR/out"
    assert_line "STATUS=terminated"
    assert_line "READ_ONLY=0"
    bed_sql 1 "KILL QUERY $(bed_sql 1 "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE test.t%'")" || true
    wait "$writer" || true
}
