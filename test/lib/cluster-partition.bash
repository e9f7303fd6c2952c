# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Scenario 9 (network partition of the writer) as one function, shared by
# the fencing-on and fencing-off suites.  Needs cluster-mm.bash loaded and
# a running mm cluster.
#
#   mm_partition_scenario HOLD_SECONDS
#
# Cuts the writer's link (nothing killed) while a client writes through
# the writer VIP from the host and another writes locally on the writer
# (127.0.0.1, ids from 1000000), holds, heals, waits for the cluster to
# settle, and leaves its findings in variables and on fd 3:
#   PART_OLD PART_NEW       writer before / after
#   PART_OVERLAPS           ro-checker analysis line ("overlaps=N ...")
#   PART_CUTOFF_ACKS        local writes acknowledged by the cut-off writer
#                           after the cut
#   PART_CUTOFF_MS          how long it accepted them (first..last ack)
#   PART_MERGED             of those, rows present on the new writer
#   PART_REPORTED           1 when the cluster reports errant transactions

_part_note() {
    { printf '# %s\n' "$*" >&3; } 2>/dev/null || printf '# %s\n' "$*" >&2
}

mm_partition_scenario() {
    local hold=${1:-20} t0 th log ids first last n
    PART_OLD=$(mm_writer) || return 1
    mm_rocheck_start || return 1
    mm_client_start part || return 1
    mm_client_start local -n "$PART_OLD" --writer 127.0.0.1 \
        --first-id 1000000 || return 1
    sleep 1
    # t0 once the link is down: a write acknowledged just before the cut
    # may still replicate, and is not errant.
    cluster_partition "$PART_OLD" || return 1
    t0=$(_mmha_now_ms)
    _part_note "node$PART_OLD (writer) cut off for ${hold}s"
    sleep "$hold"
    _part_note "during the cut: writer node$(mm_writer 2>/dev/null || echo '?'); fence log: $(cluster_fence_log | tr '\n' ' ')"
    th=$(_mmha_now_ms)
    cluster_heal "$PART_OLD" || return 1
    wait_until 60 "mm_writer >/dev/null 2>&1" || return 1
    PART_NEW=$(mm_writer)
    _part_note "healed; writer now node$PART_NEW"
    mm_wait_reader "$PART_OLD" 90 || return 1
    _part_note "node$PART_OLD replicating again $(mm_elapsed_ms "$th") ms after the heal"
    sleep 1
    mm_bg_stop_all
    _part_note "client through the VIP: $(mm_client_summary part)"
    n=$(grep -c 'has received nothing for' \
        "$(_cluster_ndir "$PART_OLD")/log-pacemaker/pacemaker.log" 2>/dev/null) || n=0
    _part_note "node$PART_OLD's IO thread stalled (source's leftover dump thread) and was recovered: $n time(s)"
    PART_OVERLAPS=$(mm_rocheck_stop | head -n 1)
    _part_note "read_only watch: $PART_OVERLAPS"
    log=$(mm_client_log local)
    ids=$(awk -v t="$t0" '$2 == "ACK" && $1 > t { print $3 }' "$log")
    PART_CUTOFF_ACKS=$(printf '%s' "$ids" | grep -c . || true)
    first=$(awk -v t="$t0" '$2 == "ACK" && $1 > t { print $1; exit }' "$log")
    last=$(awk -v t="$t0" '$2 == "ACK" && $1 > t { l = $1 } END { print l }' "$log")
    PART_CUTOFF_MS=0
    [ -n "$first" ] && PART_CUTOFF_MS=$((last - t0))
    PART_MERGED=0
    if [ "$PART_CUTOFF_ACKS" -gt 0 ]; then
        n=$(mm_sql "$PART_NEW" "SELECT COUNT(*) FROM test.wc_local
            WHERE id IN ($(printf '%s' "$ids" | paste -sd, -))") || return 1
        PART_MERGED=$n
    fi
    PART_REPORTED=0
    if cluster_exec "$(mm_any_node)" crm_mon -1 -A -f 2>/dev/null |
        grep -qi errant || mm_history | grep -qi errant; then
        PART_REPORTED=1
    fi
    _part_note "cut-off writer acknowledged $PART_CUTOFF_ACKS local writes for ${PART_CUTOFF_MS} ms; $PART_MERGED of them on the new writer; errant reported: $PART_REPORTED"
}

# mm_partition_assert_errant: what must hold after the scenario, fencing
# or not: the cut-off writer lost the role; whatever it accepted alone is
# reported as errant and none of it reached the new writer.
mm_partition_assert_errant() {
    [ "$PART_NEW" != "$PART_OLD" ] || fail "the cut-off writer kept the role"
    [ "$PART_CUTOFF_ACKS" -gt 0 ] || return 0
    [ "$PART_REPORTED" = 1 ] ||
        fail "$PART_CUTOFF_ACKS writes accepted by the cut-off writer, not reported as errant"
    [ "$PART_MERGED" = 0 ] ||
        fail "$PART_MERGED errant writes merged into the new writer"
}
