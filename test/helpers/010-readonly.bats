#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # bats sets $stderr (run --separate-stderr)
# mmha-readonly against real servers: one test per blocker kind, the
# deadline, --writable, bad options, and zero loss under an insert loop.

load ../lib/bed

setup_file() {
    bed_start -n 2 -t mm -m gtid
    local u pw sql="SET sql_log_bin=0;"
    for u in locker super spare; do
        pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')
        sql+="CREATE OR REPLACE USER '$u'@'%' IDENTIFIED BY '$pw';"
        sql+="GRANT ALL PRIVILEGES ON test.* TO '$u'@'%';"
        (
            umask 077
            printf '[client]\nuser=%s\npassword=%s\nhost=%s\nport=%s\nprotocol=tcp\n' \
                "$u" "$pw" "$(bed_host 1)" "$(bed_port 1)" \
                >"$BATS_FILE_TMPDIR/$u.cnf"
        )
    done
    sql+="GRANT SUPER, READ_ONLY ADMIN ON *.* TO 'super'@'%';"
    bed_sql 1 "$sql"
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    SESSIONS=()
    bed_sql 1 "SET GLOBAL read_only=0; DROP TABLE IF EXISTS test.t;
        CREATE TABLE test.t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB;
        INSERT INTO test.t VALUES (1, 0), (2, 0)"
    bed_sync 10
}

teardown() {
    local pid
    for pid in "${SESSIONS[@]}"; do
        _kill_tree "$pid"
    done
    # A SLEEP() runs on in the server after its client is gone.
    for pid in $(bed_sql 1 "SELECT ID FROM information_schema.PROCESSLIST
        WHERE INFO LIKE '%SLEEP(%' AND ID <> CONNECTION_ID()"); do
        bed_sql 1 "KILL $pid" || true
    done
    bed_sql 1 "SET GLOBAL read_only=0" || true
}

# _kill_tree PID: a session subshell we started and its children.
_kill_tree() {
    local c kids=()
    read -r -a kids <"/proc/$1/task/$1/children" 2>/dev/null || true
    for c in "${kids[@]}"; do
        _kill_tree "$c"
    done
    kill -TERM "$1" 2>/dev/null || true
}

user_cnf() {
    printf '%s/%s.cnf\n' "$BATS_FILE_TMPDIR" "$1"
}

# session NAME CNF SQL [HOLD_S]: a client that runs SQL, then keeps its
# connection open for HOLD_S seconds; output in $BATS_TEST_TMPDIR/NAME.out.
session() {
    local name=$1 cnf=$2 sql=$3 hold=${4:-60}
    (
        { printf '%s\n' "$sql"; sleep "$hold"; } |
            mariadb --defaults-file="$cnf" --skip-reconnect -N -B \
                >"$BATS_TEST_TMPDIR/$name.out" 2>&1
    ) 3>&- &
    SESSIONS+=("$!")
}

# count SQL-WHERE: sessions of server 1 matching the condition.
count() {
    bed_sql 1 "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE $1"
}

wait_count() {
    wait_until 10 "[ \"\$(count \"$1\")\" = $2 ]"
}

ro() {
    bed_sql 1 "SELECT @@GLOBAL.read_only"
}

@test "a 60 s UPDATE in flight: read-only within 2 s, UPDATE rolled back" {
    session upd "$(bed_app_cnf 1)" \
        "UPDATE test.t SET v = v + 1 WHERE SLEEP(60) = 0;" 70
    wait_count "INFO LIKE 'UPDATE test.t%'" 1
    local t0 t1
    t0=$(_mmha_now_ms)
    run -0 --separate-stderr mmha-readonly --defaults-file="$(bed_cnf 1)" \
        --timeout 10 --format json
    t1=$(_mmha_now_ms)
    [ $((t1 - t0)) -lt 2000 ] || fail "took $((t1 - t0)) ms"
    assert_output --partial '"read_only":true'
    assert_output --partial '"reason":"blocker"'
    assert_output --partial '"statement":"UPDATE test.t SET v = v + 1'
    assert_output --partial '"binlog_file":"mariadb-bin.'
    [[ "$stderr" == *"KILL QUERY"*"app@"*"UPDATE test.t"* ]] ||
        fail "kill not reported on stderr: $stderr"
    run -0 ro
    assert_output 1
    run -0 bed_sql 1 "SELECT id, v FROM test.t ORDER BY id"
    assert_output $'1\t0\n2\t0'
    run -0 wait_count "INFO LIKE 'UPDATE test.t%'" 0
}

@test "a LOCK TABLES ... WRITE holder is killed" {
    session lock "$(user_cnf locker)" "LOCK TABLES test.t WRITE;"
    wait_count "USER = 'locker'" 1
    run -0 --separate-stderr mmha-readonly --defaults-file="$(bed_cnf 1)" \
        --timeout 10 --keep-clients --format json
    assert_output --partial '"read_only":true'
    assert_output --partial '"user":"locker"'
    assert_output --partial '"kill":"connection","reason":"blocker"'
    run -0 count "USER = 'locker'"
    assert_output 0
    run -0 ro
    assert_output 1
}

@test "a long SELECT is not killed; --keep-clients keeps it running" {
    session sel "$(bed_app_cnf 1)" "SELECT SLEEP(30);"
    wait_count "INFO = 'SELECT SLEEP(30)'" 1
    run -0 --separate-stderr mmha-readonly --defaults-file="$(bed_cnf 1)" \
        --timeout 10 --keep-clients --format json
    assert_output --partial '"read_only":true'
    assert_output --partial '"kills":[]'
    run -0 count "INFO = 'SELECT SLEEP(30)' AND COMMAND = 'Query'"
    assert_output 1
}

@test "a long SELECT is not killed as a blocker, but gone at the end" {
    session sel "$(bed_app_cnf 1)" "SELECT SLEEP(30);"
    wait_count "INFO = 'SELECT SLEEP(30)'" 1
    run -0 --separate-stderr mmha-readonly --defaults-file="$(bed_cnf 1)" \
        --timeout 10 --format json
    refute_output --partial '"reason":"blocker"'
    assert_output --partial '"statement":"SELECT SLEEP(30)","kill":"connection","reason":"client"'
    run -0 wait_count "USER = 'app'" 0
}

@test "an idle open write transaction: connection gone, rows absent" {
    session trx "$(bed_app_cnf 1)" \
        "BEGIN; INSERT INTO test.t VALUES (10, 10);"
    wait_until 10 "bed_sql 1 'SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_rows_modified > 0' | grep -qx 1"
    run -0 mmha-readonly --defaults-file="$(bed_cnf 1)" --timeout 10
    run -0 wait_count "USER = 'app'" 0
    run -0 bed_sql 1 "SELECT COUNT(*) FROM test.t WHERE id = 10"
    assert_output 0
    run -0 bed_sql 2 "SELECT COUNT(*) FROM test.t WHERE id = 10"
    assert_output 0
}

@test "a SUPER / READ_ONLY ADMIN user's connection is killed, even with --keep-clients" {
    (
        { echo "SELECT 'up';"; sleep 2; echo "INSERT INTO test.t VALUES (20, 20);"; } |
            mariadb --defaults-file="$(user_cnf super)" --skip-reconnect -N -B \
                >"$BATS_TEST_TMPDIR/sup.out" 2>&1
    ) 3>&- &
    local sup=$!
    SESSIONS+=("$sup")
    wait_count "USER = 'super'" 1
    run -0 --separate-stderr mmha-readonly --defaults-file="$(bed_cnf 1)" \
        --timeout 10 --keep-clients --format json
    assert_output --partial '"user":"super"'
    assert_output --partial '"reason":"bypass-user"'
    run -0 count "USER = 'super'"
    assert_output 0
    # Its later write on that connection is impossible.
    run -0 wait_until 5 "! kill -0 $sup 2>/dev/null"
    run -0 cat "$BATS_TEST_TMPDIR/sup.out"
    assert_output --regexp 'ERROR (2006|2013)'
    run -0 bed_sql 1 "SELECT COUNT(*) FROM test.t WHERE id = 20"
    assert_output 0
}

@test "replication threads and binlog dump survive; replication goes on" {
    run --separate-stderr mmha-readonly --defaults-file="$(bed_cnf 1)" \
        --timeout 10
    echo "$stderr"
    assert_success
    run -0 count "COMMAND IN ('Slave_IO', 'Slave_SQL')"
    assert_output 2
    run -0 count "COMMAND LIKE 'Binlog Dump%'"
    assert_output 1
    run -0 bed_sql 2 "INSERT INTO test.t VALUES (30, 30)"
    run -0 bed_wait_sql 1 "SELECT v FROM test.t WHERE id = 30" 30
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO'" 1
}

@test "--spare-user sessions are left alone" {
    session sp "$(user_cnf spare)" "SELECT 1;"
    session ap "$(bed_app_cnf 1)" "SELECT 1;"
    wait_count "USER IN ('spare', 'app')" 2
    run -0 mmha-readonly --defaults-file="$(bed_cnf 1)" --timeout 10 \
        --spare-user spare --spare-user 'nobody@10.%'
    run -0 count "USER = 'spare'"
    assert_output 1
    run -0 count "USER = 'app'"
    assert_output 0
}

@test "--timeout holds to 0.5 s when it cannot succeed; server stays writable" {
    session upd "$(bed_app_cnf 1)" \
        "UPDATE test.t SET v = v + 1 WHERE SLEEP(60) = 0;" 70
    wait_count "INFO LIKE 'UPDATE test.t%'" 1
    local t0 t1
    t0=$(_mmha_now_ms)
    run -124 --separate-stderr mmha-readonly --defaults-file="$(bed_cnf 1)" \
        --timeout 2 --kill-after 20000 --format json
    t1=$(_mmha_now_ms)
    [ $((t1 - t0)) -ge 1500 ] && [ $((t1 - t0)) -le 2500 ] ||
        fail "took $((t1 - t0)) ms for --timeout 2"
    assert_output --partial '"status":"deadline-passed"'
    assert_output --partial '"read_only":false'
    [[ "$stderr" == *"deadline passed"*"app@"*"UPDATE test.t"* ]] ||
        fail "blocker not named: $stderr"
    run -0 ro
    assert_output 0
    run -0 count "INFO LIKE 'UPDATE test.t%'"
    assert_output 1
}

@test "giving up leaves a server that was read-only before read-only" {
    bed_sql 1 "SET GLOBAL read_only=1"
    # The admin account may write despite read_only: a blocker all the same.
    session upd "$(bed_cnf 1)" \
        "UPDATE test.t SET v = v + 1 WHERE SLEEP(60) = 0;" 70
    wait_count "INFO LIKE 'UPDATE test.t%'" 1
    # Older than a passing statement (else SET, a no-op here, goes first
    # and the writer is killed as a bypass user).
    sleep 0.3
    run -124 mmha-readonly --defaults-file="$(bed_cnf 1)" --timeout 2 \
        --kill-after 20000 --format shell
    assert_line WAS_READ_ONLY=1
    assert_line READ_ONLY=1
    run -0 ro
    assert_output 1
}

@test "--writable round trip" {
    run -0 mmha-readonly --defaults-file="$(bed_cnf 1)" --timeout 10
    run -1 bed_app_sql 1 "INSERT INTO test.t VALUES (40, 40)"
    assert_output --partial 1290
    run -0 mmha-readonly --defaults-file="$(bed_cnf 1)" --writable \
        --format shell
    assert_line READ_ONLY=0
    assert_line WAS_READ_ONLY=1
    run -0 bed_app_sql 1 "INSERT INTO test.t VALUES (40, 40)"
    run -0 ro
    assert_output 0
}

@test "bad options: one clear line and the documented code" {
    run -64 mmha-readonly --bogus
    assert_equal "${#lines[@]}" 1
    assert_output --partial -- --bogus
    run -64 mmha-readonly --timeout -3
    assert_equal "${#lines[@]}" 1
    assert_output --partial -- --timeout
    run -64 mmha-readonly --kill-after soon
    assert_equal "${#lines[@]}" 1
    run -66 mmha-readonly --defaults-file="$BATS_TEST_TMPDIR/none.cnf"
    assert_equal "${#lines[@]}" 1
    assert_output --partial none.cnf
    (
        umask 077
        printf '[client]\nuser=x\npassword=y\nhost=127.0.0.1\nport=1\n' \
            >"$BATS_TEST_TMPDIR/closed.cnf"
    )
    run -69 mmha-readonly --defaults-file="$BATS_TEST_TMPDIR/closed.cnf" \
        --timeout 3
    assert_equal "${#lines[@]}" 1
    run -0 mmha-readonly --help
    assert_line --partial "usage: mmha-readonly"
}

# insert_loop FILE SECONDS: numbered inserts, one connection each; logs
# "id ok" for acknowledged ones and "id errno" for refused ones.
insert_loop() {
    local out=$1 secs=$2 i=0 end err
    end=$(($(_mmha_now_ms) + secs * 1000))
    while [ "$(_mmha_now_ms)" -lt "$end" ]; do
        i=$((i + 1))
        if err=$(mariadb --defaults-file="$(bed_app_cnf 1)" -e \
            "INSERT INTO test.z VALUES ($i)" 2>&1); then
            echo "$i ok" >>"$out"
        else
            echo "$i $(printf '%s' "$err" | sed -n 's/^ERROR \([0-9]*\).*/\1/p')" >>"$out"
        fi
    done
}

@test "zero loss: every acknowledged insert is there, later ones fail 1290" {
    bed_sql 1 "CREATE OR REPLACE TABLE test.z (id INT PRIMARY KEY)"
    session upd "$(bed_app_cnf 1)" \
        "UPDATE test.t SET v = v + 1 WHERE SLEEP(60) = 0;" 70
    local log=$BATS_TEST_TMPDIR/inserts.log
    : >"$log"
    insert_loop "$log" 4 3>&- &
    local loop=$!
    sleep 1.5
    run -0 mmha-readonly --defaults-file="$(bed_cnf 1)" --timeout 10
    wait "$loop"
    local acked refused
    acked=$(awk '$2 == "ok"' "$log" | wc -l)
    refused=$(awk '$2 == "1290"' "$log" | wc -l)
    [ "$acked" -gt 5 ] || fail "only $acked inserts acknowledged"
    [ "$refused" -gt 5 ] || fail "only $refused inserts refused"
    # Every acknowledged id is in the table.
    run -0 bed_sql 1 "SELECT id FROM test.z ORDER BY id"
    assert_equal "$output" "$(awk '$2 == "ok" { print $1 }' "$log")"
    # After the first refusal nothing was acknowledged.  An insert whose
    # connection the tool killed (its last step: application connections
    # go, so clients reconnect through the VIP) fails 2013/1927 instead
    # of 1290: not acknowledged either.
    # shellcheck disable=SC2016
    run -0 awk 'function killed(e) { return e == "2013" || e == "1927" || e == "2006" }
        seen && $2 == "ok" { print "after switch: " $0 }
        $2 == "1290" { seen = 1 }
        $2 != "ok" && $2 != "1290" && !killed($2) { print "other error: " $0 }' "$log"
    assert_output ''
}
