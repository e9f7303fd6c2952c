#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The MariaDB test bed itself: replication both ways, the auto-increment
# rule under concurrent writes, filepos mode, a star of three, kill/restart.

load ../lib/bed

setup_file() {
    bed_start -n 2 -t mm -m gtid
    echo "# bed up in ${BED_START_SECONDS}s" >&3
    PRIMARY_BED=$BED_DIR
    export PRIMARY_BED
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

# other_bed ARGS: a second bed for this test only (stopped by teardown).
other_bed() {
    unset BED_N
    bed_start "$@"
}

@test "a row written on either master appears on the other" {
    run -0 bed_sql 1 "CREATE TABLE test.both (id INT PRIMARY KEY, v TEXT)"
    run -0 bed_app_sql 1 "INSERT INTO test.both VALUES (1, 'from 1')"
    run -0 bed_wait_sql 2 "SELECT v FROM test.both WHERE id = 1" "from 1"
    run -0 bed_app_sql 2 "INSERT INTO test.both VALUES (2, 'from 2')"
    run -0 bed_wait_sql 1 "SELECT v FROM test.both WHERE id = 2" "from 2"
    run -0 bed_sync 10
    run -0 bed_sql 1 "SELECT id, v FROM test.both ORDER BY id"
    assert_output $'1\tfrom 1\n2\tfrom 2'
}

@test "users: app has no SUPER, repl may replicate, cnf files are 0600" {
    run -0 bed_app_sql 1 "SHOW GRANTS"
    refute_output --partial SUPER
    assert_output --partial "\`test\`.*"
    run -0 stat -c %a "$(bed_cnf 1)" "$(bed_app_cnf 2)" "$(bed_repl_cnf)"
    assert_output $'600\n600\n600'
    run -0 mariadb --defaults-file="$(bed_repl_cnf)" -h "$(bed_host 2)" \
        -P "$(bed_port 2)" -N -B -e "SHOW MASTER STATUS"
    assert_output --partial mariadb-bin.
    run -1 bed_app_sql 1 "SET GLOBAL read_only = 1"
}

# insert_for SERVER SECONDS: app-user inserts in batches until time is up;
# fails on the first error (a duplicate key would be one).
insert_for() {
    local i=$1 end=$((SECONDS + $2)) k sql
    while [ "$SECONDS" -lt "$end" ]; do
        sql=
        for k in $(seq 1 50); do
            sql+="INSERT INTO test.ai (src) VALUES ($i);"
        done
        bed_app_sql "$i" "$sql" || return 1
    done
    : "$k"
}

@test "concurrent inserts on both masters: no duplicate key, same rows" {
    run -0 bed_app_sql 1 "CREATE TABLE test.ai
        (id INT AUTO_INCREMENT PRIMARY KEY, src INT NOT NULL)"
    run -0 bed_sync 10
    insert_for 1 10 3>&- &
    local p1=$!
    insert_for 2 10 3>&- &
    local p2=$!
    local rc1=0 rc2=0
    wait "$p1" || rc1=$?
    wait "$p2" || rc2=$?
    assert_equal "$rc1 $rc2" "0 0"
    run -0 bed_sync 30
    run -0 bed_wait_replicating 1 1
    run -0 bed_wait_replicating 2 1
    # Server i only ever hands out ids = i (mod 2).
    run -0 bed_sql 1 "SELECT COUNT(*) FROM test.ai WHERE id % 2 <> src % 2"
    assert_output 0
    run -0 bed_sql 1 "SELECT COUNT(DISTINCT src), COUNT(*) > 100 FROM test.ai"
    assert_output $'2\t1'
    local q="SELECT COUNT(*), MD5(GROUP_CONCAT(id, ':', src ORDER BY id))
        FROM test.ai"
    run -0 bed_sql 1 "SET SESSION group_concat_max_len = 1 << 30; $q"
    local on1=$output
    run -0 bed_sql 2 "SET SESSION group_concat_max_len = 1 << 30; $q"
    assert_output "$on1"
}

@test "filepos mode replicates both ways" {
    other_bed -n 2 -t mm -m filepos
    run -0 bed_sql 1 "SHOW SLAVE STATUS\\G"
    assert_line --partial "No"
    run -0 bed_sql 2 "CREATE TABLE test.fp (id INT PRIMARY KEY)"
    run -0 bed_sql 1 "INSERT INTO test.fp VALUES (1)"
    run -0 bed_sql 2 "INSERT INTO test.fp VALUES (2)"
    run -0 bed_sync 10
    run -0 bed_sql 1 "SELECT GROUP_CONCAT(id ORDER BY id) FROM test.fp"
    assert_output 1,2
    run -0 bed_sql 2 "SELECT GROUP_CONCAT(id ORDER BY id) FROM test.fp"
    assert_output 1,2
}

@test "a star of three replicates from server 1" {
    other_bed -n 3 -t star
    run -0 bed_sql 1 "CREATE TABLE test.star (id INT PRIMARY KEY)"
    run -0 bed_sql 1 "INSERT INTO test.star VALUES (1), (2), (3)"
    run -0 bed_sync 10
    run -0 bed_sql 2 "SELECT COUNT(*) FROM test.star"
    assert_output 3
    run -0 bed_sql 3 "SELECT COUNT(*) FROM test.star"
    assert_output 3
    # Server 1 replicates from nobody in a star.
    run -0 bed_sql 1 "SHOW SLAVE STATUS"
    assert_output ""
}

@test "bed_kill and bed_restart keep data and replication resumes" {
    run -0 bed_sql 1 "CREATE TABLE test.kr (id INT PRIMARY KEY)"
    run -0 bed_sql 1 "INSERT INTO test.kr VALUES (1)"
    run -0 bed_sync 10
    local old
    old=$(bed_pid 2)
    run -0 bed_kill 2
    run -1 bed_running 2
    run -0 bed_sql 1 "INSERT INTO test.kr VALUES (2)"
    run -0 bed_restart 2
    refute [ "$(bed_pid 2)" = "$old" ]
    run -0 bed_wait_replicating 2 15
    run -0 bed_wait_replicating 1 15
    run -0 bed_wait_sql 2 "SELECT GROUP_CONCAT(id ORDER BY id) FROM test.kr" 1,2
    run -0 bed_sql 2 "INSERT INTO test.kr VALUES (3)"
    run -0 bed_wait_sql 1 "SELECT GROUP_CONCAT(id ORDER BY id) FROM test.kr" 1,2,3
}
