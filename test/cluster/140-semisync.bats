#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# semisync=on on the 2-node cluster (crm-examples/2-node.crm, fencing on):
# a kill -9 of the writer's mysqld and a crash of the writer's node lose
# no acknowledged write on the new writer, and the old writer rejoins as
# a reader with no errant set (MariaDB truncates the tail no reader
# acknowledged: it starts in the replica role); with every reader's IO
# thread stopped the writer goes on after semisync_timeout and says
# degraded; semisync=off turns it off again.

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

# truncations i: how often node i's server truncated its binary log at
# crash recovery (its error log).
truncations() {
    cluster_exec "$1" grep -c 'Successfully truncated binlog' \
        /var/lib/mysql/error.log || true
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
    local sc=$1 old new t0 lost
    old=$(mm_writer)
    new=$(mm_other "$old")
    wait_until 30 "semisync_attrs $old $new"
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
    # On the new writer itself, once its relay log is applied: whatever
    # the old one does later cannot hide a loss.
    wait_until 10 "[ -z \"\$(mm_client_lost ss_$sc $new)\" ]" || true
    lost=$(mm_client_lost "ss_$sc" "$new")
    echo "# acknowledged writes missing on node$new after the failover: $(printf '%s' "$lost" | grep -c .)" >&3
    [ -z "$lost" ]
    mm_wait_reader "$old" 90
    echo "# node$old back as a replicating reader after $(mm_elapsed_ms "$t0") ms" >&3
    sleep 1
    run -0 mm_client_stop "ss_$sc"
    echo "# client: $output" >&3
    run -0 mm_rocheck_stop
    run -0 mm_sql "$old" "SELECT @@global.read_only"
    assert_output 1
    # Its unacknowledged tail, if the end caught one, was dropped at
    # recovery, not kept as errant transactions.
    echo "# node$old binary log truncated at recovery: $(truncations "$old") time(s) so far" >&3
    wait_until 20 "no_errant $old"
    mm_wait_same_checksum "test.wc_ss_$sc" 30
    run -0 mm_client_lost "ss_$sc" "$new"
    assert_output ""
    wait_until 30 "semisync_attrs $new $old"
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

@test "semisync=on, crash of the writer's node: no acknowledged write missing, old writer rejoins without errant set" {
    unclean_end crash
}

@test "semisync=on, no reader acknowledging: writes go on after semisync_timeout, the writer says degraded" {
    local w r t0 ms
    w=$(mm_writer)
    r=$(mm_other "$w")
    wait_until 30 "semisync_attrs $w $r"
    # The reader's node in maintenance: its monitor would restart the
    # stopped IO thread's instance.
    cluster_exec "$w" crm_attribute -N "node$r" -n maintenance -v true >/dev/null
    mm_sql "$r" "STOP SLAVE IO_THREAD"
    t0=$(_mmha_now_ms)
    mm_app_sql "$(mm_vip writer)" "REPLACE INTO test.ss VALUES (2)"
    ms=$(mm_elapsed_ms "$t0")
    echo "# first write without an acknowledging reader: $ms ms (semisync_timeout 1000)" >&3
    [ "$ms" -ge 800 ]
    t0=$(_mmha_now_ms)
    mm_app_sql "$(mm_vip writer)" "REPLACE INTO test.ss VALUES (3)"
    ms=$(mm_elapsed_ms "$t0")
    echo "# the next one: $ms ms" >&3
    [ "$ms" -lt 500 ]
    wait_until 10 "[ \"\$(mm_attr $w mmha-semisync)\" = degraded ]"
    run -0 grep -c 'semi-sync degraded' \
        "$(_cluster_ndir "$w")/log-pacemaker/pacemaker.log"
    mm_sql "$r" "START SLAVE IO_THREAD"
    cluster_exec "$w" crm_attribute -N "node$r" -n maintenance -D >/dev/null
    wait_until 30 "semisync_attrs $w $r"
    run -0 mm_sql "$r" "SELECT COUNT(*) FROM test.ss WHERE id IN (2, 3)"
    assert_output 2
}

@test "semisync=on: a writer killed while a commit waits for its acknowledgement restarts without it, no errant set" {
    local w r n t0 before
    w=$(mm_writer)
    r=$(mm_other "$w")
    n=$(mm_any_node)
    cluster_exec "$n" crm_resource -r mysql -p semisync_timeout -v 30000 >/dev/null
    cluster_settle -n "$n" 30
    wait_until 30 "semisync_attrs $w $r"
    wait_until 20 "[ \"\$(mm_sql $w 'SELECT @@rpl_semi_sync_master_timeout')\" = 30000 ]"
    # No acknowledgement can come: the commit is in the writer's binary
    # log, prepared in InnoDB, and waits.
    cluster_exec "$w" crm_attribute -N "node$r" -n maintenance -v true >/dev/null
    mm_sql "$r" "STOP SLAVE IO_THREAD"
    _mm_bg pending "" mariadb --defaults-file="$(_mm_dir)/app.cnf" \
        --host="$(mm_vip writer)" --port=3306 --protocol=tcp -N -B \
        -e "INSERT INTO test.ss VALUES (10)"
    wait_until 10 "[ \"\$(mm_sql $w \"SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_wait_sessions'\" | cut -f2)\" = 1 ]"
    before=$(truncations "$w")
    mm_kill_mysqld "$w"
    t0=$(_mmha_now_ms)
    wait_until 10 "! kill -0 $(cat "$(_mm_dir)/logs/pending.pid") 2>/dev/null"
    run -0 cat "$(_mm_dir)/logs/pending.out"
    assert_output --partial "Lost connection"
    mm_sql "$r" "START SLAVE IO_THREAD"
    cluster_exec "$r" crm_attribute -N "node$r" -n maintenance -D >/dev/null
    # Whichever node Pacemaker promotes, the killed one restarts as a
    # reader in the replica role and drops the unacknowledged commit.
    wait_until 90 both_roles
    echo "# both roles back after $(mm_elapsed_ms "$t0") ms (writer node$(mm_writer))" >&3
    run -0 truncations "$w"
    echo "# node$w: $output truncation(s) at recovery (before the kill: $before)" >&3
    [ "$output" -gt "$before" ]
    run -0 mm_sql "$w" "SELECT COUNT(*) FROM test.ss WHERE id = 10"
    assert_output 0
    run -0 mm_sql "$r" "SELECT COUNT(*) FROM test.ss WHERE id = 10"
    assert_output 0
    wait_until 20 "no_errant $w && no_errant $r"
    cluster_exec "$n" crm_resource -r mysql -p semisync_timeout -v 1000 >/dev/null
    cluster_settle -n "$n" 30
    mm_wait_same_checksum test.ss 30
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
}
