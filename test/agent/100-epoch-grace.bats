#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# epoch_file: the writer epoch for mmha-guard, equal to the cluster's epoch
# after each promotion and rising with it.  promote_grace: without fencing
# (stonith-enabled=false), a promotion after a writer that did not demote
# cleanly waits promote_grace ms before the server becomes writable; after
# a clean demote or with fencing it does not.  The tests run in order.

load ../lib/agent

setup_file() {
    agent_pair started
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

# epoch_file i: node i's epoch file at its default place.
epoch_file() {
    cat "$(agent_dir)/rsctmp-n$1/mmha-writer.epoch" 2>/dev/null
}

stonith() {
    crm_attribute -t crm_config -n stonith-enabled -v "$1"
}

# promote_timed i [VAR=VALUE...]: promote node i; sets PROMOTE_MS and
# GRACE_LOG (the agent's "promote grace" lines of this call).
promote_timed() {
    local i=$1 log lines
    shift
    log=$(agent_dir)/agent.log
    lines=$(wc -l <"$log")
    run_agent 0 "$i" promote "$@" || return 1
    PROMOTE_MS=$AGENT_MS
    GRACE_LOG=$(tail -n +"$((lines + 1))" "$log" | grep 'promote grace' || true)
    echo "# promote n$i $*: $PROMOTE_MS ms${GRACE_LOG:+ (grace)}" >&3
    assert_equal "$(bed_sql "$i" "SELECT @@global.read_only")" 0
}

# crash i: the writer on node i goes away without a demotion.
crash() {
    run_agent 0 "$1" stop
}

@test "epoch_file: the cluster's epoch after the first promotion" {
    assert_equal "$(epoch_file 1)" ""
    promote_timed 1
    run -0 agent_cib epoch
    assert_equal "$(epoch_file 1)" "$output"
    agent_notify 2 post promote n1
}

@test "epoch_file: rises with each promotion, on the node promoted" {
    local e1 e2 e3
    e1=$(epoch_file 1)
    agent_switchover 1 2
    e2=$(epoch_file 2)
    assert_equal "$e2" "$(agent_cib epoch)"
    [ "$e2" -gt "$e1" ] || fail "epoch $e2 after $e1"
    agent_switchover 2 1
    e3=$(epoch_file 1)
    assert_equal "$e3" "$(agent_cib epoch)"
    [ "$e3" -gt "$e2" ] || fail "epoch $e3 after $e2"
    # Written atomically: no temporary file left behind.
    run -0 find "$(agent_dir)" -name 'mmha-writer.epoch.tmp*'
    assert_output ""
}

@test "epoch_file: written before the server becomes writable" {
    local log lines
    log=$(agent_dir)/agent.log
    run -0 grep -n -e "writer epoch $(epoch_file 1) written" \
        -e "record: promote node=n1 epoch=$(epoch_file 1) " "$log"
    assert_line --index 0 --partial "writer epoch"
    assert_line --index 1 --partial "record: promote"
}

@test "grace: none with fencing on, even after an unclean end" {
    run -0 stonith true
    crash 1
    promote_timed 2 OCF_RESKEY_promote_grace=3000
    assert_equal "$(epoch_file 2)" "$(agent_cib epoch)"
    assert_equal "$GRACE_LOG" ""
    [ "$PROMOTE_MS" -lt 3000 ] || fail "promote took $PROMOTE_MS ms"
}

@test "grace: stonith-enabled=false and an unclean end: waits promote_grace" {
    run -0 stonith false
    run_agent 0 1 start
    agent_notify 1 post promote n2
    crash 2
    promote_timed 1 OCF_RESKEY_promote_grace=3000
    [ -n "$GRACE_LOG" ] || fail "no grace logged"
    assert_equal "$(grep -c 'did not demote cleanly' <<<"$GRACE_LOG")" 1
    [ "$PROMOTE_MS" -ge 3000 ] || fail "promote took $PROMOTE_MS ms, grace 3000"
    assert_equal "$(epoch_file 1)" "$(agent_cib epoch)"
}

@test "grace: stonith-enabled=false after a clean demote: no wait" {
    run_agent 0 2 start
    agent_notify 2 post promote n1
    run_agent 0 1 demote
    promote_timed 2 OCF_RESKEY_promote_grace=3000
    assert_equal "$GRACE_LOG" ""
    [ "$PROMOTE_MS" -lt 3000 ] || fail "promote took $PROMOTE_MS ms"
    agent_notify 1 post promote n2
}

@test "grace: the default promote_grace is 1000 ms" {
    crash 2
    promote_timed 1
    [ -n "$GRACE_LOG" ] || fail "no grace logged"
    [ "$PROMOTE_MS" -ge 1000 ] || fail "promote took $PROMOTE_MS ms, grace 1000"
    run_agent 0 2 start
    agent_notify 2 post promote n1
}

# node_state i IN_CCM CRMD [OP RC]: node i's state in the CIB as Pacemaker
# records it, with its instance's last operation when OP is given.
node_state() {
    local lrm=''
    [ -n "${4:-}" ] && lrm="<lrm id=\"$1\"><lrm_resources><lrm_resource id=\"$AGENT_RSC\" type=\"mysql-mm\" class=\"ocf\" provider=\"mmha\"><lrm_rsc_op id=\"${AGENT_RSC}_last_0\" operation_key=\"${AGENT_RSC}_${4}_0\" operation=\"$4\" call-id=\"9\" rc-code=\"$5\" op-status=\"0\" interval=\"0\"/></lrm_resource></lrm_resources></lrm>"
    cibadmin -M -o status -X "<node_state id=\"$1\" uname=\"n$1\" in_ccm=\"$2\" crmd=\"$3\">$lrm</node_state>"
}

@test "grace: none when Pacemaker stopped the old writer on a node still in the membership (kill -9)" {
    crash 1
    node_state 1 true online stop 0
    promote_timed 2 OCF_RESKEY_promote_grace=3000
    assert_equal "$GRACE_LOG" ""
    [ "$PROMOTE_MS" -lt 3000 ] || fail "promote took $PROMOTE_MS ms"
    run -0 grep 'promoted, epoch' "$(agent_dir)/agent.log"
    assert_line --index -1 --partial "no grace: fencing off, n1 did not demote cleanly, but Pacemaker stopped its instance"
    run_agent 0 1 start
    agent_notify 1 post promote n2
}

@test "grace: the old writer's node out of the membership and no guard here: promote_grace" {
    crash 2
    node_state 2 false offline promote 0
    promote_timed 1 OCF_RESKEY_promote_grace=2000
    [ -n "$GRACE_LOG" ] || fail "no grace logged"
    [ "$PROMOTE_MS" -ge 2000 ] || fail "promote took $PROMOTE_MS ms, grace 2000"
    node_state 2 true online
    run_agent 0 2 start
    agent_notify 2 post promote n1
}
