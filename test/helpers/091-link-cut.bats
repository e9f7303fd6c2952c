#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # bats sets $output, $status
# Half-open connections by a real link cut: the servers run in network
# namespaces (bed --netns) and the host side of one server's veth goes down
# in the middle of a call - nothing is closed, nothing more arrives either
# way. Each helper returns within --timeout + 100 ms with its documented
# code (124). Calls that are too short to be cut by a timer (capture, lag
# check) are slowed by the server: an init_connect DO SLEEP() shorter than
# the timeout for an account without CONNECTION ADMIN (the call succeeds
# without a cut), and the link is cut as soon as the helper's TCP
# connection is established. Figures go to fd 3.

load ../lib/bed
load ../lib/deadline

setup_file() {
    bed_start -n 2 -t mm -m gtid --netns
    bed_sql 1 "SET sql_log_bin=0; CREATE OR REPLACE TABLE test.t
        (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO test.t
        VALUES (1, 0)"
    # The heartbeat table and a row, replicated to 2.
    mmha-lag beat --defaults-file "$(bed_cnf 1)" --once >/dev/null
    bed_sync 10
    # An account that init_connect applies to (no SUPER, no CONNECTION
    # ADMIN), with what capture and check read.
    bed_sql 2 "SET sql_log_bin=0; CREATE OR REPLACE USER slow@'%' IDENTIFIED BY 'slowpw';
        GRANT BINLOG MONITOR, SLAVE MONITOR ON *.* TO slow@'%';
        GRANT SELECT ON mmha.* TO slow@'%'"
    (
        umask 077
        printf '[client]\nhost=%s\nport=%s\nuser=slow\npassword=slowpw\n' \
            "$(bed_host 2)" "$(bed_port 2)" >"$BATS_FILE_TMPDIR/slow.cnf"
    )
}

teardown_file() {
    link_up 1
    link_up 2
    bed_stop
}

setup() {
    load_bats_libs
    CUT_PID=
    link_up 1
    link_up 2
}

teardown() {
    if [ -n "$CUT_PID" ]; then
        wait "$CUT_PID" 2>/dev/null || true
    fi
    link_up 1
    link_up 2
    # Over the socket: reachable whatever the link.
    sock_sql 2 "SET GLOBAL init_connect=''" || true
    sock_sql 1 "SET GLOBAL read_only=0" || true
}

link_down() {
    NETNS_DIR=$BED_DIR/netns netns_link_down "$1"
}

link_up() {
    NETNS_DIR=$BED_DIR/netns netns_link_up "$1" 2>/dev/null || true
}

# sock_sql i SQL: as the admin, over server i's Unix socket (which a cut
# link does not reach).
sock_sql() {
    mariadb --defaults-file="$(bed_cnf "$1")" --protocol=socket \
        --socket="$(bed_sock "$1")" -N -B -e "$2"
}

# cut_after I SECONDS: cut server I's link SECONDS from now (CUT_PID).
cut_after() {
    link_up "$1"
    (
        sleep "$2"
        link_down "$1"
    ) 3>&- &
    CUT_PID=$!
}

# cut_when_connected: cut server 2's link as soon as a TCP connection from
# the host to its port is established (the helper's: the test opens none).
cut_when_connected() {
    link_up 2
    rm -f "$BATS_TEST_TMPDIR/cut"
    local ns host
    ns=$(bed_netns_name 2)
    host=$(NETNS_DIR=$BED_DIR/netns netns_subnet).254
    (
        local i
        for ((i = 0; i < 2000; i++)); do
            if [ -n "$(ip netns exec "$ns" ss -Htn state established \
                "( sport = :$(bed_port 2) )" dst "$host")" ]; then
                link_down 2
                echo cut >"$BATS_TEST_TMPDIR/cut"
                exit 0
            fi
        done
    ) 3>&- &
    CUT_PID=$!
}

# server_waits i: MASTER_GTID_WAIT / MASTER_POS_WAIT running on server i.
server_waits() {
    sock_sql "$1" "SELECT COUNT(*) FROM information_schema.PROCESSLIST
        WHERE INFO LIKE 'SELECT MASTER\_%WAIT(%'"
}

@test "link cut during mmha-binlog wait --gtid --timeout 2: 124 within --timeout + 100 ms; the server-side wait ends on its own" {
    BOUNDED_EACH="cut_after 2 0.5" BOUNDED_LABEL="link cut at 0.5 s" \
        bounded 124 2 mmha-binlog wait --defaults-file "$(bed_cnf 2)" \
        --gtid 1-1-999999 --timeout 2
    assert_output --partial "deadline"
    # The link is still down: the server still has the wait, or had it.
    link_up 2
    wait_until 3 "[ \"\$(server_waits 2)\" = 0 ]"
    run -0 bed_sql 2 "SELECT 1"
}

@test "link cut during mmha-binlog capture --timeout 0.3 (slowed by init_connect): 124 within --timeout + 100 ms" {
    sock_sql 2 "SET GLOBAL init_connect='DO SLEEP(0.15)'"
    # Without a cut it answers, slowly.
    run -0 mmha-binlog capture --defaults-file "$BATS_FILE_TMPDIR/slow.cnf" \
        --timeout 0.3 --format shell
    assert_line --regexp '^BINLOG_FILE=mariadb-bin\.[0-9]+$'
    BOUNDED_EACH="cut_when_connected" BOUNDED_LABEL="link cut once connected" \
        bounded 124 0.3 mmha-binlog capture \
        --defaults-file "$BATS_FILE_TMPDIR/slow.cnf" --timeout 0.3
    run -0 cat "$BATS_TEST_TMPDIR/cut"
    assert_output cut
}

@test "link cut during mmha-lag check --timeout 1 (slowed by init_connect): 124 within --timeout + 100 ms" {
    sock_sql 2 "SET GLOBAL init_connect='DO SLEEP(0.5)'"
    run -0 mmha-lag check --defaults-file "$BATS_FILE_TMPDIR/slow.cnf" \
        --timeout 1 --format shell
    assert_line "SOURCE=heartbeat"
    BOUNDED_EACH="cut_when_connected" BOUNDED_LABEL="link cut once connected" \
        bounded 124 1 mmha-lag check \
        --defaults-file "$BATS_FILE_TMPDIR/slow.cnf" --timeout 1
    run -0 cat "$BATS_TEST_TMPDIR/cut"
    assert_output cut
}

@test "link cut during mmha-readonly --timeout 2 (a blocker it may not kill yet): 124 within --timeout + 100 ms, nothing changed" {
    (
        bed_app_sql 1 "BEGIN; UPDATE test.t SET v=v+1 WHERE id=1 AND SLEEP(20)=0" \
            >/dev/null 2>&1
    ) 3>&- &
    local writer=$!
    wait_until 5 "[ \"\$(sock_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE test.t%'\")\" = 1 ]"
    BOUNDED_EACH="cut_after 1 0.5" BOUNDED_LABEL="link cut at 0.5 s" \
        bounded 124 2 mmha-readonly --defaults-file "$(bed_cnf 1)" \
        --timeout 2 --kill-after 60000
    link_up 1
    run -0 sock_sql 1 "SELECT @@read_only"
    assert_output 0
    sock_sql 1 "KILL QUERY $(sock_sql 1 "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE test.t%'")" || true
    wait "$writer" || true
}
