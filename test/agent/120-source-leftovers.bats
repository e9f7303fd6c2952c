#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's remedy for a rejoined reader whose source still holds a dump
# thread of the reader's previous life (mmha-binlog replica reconnect,
# through the executor's mmha_replica): every connection of the
# replication account from this address ends on the source, and the
# reader's IO thread connects again.  Real servers; the function is called
# the way the monitor calls it.

load ../lib/bed

setup_file() {
    bed_start -n 2 -t mm -m gtid
    bed_sql 1 "CREATE TABLE test.left (id INT PRIMARY KEY)"
    bed_sync 10
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    export OCF_ROOT=/usr/lib/ocf
    # shellcheck disable=SC1091
    . "$OCF_ROOT/lib/heartbeat/ocf-shellfuncs"
    local f
    for f in observe decide act; do
        # shellcheck disable=SC1090
        . "$MMHA_TOP/agents/lib/mmha-$f.sh"
    done
    # shellcheck disable=SC2034 # read by the agent's library
    OCF_RESKEY_repl_defaults_file=$(bed_repl_cnf)
    # shellcheck disable=SC2034
    OCF_RESKEY_defaults_file=$(bed_cnf 2)
    # shellcheck disable=SC2034
    OCF_RESKEY_helper_dir=$MMHA_BUILD_DIR
    # shellcheck disable=SC2034
    OCF_RESKEY_CRM_meta_timeout=20000
}

# repl_sessions: ids of the replication account's connections on server 1.
repl_sessions() {
    bed_sql 1 "SELECT ID FROM information_schema.PROCESSLIST
        WHERE USER = 'repl' ORDER BY ID" | paste -sd' ' -
}

@test "the replication account's connections from here end on the source; replication resumes" {
    local pid dump before
    # A leftover of ours: a session of the replication account that would
    # otherwise stay for 60 s.
    mariadb --defaults-file="$(bed_repl_cnf)" --host="$(bed_host 1)" \
        --port="$(bed_port 1)" --protocol=tcp -N -e "SELECT SLEEP(60)" \
        >/dev/null 2>&1 3>&- &
    pid=$!
    run -0 wait_until 10 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'repl' AND INFO LIKE 'SELECT SLEEP%'\")\" = 1 ]"
    dump=$(bed_sql 1 "SELECT ID FROM information_schema.PROCESSLIST
        WHERE COMMAND LIKE 'Binlog Dump%'")
    [ -n "$dump" ] || fail "no dump thread for server 2 on server 1"
    before=$(repl_sessions)

    run -0 mmha_replica reconnect \
        --repl-defaults-file "$OCF_RESKEY_repl_defaults_file"

    # The sleeping session got its connection killed at once: its client
    # ended and the server holds no such session.
    run -0 wait_until 5 "! kill -0 $pid 2>/dev/null"
    run -0 bed_sql 1 "SELECT COUNT(*) FROM information_schema.PROCESSLIST
        WHERE USER = 'repl' AND INFO LIKE 'SELECT SLEEP%'"
    assert_output 0
    # Server 2's dump thread was one of them; its IO thread comes back on
    # a new one (connect retry 1 s) and replication goes on.
    run -0 wait_until 10 "[ -n \"\$(repl_sessions)\" ] && [ \"\$(repl_sessions)\" != '$before' ]"
    run -0 bed_sql 1 "SELECT COUNT(*) FROM information_schema.PROCESSLIST
        WHERE ID = $dump"
    assert_output 0
    run -0 bed_sql 1 "INSERT INTO test.left VALUES (1)"
    run -0 bed_wait_sql 2 "SELECT COUNT(*) FROM test.left" 1 15
}
