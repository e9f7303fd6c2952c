#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 2, planned switchover under write load (crm_resource --move
# --promoted): no acknowledged write lost, the old writer read-only and
# replicating from the new one, the write gap measured.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

# switch_once NAME: one switchover under a client's load, checked.
switch_once() {
    local name=$1 old new t0 gap
    old=$(mm_writer)
    new=$(mm_other "$old")
    mm_client_start "$name"
    sleep 1
    t0=$(_mmha_now_ms)
    mm_switchover "$new"
    mm_ack_writes_on "$name" "$new" 10
    echo "# switchover node$old -> node$new done in $(mm_elapsed_ms "$t0") ms" >&3
    sleep 1
    run -0 mm_client_stop "$name"
    echo "# client: $output" >&3
    gap=$(mm_gap_ms "$name")
    echo "# write gap ${gap} ms" >&3
    run -0 mm_client_lost "$name" "$new"
    assert_output ""
    run -0 mm_client_lost "$name" "$old"
    assert_output ""
    # The old writer: read-only, replicating from the new one.
    run -0 mm_sql "$old" "SELECT @@global.read_only"
    assert_output 1
    run -0 mm_slave_field "$old" Master_Host
    assert_output "node$new"
    mm_check_replication 5
}

@test "switchover under load: nothing acknowledged lost, old writer replicates" {
    switch_once sw1
}

@test "switchover back: same guarantees the other way" {
    switch_once sw2
}

# A client without a pool opens a connection for every request: one that
# starts while the writer address is on neither node must get an answer
# (a reset from the old writer's node, writer_vip_refuse), not silence
# and a connect timeout.  The address comes up on the new writer beside
# its promotion: until the server is writable, a reset too - never a
# read-only server through the writer address.
@test "a client connecting in a tight loop never waits in silence during a switchover, nor meets a read-only server" {
    local old new log sid
    old=$(mm_writer)
    new=$(mm_other "$old")
    sid=$(mm_sql "$new" "SELECT @@server_id")
    log=$(mm_client_log probe)
    mm_probe_start probe
    mm_switchover "$new"
    wait_until 10 "tail -n 1 '$log' | grep -q ' OK $sid\$'"
    sleep 0.5
    mm_probe_stop probe
    echo "# $(awk '{ n++; if ($3 == "ERR") e++; if ($2 > m) m = $2
        if ($5 == "RO") r++ }
        END { printf "%d attempts, %d refused, %d read-only, longest %.0f ms", n, e, r, m }' "$log")" >&3
    # Some attempts met the move (it was measured, not missed) ...
    run -0 grep -c ' ERR ' "$log"
    # ... and none of them waited in silence: silence costs the kernel's
    # SYN retransmission (1 s) or the probe's 1 s connect timeout; an
    # answer (a reset, the new writer) comes in a few ms to a few hundred
    # under load (its figure is printed above, and measured by
    # bench/failover's new-connection client, not asserted here).
    # shellcheck disable=SC2016 # awk's own fields
    run -0 awk '$2 >= 900 { print }' "$log"
    assert_output ""
    # No attempt met the new writer's server read-only through the
    # address (it is up beside the promotion, refused until writable).
    # The old writer's read-only step and its refusal run side by side:
    # an attempt between them is counted above, not asserted.
    run -1 grep " OK $sid RO\$" "$log"
    assert_output ""
}

# held_reset NAME WAIT: a session inside a long statement through the
# writer address, WAIT (a command) until the switchover starts, then: the
# session ends (reset) within 2 s of the address answering on the new
# writer.  Once the address has left the old writer nothing from there
# reaches the client (its kill there included); without writer_vip it
# would wait for the statement's end (300 s).
held_reset() {
    local name=$1 wait=$2 old new pidf t0
    old=$(mm_writer)
    new=$(mm_other "$old")
    _mm_bg "$name" "" mariadb --defaults-file="$(_mm_dir)/app.cnf" \
        --host="$(mm_vip writer)" --port=3306 --protocol=tcp -N -B \
        -e "SELECT SLEEP(300)"
    pidf=$(_mm_dir)/logs/$name.pid
    eval "$wait"
    kill -0 "$(cat "$pidf")"
    mm_switchover "$new"
    t0=$(_mmha_now_ms)
    wait_until 2 "! kill -0 $(cat "$pidf") 2>/dev/null"
    echo "# held session ended $(mm_elapsed_ms "$t0") ms after the writer address answered on node$new" >&3
    run -0 cat "$(_mm_dir)/logs/$name.out"
    assert_output --partial "Lost connection"
    run -0 grep -Ec "reset [0-9]+ client connection" \
        "$(_cluster_ndir "$new")/log-pacemaker/pacemaker.log"
    # The move's constraint was cleared as soon as the address answered:
    # the new writer scored as the writer by then, the role stays.
    sleep 2
    run -0 mm_writer
    assert_output "$new"
}

@test "a session held on the old writer is reset once the writer address is up on the new one" {
    # The readers note the writer's clients at each monitor (every 2 s).
    held_reset held "sleep 3"
}

# one_sleeper: the writer runs the held session's statement.
one_sleeper() {
    [ "$(mm_sql "$(mm_writer)" "SELECT COUNT(*) FROM
        information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(300)'")" = 1 ]
}

@test "a session opened after the readers' last note is reset too (noted before the demotion)" {
    # Switched over as soon as it runs: the reader about to be promoted
    # notes the writer's clients again in the pre-demote notification.
    held_reset held2 "wait_until 5 one_sleeper"
}

# refuse_table i: node i's refusal table (empty when it has none).
refuse_table() {
    cluster_exec "$1" nft list table inet mmha_mysql 2>/dev/null
}

# The refusal follows its parameter (a reload where Pacemaker runs one,
# each monitor everywhere): off, no table is left anywhere and the next
# writer takes new connections (a reader's table kept there would refuse
# them all); on again, each node's table for its role - new connections
# refused on the reader only.
@test "writer_vip_refuse reloaded: off removes every table and the next writer takes clients; on again, a table per role" {
    local old new
    mm_wait_settled 60
    old=$(mm_writer)
    new=$(mm_other "$old")
    cluster_exec "$old" crm_resource -r mysql -p writer_vip_refuse -v false >/dev/null
    wait_until 30 "[ -z \"\$(refuse_table 1)\" ] && [ -z \"\$(refuse_table 2)\" ]"
    mm_switchover "$new"
    run -0 mm_app_sql "$(mm_vip writer)" "SELECT @@server_id, @@read_only"
    assert_output "$(mm_sql "$new" "SELECT @@server_id")	0"
    cluster_exec "$old" crm_resource -r mysql -p writer_vip_refuse -v true >/dev/null
    wait_until 30 "refuse_table $old | grep -q 'tcp flags'"
    run -0 refuse_table "$new"
    assert_output --partial "fib daddr type != local"
    refute_output --partial "tcp flags"
    run -0 mm_app_sql "$(mm_vip writer)" "SELECT @@server_id"
    assert_output "$(mm_sql "$new" "SELECT @@server_id")"
}
