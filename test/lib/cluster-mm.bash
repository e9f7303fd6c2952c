# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# mysql-mm on the cluster bed: a real Pacemaker cluster (cluster.bash) whose
# nodes each run a mariadbd managed by ocf:mmha:mysql-mm, configured from a
# crm-examples/ file loaded as it is (only the example addresses replaced).
#
#   mm_start [-n 2|3] [--fencing on|off] [--pcs] [--example FILE]
#            [--no-config] [--quorum-node] [--installed]
#   mm_writer / mm_vip writer|reader1.. / mm_sql i SQL / mm_app_sql ADDR SQL
#   mm_client_start NAME [-n i] [writer-client args]... / mm_client_stop NAME
#   mm_rocheck_start / mm_rocheck_stop
#   mm_check_replication [SECONDS]
#   mm_stop
#
# Every node sees the same paths, as on a real cluster, through private
# binds in its mount namespace (cluster-node-init reads nodes/nodeI/binds
# at every boot): /etc/mysql (its my.cnf and option files),
# /var/lib/mysql (its datadir, copied from the bed's template), and a
# snapshot of this tree's agents and helpers taken at mm_start over
# /usr/lib/ocf/resource.d/mmha, /usr/lib/ocf/lib/mmha and /usr/local/sbin
# (with --installed: none, the nodes run the mmha package installed on
# the host, as real nodes do).
# The host only gets the two empty OCF directories as mount points
# (created once, idempotently); nothing is installed on it.

_mm_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib/cluster.bash
. "$_mm_lib_dir/cluster.bash"
# shellcheck source=test/lib/bed.bash
. "$_mm_lib_dir/bed.bash"

MM_TOP=$(cd "$_mm_lib_dir/../.." && pwd)
MM_PY=/usr/bin/python3
# The documentation addresses the examples use; replaced by the bed's.
MM_EXAMPLE_NET=192.0.2
: "${MM_CONFIG_TIMEOUT:=90}"

_mm_note() {
    { printf '# %s\n' "$*" >&3; } 2>/dev/null || printf '# %s\n' "$*" >&2
}

_mm_err() {
    printf 'cluster-mm: %s\n' "$*" >&2
}

_mm_dir() {
    printf '%s/mm\n' "$CLUSTER_DIR"
}

_mm_load() {
    _cluster_load || return 1
    # shellcheck disable=SC1091
    . "$(_mm_dir)/mm.env"
}

# ---- preparation ---------------------------------------------------------

# _mm_stage: snapshot agents and helpers for this run (other developers
# may rebuild the tree while it runs).
_mm_stage() {
    local st a
    st=$(_mm_dir)/stage
    mkdir -p "$st/ocf" "$st/ocf-lib" "$st/sbin" || return 1
    for a in "$MM_TOP"/agents/*; do
        [ -f "$a" ] && install -m 0755 "$a" "$st/ocf/"
    done
    if compgen -G "$MM_TOP/agents/lib/*.sh" >/dev/null; then
        install -m 0644 "$MM_TOP"/agents/lib/*.sh "$st/ocf-lib/"
    fi
    for a in "$MM_TOP"/build/mmha-*; do
        [ -f "$a" ] && [ -x "$a" ] && install -m 0755 "$a" "$st/sbin/"
    done
    # MM_STAGE_HOOK: a script run on the snapshot (its directory as $1),
    # to try a patched agent without touching the tree.
    if [ -n "${MM_STAGE_HOOK:-}" ]; then
        "$MM_STAGE_HOOK" "$st" || return 1
    fi
    # Mount points on the host, empty unless mmha is installed there
    # (a node's bind hides the installed copy from that node only).
    install -d /usr/lib/ocf/resource.d/mmha /usr/lib/ocf/lib/mmha \
        /usr/local/sbin
}

_mm_password() {
    head -c 24 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-24
}

# _mm_write_cnf FILE USER PASSWORD [HOST [PORT]]: a 0600 client option file.
_mm_write_cnf() {
    (
        umask 077
        {
            printf '[client]\nuser=%s\npassword=%s\n' "$2" "$3"
            if [ -n "${4:-}" ]; then
                printf 'host=%s\nport=%s\nprotocol=tcp\n' "$4" "${5:-3306}"
            fi
        } >"$1"
    )
}

# _mm_node_files i: node i's /etc/mysql and datadir.
_mm_node_files() {
    local i=$1 base etc data addr tpl
    base=$(cluster_datadir_base "$i") || return 1
    etc=$base/etc-mysql data=$base/mysql
    addr=$(cluster_addr "$i")
    tpl=$(_bed_template) || return 1
    install -d -m 0755 "$etc" "$etc/conf.d" || return 1
    rm -rf "$data"
    cp -a "$tpl/data" "$data" || return 1
    chown -R mysql:mysql "$data"
    cat >"$etc/my.cnf" <<EOF
# my.cnf of bed node$i (test/lib/cluster-mm.bash): the same file on every
# node but for server-id, gtid-domain-id, auto-increment-offset and
# report-host, as on a real cluster.
[client]
socket=/run/mysqld/mysqld.sock

[mariadbd]
user=mysql
socket=/run/mysqld/mysqld.sock
datadir=/var/lib/mysql
pid-file=/run/mysqld/mysqld.pid
log-error=/var/lib/mysql/error.log
port=3306
bind-address=0.0.0.0
report-host=$addr
server-id=$i
gtid-domain-id=$i
log-bin=${MM_BINLOG_FS:+/var/lib/mysql-binlog/}mariadb-bin
relay-log=relay-bin
log-slave-updates
binlog-format=ROW
auto-increment-increment=$CLUSTER_N
auto-increment-offset=$i
# A server restarted by anyone comes up read-only; the agent decides.
read-only=1
skip-slave-start
skip-name-resolve
performance-schema=0
innodb-buffer-pool-size=32M
innodb-log-file-size=16M
innodb-flush-log-at-trx-commit=2
sync-binlog=0
EOF
    chmod 0644 "$etc/my.cnf"
    if [ -e "$MM_PLUGIN_DIR/metadata_lock_info.so" ]; then
        echo "plugin-load-add=metadata_lock_info.so" >>"$etc/my.cnf"
    fi
    _mm_write_cnf "$etc/mmha.cnf" mmha "$MM_ADMIN_PW" || return 1
    printf 'socket=/run/mysqld/mysqld.sock\n' >>"$etc/mmha.cnf"
    _mm_write_cnf "$etc/mmha-repl.cnf" repl "$MM_REPL_PW" || return 1
    _mm_bootstrap_users "$data" || return 1
    {
        printf '%s /etc/mysql\n' "$etc"
        printf '%s /var/lib/mysql\n' "$data"
        if [ -n "${MM_BINLOG_FS:-}" ]; then
            printf '%s/node%s /var/lib/mysql-binlog\n' "$MM_BINLOG_FS" "$i"
        fi
        if [ "${MM_INSTALLED:-0}" != 1 ]; then
            printf '%s/stage/ocf /usr/lib/ocf/resource.d/mmha\n' "$(_mm_dir)"
            printf '%s/stage/ocf-lib /usr/lib/ocf/lib/mmha\n' "$(_mm_dir)"
            printf '%s/stage/sbin /usr/local/sbin\n' "$(_mm_dir)"
        fi
    } >"$(_cluster_ndir "$i")/binds"
}

# _mm_bootstrap_users DATADIR: users and the test database, written with
# the server in bootstrap mode (one statement a line, no binary log).
_mm_bootstrap_users() {
    local h sql="FLUSH PRIVILEGES;"$'\n'
    for h in localhost %; do
        sql+="CREATE USER 'mmha'@'$h' IDENTIFIED BY '$MM_ADMIN_PW';"$'\n'
        sql+="GRANT ALL PRIVILEGES ON *.* TO 'mmha'@'$h' WITH GRANT OPTION;"$'\n'
        sql+="CREATE USER 'repl'@'$h' IDENTIFIED BY '$MM_REPL_PW';"$'\n'
        if [ "${MM_STOCK:-0}" = 1 ]; then
            # The stock agent runs its local SQL as the replication user.
            sql+="GRANT ALL PRIVILEGES ON *.* TO 'repl'@'$h';"$'\n'
        else
            sql+="GRANT REPLICATION SLAVE, REPLICATION CLIENT, SLAVE MONITOR ON *.* TO 'repl'@'$h';"$'\n'
        fi
        sql+="CREATE USER 'app'@'$h' IDENTIFIED BY '$MM_APP_PW';"$'\n'
        sql+="GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER ON test.* TO 'app'@'$h';"$'\n'
    done
    sql+="CREATE DATABASE test;"$'\n'
    printf '%s' "$sql" | "$BED_MARIADBD" --no-defaults --user=mysql \
        --datadir="$1" --bootstrap --innodb-buffer-pool-size=32M \
        --innodb-log-file-size=16M --log-error="$1/bootstrap.log" \
        2>>"$1/bootstrap.log" || {
        _mm_err "bootstrap of $1 failed:"
        tail -5 "$1/bootstrap.log" >&2
        return 1
    }
}

# _mm_bind_now i: apply node i's binds in its running mount namespace
# (a node booted before the binds file existed).
_mm_bind_now() {
    local i=$1 src dst
    while read -r src dst; do
        cluster_exec "$i" mount --bind "$src" "$dst" || return 1
    done <"$(_cluster_ndir "$i")/binds"
}

# ---- configuration -------------------------------------------------------

# mm_example_text FILE: the example with the bed's addresses in place of
# the documentation ones (the only change made to it).
mm_example_text() {
    sed -e "s/\\b${MM_EXAMPLE_NET//./\\.}\\./$(cluster_subnet)./g" \
        -e "s/@REPL_PW@/$MM_REPL_PW/g" "$1"
}

# mm_load_example FILE: load a crm-examples file into the cluster as
# users would: `crm configure load update` or `sh FILE` for pcs.
mm_load_example() {
    local f=$1 copy
    copy=$(_mm_dir)/$(basename "$f")
    mm_example_text "$f" >"$copy" || return 1
    case $f in
    *.crm) cluster_exec 1 crm -w configure load update "$copy" ;;
    *.sh) cluster_exec 1 sh "$copy" ;;
    *) _mm_err "unknown example type: $f"; return 2 ;;
    esac
}

_mm_status_xml() {
    cluster_exec "${1:-$(mm_any_node)}" crm_mon -1 --output-as=xml 2>/dev/null
}

# mm_any_node: a running node that is in the quorate partition if any.
mm_any_node() {
    local i
    _cluster_load || return 1
    for ((i = 1; i <= CLUSTER_N; i++)); do
        _cluster_alive "$(_cluster_init_pid "$i")" || continue
        [ -e "$(_cluster_ndir "$i")/partitioned" ] && continue
        echo "$i"
        return 0
    done
    return 1
}

# mm_promoted [i]: the nodes (names) where the mysql clone is Promoted,
# as node i sees it.
mm_promoted() {
    _mm_status_xml "${1:-}" | awk '
        /<resource id="mysql"/ || /<resource id="mysql:[0-9]+"/ {
            inrsc = ($0 ~ /role="(Promoted|Master)"/) }
        inrsc && /<node name=/ {
            n = $0; sub(/.*<node name="/, "", n); sub(/".*/, "", n); print n }
        /<\/resource>/ { inrsc = 0 }' | sort -u
}

# mm_writer: the index of the one Promoted node; fails unless exactly one.
mm_writer() {
    local p
    p=$(mm_promoted "") || return 1
    [ -n "$p" ] && [ "$(wc -l <<<"$p")" = 1 ] || return 1
    echo "${p#node}"
}

# mm_vip NAME: the address of a VIP (writer, reader1, reader2, ...) as
# the loaded example defines it.
mm_vip() {
    local n
    case $1 in
    writer) n=10 ;;
    reader*) n=$((10 + ${1#reader})) ;;
    *) return 2 ;;
    esac
    printf '%s.%s\n' "$(cluster_subnet)" "$n"
}

# mm_vip_started NAME: the node index holding the VIP resource vip-NAME
# per Pacemaker (and the address really there).
mm_vip_started() {
    local node
    node=$(cluster_vip_node "$(mm_vip "$1")") || return 1
    [ "$(wc -l <<<"$node")" = 1 ] || return 1
    echo "${node#node}"
}

# mm_wait_settled [SECONDS]: one Promoted, the writer VIP on it, every
# reader VIP placed, no pending action.
mm_wait_settled() {
    local secs=${1:-$MM_CONFIG_TIMEOUT} deadline w v
    _mm_load || return 1
    deadline=$(($(_cluster_now_ms) + secs * 1000))
    while :; do
        if w=$(mm_writer 2>/dev/null) &&
            [ "$(mm_vip_started writer 2>/dev/null)" = "$w" ]; then
            local ok=1
            for ((v = 1; v <= MM_READERS; v++)); do
                mm_vip_started "reader$v" >/dev/null 2>&1 || ok=0
            done
            if [ "$ok" = 1 ] &&
                cluster_exec "$(mm_any_node)" crm_resource --wait \
                    --timeout=5s >/dev/null 2>&1; then
                return 0
            fi
        fi
        if [ "$(_cluster_now_ms)" -ge "$deadline" ]; then
            _mm_err "not settled after ${secs}s"
            cluster_exec "$(mm_any_node)" crm_mon -1 -A >&2
            return 1
        fi
        sleep 0.3
    done
}

# mm_start [-n N] [--fencing on|off] [--pcs] [--example F] [--no-config]
#          [--quorum-node] [--installed] [--binlog-fs MB]
# --binlog-fs MB: each database node's binary logs on a tmpfs of its own
# of MB megabytes (/var/lib/mysql-binlog in the node), which a test can
# fill (mm_binlog_fs i: its host path).  Mounted on the host before the
# nodes boot, so that every boot of a node (after a crash, a fencing)
# sees the same one; mm_stop unmounts it.
# Every database node gets auto-increment-increment=N and offset=its
# index.  --quorum-node: 3 cluster nodes, databases on node1 and node2
# only (the 2-node example); node3 runs corosync and Pacemaker alone, in
# standby, for the quorum (docs/operations.md, "a quorum-only node").
mm_start() {
    local n=2 fencing=on pcs=0 example='' config=1 t0 i qnode=0 binlog_mb=''
    MM_INSTALLED=0 MM_BINLOG_FS=''
    while [ $# -gt 0 ]; do
        case $1 in
        -n) n=$2; shift 2 ;;
        --quorum-node) qnode=1; shift ;;
        --fencing) fencing=$2; shift 2 ;;
        --pcs) pcs=1; shift ;;
        --example) example=$2; shift 2 ;;
        --no-config) config=0; shift ;;
        --installed) MM_INSTALLED=1; shift ;;
        --binlog-fs) binlog_mb=$2; shift 2 ;;
        *) _mm_err "mm_start: unknown option $1"; return 2 ;;
        esac
    done
    MM_DB_N=$n
    if [ "$qnode" = 1 ]; then
        n=3 MM_DB_N=2
    fi
    if [ -z "$example" ]; then
        example=$MM_TOP/crm-examples/$MM_DB_N-node.crm
        [ "$pcs" = 1 ] && example=$MM_TOP/crm-examples/$MM_DB_N-node.pcs.sh
    fi
    t0=$(_cluster_now_ms)
    if [ -n "$binlog_mb" ]; then
        _mm_binlog_fs_mount "$binlog_mb" "$MM_DB_N" || return 1
    fi
    # The nodes' daemons (and the agent under them) inherit this PATH:
    # without the tree's build/ in it, they use the snapshot's helpers.
    PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$MMHA_BUILD_DIR" |
        paste -sd: -) cluster_start -n "$n" --fencing "$fencing" || {
        _mm_binlog_fs_umount
        return 1
    }
    MM_READERS=0
    MM_ADMIN_PW=$(_mm_password) MM_REPL_PW=$(_mm_password)
    MM_APP_PW=$(_mm_password)
    MM_PLUGIN_DIR=$("$BED_MARIADBD" --no-defaults --verbose --help \
        2>/dev/null | awk '$1 == "plugin-dir" { print $2 }')
    mkdir -p "$(_mm_dir)/logs" || return 1
    _mm_write_cnf "$(_mm_dir)/app.cnf" app "$MM_APP_PW" || return 1
    _mm_write_cnf "$(_mm_dir)/admin.cnf" mmha "$MM_ADMIN_PW" || return 1
    cat >"$(_mm_dir)/mm.env" <<EOF
MM_READERS=$MM_READERS
MM_EXAMPLE=$example
MM_DB_N=$MM_DB_N
MM_BINLOG_FS=$MM_BINLOG_FS
EOF
    if [ "$MM_INSTALLED" != 1 ]; then
        _mm_stage || return 1
    fi
    for ((i = 1; i <= MM_DB_N; i++)); do
        _mm_node_files "$i" || return 1
        _mm_bind_now "$i" || return 1
    done
    # The seeded CIB names an old schema; role names Promoted/Unpromoted
    # (crm_resource --move --promoted) need the current one.
    cluster_exec 1 cibadmin --upgrade --force >/dev/null || return 1
    for ((i = MM_DB_N + 1; i <= n; i++)); do
        cluster_exec 1 crm_attribute -N "node$i" -n standby -v on \
            -l forever >/dev/null || return 1
    done
    _mm_note "nodes prepared in $(($(_cluster_now_ms) - t0)) ms"
    [ "$config" = 1 ] || return 0
    mm_load_example "$example" || return 1
    MM_READERS=$(cluster_exec 1 cibadmin -Q -o resources |
        grep -c '<primitive id="vip-reader[0-9]*"')
    sed -i "s/^MM_READERS=.*/MM_READERS=$MM_READERS/" "$(_mm_dir)/mm.env"
    mm_wait_settled "$MM_CONFIG_TIMEOUT" || return 1
    _mm_note "mysql-mm cluster ($n nodes, $(basename "$example")) up in $(($(_cluster_now_ms) - t0)) ms"
}

# mm_stop: stop clients and checkers, then the cluster (mysqld stops with
# its node's PID namespace if the agent did not stop it first).
mm_stop() {
    local f
    [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
    for f in "$(_mm_dir)"/logs/*.pid; do
        [ -e "$f" ] && _mm_kill_pidfile "$f"
    done
    MM_BINLOG_FS=''
    _mm_load 2>/dev/null
    cluster_stop
    _mm_binlog_fs_umount
}

# _mm_binlog_fs_mount MB N: a tmpfs of MB megabytes for each of N nodes'
# binary logs, under a new MM_BINLOG_FS.
_mm_binlog_fs_mount() {
    local i
    [[ $1 =~ ^[1-9][0-9]{0,4}$ ]] || {
        _mm_err "mm_start: --binlog-fs: megabytes (1-99999), not '$1'"
        return 2
    }
    MM_BINLOG_FS=$(mktemp -d "${TMPDIR:-/tmp}/mmha-binlog-fs.XXXXXX") || return 1
    install -d -m 0755 /var/lib/mysql-binlog || return 1
    for ((i = 1; i <= $2; i++)); do
        mkdir "$MM_BINLOG_FS/node$i" &&
            mount -t tmpfs -o "size=${1}m,mode=0750" tmpfs "$MM_BINLOG_FS/node$i" &&
            chown mysql:mysql "$MM_BINLOG_FS/node$i" || return 1
    done
}

# _mm_binlog_fs_umount: the tmpfs of _mm_binlog_fs_mount gone.
_mm_binlog_fs_umount() {
    local d
    [ -n "${MM_BINLOG_FS:-}" ] && [ -d "$MM_BINLOG_FS" ] || return 0
    for d in "$MM_BINLOG_FS"/node*; do
        mountpoint -q "$d" && umount "$d"
        rmdir "$d"
    done
    rmdir "$MM_BINLOG_FS"
    MM_BINLOG_FS=''
}

# mm_binlog_fs i: the host path of node i's binary-log filesystem
# (mm_start --binlog-fs); status 1 without one.
mm_binlog_fs() {
    _mm_load || return 1
    [ -n "${MM_BINLOG_FS:-}" ] && printf '%s/node%s\n' "$MM_BINLOG_FS" "$1"
}

# ---- SQL -----------------------------------------------------------------

# mm_sql i SQL: as the admin user, over node i's own socket from inside
# the node (works while the node is cut off from the host).
mm_sql() {
    local i=$1
    shift
    cluster_exec "$i" mariadb --defaults-file=/etc/mysql/mmha.cnf \
        --connect-timeout=3 -N -B -e "$1"
}

# mm_app_sql ADDR SQL: as the application user over TCP from the host.
mm_app_sql() {
    mariadb --defaults-file="$(_mm_dir)/app.cnf" --host="$1" --port=3306 \
        --protocol=tcp --connect-timeout=2 -N -B -e "$2"
}

# mm_slave_status i: SHOW SLAVE STATUS of node i, one "Field: value" a line.
mm_slave_status() {
    cluster_exec "$1" mariadb --defaults-file=/etc/mysql/mmha.cnf \
        --connect-timeout=3 -e "SHOW SLAVE STATUS\\G"
}

# mm_slave_field i FIELD: one SHOW SLAVE STATUS field of node i.
mm_slave_field() {
    mm_slave_status "$1" 2>/dev/null | sed -n "s/^ *$2: //p" | head -n 1
}

# mm_replicating i: both threads run on node i.
mm_replicating() {
    [ "$(mm_slave_field "$1" Slave_IO_Running)" = Yes ] &&
        [ "$(mm_slave_field "$1" Slave_SQL_Running)" = Yes ]
}

# _mm_io_diag i w: why node i's IO thread from writer w receives nothing:
# the MySQL sockets on both ends (queues, retransmissions, timers) and
# what node i's agent said about its IO thread.
_mm_io_diag() {
    local n
    for n in "$1" "$2"; do
        echo "node$n sockets (port 3306):"
        cluster_exec "$n" ss -tnoi '( sport = :3306 or dport = :3306 )' 2>&1 |
            head -n 40
    done
    echo "node$1 agent on its IO thread:"
    grep -hE 'IO thread|repoint|re-point' \
        "$(_cluster_ndir "$1")/log-pacemaker/pacemaker.log" 2>/dev/null |
        tail -n 15
}

# mm_check_replication [SECONDS]: every running non-writer node has both
# replication threads running and sees a marker row written through the
# writer VIP within SECONDS (default 5).
mm_check_replication() {
    local secs=${1:-5} w i marker rc=0 t0 vip
    _mm_load || return 1
    # crm_mon shows no Promoted instance for a moment while an operation
    # (a reload after a parameter change) is pending: wait that out.
    if ! wait_until 10 "mm_writer >/dev/null" 2>/dev/null; then
        _mm_err "no single writer"
        cluster_exec "$(mm_any_node)" crm_mon -1 -A >&2
        return 1
    fi
    w=$(mm_writer)
    vip=$(mm_vip writer)
    marker=m$(_cluster_now_ms)$RANDOM
    mm_app_sql "$vip" "CREATE TABLE IF NOT EXISTS test.marker (
        id VARCHAR(40) PRIMARY KEY, ts BIGINT) ENGINE=InnoDB;
        INSERT INTO test.marker VALUES ('$marker', $(_cluster_now_ms))" || {
        _mm_err "marker write through the writer VIP failed"
        return 1
    }
    t0=$(_cluster_now_ms)
    for ((i = 1; i <= ${MM_DB_N:-$CLUSTER_N}; i++)); do
        [ "$i" = "$w" ] && continue
        _cluster_alive "$(_cluster_init_pid "$i")" || continue
        if ! mm_replicating "$i"; then
            _mm_err "node$i: replication threads not both running:"
            mm_slave_status "$i" | grep -E \
                'Master_Host|_Running:|Last_.*Error:' >&2
            rc=1
            continue
        fi
        if ! wait_until "$secs" "[ \"\$(mm_sql $i \"SELECT COUNT(*) FROM \
test.marker WHERE id='$marker'\" 2>/dev/null)\" = 1 ]" 2>/dev/null; then
            _mm_err "node$i: marker $marker not replicated in ${secs}s"
            mm_slave_status "$i" | grep -E 'Master_(Host|Log_File)|_Running:|Last_.*Error:|_Master_Log_Pos|Gtid_|Using_Gtid|SQL_Delay|_State:|Ignore_Domain' >&2
            mm_sql "$w" "SELECT ID, HOST, COMMAND, TIME, STATE FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'" >&2
            mm_sql "$i" "SELECT @@gtid_slave_pos, @@gtid_binlog_pos, @@read_only" >&2
            _mm_io_diag "$i" "$w" >&2
            rc=1
            continue
        fi
    done
    [ "$rc" = 0 ] && _mm_note "replication checked: marker on every reader in $(($(_cluster_now_ms) - t0)) ms"
    return "$rc"
}

# mm_checksum i TABLE: CHECKSUM TABLE value on node i.
mm_checksum() {
    mm_sql "$1" "CHECKSUM TABLE $2" | cut -f2
}

# ---- background tools (client, read-only checker) -----------------------

_mm_kill_pidfile() {
    local pid
    pid=$(cat "$1" 2>/dev/null)
    rm -f "$1"
    _cluster_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    _cluster_wait_gone 5 "$pid" || kill -KILL "$pid" 2>/dev/null
    _cluster_wait_gone 5 "$pid"
}

# _mm_bg NAME NODE cmd...: start cmd in the background on the host (NODE
# empty) or inside node NODE; NAME.pid gets its host PID.
_mm_bg() {
    local name=$1 node=$2 logs pid ns child t
    shift 2
    logs=$(_mm_dir)/logs
    if [ -z "$node" ]; then
        "$@" </dev/null >>"$logs/$name.out" 2>&1 3>&- &
        echo $! >"$logs/$name.pid"
        return 0
    fi
    cluster_exec "$node" "$@" </dev/null >>"$logs/$name.out" 2>&1 3>&- &
    pid=$!
    # nsenter forks the command into the node's PID namespace: track the
    # command itself (its host PID), which dies with the node.  Below the
    # background subshell ($!) comes nsenter, then the command: a TERM to
    # nsenter is not passed on, and the command ran on as an orphan
    # (bench/chaos's local client wrote on after its partition ended).
    # The subshell also forks short-lived shells of its own (cluster_exec's
    # $(...)): look for nsenter by name, never take the first child.
    child=''
    for ((t = 0; t < 100; t++)); do
        ns=$(pgrep -P "$pid" -x nsenter | head -n 1)
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = nsenter ] && ns=$pid
        [ -n "$ns" ] && child=$(pgrep -P "$ns" | head -n 1)
        [ -n "$child" ] && break
        _cluster_alive "$pid" || break
        sleep 0.02
    done
    if [ -z "$child" ]; then
        _mm_err "$name: no process under nsenter after 2 s; its PID file names the shell"
        child=$pid
    fi
    echo "$child" >"$logs/$name.pid"
}

# mm_client_start NAME [-n i] [writer-client options]: a writer-client
# writing through the writer VIP (or --writer ADDR) and reading through
# every reader VIP, logging to logs/NAME.log.
mm_client_start() {
    local name=$1 node='' v args=()
    shift
    if [[ ! $name =~ ^[A-Za-z0-9_]+$ ]]; then
        _mm_err "client name '$name': letters, digits and _ only (a table name)"
        return 2
    fi
    _mm_load || return 1
    if [ "${1:-}" = -n ]; then
        node=$2
        shift 2
    fi
    args=(--defaults-file "$(_mm_dir)/app.cnf"
        --log "$(_mm_dir)/logs/$name.log" --tag "$name"
        --table "test.wc_$name")
    if [[ " $* " != *" --writer "* ]]; then
        args+=(--writer "$(mm_vip writer)")
        for ((v = 1; v <= MM_READERS; v++)); do
            args+=(--reader "$(mm_vip "reader$v")")
        done
    fi
    _mm_bg "$name" "$node" "$MM_PY" "$_mm_lib_dir/writer-client" \
        "${args[@]}" "$@"
    # Started when its first write is acknowledged (bounded).
    wait_until 15 "grep -q ' ACK ' '$(_mm_dir)/logs/$name.log' 2>/dev/null"
}

# mm_probe_start NAME: test/lib/connect-probe against the writer address
# (a new connection per attempt, 1 s connect timeout), one line per
# attempt in $(mm_client_log NAME); started once an attempt succeeded.
mm_probe_start() {
    local log
    log=$(mm_client_log "$1")
    _mm_bg "$1" "" "$MM_PY" "$_mm_lib_dir/connect-probe" \
        --defaults-file "$(_mm_dir)/app.cnf" --host "$(mm_vip writer)" \
        --log "$log"
    wait_until 10 "grep -q ' OK ' '$log'"
}

mm_probe_stop() {
    _mm_kill_pidfile "$(_mm_dir)/logs/$1.pid"
}

# mm_bg_stop_all: stop every client and checker still running (a test's
# teardown, after a failure).
mm_bg_stop_all() {
    local f
    [ -n "${CLUSTER_DIR:-}" ] && [ -d "$(_mm_dir)/logs" ] || return 0
    for f in "$(_mm_dir)"/logs/*.pid; do
        [ -e "$f" ] && _mm_kill_pidfile "$f"
    done
    return 0
}

# mm_client_stop NAME: stop it and print its summary line
# ("acks=N errors=N max_gap_ms=N ...").
mm_client_stop() {
    local name=$1
    _mm_kill_pidfile "$(_mm_dir)/logs/$name.pid"
    mm_client_summary "$name"
}

mm_client_summary() {
    "$MM_PY" "$_mm_lib_dir/writer-client" \
        --analyze "$(_mm_dir)/logs/$1.log"
}

mm_client_log() {
    printf '%s/logs/%s.log\n' "$(_mm_dir)" "$1"
}

# mm_client_lost NAME i: acknowledged ids of client NAME missing on node i
# (one a line; empty output = nothing lost).
mm_client_lost() {
    local name=$1 i=$2 table=${3:-test.wc_$1} tmp
    tmp=$(_mm_dir)/logs/$name.present
    mm_sql "$i" "SELECT id FROM $table" | sort >"$tmp" || return 1
    awk '$2 == "ACK" { print $3 }' "$(mm_client_log "$name")" | sort |
        comm -23 - "$tmp"
}

# mm_rocheck_start: read_only watched every 100 ms on every node from the
# host (TCP) and from inside each node (its socket).
mm_rocheck_start() {
    local i targets=() logs
    _mm_load || return 1
    logs=$(_mm_dir)/logs
    for ((i = 1; i <= ${MM_DB_N:-$CLUSTER_N}; i++)); do
        targets+=("node$i=$(cluster_addr "$i")")
    done
    _mm_bg rocheck-host "" "$MM_PY" "$_mm_lib_dir/ro-checker" \
        --defaults-file "$(_mm_dir)/app.cnf" --log "$logs/ro-host.log" \
        "${targets[@]}"
    for ((i = 1; i <= ${MM_DB_N:-$CLUSTER_N}; i++)); do
        _cluster_alive "$(_cluster_init_pid "$i")" || continue
        _mm_bg "rocheck-node$i" "$i" "$MM_PY" "$_mm_lib_dir/ro-checker" \
            --defaults-file /etc/mysql/mmha.cnf --source "node$i" \
            --log "$logs/ro-node$i.log" "node$i=/run/mysqld/mysqld.sock"
    done
}

# mm_rocheck_stop: stop the checkers and print the analysis; status 1 when
# two nodes were writable at the same instant.
mm_rocheck_stop() {
    local f logs
    logs=$(_mm_dir)/logs
    for f in "$logs"/rocheck-*.pid; do
        [ -e "$f" ] && _mm_kill_pidfile "$f"
    done
    "$MM_PY" "$_mm_lib_dir/ro-checker" --analyze "$logs"/ro-*.log
}

# mm_timer_start / mm_elapsed_ms: scenario timings for the narration.
mm_elapsed_ms() {
    echo $(($(_cluster_now_ms) - $1))
}

# ---- scenario steps ------------------------------------------------------

# mm_wait_writer i [SECONDS]: node i is the one Promoted node and the
# writer VIP accepts a write that lands on node i's server.
mm_wait_writer() {
    local want=$1 secs=${2:-30}
    wait_until "$secs" "[ \"\$(mm_writer 2>/dev/null)\" = $want ] &&
        [ \"\$(mm_app_sql $(mm_vip writer) 'SELECT @@server_id' \
            2>/dev/null)\" = $want ]"
}

# mm_switchover i [SECONDS [QUIET]]: move the Promoted role to node i the
# way an operator does (crm_resource --move --promoted), wait for it (60
# s), drop the constraint (also when the move did not come: the next step
# starts from no move).  QUIET: seconds before the first query (each
# crm_mon costs ~50-70 ms of CPU, taken from the move it watches).
mm_switchover() {
    local to=$1 secs=${2:-60} quiet=${3:-0} n rc=0
    n=$(mm_any_node) || return 1
    cluster_exec "$n" crm_resource --move -r ms-mysql -N "node$to" \
        --promoted >/dev/null || return 1
    sleep "$quiet"
    mm_wait_writer "$to" "$secs" || rc=1
    cluster_exec "$n" crm_resource --clear -r ms-mysql >/dev/null
    return "$rc"
}

# mm_ack_writes_on NAME i [SECONDS]: client NAME got an acknowledgement
# from node i's server (its writes reach node i through the VIP).
mm_ack_writes_on() {
    local log
    log=$(mm_client_log "$1")
    wait_until "${3:-30}" "tail -n 50 '$log' | awk '\$2 == \"ACK\" { s = \$5 }
        END { exit !(s == $2) }'"
}

# mm_other i: another node index than i (the next one, cyclic).
mm_other() {
    _mm_load || return 1
    echo $(($1 % ${MM_DB_N:-$CLUSTER_N} + 1))
}

# mm_gap_ms NAME: the longest write gap of client NAME so far.
mm_gap_ms() {
    mm_client_summary "$1" | sed -n 's/.* max_gap_ms=\([0-9]*\).*/\1/p'
}

# mm_kill_mysqld i: kill -9 the mariadbd of node i (inside its node).
mm_kill_mysqld() {
    # shellcheck disable=SC2016 # expanded inside the node
    cluster_exec "$1" sh -c 'kill -KILL "$(cat /run/mysqld/mysqld.pid)"'
}

# mm_reader_deaf R W on|off: node R drops what node W's server sends it
# (an nftables table in R's namespace): R's connections to W stay open
# and hear nothing, as behind a link that loses every packet.
mm_reader_deaf() {
    if [ "$3" = on ]; then
        cluster_exec "$1" nft -f - <<EOF
table inet mmha_test_deaf {
    chain in {
        type filter hook input priority 0;
        ip saddr $(cluster_addr "$2") tcp sport 3306 drop
    }
}
EOF
    else
        cluster_exec "$1" nft delete table inet mmha_test_deaf 2>/dev/null || true
    fi
}

# mm_wait_reader i [SECONDS]: node i runs its instance Unpromoted and
# replicates (both threads) from the current writer.
mm_wait_reader() {
    local node=$1 secs=${2:-60}
    wait_until "$secs" "w=\$(mm_writer 2>/dev/null) && [ \"\$w\" != $node ] &&
        mm_replicating $node 2>/dev/null &&
        [ \"\$(mm_slave_field $node Master_Host)\" = node\$w ]"
}

# mm_wait_same_checksum TABLE [SECONDS]: CHECKSUM TABLE equal on every
# running node (replication caught up everywhere).
mm_wait_same_checksum() {
    local table=$1 secs=${2:-30}
    wait_until "$secs" "_mm_checksums_equal $table"
}

_mm_checksums_equal() {
    local n sum first=''
    _cluster_load || return 1
    for ((n = 1; n <= ${MM_DB_N:-$CLUSTER_N}; n++)); do
        _cluster_alive "$(_cluster_init_pid "$n")" || continue
        sum=$(mm_checksum "$n" "$1" 2>/dev/null) || return 1
        [ -n "$sum" ] || return 1
        [ -z "$first" ] && first=$sum
        [ "$sum" = "$first" ] || return 1
    done
}

# mm_errant_report: what the cluster recorded about role changes (the
# history property), for the narration and the failure report.
mm_history() {
    cluster_exec "$(mm_any_node)" crm_attribute -t crm_config \
        -n mmha-mysql-history -G -q 2>/dev/null | tr ';' '\n'
}

# mm_long_update_start ADDR SQL: run one long statement as the application
# user in the background (logs/long-update.*); its end is not awaited.
mm_long_update_start() {
    _mm_bg long-update "" mariadb --defaults-file="$(_mm_dir)/app.cnf" \
        --host="$1" --port=3306 --protocol=tcp -N -B -e "$2"
}

# mm_vip_watch_start / mm_vip_watch_stop: log every change of the node
# holding each reader VIP (polled every 0.3 s) to logs/vips.log as
# "<ms> vip-readerN nodeI|none"; stop prints the number of changes per VIP.
mm_vip_watch_start() {
    _mm_load || return 1
    # shellcheck disable=SC2016 # expanded by the watcher shell
    _mm_bg vipwatch "" bash -c '
        . "$1/cluster-mm.bash" || exit 1
        declare -A last
        while :; do
            for ((v = 1; v <= MM_READERS; v++)); do
                n=$(cluster_vip_node "$(mm_vip "reader$v")" 2>/dev/null |
                    paste -sd, -)
                n=${n:-none}
                if [ "${last[$v]:-}" != "$n" ]; then
                    echo "$(_cluster_now_ms) vip-reader$v $n"
                    last[$v]=$n
                fi
            done
            sleep 0.3
        done' vipwatch "$_mm_lib_dir"
}

mm_vip_watch_stop() {
    _mm_kill_pidfile "$(_mm_dir)/logs/vipwatch.pid"
    awk '{ c[$2]++ } END { for (v in c) print v, c[v] - 1 }' \
        "$(_mm_dir)/logs/vipwatch.out" | sort
}

# mm_attr i NAME: a transient node attribute of node i ("" when unset).
mm_attr() {
    cluster_exec "$(mm_any_node)" crm_attribute -N "node$1" -n "$2" \
        -l reboot -G -q 2>/dev/null
}

# mm_assert_writer_readable: the writer publishes mmha-readable=1; the
# reader VIPs' fallback to the writer (crm-examples) depends on it.
mm_assert_writer_readable() {
    local w
    w=$(mm_writer) || fail "no single writer"
    [ "$(mm_attr "$w" mmha-readable)" = 1 ] ||
        fail "the writer node$w publishes no mmha-readable=1"
}

# mm_guard_ensure: the mmha-guard clone (ocf:mmha:mmha-guard) runs on the
# database nodes - the example's own when it has one, else one added here
# with the agent's defaults - and every guard is quorate.
mm_guard_ensure() {
    local i
    _mm_load || return 1
    if ! cluster_exec "$(mm_any_node)" cibadmin -Q -o resources |
        grep -q 'type="mmha-guard"'; then
        printf '%s\n' \
            'primitive guard ocf:mmha:mmha-guard params defaults_file=/etc/mysql/mmha.cnf op monitor interval=5s timeout=20s' \
            'clone guard-clone guard meta interleave=true' >"$(_mm_dir)/guard.crm"
        cluster_exec "$(mm_any_node)" crm -w configure load update \
            "$(_mm_dir)/guard.crm" || return 1
    fi
    for ((i = 1; i <= MM_DB_N; i++)); do
        wait_until 30 "cluster_exec $i sh -c 'grep -qx QUORUM=quorate \
/run/resource-agents/mmha-guard-*.status'" || {
            _mm_err "node$i: mmha-guard not running or not quorate"
            return 1
        }
    done
}

# ---- the guard clone (ocf:mmha:mmha-guard, crm-examples) ----------------

# mm_guard_status i: the status file of node i's guard daemon started by
# the example's clone (resource guard), KEY=value lines.
mm_guard_status() {
    # shellcheck disable=SC2016 # expanded inside the node
    cluster_exec "$1" sh -c 'for f in /run/resource-agents/mmha-guard-guard.status \
        /run/resource-agents/mmha-guard-guard:*.status; do
        [ -r "$f" ] && exec cat "$f"; done; exit 1' 2>/dev/null
}

# mm_guard_get i KEY: one key of node i's guard status.
mm_guard_get() {
    mm_guard_status "$1" | sed -n "s/^$2=//p"
}

# mm_guard_nodes: the nodes (names) where Pacemaker runs the guard clone.
mm_guard_nodes() {
    _mm_status_xml | awk '
        /<resource id="guard(:[0-9]+)?"/ {
            inrsc = ($0 ~ /role="Started"/ && $0 ~ /failed="false"/) }
        inrsc && /<node name=/ {
            n = $0; sub(/.*<node name="/, "", n); sub(/".*/, "", n); print n }
        /<\/resource>/ { inrsc = 0 }' | sort -u
}

# mm_guards_running: the guard clone is started on every node, and every
# node's guard is quorate in a group of all the nodes.
mm_guards_running() {
    local n
    _mm_load || return 1
    [ "$(mm_guard_nodes | wc -l)" = "$CLUSTER_N" ] || return 1
    for ((n = 1; n <= CLUSTER_N; n++)); do
        [ "$(mm_guard_get "$n" QUORUM)" = quorate ] || return 1
        [ "$(mm_guard_get "$n" MEMBERS_COUNT)" = "$CLUSTER_N" ] || return 1
    done
}

# mm_assert_guards: mm_guards_running within 30 s, or fail with what
# crm_mon and the guards say.
mm_assert_guards() {
    local n
    wait_until 30 mm_guards_running 2>/dev/null && return 0
    cluster_exec "$(mm_any_node)" crm_mon -1 >&2
    for ((n = 1; n <= CLUSTER_N; n++)); do
        echo "node$n guard status:" >&2
        mm_guard_status "$n" >&2
    done
    fail "the guard clone is not running on every node"
}

# mm_crm_shape FILE: what a crm example defines: each resource ("primitive
# ID", "clone ID") and the number of constraints of each kind, sorted.
# (pcs names some constraints itself: their ids are not compared.)
mm_crm_shape() {
    awk '$1 == "primitive" || $1 == "clone" { print $1, $2 }
        $1 == "location" { l++ } $1 == "colocation" { c++ }
        $1 == "order" { o++ }
        END { printf "colocation %d\nlocation %d\norder %d\n", c, l, o }' \
        "$1" | sort
}

# mm_cib_shape: the same for the running cluster's CIB, but for the bed's
# own fencing devices (fence-nodeN) and their location constraints.
mm_cib_shape() {
    cluster_exec "$(mm_any_node)" cibadmin -Q -o configuration 2>/dev/null |
        grep -oE '<(primitive|clone|rsc_location|rsc_colocation|rsc_order) [^>]*' |
        grep -v ' id="fence-node' | awk '
        { tag = substr($1, 2); id = $0
          sub(/.* id="/, "", id); sub(/".*/, "", id) }
        tag == "primitive" || tag == "clone" { print tag, id }
        tag == "rsc_location" { l++ } tag == "rsc_colocation" { c++ }
        tag == "rsc_order" { o++ }
        END { printf "colocation %d\nlocation %d\norder %d\n", c, l, o }' |
        sort
}
