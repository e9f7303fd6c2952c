# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The MariaDB test bed: N real mariadbd servers started from nothing,
# replicating in a chosen topology, stopped by PID.  See docs/testing.md.
#
#   load ../lib/bed            (bats)   or   . test/lib/bed.bash
#   bed_start [-n N] [-t mm|star|none] [-m gtid|filepos] [--netns]
#   ... bed_sql 1 "SELECT 1" ... bed_sync ...
#   bed_stop
#
# Everything lives under $BED_DIR (one directory per run); $BED_DIR/env holds
# the state so a later shell (a bats test after setup_file) can source it.
# External mode: MMHA_TEST_SERVERS="a.cnf b.cnf" uses existing servers.

# shellcheck disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
# shellcheck disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/netns.bash"

: "${BED_MARIADBD:=$(command -v mariadbd || echo /usr/sbin/mariadbd)}"
# Bound on one server's start-up and on the wait for replication threads.
: "${BED_START_TIMEOUT:=30}"
# Bump when the template recipe changes, so old caches are not reused.
_BED_TEMPLATE_REV=1

_bed_die() {
    echo "bed: $*" >&2
    return 1
}

# _bed_load: restore the state written by bed_start when the variables are
# not in this shell.
_bed_load() {
    if [ -n "${BED_N:-}" ]; then
        return 0
    fi
    if [ -n "${BED_DIR:-}" ] && [ -r "$BED_DIR/env" ]; then
        # shellcheck disable=SC1091
        . "$BED_DIR/env"
        return 0
    fi
    _bed_die "no bed (BED_DIR=${BED_DIR:-unset}); call bed_start"
}

_bed_external() {
    [ -n "${MMHA_TEST_SERVERS:-}" ]
}

_bed_s() {
    printf '%s/s%s\n' "$BED_DIR" "$1"
}

_bed_need_local() {
    if _bed_external; then
        _bed_die "$1: not possible on external servers (MMHA_TEST_SERVERS)"
        return 1
    fi
}

# _bed_cnf_get FILE KEY: a key of the [client] group of an option file.
_bed_cnf_get() {
    awk -v key="$2" '
        /^[[:space:]]*\[/ { g = $0; gsub(/[][[:space:]]/, "", g); next }
        g == "client" {
            line = $0
            sub(/^[[:space:]]*/, "", line)
            k = line; sub(/[[:space:]]*=.*/, "", k)
            if (k == key) { v = line; sub(/^[^=]*=[[:space:]]*/, "", v);
                            print v; exit }
        }' "$1"
}

# ---------------------------------------------------------------- accessors

bed_cnf() {
    if _bed_external; then
        local -a f
        read -r -a f <<<"$MMHA_TEST_SERVERS"
        printf '%s\n' "${f[$(($1 - 1))]}"
        return
    fi
    _bed_load || return 1
    printf '%s/admin.cnf\n' "$(_bed_s "$1")"
}

# In external mode MMHA_TEST_APP_SERVERS may name the app-user files; the
# admin files are used otherwise.
bed_app_cnf() {
    if _bed_external; then
        local -a f
        read -r -a f <<<"${MMHA_TEST_APP_SERVERS:-$MMHA_TEST_SERVERS}"
        printf '%s\n' "${f[$(($1 - 1))]}"
        return
    fi
    _bed_load || return 1
    printf '%s/app.cnf\n' "$(_bed_s "$1")"
}

bed_repl_cnf() {
    _bed_need_local bed_repl_cnf || return 1
    _bed_load || return 1
    printf '%s/repl.cnf\n' "$BED_DIR"
}

bed_host() {
    if _bed_external; then
        _bed_cnf_get "$(bed_cnf "$1")" host
        return
    fi
    _bed_load || return 1
    cat "$(_bed_s "$1")/host"
}

bed_port() {
    if _bed_external; then
        local p
        p=$(_bed_cnf_get "$(bed_cnf "$1")" port)
        printf '%s\n' "${p:-3306}"
        return
    fi
    _bed_load || return 1
    cat "$(_bed_s "$1")/port"
}

bed_sock() {
    _bed_need_local bed_sock || return 1
    _bed_load || return 1
    printf '%s/mysqld.sock\n' "$(_bed_s "$1")"
}

bed_pid() {
    _bed_need_local bed_pid || return 1
    _bed_load || return 1
    cat "$(_bed_s "$1")/pid"
}

bed_datadir() {
    _bed_need_local bed_datadir || return 1
    _bed_load || return 1
    printf '%s/data\n' "$(_bed_s "$1")"
}

bed_mycnf() {
    _bed_need_local bed_mycnf || return 1
    _bed_load || return 1
    printf '%s/my.cnf\n' "$(_bed_s "$1")"
}

# bed_netns_name i: the namespace server i runs in (empty without --netns).
bed_netns_name() {
    _bed_load || return 1
    if [ "${BED_NETNS:-0}" = 1 ]; then
        netns_name "$1"
    fi
}

# bed_mysqld_args i [--expanded]: the argv the bed starts server i with, one
# word a line; --expanded prints every option of its my.cnf instead of
# --defaults-file.
bed_mysqld_args() {
    _bed_need_local bed_mysqld_args || return 1
    _bed_load || return 1
    local cnf
    cnf=$(bed_mycnf "$1")
    printf '%s\n' "$BED_MARIADBD"
    if [ "${2:-}" = --expanded ]; then
        printf '%s\n' --no-defaults
        sed -n 's/^\([a-z].*\)$/--\1/p' "$cnf"
    else
        printf '%s\n' "--defaults-file=$cnf"
    fi
}

# ---------------------------------------------------------------- SQL

bed_sql() {
    local cnf
    cnf=$(bed_cnf "$1") || return 1
    mariadb --defaults-file="$cnf" -N -B -e "$2"
}

bed_app_sql() {
    local cnf
    cnf=$(bed_app_cnf "$1") || return 1
    mariadb --defaults-file="$cnf" -N -B -e "$2"
}

# _bed_root_sql i SQL: root over the socket, used before users exist.
_bed_root_sql() {
    mariadb --no-defaults --user=root --socket="$(bed_sock "$1")" \
        -N -B -e "$2"
}

# bed_wait_sql i SQL expected [timeout_s]
bed_wait_sql() {
    local i=$1 sql=$2 want=$3 secs=${4:-10}
    local deadline out
    deadline=$(($(_mmha_now_ms) + secs * 1000))
    while :; do
        out=$(bed_sql "$i" "$sql" 2>/dev/null)
        if [ "$out" = "$want" ]; then
            return 0
        fi
        if [ "$(_mmha_now_ms)" -ge "$deadline" ]; then
            echo "bed_wait_sql: server $i: '$sql' gave '$out'," \
                "expected '$want' (${secs}s)" >&2
            return 1
        fi
        sleep 0.1
    done
}

# _bed_slave_field i FIELD...: values of SHOW SLAVE STATUS fields (either
# the Slave_/Master_ or the Replica_/Source_ spelling), one per line, in
# the order asked; empty output when i replicates from nobody.
_bed_slave_field() {
    local i=$1
    shift
    local st
    st=$(mariadb --defaults-file="$(bed_cnf "$i")" -E \
        -e "SHOW SLAVE STATUS" 2>/dev/null) || return 1
    [ -n "$st" ] || return 0
    printf '%s\n' "$st" | awk -v want="$*" '
        BEGIN { n = split(want, w, " ") }
        /:/ {
            k = $0; sub(/^[[:space:]]*/, "", k); sub(/:.*/, "", k)
            v = $0; sub(/^[^:]*:[[:space:]]?/, "", v)
            gsub(/Replica_/, "Slave_", k); gsub(/Source_/, "Master_", k)
            val[k] = v
        }
        END { for (j = 1; j <= n; j++) print val[w[j]] }'
}

_bed_replicating() {
    local f
    f=$(_bed_slave_field "$1" Slave_IO_Running Slave_SQL_Running) || return 1
    [ "$(printf '%s' "$f" | tr '\n' ' ')" = "Yes Yes" ]
}

# bed_wait_replicating i [timeout_s]: both replication threads of server i
# run.  Succeeds at once when i replicates from nobody.
bed_wait_replicating() {
    local i=$1 secs=${2:-$BED_START_TIMEOUT}
    local f
    f=$(_bed_slave_field "$i" Slave_IO_Running) || return 1
    [ -n "$f" ] || return 0
    if ! wait_until "$secs" "_bed_replicating $i"; then
        echo "bed: server $i not replicating:" >&2
        _bed_slave_field "$i" Slave_IO_Running Slave_SQL_Running \
            Last_IO_Error Last_SQL_Error >&2
        return 1
    fi
}

# _bed_source_of j: index of the server j replicates from (by server id),
# empty when none.
_bed_source_of() {
    local j=$1 sid i
    sid=$(_bed_slave_field "$j" Master_Server_Id) || return 1
    [ -n "$sid" ] && [ "$sid" != 0 ] || return 0
    for i in $(seq 1 "$BED_N"); do
        if [ "$(bed_sql "$i" "SELECT @@server_id")" = "$sid" ]; then
            echo "$i"
            return 0
        fi
    done
}

# _bed_sync_one j src timeout: replica j has applied what src has logged.
_bed_sync_one() {
    local j=$1 src=$2 secs=$3 pos sid r
    if [ "$(_bed_slave_field "$j" Using_Gtid)" = No ] ||
        [ "$(_bed_slave_field "$j" Auto_Position)" = 0 ]; then
        pos=$(bed_sql "$src" "SHOW MASTER STATUS" | cut -f1,2) || return 1
        r=$(bed_sql "$j" "SELECT MASTER_POS_WAIT('${pos%%$'\t'*}', \
            ${pos##*$'\t'}, $secs)") || return 1
    elif bed_sql "$j" "SELECT @@version" | grep -qi mariadb; then
        # Skip domains whose last event the replica wrote itself: its
        # gtid_slave_pos never holds them (circular replication).
        sid=$(bed_sql "$j" "SELECT @@server_id") || return 1
        pos=$(bed_sql "$src" "SELECT @@gtid_binlog_pos") || return 1
        pos=$(printf '%s' "$pos" | tr ',' '\n' |
            awk -F- -v s="$sid" '$2 != s' | paste -sd, -)
        [ -n "$pos" ] || return 0
        r=$(bed_sql "$j" "SELECT MASTER_GTID_WAIT('$pos', $secs)") ||
            return 1
    else
        pos=$(bed_sql "$src" "SELECT @@gtid_executed" | tr -d '\n') ||
            return 1
        r=$(bed_sql "$j" \
            "SELECT WAIT_FOR_EXECUTED_GTID_SET('$pos', $secs)") || return 1
        [ "$r" = 1 ] && r=-1
    fi
    if [ "$r" = -1 ] || [ "$r" = NULL ]; then
        echo "bed_sync: server $j did not catch up with $src in ${secs}s" >&2
        return 1
    fi
}

# bed_diverge i N: server i's replica position with domain 1 (server 1's)
# N transactions ahead of what it applied, so that its source refuses it
# (error 1236, as for a server holding GTIDs its source lacks); the
# position it had is printed, to put back with SET GLOBAL gtid_slave_pos.
bed_diverge() {
    local spos bad
    spos=$(bed_sql "$1" "SELECT @@gtid_slave_pos") || return 1
    bad=$(tr ',' '\n' <<<"$spos" |
        awk -F- -v n="$2" '$1 == 1 { $3 = $3 + n } { print }' OFS=- | paste -sd,)
    [[ $bad == *1-1-* ]] || _bed_die "bed_diverge: no domain 1 in '$spos'"
    bed_sql "$1" "STOP SLAVE; SET GLOBAL gtid_slave_pos = '$bad'; START SLAVE" ||
        return 1
    wait_until 10 "[ \"\$(_bed_slave_field $1 Last_IO_Errno)\" = 1236 ]" >/dev/null ||
        _bed_die "bed_diverge: server $1 not refused (1236) by its source"
    echo "$spos"
}

# bed_sync [timeout_s]: every replica has applied everything its source
# has.  Two rounds, so changes that travel two hops (mm with a third
# server) arrive too.
bed_sync() {
    local secs=${1:-30} round j src
    _bed_load || return 1
    for round in 1 2; do
        for j in $(seq 1 "$BED_N"); do
            src=$(_bed_source_of "$j") || return 1
            [ -n "$src" ] || continue
            _bed_sync_one "$j" "$src" "$secs" || return 1
        done
    done
    : "$round"
}

# ---------------------------------------------------------------- set-up

_bed_mariadb_version() {
    "$BED_MARIADBD" --version | sed -n 's/.*Ver \([^ ]*\).*/\1/p'
}

# _bed_template: print a pristine installed datadir, made once per MariaDB
# version and cached under /var/tmp (copying it takes ~0.05 s where
# mariadb-install-db takes ~0.6 s).  Built aside, then renamed: concurrent
# runs never see half a template.
_bed_template() {
    local dir tmp
    dir=${BED_TEMPLATE_DIR:-/var/tmp}/mmha-bed-template-$(_bed_mariadb_version)-r$_BED_TEMPLATE_REV
    if [ -f "$dir/.complete" ]; then
        printf '%s\n' "$dir"
        return 0
    fi
    tmp=$(mktemp -d "$dir.tmp.XXXXXX") || return 1
    chmod 0755 "$tmp"
    if ! mariadb-install-db --no-defaults --user=mysql \
        --datadir="$tmp/data" --auth-root-authentication-method=normal \
        --skip-test-db --innodb-log-file-size=16M \
        --innodb-buffer-pool-size=32M >"$tmp/install.log" 2>&1; then
        cat "$tmp/install.log" >&2
        rm -rf "$tmp"
        _bed_die "mariadb-install-db failed"
        return 1
    fi
    touch "$tmp/.complete"
    if ! mv -T "$tmp" "$dir" 2>/dev/null; then
        rm -rf "$tmp"
    fi
    [ -f "$dir/.complete" ] || { _bed_die "template $dir missing"; return 1; }
    printf '%s\n' "$dir"
}

_bed_password() {
    head -c 24 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-24
}

# _bed_free_port: a random TCP port nobody listens on (and not taken by
# this bed already).  Start-up retries with another one if we lose a race.
_bed_free_port() {
    local p try
    for try in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        grep -qx "$p" "$BED_DIR"/s*/port 2>/dev/null && continue
        if [ -z "$(ss -Htln "sport = :$p")" ]; then
            echo "$p"
            return 0
        fi
    done
    : "$try"
    _bed_die "no free port"
}

# _bed_write_files i: my.cnf and the client option files of server i.
_bed_write_files() {
    local i=$1 s host bind port f
    s=$(_bed_s "$i")
    port=$(cat "$s/port")
    host=$(cat "$s/host")
    bind=127.0.0.1
    [ "$BED_NETNS" = 1 ] && bind=0.0.0.0
    cat >"$s/my.cnf" <<EOF2
# mariadbd options of bed server $i (written by test/lib/bed.bash)
[mariadbd]
user=mysql
datadir=$s/data
socket=$s/mysqld.sock
pid-file=$s/mysqld.pid
log-error=$s/error.log
port=$port
bind-address=$bind
report-host=$host
report-port=$port
server-id=$i
gtid-domain-id=$i
log-bin=mariadb-bin
relay-log=relay-bin
log-slave-updates
binlog-format=ROW
auto-increment-increment=$BED_AI_INC
auto-increment-offset=$i
read-only=0
skip-name-resolve
performance-schema=0
innodb-buffer-pool-size=32M
innodb-log-file-size=16M
innodb-flush-log-at-trx-commit=2
sync-binlog=0
EOF2
    if [ -n "$BED_PLUGIN" ]; then
        echo "plugin-load-add=$BED_PLUGIN" >>"$s/my.cnf"
    fi
    chmod 0644 "$s/my.cnf"
    for f in admin app; do
        local user=mmha_admin pw=$BED_ADMIN_PW
        [ "$f" = app ] && user=app pw=$BED_APP_PW
        (
            umask 077
            printf '[%s]\nuser=%s\npassword=%s\nhost=%s\nport=%s\nprotocol=tcp\n\n' \
                client "$user" "$pw" "$host" "$port" \
                mmha "$user" "$pw" "$host" "$port" >"$s/$f.cnf"
        )
    done
}

# _bed_launch i: start mariadbd of server i in the background (inside its
# namespace with --netns) and record its PID.  The double fork leaves the
# server to init, so nobody has to reap it.
_bed_launch() {
    local i=$1 s
    s=$(_bed_s "$i")
    rm -f "$s/pid" "$s/mysqld.sock"
    : >"$s/error.log"
    chown mysql "$s/error.log"
    (
        if [ "$BED_NETNS" = 1 ]; then
            ip netns exec "$(netns_name "$i")" \
                "$BED_MARIADBD" --defaults-file="$s/my.cnf" &
        else
            "$BED_MARIADBD" --defaults-file="$s/my.cnf" &
        fi
        echo $! >"$s/pid"
    ) </dev/null >>"$s/console.log" 2>&1 3>&-
}

_bed_alive_pid() {
    local pid=$1 st
    [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
    st=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || return 1
    [ "$st" != Z ] && [ "$st" != X ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$BED_DIR/"
}

# _bed_wait_up i: the server answers on its socket; 2 when it died of a port
# clash (caller picks another port), 1 on any other failure.
_bed_wait_up() {
    local i=$1 s pid deadline
    s=$(_bed_s "$i")
    pid=$(cat "$s/pid")
    deadline=$(($(_mmha_now_ms) + BED_START_TIMEOUT * 1000))
    while :; do
        if [ -S "$s/mysqld.sock" ] &&
            _bed_root_sql "$i" "SELECT 1" >/dev/null 2>&1; then
            return 0
        fi
        if ! _bed_alive_pid "$pid"; then
            if grep -q "Bind on TCP/IP port" "$s/error.log"; then
                return 2
            fi
            echo "bed: server $i (pid $pid) died; error log:" >&2
            tail -20 "$s/error.log" >&2
            return 1
        fi
        if [ "$(_mmha_now_ms)" -ge "$deadline" ]; then
            echo "bed: server $i not up in ${BED_START_TIMEOUT}s" >&2
            tail -20 "$s/error.log" >&2
            return 1
        fi
        sleep 0.05
    done
}

# _bed_users i: users and database, kept out of the binary log.
_bed_users() {
    local i=$1 u h sql="SET sql_log_bin=0;"
    for h in % localhost; do
        sql+="CREATE OR REPLACE USER 'mmha_admin'@'$h' IDENTIFIED BY '$BED_ADMIN_PW';"
        sql+="GRANT ALL PRIVILEGES ON *.* TO 'mmha_admin'@'$h' WITH GRANT OPTION;"
        sql+="CREATE OR REPLACE USER 'app'@'$h' IDENTIFIED BY '$BED_APP_PW';"
        for u in test mmha; do
            sql+="GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX,"
            sql+=" ALTER ON \`$u\`.* TO 'app'@'$h';"
        done
        sql+="CREATE OR REPLACE USER 'repl'@'$h' IDENTIFIED BY '$BED_REPL_PW';"
        sql+="GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'$h';"
    done
    sql+="DROP USER IF EXISTS ''@'localhost';"
    sql+="CREATE DATABASE IF NOT EXISTS test;"
    _bed_root_sql "$i" "$sql"
}

# _bed_sources: "replica:source" pairs of the chosen topology.
_bed_sources() {
    local j
    case "$BED_TOPO" in
    none) ;;
    star)
        for j in $(seq 2 "$BED_N"); do echo "$j:1"; done
        ;;
    mm)
        echo "1:2"
        echo "2:1"
        for j in $(seq 3 "$BED_N"); do echo "$j:1"; done
        ;;
    esac
}

_bed_change_master() {
    local j=$1 src=$2 sql pos
    sql="CHANGE MASTER TO MASTER_HOST='$(bed_host "$src")',"
    sql+=" MASTER_PORT=$(bed_port "$src"), MASTER_USER='repl',"
    sql+=" MASTER_PASSWORD='$BED_REPL_PW', MASTER_CONNECT_RETRY=1,"
    if [ "$BED_MODE" = filepos ]; then
        pos=$(bed_sql "$src" "SHOW MASTER STATUS" | cut -f1,2) || return 1
        sql+=" MASTER_LOG_FILE='${pos%%$'\t'*}',"
        sql+=" MASTER_LOG_POS=${pos##*$'\t'}, MASTER_USE_GTID=no"
    else
        sql+=" MASTER_USE_GTID=slave_pos"
    fi
    bed_sql "$j" "$sql; START SLAVE"
}

_bed_write_env() {
    {
        printf 'BED_DIR=%q\n' "$BED_DIR"
        printf 'BED_N=%q\n' "$BED_N"
        printf 'BED_TOPO=%q\n' "$BED_TOPO"
        printf 'BED_MODE=%q\n' "$BED_MODE"
        printf 'BED_NETNS=%q\n' "$BED_NETNS"
        printf 'BED_START_SECONDS=%q\n' "${BED_START_SECONDS:-}"
        if [ "$BED_NETNS" = 1 ]; then
            printf 'NETNS_DIR=%q\n' "$NETNS_DIR"
            echo "export NETNS_DIR"
        fi
        echo "export BED_DIR BED_N BED_TOPO BED_MODE BED_NETNS BED_START_SECONDS"
    } >"$BED_DIR/env"
}

# bed_start [-n N] [-t mm|star|none] [-m gtid|filepos] [--netns]
bed_start() {
    local n=2 topo=mm mode=gtid netns=0 t0 i j src
    t0=$(_mmha_now_ms)
    while [ $# -gt 0 ]; do
        case "$1" in
        -n) n=$2; shift ;;
        -t) topo=$2; shift ;;
        -m) mode=$2; shift ;;
        --netns) netns=1 ;;
        *) _bed_die "bed_start: unknown option $1"; return 2 ;;
        esac
        shift
    done
    case "$topo" in mm | star | none) ;; *)
        _bed_die "bed_start: topology mm|star|none"; return 2 ;;
    esac
    case "$mode" in gtid | filepos) ;; *)
        _bed_die "bed_start: mode gtid|filepos"; return 2 ;;
    esac

    if _bed_external; then
        local -a files
        read -r -a files <<<"$MMHA_TEST_SERVERS"
        BED_N=${#files[@]}
        BED_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mmha-bed-ext.XXXXXX") || return 1
        BED_TOPO=external BED_MODE=external BED_NETNS=0
        export BED_DIR BED_N BED_TOPO BED_MODE BED_NETNS
        for i in $(seq 1 "$BED_N"); do
            bed_sql "$i" "SELECT 1" >/dev/null ||
                { _bed_die "external server $i unreachable"; return 1; }
        done
        BED_START_SECONDS=0
        _bed_write_env
        return 0
    fi

    [ "$n" -ge 1 ] || { _bed_die "bed_start: -n >= 1"; return 2; }
    BED_DIR=$(mktemp -d "${MMHA_BED_TMP:-/tmp}/mmha-bed.XXXXXX") || return 1
    chmod 0711 "$BED_DIR"
    BED_N=$n BED_TOPO=$topo BED_MODE=$mode BED_NETNS=$netns
    BED_AI_INC=$((n < 2 ? 2 : n))
    BED_PLUGIN=
    if [ -e "$("$BED_MARIADBD" --no-defaults --verbose --help 2>/dev/null |
        awk '$1 == "plugin-dir" { print $2 }')/metadata_lock_info.so" ]; then
        BED_PLUGIN=metadata_lock_info.so
    fi
    BED_ADMIN_PW=$(_bed_password)
    BED_APP_PW=$(_bed_password)
    BED_REPL_PW=$(_bed_password)
    export BED_DIR BED_N BED_TOPO BED_MODE BED_NETNS
    _bed_write_env
    (
        umask 077
        printf '[client]\nuser=repl\npassword=%s\n' "$BED_REPL_PW" \
            >"$BED_DIR/repl.cnf"
    )

    if [ "$netns" = 1 ]; then
        NETNS_DIR=$BED_DIR/netns
        export NETNS_DIR
        netns_setup mmb "$n" || return 1
        _bed_write_env
    fi

    local tpl
    tpl=$(_bed_template) || return 1
    for i in $(seq 1 "$n"); do
        local s
        s=$(_bed_s "$i")
        mkdir -p "$s"
        chmod 0711 "$s"
        chown mysql "$s"
        cp -a "$tpl/data" "$s/data" || return 1
        if [ "$netns" = 1 ]; then
            netns_addr "$i" >"$s/host"
            echo 3306 >"$s/port"
        else
            echo 127.0.0.1 >"$s/host"
            _bed_free_port >"$s/port" || return 1
        fi
        _bed_write_files "$i"
        _bed_launch "$i"
    done
    for i in $(seq 1 "$n"); do
        local try rc
        for try in 1 2 3 4 5; do
            rc=0
            _bed_wait_up "$i" || rc=$?
            [ "$rc" = 2 ] || break
            # Lost a port race with another run: take another port.
            _bed_free_port >"$(_bed_s "$i")/port" || return 1
            _bed_write_files "$i"
            _bed_launch "$i"
        done
        [ "$rc" = 0 ] || return 1
        _bed_users "$i" || return 1
    done
    local pair
    for pair in $(_bed_sources); do
        j=${pair%%:*} src=${pair#*:}
        _bed_change_master "$j" "$src" || return 1
    done
    for j in $(seq 1 "$n"); do
        bed_wait_replicating "$j" "$BED_START_TIMEOUT" || return 1
    done
    local t1
    t1=$(_mmha_now_ms)
    BED_START_SECONDS=$(printf '%d.%02d' $(((t1 - t0) / 1000)) \
        $((((t1 - t0) % 1000) / 10)))
    export BED_START_SECONDS
    _bed_write_env
}

# ---------------------------------------------------------------- stopping

_bed_wait_gone() {
    local pid=$1 secs=$2
    wait_until "$secs" "! _bed_alive_pid $pid" 2>/dev/null
}

# bed_running i: server i's mariadbd process is alive (not a zombie).
bed_running() {
    local pid
    pid=$(bed_pid "$1") || return 1
    _bed_alive_pid "$pid"
}

# bed_kill i: kill -9 server i and wait until it is gone.
bed_kill() {
    local pid
    pid=$(bed_pid "$1") || return 1
    _bed_alive_pid "$pid" || return 0
    kill -KILL "$pid"
    _bed_wait_gone "$pid" 10
}

# bed_cont_all: SIGCONT to every server of the bed (a test may have
# stopped one with SIGSTOP).
bed_cont_all() {
    local i pid
    _bed_external && return 0
    _bed_load || return 0
    for ((i = 1; i <= BED_N; i++)); do
        pid=$(bed_pid "$i") && kill -CONT "$pid" 2>/dev/null
    done
    return 0
}

# bed_stop_server i: clean shutdown (SIGTERM, bounded wait, then SIGKILL).
bed_stop_server() {
    local pid
    pid=$(bed_pid "$1") || return 1
    _bed_alive_pid "$pid" || return 0
    kill -TERM "$pid"
    if ! _bed_wait_gone "$pid" 30; then
        echo "bed: server $1 ignored SIGTERM; SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null
        _bed_wait_gone "$pid" 10
    fi
}

# bed_restart i: start server i again, same options and datadir; its
# replication threads restart by themselves.
bed_restart() {
    local i=$1 pid
    _bed_need_local bed_restart || return 1
    _bed_load || return 1
    pid=$(bed_pid "$i")
    if _bed_alive_pid "$pid"; then
        bed_stop_server "$i" || return 1
    fi
    _bed_launch "$i"
    _bed_wait_up "$i" || return 1
}

# bed_leak_check: fail if a mariadbd of this bed still runs.
bed_leak_check() {
    _bed_external && return 0
    [ -n "${BED_DIR:-}" ] || return 0
    local p left=
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = mariadbd ] || continue
        if _bed_alive_pid "${p#/proc/}"; then
            left+=" ${p#/proc/}"
        fi
    done
    if [ -n "$left" ]; then
        echo "bed_leak_check: mariadbd still running for $BED_DIR:$left" >&2
        return 1
    fi
}

# bed_stop: stop every server by PID, tear down namespaces, remove files.
# Keeps $BED_DIR when BED_KEEP=1 (post-mortem).
bed_stop() {
    if _bed_external; then
        [ -n "${BED_DIR:-}" ] && rm -rf "$BED_DIR"
        return 0
    fi
    _bed_load 2>/dev/null || return 0
    local i pid rc=0
    for i in $(seq 1 "$BED_N"); do
        # A cut link makes shutdown wait on replication sockets: heal it.
        if [ "${BED_NETNS:-0}" = 1 ]; then
            NETNS_DIR=$BED_DIR/netns netns_link_up "$i" 2>/dev/null
        fi
        pid=$(cat "$(_bed_s "$i")/pid" 2>/dev/null) || continue
        _bed_alive_pid "$pid" && kill -TERM "$pid"
    done
    for i in $(seq 1 "$BED_N"); do
        pid=$(cat "$(_bed_s "$i")/pid" 2>/dev/null) || continue
        if ! _bed_wait_gone "$pid" 30; then
            kill -KILL "$pid" 2>/dev/null
            _bed_wait_gone "$pid" 10 || rc=1
        fi
    done
    bed_leak_check || rc=1
    if [ "${BED_NETNS:-0}" = 1 ]; then
        NETNS_DIR=$BED_DIR/netns netns_teardown || rc=1
    fi
    if [ "$rc" != 0 ]; then
        echo "bed_stop: not clean, keeping $BED_DIR" >&2
    elif [ "${BED_KEEP:-0}" != 1 ]; then
        rm -rf "$BED_DIR"
    fi
    unset BED_N
    return "$rc"
}
