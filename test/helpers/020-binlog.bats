#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha-binlog against real servers: capture, bounded waits on a real
# backlog (MASTER_DELAY), a replication error ending a wait, repoint of a
# third server in GTID and file/position mode, errant transactions.


# bats sets $stderr for run --separate-stderr.
# shellcheck disable=SC2154

load ../lib/bed

setup_file() {
    bed_start -n 3 -t mm -m gtid
    PRIMARY_BED=$BED_DIR
    export PRIMARY_BED
    bed_sql 1 "CREATE TABLE test.t (id INT PRIMARY KEY, v INT)"
    bed_sync 10
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
}

# A test that started a bed of its own stops it here, even when it failed.
teardown() {
    if [ -n "${BED_DIR:-}" ] && [ "$BED_DIR" != "$PRIMARY_BED" ]; then
        unset BED_N
        bed_stop
    fi
}

other_bed() {
    unset BED_N
    bed_start "$@"
}

binlog() {
    run_bounded 30 mmha-binlog "$@"
}

# master_pos i: FILE:POS of server i's binary log.
master_pos() {
    bed_sql "$1" "SHOW MASTER STATUS" | cut -f1,2 | tr '\t' :
}

# set_delay i N: replica i applies events N seconds late.
set_delay() {
    bed_sql "$1" "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=$2; START SLAVE"
    bed_wait_replicating "$1" 10
}

# io_has i FILE:POS: replica i's IO thread has read up to FILE:POS.
io_has() {
    local st
    st=$(_bed_slave_field "$1" Master_Log_File Read_Master_Log_Pos |
        paste -sd: -)
    [ "$st" = "$2" ]
}

now_ms() {
    _mmha_now_ms
}

@test "bad options and unreachable servers: one line, documented code" {
    run -64 --separate-stderr mmha-binlog
    run -64 --separate-stderr mmha-binlog frobnicate
    assert_equal "$stderr" "mmha-binlog: 'frobnicate' is not a subcommand (capture, wait, repoint, errant, replica, clients, semisync)"
    run -64 --separate-stderr mmha-binlog wait --pos nocolon
    assert_equal "$stderr" "mmha-binlog: --pos: 'nocolon' is not FILE:POS"
    run -64 --separate-stderr mmha-binlog wait --pos f:1 --drain
    assert_equal "$stderr" "mmha-binlog: wait needs exactly one of --pos, --gtid, --drain"
    run -64 --separate-stderr mmha-binlog wait --drain --timeout 0
    assert_equal "${#lines[@]}" 0
    assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
    run -64 --separate-stderr mmha-binlog repoint --to nowhere --gtid
    assert_equal "$stderr" "mmha-binlog: --to: repoint needs the new source as HOST:PORT"
    run -64 --separate-stderr mmha-binlog repoint --to h:1 --gtid --at f:4
    run -64 --separate-stderr mmha-binlog repoint --to h:1 --at f:4 --ignore-source-domain
    assert_equal "$stderr" "mmha-binlog: --ignore-domains and --ignore-source-domain need --gtid (no domain is ignored with a file position)"
    run -64 --separate-stderr mmha-binlog repoint --to h:1 --gtid --ignore-domains '1,x'
    assert_equal "$stderr" "mmha-binlog: --ignore-domains: '1,x' is not a list of domain ids (1,2)"
    run -64 --separate-stderr mmha-binlog repoint --to h:1 --gtid --ignore-domains 4294967296
    run -64 --separate-stderr mmha-binlog capture --ignore-source-domain
    run -64 --separate-stderr mmha-binlog capture --settle 0
    assert_equal "$stderr" "mmha-binlog: --to, --at, --gtid, --ignore-domains, --ignore-source-domain, --settle and --dry-run are for repoint"
    run -64 --separate-stderr mmha-binlog repoint --to h:1 --gtid --settle 60001
    assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
    assert_equal "${stderr%%:*}" mmha-binlog
    run -64 --separate-stderr mmha-binlog repoint --to h:1 --gtid --settle soon
    run -64 --separate-stderr mmha-binlog errant
    run -64 --separate-stderr mmha-binlog capture --password=x
    run -64 --separate-stderr mmha-binlog capture --no-such-option
    run -66 --separate-stderr mmha-binlog capture --defaults-file /nonexistent.cnf
    assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
    run -69 --separate-stderr mmha-binlog capture --defaults-file "$(bed_cnf 1)" --port 1 --timeout 2
    assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
    assert_equal "${stderr%%:*}" mmha-binlog
    run -0 mmha-binlog --help
    assert_line --partial "mmha-binlog wait --pos FILE:POS"
}

@test "capture: binlog position, GTID state and replica state, three formats" {
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (1, 1)"
    run -0 bed_sync 10
    local pos
    pos=$(master_pos 3)
    run -0 binlog capture --defaults-file "$(bed_cnf 3)" --format shell
    assert_line "BINLOG_FILE=${pos%:*}"
    assert_line "BINLOG_POS=${pos#*:}"
    assert_line "SERVER_ID=3"
    assert_line "REPLICA_SOURCE_PORT=$(bed_port 1)"
    assert_line "REPLICA_IO_RUNNING=yes"
    assert_line "REPLICA_SQL_RUNNING=yes"
    assert_line "REPLICA_GTID_APPLIED=$(bed_sql 3 'SELECT @@gtid_slave_pos')"
    assert_line "GTID_BINLOG=$(bed_sql 3 'SELECT @@gtid_binlog_pos')"
    assert_line "REPLICA_IGNORE_DOMAINS="
    run -0 binlog capture --defaults-file "$(bed_cnf 3)" --format json
    assert_output --partial "\"binlog_pos\":${pos#*:}"
    assert_output --partial '"replica":{"configured":true'
    run -0 binlog capture --defaults-file "$(bed_cnf 3)"
    assert_line "binlog_file: ${pos%:*}"
    assert_line --partial "server: MariaDB"
}

@test "wait --pos: at once when caught up, 124 within 0.5 s of --timeout on a backlog, 0 when reached" {
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (2, 2)"
    run -0 bed_sync 10
    run -0 binlog wait --defaults-file "$(bed_cnf 3)" --pos "$(master_pos 1)"
    assert_line "status: ok"

    run -0 set_delay 3 4
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (3, 3)"
    local pos t0 t1
    pos=$(master_pos 1)
    run -0 wait_until 10 "io_has 3 $pos"
    t0=$(now_ms)
    run -124 --separate-stderr mmha-binlog wait --defaults-file "$(bed_cnf 3)" --pos "$pos" --timeout 1.5
    t1=$(now_ms)
    assert_line "status: deadline-passed"
    [ $((t1 - t0)) -ge 1000 ] && [ $((t1 - t0)) -le 2000 ] ||
        fail "timed out after $((t1 - t0)) ms, --timeout 1.5"
    run -0 bed_sql 3 "SELECT COUNT(*) FROM test.t WHERE id = 3"
    assert_output 0

    run -0 --separate-stderr mmha-binlog wait --defaults-file "$(bed_cnf 3)" --pos "$pos" --timeout 15 --progress
    assert_line "status: ok"
    [[ "$stderr" == *"bytes to apply"* ]] || fail "no progress: $stderr"
    run -0 bed_sql 3 "SELECT COUNT(*) FROM test.t WHERE id = 3"
    assert_output 1
    run -0 set_delay 3 0
}

@test "wait --drain returns exactly when the relay log backlog is applied" {
    run -0 set_delay 3 3
    local i pos t0 t1
    for i in 10 11 12 13; do
        bed_sql 1 "INSERT INTO test.t VALUES ($i, $i)"
    done
    pos=$(master_pos 1)
    run -0 wait_until 10 "io_has 3 $pos"
    run -0 bed_sql 3 "SELECT COUNT(*) FROM test.t WHERE id BETWEEN 10 AND 13"
    assert_output 0
    t0=$(now_ms)
    run -0 --separate-stderr mmha-binlog wait --defaults-file "$(bed_cnf 3)" --drain --timeout 15 --progress
    t1=$(now_ms)
    assert_line "target: $pos"
    assert_line "exec_pos: ${pos#*:}"
    run -0 bed_sql 3 "SELECT COUNT(*) FROM test.t WHERE id BETWEEN 10 AND 13"
    assert_output 4
    [ $((t1 - t0)) -ge 1000 ] || fail "drain returned after $((t1 - t0)) ms"
    run -0 set_delay 3 0
}

@test "wait --gtid: reached, and a timeout on a delayed replica" {
    run -0 bed_sync 10
    local g
    g=$(bed_sql 1 "SELECT @@gtid_binlog_pos")
    run -0 binlog wait --defaults-file "$(bed_cnf 3)" --gtid "$g" --format json
    assert_output --partial '"status":"ok"'
    run -0 set_delay 3 3
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (20, 20)"
    g=$(bed_sql 1 "SELECT @@gtid_binlog_pos")
    run -124 binlog wait --defaults-file "$(bed_cnf 3)" --gtid "$g" --timeout 1
    run -0 binlog wait --defaults-file "$(bed_cnf 3)" --gtid "$g" --timeout 15
    run -0 bed_sql 3 "SELECT v FROM test.t WHERE id = 20"
    assert_output 20
    run -64 binlog wait --defaults-file "$(bed_cnf 3)" --gtid "not-a-gtid"
    run -0 set_delay 3 0
}

@test "a replication error (conflicting row) ends the wait at once with its text" {
    run -0 set_delay 3 2
    run -0 bed_sql 3 "SET sql_log_bin=0; INSERT INTO test.t VALUES (50, 0)"
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (50, 50)"
    local t0 t1
    t0=$(now_ms)
    run -80 --separate-stderr mmha-binlog wait --defaults-file "$(bed_cnf 3)" --pos "$(master_pos 1)" --timeout 20
    t1=$(now_ms)
    assert_line --partial "Duplicate entry '50'"
    [[ "$stderr" == *"Duplicate entry"* ]] || fail "stderr: $stderr"
    [ $((t1 - t0)) -lt 6000 ] || fail "error noticed after $((t1 - t0)) ms"
    # A broken replica refuses a new wait at once, too.
    run -80 binlog wait --defaults-file "$(bed_cnf 3)" --drain --timeout 20
    run -0 bed_sql 3 "SET sql_log_bin=0; DELETE FROM test.t WHERE id = 50;
        STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE"
    run -0 bed_wait_replicating 3 10
    run -0 bed_sync 10
    run -0 bed_sql 3 "SELECT v FROM test.t WHERE id = 50"
    assert_output 50
}

@test "file/position mode: --drain and --pos on a delayed replica, then a conflict ends the wait" {
    other_bed -n 2 -t star -m filepos
    run -0 bed_sql 1 "CREATE TABLE test.t (id INT PRIMARY KEY, v INT)"
    run -0 bed_sync 10
    run -0 set_delay 2 2
    local i pos t0 t1
    for i in 1 2 3; do
        bed_sql 1 "INSERT INTO test.t VALUES ($i, $i)"
    done
    pos=$(master_pos 1)
    run -0 wait_until 10 "io_has 2 $pos"
    t0=$(now_ms)
    run -0 binlog wait --defaults-file "$(bed_cnf 2)" --drain --timeout 15 --format json
    t1=$(now_ms)
    assert_output --partial "\"target\":\"$pos\""
    run -0 bed_sql 2 "SELECT COUNT(*) FROM test.t"
    assert_output 3
    [ $((t1 - t0)) -ge 500 ] || fail "drain returned after $((t1 - t0)) ms"
    run -0 bed_sql 2 "SET sql_log_bin=0; INSERT INTO test.t VALUES (9, 0)"
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (9, 9)"
    run -80 binlog wait --defaults-file "$(bed_cnf 2)" --pos "$(master_pos 1)" --timeout 20 --format shell
    assert_line --partial "ERROR=replication SQL error 1062"
}

# checksums_equal N: CHECKSUM TABLE test.t is the same on servers 1..N.
checksums_equal() {
    local first i c
    first=$(bed_sql 1 "CHECKSUM TABLE test.t" | cut -f2)
    for i in $(seq 2 "$1"); do
        c=$(bed_sql "$i" "CHECKSUM TABLE test.t" | cut -f2)
        [ "$c" = "$first" ] || return 1
    done
}

@test "repoint (GTID): the third server follows M2, has every row once" {
    run -0 bed_sync 10
    run -0 binlog repoint --defaults-file "$(bed_cnf 3)" \
        --to "$(bed_host 2):$(bed_port 2)" --gtid \
        --repl-defaults-file "$(bed_repl_cnf)" --timeout 20
    assert_line "status: ok"
    run -0 _bed_slave_field 3 Master_Port Slave_IO_Running Slave_SQL_Running Using_Gtid Connect_Retry
    assert_output "$(bed_port 2)"$'\nYes\nYes\nSlave_Pos\n1'
    local i
    for i in 101 103 105; do
        bed_sql 2 "INSERT INTO test.t VALUES ($i, $i)"
    done
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (107, 107)"
    run -0 bed_sync 10
    run -0 bed_wait_sql 3 "SELECT COUNT(*) FROM test.t WHERE id > 100" 4
    run -0 checksums_equal 3
}

@test "repoint (file/position) at the position captured on M2; a bad position restores the old source" {
    other_bed -n 3 -t mm -m filepos
    run -0 bed_sql 1 "CREATE TABLE test.t (id INT PRIMARY KEY, v INT);
        INSERT INTO test.t VALUES (1, 1), (3, 3)"
    run -0 bed_sync 10
    local at port1
    port1=$(bed_port 1)

    # A position past the end of M2's binary log: refused, put back.
    run -80 --separate-stderr mmha-binlog repoint --defaults-file "$(bed_cnf 3)" \
        --to "$(bed_host 2):$(bed_port 2)" --at mariadb-bin.000001:99999999 \
        --timeout 8
    assert_line "restored: 1"
    [[ "$stderr" == *"old source restored"* ]] || fail "stderr: $stderr"
    run -0 bed_wait_replicating 3 10
    run -0 _bed_slave_field 3 Master_Port Using_Gtid
    assert_output "$port1"$'\nNo'
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (5, 5)"
    run -0 bed_wait_sql 3 "SELECT v FROM test.t WHERE id = 5" 5

    # The real move: M2's position, with no writes in flight.
    run -0 bed_sync 10
    run -0 mmha-binlog capture --defaults-file "$(bed_cnf 2)" --format shell
    at=$(printf '%s\n' "$output" | sed -n 's/^BINLOG_FILE=//p'):$(printf '%s\n' "$output" | sed -n 's/^BINLOG_POS=//p')
    run -0 binlog repoint --defaults-file "$(bed_cnf 3)" \
        --to "$(bed_host 2):$(bed_port 2)" --at "$at" \
        --repl-defaults-file "$(bed_repl_cnf)" --timeout 20
    run -0 _bed_slave_field 3 Master_Port Slave_IO_Running Slave_SQL_Running
    assert_output "$(bed_port 2)"$'\nYes\nYes'
    local i
    for i in 12 14 16; do
        bed_sql 2 "INSERT INTO test.t VALUES ($i, $i)"
    done
    run -0 bed_sql 1 "INSERT INTO test.t VALUES (7, 7)"
    run -0 bed_sync 10
    run -0 bed_wait_sql 3 "SELECT COUNT(*), COUNT(DISTINCT id) FROM test.t" $'7\t7'
    run -0 checksums_equal 3
    run -0 mmha-binlog wait --defaults-file "$(bed_cnf 3)" --pos "$(master_pos 2)" --timeout 5
}

# rows_of i DOMAIN: rows of test.d on server i written in GTID domain DOMAIN.
rows_of() {
    bed_sql "$1" "SELECT COUNT(*) FROM test.d WHERE dom = $2"
}

threads_of() {
    _bed_slave_field "$1" Slave_IO_Running Slave_SQL_Running | paste -sd ' ' -
}

# caught_up i j: replica i has read and applied all of server j's binlog.
caught_up() {
    io_has "$1" "$(master_pos "$2")" &&
        [ "$(_bed_slave_field "$1" Exec_Master_Log_Pos)" = "$(master_pos "$2" | cut -d: -f2)" ]
}

@test "repoint --ignore-source-domain: the source's own writes are not applied, other domains are; errant still sees them; a plain repoint clears the list and fetches what was skipped" {
    other_bed -n 2 -t mm -m gtid
    local to2 g2
    to2="$(bed_host 2):$(bed_port 2)"
    run -0 bed_sql 1 "CREATE TABLE test.d (id INT PRIMARY KEY, dom INT)"
    run -0 bed_sync 10

    run -0 binlog repoint --defaults-file "$(bed_cnf 1)" --to "$to2" --gtid \
        --ignore-source-domain --repl-defaults-file "$(bed_repl_cnf)" \
        --timeout 20 --format shell
    assert_line "STATUS=ok"
    assert_line "OLD_IGNORE_DOMAINS="
    assert_line "REPLICA_IGNORE_DOMAINS=2"
    run -0 _bed_slave_field 1 Replicate_Ignore_Domain_Ids Using_Gtid
    assert_output $'2\nSlave_Pos'
    run -0 binlog capture --defaults-file "$(bed_cnf 1)" --format shell
    assert_line "REPLICA_IGNORE_DOMAINS=2"

    # A write on 2 in its own domain is read and skipped; one in another
    # domain is applied.
    run -0 bed_sql 2 "INSERT INTO test.d VALUES (1, @@gtid_domain_id)"
    g2=$(bed_sql 2 "SELECT @@gtid_binlog_pos" | tr ',' '\n' | grep '^2-2-')
    run -0 bed_sql 2 "SET SESSION gtid_domain_id = 9; INSERT INTO test.d VALUES (2, 9)"
    run -0 wait_until 10 "caught_up 1 2"
    run -0 bed_wait_sql 1 "SELECT COUNT(*) FROM test.d WHERE dom = 9" 1 10
    assert_equal "$(rows_of 1 2)" 0
    # Server 1 counts the skipped GTID in its gtid_slave_pos, yet it lacks
    # the data: errant against 1 still lists it.
    run -81 binlog errant --defaults-file "$(bed_cnf 2)" \
        --reference "$(bed_cnf 1)" --format shell
    assert_line "ERRANT=$g2"

    # Both options: a list of two (the server keeps it sorted).
    run -0 binlog repoint --defaults-file "$(bed_cnf 1)" --to "$to2" --gtid \
        --ignore-domains 7 --ignore-source-domain \
        --repl-defaults-file "$(bed_repl_cnf)" --timeout 20 --format shell
    assert_line "OLD_IGNORE_DOMAINS=2"
    assert_line "REPLICA_IGNORE_DOMAINS=2,7"

    # A failed re-point puts the list back, and only the threads that ran:
    # the stopped IO thread (a writer's after its promotion) stays stopped.
    run -0 bed_sql 1 "STOP SLAVE IO_THREAD"
    run -124 --separate-stderr mmha-binlog repoint --defaults-file "$(bed_cnf 1)" \
        --to 127.0.0.1:1 --gtid --repl-defaults-file "$(bed_repl_cnf)" \
        --timeout 3 --format shell
    assert_line "RESTORED=1"
    run -0 _bed_slave_field 1 Master_Port Replicate_Ignore_Domain_Ids Slave_IO_Running Slave_SQL_Running
    assert_output "$(bed_port 2)"$'\n2, 7\nNo\nYes'

    # A plain re-point (a reader following the writer) clears the list, and
    # what was skipped comes in too: the replica had counted it in
    # gtid_slave_pos, which goes back to its binary log for domain 2.
    run -0 binlog repoint --defaults-file "$(bed_cnf 1)" --to "$to2" --gtid \
        --repl-defaults-file "$(bed_repl_cnf)" --timeout 20 --format shell
    assert_line "OLD_IGNORE_DOMAINS=2,7"
    assert_line "REPLICA_IGNORE_DOMAINS="
    run -0 _bed_slave_field 1 Replicate_Ignore_Domain_Ids
    assert_output ""
    run -0 bed_sql 2 "INSERT INTO test.d VALUES (3, @@gtid_domain_id)"
    run -0 bed_wait_sql 1 "SELECT COUNT(*) FROM test.d WHERE id = 3" 1 10
    assert_equal "$(bed_sql 1 'SELECT COUNT(*) FROM test.d WHERE id = 1')" 1
    assert_equal "$(threads_of 1)" "Yes Yes"
    run -0 binlog errant --defaults-file "$(bed_cnf 2)" --reference "$(bed_cnf 1)"
}

@test "repoint of a server with no source to a dead port: 124 within --timeout, still no source" {
    other_bed -n 1 -t none
    local t0 t1
    t0=$(now_ms)
    run -124 --separate-stderr mmha-binlog repoint --defaults-file "$(bed_cnf 1)" \
        --to 127.0.0.1:1 --gtid --timeout 3 --repl-defaults-file "$(bed_repl_cnf)"
    t1=$(now_ms)
    assert_line "restored: 1"
    [[ "$stderr" == *"not running within --timeout"* ]] || fail "stderr: $stderr"
    [ $((t1 - t0)) -le 3500 ] || fail "took $((t1 - t0)) ms with --timeout 3"
    run -0 bed_sql 1 "SHOW SLAVE STATUS"
    assert_output ""
}

@test "errant: none on a clean replica; a row written on the replica is listed" {
    run -0 bed_sync 10
    run -0 binlog errant --defaults-file "$(bed_cnf 3)" --reference "$(bed_cnf 1)"
    assert_line "errant_count: 0"
    run -0 bed_sql 3 "CREATE TABLE test.local_only (id INT PRIMARY KEY)"
    local g
    g=$(bed_sql 3 "SELECT @@gtid_binlog_pos" | tr ',' '\n' | grep '^3-3-')
    run -81 binlog errant --defaults-file "$(bed_cnf 3)" \
        --reference "$(bed_host 1):$(bed_port 1)" --format shell
    assert_line "ERRANT=$g"
    assert_line "TRANSACTIONS_1_DOMAIN=3"
    assert_line "STATUS=errant-transactions"
    # The masters hold nothing the replica lacks... but M1 lacks 3's.
    run -0 binlog errant --defaults-file "$(bed_cnf 1)" --reference "$(bed_cnf 2)"
    run -69 binlog errant --defaults-file "$(bed_cnf 3)" --reference 127.0.0.1:1 --timeout 2
}
