# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# OCF_RESKEY_* come from the agent.
# shellcheck disable=SC2154
#
# mmha-validate.sh: mysql-mm's parameters and this node's files checked,
# each problem with the OCF code for its scope: OCF_ERR_CONFIGURED only for
# a value wrong on every node, OCF_ERR_INSTALLED / OCF_ERR_PERM for this
# node's files and programs.  Numbers and names are checked as the helpers
# take them (the bounds in mmha-decide.sh, and the helpers' own
# --check-args).
#
# Copyright the mmha contributors.

# mm_fill_defaults: datadir, pid, socket and port from the server config.
mm_fill_defaults() {
    if ocf_is_true "$OCF_RESKEY_manage_mysqld" && [ -r "$OCF_RESKEY_config" ]; then
        mmha_cnf_load
        mmha_cnf_val datadir
        : "${OCF_RESKEY_datadir:=$MMHA_CNF_VAL}"
        mmha_cnf_val pid-file
        : "${OCF_RESKEY_pid:=$MMHA_CNF_VAL}"
        mmha_cnf_val socket
        : "${OCF_RESKEY_socket:=$MMHA_CNF_VAL}"
        mmha_cnf_val port
        : "${OCF_RESKEY_replication_port:=$MMHA_CNF_VAL}"
    fi
    : "${OCF_RESKEY_replication_port:=3306}"
}

# mm_validate_params: what is wrong on every node (OCF_ERR_CONFIGURED).
mm_validate_params() {
    # Not on a recurring monitor: its parameters are those its start
    # checked, and the check costs two processes there.
    if [ "${MM_ACTION:-}" != monitor ] || ocf_is_probe; then
        mm_check_lengths || return "$OCF_ERR_CONFIGURED"
    fi
    if [ -z "$OCF_RESKEY_defaults_file" ]; then
        ocf_exit_reason "defaults_file is required (an option file with the administrative user)"
        return "$OCF_ERR_CONFIGURED"
    fi
    mm_check_bool manage_mysqld "$OCF_RESKEY_manage_mysqld" &&
        mm_check_bool keep_clients "$OCF_RESKEY_keep_clients" &&
        mm_check_bool writer_vip_refuse "$OCF_RESKEY_writer_vip_refuse" &&
        mm_check_bool check_errant "$OCF_RESKEY_check_errant" &&
        mm_check_choice replication_mode "$OCF_RESKEY_replication_mode" gtid filepos &&
        mm_check_choice catchup_policy "$OCF_RESKEY_catchup_policy" immediate wait &&
        mm_check_choice catchup_timeout_action "$OCF_RESKEY_catchup_timeout_action" promote fail &&
        mm_check_choice semisync "$OCF_RESKEY_semisync" off on &&
        mm_check_numbers && mm_check_names || return "$OCF_ERR_CONFIGURED"
    if [ "$OCF_RESKEY_recover_lag" -ge "$OCF_RESKEY_max_lag" ]; then
        ocf_exit_reason "recover_lag ($OCF_RESKEY_recover_lag) must be less than max_lag ($OCF_RESKEY_max_lag)"
        return "$OCF_ERR_CONFIGURED"
    fi
    if [ -n "$OCF_RESKEY_epoch_file" ]; then
        case "$OCF_RESKEY_epoch_file" in
        /*) ;;
        *)
            ocf_exit_reason "epoch_file must be an absolute path (is '$OCF_RESKEY_epoch_file')"
            return "$OCF_ERR_CONFIGURED"
            ;;
        esac
    fi
    if [ -n "$OCF_RESKEY_writer_vip" ] &&
        ! mmha_is_ipv4 "$OCF_RESKEY_writer_vip"; then
        ocf_exit_reason "writer_vip must be an IPv4 address (is '$(mmha_show "$OCF_RESKEY_writer_vip")')"
        return "$OCF_ERR_CONFIGURED"
    fi
    case "${OCF_RESKEY_binary##*/}" in
    *safe*)
        ocf_exit_reason "binary must be mysqld or mariadbd, not a restarting wrapper ($OCF_RESKEY_binary)"
        return "$OCF_ERR_CONFIGURED"
        ;;
    esac
}

# The longest parameter value: a path (PATH_MAX) or a list of names.
MM_PARAM_MAX=4096

# mm_check_lengths: no parameter (those with a _default, as the meta-data
# lists them) longer than a path may be: one line naming the first that is,
# without its value. The reasons below then quote a path whole (the
# operator needs it) and any other value by mmha_show.
mm_check_lengths() {
    for _lp in $(set | sed -n 's/^OCF_RESKEY_\([a-z_]*\)_default=.*/\1/p'); do
        # A parameter name of the agent's own, never a value.
        eval "_lv=\${OCF_RESKEY_$_lp}"
        if [ "${#_lv}" -gt "$MM_PARAM_MAX" ]; then
            ocf_exit_reason "$_lp is ${#_lv} characters long (at most $MM_PARAM_MAX)"
            return 1
        fi
    done
}

mm_check_bool() {
    case "$2" in
    1 | 0 | [Tt]rue | [Ff]alse | [Yy]es | [Nn]o | [Oo]n | [Oo]ff) return 0 ;;
    esac
    ocf_exit_reason "$1 must be true or false (is '$(mmha_show "$2")')"
    return 1
}

# mm_check_choice NAME VALUE CHOICES...
mm_check_choice() {
    _n=$1 _v=$2
    shift 2
    for _c in "$@"; do
        [ "$_v" = "$_c" ] && return 0
    done
    ocf_exit_reason "$_n must be one of: $* (is '$(mmha_show "$_v")')"
    return 1
}

# mm_check_numbers: every numeric parameter within the bounds the helpers
# it is passed to accept (and the agent's own arithmetic can take).
mm_check_numbers() {
    _cn_why=$(
        mmha_decide_param_number catchup_timeout "$OCF_RESKEY_catchup_timeout" 1 86400
        mmha_decide_param_number max_lag "$OCF_RESKEY_max_lag" 1 86400000
        mmha_decide_param_number recover_lag "$OCF_RESKEY_recover_lag" 0 86400000
        mmha_decide_param_number lag_dwell "$OCF_RESKEY_lag_dwell" 0 86400
        mmha_decide_param_number heartbeat_interval "$OCF_RESKEY_heartbeat_interval" 10 3600000
        mmha_decide_param_number demote_kill_after "$OCF_RESKEY_demote_kill_after" 0 86400000
        mmha_decide_param_number replica_net_timeout "$OCF_RESKEY_replica_net_timeout" 2 31536000
        mmha_decide_param_number promote_grace "$OCF_RESKEY_promote_grace" 0 3600000
        mmha_decide_param_number semisync_timeout "$OCF_RESKEY_semisync_timeout" 1 3600000
        [ -z "$OCF_RESKEY_replication_port" ] ||
            mmha_decide_param_number replication_port "$OCF_RESKEY_replication_port" 1 65535
    )
    [ -z "$_cn_why" ] && return 0
    ocf_exit_reason "$(printf '%s\n' "$_cn_why" | head -n 1)"
    return 1
}

# mm_check_names: the attribute prefix, as part of the names it becomes;
# the replication address, as others reach it.
mm_check_names() {
    _cm_why=$(mmha_decide_param_name attribute_prefix "$OCF_RESKEY_attribute_prefix"
        mmha_decide_param_host replication_host "$OCF_RESKEY_replication_host")
    [ -z "$_cm_why" ] && return 0
    ocf_exit_reason "$(printf '%s\n' "$_cm_why" | head -n 1)"
    return 1
}

# mm_validate_files: this node's files and programs: a problem with one
# is OCF_ERR_INSTALLED or OCF_ERR_PERM (this node only), never
# OCF_ERR_CONFIGURED.
mm_validate_files() {
    _p=$(mmha_private_file "$OCF_RESKEY_defaults_file") || {
        _prc=$?
        ocf_exit_reason "defaults_file $OCF_RESKEY_defaults_file $_p"
        return "$_prc"
    }
    if [ -n "$OCF_RESKEY_repl_defaults_file" ]; then
        _p=$(mmha_private_file "$OCF_RESKEY_repl_defaults_file") || {
            _prc=$?
            ocf_exit_reason "repl_defaults_file $OCF_RESKEY_repl_defaults_file $_p"
            return "$_prc"
        }
    fi
    for _h in pre_promote_hook="$OCF_RESKEY_pre_promote_hook" \
        post_promote_hook="$OCF_RESKEY_post_promote_hook" \
        pre_demote_hook="$OCF_RESKEY_pre_demote_hook" \
        post_demote_hook="$OCF_RESKEY_post_demote_hook"; do
        if [ -n "${_h#*=}" ] && [ ! -x "${_h#*=}" ]; then
            ocf_exit_reason "${_h%%=*}: hook ${_h#*=} is not an executable file"
            return "$OCF_ERR_INSTALLED"
        fi
    done
    for _t in mmha-readonly mmha-binlog mmha-lag; do
        if [ -n "$OCF_RESKEY_helper_dir" ]; then
            _tb=$OCF_RESKEY_helper_dir/$_t
        else
            _tb=$(mmha_helper_bin "$_t")
        fi
        if [ ! -x "$_tb" ]; then
            ocf_exit_reason "helper $_t not found (helper_dir='$OCF_RESKEY_helper_dir')"
            return "$OCF_ERR_INSTALLED"
        fi
    done
}

# mm_validate_mysqld: a managed server's binary, config and files here.
mm_validate_mysqld() {
    if [ ! -x "$OCF_RESKEY_binary" ]; then
        ocf_exit_reason "binary $OCF_RESKEY_binary is not executable"
        return "$OCF_ERR_INSTALLED"
    fi
    if [ ! -r "$OCF_RESKEY_config" ]; then
        ocf_exit_reason "config $OCF_RESKEY_config is not readable"
        return "$OCF_ERR_INSTALLED"
    fi
    if [ -z "$OCF_RESKEY_datadir" ] || [ ! -d "$OCF_RESKEY_datadir" ]; then
        ocf_exit_reason "datadir '$OCF_RESKEY_datadir' is not a directory"
        return "$OCF_ERR_INSTALLED"
    fi
    if [ -z "$OCF_RESKEY_pid" ]; then
        ocf_exit_reason "pid is not set and config $OCF_RESKEY_config has no pid-file"
        return "$OCF_ERR_INSTALLED"
    fi
    if [ -z "$OCF_RESKEY_socket" ]; then
        ocf_exit_reason "socket is not set and config $OCF_RESKEY_config has no socket"
        return "$OCF_ERR_INSTALLED"
    fi
    # The user matters to a start only (id is a process on every monitor).
    if [ "${MM_ACTION:-}" = start ] || [ "${MM_ACTION:-}" = validate-all ] &&
        ! id "$OCF_RESKEY_user" >/dev/null 2>&1; then
        ocf_exit_reason "user $(mmha_show "$OCF_RESKEY_user") does not exist"
        return "$OCF_ERR_INSTALLED"
    fi
    mmha_cnf_val read-only
    case "$MMHA_CNF_VAL" in
    1 | ON | on | TRUE | true) ;;
    *)
        ocf_log warn "config $OCF_RESKEY_config lacks read_only=1: a restart by anything but this agent would come up writable"
        ;;
    esac
    return "$OCF_SUCCESS"
}

# mm_check_helper_args: the helpers accept the values the parameters
# become on their command lines (asked with --check-args: nothing is
# opened or connected), so that no promote, demote or monitor fails later
# on a value validate-all let through.  validate-all and start only.
mm_check_helper_args() {
    set -f
    _ha_spare=''
    for _ha_u in $OCF_RESKEY_spare_users; do
        _ha_spare="$_ha_spare --spare-user $_ha_u"
    done
    # Word splitting of the spare users is intended.
    # shellcheck disable=SC2086
    _ha_why=$(
        mm_helper_args max_lag,recover_lag,lag_dwell mmha-lag check \
            --max-lag "$OCF_RESKEY_max_lag" \
            --recover-lag "$OCF_RESKEY_recover_lag" \
            --dwell "$OCF_RESKEY_lag_dwell" &&
            mm_helper_args heartbeat_interval mmha-lag beat \
                --interval "$OCF_RESKEY_heartbeat_interval" --epoch 1 &&
            mm_helper_args demote_kill_after,spare_users mmha-readonly \
                --kill-after "$OCF_RESKEY_demote_kill_after" $_ha_spare &&
            mm_helper_args catchup_timeout mmha-binlog wait --drain \
                --timeout "$OCF_RESKEY_catchup_timeout" &&
            mm_helper_args replica_net_timeout mmha-binlog replica \
                net-timeout "$OCF_RESKEY_replica_net_timeout"
    )
    set +f
    [ -z "$_ha_why" ] && return "$OCF_SUCCESS"
    ocf_exit_reason "$_ha_why"
    return "$OCF_ERR_CONFIGURED"
}

# mm_helper_args PARAMS HELPER ARGS...: HELPER --check-args ARGS; on a
# refusal prints one line naming the parameters and the helper's reason.
mm_helper_args() {
    _hp=$1
    shift
    _hb=$(mmha_helper_bin "$1")
    shift
    _hr=$("$_hb" "$@" --check-args 2>&1) && return 0
    echo "$_hp refused: $(printf '%s\n' "$_hr" | head -n 1)"
    return 1
}

# mm_check_server_options: mysqld accepts additional_parameters (with
# this node's config too); run by validate-all and start only (~70 ms).
# Refused alone, they are wrong everywhere; refused only with the
# config, the config is this node's problem.
mm_check_server_options() {
    ocf_is_true "$OCF_RESKEY_manage_mysqld" || return "$OCF_SUCCESS"
    set -f
    # Word splitting of additional_parameters is intended.
    # shellcheck disable=SC2086
    _so_err=$("$OCF_RESKEY_binary" --no-defaults \
        $OCF_RESKEY_additional_parameters --help --verbose 2>&1 >/dev/null) || {
        set +f
        ocf_exit_reason "additional_parameters refused by $OCF_RESKEY_binary: $(printf '%s\n' "$_so_err" | grep -m1 .)"
        return "$OCF_ERR_CONFIGURED"
    }
    # shellcheck disable=SC2086
    _so_err=$("$OCF_RESKEY_binary" --defaults-file="$OCF_RESKEY_config" \
        $OCF_RESKEY_additional_parameters --help --verbose 2>&1 >/dev/null) || {
        set +f
        ocf_exit_reason "config $OCF_RESKEY_config refused by $OCF_RESKEY_binary: $(printf '%s\n' "$_so_err" | grep -m1 .)"
        return "$OCF_ERR_INSTALLED"
    }
    set +f
    return "$OCF_SUCCESS"
}
