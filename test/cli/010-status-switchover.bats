#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha on one 3-node bed, each answer asserted against what the servers
# and Pacemaker say. status and history: right after start-up, after a
# switchover, with a lagging reader, with a broken reader, with a node
# down. switchover: the writer moves with no acknowledged write lost and
# no constraint left behind (also when it times out); a target that
# cannot take the role is refused with the reason. offline/online: an
# offline node holds no reader address and cannot be switched to, online
# gives both back. Also what the crm shell does with `crm resource move
# ... --promoted` and what pcs does (docs/operations.md). metrics:
# scraped by a real Prometheus (Debian's package, started on loopback,
# stopped by PID), served by `mmha metrics --listen` in a node and through
# node-exporter's textfile collector; the writer and a reader's lag (within
# 100 ms of `mmha-lag check`) through PromQL. One cluster for the file
# (node3, the read replica, is crashed last).

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 3)
load ../lib/cluster-suite
load cli

# The lagging reader's delay and offline nodes, undone whatever happened.
teardown() {
    local n
    mm_bg_stop_all
    mm_sql 3 "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE" \
        >/dev/null 2>&1 || true
    # No node left offline by a test that failed half-way.
    for n in 1 2 3; do
        cluster_exec "$(mm_any_node)" crm_attribute -N "node$n" \
            -n mmha-offline -D -l forever -q >/dev/null 2>&1 || true
    done
}

# repair_node3 w: remove the conflicting row on node3 while its server
# runs, then clean the failure up (from node w).
repair_node3() {
    mm_sql 3 "STOP SLAVE; SET sql_log_bin=0;
        DELETE FROM test.conflict WHERE id=1; START SLAVE" 2>/dev/null &&
        cluster_exec "$1" crm_resource --cleanup -r ms-mysql >/dev/null
}

# other_master w: the master that is not w (node3 is a read replica).
other_master() {
    [ "$1" = 1 ] && echo 2 || echo 1
}

# no_move_constraint: no cli-prefer/cli-ban constraint in the CIB.
no_move_constraint() {
    ! cluster_exec "$(mm_any_node)" cibadmin -Q -o constraints | grep -q 'id="cli-'
}

# wait_candidate i: node i can take the writer role (a fresh reader is
# readable only after lag_dwell, and gets its promotion score then).
wait_candidate() {
    wait_until 90 "mmha_on 1 switchover --to node$1 --dry-run >/dev/null 2>&1"
}

# reader_vip_on i: node i holds a reader address.
reader_vip_on() {
    local v
    for ((v = 1; v <= MM_READERS; v++)); do
        [ "$(mm_vip_started "reader$v" 2>/dev/null)" = "$1" ] && return 0
    done
    return 1
}


@test "status after start-up: human, json and shell say what the servers say" {
    local w
    _mm_load
    w=$(mm_writer)
    cli_assert_status_true 1
    [ "$(js .quorate)" = true ]
    [ "$(js .epoch)" -ge 1 ]
    [ "$(jnode node3 candidate)" = false ]
    # From a reader's node the same.
    cli_assert_status_true 2
    run -0 mmha_on 1 status
    assert_line "writer: node$w"
    assert_line --regexp "^node$w +writer +0 "
    assert_line --partial "vip-writer $(mm_vip writer) on node$w"
    # No colour when the output is not a terminal.
    refute_output --partial $'\033'
    run -0 mmha_on 3 status --format shell
    assert_line "WRITER=node$w"
    assert_line "NODES_3_NAME=node3"
    assert_line "NODES_3_CANDIDATE=0"
    run -0 mmha_on 1 history --format json
    [ "$(js '.history[-1].event')" = promote ]
    [ "$(js '.history[-1].node')" = "node$w" ]
}

@test "switchover: --dry-run changes nothing, refusals say why" {
    local w o
    _mm_load
    w=$(mm_writer)
    o=$(other_master "$w")
    wait_candidate "$o"
    run -0 mmha_on 3 switchover --dry-run
    assert_line "would move the writer from node$w to node$o:"
    run -0 mm_writer
    assert_output "$w"
    run -75 mmha_on 1 switchover --to node3
    assert_output --partial "refused: node3 is never promoted"
    run -64 mmha_on 1 switchover --to node9
    assert_output --partial "node9 is not a node of this cluster"
    run -0 mmha_on 1 switchover --to "node$w"
    assert_output --partial "already the writer"
    run -64 mmha_on 1 switchover --watch 1
    no_move_constraint
}

@test "switchover: the writer moves, no acknowledged write lost, no constraint left" {
    # Not w and o: mm_wait_reader assigns a w of its own (eval).
    local old new
    _mm_load
    old=$(mm_writer)
    new=$(other_master "$old")
    wait_candidate "$new"
    mm_client_start sw
    run -0 mmha_on 3 switchover --to "node$new" --format json
    echo "# $output" >&3
    [ "$(js .ok)" = true ]
    [ "$(js .constraint_cleared)" = true ]
    [ "$(js .old_writer_replicating_ms)" -ge "$(js .writable_ms)" ]
    mm_ack_writes_on sw "$new" 30
    run -0 mm_writer
    assert_output "$new"
    # What it said it waited for is true.
    [ "$(mm_slave_field "$old" Master_Host)" = "node$new" ]
    mm_replicating "$old"
    [ "$(mm_app_sql "$(mm_vip writer)" 'SELECT @@server_id')" = "$new" ]
    no_move_constraint
    mm_client_stop sw
    run -0 mm_client_lost sw "$new"
    assert_output ''
    # Back, without --to: the best candidate (never node3).
    wait_candidate "$old"
    run -0 mmha_on 1 switchover
    assert_line --regexp "^moved the writer from node$new to node$old in "
    no_move_constraint
}

@test "switchover that times out still clears its constraint" {
    local w o
    _mm_load
    mm_wait_settled 60
    w=$(mm_writer)
    o=$(other_master "$w")
    mm_wait_reader "$o" 60
    wait_until 60 "[ \"\$(mm_attr $o mmha-readable)\" = 1 ]"
    run -124 mmha_on 1 switchover --to "node$o" --timeout 0.2
    assert_output --partial "NOT REACHED"
    assert_output --partial "move constraint cleared"
    no_move_constraint
    mm_wait_settled 60
}

@test "offline: no reader address, switchover to it refused; online gives both back" {
    local w o v
    _mm_load
    mm_wait_settled 60
    w=$(mm_writer)
    o=$(other_master "$w")
    run -75 mmha_on 1 offline "node$w"
    assert_output --partial "switch over first"
    run -0 mmha_on 1 offline "node$o"
    assert_output --partial "node$o is offline"
    run ! reader_vip_on "$o"
    run -0 cluster_exec 1 crm_attribute -N "node$o" -n mmha-offline -l forever -G -q
    assert_output 1
    # Still running and replicating.
    mm_replicating "$o"
    run -0 mmha_on 2 status --format json
    [ "$(jnode "node$o" role)" = offline ]
    [ "$(jnode "node$o" vips)" = "" ]
    run -75 mmha_on 1 switchover --to "node$o"
    assert_output --partial "node$o is offline"
    # Pacemaker itself would not promote it either.
    cluster_exec 1 crm_resource --move -r ms-mysql -N "node$o" --promoted >/dev/null 2>&1
    sleep 5
    run -0 mm_writer
    assert_output "$w"
    cluster_exec 1 crm_resource --clear -r ms-mysql >/dev/null
    run -0 mmha_on 1 online "node$o"
    wait_until 30 "reader_vip_on $o"
    run ! cluster_exec 1 crm_attribute -N "node$o" -n mmha-offline -l forever -G -q
    run -0 mmha_on 1 switchover --to "node$o" --dry-run
    for ((v = 1; v <= MM_READERS; v++)); do
        mm_vip_started "reader$v" >/dev/null
    done
}

@test "crm shell 4.4: 'crm resource move ... --promoted' makes a Started constraint" {
    local w o
    _mm_load
    w=$(mm_writer)
    o=$(other_master "$w")
    run -0 cluster_exec 1 crm resource move ms-mysql "node$o" --promoted
    run -0 cluster_exec 1 cibadmin -Q -o constraints
    assert_output --regexp "<rsc_location id=\"cli-prefer-ms-mysql\" rsc=\"ms-mysql\" role=\"Started\" node=\"node$o\""
    run -0 cluster_exec 1 crm resource clear ms-mysql
    no_move_constraint
    # (Its INFINITY preference for the Started role may still have moved
    # the writer, through the promotion score.)
    mm_wait_settled 60
    w=$(mm_writer)
    o=$(other_master "$w")
    mm_wait_reader "$o" 60
    wait_until 60 "[ \"\$(mm_attr $o mmha-readable)\" = 1 ]"
    # The Pacemaker tool names the role (what mmha switchover runs).
    run -0 cluster_exec 1 crm_resource --move -r ms-mysql -N "node$o" --promoted
    run -0 cluster_exec 1 cibadmin -Q -o constraints
    assert_output --regexp "<rsc_location id=\"cli-prefer-ms-mysql\" rsc=\"ms-mysql\" role=\"Promoted\" node=\"node$o\""
    mm_wait_writer "$o" 60
    run -0 cluster_exec 1 crm_resource --clear -r ms-mysql
    no_move_constraint
    mm_wait_settled 60
    # pcs 0.11: move --promoted waits and removes its constraint itself.
    w=$(mm_writer)
    o=$(other_master "$w")
    mm_wait_reader "$o" 60
    wait_until 60 "[ \"\$(mm_attr $o mmha-readable)\" = 1 ]"
    run -0 cluster_exec 1 pcs resource move ms-mysql "node$o" --promoted --wait=60
    mm_wait_writer "$o" 60
    no_move_constraint
}
@test "status and history after a switchover" {
    local old new
    _mm_load
    old=$(mm_writer)
    new=$(mm_other "$old")
    [ "$new" = 3 ] && new=$(mm_other "$new")
    mm_switchover "$new"
    mm_wait_reader "$old" 60
    cli_assert_status_true 3
    [ "$(jnode "node$old" source)" = "node$new" ]
    [ "$(jnode "node$new" role)" = writer ]
    [ "$(jnode "node$old" role)" = reader ]
    run -0 mmha_on 1 history -n 2
    assert_line --regexp "demote +node$old "
    assert_line --regexp "promote +node$new "
    # A header and exactly the two records asked for.
    [ "${#lines[@]}" = 3 ]
}

@test "metrics: exposition format clean for promtool, values true" {
    local w
    _mm_load
    w=$(mm_writer)
    run -0 mmha_on 1 metrics
    assert_line 'mmha_up 1'
    assert_line "mmha_writer{node=\"node$w\"} 1"
    assert_line "mmha_read_only{node=\"node$w\"} 0"
    assert_line "mmha_read_only{node=\"node$(mm_other "$w")\"} 1"
    assert_line --partial "mmha_vip{vip=\"vip-writer\",ip=\"$(mm_vip writer)\",role=\"writer\",node=\"node$w\"} 1"
    run -0 promtool check metrics <<<"$output"
    # Only GET /metrics is answered.
    local port
    port=$(cli_free_port)
    _mm_bg once 1 "$MMHA_BUILD_DIR/mmha" metrics --listen "$(cluster_addr 1):$port" --count 2
    wait_until 10 "curl -s -o /dev/null http://$(cluster_addr 1):$port/"
    run -0 curl -s -w '%{http_code}' -o /dev/null "http://$(cluster_addr 1):$port/metrics"
    assert_output 200
}

@test "Prometheus scrapes mmha metrics (--listen and node-exporter's textfile)" {
    local w r dir mport nport pport cfg v want i ok job
    _mm_load
    w=$(mm_writer)
    r=$(mm_other "$w")
    dir=$(_mm_dir)/prom
    mkdir -p "$dir/textfile" "$dir/data"
    mport=$(cli_free_port) nport=$(cli_free_port) pport=$(cli_free_port)
    _mm_bg mmha-metrics 1 "$MMHA_BUILD_DIR/mmha" metrics \
        --listen "$(cluster_addr 1):$mport"
    mmha_on 1 metrics --textfile "$dir/textfile"
    _mm_bg node-exporter "" prometheus-node-exporter \
        --web.listen-address="127.0.0.1:$nport" --collector.disable-defaults \
        --collector.textfile --collector.textfile.directory="$dir/textfile"
    cfg=$dir/prometheus.yml
    cat >"$cfg" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: mmha
    static_configs:
      - targets: ['$(cluster_addr 1):$mport']
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$nport']
YML
    _mm_bg prometheus "" prometheus --config.file="$cfg" \
        --storage.tsdb.path="$dir/data" \
        --web.listen-address="127.0.0.1:$pport"
    wait_until 30 "curl -sf http://127.0.0.1:$pport/-/ready >/dev/null"
    # The writer, through both paths.
    for job in mmha node; do
        wait_until 30 "[ \"\$(cli_promql $pport 'mmha_writer{job=\"$job\"} == 1' | jq -r '.[0].metric.node')\" = node$w ]"
    done
    # A reader's lag: Prometheus' latest sample against mmha-lag check on
    # that reader (the metric is what the agent publishes, refreshed at
    # each reader monitor: a few tries absorb the monitor's phase).
    ok=0
    for ((i = 0; i < 10; i++)); do
        want=$(lag_check "$r")
        v=$(cli_promql "$pport" "mmha_lag_seconds{job=\"mmha\",node=\"node$r\"}" | jq -r '.[0].value[1]')
        echo "# node$r lag: prometheus $v s, mmha-lag check $want s" >&3
        if close_enough "$v" "$want"; then
            ok=1
            break
        fi
        sleep 1
    done
    [ "$ok" = 1 ]
    # The textfile path: written now, scraped within two intervals.
    ok=0
    for ((i = 0; i < 10; i++)); do
        mmha_on 1 metrics --textfile "$dir/textfile"
        want=$(lag_check "$r")
        sleep 2.2
        v=$(cli_promql "$pport" "mmha_lag_seconds{job=\"node\",node=\"node$r\"}" | jq -r '.[0].value[1]')
        echo "# node$r lag (textfile): prometheus $v s, mmha-lag check $want s" >&3
        if close_enough "$v" "$want"; then
            ok=1
            break
        fi
    done
    [ "$ok" = 1 ]
    # The file is mmha's whole exposition, written through a rename.
    run -0 promtool check metrics <"$dir/textfile/mmha.prom"
    run -0 find "$dir/textfile" -name '*.tmp*'
    assert_output ''
}

@test "status with a lagging reader: not readable, its lag shown" {
    _mm_load
    mm_sql 3 "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=10; START SLAVE"
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE IF NOT EXISTS test.lagt (id INT PRIMARY KEY AUTO_INCREMENT)"
    mm_app_sql "$(mm_vip writer)" "INSERT INTO test.lagt VALUES ()"
    # Not readable for its lag (STOP SLAVE alone makes it unreadable for
    # a moment, before any lag).
    wait_until 40 "[ \"\$(mm_attr 3 mmha-readable)\" = 0 ] &&
        [ \"\$(mm_attr 3 mmha-lag-ms)\" -ge 1000 ]"
    run -0 mmha_on 1 status --format json
    [ "$(jnode node3 readable)" = false ]
    [ "$(jnode node3 lag_ms)" -ge 1000 ]
    # Measured now: the writer's newest beat is at least 1 s old there.
    [ "$(jnode node3 lag_now_ms | cut -d. -f1)" -ge 1000 ]
    jnode node3 problem | grep -q 'not readable'
    [ "$(jnode node3 vips)" = "" ] || wait_until 20 \
        "mmha_on 1 status --format json | jq -e '.nodes[2].vips == \"\"' >/dev/null"
    cli_assert_status_true 1
    mm_sql 3 "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE"
    wait_until 60 "[ \"\$(mm_attr 3 mmha-readable)\" = 1 ]"
    run -0 mmha_on 1 status --format json
    [ "$(jnode node3 problem)" = null ]
}

@test "status with a broken reader: the replication error, not readable" {
    local w
    _mm_load
    w=$(mm_writer)
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE test.conflict (id INT PRIMARY KEY)"
    wait_until 10 "mm_sql 3 'SELECT 1 FROM test.conflict' >/dev/null 2>&1"
    mm_sql 3 "SET sql_log_bin=0; INSERT INTO test.conflict VALUES (1)"
    mm_app_sql "$(mm_vip writer)" "INSERT INTO test.conflict VALUES (1)"
    wait_until 20 "[ \"\$(mm_slave_field 3 Slave_SQL_Running)\" = No ]"
    run -0 mmha_on "$w" status --format json
    [ "$(jnode node3 sql_thread)" = no ]
    [ "$(jnode node3 last_sql_errno)" = 1062 ]
    jnode node3 problem | grep -q 'SQL error 1062'
    run -0 mmha_on "$w" status
    assert_line --regexp '^node3: .*SQL .*1062'
    # The repair of test/cluster/070-broken-reader.bats (retried: the
    # failed instance may be stopped and started again meanwhile).
    wait_until 60 "repair_node3 $w"
    mm_wait_reader 3 60
    wait_until 60 "[ \"\$(mm_attr 3 mmha-readable)\" = 1 ]"
    cli_assert_status_true "$w"
}

@test "status with a node down: shown lost, the others still right" {
    _mm_load
    cluster_fence_hold on
    cluster_crash 3
    wait_until 30 "mmha_on 1 status --format json | jq -e '.nodes[] | select(.name == \"node3\") | .online == false' >/dev/null"
    run -0 mmha_on 1 status --format json
    [ "$(jnode node3 reachable)" = false ]
    jnode node3 role | grep -qE '^(unclean|down)$'
    cli_assert_status_true 1
    run -0 mmha_on 2 status
    assert_line --regexp '^node3 +(unclean|down) '
    cluster_fence_hold off
}
