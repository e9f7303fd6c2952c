# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Host network namespaces on a private bridge, for tests that need several
# "hosts" on one machine (MariaDB bed, Pacemaker cluster bed).
#
#   NETNS_DIR=dir netns_setup PREFIX COUNT
#
# creates bridge + COUNT namespaces named PREFIX<id>-<i>, each with eth0 on
# the bridge at <subnet>.<i>/24; the host gets <subnet>.254 on the bridge.
# All names carry a per-run id and are checked free; the subnet is a random
# 10.x.y/24 not seen on the host.  State lives in exported NETNS_* variables
# and in $NETNS_DIR/netns.env, so another shell can source it.

# _netns_load: restore state from the state file when the variables are gone
# (e.g. a bats test after setup_file).
_netns_load() {
    if [ -z "${NETNS_ID:-}" ] && [ -n "${NETNS_DIR:-}" ] &&
        [ -r "$NETNS_DIR/netns.env" ]; then
        # shellcheck disable=SC1091
        . "$NETNS_DIR/netns.env"
    fi
    if [ -z "${NETNS_ID:-}" ]; then
        echo "netns: no namespace set-up (NETNS_DIR=${NETNS_DIR:-unset})" >&2
        return 1
    fi
}

_netns_subnet_free() {
    local net=$1
    # Any address or route of the host inside that /24 means "in use".
    ! ip -4 -o addr show | grep -q " inet ${net//./\\.}\\." &&
        ! ip -4 route show | grep -q "^${net//./\\.}\\."
}

# netns_setup PREFIX COUNT
netns_setup() {
    local prefix=$1 count=$2 i id net
    if [ -z "$prefix" ] || [ -z "$count" ] || [ "$count" -lt 1 ] ||
        [ "$count" -gt 250 ]; then
        echo "usage: netns_setup PREFIX COUNT(1..250)" >&2
        return 2
    fi
    if [ -z "${NETNS_DIR:-}" ]; then
        NETNS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mmha-netns.XXXXXX") || return 1
    fi
    mkdir -p "$NETNS_DIR" || return 1
    export NETNS_DIR

    for _ in 1 2 3 4 5 6 7 8 9 10; do
        id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
        ip link show "mb$id" >/dev/null 2>&1 && continue
        ip netns list | grep -q "^$prefix$id-" && continue
        break
    done
    for _ in $(seq 1 50); do
        net="10.$((64 + RANDOM % 64)).$((RANDOM % 256))"
        _netns_subnet_free "$net" && break
        net=
    done
    if [ -z "$net" ]; then
        echo "netns_setup: no free 10.x.y/24 found" >&2
        return 1
    fi

    NETNS_ID=$id
    NETNS_PREFIX=$prefix
    NETNS_COUNT=$count
    NETNS_SUBNET=$net
    NETNS_BRIDGE=mb$id
    export NETNS_ID NETNS_PREFIX NETNS_COUNT NETNS_SUBNET NETNS_BRIDGE
    # Written first, so a half-done set-up can still be torn down.
    {
        echo "NETNS_DIR=$NETNS_DIR"
        echo "NETNS_ID=$id"
        echo "NETNS_PREFIX=$prefix"
        echo "NETNS_COUNT=$count"
        echo "NETNS_SUBNET=$net"
        echo "NETNS_BRIDGE=mb$id"
        echo "export NETNS_DIR NETNS_ID NETNS_PREFIX NETNS_COUNT NETNS_SUBNET NETNS_BRIDGE"
    } >"$NETNS_DIR/netns.env"

    ip link add "$NETNS_BRIDGE" type bridge || return 1
    ip addr add "$net.254/24" dev "$NETNS_BRIDGE" || return 1
    ip link set "$NETNS_BRIDGE" up || return 1
    for i in $(seq 1 "$count"); do
        local ns host=mv$id$i peer=mp$id$i
        ns=$(netns_name "$i")
        ip netns add "$ns" || return 1
        ip link add "$host" type veth peer name "$peer" || return 1
        ip link set "$peer" netns "$ns" || return 1
        ip link set "$host" master "$NETNS_BRIDGE" up || return 1
        ip -n "$ns" link set "$peer" name eth0 || return 1
        ip -n "$ns" addr add "$net.$i/24" dev eth0 || return 1
        ip -n "$ns" link set eth0 up || return 1
        ip -n "$ns" link set lo up || return 1
        ip -n "$ns" route add default via "$net.254" || return 1
    done
}

netns_name() {
    _netns_load || return 1
    printf '%s%s-%s\n' "$NETNS_PREFIX" "$NETNS_ID" "$1"
}

netns_addr() {
    _netns_load || return 1
    printf '%s.%s\n' "$NETNS_SUBNET" "$1"
}

netns_subnet() {
    _netns_load || return 1
    printf '%s\n' "$NETNS_SUBNET"
}

netns_bridge() {
    _netns_load || return 1
    printf '%s\n' "$NETNS_BRIDGE"
}

# netns_exec i cmd...: run cmd inside namespace i.
netns_exec() {
    local ns
    ns=$(netns_name "$1") || return 1
    shift
    ip netns exec "$ns" "$@"
}

# netns_link_down i / netns_link_up i: cut or heal namespace i's link (its
# host-side veth), i.e. partition that host from everybody else.
netns_link_down() {
    _netns_load || return 1
    ip link set "mv$NETNS_ID$1" down
}

netns_link_up() {
    _netns_load || return 1
    ip link set "mv$NETNS_ID$1" up
}

_netns_del_link() {
    ip link show "$1" >/dev/null 2>&1 || return 0
    ip link delete "$1" 2>/dev/null
    ! ip link show "$1" >/dev/null 2>&1 ||
        { echo "netns_teardown: cannot delete link $1" >&2; return 1; }
}

# netns_teardown: delete the namespaces and the bridge this set-up created
# (deleting a namespace deletes its veth pair).
netns_teardown() {
    _netns_load || return 0
    local i ns rc=0
    for i in $(seq 1 "$NETNS_COUNT"); do
        ns=$(netns_name "$i")
        if ip netns list | grep -q "^$ns\\b"; then
            ip netns delete "$ns" || rc=1
        fi
        # The kernel drops the veth pair with the namespace, not always
        # at once: only a link that outlives our own delete is a failure.
        _netns_del_link "mv$NETNS_ID$i" || rc=1
    done
    _netns_del_link "$NETNS_BRIDGE" || rc=1
    rm -f "$NETNS_DIR/netns.env"
    unset NETNS_ID NETNS_PREFIX NETNS_COUNT NETNS_SUBNET NETNS_BRIDGE
    return "$rc"
}
