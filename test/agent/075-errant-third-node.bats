#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# An errant set on a third node: n3, a read replica of the writer n1,
# applied n1's last transaction, which n2 never received; n1 crashes and
# n2 becomes the writer.  n3 holds the transaction in its binary log AND
# in its replica position, so n2 refuses it (1236) until the documented
# repair (docs/operations.md, "Repair", step 4) rewinds that position too
# (bench/chaos found the step incomplete: the reader stayed refused).

load ../lib/agent

setup_file() {
    agent_trio gtid
    bed_app_sql 1 "CREATE TABLE test.e3 (id INT PRIMARY KEY, v TEXT)"
    bed_sync 20
}

teardown_file() {
    agent_teardown 3
}

setup() {
    load_bats_libs
}

attr() {
    crm_attribute -N "n$1" -n "mmha-$2" -l reboot -G -q 2>/dev/null
}

source_port() {
    _bed_slave_field "$1" Master_Port
}

# repaired_slave_pos SLAVE_POS WRITER_POS ERRANT: step 4's rule, as an
# operator applies it: every domain of the errant set takes the writer's
# entry (dropped when the writer has none); the other domains stay.
repaired_slave_pos() {
    local e d g res=''
    for e in ${1//,/ }; do
        d=${e%%-*}
        g=$e
        if [[ ",$3" == *",$d-"* ]]; then
            g=$(tr ',' '\n' <<<"$2" | grep "^$d-" || true)
        fi
        [ -n "$g" ] && res+=${res:+,}$g
    done
    echo "$res"
}

@test "n1's last transaction reaches n3 but not n2, then n1 crashes and n2 is promoted" {
    run -0 bed_sql 2 "STOP SLAVE IO_THREAD"
    run -0 bed_app_sql 1 "INSERT INTO test.e3 VALUES (1, 'tail of n1')"
    run -0 bed_wait_sql 3 "SELECT v FROM test.e3 WHERE id = 1" "tail of n1" 10
    assert_equal "$(bed_sql 2 "SELECT COUNT(*) FROM test.e3")" 0
    kill -KILL "$(agent_mysqld_pid 1)"
    run -0 wait_until 10 "! bed_sql 1 'SELECT 1' >/dev/null 2>&1"
    run_agent 0 2 promote
    assert_equal "$(bed_sql 2 "SELECT @@global.read_only")" 0
    agent_notify 3 post promote n2
    # The re-point (detached) is refused on the set, and the old source
    # restored: n3 stays on n1.
    run -0 wait_until 10 "grep -q 're-point after promotion failed' '$(agent_dir)/agent.log'"
    run -0 grep "repoint to 127.0.0.1:$(bed_port 2) failed: replication IO error 1236" "$(agent_dir)/agent.log"
    assert_equal "$(source_port 3)" "$(bed_port 1)"
}

@test "n3: the errant set reported, kept running for the repair, refused by n2" {
    local set
    set=$(bed_sql 3 "SELECT @@gtid_binlog_pos")
    run_agent 0 3 monitor
    run -0 attr 3 errant
    [ -n "$output" ] || fail "no errant set reported on n3"
    [[ ",$set," == *",$output,"* ]] || fail "errant '$output' not in '$set'"
    assert_equal "$(attr 3 readable)" 0
    assert_equal "$(agent_score 3)" ""
    # Kept running: the monitor succeeds, the server stays up.
    run_agent 0 3 monitor
    run -0 bed_sql 3 "SELECT 1"
}

@test "repaired as docs/operations.md says (step 4 rewinds the replica position): n3 replicates from n2" {
    local errant wpos spos rpos
    errant=$(attr 3 errant)
    # Step 3: replica stopped, n3 read before the writer; the errant row
    # undone without logging.
    run -0 bed_sql 3 "STOP SLAVE"
    run -0 bed_sql 3 "SET sql_log_bin = 0; DELETE FROM test.e3 WHERE id = 1"
    # Step 4.
    wpos=$(bed_sql 2 "SELECT @@gtid_binlog_pos")
    spos=$(bed_sql 3 "SELECT @@gtid_slave_pos")
    rpos=$(repaired_slave_pos "$spos" "$wpos" "$errant")
    [ "$rpos" != "$spos" ] || fail "the errant domain is not in n3's replica position '$spos'"
    # n3's channel still names n1 (its re-point was refused): pointed at
    # the writer, as step 4 says, keeping the user and password.
    run -0 bed_sql 3 "STOP SLAVE; RESET MASTER; SET GLOBAL gtid_binlog_state = '$wpos';
        SET GLOBAL gtid_slave_pos = '$rpos';
        CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $(bed_port 2),
            MASTER_USE_GTID = slave_pos;
        START SLAVE"
    run -0 bed_sql 2 "STOP SLAVE; SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos"
    # Step 5.
    run -0 crm_attribute -N n3 -n mmha-errant -l reboot -D
    run -0 wait_until 10 "agent_replicating 3"
    run -0 bed_app_sql 2 "INSERT INTO test.e3 VALUES (2, 'after the repair')"
    run -0 bed_wait_sql 3 "SELECT GROUP_CONCAT(v ORDER BY id) FROM test.e3" "after the repair" 10
    run_agent 0 3 monitor
    assert_equal "$(attr 3 errant)" ""
    [ -n "$(agent_score 3)" ] || fail "no promotion score after the repair"
    assert_equal "$(bed_sql 3 "CHECKSUM TABLE test.e3" | cut -f2)" \
        "$(bed_sql 2 "CHECKSUM TABLE test.e3" | cut -f2)"
}

@test "the step's old form (replica position kept) is refused: why step 4 rewinds it" {
    # What the repair did before: n3's replica position with n1's errant
    # GTID in it.  n2 refuses it (1236).
    local spos
    spos=$(bed_diverge 3 1) || fail "n3 not refused by n2"
    run -0 bed_sql 3 "STOP SLAVE; SET GLOBAL gtid_slave_pos = '$spos'; START SLAVE"
    run -0 wait_until 10 "agent_replicating 3"
}
