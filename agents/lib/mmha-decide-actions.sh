# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# O_* are set by mmha_obs_read (mmha-decide.sh).
# shellcheck disable=SC2154
#
# mmha-decide-actions.sh: the plan of each mysql-mm action, decided whole
# from one observation.  Pure functions like the rest of mmha-decide.sh:
# an observation (KEY=value lines) in, a plan out, one line a step, for
# the executor (mmha_act_plan in mmha-act.sh):
#   do STEP [ARGS]              run an executor step; it logs its failure
#   must STEP [ARGS] || RC [WHY]  run it; if it fails the plan ends there
#                               with status RC ("-": the step's own) and
#                               WHY as the exit reason (none: the step's)
#   NAME VALUE                  a node attribute ("-" deletes it)
#   score SCORE REASON | epoch-file EPOCH | report SET | beat ... |
#   source ... | history EVENT FIELDS  the monitors' steps
#   log TEXT                    an info line
#   exit RC [WHY]               the status of the action
# The monitors' plans are decided in mmha-decide.sh
# (mmha_decide_reader_monitor, mmha_decide_writer_monitor).
#
# Copyright the mmha contributors.

# mmha_decide_start_server OBSERVATION: a start's first half, the server
# up.  STATUS (mm_status: 0 answers, 7 stopped, else failed), MANAGED (1:
# the agent runs mysqld, 0: attached).
mmha_decide_start_server() {
    mmha_obs_read "$1"
    case "${O_STATUS:-1}" in
    0) ;;
    7)
        echo "must helper-args || -"
        if [ "${O_MANAGED:-1}" = 1 ]; then
            echo "must server-options || -"
            echo "must mysqld-start || 1"
        else
            echo "must ping || 1 attached server does not answer"
            echo "do attached-mark"
        fi
        ;;
    *)
        echo "exit ${O_STATUS:-1}"
        return 0
        ;;
    esac
    # The PIXNET rule against the other masters, then the replica's net
    # timeout (both server-wide, for every later connection).
    echo "must ids || -"
    echo "do net-timeout"
    echo "exit 0"
}

# mmha_decide_start_reader OBSERVATION: a start's second half, a reader
# following the recorded writer.  CAPTURE_RC (mmha-binlog capture's exit),
# the capture (READ_ONLY, SERVER_ID), WRITER (record), EPOCH_FILE (its
# content), MY_NODE, REFUSE (1: writer_vip and writer_vip_refuse set).
mmha_decide_start_reader() {
    mmha_obs_read "$1"
    if [ "${O_CAPTURE_RC:-1}" != 0 ]; then
        echo "exit 1 cannot read the server's state (mmha-binlog capture exit ${O_CAPTURE_RC:-1})"
        return 0
    fi
    if [ "${O_READ_ONLY:-}" != 1 ]; then
        # Started writable (attached, or a leftover writer): a reader now.
        echo "do beat-stop"
        echo "must readonly || 1 cannot make the server read-only"
    fi
    # A semi-sync replica before its IO thread starts (an attached server;
    # a managed one started as one).
    if [ "${O_SEMISYNC:-off}" = on ] &&
        { [ "${O_SEMISYNC_REPLICA_ENABLED:-}" = 0 ] ||
            [ "${O_SEMISYNC_SOURCE_ENABLED:-}" = 1 ]; }; then
        echo "do semisync replica"
    fi
    [ -n "${O_WRITER:-}" ] && echo "do repoint $O_WRITER"
    # The epoch file is kept; recreated (after a reboot) when the cluster
    # records this node as the writer.
    if [ -z "${O_EPOCH_FILE:-}" ] &&
        [ "$(mmha_record_field "${O_WRITER:-}" node)" = "${O_MY_NODE:-}" ]; then
        _sr_e=$(mmha_record_field "$O_WRITER" epoch) &&
            [ -n "$_sr_e" ] && echo "epoch-file $_sr_e"
    fi
    [ "${O_REFUSE:-0}" = 1 ] && echo "do refuse"
    echo "score $(mmha_decide_score unpromoted "" 0 "" "" "${O_SERVER_ID:-0}")"
    echo "exit 0"
}

# mmha_decide_stop OBSERVATION: STATUS (mm_status_capture's), MANAGED,
# READ_ONLY.  A managed server is shut down; an attached one stays up, but
# never as a writer: a stop that cannot tell it is read-only fails
# (Pacemaker may promote elsewhere).
mmha_decide_stop() {
    mmha_obs_read "$1"
    echo "do beat-stop"
    if [ "${O_STATUS:-1}" = 7 ]; then
        printf 'peer -\nscore del stopped\nexit 0\n'
        return 0
    fi
    if [ "${O_MANAGED:-1}" = 1 ]; then
        # Positions written at a transaction boundary first (bounded).
        echo "do replication-stop"
        echo "must mysqld-stop || 1 mysqld did not stop"
    elif [ "${O_STATUS:-1}" != 0 ]; then
        echo "exit 1 attached server does not answer: cannot tell it is read-only"
        return 0
    else
        echo "do replication-stop"
        [ "${O_READ_ONLY:-}" = 1 ] ||
            echo "must readonly || 1 attached server could not be made read-only"
        echo "do attached-unmark"
    fi
    printf 'do state-clear\npeer -\nreceived -\nsemisync -\nscore del stopped\nexit 0\n'
}

# mmha_decide_demote OBSERVATION: STATUS, READ_ONLY, SERVER_ID, EPOCH
# (this writer's: its epoch file's, else the cluster's), WRITER_VIP (1:
# set), REFUSE (1: writer_vip_refuse too).  The history and
# the score are read while the server goes read-only (snapshot-start);
# the record is written with the final position mmha-readonly reports.
mmha_decide_demote() {
    mmha_obs_read "$1"
    case "${O_STATUS:-1}:${O_READ_ONLY:-}" in
    0:1)
        # Already read-only: only its heartbeat goes.
        printf 'do beat-stop\nexit 0\n'
        return 0
        ;;
    0:*) ;;
    *)
        echo "exit ${O_STATUS:-1}"
        return 0
        ;;
    esac
    echo "must hook pre-demote ${O_EPOCH:-} || 1 pre_demote_hook failed; demotion aborted"
    echo "do snapshot-start"
    echo "do beat-stop"
    # New connections refused here from now on, the address here or not:
    # set beside the read-only step (nft 15-30 ms, the step 35-140 ms),
    # joined after it.
    [ "${O_REFUSE:-0}" = 1 ] && echo "do refuse-par reader"
    echo "must demote-readonly || 1"
    # Read-only, it commits nothing more: the replica side for the new
    # writer's stream (off the address's path; the re-point starts it).
    [ "${O_SEMISYNC:-off}" = on ] && echo "do semisync-detached replica"
    # The connections the address had here, for the new writer to reset:
    # once the address has left, nothing this node sends them arrives.
    [ "${O_WRITER_VIP:-0}" = 1 ] && echo "do vip-clients"
    echo "do record-demote ${O_EPOCH:-}"
    echo "score $(mmha_decide_score unpromoted "" 0 "" "" "${O_SERVER_ID:-0}")"
    echo "do hook post-demote ${O_EPOCH:-}"
    echo "exit 0"
}

# mmha_decide_promote OBSERVATION: STATUS, READ_ONLY, BEAT_RUNNING,
# PREV_EPOCH, WRITER (the previous writer's record), HISTORY, STONITH (1:
# the cluster fences), MY_NODE, GRACE_MS (promote_grace), WRITER_VIP (1:
# set), REFUSE (1: writer_vip_refuse too); without fencing, what Pacemaker shows of the previous writer's
# node (PREV_IN_CCM, PREV_CRMD, PREV_LAST_OP, PREV_LAST_RC), LOST_AGE_MS
# (this node's mmha-guard saw a member leave that long ago), LINK_RULE
# (that guard's) and CONSENSUS_MS (corosync's).  Each step's inputs are in the observation; what a step learns
# (the catch-up's verdict, the tail received, the record written) goes
# into the operation's notes for the last ones.
mmha_decide_promote() {
    mmha_obs_read "$1"
    case "${O_STATUS:-1}" in
    0) ;;
    7)
        echo "exit 1 cannot promote: mysqld not running"
        return 0
        ;;
    *)
        echo "exit 1"
        return 0
        ;;
    esac
    if [ "${O_READ_ONLY:-}" = 0 ] && [ "${O_BEAT_RUNNING:-0}" = 1 ]; then
        printf 'log already the writer\nexit 0\n'
        return 0
    fi
    _dp_e=$(mmha_decide_next_epoch "${O_PREV_EPOCH:-}")
    _dp_prev=$(mmha_record_field "${O_WRITER:-}" node) || _dp_prev=
    echo "must hook pre-promote $_dp_e || 1 pre_promote_hook failed; promotion aborted"
    # A refused catch-up leaves the reader as it was; past it, nothing
    # more comes in from the old writer.
    echo "must catchup || 1"
    # Refused when the cleanly demoted writer's last writes cannot come
    # (mmha_decide_tail): the reader as it was.
    echo "must stop-receiving || 1"
    echo "do grace $(mmha_decide_grace "${O_STONITH:-1}" "$_dp_prev" \
        "${O_MY_NODE:-}" "$(mmha_decide_last_role "${O_HISTORY:-}")" \
        "${O_GRACE_MS:-0}" "$(mmha_decide_prev_seen "${O_PREV_IN_CCM:-}" \
        "${O_PREV_CRMD:-}" "${O_PREV_LAST_OP:-}" "${O_PREV_LAST_RC:-}")" \
        "${O_LOST_AGE_MS:-}" "${O_CONSENSUS_MS:-}" "${O_LINK_RULE:-}")"
    if [ "${O_SEMISYNC:-off}" = on ]; then
        # Semi-sync before the first write is accepted.  The IO thread is
        # stopped or its stop under way (mm_io_stop_begin): never restarted.
        echo "do semisync source keep-io"
        # Only another node's acknowledged writes can be missing here.  The
        # attribute is a monitor old: an IO thread stopped since (not
        # reconnecting: stopped, or failed) acknowledged nothing after.
        if [ -n "$_dp_prev" ] && [ "$_dp_prev" != "${O_MY_NODE:-}" ] &&
            { [ "${O_SEMISYNC_OLD:-}" != acking ] ||
                [ "${O_REPLICA_IO_RUNNING:-}" = no ]; }; then
            echo "warn promoting a reader that was not acknowledging semi-sync (${O_SEMISYNC_OLD:-unknown}, IO thread ${O_REPLICA_IO_RUNNING:-unknown}): writes the previous writer acknowledged may be missing"
        fi
    fi
    # The commit lets new connections in once the server is writable
    # (mm_refuse_set writer, writer_vip_refuse).
    echo "must commit $_dp_e || 1"
    [ "${O_WRITER_VIP:-0}" = 1 ] && echo "do tickle ${_dp_prev:--} $(mmha_record_field "${O_WRITER:-}" addr)"
    echo "do log-promoted $_dp_e"
    echo "do hook post-promote $_dp_e"
    echo "exit 0"
}

# mmha_decide_notify_plan OBSERVATION: TYPE_OP ("pre-demote", ...),
# MY_NODE, PROMOTE, DEMOTE, STOP (the notification's unames), CLIENT_NOTES
# (1: writer_vip and defaults_file set).  A notification never fails.
mmha_decide_notify_plan() {
    mmha_obs_read "$1"
    case "$(mmha_decide_notify "${O_TYPE_OP:-}" "${O_MY_NODE:-}" \
        "${O_PROMOTE:-}" "${O_DEMOTE:-}" "${O_STOP:-}")" in
    note-clients)
        [ "${O_CLIENT_NOTES:-0}" = 1 ] && echo "do note-clients ${O_DEMOTE:-}"
        ;;
    # The writer address waits for every post-promote notification: the
    # re-point runs past the end of this one.
    repoint) echo "do repoint-detached" ;;
    esac
    echo "exit 0"
}
