# shellcheck shell=sh
# OCF_RESKEY_* come from the agent; MMHA_* are read by it.
# shellcheck disable=SC2154,SC2034
#
# mmha-common.sh: what the mysql-mm agent does to the world, in one place:
# helper calls (mmha-readonly, mmha-binlog, mmha-lag), the mysqld process,
# promotion scores, node attributes and the records kept in the CIB.
# Sourced after ocf-shellfuncs and after the agent set its OCF_RESKEY_*.
#
# Helper output is read as KEY=value lines (--format shell), never eval'ed.
#
# Copyright the mmha contributors.  GPL-2.0-or-later.

# ---------------------------------------------------------------- naming

# The resource without its clone instance number: CIB record names.
mmha_rsc() {
    echo "${OCF_RESOURCE_INSTANCE%%:*}"
}

mmha_node() {
    if [ -n "${OCF_RESKEY_CRM_meta_on_node:-}" ]; then
        echo "$OCF_RESKEY_CRM_meta_on_node"
    else
        crm_node -n 2>/dev/null || uname -n
    fi
}

# mmha_state_file SUFFIX: a per-resource file under HA_RSCTMP (cleared at
# boot, so nothing stale survives a reboot).
mmha_state_file() {
    echo "${HA_RSCTMP:-/run/resource-agents}/mysql-mm-$(mmha_rsc).$1"
}

mmha_now_iso() {
    date -u +%Y-%m-%dT%H:%M:%SZ
}

# ---------------------------------------------------------------- helpers

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

# mmha_sql SQL: the agent's only way to send SQL itself, for reads the
# helpers do not cover.  Credentials from the option file, never argv.
mmha_sql() {
    _ms_client=$(command -v mariadb || command -v mysql) || return 5
    "$_ms_client" --defaults-file="$OCF_RESKEY_defaults_file" \
        --connect-timeout=5 -N -B -e "$1"
}

# mmha_ping: the server answers (access may still be denied).
mmha_ping() {
    _mp_admin=$(command -v mariadb-admin || command -v mysqladmin) || return 5
    "$_mp_admin" --defaults-file="$OCF_RESKEY_defaults_file" \
        --connect-timeout=2 ping >/dev/null 2>&1
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
    mmha_read_kv "$_mc_out"
}

# mmha_position_text: the captured position as one record fragment.
mmha_position_text() {
    echo "file=${MMHA_BINLOG_FILE:-} pos=${MMHA_BINLOG_POS:-}" \
        "gtid=${MMHA_GTID_BINLOG:-}"
}

# mmha_detach CMD...: with a CIB daemon, run CMD past the end of the
# operation (a grandchild with no descriptor Pacemaker waits on; its
# log lines still go to the log file), for writes nothing in the role
# change waits on; with a file CIB, in the foreground.
mmha_detach() {
    if [ -n "${CIB_file:-}" ]; then
        "$@"
    else
        ( ("$@") </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &)
    fi
}

# ---------------------------------------------------------------- CIB

# mmha_par CMD...: run CMD in the background, to be joined by the caller's
# wait, when a CIB daemon serializes the writes (independent round trips
# overlap); in the foreground with a file CIB (CIB_file: no locking).
mmha_par() {
    if [ -n "${CIB_file:-}" ]; then
        "$@"
    else
        "$@" &
    fi
}

# Cluster-wide records are crm_config properties named mmha-<rsc>-<what>:
#   writer   the last promotion: "node=N epoch=E addr=H:P file=F pos=P
#            gtid=G time=T"
#   epoch    the writer epoch, raised at every promotion
#   history  the last MMHA_HISTORY_MAX role changes, ";"-separated
#   ids-<node>  "server_id increment offset" of each master (PIXNET rule)
MMHA_HISTORY_MAX=20

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
    mmha_conf_load || return 0
    # No transient attributes yet is an answer too (none set).
    MMHA_ATTRS_XML=$(cibadmin -Q -A \
        "//node_state[@uname='$(mmha_node)']/transient_attributes" \
        2>/dev/null) || MMHA_ATTRS_XML=''
    MMHA_SNAPSHOT=1
}

# mmha_snapshot_start / mmha_snapshot_join: mmha_snapshot's two queries
# in the background, taken in later (a demotion reads the history and its
# score while the server goes read-only, and then only writes).  With a
# file CIB in the foreground, like every CIB access (mmha_par).
mmha_snapshot_start() {
    _ss_f=$(mmha_state_file snapshot)
    rm -f "$_ss_f.conf" "$_ss_f.attrs"
    mmha_par mmha_snapshot_query conf -o crm_config
    mmha_par mmha_snapshot_query attrs -A \
        "//node_state[@uname='$(mmha_node)']/transient_attributes"
}

# mmha_snapshot_query NAME CIBADMIN_ARGS...: one query into the state file
# snapshot.NAME, which exists only when the query answered (no transient
# attributes yet is an answer: empty).
mmha_snapshot_query() {
    _sq_f=$(mmha_state_file snapshot).$1
    shift
    cibadmin -Q "$@" >"$_sq_f.new" 2>/dev/null && mv -f "$_sq_f.new" "$_sq_f"
    [ "$1" = -A ] && [ ! -e "$_sq_f" ] && : >"$_sq_f"
    rm -f "$_sq_f.new"
}

# mmha_snapshot_join: wait for mmha_snapshot_start's queries (the
# caller's other background jobs too) and use them as mmha_snapshot does.
mmha_snapshot_join() {
    wait
    _ss_f=$(mmha_state_file snapshot)
    MMHA_SNAPSHOT=0
    [ -s "$_ss_f.conf" ] && [ -e "$_ss_f.attrs" ] || return 0
    MMHA_CONF_XML=$(cat "$_ss_f.conf")
    MMHA_ATTRS_XML=$(cat "$_ss_f.attrs")
    MMHA_SNAPSHOT=1
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
    # One sed: the first match only, entities decoded (&amp; last).
    _cg_v=$(printf '%s\n' "$1" | sed -n -e \
        "s/.*<nvpair [^>]*name=\"$2\" [^>]*value=\"\([^\"]*\)\".*/\1/" \
        -e 't found' -e d -e ':found' -e 's/&quot;/"/g' \
        -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' \
        -e 's/&amp;/\&/g' -e p -e q)
    [ -n "$_cg_v" ] || return 1
    printf '%s\n' "$_cg_v"
}

mmha_cib_set() {
    ocf_run -q crm_attribute -t crm_config -n "mmha-$(mmha_rsc)-$1" -v "$2"
}

mmha_cib_del() {
    ocf_run -q crm_attribute -t crm_config -n "mmha-$(mmha_rsc)-$1" -D
}

# mmha_cib_set_pairs WHAT VALUE [WHAT VALUE]...: several records in one
# CIB update (one round trip, one transition abort), in the property set
# crm_attribute uses; one by one when that set cannot be modified.
mmha_cib_set_pairs() {
    _cp_xml=''
    _cp_n=''
    for _cp_a in "$@"; do
        if [ -z "$_cp_n" ]; then
            _cp_n="mmha-$(mmha_rsc)-$_cp_a"
            continue
        fi
        _cp_v=$(printf '%s' "$_cp_a" | sed -e 's/&/\&amp;/g' \
            -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g')
        _cp_xml="$_cp_xml<nvpair id=\"cib-bootstrap-options-$_cp_n\" name=\"$_cp_n\" value=\"$_cp_v\"/>"
        _cp_n=''
    done
    cibadmin --modify -o crm_config -X \
        "<cluster_property_set id=\"cib-bootstrap-options\">$_cp_xml</cluster_property_set>" \
        >/dev/null 2>&1 && return 0
    while [ $# -ge 2 ]; do
        mmha_cib_set "$1" "$2" || return 1
        shift 2
    done
}

# mmha_record EVENT FIELDS: append "EVENT FIELDS time=..." to the audit
# trail (and to the log), the single place role changes are written down.
# A third argument is the history as the caller just read it (spares a
# CIB round trip inside a role change).
mmha_record() {
    _mr_rec="$1 $2 time=$(mmha_now_iso)"
    ocf_log info "record: $_mr_rec"
    if [ $# -ge 3 ]; then
        _mr_old=$3
    else
        _mr_old=$(mmha_cib_get history) || _mr_old=
    fi
    mmha_cib_set history \
        "$(mmha_decide_history "$_mr_old" "$_mr_rec" "$MMHA_HISTORY_MAX")"
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

# ---------------------------------------------------------------- attributes

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

# mmha_attr_get NAME [NODE]
mmha_attr_get() {
    if [ "${MMHA_SNAPSHOT:-0}" = 1 ] && [ "${2:-$(mmha_node)}" = "$(mmha_node)" ]; then
        mmha_xml_value "$MMHA_ATTRS_XML" "$OCF_RESKEY_attribute_prefix-$1"
        return
    fi
    crm_attribute -N "${2:-$(mmha_node)}" \
        -n "$OCF_RESKEY_attribute_prefix-$1" -l reboot -G -q 2>/dev/null
}

# mmha_attr_set NAME VALUE: this node's attribute, written only on change.
mmha_attr_set() {
    _as_old=$(mmha_attr_get "$1") || _as_old=
    [ "$_as_old" = "$2" ] && return 0
    ocf_run -q crm_attribute -N "$(mmha_node)" \
        -n "$OCF_RESKEY_attribute_prefix-$1" -l reboot -v "$2"
}

# mmha_attr_del NAME: delete this node's attribute (if set).
mmha_attr_del() {
    mmha_attr_get "$1" >/dev/null || return 0
    crm_attribute -N "$(mmha_node)" -n "$OCF_RESKEY_attribute_prefix-$1" \
        -l reboot -D >/dev/null 2>&1
    return 0
}

# ---------------------------------------------------------------- epoch file

# mmha_epoch_file_get: the epoch in epoch_file ("" when none).
mmha_epoch_file_get() {
    [ -n "$OCF_RESKEY_epoch_file" ] && [ -r "$OCF_RESKEY_epoch_file" ] ||
        return 0
    _efg=''
    read -r _efg <"$OCF_RESKEY_epoch_file"
    echo "$_efg"
}

# mmha_epoch_file_put EPOCH: write the writer epoch for mmha-guard,
# atomically (the guard re-reads the file when it changes).
mmha_epoch_file_put() {
    [ -n "$OCF_RESKEY_epoch_file" ] || return 0
    [ "$(mmha_epoch_file_get)" = "$1" ] && return 0
    _ef_dir=$(dirname "$OCF_RESKEY_epoch_file")
    mkdir -p "$_ef_dir" || return 1
    _ef_tmp="$OCF_RESKEY_epoch_file.tmp.$$"
    if ! echo "$1" >"$_ef_tmp" || ! mv -f "$_ef_tmp" "$OCF_RESKEY_epoch_file"; then
        rm -f "$_ef_tmp"
        ocf_log err "cannot write epoch_file $OCF_RESKEY_epoch_file"
        return 1
    fi
    ocf_log info "writer epoch $1 written to $OCF_RESKEY_epoch_file"
}

# ---------------------------------------------------------------- replication

# mmha_stop_io: stop the replica IO thread only (the SQL thread keeps
# applying what was received).  mmha-binlog has no subcommand for it; the
# statement is spelled both ways (REPLICA: MariaDB 10.5+, MySQL 8.0.22+).
mmha_stop_io() {
    mmha_sql "STOP REPLICA IO_THREAD" >/dev/null 2>&1 ||
        mmha_sql "STOP SLAVE IO_THREAD" >/dev/null
}

# mmha_start_io: start the IO thread alone (either dialect).
mmha_start_io() {
    mmha_sql "START REPLICA IO_THREAD" >/dev/null 2>&1 ||
        mmha_sql "START SLAVE IO_THREAD" >/dev/null
}

# mmha_source_sql HOST PORT SQL: SQL on a source, as the replication
# account (repl_defaults_file).
mmha_source_sql() {
    mmha_tcp_sql "$OCF_RESKEY_repl_defaults_file" "$@"
}

# mmha_tcp_sql DEFAULTS_FILE HOST PORT SQL: one statement on another
# server over TCP (2 s to connect), tab-separated, no column names.
mmha_tcp_sql() {
    _ts_client=$(command -v mariadb || command -v mysql) || return 5
    "$_ts_client" --defaults-file="$1" --host="$2" --port="$3" \
        --protocol=tcp --connect-timeout=2 -N -B -e "$4"
}

# mmha_source_drop_mine HOST PORT: end, on the source, every connection of
# the replication account from this node's address but the asking one.
# Only this node's replica connects from here with that account, so these
# are its own earlier binlog dump threads.  One left from before a crash
# behind a cut link sits writing into a dead connection (seen: 100 KB
# unsent, TCP backing off 13 s between retransmissions) and the source
# holds the new dump for the same server at "starting" until it ends; a
# plain KILL shuts its socket at once.  Several servers behind one address
# lose their dump threads too and reconnect (connect retry 1 s).
mmha_source_drop_mine() {
    [ -n "$OCF_RESKEY_repl_defaults_file" ] || return 0
    _sd_ids=$(mmha_source_sql "$1" "$2" "SELECT p.ID
        FROM information_schema.PROCESSLIST p
        JOIN information_schema.PROCESSLIST me ON me.ID = CONNECTION_ID()
        WHERE p.USER = me.USER AND p.ID <> me.ID
          AND SUBSTRING_INDEX(p.HOST, ':', 1) = SUBSTRING_INDEX(me.HOST, ':', 1)") ||
        return 1
    for _sd_id in $_sd_ids; do
        ocf_log info "ending connection $_sd_id of this node's replica on $1:$2"
        mmha_source_sql "$1" "$2" "KILL $_sd_id" >/dev/null 2>&1
    done
    return 0
}

# mmha_restart_io: stop and start the replica IO thread (a new connection
# to the same source at the same position).
mmha_restart_io() {
    mmha_stop_io || return 1
    mmha_sql "START REPLICA IO_THREAD" >/dev/null 2>&1 ||
        mmha_sql "START SLAVE IO_THREAD" >/dev/null
}

# ---------------------------------------------------------------- scores

mmha_score_set() {
    ocf_run -q crm_attribute -N "$(mmha_node)" -p "$OCF_RESOURCE_INSTANCE" \
        -l reboot -v "$1"
}

mmha_score_del() {
    crm_attribute -N "$(mmha_node)" -p "$OCF_RESOURCE_INSTANCE" \
        -l reboot -D >/dev/null 2>&1
    return 0
}

mmha_score_get() {
    if [ "${MMHA_SNAPSHOT:-0}" = 1 ]; then
        mmha_xml_value "$MMHA_ATTRS_XML" "master-$(mmha_rsc)"
        return
    fi
    crm_attribute -N "$(mmha_node)" -p "$OCF_RESOURCE_INSTANCE" \
        -l reboot -G -q 2>/dev/null
}

# mmha_score_apply "SCORE REASON": set or delete, writing only on change
# (every CIB write makes Pacemaker recompute).
mmha_score_apply() {
    _sa_score=${1%% *}
    _sa_old=$(mmha_score_get) || _sa_old=
    if [ "$_sa_score" = del ]; then
        if [ -n "$_sa_old" ]; then
            ocf_log warn "promotion score removed: ${1#* }"
            mmha_score_del
        fi
        return 0
    fi
    if [ "$_sa_old" != "$_sa_score" ]; then
        ocf_log info "promotion score $_sa_score (${1#* })"
        mmha_score_set "$_sa_score"
    fi
}

# ---------------------------------------------------------------- mysqld

# mmha_cnf_get OPTION: the last value of a mysqld option in the server's
# config (my_print_defaults sees includes and both - and _ spellings).
# After mmha_cnf_load (in the agent's own shell, not a subshell), from
# the options read once.
mmha_cnf_get() {
    if [ -n "${MMHA_CNF_LOADED:-}" ]; then
        printf '%s\n' "$MMHA_CNF_TEXT" | sed -n "s/^--$1=//p" | tail -n 1
        return 0
    fi
    _cg=$(command -v my_print_defaults || command -v mariadb-print-defaults) ||
        return 1
    "$_cg" --defaults-file="$OCF_RESKEY_config" mysqld mariadbd server \
        2>/dev/null | mmha_cnf_names | sed -n "s/^--$1=//p" | tail -n 1
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

# mmha_cnf_names: --read_only=x and --read-only=x are one option: spell
# every name with dashes, leaving the values (paths may hold '_') alone.
mmha_cnf_names() {
    sed -e ':a' -e 's/^\(--[^=_]*\)_/\1-/' -e 'ta'
}

# mmha_cnf_load: read the server's options once for mmha_cnf_get.
mmha_cnf_load() {
    _cg=$(command -v my_print_defaults || command -v mariadb-print-defaults) ||
        return 1
    MMHA_CNF_TEXT=$("$_cg" --defaults-file="$OCF_RESKEY_config" mysqld \
        mariadbd server 2>/dev/null | mmha_cnf_names)
    MMHA_CNF_LOADED=1
}

# mmha_mysqld_pid [PIDFILE]: the PID of the running server named by the
# pid file (default: the pid parameter) - only when that process is a
# mysqld or mariadbd: a stale file's PID may belong to anything by now.
mmha_mysqld_pid() {
    _pf=${1:-$OCF_RESKEY_pid}
    [ -n "$_pf" ] && [ -r "$_pf" ] || return 1
    _pid=$(cat "$_pf" 2>/dev/null)
    mmha_is_uint "$_pid" || return 1
    kill -0 "$_pid" 2>/dev/null || return 1
    _comm=$(cat "/proc/$_pid/comm" 2>/dev/null) || return 1
    case "$_comm" in
    mysqld | mariadbd | "$(basename "$OCF_RESKEY_binary" | cut -c1-15)") ;;
    *) return 1 ;;
    esac
    echo "$_pid"
}

# mmha_mysqld_start DEADLINE_S: launch mysqld read-only and wait until it
# answers.  --read-only on the command line wins over the config for this
# start (validate-all checks the config too, for restarts by anyone else).
# Without job control, setsid execs in place: $! is mysqld's own PID.
mmha_mysqld_start() {
    _log=$(mmha_state_file mysqld.log)
    _lp=$(mmha_state_file launch.pid)
    # Word splitting of additional_parameters is intended, globbing not.
    # shellcheck disable=SC2086
    (
        set -f
        setsid "$OCF_RESKEY_binary" --defaults-file="$OCF_RESKEY_config" \
            --datadir="$OCF_RESKEY_datadir" --pid-file="$OCF_RESKEY_pid" \
            --socket="$OCF_RESKEY_socket" --user="$OCF_RESKEY_user" \
            --read-only=1 $OCF_RESKEY_additional_parameters \
            </dev/null >>"$_log" 2>&1 &
        echo $! >"$_lp"
    ) 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
    _child=$(cat "$_lp")
    _left=$((${1%.*} * 5))
    while :; do
        if mmha_mysqld_pid >/dev/null && mmha_ping; then
            return 0
        fi
        if ! kill -0 "$_child" 2>/dev/null; then
            ocf_exit_reason "mysqld exited during start-up: $(tail -n 3 "$_log" 2>/dev/null | tr '\n' ' ')"
            return 1
        fi
        if [ "$_left" -le 0 ]; then
            ocf_exit_reason "mysqld (pid $_child) did not answer within ${1}s"
            return 1
        fi
        _left=$((_left - 1))
        sleep 0.2
    done
}

# mmha_mysqld_stop DEADLINE_S [PIDFILE]: SIGTERM (clean shutdown: InnoDB flushed,
# replication threads stopped), SIGKILL when the deadline passes.
mmha_mysqld_stop() {
    _pid=$(mmha_mysqld_pid "${2:-}") || return 0
    kill -TERM "$_pid" 2>/dev/null
    _left=$((${1%.*} * 10))
    while kill -0 "$_pid" 2>/dev/null; do
        if [ "$_left" -le 0 ]; then
            ocf_log warn "mysqld (pid $_pid) did not stop in ${1}s; SIGKILL"
            kill -KILL "$_pid" 2>/dev/null
            sleep 1
            break
        fi
        _left=$((_left - 1))
        sleep 0.1
    done
    if kill -0 "$_pid" 2>/dev/null; then
        return 1
    fi
    rm -f "${2:-$OCF_RESKEY_pid}"
    return 0
}

# ---------------------------------------------------------------- heartbeat

mmha_beat_pid() {
    _bp_file=$(mmha_state_file beat.pid)
    [ -r "$_bp_file" ] || return 1
    _bp=$(cat "$_bp_file" 2>/dev/null)
    mmha_is_uint "$_bp" || return 1
    kill -0 "$_bp" 2>/dev/null || return 1
    echo "$_bp"
}

# mmha_beat_start EPOCH [quick]: start the heartbeat writer (mmha-lag
# beat) if it does not run; it gets its own session so Pacemaker's
# operation ends.  It writes its pidfile once running; "quick" does not
# wait for that (a promotion's last step: setsid execs in place, so the
# PID started is the helper's, and the writer's monitor restarts a beat
# that died).
mmha_beat_start() {
    mmha_beat_pid >/dev/null && mmha_beat_stop 300
    _pf=$(mmha_state_file beat.pid)
    rm -f "$_pf"
    (
        setsid "$(mmha_helper_bin mmha-lag)" beat \
            --defaults-file "$OCF_RESKEY_defaults_file" --epoch "$1" \
            --interval "$OCF_RESKEY_heartbeat_interval" --pidfile "$_pf" \
            </dev/null >>"$(mmha_state_file beat.log)" 2>&1 &
        # A helper that does not write the pidfile itself: its own PID.
        _child=$!
        _i=0
        [ "${2:-}" = quick ] && _i=50
        while [ ! -s "$_pf" ] && [ "$_i" -lt 50 ] &&
            kill -0 "$_child" 2>/dev/null; do
            sleep 0.01
            _i=$((_i + 1))
        done
        [ -s "$_pf" ] || echo "$_child" >"$_pf"
    ) 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
    mmha_beat_pid >/dev/null
}

mmha_beat_stop() {
    _bs=$(mmha_beat_pid) || { rm -f "$(mmha_state_file beat.pid)"; return 0; }
    kill -TERM "$_bs" 2>/dev/null
    # Polled finely: a demotion waits for it (it exits within moments).
    # WAIT_CS: how long, in 10 ms steps (default 300); a hung one gets
    # SIGKILL after that.
    _i=0
    while kill -0 "$_bs" 2>/dev/null && [ "$_i" -lt "${1:-300}" ]; do
        sleep 0.01
        _i=$((_i + 1))
    done
    kill -KILL "$_bs" 2>/dev/null
    rm -f "$(mmha_state_file beat.pid)"
    return 0
}

# ---------------------------------------------------------------- hooks

# mmha_hook PATH ROLE: run an operator hook with the node, role, epoch and
# position in its environment.  Its status is returned.
mmha_hook() {
    [ -n "$1" ] || return 0
    MMHA_NODE=$(mmha_node) MMHA_ROLE=$2 MMHA_EPOCH=${MMHA_EPOCH:-} \
        MMHA_BINLOG_FILE=${MMHA_BINLOG_FILE:-} \
        MMHA_BINLOG_POS=${MMHA_BINLOG_POS:-} \
        MMHA_GTID=${MMHA_GTID_BINLOG:-} \
        MMHA_RESOURCE=$(mmha_rsc) \
        ocf_run "$1" "$2"
}

# ---------------------------------------------------------------- checks

# mmha_private_file PATH: exists, readable, and not readable by group or
# others (it holds a password).  Prints the problem, if any; its status is
# the OCF code for it on this node: OCF_ERR_INSTALLED (missing),
# OCF_ERR_PERM (mode) - never OCF_ERR_CONFIGURED, which would stop the
# resource on every node for one node's file.
mmha_private_file() {
    if [ ! -f "$1" ] || [ ! -r "$1" ]; then
        echo "does not exist or is not readable"
        return "$OCF_ERR_INSTALLED"
    fi
    _mode=$(stat -L -c %a "$1") || return "$OCF_ERR_INSTALLED"
    case "$_mode" in
    *00) return 0 ;;
    esac
    echo "is readable by group or others (mode $_mode; use chmod 0600)"
    return "$OCF_ERR_PERM"
}
