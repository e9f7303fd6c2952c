#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# docs/deployment.md run as it is written, on two bed nodes set up like
# freshly installed hosts (test/lib/doc-test.bash): configuration,
# least-privilege accounts, seeding node2 with mariadb-dump, replication
# both ways, the example loaded, the result checked, the first
# switchover, pt-heartbeat.  Blocks that need what the bed does not have
# (IPMI, a shared disk, MySQL, systemd's own units) are listed as not run,
# with why.

bats_require_minimum_version 1.5.0

load ../lib/doc-suite

# root_sql i SQL: as root over node i's socket (unix_socket auth, as the
# document's set-up runs).
root_sql() {
    cluster_exec "$1" mariadb -N -B -e "$2"
}

@test "deployment.md: every fenced block is marked (run, checked or skipped with a reason)" {
    doc_blocks "$MMHA_TOP/$DOC" "$BATS_TEST_TMPDIR/b"
    run -1 grep -lx MISSING "$BATS_TEST_TMPDIR"/b/*.marker
    local markers=("$BATS_TEST_TMPDIR"/b/*.marker)
    [ "${#markers[@]}" -gt 10 ] || fail "only ${#markers[@]} blocks"
    run -0 grep -hE '^(node[0-9](@[23])?|nodes|corosync-conf|skip .+)$' \
        "${markers[@]}"
    [ "${#lines[@]}" = "${#markers[@]}" ] ||
        fail "a marker is not one of nodeN, nodes, corosync-conf, skip REASON"
}

@test "deployment.md: its commands, in order, build a working cluster (two hosts)" {
    doc_run_all
    # After the first switchover node2 is the writer, node1 its reader.
    [ "$(mm_writer)" = 2 ] || fail "writer: node$(mm_writer)"
    run -0 mm_sql 2 "SELECT @@read_only"
    assert_output 0
    run -0 mm_sql 1 "SELECT @@read_only"
    assert_output 1
    wait_until 30 "mm_replicating 1" || fail "node1 does not replicate"
    [ "$(mm_slave_field 1 Master_Host)" = node2 ]
    mm_assert_guards
}

@test "deployment.md: the accounts have what they need and no more" {
    local vip
    run -0 root_sql 1 "SHOW GRANTS FOR 'mmha'@'localhost'"
    refute_output --partial "ALL PRIVILEGES"
    refute_output --regexp "GRANT .*SUPER"
    run -0 root_sql 1 "SHOW GRANTS FOR 'app'@'$(cluster_subnet).%'"
    refute_output --regexp "SUPER|READ_ONLY ADMIN|ALL PRIVILEGES ON \\*\\.\\*"
    # The application cannot write on the reader, can on the writer.
    run -0 cluster_exec 1 mariadb --defaults-file=/root/mmha-setup/app.cnf \
        -h "$(cluster_addr 2)" -e "CREATE TABLE app.t (id INT PRIMARY KEY)"
    run -1 cluster_exec 1 mariadb --defaults-file=/root/mmha-setup/app.cnf \
        -h "$(cluster_addr 1)" -e "INSERT INTO app.t VALUES (1)"
    assert_output --partial read-only
    vip=$(mm_vip writer)
    run -0 cluster_exec 1 mariadb --defaults-file=/root/mmha-setup/app.cnf \
        -h "$vip" -e "INSERT INTO app.t VALUES (2)"
    # No password in the CIB.
    local pw
    for pw in admin_pw repl_pw app_pw; do
        pw=$(sed -n "s/^$pw=//p" "$(_mm_dir)/root/mmha-setup/secrets")
        [ -n "$pw" ] || fail "no $pw in the secrets file"
        run -1 grep -qF "$pw" <(cluster_exec 1 cibadmin -Q)
    done
}
