#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Every parameter of the meta-data given bad values (empty, leading zero,
# negative, huge, 100 kB, spaces, glob characters, quotes, command
# substitution): validate-all refuses each with one short line naming the
# parameter and an OCF code for its scope, and leaves the server as it
# was; or the value is one the agent works with - which a lifecycle on a
# real (attached) server then shows.

load ../lib/agent

# shellcheck disable=SC2016 # quoted on purpose: the agent must not run them
BAD_VALUES=('' '08' '-1' '99999999999999999999' 'a b' '*' "'q'" '"q"'
    '`id`' 'a;b' '$(id)' "$(printf '9%.0s' {1..102400})")
# An exit reason is one line that names the parameter, not the whole value.
REASON_MAX=300

setup_file() {
    bed_start -n 1 -t none
    agent_cib_init 1
    WALK=$BATS_FILE_TMPDIR/walk
    mkdir -p "$WALK"
    export WALK
}

teardown_file() {
    run_agent '?' 1 stop OCF_RESKEY_manage_mysqld=false 3>/dev/null
    bed_stop
}

setup() {
    load_bats_libs
}

# problem TEXT: one defect of the walk, kept for the report at its end.
problem() {
    printf '%s\n' "$1" >>"$WALK/bad"
}

# server_state: what validate-all must leave alone on server 1.
server_state() {
    bed_sql 1 "SELECT @@global.read_only, @@global.gtid_binlog_pos,
        @@global.slave_net_timeout, @@global.rpl_semi_sync_master_enabled,
        @@global.event_scheduler"
    _bed_slave_field 1 Slave_IO_Running Slave_SQL_Running Master_Host
}

# walk_va PARAM VALUE: validate-all of node 1 (managed: every mysqld
# parameter is checked) with PARAM=VALUE.
walk_va() {
    agent_argv 1 validate-all OCF_RESKEY_manage_mysqld=true \
        "OCF_RESKEY_$1=$2"
    timeout 60 "${AGENT_ARGV[@]}" 2>&1
}

# accepted PARAM VALUE: a value validate-all lets through on purpose: an
# empty optional parameter (its default), a path (pid, socket), or a name
# the agent passes on as one argument and the helpers take (spare users,
# attribute prefix, host, system user). No value longer than a path
# (4096 characters) is one.
accepted() {
    [ "${#2}" -le 4096 ] || return 1
    case "$1=$2" in
    repl_defaults_file= | datadir= | additional_parameters= | \
        replication_host= | replication_port= | writer_vip= | spare_users= | \
        epoch_file= | pid= | socket= | helper_dir= | *_hook=) return 0 ;;
    pid=* | socket=* | spare_users=* | attribute_prefix=* | \
        replication_host=* | user=*) return 0 ;;
    esac
    return 1
}

# walk_all: validate-all with each bad value of each parameter of the
# meta-data; the defects in $WALK/bad, the values accepted on purpose in
# $WALK/accepted.
walk_all() {
    local p v out rc reasons line
    local -a params
    # bats' DEBUG trap (its line tracking) runs at each command, 100 kB
    # words and all: off here (a subshell; defects go to $WALK/bad).
    trap - DEBUG
    mapfile -t params < <("$MMHA_AGENT" meta-data |
        sed -n 's/.*<parameter name="\([^"]*\)".*/\1/p')
    echo "${#params[@]}" >"$WALK/params"
    : >"$WALK/accepted"
    : >"$WALK/bad"
    for p in "${params[@]}"; do
        for v in "${BAD_VALUES[@]}"; do
            rc=0
            out=$(walk_va "$p" "$v") || rc=$?
            if [ "$rc" = 0 ]; then
                accepted "$p" "$v" ||
                    problem "validate-all accepts $p='${v:0:40}' (${#v} characters)"
                printf '%s\t%.40s\n' "$p" "$v" >>"$WALK/accepted"
                continue
            fi
            case "$rc" in
            4 | 5 | 6) ;;
            *) problem "$p='${v:0:40}': validate-all exit $rc (not an OCF error code): ${out:0:600}" ;;
            esac
            reasons=$(grep -c '^ocf-exit-reason:' <<<"$out") || true
            [ "$reasons" = 1 ] ||
                problem "$p='${v:0:40}': $reasons exit reasons: ${out:0:600}"
            line=$(grep '^ocf-exit-reason:' <<<"$out") || true
            [[ $line == *"$p"* ]] ||
                problem "$p='${v:0:40}': the reason does not name $p: ${out:0:600}"
            [ "${#line}" -le "$REASON_MAX" ] ||
                problem "$p='${v:0:40}': a reason of ${#line} characters: ${line:0:400}"
            [ "${#out}" -le 4096 ] ||
                problem "$p='${v:0:40}': ${#out} characters of output: ${out:0:600}"
        done
    done
}

@test "validate-all: every bad value refused in one line naming the parameter, or accepted on purpose" {
    local s0 s1
    s0=$(server_state)
    (walk_all)
    s1=$(server_state)
    [ "$(<"$WALK/params")" -ge 30 ] || fail "only $(<"$WALK/params") parameters"
    [ ! -s "$WALK/bad" ] || fail "$(cat "$WALK/bad")"
    # validate-all changed nothing on the server.
    assert_equal "$s1" "$s0"
    echo "# $(<"$WALK/params") parameters x ${#BAD_VALUES[@]} values," \
        "$(wc -l <"$WALK/accepted") accepted on purpose" >&3
}

@test "the accepted names work: an attached lifecycle with them" {
    local -a odd=(OCF_RESKEY_manage_mysqld=false
        "OCF_RESKEY_spare_users=08 -1 a;b \$(id) 99999999999999999999"
        OCF_RESKEY_attribute_prefix=08)
    run_agent 0 1 start "${odd[@]}"
    run_agent 0 1 monitor OCF_RESKEY_CRM_meta_interval=10000 "${odd[@]}"
    run_agent 0 1 promote "${odd[@]}"
    run_agent 8 1 monitor OCF_RESKEY_CRM_meta_interval=5000 "${odd[@]}"
    run -0 crm_attribute -N n1 -n 08-readable -l reboot -G -q
    assert_output 1
    run -0 bed_app_sql 1 "CREATE TABLE test.walk (id INT PRIMARY KEY)"
    run_agent 0 1 demote "${odd[@]}"
    run -0 bed_sql 1 "SELECT @@global.read_only"
    assert_output 1
    run_agent 0 1 stop "${odd[@]}"
    # No file named after a glob, nothing run from a quote.
    run -1 compgen -G "$(agent_dir)/rsctmp-n1/*id*"
}
