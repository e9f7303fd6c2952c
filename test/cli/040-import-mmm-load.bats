#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha import-mmm's output loaded into the bed's cluster as printed: the
# three MMM configurations of test/cli/fixtures, with only the addresses
# substituted (the MMM hosts db1..db3 are the bed's node1..node3 and
# 192.0.2.x its subnet; the option-file paths printed are the bed's
# own). Each reaches one writer and reader addresses spread one per node.

bats_require_minimum_version 1.5.0

# shellcheck disable=SC2034 # read by cluster-suite.bash
MM_SUITE_ARGS=(-n 3 --no-config)
load ../lib/cluster-suite
load cli

# import_load FIXTURE: copy the fixture's directory with the bed's
# addresses, import it, load the output unchanged, wait until settled.
import_load() {
    local src dst out n
    src=$MMHA_TOP/test/cli/fixtures/$(dirname "$1")
    dst=$(_mm_dir)/mmm-$(dirname "$1")
    out=$dst/mmha.crm
    mkdir -p "$dst"
    for f in "$src"/*.conf; do
        sed -e "s/\\bdb\\([0-9]\\)\\b/node\\1/g" \
            -e "s/\\b192\\.0\\.2\\./$(cluster_subnet)./g" "$f" \
            >"$dst/$(basename "$f")"
    done
    mmha import-mmm "$dst/$(basename "$1")" --output "$out"
    ! grep -q secret "$out"
    cluster_exec 1 crm -w configure load update "$out"
    n=$(grep -c '^primitive vip-reader' "$out")
    sed -i "s/^MM_READERS=.*/MM_READERS=$n/" "$(_mm_dir)/mm.env"
    mm_wait_settled 120
}

# balanced N: the reader addresses on N different nodes.
balanced() {
    local v nodes=''
    _mm_load
    for ((v = 1; v <= MM_READERS; v++)); do
        nodes+="$(mm_vip_started "reader$v")"$'\n'
    done
    [ "$(sort -u <<<"$nodes" | grep -c .)" = "$1" ]
}

@test "import-mmm: the two-master configuration runs in the bed" {
    import_load two-masters/mmm_common.conf
    local w o
    run -0 mm_writer
    assert_output --regexp '^[12]$'
    w=$output
    o=$((3 - w))
    wait_until 60 "balanced 2"
    # Writes through the writer address reach the other master.
    mm_wait_reader "$o" 60
    mm_app_sql "$(mm_vip writer)" "CREATE TABLE test.imported (id INT PRIMARY KEY); INSERT INTO test.imported VALUES (1)"
    wait_until 10 "[ \"\$(mm_sql $o 'SELECT COUNT(*) FROM test.imported' 2>/dev/null)\" = 1 ]"
    # node3 is no MMM host: nothing runs there.
    run -0 cluster_exec 1 crm_mon -1
    refute_output --regexp 'Unpromoted: \[ .*node3'
}

@test "import-mmm: with a slave host (a read replica), then with include" {
    local w
    import_load with-slave/mmm_common.conf
    w=$(mm_writer)
    [ "$w" != 3 ]
    wait_until 90 "balanced 3"
    mm_check_replication 10
    run -75 mmha_on 1 switchover --to node3
    assert_output --partial "never promoted"
    import_load include/mmm_mon.conf
    wait_until 90 "balanced 3"
    run -0 mmha_on 1 status --format json
    [ "$(js .writer)" = "node$(mm_writer)" ]
    [ "$(jnode node3 candidate)" = false ]
}
