#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Only OCF codes leave the agent: with the cluster's command-line tools
# failing in the ways they do (102 "not connected", 105 "no such object",
# 124 a timeout), every action still answers with a code from the OCF set.

load ../lib/agent

setup_file() {
    agent_pair started
    BROKEN=$BATS_FILE_TMPDIR/broken
    mkdir -p "$BROKEN"
    local t
    for t in crm_attribute cibadmin crm_node attrd_updater crm_resource; do
        ln -sf "$MMHA_TOP/test/lib/stand-ins/attrd_updater" "$BROKEN/$t"
    done
    export BROKEN
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

# ocf_code RC: RC is one of the OCF exit codes (0-9).
ocf_code() {
    case "$1" in
    [0-9]) return 0 ;;
    esac
    return 1
}

@test "every action answers an OCF code while the cluster tools fail" {
    local rc action
    for rc in 102 105 124; do
        for action in validate-all monitor start promote demote notify \
            reload-agent stop start; do
            run_agent '?' 1 "$action" "PATH=$BROKEN:$PATH" \
                MMHA_STANDIN_RC="$rc" OCF_RESKEY_CRM_meta_interval=0 \
                OCF_RESKEY_CRM_meta_notify_type=post \
                OCF_RESKEY_CRM_meta_notify_operation=promote \
                OCF_RESKEY_CRM_meta_notify_promote_uname=n1
            ocf_code "$status" ||
                fail "$action with the tools exiting $rc: status $status"
        done
    done
}

@test "stop with the tools failing still stops the server" {
    local pid
    pid=$(agent_mysqld_pid 2)
    [ -n "$pid" ] || fail "no mysqld for n2"
    run_agent '?' 2 stop "PATH=$BROKEN:$PATH" MMHA_STANDIN_RC=102
    assert_equal "$status" 0
    ! kill -0 "$pid" 2>/dev/null || fail "mysqld $pid still runs"
}
