# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the test/cli files share: mmha run inside a bed node (where
# crm_mon, cibadmin and the node's /etc/mysql are, as for an operator
# logged in there), and reading its JSON with jq.

# mmha_on i ARGS...: the tree's mmha inside node i.
mmha_on() {
    local i=$1
    shift
    cluster_exec "$i" "$MMHA_BUILD_DIR/mmha" "$@"
}

# js FILTER: jq -r FILTER over $output (the last `run`).
js() {
    jq -r "$1" <<<"$output"
}

# jnode NAME KEY: a node's field in `mmha status --format json` ($output).
jnode() {
    jq -r --arg n "$1" ".nodes[] | select(.name == \$n) | .$2" <<<"$output"
}

# cli_status_matches i: mmha status --format json from node i says what
# the servers and Pacemaker say, node by node: the writer, each running
# server's read_only and replication threads, each address's node, each
# node's published readable flag. Status 1 and the first difference on
# stderr otherwise. Leaves the JSON in $output.
cli_status_matches() {
    local from=$1 n name ro io sql v want w
    output=$(mmha_on "$from" status --format json) || {
        echo "mmha status failed" >&2
        return 1
    }
    w=$(mm_writer) || { echo "no single writer" >&2; return 1; }
    [ "$(js .writer)" = "node$w" ] || {
        echo "writer $(js .writer), Pacemaker says node$w" >&2
        return 1
    }
    for ((n = 1; n <= CLUSTER_N; n++)); do
        name=node$n
        cluster_node_down "$n" && continue
        ro=$(mm_sql "$n" "SELECT @@global.read_only")
        [ "$(jnode "$name" read_only)" = "$([ "$ro" = 1 ] && echo true || echo false)" ] || {
            echo "$name read_only: mmha $(jnode "$name" read_only), server $ro" >&2
            return 1
        }
        if [ "$n" != "$w" ]; then
            io=$(mm_slave_field "$n" Slave_IO_Running | tr '[:upper:]' '[:lower:]')
            sql=$(mm_slave_field "$n" Slave_SQL_Running | tr '[:upper:]' '[:lower:]')
            if [ "$(jnode "$name" io_thread)" != "$io" ] ||
                [ "$(jnode "$name" sql_thread)" != "$sql" ]; then
                echo "$name threads: mmha $(jnode "$name" io_thread)/$(jnode "$name" sql_thread), server $io/$sql" >&2
                return 1
            fi
        fi
        want=$(mm_attr "$n" mmha-readable)
        [ "$(jnode "$name" readable | sed 's/true/1/;s/false/0/')" = "$want" ] || {
            echo "$name readable: mmha $(jnode "$name" readable), attribute $want" >&2
            return 1
        }
    done
    for ((v = 1; v <= MM_READERS; v++)); do
        want=$(mm_vip_started "reader$v" 2>/dev/null) || want=''
        [ -z "$want" ] && continue
        jnode "node$want" vips | tr ',' '\n' | grep -qx "vip-reader$v" || {
            echo "vip-reader$v is on node$want, mmha says $(jnode "node$want" vips)" >&2
            return 1
        }
    done
    jnode "node$w" vips | tr ',' '\n' | grep -qx vip-writer || {
        echo "the writer address is not shown on the writer" >&2
        return 1
    }
}

# cli_assert_status_true i: cli_status_matches within 20 s (a moment
# when nothing moves between mmha's look and the test's), else fail with
# the last difference.
cli_assert_status_true() {
    local i
    for ((i = 0; i < 40; i++)); do
        cli_status_matches "$1" 2>"$BATS_TEST_TMPDIR/status.diff" && return 0
        sleep 0.5
    done
    fail "mmha status differs: $(cat "$BATS_TEST_TMPDIR/status.diff")"
}

# cli_free_port: a TCP port nobody listens on, on the host.
cli_free_port() {
    local p try
    for try in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        [ -z "$(ss -Htln "sport = :$p")" ] && echo "$p" && return 0
    done
    : "$try"
    return 1
}

# cli_promql PORT QUERY: the result vector of an instant query against
# the Prometheus on 127.0.0.1:PORT (JSON).
cli_promql() {
    curl -s --max-time 5 "http://127.0.0.1:$1/api/v1/query" \
        --data-urlencode "query=$2" | jq -c '.data.result'
}

# lag_check r: the lag mmha-lag check measures on node r now, in seconds.
lag_check() {
    cluster_exec "$1" mmha-lag check --defaults-file /etc/mysql/mmha.cnf \
        --format shell | sed -n 's/^LAG_MS=//p' | awk '{ printf "%.3f\n", $1 / 1000 }'
}

# close_enough A B: |A - B| <= 0.1 (seconds).
close_enough() {
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.1) }'
}
