#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The plan of each mysql-mm action (agents/lib/mmha-decide-actions.sh),
# decided from observations like the ones the agent makes on the bed: the
# whole sequence of steps, their failure exits and the action's status.
# No server, no Pacemaker.

load ../lib/common
load ../lib/decide-fixtures

setup() {
    decide_setup
}

# steps PLAN: the plan's step names, one line ("do x", "must y", "exit 0").
steps() {
    printf '%s\n' "$1" | awk '{ if ($1 == "do" || $1 == "must") print $1 " " $2; else if ($1 == "exit") print $1 " " $2; else print $1 }' |
        paste -sd, -
}

@test "start: a stopped managed server is checked, started, its ids checked" {
    run -0 mmha_decide_start_server "STATUS=7
MANAGED=1
MY_NODE=n2"
    assert_line "must helper-args || -"
    assert_line "must server-options || -"
    assert_line "must mysqld-start || 1"
    assert_equal "$(steps "$output")" "must helper-args,must server-options,must mysqld-start,must ids,do net-timeout,exit 0"
}

@test "start: an attached server that does not answer fails the start" {
    run -0 mmha_decide_start_server "STATUS=7
MANAGED=0"
    assert_line "must ping || 1 attached server does not answer"
    assert_line "do attached-mark"
    refute_line --partial mysqld-start
}

@test "start: a server already up skips launching; a failed status is returned" {
    run -0 mmha_decide_start_server "STATUS=0
MANAGED=1"
    assert_equal "$(steps "$output")" "must ids,do net-timeout,exit 0"
    run -0 mmha_decide_start_server "STATUS=1
MANAGED=1"
    assert_output "exit 1"
}

@test "start: a reader follows the recorded writer elsewhere, scored as a reader" {
    run -0 mmha_decide_start_reader "$CAPTURE_RO
CAPTURE_RC=0
WRITER=$W1
EPOCH_FILE=
MY_NODE=n2"
    assert_line "do repoint $W1"
    refute_line --partial readonly
    refute_line --partial epoch-file
    assert_line --regexp '^score [0-9]+ '
    assert_line "exit 0"
}

@test "start: a leftover writable server is made read-only first; a recorded writer here gets its epoch file back" {
    run -0 mmha_decide_start_reader "$CAPTURE_RW
CAPTURE_RC=0
WRITER=$W1
EPOCH_FILE=
MY_NODE=n1"
    assert_equal "$(steps "$output")" "do beat-stop,must readonly,do repoint,epoch-file,score,exit 0"
    assert_line "must readonly || 1 cannot make the server read-only"
    assert_line "epoch-file 6"
    # An epoch file already there is kept.
    run -0 mmha_decide_start_reader "$CAPTURE_RO
CAPTURE_RC=0
WRITER=$W1
EPOCH_FILE=6
MY_NODE=n1"
    refute_line --partial epoch-file
}

@test "start: a capture that fails fails the start, nothing changed" {
    run -0 mmha_decide_start_reader "CAPTURE_RC=69
WRITER=$W1
MY_NODE=n2"
    assert_output "exit 1 cannot read the server's state (mmha-binlog capture exit 69)"
}

@test "stop: managed - replication stopped, then mysqld; a server that does not stop fails" {
    run -0 mmha_decide_stop "$CAPTURE_RO
STATUS=0
MANAGED=1"
    assert_equal "$(steps "$output")" "do beat-stop,do replication-stop,must mysqld-stop,do state-clear,peer,received,semisync,score,exit 0"
    assert_line "must mysqld-stop || 1 mysqld did not stop"
    assert_line "peer -"
    assert_line --regexp '^score del '
    # Running but not answering (a hung server): stopped all the same.
    run -0 mmha_decide_stop "STATUS=1
MANAGED=1"
    assert_line "must mysqld-stop || 1 mysqld did not stop"
}

@test "stop: already stopped - only the attributes and the score go" {
    run -0 mmha_decide_stop "STATUS=7
MANAGED=1"
    assert_equal "$(steps "$output")" "do beat-stop,peer,score,exit 0"
}

@test "stop: attached - never success while it may be writable" {
    run -0 mmha_decide_stop "$CAPTURE_RW
STATUS=0
MANAGED=0"
    assert_line "must readonly || 1 attached server could not be made read-only"
    assert_line "do attached-unmark"
    refute_line --partial mysqld-stop
    run -0 mmha_decide_stop "STATUS=1
MANAGED=0"
    assert_output --partial "exit 1 attached server does not answer"
    refute_line "exit 0"
    run -0 mmha_decide_stop "$CAPTURE_RO
STATUS=0
MANAGED=0"
    refute_line --partial readonly
    assert_line "exit 0"
}

@test "demote: a writer goes read-only, records its final position, scores as a reader" {
    run -0 mmha_decide_demote "$CAPTURE_RW
STATUS=0
EPOCH=6"
    assert_equal "$(steps "$output")" "must hook,do snapshot-start,do beat-stop,must demote-readonly,do record-demote,score,do hook,exit 0"
    assert_line "must hook pre-demote 6 || 1 pre_demote_hook failed; demotion aborted"
    assert_line "do record-demote 6"
    assert_line "do hook post-demote 6"
}

@test "writer_vip: the demotion publishes the address's peers, the promotion's reset reads them from the old writer" {
    run -0 mmha_decide_demote "$CAPTURE_RW
STATUS=0
EPOCH=6
WRITER_VIP=1"
    # After read-only and the kills: the killed sessions' sockets are
    # what the new writer must reset.
    assert_equal "$(steps "$output")" "must hook,do snapshot-start,do beat-stop,must demote-readonly,do vip-clients,do record-demote,score,do hook,exit 0"
    run -0 mmha_decide_demote "$CAPTURE_RW
STATUS=0
EPOCH=6
WRITER_VIP=0"
    refute_line "do vip-clients"
    run -0 mmha_decide_promote "$PROMOTE_FENCED"
    assert_line "do tickle n1 127.0.0.1:50423"
}

@test "demote: already read-only only stops the heartbeat; a stopped server reports its status" {
    run -0 mmha_decide_demote "$CAPTURE_RO
STATUS=0"
    assert_equal "$(steps "$output")" "do beat-stop,exit 0"
    run -0 mmha_decide_demote "STATUS=7"
    assert_output "exit 7"
}

@test "promote: switchover - after a clean demotion, no grace; epoch raised" {
    run -0 mmha_decide_promote "$CAPTURE_RO
STATUS=0
BEAT_RUNNING=0
PREV_EPOCH=6
WRITER=$W1
HISTORY=promote $W1;demote node=n1 epoch=6 file=mariadb-bin.000004 pos=70000 gtid=1-1-100 time=x
STONITH=0
MY_NODE=n2
GRACE_MS=1000
WRITER_VIP=1"
    assert_equal "$(steps "$output")" "must hook,must catchup,must stop-receiving,do grace,must commit,do tickle,do log-promoted,do hook,exit 0"
    assert_line "must hook pre-promote 7 || 1 pre_promote_hook failed; promotion aborted"
    assert_line "do grace 0 n1 demoted cleanly"
    assert_line "must commit 7 || 1"
}

@test "writer_vip_refuse: a reader's start and a demotion refuse new connections, the promotion's commit lets them in; nothing without it" {
    run -0 mmha_decide_start_reader "$CAPTURE_RO
CAPTURE_RC=0
WRITER=$W1
EPOCH_FILE=
MY_NODE=n2
REFUSE=1"
    assert_line "do refuse"
    run -0 mmha_decide_start_reader "$CAPTURE_RO
CAPTURE_RC=0
WRITER=$W1
EPOCH_FILE=
MY_NODE=n2
REFUSE=0"
    refute_line "do refuse"
    # The commit itself lets new connections in, once the server is
    # writable (mm_promote_commit): no step of its own.
    run -0 mmha_decide_promote "$PROMOTE_FENCED
REFUSE=1"
    assert_equal "$(steps "$output")" "must hook,must catchup,must stop-receiving,do grace,must commit,do tickle,do log-promoted,do hook,exit 0"
    # Beside the read-only step, after the hook: a demotion the hook
    # aborts leaves a writer that takes new connections.
    run -0 mmha_decide_demote "$CAPTURE_RW
STATUS=0
EPOCH=6
WRITER_VIP=1
REFUSE=1"
    assert_equal "$(steps "$output")" "must hook,do snapshot-start,do beat-stop,do refuse-par,must demote-readonly,do vip-clients,do record-demote,score,do hook,exit 0"
    assert_line "do refuse-par reader"
    run -0 mmha_decide_demote "$CAPTURE_RW
STATUS=0
EPOCH=6
WRITER_VIP=1
REFUSE=0"
    refute_line --partial "do refuse"
}

@test "promote: kill -9 / partition without fencing - the grace; with fencing none" {
    obs="$CAPTURE_RO
STATUS=0
PREV_EPOCH=6
WRITER=$W1
HISTORY=promote $W1
MY_NODE=n2
GRACE_MS=1000"
    run -0 mmha_decide_promote "$obs
STONITH=0"
    assert_line "do grace 1000 fencing off and n1 did not demote cleanly"
    refute_line "do tickle"
    run -0 mmha_decide_promote "$obs
STONITH=1"
    assert_line "do grace 0 fencing on"
}

@test "promote: the first promotion ever (no records) gets epoch 1 and no grace" {
    run -0 mmha_decide_promote "$CAPTURE_RO
STATUS=0
STONITH=0
MY_NODE=n1
GRACE_MS=1000"
    assert_line "must commit 1 || 1"
    assert_line "do grace 0 no previous writer elsewhere"
}

@test "promote: already the writer, or no server, decided without a step" {
    run -0 mmha_decide_promote "$CAPTURE_RW
STATUS=0
BEAT_RUNNING=1"
    assert_equal "$(steps "$output")" "log,exit 0"
    run -0 mmha_decide_promote "STATUS=7"
    assert_output "exit 1 cannot promote: mysqld not running"
    # Writable without a heartbeat (a promotion that died half-way): done again.
    run -0 mmha_decide_promote "$CAPTURE_RW
STATUS=0
BEAT_RUNNING=0
STONITH=1
MY_NODE=n1"
    assert_line --partial "must commit"
}

@test "notify: pre-demote notes the writer's clients on the node to promote; post-promote re-points the others" {
    run -0 mmha_decide_notify_plan "TYPE_OP=pre-demote
MY_NODE=n2
PROMOTE=n2
DEMOTE=n1
CLIENT_NOTES=1"
    assert_output "do note-clients n1
exit 0"
    # Without writer_vip: nothing to note.
    run -0 mmha_decide_notify_plan "TYPE_OP=pre-demote
MY_NODE=n2
PROMOTE=n2
DEMOTE=n1"
    assert_output "exit 0"
    run -0 mmha_decide_notify_plan "TYPE_OP=post-promote
MY_NODE=n1
PROMOTE=n2"
    assert_output "do repoint-detached
exit 0"
    run -0 mmha_decide_notify_plan "TYPE_OP=post-promote
MY_NODE=n2
PROMOTE=n2"
    assert_output "exit 0"
}

@test "grace without fencing: none when Pacemaker stopped or demoted the old writer on a member node (kill -9, failed monitor, standby)" {
    run -0 mmha_decide_prev_seen true online stop 0
    assert_output "down stopped its instance"
    run -0 mmha_decide_prev_seen true online demote 0
    assert_output "down demoted its instance"
    run -0 mmha_decide_prev_seen true online monitor 7
    assert_output "down found its instance not running"
    # Newer Pacemaker writes the time it became a member instead of "true".
    run -0 mmha_decide_prev_seen 1733150000 1733150000 stop 0
    assert_output "down stopped its instance"
    # Still promoted, or nothing recorded: not known to be down.
    run -0 mmha_decide_prev_seen true online promote 0
    assert_output unknown
    run -0 mmha_decide_prev_seen true online "" ""
    assert_output unknown
    run -0 mmha_decide_prev_seen true offline stop 0
    assert_output unknown
    run -0 mmha_decide_prev_seen false offline promote 0
    assert_output lost
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 1000 "down stopped its instance"
    assert_output --regexp '^0 .*Pacemaker stopped its instance'
}

@test "grace without fencing: a lost node's wait ends at the guard's bound after the membership change" {
    # Changed 100 ms ago, consensus 1200 ms: the old writer's guard made it
    # read-only 700 ms before the change at the latest.
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 1000 lost 100 1200 on
    assert_output --regexp '^0 fencing off and n1 left the membership 100 ms ago'
    # A short consensus leaves part of the bound to wait for.
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 1000 lost 100 0 on
    assert_output --regexp '^400 '
    # Guards acting on the membership change (two_node): 500 ms after it.
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 1000 lost 100 1200 two_node
    assert_output --regexp '^400 .*500 ms after the membership change'
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 1000 lost 700 1200 two_node
    assert_output --regexp '^0 '
    # No change seen lately (no guard here, or an old one): promote_grace.
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 1000 lost 45000 1200
    assert_output "1000 fencing off and n1 did not demote cleanly"
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 1000 lost "" 1200
    assert_output --regexp '^1000 '
    # With fencing nothing of this is read.
    run -0 mmha_decide_grace 1 n1 n2 "promote node=n1 epoch=1" 1000 lost "" ""
    assert_output "0 fencing on"
}

@test "promote plan: the grace decided from what Pacemaker and the guard saw" {
    run -0 mmha_decide_promote "$CAPTURE_RO
STATUS=0
WRITER=$W1
HISTORY=promote $W1
STONITH=0
MY_NODE=n2
GRACE_MS=1000
PREV_IN_CCM=false
PREV_CRMD=offline
PREV_LAST_OP=promote
PREV_LAST_RC=0
LOST_AGE_MS=1800
CONSENSUS_MS=1200
LINK_RULE=on"
    assert_line --regexp '^do grace 0 fencing off and n1 left the membership 1800 ms ago'
}
