#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# stop never reports "stopped" while a server of the resource may run:
# with parameters that do not validate, a managed mysqld is stopped by its
# pid file; a stale pid file naming another process leaves that process
# alone (the attached case is in 110-attached.bats).

load ../lib/agent

setup_file() {
    agent_pair started
    # n2's option file as a chmod mistake leaves it: readable by others.
    OPEN_CNF=$BATS_FILE_TMPDIR/open.cnf
    cp "$(bed_cnf 2)" "$OPEN_CNF"
    chmod 0644 "$OPEN_CNF"
    export OPEN_CNF
}

teardown_file() {
    [ -n "${SLEEPER:-}" ] && kill "$SLEEPER" 2>/dev/null
    agent_teardown 2 OCF_RESKEY_manage_mysqld=true
}

setup() {
    load_bats_libs
}

@test "a mode-0644 defaults_file: start, monitor fail on this node only (OCF_ERR_PERM)" {
    run_agent 4 2 monitor "OCF_RESKEY_defaults_file=$OPEN_CNF" \
        OCF_RESKEY_CRM_meta_interval=10000
    assert_output --partial "is readable by group or others"
    # A probe of a running server reports the error, not "not running".
    run_agent 4 2 monitor "OCF_RESKEY_defaults_file=$OPEN_CNF" \
        OCF_RESKEY_CRM_meta_interval=0
}

@test "stop with parameters that do not validate stops the running mysqld" {
    local pid
    pid=$(agent_mysqld_pid 2)
    kill -0 "$pid" || fail "no mysqld for n2"
    run_agent 0 2 stop "OCF_RESKEY_defaults_file=$OPEN_CNF"
    ! kill -0 "$pid" 2>/dev/null || fail "mysqld $pid still runs after stop"
    # Stopped: a probe with the same parameters finds nothing.
    run_agent 7 2 monitor "OCF_RESKEY_defaults_file=$OPEN_CNF" \
        OCF_RESKEY_CRM_meta_interval=0
}

@test "a stale pid file naming another process: that process is left alone" {
    local pidfile
    pidfile=$(sed -n 's/^pid-file=//p' "$(bed_mycnf 2)")
    sleep 300 &
    SLEEPER=$!
    echo "$SLEEPER" >"$pidfile"
    run_agent 7 2 monitor OCF_RESKEY_CRM_meta_interval=0
    run_agent 0 2 stop
    kill -0 "$SLEEPER" || fail "stop killed pid $SLEEPER (not a mysqld)"
    run_agent 0 2 stop "OCF_RESKEY_defaults_file=$OPEN_CNF"
    kill -0 "$SLEEPER" || fail "invalid-parameter stop killed pid $SLEEPER"
    kill "$SLEEPER"
    rm -f "$pidfile"
    # And the resource starts again, replicating.
    run_agent 0 2 start
    run -0 wait_until 10 "agent_replicating 2"
}
