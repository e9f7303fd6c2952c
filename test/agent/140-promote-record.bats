#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A promotion writes the writer record (epoch, position) beside its last
# steps to writable, not before them.  A record that does not reach the
# CIB fails the promotion and leaves the server read-only again: no
# writable node the cluster does not know as the writer.

load ../lib/agent

setup_file() {
    agent_pair writer
    # Stand-ins that refuse every write to the cluster properties (a CIB
    # that cannot take the record) and pass everything else on.
    NOCIB=$BATS_FILE_TMPDIR/no-cib-write
    mkdir -p "$NOCIB"
    cat >"$NOCIB/cibadmin" <<'EOF'
#!/bin/sh
case " $* " in
*" --modify "*) echo "cibadmin: refused by the test" >&2; exit 1 ;;
esac
exec /usr/sbin/cibadmin "$@"
EOF
    cat >"$NOCIB/crm_attribute" <<'EOF'
#!/bin/sh
case " $* " in
*" crm_config "*" -v "*) echo "crm_attribute: refused by the test" >&2; exit 1 ;;
esac
exec /usr/sbin/crm_attribute "$@"
EOF
    chmod +x "$NOCIB/cibadmin" "$NOCIB/crm_attribute"
    export NOCIB
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

@test "a writer record that does not reach the CIB fails the promotion, read-only again" {
    local epoch
    epoch=$(agent_cib epoch)
    run_agent 0 1 demote
    run_agent 1 2 promote \
        "PATH=$NOCIB:$MMHA_TOP/test/lib/stand-ins:$PATH"
    assert_output --partial "did not reach the CIB; read-only again"
    assert_equal "$(bed_sql 2 "SELECT @@global.read_only")" 1
    assert_equal "$(bed_sql 1 "SELECT @@global.read_only")" 1
    # The cluster's record still names the old writer and its epoch.
    assert_equal "$(agent_cib epoch)" "$epoch"
    run -0 agent_cib writer
    assert_output --partial "node=n1 "
    # A direct write is refused there.
    run bed_app_sql 2 "CREATE TABLE test.refused (id INT)"
    assert_failure
    assert_output --partial "read-only"
}

@test "the next promotion, with the CIB back, records it and takes writes" {
    local epoch
    epoch=$(agent_cib epoch)
    run_agent 0 2 promote
    assert_equal "$(agent_cib epoch)" "$((epoch + 1))"
    run -0 agent_cib writer
    assert_output --partial "node=n2 epoch=$((epoch + 1)) "
    agent_notify 1 post promote n2
    run -0 bed_app_sql 2 "CREATE TABLE test.taken (id INT PRIMARY KEY)"
    run -0 bed_app_sql 2 "INSERT INTO test.taken VALUES (1)"
    run -0 bed_wait_sql 1 "SELECT COUNT(*) FROM test.taken" 1 10
}
