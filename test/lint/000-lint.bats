#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Static checks, one test per tool, so a lint failure shows in the summary.

load ../lib/common

setup() {
    load_bats_libs
    cd "$MMHA_TOP" || return 1
}

@test "shellcheck: every shell file is clean" {
    run sh mk/lint.sh shell
    assert_success
}

@test "clang-format: every C file is formatted" {
    run sh mk/lint.sh format
    assert_success
}

@test "cppcheck: no warnings in the C sources" {
    run sh mk/lint.sh cppcheck
    assert_success
}

@test "build: helpers compile with -Werror (normal and sanitizer builds)" {
    run -0 make -s all
    run -0 make -s sanitize
}

# assert_every_cc LOG WORD...: there are compile lines in LOG (make's
# echo of each command) and each has every WORD as a word of its own.
assert_every_cc() {
    local log=$1 line w n=0
    shift
    while read -r line; do
        n=$((n + 1))
        for w in "$@"; do
            [[ " $line " == *" $w "* ]] || fail "no '$w' in: $line"
        done
    done < <(grep "^${CC:-cc} " "$log")
    [ "$n" -gt 0 ] || fail "no compile line in $log"
}

# assert_every_link LOG WORD...: the same for the link lines only.
assert_every_link() {
    local log=$1
    shift
    grep "^${CC:-cc} " "$log" | grep -v ' -c ' >"$log.link"
    assert_every_cc "$log.link" "$@"
}

@test "build: CPPFLAGS, CFLAGS and LDFLAGS from make's command line reach every compile" {
    local b=$BATS_TEST_TMPDIR/build log=$BATS_TEST_TMPDIR/build.log
    run -0 make BUILD="$b" CPPFLAGS=-D_FORTIFY_SOURCE=2 \
        CFLAGS="-O2 -g -fstack-protector-strong" \
        LDFLAGS="-Wl,-z,relro -Wl,-z,now" tools units
    printf '%s\n' "$output" >"$log"
    assert_every_cc "$log" -D_FORTIFY_SOURCE=2 -O2 -g \
        -fstack-protector-strong -Werror -Wall -Wextra \
        "-DMMHA_VERSION=\\\"$(cat VERSION)\\\""
    # Every link line (the tools and the unit binaries) has LDFLAGS.
    assert_every_link "$log" -Wl,-z,relro -Wl,-z,now
    # ... and the binaries really are hardened (BIND_NOW, canary).
    run -0 readelf -d "$b/mmha-readonly"
    assert_output --regexp 'FLAGS.*BIND_NOW'
    run -0 nm -D "$b/mmha-readonly"
    assert_output --partial __stack_chk_fail
}

@test "build: CPPFLAGS, CFLAGS and LDFLAGS from the environment are honoured too" {
    run -0 env CPPFLAGS=-DMMHA_ENV_CPP CFLAGS="-O1 -DMMHA_ENV_C" \
        LDFLAGS=-DMMHA_ENV_LD make -n -B BUILD="$BATS_TEST_TMPDIR/b" tools
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/dry.log"
    assert_every_cc "$BATS_TEST_TMPDIR/dry.log" -DMMHA_ENV_CPP -O1 -DMMHA_ENV_C
    assert_every_link "$BATS_TEST_TMPDIR/dry.log" -DMMHA_ENV_LD
}

@test "version: one VERSION; agents carry the placeholder make install replaces" {
    local v a
    v=$(cat VERSION)
    [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "VERSION '$v' is not N.N.N"
    run -0 dpkg-parsechangelog -l debian/changelog -S Version
    assert_output "$v"
    for a in agents/mmha-guard agents/mysql-mm; do
        run -0 grep -c 'version="@MMHA_VERSION@"' "$a"
        assert_output 1
    done
    run -0 make -s install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr
    for a in mmha-guard mysql-mm; do
        run -0 grep '<resource-agent ' \
            "$BATS_TEST_TMPDIR/root/usr/lib/ocf/resource.d/mmha/$a"
        assert_output "<resource-agent name=\"$a\" version=\"$v\">"
    done
    # The agents' man pages carry it too, under the names man(1) finds.
    for a in mmha-guard mysql-mm; do
        run -0 grep "^\\.TH " \
            "$BATS_TEST_TMPDIR/root/usr/share/man/man7/ocf_mmha_$a.7"
        assert_output --partial "\"mmha $v\""
    done
}

@test "docs/mmha-guard.7 is the page generated from the agent's meta-data, which validates" {
    run -0 sh mk/agent-man.sh agents/mmha-guard
    diff <(grep -v '^\.TH' <<<"$output") <(grep -v '^\.TH' docs/mmha-guard.7) ||
        fail "docs/mmha-guard.7 is stale: make docs/mmha-guard.7"
    # The DTD check ocf-tester makes (it runs from the DTD's directory).
    (cd /usr/share/resource-agents &&
        OCF_ROOT=/usr/lib/ocf "$MMHA_TOP/agents/mmha-guard" meta-data |
        xmllint --noout --valid -) || fail "meta-data fails ra-api-1.dtd"
    local rng=/usr/share/pcs/data/ocf-1.1.rng
    if [ -r "$rng" ]; then
        OCF_ROOT=/usr/lib/ocf agents/mmha-guard meta-data >"$BATS_TEST_TMPDIR/md.xml"
        run -0 xmllint --noout --relaxng "$rng" "$BATS_TEST_TMPDIR/md.xml"
    fi
}

@test "epoch file: mysql-mm and mmha-guard default to the same one; examples set it on both or neither" {
    local a b f
    a=$(grep '^OCF_RESKEY_epoch_file_default=' agents/mysql-mm)
    b=$(grep '^OCF_RESKEY_epoch_file_default=' agents/mmha-guard)
    [ -n "$a" ] && [ "$a" = "$b" ] || fail "defaults differ: '$a' / '$b'"
    for f in crm-examples/*.crm crm-examples/*.pcs.sh; do
        run -0 grep -c 'ocf:mmha:mmha-guard' "$f"
        run grep -c 'epoch_file=' "$f"
        [ "$output" = 0 ] || [ "$output" = 2 ] ||
            fail "$f sets epoch_file $output time(s): on both agents or neither"
    done
    # The guard's page shows the Pacemaker clone without a private file.
    run -0 sed -n '/^Under Pacemaker/,/^\.Ed/p' docs/mmha-guard.8
    refute_output --partial 'epoch_file='
    assert_output --partial 'ocf:mmha:mmha-guard'
}
