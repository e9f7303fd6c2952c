#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 7, broken replication on a reader (a conflicting row stops its
# SQL thread): it is never promoted, its reader VIP moves away, and the
# cluster says why (crm_mon's failed action carries the replication error).
# The operator's repair (remove the row, clean up) brings it back.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite

# repair r: the operator removes the conflicting row on r (while its
# server runs) and cleans the failure up.
repair() {
    mm_sql "$1" "STOP SLAVE; SET sql_log_bin=0;
        DELETE FROM test.conflict WHERE id=1; START SLAVE" 2>/dev/null &&
        cluster_exec "$(mm_any_node)" crm_resource --cleanup -r ms-mysql \
            >/dev/null
}

@test "broken reader: never promoted, reader VIPs leave it, reason shown" {
    local w r t0 v
    _mm_load
    w=$(mm_writer)
    r=$(mm_other "$w")
    mm_assert_writer_readable
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE test.conflict (id INT PRIMARY KEY)"
    wait_until 10 "mm_sql $r 'SELECT 1 FROM test.conflict' >/dev/null 2>&1"
    mm_sql "$r" "SET sql_log_bin=0; INSERT INTO test.conflict VALUES (1)"
    t0=$(_mmha_now_ms)
    mm_app_sql "$(mm_vip writer)" "INSERT INTO test.conflict VALUES (1)"
    cluster_wait -n "$w" 30 "crm_mon -1 | grep -q 'mysql .* on node$r.*not replicating'"
    echo "# node$r reported broken after $(mm_elapsed_ms "$t0") ms" >&3
    run -0 cluster_exec "$w" crm_mon -1
    assert_output --regexp "mysql .* on node$r .*(1062|Duplicate)"
    for ((v = 1; v <= MM_READERS; v++)); do
        wait_until 20 "[ \"\$(mm_vip_started reader$v 2>/dev/null)\" = $w ]"
    done
    # Asking for it as the writer changes nothing.
    cluster_exec "$w" crm_resource --move -r ms-mysql -N "node$r" --promoted \
        >/dev/null 2>&1 || true
    sleep 8
    run -0 mm_writer
    assert_output "$w"
    cluster_exec "$w" crm_resource --clear -r ms-mysql >/dev/null
    run -0 mm_sql "$w" "SELECT @@global.read_only"
    assert_output 0
    wait_until 60 "repair $r"
    mm_wait_reader "$r" 60
    echo "# node$r repaired and replicating $(mm_elapsed_ms "$t0") ms after the break" >&3
    mm_check_replication 5
}
