# SPDX-License-Identifier: GPL-2.0-or-later
# bench/chaos-faults.bash: bench/chaos's fault sequence (drawn from the
# seed) and each fault with its heal.  Sourced by bench/chaos, after
# test/lib/cluster-mm.bash; CHAOS_FENCING is the cluster's (on | off).

CHAOS_FENCING=${CHAOS_FENCING:-on}

# The kinds drawn, each as likely.  -writer / -reader: on the writer's
# node, or on one of the others (drawn by the fault's "pick").
chaos_kinds=(kill9-writer kill9-reader hang-writer hang-reader
    freeze-writer freeze-reader partition-writer partition-reader
    netem-writer netem-reader crash-writer crash-reader
    corosync-writer corosync-reader restart-writer restart-reader
    binlogfull-writer switchover switchover-update standby overlap)

# The kinds an overlap draws its two faults from: the unplanned ones.
chaos_overlap_kinds=(kill9-writer kill9-reader hang-writer hang-reader
    freeze-writer freeze-reader partition-writer partition-reader
    netem-writer netem-reader crash-writer crash-reader
    corosync-writer corosync-reader restart-writer restart-reader)

# chaos_plan SEED N: N lines "K KIND PARAMS" (PARAMS: name=value pairs
# joined by ","), from bash's generator seeded with SEED.  Drawn in this
# shell (a $(...) would not advance its generator).
chaos_plan() {
    local k kind p
    RANDOM=$1
    for ((k = 1; k <= $2; k++)); do
        kind=${chaos_kinds[RANDOM % ${#chaos_kinds[@]}]}
        p="pick=$((RANDOM % 100))"
        if [ "$kind" = overlap ]; then
            # The second fault starts 1-8 s into the first, each with its
            # own target; the parameters below serve both.
            p+=",a=${chaos_overlap_kinds[RANDOM % ${#chaos_overlap_kinds[@]}]}"
            p+=",b=${chaos_overlap_kinds[RANDOM % ${#chaos_overlap_kinds[@]}]}"
            p+=",after=$((1 + RANDOM % 8)),pick2=$((RANDOM % 100))"
            p+=",secs=$((5 + RANDOM % 16))"
            p+=",loss=$((20 + RANDOM % 31)),delay=$((100 + RANDOM % 401))"
            printf '%d %s %s\n' "$k" "$kind" "$p"
            continue
        fi
        case $kind in
        hang-* | freeze-*) p+=",secs=$((2 + RANDOM % 19))" ;;
        binlogfull-*) p+=",secs=$((10 + RANDOM % 21))" ;;
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
    # An overlap draws its own two targets (chaos_overlap): the writer is
    # the line's.
    *-writer | standby | overlap) echo "$3"; return 0 ;;
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

# chaos_heal_node i INIT_PID: node i, crashed or without corosync since
# the fault (INIT_PID: its init then), is back.  With fencing off nobody
# boots a node that went down: the bench does, as an operator after a
# real crash.  With fencing on, the survivors fence it - when they have
# quorum: after a second node's loss (an overlap) none has, and nothing
# happens until the machine reboots by itself (a watchdog, an operator),
# which the bench does after 60 s, saying so.
chaos_heal_node() {
    local i=$1 p0=$2
    if [ "$CHAOS_FENCING" = off ]; then
        wait_until 30 "cluster_node_down $i" >/dev/null 2>&1 || return 0
        sleep 2
        cluster_restart_node "$i"
        return
    fi
    wait_until 60 "_hp=\$(_cluster_init_pid $i) && [ \"\$_hp\" != '$p0' ] &&
        _cluster_alive \"\$_hp\"" >/dev/null 2>&1 && return 0
    echo "  node$i not fenced within 60 s (no quorum): rebooted by the bench ($(date +%T.%3N))" >&2
    cluster_node_down "$i" || cluster_crash "$i"
    cluster_restart_node "$i"
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

# chaos_freeze i SECS: node i stalls as a paused VM does: every process of
# it stopped for SECS, then resumed.  Its kernel side (the namespace's
# TCP/IP) still answers, as a host's would under a stalled guest's
# emulated NIC it would not: a client's connect succeeds and then hears
# nothing.  The nsenter outside of a command run in the node stops with
# its child and is resumed with it.  A node fenced meanwhile has nothing
# left to resume (the fencing's kill resumes those nsenters itself).
chaos_freeze() {
    local pids outside
    pids=$(cluster_node_pids "$1") || return 1
    # shellcheck disable=SC2086 # one PID a word
    kill -STOP $pids || return 1
    sleep "$2"
    outside=$(cluster_node_outside_parents "$1" 2>/dev/null)
    # shellcheck disable=SC2086
    kill -CONT $pids $outside 2>/dev/null
    return 0
}

# chaos_binlog_full i SECS: node i's binary-log filesystem (a tmpfs of
# its own: bench/chaos starts the cluster with mm_start --binlog-fs) full
# for SECS, then freed.  MariaDB waits for space (it retries every 60 s)
# with the binary log's lock held.
chaos_binlog_full() {
    local d
    d=$(mm_binlog_fs "$1") && [ -d "$d" ] || return 1
    dd if=/dev/zero of="$d/chaos-fill" bs=1M 2>/dev/null
    echo "  $d: $(df --output=avail -B1 "$d" | tail -n 1) bytes left" >&2
    sleep "$2"
    rm -f "$d/chaos-fill"
}

# chaos_operator_restart i: an operator restarts node i's mysqld outside
# Pacemaker, as a service manager would: a clean shutdown (SIGTERM), then
# the same command line again at once - without the agent's
# --read-only=1, so the server's configuration decides.
chaos_operator_restart() {
    local pid args=() a
    pid=$(cluster_exec "$1" cat /run/mysqld/mysqld.pid) || return 1
    while IFS= read -r -d '' a; do
        [ "$a" = --read-only=1 ] || args+=("$a")
    done < <(cluster_exec "$1" cat "/proc/$pid/cmdline")
    [ "${#args[@]}" -gt 0 ] || return 1
    cluster_exec "$1" kill -TERM "$pid" || return 1
    wait_until 60 "! cluster_exec $1 kill -0 $pid" >/dev/null 2>&1 ||
        return 1
    cluster_exec "$1" setsid -f "${args[@]}" </dev/null \
        >>"$CHAOS_OUT/operator-mysqld.log" 2>&1
}

# chaos_local_start i: a client writing on node i itself (127.0.0.1), as
# an application on the writer's host would while the node is cut off:
# ids from 10^9 + fault * 10^4, so they are told from the writer client's;
# its log is logs/chaos_local_FAULT_nodeI.log.  chaos_local_stop i: stop it.
chaos_local_start() {
    local name=chaos_local_${CHAOS_K:-0}_node$1
    # shellcheck disable=SC2154 # test/lib/cluster-mm.bash's own folder
    _mm_bg "$name" "$1" "$MM_PY" "$_mm_lib_dir/writer-client" \
        --defaults-file "$(_mm_dir)/app.cnf" --log "$(_mm_dir)/logs/$name.log" \
        --tag local --table test.wc_chaos --writer 127.0.0.1 \
        --first-id $((1000000000 + ${CHAOS_K:-0} * 10000))
}

chaos_local_stop() {
    _mm_kill_pidfile "$(_mm_dir)/logs/chaos_local_${CHAOS_K:-0}_node$1.pid"
}

# chaos_local_report i CUT_MS: how long the cut-off node i went on
# acknowledging local writes after its link went down at CUT_MS (what
# its guard bounds), to the events; its log kept in the run's folder.
chaos_local_report() {
    local log n last
    log=$(_mm_dir)/logs/chaos_local_${CHAOS_K:-0}_node$1.log
    cp "$log" "$CHAOS_OUT/local-${CHAOS_K:-0}-node$1.log" 2>/dev/null
    n=$(grep -c ' ACK ' "$log" 2>/dev/null) || n=0
    last=$(awk '$2 == "ACK" { t = $1 } END { print t + 0 }' "$log" 2>/dev/null)
    if [ "$n" -gt 0 ]; then
        echo "  local client on node$1: $n acknowledged, the last $((last - $2)) ms after the cut" >&2
    else
        echo "  local client on node$1: nothing acknowledged" >&2
    fi
}

# chaos_overlap PARAMS: fault a on its target, and 1-8 s into it fault b
# on the target drawn then (the writer may have moved).
chaos_overlap() {
    local p=$1 a b ta tb w pa rc=0
    a=$(chaos_param "$p" a) && b=$(chaos_param "$p" b) || return 1
    w=$(mm_writer 2>/dev/null) || w=1
    ta=$(chaos_target "$a" "$(chaos_param "$p" pick)" "$w") || return 1
    echo "  overlap: $a on node$ta" >&2
    chaos_fault "$a" "$p" "$ta" &
    pa=$!
    sleep "$(chaos_param "$p" after)"
    w=$(mm_writer 2>/dev/null) || w=$ta
    if tb=$(chaos_target "$b" "$(chaos_param "$p" pick2)" "$w"); then
        echo "  overlap: $b on node$tb ($(date +%T.%3N))" >&2
        chaos_fault "$b" "$p" "$tb" || rc=1
    else
        echo "  overlap: no target for $b" >&2
    fi
    wait "$pa" || rc=1
    return "$rc"
}

# chaos_fault KIND PARAMS TARGET: the fault and its heal.
chaos_fault() {
    local kind=$1 p=$2 t=$3 secs pid n
    secs=$(chaos_param "$p" secs) || secs=0
    case $kind in
    kill9-*) mm_kill_mysqld "$t" ;;
    binlogfull-*) chaos_binlog_full "$t" "$secs" ;;
    freeze-*) chaos_freeze "$t" "$secs" ;;
    restart-*) chaos_operator_restart "$t" ;;
    overlap) chaos_overlap "$p" ;;
    hang-*)
        pid=$(cluster_exec "$t" cat /run/mysqld/mysqld.pid) || return 1
        cluster_exec "$t" kill -STOP "$pid"
        sleep "$secs"
        # The node may have been fenced meanwhile: nothing to resume.
        cluster_exec "$t" kill -CONT "$pid" 2>/dev/null
        ;;
    partition-writer)
        n=$(date +%s%3N)
        cluster_partition "$t" || return 1
        chaos_local_start "$t"
        sleep "$secs"
        chaos_local_stop "$t"
        cluster_heal "$t"
        chaos_local_report "$t" "$n"
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
        n=$(_cluster_init_pid "$t")
        cluster_crash "$t" || return 1
        chaos_heal_node "$t" "$n"
        ;;
    corosync-*)
        n=$(_cluster_init_pid "$t")
        pid=$(cluster_exec "$t" pidof -s corosync) || return 1
        cluster_exec "$t" kill -KILL "$pid" || return 1
        chaos_heal_node "$t" "$n"
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
