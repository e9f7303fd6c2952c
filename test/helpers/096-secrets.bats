#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # bats sets $output, $stderr
# Secrets in the statements of killed or blocking sessions never reach the
# helpers' output: blocked ALTER USER / CREATE USER / GRANT ... IDENTIFIED
# BY / SET PASSWORD (both forms) while mmha-readonly runs (and with
# --dry-run), in every output format and on stderr with -v. A CHANGE
# MASTER ... MASTER_PASSWORD is held neither by FLUSH TABLES WITH READ LOCK
# nor by BACKUP STAGE; with MASTER_DEMOTE_TO_SLAVE=1 it writes
# mysql.gtid_slave_pos, so a LOCK TABLES of that table holds it ("Waiting
# for table metadata lock").

load ../lib/bed

SECRET=TopSecret123

setup_file() {
    bed_start -n 1 -t none
    bed_sql 1 "SET sql_log_bin=0; CREATE OR REPLACE USER victim@'%' IDENTIFIED BY 'x0'"
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    PIDS=()
    bed_sql 1 "SET GLOBAL read_only=0"
}

teardown() {
    stop_pids "${PIDS[@]}"
    bed_sql 1 "SET GLOBAL read_only=0" || true
}

# blocked: a session holding FLUSH TABLES WITH READ LOCK, and one session
# per statement form waiting behind it ("Waiting for backup lock").
blocked() {
    local q
    (
        { echo "FLUSH TABLES WITH READ LOCK;"; sleep 30; } |
            mariadb --defaults-file="$(bed_cnf 1)" >/dev/null 2>&1
    ) 3>&- &
    PIDS+=("$!")
    wait_until 5 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'FLUSH TABLES%' OR (COMMAND = 'Sleep' AND USER = 'mmha_admin' AND ID <> CONNECTION_ID())\")\" -ge 1 ]"
    sleep 0.3
    for q in "ALTER USER victim@'%' IDENTIFIED BY '$SECRET'" \
        "CREATE USER v2@'%' IDENTIFIED BY \"$SECRET\"" \
        "GRANT SELECT ON test.* TO victim@'%' IDENTIFIED BY '$SECRET'" \
        "SET PASSWORD FOR victim@'%' = PASSWORD('$SECRET')" \
        "SET PASSWORD FOR victim@'%' = '${SECRET}'" \
        "ALTER USER victim@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('$SECRET')"; do
        (
            timeout 30 mariadb --defaults-file="$(bed_cnf 1)" -e "$q" \
                >/dev/null 2>&1
        ) 3>&- &
        PIDS+=("$!")
    done
    wait_until 10 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for backup lock'\")\" = 6 ]"
}

@test "blocked statements with a password: the secret is in the processlist, never in mmha-readonly's output" {
    blocked
    # The server itself shows it (what the helper must not pass on).
    run -0 bed_sql 1 "SELECT INFO FROM information_schema.PROCESSLIST"
    assert_output --partial "$SECRET"
    run --separate-stderr mmha-readonly --defaults-file "$(bed_cnf 1)" \
        --dry-run --format json -v
    assert_equal "$status" 0
    refute_output --partial "$SECRET"
    [[ $stderr != *"$SECRET"* ]] || fail "the secret is on stderr"
    assert_output --partial "IDENTIFIED BY '***'"
    assert_output --partial "PASSWORD('***')"
    # The real demotion: the blocked sessions are killed as clients, each
    # printed (notice on stderr, the report's kills).
    run --separate-stderr mmha-readonly --defaults-file "$(bed_cnf 1)" \
        --timeout 10 --format shell -v
    assert_equal "$status" 0
    refute_output --partial "$SECRET"
    [[ $stderr != *"$SECRET"* ]] || fail "the secret is on stderr"
    assert_line --partial "IDENTIFIED BY '***'"
    [[ $stderr == *"KILL CONNECTION"*"IDENTIFIED BY '***'"* ]] ||
        fail "no kill notice with the masked statement: $stderr"
    run -0 bed_sql 1 "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for backup lock'"
    assert_output 0
}

@test "the human format too" {
    blocked
    run --separate-stderr mmha-readonly --defaults-file "$(bed_cnf 1)" \
        --dry-run --format human
    assert_equal "$status" 0
    refute_output --partial "$SECRET"
    [[ $stderr != *"$SECRET"* ]] || fail "the secret is on stderr"
    assert_output --partial "'***'"
}

# blocked_change_master: an account without SUPER holding LOCK TABLES
# mysql.gtid_slave_pos READ (idle; it does not block read_only), and a
# CHANGE MASTER ... MASTER_PASSWORD waiting behind it.
blocked_change_master() {
    local cnf="$BATS_TEST_TMPDIR/locker.cnf"
    # Something in the binary log for the demotion to write.
    bed_sql 1 "CREATE TABLE IF NOT EXISTS test.cm (id INT); INSERT INTO test.cm VALUES (1);
        SET sql_log_bin=0; CREATE OR REPLACE USER locker@'%' IDENTIFIED BY 'lk';
        GRANT SELECT, LOCK TABLES ON mysql.* TO locker@'%'"
    (
        umask 077
        printf '[client]\nhost=%s\nport=%s\nuser=locker\npassword=lk\n' \
            "$(bed_host 1)" "$(bed_port 1)" >"$cnf"
    )
    (
        { echo "LOCK TABLES mysql.gtid_slave_pos READ;"; sleep 30; } |
            mariadb --defaults-file="$cnf" >/dev/null 2>&1
    ) 3>&- &
    PIDS+=("$!")
    wait_until 5 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'locker'\")\" = 1 ]"
    sleep 0.3
    (
        timeout 30 mariadb --defaults-file="$(bed_cnf 1)" -e "CHANGE MASTER TO
            MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='nobody',
            MASTER_PASSWORD='$SECRET', MASTER_USE_GTID=slave_pos,
            MASTER_DEMOTE_TO_SLAVE=1" >/dev/null 2>&1
    ) 3>&- &
    PIDS+=("$!")
    wait_until 10 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CHANGE MASTER%' AND STATE = 'Waiting for table metadata lock'\")\" = 1 ]"
}

@test "a blocked CHANGE MASTER ... MASTER_PASSWORD: the secret never in mmha-readonly's output, report or stderr" {
    blocked_change_master
    run -0 bed_sql 1 "SELECT INFO FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CHANGE MASTER%'"
    assert_output --partial "MASTER_PASSWORD='$SECRET'"
    local f
    for f in json shell human; do
        run --separate-stderr mmha-readonly --defaults-file "$(bed_cnf 1)" \
            --dry-run --format "$f" -v
        assert_equal "$status" 0
        refute_output --partial "$SECRET"
        [[ $stderr != *"$SECRET"* ]] || fail "the secret is on stderr ($f)"
        assert_output --partial "MASTER_PASSWORD='***'"
    done
    # The real demotion: the waiting statement's session (an account that
    # can write through read_only) is killed once read_only=1, then the
    # lock holder (a client); each kill printed, the statement masked.
    run --separate-stderr mmha-readonly --defaults-file "$(bed_cnf 1)" \
        --timeout 10 --format json -v
    assert_equal "$status" 0
    refute_output --partial "$SECRET"
    [[ $stderr != *"$SECRET"* ]] || fail "the secret is on stderr"
    [[ $stderr == *"KILL"*"CHANGE MASTER"*"MASTER_PASSWORD='***'"* ]] ||
        fail "no kill notice with the masked statement: $stderr"
    run -0 python3 -c 'import json, sys
for k in json.load(sys.stdin)["kills"]:
    print(k["reason"], k["statement"][:13])' <<<"$output"
    assert_line "bypass-user CHANGE MASTER"
    # (A subquery: next to COUNT(*) of no rows, MariaDB 10.11 gives 0 for
    # @@read_only.)
    run -0 bed_sql 1 "SELECT @@read_only, (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CHANGE MASTER%')"
    assert_output "$(printf '1\t0')"
    bed_sql 1 "STOP SLAVE; RESET SLAVE ALL" || true
}
