#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# semisync=on on the 2-node cluster (crm-examples/2-node.crm, fencing on):
# a kill -9 of the writer's mysqld and a crash of the writer's node lose
# no acknowledged write on the new writer, and the old writer rejoins as
# a reader with no errant set; a writer killed while a commit waits for
# an acknowledgement ends with both servers equal (its truncated tail,
# which the reader had, fetched back by the re-point); with no reader
# acknowledging the writer goes on (after semisync_timeout for a hung
# reader, at once for one gone) and says degraded; semisync=off turns it
# off again; a promotion from a reader that had stopped acknowledging
# says that acknowledged writes may be missing.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

# set_semisync on|off: the parameter, returning once its reload is done.
set_semisync() {
    local n
    n=$(mm_any_node)
    cluster_exec "$n" crm_resource -r mysql -p semisync -v "$1" >/dev/null ||
        return 1
    cluster_settle -n "$n" 30
}

# semisync_attrs W R: the writer W says active, the reader R acking.
semisync_attrs() {
    [ "$(mm_attr "$1" mmha-semisync)" = active ] &&
        [ "$(mm_attr "$2" mmha-semisync)" = acking ]
}

# no_errant i: node i has no errant attribute and mmha-binlog finds none
# against the writer's server.
no_errant() {
    local w
    w=$(mm_writer) || return 1
    [ -z "$(mm_attr "$1" mmha-errant)" ] &&
        cluster_exec "$1" mmha-binlog errant --defaults-file /etc/mysql/mmha.cnf \
            --reference "node$w:3306" >/dev/null
}

# acked_missing NAME i T0_MS: ids client NAME had acknowledged before
# T0_MS that node i's server lacks (once its relay log is applied).
acked_missing() {
    local log present
    log=$(mm_client_log "$1")
    present=$(_mm_dir)/logs/$1.present
    wait_until 10 "mm_sql $2 'SELECT id FROM test.wc_$1' | sort >'$present' &&
        [ -z \"\$(awk -v t=$3 '\$2 == \"ACK\" && \$1 < t { print \$3 }' '$log' |
            sort | comm -23 - '$present')\" ]" >/dev/null 2>&1 || true
    awk -v t="$3" '$2 == "ACK" && $1 < t { print $3 }' "$log" | sort |
        comm -23 - "$present"
}

# errant_reported i: node i's errant set (mmha-binlog errant against the
# writer) on stdout, empty when none; status 1 when there is one and the
# node's mmha-errant attribute does not say it within 20 s.
errant_reported() {
    local w set
    w=$(mm_writer) || return 1
    set=$(cluster_exec "$1" mmha-binlog errant --defaults-file /etc/mysql/mmha.cnf \
        --reference "node$w:3306" --format shell | sed -n 's/^ERRANT=//p')
    echo "$set"
    [ -z "$set" ] ||
        wait_until 20 "[ \"\$(mm_attr $1 mmha-errant)\" = '$set' ]" >/dev/null
}

# both_roles: a writer, and the other node replicating from it.
both_roles() {
    local w r
    w=$(mm_writer 2>/dev/null) || return 1
    r=$(mm_other "$w")
    mm_replicating "$r" 2>/dev/null &&
        [ "$(mm_slave_field "$r" Master_Host)" = "node$w" ]
}

# unclean_end SCENARIO: kill9 | crash of the writer under a writer client
# through the writer VIP; asserts the acknowledged writes and the rejoin.
unclean_end() {
    local sc=$1 old new t0 lost set degraded
    old=$(mm_writer)
    new=$(mm_other "$old")
    wait_until 30 "semisync_attrs $old $new"
    # Its degraded records so far (the history keeps 20, by time).
    degraded=$(_mm_dir)/logs/degraded-before
    mm_history | grep "^semisync-degraded node=node$new " >"$degraded" || true
    echo never-a-record >>"$degraded"
    mm_rocheck_start
    mm_client_start "ss_$sc"
    sleep 2
    t0=$(_mmha_now_ms)
    case $sc in
    kill9) mm_kill_mysqld "$old" ;;
    crash) cluster_crash "$old" ;;
    esac
    mm_ack_writes_on "ss_$sc" "$new" 30
    echo "# $sc node$old -> writes acknowledged by node$new after $(mm_elapsed_ms "$t0") ms" >&3
    # Until the old writer is back, the new one has no reader: it commits
    # asynchronously (a second failure now would lose), and says so.
    if [ "$sc" = crash ]; then
        wait_until 30 "mm_history | grep '^semisync-degraded node=node$new ' |
            grep -qvxF -f '$degraded'" ||
            fail "node$new: no semisync-degraded record while node$old is down"
        echo "# node$new degraded (no reader) after $(mm_elapsed_ms "$t0") ms" >&3
    fi
    # What the old writer acknowledged, on the new writer itself once its
    # relay log is applied (the client stopped, so that no write it is
    # acknowledging meanwhile counts): whatever the old one does later
    # cannot hide a loss.
    sleep 1
    run -0 mm_client_stop "ss_$sc"
    echo "# client: $output" >&3
    lost=$(acked_missing "ss_$sc" "$new" "$t0")
    echo "# acknowledged writes missing on node$new after the failover: $(printf '%s' "$lost" | grep -c .)" >&3
    [ -z "$lost" ]
    mm_wait_reader "$old" 90
    echo "# node$old back as a replicating reader after $(mm_elapsed_ms "$t0") ms" >&3
    run -0 mm_rocheck_stop
    run -0 mm_sql "$old" "SELECT @@global.read_only"
    assert_output 1
    # A commit that had not left the old writer when it died was truncated
    # at its recovery (--init-rpl-role=SLAVE), one the reader had received
    # fetched back by the re-point: no errant set either way.
    set=$(errant_reported "$old") || fail "node$old: an errant set not reported"
    [ -z "$set" ] || fail "node$old: errant set $set after a $sc"
    wait_until 20 "no_errant $old"
    mm_wait_same_checksum "test.wc_ss_$sc" 30
    wait_until 30 "semisync_attrs $new $old"
    [ "$sc" = crash ] && echo "# node$new active again (node$old acknowledging) after $(mm_elapsed_ms "$t0") ms" >&3
    mm_check_replication 5
}

@test "semisync=on: writer switched to the source side, reader acknowledging" {
    local w r
    set_semisync on
    w=$(mm_writer)
    r=$(mm_other "$w")
    wait_until 30 "semisync_attrs $w $r"
    run -0 mm_sql "$w" "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'"
    assert_output --regexp $'\t1$'
    run -0 mm_sql "$w" "SELECT @@rpl_semi_sync_master_wait_point"
    assert_output AFTER_SYNC
    # A write through the writer VIP is acknowledged by the reader.
    run -0 mm_sql "$w" "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_yes_tx'"
    local before=${output##*$'\t'}
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE IF NOT EXISTS test.ss (id INT PRIMARY KEY); REPLACE INTO test.ss VALUES (1)"
    run -0 mm_sql "$w" "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_yes_tx'"
    [ "${output##*$'\t'}" -gt "$before" ]
}

@test "semisync=on, kill -9 of the writer's mysqld: no acknowledged write missing, old writer rejoins without errant set" {
    unclean_end kill9
}

# timed_write ID: one write through the writer VIP; prints its ms.
timed_write() {
    local t0
    t0=$(_mmha_now_ms)
    mm_app_sql "$(mm_vip writer)" "REPLACE INTO test.ss VALUES ($1)" || return 1
    mm_elapsed_ms "$t0"
}

@test "semisync=on, no reader acknowledging: writes go on (a silent reader costs semisync_timeout once), the writer says degraded" {
    local w r ms pid
    w=$(mm_writer)
    r=$(mm_other "$w")
    wait_until 30 "semisync_attrs $w $r"
    # The reader's node in maintenance: its monitor would restart the
    # stopped IO thread's instance.
    cluster_exec "$w" crm_attribute -N "node$r" -n maintenance -v true >/dev/null
    # Connected but silent (a hung server): one commit waits the timeout.
    pid=$(cluster_exec "$r" cat /run/mysqld/mysqld.pid)
    cluster_exec "$r" kill -STOP "$pid"
    ms=$(timed_write 2)
    echo "# first write with the reader hung: $ms ms (semisync_timeout 1000)" >&3
    [ "$ms" -ge 800 ]
    ms=$(timed_write 3)
    echo "# the next one: $ms ms" >&3
    [ "$ms" -lt 500 ]
    wait_until 10 "[ \"\$(mm_attr $w mmha-semisync)\" = degraded ]"
    run -0 grep -c 'semi-sync degraded' \
        "$(_cluster_ndir "$w")/log-pacemaker/pacemaker.log"
    # Counted: a record in the history.
    wait_until 10 "mm_history | grep -q '^semisync-degraded node=node$w '"
    cluster_exec "$r" kill -CONT "$pid"
    wait_until 30 "semisync_attrs $w $r"
    # Gone cleanly (its IO thread stopped): nothing to wait for at all.
    mm_sql "$r" "STOP SLAVE IO_THREAD"
    ms=$(timed_write 4)
    echo "# a write with the reader's IO thread stopped: $ms ms" >&3
    [ "$ms" -lt 500 ]
    wait_until 10 "[ \"\$(mm_attr $w mmha-semisync)\" = degraded ]"
    mm_sql "$r" "START SLAVE IO_THREAD"
    cluster_exec "$w" crm_attribute -N "node$r" -n maintenance -D >/dev/null
    wait_until 30 "semisync_attrs $w $r"
    run -0 mm_sql "$r" "SELECT COUNT(*) FROM test.ss WHERE id IN (2, 3, 4)"
    assert_output 3
}

@test "semisync=on: a writer killed while a commit waits for its acknowledgement: no errant set, both servers equal" {
    local w r n t0
    w=$(mm_writer)
    r=$(mm_other "$w")
    n=$(mm_any_node)
    cluster_exec "$n" crm_resource -r mysql -p semisync_timeout -v 30000 >/dev/null
    cluster_settle -n "$n" 30
    wait_until 30 "semisync_attrs $w $r"
    wait_until 20 "[ \"\$(mm_sql $w 'SELECT @@rpl_semi_sync_master_timeout')\" = 30000 ]"
    # The reader hears nothing more (still connected): the commit is in
    # the writer's binary log, prepared in InnoDB, and waits.  Its kernel
    # still delivers the event once the reader hears again: the reader
    # has the transaction the killed writer had not committed.  Started
    # with --init-rpl-role=SLAVE, the old writer truncates it; its IO
    # thread alone would drop it as its own when the new writer sends it
    # back (row 10 on one server only, nothing reported): the re-point
    # fetches it.
    mm_reader_deaf "$r" "$w" on
    _mm_bg pending "" mariadb --defaults-file="$(_mm_dir)/app.cnf" \
        --host="$(mm_vip writer)" --port=3306 --protocol=tcp -N -B \
        -e "INSERT INTO test.ss VALUES (10)"
    wait_until 10 "[ \"\$(mm_sql $w \"SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_wait_sessions'\" | cut -f2)\" = 1 ]" ||
        { mm_reader_deaf "$r" "$w" off; false; }
    mm_kill_mysqld "$w"
    t0=$(_mmha_now_ms)
    mm_reader_deaf "$r" "$w" off
    wait_until 10 "! kill -0 $(cat "$(_mm_dir)/logs/pending.pid") 2>/dev/null"
    run -0 cat "$(_mm_dir)/logs/pending.out"
    assert_output --partial "Lost connection"
    wait_until 90 both_roles
    echo "# both roles back after $(mm_elapsed_ms "$t0") ms (writer node$(mm_writer))" >&3
    wait_until 20 "no_errant $w && no_errant $r"
    cluster_exec "$n" crm_resource -r mysql -p semisync_timeout -v 1000 >/dev/null
    cluster_settle -n "$n" 30
    mm_wait_same_checksum test.ss 30 || {
        local i
        for i in "$w" "$r"; do
            echo "# node$i: $(mm_sql "$i" 'SELECT GROUP_CONCAT(id ORDER BY id) FROM test.ss'), gtid $(mm_sql "$i" 'SELECT @@gtid_binlog_pos, @@gtid_slave_pos')" >&3
        done
        false
    }
    run -0 mm_sql "$w" "SELECT COUNT(*) FROM test.ss WHERE id = 10"
    echo "# the unacknowledged row on both servers: $output" >&3
    # Truncated at the old writer's recovery, fetched back from the reader.
    run -0 grep -o 'holds transactions of this server.*' \
        "$(_cluster_ndir "$w")/log-pacemaker/pacemaker.log"
    echo "# node$w: ${lines[0]%% status:*}" >&3
    mm_check_replication 5
}

@test "semisync=off: both servers asynchronous again, the attribute gone" {
    local w r
    set_semisync off
    w=$(mm_writer)
    r=$(mm_other "$w")
    wait_until 30 "[ -z \"\$(mm_attr $w mmha-semisync)\" ] && [ -z \"\$(mm_attr $r mmha-semisync)\" ]"
    run -0 mm_sql "$w" "SELECT @@rpl_semi_sync_master_enabled, @@rpl_semi_sync_slave_enabled"
    assert_output $'0\t0'
    run -0 mm_sql "$r" "SELECT @@rpl_semi_sync_master_enabled, @@rpl_semi_sync_slave_enabled"
    assert_output $'0\t0'
    mm_check_replication 5
    # On again for the last test.
    set_semisync on
    wait_until 30 "semisync_attrs $w $r"
}

@test "semisync=on, crash of the writer's node: no acknowledged write missing, old writer rejoins without errant set" {
    unclean_end crash
}

@test "semisync=on, the reader's IO thread stopped, then the writer's node crashes: the promotion says acknowledged writes may be missing, the old writer's tail is reported" {
    local w r log before set t0
    w=$(mm_writer)
    r=$(mm_other "$w")
    wait_until 90 both_roles
    wait_until 30 "semisync_attrs $w $r"
    log=$(_cluster_ndir "$r")/log-pacemaker/pacemaker.log
    before=$(grep -c 'may be missing' "$log" || true)
    # The reader gone cleanly: the writer commits without waiting, so
    # this row is acknowledged and only on the writer.  The crash follows
    # at once, before the reader's 2 s monitor fails on the stopped
    # thread and its recovery reconnects it.
    # If that monitor comes first anyway, Pacemaker recovers the reader
    # (stop, start) before it promotes it: the fenced node stays off
    # meanwhile, as a real machine would, instead of the bed's ~2 s.
    cluster_fence_boot off
    mm_sql "$r" "STOP SLAVE IO_THREAD"
    timed_write 20 >/dev/null
    cluster_crash "$w"
    t0=$(_mmha_now_ms)
    wait_until 90 "[ \"\$(mm_writer)\" = $r ]" || {
        cluster_fence_boot on
        false
    }
    echo "# node$r promoted $(mm_elapsed_ms "$t0") ms after the crash" >&3
    run -0 grep 'may be missing' "$log"
    [ "${#lines[@]}" -gt "$before" ]
    echo "# node$r: ${lines[-1]##*WARNING: }" >&3
    run -0 mm_sql "$r" "SELECT COUNT(*) FROM test.ss WHERE id = 20"
    assert_output 0
    cluster_fence_boot on
    cluster_node_down "$w" && cluster_restart_node "$w"
    # Back after its reboot, the old writer holds the row the new writer
    # lacks: reported (attribute and history), not kept silently.
    wait_until 150 "[ -n \"\$(mm_attr $w mmha-errant)\" ]"
    set=$(errant_reported "$w") || fail "node$w: errant set not reported"
    echo "# node$w errant set: $set" >&3
    [ -n "$set" ]
    wait_until 20 "mm_history | grep -q '^errant node=node$w '"
}
