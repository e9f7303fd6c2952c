#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # bats sets $output, $stderr
# JSON output stays valid (a strict UTF-8 decoder and parser accept it)
# when the server sends bytes that are not UTF-8.
#
# Where MariaDB 10.11 sends such bytes: a replica's Last_SQL_Error quotes
# the failing statement as the source logged it, raw: a statement sent in
# the binary character set with 0xff 0xfe in a comment comes back byte for
# byte in SHOW SLAVE STATUS, on the helpers' utf8mb4 connection too.
# information_schema.PROCESSLIST does not: its USER and INFO are
# converted, an invalid byte becoming '?', from a latin1 or a binary client
# alike, and CREATE USER refuses a name that is not UTF-8 (error 1300) -
# the processlist case below checks the helper's output all the same.

load ../lib/bed

setup_file() {
    bed_start -n 2 -t mm -m gtid
    bed_sql 1 "CREATE TABLE test.x (id INT PRIMARY KEY)"
    bed_sync 10
}

teardown_file() {
    bed_stop
}

setup() {
    load_bats_libs
    PIDS=()
}

teardown() {
    stop_pids "${PIDS[@]}"
}

# strict_json FIELD...: the JSON on stdin decoded as strict UTF-8 and
# parsed strictly (no NaN); prints the value at the path FIELD... .
strict_json() {
    python3 -c '
import json, sys
def nan(x):
    raise ValueError("not JSON: " + x)
v = json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"),
               parse_constant=nan)
for k in sys.argv[1:]:
    v = v[k]
print(v)' "$@"
}

@test "a replica's SQL error quoting a statement with bytes 0xff 0xfe 0xc3: capture and wait print valid JSON, each byte U+FFFD" {
    local want
    # The statement fails on 2 (the row is there already) and stops its
    # SQL thread; logged as a statement, with the raw bytes in a comment.
    bed_sql 2 "SET sql_log_bin=0; INSERT INTO test.x VALUES (1)"
    printf 'SET binlog_format=STATEMENT; INSERT INTO test.x VALUES (1) /* a\xff\xfe\xc3z */;\n' |
        mariadb --defaults-file="$(bed_cnf 1)" --default-character-set=binary --comments
    wait_until 10 "[ \"\$(_bed_slave_field 2 Last_SQL_Errno)\" = 1062 ]"
    # The server sends the bytes as they are (what the helpers must cope with).
    run -0 bash -c "mariadb --defaults-file='$(bed_cnf 2)' -e 'SHOW SLAVE STATUS\\G' | grep -a Last_SQL_Error: | od -An -tx1 | tr -d ' \\n'"
    assert_output --partial "61fffec37a"
    want="Query: 'INSERT INTO test.x VALUES (1) /* a"$'\ufffd\ufffd\ufffd'"z */'"
    run -0 --separate-stderr mmha-binlog capture --defaults-file "$(bed_cnf 2)" --format json
    run -0 strict_json replica last_sql_error <<<"$output"
    assert_output --partial "$want"
    run -80 --separate-stderr mmha-binlog wait --defaults-file "$(bed_cnf 2)" \
        --gtid "$(bed_sql 1 'SELECT @@GLOBAL.gtid_binlog_pos')" --timeout 2 --format json
    local json=$output
    run -0 strict_json status <<<"$json"
    assert_output "replication-error"
    run -0 strict_json error <<<"$json"
    assert_output --partial "replication SQL error 1062"
    assert_output --partial "$want"
    # Repaired for what follows: the row goes, the statement applies.
    bed_sql 2 "SET sql_log_bin=0; DELETE FROM test.x; START SLAVE SQL_THREAD"
    bed_wait_replicating 2 10
}

@test "a blocked statement with bytes 0xff 0xfe from a latin1 and a binary client: mmha-readonly --dry-run --format json is valid" {
    local cs
    for cs in latin1 binary; do
        (
            printf "SELECT SLEEP(20), _binary'a\\xff\\xfez' /* b\\xff\\xfe */;\n" |
                timeout 30 mariadb --defaults-file="$(bed_cnf 1)" \
                    --default-character-set="$cs" --comments >/dev/null 2>&1
        ) 3>&- &
        PIDS+=("$!")
    done
    wait_until 5 "[ \"\$(bed_sql 1 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(20)%'\")\" = 2 ]"
    run -0 --separate-stderr mmha-readonly --defaults-file "$(bed_cnf 1)" --dry-run --format json
    run -0 python3 -c '
import json, sys
r = json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))
for k in r["kills"]:
    if k["statement"].startswith("SELECT SLEEP(20)"):
        print(k["statement"])' <<<"$output"
    # Both listed, valid; the server had already made each byte '?'.
    assert_equal "${#lines[@]}" 2
    assert_line --index 0 --regexp "^SELECT SLEEP\(20\), _binary'a..z' /\* b.. \*/$"
    run -0 bed_sql 1 "SELECT @@read_only"
    assert_output 0
}
