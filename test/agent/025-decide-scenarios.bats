#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's decisions in the scenarios the cluster suite runs, fed with
# what the agent observes there: mmha-binlog capture lines recorded on the
# bed, the records and history the CIB held, the notify variables
# Pacemaker sent.  No server, no Pacemaker: each scenario shows the whole
# chain of decisions the agent takes in it.

load ../lib/common

setup() {
    load_bats_libs
    # shellcheck disable=SC1091
    . "$MMHA_TOP/agents/lib/mmha-decide.sh"
}

# A reader's capture, recorded on the bed (n2 replicating from n1 at
# 127.0.0.1:50423, both threads up, 1.2 s behind).
READER_CAPTURE='STATUS=ok
READ_ONLY=1
SERVER_ID=2
BINLOG_FILE=mariadb-bin.000004
BINLOG_POS=73613
GTID_BINLOG=1-1-108,2-2-53
REPLICA_CONFIGURED=1
REPLICA_SOURCE_HOST=127.0.0.1
REPLICA_SOURCE_PORT=50423
REPLICA_IO_RUNNING=yes
REPLICA_SQL_RUNNING=yes
REPLICA_READ_FILE=mariadb-bin.000004
REPLICA_READ_POS=73613
REPLICA_EXEC_FILE=mariadb-bin.000004
REPLICA_EXEC_POS=69069
REPLICA_LAST_IO_ERRNO=0
REPLICA_LAST_SQL_ERRNO=0
REPLICA_IGNORE_DOMAINS='
WRITER='node=n1 epoch=6 addr=127.0.0.1:50423 file=mariadb-bin.000004 pos=66797 gtid=1-1-96,2-2-53 time=2026-12-02T14:44:42Z'

# kv KEY: a value of the recorded reader capture.
kv() {
    mmha_kv_get "$READER_CAPTURE" "$1"
}

# reader_attrs VERDICT "LAG READABLE": the reader's attribute plan for the
# recorded capture and writer record.
reader_attrs() {
    mmha_decide_reader_attrs "$1" "$2" 6 "$(kv REPLICA_IO_RUNNING)" \
        "$(kv REPLICA_SQL_RUNNING)" \
        "$(kv REPLICA_SOURCE_HOST):$(kv REPLICA_SOURCE_PORT)" \
        "$(mmha_record_field "$WRITER" addr)" 127.0.0.1:28791
}

@test "observation: capture lines are read as they are, absent keys fail" {
    run -0 kv REPLICA_SOURCE_PORT
    assert_output 50423
    run -0 kv REPLICA_IGNORE_DOMAINS
    assert_output ""
    run -1 kv NO_SUCH_KEY
}

@test "healthy reader: readable, measured lag, announced as the writer's peer, scored" {
    run -0 reader_attrs clean "1200 1"
    assert_output "readable 1
lag-ms 1200
peer 6@127.0.0.1:28791
score 0 1200"
    run -0 mmha_decide_reader_health 1 "$(kv REPLICA_IO_RUNNING)" \
        "$(kv REPLICA_SQL_RUNNING)" 0 0 1
    assert_output ok
    run -0 mmha_decide_score unpromoted yes 0 0 1200 2
    assert_output "888 reader, lag 1200 ms"
}

@test "lagging reader: the hysteresis says unreadable, lag published, scored lower" {
    run -0 reader_attrs clean "6000 0"
    assert_line "readable 0"
    assert_line "lag-ms 6000"
    run -0 mmha_decide_score unpromoted yes 0 0 6000 2
    assert_output "838 reader, lag 6000 ms"
}

@test "errant reader: reported once, never readable, no peer, no score" {
    run -0 reader_attrs "$(mmha_decide_errant 1-1-93-102 '')" "0 1"
    assert_output "errant 1-1-93-102
report 1-1-93-102
readable 0
lag-ms 0
peer -
score 1 0"
    # Later monitors: the attribute holds, nothing reported again, still
    # not readable whatever the lag says - also when the check is unknown
    # or comes back clean before an operator repaired it.
    local now
    for now in 1-1-93-102 '?' ''; do
        run -0 reader_attrs "$(mmha_decide_errant "$now" 1-1-93-102)" "0 1"
        refute_line --partial report
        assert_line "errant 1-1-93-102"
        assert_line "readable 0"
    done
    run -0 mmha_decide_score unpromoted yes 0 1 0 2
    assert_output "del broken: errant transactions"
}

@test "errant check while the new writer still applies its relay log: unknown, not errant" {
    # The writer's capture after a failover: SQL thread running, executed
    # behind what it received.
    run -0 mmha_decide_backlog yes mariadb-bin.000004 69069 mariadb-bin.000004 73613
    run -1 mmha_decide_backlog yes mariadb-bin.000004 73613 mariadb-bin.000004 73613
    run -1 mmha_decide_backlog no mariadb-bin.000004 69069 mariadb-bin.000004 73613
    run -0 reader_attrs unknown "- -"
    assert_line "readable 0"
    assert_line "lag-ms -"
    assert_line "peer -"
}

@test "broken reader: SQL thread stopped on an error, failed and unscored" {
    run -0 mmha_decide_reader_health 1 yes no 1062 0 1
    assert_output "failed SQL thread stopped with error 1062"
    run -0 mmha_decide_score unpromoted no 1062 0 "" 2
    assert_output "del broken: SQL thread error 1062"
    run -0 reader_attrs clean "- -"
    assert_line "readable 0"
}

@test "switchover: the promoted node notes clients, the others follow, no grace" {
    local demote
    demote="demote node=n1 epoch=6 file=mariadb-bin.000004 pos=80001 gtid=1-1-120 time=T"
    run -0 mmha_decide_notify pre-demote n2 n2 n1 ""
    assert_output note-clients
    run -0 mmha_decide_notify post-promote n1 n2 n1 ""
    assert_output repoint
    run -0 mmha_decide_clean_demote n1 "$demote"
    run -0 mmha_decide_grace 0 n1 n2 "$demote" 1000
    assert_output "0 n1 demoted cleanly"
    # The new writer's tail: received up to 73613, the final is 80001.
    run -1 mmha_decide_read_reached mariadb-bin.000004 73613 mariadb-bin.000004 80001
    run -0 mmha_decide_read_reached mariadb-bin.000005 4 mariadb-bin.000004 80001
    # The old writer, a reader now, is re-pointed at the new writer.
    run -0 mmha_decide_repoint 127.0.0.1:28791 127.0.0.1:50423 no yes gtid ""
    assert_output "repoint to 127.0.0.1:50423"
}

@test "kill -9 of the writer's mysqld: no note from a stopped writer; grace only without fencing" {
    local last="promote node=n1 epoch=6 addr=127.0.0.1:50423 time=T"
    run -0 mmha_decide_notify pre-demote n2 n2 n1 n1
    assert_output none
    run -1 mmha_decide_clean_demote n1 "$last"
    run -0 mmha_decide_grace 1 n1 n2 "$last" 1000
    assert_output "0 fencing on"
    run -0 mmha_decide_grace 0 n1 n2 "$last" 1000
    assert_output "1000 fencing off and n1 did not demote cleanly"
}

@test "writer node crash: the survivor's reader is healthy while its IO thread reconnects" {
    run -0 mmha_decide_reader_health 1 connecting yes 0 2003 1
    assert_output ok
    run -0 mmha_decide_io_stall connecting "" "" 5000 2000
    assert_output note
    run -0 mmha_decide_io_stall connecting "" 5000 7100 2000
    assert_output restart
}

@test "catch-up: immediate promotes at once; wait drains, or fails/promotes at the timeout" {
    run -0 mmha_decide_catchup immediate "" promote
    assert_output "promote immediate: the backlog keeps applying"
    run -0 mmha_decide_catchup wait 0 fail
    assert_output "promote relay log drained"
    run -0 mmha_decide_catchup wait 124 fail
    assert_output "fail catch-up timed out"
    run -0 mmha_decide_catchup wait 124 promote
    assert_output "promote catch-up timed out; promoting anyway"
}

@test "the writer's own heartbeat: stale past 8 beats or 2 s" {
    run -0 mmha_decide_beat_limit 250
    assert_output 2000
    run -0 mmha_decide_beat_limit 500
    assert_output 4000
    run -0 mmha_decide_beat 2500 60000 2000 0
    assert_output "restart heartbeat row 2500 ms old (limit 2000 ms)"
    run -0 mmha_decide_beat '?' 60000 2000 1
    assert_output "failed heartbeat row unreadable within 1 s (table locked?): the writer's writes do not commit"
}

@test "the writer's source: a failed re-point waits 30 s; no GTID domains means none" {
    run -0 mmha_decide_source_result 0
    assert_output ok
    run -0 mmha_decide_source_result 3
    assert_output no-ignore
    run -0 mmha_decide_source_result 124
    assert_output retry
    run -0 mmha_decide_fresh 1000 990 "$MMHA_SOURCE_RETRY_S"
    run -1 mmha_decide_fresh 1000 960 "$MMHA_SOURCE_RETRY_S"
    # An empty or half-written note is no note.
    run -1 mmha_decide_fresh 1000 "" 30
}

@test "parameters: decimal integers in bounds, names and hosts as they are used" {
    run -0 mmha_decide_param_number heartbeat_interval 250 10 3600000
    assert_output ""
    run -0 mmha_decide_param_number heartbeat_interval 08 10 3600000
    assert_output "heartbeat_interval must be written without leading zeros (is '08')"
    run -0 mmha_decide_param_number max_lag 99999999999999999999 1 86400000
    assert_output "max_lag must be in 1..86400000 (is '99999999999999999999')"
    run -0 mmha_decide_param_number catchup_timeout 0 1 86400
    assert_output "catchup_timeout must be in 1..86400 (is '0')"
    run -0 mmha_decide_param_number lag_dwell " 5" 0 86400
    assert_output "lag_dwell must be a decimal integer in 0..86400 (is ' 5')"
    run -0 mmha_decide_param_name attribute_prefix "a b"
    assert_output --partial "attribute_prefix may only hold"
    run -0 mmha_decide_param_name spare_users "@host"
    assert_output --partial "spare_users may only hold"
    run -0 mmha_decide_param_host replication_host "db1.example"
    assert_output ""
    run -0 mmha_decide_param_host replication_host "db1 x"
    assert_output --partial "replication_host must be a host name"
}

# observe EXTRA...: the recorded capture with the agent's own lines as a
# reader's monitor observes them (the lines given replace the defaults).
observe() {
    local extra
    extra=$(printf '%s\n' "WRITER=$WRITER" MY_NODE=n2 MY_ADDR=127.0.0.1:28791 \
        ERRANT_NOW= ERRANT_OLD= LAG_MS=1200 READABLE=1 "$@")
    # Later lines win: the last value of each key is the one read.
    printf '%s\n%s\n' "$READER_CAPTURE" "$extra"
}

@test "reader monitor, whole: a healthy reader" {
    run -0 mmha_decide_reader_monitor "$(observe)"
    assert_output "readable 1
lag-ms 1200
peer 6@127.0.0.1:28791
score 888 reader, lag 1200 ms
exit 0"
}

@test "reader monitor, whole: the old writer after a partition, errant" {
    run -0 mmha_decide_reader_monitor "$(observe ERRANT_NOW=1-1-93-102 LAG_MS=0)"
    assert_line "errant 1-1-93-102"
    assert_line "report 1-1-93-102"
    assert_line "readable 0"
    assert_line "peer -"
    assert_line "score del broken: errant transactions"
    assert_line "exit 0"
}

@test "reader monitor, whole: an errant old writer its new source refuses is kept running for the repair" {
    # Its own domain's errant GTIDs are in its replica position: the new
    # writer refuses them (1236) at every start; a restart cannot help.
    run -0 mmha_decide_reader_monitor "$(observe ERRANT_NOW=2-2-13440 \
        ERRANT_OLD=2-2-13440 REPLICA_IO_RUNNING=no REPLICA_SQL_RUNNING=no \
        REPLICA_LAST_IO_ERRNO=1236 \
        "REPLICA_LAST_IO_ERROR=connecting slave requested to start from GTID 2-2-13440, which is not in the master's binlog" \
        LAG_MS= READABLE=0)"
    assert_line "errant 2-2-13440"
    assert_line "readable 0"
    assert_line "score del broken: errant transactions"
    assert_line --regexp "^warn reader not replicating: .*not in the master.s binlog \\(errant set reported: kept running for the repair"
    assert_line "exit 0"
    refute_line --regexp '^exit 1'
}

@test "reader monitor, whole: a broken reader is failed with the server's error" {
    run -0 mmha_decide_reader_monitor "$(observe REPLICA_SQL_RUNNING=no \
        REPLICA_LAST_SQL_ERRNO=1062 "REPLICA_LAST_SQL_ERROR=Duplicate entry '7'" \
        LAG_MS= READABLE=0)"
    assert_line "readable 0"
    assert_line "lag-ms -"
    assert_line "score del broken: SQL thread error 1062"
    assert_line "exit 1 reader not replicating: SQL thread stopped with error 1062: Duplicate entry '7'"
}

@test "reader monitor, whole: no replication configured while another node writes" {
    run -0 mmha_decide_reader_monitor "$(observe REPLICA_CONFIGURED=0 \
        REPLICA_SOURCE_HOST= REPLICA_IO_RUNNING=no REPLICA_SQL_RUNNING=no \
        LAG_MS=- READABLE=-)"
    assert_line "readable 0"
    assert_line "exit 1 reader not replicating: replication not configured although another node is the writer"
}

# A writer's capture, recorded on the bed (n1 writable, its channel from
# n2 stopped at its promotion, the SQL thread still applying).
WRITER_CAPTURE='READ_ONLY=0
SERVER_ID=1
REPLICA_CONFIGURED=1
REPLICA_SOURCE_HOST=127.0.0.1
REPLICA_SOURCE_PORT=28791
REPLICA_IO_RUNNING=no
REPLICA_SQL_RUNNING=yes
REPLICA_EXEC_FILE=mariadb-bin.000003
REPLICA_EXEC_POS=84405
REPLICA_IGNORE_DOMAINS='

# wobserve EXTRA...: the writer's observation with its defaults replaced
# (PEER lines given replace the default peer n2).
wobserve() {
    local peer="PEER n2 6@127.0.0.1:28791 -"
    [[ " $* " == *" PEER "* ]] && peer=
    printf '%s\n' "$WRITER_CAPTURE" "WRITER=$WRITER" EPOCH=6 MY_NODE=n1 \
        MODE=gtid REPL=1 BEAT_RUNNING=1 ROW_AGE_MS=120 BEAT_RUN_MS=60000 \
        BEAT_LIMIT_MS=2000 NOW_S=1000 SOURCE_FAIL_S= PREV_WRITER=n2 \
        "$peer" "$@"
}

@test "writer monitor, whole: healthy, takes its peer n2 as its source" {
    run -0 mmha_decide_writer_monitor "$(wobserve)"
    assert_output "beat fresh
readable 1
lag-ms 0
peer -
epoch-file 6
source repoint n2 127.0.0.1:28791 --gtid --ignore-source-domain
exit 8"
}

@test "writer monitor, whole: a channel already kept, or a failed attempt 10 s ago: no re-point" {
    run -0 mmha_decide_writer_monitor "$(wobserve REPLICA_IO_RUNNING=yes \
        REPLICA_IGNORE_DOMAINS=2)"
    refute_line --partial source
    run -0 mmha_decide_writer_monitor "$(wobserve SOURCE_FAIL_S=990)"
    refute_line --partial source
}

@test "writer monitor, whole: an errant or absent peer is not a source; a foreign GTID channel is stopped" {
    run -0 mmha_decide_writer_monitor "$(wobserve 'PEER n2 6@127.0.0.1:28791 1-1-93')"
    refute_line --partial source
    run -0 mmha_decide_writer_monitor "$(wobserve 'PEER n2 - -' \
        REPLICA_IO_RUNNING=yes)"
    assert_line --partial "source stop-io"
}

@test "writer monitor, whole: the heartbeat restarted once, then the writer failed" {
    run -0 mmha_decide_writer_monitor "$(wobserve ROW_AGE_MS='?')"
    assert_line "beat restart 6 heartbeat row unreadable within 1 s (table locked?)"
    assert_line "exit 8"
    run -0 mmha_decide_writer_monitor "$(wobserve ROW_AGE_MS='?' BEAT_STALE=1)"
    assert_output "exit 9 writable, but heartbeat row unreadable within 1 s (table locked?): the writer's writes do not commit"
    run -0 mmha_decide_writer_monitor "$(wobserve BEAT_RUNNING=0)"
    assert_line "beat start 6 heartbeat not running on the writer"
}

@test "observation: values are taken as they are, never run; bad names skipped" {
    # shellcheck disable=SC2016 # quoted on purpose: they must not run
    mmha_obs_read 'REPLICA_LAST_SQL_ERROR=$(touch /tmp/mmha-obs-ran) `id` ; x
WRITER=node=n1 epoch=6
bad-name=1
PEER n2 6@h:1 -
PEER n3 - 1-1-9'
    [ ! -e /tmp/mmha-obs-ran ] || fail "a value was run"
    # shellcheck disable=SC2016
    assert_equal "$O_REPLICA_LAST_SQL_ERROR" '$(touch /tmp/mmha-obs-ran) `id` ; x'
    assert_equal "$O_WRITER" "node=n1 epoch=6"
    assert_equal "$O_PEERS" "n2 6@h:1 -
n3 - 1-1-9
"
}
