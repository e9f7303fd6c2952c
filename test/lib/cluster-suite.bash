# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The frame every mysql-mm cluster suite shares: its own cluster for the
# file, the background tools stopped after each test, nothing left after
# the file.  In a test/cluster file, before any test:
#
#   MM_SUITE_ARGS=(-n 3 --fencing on)    # mm_start's options (default -n 2)
#   load ../lib/cluster-suite
#
# A file may define its own teardown() after the load (call mm_bg_stop_all
# in it).

setup_file() {
    load ../lib/common
    load ../lib/cluster-mm
    [ -n "${MM_SUITE_ARGS+set}" ] || MM_SUITE_ARGS=(-n 2)
    mm_start "${MM_SUITE_ARGS[@]}"
}

teardown_file() {
    load ../lib/common
    load ../lib/cluster-mm
    mm_stop
    cluster_leak_check
}

setup() {
    load ../lib/common
    load ../lib/cluster-mm
    load ../lib/cluster-partition
    load_bats_libs
}

teardown() {
    mm_bg_stop_all
    mm_keep_failed_logs
}

# mm_keep_failed_logs: after a failed test, every node's Pacemaker log and
# the clients' logs under MM_FAILED_LOGS (default /tmp/mmha-failed-logs),
# in a folder named after the file and the test: the cluster and its logs
# are gone once the file ends.
mm_keep_failed_logs() {
    local keep n
    [ -z "${BATS_TEST_COMPLETED:-}" ] || return 0
    [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
    keep=${MM_FAILED_LOGS:-/tmp/mmha-failed-logs}/$(basename "$BATS_TEST_FILENAME" .bats)-$BATS_TEST_NUMBER
    mkdir -p "$keep" || return 0
    for n in "$CLUSTER_DIR"/nodes/node*; do
        [ -d "$n/log-pacemaker" ] && cp -r "$n/log-pacemaker" "$keep/${n##*/}-log-pacemaker"
    done
    cp -r "$(_mm_dir)/logs" "$keep/clients" 2>/dev/null
    echo "# logs kept in $keep" >&3
    return 0
}
