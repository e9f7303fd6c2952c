# SPDX-License-Identifier: GPL-2.0-or-later
# bench/chaos-faults.bash: bench/chaos's fault sequence (drawn from the
# seed) and each fault with its heal.  Sourced by bench/chaos, after
# test/lib/cluster-mm.bash; CHAOS_FENCING is the cluster's (on | off).

CHAOS_FENCING=${CHAOS_FENCING:-on}

# The kinds drawn, each as likely.  -writer / -reader: on the writer's
# node, or on one of the others (drawn by the fault's "pick").
chaos_kinds=(kill9-writer kill9-reader hang-writer hang-reader
    partition-writer partition-reader netem-writer netem-reader
    crash-writer crash-reader corosync-writer corosync-reader
    switchover switchover-update standby)

# chaos_plan SEED N: N lines "K KIND PARAMS" (PARAMS: name=value pairs
# joined by ","), from bash's generator seeded with SEED.  Drawn in this
# shell (a $(...) would not advance its generator).
chaos_plan() {
    local k kind p
    RANDOM=$1
    for ((k = 1; k <= $2; k++)); do
        kind=${chaos_kinds[RANDOM % ${#chaos_kinds[@]}]}
        p="pick=$((RANDOM % 100))"
        case $kind in
        hang-*) p+=",secs=$((2 + RANDOM % 19))" ;;
        partition-*) p+=",secs=$((5 + RANDOM % 26))" ;;
        netem-*)
            p+=",loss=$((20 + RANDOM % 31)),delay=$((100 + RANDOM % 401))"
            p+=",secs=$((10 + RANDOM % 21))"
            ;;
        standby) p+=",secs=$((5 + RANDOM % 16))" ;;
        esac
        printf '%d %s %s\n' "$k" "$kind" "$p"
    done
}

# chaos_param PARAMS NAME: NAME's value in PARAMS.
chaos_param() {
    local kv
    for kv in ${1//,/ }; do
        [ "${kv%%=*}" = "$2" ] && { echo "${kv#*=}"; return 0; }
    done
    return 1
}

# chaos_db_alive: the database nodes whose node is up, one a line.
chaos_db_alive() {
    local i
    for ((i = 1; i <= MM_DB_N; i++)); do
        _cluster_alive "$(_cluster_init_pid "$i")" && echo "$i"
    done
}

# chaos_target KIND PICK WRITER: the node a fault hits: the writer, or
# one of the other running database nodes (PICK chooses); for a
# switchover, the other master (node1 and node2 are the masters).
chaos_target() {
    local others=() i
    case $1 in
    *-writer | standby) echo "$3"; return 0 ;;
    switchover*) echo $((3 - $3)); return 0 ;;
    esac
    for i in $(chaos_db_alive); do
        [ "$i" = "$3" ] || others+=("$i")
    done
    [ "${#others[@]}" -gt 0 ] || return 1
    echo "${others[$2 % ${#others[@]}]}"
}

# chaos_planned KIND: 0 (status) for the operator's own moves.
chaos_planned() {
    case $1 in
    switchover | switchover-update | standby) return 0 ;;
    esac
    return 1
}

# chaos_reboot_if_off i: with fencing off nobody boots a node that went
# down: the operator does, as after a real crash.
chaos_reboot_if_off() {
    [ "$CHAOS_FENCING" = off ] || return 0
    wait_until 30 "cluster_node_down $1" >/dev/null 2>&1 || return 0
    sleep 2
    cluster_restart_node "$1"
}

# chaos_lossy i LOSS_PCT DELAY_MS: node i's link loses LOSS_PCT % of the
# packets each way and delays them DELAY_MS (tc netem).  A kernel without
# sch_netem (this bed's) gets the loss alone, from nftables' random
# numbers, and the run's events say so.
chaos_lossy() {
    local ns
    ns=$(netns_name "$1")
    ip netns exec "$ns" tc qdisc add dev eth0 root netem loss "$2%" \
        delay "${3}ms" 2>/dev/null && return 0
    echo "  (no tc netem in this kernel: ${2} % loss by nftables, no delay)" >&2
    ip netns exec "$ns" nft -f - <<EOF
table inet mmha_chaos_loss {
    chain in {
        type filter hook input priority 0;
        iifname "eth0" numgen random mod 100 < $2 drop
    }
    chain out {
        type filter hook output priority 0;
        oifname "eth0" numgen random mod 100 < $2 drop
    }
}
EOF
}

# chaos_fault KIND PARAMS TARGET: the fault and its heal.
chaos_fault() {
    local kind=$1 p=$2 t=$3 secs pid n
    secs=$(chaos_param "$p" secs) || secs=0
    case $kind in
    kill9-*) mm_kill_mysqld "$t" ;;
    hang-*)
        pid=$(cluster_exec "$t" cat /run/mysqld/mysqld.pid) || return 1
        cluster_exec "$t" kill -STOP "$pid"
        sleep "$secs"
        # The node may have been fenced meanwhile: nothing to resume.
        cluster_exec "$t" kill -CONT "$pid" 2>/dev/null
        ;;
    partition-*)
        cluster_partition "$t" || return 1
        sleep "$secs"
        cluster_heal "$t"
        ;;
    netem-*)
        chaos_lossy "$t" "$(chaos_param "$p" loss)" "$(chaos_param "$p" delay)" ||
            return 1
        sleep "$secs"
        # The namespace outlives a fenced node's processes: always removed.
        ip netns exec "$(netns_name "$t")" tc qdisc del dev eth0 root \
            2>/dev/null
        ip netns exec "$(netns_name "$t")" nft delete table inet mmha_chaos_loss \
            2>/dev/null
        ;;
    crash-*)
        cluster_crash "$t" || return 1
        chaos_reboot_if_off "$t"
        ;;
    corosync-*)
        pid=$(cluster_exec "$t" pidof -s corosync) || return 1
        cluster_exec "$t" kill -KILL "$pid" || return 1
        chaos_reboot_if_off "$t"
        ;;
    switchover) mm_switchover "$t" 60 ;;
    switchover-update)
        mm_app_sql "$(mm_vip writer)" "CREATE TABLE IF NOT EXISTS test.slow
            (id INT PRIMARY KEY, v INT); REPLACE INTO test.slow VALUES (1, 0)" ||
            return 1
        mm_long_update_start "$(mm_vip writer)" \
            "UPDATE test.slow SET v = v + 1 WHERE SLEEP(60) = 0"
        sleep 0.5
        mm_switchover "$t" 60
        ;;
    standby)
        n=$(mm_any_node) || return 1
        cluster_exec "$n" crm_attribute -N "node$t" -n standby -v on \
            -l forever >/dev/null || return 1
        wait_until 60 "w=\$(mm_writer 2>/dev/null) && [ \"\$w\" != $t ]" \
            >/dev/null
        sleep "$secs"
        cluster_exec "$(mm_any_node)" crm_attribute -N "node$t" -n standby \
            -v off -l forever >/dev/null
        ;;
    *) return 1 ;;
    esac
    return 0
}
