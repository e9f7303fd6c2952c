#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha-guard on a real corosync/Pacemaker cluster (fencing off): a cut-off
# writer makes itself read-only within token + 500 ms of the link going
# down (knet link status, ahead of corosync's membership change), a cut-off
# reader leaves the writer alone, two writers resolve by epoch, SIGTERM,
# MySQL down and corosync loss are survived; a 2-node cluster shows what
# two_node quorum lets the guard decide.
#
# One MariaDB server per node from the bed (test/lib/bed.bash), on the
# host's loopback; each node's guard runs inside the node (its network,
# mount and PID namespaces) and reaches its server through the server's
# unix socket, so cutting the node's link cuts corosync, not the check on
# read_only. No mysql-mm agent: "promotion" of another node is done by the
# test, once Pacemaker on the majority has seen the writer go.
# The guard binary is the ASan/UBSan build (build-san/, from make sanitize)
# unless MMHA_GUARD_BUILD names another build directory.

bats_require_minimum_version 1.5.0

setup_file() {
    load ../lib/common
    load ../lib/cluster
    load ../lib/bed
    : "${MMHA_GUARD_BUILD:=$MMHA_TOP/build-san}"
    export MMHA_GUARD_BUILD
    [ -x "$MMHA_GUARD_BUILD/mmha-guard" ] || {
        echo "no $MMHA_GUARD_BUILD/mmha-guard: make sanitize" >&2
        return 1
    }
    cluster_start -n 3 --fencing off
    _mmha_now_ms >"$BATS_FILE_TMPDIR/links_up"
    bed_start -n 3 -t none
    GUARD_DIR=$BATS_FILE_TMPDIR/guard
    export GUARD_DIR
    mkdir -p "$GUARD_DIR"
    chmod 0755 "$BATS_FILE_TMPDIR" "$GUARD_DIR"
    local i
    for i in 1 2 3; do
        guard_cnf "$i"
    done
    bed_sql 2 "SET GLOBAL read_only=1"
    bed_sql 3 "SET GLOBAL read_only=1"
    echo 1 >"$GUARD_DIR/epoch1"
    for i in 1 2 3; do
        guard_start "$i"
    done
    for i in 1 2 3; do
        guard_wait "$i" 15 QUORUM quorate
        guard_wait "$i" 15 MEMBERS_COUNT 3
    done
}

teardown_file() {
    load ../lib/common
    load ../lib/cluster
    load ../lib/bed
    checker_stop
    if [ -r "$BATS_FILE_TMPDIR/cluster2" ]; then
        CLUSTER_DIR=$(cat "$BATS_FILE_TMPDIR/cluster2") cluster_stop
    fi
    cluster_stop
    bed_stop
    cluster_leak_check
}

setup() {
    load ../lib/common
    load ../lib/cluster
    load ../lib/bed
    load_bats_libs
}

# A failed test must not leave a node cut off for the next one.
teardown() {
    cluster_heal_all
}

# ---- helpers ---------------------------------------------------------------

# guard_cnf i: option file for node i's guard: the bed's admin account,
# through server i's socket (reachable from inside the node).
guard_cnf() {
    local i=$1 f=$GUARD_DIR/guard$1.cnf
    (
        umask 077
        awk '/^\[/ { p = ($0 == "[client]") } p && /^(\[|user=|password=)/' \
            "$(bed_cnf "$i")" >"$f"
        printf 'socket=%s\n' "$(bed_sock "$i")" >>"$f"
    )
}

# guard_start i [node]: run the guard in cluster node `node` (default i)
# for server i; GUARD_CNF and GUARD_TIMEOUT, when set, replace its option
# file and add a --timeout.
guard_start() {
    local i=$1 n=${2:-$1}
    local -a extra=()
    if [ -n "${GUARD_TIMEOUT:-}" ]; then
        extra=(--timeout "$GUARD_TIMEOUT")
    fi
    rm -f "$GUARD_DIR/status$i"
    cluster_exec "$n" "$MMHA_GUARD_BUILD/mmha-guard" \
        --defaults-file="${GUARD_CNF:-$GUARD_DIR/guard$i.cnf}" "${extra[@]}" \
        --epoch-file "$GUARD_DIR/epoch$i" --interval 0.2 \
        --pidfile "$GUARD_DIR/guard$i.pid" \
        --status-file "$GUARD_DIR/status$i" --format shell -v \
        </dev/null >>"$GUARD_DIR/guard$i.log" 2>&1 3>&- &
    wait_until 10 "[ -s '$GUARD_DIR/status$i' ]"
}

# guard_stop i [node]: SIGTERM (pid as seen inside the node), bounded wait.
guard_stop() {
    local i=$1 n=${2:-$1} pid
    pid=$(cat "$GUARD_DIR/guard$i.pid") || return 1
    cluster_exec "$n" kill -TERM "$pid"
    wait_until 10 "[ ! -e '$GUARD_DIR/guard$i.pid' ]"
}

# guard_get i KEY: one key of guard i's status file.
guard_get() {
    sed -n "s/^$2=//p" "$GUARD_DIR/status$1" 2>/dev/null
}

guard_wait() {
    wait_until "$2" "[ \"\$(guard_get $1 $3)\" = '$4' ]"
}

# guard_clean i: no sanitizer report, no crash in guard i's log.
guard_clean() {
    run -1 grep -E 'AddressSanitizer|runtime error|LeakSanitizer|Segmentation' \
        "$GUARD_DIR/guard$1.log"
}

ro() {
    bed_sql "$1" "SELECT @@global.read_only"
}

ro_is() {
    [ "$(ro "$1")" = "$2" ]
}

# ms_until SECONDS 'cond': poll cond every 20 ms; print the ms it took
# (the figure is late by at most one poll: one client call plus 20 ms).
ms_until() {
    local t0 deadline
    t0=$(_mmha_now_ms)
    deadline=$((t0 + $1 * 1000))
    until eval "$2"; do
        if [ "$(_mmha_now_ms)" -ge "$deadline" ]; then
            echo "ms_until: timed out after $1 s: $2" >&2
            return 1
        fi
        sleep 0.02
    done
    echo $(($(_mmha_now_ms) - t0))
}

# checker_column i: the read_only values server i showed, one per round.
checker_column() {
    awk -v c=$(($1 + 1)) '{ print $c }' "$GUARD_DIR/checker.log"
}

# The checker: read_only of every server every 100 ms, one line per round
# ("ms ro1 ro2 ro3"); a round with two writable servers goes to .two.
checker_start() {
    local n=$1
    : >"$GUARD_DIR/checker.log"
    rm -f "$GUARD_DIR/checker.two"
    (
        local i w line
        while [ ! -e "$GUARD_DIR/checker.stop" ]; do
            w=0 line=$(_mmha_now_ms)
            for ((i = 1; i <= n; i++)); do
                v=$(ro "$i" 2>/dev/null) || v=x
                line+=" $v"
                [ "$v" = 0 ] && w=$((w + 1))
            done
            echo "$line" >>"$GUARD_DIR/checker.log"
            if [ "$w" -ge 2 ]; then
                echo "$line" >>"$GUARD_DIR/checker.two"
            fi
            sleep 0.1
        done
    ) </dev/null >/dev/null 2>&1 3>&- &
    echo $! >"$GUARD_DIR/checker.pid"
}

checker_stop() {
    local pid
    [ -n "${GUARD_DIR:-}" ] && [ -r "$GUARD_DIR/checker.pid" ] || return 0
    pid=$(cat "$GUARD_DIR/checker.pid")
    touch "$GUARD_DIR/checker.stop"
    wait_until 5 "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid"
    rm -f "$GUARD_DIR/checker.pid" "$GUARD_DIR/checker.stop"
}

# links_settled: knet's links have been up for 11 s. For about 10 s after a
# link is created or goes down, knet waits up to ten times
# knet_ping_timeout before it declares the link down again (its
# pong-timeout backoff, one step a second); the bound holds after that.
links_settled() {
    local left
    left=$(($(cat "$BATS_FILE_TMPDIR/links_up") + 11000 - $(_mmha_now_ms)))
    if [ "$left" -gt 0 ]; then
        sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
    fi
}

# totem_ms NODE KEY: a runtime totem timeout (token, consensus) in ms.
totem_ms() {
    cluster_exec "$1" corosync-cmapctl -g "runtime.config.totem.$2" |
        sed 's/.*= //'
}

# ---- 3 nodes ---------------------------------------------------------------

@test "guards join the group keyed by nodeid and pid, quorate" {
    local node # not i: bats' run uses that name
    for node in 1 2 3; do
        run -0 guard_get "$node" NODEID
        assert_output "$node"
        run -0 guard_get "$node" WRITABLE
        if [ "$node" = 1 ]; then assert_output yes; else assert_output no; fi
    done
    # The same pid may show on several nodes: members are told apart by
    # (nodeid, pid), so all three are listed.
    run -0 grep -c '^MEMBERS_[0-9]*_NODEID=' "$GUARD_DIR/status1"
    assert_output 3
    run -0 guard_get 2 MEMBERS_1_EPOCH
    assert_output 1
    # 3 nodes, plain majority: the link rule applies, 2 of 3 votes needed.
    run -0 guard_get 1 LINK_RULE
    assert_output on
    run -0 grep 'link rule on: 3 nodes, 3 expected votes, read-only below 2 reachable' \
        "$GUARD_DIR/guard1.log"
}

@test "partitioned writer goes read-only within token + 500 ms, before the majority promotes; heal keeps it a reader" {
    local token consensus ms bound t0 t1
    token=$(totem_ms 1 token)
    consensus=$(totem_ms 1 consensus)
    checker_start 3
    run -0 ro 1
    assert_output 0
    # The link rule is polling: node1's writable server, 3 of 3 reachable.
    guard_wait 1 5 LINK_VOTES 3
    links_settled

    t0=$(_mmha_now_ms)
    cluster_partition 1
    ms=$(ms_until 15 "ro_is 1 1")
    # The guard sees knet mark the links down (knet_ping_timeout, by default
    # token / 2) and does not wait for corosync's new membership (token +
    # consensus): the whole path must fit in the token timeout + 500 ms.
    bound=$((token + 500))
    echo "# link down -> read_only=1 on the cut-off writer: $ms ms" \
        "(bound token $token + 500 = $bound ms; corosync's membership" \
        "change comes after token + consensus = $((token + consensus)) ms)" >&3
    wait_until 5 "grep -q 'ms after the node was cut off' '$GUARD_DIR/guard1.log'"
    run -0 grep -o 'making MySQL read-only: .*' "$GUARD_DIR/guard1.log"
    echo "# guard: $output" >&3
    assert_output --partial 'majority_unreachable (on links: 1 of 3 votes reachable'
    [ "$ms" -le "$bound" ]
    # Read-only before the majority can even form its membership, let alone
    # promote (checked below with the checker too).
    [ "$ms" -lt $((token + consensus)) ]
    run -0 grep -c 'making MySQL read-only' "$GUARD_DIR/guard1.log"
    assert_output 1
    # Corosync follows: the node is inquorate; no second action.
    guard_wait 1 15 QUORUM inquorate
    run -0 guard_get 1 FENCES
    assert_output 1

    # The majority sees node1 go, then "promotes" node2 (what mysql-mm would
    # do): a newer epoch, then read_only=0.
    cluster_wait -n 2 30 "crm_mon -1 | grep -q 'OFFLINE: \[ node1 \]'"
    echo "# Pacemaker on the majority saw node1 offline by $(($(_mmha_now_ms) - t0)) ms" >&3
    echo 2 >"$GUARD_DIR/epoch2"
    sleep 0.5
    bed_sql 2 "SET GLOBAL read_only=0"
    t1=$(_mmha_now_ms)
    echo "# node2 promoted $((t1 - t0)) ms after the cut" >&3
    # The majority's writer reaches 2 of 3 votes: the link rule leaves it.
    guard_wait 2 5 LINK_VOTES 2
    run -0 guard_get 2 WRITABLE
    assert_output yes

    cluster_heal 1
    guard_wait 1 30 QUORUM quorate
    guard_wait 1 10 MEMBERS_COUNT 3
    sleep 1
    run -0 ro 1
    assert_output 1
    run -0 ro 2
    assert_output 0
    run -0 guard_get 1 ALARM
    assert_output 0
    run -0 guard_get 2 FENCES
    assert_output 0
    checker_stop
    run -1 test -e "$GUARD_DIR/checker.two"
    run -0 grep -c . "$GUARD_DIR/checker.log"
    echo "# checker: $output rounds, never two writable" >&3
    guard_clean 1
    guard_clean 2
}

@test "a cut-off reader does not make the writer read-only" {
    local token consensus
    token=$(totem_ms 2 token)
    consensus=$(totem_ms 2 consensus)
    # node2 is the writer (previous test); node3 is a reader.
    run -0 ro 2
    assert_output 0
    guard_wait 2 5 LINK_VOTES 3
    checker_start 3
    cluster_partition 3
    # The writer sees node3 go over knet, then in the membership.
    wait_until 10 "grep -q 'node 3 unreachable over knet: 2 of 3 votes reachable, 2 needed' '$GUARD_DIR/guard2.log'"
    guard_wait 2 15 MEMBERS_COUNT 2
    guard_wait 3 15 QUORUM inquorate
    sleep 1
    checker_stop
    # Never read-only on the writer from the cut to now.
    run -0 checker_column 2
    refute_output --partial 1
    run -0 ro 2
    assert_output 0
    run -0 guard_get 2 QUORUM
    assert_output quorate
    run -0 guard_get 2 FENCES
    assert_output 0
    run -0 guard_get 2 LINK_VOTES
    assert_output 2
    # The cut-off reader had nothing to do.
    run -0 guard_get 3 FENCES
    assert_output 0
    run -0 grep -c . "$GUARD_DIR/checker.log"
    echo "# writer writable through $output checker rounds" \
        "(token $token + consensus $consensus ms and 1 s more)" >&3

    cluster_heal 3
    guard_wait 3 30 QUORUM quorate
    guard_wait 2 10 MEMBERS_COUNT 3
    guard_wait 2 10 LINK_VOTES 3
    run -0 ro 2
    assert_output 0
    guard_clean 2
    guard_clean 3
}

@test "two writers: the lower epoch yields, both raise the alarm" {
    # node2 is the writer at epoch 2 (previous test); node3 claims epoch 1.
    run -0 ro 2
    assert_output 0
    echo 1 >"$GUARD_DIR/epoch3"
    bed_sql 3 "SET GLOBAL read_only=0"
    wait_until 5 "ro_is 3 1"
    run -0 ro 2
    assert_output 0
    run -0 grep 'ALARM: node 2 (epoch 2) and this node 3 (epoch 1)' \
        "$GUARD_DIR/guard3.log"
    run -0 grep 'making MySQL read-only: rival_newer_epoch' \
        "$GUARD_DIR/guard3.log"
    run -0 grep -c 'ALARM: node 3' "$GUARD_DIR/guard2.log"
    guard_wait 3 5 FENCES 1
}

@test "MySQL down: the guard keeps running; a cut-off server that comes back writable is made read-only" {
    local pid
    pid=$(cat "$GUARD_DIR/guard3.pid")
    bed_stop_server 3
    guard_wait 3 10 WRITABLE unknown
    run -0 cluster_exec 3 kill -0 "$pid"
    wait_until 5 "grep -q 'cannot connect' '$GUARD_DIR/guard3.log'"

    # Cut node3 off while its server is down, then start the server: its
    # my.cnf says read-only=0, the guard turns it read-only at once.
    cluster_partition 3
    guard_wait 3 15 QUORUM inquorate
    bed_restart 3
    wait_until 5 "ro_is 3 1"
    # The guard writes its status file after the SET: wait for it.
    guard_wait 3 5 LAST_FENCE inquorate
    run -0 grep 'making MySQL read-only: inquorate' "$GUARD_DIR/guard3.log"
    cluster_heal 3
    guard_wait 3 30 QUORUM quorate
    guard_wait 3 10 MEMBERS_COUNT 3
    guard_clean 3
}

# guard_member_writable i NODEID: what guard i last heard node NODEID say
# of its server (MEMBERS_n_WRITABLE).
guard_member_writable() {
    awk -F= -v id="$2" '
        /^MEMBERS_[0-9]+_NODEID=/ { split($1, k, "_"); node[k[2]] = $2 }
        /^MEMBERS_[0-9]+_WRITABLE=/ { split($1, k, "_"); w[k[2]] = $2 }
        END { for (m in node) if (node[m] == id) print w[m] }' \
        "$GUARD_DIR/status$1" 2>/dev/null
}

@test "MySQL SIGSTOPped, then a silent peer: each poll ends at --timeout 0.5, the guard stays in the group and answers SIGTERM" {
    local t0 ms pid peer_pid port
    guard_stop 3
    guard_clean 3
    GUARD_TIMEOUT=0.5 guard_start 3
    guard_wait 3 10 WRITABLE no
    pid=$(cat "$GUARD_DIR/guard3.pid")
    t0=$(_mmha_now_ms)
    kill -STOP "$(bed_pid 3)"
    guard_wait 3 5 WRITABLE unknown
    ms=$(($(_mmha_now_ms) - t0))
    echo "# guard --timeout 0.5 --interval 0.2, server SIGSTOPped: WRITABLE=unknown after $ms ms" >&3
    [ "$ms" -le 1500 ] || fail "WRITABLE=unknown only after $ms ms"
    sleep 3
    # Its polls are bounded: the main loop runs, its state still reaches
    # the group.
    run -0 cluster_exec 3 kill -0 "$pid"
    run -0 guard_get 1 MEMBERS_COUNT
    assert_output 3
    run -0 guard_member_writable 1 3
    assert_output unknown
    kill -CONT "$(bed_pid 3)"
    t0=$(_mmha_now_ms)
    guard_wait 3 5 WRITABLE no
    echo "# guard, server SIGCONT: WRITABLE=no after $(($(_mmha_now_ms) - t0)) ms" >&3
    # SIGTERM while a poll waits on the stopped server: it leaves.
    kill -STOP "$(bed_pid 3)"
    sleep 0.3
    t0=$(_mmha_now_ms)
    cluster_exec 3 kill -TERM "$pid"
    wait_until 5 "[ ! -e '$GUARD_DIR/guard3.pid' ]"
    ms=$(($(_mmha_now_ms) - t0))
    kill -CONT "$(bed_pid 3)"
    echo "# guard, server stopped, SIGTERM: gone after $ms ms" >&3
    [ "$ms" -le 1500 ] || fail "SIGTERM took $ms ms"
    guard_wait 1 5 MEMBERS_COUNT 2
    run -0 grep 'signal 15: leaving the group' "$GUARD_DIR/guard3.log"
    guard_clean 3

    # A peer inside node3 that accepts and never answers (its pid there
    # first: $$ is the inner shell's, on purpose).
    # shellcheck disable=SC2016
    cluster_exec 3 sh -c 'echo $$; exec "$1" silent' sh \
        "$MMHA_TOP/test/lib/fake-peer.py" >"$BATS_TEST_TMPDIR/peer" 3>&- &
    wait_until 10 "[ \"\$(wc -l <'$BATS_TEST_TMPDIR/peer')\" -ge 2 ]"
    peer_pid=$(sed -n 1p "$BATS_TEST_TMPDIR/peer")
    port=$(sed -n 2p "$BATS_TEST_TMPDIR/peer")
    (
        umask 077
        awk '/^\[/ { p = ($0 == "[client]") } p && /^(\[|user=|password=)/' \
            "$(bed_cnf 3)" >"$GUARD_DIR/silent3.cnf"
        printf 'host=127.0.0.1\nport=%s\n' "$port" >>"$GUARD_DIR/silent3.cnf"
    )
    GUARD_TIMEOUT=0.5 GUARD_CNF=$GUARD_DIR/silent3.cnf guard_start 3
    guard_wait 3 5 WRITABLE unknown
    guard_wait 1 10 MEMBERS_COUNT 3
    sleep 2
    pid=$(cat "$GUARD_DIR/guard3.pid")
    run -0 cluster_exec 3 kill -0 "$pid"
    run -0 guard_member_writable 1 3
    assert_output unknown
    run -0 grep -c "no answer within --timeout" "$GUARD_DIR/guard3.log"
    t0=$(_mmha_now_ms)
    cluster_exec 3 kill -TERM "$pid"
    wait_until 5 "[ ! -e '$GUARD_DIR/guard3.pid' ]"
    ms=$(($(_mmha_now_ms) - t0))
    echo "# guard, silent peer, SIGTERM: gone after $ms ms" >&3
    [ "$ms" -le 1500 ] || fail "SIGTERM took $ms ms"
    cluster_exec 3 kill -TERM "$peer_pid"
    guard_clean 3
    # Back as before for what follows.
    guard_start 3
    guard_wait 3 10 WRITABLE no
    guard_wait 1 10 MEMBERS_COUNT 3
}

@test "SIGTERM: the guard leaves the group, the others see it go" {
    guard_stop 3
    guard_wait 1 5 MEMBERS_COUNT 2
    run -0 grep 'signal 15: leaving the group' "$GUARD_DIR/guard3.log"
    run -1 test -e "$GUARD_DIR/status3"
    guard_clean 3
    # Start again: the group takes it back.
    guard_start 3
    guard_wait 1 10 MEMBERS_COUNT 3
    guard_stop 3
    guard_clean 3
}

@test "corosync dies on the writer's node: its server goes read-only" {
    # node2 is the writer; corosync there is killed, the node's init then
    # stops the node 2 s later (the test bed has no corosync restart
    # inside a node).
    run -0 ro 2
    assert_output 0
    local cpid
    cpid=$(cluster_exec 2 pidof -s corosync)
    cluster_exec 2 kill -KILL "$cpid"
    wait_until 10 "ro_is 2 1" || {
        tail -n 30 "$GUARD_DIR/guard2.log" >&2
        cat "$GUARD_DIR/status2" >&2 2>/dev/null
        false
    }
    run -0 grep 'lost corosync' "$GUARD_DIR/guard2.log"
    run -0 grep 'making MySQL read-only: corosync_lost' "$GUARD_DIR/guard2.log"
    guard_clean 2
    # Down means its init is gone: a command inside fails earlier, while
    # the node is still stopping (a restart then found it running).
    wait_until 40 "cluster_node_down 2"
    cluster_restart_node 2
    cluster_wait 60 "crm_mon -1 | grep -q 'Online: \[ node1 node2 node3 \]'"
    guard_start 2
    guard_wait 2 15 QUORUM quorate
    guard_wait 2 10 MEMBERS_COUNT 2
    run -0 ro 2
    assert_output 1
    guard_stop 2
    guard_stop 1
    guard_clean 1
    guard_clean 2
}

# ---- 2 nodes ---------------------------------------------------------------

@test "2-node cluster (two_node): both sides stay quorate; after heal the lower epoch yields" {
    cluster_stop
    cluster_start -n 2 --fencing off
    echo "$CLUSTER_DIR" >"$BATS_FILE_TMPDIR/cluster2"
    : >"$GUARD_DIR/guard1.log"
    : >"$GUARD_DIR/guard2.log"
    bed_sql 1 "SET GLOBAL read_only=0"
    bed_sql 2 "SET GLOBAL read_only=1"
    echo 1 >"$GUARD_DIR/epoch1"
    echo 1 >"$GUARD_DIR/epoch2"
    guard_start 1
    guard_start 2
    guard_wait 1 15 MEMBERS_COUNT 2
    guard_wait 1 15 QUORUM quorate
    # Cut off or not, each side reaches 1 of 2 votes: the link rule cannot
    # tell, so it is off and the guard acts on corosync's quorum only.
    run -0 guard_get 1 LINK_RULE
    assert_output two_node
    run -0 grep 'link rule off: two_node' "$GUARD_DIR/guard1.log"

    cluster_partition 1
    guard_wait 1 15 MEMBERS_COUNT 1
    guard_wait 2 15 MEMBERS_COUNT 1
    # two_node: each half keeps quorum, so the guard cannot tell the cut-off
    # side: the writer stays writable; fencing has to settle it.
    run -0 guard_get 1 QUORUM
    assert_output quorate
    run -0 guard_get 2 QUORUM
    assert_output quorate
    sleep 1
    run -0 ro 1
    assert_output 0
    run -0 guard_get 1 FENCES
    assert_output 0
    # The other side is promoted (newer epoch): two writers while cut.
    echo 2 >"$GUARD_DIR/epoch2"
    sleep 0.5
    bed_sql 2 "SET GLOBAL read_only=0"

    # Heal: the guards see each other again and the older writer yields.
    local t0
    t0=$(_mmha_now_ms)
    cluster_heal 1
    wait_until 20 "ro_is 1 1"
    echo "# 2 nodes: old writer read-only $(($(_mmha_now_ms) - t0)) ms after heal" >&3
    run -0 ro 2
    assert_output 0
    run -0 grep 'ALARM: node 2 (epoch 2) and this node 1 (epoch 1)' \
        "$GUARD_DIR/guard1.log"
    guard_stop 1
    guard_stop 2
    guard_clean 1
    guard_clean 2
    cluster_stop
    rm -f "$BATS_FILE_TMPDIR/cluster2"
}

@test "the sanitized guards reported no memory or undefined-behaviour error" {
    run cat "$GUARD_DIR"/guard*.log
    refute_output --partial "AddressSanitizer"
    refute_output --partial "runtime error:"
    refute_output --partial "LeakSanitizer"
}
