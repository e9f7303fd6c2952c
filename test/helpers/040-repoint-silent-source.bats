#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha-binlog repoint asks the source for a heartbeat every second, so a
# replica with a short slave_net_timeout drops a connection that has gone
# silent (its source's link cut) and makes a new one, while an idle source
# keeps its replica connected.  Servers in their own network namespaces.

load ../lib/bed

setup_file() {
    bed_start -n 2 -t mm -m gtid --netns
    bed_sql 1 "CREATE TABLE test.silent (id INT PRIMARY KEY)"
    bed_sync 10
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
}

# sock_sql i SQL: as admin over server i's socket (works while i's link is
# down).
sock_sql() {
    mariadb --defaults-file="$(bed_cnf "$1")" --protocol=socket \
        --host=localhost --socket="$(bed_sock "$1")" -N -B -e "$2"
}

# dump_id: the connection id of server 2's binlog dump thread on server 1.
dump_id() {
    sock_sql 1 "SELECT ID FROM information_schema.PROCESSLIST
        WHERE COMMAND LIKE 'Binlog Dump%' AND HOST LIKE '$(bed_host 2):%'"
}

@test "repoint sets a 1 s heartbeat; an idle source keeps its replica connected with slave_net_timeout=3" {
    run -0 run_bounded 30 mmha-binlog repoint --defaults-file "$(bed_cnf 2)" \
        --to "$(bed_host 1):$(bed_port 1)" --gtid \
        --repl-defaults-file "$(bed_repl_cnf)" --timeout 20
    assert_line "status: ok"
    run -0 sock_sql 2 "SHOW STATUS LIKE 'Slave_heartbeat_period'"
    assert_output $'Slave_heartbeat_period\t1.000'
    # The timeout applies to the next connection.
    run -0 sock_sql 2 "SET GLOBAL slave_net_timeout = 3;
        STOP SLAVE IO_THREAD; START SLAVE IO_THREAD"
    run -0 bed_wait_replicating 2 10
    sleep 1
    local id beats
    id=$(dump_id)
    [ -n "$id" ] || fail "no dump thread for server 2 on server 1"
    beats=$(sock_sql 2 "SHOW STATUS LIKE 'Slave_received_heartbeats'" | cut -f2)
    # Idle for twice the timeout: heartbeats arrive, nothing reconnects.
    sleep 6
    run -0 dump_id
    assert_output "$id"
    run -0 sock_sql 2 "SHOW STATUS LIKE 'Slave_received_heartbeats'"
    (($(cut -f2 <<<"$output") >= beats + 4)) ||
        fail "heartbeats: $beats before, $output after 6 s"
}

@test "source's link cut: the replica drops the silent connection within slave_net_timeout, and follows again after the heal" {
    local t0 io waited
    run -0 netns_link_down 1
    t0=$SECONDS
    # The kernel still holds the connection; only the silence tells.
    io=
    while ((SECONDS - t0 < 10)); do
        io=$(_bed_slave_field 2 Slave_IO_Running)
        [ "$io" != Yes ] && break
        sleep 0.2
    done
    waited=$((SECONDS - t0))
    echo "# IO thread left 'Yes' after ~${waited}s (slave_net_timeout 3): $io" >&3
    [ "$io" != Yes ] || fail "the IO thread still says Yes 10 s after its source went silent"
    run -0 sock_sql 1 "INSERT INTO test.silent VALUES (1)"
    run -0 netns_link_up 1
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM test.silent" 1 30
}
