# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared helpers for every mmha bats suite: library loading, the repo top
# directory, bounded waits.  Sourced by bed.bash; bats files may also
# `load ../lib/common` directly.

_mmha_common_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MMHA_TOP=$(cd "$_mmha_common_dir/../.." && pwd)
export MMHA_TOP

# Helper binaries are built into build/; tests must find them first.
: "${MMHA_BUILD_DIR:=$MMHA_TOP/build}"
export MMHA_BUILD_DIR
case ":$PATH:" in
*":$MMHA_BUILD_DIR:"*) ;;
*) PATH="$MMHA_BUILD_DIR:$PATH" ;;
esac
export PATH

# Every suite uses `run -N`.
if declare -F bats_require_minimum_version >/dev/null; then
    bats_require_minimum_version 1.5.0
fi

# load_bats_libs: bats-support and bats-assert (from BATS_LIB_PATH).
load_bats_libs() {
    bats_load_library bats-support
    bats_load_library bats-assert
}

# mmha_top: print the repository's top directory.
mmha_top() {
    printf '%s\n' "$MMHA_TOP"
}

# _mmha_now: wall clock in milliseconds (no fork).
_mmha_now_ms() {
    local t=${EPOCHREALTIME/./}
    printf '%s\n' "$((t / 1000))"
}

# run_bounded SECONDS cmd...: run cmd, kill it after SECONDS; status 124 on
# timeout like timeout(1).  Works for shell functions too (they run in a
# watched subshell), external commands go through timeout(1).
run_bounded() {
    local secs=$1
    shift
    if ! declare -F "$1" >/dev/null; then
        timeout --kill-after=5 "$secs" "$@"
        return
    fi
    local flag
    flag=$(mktemp "${TMPDIR:-/tmp}/mmha-rb.XXXXXX")
    ("$@") &
    local pid=$!
    (
        sleep "$secs"
        echo timeout >"$flag"
        # The subshell's own children first (a client blocked in a
        # query), then the subshell itself.
        local c kids
        read -r -a kids <"/proc/$pid/task/$pid/children" 2>/dev/null
        for c in "${kids[@]}"; do
            kill -TERM "$c" 2>/dev/null
        done
        kill -TERM "$pid" 2>/dev/null
    ) 3>&- &
    local dog=$!
    local rc=0
    wait "$pid" || rc=$?
    kill "$dog" 2>/dev/null
    wait "$dog" 2>/dev/null
    if [ -s "$flag" ]; then
        rc=124
    fi
    rm -f "$flag"
    return "$rc"
}

# wait_until SECONDS 'shell condition': poll every 0.1 s until the condition
# (evaluated by the shell) succeeds; status 1 when SECONDS run out.
wait_until() {
    local secs=$1 cond=$2
    local deadline
    deadline=$(($(_mmha_now_ms) + ${secs%.*} * 1000))
    while :; do
        if eval "$cond"; then
            return 0
        fi
        if [ "$(_mmha_now_ms)" -ge "$deadline" ]; then
            echo "wait_until: timed out after ${secs}s: $cond" >&2
            return 1
        fi
        sleep 0.1
    done
}

# stop_pidfiles DIR: SIGTERM to every process named by a DIR/*.pid file
# (background clients a test started; each file written with $!).
stop_pidfiles() {
    local f
    for f in "$1"/*.pid; do
        [ -r "$f" ] || continue
        kill -TERM "$(cat "$f")" 2>/dev/null || true
    done
}

# stop_pids PID...: SIGTERM to each background process a test started (by
# its $!), and reap it.
stop_pids() {
    local pid
    for pid in "$@"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
