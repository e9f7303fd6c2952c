#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # bats sets $output, $stderr
# Secrets in the statements of killed or blocking sessions never reach the
# helpers' output: blocked ALTER USER / CREATE USER / GRANT ... IDENTIFIED
# BY / SET PASSWORD (both forms) while mmha-readonly runs (and with
# --dry-run), in every output format and on stderr with -v. (A blocked
# CHANGE MASTER ... MASTER_PASSWORD could not be produced on MariaDB 10.11:
# neither FLUSH TABLES WITH READ LOCK nor BACKUP STAGE holds it; its form is
# in the unit test helpers/tests/test_mask.c.)

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
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
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
