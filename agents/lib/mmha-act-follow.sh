# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# OCF_RESKEY_* come from the agent; MMHA_* are read by it.
# shellcheck disable=SC2154,SC2034
#
# mmha-act-follow.sh: the executor's steps of a reader following the
# writer: the re-point at the recorded writer (at start and after each
# promotion, detached from the post-promote notification), and the note
# of the writer's clients a reader keeps for the day it is promoted.
#
# Copyright the mmha contributors.

# mm_repoint WRITER_RECORD [SETTLE_MS [TIMEOUT_S]]: follow the recorded
# writer, when needed.  Status 0: re-pointed, 2: nothing to do, 1: failed.
# The helper checks that both threads stay up SETTLE_MS (default its 500
# ms); a notification passes 0: it is on the path to the writer address,
# and the next monitor judges the threads anyway.  TIMEOUT_S: the helper's
# bound (default the operation's deadline).
mm_repoint() {
    _rp_w=$1 _rp_settle=${2:-} _rp_to=${3:-}
    [ -n "$_rp_to" ] || _rp_to=$(mmha_deadline)
    mm_writer_elsewhere "$_rp_w" || return 2
    _addr=$(mmha_record_field "$_rp_w" addr)
    mm_capture || return 1
    # A channel that still ignores GTID domains (a demoted writer's, from
    # the reader now promoted) is re-pointed: the re-point clears the list.
    if ! _why=$(mmha_decide_repoint \
        "$MMHA_R_SOURCE_HOST:$MMHA_R_SOURCE_PORT" "$_addr" \
        "$MMHA_R_IO" "$MMHA_R_SQL" "$OCF_RESKEY_replication_mode" \
        "$MMHA_R_IGNORE_DOMAINS"); then
        ocf_log info "no re-point: $_why"
        return 2
    fi
    if [ -z "$OCF_RESKEY_repl_defaults_file" ]; then
        ocf_log err "cannot re-point to $_addr: repl_defaults_file not set"
        return 1
    fi
    if [ "$OCF_RESKEY_replication_mode" = gtid ]; then
        set -- --gtid
    else
        set -- --at "$(mmha_record_field "$_rp_w" file):$(mmha_record_field "$_rp_w" pos)"
    fi
    [ -n "$_rp_settle" ] && set -- "$@" --settle "$_rp_settle"
    ocf_log info "$_why ($*)"
    ocf_run mmha_helper mmha-binlog repoint --to "$_addr" "$@" \
        --repl-defaults-file "$OCF_RESKEY_repl_defaults_file" \
        --timeout "$_rp_to" || return 1
}

# mm_notify_repoint: after a promotion, follow the new writer, then
# announce whether it may replicate from here.  Called through mmha_detach.
# shellcheck disable=SC2317
mm_notify_repoint() {
    if ! mm_status >/dev/null 2>&1; then
        rm -f "$(mmha_state_file repoint.busy)"
        return 0
    fi
    _nw=$(mmha_cib_get writer) || _nw=
    mm_repoint "$_nw" 0
    _nrc=$?
    _ok=1
    case "$_nrc" in
    1)
        ocf_log err "re-point after promotion failed"
        mmha_capture "$(mmha_short_timeout)" || _ok=0
        ;;
    # Re-pointed: what the capture before it read has changed.
    0) mmha_capture "$(mmha_short_timeout)" || _ok=0 ;;
    esac
    if [ "$_ok" = 1 ] && [ "$MMHA_READ_ONLY" = 1 ]; then
        mmha_detach mm_reader_monitor "$_nw"
    fi
    rm -f "$(mmha_state_file repoint.busy)"
}

# mm_notify_repoint_validated: mm_notify_repoint once the parameters
# validate (a post-promote notification detaches it before validation).
# shellcheck disable=SC2317
mm_notify_repoint_validated() {
    mm_fill_defaults
    if ! mm_validate >/dev/null 2>&1; then
        rm -f "$(mmha_state_file repoint.busy)"
        return 0
    fi
    mm_notify_repoint
}

# mm_notify_wait: wait for a busy re-point, 10 s at most (promote and stop
# must not change replication under it).
mm_notify_wait() {
    mm_notify_busy || return 0
    _nwi=0
    while [ -e "$(mmha_state_file repoint.busy)" ] &&
        [ "$_nwi" -lt $((MMHA_REPOINT_WAIT_MS / 50)) ]; do
        sleep 0.05
        _nwi=$((_nwi + 1))
    done
    return 0
}

# mm_clients_note WRITER_RECORD: with writer_vip set, note the writer's
# TCP clients (its processlist) here: the connections this node resets
# once it is the writer and the address is up (mm_clients_tickle).  A
# writer out of reach leaves the last note (a crashed writer's clients
# are the ones to reset).
mm_clients_note() {
    [ -n "$OCF_RESKEY_writer_vip" ] || return 0
    _cn_addr=$(mmha_record_field "$1" addr) || return 0
    [ -n "$_cn_addr" ] || return 0
    _cn_f=$(mmha_state_file clients)
    # The record this note came from: the pre-demote note reuses it.
    printf '%s\n' "$1" >"$_cn_f.writer"
    _cn_hosts=$(mmha_helper mmha-binlog clients --host "${_cn_addr%:*}" \
        --port "${_cn_addr##*:}" --timeout "$(mmha_peer_timeout)" \
        --format shell 2>/dev/null) ||
        return 0
    # The clients reach the address at the writer's own port.
    printf '%s\n' "$_cn_hosts" | sed -n 's/^CLIENT=//p' |
        mmha_decide_tickles "$OCF_RESKEY_writer_vip" "${_cn_addr##*:}" \
        >"$_cn_f.new" && mv -f "$_cn_f.new" "$_cn_f"
}

# mm_clients_note_demoted DEMOTE_UNAMES: the pre-demote note of the
# writer's clients on the node about to be promoted: the writer's sessions
# end at its demotion, right after.  The writer's record comes from the
# last monitor's note when it names the node being demoted (no CIB query
# on the demotion's path), else from the CIB.
mm_clients_note_demoted() {
    _cd_rec=''
    [ -r "$(mmha_state_file clients.writer)" ] &&
        read -r _cd_rec <"$(mmha_state_file clients.writer)"
    _cd_node=$(mmha_record_field "$_cd_rec" node) || _cd_node=''
    mmha_in_list "${_cd_node:-?}" "$1" ||
        _cd_rec=$(mmha_cib_get writer) || _cd_rec=''
    mm_clients_note "$_cd_rec"
}
