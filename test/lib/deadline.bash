# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The deadline tests' measure: a helper run against a fault returns within
# its --timeout + BOUND_MS with its documented status (bats: load
# ../lib/deadline after ../lib/bed; uses bats' run and bats-assert's fail).

# Allowed past --timeout, process start and exit included. The ASan/UBSan
# build (helpers-san) starts 30-70 ms slower: it gets more room; the
# figures of record come from the plain build.
BOUND_MS=100
SIGNAL_MS=200
if [ "${MMHA_SANITIZED:-0}" = 1 ]; then
    BOUND_MS=250
    SIGNAL_MS=400
fi
export BOUND_MS SIGNAL_MS

# bounded WANT_STATUS TIMEOUT_S CMD...: run CMD (its --timeout is
# TIMEOUT_S), assert the status and that it returned within TIMEOUT_S +
# BOUND_MS; prints the figure. A time over the bound is measured once more
# (both printed): other developers' runs share the two cores, and a load
# spike can delay a process start by 100 ms and more (load average 13 seen).
# BOUNDED_EACH, when set, is evaluated before each try (to arm a fault that
# the try uses up); BOUNDED_LABEL names the fault in the figure.
# shellcheck disable=SC2154 # status and output: set by bats' run
bounded() {
    local want=$1 secs=$2 t0 ms bound try
    shift 2
    bound=$(awk -v s="$secs" -v b="$BOUND_MS" 'BEGIN { print int(s * 1000 + b) }')
    for try in 1 2; do
        if [ -n "${BOUNDED_EACH:-}" ]; then
            eval "$BOUNDED_EACH"
        fi
        t0=$(_mmha_now_ms)
        run "$@"
        ms=$(($(_mmha_now_ms) - t0))
        echo "# ${*:1:2}${BOUNDED_LABEL:+ ($BOUNDED_LABEL)} --timeout $secs: status $status after $ms ms (bound $bound ms)$([ "$try" = 2 ] && echo ", second try")" >&3
        if [ "$status" -ne "$want" ]; then
            echo "$output"
            fail "wanted status $want, got $status after $ms ms"
        fi
        [ "$ms" -gt "$bound" ] || return 0
    done
    echo "$output"
    fail "wanted status $want within $bound ms, got $status after $ms ms (twice)"
}
