#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Every parameter of the meta-data given bad values (empty, leading zero,
# negative, huge, spaces, glob characters, quotes, command substitution):
# validate-all refuses each with one line naming the parameter and an OCF
# code for its scope, or the value is one the agent works with - which a
# lifecycle on a real (attached) server then shows.

load ../lib/agent

# shellcheck disable=SC2016 # quoted on purpose: the agent must not run them
BAD_VALUES=('' '08' '-1' '99999999999999999999' 'a b' '*' "'q'" '"q"'
    '`id`' 'a;b' '$(id)')

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
# attribute prefix, host, system user).
accepted() {
    case "$1=$2" in
    repl_defaults_file= | datadir= | additional_parameters= | \
        replication_host= | replication_port= | writer_vip= | spare_users= | \
        epoch_file= | pid= | socket= | helper_dir= | *_hook=) return 0 ;;
    pid=* | socket=* | spare_users=* | attribute_prefix=* | \
        replication_host=* | user=*) return 0 ;;
    esac
    return 1
}

@test "validate-all: every bad value refused in one line naming the parameter, or accepted on purpose" {
    local p v out rc reasons
    local -a params
    mapfile -t params < <("$MMHA_AGENT" meta-data |
        sed -n 's/.*<parameter name="\([^"]*\)".*/\1/p')
    [ "${#params[@]}" -ge 30 ] || fail "only ${#params[@]} parameters"
    : >"$WALK/accepted"
    for p in "${params[@]}"; do
        for v in "${BAD_VALUES[@]}"; do
            rc=0
            out=$(walk_va "$p" "$v") || rc=$?
            if [ "$rc" = 0 ]; then
                accepted "$p" "$v" ||
                    fail "validate-all accepts $p='$v'"
                printf '%s\t%s\n' "$p" "$v" >>"$WALK/accepted"
                continue
            fi
            case "$rc" in
            4 | 5 | 6) ;;
            *) fail "$p='$v': validate-all exit $rc (not an OCF error code): $out" ;;
            esac
            reasons=$(grep -c '^ocf-exit-reason:' <<<"$out") || true
            [ "$reasons" = 1 ] ||
                fail "$p='$v': $reasons exit reasons: $out"
            grep -q "^ocf-exit-reason:.*$p" <<<"$out" ||
                fail "$p='$v': the reason does not name $p: $out"
        done
    done
    echo "# $(wc -l <"$WALK/accepted") values accepted on purpose" >&3
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
