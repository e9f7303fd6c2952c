# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Running the mysql-mm agent outside a cluster, against bed servers.
#
#   load ../lib/agent          (after bed_start in setup_file)
#   agent_cib_init N           file CIB with nodes n1..nN (CIB_file)
#   agent_env i                OCF_* environment for node i's agent
#   run_agent RC i ACTION [VAR=VALUE...]   run it, expect status RC
#
# Node i is "n$i", runs bed server i, and keeps its agent state files
# in its own HA_RSCTMP, so several "nodes" share this machine.  Cluster
# commands are the real ones: crm_attribute against a file CIB (CIB_file);
# attrd_updater, which needs a running attrd, is the recording stand-in.

# shellcheck disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/bed.bash"

MMHA_AGENT=$MMHA_TOP/agents/mysql-mm
# Hard bound on one agent call (s); Pacemaker's own op timeout is passed
# to the agent as OCF_RESKEY_CRM_meta_timeout, this one is ours.
: "${AGENT_CALL_TIMEOUT:=90}"
AGENT_RSC=mm

# agent_dir: this run's agent files (CIB, state, logs).
agent_dir() {
    printf '%s/agent\n' "$BED_DIR"
}

# agent_cib_init N: an empty file CIB with nodes n1..nN online.
agent_cib_init() {
    local n=$1 i d
    d=$(agent_dir)
    mkdir -p "$d"
    CIB_file=$d/cib.xml
    export CIB_file
    cibadmin --empty >"$CIB_file" || return 1
    for i in $(seq 1 "$n"); do
        cibadmin -C -o nodes -X "<node id=\"$i\" uname=\"n$i\"/>" ||
            return 1
        cibadmin -C -o status -X "<node_state id=\"$i\" uname=\"n$i\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"/>" ||
            return 1
        mkdir -p "$d/rsctmp-n$i"
    done
    # attrd_updater needs a live cluster: record its calls instead.
    MMHA_RECORD_FILE=$d/attrd.record
    export MMHA_RECORD_FILE
}

# agent_env_lines i: NAME=value lines of node i's agent environment.
agent_env_lines() {
    local i=$1 d
    d=$(agent_dir)
    cat <<EOF
OCF_ROOT=/usr/lib/ocf
OCF_RESOURCE_INSTANCE=$AGENT_RSC
OCF_RESKEY_CRM_meta_on_node=n$i
OCF_RESKEY_CRM_meta_timeout=30000
HA_RSCTMP=$d/rsctmp-n$i
HA_LOGFILE=$d/agent.log
HA_DEBUGLOG=$d/agent.log
HA_debug=${AGENT_DEBUG:-0}
PATH=$MMHA_TOP/test/lib/stand-ins:$PATH
CIB_file=$CIB_file
MMHA_RECORD_FILE=$MMHA_RECORD_FILE
OCF_RESKEY_defaults_file=$(bed_cnf "$i")
OCF_RESKEY_repl_defaults_file=$(bed_repl_cnf)
OCF_RESKEY_config=$(bed_mycnf "$i")
OCF_RESKEY_binary=$BED_MARIADBD
OCF_RESKEY_helper_dir=$MMHA_BUILD_DIR
OCF_RESKEY_replication_host=$(bed_host "$i")
OCF_RESKEY_replication_port=$(bed_port "$i")
OCF_RESKEY_replication_mode=$([ "$BED_MODE" = filepos ] && echo filepos || echo gtid)
EOF
}

# agent_argv i ACTION [VAR=VALUE...]: sets AGENT_ARGV to the agent's
# command line under env(1), so a logged call can be run again by hand.
agent_argv() {
    local i=$1 action=$2 line
    shift 2
    AGENT_ARGV=(env -i)
    while IFS= read -r line; do
        AGENT_ARGV+=("$line")
    done < <(agent_env_lines "$i")
    AGENT_ARGV+=("$@" "$MMHA_AGENT" "$action")
}

# run_agent RC i ACTION [VAR=VALUE...]: run the agent as node i, expect
# exit status RC (a number, or '?' for any).  Sets $status and $output
# like bats' run; the command and its output go to the test log.
run_agent() {
    local want=$1 i=$2 action=$3
    shift 3
    local t0 t1
    t0=$(_mmha_now_ms)
    echo "# n$i: mysql-mm $action $*"
    status=0
    agent_argv "$i" "$action" "$@"
    output=$(timeout --kill-after=5 "$AGENT_CALL_TIMEOUT" \
        "${AGENT_ARGV[@]}" 2>&1 3>&-) || status=$?
    t1=$(_mmha_now_ms)
    AGENT_MS=$((t1 - t0))
    agent_jobs_wait "$i"
    echo "#   -> $status in ${AGENT_MS} ms"
    if [ -n "$output" ]; then
        # shellcheck disable=SC2001
        echo "$output" | sed 's/^/#   /'
    fi
    if [ "$want" != '?' ] && [ "$status" != "$want" ]; then
        echo "mysql-mm $action on n$i: exit $status, expected $want" >&2
        echo "$output" >&2
        echo "--- agent log (tail)" >&2
        tail -n 20 "$(agent_dir)/agent.log" >&2 2>/dev/null
        return 1
    fi
    return 0
}

# agent_jobs_wait i: wait (30 s at most) until the jobs node i's agent
# detached (the records after a promotion, the re-point after a
# notification) have ended: what a test checks next is then what they
# left, as in a cluster once the transition settled.
agent_jobs_wait() {
    local i=$1 n=0 jobs
    jobs="$(agent_dir)/rsctmp-n$i/mysql-mm-$AGENT_RSC.job.*"
    while compgen -G "$jobs" >/dev/null; do
        if ((n++ >= 300)); then
            echo "# n$i: detached jobs still running after 30 s:" $jobs
            return 0
        fi
        sleep 0.1
    done
}

# agent_score i: node i's promotion score ("" when none).
agent_score() {
    crm_attribute -N "n$1" -p "$AGENT_RSC" -l reboot -G -q 2>/dev/null
}

# agent_cib NAME: a cluster property the agent recorded (writer, epoch,
# history).
agent_cib() {
    crm_attribute -t crm_config -n "mmha-$AGENT_RSC-$1" -G -q 2>/dev/null
}

# agent_take_over i: hand bed server i to the agent: stop the bed's own
# mariadbd so that the agent starts it (same my.cnf and datadir).
agent_take_over() {
    bed_stop_server "$1"
}

# agent_pair [started|writer]: two bed servers in master-master (GTID),
# a file CIB, both handed to the agent; "started" also starts both
# instances, "writer" then promotes n1 and notifies n2 (it follows n1).
agent_pair() {
    bed_start -n 2 -t mm -m gtid || return 1
    agent_cib_init 2 || return 1
    agent_take_over 1 && agent_take_over 2 || return 1
    [ -n "${1:-}" ] || return 0
    run_agent 0 1 start && run_agent 0 2 start || return 1
    [ "$1" = writer ] || return 0
    run_agent 0 1 promote && agent_notify 2 post promote n1
}

# agent_trio [gtid|filepos]: three bed servers, n1 <-> n2 master-master
# and n3 a reader of n1, all handed to the agent and started; n1 promoted,
# n2 and n3 notified (they follow n1).
agent_trio() {
    local i
    bed_start -n 3 -t mm -m "${1:-gtid}" || return 1
    agent_cib_init 3 || return 1
    for i in 1 2 3; do
        agent_take_over "$i" && run_agent 0 "$i" start || return 1
    done
    run_agent 0 1 promote || return 1
    agent_notify 2 post promote n1 && agent_notify 3 post promote n1
}

# agent_mysqld_pid i: PID of the mariadbd the agent started for server i.
agent_mysqld_pid() {
    local f
    f=$(sed -n 's/^pid-file=//p' "$(bed_mycnf "$1")")
    cat "$f" 2>/dev/null
}

# agent_teardown N [VAR=VALUE...]: stop every agent-run server (the
# agent's stop with these parameters), then the bed.
agent_teardown() {
    local n=$1 i pid
    shift
    for i in $(seq 1 "$n"); do
        pid=$(agent_mysqld_pid "$i")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            run_agent '?' "$i" stop "$@" 3>/dev/null || true
        fi
        # The heartbeat daemon, if a test left one.
        pid=$(cat "$(agent_dir)/rsctmp-n$i/mysql-mm-$AGENT_RSC.beat.pid" \
            2>/dev/null)
        [ -n "$pid" ] && kill "$pid" 2>/dev/null
    done
    bed_stop
}

# agent_ocf_tester i: ocf-tester's whole sequence on node i (it needs
# /usr/share/resource-agents as its working directory for the DTD).
agent_ocf_tester() {
    local i=$1 kv k
    local -a args=()
    agent_argv "$i" none
    (
        for kv in "${AGENT_ARGV[@]:2}"; do
            case "$kv" in
            OCF_RESKEY_*=*)
                k=${kv%%=*}
                args+=(-o "${k#OCF_RESKEY_}=${kv#*=}")
                ;;
            *=*) export "${kv?}" ;;
            esac
        done
        cd /usr/share/resource-agents || exit 1
        timeout --kill-after=5 300 ocf-tester -n "$AGENT_RSC" "${args[@]}" \
            "$MMHA_AGENT"
    )
}

# agent_notify i TYPE OPERATION PROMOTE_UNAMES: a notify as Pacemaker
# sends it to node i.
agent_notify() {
    run_agent 0 "$1" notify OCF_RESKEY_CRM_meta_notify_type="$2" \
        OCF_RESKEY_CRM_meta_notify_operation="$3" \
        OCF_RESKEY_CRM_meta_notify_promote_uname="$4"
}

# agent_switchover FROM TO: what Pacemaker does to move the writer: demote,
# promote, post-promote notify to every other node.
agent_switchover() {
    local from=$1 to=$2 j
    run_agent 0 "$from" demote || return 1
    run_agent 0 "$to" promote || return 1
    for j in $(seq 1 "$BED_N"); do
        [ "$j" = "$to" ] && continue
        agent_notify "$j" post promote "n$to" || return 1
    done
}

# agent_replicating i: both replication threads of server i run.
agent_replicating() {
    _bed_replicating "$1"
}
