# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# OCF_RESKEY_* come from the agent; MMHA_* are read by it.
# shellcheck disable=SC2154,SC2034
#
# mmha-observe.sh: what the mysql-mm agent reads of the world, and nothing
# that changes it: the local server (mmha-binlog capture, read into
# MMHA_* as KEY=value lines, never eval'ed), the cluster's records and
# attributes (one snapshot per operation), this node's files and
# processes.  The decisions (mmha-decide.sh) take what it returns; the
# executor (mmha-act.sh) is the only code that changes anything.
#
# Copyright the mmha contributors.

# ---------------------------------------------------------------- naming

# The resource without its clone instance number: CIB record names.
mmha_rsc() {
    echo "${OCF_RESOURCE_INSTANCE%%:*}"
}

# mmha_node: this node's name (outside an operation of Pacemaker's, as in
# crm_resource --force-check: asked once, kept in MMHA_NODE_NAME).
mmha_node() {
    if [ -n "${OCF_RESKEY_CRM_meta_on_node:-}" ]; then
        echo "$OCF_RESKEY_CRM_meta_on_node"
    elif [ -n "${MMHA_NODE_NAME:-}" ]; then
        echo "$MMHA_NODE_NAME"
    else
        crm_node -n 2>/dev/null || uname -n
    fi
}

# mmha_node_init: ask for this node's name once per agent run.
mmha_node_init() {
    MMHA_NODE_NAME=$(mmha_node)
}

# mmha_state_file SUFFIX: a per-resource file under HA_RSCTMP (cleared at
# boot, so nothing stale survives a reboot).
mmha_state_file() {
    echo "${HA_RSCTMP:-/run/resource-agents}/mysql-mm-$(mmha_rsc).$1"
}

mmha_now_iso() {
    date -u +%Y-%m-%dT%H:%M:%SZ
}

# mmha_deadline: the --timeout (s) for helpers inside this operation.
mmha_deadline() {
    mmha_decide_deadline "$OCF_RESKEY_CRM_meta_timeout"
}

# mmha_short_timeout: helper bound for work a monitor adds on the side
# (remote checks, the writer's own replication): 5 s at most.
mmha_short_timeout() {
    mmha_timeout_max 5
}

# mmha_peer_timeout: helper bound for a monitor's probe of another node's
# server: 1 s at most.  The executor runs one operation of a resource at
# a time, so a monitor stuck on an unreachable writer holds the next
# notification and promotion behind it (measured: a pre-promote
# notification waited 7.2 s for a reader's probes of 5 s and 2 s).
mmha_peer_timeout() {
    mmha_timeout_max 1
}

# mmha_timeout_max SECONDS: the operation's deadline (mmha_deadline), or
# SECONDS when that is shorter.
mmha_timeout_max() {
    _tm=$(mmha_deadline)
    [ "${_tm%.*}" -lt "$1" ] && echo "$_tm" || echo "$1"
}

# ---------------------------------------------------------------- helpers and the server

# mmha_helper_bin NAME: the path of a helper (helper_dir or PATH).
mmha_helper_bin() {
    if [ -n "$OCF_RESKEY_helper_dir" ]; then
        echo "$OCF_RESKEY_helper_dir/$1"
    else
        command -v "$1" || echo "$1"
    fi
}

# mmha_helper NAME [SUBCOMMAND] ARGS...: run a helper against the local
# server with the agent's option file (added last: a subcommand comes
# first).  Output on stdout, diagnostics on stderr.
mmha_helper() {
    _mh_bin=$(mmha_helper_bin "$1")
    shift
    ocf_log debug "running $_mh_bin $*"
    "$_mh_bin" "$@" --defaults-file "$OCF_RESKEY_defaults_file"
}

# mmha_ping: the server answers a capture within 2 s (never SQL of the
# agent's own: every statement goes through a helper's dialect table).
mmha_ping() {
    mmha_helper mmha-binlog capture --timeout 2 --format shell >/dev/null 2>&1
}

# mmha_read_kv TEXT: set MMHA_<KEY> for every KEY=value line of a helper's
# shell output.  Only keys made of [A-Z0-9_] are taken.
mmha_read_kv() {
    while IFS='=' read -r _k _v; do
        case "$_k" in
        '' | *[!A-Z0-9_]*) continue ;;
        esac
        # The key is a checked identifier; the value is assigned, not run.
        # shellcheck disable=SC2034
        case "$_k" in
        BINLOG_FILE) MMHA_BINLOG_FILE=$_v ;;
        BINLOG_POS) MMHA_BINLOG_POS=$_v ;;
        GTID_BINLOG) MMHA_GTID_BINLOG=$_v ;;
        GTID_CURRENT) MMHA_GTID_CURRENT=$_v ;;
        SERVER_ID) MMHA_SERVER_ID=$_v ;;
        READ_ONLY) MMHA_READ_ONLY=$_v ;;
        REPLICA_CONFIGURED) MMHA_R_CONFIGURED=$_v ;;
        REPLICA_SOURCE_HOST) MMHA_R_SOURCE_HOST=$_v ;;
        REPLICA_SOURCE_PORT) MMHA_R_SOURCE_PORT=$_v ;;
        REPLICA_IO_RUNNING) MMHA_R_IO=$_v ;;
        REPLICA_SQL_RUNNING) MMHA_R_SQL=$_v ;;
        REPLICA_LAST_IO_ERRNO) MMHA_R_IO_ERRNO=$_v ;;
        REPLICA_LAST_IO_ERROR) MMHA_R_IO_ERROR=$_v ;;
        REPLICA_LAST_SQL_ERRNO) MMHA_R_SQL_ERRNO=$_v ;;
        REPLICA_LAST_SQL_ERROR) MMHA_R_SQL_ERROR=$_v ;;
        REPLICA_READ_FILE) MMHA_R_READ_FILE=$_v ;;
        REPLICA_READ_POS) MMHA_R_READ_POS=$_v ;;
        REPLICA_EXEC_FILE) MMHA_R_EXEC_FILE=$_v ;;
        REPLICA_EXEC_POS) MMHA_R_EXEC_POS=$_v ;;
        REPLICA_IGNORE_DOMAINS) MMHA_R_IGNORE_DOMAINS=$_v ;;
        ERRANT) MMHA_ERRANT=$_v ;;
        LAG_MS) MMHA_LAG_MS=$_v ;;
        READABLE) MMHA_READABLE=$_v ;;
        ERRANT_COUNT) MMHA_ERRANT_COUNT=$_v ;;
        esac
    done <<EOF
$1
EOF
}

mmha_kv_reset() {
    MMHA_CAPTURE=''
    MMHA_BINLOG_FILE=''
    MMHA_BINLOG_POS=''
    MMHA_GTID_BINLOG=''
    MMHA_GTID_CURRENT=''
    MMHA_SERVER_ID=''
    MMHA_READ_ONLY=''
    MMHA_R_CONFIGURED=''
    MMHA_R_SOURCE_HOST=''
    MMHA_R_SOURCE_PORT=''
    MMHA_R_IO=''
    MMHA_R_SQL=''
    MMHA_R_IO_ERROR=''
    MMHA_R_SQL_ERROR=''
    MMHA_R_READ_FILE=''
    MMHA_R_READ_POS=''
    MMHA_R_EXEC_FILE=''
    MMHA_R_EXEC_POS=''
    MMHA_R_IGNORE_DOMAINS=''
    MMHA_ERRANT=''
    MMHA_LAG_MS=''
    MMHA_READABLE=''
    MMHA_ERRANT_COUNT=''
    MMHA_R_IO_ERRNO=0
    MMHA_R_SQL_ERRNO=0
}

# mmha_capture [TIMEOUT_S]: read the local server's position and
# replication state into MMHA_* (mmha-binlog capture).
mmha_capture() {
    mmha_kv_reset
    _mc_out=$(mmha_helper mmha-binlog capture --timeout "${1:-5}" \
        --format shell) || return $?
    MMHA_CAPTURE=$_mc_out
    mmha_read_kv "$_mc_out"
}

# mmha_position_text: the captured position as one record fragment.
mmha_position_text() {
    echo "file=${MMHA_BINLOG_FILE:-} pos=${MMHA_BINLOG_POS:-}" \
        "gtid=${MMHA_GTID_BINLOG:-}"
}

# ---------------------------------------------------------------- CIB

# Cluster-wide records are crm_config properties named mmha-<rsc>-<what>:
#   writer   the last promotion: "node=N epoch=E addr=H:P file=F pos=P
#            gtid=G time=T"
#   epoch    the writer epoch, raised at every promotion
#   history  the last MMHA_HISTORY_MAX role changes, ";"-separated
#   ids-<node>  "server_id increment offset" of each master (PIXNET rule)
mmha_cib_get() {
    if [ "${MMHA_SNAPSHOT:-0}" = 1 ]; then
        mmha_conf_get "mmha-$(mmha_rsc)-$1"
        return
    fi
    crm_attribute -t crm_config -n "mmha-$(mmha_rsc)-$1" -G -q 2>/dev/null
}

# mmha_snapshot: read the cluster properties and this node's transient
# attributes once; until the operation ends mmha_cib_get, mmha_attr_get
# (this node's) and mmha_score_get answer from that copy.  A monitor made
# five CIB queries, a process each (~12 ms of CPU); a 500 ms writer
# monitor pays for every one.  Left off when the CIB cannot be read.
mmha_snapshot() {
    MMHA_SNAPSHOT=0
    _sn_x=$(cibadmin -Q -A "$(mmha_snapshot_xpath)" 2>/dev/null) || return 0
    mmha_snapshot_take "$_sn_x"
}

# mmha_snapshot_xpath: both parts in one query (one cibadmin, ~15 ms,
# where two cost twice that on every monitor).
mmha_snapshot_xpath() {
    echo "//crm_config | //node_state[@uname='$(mmha_node)']/transient_attributes"
}

# mmha_snapshot_take TEXT: the query's answer split into MMHA_CONF_XML and
# MMHA_ATTRS_XML (document order: crm_config comes first; no transient
# attributes yet is an answer too: none set).
mmha_snapshot_take() {
    case "$1" in
    *"<crm_config"*) ;;
    *) return 0 ;;
    esac
    MMHA_CONF_XML=${1%%<transient_attributes*}
    MMHA_ATTRS_XML=${1#"$MMHA_CONF_XML"}
    MMHA_SNAPSHOT=1
}

# mmha_snapshot_start / mmha_snapshot_join: mmha_snapshot's query in the
# background, taken in later (a monitor's query runs while the server is
# probed; a demotion reads the history and its score while the server
# goes read-only, and then only writes).  No process but cibadmin: the
# status file is emptied first, so a stale one is no answer.
mmha_snapshot_start() {
    _ss_f=$(mmha_state_file snapshot)
    { : >"$_ss_f.rc"; } 2>/dev/null
    mmha_par mmha_snapshot_query "$_ss_f"
}

# mmha_snapshot_query FILE: the query's answer into FILE, its status into
# FILE.rc.
mmha_snapshot_query() {
    cibadmin -Q -A "$(mmha_snapshot_xpath)" >"$1" 2>/dev/null
    echo $? >"$1.rc"
}

# mmha_snapshot_join: wait for mmha_snapshot_start's query (the caller's
# other background jobs too) and use it as mmha_snapshot does.
mmha_snapshot_join() {
    wait
    MMHA_SNAPSHOT=0
    _ss_f=$(mmha_state_file snapshot)
    _ss_rc=''
    { read -r _ss_rc <"$_ss_f.rc"; } 2>/dev/null
    [ "$_ss_rc" = 0 ] || return 0
    mmha_file_text "$_ss_f" || return 0
    mmha_snapshot_take "$MMHA_FILE_TEXT"
}

# mmha_snapshot_join_conf: mmha_snapshot_join keeping only the cluster
# properties (a promotion: what it writes after the role change compares
# with the CIB as it is then, not with this copy).
mmha_snapshot_join_conf() {
    MMHA_CONF_XML=''
    mmha_snapshot_join
    MMHA_SNAPSHOT=0
}

# mmha_file_text FILE: FILE's lines into MMHA_FILE_TEXT without a process
# (the shell's read; a cat is ~2 ms on every monitor).
mmha_file_text() {
    MMHA_FILE_TEXT=''
    [ -r "$1" ] || return 1
    while IFS= read -r _ft_l || [ -n "$_ft_l" ]; do
        MMHA_FILE_TEXT="$MMHA_FILE_TEXT$_ft_l
"
    done <"$1"
    MMHA_FILE_TEXT=${MMHA_FILE_TEXT%?}
}

# mmha_conf_load: read the whole crm_config section once into
# MMHA_CONF_XML (one CIB round trip where a promotion needs four
# properties); mmha_conf_get reads from it.
mmha_conf_load() {
    MMHA_CONF_XML=$(cibadmin -Q -o crm_config 2>/dev/null) && return 0
    MMHA_CONF_XML=''
    return 1
}

# mmha_conf_get PROPERTY: a cluster property from MMHA_CONF_XML, XML
# entities decoded; status 1 when it is not set (as crm_attribute -G).
mmha_conf_get() {
    mmha_xml_value "$MMHA_CONF_XML" "$1"
}

# mmha_xml_value XML NAME: the value of the nvpair NAME in XML (CIB
# output), entities decoded; status 1 when there is none.
mmha_xml_value() {
    # In the shell (a sed each cost ~2 ms, several per monitor): the
    # first nvpair named NAME whose element holds a value.
    case "$1" in
    *"name=\"$2\" "*) ;;
    *) return 1 ;;
    esac
    _cg_v=${1#*"name=\"$2\" "}
    _cg_v=${_cg_v%%>*}
    case "$_cg_v" in
    *'value="'*) ;;
    *) return 1 ;;
    esac
    _cg_v=${_cg_v#*'value="'}
    _cg_v=${_cg_v%%\"*}
    [ -n "$_cg_v" ] || return 1
    case "$_cg_v" in
    *'&'*)
        # Entities decoded, &amp; last.
        printf '%s\n' "$_cg_v" | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" \
            -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
        ;;
    *) printf '%s\n' "$_cg_v" ;;
    esac
}

# mmha_stonith_enabled: the cluster fences (stonith-enabled unset counts as
# true, Pacemaker's default).
# With "cached": from MMHA_CONF_XML (mmha_conf_load).
mmha_stonith_enabled() {
    # Its own variable name: callers keep a flag in _se.
    if [ "${1:-}" = cached ]; then
        _sev=$(mmha_conf_get stonith-enabled) || return 0
    else
        _sev=$(crm_attribute -t crm_config -n stonith-enabled -G -q \
            2>/dev/null) || return 0
    fi
    case "$_sev" in
    [Ff]alse | [Nn]o | 0 | [Oo]ff | [Nn]) return 1 ;;
    esac
    return 0
}

# mmha_cluster_nodes: the node names of the CIB's nodes section.
mmha_cluster_nodes() {
    cibadmin -Q -o nodes 2>/dev/null |
        sed -n 's/.*<node [^>]*uname="\([^"]*\)".*/\1/p'
}

# Transient node attributes PREFIX-NAME (crm_attribute -l reboot: through
# attrd in a live cluster, into the file with CIB_file), gone at reboot.
#   readable, lag-ms  readers through mmha-lag check --publish; the writer
#                     publishes 1 and 0 itself (reader addresses fall back
#                     to it)
#   errant            the errant GTID set of a reader; kept until an
#                     operator deletes it (docs/operations.md)
#   peer              "epoch=E addr=H:P": a healthy reader of the writer of
#                     epoch E without errant transactions, reached at H:P;
#                     the writer replicates only from such a peer
#   semisync          with semisync=on: active | degraded (the writer),
#                     acking | not-acking (a reader)
#   received          "NODE SOURCE FILE:POS": what a reader received of
#                     its source's binary log, with more than two
#                     instances (the most advanced reader scores highest)

# mmha_attr_get NAME [NODE]
mmha_attr_get() {
    if [ "${MMHA_SNAPSHOT:-0}" = 1 ] && [ "${2:-$(mmha_node)}" = "$(mmha_node)" ]; then
        mmha_xml_value "$MMHA_ATTRS_XML" "$OCF_RESKEY_attribute_prefix-$1"
        return
    fi
    crm_attribute -N "${2:-$(mmha_node)}" \
        -n "$OCF_RESKEY_attribute_prefix-$1" -l reboot -G -q 2>/dev/null
}

mmha_score_get() {
    if [ "${MMHA_SNAPSHOT:-0}" = 1 ]; then
        mmha_xml_value "$MMHA_ATTRS_XML" "master-$(mmha_rsc)"
        return
    fi
    crm_attribute -N "$(mmha_node)" -p "$OCF_RESOURCE_INSTANCE" \
        -l reboot -G -q 2>/dev/null
}

# ---------------------------------------------------------------- local files and processes

# mmha_epoch_file_get: the epoch in epoch_file ("" when none).
mmha_epoch_file_get() {
    [ -n "$OCF_RESKEY_epoch_file" ] && [ -r "$OCF_RESKEY_epoch_file" ] ||
        return 0
    _efg=''
    read -r _efg <"$OCF_RESKEY_epoch_file"
    echo "$_efg"
}

# mmha_cnf_val OPTION: MMHA_CNF_VAL = its last value among the options
# mmha_cnf_load read, found without starting a process (every operation
# validates; a role change waits on each).
mmha_cnf_val() {
    MMHA_CNF_VAL=''
    while IFS= read -r _cv_l; do
        case "$_cv_l" in
        "--$1="*) MMHA_CNF_VAL=${_cv_l#*=} ;;
        esac
    done <<EOF
$MMHA_CNF_TEXT
EOF
}

# mmha_cnf_load: read the server's options once for mmha_cnf_val.
mmha_cnf_load() {
    _cg=$(command -v my_print_defaults || command -v mariadb-print-defaults) ||
        return 1
    # The groups the server reads (Debian's my.cnf sets the socket in
    # [client-server], read by server and clients alike).
    _cl_raw=$("$_cg" --defaults-file="$OCF_RESKEY_config" \
        client-server server mysqld mariadbd 2>/dev/null)
    # --read_only=x and --read-only=x are one option: every name spelt
    # with dashes, the values (paths may hold '_') left alone; in the
    # shell (a sed was ~3 ms of every operation).
    MMHA_CNF_TEXT=''
    while IFS= read -r _cl_l; do
        _cl_n=${_cl_l%%=*}
        _cl_v=${_cl_l#"$_cl_n"}
        while :; do
            case "$_cl_n" in
            *_*) _cl_n=${_cl_n%%_*}-${_cl_n#*_} ;;
            *) break ;;
            esac
        done
        MMHA_CNF_TEXT="$MMHA_CNF_TEXT$_cl_n$_cl_v
"
    done <<EOF
$_cl_raw
EOF
    MMHA_CNF_TEXT=${MMHA_CNF_TEXT%?}
}

# mmha_mysqld_pid [PIDFILE]: the PID of the running server named by the
# pid file (default: the pid parameter) - only when that process is a
# mysqld or mariadbd: a stale file's PID may belong to anything by now.
mmha_mysqld_pid() {
    _pf=${1:-$OCF_RESKEY_pid}
    [ -n "$_pf" ] && [ -r "$_pf" ] || return 1
    _pid='' _comm=''
    { read -r _pid <"$_pf"; } 2>/dev/null
    mmha_is_uint "$_pid" || return 1
    kill -0 "$_pid" 2>/dev/null || return 1
    { read -r _comm <"/proc/$_pid/comm"; } 2>/dev/null || return 1
    case "$_comm" in
    mysqld | mariadbd | "$(basename "$OCF_RESKEY_binary" | cut -c1-15)") ;;
    *) return 1 ;;
    esac
    echo "$_pid"
}

mmha_beat_pid() {
    _bp_file=$(mmha_state_file beat.pid)
    [ -r "$_bp_file" ] || return 1
    _bp=''
    { read -r _bp <"$_bp_file"; } 2>/dev/null
    mmha_is_uint "$_bp" || return 1
    kill -0 "$_bp" 2>/dev/null || return 1
    echo "$_bp"
}

# mmha_private_file PATH: exists, readable, not readable by group or
# others and owned by root or this user (it holds a password; symlinks
# followed).  Prints the problem, if any; its status is
# the OCF code for it on this node: OCF_ERR_INSTALLED (missing),
# OCF_ERR_PERM (mode) - never OCF_ERR_CONFIGURED, which would stop the
# resource on every node for one node's file.
mmha_private_file() {
    if [ ! -f "$1" ] || [ ! -r "$1" ]; then
        echo "does not exist or is not readable"
        return "$OCF_ERR_INSTALLED"
    fi
    # One stat for both (a process each on every monitor).
    _mode=$(stat -L -c '%a %u' "$1") || return "$OCF_ERR_INSTALLED"
    _owner=${_mode#* } _mode=${_mode%% *}
    case "$_mode" in
    *00) ;;
    *)
        echo "is readable by group or others (mode $_mode; use chmod 0600)"
        return "$OCF_ERR_PERM"
        ;;
    esac
    # Owned by root or the user the agent runs as (as the helpers check).
    if [ "$_owner" != 0 ] && [ "$_owner" != "$(id -u)" ]; then
        echo "is owned by uid $_owner, not by root or uid $(id -u)"
        return "$OCF_ERR_PERM"
    fi
    return 0
}

# mmha_state_number SUFFIX: the number a state file holds ("" when none,
# empty or not a number: a half-written file is no number).
mmha_state_number() {
    _sn_f=$(mmha_state_file "$1")
    [ -r "$_sn_f" ] || return 0
    _sn=''
    read -r _sn <"$_sn_f"
    mmha_is_uint "$_sn" && echo "$_sn"
    return 0
}

# ---------------------------------------------------------------- the agent's observations

# mm_status: 0 mysqld runs (or, attached, the resource is started),
# OCF_NOT_RUNNING when cleanly stopped, OCF_ERR_GENERIC when it runs but
# does not answer.
mm_status() {
    mm_present || return $?
    if ! mmha_ping; then
        ocf_exit_reason "mysqld runs but does not answer"
        return "$OCF_ERR_GENERIC"
    fi
    return "$OCF_SUCCESS"
}

# mm_present: mysqld runs (or, attached, the resource is started), else
# OCF_NOT_RUNNING; nothing asked of the server (a killed one is told at
# once).
mm_present() {
    if ocf_is_true "$OCF_RESKEY_manage_mysqld"; then
        mmha_mysqld_pid >/dev/null || return "$OCF_NOT_RUNNING"
    elif [ ! -f "$(mmha_state_file attached)" ]; then
        return "$OCF_NOT_RUNNING"
    fi
    return 0
}

# mm_status_capture: mm_status, then mm_capture - in one helper run when
# the server answers at once (the ping before each capture was a process
# of its own on every operation's path).  A capture that fails within 2 s
# falls back to both, so a stopped, hung or slow server is told apart as
# before.
mm_status_capture() {
    mm_present || return $?
    mmha_capture 2 2>/dev/null && return 0
    mm_status || return $?
    mm_capture
}

# mm_capture: mmha_capture with an exit reason on failure.
mm_capture() {
    _rc=0
    mmha_capture "$(mmha_deadline)" || _rc=$?
    if [ "$_rc" != 0 ]; then
        ocf_exit_reason "cannot read the server's state (mmha-binlog capture exit $_rc)"
        return "$OCF_ERR_GENERIC"
    fi
}

mm_my_addr() {
    echo "${OCF_RESKEY_replication_host:-$(mmha_node)}:$OCF_RESKEY_replication_port"
}

# mm_writer_elsewhere RECORD: the recorded writer is another node.
mm_writer_elsewhere() {
    _wn=$(mmha_record_field "$1" node) || return 1
    [ -n "$_wn" ] && [ "$_wn" != "$(mmha_node)" ]
}

# mm_now_ms: wall clock in milliseconds.
mm_now_ms() {
    date +%s%3N
}

# mm_lag_observe: this reader's lag from mmha-lag check (its hysteresis
# in the lag state file).  The helper publishes nothing: the agent is the
# one writer of its node attributes.  Prints "LAG_MS READABLE", each "-"
# when unknown (lag in whole ms).
mm_lag_observe() {
    _lo_out=$(mmha_helper mmha-lag check --timeout "$(mmha_deadline)" \
        --max-lag "$OCF_RESKEY_max_lag" \
        --recover-lag "$OCF_RESKEY_recover_lag" \
        --dwell "$OCF_RESKEY_lag_dwell" \
        --state-file "$(mmha_state_file lag)" \
        --format shell 2>&1)
    _lo_rc=$?
    if [ "$_lo_rc" != 0 ]; then
        ocf_log warn "mmha-lag check exit $_lo_rc: $(printf '%s\n' "$_lo_out" | grep -v '=' | tr '\n' ' ')"
    fi
    _lo_lag=$(mmha_kv_get "$_lo_out" LAG_MS)
    _lo_rd=$(mmha_kv_get "$_lo_out" READABLE)
    _lo_lag=${_lo_lag%%.*}
    echo "${_lo_lag:--} ${_lo_rd:--}"
}

# mm_writer_backlog ADDR: the server at ADDR (the writer) is still applying
# a relay-log backlog: its SQL thread runs and has not executed all it
# received.
mm_writer_backlog() {
    _wb=$(mmha_helper mmha-binlog capture --host "${1%:*}" --port "${1##*:}" \
        --timeout "$(mmha_peer_timeout)" --format shell 2>/dev/null) || return 1
    mmha_decide_backlog "$(mmha_kv_get "$_wb" REPLICA_SQL_RUNNING)" \
        "$(mmha_kv_get "$_wb" REPLICA_EXEC_FILE)" \
        "$(mmha_kv_get "$_wb" REPLICA_EXEC_POS)" \
        "$(mmha_kv_get "$_wb" REPLICA_READ_FILE)" \
        "$(mmha_kv_get "$_wb" REPLICA_READ_POS)"
}

# mm_errant_observe WRITER_ADDR: prints the errant GTID set of this server
# against the writer: "" none, "?" unknown (check off, writer unreachable,
# or the writer still applying its relay log: after a failover its backlog
# is not errant).
mm_errant_observe() {
    if ! ocf_is_true "$OCF_RESKEY_check_errant" || [ -z "$1" ]; then
        echo '?'
        return 0
    fi
    _eo_rc=0
    _eo_out=$(mmha_helper mmha-binlog errant --reference "$1" \
        --timeout "$(mmha_peer_timeout)" --format shell 2>/dev/null) ||
        _eo_rc=$?
    case "$_eo_rc" in
    0) return 0 ;;
    81) ;;
    *)
        echo '?'
        return 0
        ;;
    esac
    _eo_set=$(mmha_kv_get "$_eo_out" ERRANT | tr -d ' \n')
    [ -n "$_eo_set" ] ||
        _eo_set="count=$(mmha_kv_get "$_eo_out" ERRANT_COUNT)"
    if mm_writer_backlog "$1"; then
        ocf_log info "transactions $_eo_set not on the writer yet; it is still applying its relay log"
        echo '?'
        return 0
    fi
    echo "$_eo_set"
}

# mm_reader_observe WRITER_RECORD: after a capture, what a reader's
# monitor decides on (mmha_decide_reader_monitor): the capture, the writer
# record, the errant check against the writer and the lag.
mm_reader_observe() {
    printf '%s\nWRITER=%s\nMY_NODE=%s\nMY_ADDR=%s\n' "$MMHA_CAPTURE" "$1" \
        "$(mmha_node)" "$(mm_my_addr)"
    _ro_conf=0
    if [ "$MMHA_R_CONFIGURED" = 1 ] || [ -n "$MMHA_R_SOURCE_HOST" ]; then
        _ro_conf=1
    fi
    _ro_now='?'
    if [ "$_ro_conf" = 1 ] && mm_writer_elsewhere "$1"; then
        _ro_now=$(mm_errant_observe "$(mmha_record_field "$1" addr)")
    fi
    _ro_old=$(mmha_attr_get errant) || _ro_old=
    _ro_lag='- -'
    [ "$_ro_conf" = 1 ] && _ro_lag=$(mm_lag_observe)
    printf 'ERRANT_NOW=%s\nERRANT_OLD=%s\nLAG_MS=%s\nREADABLE=%s\n' \
        "$_ro_now" "$_ro_old" "${_ro_lag% *}" "${_ro_lag#* }"
    mm_semisync_observe
    mm_received_observe
}

# mm_received_observe: with more than two instances (several readers),
# every reader's received attribute ("NODE SOURCE FILE:POS") in one CIB
# query, as "RECEIVED ..." lines.
mm_received_observe() {
    [ "${OCF_RESKEY_CRM_meta_clone_max:-2}" -gt 2 ] 2>/dev/null || return 0
    echo RECEIVED_ON=1
    cibadmin -Q --xpath "//nvpair[@name='$OCF_RESKEY_attribute_prefix-received']" \
        2>/dev/null | sed -n 's/.* value="\([^"]*\)".*/RECEIVED \1/p'
}

# mm_semisync_observe: the semisync parameter and, when on, the node's
# semisync attribute as it is (what a monitor's change is judged from).
mm_semisync_observe() {
    echo "SEMISYNC=$OCF_RESKEY_semisync"
    [ "$OCF_RESKEY_semisync" = on ] || return 0
    _sso=$(mmha_attr_get semisync) || _sso=
    printf 'SEMISYNC_OLD=%s\nSEMISYNC_TIMEOUT=%s\n' "$_sso" \
        "$OCF_RESKEY_semisync_timeout"
}

# mm_writer_observe: after a capture, what a writer's monitor decides on
# (mmha_decide_writer_monitor): the capture, the records, its heartbeat,
# and - only when its own replication channel is not one to keep - the
# other nodes' peer announcements (master-master both ways, safely: the
# writer replicates only from a healthy reader of its epoch without
# errant transactions, preferring the previous writer).
mm_writer_observe() {
    _wo_w=$(mmha_cib_get writer) || _wo_w=
    _wo_ep=$(mmha_cib_get epoch) || _wo_ep=
    printf '%s\nWRITER=%s\nEPOCH=%s\nMY_NODE=%s\nMODE=%s\n' \
        "$MMHA_CAPTURE" "$_wo_w" "$_wo_ep" "$(mmha_node)" \
        "$OCF_RESKEY_replication_mode"
    if mmha_beat_pid >/dev/null; then
        echo BEAT_RUNNING=1
        # Bounded: a lock on the table blocks this read as it blocks the
        # beat (exit 75 after 1 s: "?").
        if _wo_a=$(mmha_helper mmha-lag age --timeout "$(mmha_short_timeout)" \
            --format shell 2>/dev/null); then
            _wo_a=$(mmha_kv_get "$_wo_a" ROW_AGE_MS)
            echo "ROW_AGE_MS=${_wo_a%%.*}"
        else
            echo "ROW_AGE_MS=?"
        fi
        _wo_pf=$(mmha_state_file beat.pid)
        echo "BEAT_RUN_MS=$((($(date +%s) - $(stat -c %Y "$_wo_pf" 2>/dev/null || date +%s)) * 1000))"
    fi
    [ -e "$(mmha_state_file beat.stale)" ] && echo BEAT_STALE=1
    _wo_now=$(date +%s) _wo_fail=$(mmha_state_number source.fail)
    printf 'BEAT_LIMIT_MS=%s\nNOW_S=%s\nSOURCE_FAIL_S=%s\n' \
        "$(mmha_decide_beat_limit "$OCF_RESKEY_heartbeat_interval")" \
        "$_wo_now" "$_wo_fail"
    mm_semisync_observe
    [ -n "$OCF_RESKEY_repl_defaults_file" ] && [ -n "$_wo_ep" ] || return 0
    echo REPL=1
    mmha_decide_source_kept "$OCF_RESKEY_replication_mode" \
        "$MMHA_R_SOURCE_HOST${MMHA_R_SOURCE_HOST:+:$MMHA_R_SOURCE_PORT}" \
        "$MMHA_R_IO" "$MMHA_R_SQL" "$MMHA_R_IGNORE_DOMAINS" && return 0
    mmha_decide_fresh "$_wo_now" "$_wo_fail" "$MMHA_SOURCE_RETRY_S" &&
        return 0
    _wo_me=$(mmha_node)
    for _wo_n in $(mmha_cluster_nodes); do
        [ "$_wo_n" = "$_wo_me" ] && continue
        _wo_pv=$(mmha_attr_get peer "$_wo_n") || _wo_pv=
        _wo_pe=$(mmha_attr_get errant "$_wo_n") || _wo_pe=
        echo "PEER $_wo_n ${_wo_pv:--} ${_wo_pe:--}"
    done
    _wo_h=$(mmha_cib_get history) || _wo_h=
    echo "PREV_WRITER=$(mmha_decide_previous_writer "$_wo_h" "$_wo_me")"
}

# mm_action_observe STATUS: what every role action starts from: the
# status of mm_status or mm_status_capture, the capture when there was
# one, and this node.
mm_action_observe() {
    [ "$1" = 0 ] && [ -n "${MMHA_CAPTURE:-}" ] && printf '%s\n' "$MMHA_CAPTURE"
    _ao_m=1
    ocf_is_true "$OCF_RESKEY_manage_mysqld" || _ao_m=0
    printf 'STATUS=%s\nMANAGED=%s\nMY_NODE=%s\nSEMISYNC=%s\n' "$1" "$_ao_m" \
        "$(mmha_node)" "$OCF_RESKEY_semisync"
}

# mm_start_observe: a start's second half, once the server is up: a
# capture (its status in CAPTURE_RC), the writer record and the epoch file.
mm_start_observe() {
    _so_rc=0
    mmha_capture "$(mmha_deadline)" || _so_rc=$?
    [ "$_so_rc" = 0 ] && printf '%s\n' "$MMHA_CAPTURE"
    _so_w=$(mmha_cib_get writer) || _so_w=
    _so_f=0
    mm_refuse_wanted && _so_f=1
    printf 'CAPTURE_RC=%s\nWRITER=%s\nEPOCH_FILE=%s\nMY_NODE=%s\nREFUSE=%s\n' \
        "$_so_rc" "$_so_w" "$(mmha_epoch_file_get)" "$(mmha_node)" "$_so_f"
    echo "SEMISYNC=$OCF_RESKEY_semisync"
}

# mm_refuse_wanted: writer_vip is set and its connections are to be
# refused while the address is elsewhere (writer_vip_refuse).
mm_refuse_wanted() {
    [ -n "$OCF_RESKEY_writer_vip" ] && ocf_is_true "$OCF_RESKEY_writer_vip_refuse"
}

# mm_demote_observe STATUS: mm_action_observe and, for a writer, its epoch:
# the one its promotion wrote for mmha-guard (no CIB query on the way to
# read-only), else the cluster's.
mm_demote_observe() {
    mm_action_observe "$1"
    [ "$1" = 0 ] && [ "$MMHA_READ_ONLY" = 0 ] || return 0
    _do_e=$(mmha_epoch_file_get)
    mmha_is_uint "$_do_e" || _do_e=$(mmha_cib_get epoch) || _do_e=''
    echo "EPOCH=$_do_e"
    _do_v=0 _do_f=0
    [ -n "$OCF_RESKEY_writer_vip" ] && _do_v=1
    mm_refuse_wanted && _do_f=1
    printf 'WRITER_VIP=%s\nREFUSE=%s\n' "$_do_v" "$_do_f"
}

# mm_promote_observe STATUS T0_MS: mm_action_observe, the heartbeat, and
# for a promotion to make the cluster properties it needs, read once (the
# action's snapshot when it answered).
mm_promote_observe() {
    mm_action_observe "$1"
    [ "$1" = 0 ] || return 0
    _po_b=0
    mmha_beat_pid >/dev/null && _po_b=1
    echo "BEAT_RUNNING=$_po_b"
    [ "$MMHA_READ_ONLY" = 0 ] && [ "$_po_b" = 1 ] && return 0
    [ -n "${MMHA_CONF_XML:-}" ] || mmha_conf_load
    _po_s=1
    mmha_stonith_enabled cached || _po_s=0
    _po_v=0 _po_f=0
    [ -n "$OCF_RESKEY_writer_vip" ] && _po_v=1
    mm_refuse_wanted && _po_f=1
    printf 'T0_MS=%s\nSTONITH=%s\nGRACE_MS=%s\nWRITER_VIP=%s\nREFUSE=%s\n' \
        "$2" "$_po_s" "$OCF_RESKEY_promote_grace" "$_po_v" "$_po_f"
    # Whether this reader acknowledged the old writer's stream.
    [ "$OCF_RESKEY_semisync" = on ] && mm_semisync_observe
    # No process more than needed: each costs 1-3 ms before writable.
    _po_r=mmha-${OCF_RESOURCE_INSTANCE%%:*}
    _po_w=''
    for _po_k in PREV_EPOCH:epoch WRITER:writer HISTORY:history; do
        _po_val=$(mmha_conf_get "$_po_r-${_po_k#*:}") || _po_val=
        printf '%s=%s\n' "${_po_k%%:*}" "$_po_val"
        [ "${_po_k#*:}" = writer ] && _po_w=$_po_val
    done
    [ "$_po_s" = 0 ] || return 0
    _po_pn=$(mmha_record_field "$_po_w" node) || _po_pn=
    [ -n "$_po_pn" ] && [ "$_po_pn" != "$(mmha_node)" ] &&
        mm_prev_observe "$_po_pn" "$2"
    return 0
}

# mm_prev_observe NODE NOW_MS: without fencing, what the promotion's grace
# decides on: NODE's membership and its instance's last operation as
# Pacemaker records them, when this node's mmha-guard last saw a member
# leave (its status file), and corosync's consensus timeout.
mm_prev_observe() {
    _pv_x=$(cibadmin -Q --xpath "//node_state[@uname='$1']" 2>/dev/null)
    _pv_s=$(printf '%s\n' "$_pv_x" | grep -m 1 '<node_state ')
    _pv_o=$(printf '%s\n' "$_pv_x" |
        grep -m 1 "<lrm_rsc_op [^>]*id=\"$(mmha_rsc)_last_0\"")
    for _pv_k in PREV_IN_CCM:in_ccm PREV_CRMD:crmd; do
        printf '%s=%s\n' "${_pv_k%%:*}" "$(mm_xml_attr "$_pv_s" "${_pv_k#*:}")"
    done
    printf 'PREV_LAST_OP=%s\nPREV_LAST_RC=%s\n' \
        "$(mm_xml_attr "$_pv_o" operation)" "$(mm_xml_attr "$_pv_o" rc-code)"
    _pv_l='' _pv_r=''
    for _pv_f in "${HA_RSCTMP:-/run/resource-agents}"/mmha-guard-*.status; do
        [ -r "$_pv_f" ] || continue
        _pv_v=$(sed -n 's/^LEFT_MS=//p' "$_pv_f")
        mmha_is_uint "$_pv_v" && [ "$_pv_v" -gt 0 ] || continue
        if [ -z "$_pv_l" ] || [ "$_pv_v" -gt "$_pv_l" ]; then
            _pv_l=$_pv_v
            _pv_r=$(sed -n 's/^LINK_RULE=//p' "$_pv_f")
        fi
    done
    [ -n "$_pv_l" ] && printf 'LOST_AGE_MS=%s\nLINK_RULE=%s\n' \
        "$(($2 - _pv_l))" "$_pv_r"
    _pv_c=$(corosync-cmapctl -g runtime.config.totem.consensus 2>/dev/null)
    echo "CONSENSUS_MS=${_pv_c##* }"
}

# mm_xml_attr ELEMENT_LINE NAME: an attribute's value in one line of XML.
mm_xml_attr() {
    printf '%s\n' "$1" | sed -n "s/.* $2=\"\([^\"]*\)\".*/\1/p"
}

# mm_notify_observe: a notification's variables, and whether this node
# notes the writer's clients (writer_vip and defaults_file set; read
# before validation).
mm_notify_observe() {
    printf 'TYPE_OP=%s-%s\nMY_NODE=%s\nPROMOTE=%s\nDEMOTE=%s\nSTOP=%s\n' \
        "${OCF_RESKEY_CRM_meta_notify_type:-}" \
        "${OCF_RESKEY_CRM_meta_notify_operation:-}" "$(mmha_node)" \
        "${OCF_RESKEY_CRM_meta_notify_promote_uname:-}" \
        "${OCF_RESKEY_CRM_meta_notify_demote_uname:-}" \
        "${OCF_RESKEY_CRM_meta_notify_stop_uname:-}"
    [ -n "${OCF_RESKEY_writer_vip:-}" ] && [ -n "${OCF_RESKEY_defaults_file:-}" ] &&
        echo CLIENT_NOTES=1
    return 0
}

# mm_notify_busy: a re-point detached by a notification is still running
# (marker younger than 30 s).
mm_notify_busy() {
    mmha_decide_fresh "$(date +%s)" \
        "$(mmha_state_number repoint.busy)" "$MMHA_REPOINT_BUSY_S"
}

# mm_invalid_pidfiles: the pid files a server of this resource may have
# when the parameters do not validate: the pid parameter (or the config's
# pid-file) and the launch record of the last start here.
mm_invalid_pidfiles() {
    [ -n "$OCF_RESKEY_pid" ] && echo "$OCF_RESKEY_pid"
    mmha_state_file launch.pid
}

# mm_invalid_running: a server started for this resource still runs,
# parameters valid or not.
mm_invalid_running() {
    for _ir in $(mm_invalid_pidfiles); do
        mmha_mysqld_pid "$_ir" >/dev/null && return 0
    done
    [ -f "$(mmha_state_file attached)" ]
}
