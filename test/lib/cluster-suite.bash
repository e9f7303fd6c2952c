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
}
