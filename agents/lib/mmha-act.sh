# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# OCF_RESKEY_* come from the agent; MMHA_* are read by it.
# shellcheck disable=SC2154,SC2034
#
# mmha-act.sh: the executor of the mysql-mm agent - the only code that
# changes the world: helpers that change a server (read-only, writable,
# replication threads), the mysqld and heartbeat processes, node
# attributes, the promotion score, the records kept in the CIB, the epoch
# file, operator hooks, and the only code that knows about background and
# detached jobs.  What to do is decided in mmha-decide.sh.
#
# Copyright the mmha contributors.

# ---------------------------------------------------------------- jobs

# mmha_detach CMD...: run CMD past the end of the operation (a grandchild
# with no descriptor Pacemaker waits on; its log lines still go to the log
# file), for what nothing in the role change waits on.  Never call it with
# its output redirected (nor a function that calls it): dash keeps the
# descriptor it saved for the redirection open in the job.  While it
# runs, a marker file job.XXXXXX names it (agent tests wait for them).
mmha_detach() {
    ( (mmha_job "$@") </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &)
}

# mmha_job CMD...: CMD with its marker file for the time it runs.
mmha_job() {
    _jb_f=$(mktemp "$(mmha_state_file job).XXXXXX") || _jb_f=''
    [ -n "$_jb_f" ] && echo "$*" >"$_jb_f"
    "$@"
    [ -n "$_jb_f" ] && rm -f "$_jb_f"
}

# mmha_par CMD...: run CMD in the background, joined by the caller's wait
# (independent CIB round trips overlap; the CIB serializes them).
mmha_par() {
    "$@" &
}

# ---------------------------------------------------------------- CIB records

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
    mmha_record_append "$_mr_rec" "$_mr_old" || return 1
    # An append is a read, then a write: another process that read the
    # history before this write and writes after it drops this record
    # (seen: a promotion's, the new writer's and the rejoining node's
    # errant record in the same 100 ms; the errant one was lost).  Such a
    # write lands within moments: looked at again 1 s later, off the
    # caller's path, and appended again when it is gone.
    mmha_detach mmha_record_recheck "$_mr_rec"
}

# mmha_record_append RECORD OLD_HISTORY: write the history with RECORD
# appended and read it back; made again on the history as it is then
# while another write replaced it (3 tries, after a pause that differs
# between processes).
mmha_record_append() {
    _ra_rec=$1 _ra_old=$2 _ra_i=1
    while :; do
        mmha_cib_set history \
            "$(mmha_decide_history "$_ra_old" "$_ra_rec" "$MMHA_HISTORY_MAX")" ||
            return 1
        _ra_old=$(mmha_history_live) || _ra_old=
        case ";$_ra_old;" in
        *";$_ra_rec;"*) return 0 ;;
        esac
        if [ "$_ra_i" -ge 3 ]; then
            ocf_log warn "history: record lost to concurrent writes: $_ra_rec"
            return 1
        fi
        sleep "0.$((($$ + _ra_i) % 9 + 1))"
        _ra_i=$((_ra_i + 1))
    done
}

# mmha_history_live: the history as the CIB holds it now (never the
# operation's snapshot: the appends check what landed).
mmha_history_live() {
    crm_attribute -t crm_config -n "mmha-$(mmha_rsc)-history" -G -q 2>/dev/null
}

# mmha_record_recheck RECORD: mmha_record's second look (detached).
# shellcheck disable=SC2317
mmha_record_recheck() {
    sleep 1
    _rc_h=$(mmha_history_live) || _rc_h=
    case ";$_rc_h;" in
    *";$1;"*) return 0 ;;
    esac
    ocf_log info "history: record replaced by a concurrent write, appended again"
    mmha_record_append "$1" "$_rc_h"
}

# ---------------------------------------------------------------- attributes and scores

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

mmha_score_set() {
    ocf_run -q crm_attribute -N "$(mmha_node)" -p "$OCF_RESOURCE_INSTANCE" \
        -l reboot -v "$1"
}

mmha_score_del() {
    crm_attribute -N "$(mmha_node)" -p "$OCF_RESOURCE_INSTANCE" \
        -l reboot -D >/dev/null 2>&1
    return 0
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

# ---------------------------------------------------------------- epoch file

# mmha_epoch_file_put EPOCH: write the writer epoch for mmha-guard,
# atomically (the guard re-reads the file when it changes).
mmha_epoch_file_put() {
    [ -n "$OCF_RESKEY_epoch_file" ] || return 0
    [ "$(mmha_epoch_file_get)" = "$1" ] && return 0
    # On a promotion's path before the server is writable: no dirname or
    # mkdir process (epoch_file is an absolute path, validated).
    _ef_dir=${OCF_RESKEY_epoch_file%/*}
    [ -d "${_ef_dir:-/}" ] || mkdir -p "$_ef_dir" || return 1
    _ef_tmp="$OCF_RESKEY_epoch_file.tmp.$$"
    if ! echo "$1" >"$_ef_tmp" || ! mv -f "$_ef_tmp" "$OCF_RESKEY_epoch_file"; then
        rm -f "$_ef_tmp"
        ocf_log err "cannot write epoch_file $OCF_RESKEY_epoch_file"
        return 1
    fi
    ocf_log info "writer epoch $1 written to $OCF_RESKEY_epoch_file"
}

# ---------------------------------------------------------------- replication

# mmha_replica ACTION [ARGS...]: mmha-binlog replica (stop, start,
# net-timeout, reconnect) on the local server, bounded by the short
# timeout; its report on stdout.
mmha_replica() {
    mmha_helper mmha-binlog replica "$@" --timeout "$(mmha_short_timeout)" \
        --format shell
}

# mmha_stop_io: stop the replica IO thread only (the SQL thread keeps
# applying what was received).
mmha_stop_io() {
    mmha_replica stop --io-thread >/dev/null
}

# mmha_start_io: start the IO thread alone.
mmha_start_io() {
    mmha_replica start --io-thread >/dev/null
}

# ---------------------------------------------------------------- mysqld and heartbeat

# mmha_mysqld_start DEADLINE_S: launch mysqld read-only and wait until it
# answers.  --read-only on the command line wins over the config for this
# start (validate-all checks the config too, for restarts by anyone else).
# Without job control, setsid execs in place: $! is mysqld's own PID.
mmha_mysqld_start() {
    _log=$(mmha_state_file mysqld.log)
    _lp=$(mmha_state_file launch.pid)
    # Word splitting of additional_parameters and the semi-sync options is
    # intended, globbing not.
    # shellcheck disable=SC2086,SC2046
    (
        set -f
        setsid "$OCF_RESKEY_binary" --defaults-file="$OCF_RESKEY_config" \
            --datadir="$OCF_RESKEY_datadir" --pid-file="$OCF_RESKEY_pid" \
            --socket="$OCF_RESKEY_socket" --user="$OCF_RESKEY_user" \
            --read-only=1 $(mm_semisync_start_options) \
            $OCF_RESKEY_additional_parameters \
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

# mm_semisync_start_options: with semisync=on, mysqld starts as a
# semi-sync replica (mmha_decide_start_semisync).
mm_semisync_start_options() {
    [ "$OCF_RESKEY_semisync" = on ] || return 0
    mmha_decide_start_semisync "$("$OCF_RESKEY_binary" --version 2>/dev/null)" \
        "$OCF_RESKEY_replication_mode"
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
    # Polled finely: a demotion waits for it, and it exits within a few
    # ms (five 2 ms steps first: a first 10 ms step was most of its
    # wait).  WAIT_CS: how long after those, in 10 ms steps (default
    # 300); a hung one gets SIGKILL after that.
    _i=0 _bs_f=0
    while kill -0 "$_bs" 2>/dev/null && [ "$_i" -lt "${1:-300}" ]; do
        if [ "$_bs_f" -lt 5 ]; then
            sleep 0.002
            _bs_f=$((_bs_f + 1))
            continue
        fi
        sleep 0.01
        _i=$((_i + 1))
    done
    kill -KILL "$_bs" 2>/dev/null
    rm -f "$(mmha_state_file beat.pid)"
    return 0
}

# ---------------------------------------------------------------- hooks

# mmha_hook PATH ROLE EPOCH [RECORD]: run an operator hook with the node,
# role, epoch and position in its environment (the record's, when one was
# written, else the last capture's).  Its status is returned.
mmha_hook() {
    [ -n "$1" ] || return 0
    _hk_f=$(mmha_record_field "${4:-}" file) || _hk_f=${MMHA_BINLOG_FILE:-}
    _hk_p=$(mmha_record_field "${4:-}" pos) || _hk_p=${MMHA_BINLOG_POS:-}
    _hk_g=$(mmha_record_field "${4:-}" gtid) || _hk_g=${MMHA_GTID_BINLOG:-}
    MMHA_NODE=$(mmha_node) MMHA_ROLE=$2 MMHA_EPOCH=${3:-} \
        MMHA_BINLOG_FILE=$_hk_f MMHA_BINLOG_POS=$_hk_p MMHA_GTID=$_hk_g \
        MMHA_RESOURCE=$(mmha_rsc) ocf_run "$1" "$2"
}

# ---------------------------------------------------------------- plans

# mmha_act_plan PLAN OBSERVATION: carry out a decided plan (its grammar:
# mmha-decide-actions.sh), one line a step, against the observation it
# was decided from (what the steps need of it).  Attribute and score
# writes and the epoch file run in parallel, all joined before it returns.
# "do" steps log their own failures; a "must" step that fails ends the plan
# with its status; otherwise the "exit" line's status is returned (a
# heartbeat that cannot run has the last word).  What steps learn for
# later ones (notes, the record written) they append to the operation's
# notes file.  A step's output is never redirected here: dash keeps the
# redirected descriptor open in every subshell the step forks, and a
# detached job would then hold Pacemaker's pipe (measured: a promotion
# waited 0.7 s for its detached records that way).
mmha_act_plan() {
    _ap_rc=0
    _ap_nf=$(mmha_state_file plan.notes)
    : >"$_ap_nf"
    while read -r _ap_n _ap_v; do
        case "$_ap_n" in
        '') ;;
        do) mmha_act_step "$_ap_v" "$2" "$_ap_nf" </dev/null ;;
        must)
            _ap_s=0
            mmha_act_step "${_ap_v%% || *}" "$2" "$_ap_nf" </dev/null ||
                _ap_s=$?
            [ "$_ap_s" = 0 ] && continue
            _ap_f=${_ap_v##* || }
            _ap_rc=${_ap_f%% *}
            [ "$_ap_rc" = - ] && _ap_rc=$_ap_s
            [ "$_ap_f" = "${_ap_f#* }" ] || ocf_exit_reason "${_ap_f#* }"
            break
            ;;
        log) ocf_log info "$_ap_v" ;;
        warn) ocf_log warn "$_ap_v" ;;
        report) mmha_act_errant_report "$_ap_v" "$(mmha_kv_get "$2" WRITER)" ;;
        history) mmha_par mmha_record "${_ap_v%% *}" "node=$(mmha_node) ${_ap_v#* }" ;;
        # 30-60 ms a write: off a switchover's demote and promote path.
        score) mmha_par mmha_score_apply "$_ap_v" ;;
        beat) mmha_act_beat "$_ap_v" </dev/null || _ap_rc=$? ;;
        epoch-file) mmha_par mmha_epoch_file_put "$_ap_v" ;;
        source) mmha_act_source "$_ap_v" </dev/null ;;
        exit)
            [ "$_ap_rc" != 0 ] && continue
            _ap_rc=${_ap_v%% *}
            [ "$_ap_rc" = "$_ap_v" ] || ocf_exit_reason "${_ap_v#* }"
            ;;
        *)
            if [ "$_ap_v" = - ]; then
                mmha_par mmha_attr_del "$_ap_n"
            else
                mmha_par mmha_attr_set "$_ap_n" "$_ap_v"
            fi
            ;;
        esac
    done <<EOT
$1
EOT
    wait
    return "$_ap_rc"
}

# mmha_act_step "STEP [ARGS]" OBSERVATION NOTES_FILE: one step of a plan;
# its status is the step's.  The promotion's own steps are in
# mmha-act-promote.sh (mm_promote_step).
mmha_act_step() {
    _st_n=${1%% *} _st_a=''
    [ "$_st_n" = "$1" ] || _st_a=${1#* }
    case "$_st_n" in
    beat-stop) mmha_beat_stop ;;
    replication-stop) mm_stop_replication ;;
    mysqld-start) mmha_mysqld_start "$(mmha_deadline)" ;;
    mysqld-stop) mmha_mysqld_stop "$(mmha_deadline)" ;;
    ping) mmha_ping ;;
    attached-mark) touch "$(mmha_state_file attached)" ;;
    attached-unmark) rm -f "$(mmha_state_file attached)" ;;
    state-clear) mmha_state_clear ;;
    helper-args) mm_check_helper_args ;;
    server-options) mm_check_server_options ;;
    ids) mm_ids_check ;;
    net-timeout) mm_net_timeout ;;
    refuse) mm_refuse_set "${_st_a:-reader}" ;;
    # At a demotion: beside the read-only step, joined by its wait.
    refuse-par) mmha_par mm_refuse_set "${_st_a:-reader}" ;;
    vip-clients) mmha_detach mm_vip_clients_publish ;;
    readonly) mm_readonly ;;
    semisync) mm_semisync "$_st_a" ;;
    semisync-detached) mmha_detach mm_semisync "$_st_a" ;;
    demote-readonly) mmha_act_demote_readonly ;;
    repoint)
        # A start's: 10 s at most.  A recorded writer that does not answer
        # (its node crashed while this one restarted) would hold the start,
        # and with it this node's promotion, for the whole start timeout
        # (measured: 80 s and more, test/cluster/140); the monitor judges
        # a channel left to connect.
        mm_repoint "$_st_a" "" "$(mmha_timeout_max 10)"
        [ $? = 1 ] && ocf_log warn "replication not resumed; monitor will tell"
        return 0
        ;;
    snapshot-start) mmha_snapshot_start ;;
    record-demote) mmha_act_record_demote "$_st_a" ;;
    hook) mmha_act_hook "${_st_a%% *}" "${_st_a#* }" "$3" ;;
    note-clients) mm_clients_note_demoted "$_st_a" ;;
    repoint-detached)
        # Monitor skips judging replication meanwhile, promote and stop
        # wait for the marker.
        date +%s >"$(mmha_state_file repoint.busy)"
        mmha_detach mm_notify_repoint_validated
        ;;
    *) mm_promote_step "$_st_n" "$_st_a" "$2" "$3" ;;
    esac
}

# mmha_act_hook ROLE EPOCH NOTES_FILE: the operator hook of ROLE
# (pre-promote, post-demote, ...); a post-* hook's failure is logged, a
# pre-* one's is the step's.  A post-promote hook gets the record written.
mmha_act_hook() {
    case "$1" in
    pre-promote) _ah_p=$OCF_RESKEY_pre_promote_hook ;;
    post-promote) _ah_p=$OCF_RESKEY_post_promote_hook ;;
    pre-demote) _ah_p=$OCF_RESKEY_pre_demote_hook ;;
    post-demote) _ah_p=$OCF_RESKEY_post_demote_hook ;;
    esac
    [ -n "$_ah_p" ] || return 0
    _ah_rec=$(sed -n 's/^record //p' "$3" 2>/dev/null)
    mmha_hook "$_ah_p" "$1" "$2" "$_ah_rec" && return 0
    case "$1" in
    post-*)
        ocf_log warn "post_${1#post-}_hook failed"
        return 0
        ;;
    esac
    return 1
}

# mmha_act_demote_readonly: the demotion's step to read-only (the
# snapshot's queries joined after it); its failure reason decided from
# mmha-readonly's status and last line.
mmha_act_demote_readonly() {
    _dr_rc=0
    mm_readonly || _dr_rc=$?
    mmha_snapshot_join
    [ "$_dr_rc" = 0 ] && return 0
    ocf_exit_reason "$(mmha_decide_readonly_failure "$_dr_rc" \
        "$(mmha_deadline)" "$(tail -n 1 "$(mmha_state_file readonly.err)" 2>/dev/null)")"
    return 1
}

# mmha_act_record_demote EPOCH: the demotion's record with the final
# position mmha-readonly reported (the promotion reads it), beside the
# score; the history from the snapshot when it answered.
mmha_act_record_demote() {
    _rd_rec="node=$(mmha_node) epoch=$1 $(mmha_position_text)"
    if [ "${MMHA_SNAPSHOT:-0}" = 1 ]; then
        _rd_hist=$(mmha_conf_get "mmha-$(mmha_rsc)-history") || _rd_hist=
        mmha_par mmha_record demote "$_rd_rec" "$_rd_hist"
    else
        mmha_par mmha_record demote "$_rd_rec"
    fi
}

# mmha_act_errant_report SET WRITER_RECORD: a new or changed errant set,
# logged with what to do about it and recorded in the history.
mmha_act_errant_report() {
    _er_wn=$(mmha_record_field "$2" node) || _er_wn=
    _er_we=$(mmha_record_field "$2" epoch) || _er_we=
    ocf_log err "errant transactions $1: this server holds transactions that the writer $_er_wn lacks (written here while it was cut off?); they are not merged: not readable, no promotion score, the writer does not replicate from here. Repair them as docs/operations.md (split-brain recovery) says, then delete the node attribute: crm_attribute -N $(mmha_node) -n $OCF_RESKEY_attribute_prefix-errant -l reboot -D"
    mmha_record errant "node=$(mmha_node) set=$1 writer=$_er_wn epoch=$_er_we"
}

# mmha_act_beat "start|restart EPOCH REASON" | fresh: the writer's
# heartbeat (re)started with the cluster's epoch, or its staleness mark
# cleared.  A heartbeat that cannot run is OCF_FAILED_PROMOTED.
mmha_act_beat() {
    _ab_f=$(mmha_state_file beat.stale)
    set -f
    # shellcheck disable=SC2086 # the plan's words
    set -- $1
    set +f
    case "$1" in
    fresh)
        [ ! -e "$_ab_f" ] || rm -f "$_ab_f"
        return 0
        ;;
    restart)
        touch "$_ab_f"
        # Hung in a statement, it would not end on SIGTERM anyway.
        mmha_beat_stop 20
        ;;
    esac
    _ab_e=$2
    shift 2
    ocf_log warn "$*; restarting the heartbeat"
    mmha_beat_start "$_ab_e" && return 0
    ocf_exit_reason "writable, but the heartbeat (mmha-lag beat) cannot run"
    return "$OCF_FAILED_PROMOTED"
}

# mmha_act_source "repoint NODE ADDR ARGS..." | "stop-io REASON": the
# writer's own replication from a healthy reader (master-master both
# ways), or stopped.  A failed re-point is not tried again for
# MMHA_SOURCE_RETRY_S (the note in source.fail).
mmha_act_source() {
    _as_fail=$(mmha_state_file source.fail)
    case "$1" in
    stop-io*)
        ocf_log warn "the writer stops receiving: ${1#stop-io }"
        mmha_stop_io || ocf_log err "could not stop the writer's IO thread"
        return 0
        ;;
    esac
    set -f
    # shellcheck disable=SC2086 # the plan's words
    set -- $1
    set +f
    _as_node=$2 _as_addr=$3
    shift 3
    ocf_log info "the writer replicates from $_as_node ($_as_addr): a healthy reader of its epoch without errant transactions ($*)"
    _as_rc=0
    ocf_run mmha_helper mmha-binlog repoint --to "$_as_addr" "$@" \
        --repl-defaults-file "$OCF_RESKEY_repl_defaults_file" \
        --timeout "$(mmha_short_timeout)" || _as_rc=$?
    case "$(mmha_decide_source_result "$_as_rc")" in
    ok)
        rm -f "$_as_fail"
        return 0
        ;;
    no-ignore)
        ocf_log warn "the writer does not replicate from $_as_node: this server cannot ignore that reader's own GTID domain (MySQL, or log_slave_updates off); next attempt in $MMHA_SOURCE_RETRY_S s"
        mmha_stop_io || ocf_log err "could not stop the writer's IO thread"
        ;;
    *) ocf_log warn "the writer does not replicate from $_as_node; next attempt in $MMHA_SOURCE_RETRY_S s" ;;
    esac
    date +%s >"$_as_fail"
}

# ---------------------------------------------------------------- the agent's steps

# mm_writer_publish: what the writer announces on each monitor: readable
# (reader addresses fall back to it), no lag, no peer, and its epoch in
# epoch_file for mmha-guard.
# WRITER_RECORD: the record just written (spares reading it back).
# The attribute writes run in parallel; all are done when it returns.
mm_writer_publish() {
    mmha_par mmha_attr_set readable 1
    mmha_par mmha_attr_set lag-ms 0
    mmha_par mmha_attr_del peer
    if [ $# -ge 1 ]; then
        _wp=$1
    else
        _wp=$(mmha_cib_get writer) || _wp=
    fi
    if [ "$(mmha_record_field "$_wp" node)" = "$(mmha_node)" ]; then
        _wp_e=$(mmha_record_field "$_wp" epoch) || _wp_e=
        [ -n "$_wp_e" ] && mmha_epoch_file_put "$_wp_e"
    fi
    wait
    return 0
}

# mm_readonly ARGS...: mmha-readonly with the demotion options; its output
# (final position) is read into MMHA_*.
mm_readonly() {
    _spare=''
    set -f
    for _u in $OCF_RESKEY_spare_users; do
        _spare="$_spare --spare-user $_u"
    done
    _keep=''
    ocf_is_true "$OCF_RESKEY_keep_clients" && _keep=--keep-clients
    _err=$(mmha_state_file readonly.err)
    # Word splitting of the optional flags is intended.
    # shellcheck disable=SC2086
    _out=$(mmha_helper mmha-readonly --timeout "$(mmha_deadline)" \
        --kill-after "$OCF_RESKEY_demote_kill_after" $_spare $_keep \
        --format shell 2>"$_err")
    _rc=$?
    set +f
    [ -s "$_err" ] && ocf_log info "mmha-readonly: $(tr '\n' ' ' <"$_err")"
    mmha_read_kv "$_out"
    return "$_rc"
}

# mm_semisync source|replica|off [keep-io]: this server's semi-synchronous side for
# its role (mmha-binlog semisync: the dialect's names; a replica's IO
# thread restarted when its side changed).  A failure is logged; the
# monitor sees the settings and tries again.
mm_semisync() {
    _sm_t=''
    case "$1" in
    source*) _sm_t="--semisync-timeout $OCF_RESKEY_semisync_timeout" ;;
    esac
    case "$1" in
    *" keep-io") _sm_t="$_sm_t --keep-io" ;;
    esac
    # shellcheck disable=SC2086 # the optional option, split on purpose
    _sm_err=$(mmha_helper mmha-binlog semisync "${1%% *}" $_sm_t \
        --timeout "$(mmha_short_timeout)" --format shell 2>&1 >/dev/null) && return 0
    _sm_rc=$?
    ocf_log warn "semi-sync not switched to ${1%% *} (mmha-binlog exit $_sm_rc): $(printf '%s\n' "$_sm_err" | tail -n 1)"
    return "$_sm_rc"
}

# mm_ids_check: this server's server_id and auto_increment settings against
# the other masters' records (PIXNET rule); records its own.
mm_ids_check() {
    _ids=$(mmha_helper mmha-binlog capture --timeout "$(mmha_short_timeout)" \
        --format shell 2>/dev/null) || return 0
    set -- "$(mmha_kv_get "$_ids" SERVER_ID)" \
        "$(mmha_kv_get "$_ids" AUTO_INCREMENT_INCREMENT)" \
        "$(mmha_kv_get "$_ids" AUTO_INCREMENT_OFFSET)"
    _peers=$(cibadmin -Q -o crm_config 2>/dev/null |
        sed -n "s/.*name=\"mmha-$(mmha_rsc)-ids-\([^\"]*\)\".*value=\"\([^\"]*\)\".*/\1 \2/p")
    _verdict=$(mmha_decide_ids "$(mmha_node)" "$1" "$2" "$3" "$_peers")
    if [ "$_verdict" != ok ]; then
        # This server's own settings: this node's problem.
        ocf_exit_reason "${_verdict#error }"
        return "$OCF_ERR_INSTALLED"
    fi
    mmha_cib_set "ids-$(mmha_node)" "$1 $2 $3" ||
        ocf_log warn "could not record this server's ids in the CIB"
    return 0
}

# mm_net_timeout: a replica connection silent for replica_net_timeout
# seconds (the source's heartbeat included) is dropped and made again by
# the server itself.  Applies to the next connection.
mm_net_timeout() {
    mmha_replica net-timeout "$OCF_RESKEY_replica_net_timeout" >/dev/null ||
        ocf_log warn "could not set the replica net timeout"
}

# mm_refuse_set MODE: the connections to writer_vip at this
# server's port that this node refuses with a TCP reset (nftables table
# inet mmha_RESOURCE, prerouting, no connection tracking):
#   - always, while the address is not on this node: a client whose
#     neighbour entry still names this node while the address moves would
#     get silence (the kernel drops a packet for an address it does not
#     hold) and wait for its SYN retransmission (1 s) or its connect
#     timeout; with the reset it retries at once.  Inert while the address
#     is here (fib: local);
#   - MODE reader: every new connection (a SYN) too, the address here or
#     not.  The writer address starts on the new writer beside its
#     promotion (crm-examples: ordered after the old writer's demotion,
#     not after this promotion and its notifications, ~0.3 s sooner): a
#     client gets a reset until the server is writable, never a read-only
#     server or a stale read through the writer address;
#   - MODE writer: only the first, set once the server is writable.
# The mode is written at once, the table replaced whole under a lock from
# it (an install in the background that runs late applies the newer mode).
# Kept after stop.  Without nft a warning: clients wait as before.
mm_refuse_set() {
    _rs_f=$(mmha_state_file refuse)
    echo "$1" >"$_rs_f.mode" || return 0
    mm_refuse_apply "$_rs_f"
}

# mm_refuse_table: the nftables table's name, inet mmha_RESOURCE.
mm_refuse_table() {
    printf 'mmha_%s\n' "$(printf %s "${OCF_RESOURCE_INSTANCE%%:*}" | tr -c 'A-Za-z0-9_' _)"
}

# mm_refuse_off: no table (writer_vip_refuse false, or writer_vip unset,
# since the last one was set): a reader's table left on a new writer would
# refuse its clients.
mm_refuse_off() {
    _ro_f=${HA_RSCTMP:-/run/resource-agents}/mysql-mm-${OCF_RESOURCE_INSTANCE%%:*}.refuse
    [ -e "$_ro_f.mode" ] || return 0
    rm -f "$_ro_f.mode"
    command -v nft >/dev/null 2>&1 || return 0
    nft delete table inet "$(mm_refuse_table)" 2>/dev/null
    return 0
}

# mm_refuse_converge writer|reader: a monitor's check that the table
# follows writer_vip_refuse.  Pacemaker reloads only an instance whose
# last start or promotion had other parameters (a demoted reader is not
# reloaded: seen on the bed), so each monitor removes a table no longer
# wanted and sets one that is missing.  No process unless the mode file
# and the parameter disagree.
mm_refuse_converge() {
    if mm_refuse_wanted; then
        [ -e "${HA_RSCTMP:-/run/resource-agents}/mysql-mm-${OCF_RESOURCE_INSTANCE%%:*}.refuse.mode" ] ||
            mm_refuse_set "$1"
    else
        mm_refuse_off
    fi
}

# mm_refuse_reload: the table for the parameters as they are now (a
# reload changed writer_vip or writer_vip_refuse).  A writer keeps its
# mode: its heartbeat runs, or its last mode was writer (never a reader's
# table on a writer).
mm_refuse_reload() {
    if ! mm_refuse_wanted; then
        mm_refuse_off
        return 0
    fi
    _rr_m=reader
    if mmha_beat_pid >/dev/null ||
        [ "$(cat "$(mmha_state_file refuse).mode" 2>/dev/null)" = writer ]; then
        _rr_m=writer
    fi
    mm_refuse_set "$_rr_m"
}

# mm_refuse_apply STATE_FILE: the table for the mode in STATE_FILE.mode,
# under the lock STATE_FILE.lock.  A writer whose table cannot be set
# gets none (a refusing writer would be an outage).
mm_refuse_apply() {
    _ra_t=$(mm_refuse_table)
    if ! command -v nft >/dev/null 2>&1; then
        ocf_log warn "writer_vip_refuse: nft (package nftables) not found; clients connecting to $OCF_RESKEY_writer_vip while it moves wait for TCP"
        return 0
    fi
    (
        flock -w 10 9 || ocf_log warn "writer_vip_refuse: $1.lock busy for 10 s; setting the table anyway"
        _ra_m=$(cat "$1.mode" 2>/dev/null)
        _ra_syn="ip daddr $OCF_RESKEY_writer_vip tcp dport $OCF_RESKEY_replication_port tcp flags & (syn | ack) == syn reject with tcp reset"
        [ "$_ra_m" = writer ] && _ra_syn=''
        _ra_err=$(nft -f - 2>&1 <<EOF
table inet $_ra_t
delete table inet $_ra_t
table inet $_ra_t {
    chain prerouting {
        type filter hook prerouting priority raw; policy accept;
        ip daddr $OCF_RESKEY_writer_vip tcp dport $OCF_RESKEY_replication_port fib daddr type != local reject with tcp reset
        $_ra_syn
    }
}
EOF
        ) && exit 0
        ocf_log warn "writer_vip_refuse: nft refused the table $_ra_t: $(printf %s "$_ra_err" | head -n 1)"
        if [ "$_ra_m" = writer ]; then
            nft delete table inet "$_ra_t" 2>/dev/null ||
                ocf_log err "writer_vip_refuse: the table $_ra_t may still refuse new connections to this writer"
        fi
    ) 9>"$1.lock"
    return 0
}

# mm_vip_clients_publish: at a demotion, the TCP peers this node still
# has on writer_vip at its port (every state: the sessions the demotion
# killed wait in FIN-WAIT, their FIN unsendable once the address has
# left) as this node's PREFIX-vip-clients, "IP:PORT ..." (1000 at most;
# checked and deduplicated by mmha_decide_tickles where they are read):
# the new writer resets them (mm_clients_tickle), including a connection
# opened after the readers' last note of the processlist.  Through attrd
# with a 5 s delay: the peers' attrd know it at once (attrd_updater -Q),
# the CIB only after the role change - a CIB change in the middle of it
# makes the DC compute the transition again (measured: the address came up
# ~190 ms later on a switchover).
mm_vip_clients_publish() {
    _vc=$(ss -Htn src "$OCF_RESKEY_writer_vip" \
        "( sport = :$OCF_RESKEY_replication_port )" 2>/dev/null |
        awk 'NR <= 1000 { print $5 }' | paste -sd' ' -)
    if [ -n "$_vc" ]; then
        attrd_updater -n "$OCF_RESKEY_attribute_prefix-vip-clients" \
            -U "$_vc" -d 5s >/dev/null 2>&1
    else
        attrd_updater -n "$OCF_RESKEY_attribute_prefix-vip-clients" \
            -D -d 5s >/dev/null 2>&1
    fi
    return 0
}

# mm_stop_replication: both replica threads stopped (10 s at most) before
# the server shuts down or is left to itself: the positions are written at
# a transaction boundary, and a server no longer in the cluster does not go
# on following its writer.
mm_stop_replication() {
    mmha_helper mmha-binlog replica stop --timeout 10 --format shell \
        >/dev/null 2>&1 ||
        ocf_log warn "stopping replication failed or took over 10 s; stopping anyway"
}

# mm_reader_io_stall: an IO thread that runs (or reconnects) but has
# received nothing, not even its source's file name, for 2 s is held by
# its source (seen after a fenced node rejoined: the source kept the dump
# thread of the node's previous life, and the new one waits at
# "starting").  The source's leftovers of this node go, then a new
# connection is made.
mm_reader_io_stall() {
    _is_f=$(mmha_state_file io.stall)
    _is_n=''
    { read -r _is_n <"$_is_f"; } 2>/dev/null
    # The clock only when it is needed (a process on every monitor).
    _is_now=0
    [ "$MMHA_R_IO" != no ] && [ -z "$MMHA_R_READ_FILE" ] && _is_now=$(mm_now_ms)
    _is_d=$(mmha_decide_io_stall "$MMHA_R_IO" "$MMHA_R_READ_FILE" \
        "$_is_n" "$_is_now" 2000)
    case "$_is_d" in
    ok) [ -z "$_is_n" ] || rm -f "$_is_f" ;;
    note) mm_now_ms >"$_is_f" ;;
    restart)
        rm -f "$_is_f"
        ocf_log warn "the IO thread from $MMHA_R_SOURCE_HOST:$MMHA_R_SOURCE_PORT has received nothing for 2 s; ending this node's connections there and reconnecting"
        # The source's leftover dump threads of this node go (one left
        # from before a crash behind a cut link holds the new one at
        # "starting"), then a new connection is made.
        if [ -z "$OCF_RESKEY_repl_defaults_file" ]; then
            if ! mmha_stop_io || ! mmha_start_io; then
                ocf_log err "could not restart the IO thread"
            fi
        elif ! _is_out=$(mmha_replica reconnect \
            --repl-defaults-file "$OCF_RESKEY_repl_defaults_file" 2>&1); then
            ocf_log err "could not reconnect the IO thread: $(printf '%s\n' "$_is_out" | grep -v '=' | head -n 1)"
        else
            ocf_log info "ended this node's earlier connections on the source: $(mmha_kv_get "$_is_out" ENDED)"
        fi
        ;;
    esac
    return 0
}

# mmha_state_clear: the per-resource state files a stopped instance leaves
# none of (lag hysteresis, back-off and stall notes, client notes, the
# launch record).
mmha_state_clear() {
    for _sc in lag source.fail beat.stale io.stall clients clients.writer \
        launch.pid; do
        rm -f "$(mmha_state_file "$_sc")"
    done
}
