# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# OCF_RESKEY_* come from the agent; MMHA_* are read by it.
# shellcheck disable=SC2154,SC2034,SC2153
#
# mmha-act-promote.sh: the executor's steps of a promotion (mysql-mm's
# promote): the catch-up wait, receiving the old writer's tail and no more,
# the grace without fencing, the records and the step to writable with
# its undo, the records written after it, and the reset of the old
# writer's clients.  What to do is decided in mmha-decide.sh.
#
# Copyright the mmha contributors.

# mm_promote_catchup: the catch-up policy's wait (wait: the relay log
# drained within catchup_timeout) and its decision, printed; status 1
# when the promotion is refused.
mm_promote_catchup() {
    _pc_rc=''
    if [ "$OCF_RESKEY_catchup_policy" = wait ]; then
        _pc_rc=0
        ocf_run mmha_helper mmha-binlog wait --drain \
            --timeout "$OCF_RESKEY_catchup_timeout" >&2 || _pc_rc=$?
    fi
    _pc_d=$(mmha_decide_catchup "$OCF_RESKEY_catchup_policy" "$_pc_rc" \
        "$OCF_RESKEY_catchup_timeout_action")
    echo "$_pc_d"
    case "$_pc_d" in
    fail*) return 1 ;;
    esac
}

# mm_promote_grace T0_MS "MS REASON": without fencing, the time the
# previous writer's mmha-guard gets to make it read-only (decided by
# mmha_decide_grace), counted from the promotion's start.
mm_promote_grace() {
    _pg_left=$((${2%% *} - ($(mm_now_ms) - $1)))
    if [ "${2%% *}" -gt 0 ] && [ "$_pg_left" -gt 0 ]; then
        ocf_log warn "promote grace: ${2#* }; writable in $_pg_left ms, once its mmha-guard made it read-only"
        sleep "$((_pg_left / 1000)).$(printf '%03d' $((_pg_left % 1000)))"
    fi
}

# mm_promote_step STEP ARGS OBSERVATION NOTES_FILE: a promotion's own
# steps (mmha_decide_promote), run by mmha_act_step.  What they learn goes
# into the notes file as "note TEXT" (the log line's parts), "record TEXT"
# (written) and "report TEXT" (mmha-readonly --writable's).
mm_promote_step() {
    # Each value read where a step needs it: a fork costs 1-3 ms on the
    # way to the writable server.
    case "$1" in
    catchup)
        _ps_d=$(mm_promote_catchup) || {
            ocf_exit_reason "promotion refused: ${_ps_d#fail }"
            return 1
        }
        echo "note ${_ps_d#promote }" >>"$4"
        ;;
    stop-receiving)
        _ps_n=$(mm_stop_receiving "$(mmha_kv_get "$3" WRITER)" \
            "$(mmha_decide_last_role "$(mmha_kv_get "$3" HISTORY)")") || {
            ocf_exit_reason "promotion refused: ${_ps_n#*refuse }"
            return 1
        }
        echo "note $_ps_n" >>"$4"
        ;;
    grace)
        [ "${2%% *}" = 0 ] || mm_promote_grace "$(mmha_kv_get "$3" T0_MS)" "$2"
        # Why a promotion without fencing did not wait: in its log line.
        case "$2" in
        "0 fencing on" | "0 no previous writer elsewhere" | "0 "*" demoted cleanly") ;;
        "0 "*) echo "note ; no grace: ${2#0 }" >>"$4" ;;
        esac
        ;;
    commit)
        _ps_o=$(mm_promote_commit "$2" "$(mmha_kv_get "$3" HISTORY)" \
            "$(mmha_kv_get "$3" PREV_EPOCH)" "$(mmha_kv_get "$3" WRITER)") ||
            return 1
        printf 'record %s\nreport %s\n' "${_ps_o%%
*}" "${_ps_o#*
}" >>"$4"
        ;;
    tickle) mmha_detach mm_clients_tickle $2 ;;
    log-promoted)
        ocf_log info "promoted, epoch $2: $(sed -n 's/^note //p' "$4" |
            tr -d '\n'); writable: $(sed -n 's/^report //p' "$4")"
        ;;
    *)
        ocf_log err "no such step: $1"
        return 1
        ;;
    esac
}

# mm_stop_receiving PREV_RECORD LAST_ROLE_RECORD: at promotion, stop
# receiving from the old writer (or anyone): a cut-off old writer's own
# transactions must never come in later.  After a clean demotion, first
# let the IO thread receive up to the old writer's final position (at
# most 1 s), so that no acknowledged write is left behind - starting the
# IO thread for it when it was stopped (an operator's STOP SLAVE, an
# error it may get again: the wait is bounded all the same).  The SQL
# thread keeps applying the relay log.
mm_stop_receiving() {
    # A stop's marks left by a promotion that never reached its join.
    _sr_iof=$(mmha_state_file io-stop)
    [ ! -e "$_sr_iof.sent" ] || rm -f "$_sr_iof.sent" "$_sr_iof.rc"
    _sr_node=$(mmha_record_field "$1" node) || _sr_node=
    _sr_addr=$(mmha_record_field "$1" addr) || _sr_addr=
    _sr_tail=0 _sr_clean=0 _sr_from=0 _sr_reached=0
    if [ -n "$_sr_node" ] && [ "$_sr_node" != "$(mmha_node)" ] &&
        mmha_decide_clean_demote "$_sr_node" "$2"; then
        _sr_clean=1
    fi
    if [ -n "$MMHA_R_SOURCE_HOST" ] &&
        [ "$MMHA_R_SOURCE_HOST:$MMHA_R_SOURCE_PORT" = "$_sr_addr" ]; then
        _sr_from=1
    fi
    if [ "$_sr_from" = 1 ] && [ "$_sr_clean" = 1 ]; then
        _sr_tail=1
        _sr_f=$(mmha_record_field "$2" file) || _sr_f=
        _sr_p=$(mmha_record_field "$2" pos) || _sr_p=
    fi
    case "$MMHA_R_IO" in
    yes | connecting) ;;
    *)
        [ "$_sr_tail" = 1 ] || {
            mm_tail_verdict
            return
        }
        if mmha_decide_read_reached "$MMHA_R_READ_FILE" "$MMHA_R_READ_POS" \
            "$_sr_f" "$_sr_p"; then
            _sr_reached=1
            mm_tail_verdict
            return
        fi
        if ! mmha_start_io; then
            ocf_log warn "IO thread stopped and not started: $_sr_node's final $_sr_f:$_sr_p not fetched"
            mm_tail_verdict
            return
        fi
        printf '; started the stopped IO thread for %s' "$_sr_node's final $_sr_f:$_sr_p"
        # Started here, so stopped below whatever the capture says.
        mmha_capture "$(mmha_short_timeout)" || _sr_tail=0
        ;;
    esac
    if [ "$_sr_tail" = 1 ]; then
        _sr_i=0
        while ! mmha_decide_read_reached "$MMHA_R_READ_FILE" \
            "$MMHA_R_READ_POS" "$_sr_f" "$_sr_p"; do
            if [ "$_sr_i" -ge $((MMHA_TAIL_WAIT_MS / 50)) ]; then
                ocf_log warn "received $MMHA_R_READ_FILE:$MMHA_R_READ_POS of $_sr_node, not its final $_sr_f:$_sr_p"
                break
            fi
            sleep 0.05
            _sr_i=$((_sr_i + 1))
            mmha_capture "$(mmha_short_timeout)" || break
        done
        mmha_decide_read_reached "$MMHA_R_READ_FILE" "$MMHA_R_READ_POS" \
            "$_sr_f" "$_sr_p" && _sr_reached=1
    fi
    # Refused: the IO thread stays as it was (the reader unchanged).
    mm_tail_verdict || return 1
    # Logged with the promotion's other steps, in one line at its end.
    mm_io_stop_begin
    case $? in
    0)
        printf '; stopped receiving from %s (the relay log keeps applying)' \
            "$MMHA_R_SOURCE_HOST:$MMHA_R_SOURCE_PORT"
        ;;
    2)
        printf '; stopped receiving from %s (its semi-sync stop waits on the source, joined once writable)' \
            "$MMHA_R_SOURCE_HOST:$MMHA_R_SOURCE_PORT"
        ;;
    *) ocf_log err "could not stop the IO thread from $MMHA_R_SOURCE_HOST:$MMHA_R_SOURCE_PORT" ;;
    esac
}

# mm_io_stop_begin: stop the IO thread; status 0 done, 2 under way, 1
# failed.  A semi-sync IO thread's stop connects to its source to end its
# dump thread, and waits for a source that does not answer (a crashed or
# cut-off writer) up to rpl_semi_sync_slave_kill_conn_timeout, capped at
# 1 s by mmha-binlog: measured, ~1 s of every semi-sync crash failover.
# Once the server has the stop, the thread queues nothing more, and such a
# source sends nothing: 20 ms after it was sent (a source that answers
# has ended the stop by then, ~15 ms) the promotion goes on without the
# statement's end (mm_io_stop_join, once writable).  200 ms here was
# measured to cost semi-sync crash failovers ~0.2 s against asynchronous
# ones.  The stop runs detached from this shell's output, so the step's
# $(...) does not wait.
mm_io_stop_begin() {
    _sb_f=$(mmha_state_file io-stop)
    (
        _sb_rc=0
        mmha_replica stop --io-thread --sent-file "$_sb_f.sent" >/dev/null ||
            _sb_rc=$?
        echo "$_sb_rc" >"$_sb_f.rc"
    ) >/dev/null 2>&1 &
    _sb_i=0
    while [ ! -s "$_sb_f.rc" ]; do
        # Sent, 20 ms gone: under way.  Not sent: the bound is the helper's.
        [ "$_sb_i" -ge 2 ] && [ -e "$_sb_f.sent" ] && return 2
        [ "$_sb_i" -ge $(($(mmha_short_timeout) * 100 + 100)) ] && return 1
        sleep 0.01
        _sb_i=$((_sb_i + 1))
    done
    read -r _sb_rc <"$_sb_f.rc"
    rm -f "$_sb_f.sent" "$_sb_f.rc"
    [ "$_sb_rc" = 0 ]
}

# mm_io_stop_join: the end of a stop that mm_io_stop_begin left under
# way, waited for (within the helper's bound) and logged when it failed.
mm_io_stop_join() {
    _sj_f=$(mmha_state_file io-stop)
    [ -e "$_sj_f.sent" ] || return 0
    _sj_i=0
    while [ ! -s "$_sj_f.rc" ] && [ "$_sj_i" -lt $(($(mmha_short_timeout) * 50 + 50)) ]; do
        sleep 0.02
        _sj_i=$((_sj_i + 1))
    done
    [ "$(cat "$_sj_f.rc" 2>/dev/null)" = 0 ] ||
        ocf_log err "could not stop the IO thread from $MMHA_R_SOURCE_HOST:$MMHA_R_SOURCE_PORT"
    rm -f "$_sj_f.sent" "$_sj_f.rc"
}

# mm_tail_verdict: mmha_decide_tail on what mm_stop_receiving saw; a
# refusal printed ("refuse REASON") with status 1.
mm_tail_verdict() {
    _tv=$(mmha_decide_tail "$_sr_clean" "$_sr_from" "$_sr_reached" \
        "$MMHA_R_IO" "$MMHA_R_IO_ERRNO" "$MMHA_R_SQL" "$MMHA_R_SQL_ERRNO") || {
        printf '%s\n' "$_tv"
        return 1
    }
}

# mm_promote_commit EPOCH HISTORY OLD_EPOCH OLD_WRITER: record this
# server's own position before its first write as the writer (where every
# reader starts following it) and make it writable; prints the record on
# a first line, the helper's report on a second.  The epoch and the writer record (what the
# post-promote notifications read) go in one CIB update beside the steps
# to writable: a CIB round trip (~30 ms) less on the clients' wait.
# Nothing is lost by the overlap: the old writer is read-only or fenced by
# now, the writer address starts only after this operation, and whatever
# fails puts everything back (mm_promote_undo).
mm_promote_commit() {
    _pm_efile=$(mmha_epoch_file_get)
    mm_capture || return 1
    _pm_rec="node=$(mmha_node) epoch=$1 addr=$(mm_my_addr) $(mmha_position_text)"
    _pm_cibf=$(mmha_state_file promote.cib)
    [ ! -e "$_pm_cibf" ] || rm -f "$_pm_cibf"
    mmha_par mm_promote_cib "$_pm_cibf" epoch "$1" \
        writer "$_pm_rec time=$(mmha_now_iso)"
    # The guard learns the new epoch before the server is writable.
    mmha_epoch_file_put "$1" ||
        ocf_log err "mmha-guard will not know writer epoch $1"
    _pm_why=''
    if ! _pm_out=$(mmha_helper mmha-readonly --writable \
        --timeout "$(mmha_deadline)" 2>&1); then
        ocf_log err "mmha-readonly --writable: $_pm_out"
        _pm_why="cannot make the server writable"
    else
        # The writer's promotion score beside the record: the address may
        # be up and clients writing before this returns, and an operator's
        # `crm_resource --clear` of the move then must not find the new
        # writer with a reader's score (seen: the role moved back).
        mmha_par mmha_score_apply "$MMHA_SCORE_PROMOTED writer"
        # New connections in (the address may be up already), while the
        # writer record's CIB write above still runs.
        if mm_refuse_wanted; then mm_refuse_set writer; else mm_refuse_off; fi
        _pm_st=$(mmha_state_file beat.stale)
        [ ! -e "$_pm_st" ] || rm -f "$_pm_st"
        mmha_beat_start "$1" quick >&2 ||
            _pm_why="the heartbeat (mmha-lag beat) does not run"
    fi
    wait
    if [ -z "$_pm_why" ] && [ "$(cat "$_pm_cibf" 2>/dev/null)" != 0 ]; then
        _pm_why="the writer record (epoch $1) did not reach the CIB"
    fi
    if [ -n "$_pm_why" ]; then
        mm_io_stop_join
        mm_promote_undo "$_pm_cibf" "$3" "$4" "$_pm_efile" >&2
        ocf_exit_reason "$_pm_why; read-only again, records as they were"
        return 1
    fi
    # A monitor must not find the IO thread's stop under way: its
    # semi-sync check would restart the thread, from the old writer.
    mm_io_stop_join
    # The history, the score and the writer's attributes nothing in the
    # role change reads: written after it, in parallel.
    mmha_detach mm_promoted_records "$_pm_rec" "$2"
    # The helper's report on one line (no process: words re-joined).
    printf '%s\n' "$_pm_rec"
    # shellcheck disable=SC2086
    (set -f; set -- $_pm_out; printf '%s' "$*")
}

# mm_promote_undo CIB_STATUS_FILE OLD_EPOCH OLD_WRITER OLD_EPOCH_FILE: a
# promotion that failed after its records were written: the server
# read-only again (whatever state the failure left it in), the writer
# record and epoch put back when they landed, the epoch file as it was.
mm_promote_undo() {
    mmha_beat_stop
    mm_readonly >/dev/null 2>&1 ||
        ocf_log err "the failed promotion could not make the server read-only again"
    mm_refuse_wanted && mm_refuse_set reader
    # A reader's score until its next monitor measures its lag.
    mmha_score_apply "$(mmha_decide_score unpromoted "" 0 "" "" 0)"
    if [ "$(cat "$1" 2>/dev/null)" = 0 ]; then
        if [ -n "$2" ] && [ -n "$3" ]; then
            mmha_cib_set_pairs epoch "$2" writer "$3"
        else
            mmha_cib_del epoch && mmha_cib_del writer
        fi || ocf_log err "the writer record and epoch could not be put back to '$3' / '$2'"
    fi
    if [ -n "$4" ]; then
        mmha_epoch_file_put "$4"
    elif [ -n "$OCF_RESKEY_epoch_file" ]; then
        rm -f "$OCF_RESKEY_epoch_file"
    fi
}

# mm_promote_cib FILE WHAT VALUE...: mmha_cib_set_pairs, its status into
# FILE (run beside the promotion's last steps).
# shellcheck disable=SC2317
mm_promote_cib() {
    _pc_f=$1
    shift
    _pc_rc=0
    mmha_cib_set_pairs "$@" || _pc_rc=$?
    echo "$_pc_rc" >"$_pc_f"
}

# mm_promoted_records RECORD HISTORY: a promotion's history record and
# writer attributes (independent round trips, in parallel; the score is
# written by the commit).  Called through mmha_detach.  In a live cluster
# they wait 0.5 s: each lands as a CIB change that makes the DC compute
# the transition again, and one arriving while the DC's own CIB updates
# are pending costs a 1 s pause there ("pe_calc ... is obsolete", then
# nothing for 1 s) - seen between the post-promote notifications and
# what followed them.
# shellcheck disable=SC2317
mm_promoted_records() {
    sleep "$MMHA_RECORDS_DELAY_S"
    mmha_par mmha_record promote "$1" "$2"
    mm_writer_publish "$1"
    wait
}

# mm_clients_merge_demoted NODE ADDR FILE: add to FILE (tickle_tcp's
# input) the peers NODE published on the writer address as it demoted
# (ADDR: its record's, for the port); nothing when it published none.
mm_clients_merge_demoted() {
    [ -n "$1" ] && [ "$1" != - ] && [ -n "${2:-}" ] || return 0
    _cm=$(attrd_updater -Q -N "$1" \
        -n "$OCF_RESKEY_attribute_prefix-vip-clients" 2>/dev/null) || return 0
    _cm=${_cm##*value=\"}
    _cm=${_cm%%\"*}
    { cat "$3" 2>/dev/null
      printf '%s\n' $_cm | mmha_decide_tickles "$OCF_RESKEY_writer_vip" "${2##*:}"
    } | sort -u >"$3.merged" && mv -f "$3.merged" "$3"
}

# mm_clients_tickle: after a promotion, wait (30 s at most) until
# writer_vip is up here - IPaddr2 starts it after promote - then send a TCP
# ACK from it to each client noted as a reader.  The client's kernel
# answers, this node has no such connection and resets it, and the client
# reconnects at once instead of after its next retransmission.  Called
# through mmha_detach.
# shellcheck disable=SC2317
mm_clients_tickle() {
    _ct_f=$(mmha_state_file clients)
    # The old writer's own list, published as it demoted (attrd).
    mm_clients_merge_demoted "$1" "$2" "$_ct_f"
    [ -s "$_ct_f" ] || return 0
    _ct_bin=${HA_BIN:-/usr/libexec/heartbeat}/tickle_tcp
    if [ ! -x "$_ct_bin" ]; then
        ocf_log warn "writer_vip: $_ct_bin (resource-agents) not found; clients of the old writer are not reset"
        return 0
    fi
    # Polled every 20 ms with one process ("N: DEV inet ADDR/32 ...", cut
    # by the shell): the wait runs beside the address's start and the
    # first monitors, on the same cores.
    _ct_i=0
    while :; do
        _ct_dev=$(ip -o -4 addr show to "$OCF_RESKEY_writer_vip/32" 2>/dev/null)
        _ct_dev=${_ct_dev#*: }
        _ct_dev=${_ct_dev%% *}
        [ -n "$_ct_dev" ] && break
        if [ "$_ct_i" -ge 1500 ]; then
            ocf_log warn "writer_vip $OCF_RESKEY_writer_vip not up here 30 s after the promotion; clients of the old writer are not reset"
            return 0
        fi
        sleep 0.02
        _ct_i=$((_ct_i + 1))
    done
    # Our own gratuitous ARP first: IPaddr2 sends its own in the
    # background, often after this job has seen the address.  A client
    # that still has the old writer's hardware address answers a tickle
    # there, and Linux then answers no further tickle on that connection
    # for 500 ms (tcp_invalid_ratelimit) - measured: a crashed writer's
    # client waited for its 3 s read timeout.  send_arp's first packet
    # leaves ~15 ms after it starts; its pair ends ~80 ms later.
    _ct_arp=${HA_BIN:-/usr/libexec/heartbeat}/send_arp
    if [ -x "$_ct_arp" ]; then
        "$_ct_arp" -i 10 -r 1 -p "$(mmha_state_file send_arp)" "$_ct_dev" \
            "$OCF_RESKEY_writer_vip" auto not_used not_used >/dev/null 2>&1 &
        sleep 0.03
    fi
    # Every 100 ms for 1.5 s: a client whose ARP entry still names the old
    # writer (IPaddr2's gratuitous ARPs come 200 ms apart) is reached by a
    # later tickle.  The log line after the first round: its processes
    # came before the first reset, on the clients' wait.
    _ct_i=0
    while [ "$_ct_i" -lt 15 ]; do
        "$_ct_bin" -n 1 <"$_ct_f" >/dev/null 2>&1 ||
            ocf_log warn "tickle_tcp failed; clients of the old writer wait for TCP"
        [ "$_ct_i" = 0 ] &&
            ocf_log info "writer_vip $OCF_RESKEY_writer_vip is up here on $_ct_dev: resetting the connections the old writer's clients held to it"
        sleep 0.1
        _ct_i=$((_ct_i + 1))
    done
    ocf_log info "reset $(wc -l <"$_ct_f") client connection(s) the old writer had on $OCF_RESKEY_writer_vip (tickled for 1.5 s)"
    rm -f "$_ct_f"
}
