# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The Debian package on this machine, for test/package: built with
# `make deb` into the bats file's directory, installed with dpkg -i,
# removed and purged again, with the state of every path it ships
# recorded before so that "nothing left behind" can be checked.
#
#   pkg_setup_file / pkg_teardown_file / pkg_load
#   pkg_install / pkg_installed / pkg_remove / pkg_compare_state
#   pkg_lintian / pkg_ocf_tester_mysql_mm / pkg_cluster_scenario
#
# The bed's cluster nodes bind their own copies over the OCF directories
# the package owns (test/lib/cluster-mm.bash); since Linux 3.18 removing a
# directory that is a mount point in another mount namespace detaches
# that mount, so a directory that existed before the install, or that
# another namespace uses, is kept through the removal (a placeholder file
# makes dpkg leave it) and is then as it was.

_pkg_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Directories the cluster bed may use as mount points.
PKG_SHARED_DIRS="/usr/lib/ocf/resource.d/mmha /usr/lib/ocf/lib/mmha"
PKG_KEEP=.mmha-package-test-keep

_pkg_err() {
    printf 'package: %s\n' "$*" >&2
}

_pkg_note() {
    { printf '# %s\n' "$*" >&3; } 2>/dev/null || printf '# %s\n' "$*" >&2
}

pkg_load() {
    # shellcheck disable=SC1091
    . "$BATS_FILE_TMPDIR/pkg.env"
}

# pkg_installed: dpkg has mmha installed.
pkg_installed() {
    [ "$(dpkg-query -W -f '${Status}' mmha 2>/dev/null)" = \
        "install ok installed" ]
}

# _pkg_paths: every path the package ships, without the leading "." and
# the trailing "/", one a line.
_pkg_paths() {
    dpkg-deb -c "$PKG_DEB" | awk '{ print $6 }' | sed -e 's|^\./|/|' \
        -e 's|/$||' | grep -v '^$' | sort -u
}

# _pkg_state: "PATH present|absent" for every shipped path, then dpkg's
# own records of the package.
_pkg_state() {
    local p
    while read -r p; do
        if [ -e "$p" ] || [ -L "$p" ]; then
            echo "$p present"
        else
            echo "$p absent"
        fi
    done < <(_pkg_paths)
    for p in /var/lib/dpkg/info/mmha.*; do
        [ -e "$p" ] && echo "$p present"
    done
    return 0
}

pkg_setup_file() {
    local out
    if dpkg-query -W -f '${Status}' mmha 2>/dev/null | grep -q installed; then
        _pkg_err "mmha is already installed here: this suite installs and purges it; remove it first"
        return 1
    fi
    PKG_WORK=$BATS_FILE_TMPDIR/pkg
    mkdir -p "$PKG_WORK"
    out=$(make -s -C "$MMHA_TOP" deb BUILD="$PKG_WORK" 2>&1) || {
        _pkg_err "make deb failed: $out"
        return 1
    }
    PKG_DEB=$(tail -n 1 <<<"$out")
    PKG_VERSION=$(dpkg-deb -f "$PKG_DEB" Version) || return 1
    cat >"$BATS_FILE_TMPDIR/pkg.env" <<EOF
PKG_WORK=$PKG_WORK
PKG_DEB=$PKG_DEB
PKG_VERSION=$PKG_VERSION
EOF
    _pkg_state >"$PKG_WORK/state.before"
}

pkg_teardown_file() {
    pkg_load || return 0
    if [ -n "${CLUSTER_DIR:-}" ] || [ -r "$PKG_WORK/cluster.dir" ]; then
        # shellcheck source=test/lib/cluster-mm.bash
        . "$_pkg_lib_dir/cluster-mm.bash"
        CLUSTER_DIR=$(cat "$PKG_WORK/cluster.dir" 2>/dev/null) mm_stop
    fi
    if dpkg-query -W -f '${Status}' mmha 2>/dev/null | grep -q installed; then
        pkg_remove >&2 || _pkg_err "removal failed"
    fi
    if [ -r "$BATS_FILE_TMPDIR/mmha-cluster-runs" ]; then
        . "$_pkg_lib_dir/cluster.bash"
        cluster_leak_check
    fi
}

# _pkg_dpkg ARGS...: dpkg, waiting (up to 600 s) while another dpkg or
# apt of this machine holds its lock.
_pkg_dpkg() {
    local t out rc
    for ((t = 0; t < 600; t += 2)); do
        rc=0
        out=$(DEBIAN_FRONTEND=noninteractive dpkg "$@" 2>&1) || rc=$?
        if [ "$rc" -ne 0 ] && grep -qi 'lock' <<<"$out" &&
            grep -qi 'held\|locked\|unable to' <<<"$out"; then
            sleep 2
            continue
        fi
        printf '%s\n' "$out"
        return "$rc"
    done
    printf '%s\n' "$out"
    return 1
}

pkg_install() {
    _pkg_dpkg -i "$PKG_DEB"
}

# _pkg_in_use DIR: a process of this machine has a mount on DIR.
_pkg_in_use() {
    grep -qsF " $1 " /proc/[0-9]*/mountinfo
}

# pkg_remove: dpkg -r, then dpkg --purge, keeping the shared directories
# that existed before or that another namespace mounts on (see above).
pkg_remove() {
    local d kept=() rc=0
    for d in $PKG_SHARED_DIRS; do
        if grep -qxF "$d present" "$PKG_WORK/state.before" ||
            _pkg_in_use "$d"; then
            [ -d "$d" ] && : >"$d/$PKG_KEEP" && kept+=("$d")
        fi
    done
    _pkg_dpkg -r mmha || rc=1
    _pkg_dpkg --purge mmha || rc=1
    for d in "${kept[@]}"; do
        rm -f "$d/$PKG_KEEP"
        # Absent before and no longer in use: dpkg would have removed it.
        if ! grep -qxF "$d present" "$PKG_WORK/state.before" &&
            ! _pkg_in_use "$d"; then
            rmdir "$d" 2>/dev/null
        fi
    done
    return "$rc"
}

# pkg_compare_state: the differences between the state before the
# install and now (empty: nothing left, nothing taken).
pkg_compare_state() {
    diff "$PKG_WORK/state.before" <(_pkg_state) | grep '^[<>]' || true
}

# pkg_lintian: lintian on the build's .changes (the .deb and its
# .buildinfo), every tag shown; exits non-zero on an error.
pkg_lintian() {
    local changes
    changes=$(ls "$PKG_WORK"/deb/mmha_*.changes) || return 1
    lintian --info --display-info --pedantic "$changes" 2>&1
}

# pkg_ocf_tester_mysql_mm: ocf-tester on the installed mysql-mm with the
# installed helpers, against a pair of bed servers (test/lib/agent.bash).
pkg_ocf_tester_mysql_mm() (
    # shellcheck source=test/lib/agent.bash
    . "$_pkg_lib_dir/agent.bash"
    MMHA_AGENT=/usr/lib/ocf/resource.d/mmha/mysql-mm
    MMHA_BUILD_DIR=/usr/sbin
    trap 'agent_teardown 2 >&2' EXIT
    # shellcheck disable=SC2119 # a pair, nothing started
    agent_pair >&2 || exit 1
    agent_ocf_tester 1
)

# pkg_cluster_scenario: a 2-node cluster whose nodes see the host's
# installed agents and helpers (no staged copy), configured from the
# installed example 2-node.crm: ocf-tester on the installed mmha-guard
# inside node 1 (it needs corosync), one writer, the guard clone started
# on both nodes and each guard quorate in a group of two, replication.
pkg_cluster_scenario() {
    # shellcheck source=test/lib/cluster-mm.bash
    . "$_pkg_lib_dir/cluster-mm.bash"
    local n out
    mm_start -n 2 --installed \
        --example /usr/share/doc/mmha/examples/2-node.crm || return 1
    echo "$CLUSTER_DIR" >"$PKG_WORK/cluster.dir"
    for n in 1 2; do
        # The helper the node's daemons (PATH of its init) find.
        # shellcheck disable=SC2016 # expanded inside the node
        out=$(cluster_exec "$n" sh -c 'PATH=$(tr "\0" "\n" </proc/1/environ |
            sed -n "s/^PATH=//p"); command -v mmha-readonly') || return 1
        [ "$out" = /usr/sbin/mmha-readonly ] ||
            fail "node$n runs $out, not the installed helper"
        cluster_exec "$n" grep -q "version=\"$PKG_VERSION\"" \
            /usr/lib/ocf/resource.d/mmha/mysql-mm ||
            fail "node$n does not run the installed agent"
    done
    mm_writer >/dev/null || fail "no single writer"
    mm_check_replication 5 || fail "replication"
    # The guard through its OCF agent, one per node, in one group.
    mm_assert_guards
    # ocf-tester runs its own instance (its own group, pid and status
    # files) beside the clone's.
    out=$(cluster_exec 1 sh -c 'cd /usr/share/resource-agents &&
        timeout --kill-after=5 180 ocf-tester -n guardtest \
            -o defaults_file=/etc/mysql/mmha.cnf -o group=mmha-ocf-tester \
            /usr/lib/ocf/resource.d/mmha/mmha-guard' 2>&1) || {
        printf '%s\n' "$out" >&2
        fail "ocf-tester failed on the installed mmha-guard"
    }
    printf '%s\n' "$out" | sed 's/^/# /'
    grep -q 'passed all tests' <<<"$out" || fail "ocf-tester: $out"
    mm_guards_running || fail "the clone's guards suffered from ocf-tester's"
    mm_stop
    rm -f "$PKG_WORK/cluster.dir"
}
