# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Running a document's commands on the cluster bed (docs/deployment.md).
#
#   doc_blocks DOC DIR     split DOC's fenced blocks into DIR/NNN.marker and
#                          DIR/NNN.body, in order
#   doc_prepare N          a bed cluster of N nodes set up as freshly
#                          installed hosts (see below), nothing configured
#   doc_run_blocks DIR     run every block as its marker says
#
# Each fenced block of the document is preceded by a marker line:
#   <!-- doc-test: nodeN -->          run in bed node N
#   <!-- doc-test: nodeN@H -->        the same, only on a bed of H nodes
#   <!-- doc-test: nodes -->          run in every node, node1 first
#   <!-- doc-test: corosync-conf -->  a corosync.conf written by the block,
#                                     checked with corosync -t
#   <!-- doc-test: skip REASON -->    not run here; REASON says why
# A block without a marker is an error: every command is accounted for.
#
# The hosts the document starts from are bed nodes (cluster.bash) with,
# as private binds: /etc/mysql a copy of this machine's (Debian's own
# files), /var/lib/mysql a datadir made by mariadb-install-db as the
# package's postinst does (root by unix socket), one /root shared by the
# nodes (what the document copies with scp is then in place), and
# /usr/share/doc/mmha/examples holding crm-examples/ with the bed's
# addresses; the agents and helpers are this tree's (cluster-mm.bash).
# systemctl and scp are the stand-ins in test/lib/doc-stand-ins.

_doc_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib/cluster-mm.bash
. "$_doc_lib_dir/cluster-mm.bash"

_doc_note() {
    { printf '# %s\n' "$*" >&3; } 2>/dev/null || printf '# %s\n' "$*" >&2
}

# doc_blocks DOC DIR: NNN.marker (the marker's text, or MISSING) and
# NNN.body (the block's lines) for every fenced block of DOC.
doc_blocks() {
    mkdir -p "$2" || return 1
    awk -v dir="$2" '
        /^<!-- doc-test: .* -->$/ {
            m = $0; sub(/^<!-- doc-test: /, "", m); sub(/ -->$/, "", m)
            next }
        /^```/ && !inblock { inblock = 1; n++
            f = sprintf("%s/%03d", dir, n)
            print (m == "" ? "MISSING" : m) >f ".marker"; close(f ".marker")
            printf "" >f ".body"; m = ""; next }
        /^```/ && inblock { inblock = 0; close(f ".body"); next }
        inblock { print >>(f ".body") }' "$1"
}

# doc_text FILE: a block as run on the bed: the bed's subnet for the
# document's 192.0.2.x, a 32 MB buffer pool, and the bed's number of
# nodes where the document says "hosts=2 # ... 2, or 3".
doc_text() {
    _cluster_load || return 1
    sed -e "s/\\b192\\.0\\.2\\./$(cluster_subnet)./g" \
        -e 's/^\(innodb_buffer_pool_size *= *\)1G$/\132M/' \
        -e "s/^hosts=2 /hosts=$CLUSTER_N /" "$1"
}

# doc_prepare N: the bed cluster and its nodes as fresh hosts.
doc_prepare() {
    local n=$1 i base d ex
    MM_REPL_PW=${MM_REPL_PW:-}
    PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$MMHA_BUILD_DIR" |
        paste -sd: -) cluster_start -n "$n" --fencing on || return 1
    mkdir -p "$(_mm_dir)/logs" "$(_mm_dir)/root" || return 1
    chmod 0700 "$(_mm_dir)/root"
    printf 'MM_READERS=0\nMM_EXAMPLE=\n' >"$(_mm_dir)/mm.env"
    _mm_stage || return 1
    ex=$(_mm_dir)/doc/mmha/examples
    mkdir -p "$ex" || return 1
    for d in "$MM_TOP"/crm-examples/*; do
        mm_example_text "$d" >"$ex/${d##*/}" || return 1
    done
    for ((i = 1; i <= n; i++)); do
        base=$(cluster_datadir_base "$i") || return 1
        rm -rf "$base/etc-mysql" "$base/mysql"
        cp -a /etc/mysql "$base/etc-mysql" || return 1
        install -d -o mysql -g mysql -m 0750 "$base/mysql" || return 1
        mariadb-install-db --user=mysql --datadir="$base/mysql" \
            --skip-test-db >"$base/install-db.log" 2>&1 || {
            grep -E "ERROR|error" "$base/install-db.log" | head -n 20 >&2
            return 1
        }
        {
            printf '%s /etc/mysql\n' "$base/etc-mysql"
            printf '%s /var/lib/mysql\n' "$base/mysql"
            printf '%s /root\n' "$(_mm_dir)/root"
            printf '%s /usr/share/doc\n' "$(_mm_dir)/doc"
            printf '%s/stage/ocf /usr/lib/ocf/resource.d/mmha\n' "$(_mm_dir)"
            printf '%s/stage/ocf-lib /usr/lib/ocf/lib/mmha\n' "$(_mm_dir)"
            printf '%s/stage/sbin /usr/local/sbin\n' "$(_mm_dir)"
        } >"$(_cluster_ndir "$i")/binds"
        _mm_bind_now "$i" || return 1
    done
    cluster_exec 1 cibadmin --upgrade --force >/dev/null
}

# _doc_in_node i FILE: run block FILE in node i (bash, errexit, pipefail,
# at most 300 s), the stand-ins first in PATH; its output to the run log.
_doc_in_node() {
    local i=$1 text
    text=$(doc_text "$2") || return 1
    printf '## node%s: %s\n' "$i" "$2" >>"$DOC_LOG"
    cluster_exec "$i" timeout --kill-after=5 300 \
        env PATH="$_doc_lib_dir/doc-stand-ins:$PATH" \
        bash -e -o pipefail -c "$text" </dev/null >>"$DOC_LOG" 2>&1 3>&-
}

# _doc_corosync FILE: the corosync.conf the block writes, checked by
# corosync -t (with a throw-away key where it names crypto).  The
# document's addresses stay: on the host the bed's would be taken for a
# local interface's.
_doc_corosync() {
    local dir
    dir=$(mktemp -d "$(_mm_dir)/corosync.XXXXXX") || return 1
    sed "s|/etc/corosync/corosync.conf|$dir/corosync.conf|" "$1" |
        bash -e || return 1
    corosync-keygen -k "$dir/authkey" >/dev/null 2>&1 || return 1
    sed -i "/crypto_hash/a\\    keyfile: $dir/authkey" "$dir/corosync.conf"
    printf '## corosync -t: %s\n' "$1" >>"$DOC_LOG"
    corosync -t -c "$dir/corosync.conf" >>"$DOC_LOG" 2>&1
}

# doc_run_blocks DIR: every block in order; stops at the first failure
# (status 1, the block named on stderr); lists the skipped ones on fd 3.
doc_run_blocks() {
    local f m i rc=0
    DOC_LOG=$(_mm_dir)/logs/doc.log
    for f in "$1"/*.marker; do
        m=$(cat "$f")
        f=${f%.marker}.body
        _cluster_load || return 1
        case $m in
        node[0-9]@"$CLUSTER_N") _doc_in_node "${m:4:1}" "$f" || rc=1 ;;
        node[0-9]@[0-9])
            _doc_note "not run on $CLUSTER_N nodes: $(head -n 1 "$f") ... (${m#*@}-host path)"
            ;;
        node[0-9]) _doc_in_node "${m#node}" "$f" || rc=1 ;;
        nodes)
            for ((i = 1; i <= CLUSTER_N; i++)); do
                _doc_in_node "$i" "$f" || { rc=1; break; }
            done
            ;;
        corosync-conf) _doc_corosync "$f" || rc=1 ;;
        skip\ *)
            _doc_note "not run: $(head -n 1 "$f") ... (${m#skip })"
            ;;
        *)
            echo "doc-test: block $f has no valid marker ($m)" >&2
            return 1
            ;;
        esac
        if [ "$rc" != 0 ]; then
            echo "doc-test: block $f ($m) failed:" >&2
            cat "$f" >&2
            echo "--- output (tail):" >&2
            tail -n 30 "$DOC_LOG" >&2
            return 1
        fi
    done
}
