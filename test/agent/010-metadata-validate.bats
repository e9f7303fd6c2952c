#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# mysql-mm meta-data against the OCF schemas, and validate-all refusing
# each bad parameter with its own message.  No server needed.

load ../lib/common

AGENT=$MMHA_TOP/agents/mysql-mm

setup_file() {
    WORK=$(mktemp -d "${BATS_FILE_TMPDIR}/va.XXXXXX")
    export WORK
    (umask 077; printf '[client]\nuser=u\npassword=p\n' >"$WORK/admin.cnf")
    "$AGENT" meta-data >"$WORK/md.xml"
}

setup() {
    load_bats_libs
}

# va [VAR=VALUE...]: validate-all in a minimal, valid environment that the
# arguments override (an attached server, so no mysqld files are needed).
va() {
    env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=mm \
        HA_RSCTMP="$WORK" HA_LOGFILE=/dev/null HA_DEBUGLOG=/dev/null \
        OCF_RESKEY_defaults_file="$WORK/admin.cnf" \
        OCF_RESKEY_manage_mysqld=false \
        OCF_RESKEY_helper_dir="$MMHA_BUILD_DIR" \
        "$@" "$AGENT" validate-all 2>&1
}

@test "meta-data validates against ra-api-1.dtd the way ocf-tester checks it" {
    cd /usr/share/resource-agents
    run -0 sh -c "xmllint --noout --valid - <'$WORK/md.xml'"
}

@test "meta-data validates against the OCF 1.1 RelaxNG schema" {
    local rng=/usr/share/pcs/data/ocf-1.1.rng
    [ -r "$rng" ] || skip "no OCF 1.1 schema ($rng, package pcs)"
    run -0 xmllint --noout --relaxng "$rng" "$WORK/md.xml"
}

@test "meta-data: every parameter has descriptions and a default" {
    local n p
    n=$(xmllint --xpath 'count(//parameter)' "$WORK/md.xml")
    [ "$n" -ge 20 ] || fail "only $n parameters"
    for p in $(xmllint --xpath '//parameter/@name' "$WORK/md.xml" |
        sed 's/ name="\([^"]*\)"/\1 /g'); do
        run -0 xmllint --xpath "//parameter[@name='$p']/content/@default" \
            "$WORK/md.xml"
        run -0 xmllint --xpath "string(//parameter[@name='$p']/shortdesc)" \
            "$WORK/md.xml"
        [ -n "$output" ] || fail "$p has no shortdesc"
        run -0 xmllint --xpath "string(//parameter[@name='$p']/longdesc)" \
            "$WORK/md.xml"
        [ -n "$output" ] || fail "$p has no longdesc"
    done
}

@test "meta-data defaults are the agent's own _default variables" {
    local p want got
    for p in catchup_policy catchup_timeout max_lag recover_lag lag_dwell \
        heartbeat_interval demote_kill_after replica_net_timeout replication_mode binary; do
        want=$(sed -n "s/^OCF_RESKEY_${p}_default=\"\(.*\)\"$/\1/p" "$AGENT")
        got=$(xmllint --xpath "string(//parameter[@name='$p']/content/@default)" \
            "$WORK/md.xml")
        assert_equal "$got" "$want"
    done
}

@test "meta-data: OCF 1.1 roles, separate monitor intervals, reload-agent" {
    local p u
    p=$(xmllint --xpath "string(//action[@name='monitor'][@role='Promoted']/@interval)" "$WORK/md.xml")
    u=$(xmllint --xpath "string(//action[@name='monitor'][@role='Unpromoted']/@interval)" "$WORK/md.xml")
    [ -n "$p" ] && [ -n "$u" ] && [ "$p" != "$u" ] ||
        fail "monitor intervals: Promoted '$p', Unpromoted '$u'"
    run -0 xmllint --xpath "//action[@name='reload-agent']" "$WORK/md.xml"
    run -0 xmllint --xpath "//parameter[@reloadable='1']" "$WORK/md.xml"
    run -0 xmllint --xpath "string(/resource-agent/version)" "$WORK/md.xml"
    assert_output 1.1
}

@test "meta-data works as an unprivileged user" {
    run -0 su nobody -s /bin/sh -c "OCF_ROOT=/usr/lib/ocf '$AGENT' meta-data >/dev/null"
}

@test "validate-all accepts the minimal environment" {
    run -0 va
}

@test "validate-all: unknown action is OCF_ERR_UNIMPLEMENTED" {
    run -3 env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf \
        OCF_RESKEY_defaults_file="$WORK/admin.cnf" \
        OCF_RESKEY_manage_mysqld=false HA_RSCTMP="$WORK" \
        HA_LOGFILE=/dev/null OCF_RESKEY_helper_dir="$MMHA_BUILD_DIR" \
        "$AGENT" frobnicate
}

@test "validate-all: defaults_file missing, absent, or readable by others" {
    # Not set: wrong on every node (OCF_ERR_CONFIGURED).  Missing or open
    # on this node: this node's problem (OCF_ERR_INSTALLED, OCF_ERR_PERM),
    # which Pacemaker does not turn into a cluster-wide stop.
    run -6 va OCF_RESKEY_defaults_file=
    assert_output --partial "defaults_file is required"
    run -5 va OCF_RESKEY_defaults_file="$WORK/nope.cnf"
    assert_output --partial "does not exist or is not readable"
    cp "$WORK/admin.cnf" "$WORK/open.cnf"
    chmod 0644 "$WORK/open.cnf"
    run -4 va OCF_RESKEY_defaults_file="$WORK/open.cnf"
    assert_output --partial "readable by group or others (mode 644"
    chmod 0640 "$WORK/open.cnf"
    run -4 va OCF_RESKEY_repl_defaults_file="$WORK/open.cnf"
    assert_output --partial "repl_defaults_file $WORK/open.cnf is readable by group"
    # Someone else's file, though private: not trusted either.
    cp "$WORK/admin.cnf" "$WORK/theirs.cnf"
    chown 65534 "$WORK/theirs.cnf"
    run -4 va OCF_RESKEY_defaults_file="$WORK/theirs.cnf"
    assert_output --partial "is owned by uid 65534, not by root or uid 0"
}

@test "validate-all: choices" {
    run -6 va OCF_RESKEY_catchup_policy=later
    assert_output --partial "catchup_policy must be one of: immediate wait (is 'later')"
    run -6 va OCF_RESKEY_catchup_timeout_action=shrug
    assert_output --partial "catchup_timeout_action must be one of: promote fail"
    run -6 va OCF_RESKEY_replication_mode=row
    assert_output --partial "replication_mode must be one of: gtid filepos"
    run -6 va OCF_RESKEY_keep_clients=maybe
    assert_output --partial "keep_clients must be true or false (is 'maybe')"
}

@test "validate-all: numbers" {
    run -6 va OCF_RESKEY_max_lag=5s
    assert_output --partial "max_lag must be a decimal integer in 1..86400000 (is '5s')"
    run -6 va OCF_RESKEY_catchup_timeout=-1
    assert_output --partial "catchup_timeout must be a decimal integer"
    run -6 va OCF_RESKEY_max_lag=1000 OCF_RESKEY_recover_lag=1000
    assert_output --partial "recover_lag (1000) must be less than max_lag (1000)"
    run -6 va OCF_RESKEY_heartbeat_interval=0
    assert_output --partial "heartbeat_interval must be in 10..3600000 (is '0')"
    run -6 va OCF_RESKEY_replica_net_timeout=1
    assert_output --partial "replica_net_timeout must be in 2..31536000"
    run -6 va OCF_RESKEY_replication_port=x
    assert_output --partial "replication_port must be a decimal integer"
}

@test "validate-all: writer_vip must be an IPv4 address" {
    run -6 va OCF_RESKEY_writer_vip=192.0.2.300
    assert_output --partial "writer_vip must be an IPv4 address (is '192.0.2.300')"
    run -6 va OCF_RESKEY_writer_vip=vip.example
    assert_output --partial "writer_vip must be an IPv4 address"
    run -0 va OCF_RESKEY_writer_vip=192.0.2.10
}

@test "validate-all: hooks must be executable" {
    run -5 va OCF_RESKEY_pre_promote_hook="$WORK/admin.cnf"
    assert_output --partial "pre_promote_hook: hook $WORK/admin.cnf is not an executable file"
}

@test "validate-all: helpers and mysqld files must exist" {
    run -5 va OCF_RESKEY_helper_dir="$WORK"
    assert_output --partial "helper mmha-readonly not found"
    run -5 va OCF_RESKEY_manage_mysqld=true OCF_RESKEY_binary="$WORK/mariadbd"
    assert_output --partial "is not executable"
    run -6 va OCF_RESKEY_manage_mysqld=true OCF_RESKEY_binary=/usr/bin/mysqld_safe
    assert_output --partial "not a restarting wrapper"
    run -5 va OCF_RESKEY_manage_mysqld=true OCF_RESKEY_config="$WORK/my.cnf"
    assert_output --partial "config $WORK/my.cnf is not readable"
}

@test "validate-all: warns when the server config lacks read_only=1" {
    mkdir -p "$WORK/data"
    printf '[mariadbd]\ndatadir=%s\npid-file=%s\nsocket=%s\n' \
        "$WORK/data" "$WORK/p" "$WORK/s" >"$WORK/my.cnf"
    run -0 va OCF_RESKEY_manage_mysqld=true OCF_RESKEY_config="$WORK/my.cnf" \
        HA_LOGFILE="$WORK/log"
    run -0 grep -c "lacks read_only=1" "$WORK/log"
    echo "read_only=1" >>"$WORK/my.cnf"
    : >"$WORK/log"
    run -0 va OCF_RESKEY_manage_mysqld=true OCF_RESKEY_config="$WORK/my.cnf" \
        HA_LOGFILE="$WORK/log"
    run -1 grep -c "lacks read_only=1" "$WORK/log"
}

@test "invalid environment: stop succeeds, a probe finds nothing, monitor fails" {
    run -0 env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf HA_LOGFILE=/dev/null \
        OCF_RESKEY_CRM_meta_interval=0 "$AGENT" stop
    run -7 env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf HA_LOGFILE=/dev/null \
        OCF_RESKEY_CRM_meta_interval=0 "$AGENT" monitor
    run -6 env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf HA_LOGFILE=/dev/null \
        OCF_RESKEY_CRM_meta_interval=5000 "$AGENT" monitor
}

@test "docs/mysql-mm.7 is the page generated from the current meta-data" {
    command -v xsltproc >/dev/null || skip "no xsltproc"
    sh "$MMHA_TOP/mk/agent-man.sh" "$AGENT" "$WORK/mysql-mm.7"
    run -0 diff <(grep -v '^\.TH' "$WORK/mysql-mm.7") \
        <(grep -v '^\.TH' "$MMHA_TOP/docs/mysql-mm.7")
}
