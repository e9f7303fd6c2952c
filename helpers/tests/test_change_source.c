/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CHANGE MASTER / CHANGE REPLICATION SOURCE statement text. */
#include "change_source.h"
#include "unit.h"

static struct mmha_version ver(const char *s)
{
    struct mmha_version v = {MMHA_FLAVOUR_MYSQL, 0, 0, 0};

    mmha_version_parse(s, &v);
    return v;
}

static void test_mariadb(void)
{
    struct mmha_version v = ver("10.11.6-MariaDB-log");
    struct mmha_change_source cs = {0};
    char sql[512];

    cs.host = "10.0.0.2";
    cs.port = 3306;
    cs.user = "repl";
    cs.password = "it's";
    cs.connect_retry = 1;
    cs.heartbeat_ms = 1500;
    cs.log_file = "mariadb-bin.000002";
    cs.log_pos = 1234;
    CHECK(mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "MariaDB file position built");
    CHECK_STR(sql,
              "CHANGE MASTER TO MASTER_HOST='10.0.0.2', MASTER_PORT=3306, "
              "MASTER_USER='repl', MASTER_PASSWORD='it''s', "
              "MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1.500, "
              "MASTER_LOG_FILE='mariadb-bin.000002', MASTER_LOG_POS=1234, "
              "MASTER_USE_GTID=no",
              "MariaDB file position text");

    cs.log_file = NULL;
    cs.user = NULL;
    cs.password = NULL;
    cs.auto_position = MMHA_AUTOPOS_ON;
    CHECK(mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "MariaDB GTID built");
    CHECK_STR(sql,
              "CHANGE MASTER TO MASTER_HOST='10.0.0.2', MASTER_PORT=3306, "
              "MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1.500, "
              "MASTER_USE_GTID=slave_pos",
              "MariaDB GTID text, credentials kept");
}

static void test_mysql(void)
{
    struct mmha_version v = ver("8.4.0");
    struct mmha_version old = ver("5.7.44-log");
    struct mmha_change_source cs = {0};
    char sql[512];

    cs.host = "db2";
    cs.port = 3307;
    cs.user = "repl";
    cs.password = "p\\w";
    cs.connect_retry = 1;
    cs.heartbeat_ms = 1000;
    cs.auto_position = MMHA_AUTOPOS_ON;
    CHECK(mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "MySQL 8.4 GTID built");
    CHECK_STR(sql,
              "CHANGE REPLICATION SOURCE TO SOURCE_HOST='db2', "
              "SOURCE_PORT=3307, SOURCE_USER='repl', "
              "SOURCE_PASSWORD='p\\\\w', SOURCE_CONNECT_RETRY=1, "
              "SOURCE_HEARTBEAT_PERIOD=1.000, SOURCE_AUTO_POSITION=1",
              "MySQL 8.4 text");
    cs.user = NULL;
    cs.password = NULL;
    cs.auto_position = MMHA_AUTOPOS_LEAVE;
    cs.log_file = "binlog.000009";
    cs.log_pos = 4;
    CHECK(mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "MySQL 8.4 file position built");
    CHECK_STR(sql,
              "CHANGE REPLICATION SOURCE TO SOURCE_HOST='db2', "
              "SOURCE_PORT=3307, SOURCE_CONNECT_RETRY=1, "
              "SOURCE_HEARTBEAT_PERIOD=1.000, "
              "SOURCE_LOG_FILE='binlog.000009', SOURCE_LOG_POS=4, "
              "SOURCE_AUTO_POSITION=0",
              "MySQL 8.4 file position text");
    CHECK(mmha_change_source_sql(&old, &cs, NULL, NULL, sql, sizeof(sql)),
          "MySQL 5.7 built");
    CHECK_STR(sql,
              "CHANGE MASTER TO MASTER_HOST='db2', MASTER_PORT=3307, "
              "MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1.000, "
              "MASTER_LOG_FILE='binlog.000009', "
              "MASTER_LOG_POS=4, MASTER_AUTO_POSITION=0",
              "MySQL 5.7 text");
}

static void test_ignore_domains(void)
{
    struct mmha_version v = ver("10.11.6-MariaDB-log");
    struct mmha_version my = ver("8.4.0");
    struct mmha_change_source cs = {0};
    char sql[512];

    cs.host = "10.0.0.2";
    cs.port = 3306;
    cs.auto_position = MMHA_AUTOPOS_ON;
    cs.ignore_domains = "2,17";
    CHECK(mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "MariaDB ignore list built");
    CHECK_STR(sql,
              "CHANGE MASTER TO MASTER_HOST='10.0.0.2', MASTER_PORT=3306, "
              "MASTER_USE_GTID=slave_pos, IGNORE_DOMAIN_IDS=(2,17)",
              "MariaDB ignore list text");
    cs.ignore_domains = "";
    CHECK(mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "MariaDB ignore list cleared");
    CHECK_STR(sql,
              "CHANGE MASTER TO MASTER_HOST='10.0.0.2', MASTER_PORT=3306, "
              "MASTER_USE_GTID=slave_pos, IGNORE_DOMAIN_IDS=()",
              "MariaDB clearing text");
    cs.auto_position = MMHA_AUTOPOS_LEAVE;
    cs.log_file = "mariadb-bin.000002";
    cs.log_pos = 4;
    CHECK(mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "MariaDB file position clears the list");
    CHECK_STR(sql,
              "CHANGE MASTER TO MASTER_HOST='10.0.0.2', MASTER_PORT=3306, "
              "MASTER_LOG_FILE='mariadb-bin.000002', MASTER_LOG_POS=4, "
              "MASTER_USE_GTID=no, IGNORE_DOMAIN_IDS=()",
              "MariaDB file position, cleared list text");
    cs.ignore_domains = "2";
    CHECK(!mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "an ignore list with a file position refused");
    cs.log_file = NULL;
    cs.auto_position = MMHA_AUTOPOS_ON;
    cs.ignore_domains = "2);DROP TABLE t;(";
    CHECK(!mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "a malformed list refused");
    cs.ignore_domains = "2,";
    CHECK(!mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "a trailing comma refused");
    cs.ignore_domains = ",2";
    CHECK(!mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "a leading comma refused");

    /* MySQL has no domains: nothing to clear, no list to set. */
    cs.ignore_domains = "";
    CHECK(mmha_change_source_sql(&my, &cs, NULL, NULL, sql, sizeof(sql)),
          "MySQL empty list built");
    CHECK_STR(sql,
              "CHANGE REPLICATION SOURCE TO SOURCE_HOST='10.0.0.2', "
              "SOURCE_PORT=3306, SOURCE_AUTO_POSITION=1",
              "MySQL empty list says nothing");
    cs.ignore_domains = "2";
    CHECK(!mmha_change_source_sql(&my, &cs, NULL, NULL, sql, sizeof(sql)),
          "MySQL ignore list refused");
}

static void test_limits(void)
{
    struct mmha_version v = ver("10.11.6-MariaDB");
    struct mmha_change_source cs = {0};
    char sql[40];

    CHECK(!mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "nothing to change refused");
    cs.host = "a-very-long-host-name.example.org";
    CHECK(!mmha_change_source_sql(&v, &cs, NULL, NULL, sql, sizeof(sql)),
          "too small a buffer refused");
}

int main(void)
{
    test_mariadb();
    test_mysql();
    test_ignore_domains();
    test_limits();
    return unit_done();
}
