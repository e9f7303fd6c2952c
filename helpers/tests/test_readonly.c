/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure rules of mmha-readonly: who is spared, who blocks, display. */
#include <stdlib.h>

#include "readonly.h"
#include "sessions.h"
#include "unit.h"

static struct mmha_session sess(unsigned long long id, const char *user,
                                const char *host, const char *command)
{
    struct mmha_session s;

    memset(&s, 0, sizeof(s));
    s.id = id;
    snprintf(s.user, sizeof(s.user), "%s", user);
    snprintf(s.host, sizeof(s.host), "%s", host);
    snprintf(s.command, sizeof(s.command), "%s", command);
    return s;
}

static void test_classify(void)
{
    const unsigned long long own[] = {7, 8};
    const char *const spare[] = {"monitor", "ops@10.0.0.%"};
    struct mmha_session s;

#define KIND(s) mmha_session_classify(&(s), own, 2, spare, 2)
    s = sess(7, "mmha", "127.0.0.1:5000", "Query");
    CHECK(KIND(s) == MMHA_SESSION_OWN, "own connection");
    s = sess(9, "repl", "10.0.0.2:40000", "Binlog Dump");
    CHECK(KIND(s) == MMHA_SESSION_REPLICATION,
          "binlog dump to a replica is replication");
    s = sess(9, "repl", "10.0.0.2:40000", "Binlog Dump GTID");
    CHECK(KIND(s) == MMHA_SESSION_REPLICATION, "MySQL GTID binlog dump");
    s = sess(10, "system user", "", "Slave_SQL");
    CHECK(KIND(s) == MMHA_SESSION_REPLICATION, "replica SQL thread");
    s = sess(11, "system user", "", "Slave_IO");
    CHECK(KIND(s) == MMHA_SESSION_REPLICATION, "replica IO thread");
    s = sess(12, "system user", "", "Connect");
    CHECK(KIND(s) == MMHA_SESSION_SYSTEM, "MySQL replica thread by user");
    s = sess(13, "event_scheduler", "localhost", "Daemon");
    CHECK(KIND(s) == MMHA_SESSION_SYSTEM, "event scheduler");
    s = sess(14, "", "", "Daemon");
    CHECK(KIND(s) == MMHA_SESSION_SYSTEM, "daemon without user");
    s = sess(15, "monitor", "10.9.9.9:1", "Sleep");
    CHECK(KIND(s) == MMHA_SESSION_SPARE, "spare user on any host");
    s = sess(16, "ops", "10.0.0.5:3333", "Query");
    CHECK(KIND(s) == MMHA_SESSION_SPARE, "spare user@host pattern");
    s = sess(17, "ops", "10.0.1.5:3333", "Query");
    CHECK(KIND(s) == MMHA_SESSION_CLIENT, "spare pattern, other host");
    s = sess(18, "app", "127.0.0.1:4444", "Query");
    CHECK(KIND(s) == MMHA_SESSION_CLIENT, "application client");
    s = sess(19, "Monitor", "10.9.9.9:1", "Sleep");
    CHECK(KIND(s) == MMHA_SESSION_CLIENT, "user names are case-sensitive");
#undef KIND
    CHECK_STR(mmha_session_kind_name(MMHA_SESSION_REPLICATION), "replication",
              "kind name");
}

static void test_spare(void)
{
    CHECK(mmha_spare_match("app", "app", "h:1"), "bare user");
    CHECK(!mmha_spare_match("app", "app2", "h:1"), "no prefix match");
    CHECK(mmha_spare_match("app@%", "app", "h:1"), "host %");
    CHECK(mmha_spare_match("app@db_", "app", "db1:3306"), "host _");
    CHECK(mmha_spare_match("app@DB1", "app", "db1:3306"),
          "host case-insensitive");
    CHECK(mmha_spare_match("app@localhost", "app", "localhost"),
          "host without port");
    CHECK(mmha_spare_match("app@::1", "app", "[::1]:5000"),
          "bracketed IPv6 with port");
    CHECK(mmha_spare_match("app@fe80::1", "app", "fe80::1"),
          "bare IPv6 keeps its last group");
    CHECK(!mmha_spare_match("app@10.0.0.1", "app", "10.0.0.12:5"),
          "host must match whole");
    CHECK(mmha_spare_match("us@r@h", "us@r", "h:1"), "user with @");
    CHECK(!mmha_spare_valid(""), "empty spare user refused");
    CHECK(!mmha_spare_valid("@host"), "spare without user refused");
    CHECK(mmha_spare_valid("u@h"), "user@host accepted");
}

static void test_locks(void)
{
    CHECK(mmha_lock_blocks_read_only("MDL_BACKUP_TRANS_DML"),
          "running statement blocks");
    CHECK(mmha_lock_blocks_read_only("MDL_BACKUP_DDL"),
          "LOCK TABLES WRITE / DDL blocks");
    CHECK(mmha_lock_blocks_read_only("MDL_BACKUP_COMMIT"),
          "commit in progress blocks");
    CHECK(!mmha_lock_blocks_read_only("MDL_BACKUP_FTWRL2"),
          "a held FTWRL does not block");
    CHECK(!mmha_lock_blocks_read_only("MDL_SHARED_WRITE"),
          "table lock of an idle transaction does not block");
    CHECK(mmha_lock_blocks_read_only("GLOBAL INTENTION_EXCLUSIVE"),
          "MySQL global IX blocks");
    CHECK(mmha_lock_blocks_read_only("COMMIT INTENTION_EXCLUSIVE"),
          "MySQL commit IX blocks");
    CHECK(!mmha_lock_blocks_read_only("GLOBAL SHARED"),
          "MySQL held FTWRL does not block");
    CHECK(!mmha_lock_blocks_read_only(NULL), "no lock");
}

static void test_write_statements(void)
{
    CHECK(mmha_is_write_statement("UPDATE t SET v=1"), "UPDATE");
    CHECK(mmha_is_write_statement("  insert into t values (1)"),
          "insert, lower case, blanks");
    CHECK(mmha_is_write_statement("/* app:42 */ DELETE FROM t"),
          "comment first");
    CHECK(mmha_is_write_statement("-- x\nREPLACE INTO t VALUES (1)"),
          "line comment first");
    CHECK(mmha_is_write_statement("/*!40000 ALTER TABLE t DISABLE KEYS */"),
          "executable comment");
    CHECK(mmha_is_write_statement("(UPDATE t SET v=1)"), "parentheses skipped");
    CHECK(!mmha_is_write_statement("SELECT SLEEP(60)"), "SELECT");
    CHECK(!mmha_is_write_statement("(SELECT 1) UNION (SELECT 2)"),
          "parenthesised SELECT");
    CHECK(!mmha_is_write_statement("SHOW PROCESSLIST"), "SHOW");
    CHECK(!mmha_is_write_statement("UPDATER"), "a longer word is not");
    CHECK(!mmha_is_write_statement(""), "empty");
    CHECK(!mmha_is_write_statement(NULL), "NULL");
}

static void test_prefix(void)
{
    char buf[4 * MMHA_STMT_PREFIX + 8];

    mmha_stmt_prefix(buf, sizeof(buf), "  UPDATE\n\tt   SET v=1  ", 100);
    CHECK_STR(buf, "UPDATE t SET v=1", "blanks collapsed and trimmed");
    mmha_stmt_prefix(buf, sizeof(buf), "SELECT 123456789", 6);
    CHECK_STR(buf, "SELECT...", "cut with ...");
    mmha_stmt_prefix(buf, sizeof(buf), "SELECT 1", 8);
    CHECK_STR(buf, "SELECT 1", "exact length, no ...");
    mmha_stmt_prefix(buf, sizeof(buf), "SELECT 1  ", 8);
    CHECK_STR(buf, "SELECT 1", "trailing blanks are not cut text");
    mmha_stmt_prefix(buf, sizeof(buf), "SET @a='\xc3\xa9t\xc3\xa9'", 12);
    CHECK_STR(buf, "SET @a='\xc3\xa9t\xc3\xa9'", "UTF-8 counted as chars");
    mmha_stmt_prefix(buf, sizeof(buf), "x='\xc3\xa9\xc3\xa9'", 4);
    CHECK_STR(buf, "x='\xc3\xa9...", "never cut inside a character");
    mmha_stmt_prefix(buf, sizeof(buf),
                     "a\x01"
                     "b\xff",
                     10);
    CHECK_STR(buf, "a?b?", "control and invalid bytes shown as ?");
    mmha_stmt_prefix(buf, sizeof(buf), NULL, 10);
    CHECK_STR(buf, "", "NULL statement");
    mmha_stmt_prefix(buf, 6, "SELECT 1", 100);
    CHECK(strlen(buf) < 6, "small buffer is respected");
}

static void test_grantee(void)
{
    char u[64];

    CHECK(mmha_grantee_user("'root'@'localhost'", u, sizeof(u)) &&
              strcmp(u, "root") == 0,
          "grantee user");
    CHECK(mmha_grantee_user("'o''hara'@'%'", u, sizeof(u)) &&
              strcmp(u, "o'hara") == 0,
          "doubled quote");
    CHECK(!mmha_grantee_user("root@localhost", u, sizeof(u)),
          "unquoted refused");
    CHECK(!mmha_grantee_user("'abc'@'%'", u, 3), "too long refused");
}

/* own_is SET SID UUID WANT NAME: the own part of SET is WANT. */
static void own_is(const char *set, unsigned long sid, const char *uuid,
                   const char *want, const char *name)
{
    char *out = mmha_gtid_own_part(set, sid, uuid);

    CHECK_STR(out, want, name);
    free(out);
}

static void test_gtid_own(void)
{
    enum { DOMAINS = 400 };
    char *set = calloc(DOMAINS, 64);
    char *want = calloc(DOMAINS, 64);
    char *out;
    size_t ns = 0;
    size_t nw = 0;
    int d;

    own_is("1-1-40,2-2-17", 1, "", "1-1-40", "MariaDB: own server's domain");
    own_is("0-1-5, 0-2-9 ,3-1-2", 1, NULL, "0-1-5,3-1-2",
           "MariaDB: entries and blanks");
    own_is("1-11-4", 1, "", "", "MariaDB: server 11 is not server 1");
    own_is("aaaa-1:1-5,\nbbbb-2:1-9", 0, "BBBB-2", "bbbb-2:1-9",
           "MySQL: own uuid");
    own_is("", 1, "", "", "empty set");
    own_is(NULL, 1, "", "", "no set");
    /* 400 domains of server 1 and 400 of server 2 interleaved: the own
     * part is past the old 4 KB buffer and comes out whole. */
    if (set == NULL || want == NULL) {
        CHECK(false, "allocation");
        free(set);
        free(want);
        return;
    }
    for (d = 0; d < DOMAINS; d++) {
        ns += (size_t)sprintf(set + ns, "%s%d-1-%d,%d-2-7", d > 0 ? "," : "",
                              1000000 + d, 100000 + d, 2000000 + d);
        nw += (size_t)sprintf(want + nw, "%s%d-1-%d", d > 0 ? "," : "",
                              1000000 + d, 100000 + d);
    }
    CHECK(nw > 4096, "own part of 400 domains is over 4 KB");
    out = mmha_gtid_own_part(set, 1, "");
    CHECK_STR(out, want, "400 domains: the whole own part, not cut");
    CHECK(out != NULL && strstr(out, "1000399-1-100399") != NULL,
          "400 domains: the last domain is there");
    free(out);
    /* The last domain moving is a change of the own part. */
    out = mmha_gtid_own_part(set, 2, "");
    CHECK(out != NULL && strlen(out) == (size_t)DOMAINS * 12 - 1,
          "400 domains of the other server");
    free(out);
    free(set);
    free(want);
}

static void test_defaults(void)
{
    struct mmha_readonly_opts o;

    mmha_readonly_opts_init(&o);
    CHECK(o.kill_after_ms == 500 && !o.keep_clients && o.nspare == 0,
          "option defaults");
    CHECK_STR(mmha_kill_reason_name(MMHA_KILL_BYPASS_USER), "bypass-user",
              "kill reason name");
}

int main(void)
{
    test_classify();
    test_spare();
    test_locks();
    test_write_statements();
    test_prefix();
    test_grantee();
    test_gtid_own();
    test_defaults();
    return unit_done();
}
