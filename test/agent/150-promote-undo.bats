#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A promotion whose step to writable fails after the writer record and the
# epoch file already name this node puts everything back: the server
# read-only, the cluster's writer record and epoch and the node's epoch
# file as they were before it.

load ../lib/agent

setup_file() {
    agent_pair writer
    # Helpers as installed, but mmha-readonly refuses --writable (a server
    # that cannot be made writable: a full disk, a grant taken away).
    NOWRITE=$BATS_FILE_TMPDIR/no-writable
    mkdir -p "$NOWRITE"
    local t
    for t in mmha-binlog mmha-lag; do
        ln -sf "$MMHA_BUILD_DIR/$t" "$NOWRITE/$t"
    done
    cat >"$NOWRITE/mmha-readonly" <<EOF
#!/bin/sh
case " \$* " in
*" --writable "*) echo "mmha-readonly: refused by the test" >&2; exit 1 ;;
esac
exec "$MMHA_BUILD_DIR/mmha-readonly" "\$@"
EOF
    chmod +x "$NOWRITE/mmha-readonly"
    export NOWRITE
}

teardown_file() {
    agent_teardown 2
}

setup() {
    load_bats_libs
}

@test "a promotion that cannot make the server writable leaves records and epoch file as they were" {
    local epoch writer efile
    epoch=$(agent_cib epoch)
    writer=$(agent_cib writer)
    efile=$(agent_dir)/rsctmp-n2/mmha-writer.epoch
    [ -n "$epoch" ] && [ -n "$writer" ] || fail "no records before the test"
    rm -f "$efile"
    run_agent 0 1 demote
    run_agent 1 2 promote "OCF_RESKEY_helper_dir=$NOWRITE"
    assert_output --partial "cannot make the server writable; read-only again"
    assert_equal "$(bed_sql 2 "SELECT @@global.read_only")" 1
    assert_equal "$(bed_sql 1 "SELECT @@global.read_only")" 1
    assert_equal "$(agent_cib epoch)" "$epoch"
    assert_equal "$(agent_cib writer)" "$writer"
    [ ! -e "$efile" ] || fail "epoch file left behind: $(cat "$efile")"
    run bed_app_sql 2 "CREATE TABLE test.refused (id INT)"
    assert_failure
    assert_output --partial "read-only"
}

@test "an epoch file that was there is put back as it was" {
    local efile
    efile=$(agent_dir)/rsctmp-n2/mmha-writer.epoch
    echo 4711 >"$efile"
    run_agent 1 2 promote "OCF_RESKEY_helper_dir=$NOWRITE"
    assert_equal "$(cat "$efile")" 4711
    assert_equal "$(bed_sql 2 "SELECT @@global.read_only")" 1
}

@test "with the helper back, n2 is promoted at the next epoch and takes writes" {
    local epoch
    epoch=$(agent_cib epoch)
    run_agent 0 2 promote
    assert_equal "$(agent_cib epoch)" "$((epoch + 1))"
    assert_equal "$(cat "$(agent_dir)/rsctmp-n2/mmha-writer.epoch")" "$((epoch + 1))"
    run -0 bed_app_sql 2 "CREATE TABLE test.taken (id INT PRIMARY KEY)"
}
