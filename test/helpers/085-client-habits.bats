#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The habits of the mysql client: without --defaults-file the client
# library's default option files (here ~/.my.cnf, HOME a temporary
# directory), --no-defaults, --defaults-extra-file, --print-defaults, and
# the mode check on every file read that holds a password.
#
# The system's /etc/my.cnf and /etc/mysql/my.cnf are read too and cannot
# be avoided without writing to /etc: these tests assume, as on Debian,
# that they hold no password and nothing that names the bed's servers.

# bats sets $stderr for run --separate-stderr.
# shellcheck disable=SC2154

load ../lib/bed

setup_file() {
    bed_start -n 2
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    D=$BATS_TEST_TMPDIR
    export HOME=$D/home
    mkdir -p "$HOME"
    unset MARIADB_HOME MYSQL_HOME
    # The bed's administrative password, the secret to keep.
    SECRET=$(sed -n 's/^password=//p' "$(bed_cnf 1)" | head -1)
}

# private FILE TEXT / shared FILE TEXT: an option file of mode 0600 / 0644.
private() {
    (umask 077 && printf '%s\n' "$2" >"$1")
}

shared() {
    printf '%s\n' "$2" >"$1"
    chmod 0644 "$1"
}

# creds: the bed's account, without where its server is.
creds() {
    printf '[client]\nuser=mmha_admin\npassword=%s\n' "$SECRET"
}

# server I: where bed server I is, as option-file lines.
server() {
    printf '[client]\nhost=%s\nport=%s\nprotocol=tcp\n' "$(bed_host "$1")" \
        "$(bed_port "$1")"
}

@test "no --defaults-file: ~/.my.cnf (0600) is read; capture shows the server's real state" {
    private "$HOME/.my.cnf" "$(cat "$(bed_cnf 2)")"
    local pos
    pos=$(bed_sql 2 "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
    run -0 --separate-stderr mmha-binlog capture --format shell
    assert_line "SERVER_ID=2"
    assert_line "BINLOG_FILE=${pos%:*}"
    assert_line "GTID_BINLOG=$(bed_sql 2 'SELECT @@gtid_binlog_pos')"
    assert_equal "$stderr" ""
    # Every helper reads it, mmha-readonly --writable and mmha-lag too.
    run -0 mmha-readonly --writable --format shell
    assert_line "READ_ONLY=0"
    run -0 mmha-lag age --format shell
    assert_line --partial "AGE_MS="
}

@test "--defaults-group: its group of ~/.my.cnf besides [client]" {
    private "$HOME/.my.cnf" "$(creds)
$(server 1 | sed 's/^\[client\]$/[other]/')"
    run -0 --separate-stderr mmha-binlog capture --format shell \
        --defaults-group other
    assert_line "SERVER_ID=1"
}

@test "--no-defaults: ~/.my.cnf is not read; no password, so the login is denied (77)" {
    private "$HOME/.my.cnf" "$(cat "$(bed_cnf 1)")"
    local -a to=(--host 127.0.0.1 --port "$(bed_port 1)" --user mmha_admin)
    run -0 mmha-binlog capture "${to[@]}" --format shell
    assert_line "SERVER_ID=1"
    run -77 --separate-stderr mmha-binlog capture "${to[@]}" --no-defaults
    assert_output ""
    assert_equal "$stderr" "mmha-binlog: cannot connect to 127.0.0.1: Access denied for user 'mmha_admin'@'127.0.0.1' (using password: NO)"
    # An account without a password still works: the bed's root over its
    # socket (the user name is the login's, as for the mysql client).
    run -0 mmha-binlog capture --no-defaults --socket "$(bed_sock 1)" \
        --format shell
    assert_line "SERVER_ID=1"
    # And it prints no option of any file.
    run -0 --separate-stderr mmha-binlog capture --no-defaults --print-defaults
    assert_output "mmha-binlog would have been started with the following arguments:"
}

@test "--defaults-extra-file: read after the system files, before ~/.my.cnf" {
    # Credentials in ~/.my.cnf, the server in the extra file: both count.
    private "$HOME/.my.cnf" "$(creds)"
    shared "$D/extra.cnf" "$(server 2)"
    run -0 --separate-stderr mmha-binlog capture --format shell \
        --defaults-extra-file "$D/extra.cnf"
    assert_line "SERVER_ID=2"
    # ~/.my.cnf comes last, so its port wins over the extra file's.
    private "$HOME/.my.cnf" "$(creds)
port=$(bed_port 1)"
    run -0 --separate-stderr mmha-binlog capture --format shell \
        --defaults-extra-file "$D/extra.cnf"
    assert_line "SERVER_ID=1"
    run -0 --separate-stderr mmha-readonly --print-defaults \
        --defaults-extra-file "$D/extra.cnf"
    assert_line --partial "--host=$(bed_host 2) --port=$(bed_port 2) --protocol=tcp --user=mmha_admin --password=***** --port=$(bed_port 1)"
    # It must exist, as for the mysql client.
    run -66 --separate-stderr mmha-binlog capture \
        --defaults-extra-file "$D/none.cnf"
    assert_equal "$stderr" "mmha-binlog: --defaults-extra-file $D/none.cnf: cannot read it: No such file or directory"
}

@test "--print-defaults: every option in order, the password masked, no connection, exit 0" {
    private "$HOME/.my.cnf" "$(cat "$(bed_cnf 1)")"
    local t
    for t in "mmha-binlog capture" "mmha-lag check" "mmha-readonly" "mmha-guard"; do
        # shellcheck disable=SC2086 # the tool and its subcommand
        run -0 --separate-stderr $t --print-defaults --port 1 --user u -v
        assert_line "${t%% *} would have been started with the following arguments:"
        assert_line --partial "--user=mmha_admin --password=***** --host=$(bed_host 1) --port=$(bed_port 1) --protocol=tcp --port=1 --user=u"
        assert_line --partial "--password=*****"
        [[ "$output$stderr" != *"$SECRET"* ]] || fail "$t printed the password"
        # -v names the files read.
        [[ "$stderr" == *"option file $HOME/.my.cnf"* ]] ||
            fail "$t -v did not name ~/.my.cnf: $stderr"
    done
    # mmha: the file it would read instead of the resource's, masked too.
    run -0 --separate-stderr mmha status --print-defaults \
        --defaults-file "$HOME/.my.cnf"
    assert_output "mmha would have been started with the following arguments:
--user=mmha_admin --password=***** --host=$(bed_host 1) --port=$(bed_port 1) --protocol=tcp"
    # It wins over --check-args (neither connects).
    run -0 mmha-binlog capture --print-defaults --check-args
    assert_line --partial "--password=*****"
    [[ "$output" != *"$SECRET"* ]] || fail "the password was printed"
    # A file it may not read is refused as it would be for a connection.
    chmod 0640 "$HOME/.my.cnf"
    run -77 --separate-stderr mmha-binlog capture --print-defaults
    assert_output ""
}

@test "mode check: a ~/.my.cnf holding a password readable by others is refused (77), one without a password is fine" {
    shared "$HOME/.my.cnf" "$(cat "$(bed_cnf 1)")"
    local t
    for t in "mmha-binlog capture" "mmha-lag check" "mmha-readonly" "mmha-guard"; do
        # shellcheck disable=SC2086 # the tool and its subcommand
        run -77 --separate-stderr $t
        assert_equal "$stderr" "${t%% *}: option file $HOME/.my.cnf: holds a password and is readable by group or others (mode 0644); chmod 600 it"
        assert_output ""
    done
    # Without a password a shared file is fine: the password from elsewhere.
    shared "$HOME/.my.cnf" "$(server 2)"
    private "$D/creds.cnf" "$(creds)"
    run -0 mmha-binlog capture --format shell --defaults-extra-file "$D/creds.cnf"
    assert_line "SERVER_ID=2"
    # The same rule for the extra file, and for what a file includes.
    shared "$D/creds.cnf" "$(creds)"
    run -77 --separate-stderr mmha-binlog capture --defaults-extra-file "$D/creds.cnf"
    assert_equal "$stderr" "mmha-binlog: --defaults-extra-file $D/creds.cnf: holds a password and is readable by group or others (mode 0644); chmod 600 it"
    shared "$HOME/.my.cnf" "$(server 2)
!include $D/creds.cnf"
    run -77 --separate-stderr mmha-binlog capture
    assert_equal "$stderr" "mmha-binlog: option file $D/creds.cnf: holds a password and is readable by group or others (mode 0644); chmod 600 it"
    # Writable by others: refused with or without a password.
    shared "$HOME/.my.cnf" "$(server 2)"
    chmod 0664 "$HOME/.my.cnf"
    run -77 --separate-stderr mmha-binlog capture
    assert_equal "$stderr" "mmha-binlog: option file $HOME/.my.cnf: writable by group or others (mode 0664); chmod go-w it"
    # Owned by another user (not root): refused.
    chmod 0600 "$HOME/.my.cnf"
    chown nobody "$HOME/.my.cnf"
    run -77 --separate-stderr mmha-binlog capture
    assert_output ""
    [[ "$stderr" == *"option file $HOME/.my.cnf: owned by uid "* ]] ||
        fail "not refused for its owner: $stderr"
}

@test "MARIADB_HOME (else MYSQL_HOME): its my.cnf is read after /etc, as libmariadb does" {
    private "$HOME/.my.cnf" "$(creds)"
    mkdir -p "$D/mh" "$D/myh"
    shared "$D/mh/my.cnf" "$(server 2)"
    shared "$D/myh/my.cnf" "$(server 1)"
    run -0 env MYSQL_HOME="$D/myh" mmha-binlog capture --format shell
    assert_line "SERVER_ID=1"
    run -0 env MARIADB_HOME="$D/mh" MYSQL_HOME="$D/myh" mmha-binlog capture \
        --format shell
    assert_line "SERVER_ID=2"
}

@test "the files checked are the files the client library opens" {
    command -v strace >/dev/null || skip "no strace"
    private "$HOME/.my.cnf" "$(creds)"
    shared "$D/extra.cnf" "$(server 1)"
    # (LeakSanitizer cannot run under ptrace: leaks are the other tests'.)
    run -0 env ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
        strace -f -e trace=openat -o "$D/trace" mmha-binlog capture \
        --defaults-extra-file "$D/extra.cnf" --format shell
    assert_line "SERVER_ID=1"
    # Ours (the check) then the library's: the same files in the same order.
    run -0 grep -o -E '"[^"]*(my\.cnf|extra\.cnf)"' "$D/trace"
    local -a f
    mapfile -t f <<<"$output"
    local n=$((${#f[@]} / 2))
    assert_equal "$((n * 2))" "${#f[@]}"
    assert_equal "${f[*]:0:n}" "${f[*]:n}"
    assert_equal "${f[n - 2]} ${f[n - 1]}" "\"$D/extra.cnf\" \"$HOME/.my.cnf\""
}

@test "option-file options that exclude one another: one line naming both, 64" {
    local t
    for t in "mmha-binlog capture" "mmha-lag check" "mmha-readonly" "mmha-guard" "mmha status"; do
        # shellcheck disable=SC2086 # the tool and its subcommand
        run -64 --separate-stderr $t --no-defaults --defaults-file /x.cnf
        assert_equal "$stderr" "${t%% *}: --defaults-file: not with --no-defaults (see --help)"
        # shellcheck disable=SC2086
        run -64 --separate-stderr $t --defaults-file /x.cnf --no-defaults
        assert_equal "$stderr" "${t%% *}: --no-defaults: not with --defaults-file (see --help)"
        # shellcheck disable=SC2086
        run -64 --separate-stderr $t --defaults-file /x.cnf --defaults-extra-file /y.cnf
        assert_equal "$stderr" "${t%% *}: --defaults-extra-file: not with --defaults-file (see --help)"
        # shellcheck disable=SC2086
        run -64 --separate-stderr $t --defaults-extra-file /y.cnf --no-defaults
        assert_equal "$stderr" "${t%% *}: --no-defaults: not with --defaults-extra-file (see --help)"
        # shellcheck disable=SC2086
        run -64 --separate-stderr $t --no-defaults --defaults-group g
        assert_equal "$stderr" "${t%% *}: --defaults-group: not with --no-defaults (see --help)"
        assert_output ""
    done
}
