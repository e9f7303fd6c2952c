#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package as a user gets it: `make deb` builds it, lintian finds
# no error, `dpkg -i` installs it on this machine, ocf-tester passes both
# installed agents, man finds their pages, a 2-node cluster runs the
# example (mysql-mm and the guard clone) on the installed agents and
# helpers, and `dpkg -r` then `dpkg --purge` leave nothing behind.  The
# tests run in order and share the installed package; teardown_file
# removes it whatever happened.

bats_require_minimum_version 1.5.0

setup_file() {
    load ../lib/common
    # shellcheck source=test/lib/package.bash
    load ../lib/package
    pkg_setup_file
}

teardown_file() {
    load ../lib/common
    load ../lib/package
    pkg_teardown_file
}

setup() {
    load ../lib/common
    load ../lib/package
    load_bats_libs
    pkg_load
}

@test "make deb: mmha_<version>_<arch>.deb, built with the hardening flags" {
    [ -r "$PKG_DEB" ] || fail "no $PKG_DEB"
    [[ ${PKG_DEB##*/} == "mmha_${PKG_VERSION}_$(dpkg-architecture -qDEB_HOST_ARCH).deb" ]] ||
        fail "package file named ${PKG_DEB##*/}"
    run -0 dpkg-deb -f "$PKG_DEB" Version
    assert_output "$(cat "$MMHA_TOP/VERSION")"
    run -0 grep -c -- '-D_FORTIFY_SOURCE=2' "$PKG_WORK/deb/build.log"
    run -0 grep -- ' -o build/mmha-readonly ' "$PKG_WORK/deb/build.log"
    assert_output --partial -fstack-protector-strong
    assert_output --partial -Wl,-z,now
}

@test "lintian: no error (warnings listed)" {
    run -0 pkg_lintian
    local w
    w=$(grep -E '^[WIP]: ' <<<"$output" || true)
    [ -z "$w" ] || printf '# lintian: %s\n' "$w" >&3
    refute_line --regexp '^E: '
}

@test "package contents: helpers, agents, their library, man pages, docs, examples" {
    local f
    run -0 dpkg-deb -c "$PKG_DEB"
    for f in ./usr/sbin/mmha-readonly ./usr/sbin/mmha-binlog \
        ./usr/sbin/mmha-lag ./usr/sbin/mmha-guard \
        ./usr/lib/ocf/resource.d/mmha/mysql-mm \
        ./usr/lib/ocf/resource.d/mmha/mmha-guard \
        ./usr/lib/ocf/lib/mmha/mmha-observe.sh \
        ./usr/lib/ocf/lib/mmha/mmha-decide.sh \
        ./usr/lib/ocf/lib/mmha/mmha-decide-actions.sh \
        ./usr/lib/ocf/lib/mmha/mmha-act.sh \
        ./usr/lib/ocf/lib/mmha/mmha-act-promote.sh \
        ./usr/lib/ocf/lib/mmha/mmha-act-follow.sh \
        ./usr/lib/ocf/lib/mmha/mmha-validate.sh \
        ./usr/share/man/man7/ocf_mmha_mysql-mm.7.gz \
        ./usr/share/man/man7/ocf_mmha_mmha-guard.7.gz \
        ./usr/share/man/man8/mmha-readonly.8.gz \
        ./usr/share/doc/mmha/copyright \
        ./usr/share/doc/mmha/examples/2-node.crm \
        ./usr/share/doc/mmha/examples/3-node.pcs.sh; do
        assert_line --regexp " $f\$"
    done
    # Every tool the tree builds is in the package (make install's list).
    for f in "$MMHA_BUILD_DIR"/mmha*; do
        [ -x "$f" ] && [ -f "$f" ] || continue
        assert_line --regexp " ./usr/sbin/${f##*/}\$"
    done
    # No service: no init script, no unit, no maintainer script starting one.
    refute_line --regexp ' ./(etc/init.d|lib/systemd|usr/lib/systemd)/'
    run -0 dpkg-deb -I "$PKG_DEB"
    refute_output --regexp ' (postinst|preinst|prerm|postrm) '
}

@test "Depends: resource-agents, pacemaker-cli-utils and the libraries it links" {
    run -0 dpkg-deb -f "$PKG_DEB" Depends
    local d
    for d in resource-agents pacemaker-cli-utils libqb libcpg libquorum \
        libcfg libcmap; do
        assert_output --partial "$d"
    done
    # The MySQL client library the helpers link, whichever it is.
    assert_output --regexp 'libmariadb[0-9]|libmysqlclient[0-9]'
}

@test "dpkg -i: installs, every dependency met, no service started" {
    pkg_install
    # shellcheck disable=SC2016 # dpkg-query's format
    run -0 dpkg-query -W -f '${Status} ${Version}' mmha
    assert_output "install ok installed $PKG_VERSION"
    run -0 dpkg -C
    run -0 apt-get check -qq
    # The installed agents carry the version in their meta-data.
    run -0 grep '<resource-agent ' /usr/lib/ocf/resource.d/mmha/mysql-mm
    assert_output --partial "version=\"$PKG_VERSION\""
}

@test "man: the agents' pages as ocf_mmha_<agent>, the helpers' pages" {
    pkg_installed || skip "the package is not installed (previous test)"
    run -0 man -w ocf_mmha_mysql-mm mmha-readonly
    assert_line /usr/share/man/man7/ocf_mmha_mysql-mm.7.gz
    assert_line /usr/share/man/man8/mmha-readonly.8.gz
    run -0 man -w ocf_mmha_mmha-guard
    run -0 man -w 8 mmha-guard
    run -0 env MANWIDTH=80 man -P cat ocf_mmha_mmha-guard
    assert_output --partial "mmha $PKG_VERSION"
    assert_output --partial link_interval
}

@test "--version: every installed helper prints the package version" {
    pkg_installed || skip "the package is not installed (previous test)"
    local b n=0
    for b in $(dpkg -L mmha | grep '^/usr/sbin/.'); do
        run -0 "$b" --version
        assert_output --partial "$PKG_VERSION"
        n=$((n + 1))
    done
    [ "$n" -ge 4 ] || fail "only $n helpers in /usr/sbin"
}

@test "ocf-tester: the installed mysql-mm passes against a real pair" {
    pkg_installed || skip "the package is not installed (previous test)"
    run -0 pkg_ocf_tester_mysql_mm
    assert_output --partial "passed all tests"
    refute_output --partial "* rc="
}

@test "cluster on the installed package: ocf-tester passes mmha-guard, the 2-node example reaches one writer with the guard on every node" {
    pkg_installed || skip "the package is not installed (previous test)"
    pkg_cluster_scenario
}

@test "dpkg -r, then --purge: nothing of the package is left" {
    pkg_installed || skip "the package is not installed (previous test)"
    run -0 pkg_remove
    # shellcheck disable=SC2016 # dpkg-query's format
    run -1 dpkg-query -W -f '${Status}' mmha
    run -0 pkg_compare_state
    assert_output ''
}
