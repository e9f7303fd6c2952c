#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 8, catch-up policy: a switchover onto a node whose relay log
# holds a backlog (MASTER_DELAY keeps it there).  catchup_policy=immediate:
# writes are served at once while the backlog keeps applying (the backlog's
# marker row is not there yet when the first write is acknowledged).
# catchup_policy=wait: writes are served only after the backlog is drained
# (the marker row is there when the first write is acknowledged).

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

teardown() {
    mm_bg_stop_all
    # No delay left behind for the next test, whatever happened.
    local n d
    for n in 1 2; do
        d=$(mm_slave_field "$n" SQL_Delay)
        if [ -n "$d" ] && [ "$d" != 0 ]; then
            undelay "$n" || true
        fi
    done
}

# backlog r SECONDS: node r applies events SECONDS late; a marker row is
# written through the writer VIP (in r's backlog from now on).  Prints it.
backlog() {
    local marker
    marker=b$(_mmha_now_ms)
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE IF NOT EXISTS test.backlog
        (id VARCHAR(20) PRIMARY KEY)" || return 1
    wait_until 10 "[ -n \"\$(has_marker $1 none)\" ]" >&2 || return 1
    mm_sql "$1" "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=$2; START SLAVE"
    mm_app_sql "$(mm_vip writer)" \
        "INSERT INTO test.backlog VALUES ('$marker')" || return 1
    echo "$marker"
}

has_marker() {
    mm_sql "$1" "SELECT COUNT(*) FROM test.backlog WHERE id='$2'" 2>/dev/null
}

# undelay r: no delay on r's channel.  The agent may start r's threads
# between the STOP and the CHANGE (a writer re-points to its peer on its
# monitor): then again.
undelay() {
    local _
    for _ in 1 2 3 4 5; do
        mm_sql "$1" "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE" \
            2>/dev/null && return 0
        sleep 0.5
    done
    mm_sql "$1" "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE"
}

# set_policy P: catchup_policy=P, returning once the reload it causes is
# done (while it runs, crm_mon briefly shows no Promoted instance).
set_policy() {
    local n
    n=$(mm_any_node)
    cluster_exec "$n" crm_resource -r mysql -p catchup_policy -v "$1" \
        >/dev/null || return 1
    cluster_settle -n "$n" 30
}

@test "catchup_policy=immediate: writable at once, the backlog applies after" {
    local w r marker t0 present
    w=$(mm_writer)
    r=$(mm_other "$w")
    set_policy immediate
    # The client's table exists on r before r falls behind.
    mm_client_start imm
    wait_until 10 "mm_sql $r 'SELECT 1 FROM test.wc_imm LIMIT 1' >/dev/null 2>&1"
    marker=$(backlog "$r" 60)
    sleep 1
    run -0 has_marker "$r" "$marker"
    assert_output 0
    t0=$(_mmha_now_ms)
    mm_switchover "$r"
    mm_ack_writes_on imm "$r" 10
    present=$(has_marker "$r" "$marker")
    echo "# immediate: node$r writable in $(mm_elapsed_ms "$t0") ms, backlog marker applied: $present" >&3
    [ "$present" = 0 ] || fail "the backlog was drained before writes were served"
    run -0 mm_client_stop imm
    undelay "$r"
    wait_until 20 "[ \"\$(has_marker $r $marker)\" = 1 ]"
    mm_check_replication 5
}

@test "catchup_policy=wait: writable only after the backlog is drained" {
    local w r marker t0 present took
    w=$(mm_writer)
    r=$(mm_other "$w")
    set_policy wait
    mm_client_start wt
    wait_until 10 "mm_sql $r 'SELECT 1 FROM test.wc_wt LIMIT 1' >/dev/null 2>&1"
    marker=$(backlog "$r" 8)
    t0=$(_mmha_now_ms)
    mm_switchover "$r"
    mm_ack_writes_on wt "$r" 30
    took=$(mm_elapsed_ms "$t0")
    present=$(has_marker "$r" "$marker")
    echo "# wait: node$r writable in $took ms, backlog marker applied: $present" >&3
    [ "$present" = 1 ] || fail "writes served before the backlog was drained"
    run -0 mm_client_stop wt
    echo "# client: $output" >&3
    # Everything the old writer acknowledged was drained before writes.
    run -0 mm_client_lost wt "$r"
    if [ -n "$output" ]; then
        echo "# lost on node$r (switchover at $t0): $(echo "$output" | paste -sd' ' -)" >&3
        awk 'NR == FNR { lost[$1] = 1; next } $2 == "ACK" && ($3 in lost)' \
            <(echo "$output") "$(mm_client_log wt)" | head -5 >&3
    fi
    assert_output ""
    undelay "$r"
    set_policy immediate
    mm_check_replication 5
}
