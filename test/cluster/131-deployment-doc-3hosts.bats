#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# docs/deployment.md's three-host path run as it is written, on three bed
# nodes set up like freshly installed hosts (test/lib/doc-test.bash):
# node3 seeded and replicating, 3-node.crm loaded, the first switchover;
# node3 (the read replica) follows the new writer.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by doc-suite.bash
DOC_HOSTS=3
load ../lib/doc-suite

@test "deployment.md: its commands, in order, build a working cluster (three hosts)" {
    doc_run_all
    [ "$(mm_writer)" = 2 ] || fail "writer: node$(mm_writer)"
    run -0 mm_sql 3 "SELECT @@read_only, @@auto_increment_increment"
    assert_output "$(printf '1\t3')"
    # node1 and node3 replicate from the new writer.
    wait_until 30 "mm_replicating 1 && mm_replicating 3" ||
        fail "node1 or node3 does not replicate"
    [ "$(mm_slave_field 1 Master_Host)" = node2 ]
    wait_until 30 "[ \"\$(mm_slave_field 3 Master_Host)\" = node2 ]" ||
        fail "node3 replicates from $(mm_slave_field 3 Master_Host)"
    mm_assert_guards
}
