#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's decisions, called directly: no server, no Pacemaker.

load ../lib/common

setup() {
    load_bats_libs
    # shellcheck disable=SC1091
    . "$MMHA_TOP/agents/lib/mmha-decide.sh"
}

@test "score: the writer keeps the highest score" {
    run -0 mmha_decide_score promoted yes 0 0 0 1
    assert_output "1000 writer"
}

@test "score: a caught-up reader scores below the writer, ties broken by server_id" {
    run -0 mmha_decide_score unpromoted yes 0 0 0 1
    assert_output "899 reader, lag 0 ms"
    run -0 mmha_decide_score unpromoted yes 0 0 0 2
    assert_output "898 reader, lag 0 ms"
}

@test "score: a lagging reader scores lower, never below the floor" {
    run -0 mmha_decide_score unpromoted yes 0 0 2500 1
    assert_output "879 reader, lag 2500 ms"
    run -0 mmha_decide_score unpromoted yes 0 0 999999 3
    assert_output "97 reader, lag 999999 ms"
}

@test "score: the less lagging of two readers wins whatever their ids" {
    local a b
    a=$(mmha_decide_score unpromoted yes 0 0 900 9)
    b=$(mmha_decide_score unpromoted yes 0 0 1200 1)
    [ "${a%% *}" -gt "${b%% *}" ] || fail "$a should beat $b"
}

@test "score: unknown lag ranks below any measured lag up to 39 s" {
    run -0 mmha_decide_score unpromoted yes 0 "" "" 1
    assert_output "499 reader, lag unknown"
}

@test "score: a broken reader (SQL error, errant GTIDs) gets no score" {
    run -0 mmha_decide_score unpromoted no 1062 0 0 1
    assert_output "del broken: SQL thread error 1062"
    run -0 mmha_decide_score unpromoted yes 0 1 0 1
    assert_output "del broken: errant transactions"
}

@test "score: a stopped SQL thread without error scores 1" {
    run -0 mmha_decide_score unpromoted no 0 0 "" 1
    assert_output "1 SQL thread stopped"
}

@test "health: both threads, or a connecting IO thread, are healthy" {
    run -0 mmha_decide_reader_health 1 yes yes 0 0 1
    assert_output ok
    run -0 mmha_decide_reader_health 1 connecting yes 0 0 1
    assert_output ok
}

@test "health: a reader that does not replicate is failed" {
    run -0 mmha_decide_reader_health 1 yes no 1200 0 1
    assert_output "failed SQL thread stopped with error 1200"
    run -0 mmha_decide_reader_health 1 no yes 0 1236 1
    assert_output "failed IO thread stopped with error 1236"
    run -0 mmha_decide_reader_health 1 yes no 0 0 1
    assert_output "failed SQL thread not running"
    run -0 mmha_decide_reader_health 0 "" "" 0 0 1
    assert_output --partial "failed replication not configured"
}

@test "health: a lone server without replication is fine" {
    run -0 mmha_decide_reader_health 0 "" "" 0 0 0
    assert_output ok
}

@test "notify: after a promotion the others re-point, the new writer does not" {
    run -0 mmha_decide_notify post-promote n1 "n2"
    assert_output repoint
    run -0 mmha_decide_notify post-promote n2 "n2"
    assert_output none
    run -0 mmha_decide_notify post-promote n10 "n1"
    assert_output repoint
    run -0 mmha_decide_notify pre-promote n1 "n2"
    assert_output none
    run -0 mmha_decide_notify post-demote n1 "n2"
    assert_output none
    run -0 mmha_decide_notify post-promote n1 ""
    assert_output none
}

@test "notify: the node about to be promoted notes the writer's clients before the demotion" {
    run -0 mmha_decide_notify pre-demote n2 "n2"
    assert_output note-clients
    run -0 mmha_decide_notify pre-demote n2 "n2" "n1" ""
    assert_output note-clients
    run -0 mmha_decide_notify pre-demote n2 "n2" "n1" "n3"
    assert_output note-clients
    # The writer failed or its node is gone: it is stopped too.
    run -0 mmha_decide_notify pre-demote n2 "n2" "n1" "n1"
    assert_output none
    run -0 mmha_decide_notify pre-demote n2 "n2" "n1" "n3 n1"
    assert_output none
    run -0 mmha_decide_notify pre-demote n1 "n2"
    assert_output none
    run -0 mmha_decide_notify pre-demote n1 ""
    assert_output none
    run -0 mmha_decide_notify post-demote n2 "n2"
    assert_output none
}

@test "repoint: only when not already replicating from the writer" {
    run -1 mmha_decide_repoint h:1 h:1 yes yes
    assert_output "already replicating from h:1"
    run -1 mmha_decide_repoint h:1 h:1 connecting yes
    run -0 mmha_decide_repoint h:1 h:1 yes no
    assert_output "repoint to h:1"
    run -0 mmha_decide_repoint h:1 h:2 yes yes
    assert_output "repoint to h:2"
    run -1 mmha_decide_repoint h:1 "" yes yes
    assert_output "no writer recorded"
}

@test "repoint: a channel that ignores GTID domains is re-pointed, even from the writer" {
    # A demoted writer replicated from this very node, ignoring its domain.
    run -0 mmha_decide_repoint h:2 h:2 yes yes gtid 2
    assert_output "repoint to h:2 (the channel ignores GTID domains 2)"
    run -0 mmha_decide_repoint h:2 h:2 connecting yes gtid 2,7
    run -0 mmha_decide_repoint h:1 h:2 yes yes filepos 2
    # An empty list changes nothing.
    run -1 mmha_decide_repoint h:2 h:2 yes yes gtid ""
    assert_output "already replicating from h:2"
    run -1 mmha_decide_repoint h:1 h:2 yes yes filepos ""
}

@test "repoint, file/position mode: a healthy reader stays on its master" {
    run -1 mmha_decide_repoint h:1 h:2 yes yes filepos
    assert_output "file/position mode: keeps replicating from h:1"
    run -0 mmha_decide_repoint h:1 h:2 connecting yes filepos
    run -0 mmha_decide_repoint h:1 h:2 yes no filepos
    run -0 mmha_decide_repoint h:1 h:2 no yes filepos
}

@test "catch-up: each policy and wait outcome" {
    run -0 mmha_decide_catchup immediate "" fail
    assert_output --partial "promote immediate"
    run -0 mmha_decide_catchup wait 0 fail
    assert_output "promote relay log drained"
    run -0 mmha_decide_catchup wait 124 promote
    assert_output --partial "promote catch-up timed out"
    run -0 mmha_decide_catchup wait 124 fail
    assert_output "fail catch-up timed out"
    run -0 mmha_decide_catchup wait 80 promote
    assert_output "fail replication error while catching up"
    run -0 mmha_decide_catchup wait 69 promote
    assert_output "fail catch-up wait failed with status 69"
}

@test "deadline: operation timeout less a margin" {
    run -0 mmha_decide_deadline 30000
    assert_output 27.000
    run -0 mmha_decide_deadline 10000
    assert_output 8.000
    run -0 mmha_decide_deadline 2000
    assert_output 1.000
    run -0 mmha_decide_deadline ""
    assert_output 18.000
}

@test "epoch and history" {
    run -0 mmha_decide_next_epoch ""
    assert_output 1
    run -0 mmha_decide_next_epoch 41
    assert_output 42
    run -0 mmha_decide_history "" "a" 3
    assert_output a
    run -0 mmha_decide_history "a;b;c" "d" 3
    assert_output "b;c;d"
}

@test "ids: the PIXNET rule" {
    run -0 mmha_decide_ids n1 1 2 1 "n2 2 2 2"
    assert_output ok
    run -0 mmha_decide_ids n1 1 2 1 "n1 1 2 1"
    assert_output ok
    run -0 mmha_decide_ids n1 1 2 1 "n2 1 2 2"
    assert_output "error server_id 1 is also used by n2"
    run -0 mmha_decide_ids n1 1 2 1 "n2 2 3 2"
    assert_output "error auto_increment_increment is 2 here but 3 on n2"
    run -0 mmha_decide_ids n1 1 2 1 "n2 2 2 1"
    assert_output "error auto_increment_offset 1 is also used by n2"
    run -0 mmha_decide_ids n1 1 2 1 "n2 2 2 2
n3 3 2 3"
    assert_output --partial "error"
    run -0 mmha_decide_ids n1 0 2 1 ""
    assert_output --partial "error server_id"
    run -0 mmha_decide_ids n1 1 2 3 ""
    assert_output --partial "error auto_increment_offset (3)"
}

@test "last role: the last promote or demote record, errant reports skipped" {
    run -0 mmha_decide_last_role "promote node=n1 epoch=1;demote node=n1 epoch=1 file=b.1 pos=9;errant node=n2 set=2-2-5"
    assert_output "demote node=n1 epoch=1 file=b.1 pos=9"
    run -0 mmha_decide_last_role "demote node=n1 epoch=1;promote node=n2 epoch=2"
    assert_output "promote node=n2 epoch=2"
    run -0 mmha_decide_last_role "errant node=n2 set=2-2-5"
    assert_output ""
    run -0 mmha_decide_last_role ""
    assert_output ""
}

@test "clean demote: the recorded writer's own demotion, not another node's" {
    run -0 mmha_decide_clean_demote n1 "demote node=n1 epoch=3 file=b.1 pos=9"
    run -1 mmha_decide_clean_demote n1 "promote node=n1 epoch=3"
    run -1 mmha_decide_clean_demote n1 "demote node=n2 epoch=3"
    # n1 is not n10.
    run -1 mmha_decide_clean_demote n1 "demote node=n10 epoch=3"
    run -1 mmha_decide_clean_demote "" "demote node=n1 epoch=3"
    run -1 mmha_decide_clean_demote n1 ""
}

@test "previous writer: the last promotion of another node" {
    run -0 mmha_decide_previous_writer "promote node=n1 epoch=1;demote node=n1 epoch=1;promote node=n2 epoch=2" n2
    assert_output n1
    run -0 mmha_decide_previous_writer "promote node=n1 epoch=1;promote node=n2 epoch=2;promote node=n1 epoch=3" n1
    assert_output n2
    run -0 mmha_decide_previous_writer "promote node=n1 epoch=1;errant node=n2 set=2-2-1" n2
    assert_output n1
    run -0 mmha_decide_previous_writer "promote node=n1 epoch=1" n1
    assert_output ""
    run -0 mmha_decide_previous_writer "" n1
    assert_output ""
    # A node name that is a prefix of another is still another node.
    run -0 mmha_decide_previous_writer "promote node=n10 epoch=1" n1
    assert_output n10
}

@test "grace: only without fencing and after an unclean end of another writer" {
    run -0 mmha_decide_grace 1 n1 n2 "promote node=n1 epoch=1" 1000
    assert_output "0 fencing on"
    run -0 mmha_decide_grace 0 "" n2 "" 1000
    assert_output "0 no previous writer elsewhere"
    run -0 mmha_decide_grace 0 n2 n2 "promote node=n2 epoch=1" 1000
    assert_output "0 no previous writer elsewhere"
    run -0 mmha_decide_grace 0 n1 n2 "demote node=n1 epoch=1 file=b.1 pos=4" 1000
    assert_output "0 n1 demoted cleanly"
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 1000
    assert_output "1000 fencing off and n1 did not demote cleanly"
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" 2500
    assert_output --regexp "^2500 "
    # Another node's demotion does not make n1's end clean.
    run -0 mmha_decide_grace 0 n1 n3 "demote node=n2 epoch=1" 1000
    assert_output --regexp "^1000 "
    run -0 mmha_decide_grace 0 n1 n2 "promote node=n1 epoch=1" ""
    assert_output --regexp "^0 "
}

@test "errant: reported once, kept until the operator clears the attribute" {
    run -0 mmha_decide_errant "2-2-5" ""
    assert_output "report 2-2-5"
    run -0 mmha_decide_errant "2-2-5" "2-2-5"
    assert_output "keep 2-2-5"
    run -0 mmha_decide_errant "2-2-6" "2-2-5"
    assert_output "report 2-2-6"
    # Clean or unknown now: the recorded set stays.
    run -0 mmha_decide_errant "" "2-2-5"
    assert_output "keep 2-2-5"
    run -0 mmha_decide_errant "?" "2-2-5"
    assert_output "keep 2-2-5"
    run -0 mmha_decide_errant "" ""
    assert_output clean
    run -0 mmha_decide_errant "?" ""
    assert_output unknown
}

@test "read reached: binary log file sequence first, then position" {
    run -0 mmha_decide_read_reached mariadb-bin.000002 4 mariadb-bin.000001 900
    run -0 mmha_decide_read_reached mariadb-bin.000001 900 mariadb-bin.000001 900
    run -0 mmha_decide_read_reached mariadb-bin.000001 901 mariadb-bin.000001 900
    run -1 mmha_decide_read_reached mariadb-bin.000001 899 mariadb-bin.000001 900
    run -1 mmha_decide_read_reached mariadb-bin.000001 9999 mariadb-bin.000002 4
    # Leading zeros are not octal: 000010 is after 000009.
    run -0 mmha_decide_read_reached mariadb-bin.000010 4 mariadb-bin.000009 900
    run -1 mmha_decide_read_reached mariadb-bin.000009 900 mariadb-bin.000010 4
    run -0 mmha_decide_binlog_seq mariadb-bin.000042
    assert_output 42
    run -0 mmha_decide_binlog_seq mariadb-bin.000000
    assert_output 0
    # Unknown positions never count as reached.
    run -1 mmha_decide_read_reached "" "" mariadb-bin.000001 4
    run -1 mmha_decide_read_reached mariadb-bin.000001 4 "" ""
}

@test "writer source: keeps a running source that ignores the reader's domain" {
    run -0 mmha_decide_writer_source 3 gtid h2:2 yes yes n2 "n2 - -" 2
    assert_output "keep replicating from h2:2"
    run -0 mmha_decide_writer_source 3 gtid h2:2 connecting yes n2 "" 2
    assert_output --regexp "^keep "
    # File/position mode has no ignore list.
    run -0 mmha_decide_writer_source 3 filepos h2:2 yes yes n2 "n2 - -" ""
    assert_output "keep replicating from h2:2"
}

@test "writer source: a running GTID channel that ignores no domain is re-pointed" {
    # Set up by anything else (an older agent, an operator): the reader's
    # own writes would come in.  Re-pointed to a peer, or left alone
    # without one.
    run -0 mmha_decide_writer_source 3 gtid h2:2 yes yes n2 "n2 3@h2:2 -" ""
    assert_output "repoint n2 h2:2"
    run -0 mmha_decide_writer_source 3 gtid h2:2 yes yes n2 "n2 3@h2:2 -"
    assert_output "repoint n2 h2:2"
    run -0 mmha_decide_writer_source 3 gtid h2:2 yes yes n2 "n2 - -" ""
    assert_output --regexp "^none "
}

@test "writer source: only a healthy reader of this epoch without errant transactions" {
    local peers
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n2 ""
    assert_output "none no healthy reader of epoch 3 without errant transactions"
    # No peer attribute, an older epoch, or an errant set: none.
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n2 "n2 - -"
    assert_output --regexp "^none "
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n2 "n2 2@h2:2 -"
    assert_output --regexp "^none "
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n2 "n2 33@h2:2 -"
    assert_output --regexp "^none "
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n2 "n2 3@h2:2 2-2-5"
    assert_output --regexp "^none "
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n2 "n2 3@ -"
    assert_output --regexp "^none "
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n2 "n2 3@h2:2 -"
    assert_output "repoint n2 h2:2"
    # A stopped IO thread (as promote leaves it) or SQL thread: re-point.
    run -0 mmha_decide_writer_source 3 gtid h1:1 no yes n2 "n2 3@h2:2 -"
    assert_output "repoint n2 h2:2"
    run -0 mmha_decide_writer_source 3 gtid h2:2 yes no n2 "n2 3@h2:2 -"
    assert_output "repoint n2 h2:2"
    # The previous writer is preferred, else the first healthy peer.
    peers=$'n1 3@h1:1 -\nn2 3@h2:2 -\nn4 3@h4:4 -'
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n2 "$peers"
    assert_output "repoint n2 h2:2"
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n9 "$peers"
    assert_output "repoint n1 h1:1"
    peers=$'n1 3@h1:1 1-1-4\nn2 - -\nn4 3@h4:4 -'
    run -0 mmha_decide_writer_source 3 gtid "" "" "" n1 "$peers"
    assert_output "repoint n4 h4:4"
}

@test "writer source, file/position mode: only the source already configured" {
    run -0 mmha_decide_writer_source 3 filepos h1:1 no yes n2 "n2 3@h2:2 -"
    assert_output --regexp "^none "
    run -0 mmha_decide_writer_source 3 filepos h2:2 no yes n2 "n2 3@h2:2 -"
    assert_output "repoint n2 h2:2"
}

@test "heartbeat: a fresh row is ok, a stale one restarts the heartbeat once, then fails" {
    run -0 mmha_decide_beat 300 60000 2000 0
    assert_output ok
    run -0 mmha_decide_beat 300 60000 2000 1
    assert_output ok
    # No row yet, or stale, but the heartbeat started moments ago.
    run -0 mmha_decide_beat "" 500 2000 0
    assert_output ok
    run -0 mmha_decide_beat 9000 500 2000 1
    assert_output ok
    run -0 mmha_decide_beat 2500 60000 2000 0
    assert_output "restart heartbeat row 2500 ms old (limit 2000 ms)"
    run -0 mmha_decide_beat "" 3000 2000 0
    assert_output "restart no heartbeat row after 3000 ms"
    run -0 mmha_decide_beat 4600 2100 2000 1
    assert_output "failed heartbeat row 4600 ms old (limit 2000 ms): the writer's writes do not commit"
    run -0 mmha_decide_beat '?' 60000 2000 0
    assert_output "restart heartbeat row unreadable within 1 s (table locked?)"
}

@test "IO stall: running or reconnecting with nothing read for the limit gets a new connection" {
    run -0 mmha_decide_io_stall yes mariadb-bin.000002 "" 5000 3000
    assert_output ok
    run -0 mmha_decide_io_stall yes mariadb-bin.000002 1000 9000 3000
    assert_output ok
    run -0 mmha_decide_io_stall connecting mariadb-bin.000002 1000 9000 3000
    assert_output ok
    # slave_net_timeout ends the silent connection: still the same stall.
    run -0 mmha_decide_io_stall connecting "" 1000 9000 3000
    assert_output restart
    run -0 mmha_decide_io_stall no "" 1000 9000 3000
    assert_output ok
    run -0 mmha_decide_io_stall yes "" "" 5000 3000
    assert_output note
    run -0 mmha_decide_io_stall yes "" 5000 7999 3000
    assert_output wait
    run -0 mmha_decide_io_stall yes "" 5000 8000 3000
    assert_output restart
}

@test "tickles: one line per distinct IPv4 client, from the writer address" {
    run -0 mmha_decide_tickles 192.0.2.10 3306 <<'EOF'
10.0.0.5:40212
localhost
10.0.0.5:40212
::1:33120
10.0.0.6:51000
node1:22
system user

EOF
    assert_output "192.0.2.10:3306 10.0.0.5:40212
192.0.2.10:3306 10.0.0.6:51000"
    run -0 mmha_decide_tickles 192.0.2.10 3306 </dev/null
    assert_output ""
}

@test "tickles: at most 1000 connections" {
    many() {
        local i
        for i in $(seq 1 1500); do
            echo "10.0.$((i / 250)).$((i % 250)):4000"
        done | mmha_decide_tickles 192.0.2.10 3306 | wc -l
    }
    run -0 many
    assert_output 1000
}

@test "IPv4 addresses" {
    run -0 mmha_is_ipv4 192.0.2.10
    run -0 mmha_is_ipv4 0.0.0.0
    run -0 mmha_is_ipv4 255.255.255.255
    run -1 mmha_is_ipv4 256.1.1.1
    run -1 mmha_is_ipv4 192.0.2
    run -1 mmha_is_ipv4 "192.0.2.10 "
    run -1 mmha_is_ipv4 ""
}

@test "tail at promotion: no clean demotion elsewhere, or the final position received: promote" {
    run -0 mmha_decide_tail 0 0 0 no 1236 no 1236
    assert_output --partial "ok no clean demotion"
    run -0 mmha_decide_tail 1 1 1 yes 0 yes 0
    assert_output --partial "ok the old writer's final position received"
}

@test "tail at promotion: a cleanly demoted writer refuses this server's position (1236): refused" {
    run -1 mmha_decide_tail 1 1 0 no 1236 yes 0
    assert_output --regexp "^refuse .*1236"
    # Replicating from elsewhere, refused there too (the chaos run's case).
    run -1 mmha_decide_tail 1 0 0 no 1236 no 0
    assert_output --regexp "^refuse .*1236"
}

@test "tail at promotion: replication stopped on an error, or from elsewhere and not running: refused" {
    run -1 mmha_decide_tail 1 1 0 yes 0 no 1062
    assert_output --regexp "^refuse replication stopped on error 1062"
    run -1 mmha_decide_tail 1 0 0 no 0 no 0
    assert_output --regexp "^refuse not replicating from the old writer"
}

@test "tail at promotion: the old writer gone after its demotion, or a reader only behind: promote" {
    run -0 mmha_decide_tail 1 1 0 connecting 2003 yes 0
    assert_output --partial "nothing more can come"
    run -0 mmha_decide_tail 1 0 0 yes 0 yes 0
    assert_output --partial "ok replicating from another source"
}
