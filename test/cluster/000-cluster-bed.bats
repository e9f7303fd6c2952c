#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Pacemaker test bed itself: nodes come online, an IPaddr2 VIP moves,
# a crashed node is fenced through fence_mmha_test and its VIP moves, a
# partitioned node loses quorum and rejoins after healing.
# Stand-in resources only (IPaddr2); the mmha agent has its own suites.

bats_require_minimum_version 1.5.0

setup_file() {
    load ../lib/common
    load ../lib/cluster
    cluster_start -n 2 --fencing on
    VIP=$(cluster_subnet).100
    export VIP
}

teardown_file() {
    load ../lib/common
    load ../lib/cluster
    cluster_stop
    cluster_leak_check
}

setup() {
    load ../lib/common
    load ../lib/cluster
    load_bats_libs
}

teardown() {
    # Tests that start their own cluster stop it here; the file's 2-node
    # cluster lives until teardown_file.
    if [ -n "${OWN_CLUSTER:-}" ]; then
        cluster_stop
    fi
}

# The other node of the 2-node cluster.
other_of() {
    if [ "$1" = node1 ]; then echo 2; else echo 1; fi
}

vip_started_on() {
    cluster_wait -n "$1" "$2" \
        "crm_mon -1 | grep -Eq 'vip.*[[:space:]]Started node$3\$'"
}

@test "2-node cluster comes online, fence agent visible in the nodes only" {
    run -0 cluster_online_nodes
    assert_output "node1 node2"
    run -0 cluster_exec 1 crm_mon -1
    assert_output --partial "Online: [ node1 node2 ]"
    # One fence device per node, run by the other node.
    assert_output --regexp "fence-node1.*Started node2"
    assert_output --regexp "fence-node2.*Started node1"
    run -0 cluster_exec 2 hostname
    assert_output node2
    run -0 cluster_exec 2 stonith_admin --list-installed
    assert_line --partial fence_mmha_test
    run -1 test -e /usr/sbin/fence_mmha_test
}

@test "IPaddr2 VIP answers the host and moves with standby" {
    cluster_crm 1 configure primitive vip ocf:heartbeat:IPaddr2 \
        params ip="$VIP" cidr_netmask=24 op monitor interval=2s
    cluster_wait 20 "crm_resource --locate -r vip | grep -q 'is running on'"
    # --locate names the node while the start is still pending
    # (record-pending): wait for the address itself.
    wait_until 20 "cluster_vip_node $VIP >/dev/null"
    run -0 cluster_vip_node "$VIP"
    local on=$output other t0
    other=$(other_of "$on")
    run -0 ping -c 1 -W 2 "$VIP"

    t0=$(_mmha_now_ms)
    cluster_crm 1 node standby "$on"
    vip_started_on 1 20 "$other"
    echo "# standby: VIP moved $on -> node$other in $(($(_mmha_now_ms) - t0)) ms" >&3
    run -0 cluster_vip_node "$VIP"
    assert_output "node$other"
    run -0 ping -c 1 -W 2 "$VIP"
    run -0 cluster_exec "${on#node}" ping -c 1 -W 2 "$VIP"
    cluster_crm 1 node online "$on"
}

@test "crash with fencing held: victim UNCLEAN, VIP held back until fenced" {
    run -0 cluster_vip_node "$VIP"
    local on=$output i survivor
    i=${on#node}
    survivor=$(other_of "$on")
    cluster_fence_hold on
    cluster_crash "$i"
    cluster_wait -n "$survivor" 15 \
        "crm_mon -1 | grep -q 'Node $on: UNCLEAN (offline)'"
    # Pacemaker must not start the VIP elsewhere before the victim is fenced.
    sleep 2
    run -1 cluster_vip_node "$VIP"
    run -0 cluster_exec "$survivor" crm_mon -1
    assert_output --partial "Node $on: UNCLEAN (offline)"
    run -1 ping -c 1 -W 1 "$VIP"
    cluster_fence_hold off
    vip_started_on "$survivor" 30 "$survivor"
    run -0 cluster_fence_log
    assert_line --regexp "reboot $on by node$survivor rc=0\$"
    run -0 cluster_exec "$survivor" stonith_admin --history "$on"
    assert_output --partial "reboot of $on successful"
    run -0 ping -c 1 -W 2 "$VIP"
    # "reboot" boots the victim again: it rejoins.
    cluster_wait -n "$survivor" 30 \
        "crm_mon -1 | grep -q 'Online: \\[ node1 node2 \\]'"
}

@test "crash of the VIP node: fenced, VIP answers on the survivor" {
    run -0 cluster_vip_node "$VIP"
    local on=$output i survivor t0 fenced
    i=${on#node}
    survivor=$(other_of "$on")
    fenced=$(cluster_fence_log | grep -c "reboot $on " || true)
    t0=$(_mmha_now_ms)
    cluster_crash "$i"
    wait_until 30 "[ \"\$(cluster_vip_node $VIP)\" = node$survivor ] &&
        ping -c 1 -W 1 $VIP >/dev/null"
    echo "# crash $on -> VIP answers on node$survivor in $(($(_mmha_now_ms) - t0)) ms" >&3
    run -0 cluster_fence_log
    [ "$(grep -c "reboot $on " <<<"$output")" -gt "$fenced" ]
    cluster_wait -n "$survivor" 30 \
        "crm_mon -1 | grep -q 'Online: \\[ node1 node2 \\]'"
    echo "# crash $on -> rejoined in $(($(_mmha_now_ms) - t0)) ms" >&3
    # The victim's stale VIP was deleted before it booted again: once
    # settled, exactly one node holds the VIP (no stickiness: either).
    cluster_settle -n "$survivor" 30
    run -0 cluster_vip_node "$VIP"
    assert_output --regexp '^node[12]$'
    run -0 ping -c 1 -W 2 "$VIP"
}

@test "3-node cluster: partitioned node loses quorum, rejoins; crash + restart" {
    OWN_CLUSTER=1
    cluster_start -n 3 --fencing off
    run -0 cluster_online_nodes
    assert_output "node1 node2 node3"
    run -0 cluster_exec 3 corosync-quorumtool -s
    assert_output --regexp "Quorate: +Yes"

    cluster_partition 3
    cluster_wait -n 3 15 "corosync-quorumtool -s | grep -Eq 'Quorate: +No'"
    run -2 cluster_exec 3 corosync-quorumtool -s
    assert_output --regexp "Quorate: +No"
    cluster_wait 15 "crm_mon -1 | grep -q 'OFFLINE: \\[ node3 \\]'"
    run -0 cluster_exec 1 corosync-quorumtool -s
    assert_output --regexp "Quorate: +Yes"

    local t0
    t0=$(_mmha_now_ms)
    cluster_heal 3
    cluster_wait 30 "crm_mon -1 | grep -q 'Online: \\[ node1 node2 node3 \\]'"
    echo "# heal -> node3 online again in $(($(_mmha_now_ms) - t0)) ms" >&3
    run -0 cluster_exec 3 corosync-quorumtool -s
    assert_output --regexp "Quorate: +Yes"

    # Without fencing a crashed node is just OFFLINE until restarted.
    cluster_crash 2
    cluster_wait 15 "crm_mon -1 | grep -q 'OFFLINE: \\[ node2 \\]'"
    run -1 cluster_exec 2 true
    t0=$(_mmha_now_ms)
    cluster_restart_node 2
    cluster_wait 30 "crm_mon -1 | grep -q 'Online: \\[ node1 node2 node3 \\]'"
    echo "# restart -> node2 online again in $(($(_mmha_now_ms) - t0)) ms" >&3
}
