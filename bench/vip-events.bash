# bench/vip-events.bash: when a VIP left one bed node and came up on
# another, from the kernel's own address events (`ip -ts monitor address`
# in each node's network namespace: no polling beside what is measured).
# Sourced by bench/chain-floor and bench/failover, after cluster.bash.

VIP_EVENTS_PIDS=()

# vip_watch_start DIR i...: watch nodes i... into DIR/addr-i.log (only
# -n: nsenter execs ip, so the PID kept is ip's own).
vip_watch_start() {
    local dir=$1 i
    shift
    for i in "$@"; do
        nsenter -t "$(_cluster_init_pid "$i")" -n -- ip -ts monitor address \
            >"$dir/addr-$i.log" 2>/dev/null &
        VIP_EVENTS_PIDS+=("$!")
    done
}

vip_watch_stop() {
    [ "${#VIP_EVENTS_PIDS[@]}" -gt 0 ] && kill "${VIP_EVENTS_PIDS[@]}" 2>/dev/null
    VIP_EVENTS_PIDS=()
    return 0
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
