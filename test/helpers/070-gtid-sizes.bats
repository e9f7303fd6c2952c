#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# GTID sets of any size: a writer with 400 GTID domains (5-6 KB of
# gtid_binlog_pos, past the old 4 KB buffers) - capture, wait and errant
# carry the whole set, byte for byte; mmha-readonly compares the whole of
# its own part when it waits for the position to be still.

# bats sets $stderr for run --separate-stderr.
# shellcheck disable=SC2154

load ../lib/bed

DOMAINS=400

setup_file() {
    bed_start -n 2
    bed_sql 1 "CREATE TABLE test.g (d INT PRIMARY KEY)"
    # One transaction in each of 400 domains (1000000..1000399), logged.
    local sql="SET sql_log_bin=1;" d
    for ((d = 1000000; d < 1000000 + DOMAINS; d++)); do
        sql+="SET gtid_domain_id=$d; INSERT INTO test.g VALUES ($d);"
    done
    bed_sql 1 "$sql"
    bed_sync 30
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    SPIN_PID=
}

teardown() {
    if [ -n "$SPIN_PID" ]; then
        kill -TERM "$SPIN_PID" 2>/dev/null || true
        wait "$SPIN_PID" 2>/dev/null || true
    fi
    bed_sql 1 "SET GLOBAL read_only=0" || true
}

# field KEY: a KEY=value of the last shell-format $output.
field() {
    printf '%s\n' "$output" | sed -n "s/^$1=//p"
}

# sorted SET: the GTIDs of a MariaDB position one per line, sorted.
sorted() {
    printf '%s\n' "$1" | tr ',' '\n' | sort
}

@test "capture: a 400-domain gtid_binlog_pos whole, byte for byte" {
    local want
    want=$(bed_sql 1 "SELECT @@GLOBAL.gtid_binlog_pos")
    [ "${#want}" -gt 4096 ] || fail "the set is only ${#want} bytes"
    echo "# gtid_binlog_pos: ${#want} bytes" >&3
    run -0 mmha-binlog capture --defaults-file "$(bed_cnf 1)" --format shell
    assert_equal "$(field GTID_BINLOG)" "$want"
    assert_equal "$(field GTID_CURRENT)" "$(bed_sql 1 'SELECT @@GLOBAL.gtid_current_pos')"
    run -0 --separate-stderr mmha-binlog capture --defaults-file "$(bed_cnf 2)" --format json
    printf '%s\n' "$output" | python3 -m json.tool >/dev/null || fail "invalid JSON"
    assert_equal "$(printf '%s\n' "$output" | python3 -c 'import json, sys
print(json.load(sys.stdin)["replica"]["gtid_applied"])')" \
        "$(bed_sql 2 'SELECT @@GLOBAL.gtid_slave_pos')"
}

@test "wait --gtid: a 400-domain target is reached" {
    local want
    want=$(bed_sql 1 "SELECT @@GLOBAL.gtid_binlog_pos")
    run -0 mmha-binlog wait --defaults-file "$(bed_cnf 2)" --gtid "$want" --timeout 10 --format shell
    assert_line "STATUS=ok"
    # The target printed is the whole set (domain 1 of server 1 included).
    assert_equal "$(sorted "$(field TARGET)")" "$(sorted "$want")"
    # A target one transaction ahead in the last domain is not reached.
    local ahead=${want/1000399-1-1/1000399-1-2}
    [ "$ahead" != "$want" ] || fail "no 1000399-1-1 in $want"
    run -124 --separate-stderr mmha-binlog wait --defaults-file "$(bed_cnf 2)" --gtid "$ahead" --timeout 0.5 --format shell
    assert_line "STATUS=deadline-passed"
}

@test "errant: 400 domains on each side, in full; 400 errant transactions found" {
    run -0 mmha-binlog errant --defaults-file "$(bed_cnf 2)" --reference "$(bed_cnf 1)" --format shell
    assert_equal "$(sorted "$(field GTID_LOCAL)")" "$(sorted "$(bed_sql 2 'SELECT @@GLOBAL.gtid_binlog_pos')")"
    assert_line "ERRANT_COUNT=0"
    # 400 transactions on 2 that 1 never receives.
    run -0 bed_sql 1 "STOP SLAVE"
    local sql="SET sql_log_bin=1;" d
    for ((d = 2000000; d < 2000000 + DOMAINS; d++)); do
        sql+="SET gtid_domain_id=$d; INSERT INTO test.g VALUES ($d);"
    done
    run -0 bed_sql 2 "$sql"
    run -81 mmha-binlog errant --defaults-file "$(bed_cnf 2)" --reference "$(bed_cnf 1)" --format shell
    assert_line "ERRANT_COUNT=$DOMAINS"
    local errant want
    errant=$(field ERRANT)
    want=$(for ((d = 2000000; d < 2000000 + DOMAINS; d++)); do echo "$d-2-1"; done | sort)
    assert_equal "$(sorted "$errant")" "$want"
    assert_equal "$(sorted "$(field GTID_LOCAL)")" "$(sorted "$(bed_sql 2 'SELECT @@GLOBAL.gtid_binlog_pos')")"
    run -0 bed_sql 1 "START SLAVE"
    run -0 bed_wait_replicating 1 10
}

# spin DOMAIN: an account that can write through read_only (ALL, so READ_ONLY
# ADMIN) commits a row in DOMAIN every few ms, 1500 times at most; SPIN_PID
# is the client itself (a pipeline's subshell would die alone on SIGTERM,
# its client writing on from the statements already in the pipe: the
# position then moved after the "still" report and the test compared it
# with a later one - seen once under the sanitizers, 621 against 630).
spin() {
    local cnf="$BATS_TEST_TMPDIR/spin.cnf" sql="$BATS_TEST_TMPDIR/spin.sql" i
    bed_sql 1 "SET sql_log_bin=0;
        CREATE TABLE IF NOT EXISTS test.s (id INT AUTO_INCREMENT PRIMARY KEY);
        CREATE OR REPLACE USER spinner@'%' IDENTIFIED BY 'spin';
        GRANT ALL ON *.* TO spinner@'%'"
    (
        umask 077
        printf '[client]\nhost=%s\nport=%s\nuser=spinner\npassword=spin\n' \
            "$(bed_host 1)" "$(bed_port 1)" >"$cnf"
    )
    {
        echo "SET sql_log_bin=1; SET gtid_domain_id=$1;"
        for ((i = 0; i < 1500; i++)); do
            echo "INSERT INTO test.s VALUES (NULL); DO SLEEP(0.002);"
        done
    } >"$sql"
    mariadb --defaults-file="$cnf" <"$sql" >/dev/null 2>&1 3>&- &
    SPIN_PID=$!
    wait_until 5 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM test.s\")\" -gt 10 ]"
}

@test "mmha-readonly: own writes in the last of 400 domains (past 4 KB of the set) keep the position moving; once they stop, the whole set" {
    local before
    before=$(bed_sql 1 "SELECT @@GLOBAL.gtid_binlog_pos")
    [ "${#before}" -gt 4096 ] || fail "the set is only ${#before} bytes"
    # The spared account writes on in domain 1000399, the end of the set:
    # the position never stands still (a comparison of the first 4 KB of
    # this server's own part saw nothing move and reported a final
    # position while writes went on).
    spin 1000399
    run -124 --separate-stderr mmha-readonly --defaults-file "$(bed_cnf 1)" \
        --timeout 1.5 --spare-user spinner --format shell
    assert_line "READ_ONLY=1"
    assert_line "MESSAGE=read_only=1 kept; deadline passed before the binary log position was still"
    refute_line --partial "POSITION_GTID_BINLOG="
    # Its writes did go on, in that domain, through read_only=1.
    run -0 bed_sql 1 "SELECT @@read_only, @@GLOBAL.gtid_binlog_pos NOT LIKE '%1000399-1-1'"
    assert_output "$(printf '1\t1')"
    kill -TERM "$SPIN_PID"
    wait "$SPIN_PID" || true
    SPIN_PID=
    # Its session ends with the client: the position stands still.
    wait_until 5 "a=\$(bed_sql 1 'SELECT @@GLOBAL.gtid_binlog_pos') && sleep 0.2 &&
        [ \"\$a\" = \"\$(bed_sql 1 'SELECT @@GLOBAL.gtid_binlog_pos')\" ]"
    # Still now: the position of record is the whole set, byte for byte,
    # the last domain's latest transaction included.
    run -0 --separate-stderr mmha-readonly --defaults-file "$(bed_cnf 1)" \
        --timeout 5 --spare-user spinner --format json
    local want
    want=$(bed_sql 1 "SELECT @@GLOBAL.gtid_binlog_pos")
    [ "${#want}" -gt 4096 ] || fail "the set is only ${#want} bytes"
    assert_equal "$(printf '%s\n' "$output" | python3 -c 'import json, sys
r = json.load(sys.stdin)
print(r["status"], r["read_only"], len(r["position"]["gtid_binlog"]))')" "ok True ${#want}"
    assert_equal "$(printf '%s\n' "$output" | python3 -c 'import json, sys
print(json.load(sys.stdin)["position"]["gtid_binlog"])')" "$want"
    [[ ,$want, == *",1000399-1-"* && ,$want, != *",1000399-1-1,"* ]] ||
        fail "domain 1000399 did not move: ${want: -40}"
}
