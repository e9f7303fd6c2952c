# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The policy constants are read by the agent and its executor.
# shellcheck disable=SC2034
#
# mmha-decide.sh: the decisions of the mysql-mm agent as pure functions.
#
# Every function here takes its inputs as arguments and prints its answer
# on stdout: no server, no Pacemaker tool, no global state is touched, so
# test/agent/020-decide.bats calls them directly.  The agent gathers the
# inputs (agents/lib/mmha-observe.sh) and acts on the answer
# (agents/lib/mmha-act.sh).
#
# Copyright the mmha contributors.

# Promotion scores.  Pacemaker promotes the highest; a node without a score
# is never promoted.  Readers score below the writer so that a running
# writer keeps its role; every full lag step costs MMHA_SCORE_STEP points,
# down to MMHA_SCORE_READER_MIN; the last digit breaks ties stably.
MMHA_SCORE_PROMOTED=1000
MMHA_SCORE_READER_MAX=900
MMHA_SCORE_READER_MIN=100
MMHA_SCORE_STEP=10
MMHA_SCORE_STOPPED_SQL=1
# With semisync=on, a reader that does not acknowledge the writer's
# stream scores this much less: any acknowledging reader less than 40 lag
# steps behind is promoted before it (only it can hold every write the
# writer acknowledged).
MMHA_SCORE_NOACK=400
# A reader that received less of the writer's stream than another reader
# scores this much less: of several readers the one holding the most of
# what the writer wrote is promoted (lag and the last digit break ties
# between readers that received as much).
MMHA_SCORE_BEHIND=200
# How long a promotion after a clean demotion lets the IO thread receive
# the old writer's final position (ms).
MMHA_TAIL_WAIT_MS=1000
# A re-point a notification detached counts as running this long (s);
# promote and stop wait for it at most MMHA_REPOINT_WAIT_MS.
MMHA_REPOINT_BUSY_S=30
MMHA_REPOINT_WAIT_MS=10000
# A writer's failed attempt to replicate from a reader is not repeated
# for this long (s).
MMHA_SOURCE_RETRY_S=30
# Seconds the records that no role change reads wait after a promotion
# (mm_promoted_records: off the writer address's path).
MMHA_RECORDS_DELAY_S=0.5
# A membership change this old (ms) is not the one that removed the
# previous writer: the promotion's grace falls back to promote_grace.
MMHA_GRACE_LOST_MAX_MS=30000
# Role changes kept in the history record (mmha_decide_history).
MMHA_HISTORY_MAX=20
# Lag that costs one step (ms); unknown lag counts as this many steps.
MMHA_LAG_STEP_MS=1000
MMHA_LAG_UNKNOWN_STEPS=40

# mmha_is_uint S: S is a non-empty string of digits.
mmha_is_uint() {
    case "$1" in
    '' | *[!0-9]*) return 1 ;;
    esac
    return 0
}

# mmha_is_ipv4 S: S is a dotted-quad IPv4 address.
# In the shell: every monitor validates writer_vip.
mmha_is_ipv4() {
    case "$1" in
    *[!0-9.]* | .* | *. | *..*) return 1 ;;
    esac
    _ip_r=$1 _ip_n=0
    while [ -n "$_ip_r" ]; do
        _ip_o=${_ip_r%%.*}
        case "$_ip_r" in
        *.*) _ip_r=${_ip_r#*.} ;;
        *) _ip_r='' ;;
        esac
        _ip_n=$((_ip_n + 1))
        # 0-255, no leading zero.
        case "$_ip_o" in
        [0-9] | [1-9][0-9] | 1[0-9][0-9] | 2[0-4][0-9] | 25[0-5]) ;;
        *) return 1 ;;
        esac
    done
    [ "$_ip_n" = 4 ]
}

# mmha_in_list WORD LIST: WORD is one of the space-separated words of LIST
# (Pacemaker's notify *_uname variables).
mmha_in_list() {
    case " $2 " in
    *" $1 "*) return 0 ;;
    esac
    return 1
}

# mmha_kv_get TEXT KEY: the value of KEY in a helper's KEY=value lines
# (--format shell); status 1 when there is no such line.
mmha_kv_get() {
    while IFS= read -r _kg_l; do
        case "$_kg_l" in
        "$2="*)
            printf '%s\n' "${_kg_l#*=}"
            return 0
            ;;
        esac
    done <<EOT
$1
EOT
    return 1
}

# mmha_obs_read OBSERVATION: O_<KEY> set to the value of each KEY=value
# line (KEY made of A-Z, 0-9 and "_"; a later line wins); the lines
# "PEER ..." collected in O_PEERS (without the word PEER).  For the decide
# functions, which run in a subshell of their own: nothing leaks.
mmha_obs_read() {
    O_PEERS='' O_RECEIVED=''
    while IFS= read -r _or_l; do
        case "$_or_l" in
        'PEER '*)
            O_PEERS="$O_PEERS${_or_l#PEER }
"
            ;;
        'RECEIVED '*)
            O_RECEIVED="$O_RECEIVED${_or_l#RECEIVED }
"
            ;;
        [A-Z]*=*)
            _or_k=${_or_l%%=*}
            case "$_or_k" in
            *[!A-Z0-9_]*) ;;
            # The name is checked; the value is assigned, never run.
            *) eval "O_$_or_k=\${_or_l#*=}" ;;
            esac
            ;;
        esac
    done <<EOT
$1
EOT
}

# mmha_record_field RECORD KEY: one key=value field of a record.
mmha_record_field() {
    for _f in $1; do
        case "$_f" in
        "$2="*)
            echo "${_f#*=}"
            return 0
            ;;
        esac
    done
    return 1
}

# mmha_decide_score ROLE SQL_RUNNING SQL_ERRNO ERRANT LAG_MS SERVER_ID
#   ROLE        promoted | unpromoted
#   SQL_RUNNING yes | no | "" (replication not configured)
#   SQL_ERRNO   last SQL thread error number (0 = none)
#   ERRANT      1 = this server holds transactions the writer lacks,
#               0 = none, "" = unknown
#   LAG_MS      measured lag in ms, "" when unknown
#   SERVER_ID   this server's server_id (tie-breaker)
#   NOACK BEHIND  1: not acknowledging semi-sync / received less than
#               another reader
#   NAME_RANK   with several readers, mmha_decide_name_rank's figure: the
#               tie-breaker in place of the server_id's last digit
# Prints "SCORE REASON...", SCORE being a number or "del" (remove the
# score: this node must not be promoted).
mmha_decide_score() {
    _role=$1 _sql=$2 _errno=${3:-0} _errant=$4 _lag=$5 _sid=${6:-0}
    _noack=${7:-0} _behind=${8:-0} _rank=${9:-}
    if [ "$_role" = promoted ]; then
        echo "$MMHA_SCORE_PROMOTED writer"
        return 0
    fi
    if [ "$_errno" != 0 ]; then
        echo "del broken: SQL thread error $_errno"
        return 0
    fi
    if [ "$_errant" = 1 ]; then
        echo "del broken: errant transactions"
        return 0
    fi
    if [ "$_sql" = no ]; then
        echo "$MMHA_SCORE_STOPPED_SQL SQL thread stopped"
        return 0
    fi
    if mmha_is_uint "$_lag"; then
        _steps=$((_lag / MMHA_LAG_STEP_MS))
        _why="lag ${_lag} ms"
    else
        _steps=$MMHA_LAG_UNKNOWN_STEPS
        _why="lag unknown"
    fi
    _score=$((MMHA_SCORE_READER_MAX - _steps * MMHA_SCORE_STEP))
    if [ "$_noack" = 1 ]; then
        _score=$((_score - MMHA_SCORE_NOACK))
        _why="$_why, not acknowledging semi-sync"
    fi
    if [ "$_behind" = 1 ]; then
        _score=$((_score - MMHA_SCORE_BEHIND))
        _why="$_why, received less than another reader"
    fi
    if [ "$_score" -lt "$MMHA_SCORE_READER_MIN" ]; then
        _score=$MMHA_SCORE_READER_MIN
    fi
    # Equal lag steps: the name decides (issue 18), else the server_id.
    mmha_is_uint "$_sid" || _sid=0
    mmha_is_uint "$_rank" || _rank=$((_sid % 10))
    _score=$((_score - _rank))
    echo "$_score reader, $_why"
}

# mmha_decide_semisync ROLE WANT SOURCE_ENABLED SOURCE_ACTIVE
#                      REPLICA_ENABLED REPLICA_ACTIVE IO OLD NO_TX TIMEOUTS
#   ROLE     writer | reader
#   WANT     the semisync parameter: on | off
#   SOURCE_* REPLICA_*  mmha-binlog capture's 0|1 ("" when the server
#            has no semi-sync), IO the replica's IO thread (yes | no |
#            connecting), OLD the node's semisync attribute as it was,
#            NO_TX the writer's transactions committed unacknowledged,
#            TIMEOUTS "SET WANTED": the writer's wait and semisync_timeout.
# Prints a monitor's semi-sync lines: "do semisync source|replica|off"
# when the server's settings are not its role's (a reload, an operator,
# a mysqld restarted outside the agent), then the attribute "semisync
# VALUE": active | degraded on the writer, acking | not-acking on a
# reader, unavailable on a server without semi-sync, "-" when turned
# off; and a "warn" line when the state turns bad.  A reader whose IO thread is
# reconnecting keeps its value: it acknowledged up to the loss of its
# source, which is what a promotion after that loss needs to know.
mmha_decide_semisync() {
    _ss_se=$3 _ss_sa=$4 _ss_re=$5 _ss_ra=$6 _ss_io=$7 _ss_old=$8
    if [ "$2" != on ]; then
        # Only where it was on: no attribute query at every monitor.
        if [ "$_ss_se" = 1 ] || [ "$_ss_re" = 1 ]; then
            printf 'do semisync off\nsemisync -\n'
        fi
        return 0
    fi
    if [ -z "$_ss_se" ]; then
        [ "$_ss_old" = unavailable ] ||
            echo "warn semisync=on, but this server has no semi-synchronous replication (MySQL: load its semisync plugins)"
        echo "semisync unavailable"
        return 0
    fi
    if [ "$1" = writer ]; then
        _ss_t=${10:-}
        if [ "$_ss_se" != 1 ] || [ "$_ss_re" = 1 ] ||
            [ "${_ss_t% *}" != "${_ss_t#* }" ]; then
            echo "do semisync source"
        fi
        _ss_v=degraded
        [ "$_ss_se" = 1 ] && [ "$_ss_sa" = 1 ] && _ss_v=active
        # Each episode logged and kept in the history (counted there:
        # mmha history, mmha metrics).
        if [ "$_ss_v" = degraded ] && [ "$_ss_old" != degraded ]; then
            echo "warn semi-sync degraded: no reader acknowledges; the writer commits asynchronously (${9:-0} transactions unacknowledged so far)"
            echo "history semisync-degraded unacked=${9:-0}"
        fi
        echo "semisync $_ss_v"
        return 0
    fi
    if [ "$_ss_re" != 1 ] || [ "$_ss_se" = 1 ]; then
        echo "do semisync replica"
    fi
    case "$_ss_io:$_ss_old" in
    connecting:?*) _ss_v=$_ss_old ;;
    yes:*)
        _ss_v=not-acking
        [ "$_ss_re" = 1 ] && [ "$_ss_ra" = 1 ] && _ss_v=acking
        ;;
    *) _ss_v=not-acking ;;
    esac
    [ "$_ss_v" = not-acking ] && [ "$_ss_old" = acking ] &&
        echo "warn semi-sync: this reader no longer acknowledges the writer's stream (IO thread $_ss_io)"
    echo "semisync $_ss_v"
}

# mmha_decide_received_behind MY_NODE "SOURCE FILE:POS" WRITER_NODE LINES:
# another reader of the same source has received more of its binary log
# than this one (LINES: the readers' received attributes, "NODE SOURCE
# FILE:POS" each; the writer's own line, a leftover from when it was a
# reader, does not count).  What a reader received, not what it applied,
# is what it can still apply after the writer is gone.
mmha_decide_received_behind() {
    _rb_src=${2% *} _rb_at=${2#* }
    [ -n "$_rb_src" ] && [ "$_rb_src" != "$2" ] || return 1
    while read -r _rb_n _rb_s _rb_a; do
        [ -n "$_rb_a" ] && [ "$_rb_n" != "$1" ] && [ "$_rb_n" != "$3" ] &&
            [ "$_rb_s" = "$_rb_src" ] || continue
        # Ahead: this reader has not received up to the other's position.
        mmha_is_uint "${_rb_a##*:}" && mmha_is_uint "${_rb_at##*:}" &&
            ! mmha_decide_read_reached "${_rb_at%:*}" "${_rb_at##*:}" \
                "${_rb_a%:*}" "${_rb_a##*:}" && return 0
    done <<EOT
$4
EOT
    return 1
}

# mmha_decide_name_rank NODE RECEIVED_LINES: how many other nodes named in
# the "NODE SOURCE FILE:POS" lines sort before NODE (byte order), 9 at
# most: readers otherwise equal are promoted in name order.  Every reader
# sees the same names, so their ranks differ.
mmha_decide_name_rank() {
    _nr=0
    while read -r _nr_n _; do
        if [ -z "$_nr_n" ] || [ "$_nr_n" = "$1" ]; then
            continue
        fi
        # dash's and bash's test compare bytes (POSIX.1-2024 has it too).
        # shellcheck disable=SC3012
        [ "$_nr_n" \< "$1" ] && _nr=$((_nr + 1))
    done <<EOT
$2
EOT
    [ "$_nr" -gt 9 ] && _nr=9
    echo "$_nr"
}

# mmha_decide_start_semisync VERSION_LINE MODE: mysqld's start options
# for semisync=on, from its --version line and replication_mode: MariaDB
# 10.3+ has semi-sync built in, and mysqld starts as a semi-sync replica
# (every start is a reader's); MySQL's plugins come from its config.
# MariaDB 10.6+ with GTIDs also starts with --init-rpl-role=SLAVE
# (MDEV-21117): a crashed writer's unacknowledged tail is truncated at
# recovery instead of committed, so it never becomes an errant set.  A
# reader may have received that tail: the re-point fetches it back (its
# IO thread alone would drop events with its own server_id: a silent
# divergence, measured, see docs/operations.md), which needs GTIDs.
mmha_decide_start_semisync() {
    case "$1" in
    *MariaDB*) ;;
    *) return 0 ;;
    esac
    _sv=$(printf '%s\n' "$1" | sed -n 's/.*Ver \([0-9]*\)\.\([0-9]*\)\..*/\1 \2/p')
    _sv_ma=${_sv% *} _sv_mi=${_sv#* }
    mmha_is_uint "$_sv_ma" && mmha_is_uint "$_sv_mi" || return 0
    _sv_v=$((_sv_ma * 1000 + _sv_mi))
    [ "$_sv_v" -ge 10003 ] || return 0
    if [ "$_sv_v" -ge 10006 ] && [ "${2:-gtid}" = gtid ]; then
        echo --rpl-semi-sync-slave-enabled=1 --init-rpl-role=SLAVE
    else
        echo --rpl-semi-sync-slave-enabled=1
    fi
}

# mmha_decide_reader_health CONFIGURED IO_STATE SQL_RUNNING SQL_ERRNO
#                            IO_ERRNO WRITER_ELSEWHERE
#   CONFIGURED       1 = a replication source is set
#   IO_STATE         yes | no | connecting
#   SQL_RUNNING      yes | no
#   WRITER_ELSEWHERE 1 = the cluster records another node as the writer
# Prints "ok" or "failed REASON": a reader that does not replicate is a
# failed resource, never a healthy Unpromoted.  A connecting IO thread is
# healthy: the writer may be the one that is down.  So is a stopped IO
# thread (without error) while no other node is the writer.
mmha_decide_reader_health() {
    _conf=$1 _io=$2 _sql=$3 _serr=${4:-0} _ierr=${5:-0} _other=$6
    if [ "$_conf" != 1 ]; then
        if [ "$_other" = 1 ]; then
            echo "failed replication not configured although another node is the writer"
        else
            echo ok
        fi
        return 0
    fi
    if [ "$_sql" != yes ]; then
        if [ "$_serr" != 0 ]; then
            echo "failed SQL thread stopped with error $_serr"
        else
            echo "failed SQL thread not running"
        fi
        return 0
    fi
    case "$_io" in
    yes | connecting) echo ok ;;
    *)
        if [ "$_ierr" != 0 ]; then
            echo "failed IO thread stopped with error $_ierr"
        elif [ "$_other" != 1 ]; then
            # A demoted writer: it stopped receiving at its promotion and
            # follows the next writer on the post-promote notification.
            echo ok
        else
            echo "failed IO thread not running"
        fi
        ;;
    esac
}

# mmha_decide_notify TYPE_OP MY_NODE PROMOTE_UNAMES [DEMOTE_UNAMES
#                    STOP_UNAMES]
#   TYPE_OP  "$notify_type-$notify_operation", e.g. post-promote
# Prints what this node does: "repoint" (follow the new writer at its
# recorded position), "note-clients" (about to be promoted in a planned
# demotion: note the writer's clients before the demotion ends their
# sessions there) or "none".  A writer that is also stopped has failed or
# its node is gone: asking it would only wait for a timeout on the way to
# the promotion (its last monitor's note serves).
mmha_decide_notify() {
    case "$1" in
    pre-demote)
        if [ -z "$3" ] || ! mmha_in_list "$2" "$3"; then
            echo none
            return 0
        fi
        for _dn_node in ${4:-}; do
            if mmha_in_list "$_dn_node" "${5:-}"; then
                echo none
                return 0
            fi
        done
        echo note-clients
        ;;
    post-promote)
        if [ -z "$3" ] || mmha_in_list "$2" "$3"; then
            echo none
        else
            echo repoint
        fi
        ;;
    *) echo none ;;
    esac
}

# mmha_decide_catchup POLICY WAIT_RC TIMEOUT_ACTION
#   POLICY          immediate | wait
#   WAIT_RC         exit status of "mmha-binlog wait --drain" ("" when the
#                   policy did not wait)
#   TIMEOUT_ACTION  promote | fail
# Prints "promote REASON" or "fail REASON".
mmha_decide_catchup() {
    if [ "$1" = immediate ]; then
        echo "promote immediate: the backlog keeps applying"
        return 0
    fi
    case "$2" in
    0) echo "promote relay log drained" ;;
    124)
        if [ "$3" = fail ]; then
            echo "fail catch-up timed out"
        else
            echo "promote catch-up timed out; promoting anyway"
        fi
        ;;
    80) echo "fail replication error while catching up" ;;
    *) echo "fail catch-up wait failed with status $2" ;;
    esac
}

# mmha_decide_deadline OP_TIMEOUT_MS: the --timeout (seconds, may be
# fractional) for a helper inside an operation: the operation's timeout
# less a margin for the agent's own work (10 %, at least 2 s), never below
# 1 s.  An empty or bad value means Pacemaker's default 20 s.
mmha_decide_deadline() {
    _t=$1
    mmha_is_uint "$_t" || _t=20000
    _m=$((_t / 10))
    [ "$_m" -ge 2000 ] || _m=2000
    _d=$((_t - _m))
    [ "$_d" -ge 1000 ] || _d=1000
    printf '%d.%03d\n' $((_d / 1000)) $((_d % 1000))
}

# mmha_decide_next_epoch CURRENT: the writer epoch after a promotion.
mmha_decide_next_epoch() {
    if mmha_is_uint "$1"; then
        echo $(($1 + 1))
    else
        echo 1
    fi
}

# mmha_decide_history OLD RECORD MAX: the audit trail with RECORD appended,
# keeping the last MAX records (";"-separated).
mmha_decide_history() {
    if [ -z "$1" ]; then
        echo "$2"
        return 0
    fi
    printf '%s;%s\n' "$1" "$2" | tr ';' '\n' | tail -n "$3" | paste -sd ';' -
}

# mmha_decide_ids MY_NODE MY_SERVER_ID MY_INC MY_OFFSET PEERS
#   PEERS  lines "node server_id increment offset" recorded by the other
#          masters (this node's own line is ignored).
# The PIXNET rule for masters that all take writes at some time: server_id
# unique, the same auto_increment_increment everywhere, at least as large
# as the number of masters, and a distinct offset in 1..increment.
# Prints "ok" or "error REASON".
mmha_decide_ids() {
    _me=$1 _sid=$2 _inc=$3 _off=$4
    if ! mmha_is_uint "$_sid" || [ "$_sid" = 0 ]; then
        echo "error server_id must be set to a non-zero number (is '$_sid')"
        return 0
    fi
    if ! mmha_is_uint "$_inc" || ! mmha_is_uint "$_off" ||
        [ "$_off" -lt 1 ] || [ "$_off" -gt "$_inc" ]; then
        echo "error auto_increment_offset ($_off) must be in 1..auto_increment_increment ($_inc)"
        return 0
    fi
    _n=1
    _err=
    while read -r _pn _psid _pinc _poff; do
        if [ -z "$_pn" ] || [ "$_pn" = "$_me" ]; then
            continue
        fi
        _n=$((_n + 1))
        if [ "$_psid" = "$_sid" ]; then
            _err="server_id $_sid is also used by $_pn"
        elif [ "$_pinc" != "$_inc" ]; then
            _err="auto_increment_increment is $_inc here but $_pinc on $_pn"
        elif [ "$_poff" = "$_off" ]; then
            _err="auto_increment_offset $_off is also used by $_pn"
        fi
        [ -z "$_err" ] || break
    done <<EOT
$5
EOT
    if [ -n "$_err" ]; then
        echo "error $_err"
    elif [ "$_inc" -lt "$_n" ]; then
        echo "error auto_increment_increment ($_inc) is smaller than the number of masters ($_n)"
    else
        echo ok
    fi
}

# mmha_decide_repoint SOURCE_ADDR WRITER_ADDR IO_STATE SQL_RUNNING [MODE]
#                     [IGNORED_DOMAINS]
# After a promotion: does this reader have to be re-pointed?  Not when it
# already replicates from the writer with both threads up and ignores no
# GTID domain (a demoted master in a master-master pair does, unless its
# channel still ignores the domain of the reader it replicated from as
# the writer: that is now the writer's own domain); yes otherwise, so that
# every reader really replicates everything after a role change.
# MODE filepos: a reader that replicates healthily from another master
# stays there (it gets the new writer's events through that master, which
# replicates from the writer): moving it to a position recorded on the
# writer could apply an event twice, since file/position coordinates of two
# servers do not map onto each other.  Only a reader whose replication
# does not run is re-pointed.  GTID mode has no such problem.
mmha_decide_repoint() {
    if [ -z "$2" ]; then
        echo "no writer recorded"
        return 1
    fi
    _healthy=0
    if [ "$4" = yes ]; then
        case "$3" in
        yes | connecting) _healthy=1 ;;
        esac
    fi
    if [ -n "${6:-}" ]; then
        echo "repoint to $2 (the channel ignores GTID domains $6)"
        return 0
    fi
    if [ "$_healthy" = 1 ] && [ "$1" = "$2" ]; then
        echo "already replicating from $2"
        return 1
    fi
    if [ "$_healthy" = 1 ] && [ "${5:-gtid}" = filepos ] && [ "$3" = yes ]; then
        echo "file/position mode: keeps replicating from $1"
        return 1
    fi
    echo "repoint to $2"
    return 0
}

# mmha_decide_last_role HISTORY: the last promote or demote record of the
# audit trail (";"-separated; errant reports are skipped).
mmha_decide_last_role() {
    printf '%s\n' "$1" | tr ';' '\n' | grep -E '^(promote|demote) ' |
        tail -n 1
}

# mmha_decide_clean_demote WRITER_NODE LAST_ROLE_RECORD: the recorded
# writer left its role through a demotion (its final position recorded).
mmha_decide_clean_demote() {
    [ -n "$1" ] || return 1
    case "$2" in
    "demote node=$1 "*) return 0 ;;
    esac
    return 1
}

# mmha_decide_tail CLEAN FROM_OLD REACHED IO IO_ERRNO SQL SQL_ERRNO
#   CLEAN     1: the previous writer (another node) demoted cleanly, so
#             its final position is recorded and every write it
#             acknowledged is in its binary log
#   FROM_OLD  1: this server's channel is the previous writer's address
#   REACHED   1: the IO thread received up to that final position
#   IO, SQL   the threads' states (yes, connecting, no); *_ERRNO their
#             last errors
# At promotion, after the bounded wait for the old writer's tail: prints
# "ok REASON", or "refuse REASON" with status 1 when this server cannot
# hold the cleanly demoted writer's last writes and never will: its
# source refuses its position (1236, a diverged server), its replication
# stopped on an error, or it replicates from elsewhere and that does not
# run.  Promoted, it would drop writes that were acknowledged on a
# planned operation (bench/chaos: a switchover forced onto a reader that
# had failed on 1236 lost 3137), while the old writer, read-only and
# healthy, can take the role back.  An old writer that cannot be reached
# (it went away after its demotion) or a reader that is only behind does
# not stop the promotion: nothing more can come, or it keeps applying.
mmha_decide_tail() {
    if [ "$1" != 1 ]; then
        echo "ok no clean demotion elsewhere"
        return 0
    fi
    if [ "$3" = 1 ]; then
        echo "ok the old writer's final position received"
        return 0
    fi
    if [ "$5" = 1236 ]; then
        echo "refuse its source refuses this server's position (error 1236): diverged, the old writer's last writes cannot arrive"
        return 1
    fi
    if [ "$6" = no ] && [ "${7:-0}" != 0 ]; then
        echo "refuse replication stopped on error $7: the old writer's last writes would not be applied"
        return 1
    fi
    if [ "$2" != 1 ]; then
        case "$4:$6" in
        yes:yes | connecting:yes)
            echo "ok replicating from another source"
            return 0
            ;;
        esac
        echo "refuse not replicating from the old writer, and the replication from elsewhere does not run (IO $4, SQL $6)"
        return 1
    fi
    echo "ok the old writer's final position not received (IO $4, error ${5:-0}): nothing more can come"
    return 0
}

# mmha_decide_grace STONITH PREV_WRITER MY_NODE LAST_ROLE_RECORD GRACE_MS
#                   [PREV_SEEN LOST_AGE_MS CONSENSUS_MS LINK_RULE]
#   STONITH      1 = the cluster fences, 0 = stonith-enabled=false
#   PREV_SEEN    what Pacemaker shows of the previous writer's node now
#                (mmha_decide_prev_seen): "down OP RC" (a member whose
#                instance Pacemaker stopped or demoted), "lost" (out of
#                the membership), anything else unknown
#   LOST_AGE_MS  how long ago this node's mmha-guard saw a member leave
#   CONSENSUS_MS corosync's consensus timeout
#   LINK_RULE    "on": the guards act on knet link loss (3+ nodes, no
#                two_node); otherwise on the membership change itself
# Prints "MS REASON": how long a promotion waits before the server becomes
# writable.  Without fencing, a previous writer on another node that did
# not demote cleanly may still be writable behind a partition; its
# mmha-guard makes it read-only within token + 500 ms of its last contact
# with the others when its link rule is on, else within 500 ms of its own
# membership change, which both sides see at once (docs/mmha-guard.8).
# So: no wait when Pacemaker itself stopped or demoted that instance on a
# node still in the membership; when the node left, the wait ends at that
# bound - with the link rule, the membership changed token + consensus
# after the last contact, so 500 - consensus ms after the change; without
# it, 500 ms after the change; with nothing known, GRACE_MS.  With fencing
# Pacemaker promotes only after the fence succeeded: no wait.
mmha_decide_grace() {
    if [ "$1" = 1 ]; then
        echo "0 fencing on"
    elif [ -z "$2" ] || [ "$2" = "$3" ]; then
        echo "0 no previous writer elsewhere"
    elif mmha_decide_clean_demote "$2" "$4"; then
        echo "0 $2 demoted cleanly"
    else
        case "${6:-}" in
        down*)
            echo "0 fencing off, $2 did not demote cleanly, but Pacemaker ${6#down } on a node still in the membership"
            return 0
            ;;
        lost)
            if mmha_is_uint "${7:-}" && [ "$7" -le "$MMHA_GRACE_LOST_MAX_MS" ]; then
                _dg_c=${8:-0}
                mmha_is_uint "$_dg_c" || _dg_c=0
                _dg_why="token + 500 ms after its last contact, consensus $_dg_c ms"
                if [ "${9:-}" != on ]; then
                    _dg_c=0
                    _dg_why="500 ms after the membership change"
                fi
                _dg_w=$((500 - _dg_c - $7))
                [ "$_dg_w" -gt 0 ] || _dg_w=0
                echo "$_dg_w fencing off and $2 left the membership $7 ms ago: its mmha-guard's bound ($_dg_why)"
                return 0
            fi
            ;;
        esac
        echo "${5:-0} fencing off and $2 did not demote cleanly"
    fi
}

# mmha_decide_prev_seen IN_CCM CRMD LAST_OP LAST_RC: what Pacemaker shows
# of the previous writer's node (its node_state and its instance's last
# operation): "down stopped its instance", "down demoted its instance",
# ... for a member whose instance is known not to be the writer, "lost"
# for a node out of the membership, "unknown" otherwise.  in_ccm and crmd are "true"/"online" or, in newer
# Pacemaker, the time they became so.
mmha_decide_prev_seen() {
    case "$1" in
    '') echo unknown ;;
    false) echo lost ;;
    *)
        if [ "$2" = offline ] || [ -z "$2" ]; then
            echo unknown
            return 0
        fi
        case "$3:$4" in
        stop:0) echo "down stopped its instance" ;;
        demote:0) echo "down demoted its instance" ;;
        start:0 | monitor:0) echo "down started its instance as a reader" ;;
        monitor:7) echo "down found its instance not running" ;;
        *) echo unknown ;;
        esac
        ;;
    esac
}

# mmha_decide_errant NOW RECORDED
#   NOW       the errant GTID set found now, "" none, "?" unknown
#   RECORDED  the set this node's errant attribute holds ("" none)
# Prints "report SET" (new or changed: record, log, publish), "keep SET"
# (still reported: the attribute stays until an operator deletes it after
# the repair, even when the check comes back clean), "clean" or "unknown".
mmha_decide_errant() {
    if [ "$1" = '?' ]; then
        if [ -n "$2" ]; then echo "keep $2"; else echo unknown; fi
    elif [ -n "$1" ]; then
        if [ "$1" = "$2" ]; then echo "keep $2"; else echo "report $1"; fi
    elif [ -n "$2" ]; then
        echo "keep $2"
    else
        echo clean
    fi
}

# mmha_decide_binlog_seq FILE: the sequence number of a binary log file
# name (mariadb-bin.000042 -> 42), 0 when it has none.
mmha_decide_binlog_seq() {
    _bs=${1##*.}
    while [ "${_bs#0}" != "$_bs" ]; do
        _bs=${_bs#0}
    done
    mmha_is_uint "$_bs" || _bs=0
    echo "${_bs:-0}"
}

# mmha_decide_read_reached READ_FILE READ_POS TARGET_FILE TARGET_POS: the
# IO thread has received the source's binary log up to the target.
mmha_decide_read_reached() {
    mmha_is_uint "$2" && mmha_is_uint "$4" || return 1
    _rf=$(mmha_decide_binlog_seq "$1")
    _tf=$(mmha_decide_binlog_seq "$3")
    [ "$_rf" -gt "$_tf" ] && return 0
    [ "$_rf" -eq "$_tf" ] && [ "$2" -ge "$4" ]
}

# mmha_decide_writer_source EPOCH MODE SOURCE IO SQL PREFERRED PEERS
#                           [IGNORED_DOMAINS]
#   EPOCH      the writer's epoch
#   MODE       gtid | filepos
#   SOURCE     the writer's own replication source HOST:PORT ("" none)
#   IO, SQL    its replication threads (yes | connecting | no)
#   PREFERRED  the node to prefer (the previous writer: the other master)
#   PEERS      lines "NODE PEER ERRANT": each other node's peer attribute
#              ("EPOCH@HOST:PORT", "-" when unset) and errant set ("-")
#   IGNORED_DOMAINS  the GTID domains the writer's channel ignores ("")
# Master-master both ways, never pulling a split brain's transactions: the
# writer replicates from another master only when that one is a healthy
# reader of this writer (same epoch) without errant transactions, and in
# GTID mode ignoring that reader's own GTID domain, so that a write made
# on the reader later never comes in (the reader reports it errant).  A
# running GTID channel that ignores no domain (set up by anything else) is
# re-pointed.
# Prints "keep REASON", "none REASON" or "repoint NODE ADDR".
mmha_decide_writer_source() {
    _ep=$1 _mode=$2 _src=$3 _io=$4 _sqlr=$5 _pref=$6
    if [ -n "$_src" ] && [ "$_sqlr" = yes ] &&
        { [ "$_mode" = filepos ] || [ -n "${8:-}" ]; }; then
        case "$_io" in
        yes | connecting)
            echo "keep replicating from $_src"
            return 0
            ;;
        esac
    fi
    _pick='' _first=''
    while read -r _pn _pv _pe; do
        [ -n "$_pn" ] || continue
        [ "${_pe:--}" = - ] || continue
        case "$_pv" in
        "$_ep@"?*) _pa=${_pv#*@} ;;
        *) continue ;;
        esac
        # File/position coordinates of two servers do not map: only the
        # source already configured can be resumed.
        [ "$_mode" = filepos ] && [ "$_pa" != "$_src" ] && continue
        [ -n "$_first" ] || _first="$_pn $_pa"
        [ "$_pn" = "$_pref" ] && _pick="$_pn $_pa"
    done <<EOT
$7
EOT
    [ -n "$_pick" ] || _pick=$_first
    if [ -z "$_pick" ]; then
        echo "none no healthy reader of epoch $_ep without errant transactions"
        return 0
    fi
    echo "repoint $_pick"
}

# mmha_decide_previous_writer HISTORY MY_NODE: the node of the last
# promotion recorded for another node ("" when none).
mmha_decide_previous_writer() {
    printf '%s\n' "$1" | tr ';' '\n' | sed -n 's/^promote node=\([^ ]*\) .*/\1/p' |
        grep -vx -- "$2" | tail -n 1
}

# mmha_decide_beat ROW_AGE_MS BEAT_AGE_MS LIMIT_MS RESTARTED
#   ROW_AGE_MS  age of the writer's own heartbeat row ("" when no row,
#               "?" when it could not be read in time: the table is locked)
#   BEAT_AGE_MS how long the running heartbeat process has run
#   LIMIT_MS    a row older than this is stale
#   RESTARTED   1 when the heartbeat was already restarted for staleness
# Prints "ok", "restart WHY" (restart the heartbeat once) or "failed WHY"
# (the writer's writes do not commit: a lock, a full disk, a hung server).
mmha_decide_beat() {
    _db_row=$1 _db_run=${2:-0} _db_lim=$3 _db_re=${4:-0}
    if [ -n "$_db_row" ] && [ "$_db_row" != '?' ] &&
        [ "$_db_row" -le "$_db_lim" ]; then
        echo ok
        return 0
    fi
    # A heartbeat started moments ago may not have written yet.
    if [ "$_db_run" -lt "$_db_lim" ]; then
        echo ok
        return 0
    fi
    if [ "$_db_row" = '?' ]; then
        _db_why="heartbeat row unreadable within 1 s (table locked?)"
    elif [ -n "$_db_row" ]; then
        _db_why="heartbeat row ${_db_row} ms old (limit ${_db_lim} ms)"
    else
        _db_why="no heartbeat row after ${_db_run} ms"
    fi
    if [ "$_db_re" = 1 ]; then
        echo "failed $_db_why: the writer's writes do not commit"
    else
        echo "restart $_db_why"
    fi
}

# mmha_decide_io_stall IO READ_FILE NOTED_MS NOW_MS LIMIT_MS
#   IO         the replica IO thread state (yes, connecting, no)
#   READ_FILE  the source binary log file it has read ("" none yet)
#   NOTED_MS   when this node first saw it running with nothing read
#              ("" not noted)
# A connected IO thread receives the source's file name at once (its
# first event); running or reconnecting (slave_net_timeout ends a silent
# connection) for LIMIT_MS with none is a stalled source.  Prints "ok"
# (forget any note), "note" (remember NOW_MS), "wait" or "restart".
mmha_decide_io_stall() {
    if [ "$1" = no ] || [ -n "$2" ]; then
        echo ok
    elif [ -z "$3" ]; then
        echo note
    elif [ $(($4 - $3)) -ge "$5" ]; then
        echo restart
    else
        echo wait
    fi
}

# mmha_decide_tickles VIP PORT: stdin is the writer's processlist HOST
# column; prints tickle_tcp's input ("VIP:PORT CLIENT_IP:CLIENT_PORT" a
# line) for each distinct IPv4 TCP client, 1000 at most.  Sockets
# ("localhost") and IPv6 clients are left out.
mmha_decide_tickles() {
    grep -Ex '[0-9]{1,3}(\.[0-9]{1,3}){3}:[0-9]{1,5}' | sort -u |
        head -n 1000 | sed "s/^/$1:$2 /"
}

# mmha_decide_backlog SQL_RUNNING EXEC_FILE EXEC_POS READ_FILE READ_POS:
# a server's SQL thread runs and has not executed all that its IO thread
# received (a new writer still applying the old writer's relay log).
mmha_decide_backlog() {
    [ "$1" = yes ] || return 1
    ! mmha_decide_read_reached "$2" "$3" "$4" "$5"
}

# mmha_decide_peer ERRANT_FLAG EPOCH IO SQL SOURCE WRITER_ADDR MY_ADDR
# Prints the reader's PREFIX-peer value ("EPOCH@MY_ADDR": the writer may
# replicate from here) or "-" (delete it): only a reader without errant
# transactions that replicates from the writer of EPOCH, both threads up.
mmha_decide_peer() {
    if [ "$1" = 0 ] && [ -n "$2" ] && [ "$3" = yes ] && [ "$4" = yes ] &&
        [ -n "$6" ] && [ "$5" = "$6" ]; then
        echo "$2@$7"
    else
        echo -
    fi
}

# mmha_decide_reader_attrs VERDICT "LAG_MS READABLE" EPOCH IO SQL SOURCE
#                          WRITER_ADDR MY_ADDR
#   VERDICT   mmha_decide_errant's answer
#   LAG_MS    whole ms, READABLE 1|0 (the lag hysteresis), each "-" unknown
# Prints the reader's attribute plan, one "NAME VALUE" line each ("-":
# delete): errant (while reported), readable, lag-ms, peer; "report SET"
# for a new errant set (log, history); last "score ERRANT_FLAG LAG_MS".
# An errant reader is never readable, whatever its lag.
mmha_decide_reader_attrs() {
    _ra_v=$1 _ra_lag=${2%% *} _ra_rd=${2##* } _ra_flag=-
    case "$_ra_v" in
    report*)
        echo "errant ${_ra_v#report }"
        echo "report ${_ra_v#report }"
        _ra_flag=1
        ;;
    keep*)
        echo "errant ${_ra_v#keep }"
        _ra_flag=1
        ;;
    clean) _ra_flag=0 ;;
    esac
    [ "$_ra_rd" = 1 ] && [ "$_ra_flag" != 1 ] || _ra_rd=0
    echo "readable $_ra_rd"
    echo "lag-ms ${_ra_lag:--}"
    echo "peer $(mmha_decide_peer "$_ra_flag" "$3" "$4" "$5" "$6" "$7" "$8")"
    echo "score $_ra_flag ${_ra_lag:--}"
}

# mmha_show VALUE: VALUE as a message quotes it: its first 40 characters,
# then "..." when it is longer (a reason stays one short line).
mmha_show() {
    if [ "${#1}" -le 40 ]; then
        printf '%s\n' "$1"
    else
        printf '%.40s...\n' "$1"
    fi
}

# mmha_decide_param_number NAME VALUE MIN MAX: prints nothing when VALUE
# is a decimal integer in MIN..MAX written as the helpers read numbers (no
# sign, no leading zero, no spaces), else the one-line reason.  The agent
# computes with these values in the shell, where "08" is not a number.
mmha_decide_param_number() {
    case "$2" in
    '' | *[!0-9]*)
        echo "$1 must be a decimal integer in $3..$4 (is '$(mmha_show "$2")')"
        return 0
        ;;
    0?*)
        echo "$1 must be written without leading zeros (is '$(mmha_show "$2")')"
        return 0
        ;;
    esac
    if [ "${#2}" -gt 12 ] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
        echo "$1 must be in $3..$4 (is '$(mmha_show "$2")')"
    fi
}

# mmha_decide_param_name NAME VALUE: VALUE can be part of a node attribute
# or account name as given (letters, digits, "_", "-", "."; not empty; at
# most 200 characters, as the helpers take an attribute prefix).
mmha_decide_param_name() {
    case "$2" in
    '' | *[!A-Za-z0-9_.-]*)
        echo "$1 may only hold letters, digits, '_', '-' and '.' (is '$(mmha_show "$2")')"
        return 0
        ;;
    esac
    [ "${#2}" -le 200 ] ||
        echo "$1 must be at most 200 characters (is '$(mmha_show "$2")')"
}

# mmha_decide_param_host NAME VALUE: VALUE is a host name or an IPv4 or
# IPv6 address as other servers connect to it (it goes into records that
# fields are split on spaces); empty is allowed (the node name); at most
# 255 characters.
mmha_decide_param_host() {
    case "$2" in
    '') ;;
    -* | *[!A-Za-z0-9.:-]*)
        echo "$1 must be a host name or an IP address (is '$(mmha_show "$2")')"
        ;;
    *)
        [ "${#2}" -le 255 ] ||
            echo "$1 must be at most 255 characters (is '$(mmha_show "$2")')"
        ;;
    esac
}

# mmha_decide_fresh NOW_S NOTED_S LIMIT_S: something noted at NOTED_S
# ("" never) is less than LIMIT_S old.
mmha_decide_fresh() {
    mmha_is_uint "$2" || return 1
    [ $(($1 - $2)) -lt "$3" ]
}

# mmha_decide_beat_limit INTERVAL_MS: the age (ms) past which the writer's
# heartbeat row is stale: 8 heartbeats, at least 2 s.
mmha_decide_beat_limit() {
    _bl=$(($1 * 8))
    [ "$_bl" -ge 2000 ] || _bl=2000
    echo "$_bl"
}

# mmha_decide_source_result RC: what a writer's failed re-point to a
# reader means (mmha-binlog repoint's exit status): "ok", "no-ignore"
# (3, 6: no GTID domains or no log_slave_updates, so a reader's own writes
# cannot be kept out: the writer must receive nothing) or "retry".
mmha_decide_source_result() {
    case "$1" in
    0) echo ok ;;
    3 | 6) echo no-ignore ;;
    *) echo retry ;;
    esac
}

# mmha_decide_reader_monitor OBSERVATION: a reader's monitor, decided
# whole.  OBSERVATION is KEY=value lines: mmha-binlog capture's (SERVER_ID,
# REPLICA_*) and the agent's own: WRITER (the writer record), MY_NODE,
# MY_ADDR, ERRANT_NOW (the set found now, "" none, "?" unknown),
# ERRANT_OLD (this node's errant attribute), LAG_MS and READABLE (the lag
# hysteresis; "-" unknown).  Prints the plan: the attribute lines of
# mmha_decide_reader_attrs (errant, report, readable, lag-ms, peer), then
# "score SCORE REASON" (SCORE "del": no score) and last "exit 0" or
# "exit 1 REASON" (a reader that does not replicate is failed, unless its
# errant set is reported: then a "warn" line and "exit 0").
mmha_decide_reader_monitor() {
    mmha_obs_read "$1"
    _rm_w=${O_WRITER:-} _rm_node=${O_MY_NODE:-} _rm_addr=${O_MY_ADDR:-}
    _rm_now=${O_ERRANT_NOW-?} _rm_old=${O_ERRANT_OLD:-}
    _rm_lag=${O_LAG_MS:--} _rm_rd=${O_READABLE:--} _rm_sid=${O_SERVER_ID:-0}
    _rm_conf=${O_REPLICA_CONFIGURED:-} _rm_host=${O_REPLICA_SOURCE_HOST:-}
    _rm_port=${O_REPLICA_SOURCE_PORT:-} _rm_io=${O_REPLICA_IO_RUNNING:-}
    _rm_sql=${O_REPLICA_SQL_RUNNING:-}
    _rm_ierr=${O_REPLICA_LAST_IO_ERRNO:-0} _rm_serr=${O_REPLICA_LAST_SQL_ERRNO:-0}
    _rm_ietxt=${O_REPLICA_LAST_IO_ERROR:-} _rm_setxt=${O_REPLICA_LAST_SQL_ERROR:-}
    [ -n "$_rm_host" ] && _rm_conf=1
    [ "$_rm_conf" = 1 ] || _rm_conf=0
    _rm_wnode=$(mmha_record_field "$_rm_w" node) || _rm_wnode=
    _rm_else=0
    [ -n "$_rm_wnode" ] && [ "$_rm_wnode" != "$_rm_node" ] && _rm_else=1
    _rm_attrs=$(mmha_decide_reader_attrs "$(mmha_decide_errant "$_rm_now" \
        "$_rm_old")" "$_rm_lag $_rm_rd" \
        "$(mmha_record_field "$_rm_w" epoch)" "$_rm_io" "$_rm_sql" \
        "$_rm_host:$_rm_port" "$(mmha_record_field "$_rm_w" addr)" "$_rm_addr")
    # The attribute lines out, the score's flags kept (no process: every
    # reader's monitor runs this).
    _rm_flags=''
    while IFS= read -r _rm_l; do
        case "$_rm_l" in
        'score '*) _rm_flags="$_rm_flags${_rm_flags:+
}${_rm_l#score }" ;;
        *) printf '%s\n' "$_rm_l" ;;
        esac
    done <<EOT
$_rm_attrs
EOT
    _rm_s=$_rm_sql
    [ "$_rm_conf" = 1 ] || _rm_s=''
    _rm_ss=$(mmha_decide_semisync reader "${O_SEMISYNC:-off}" \
        "${O_SEMISYNC_SOURCE_ENABLED:-}" "${O_SEMISYNC_SOURCE_ACTIVE:-}" \
        "${O_SEMISYNC_REPLICA_ENABLED:-}" "${O_SEMISYNC_REPLICA_ACTIVE:-}" \
        "$_rm_io" "${O_SEMISYNC_OLD:-}")
    [ -n "$_rm_ss" ] && printf '%s\n' "$_rm_ss"
    _rm_na=0
    case "$_rm_ss" in
    *"semisync not-acking"* | *"semisync unavailable"*) _rm_na=1 ;;
    esac
    # Several readers: each publishes what it received of the writer's
    # binary log; one that received less than another scores less.
    _rm_bh=0 _rm_rank=''
    [ "${O_RECEIVED_ON:-0}" = 1 ] &&
        _rm_rank=$(mmha_decide_name_rank "$_rm_node" "$O_RECEIVED")
    if [ "${O_RECEIVED_ON:-0}" = 1 ] && [ "$_rm_conf" = 1 ] &&
        [ -n "${O_REPLICA_READ_FILE:-}" ]; then
        _rm_rcv="$_rm_host:$_rm_port $O_REPLICA_READ_FILE:${O_REPLICA_READ_POS:-0}"
        echo "received $_rm_node $_rm_rcv"
        mmha_decide_received_behind "$_rm_node" "$_rm_rcv" "$_rm_wnode" \
            "$O_RECEIVED" && _rm_bh=1
    fi
    echo "score $(mmha_decide_score unpromoted "$_rm_s" "$_rm_serr" \
        "${_rm_flags% *}" "${_rm_flags#* }" "$_rm_sid" "$_rm_na" "$_rm_bh" \
        "$_rm_rank")"
    _rm_h=$(mmha_decide_reader_health "$_rm_conf" "$_rm_io" "$_rm_sql" \
        "$_rm_serr" "$_rm_ierr" "$_rm_else")
    case "$_rm_h" in
    ok) echo "exit 0" ;;
    *)
        _rm_why=${_rm_h#failed }
        [ -n "$_rm_setxt" ] && _rm_why="$_rm_why: $_rm_setxt"
        [ -n "$_rm_ietxt" ] && _rm_why="$_rm_why: $_rm_ietxt"
        if [ "${_rm_flags% *}" = 1 ]; then
            # An errant set reported: a restart cannot mend it (the same
            # transactions come back, the source refuses the same way,
            # seen as a restart loop until the node was banned, its
            # server down), and the repair needs the server up.  Kept
            # running, unreadable and unpromotable, the reason logged.
            echo "warn reader not replicating: $_rm_why (errant set reported: kept running for the repair, docs/operations.md)"
            echo "exit 0"
        else
            echo "exit 1 reader not replicating: $_rm_why"
        fi
        ;;
    esac
}

# mmha_decide_source_kept MODE SOURCE IO SQL IGNORED_DOMAINS: the writer's
# own replication channel is one to keep as it is (set up by this agent:
# GTID with the reader's domain ignored, or file/position; both threads
# up or reconnecting).  The writer then needs no peer to choose.
mmha_decide_source_kept() {
    [ -n "$2" ] && [ "$4" = yes ] || return 1
    [ "$1" = filepos ] || [ -n "$5" ] || return 1
    case "$3" in
    yes | connecting) return 0 ;;
    esac
    return 1
}

# mmha_decide_writer_monitor OBSERVATION: a writer's monitor, decided
# whole.  OBSERVATION is KEY=value lines: mmha-binlog capture's (REPLICA_*)
# and the agent's own: WRITER (record), EPOCH (the cluster's), MY_NODE,
# MODE (gtid | filepos), REPL (1: a replication option file is set),
# BEAT_RUNNING (1 | 0), ROW_AGE_MS (the heartbeat row's age, "" no row,
# "?" unreadable), BEAT_RUN_MS, BEAT_STALE (1: restarted for staleness
# already), BEAT_LIMIT_MS, NOW_S, SOURCE_FAIL_S (the last failed re-point,
# "" none), PREV_WRITER, and "PEER NODE PEER_ATTR ERRANT_ATTR" lines.
# Prints the plan: "beat start|restart EPOCH REASON" or "beat fresh", the
# writer's attributes (readable 1, lag-ms 0, peer -), "epoch-file EPOCH",
# "source repoint NODE ADDR REPOINT_ARGS..." or "source stop-io REASON",
# and last "exit 8" or "exit 9 REASON" (writable, but its writes do not
# commit).
mmha_decide_writer_monitor() {
    mmha_obs_read "$1"
    _wm_w=${O_WRITER:-} _wm_ep=${O_EPOCH:-} _wm_node=${O_MY_NODE:-}
    _wm_mode=${O_MODE:-gtid} _wm_repl=${O_REPL:-0} _wm_brun=${O_BEAT_RUNNING:-0}
    _wm_row=${O_ROW_AGE_MS:-} _wm_bms=${O_BEAT_RUN_MS:-0}
    _wm_stale=${O_BEAT_STALE:-0} _wm_lim=${O_BEAT_LIMIT_MS:-2000}
    _wm_now=${O_NOW_S:-0} _wm_fail=${O_SOURCE_FAIL_S:-}
    _wm_prev=${O_PREV_WRITER:-} _wm_peers=${O_PEERS:-}
    _wm_host=${O_REPLICA_SOURCE_HOST:-} _wm_port=${O_REPLICA_SOURCE_PORT:-}
    _wm_io=${O_REPLICA_IO_RUNNING:-} _wm_sql=${O_REPLICA_SQL_RUNNING:-}
    _wm_ign=${O_REPLICA_IGNORE_DOMAINS:-}
    _wm_xf=${O_REPLICA_EXEC_FILE:-} _wm_xp=${O_REPLICA_EXEC_POS:-}
    if [ "$_wm_brun" != 1 ]; then
        echo "beat start ${_wm_ep:-0} heartbeat not running on the writer"
    else
        _wm_b=$(mmha_decide_beat "$_wm_row" "$_wm_bms" "$_wm_lim" "$_wm_stale")
        case "$_wm_b" in
        ok) mmha_is_uint "$_wm_row" && echo "beat fresh" ;;
        restart*) echo "beat restart ${_wm_ep:-0} ${_wm_b#restart }" ;;
        *)
            echo "exit 9 writable, but ${_wm_b#failed }"
            return 0
            ;;
        esac
    fi
    printf 'readable 1\nlag-ms 0\npeer -\n'
    # Active: on, and a reader connected to acknowledge (with no reader
    # the server commits at once, its status still ON).
    _wm_sa=${O_SEMISYNC_SOURCE_ACTIVE:-}
    [ "${O_SEMISYNC_SOURCE_CLIENTS:-0}" != 0 ] || _wm_sa=0
    mmha_decide_semisync writer "${O_SEMISYNC:-off}" \
        "${O_SEMISYNC_SOURCE_ENABLED:-}" "$_wm_sa" \
        "${O_SEMISYNC_REPLICA_ENABLED:-}" "${O_SEMISYNC_REPLICA_ACTIVE:-}" \
        "" "${O_SEMISYNC_OLD:-}" "${O_SEMISYNC_SOURCE_NO_TX:-0}" \
        "${O_SEMISYNC_SOURCE_TIMEOUT_MS:-} ${O_SEMISYNC_TIMEOUT:-}"
    if [ "$(mmha_record_field "$_wm_w" node)" = "$_wm_node" ]; then
        _wm_e=$(mmha_record_field "$_wm_w" epoch) &&
            [ -n "$_wm_e" ] && echo "epoch-file $_wm_e"
    fi
    _wm_src=''
    [ -n "$_wm_host" ] && _wm_src="$_wm_host:$_wm_port"
    if [ "$_wm_repl" = 1 ] && [ -n "$_wm_ep" ] &&
        ! mmha_decide_source_kept "$_wm_mode" "$_wm_src" "$_wm_io" \
            "$_wm_sql" "$_wm_ign" &&
        ! mmha_decide_fresh "$_wm_now" "$_wm_fail" "$MMHA_SOURCE_RETRY_S"; then
        _wm_d=$(mmha_decide_writer_source "$_wm_ep" "$_wm_mode" "$_wm_src" \
            "$_wm_io" "$_wm_sql" "$_wm_prev" "$_wm_peers" "$_wm_ign")
        case "$_wm_d:$_wm_mode:$_wm_io" in
        repoint*:gtid:*) echo "source $_wm_d --gtid --ignore-source-domain" ;;
        repoint*) echo "source $_wm_d --at $_wm_xf:$_wm_xp" ;;
        # A GTID channel still receiving here is not one this agent set
        # up (or its SQL thread stopped): whatever is written on its
        # source could come in.
        *:gtid:yes | *:gtid:connecting)
            echo "source stop-io its channel from $_wm_src does not ignore that server's own GTID domain, and no healthy reader to replicate from"
            ;;
        esac
    fi
    echo "exit 8"
}

# mmha_decide_readonly_failure RC DEADLINE_S LAST_LINE: the exit reason of
# a demotion whose mmha-readonly failed (124: not read-only in time).
mmha_decide_readonly_failure() {
    if [ "$1" = 124 ]; then
        echo "not read-only within ${2}s: $3"
    else
        echo "mmha-readonly failed (exit $1): $3"
    fi
}
