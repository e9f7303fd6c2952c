#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The bed with one network namespace per server: replication crosses
# namespaces, and cutting a namespace's link stops it.

load ../lib/bed

setup_file() {
    bed_start -n 2 -t mm --netns
    echo "# bed (netns) up in ${BED_START_SECONDS}s" >&3
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
}

# ns_sql i SQL: as admin, from inside namespace i, over TCP.
ns_sql() {
    netns_exec "$1" mariadb --defaults-file="$(bed_cnf "$1")" -N -B -e "$2"
}

# sock_sql i SQL: as admin over server i's socket (works while i's link is
# down).
sock_sql() {
    mariadb --defaults-file="$(bed_cnf "$1")" --protocol=socket \
        --host=localhost --socket="$(bed_sock "$1")" -N -B -e "$2"
}

@test "servers live in their own namespaces and replicate across them" {
    run -0 bed_host 1
    assert_output "$(netns_addr 1)"
    run -0 ip netns identify "$(bed_pid 2)"
    assert_output "$(netns_name 2)"
    run -0 bed_sql 2 "SELECT Host FROM information_schema.PROCESSLIST
        WHERE User = 'repl'"
    assert_output --partial "$(netns_addr 1):"
    run -0 ns_sql 1 "CREATE TABLE test.ns (id INT PRIMARY KEY)"
    run -0 ns_sql 1 "INSERT INTO test.ns VALUES (1)"
    run -0 bed_sync 10
    run -0 ns_sql 2 "SELECT id FROM test.ns"
    assert_output 1
}

@test "link down stops replication from progressing, link up resumes it" {
    run -0 bed_sql 1 "CREATE TABLE test.part (id INT PRIMARY KEY)"
    run -0 bed_sync 10
    run -0 netns_link_down 2
    run -0 sock_sql 1 "INSERT INTO test.part VALUES (1)"
    sleep 2
    run -0 sock_sql 2 "SELECT COUNT(*) FROM test.part"
    assert_output 0
    run -1 netns_exec 1 ping -c1 -W1 "$(netns_addr 2)"
    run -0 netns_link_up 2
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM test.part" 1 60
    run -0 bed_sql 2 "INSERT INTO test.part VALUES (2)"
    run -0 bed_wait_sql 1 "SELECT COUNT(*) FROM test.part" 2 60
}
