# SPDX-License-Identifier: GPL-2.0-or-later
# bench/chaos-checks.bash: bench/chaos's run of one fault (chaos_one), the
# invariants checked after it, the documented errant repair, and the
# run's end (chaos_finish).  Sourced by bench/chaos after
# bench/chaos-faults.bash; CHAOS_OUT is the run's output folder.

CHAOS_OUT=${CHAOS_OUT:-/tmp/mmha-chaos}
chaos_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../test/lib" && pwd)

# chaos_settled: a writer with the writer VIP, every database node back
# (fencing reboots a crashed one; the bench does with fencing off), its
# instance up - or stopped with an errant set reported, which waits for
# the documented repair - and its server answering, nothing pending in
# the cluster.
chaos_settled() {
    local w n st i
    w=$(mm_writer 2>/dev/null) || return 1
    [ "$(mm_vip_started writer 2>/dev/null)" = "$w" ] || return 1
    n=$(mm_any_node) || return 1
    st=$(cluster_exec "$n" crm_mon -1 2>/dev/null) || return 1
    for ((i = 1; i <= MM_DB_N; i++)); do
        _cluster_alive "$(_cluster_init_pid "$i")" &&
            { grep -Eq "(Promoted|Unpromoted): \[.* node$i( |\])" <<<"$st" ||
                [ -n "$(mm_attr "$i" mmha-errant 2>/dev/null)" ]; } &&
            [ "$(mm_sql "$i" 'SELECT 1' 2>/dev/null)" = 1 ] || return 1
    done
    cluster_exec "$n" crm_resource --wait --timeout=5s >/dev/null 2>&1
}

# chaos_overlap_ms: the double-writer milliseconds the read_only checkers
# saw so far (every sample, from the host and inside each node).
chaos_overlap_ms() {
    "$MM_PY" "$chaos_lib/ro-checker" --analyze "$(_mm_dir)"/logs/ro-*.log 2>/dev/null |
        awk '$1 == "OVERLAP" { for (i = 2; i <= NF; i++)
            if ($i ~ /^ms=/) { sub(/^ms=/, "", $i); n += $i } } END { print n + 0 }'
}

# chaos_rocheck_nodes: a checker inside every running node (one whose node
# was fenced or crashed died with it).
chaos_rocheck_nodes() {
    local i logs pid
    logs=$(_mm_dir)/logs
    for i in $(chaos_db_alive); do
        pid=$(cat "$logs/rocheck-node$i.pid" 2>/dev/null)
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && continue
        _mm_bg "rocheck-node$i" "$i" "$MM_PY" "$chaos_lib/ro-checker" \
            --defaults-file /etc/mysql/mmha.cnf --source "node$i" \
            --log "$logs/ro-node$i.log" "node$i=/run/mysqld/mysqld.sock"
    done
}

# chaos_gap T0 T1: "GAP_MS RECOVERY_MS" of the client's writes from T0 to
# T1: the longest time between two acknowledgements in it (from the last
# one before T0), and when that gap ended, after T0: the writer serving
# again.  A longest gap under 300 ms is no outage (the client writes every
# 20-70 ms): recovery 0.
chaos_gap() {
    awk -v t0="$1" -v t1="$2" '$2 == "ACK" {
        if ($1 < t0) { last = $1; next }
        if ($1 > t1) exit
        if (last != "" && $1 - last > max) { max = $1 - last; end = $1 }
        last = $1 }
        END { print max + 0, (max >= 300 ? end - t0 : 0) }' "$(mm_client_log chaos)"
}

# chaos_lost T WRITER: writes acknowledged before T that WRITER's server
# lacks (its relay log given 10 s), not counted at an earlier fault; they
# are added to $CHAOS_OUT/lost.ids.
chaos_lost() {
    local have=$CHAOS_OUT/have.ids log
    log=$(mm_client_log chaos)
    wait_until 10 "mm_sql $2 'SELECT id FROM test.wc_chaos' | sort >'$have' &&
        [ -z \"\$(awk -v t=$1 '\$2 == \"ACK\" && \$1 < t { print \$3 }' '$log' |
            sort | comm -23 - '$have')\" ]" >/dev/null 2>&1
    touch "$CHAOS_OUT/lost.ids"
    awk -v t="$1" '$2 == "ACK" && $1 < t { print $3 }' "$log" | sort |
        comm -23 - "$have" | comm -23 - "$CHAOS_OUT/lost.ids" >"$CHAOS_OUT/lost.new"
    sort -m "$CHAOS_OUT/lost.ids" "$CHAOS_OUT/lost.new" -o "$CHAOS_OUT/lost.ids"
    grep -c . "$CHAOS_OUT/lost.new"
}

# chaos_local_acked K WRITER: "ACKED ERRANT" of fault K's local clients
# (a cut-off writer's own application): the writes they were told
# committed, and of those the ones WRITER lacks - acknowledged on a node
# the cluster had given up, repaired away with its errant set.
chaos_local_acked() {
    local f acked=0 errant=0 have=$CHAOS_OUT/have-local.ids
    mm_sql "$2" 'SELECT id FROM test.wc_chaos WHERE id >= 1000000000' |
        sort >"$have"
    for f in "$(_mm_dir)"/logs/chaos_local_"$1"_node*.log; do
        [ -e "$f" ] || continue
        acked=$((acked + $(grep -c ' ACK ' "$f")))
        errant=$((errant + $(awk '$2 == "ACK" { print $3 }' "$f" | sort |
            comm -23 - "$have" | grep -c .)))
    done
    echo "$acked $errant"
}

# chaos_errant WRITER: every other running database node's errant set
# against WRITER: a reported one (mmha-errant equal to mmha-binlog
# errant's) is repaired as docs/operations.md says and counted in
# CHAOS_REPAIRS; one not reported within 30 s is a violation.
chaos_errant() {
    local w=$1 i set
    for i in $(chaos_db_alive); do
        [ "$i" = "$w" ] && continue
        set=$(cluster_exec "$i" mmha-binlog errant \
            --defaults-file /etc/mysql/mmha.cnf --reference "node$w:3306" \
            --format shell 2>/dev/null | sed -n 's/^ERRANT=//p')
        [ -n "$set" ] || continue
        if ! wait_until 30 "[ \"\$(mm_attr $i mmha-errant)\" = '$set' ]" >/dev/null; then
            CHAOS_VIOL+=("errant-silent:node$i:$set")
            continue
        fi
        chaos_repair_errant "$i" "$w" "$set" && CHAOS_REPAIRS=$((CHAOS_REPAIRS + 1)) ||
            CHAOS_VIOL+=("errant-repair-failed:node$i")
    done
}

# chaos_repair_errant NODE WRITER: docs/operations.md's repair, steps 2-6,
# with NODE in maintenance meanwhile (its monitor saw the replica stopped
# mid-repair and failed the instance): the rows only NODE has undone there
# without logging, NODE given the writer's GTID state, the writer's own
# position reset, the report cleared.
chaos_repair_errant() {
    local i=$1 w=$2 rc=0
    cluster_exec "$(mm_any_node)" crm_attribute -N "node$i" -n maintenance \
        -v true >/dev/null || return 1
    chaos_repair_steps "$i" "$w" "$3" || rc=1
    cluster_exec "$(mm_any_node)" crm_attribute -N "node$i" -n maintenance \
        -D >/dev/null 2>&1
    # Step 6: the failures of an instance its errant set kept from
    # replicating are cleared, and it starts again.
    cluster_exec "$(mm_any_node)" crm_resource --cleanup -r ms-mysql \
        -N "node$i" >/dev/null 2>&1
    return "$rc"
}

chaos_repair_steps() {
    local i=$1 w=$2 extra pos spos
    # NODE's replica stopped and NODE read before the writer: a row that
    # came from the writer between two reads the other way round looked
    # like NODE's own and was deleted there (seen: two acknowledged rows
    # gone from one node, CHECKSUM unequal at the end).
    mm_sql "$i" 'STOP SLAVE' || return 1
    mm_sql "$i" 'SELECT id FROM test.wc_chaos' | sort >"$CHAOS_OUT/repair.i"
    mm_sql "$w" 'SELECT id FROM test.wc_chaos' | sort >"$CHAOS_OUT/repair.w"
    extra=$(comm -13 "$CHAOS_OUT/repair.w" "$CHAOS_OUT/repair.i" | paste -sd, -)
    if [ -n "$extra" ]; then
        mm_sql "$i" "SET SESSION sql_log_bin = 0;
            DELETE FROM test.wc_chaos WHERE id IN ($extra)" || return 1
    fi
    pos=$(mm_sql "$w" 'SELECT @@gtid_binlog_pos') || return 1
    spos=$(mm_sql "$i" 'SELECT @@gtid_slave_pos') || return 1
    spos=$(chaos_slave_pos_repaired "$spos" "$pos" "$3")
    mm_sql "$i" "RESET MASTER; SET GLOBAL gtid_binlog_state = '$pos';
        SET GLOBAL gtid_slave_pos = '$spos'; START SLAVE" || return 1
    mm_sql "$w" "STOP SLAVE; SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos" ||
        return 1
    cluster_exec "$(mm_any_node)" crm_attribute -N "node$i" -n mmha-errant \
        -l reboot -D >/dev/null 2>&1
    echo "$(date +%T) node$i: errant set repaired (rows undone: ${extra:-none})" \
        >>"$CHAOS_OUT/repairs.log"
}

# chaos_slave_pos_repaired SLAVE_POS WRITER_POS ERRANT: SLAVE_POS with
# the position of every GTID domain of the ERRANT set taken from
# WRITER_POS (dropped where the writer has none): a reader that applied
# the errant transactions from the old writer holds them in its replica
# position too, and the writer refuses that position (error 1236) until
# it is rewound; the other domains stay as the reader applied them.
chaos_slave_pos_repaired() {
    local e d res='' g
    local -A errdom=() wpos=()
    for e in ${3//,/ }; do errdom[${e%%-*}]=1; done
    for e in ${2//,/ }; do wpos[${e%%-*}]=$e; done
    for e in ${1//,/ }; do
        d=${e%%-*}
        g=$e
        [ -n "${errdom[$d]:-}" ] && g=${wpos[$d]:-}
        [ -n "$g" ] && res+=${res:+,}$g
    done
    echo "$res"
}

# chaos_resources: nothing failed, blocked or unmanaged, no unclean node.
chaos_resources() {
    local st
    st=$(cluster_exec "$(mm_any_node)" crm_mon -1 -r 2>/dev/null) || {
        CHAOS_VIOL+=("crm_mon-failed")
        return
    }
    grep -Eq 'FAILED|blocked|unmanaged|UNCLEAN' <<<"$st" &&
        CHAOS_VIOL+=("resources:$(grep -Eo '[^ ]+ +\(ocf[^)]*\): +[A-Za-z]+ .*(FAILED|blocked|unmanaged)|UNCLEAN[^ ]*' <<<"$st" | head -n 1 | tr -s ' ' '_')")
}

# chaos_writable WRITER: exactly WRITER's server writable among the
# running database nodes.
chaos_writable() {
    local i ro wr=''
    for i in $(chaos_db_alive); do
        ro=$(mm_sql "$i" 'SELECT @@global.read_only' 2>/dev/null) || continue
        [ "$ro" = 0 ] && wr+="$i "
    done
    [ "$wr" = "$1 " ] || CHAOS_VIOL+=("writable:${wr// /,}")
}

# chaos_keep K: every node's logs, the client's and the checkers', kept.
chaos_keep() {
    local keep=$CHAOS_OUT/violation-$1 n
    mkdir -p "$keep"
    for n in "$CLUSTER_DIR"/nodes/node*; do
        cp -r "$n/log-pacemaker" "$keep/${n##*/}-log-pacemaker" 2>/dev/null
    done
    cp "$(_mm_dir)"/logs/*.log "$keep/" 2>/dev/null
    cluster_exec "$(mm_any_node)" crm_mon -1 -A -f >"$keep/crm_mon.txt" 2>&1
}

# chaos_one K KIND PARAMS: run fault K, settle, check; one faults.tsv line.
chaos_one() {
    local k=$1 kind=$2 p=$3 w t t0 t1 planned=0 gap rec lost=0 o0 o1
    local on_writer=0 lacked=0 lerrant=0
    # CHAOS_K: the fault's number, for its local clients' names.
    # shellcheck disable=SC2034
    CHAOS_VIOL=() CHAOS_REPAIRS=0 CHAOS_K=$k
    chaos_planned "$kind" && planned=1
    # Only an unplanned fault on the writer may lose acknowledged writes
    # (an overlap: when either of its two is one).
    case "$kind,$(chaos_param "$p" a),$(chaos_param "$p" b)" in
    *-writer*) [ "$planned" = 1 ] || on_writer=1 ;;
    esac
    w=$(mm_writer 2>/dev/null) || w=''
    t=$(chaos_target "$kind" "$(chaos_param "$p" pick)" "${w:-1}") || t=-
    o0=$(chaos_overlap_ms)
    t0=$(_mmha_now_ms)
    echo "$(date +%T.%3N) fault $k $kind $p target node$t (writer node$w)" >>"$CHAOS_OUT/events.log"
    if [ "$t" = - ] || ! chaos_fault "$kind" "$p" "$t" 2>>"$CHAOS_OUT/events.log"; then
        CHAOS_VIOL+=("fault-not-applied")
    fi
    # The cluster first notices the fault (a kill -9 at the next monitor,
    # a dead corosync when the token and consensus run out, 2.2 s here);
    # then the settled state must hold at two checks 2 s apart.  Without
    # both, a check ran before anything had happened, and the next fault
    # then hit a cluster still recovering (seen: a partition of the writer
    # while the other master was being fenced left no quorum).
    sleep 5
    if ! wait_until 180 "chaos_settled && sleep 2 && chaos_settled" >/dev/null 2>&1; then
        CHAOS_VIOL+=("not-settled-180s")
    fi
    t1=$(_mmha_now_ms)
    echo "$(date +%T.%3N) settled after $((t1 - t0)) ms" >>"$CHAOS_OUT/events.log"
    chaos_rocheck_nodes
    w=$(mm_writer 2>/dev/null) || w=''
    if [ -n "$w" ]; then
        chaos_writable "$w"
        mm_wait_writer "$w" 30 >/dev/null 2>&1 || CHAOS_VIOL+=("writer-vip-no-write")
        chaos_errant "$w"
        # A repaired node starts again: settled once more before the
        # checks that need it replicating.
        if [ "$CHAOS_REPAIRS" -gt 0 ] &&
            ! wait_until 120 "chaos_settled && sleep 2 && chaos_settled" >/dev/null 2>&1; then
            CHAOS_VIOL+=("not-settled-after-repair")
        fi
        mm_check_replication 5 2>>"$CHAOS_OUT/events.log" || CHAOS_VIOL+=("replication")
        # Every write acknowledged up to the settled state, those of the
        # fault's own window too (a hung writer's queued writes, acked
        # as it resumed, then undone by an errant repair, were missed
        # when only the ones before the fault counted).
        lost=$(chaos_lost "$t1" "$w")
        if [ "$lost" -gt 0 ] && [ "$on_writer" = 0 ]; then
            CHAOS_VIOL+=("lost-$lost")
        fi
        read -r lacked lerrant < <(chaos_local_acked "$k" "$w")
    else
        CHAOS_VIOL+=("no-writer")
    fi
    chaos_resources
    o1=$(chaos_overlap_ms)
    [ "$o1" -gt "$o0" ] && CHAOS_VIOL+=("double-writer")
    read -r gap rec < <(chaos_gap "$t0" "$(($(_mmha_now_ms) + 1000))")
    [ "${#CHAOS_VIOL[@]}" -gt 0 ] && chaos_keep "$k"
    printf '%s\t%s\t%s\t%s\tnode%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" \
        "$kind" "$p" "$planned" "$t" "$rec" "$gap" "$lost" "$((o1 - o0))" \
        "$(IFS=,; echo "${CHAOS_VIOL[*]:--}")" "$CHAOS_REPAIRS" "$lacked" \
        "$lerrant"
}

# chaos_inventory: the daemons (by name, counted) and the addresses of
# every node, the run's start and end compared.  The heartbeat (mmha-lag)
# runs where the writer is: counted cluster-wide.
chaos_inventory() {
    local i
    for ((i = 1; i <= CLUSTER_N; i++)); do
        cluster_exec "$i" ps -eo comm= 2>/dev/null |
            grep -E '^(corosync|pacemaker|mariadbd|mysqld|mmha-)' |
            sed -e "/^mmha-lag/!s/^/node$i /" -e "s/^mmha-lag/cluster mmha-lag/"
    done | sort | uniq -c
    for ((i = 1; i <= CLUSTER_N; i++)); do
        ip -n "$(netns_name "$i")" -o -4 addr show 2>/dev/null |
            awk '{ print $4 }'
    done | sort
}

# chaos_finish OUT: stop the client and checkers, compare the tables and
# the inventory, print the per-kind table.
chaos_finish() {
    local o=$1 w i ref rc=0
    wait_until 180 chaos_settled >/dev/null 2>&1
    mm_client_stop chaos >"$o/client.summary"
    mm_client_stop chaos_reads >"$o/client-reads.summary"
    mm_rocheck_stop >"$o/rocheck.summary"
    w=$(mm_writer 2>/dev/null) || w=1
    ref=$(mm_checksum "$w" test.wc_chaos)
    for i in $(chaos_db_alive); do
        wait_until 60 "[ \"\$(mm_checksum $i test.wc_chaos)\" = '$ref' ]" >/dev/null && continue
        rc=1
        {
            echo "CHECKSUM differs: node$i $(mm_checksum "$i" test.wc_chaos), writer node$w $ref"
            mm_sql "$w" 'SELECT id FROM test.wc_chaos' | sort >"$o/ids.writer"
            mm_sql "$i" 'SELECT id FROM test.wc_chaos' | sort >"$o/ids.node$i"
            echo "  ids only on the writer: $(comm -23 "$o/ids.writer" "$o/ids.node$i" | head -n 20 | paste -sd ' ' -)"
            echo "  ids only on node$i: $(comm -13 "$o/ids.writer" "$o/ids.node$i" | head -n 20 | paste -sd ' ' -)"
            echo "  node$i: $(mm_sql "$i" 'SELECT @@gtid_binlog_pos, @@gtid_slave_pos, @@read_only')"
            echo "  writer: $(mm_sql "$w" 'SELECT @@gtid_binlog_pos, @@gtid_slave_pos, @@read_only')"
            mm_slave_status "$i" | grep -E 'Master_Host|_Running:|Last_.*Error:|Ignore_Domain' | sed 's/^/  /'
        } >>"$o/end.txt"
        chaos_keep end
    done
    # An operation under way shows a second, forked pacemaker-execd for a
    # moment: compared again (5 s at most) before a difference counts.
    for i in 1 2 3 4 5; do
        chaos_inventory >"$o/inventory.end"
        cmp -s "$o/inventory.start" "$o/inventory.end" && break
        sleep 1
    done
    if ! diff -u "$o/inventory.start" "$o/inventory.end" >>"$o/end.txt"; then
        echo "daemons or addresses differ from the start (diff above)" >>"$o/end.txt"
        rc=1
    fi
    [ "$rc" = 0 ] && echo "end: CHECKSUM TABLE equal on every node; daemons and addresses as at the start" >>"$o/end.txt"
    "$MM_PY" - "$o/faults.tsv" <<'PY' | tee "$o/summary"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))] if v else 0
kinds = sorted({r['kind'] for r in rows})
print('%-18s %5s %22s %14s %10s %10s %8s %6s %7s %13s' % ('kind', 'count',
      'recovery med/p90/max', 'gap med/max', 'lost pln', 'lost unpl',
      'double', 'viol', 'repair', 'local ack/err'))
tot = {'n': 0, 'lp': 0, 'lu': 0, 'd': 0, 'v': 0, 'r': 0}
for k in kinds + ['all']:
    rs = rows if k == 'all' else [r for r in rows if r['kind'] == k]
    rec = [int(r['recovery_ms']) for r in rs]
    gap = [int(r['gap_ms']) for r in rs]
    lp = sum(int(r['lost']) for r in rs if r['planned'] == '1')
    lu = sum(int(r['lost']) for r in rs if r['planned'] != '1')
    d = sum(int(r['double_ms']) for r in rs)
    v = sum(1 for r in rs if r['violations'] != '-')
    rp = sum(int(r['repairs']) for r in rs)
    la = sum(int(r.get('local_acked') or 0) for r in rs)
    le = sum(int(r.get('local_errant') or 0) for r in rs)
    print('%-18s %5d %22s %14s %10d %10d %8d %6d %7d %13s' % (k, len(rs),
          '%d/%d/%d' % (statistics.median(rec) if rec else 0, pct(rec, .9), max(rec or [0])),
          '%d/%d' % (statistics.median(gap) if gap else 0, max(gap or [0])),
          lp, lu, d, v, rp, '%d/%d' % (la, le)))
PY
    cat "$o/end.txt"
    return "$rc"
}
