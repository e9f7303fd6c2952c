/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dialect table and the version parser. */
#include "dialect.h"
#include "unit.h"

static struct mmha_version ver(const char *s)
{
    struct mmha_version v = {MMHA_FLAVOUR_MYSQL, 0, 0, 0};

    mmha_version_parse(s, &v);
    return v;
}

static void test_version_parse(void)
{
    struct mmha_version v;

    CHECK(mmha_version_parse("10.11.6-MariaDB-0+deb12u1-log", &v) &&
              v.flavour == MMHA_FLAVOUR_MARIADB && v.major == 10 &&
              v.minor == 11 && v.patch == 6,
          "MariaDB 10.11 version string");
    CHECK(mmha_version_parse("5.5.5-10.4.32-MariaDB", &v) &&
              v.flavour == MMHA_FLAVOUR_MARIADB && v.major == 10 &&
              v.minor == 4 && v.patch == 32,
          "MariaDB handshake 5.5.5- prefix");
    CHECK(mmha_version_parse("11.4.2-MariaDB", &v) && v.major == 11,
          "MariaDB 11");
    CHECK(mmha_version_parse("8.0.36", &v) && v.flavour == MMHA_FLAVOUR_MYSQL &&
              v.major == 8 && v.minor == 0 && v.patch == 36,
          "MySQL 8.0");
    CHECK(mmha_version_parse("8.4.0-commercial", &v) && v.minor == 4,
          "MySQL 8.4 with suffix");
    CHECK(mmha_version_parse("5.7.44-log", &v) && v.major == 5 &&
              v.minor == 7 && v.patch == 44,
          "MySQL 5.7 -log");
    CHECK(mmha_version_parse("8.0", &v) && v.patch == 0, "two parts");
    CHECK(!mmha_version_parse("MariaDB", &v), "no number is refused");
    CHECK(!mmha_version_parse("", &v), "empty is refused");
    CHECK(!mmha_version_parse(NULL, &v), "NULL is refused");
    CHECK(!mmha_version_parse("8", &v), "one part is refused");
}

static void test_statements(void)
{
    struct mmha_version maria = ver("10.11.6-MariaDB");
    struct mmha_version m57 = ver("5.7.44");
    struct mmha_version m8021 = ver("8.0.21");
    struct mmha_version m8022 = ver("8.0.22");
    struct mmha_version m8023 = ver("8.0.23");
    struct mmha_version m8026 = ver("8.0.26");
    struct mmha_version m84 = ver("8.4.0");

    CHECK_STR(mmha_sql_text(&maria, MMHA_SQL_SHOW_REPLICA_STATUS),
              "SHOW SLAVE STATUS", "MariaDB replica status");
    CHECK_STR(mmha_sql_text(&m8021, MMHA_SQL_SHOW_REPLICA_STATUS),
              "SHOW SLAVE STATUS", "MySQL 8.0.21 replica status");
    CHECK_STR(mmha_sql_text(&m8022, MMHA_SQL_SHOW_REPLICA_STATUS),
              "SHOW REPLICA STATUS", "MySQL 8.0.22 replica status");
    CHECK_STR(mmha_sql_text(&m84, MMHA_SQL_SHOW_BINLOG_STATUS),
              "SHOW BINARY LOG STATUS", "MySQL 8.4 binlog status");
    CHECK_STR(mmha_sql_text(&m8026, MMHA_SQL_SHOW_BINLOG_STATUS),
              "SHOW MASTER STATUS", "MySQL 8.0 binlog status");
    CHECK_STR(mmha_sql_text(&maria, MMHA_SQL_SHOW_BINLOG_STATUS),
              "SHOW MASTER STATUS", "MariaDB binlog status");
    CHECK_STR(mmha_sql_text(&m8022, MMHA_SQL_CHANGE_SOURCE), "CHANGE MASTER TO",
              "MySQL 8.0.22 change master");
    CHECK_STR(mmha_sql_text(&m8023, MMHA_SQL_CHANGE_SOURCE),
              "CHANGE REPLICATION SOURCE TO", "MySQL 8.0.23 change source");
    CHECK_STR(mmha_sql_text(&m84, MMHA_OPT_SOURCE_HOST), "SOURCE_HOST",
              "MySQL 8.4 SOURCE_HOST");
    CHECK_STR(mmha_sql_text(&maria, MMHA_OPT_SOURCE_HOST), "MASTER_HOST",
              "MariaDB MASTER_HOST");
    CHECK_STR(mmha_sql_text(&m8023, MMHA_FN_POS_WAIT), "MASTER_POS_WAIT",
              "MySQL 8.0.23 pos wait");
    CHECK_STR(mmha_sql_text(&m8026, MMHA_FN_POS_WAIT), "SOURCE_POS_WAIT",
              "MySQL 8.0.26 pos wait");
    CHECK_STR(mmha_sql_text(&maria, MMHA_FN_GTID_WAIT), "MASTER_GTID_WAIT",
              "MariaDB gtid wait");
    CHECK_STR(mmha_sql_text(&m57, MMHA_FN_GTID_WAIT),
              "WAIT_FOR_EXECUTED_GTID_SET", "MySQL gtid wait");
    CHECK_STR(mmha_sql_text(&maria, MMHA_OPT_AUTO_POSITION_ON),
              "MASTER_USE_GTID=slave_pos", "MariaDB auto position");
    CHECK_STR(mmha_sql_text(&m84, MMHA_OPT_AUTO_POSITION_ON),
              "SOURCE_AUTO_POSITION=1", "MySQL 8.4 auto position");
    CHECK_STR(mmha_sql_text(&m57, MMHA_OPT_AUTO_POSITION_ON),
              "MASTER_AUTO_POSITION=1", "MySQL 5.7 auto position");
    CHECK_STR(mmha_sql_text(&m84, MMHA_SQL_START_REPLICA), "START REPLICA",
              "MySQL 8.4 start replica");
    CHECK_STR(mmha_sql_text(&maria, MMHA_SQL_STOP_REPLICA), "STOP SLAVE",
              "MariaDB stop slave");
    CHECK_STR(mmha_sql_text(&maria, MMHA_VAR_GTID_BINLOG),
              "@@GLOBAL.gtid_binlog_pos", "MariaDB gtid binlog");
    CHECK_STR(mmha_sql_text(&m84, MMHA_VAR_GTID_BINLOG),
              "@@GLOBAL.gtid_executed", "MySQL gtid executed");
}

static void test_columns_and_features(void)
{
    struct mmha_version maria = ver("10.6.1-MariaDB");
    struct mmha_version m57 = ver("5.7.7");
    struct mmha_version m578 = ver("5.7.8");
    struct mmha_version m84 = ver("8.4.2");

    CHECK_STR(mmha_sql_text(&maria, MMHA_COL_IO_RUNNING), "Slave_IO_Running",
              "MariaDB IO column");
    CHECK_STR(mmha_sql_text(&m84, MMHA_COL_IO_RUNNING), "Replica_IO_Running",
              "MySQL 8.4 IO column");
    CHECK_STR(mmha_sql_text(&m84, MMHA_COL_EXEC_POS), "Exec_Source_Log_Pos",
              "MySQL 8.4 exec pos column");
    CHECK_STR(mmha_sql_text(&m84, MMHA_COL_SECONDS_BEHIND),
              "Seconds_Behind_Source", "MySQL 8.4 lag column");
    CHECK_STR(mmha_sql_text(&maria, MMHA_COL_AUTO_POSITION), "Using_Gtid",
              "MariaDB gtid column");
    CHECK(!mmha_has_super_read_only(&maria), "MariaDB: no super_read_only");
    CHECK(!mmha_has_super_read_only(&m57), "MySQL 5.7.7: none");
    CHECK(mmha_has_super_read_only(&m578), "MySQL 5.7.8: super_read_only");
    CHECK(mmha_has_super_read_only(&m84), "MySQL 8.4: super_read_only");
    CHECK_STR(mmha_sql_text(&maria, MMHA_VAR_SERVER_UUID), "",
              "MariaDB: no server_uuid");
}

static void test_session_queries(void)
{
    struct mmha_version maria = ver("10.11.6-MariaDB");
    struct mmha_version maria106 = ver("10.6.16-MariaDB");
    struct mmha_version m80 = ver("8.0.36");

    CHECK(strstr(mmha_sql_text(&maria, MMHA_SQL_SESSIONS), "TIME_MS") != NULL,
          "MariaDB: session age in ms");
    CHECK(strstr(mmha_sql_text(&m80, MMHA_SQL_SESSIONS), "TIME * 1000") != NULL,
          "MySQL: session age from seconds");
    CHECK(strstr(mmha_sql_text(&maria, MMHA_SQL_RO_LOCK_HOLDERS),
                 "METADATA_LOCK_INFO") != NULL,
          "MariaDB: lock holders from metadata_lock_info");
    CHECK(strstr(mmha_sql_text(&m80, MMHA_SQL_RO_LOCK_HOLDERS),
                 "performance_schema.metadata_locks") != NULL,
          "MySQL: lock holders from performance_schema");
    CHECK(strstr(mmha_sql_text(&maria, MMHA_SQL_RO_BYPASS_GRANTEES),
                 "'SUPER'") == NULL,
          "MariaDB 10.11: SUPER no longer bypasses read_only");
    CHECK(strstr(mmha_sql_text(&maria106, MMHA_SQL_RO_BYPASS_GRANTEES),
                 "'SUPER'") != NULL,
          "MariaDB 10.6: SUPER bypasses read_only");
    CHECK(strstr(mmha_sql_text(&m80, MMHA_SQL_RO_BYPASS_GRANTEES),
                 "CONNECTION_ADMIN") != NULL,
          "MySQL: CONNECTION_ADMIN bypasses read_only");
}

/* Semi-sync: MariaDB and MySQL before 8.0.26 master/slave, later
 * source/replica, for variables, status variables and plugins alike. */
static void test_semisync(void)
{
    struct mmha_version maria = ver("10.11.6-MariaDB");
    struct mmha_version m57 = ver("5.7.44");
    struct mmha_version m8025 = ver("8.0.25");
    struct mmha_version m8026 = ver("8.0.26");

    CHECK_STR(mmha_sql_text(&maria, MMHA_VAR_SEMISYNC_SOURCE_ENABLED),
              "@@GLOBAL.rpl_semi_sync_master_enabled", "MariaDB source side");
    CHECK_STR(mmha_sql_text(&maria, MMHA_VAR_SEMISYNC_REPLICA_ENABLED),
              "@@GLOBAL.rpl_semi_sync_slave_enabled", "MariaDB replica side");
    CHECK_STR(mmha_sql_text(&maria, MMHA_STATUS_SEMISYNC_SOURCE_ON),
              "Rpl_semi_sync_master_status", "MariaDB source status");
    CHECK_STR(mmha_sql_text(&m57, MMHA_VAR_SEMISYNC_SOURCE_WAIT_POINT),
              "@@GLOBAL.rpl_semi_sync_master_wait_point",
              "MySQL 5.7 wait point");
    CHECK_STR(mmha_sql_text(&m8025, MMHA_VAR_SEMISYNC_SOURCE_TIMEOUT),
              "@@GLOBAL.rpl_semi_sync_master_timeout", "MySQL 8.0.25 timeout");
    CHECK_STR(mmha_sql_text(&m8025, MMHA_STATUS_SEMISYNC_REPLICA_ON),
              "Rpl_semi_sync_slave_status", "MySQL 8.0.25 replica status");
    CHECK_STR(mmha_sql_text(&m8026, MMHA_VAR_SEMISYNC_SOURCE_TIMEOUT),
              "@@GLOBAL.rpl_semi_sync_source_timeout", "MySQL 8.0.26 timeout");
    CHECK_STR(mmha_sql_text(&m8026, MMHA_VAR_SEMISYNC_REPLICA_ENABLED),
              "@@GLOBAL.rpl_semi_sync_replica_enabled",
              "MySQL 8.0.26 replica side");
    CHECK_STR(mmha_sql_text(&maria, MMHA_VAR_SEMISYNC_SOURCE_WAIT_NONE),
              "@@GLOBAL.rpl_semi_sync_master_wait_no_slave",
              "MariaDB wait without replicas");
    CHECK_STR(mmha_sql_text(&m8026, MMHA_VAR_SEMISYNC_SOURCE_WAIT_NONE),
              "@@GLOBAL.rpl_semi_sync_source_wait_no_replica",
              "MySQL 8.0.26 wait without replicas");
    CHECK_STR(mmha_sql_text(&m8026, MMHA_STATUS_SEMISYNC_SOURCE_NO_TX),
              "Rpl_semi_sync_source_no_tx", "MySQL 8.0.26 no_tx");
    CHECK_STR(mmha_sql_text(&m8025, MMHA_TXT_SEMISYNC_LOAD),
              "semisync_master.so;semisync_slave.so", "MySQL 8.0.25 plugins");
    CHECK_STR(mmha_sql_text(&m8026, MMHA_TXT_SEMISYNC_LOAD),
              "semisync_source.so;semisync_replica.so", "MySQL 8.0.26 plugins");
}

static void test_every_key_defined(void)
{
    const char *names[] = {"10.11.6-MariaDB", "5.7.44", "8.0.36", "8.4.0"};
    int k;
    size_t i;
    int missing = 0;

    /* Every key has a row for every flavour (possibly ""): no NULLs. */
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct mmha_version v = ver(names[i]);

        for (k = 0; k < MMHA_SQL_COUNT; k++) {
            const char *t = mmha_sql_text(&v, (enum mmha_sql)k);

            if (t == NULL) {
                missing++;
                continue;
            }
            if (t[0] == '\0' && k != MMHA_SQL_SUPER_READ_ONLY_ON &&
                k != MMHA_SQL_SUPER_READ_ONLY_OFF &&
                k != MMHA_VAR_SERVER_UUID && k != MMHA_VAR_GTID_DOMAIN &&
                k != MMHA_OPT_IGNORE_DOMAIN_IDS &&
                k != MMHA_COL_IGNORE_DOMAINS &&
                k != MMHA_VAR_SEMISYNC_KILL_CONN_TIMEOUT) {
                missing++;
                printf("# key %d empty for %s\n", k, names[i]);
            }
        }
    }
    CHECK(missing == 0, "every key is defined for every flavour");
}

int main(void)
{
    test_version_parse();
    test_statements();
    test_columns_and_features();
    test_session_queries();
    test_semisync();
    test_every_key_defined();
    return unit_done();
}
