#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# semisync=on in mysql-mm's decisions (agents/lib/mmha-decide*.sh): each
# role's semi-sync side, the degraded and not-acknowledging states, the
# promotion score and warning, mysqld's start options; and the most
# advanced candidate among several readers (what each received).  Observations as
# the agent makes them (capture fields as mmha-binlog capture prints
# them).  No server, no Pacemaker: test/cluster/140-semisync.bats runs the
# same on the real cluster.

load ../lib/common
load ../lib/decide-fixtures

setup() {
    decide_setup
}

# A reader, semi-sync replica side on and acknowledging.
SS_READER='SEMISYNC_SOURCE_ENABLED=0
SEMISYNC_SOURCE_ACTIVE=0
SEMISYNC_REPLICA_ENABLED=1
SEMISYNC_REPLICA_ACTIVE=1'

@test "semisync: the writer is switched to the source side and reports active or degraded once" {
    run -0 mmha_decide_semisync writer on 1 1 0 0 "" active 0
    assert_output "semisync active"
    # A reload turned it on: the settings first, degraded this round.
    run -0 mmha_decide_semisync writer on 0 0 1 0 "" "" 0
    assert_line --index 0 "do semisync source"
    assert_line "semisync degraded"
    assert_line --partial "warn semi-sync degraded"
    # No reader acknowledges: one warning and one history record (the
    # episodes counted there), then the attribute only.
    run -0 mmha_decide_semisync writer on 1 0 0 0 "" active 7
    assert_line --partial "(7 transactions unacknowledged so far)"
    assert_line "history semisync-degraded unacked=7"
    run -0 mmha_decide_semisync writer on 1 0 0 0 "" degraded 9
    assert_output "semisync degraded"
    # semisync_timeout reloaded: set again.
    run -0 mmha_decide_semisync writer on 1 1 0 0 "" active 0 "1000 250"
    assert_output "do semisync source
semisync active"
    run -0 mmha_decide_semisync writer on 1 1 0 0 "" active 0 "250 250"
    assert_output "semisync active"
}

@test "semisync: a reader acknowledges only with its IO thread connected; reconnecting keeps the last value" {
    run -0 mmha_decide_semisync reader on 0 0 1 1 yes "" 0
    assert_output "semisync acking"
    run -0 mmha_decide_semisync reader on 0 0 1 0 yes acking 0
    assert_line "semisync not-acking"
    assert_line --partial "warn semi-sync: this reader no longer acknowledges"
    # The writer died: what the reader did up to then is what counts.
    run -0 mmha_decide_semisync reader on 0 0 1 0 connecting acking 0
    assert_output "semisync acking"
    # An operator's STOP SLAVE IO_THREAD.
    run -0 mmha_decide_semisync reader on 0 0 1 0 no acking 0
    assert_line "semisync not-acking"
    # A demoted writer whose source side is still on, or a restarted
    # server without the replica side: switched.
    run -0 mmha_decide_semisync reader on 1 0 1 0 connecting "" 0
    assert_line --index 0 "do semisync replica"
    assert_line "semisync not-acking"
}

@test "semisync: off turns a server's semi-sync off once; a server without it is reported" {
    run -0 mmha_decide_semisync writer off 0 0 0 0 "" "" 0
    assert_output ""
    run -0 mmha_decide_semisync reader off 0 0 1 1 yes "" 0
    assert_output "do semisync off
semisync -"
    run -0 mmha_decide_semisync writer on "" "" "" "" "" "" 0
    assert_line --partial "warn semisync=on, but this server has no semi-synchronous replication"
    assert_line "semisync unavailable"
    run -0 mmha_decide_semisync writer on "" "" "" "" "" unavailable 0
    assert_output "semisync unavailable"
}

@test "semisync: a reader that does not acknowledge scores below any acknowledging one within 40 lag steps" {
    local ack noack
    ack=$(mmha_decide_score unpromoted yes 0 0 39000 2 0)
    noack=$(mmha_decide_score unpromoted yes 0 0 0 3 1)
    [ "${ack%% *}" -gt "${noack%% *}" ]
    assert_equal "${noack#* }" "reader, lag 0 ms, not acknowledging semi-sync"
    # Still a candidate: with no other reader it is promoted.
    [ "${noack%% *}" -gt 0 ]
}

@test "semisync: a reader's monitor publishes its state and scores by it" {
    local obs="READ_ONLY=1
SERVER_ID=2
REPLICA_CONFIGURED=1
REPLICA_SOURCE_HOST=127.0.0.1
REPLICA_SOURCE_PORT=50423
REPLICA_IO_RUNNING=yes
REPLICA_SQL_RUNNING=yes
WRITER=$W1
MY_NODE=n2
MY_ADDR=127.0.0.1:50424
ERRANT_NOW=
ERRANT_OLD=
LAG_MS=0
READABLE=1
SEMISYNC=on
SEMISYNC_OLD=acking"
    run -0 mmha_decide_reader_monitor "$obs
$SS_READER"
    assert_line "semisync acking"
    assert_line --regexp '^score 89[0-9] reader, lag 0 ms$'
    assert_line "exit 0"
    run -0 mmha_decide_reader_monitor "$obs
${SS_READER%=1}0"
    assert_line "semisync not-acking"
    assert_line --regexp '^score 49[0-9] reader, lag 0 ms, not acknowledging semi-sync$'
}

@test "semisync: start, demotion and promotion switch the sides; a promotion from a reader not acknowledging warns" {
    local start="CAPTURE_RC=0
READ_ONLY=1
SERVER_ID=1
WRITER=$W1
MY_NODE=n2
SEMISYNC=on"
    run -0 mmha_decide_start_reader "$start
SEMISYNC_SOURCE_ENABLED=0
SEMISYNC_REPLICA_ENABLED=0"
    assert_line --index 0 "do semisync replica"
    assert_line --index 1 "do repoint $W1"
    # Started as a semi-sync replica already (a managed mysqld): nothing.
    run -0 mmha_decide_start_reader "$start
$SS_READER"
    refute_line "do semisync replica"

    local demote="STATUS=0
READ_ONLY=0
SERVER_ID=1
EPOCH=6
SEMISYNC"
    run -0 mmha_decide_demote "$demote=on"
    assert_line "do semisync-detached replica"
    [ "$(grep -n 'semisync-detached' <<<"$output" | cut -d: -f1)" -gt \
        "$(grep -n 'demote-readonly' <<<"$output" | cut -d: -f1)" ]

    local promote="$PROMOTE_FENCED
SEMISYNC=on"
    run -0 mmha_decide_promote "$promote
SEMISYNC_OLD=acking"
    # The IO thread's stop may still be under way: never restarted here.
    assert_line "do semisync source keep-io"
    [ "$(grep -n 'do semisync source' <<<"$output" | cut -d: -f1)" -lt \
        "$(grep -n 'must commit' <<<"$output" | cut -d: -f1)" ]
    refute_line --partial "warn "
    run -0 mmha_decide_promote "$promote
SEMISYNC_OLD=not-acking
REPLICA_IO_RUNNING=connecting"
    assert_line --partial "warn promoting a reader that was not acknowledging semi-sync (not-acking, IO thread connecting): writes the previous writer acknowledged may be missing"
    # Acknowledging at its last monitor, its IO thread stopped since.
    run -0 mmha_decide_promote "$promote
SEMISYNC_OLD=acking
REPLICA_IO_RUNNING=no"
    assert_line --partial "warn promoting a reader that was not acknowledging semi-sync (acking, IO thread no):"
    # Reconnecting to a source that died: what it acknowledged stands.
    run -0 mmha_decide_promote "$promote
SEMISYNC_OLD=acking
REPLICA_IO_RUNNING=connecting"
    refute_line --partial "warn "
    # Promoted again where it was the writer (its mysqld recovered in
    # place): nothing of another node to miss.
    run -0 mmha_decide_promote "${promote/MY_NODE=n2/MY_NODE=n1}
SEMISYNC_OLD=active"
    refute_line --partial "warn "

    # semisync=off: no step at all.
    run -0 mmha_decide_promote "${promote%on}off"
    refute_line --partial semisync
    run -0 mmha_decide_demote "$demote=off"
    refute_line --partial semisync
}

@test "semisync: mysqld starts as a semi-sync replica (MariaDB 10.3+), truncating an unacknowledged tail with GTIDs (10.6+)" {
    run -0 mmha_decide_start_semisync "mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)" gtid
    assert_output "--rpl-semi-sync-slave-enabled=1 --init-rpl-role=SLAVE"
    # Without GTIDs the truncated tail a reader has cannot be fetched back.
    run -0 mmha_decide_start_semisync "mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)" filepos
    assert_output "--rpl-semi-sync-slave-enabled=1"
    run -0 mmha_decide_start_semisync "mysqld  Ver 10.5.21-MariaDB for debian-linux-gnu" gtid
    assert_output "--rpl-semi-sync-slave-enabled=1"
    run -0 mmha_decide_start_semisync "mysqld  Ver 5.5.68-MariaDB for Linux" gtid
    assert_output ""
    run -0 mmha_decide_start_semisync "mysqld  Ver 11.4.2-MariaDB" gtid
    assert_output "--rpl-semi-sync-slave-enabled=1 --init-rpl-role=SLAVE"
    run -0 mmha_decide_start_semisync "/usr/sbin/mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)" gtid
    assert_output ""
}

# Three readers of node1 (node4 promotable too); node1 once a reader.
RECEIVED='node1 node4:3306 mariadb-bin.000007:99999
node2 node1:3306 mariadb-bin.000004:5000
node3 node1:3306 mariadb-bin.000004:4000
node4 node1:3306 mariadb-bin.000004:5000'

# candidate_obs: a healthy reader of node1 (epoch 6) as its monitor sees
# it, the readers' received lines of RECEIVED with it; the caller adds
# MY_NODE, SERVER_ID and what differs.
candidate_obs() {
    printf '%s\n' "READ_ONLY=1
REPLICA_CONFIGURED=1
REPLICA_SOURCE_HOST=node1
REPLICA_SOURCE_PORT=3306
REPLICA_IO_RUNNING=yes
REPLICA_SQL_RUNNING=yes
REPLICA_READ_FILE=mariadb-bin.000004
WRITER=node=node1 epoch=6 addr=node1:3306
ERRANT_NOW=
ERRANT_OLD=
READABLE=1
RECEIVED_ON=1
RECEIVED ${RECEIVED//$'\n'/$'\n'RECEIVED }"
}

@test "most advanced candidate: a reader that received less than another is behind, whatever its lag" {
    # node3's IO thread was held back: behind node2 and node4.
    run -0 mmha_decide_received_behind node3 "node1:3306 mariadb-bin.000004:4000" node1 "$RECEIVED"
    # node2 and node4 received as much: neither is behind (lag, then the
    # last digit, decide between them).
    run -1 mmha_decide_received_behind node2 "node1:3306 mariadb-bin.000004:5000" node1 "$RECEIVED"
    run -1 mmha_decide_received_behind node4 "node1:3306 mariadb-bin.000004:5000" node1 "$RECEIVED"
    # The writer's leftover line from when it was a reader, and lines of
    # readers of another source, do not count.
    run -1 mmha_decide_received_behind node2 "node1:3306 mariadb-bin.000004:5000" node1 \
        "node1 node1:3306 mariadb-bin.000009:1"
    run -1 mmha_decide_received_behind node2 "node1:3306 mariadb-bin.000004:5000" node1 \
        "node5 node9:3306 mariadb-bin.000009:1"
    # Positions compare by file number, then offset.
    run -0 mmha_decide_received_behind node2 "node1:3306 mariadb-bin.000099:9999" node1 \
        "node3 node1:3306 mariadb-bin.000100:4"
    run -1 mmha_decide_received_behind node2 "node1:3306 mariadb-bin.000100:4" node1 \
        "node3 node1:3306 mariadb-bin.000099:9999"
}

@test "most advanced candidate: the reader that received most is promoted before the one with least lag" {
    local obs s3 s2
    obs=$(candidate_obs)
    # node3: held back, so it applied all it has: no lag.
    run -0 mmha_decide_reader_monitor "$obs
MY_NODE=node3
SERVER_ID=3
LAG_MS=0
REPLICA_READ_POS=4000"
    assert_line "received node3 node1:3306 mariadb-bin.000004:4000"
    s3=$(sed -n 's/^score \([0-9]*\) .*/\1/p' <<<"$output")
    assert_line --partial "received less than another reader"
    # node2: received everything, still applying it: 3 s of lag.
    run -0 mmha_decide_reader_monitor "$obs
MY_NODE=node2
SERVER_ID=2
LAG_MS=3000
REPLICA_READ_POS=5000"
    s2=$(sed -n 's/^score \([0-9]*\) .*/\1/p' <<<"$output")
    [ "$s2" -gt "$s3" ]
    # Two instances only (a 2-node cluster): nothing published, no query.
    run -0 mmha_decide_reader_monitor "${obs/RECEIVED_ON=1/RECEIVED_ON=0}
MY_NODE=node2
SERVER_ID=2
LAG_MS=0
REPLICA_READ_POS=5000"
    refute_line --partial "received "
}

@test "most advanced candidate: received and lag equal, the name decides" {
    local obs s2 s4
    run -0 mmha_decide_name_rank node2 "$RECEIVED"
    assert_output 1
    run -0 mmha_decide_name_rank node4 "$RECEIVED"
    assert_output 3
    # A name no line has yet still ranks; ten names earlier count as 9.
    run -0 mmha_decide_name_rank a ""
    assert_output 0
    run -0 mmha_decide_name_rank z "$(printf 'n%s x y\n' 0 1 2 3 4 5 6 7 8 9 10)"
    assert_output 9
    obs="$(candidate_obs)
REPLICA_READ_POS=5000
LAG_MS=400"
    # node4's server_id ends in 2, node2's in 4: the name wins over it.
    run -0 mmha_decide_reader_monitor "$obs
MY_NODE=node2
SERVER_ID=14"
    s2=$(sed -n 's/^score \([0-9]*\) .*/\1/p' <<<"$output")
    run -0 mmha_decide_reader_monitor "$obs
MY_NODE=node4
SERVER_ID=12"
    s4=$(sed -n 's/^score \([0-9]*\) .*/\1/p' <<<"$output")
    [ "$s2" -gt "$s4" ] || fail "node2 $s2, node4 $s4"
}
