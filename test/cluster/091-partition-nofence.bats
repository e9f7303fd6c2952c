#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 9 without fencing (3 nodes): the same partition of the writer.
# Quorum alone stops the cut-off side, but nothing makes sure it stopped
# before the majority promotes: the figures show the window the guard
# (mmha-guard, self-fencing when cut off) closes.  What must hold even
# here: the cut-off writer's lone writes are reported, never merged.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 3 --fencing off)
load ../lib/cluster-suite

@test "partition of the writer, fencing off: figures, errant writes reported" {
    mm_partition_scenario 20
    echo "# fencing off: $PART_OVERLAPS (the guard's job)" >&3
    mm_partition_assert_errant
    mm_check_replication 5
}
