#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # bats sets $output, $status
# shellcheck disable=SC2030,SC2031 # PIDS: each test adds, its teardown reads
# The resident modes of mmha-lag under faults: the beat daemon and check
# --watch against a server stopped by SIGSTOP (SIGCONT after) and against
# a peer that accepts and never answers. What mmha-lag(8) promises: every
# beat, connection attempt and reading is bounded by --timeout; the beat
# reconnects with a back-off from 250 ms and never exits on its own; every
# reading --watch cannot take is still a record (source=unreachable, lag
# null, not readable); both exit 0 within a second of SIGTERM, also while
# blocked. Figures go to fd 3.

load ../lib/bed
load ../lib/deadline

setup_file() {
    bed_start -n 2 -t mm -m gtid
    bed_sql 2 "SET GLOBAL read_only=1"
    mmha-lag beat --defaults-file "$(bed_cnf 1)" --once >/dev/null
    bed_sync 10
}

teardown_file() {
    bed_cont_all
    bed_stop
}

setup() {
    load_bats_libs
    PIDS=()
}

teardown() {
    bed_cont_all
    stop_pids "${PIDS[@]}"
}

# peer MODE: start test/lib/fake-peer.py; PEER_PORT.
peer() {
    local f="$BATS_TEST_TMPDIR/peer.port"
    "$MMHA_TOP/test/lib/fake-peer.py" "$@" >"$f" 3>&- &
    PIDS+=("$!")
    wait_until 10 "[ -s '$f' ]"
    PEER_PORT=$(head -n 1 "$f")
}

# row_age_ms: the age of server 1's heartbeat row on server 1.
row_age_ms() {
    bed_sql 1 "SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) DIV 1000
        FROM mmha.heartbeat WHERE server_id = 1"
}

# stop_within PID: SIGTERM to PID, which exits 0 within SIGNAL_MS... or
# the 1 s mmha-lag(8) promises; prints the figure.
stop_within() {
    local pid=$1 what=$2 t0 ms st=0
    t0=$(_mmha_now_ms)
    kill -TERM "$pid"
    wait "$pid" || st=$?
    ms=$(($(_mmha_now_ms) - t0))
    echo "# $what: SIGTERM -> status $st after $ms ms" >&3
    assert_equal "$st" 0
    [ "$ms" -le 1000 ] || fail "$what: SIGTERM took $ms ms"
}

@test "beat: server SIGSTOPped - each beat and connection attempt ends at --timeout 0.3, back-off; SIGCONT: beats again; SIGTERM while stopped: 0 within 1 s" {
    local err=$BATS_TEST_TMPDIR/err pid pf=$BATS_TEST_TMPDIR/beat.pid
    mmha-lag beat --defaults-file "$(bed_cnf 1)" --interval 100 \
        --timeout 0.3 --pidfile "$pf" >/dev/null 2>"$err" 3>&- &
    pid=$!
    PIDS+=("$pid")
    wait_until 5 "[ -s '$pf' ] && [ \"\$(row_age_ms)\" -lt 300 ]"
    kill -STOP "$(bed_pid 1)"
    sleep 2.5
    # Bounded attempts: the beat cut at 0.3 s, then connections cut at
    # 0.3 s with 250, 500, 1000 ms between them (a call left to the
    # server's mercy would have logged one line at most).
    run -0 kill -0 "$pid"
    run -0 grep -c "beat failed\|retrying in" "$err"
    echo "# beat, server stopped 2.5 s: $output failures logged" >&3
    [ "$output" -ge 3 ] || fail "only $output failures in 2.5 s: $(cat "$err")"
    run -0 grep -o "retrying in [0-9]* ms" "$err"
    assert_line --index 0 "retrying in 250 ms"
    assert_line --index 1 "retrying in 500 ms"
    kill -CONT "$(bed_pid 1)"
    # The next attempt (at most 2 s of back-off away) beats again.
    wait_until 5 "[ \"\$(row_age_ms)\" -lt 300 ]"
    run -0 grep -c "connected$" "$err"
    assert_output 2
    # Stopped again, then SIGTERM while it waits on the server.
    kill -STOP "$(bed_pid 1)"
    sleep 0.15
    stop_within "$pid" "beat, server stopped"
    kill -CONT "$(bed_pid 1)"
    run -1 test -e "$pf"
    run -0 grep -c "stopped$" "$err"
}

@test "beat: a silent peer - each connection attempt ends at --timeout 0.3, back-off 250, 500, 1000 ms; SIGTERM: 0 within 1 s" {
    local err=$BATS_TEST_TMPDIR/err pid t0 ms
    peer silent
    t0=$(_mmha_now_ms)
    mmha-lag beat --defaults-file "$(bed_cnf 1)" --host 127.0.0.1 \
        --port "$PEER_PORT" --interval 100 --timeout 0.3 \
        >/dev/null 2>"$err" 3>&- &
    pid=$!
    PIDS+=("$pid")
    # Four attempts: 4 x 0.3 s + 0.25 + 0.5 + 1 s = 2.95 s.
    wait_until 6 "[ \"\$(grep -c 'retrying in' '$err')\" -ge 4 ]"
    ms=$(($(_mmha_now_ms) - t0))
    echo "# beat, silent peer, --timeout 0.3: 4 attempts in $ms ms (3 s with the back-off)" >&3
    [ "$ms" -le 3600 ] || fail "4 attempts took $ms ms"
    run -0 grep -o "retrying in [0-9]* ms" "$err"
    assert_line --index 0 "retrying in 250 ms"
    assert_line --index 1 "retrying in 500 ms"
    assert_line --index 2 "retrying in 1000 ms"
    run -0 grep -c "no answer within --timeout" "$err"
    stop_within "$pid" "beat, silent peer"
}

@test "check --watch: server SIGSTOPped - a record per reading, unreachable, each within --timeout 0.5; SIGCONT: heartbeat again; SIGTERM while stopped: 0 within 1 s" {
    local out=$BATS_TEST_TMPDIR/out pid
    mmha-lag check --defaults-file "$(bed_cnf 2)" --watch 200 --timeout 0.5 \
        --format json >"$out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
    pid=$!
    PIDS+=("$pid")
    wait_until 5 "grep -q '\"source\":\"heartbeat\"' '$out'"
    kill -STOP "$(bed_pid 2)"
    sleep 3
    kill -CONT "$(bed_pid 2)"
    wait_until 8 "[ \"\$(tail -n 1 '$out' | grep -c '\"source\":\"heartbeat\"')\" = 1 ]"
    kill -STOP "$(bed_pid 2)"
    sleep 0.3
    stop_within "$pid" "check --watch, server stopped"
    kill -CONT "$(bed_pid 2)"
    # Every line a strict JSON record with a time; the unreachable ones:
    # lag null, not readable, each within --timeout + 100 ms.
    run -0 python3 -c '
import json, sys
recs = [json.loads(l, parse_constant=lambda x: 1 / 0)
        for l in open(sys.argv[1], encoding="utf-8")]
assert all(r["time"].endswith("Z") for r in recs)
down = [r for r in recs if r["source"] == "unreachable"]
assert down, "no unreachable record"
for r in down:
    assert r["lag_ms"] is None and r["readable"] is False, r
    assert r["reason"] == "lag_unknown", r
print(len(recs), len(down), max(r["check_ms"] for r in down))' "$out"
    echo "# check --watch 200 --timeout 0.5, server stopped 3 s: records, unreachable, slowest (ms): $output" >&3
    local slowest=${output##* }
    [ "${slowest%.*}" -le $((500 + BOUND_MS)) ] ||
        fail "an unreachable reading took $slowest ms"
    [ "$(echo "$output" | cut -d ' ' -f 2)" -ge 3 ] ||
        fail "too few unreachable records: $output"
}

@test "check --watch: a silent peer - every reading a record within --timeout 0.3; --count 4 ends with 124" {
    local t0 ms
    peer silent
    t0=$(_mmha_now_ms)
    run -124 --separate-stderr mmha-lag check --defaults-file "$(bed_cnf 2)" \
        --host 127.0.0.1 --port "$PEER_PORT" --watch 100 --timeout 0.3 \
        --count 4 --format json
    ms=$(($(_mmha_now_ms) - t0))
    run -0 python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert len(recs) == 4, len(recs)
for r in recs:
    assert r["source"] == "unreachable" and r["lag_ms"] is None, r
print(max(r["check_ms"] for r in recs))' <<<"$output"
    echo "# check --watch --timeout 0.3, silent peer: 4 records in $ms ms, slowest reading $output ms" >&3
    [ "${output%.*}" -le $((300 + BOUND_MS)) ] ||
        fail "a reading took $output ms"
}
