/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets masked in the statements the helpers print. */
#include <stdlib.h>

#include "sessions.h"
#include "unit.h"

static char buf[2048];

static const char *mask(const char *sql)
{
    mmha_stmt_mask(buf, sizeof(buf), sql);
    return buf;
}

static void test_forms(void)
{
    CHECK_STR(mask("ALTER USER 'app'@'%' IDENTIFIED BY 'TopSecret123'"),
              "ALTER USER 'app'@'%' IDENTIFIED BY '***'", "ALTER USER");
    CHECK_STR(mask("CREATE USER bob IDENTIFIED BY \"s3cr\\\"et\""),
              "CREATE USER bob IDENTIFIED BY \"***\"",
              "CREATE USER, double quotes, escaped quote");
    CHECK_STR(mask("create user a identified by 'x1', b identified by 'x2'"),
              "create user a identified by '***', b identified by '***'",
              "two users, lower case");
    CHECK_STR(mask("GRANT ALL ON *.* TO 'u'@'h' IDENTIFIED BY 'it''s'"),
              "GRANT ALL ON *.* TO 'u'@'h' IDENTIFIED BY '***'",
              "GRANT ... IDENTIFIED BY, doubled quote");
    CHECK_STR(mask("GRANT SELECT ON t.* TO u IDENTIFIED BY PASSWORD "
                   "'*94BDCEBE19083CE2A1F959FD02F964C7AF4CFC29'"),
              "GRANT SELECT ON t.* TO u IDENTIFIED BY PASSWORD '***'",
              "IDENTIFIED BY PASSWORD 'hash'");
    CHECK_STR(mask("SET PASSWORD = PASSWORD('pw1')"),
              "SET PASSWORD = PASSWORD('***')", "SET PASSWORD = PASSWORD()");
    CHECK_STR(mask("SET PASSWORD FOR 'u'@'h' = PASSWORD('pw2')"),
              "SET PASSWORD FOR 'u'@'h' = PASSWORD('***')",
              "SET PASSWORD FOR = PASSWORD(), user kept");
    CHECK_STR(mask("SET PASSWORD FOR u@localhost = 'pw3'"),
              "SET PASSWORD FOR u@localhost = '***'", "SET PASSWORD FOR = 'x'");
    CHECK_STR(mask("SET PASSWORD='pw4'"), "SET PASSWORD='***'",
              "SET PASSWORD='x' without blanks");
    CHECK_STR(mask("CHANGE MASTER TO MASTER_HOST='10.0.0.2', "
                   "MASTER_USER='repl', MASTER_PASSWORD='r\\\\p#1', "
                   "MASTER_PORT=3306"),
              "CHANGE MASTER TO MASTER_HOST='10.0.0.2', MASTER_USER='repl', "
              "MASTER_PASSWORD='***', MASTER_PORT=3306",
              "CHANGE MASTER ... MASTER_PASSWORD, backslash");
    CHECK_STR(mask("CHANGE REPLICATION SOURCE TO SOURCE_PASSWORD = 'x'"),
              "CHANGE REPLICATION SOURCE TO SOURCE_PASSWORD = '***'",
              "SOURCE_PASSWORD");
    CHECK_STR(mask("ALTER USER u IDENTIFIED VIA ed25519 USING PASSWORD('e')"),
              "ALTER USER u IDENTIFIED VIA ed25519 USING PASSWORD('***')",
              "IDENTIFIED VIA ... USING PASSWORD()");
    CHECK_STR(mask("CREATE USER u IDENTIFIED VIA mysql_native_password "
                   "USING '*AB12' OR unix_socket"),
              "CREATE USER u IDENTIFIED VIA mysql_native_password "
              "USING '***' OR unix_socket",
              "IDENTIFIED VIA ... USING 'hash'");
    CHECK_STR(mask("CREATE USER u IDENTIFIED WITH caching_sha2_password "
                   "AS '$A$005$xyz'"),
              "CREATE USER u IDENTIFIED WITH caching_sha2_password AS '***'",
              "IDENTIFIED WITH ... AS");
    CHECK_STR(mask("ALTER USER u IDENTIFIED WITH mysql_native_password BY "
                   "'n1'"),
              "ALTER USER u IDENTIFIED WITH mysql_native_password BY '***'",
              "IDENTIFIED WITH ... BY");
    CHECK_STR(mask("ALTER USER u IDENTIFIED BY _utf8mb4'x' COMMENT 'c'"),
              "ALTER USER u IDENTIFIED BY _utf8mb4'***' COMMENT 'c'",
              "introducer; a later literal kept");
    CHECK_STR(mask("ALTER USER u IDENTIFIED BY X'4142'"),
              "ALTER USER u IDENTIFIED BY X'***'", "hex literal");
    CHECK_STR(mask("SELECT PASSWORD('q'), 'kept'"),
              "SELECT PASSWORD('***'), 'kept'", "PASSWORD() anywhere");
    CHECK_STR(mask("START SLAVE USER='r' PASSWORD='y'"),
              "START SLAVE USER='r' PASSWORD='***'", "START ... PASSWORD=");
}

static void test_cut(void)
{
    char out[4 * MMHA_STMT_PREFIX + 8];
    char longsql[300];

    CHECK_STR(mask("ALTER USER u IDENTIFIED BY 'TopSec"),
              "ALTER USER u IDENTIFIED BY '***", "cut inside the secret");
    CHECK_STR(mask("ALTER USER u IDENTIFIED BY 'a\\'b"),
              "ALTER USER u IDENTIFIED BY '***", "cut after an escaped quote");
    CHECK_STR(mask("ALTER USER u IDENTIFIED BY 'a\\"),
              "ALTER USER u IDENTIFIED BY '***", "cut after a backslash");
    CHECK_STR(mask("SET PASSWORD = PASSWORD('pw"),
              "SET PASSWORD = PASSWORD('***", "cut inside PASSWORD(");
    CHECK_STR(mask("ALTER USER u IDENTIFIED BY"), "ALTER USER u IDENTIFIED BY",
              "cut before the secret");
    /* 100 characters shown, the secret starting at 90. */
    snprintf(longsql, sizeof(longsql),
             "ALTER USER '%s'@'%%' IDENTIFIED BY 'TopSecret123'",
             "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu");
    mmha_stmt_prefix(out, sizeof(out), longsql, MMHA_STMT_PREFIX);
    CHECK(strstr(out, "TopSec") == NULL && strstr(out, "'***") != NULL,
          "prefix of 100 characters cut in the secret");
    mmha_stmt_prefix(out, sizeof(out), "ALTER USER u IDENTIFIED BY 'Top", 100);
    CHECK_STR(out, "ALTER USER u IDENTIFIED BY '***",
              "prefix of a text the server cut in the secret");
}

static void test_kept(void)
{
    CHECK_STR(mask("UPDATE t SET v='a' WHERE id=1 -- IDENTIFIED BY"),
              "UPDATE t SET v='a' WHERE id=1 -- IDENTIFIED BY",
              "ordinary statement unchanged");
    CHECK_STR(mask("/* IDENTIFIED BY 'c' */ SELECT 'x'"),
              "/* IDENTIFIED BY 'c' */ SELECT 'x'", "a comment is not code");
    CHECK_STR(mask("SELECT `password`, 'v' FROM `IDENTIFIED`"),
              "SELECT `password`, 'v' FROM `IDENTIFIED`",
              "quoted identifiers are not words");
    CHECK_STR(mask(""), "", "empty");
    CHECK_STR(mask(NULL), "", "NULL");
    CHECK(mmha_stmt_mask(buf, 4, "SET PASSWORD='abcdef'") ==
                  strlen("SET PASSWORD='***'") &&
              strlen(buf) == 3,
          "small buffer: cut, needed length returned");
}

static void test_error(void)
{
    char e[512];

    snprintf(e, sizeof(e), "%s",
             "Error 'Operation CREATE USER failed for 'u'@'%'' on query. "
             "Default database: ''. Query: 'CREATE USER 'u'@'%' IDENTIFIED "
             "BY 'pw9''");
    mmha_error_mask(e, sizeof(e));
    CHECK_STR(e,
              "Error 'Operation CREATE USER failed for 'u'@'%'' on query. "
              "Default database: ''. Query: 'CREATE USER 'u'@'%' IDENTIFIED "
              "BY '***''",
              "Last_SQL_Error quoting a CREATE USER");
    snprintf(e, sizeof(e), "%s",
             "Error 'x' on query. Default database: ''. Query: 'SET PASSWORD "
             "FOR u = PASSWORD('pw8')");
    mmha_error_mask(e, 60);
    CHECK(strstr(e, "pw8") == NULL, "cut error text, small buffer");
    snprintf(e, sizeof(e), "%s", "Could not execute Write_rows event");
    mmha_error_mask(e, sizeof(e));
    CHECK_STR(e, "Could not execute Write_rows event", "plain error kept");
}

int main(void)
{
    test_error();
    test_forms();
    test_cut();
    test_kept();
    return unit_done();
}
