# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# A real multi-node Pacemaker cluster on this machine, for bats suites.
#
# Each node is a network namespace from netns.bash plus
#   unshare --mount --uts --pid --fork --mount-proc --propagation private \
#       cluster-node-init RUN_DIR nodeI
# (own hostname, /run, /dev/shm, CIB, corosync.conf, logs; see
# cluster-node-init).  Everything of one run lives under $CLUSTER_DIR:
#   cluster.env            state for other shells (sourced by _cluster_load)
#   nodes/nodeI/           the node's private files, init.pid, init.log
#   nodes/nodeI/data/      datadir base for the node's MariaDB
#   sbin/fence_mmha_test   overlaid on the node's /usr/sbin
#   fence/                 requests from the test fence agent, watcher logs
#   netns/                 netns.bash state (NETNS_DIR)
# Every process is stopped by its PID; every wait is bounded.

_cluster_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib/netns.bash
. "$_cluster_lib_dir/netns.bash"

: "${CLUSTER_START_TIMEOUT:=60}"
: "${CLUSTER_STOP_TIMEOUT:=30}"

_cluster_note() {
    { printf '# %s\n' "$*" >&3; } 2>/dev/null || true
}

_cluster_err() {
    printf 'cluster: %s\n' "$*" >&2
}

_cluster_now_ms() {
    local t=${EPOCHREALTIME/./}
    printf '%s\n' "$((t / 1000))"
}

# Restore the run's state (a bats test after setup_file, the watcher).
_cluster_load() {
    if [ -z "${CLUSTER_DIR:-}" ] || [ ! -r "$CLUSTER_DIR/cluster.env" ]; then
        _cluster_err "no cluster running (CLUSTER_DIR=${CLUSTER_DIR:-unset})"
        return 1
    fi
    # shellcheck disable=SC1091
    . "$CLUSTER_DIR/cluster.env" || return 1
    # shellcheck disable=SC1091
    . "$NETNS_DIR/netns.env"
}

_cluster_ndir() {
    printf '%s/nodes/node%s\n' "$CLUSTER_DIR" "$1"
}

# A pid is alive when it exists and is not a zombie.
_cluster_alive() {
    local pid=$1 stat
    [ -n "$pid" ] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

_cluster_init_pid() {
    local f
    f=$(_cluster_ndir "$1")/init.pid
    [ -r "$f" ] && cat "$f"
}

# ---- configuration -------------------------------------------------------

_cluster_write_corosync() {
    local dir=$1 i
    {
        cat <<EOT
totem {
    version: 2
    cluster_name: mmha-$CLUSTER_ID
    transport: knet
    crypto_cipher: none
    crypto_hash: none
    token: $CLUSTER_TOKEN
}
nodelist {
EOT
        for ((i = 1; i <= CLUSTER_N; i++)); do
            printf '    node {\n        ring0_addr: %s\n' "$(netns_addr "$i")"
            printf '        name: node%s\n        nodeid: %s\n    }\n' "$i" "$i"
        done
        printf '}\nquorum {\n    provider: corosync_votequorum\n'
        if [ "$CLUSTER_N" -eq 2 ]; then
            printf '    two_node: 1\n'
        fi
        cat <<EOT
}
logging {
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    to_syslog: no
    to_stderr: no
    timestamp: on
}
EOT
    } >"$dir/corosync.conf"
}

# Seeded CIB: dc-deadtime=2s brings nodes online in ~5 s instead of ~20 s.
# No crm_feature_set: a newer one than installed makes controld exit.
_cluster_write_cib() {
    local file=$1 i stonith=false rsc="" cons=""
    # With fencing, one device per node, never run by the node it fences
    # (as with one IPMI device per server): the survivor of a crash
    # already runs the device that fences the crashed node; a single
    # device on the crashed node had to start on the survivor first,
    # beside the fencing (100-150 ms more per crash).
    if [ "$CLUSTER_FENCING" = on ]; then
        stonith=true
        for ((i = 1; i <= CLUSTER_N; i++)); do
            rsc="$rsc<primitive id=\"fence-node$i\" class=\"stonith\" type=\"fence_mmha_test\">
        <instance_attributes id=\"fence-node$i-ia\">
          <nvpair id=\"fence-node$i-hosts\" name=\"pcmk_host_list\" value=\"node$i\"/>
        </instance_attributes>
        <operations>
          <op id=\"fence-node$i-monitor\" name=\"monitor\" interval=\"10s\"/>
        </operations>
      </primitive>
      "
            cons="$cons<rsc_location id=\"fence-node$i-away\" rsc=\"fence-node$i\" node=\"node$i\" score=\"-INFINITY\"/>
      "
        done
    fi
    cat >"$file" <<EOT
<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="$stonith"/>
        <nvpair id="opt-no-quorum-policy" name="no-quorum-policy" value="$CLUSTER_NO_QUORUM"/>
        <nvpair id="opt-dc-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="opt-cluster-name" name="cluster-name" value="mmha-$CLUSTER_ID"/>
        <nvpair id="opt-infrastructure" name="cluster-infrastructure" value="corosync"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      $rsc
    </resources>
    <constraints>
      $cons
    </constraints>
  </configuration>
  <status/>
</cib>
EOT
}

_cluster_make_node_dir() {
    local i=$1 dir d j
    dir=$(_cluster_ndir "$i")
    mkdir -p "$dir"/{etc-corosync,lib-corosync,log-corosync,log-pacemaker} ||
        return 1
    for d in cib pengine blackbox cores; do
        install -d -o hacluster -g haclient -m 0750 "$dir/lib-pacemaker/$d" ||
            return 1
    done
    chown hacluster:haclient "$dir/log-pacemaker"
    install -d -o mysql -g mysql -m 0755 "$dir/data" || return 1
    _cluster_write_corosync "$dir/etc-corosync" || return 1
    _cluster_write_cib "$dir/lib-pacemaker/cib/cib.xml" || return 1
    chown hacluster:haclient "$dir/lib-pacemaker/cib/cib.xml"
    chmod 0600 "$dir/lib-pacemaker/cib/cib.xml"
    {
        printf '127.0.0.1 localhost\n'
        for ((j = 1; j <= CLUSTER_N; j++)); do
            printf '%s node%s\n' "$(netns_addr "$j")" "$j"
        done
    } >"$dir/hosts"
}

# ---- node life cycle -----------------------------------------------------

# Remove addresses a dead node left behind (a VIP from IPaddr2): the
# namespace outlives the node's init, its addresses with it.
_cluster_flush_addrs() {
    local i=$1 ns own dev addr
    ns=$(netns_name "$i") || return 1
    own=$(netns_addr "$i")
    ip -n "$ns" -o -4 addr show scope global |
        while read -r _ dev _ addr _; do
        [ "${addr%/*}" = "$own" ] && continue
        ip -n "$ns" addr del "$addr" dev "$dev"
    done
}

# _cluster_boot i: start node i's init (no-op when it runs).
_cluster_boot() {
    local i=$1 dir ns upid ipid t
    dir=$(_cluster_ndir "$i")
    if _cluster_alive "$(_cluster_init_pid "$i")"; then
        return 0
    fi
    ns=$(netns_name "$i") || return 1
    _cluster_flush_addrs "$i"
    if [ ! -e "$dir/partitioned" ]; then
        netns_link_up "$i" || return 1
    fi
    ip netns exec "$ns" unshare --mount --uts --pid --fork --mount-proc \
        --propagation private "$_cluster_lib_dir/cluster-node-init" \
        "$CLUSTER_DIR" "node$i" </dev/null >>"$dir/init.log" 2>&1 3>&- &
    upid=$!
    for ((t = 0; t < 100; t++)); do
        ipid=$(pgrep -P "$upid" | head -n 1)
        [ -n "$ipid" ] && break
        sleep 0.05
    done
    if [ -z "$ipid" ]; then
        _cluster_err "node$i: no init under unshare pid $upid"
        kill -KILL "$upid" 2>/dev/null
        return 1
    fi
    echo "$upid" >"$dir/unshare.pid"
    echo "$ipid" >"$dir/init.pid"
}

# Wait at most $1 seconds until none of the given pids lives.
_cluster_wait_gone() {
    local secs=$1 deadline p left
    shift
    deadline=$(($(_cluster_now_ms) + secs * 1000))
    while :; do
        left=0
        for p in "$@"; do
            _cluster_alive "$p" && left=1
        done
        [ "$left" = 0 ] && return 0
        [ "$(_cluster_now_ms)" -ge "$deadline" ] && return 1
        sleep 0.02
    done
}

# cluster_node_pids i: every process of node i (its PID namespace), as
# host PIDs.
cluster_node_pids() {
    local ipid p
    _cluster_load || return 1
    ipid=$(_cluster_init_pid "$1")
    _cluster_alive "$ipid" || return 1
    for p in /proc/[0-9]*; do
        [ "$p/ns/pid" -ef "/proc/$ipid/ns/pid" ] && echo "${p#/proc/}"
    done
    return 0
}

# cluster_node_outside_parents i: the host processes (outside node i)
# whose children run in it: the nsenter of every cluster_exec.
cluster_node_outside_parents() {
    local ipid p k v
    ipid=$(_cluster_init_pid "$1")
    for p in $(cluster_node_pids "$1"); do
        while read -r k v; do
            [ "$k" = PPid: ] || continue
            [ "/proc/$v/ns/pid" -ef "/proc/$ipid/ns/pid" ] || echo "$v"
            break
        done 2>/dev/null <"/proc/$p/status"
    done | sort -u
}

# _cluster_kill i: the node dies at once (its PID namespace with it).
_cluster_kill() {
    local i=$1 dir ipid upid outside
    dir=$(_cluster_ndir "$i")
    ipid=$(_cluster_init_pid "$i")
    upid=$(cat "$dir/unshare.pid" 2>/dev/null)
    netns_link_down "$i"
    # An nsenter stops itself when its child stops (a frozen node): it
    # would never reap the child it ran, and the namespace, so this kill,
    # would never end.  Resumed once its child is dead.
    outside=$(cluster_node_outside_parents "$i" 2>/dev/null)
    if _cluster_alive "$ipid"; then
        kill -KILL "$ipid"
    fi
    # shellcheck disable=SC2086 # one PID a word
    [ -z "$outside" ] || kill -CONT $outside 2>/dev/null
    _cluster_wait_gone 10 "$ipid" "$upid" || {
        _cluster_err "node$i: init $ipid still alive after SIGKILL"
        return 1
    }
    rm -f "$dir/init.pid" "$dir/unshare.pid"
}

# ---- fence watcher (host side of fence_mmha_test) ------------------------

_cluster_fence_do() {
    local action=$1 target=$2 i
    i=${target#node}
    case $action in
    off) _cluster_kill "$i" ;;
    on) _cluster_boot "$i" ;;
    # Powered on again by the watcher after its answer: the node is off,
    # which is what the fencing node waits for.
    reboot) _cluster_kill "$i" ;;
    status)
        _cluster_alive "$(_cluster_init_pid "$i")" || return 2
        ;;
    *) return 1 ;;
    esac
}

_cluster_fence_watcher() {
    local fdir=$CLUSTER_DIR/fence req id action target caller rc n=0 tick
    _cluster_load || return 1
    # Polled every 20 ms: a fence request waits for the next poll here and
    # the agent for the next poll of the answer (up to 100 ms each with
    # 0.1 s polls, on the path of every failover after a node crash); the
    # liveness mark every 25th poll.  The pause is a read that times out
    # on a FIFO held open both ways (never written): no process per poll.
    mkfifo "$fdir/tick" 2>/dev/null
    exec {tick}<>"$fdir/tick" || return 1
    while [ -d "$fdir" ]; do
        [ $((n++ % 25)) = 0 ] && touch "$fdir/alive"
        if [ ! -e "$fdir/hold" ]; then
            for req in "$fdir"/*.req; do
                [ -e "$req" ] || continue
                id=${req%.req}
                read -r action target caller <"$req"
                rm -f "$req"
                _cluster_fence_do "$action" "$target"
                rc=$?
                echo "$rc" >"$id.tmp" && mv "$id.tmp" "$id.res"
                if [ "$action" = reboot ] && [ "$rc" = 0 ] &&
                    [ ! -e "$fdir/stay-off" ]; then
                    _cluster_boot "${target#node}"
                    rc=$?
                fi
                if [ "$action" != status ]; then
                    printf '%s %s %s by %s rc=%s\n' "$(date +%T.%3N)" \
                        "$action" "$target" "$caller" "$rc" >>"$fdir/fence.log"
                fi
            done
        fi
        read -r -t 0.02 -u "$tick" _
    done
    exec {tick}>&-
}

# cluster_fence_hold on|off: park fence requests (the victim stays UNCLEAN)
# until released, to observe what the cluster does while fencing is pending.
cluster_fence_hold() {
    _cluster_load || return 1
    case $1 in
    on) touch "$CLUSTER_DIR/fence/hold" ;;
    off) rm -f "$CLUSTER_DIR/fence/hold" ;;
    *) return 2 ;;
    esac
}

# cluster_fence_boot on|off: whether a fencing reboot boots the node again
# (on, the default) or leaves it off like a machine slow to come back,
# until cluster_restart_node.  The bed's node is back within ~2 s, sooner
# than a reader recovering from a failed monitor may be promotable.
cluster_fence_boot() {
    _cluster_load || return 1
    case $1 in
    on) rm -f "$CLUSTER_DIR/fence/stay-off" ;;
    off) touch "$CLUSTER_DIR/fence/stay-off" ;;
    *) return 2 ;;
    esac
}

# cluster_fence_log: fencing actions the watcher executed, one per line:
# "HH:MM:SS.mmm ACTION TARGET by CALLER rc=N".
cluster_fence_log() {
    _cluster_load || return 1
    cat "$CLUSTER_DIR/fence/fence.log" 2>/dev/null
}

# ---- public API ----------------------------------------------------------

# cluster_start [-n N] [--fencing on|off] [--token MS] [--no-quorum POLICY]
cluster_start() {
    local n=2 fencing=on token=1000 nq=stop t0 i
    while [ $# -gt 0 ]; do
        case $1 in
        -n) n=$2; shift 2 ;;
        --fencing) fencing=$2; shift 2 ;;
        --token) token=$2; shift 2 ;;
        --no-quorum) nq=$2; shift 2 ;;
        *) _cluster_err "cluster_start: unknown option $1"; return 2 ;;
        esac
    done
    case $fencing in on | off) ;; *) return 2 ;; esac
    t0=$(_cluster_now_ms)
    CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mmha-cl.XXXXXX") || return 1
    chmod 0755 "$CLUSTER_DIR"
    export CLUSTER_DIR
    CLUSTER_ID=${CLUSTER_DIR##*.}
    CLUSTER_N=$n CLUSTER_FENCING=$fencing CLUSTER_TOKEN=$token
    CLUSTER_NO_QUORUM=$nq
    mkdir -p "$CLUSTER_DIR"/{nodes,sbin,fence,netns} || return 1
    cat >"$CLUSTER_DIR/cluster.env" <<EOT
CLUSTER_ID=$CLUSTER_ID
CLUSTER_N=$n
CLUSTER_FENCING=$fencing
CLUSTER_TOKEN=$token
CLUSTER_NO_QUORUM=$nq
NETNS_DIR=$CLUSTER_DIR/netns
EOT
    NETNS_DIR=$CLUSTER_DIR/netns
    NETNS_ID=
    netns_setup mc "$n" || { _cluster_err "netns_setup failed"; return 1; }
    _CLUSTER_LAST="$CLUSTER_DIR mc$NETNS_ID- $NETNS_BRIDGE"
    export _CLUSTER_LAST
    if [ -n "${BATS_FILE_TMPDIR:-}" ]; then
        echo "$_CLUSTER_LAST" >>"$BATS_FILE_TMPDIR/mmha-cluster-runs"
    fi
    install -m 0755 "$_cluster_lib_dir/fence_mmha_test" "$CLUSTER_DIR/sbin/"
    for ((i = 1; i <= n; i++)); do
        _cluster_make_node_dir "$i" || return 1
    done
    # Its own bash process: the run directory in its command line (found
    # by cluster_leak_check), no bats traps or errexit inherited.
    bash -c '. "$1/cluster.bash" && CLUSTER_DIR=$2 _cluster_fence_watcher' \
        mmha-fence-watcher "$_cluster_lib_dir" "$CLUSTER_DIR" </dev/null \
        >>"$CLUSTER_DIR/fence/watcher.log" 2>&1 3>&- &
    echo $! >"$CLUSTER_DIR/fence/watcher.pid"
    for ((i = 1; i <= n; i++)); do
        _cluster_boot "$i" || return 1
    done
    if ! cluster_wait "$CLUSTER_START_TIMEOUT" \
        "crm_mon -1 --output-as=xml | grep -q '<current_dc present=\"true\"' &&
         [ \$(crm_mon -1 --output-as=xml | grep -c ' online=\"true\"') -eq $n ]"; then
        _cluster_err "cluster not online after ${CLUSTER_START_TIMEOUT}s"
        return 1
    fi
    # Online is not settled: the stonith device may still be starting.
    cluster_settle 30 || return 1
    _cluster_note "cluster of $n nodes online in $(($(_cluster_now_ms) - t0)) ms"
}

# cluster_settle [-n i] SECONDS: wait until node i (default 1) sees no
# pending actions (crm_resource --wait; it polls in 2 s steps, so this
# costs about 2 s even on a settled cluster).
cluster_settle() {
    local node=1
    if [ "$1" = -n ]; then
        node=$2
        shift 2
    fi
    if ! cluster_exec "$node" crm_resource --wait --timeout="${1}s" \
        >/dev/null; then
        _cluster_err "cluster not settled after ${1}s"
        return 1
    fi
}

cluster_node() {
    printf 'node%s\n' "$1"
}

# cluster_subnet: the nodes' /24 without its last octet, e.g. 10.73.3
# (free for VIPs: .100-.199; nodes are .1-.N, the host .254).
cluster_subnet() {
    _cluster_load || return 1
    netns_subnet
}

cluster_addr() {
    _cluster_load || return 1
    netns_addr "$1"
}

cluster_datadir_base() {
    _cluster_load || return 1
    printf '%s/data\n' "$(_cluster_ndir "$1")"
}

# cluster_exec i cmd...: run cmd in node i (mount, uts, net, pid namespaces).
cluster_exec() {
    local pid
    _cluster_load || return 1
    pid=$(_cluster_init_pid "$1")
    if ! _cluster_alive "$pid"; then
        _cluster_err "node$1 is not running"
        return 1
    fi
    shift
    nsenter -t "$pid" -m -u -n -p -- "$@"
}

cluster_crm() {
    local i=$1
    shift
    cluster_exec "$i" crm "$@"
}

# cluster_wait [-n i] SECONDS 'condition': poll the condition in a shell in
# node i (default 1) every 0.2 s; status 1 when SECONDS run out.
cluster_wait() {
    local node=1 secs cond deadline
    if [ "$1" = -n ]; then
        node=$2
        shift 2
    fi
    secs=$1 cond=$2
    deadline=$(($(_cluster_now_ms) + secs * 1000))
    while :; do
        cluster_exec "$node" bash -c "$cond" >/dev/null 2>&1 && return 0
        if [ "$(_cluster_now_ms)" -ge "$deadline" ]; then
            _cluster_err "timed out after ${secs}s in node$node: $cond"
            return 1
        fi
        sleep 0.2
    done
}

# cluster_crash i: hard crash: link down, SIGKILL to the node's init.
cluster_crash() {
    _cluster_load || return 1
    _cluster_kill "$1"
}

# cluster_partition i / cluster_heal i: cut / restore node i's link only.
cluster_partition() {
    _cluster_load || return 1
    touch "$(_cluster_ndir "$1")/partitioned"
    netns_link_down "$1"
}

cluster_heal() {
    _cluster_load || return 1
    rm -f "$(_cluster_ndir "$1")/partitioned"
    netns_link_up "$1"
}

# cluster_heal_all: heal every node left cut off (a failed test must not
# leave a partition for the next one); no cluster, nothing to do.
cluster_heal_all() {
    local n
    _cluster_load 2>/dev/null || return 0
    for ((n = 1; n <= CLUSTER_N; n++)); do
        if [ -e "$(_cluster_ndir "$n")/partitioned" ]; then
            cluster_heal "$n"
        fi
    done
}

# cluster_node_down i: node i's init is gone (the node has stopped; a
# command inside it can fail earlier, while it is still stopping).
cluster_node_down() {
    _cluster_load || return 1
    ! _cluster_alive "$(_cluster_init_pid "$1")"
}

# cluster_restart_node i: boot node i again (after a crash or fence off).
cluster_restart_node() {
    _cluster_load || return 1
    if _cluster_alive "$(_cluster_init_pid "$1")"; then
        _cluster_err "node$1 is running"
        return 1
    fi
    _cluster_boot "$1"
}

# cluster_stop: watcher, then every node (SIGTERM, bounded wait, SIGKILL),
# then namespaces and the run directory.  Safe to call twice.
cluster_stop() {
    local i pid pids=() upids=() rc=0 dir
    [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
    _cluster_load || return 1
    pid=$(cat "$CLUSTER_DIR/fence/watcher.pid" 2>/dev/null)
    if _cluster_alive "$pid"; then
        kill -TERM "$pid"
        _cluster_wait_gone 5 "$pid" || kill -KILL "$pid"
    fi
    for ((i = 1; i <= CLUSTER_N; i++)); do
        dir=$(_cluster_ndir "$i")
        pid=$(_cluster_init_pid "$i")
        if _cluster_alive "$pid"; then
            kill -TERM "$pid"
            pids+=("$pid")
        fi
        pid=$(cat "$dir/unshare.pid" 2>/dev/null)
        [ -n "$pid" ] && upids+=("$pid")
    done
    if ! _cluster_wait_gone "$CLUSTER_STOP_TIMEOUT" "${pids[@]}"; then
        _cluster_err "nodes still up after ${CLUSTER_STOP_TIMEOUT}s: SIGKILL"
        for pid in "${pids[@]}"; do
            kill -KILL "$pid" 2>/dev/null
        done
    fi
    _cluster_wait_gone 10 "${pids[@]}" "${upids[@]}" || rc=1
    netns_teardown || rc=1
    rm -rf "$CLUSTER_DIR" || rc=1
    unset CLUSTER_DIR
    return "$rc"
}

# cluster_leak_check: no process and no namespace of any run this bats
# file started is left (outside bats: of the last run this shell started).  Processes of a run are found by its run
# directory in their command line (init, unshare) or mounts (daemons).
cluster_leak_check() {
    local rc=0 dir nsp br p id runs=${_CLUSTER_LAST:-}
    if [ -n "${BATS_FILE_TMPDIR:-}" ] &&
        [ -r "$BATS_FILE_TMPDIR/mmha-cluster-runs" ]; then
        runs=$(cat "$BATS_FILE_TMPDIR/mmha-cluster-runs")
    fi
    while read -r dir nsp br; do
        [ -n "$dir" ] || continue
        id=${dir##*/}
        for p in /proc/[0-9]*; do
            if grep -qF "$id" "$p/cmdline" 2>/dev/null ||
                grep -qF "$id" "$p/mountinfo" 2>/dev/null; then
                [ "${p#/proc/}" = "$$" ] && continue
                _cluster_err "leak: pid ${p#/proc/} ($(cat "$p/comm" 2>/dev/null)) of $dir"
                rc=1
            fi
        done
        if ip netns list | grep -q "^$nsp"; then
            _cluster_err "leak: namespace $nsp* of $dir"
            rc=1
        fi
        if ip link show "$br" >/dev/null 2>&1; then
            _cluster_err "leak: bridge $br of $dir"
            rc=1
        fi
        if [ -e "$dir" ]; then
            _cluster_err "leak: run directory $dir"
            rc=1
        fi
    done <<<"$runs"
    return "$rc"
}

# cluster_vip_node ADDR: name of each running node whose namespace holds
# ADDR (a crashed node's namespace keeps its addresses until it boots again,
# but nothing answers there: its link is down).
cluster_vip_node() {
    local addr=$1 i found=1
    _cluster_load || return 1
    for ((i = 1; i <= CLUSTER_N; i++)); do
        _cluster_alive "$(_cluster_init_pid "$i")" || continue
        if ip -n "$(netns_name "$i")" -o -4 addr show |
            grep -qF " $addr/"; then
            cluster_node "$i"
            found=0
        fi
    done
    return "$found"
}

# cluster_online_nodes [i]: the nodes node i (default 1) sees online, on one
# line, e.g. "node1 node2".
cluster_online_nodes() {
    local out
    out=$(cluster_exec "${1:-1}" crm_mon -1 --output-as=xml) || return 1
    printf '%s\n' "$out" | sed -n 's/.*<node name="\([^"]*\)".* online="true".*/\1/p' |
        sort | paste -sd ' '
}
