#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A problem of one node only - its defaults_file left readable by others
# (mode 0644) by a chmod mistake - fails that node's instance alone (exit
# 4, OCF_ERR_PERM): Pacemaker stops it there, the writer keeps serving
# through the writer VIP, and the repaired node comes back as a reader.
# OCF_ERR_CONFIGURED here would have stopped the clone on every node.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2 --fencing off)
load ../lib/cluster-suite

# cnf i: the host path of node i's /etc/mysql/mmha.cnf.
cnf() {
    printf '%s/etc-mysql/mmha.cnf\n' "$(cluster_datadir_base "$1")"
}

@test "a 0644 defaults_file on the reader's node fails that instance only; the writer serves" {
    local w r t0 n
    _mm_load
    w=$(mm_writer)
    r=$(mm_other "$w")
    mm_client_start localerr
    mm_ack_writes_on localerr "$w" 20
    t0=$(_mmha_now_ms)
    chmod 0644 "$(cnf "$r")"
    # The reader's next monitor fails with OCF_ERR_PERM and Pacemaker
    # stops the instance there (the stop stops mysqld by its pid file
    # although the parameters do not validate).
    cluster_wait -n "$w" 30 "crm_mon -1 | grep -Eq \"mysql.*node$r.*(insufficient privileges|not installed)\""
    run -0 cluster_exec "$w" crm_mon -1
    assert_output --regexp "mysql .*monitor on node$r returned '(insufficient privileges|not installed)'"
    assert_output --partial "readable by group or others"
    wait_until 30 "! cluster_exec $r sh -c 'kill -0 \$(cat /run/mysqld/mysqld.pid)' 2>/dev/null"
    echo "# node$r's instance failed and its mysqld stopped $(mm_elapsed_ms "$t0") ms after the chmod" >&3
    # Only that node: the writer is still the one writer and takes writes.
    run -0 mm_writer
    assert_output "$w"
    n=$(mm_client_summary localerr | sed -n 's/.*acks=\([0-9]*\).*/\1/p')
    sleep 3
    [ "$(mm_client_summary localerr | sed -n 's/.*acks=\([0-9]*\).*/\1/p')" -gt "$n" ] ||
        fail "the writer stopped taking writes: $(mm_client_summary localerr)"
    mm_ack_writes_on localerr "$w" 10
    run -0 mm_sql "$w" "SELECT @@global.read_only"
    assert_output 0
    mm_client_stop localerr
    # Repaired: the instance starts again and replicates.
    chmod 0600 "$(cnf "$r")"
    cluster_exec "$w" crm_resource --cleanup -r ms-mysql >/dev/null
    mm_wait_reader "$r" 60
    mm_check_replication 5
}
