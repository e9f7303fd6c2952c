#!/usr/bin/env bats
# mmha metrics scraped by a real Prometheus (Debian's package, started
# here on loopback, stopped by PID): served by `mmha metrics --listen` in
# a node, and through node-exporter's textfile collector. A PromQL query
# for the writer and for a reader's lag gives the right node and a value
# within 100 ms of `mmha-lag check` on that reader.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 2)
load ../lib/cluster-suite
load cli

# lag_check r: the lag mmha-lag check measures on node r now, in seconds.
lag_check() {
    cluster_exec "$1" mmha-lag check --defaults-file /etc/mysql/mmha.cnf \
        --format shell | sed -n 's/^LAG_MS=//p' | awk '{ printf "%.3f\n", $1 / 1000 }'
}

# close_enough A B: |A - B| <= 0.1 (seconds).
close_enough() {
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.1) }'
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
        want=$(lag_check "$r")
        mmha_on 1 metrics --textfile "$dir/textfile"
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
