#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha-lag against two real servers: server 1 is the writer (beats),
# server 2 the read-only reader (checks).
# wait_until conditions are single-quoted on purpose: evaluated at each try.
# shellcheck disable=SC2016

load ../lib/bed

setup_file() {
    bed_start -n 2
    bed_sql 2 "SET GLOBAL read_only=1"
}

teardown_file() {
    local f
    for f in "$BATS_FILE_TMPDIR"/*.pid; do
        [ -r "$f" ] || continue
        kill -TERM "$(cat "$f")" 2>/dev/null || true
    done
    bed_stop
}

setup() {
    load_bats_libs
    W=$(bed_cnf 1)
    R=$(bed_cnf 2)
}

# now_ms: wall clock in milliseconds with a fraction.
now_ms() {
    local t=$EPOCHREALTIME
    printf '%s\n' "${t%.*}${t#*.}" | awk '{ printf "%.3f\n", $1 / 1000 }'
}

# field KEY: a KEY=value of the last shell-format $output.
field() {
    printf '%s\n' "$output" | sed -n "s/^$1=//p"
}

# calc COND: awk arithmetic; status 0 when COND holds.
calc() {
    awk "BEGIN { x = ($1); print x; exit !(x) }"
}

# arith EXPR: print the value of an awk expression.
arith() {
    awk "BEGIN { printf \"%.3f\\n\", ($1) }"
}

# sql_lag: the lag definition, computed by the test itself on the reader.
sql_lag() {
    bed_sql 2 "SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) / 1000
        FROM mmha.heartbeat WHERE server_id <> @@server_id
        ORDER BY epoch DESC, ts DESC LIMIT 1"
}

start_beat() {
    mmha-lag beat --defaults-file "$W" --interval 100 \
        --pidfile "$BATS_FILE_TMPDIR/beat.pid" \
        >"$BATS_FILE_TMPDIR/beat.log" 2>&1 3>&- &
    wait_until 5 "[ -s '$BATS_FILE_TMPDIR/beat.pid' ]"
}

beat_running() {
    [ -s "$BATS_FILE_TMPDIR/beat.pid" ] &&
        kill -0 "$(cat "$BATS_FILE_TMPDIR/beat.pid")" 2>/dev/null
}

@test "bad options: one clear line and exit 64" {
    run -64 mmha-lag check --defaults-file "$R" --max-lag 500 \
        --recover-lag 500
    assert_output "mmha-lag: --recover-lag: 500 must be below --max-lag 500 (the gap is the hysteresis)"
    run -64 mmha-lag check --max-lag 100 --recover-lag 900
    assert_output --partial "--recover-lag: 900 must be below --max-lag 100"
    run -64 mmha-lag check --bogus
    assert_output "mmha-lag: --bogus: unknown option or missing value (see mmha-lag --help)"
    run -64 mmha-lag
    assert_output --partial "a subcommand is needed"
    run -64 mmha-lag fly
    assert_output "mmha-lag: fly: unknown subcommand; use beat, check or age"
    run -64 mmha-lag beat --interval 0
    assert_output --partial "--interval: '0' is out of range"
    run -64 mmha-lag beat --max-lag 10
    assert_output "mmha-lag: --max-lag: not an option of 'mmha-lag beat'"
    run -64 mmha-lag check --once
    assert_output "mmha-lag: --once: not an option of 'mmha-lag check'"
    run -64 mmha-lag check --dwell -1
    assert_output --partial "--dwell:"
    run -64 mmha-lag check --node n1
    assert_output --partial "only apply with --publish"
    run -64 mmha-lag check --password=x
    assert_output --partial "--password: not accepted"
    run -0 mmha-lag --help
    assert_line --index 0 --partial "usage: mmha-lag beat"
}

@test "missing option file 66, unreachable server 69" {
    run -66 mmha-lag check --defaults-file "$BATS_TEST_TMPDIR/none.cnf"
    assert_output --partial "cannot read it"
    printf '[client]\nhost=127.0.0.1\nport=1\nuser=x\n' \
        >"$BATS_TEST_TMPDIR/dead.cnf"
    chmod 600 "$BATS_TEST_TMPDIR/dead.cnf"
    run -69 mmha-lag beat --once --defaults-file "$BATS_TEST_TMPDIR/dead.cnf"
    assert_output --partial "cannot connect"
}

@test "no heartbeat row: falls back to Seconds_Behind_Master and says so" {
    run -0 mmha-lag check --defaults-file "$R" --format shell
    assert_line "SOURCE=seconds_behind_master"
    assert_line "LAG_MS=0.000"
    assert_line "IO_THREAD=Yes"
    assert_line "SQL_THREAD=Yes"
    # The reader never created the table (it would have written).
    run -0 bed_sql 2 "SELECT COUNT(*) FROM information_schema.tables
        WHERE table_schema = 'mmha'"
    assert_output 0
}

@test "beat skips on a read-only server" {
    run -0 mmha-lag beat --once --defaults-file "$R" --format shell
    assert_line "SKIPPED=1"
    assert_line "REASON=read_only"
    run -0 bed_sql 2 "SELECT COUNT(*) FROM information_schema.tables
        WHERE table_schema = 'mmha'"
    assert_output 0
    # Nor does the daemon. Stopped by its pid alone: timeout(1) also signals
    # the process group, which under ASan can include LeakSanitizer's
    # exit-time tracer (seen hanging the run).
    local pid
    mmha-lag beat --defaults-file "$R" --interval 50 3>&- &
    pid=$!
    sleep 0.6
    kill -TERM "$pid"
    wait "$pid"
    run -0 bed_sql 1 "SELECT COUNT(*) FROM information_schema.tables
        WHERE table_schema = 'mmha'"
    assert_output 0
}

@test "beat --once creates the table and its row replicates" {
    run -0 mmha-lag beat --once --defaults-file "$W" --epoch 7 --format json
    assert_output --partial '"skipped":false'
    assert_output --partial '"epoch":7'
    run -0 python3 -c 'import json, sys; json.loads(sys.argv[1])' "$output"
    bed_sync
    run -0 bed_sql 2 "SELECT server_id, epoch, ts > UTC_TIMESTAMP(6) -
        INTERVAL 1 MINUTE FROM mmha.heartbeat"
    assert_output "$(printf '1\t7\t1')"
    run -0 mmha-lag check --defaults-file "$R" --format shell
    assert_line "SOURCE=heartbeat"
    assert_line "HEARTBEAT_EPOCH=7"
    run -0 mmha-lag check --defaults-file "$R" --format json
    run -0 python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["source"] == "heartbeat" and d["heartbeat"]["epoch"] == 7
assert isinstance(d["lag_ms"], float) and d["readable"] in (True, False)
' "$output"
}

@test "a beat held up until the server is read-only writes nothing (no errant transaction after a demotion)" {
    # The beat's own read_only check passes, then its write waits (here
    # behind a global read lock; in the field, a hung server that had not
    # read it yet) until the server is read-only.  Run then by a user
    # that bypasses read_only, it would land after the demotion's final
    # position: the statement itself must find the server read-only.
    local gtid0 ts0 lock
    # Epoch 7, as the test before left the row (the next ones read it).
    mmha-lag beat --once --defaults-file "$W" --epoch 7 >/dev/null
    gtid0=$(bed_sql 1 "SELECT @@GLOBAL.gtid_binlog_pos")
    ts0=$(bed_sql 1 "SELECT ts FROM mmha.heartbeat WHERE server_id = @@server_id")
    { echo "FLUSH TABLES WITH READ LOCK;"; sleep 1.5
      echo "SET GLOBAL read_only = 1; UNLOCK TABLES;"; } |
        mariadb --defaults-file="$W" 3>&- &
    lock=$!
    sleep 0.5
    run -0 mmha-lag beat --once --defaults-file "$W" --epoch 7 --timeout 10 --format shell
    wait "$lock"
    run -0 bed_sql 1 "SELECT @@GLOBAL.read_only, @@GLOBAL.gtid_binlog_pos,
        (SELECT ts FROM mmha.heartbeat WHERE server_id = @@server_id)"
    bed_sql 1 "SET GLOBAL read_only = 0"
    assert_output "$(printf '1\t%s\t%s' "$gtid0" "$ts0")"
}

@test "check uses the row of the highest epoch" {
    # A stale writer (server id 99) with a newer ts but a lower epoch.
    bed_sql 1 "INSERT INTO mmha.heartbeat VALUES
        (99, UTC_TIMESTAMP(6) + INTERVAL 1 HOUR, 'x', 4, 1)"
    bed_sync
    run -0 mmha-lag check --defaults-file "$R" --format shell
    assert_line "HEARTBEAT_SERVER_ID=1"
    bed_sql 1 "DELETE FROM mmha.heartbeat WHERE server_id = 99"
    bed_sync
}

@test "SIGTERM stops the beat daemon within 1 s" {
    start_beat
    sleep 0.5
    local pid t0 t1
    pid=$(cat "$BATS_FILE_TMPDIR/beat.pid")
    t0=$(now_ms)
    kill -TERM "$pid"
    wait_until 2 "! kill -0 $pid 2>/dev/null"
    t1=$(now_ms)
    run -0 calc "$t1 - $t0 < 1000"
    run -1 test -e "$BATS_FILE_TMPDIR/beat.pid"
    run -0 grep -c "stopped" "$BATS_FILE_TMPDIR/beat.log"

    # Also while it backs off from a server that is not there.
    printf '[client]\nhost=127.0.0.1\nport=1\nuser=x\n' \
        >"$BATS_TEST_TMPDIR/dead.cnf"
    chmod 600 "$BATS_TEST_TMPDIR/dead.cnf"
    mmha-lag beat --defaults-file "$BATS_TEST_TMPDIR/dead.cnf" \
        >/dev/null 2>&1 3>&- &
    pid=$!
    sleep 1.5
    run -0 kill -0 "$pid"
    t0=$(now_ms)
    kill -TERM "$pid"
    wait_until 2 "! kill -0 $pid 2>/dev/null"
    t1=$(now_ms)
    run -0 calc "$t1 - $t0 < 1000"
}

@test "the daemon beats, and reconnects when the server restarts" {
    start_beat
    wait_until 5 '[ "$(bed_sql 1 "SELECT ts > UTC_TIMESTAMP(6) - INTERVAL 1 SECOND FROM mmha.heartbeat WHERE server_id=1")" = 1 ]'
    bed_restart 1
    bed_wait_replicating 2
    run -0 beat_running
    wait_until 10 '[ "$(bed_sql 1 "SELECT ts > UTC_TIMESTAMP(6) - INTERVAL 1 SECOND FROM mmha.heartbeat WHERE server_id=1")" = 1 ]'
    run -0 grep -c "retrying" "$BATS_FILE_TMPDIR/beat.log"
}

@test "precision (a): readings apart by a measured interval, +-50 ms" {
    beat_running || start_beat
    wait_until 5 '[ "$(sql_lag | cut -d. -f1)" -lt 1000 ]'
    bed_sql 2 "STOP SLAVE SQL_THREAD"
    local a0 a1 b0 b1 la lb
    a0=$(now_ms)
    run -0 mmha-lag check --defaults-file "$R" --format shell
    a1=$(now_ms)
    la=$(field LAG_MS)
    sleep 1.5
    b0=$(now_ms)
    run -0 mmha-lag check --defaults-file "$R" --format shell
    b1=$(now_ms)
    lb=$(field LAG_MS)
    # Mid-points of each call against the difference of the readings.
    run -0 arith "(($lb - $la) - (($b0 + $b1) / 2 - ($a0 + $a1) / 2))"
    echo "difference of readings minus measured interval: $output ms"
    run -0 calc "$output <= 50 && $output >= -50"
}

@test "precision (b): a reading is bracketed by the test's own computation" {
    local lo hi got
    lo=$(sql_lag)
    run -0 mmha-lag check --defaults-file "$R" --format shell
    got=$(field LAG_MS)
    hi=$(sql_lag)
    echo "before $lo, reading $got, after $hi"
    run -0 calc "$lo <= $got + 0.001 && $got <= $hi + 0.001"
}

@test "precision (c): lag keeps growing past 3 s while Seconds_Behind_Master is NULL" {
    wait_until 5 '[ "$(sql_lag | cut -d. -f1)" -gt 3000 ]'
    run -0 mmha-lag check --defaults-file "$R" --format shell
    assert_line "SOURCE=heartbeat"
    assert_line "SQL_THREAD=No"
    assert_line "SECONDS_BEHIND_MASTER="
    assert_line "REPLICATION_OK=0"
    assert_line "READABLE=0"
    assert_line "REASON=replication_broken"
    run -0 calc "$(field LAG_MS) > 3000"
    bed_sql 2 "START SLAVE SQL_THREAD"
    bed_wait_replicating 2
}

@test "--offset-from: offset between the servers, with its uncertainty" {
    run -0 mmha-lag check --defaults-file "$R" --offset-from "$W" \
        --format shell
    local off err raw lag
    off=$(field OFFSET_MS) err=$(field OFFSET_UNCERTAINTY_MS)
    raw=$(field LAG_RAW_MS) lag=$(field LAG_MS)
    echo "offset $off +- $err, raw $raw, corrected $lag"
    # Same host, same clock: the offset is within its uncertainty + 1 ms.
    run -0 calc "(($off) < 0 ? 0 - ($off) : ($off)) <= $err + 1"
    run -0 calc "$err > 0 && $err < 50"
    run -0 calc "($lag - $raw - $off) < 0.002 && ($lag - $raw - $off) > -0.002"
}

# hold_row S: hold the heartbeat row locked on the reader for S seconds, so
# the SQL thread waits (threads stay "Yes") while the lag grows.
hold_row() {
    bed_sql 2 "SET SESSION innodb_lock_wait_timeout=30; BEGIN;
        SELECT * FROM mmha.heartbeat FOR UPDATE; DO SLEEP($1); COMMIT" \
        >/dev/null 2>&1 3>&- &
    HOLD_PID=$!
}

# hcheck: a check with hysteresis and a state file; sets R_READABLE etc.
hcheck() {
    run -0 mmha-lag check --defaults-file "$R" --format shell \
        --max-lag 1500 --recover-lag 300 --dwell 2 \
        --state-file "$BATS_FILE_TMPDIR/state"
    R_READABLE=$(field READABLE) R_REASON=$(field REASON)
    R_LAG=$(field LAG_MS)
    echo "lag $R_LAG readable $R_READABLE $R_REASON"
}

@test "hysteresis: off above max-lag, back only after dwell below recover-lag" {
    beat_running || start_beat
    wait_until 5 '[ "$(sql_lag | cut -d. -f1)" -lt 300 ]'
    rm -f "$BATS_FILE_TMPDIR/state"
    hcheck
    assert_equal "$R_READABLE" 0
    assert_equal "$R_REASON" dwell
    sleep 2.1
    hcheck
    assert_equal "$R_READABLE" 1
    run -0 grep -q "^readable=1$" "$BATS_FILE_TMPDIR/state"

    # A lag that climbs to ~1 s (between the thresholds) never flips it.
    hold_row 1
    local _
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
        hcheck
        assert_equal "$R_READABLE" 1
        sleep 0.1
    done
    wait "$HOLD_PID"

    # Above max-lag: off, while the replication threads still run.
    hold_row 3
    wait_until 5 '[ "$(sql_lag | cut -d. -f1)" -gt 1600 ]'
    hcheck
    assert_equal "$R_READABLE" 0
    assert_equal "$R_REASON" lag_over_max
    wait "$HOLD_PID"
    wait_until 5 '[ "$(sql_lag | cut -d. -f1)" -lt 300 ]'
    local t0
    t0=$(now_ms)
    hcheck
    assert_equal "$R_READABLE" 0
    assert_equal "$R_REASON" dwell
    # Still off during the dwell, on once it has passed.
    while calc "$(now_ms) - $t0 < 1700" >/dev/null; do
        hcheck
        assert_equal "$R_READABLE" 0
        sleep 0.2
    done
    sleep 0.5
    hcheck
    assert_equal "$R_READABLE" 1
    assert_equal "$R_REASON" ok
}

@test "--publish calls attrd_updater with the right arguments" {
    local rec=$BATS_TEST_TMPDIR/calls
    PATH=$MMHA_TOP/test/lib/stand-ins:$PATH MMHA_RECORD_FILE=$rec \
        run -0 mmha-lag check --defaults-file "$R" --format shell \
        --publish mmha --dampen 5 --node node2
    assert_line "PUBLISHED=1"
    local lag
    lag=$(field LAG_MS | awk '{ printf "%d", $1 + 0.5 }')
    run -0 cat "$rec"
    assert_line --index 0 "attrd_updater -n mmha-lag-ms -U $lag -d 5000ms -N node2"
    assert_line --index 1 "attrd_updater -n mmha-readable -U 1 -N node2"
    assert_equal "${#lines[@]}" 2

    # A failing attrd_updater: the reading is still printed, exit 1.
    rm -f "$rec"
    PATH=$MMHA_TOP/test/lib/stand-ins:$PATH MMHA_RECORD_FILE=$rec \
        MMHA_STANDIN_RC=1 run -1 mmha-lag check --defaults-file "$R" \
        --format shell --publish mmha
    assert_line "PUBLISHED=0"
    assert_line --partial "attrd_updater -n mmha-lag-ms failed (status 1)"
    run -0 cat "$rec"
    assert_output --regexp "^attrd_updater -n mmha-lag-ms -U [0-9]+$"
}

# ---- check --watch: one connection, a reading every interval

# stamp: each line of stdin prefixed with its arrival time in ms.
stamp() {
    python3 -c 'import sys, time
for line in sys.stdin:
    print("%.3f %s" % (time.time() * 1000, line), end="", flush=True)'
}

# record_with KEY=VALUE FILE: the first shell-format record (records end
# with a blank line) that has that line.
record_with() {
    awk -v want="$1" 'BEGIN { RS = "" } {
        n = split($0, l, "\n"); for (i = 1; i <= n; i++)
            if (l[i] == want) { print; exit } }' "$2"
}

connections() {
    bed_sql 2 "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2
}

@test "check --watch: bad values give one clear line and exit 64" {
    run -64 mmha-lag check --watch -1
    assert_output "mmha-lag: --watch: '-1' is not a decimal whole number"
    run -64 mmha-lag check --watch 0
    assert_output "mmha-lag: --watch: '0' is out of range (10 to 3600000)"
    run -64 mmha-lag check --watch soon
    assert_output "mmha-lag: --watch: 'soon' is not a decimal whole number"
    run -64 mmha-lag check --watch
    assert_output "mmha-lag: --watch: unknown option or missing value (see mmha-lag --help)"
    run -64 mmha-lag check --watch 100 --count 0
    assert_output "mmha-lag: --count: '0' is out of range (1 to 9223372036854775807)"
    run -64 mmha-lag check --count 3
    assert_output "mmha-lag: --count and --pidfile only apply to check with --watch"
    run -64 mmha-lag check --pidfile "$BATS_TEST_TMPDIR/p"
    assert_output "mmha-lag: --count and --pidfile only apply to check with --watch"
    run -64 mmha-lag beat --watch 100
    assert_output "mmha-lag: --watch: not an option of 'mmha-lag beat'"
    run -64 mmha-lag beat --count 2
    assert_output "mmha-lag: --count: not an option of 'mmha-lag beat'"
    run -0 mmha-lag --help
    assert_output --partial "[--watch MS]"
}

@test "check --watch: a record per reading, at the interval, one connection" {
    beat_running || start_beat
    local out=$BATS_TEST_TMPDIR/out c0 c1 st
    c0=$(connections)
    mmha-lag check --defaults-file "$R" --watch 200 --count 8 --format json \
        2>"$BATS_TEST_TMPDIR/err" | stamp >"$out"
    st=${PIPESTATUS[0]}
    c1=$(connections)
    cat "$out"
    assert_equal "$st" 0
    # One connection for eight readings (+1: the second count's own; +1
    # allowed for another client of the server meanwhile - the peer's
    # replica reconnecting on a loaded machine was seen - where a
    # connection per reading would be 9 or more).
    [ "$((c1 - c0))" -ge 2 ] && [ "$((c1 - c0))" -le 3 ] ||
        fail "$((c1 - c0)) connections for 8 readings"
    run -0 python3 -c 'import json, sys
t, recs = [], []
for line in open(sys.argv[1]):
    ms, rec = line.split(" ", 1)
    t.append(float(ms)); recs.append(json.loads(rec))
assert [r["reading"] for r in recs] == list(range(1, 9)), recs
assert all(r["source"] == "heartbeat" for r in recs)
# Each record carries its UTC time, 200 ms apart.
import datetime
ts = [datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
      for r in recs]
assert all(100 <= (b - a).total_seconds() * 1000 <= 400
           for a, b in zip(ts[3:], ts[4:])), ts
assert all(isinstance(r["lag_ms"], float) for r in recs)
# From the fourth record: the first ones may wait for this stamper (a
# python start, slow on a loaded machine) and arrive together.
gaps = [b - a for a, b in zip(t[3:], t[4:])]
print("gaps", gaps, "total", t[-1] - t[3])
assert all(140 <= g <= 260 for g in gaps), gaps
assert abs((t[-1] - t[3]) - 800) <= 60, t[-1] - t[3]
' "$out"
    echo "$output"
}

@test "check --watch: the lag grows by the interval while the SQL thread is stopped" {
    beat_running || start_beat
    wait_until 5 '[ "$(sql_lag | cut -d. -f1)" -lt 1000 ]'
    bed_sql 2 "STOP SLAVE SQL_THREAD"
    run -0 mmha-lag check --defaults-file "$R" --watch 250 --count 8 \
        --format shell
    bed_sql 2 "START SLAVE SQL_THREAD"
    local lags
    lags=$(field LAG_MS)
    echo "$lags"
    assert_equal "$(field READING | tr '\n' ' ')" "1 2 3 4 5 6 7 8 "
    assert_equal "$(field SOURCE | sort -u)" heartbeat
    assert_equal "$(field SQL_THREAD | sort -u)" No
    assert_equal "$(field SECONDS_BEHIND_MASTER | sort -u)" ""
    assert_equal "$(field READABLE | sort -u)" 0
    assert_equal "$(field REASON | sort -u)" replication_broken
    # Every step is the interval (the same beat, read 250 ms later) ...
    run -0 awk 'NR > 1 { d = $1 - p; print d; if (d < 200 || d > 300) bad = 1 }
        { p = $1 } END { exit bad }' <<<"$lags"
    # ... and over the seven steps, 1750 ms within 50 ms.
    run -0 awk '{ v[NR] = $1 } END { d = v[NR] - v[1] - 1750; print d
        exit !(d >= -50 && d <= 50) }' <<<"$lags"
    bed_wait_replicating 2
}

@test "check --watch: hysteresis kept in memory and in --state-file" {
    beat_running || start_beat
    wait_until 5 '[ "$(sql_lag | cut -d. -f1)" -lt 300 ]'
    # No state file: starts not readable, readable once the dwell passed.
    run -0 mmha-lag check --defaults-file "$R" --watch 100 --count 8 \
        --dwell 0.35 --format shell
    assert_equal "$(field READABLE | head -1)" 0
    assert_equal "$(field REASON | head -1)" dwell
    assert_equal "$(field READABLE | tail -1)" 1
    assert_equal "$(field CHANGED | grep -c 1)" 1
    # With a state file: it follows the state, and a later call picks it up.
    local state=$BATS_TEST_TMPDIR/state
    run -0 mmha-lag check --defaults-file "$R" --watch 100 --count 3 \
        --dwell 0 --format shell --state-file "$state"
    assert_equal "$(field READABLE | tr '\n' ' ')" "1 1 1 "
    run -0 grep -q "^readable=1$" "$state"
    run -0 mmha-lag check --defaults-file "$R" --watch 100 --count 2 \
        --dwell 10 --format shell --state-file "$state"
    assert_equal "$(field READABLE | tr '\n' ' ')" "1 1 "
}

@test "check --watch --publish: attrd_updater called at every reading" {
    beat_running || start_beat
    wait_until 5 '[ "$(sql_lag | cut -d. -f1)" -lt 300 ]'
    local rec=$BATS_TEST_TMPDIR/calls
    PATH=$MMHA_TOP/test/lib/stand-ins:$PATH MMHA_RECORD_FILE=$rec \
        run -0 mmha-lag check --defaults-file "$R" --format shell \
        --watch 100 --count 3 --dwell 0 --publish mmha --dampen 2 \
        --node node2
    assert_equal "$(field PUBLISHED | tr '\n' ' ')" "1 1 1 "
    local lags
    mapfile -t lags < <(field LAG_MS | awk '{ printf "%d\n", $1 + 0.5 }')
    run -0 cat "$rec"
    assert_equal "${#lines[@]}" 6
    local i
    for i in 0 1 2; do
        assert_line --index $((2 * i)) \
            "attrd_updater -n mmha-lag-ms -U ${lags[i]} -d 2000ms -N node2"
        assert_line --index $((2 * i + 1)) \
            "attrd_updater -n mmha-readable -U 1 -N node2"
    done
}

@test "check --watch: reader gone: lag unknown and published, reconnects with back-off" {
    beat_running || start_beat
    local out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
    local rec=$BATS_TEST_TMPDIR/calls pid st=0
    PATH=$MMHA_TOP/test/lib/stand-ins:$PATH MMHA_RECORD_FILE=$rec \
        mmha-lag check --defaults-file "$R" --watch 200 --format shell \
        --publish mmha --pidfile "$BATS_TEST_TMPDIR/w.pid" \
        >"$out" 2>"$err" 3>&- &
    pid=$!
    echo "$pid" >"$BATS_FILE_TMPDIR/watch.pid"
    wait_until 5 'grep -q "^SOURCE=heartbeat$" "$out"'
    bed_stop_server 2
    wait_until 10 '[ "$(grep -c "retrying in" "$err")" -ge 3 ]'
    bed_restart 2
    bed_sql 2 "SET GLOBAL read_only=1"
    bed_wait_replicating 2
    wait_until 10 '[ "$(grep "^SOURCE=" "$out" | tail -1)" = SOURCE=heartbeat ]'
    kill -TERM "$pid"
    wait "$pid" || st=$?
    assert_equal "$st" 0
    cat "$err"
    # While gone: a record at every reading, lag unknown, not readable.
    run -0 record_with SOURCE=unreachable "$out"
    assert_line "LAG_MS="
    assert_line "READABLE=0"
    assert_line "REASON=lag_unknown"
    assert_line --regexp "^ERROR=.+"
    assert_line --regexp "^UNREACHED_MS=[0-9]+$"
    # ... published as such: the lag deleted, the flag off.
    run -0 grep -c "^attrd_updater -n mmha-lag-ms -D$" "$rec"
    run -0 grep -c "^attrd_updater -n mmha-readable -U 0$" "$rec"
    # Back-off doubles from 250 ms; one process throughout.
    run -0 grep -o "retrying in [0-9]* ms" "$err"
    assert_line --index 0 "retrying in 250 ms"
    assert_line --index 1 "retrying in 500 ms"
    assert_line --index 2 "retrying in 1000 ms"
    run -0 grep -c "connected$" "$err"
    assert_output 2
    run -1 test -e "$BATS_TEST_TMPDIR/w.pid"
}

@test "check --watch: --timeout bounds each reading" {
    beat_running || start_beat
    # A write lock on the reader blocks the heartbeat read for 3 s.
    bed_sql 2 "LOCK TABLES mmha.heartbeat WRITE; DO SLEEP(3); UNLOCK TABLES" \
        >/dev/null 2>&1 3>&- &
    local hold=$! t0 t1
    sleep 0.3
    t0=$(now_ms)
    run mmha-lag check --defaults-file "$R" --watch 100 --count 1 \
        --timeout 1 --format shell
    t1=$(now_ms)
    echo "status $status in $(arith "$t1 - $t0") ms"
    assert_equal "$status" 124
    assert_line "SOURCE=unreachable"
    assert_line "LAG_MS="
    run -0 calc "$t1 - $t0 < 1600"
    # The next readings reconnect and succeed once the lock is gone.
    run -0 mmha-lag check --defaults-file "$R" --watch 500 --count 8 \
        --timeout 1 --format shell
    assert_equal "$(field SOURCE | tail -1)" heartbeat
    wait "$hold"
}

@test "check --watch: SIGTERM exits 0 within 1 s (asleep, backing off)" {
    beat_running || start_beat
    printf '[client]\nhost=127.0.0.1\nport=1\nuser=x\n' \
        >"$BATS_TEST_TMPDIR/dead.cnf"
    chmod 600 "$BATS_TEST_TMPDIR/dead.cnf"
    local cnf pid t0 t1 st pf=$BATS_TEST_TMPDIR/w.pid
    for cnf in "$R" "$BATS_TEST_TMPDIR/dead.cnf"; do
        mmha-lag check --defaults-file "$cnf" --watch 60000 --pidfile "$pf" \
            >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
        pid=$!
        echo "$pid" >"$BATS_FILE_TMPDIR/watch.pid"
        wait_until 5 "[ -s '$pf' ]"
        sleep 0.5
        run -0 kill -0 "$pid"
        t0=$(now_ms)
        kill -TERM "$pid"
        st=0
        wait "$pid" || st=$?
        t1=$(now_ms)
        assert_equal "$st" 0
        run -0 calc "$t1 - $t0 < 1000"
        run -1 test -e "$pf"
        run -0 grep -c "stopped" "$BATS_TEST_TMPDIR/out"
    done
}
