#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha import-mmm without a cluster: what it prints for the three MMM
# configurations of test/cli/fixtures, that no password reaches its
# output, and that unknown or malformed MMM syntax is answered with the
# file, the line number and a clear error.

bats_require_minimum_version 1.5.0

setup() {
    load ../lib/common
    load_bats_libs
    FIX=$MMHA_TOP/test/cli/fixtures
}

# bad TEXT: an MMM file holding TEXT (after a valid first line).
bad() {
    printf 'active_master_role writer\n%s\n' "$1" >"$BATS_TEST_TMPDIR/bad.conf"
    echo "$BATS_TEST_TMPDIR/bad.conf"
}

@test "import-mmm: two masters, a slave, include: crm and pcs, no password" {
    local f
    for f in two-masters/mmm_common.conf with-slave/mmm_common.conf \
        include/mmm_mon.conf; do
        run -0 mmha import-mmm "$FIX/$f"
        assert_line --regexp '^primitive mysql ocf:mmha:mysql-mm '
        assert_line 'colocation vip-writer-on-promoted inf: vip-writer ms-mysql:Promoted'
        assert_line --partial 'params ip=192.0.2.11'
        refute_output --partial secret
        run -0 mmha import-mmm --pcs "$FIX/$f"
        assert_line --partial 'pcs cluster cib-push'
        refute_output --partial secret
        run -0 shellcheck -s sh - <<<"$output"
    done
    run -0 mmha import-mmm "$FIX/two-masters/mmm_common.conf"
    refute_line --partial 'vip-reader3'
    assert_line 'colocation vip-reader2-apart-1 -1000: vip-reader2 vip-reader1'
    assert_output --partial 'host default pid_path: no agent daemon'
    run -0 mmha import-mmm "$FIX/with-slave/mmm_common.conf"
    assert_line '    rule role=Promoted -inf: #uname eq db3'
    assert_output --partial 'host default monitor_user'
    run -0 mmha import-mmm "$FIX/include/mmm_mon.conf"
    assert_line '    rule role=Promoted -inf: #uname eq db3'
    assert_output --partial 'monitor ping_ips'
    assert_output --partial 'mmm_common.conf line 7'
}

@test "import-mmm --output: option files 0600 aside, the configuration without passwords" {
    local out=$BATS_TEST_TMPDIR/mmha.crm
    run -0 mmha import-mmm "$FIX/with-slave/mmm_common.conf" --output "$out"
    run -0 stat -c %a "$out.mmha.cnf" "$out.mmha-repl.cnf"
    assert_output $'600\n600'
    run -0 cat "$out.mmha-repl.cnf"
    assert_output $'[client]\nuser=replication\npassword=repl-secret-3'
    run -0 cat "$out"
    refute_output --partial secret
    assert_output --partial "written to $out.mmha.cnf (0600)"
}

@test "import-mmm: malformed or unknown syntax names the file and line" {
    local f
    f=$(bad '<host db1>
    ip 192.0.2.1
    mode master
    colour blue
</host>')
    run -65 mmha import-mmm "$f"
    assert_output "mmha: $f:5: unknown option 'colour' in <host db1>"
    f=$(bad '<hots db1>
</hots>')
    run -65 mmha import-mmm "$f"
    assert_output --partial "$f:2: unknown section <hots>"
    f=$(bad '<host db1>
    mode master')
    run -65 mmha import-mmm "$f"
    assert_output "mmha: $f:2: <host db1> is never closed"
    f=$(bad '</role>')
    run -65 mmha import-mmm "$f"
    assert_output "mmha: $f:2: </role> closes nothing open"
    f=$(bad '<host db1>
    mode primary
</host>')
    run -65 mmha import-mmm "$f"
    assert_output "mmha: $f:3: mode 'primary': a host is master or slave"
    f=$(bad '<host db1
</host>')
    run -65 mmha import-mmm "$f"
    assert_output --partial "$f:2: '<host db1': a section line is <type name>"
    f=$(bad 'include nowhere.conf')
    run -66 mmha import-mmm "$f"
    assert_output --partial "nowhere.conf: No such file or directory"
    run -64 mmha import-mmm
}
