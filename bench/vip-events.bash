# SPDX-License-Identifier: GPL-2.0-or-later
# bench/vip-events.bash: when a VIP left one bed node and came up on
# another, from the kernel's own address events (`ip -ts monitor address`
# in each node's network namespace: no polling beside what is measured).
# Sourced by bench/chain-floor and bench/failover, after cluster.bash.

# vip_watch_start DIR i...: watch nodes i... into DIR/addr-i.log.  Only -n:
# nsenter execs ip, so the PID kept is ip's own; kept in DIR/watch.pids,
# not in a variable, so that a watch started in a subshell (bench/failover
# runs each run in one) is still stopped from the parent.
vip_watch_start() {
    local dir=$1 i
    shift
    for i in "$@"; do
        nsenter -t "$(_cluster_init_pid "$i")" -n -- ip -ts monitor address \
            >"$dir/addr-$i.log" 2>/dev/null &
        echo "$!" >>"$dir/watch.pids"
    done
}

# vip_watch_stop DIR: end the watches vip_watch_start DIR started.
vip_watch_stop() {
    local p
    [ -r "$1/watch.pids" ] || return 0
    while read -r p; do
        kill "$p" 2>/dev/null
    done <"$1/watch.pids"
    rm -f "$1/watch.pids"
}

# vip_events DIR T0_MS OLD NEW VIP: "REMOVED UP WINDOW", ms after T0: the
# first removal of VIP from node OLD and the first addition on node NEW
# after T0, and the time between (clients of the VIP wait through it).
vip_events() {
    python3 - "$@" <<'PY'
import datetime, re, sys
work, t0, old, new, vip = sys.argv[1], int(sys.argv[2]) / 1000, *sys.argv[3:]
def first(node, deleted):
    try:
        lines = open('%s/addr-%s.log' % (work, node)).readlines()
    except OSError:
        return None
    for line in lines:
        m = re.match(r'\[([\d\-T:.]+)\] (Deleted )?.*inet %s/' % re.escape(vip), line)
        if not m or bool(m.group(2)) != deleted:
            continue
        t = datetime.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S.%f').timestamp()
        if t >= t0:
            return (t - t0) * 1000
    return None
gone, up = first(old, True), first(new, False)
if gone is None or up is None:
    sys.exit(1)
print('%d %d %d' % (gone, up, up - gone))
PY
}
