#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The writer publishes mmha-readable=1 and mmha-lag-ms=0 (reader addresses
# fall back to it) and no mmha-peer, at promotion and on each monitor,
# probes included; a writer's attribute removed by hand comes back.

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

# attr i NAME: node attribute mmha-NAME of n$i ("" when unset).
attr() {
    crm_attribute -N "n$1" -n "mmha-$2" -l reboot -G -q 2>/dev/null
}

attr_del() {
    crm_attribute -N "n$1" -n "mmha-$2" -l reboot -D >/dev/null 2>&1
}

# cib_updates: the file CIB's version, changed by every write.
cib_updates() {
    cibadmin -Q | sed -n '1s/.* epoch="\([0-9]*\)".* num_updates="\([0-9]*\)".*/\1.\2/p'
}

@test "a reader publishes its own measured values, through the agent only" {
    # The second monitor after the start: the first can find the lag
    # unknown (seen once in CI: the helper's first reading of the
    # heartbeat row after the start).
    run_agent 0 1 monitor OCF_RESKEY_CRM_meta_interval=10000
    : >"$MMHA_RECORD_FILE"
    run_agent 0 1 monitor OCF_RESKEY_CRM_meta_interval=10000
    # The helper's own --publish (attrd_updater) is never used: one writer.
    run -0 cat "$MMHA_RECORD_FILE"
    refute_output --partial attrd_updater
    local want
    want=$("$MMHA_BUILD_DIR/mmha-lag" check --defaults-file "$(bed_cnf 1)" \
        --state-file "$(agent_dir)/rsctmp-n1/mysql-mm-mm.lag" \
        --format shell | sed -n 's/^READABLE=//p')
    assert_equal "$(attr 1 readable)" "$want"
    [[ "$(attr 1 lag-ms)" =~ ^[0-9]+$ ]] || fail "lag-ms '$(attr 1 lag-ms)'"
}

@test "promote: the writer is readable with no lag, and no peer" {
    run_agent 0 1 promote
    assert_equal "$(bed_sql 1 "SELECT @@global.read_only")" 0
    assert_equal "$(attr 1 readable)" 1
    assert_equal "$(attr 1 lag-ms)" 0
    assert_equal "$(attr 1 peer)" ""
    agent_notify 2 post promote n1
}

@test "Promoted monitor and probe publish them again after a removal" {
    attr_del 1 readable
    attr_del 1 lag-ms
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000
    assert_equal "$(attr 1 readable)" 1
    assert_equal "$(attr 1 lag-ms)" 0
    attr_del 1 readable
    attr_del 1 lag-ms
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=0
    assert_equal "$(attr 1 readable)" 1
    assert_equal "$(attr 1 lag-ms)" 0
}

@test "a stale value is corrected, and an unchanged one is not rewritten" {
    run -0 crm_attribute -N n1 -n mmha-readable -l reboot -v 0
    run -0 crm_attribute -N n1 -n mmha-lag-ms -l reboot -v 4711
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000
    assert_equal "$(attr 1 readable)" 1
    assert_equal "$(attr 1 lag-ms)" 0
    # Steady state: let the writer take its reader back as a source, then
    # a monitor changes nothing in the CIB (attrd traffic on every
    # monitor would be noise in a live cluster).
    run_agent 0 2 monitor OCF_RESKEY_CRM_meta_interval=10000
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000
    local before
    before=$(cib_updates)
    [ -n "$before" ] || fail "no CIB version"
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000
    assert_equal "$(cib_updates)" "$before"
}

@test "the writer publishes no peer even if one is left over" {
    run -0 crm_attribute -N n1 -n mmha-peer -l reboot -v "1@127.0.0.1:1"
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000
    assert_equal "$(attr 1 peer)" ""
}

@test "after a switchover the new writer publishes them, the old one reads" {
    agent_switchover 1 2
    assert_equal "$(attr 2 readable)" 1
    assert_equal "$(attr 2 lag-ms)" 0
    assert_equal "$(attr 2 peer)" ""
    # n1, a reader now, measures its lag and the agent publishes it.
    : >"$MMHA_RECORD_FILE"
    run_agent 0 1 monitor OCF_RESKEY_CRM_meta_interval=10000
    run -0 cat "$MMHA_RECORD_FILE"
    refute_output --partial attrd_updater
    [[ "$(attr 1 readable)" =~ ^[01]$ ]] || fail "readable '$(attr 1 readable)'"
    # Just re-pointed, its lag may be unknown yet: then no value at all.
    [[ "$(attr 1 lag-ms)" =~ ^[0-9]*$ ]] || fail "lag-ms '$(attr 1 lag-ms)'"
}
