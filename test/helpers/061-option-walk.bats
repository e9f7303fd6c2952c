#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Every option that takes a value, on every helper and subcommand, read
# from the helpers' own option tables (their --help), given bad values:
# empty, malformed for its kind, negative, huge (100 kB), quotes, a
# backquote, a semicolon, a command substitution. Each is refused with
# exit 64 (EXIT STATUS of mmha-binlog(8), mmha-lag(8), mmha-readonly(8),
# mmha-guard(8)) and one short line on stderr naming the option, nothing
# on stdout - or accepted on purpose (accepted below). A real run (an
# option file of a live server, no --check-args) refuses the same before
# it connects, and the server is left as it was.

# shellcheck disable=SC2016 # quoted on purpose: nothing may run them
BIG=$(printf '9%.0s' {1..102400})
BAD_VALUES=('' MALFORMED '-1' "$BIG" "a'b" 'a"b' 'a`id`b' 'a;b' '$(id)')
TOOLS=(mmha-binlog mmha-lag mmha-readonly mmha-guard)
# A refusal is one line; no value is echoed back whole.
LINE_MAX=240

load ../lib/bed

setup_file() {
    bed_start -n 2
    WALK=$BATS_FILE_TMPDIR/walk
    mkdir -p "$WALK"
    local t
    for t in "${TOOLS[@]}"; do
        walk_table "$t" >>"$WALK/table" || return 1
    done
    export WALK
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    # A file that does not exist: --check-args opens nothing.
    NOFILE=$BATS_TEST_TMPDIR/none.cnf
}

# walk_contexts TOOL: the tool's subcommands from its usage lines, one a
# line ("-" for a tool without any), a positional argument after a tab.
walk_contexts() {
    local tool=$1 line group i last
    local -a w
    "$tool" --help | sed -n '/^options:/q;p' | while IFS= read -r line; do
        case "$line" in
        "usage: $tool "* | " "*" $tool "*) ;;
        *) continue ;;
        esac
        read -r -a w <<<"${line#*"$tool "}"
        if ! [[ ${w[0]} =~ ^[a-z][a-z-]*$ ]]; then
            echo -
            continue
        fi
        group=${w[0]} last=$group
        for ((i = 1; i < ${#w[@]}; i++)); do
            if [[ ${w[i]} =~ ^[a-z][a-z-]*$ ]] &&
                { [ "$i" = 1 ] || [ "${w[i - 1]}" = '|' ]; }; then
                last="$group ${w[i]}"
                echo "$last"
            elif [[ ${w[i]} =~ ^[A-Z]+$ ]] && [ "$last" = "$group ${w[i - 1]}" ]; then
                printf '%s\t%s\n' "$last" "${w[i]}"
            fi
        done
        [ "$last" != "$group" ] || echo "$group"
    done | sort -u
}

# walk_table TOOL: "TOOL<TAB>CONTEXT<TAB>OPTION<TAB>KIND<TAB>PREREQ" for
# every option of the tool that takes a value, in every subcommand it
# applies to (its description's "sub, sub2 --opt:" scope; the common
# options in all). OPTION is the subcommand's name for a positional.
walk_table() {
    local tool=$1 line sect='' opt kind what scope el ctx pre sub
    local -a ctxs scoped
    mapfile -t ctxs < <(walk_contexts "$tool" | cut -f1 | sort -u)
    [ "${#ctxs[@]}" -ge 1 ] || return 1
    walk_contexts "$tool" | awk -F'\t' -v t="$tool" 'NF == 2 {
        n = split($1, w, " "); print t "\t" $1 "\t" w[n] "\t" $2 "\t" }'
    while IFS= read -r line; do
        case "$line" in
        options:) sect=own; continue ;;
        'common options:') sect=common; continue ;;
        esac
        [ -n "$sect" ] || continue
        [[ $line =~ ^\ \ (-v,\ )?(--[a-z][a-z-]*)\ ([A-Z][^\ ]*|[a-z]+(\|[a-z]+)+)\ +(.*)$ ]] ||
            continue
        opt=${BASH_REMATCH[2]} kind=${BASH_REMATCH[3]} what=${BASH_REMATCH[5]}
        scoped=()
        if [ "$sect" = own ] && [ "${ctxs[0]}" != - ]; then
            scope=${what%%: *}
            [ "$scope" != "$what" ] || return 1
            while IFS= read -r el; do
                pre=''
                [[ $el =~ (--[a-z-]+) ]] && pre=${BASH_REMATCH[1]}
                el=${el%% --*}
                case "$el" in
                */*)
                    sub=${el##* }
                    scoped+=("${el% *} ${sub%%/*}"$'\t'"$pre"
                        "${el% *} ${sub##*/}"$'\t'"$pre")
                    ;;
                *) scoped+=("$el"$'\t'"$pre") ;;
                esac
            done < <(printf '%s\n' "$scope" | sed 's/, /\n/g')
        else
            for ctx in "${ctxs[@]}"; do scoped+=("$ctx"$'\t'); done
        fi
        for el in "${scoped[@]}"; do
            printf '%s\n' "${ctxs[@]}" | grep -qxF "${el%%$'\t'*}" || {
                echo "walk_table: $tool $opt: '${el%%$'\t'*}' is no subcommand" >&2
                return 1
            }
            printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "${el%%$'\t'*}" "$opt" \
                "$kind" "${el#*$'\t'}"
        done
    done < <("$tool" --help)
}

# malformed KIND: a value of the right sort but the wrong shape, by the
# placeholder of the option table; an unknown placeholder is an error.
malformed() {
    case "$1" in
    MS | S | N | PORT | SECONDS) echo 1e3 ;;
    FILE:POS) echo nocolon ;;
    HOST:PORT) echo h:0x10 ;;
    LIST) echo 1,,2 ;;
    SET) echo 1-x-5 ;;
    human\|shell\|json) echo xml ;;
    HOST | NODE | NAME | G | 'USER[@HOST]') echo 'a b' ;;
    FILE | PATH | USER | 'FILE|HOST:PORT') printf 'a\nb\n' ;;
    *) return 1 ;;
    esac
}

# accepted OPTION VALUE: a value taken on purpose.
# - A file or socket path may hold any character but a control character
#   (a file may be named so), shorter than PATH_MAX; so may a user name
#   (MariaDB accounts may hold quotes and blanks; the helpers hand it to
#   the client library, never to SQL text or a shell).
# - A Pacemaker node name, a CPG group name and a spare account are names
#   handed on as one argument (attrd_updater -N, cpg_join, a compared
#   string): ';', '$(...)' and "-1" are characters of a name there; a
#   quote, a blank, a backquote or a glob character is not.
# - "-1" is a host name, an option group and an attribute prefix too
#   (the characters of each; the agent's attribute_prefix takes it, see
#   test/agent/015).
accepted() {
    case "$1=$2" in
    --defaults-file=* | --defaults-extra-file=* | --socket=* | --user=* | \
        --pidfile=* | --state-file=* | --offset-from=* | --epoch-file=* | \
        --status-file=* | --repl-defaults-file=* | --reference=* | \
        --sent-file=*)
        [ -n "$2" ] && [ "${#2}" -lt 4096 ] && [[ $2 != *$'\n'* ]]
        return
        ;;
    --node=?* | --group=?* | --spare-user=?*)
        [ "${#2}" -le 255 ] && [[ $2 != *[\ \'\"\`]* ]]
        return
        ;;
    --defaults-group=-1 | --host=-1 | --publish=-1) return 0 ;;
    esac
    return 1
}

# walk_argv TOOL CONTEXT OPTION VALUE PREREQ: WALK_ARGV, the command line
# that gives OPTION the value in CONTEXT with what the subcommand needs
# otherwise (a valid line once the value is a good one).
walk_argv() {
    local tool=$1 ctx=$2 opt=$3 v=$4 pre=$5
    local -a sub=() base=()
    [ "$ctx" = - ] || read -r -a sub <<<"$ctx"
    case "$ctx" in
    wait) [[ $opt == --pos || $opt == --gtid ]] || base=(--drain) ;;
    repoint)
        [ "$opt" = --to ] || base+=(--to h:1)
        [ "$opt" = --at ] || base+=(--gtid)
        ;;
    errant) [ "$opt" = --reference ] || base=(--reference /etc/ref.cnf) ;;
    'replica reconnect')
        [ "$opt" = --repl-defaults-file ] || base=(--repl-defaults-file /etc/r.cnf)
        ;;
    'semisync source')
        [ "$opt" = --semisync-timeout ] || base=(--semisync-timeout 1000)
        ;;
    esac
    case "$pre" in
    --publish) base+=(--publish mmha) ;;
    --watch) base+=(--watch 100) ;;
    '') ;;
    *) return 1 ;;
    esac
    WALK_ARGV=("$tool" "${sub[@]}")
    if [ "${#sub[@]}" -gt 0 ] && [ "$opt" = "${sub[-1]}" ]; then
        WALK_ARGV+=("$v")
    else
        [ "$ctx" != 'replica net-timeout' ] || WALK_ARGV+=(5)
        WALK_ARGV+=("$opt" "$v")
    fi
    WALK_ARGV+=("${base[@]}")
}

# walk_one CONN... : run WALK_ARGV with CONN; on a refusal check it and
# return 0, on success return 3; anything else: a line in $WALK/bad.
walk_one() {
    local rc=0 out err n
    # Bounded: a value wrongly let through may start a daemon (beat).
    out=$(timeout -k 1 10 "${WALK_ARGV[@]}" "$@" 2>"$WALK/err" 3>&-) ||
        rc=$?
    err=$(<"$WALK/err")
    n=$(wc -l <"$WALK/err")
    if [ "$rc" = 0 ] && [ -z "$out" ] && [ -z "$err" ]; then
        return 3
    fi
    if [ "$rc" != 64 ]; then
        echo "$WALK_SHOW: exit $rc: ${err:0:200}" >>"$WALK/bad"
    elif [ -n "$out" ]; then
        echo "$WALK_SHOW: stdout: ${out:0:200}" >>"$WALK/bad"
    elif [ "$n" != 1 ]; then
        echo "$WALK_SHOW: $n lines on stderr: ${err:0:200}" >>"$WALK/bad"
    elif [ "${#err}" -gt "$LINE_MAX" ]; then
        echo "$WALK_SHOW: a line of ${#err} characters: ${err:0:200}" >>"$WALK/bad"
    elif [[ $err != "${WALK_ARGV[0]}: $WALK_OPT"[:\ ]* ]]; then
        echo "$WALK_SHOW: does not name $WALK_OPT: $err" >>"$WALK/bad"
    fi
    return 0
}

# walk MODE: every (option, bad value) of the table; MODE check (with
# --check-args, no option file) or real (the option file of server 2).
# Accepted values are listed in $WALK/accepted (check) and skipped
# (real: they would do their work).
walk() {
    local mode=$1 tool ctx opt kind pre v m rc
    local -a conn
    # bats' DEBUG trap (its line tracking) runs at each command: off here
    # (the walk runs in a subshell and reports through $WALK/bad).
    trap - DEBUG
    : >"$WALK/bad"
    : >"$WALK/accepted"
    WALK_RUNS=0
    while IFS=$'\t' read -r tool ctx opt kind pre; do
        m=$(malformed "$kind") || {
            echo "$tool $opt: no malformed value for $kind" >>"$WALK/bad"
            continue
        }
        for v in "${BAD_VALUES[@]}"; do
            [ "$v" != MALFORMED ] || v=$m
            walk_argv "$tool" "$ctx" "$opt" "$v" "$pre" || {
                echo "$tool $ctx $opt: prerequisite $pre unknown" >>"$WALK/bad"
                continue
            }
            WALK_OPT=$opt
            WALK_SHOW="$tool $ctx $opt '${v:0:12}'(${#v})"
            WALK_SHOW=${WALK_SHOW//$'\n'/\\n}
            case "$mode/$opt" in
            check/--defaults-file | check/--defaults-extra-file) conn=(--check-args) ;;
            check/*) conn=(--check-args --defaults-file "$NOFILE") ;;
            real/--defaults-file | real/--defaults-extra-file) conn=() ;;
            real/*) conn=(--defaults-file "$(bed_cnf 2)") ;;
            esac
            if [ "$mode" = real ] && accepted "$opt" "$v"; then
                continue
            fi
            WALK_RUNS=$((WALK_RUNS + 1))
            rc=0
            walk_one "${conn[@]}" || rc=$?
            if [ "$rc" = 3 ]; then
                if accepted "$opt" "$v"; then
                    printf '%s\t%s\t%s\n' "$tool $ctx" "$opt" "${v:0:20}" >>"$WALK/accepted"
                else
                    echo "$WALK_SHOW: accepted" >>"$WALK/bad"
                fi
            fi
        done
    done <"$WALK/table"
    echo "$WALK_RUNS" >"$WALK/runs"
    if [ -s "$WALK/bad" ]; then
        echo "$(wc -l <"$WALK/bad") defects:"
        sort -u "$WALK/bad" | head -n 200
        return 1
    fi
}

# server_state: what a real run must leave alone on server 2.
server_state() {
    bed_sql 2 "SELECT @@global.read_only, @@global.gtid_binlog_pos,
        @@global.slave_net_timeout, @@global.rpl_semi_sync_master_enabled,
        @@global.rpl_semi_sync_slave_enabled,
        (SELECT COUNT(*) FROM information_schema.PROCESSLIST)"
    _bed_slave_field 2 Slave_IO_Running Slave_SQL_Running Master_Host \
        Master_Port Exec_Master_Log_Pos
}

connections() {
    bed_sql 2 "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
        WHERE VARIABLE_NAME = 'CONNECTIONS'"
}

@test "option tables: every helper's subcommands and value options found" {
    local n
    # 13 mmha-binlog subcommands, 3 of mmha-lag, one each for the others.
    n=$(cut -f1,2 "$WALK/table" | sort -u | wc -l)
    [ "$n" -ge 18 ] || fail "only $n subcommands in the option tables"
    n=$(cut -f1,3 "$WALK/table" | sort -u | wc -l)
    # 9 common options on 4 tools, 33 own options and net-timeout's SECONDS.
    [ "$n" -ge 70 ] || fail "only $n (tool, option) pairs: $(cut -f1,3 "$WALK/table" | sort -u)"
    n=$(wc -l <"$WALK/table")
    [ "$n" -ge 190 ] || fail "only $n (subcommand, option) pairs"
    echo "# $n (subcommand, option) pairs" >&3
    # Each subcommand's base command line is a good one.
    local tool ctx opt kind pre
    while IFS=$'\t' read -r tool ctx opt kind pre; do
        walk_argv "$tool" "$ctx" --timeout 1 "$pre"
        run -0 --separate-stderr "${WALK_ARGV[@]}" --check-args --defaults-file "$NOFILE"
        assert_equal "$output" ""
    done < <(sort -u -t$'\t' -k1,2 "$WALK/table")
}

@test "check-args: every bad value refused in one line naming the option (64), or accepted on purpose" {
    (walk check)
    echo "# $(<"$WALK/runs") runs, $(wc -l <"$WALK/accepted") values accepted on purpose:" \
        "$(cut -f2 "$WALK/accepted" | sort | uniq -c | tr -s ' \n' ' ')" >&3
}

@test "a real run refuses the same before it connects, and changes nothing" {
    local c0 c1 s0 s1
    s0=$(server_state)
    c0=$(connections)
    (walk real)
    c1=$(connections)
    s1=$(server_state)
    # One connection: the one that read the counter the second time.
    assert_equal "$((c1 - c0))" 1
    assert_equal "$s1" "$s0"
    echo "# $(<"$WALK/runs") runs" >&3
}
