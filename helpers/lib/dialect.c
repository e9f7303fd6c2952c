/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dialect table. Each row says: for this flavour, from this version on,
 * key k is spelt so. A lookup takes the newest row not newer than the
 * server. MySQL renamed replication words in steps (8.0.22 SHOW REPLICA
 * STATUS and Source_* columns, 8.0.23 CHANGE REPLICATION SOURCE, 8.0.26
 * SOURCE_POS_WAIT, 8.2 SHOW BINARY LOG STATUS; 8.4 removed the old words);
 * MariaDB kept the old ones, which every 10.x/11.x accepts.
 */
#include "dialect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dialect_row {
    enum mmha_sql key;
    enum mmha_flavour flavour;
    int major;
    int minor;
    int patch;
    const char *text;
};

/* The host part of a processlist HOST: what precedes its last colon. */
#define HOST_PART(h)                                                           \
    "SUBSTRING(" h ", 1, LENGTH(" h ") - LOCATE(':', REVERSE(" h ")))"
#define CLIENT_HOSTS                                                           \
    "SELECT ID, HOST FROM information_schema.PROCESSLIST"                      \
    " WHERE COMMAND NOT LIKE 'Binlog Dump%' AND ID <> CONNECTION_ID()"         \
    " ORDER BY ID"
#define MY_OTHER_LINKS                                                         \
    "SELECT p.ID, p.HOST FROM information_schema.PROCESSLIST p"                \
    " JOIN information_schema.PROCESSLIST me ON me.ID = CONNECTION_ID()"       \
    " WHERE p.USER = me.USER AND p.ID <> me.ID"                                \
    " AND " HOST_PART("p.HOST") " = " HOST_PART("me.HOST") " ORDER BY p.ID"

#define MARIA MMHA_FLAVOUR_MARIADB
#define MYSQL MMHA_FLAVOUR_MYSQL

static const struct dialect_row table[] = {
    {MMHA_SQL_SHOW_REPLICA_STATUS, MARIA, 0, 0, 0, "SHOW SLAVE STATUS"},
    {MMHA_SQL_SHOW_REPLICA_STATUS, MYSQL, 0, 0, 0, "SHOW SLAVE STATUS"},
    {MMHA_SQL_SHOW_REPLICA_STATUS, MYSQL, 8, 0, 22, "SHOW REPLICA STATUS"},
    {MMHA_SQL_SHOW_BINLOG_STATUS, MARIA, 0, 0, 0, "SHOW MASTER STATUS"},
    {MMHA_SQL_SHOW_BINLOG_STATUS, MYSQL, 0, 0, 0, "SHOW MASTER STATUS"},
    {MMHA_SQL_SHOW_BINLOG_STATUS, MYSQL, 8, 2, 0, "SHOW BINARY LOG STATUS"},
    {MMHA_SQL_START_REPLICA, MARIA, 0, 0, 0, "START SLAVE"},
    {MMHA_SQL_START_REPLICA, MYSQL, 0, 0, 0, "START SLAVE"},
    {MMHA_SQL_START_REPLICA, MYSQL, 8, 0, 22, "START REPLICA"},
    {MMHA_SQL_STOP_REPLICA, MARIA, 0, 0, 0, "STOP SLAVE"},
    {MMHA_SQL_STOP_REPLICA, MYSQL, 0, 0, 0, "STOP SLAVE"},
    {MMHA_SQL_STOP_REPLICA, MYSQL, 8, 0, 22, "STOP REPLICA"},
    {MMHA_SQL_START_REPLICA_IO, MARIA, 0, 0, 0, "START SLAVE IO_THREAD"},
    {MMHA_SQL_START_REPLICA_IO, MYSQL, 0, 0, 0, "START SLAVE IO_THREAD"},
    {MMHA_SQL_START_REPLICA_IO, MYSQL, 8, 0, 22, "START REPLICA IO_THREAD"},
    {MMHA_SQL_STOP_REPLICA_IO, MARIA, 0, 0, 0, "STOP SLAVE IO_THREAD"},
    {MMHA_SQL_STOP_REPLICA_IO, MYSQL, 0, 0, 0, "STOP SLAVE IO_THREAD"},
    {MMHA_SQL_STOP_REPLICA_IO, MYSQL, 8, 0, 22, "STOP REPLICA IO_THREAD"},
    {MMHA_SQL_START_REPLICA_SQL, MARIA, 0, 0, 0, "START SLAVE SQL_THREAD"},
    {MMHA_SQL_START_REPLICA_SQL, MYSQL, 0, 0, 0, "START SLAVE SQL_THREAD"},
    {MMHA_SQL_START_REPLICA_SQL, MYSQL, 8, 0, 22, "START REPLICA SQL_THREAD"},
    {MMHA_SQL_STOP_REPLICA_SQL, MARIA, 0, 0, 0, "STOP SLAVE SQL_THREAD"},
    {MMHA_SQL_STOP_REPLICA_SQL, MYSQL, 0, 0, 0, "STOP SLAVE SQL_THREAD"},
    {MMHA_SQL_STOP_REPLICA_SQL, MYSQL, 8, 0, 22, "STOP REPLICA SQL_THREAD"},
    {MMHA_SQL_RESET_REPLICA_ALL, MARIA, 0, 0, 0, "RESET SLAVE ALL"},
    {MMHA_SQL_RESET_REPLICA_ALL, MYSQL, 0, 0, 0, "RESET SLAVE ALL"},
    {MMHA_SQL_RESET_REPLICA_ALL, MYSQL, 8, 0, 22, "RESET REPLICA ALL"},
    {MMHA_SQL_CHANGE_SOURCE, MARIA, 0, 0, 0, "CHANGE MASTER TO"},
    {MMHA_SQL_CHANGE_SOURCE, MYSQL, 0, 0, 0, "CHANGE MASTER TO"},
    {MMHA_SQL_CHANGE_SOURCE, MYSQL, 8, 0, 23, "CHANGE REPLICATION SOURCE TO"},
    {MMHA_SQL_SUPER_READ_ONLY_ON, MARIA, 0, 0, 0, ""},
    {MMHA_SQL_SUPER_READ_ONLY_ON, MYSQL, 0, 0, 0, ""},
    {MMHA_SQL_SUPER_READ_ONLY_ON, MYSQL, 5, 7, 8,
     "SET GLOBAL super_read_only=1"},
    {MMHA_SQL_SUPER_READ_ONLY_OFF, MARIA, 0, 0, 0, ""},
    {MMHA_SQL_SUPER_READ_ONLY_OFF, MYSQL, 0, 0, 0, ""},
    {MMHA_SQL_SUPER_READ_ONLY_OFF, MYSQL, 5, 7, 8,
     "SET GLOBAL super_read_only=0"},
    {MMHA_FN_POS_WAIT, MARIA, 0, 0, 0, "MASTER_POS_WAIT"},
    {MMHA_FN_POS_WAIT, MYSQL, 0, 0, 0, "MASTER_POS_WAIT"},
    {MMHA_FN_POS_WAIT, MYSQL, 8, 0, 26, "SOURCE_POS_WAIT"},
    {MMHA_FN_GTID_WAIT, MARIA, 0, 0, 0, "MASTER_GTID_WAIT"},
    {MMHA_FN_GTID_WAIT, MYSQL, 0, 0, 0, "WAIT_FOR_EXECUTED_GTID_SET"},
    {MMHA_VAR_GTID_BINLOG, MARIA, 0, 0, 0, "@@GLOBAL.gtid_binlog_pos"},
    {MMHA_VAR_GTID_BINLOG, MYSQL, 0, 0, 0, "@@GLOBAL.gtid_executed"},
    {MMHA_VAR_GTID_APPLIED, MARIA, 0, 0, 0, "@@GLOBAL.gtid_slave_pos"},
    {MMHA_VAR_GTID_APPLIED, MYSQL, 0, 0, 0, "@@GLOBAL.gtid_executed"},
    {MMHA_VAR_GTID_CURRENT, MARIA, 0, 0, 0, "@@GLOBAL.gtid_current_pos"},
    {MMHA_VAR_GTID_CURRENT, MYSQL, 0, 0, 0, "@@GLOBAL.gtid_executed"},
    {MMHA_VAR_SERVER_UUID, MARIA, 0, 0, 0, ""},
    {MMHA_VAR_SERVER_UUID, MYSQL, 0, 0, 0, "@@GLOBAL.server_uuid"},
    /* MySQL GTIDs have no domains (server_uuid plays no such part). */
    {MMHA_VAR_GTID_DOMAIN, MARIA, 0, 0, 0, "@@GLOBAL.gtid_domain_id"},
    {MMHA_VAR_GTID_DOMAIN, MYSQL, 0, 0, 0, ""},
    {MMHA_VAR_LOG_REPLICA_UPDATES, MARIA, 0, 0, 0,
     "@@GLOBAL.log_slave_updates"},
    {MMHA_VAR_LOG_REPLICA_UPDATES, MYSQL, 0, 0, 0,
     "@@GLOBAL.log_slave_updates"},
    {MMHA_VAR_LOG_REPLICA_UPDATES, MYSQL, 8, 0, 26,
     "@@GLOBAL.log_replica_updates"},
    {MMHA_VAR_REPLICA_NET_TIMEOUT, MARIA, 0, 0, 0,
     "@@GLOBAL.slave_net_timeout"},
    {MMHA_VAR_REPLICA_NET_TIMEOUT, MYSQL, 0, 0, 0,
     "@@GLOBAL.slave_net_timeout"},
    {MMHA_VAR_REPLICA_NET_TIMEOUT, MYSQL, 8, 0, 26,
     "@@GLOBAL.replica_net_timeout"},
    {MMHA_OPT_SOURCE_HOST, MARIA, 0, 0, 0, "MASTER_HOST"},
    {MMHA_OPT_SOURCE_HOST, MYSQL, 0, 0, 0, "MASTER_HOST"},
    {MMHA_OPT_SOURCE_HOST, MYSQL, 8, 0, 23, "SOURCE_HOST"},
    {MMHA_OPT_SOURCE_PORT, MARIA, 0, 0, 0, "MASTER_PORT"},
    {MMHA_OPT_SOURCE_PORT, MYSQL, 0, 0, 0, "MASTER_PORT"},
    {MMHA_OPT_SOURCE_PORT, MYSQL, 8, 0, 23, "SOURCE_PORT"},
    {MMHA_OPT_SOURCE_USER, MARIA, 0, 0, 0, "MASTER_USER"},
    {MMHA_OPT_SOURCE_USER, MYSQL, 0, 0, 0, "MASTER_USER"},
    {MMHA_OPT_SOURCE_USER, MYSQL, 8, 0, 23, "SOURCE_USER"},
    {MMHA_OPT_SOURCE_PASSWORD, MARIA, 0, 0, 0, "MASTER_PASSWORD"},
    {MMHA_OPT_SOURCE_PASSWORD, MYSQL, 0, 0, 0, "MASTER_PASSWORD"},
    {MMHA_OPT_SOURCE_PASSWORD, MYSQL, 8, 0, 23, "SOURCE_PASSWORD"},
    {MMHA_OPT_SOURCE_LOG_FILE, MARIA, 0, 0, 0, "MASTER_LOG_FILE"},
    {MMHA_OPT_SOURCE_LOG_FILE, MYSQL, 0, 0, 0, "MASTER_LOG_FILE"},
    {MMHA_OPT_SOURCE_LOG_FILE, MYSQL, 8, 0, 23, "SOURCE_LOG_FILE"},
    {MMHA_OPT_SOURCE_LOG_POS, MARIA, 0, 0, 0, "MASTER_LOG_POS"},
    {MMHA_OPT_SOURCE_LOG_POS, MYSQL, 0, 0, 0, "MASTER_LOG_POS"},
    {MMHA_OPT_SOURCE_LOG_POS, MYSQL, 8, 0, 23, "SOURCE_LOG_POS"},
    {MMHA_OPT_SOURCE_CONNECT_RETRY, MARIA, 0, 0, 0, "MASTER_CONNECT_RETRY"},
    {MMHA_OPT_SOURCE_CONNECT_RETRY, MYSQL, 0, 0, 0, "MASTER_CONNECT_RETRY"},
    {MMHA_OPT_SOURCE_CONNECT_RETRY, MYSQL, 8, 0, 23, "SOURCE_CONNECT_RETRY"},
    {MMHA_OPT_SOURCE_HEARTBEAT, MARIA, 0, 0, 0, "MASTER_HEARTBEAT_PERIOD"},
    {MMHA_OPT_SOURCE_HEARTBEAT, MYSQL, 0, 0, 0, "MASTER_HEARTBEAT_PERIOD"},
    {MMHA_OPT_SOURCE_HEARTBEAT, MYSQL, 8, 0, 23, "SOURCE_HEARTBEAT_PERIOD"},
    {MMHA_OPT_AUTO_POSITION_ON, MARIA, 0, 0, 0, "MASTER_USE_GTID=slave_pos"},
    {MMHA_OPT_AUTO_POSITION_ON, MYSQL, 0, 0, 0, "MASTER_AUTO_POSITION=1"},
    {MMHA_OPT_AUTO_POSITION_ON, MYSQL, 8, 0, 23, "SOURCE_AUTO_POSITION=1"},
    {MMHA_OPT_AUTO_POSITION_OFF, MARIA, 0, 0, 0, "MASTER_USE_GTID=no"},
    {MMHA_OPT_AUTO_POSITION_OFF, MYSQL, 0, 0, 0, "MASTER_AUTO_POSITION=0"},
    {MMHA_OPT_AUTO_POSITION_OFF, MYSQL, 8, 0, 23, "SOURCE_AUTO_POSITION=0"},
    /* MariaDB 10.1+; refused (non-empty) with MASTER_USE_GTID=no. */
    {MMHA_OPT_IGNORE_DOMAIN_IDS, MARIA, 0, 0, 0, "IGNORE_DOMAIN_IDS"},
    {MMHA_OPT_IGNORE_DOMAIN_IDS, MYSQL, 0, 0, 0, ""},
    {MMHA_COL_SOURCE_HOST, MARIA, 0, 0, 0, "Master_Host"},
    {MMHA_COL_SOURCE_HOST, MYSQL, 0, 0, 0, "Master_Host"},
    {MMHA_COL_SOURCE_HOST, MYSQL, 8, 0, 22, "Source_Host"},
    {MMHA_COL_SOURCE_PORT, MARIA, 0, 0, 0, "Master_Port"},
    {MMHA_COL_SOURCE_PORT, MYSQL, 0, 0, 0, "Master_Port"},
    {MMHA_COL_SOURCE_PORT, MYSQL, 8, 0, 22, "Source_Port"},
    {MMHA_COL_IO_RUNNING, MARIA, 0, 0, 0, "Slave_IO_Running"},
    {MMHA_COL_IO_RUNNING, MYSQL, 0, 0, 0, "Slave_IO_Running"},
    {MMHA_COL_IO_RUNNING, MYSQL, 8, 0, 22, "Replica_IO_Running"},
    {MMHA_COL_SQL_RUNNING, MARIA, 0, 0, 0, "Slave_SQL_Running"},
    {MMHA_COL_SQL_RUNNING, MYSQL, 0, 0, 0, "Slave_SQL_Running"},
    {MMHA_COL_SQL_RUNNING, MYSQL, 8, 0, 22, "Replica_SQL_Running"},
    {MMHA_COL_READ_FILE, MARIA, 0, 0, 0, "Master_Log_File"},
    {MMHA_COL_READ_FILE, MYSQL, 0, 0, 0, "Master_Log_File"},
    {MMHA_COL_READ_FILE, MYSQL, 8, 0, 22, "Source_Log_File"},
    {MMHA_COL_READ_POS, MARIA, 0, 0, 0, "Read_Master_Log_Pos"},
    {MMHA_COL_READ_POS, MYSQL, 0, 0, 0, "Read_Master_Log_Pos"},
    {MMHA_COL_READ_POS, MYSQL, 8, 0, 22, "Read_Source_Log_Pos"},
    {MMHA_COL_EXEC_FILE, MARIA, 0, 0, 0, "Relay_Master_Log_File"},
    {MMHA_COL_EXEC_FILE, MYSQL, 0, 0, 0, "Relay_Master_Log_File"},
    {MMHA_COL_EXEC_FILE, MYSQL, 8, 0, 22, "Relay_Source_Log_File"},
    {MMHA_COL_EXEC_POS, MARIA, 0, 0, 0, "Exec_Master_Log_Pos"},
    {MMHA_COL_EXEC_POS, MYSQL, 0, 0, 0, "Exec_Master_Log_Pos"},
    {MMHA_COL_EXEC_POS, MYSQL, 8, 0, 22, "Exec_Source_Log_Pos"},
    {MMHA_COL_SECONDS_BEHIND, MARIA, 0, 0, 0, "Seconds_Behind_Master"},
    {MMHA_COL_SECONDS_BEHIND, MYSQL, 0, 0, 0, "Seconds_Behind_Master"},
    {MMHA_COL_SECONDS_BEHIND, MYSQL, 8, 0, 22, "Seconds_Behind_Source"},
    {MMHA_COL_LAST_IO_ERRNO, MARIA, 0, 0, 0, "Last_IO_Errno"},
    {MMHA_COL_LAST_IO_ERRNO, MYSQL, 0, 0, 0, "Last_IO_Errno"},
    {MMHA_COL_LAST_IO_ERROR, MARIA, 0, 0, 0, "Last_IO_Error"},
    {MMHA_COL_LAST_IO_ERROR, MYSQL, 0, 0, 0, "Last_IO_Error"},
    {MMHA_COL_LAST_SQL_ERRNO, MARIA, 0, 0, 0, "Last_SQL_Errno"},
    {MMHA_COL_LAST_SQL_ERRNO, MYSQL, 0, 0, 0, "Last_SQL_Errno"},
    {MMHA_COL_LAST_SQL_ERROR, MARIA, 0, 0, 0, "Last_SQL_Error"},
    {MMHA_COL_LAST_SQL_ERROR, MYSQL, 0, 0, 0, "Last_SQL_Error"},
    {MMHA_COL_AUTO_POSITION, MARIA, 0, 0, 0, "Using_Gtid"},
    {MMHA_COL_AUTO_POSITION, MYSQL, 0, 0, 0, "Auto_Position"},
    {MMHA_COL_RELAY_LOG_SPACE, MARIA, 0, 0, 0, "Relay_Log_Space"},
    {MMHA_COL_RELAY_LOG_SPACE, MYSQL, 0, 0, 0, "Relay_Log_Space"},
    {MMHA_COL_IGNORE_DOMAINS, MARIA, 0, 0, 0, "Replicate_Ignore_Domain_Ids"},
    {MMHA_COL_IGNORE_DOMAINS, MYSQL, 0, 0, 0, ""},
    /* MariaDB has TIME_MS; MySQL whole seconds only. */
    {MMHA_SQL_SESSIONS, MARIA, 0, 0, 0,
     "SELECT ID, USER, HOST, COMMAND, CAST(TIME_MS AS UNSIGNED) AS AGE_MS,"
     " STATE, LEFT(INFO, 512) AS INFO, '' AS LOCK_MODE"
     " FROM information_schema.PROCESSLIST"},
    {MMHA_SQL_SESSIONS, MYSQL, 0, 0, 0,
     "SELECT ID, USER, HOST, COMMAND, TIME * 1000 AS AGE_MS,"
     " STATE, LEFT(INFO, 512) AS INFO, '' AS LOCK_MODE"
     " FROM information_schema.PROCESSLIST"},
    /*
     * MariaDB (10.4+): the backup-lock namespace of the metadata_lock_info
     * plugin; MySQL: global and commit locks of performance_schema.
     */
    {MMHA_SQL_RO_LOCK_HOLDERS, MARIA, 0, 0, 0,
     "SELECT p.ID, p.USER, p.HOST, p.COMMAND,"
     " CAST(p.TIME_MS AS UNSIGNED) AS AGE_MS, p.STATE,"
     " LEFT(p.INFO, 512) AS INFO, m.LOCK_MODE"
     " FROM information_schema.METADATA_LOCK_INFO m"
     " JOIN information_schema.PROCESSLIST p ON p.ID = m.THREAD_ID"
     " WHERE m.LOCK_TYPE = 'Backup lock'"},
    {MMHA_SQL_RO_LOCK_HOLDERS, MYSQL, 0, 0, 0,
     "SELECT t.PROCESSLIST_ID AS ID, t.PROCESSLIST_USER AS USER,"
     " t.PROCESSLIST_HOST AS HOST, t.PROCESSLIST_COMMAND AS COMMAND,"
     " t.PROCESSLIST_TIME * 1000 AS AGE_MS, t.PROCESSLIST_STATE AS STATE,"
     " LEFT(t.PROCESSLIST_INFO, 512) AS INFO,"
     " CONCAT(m.OBJECT_TYPE, ' ', m.LOCK_TYPE) AS LOCK_MODE"
     " FROM performance_schema.metadata_locks m"
     " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
     " WHERE m.OBJECT_TYPE IN ('GLOBAL', 'COMMIT')"
     " AND m.LOCK_STATUS = 'GRANTED' AND t.PROCESSLIST_ID IS NOT NULL"},
    /* MariaDB 10.11 took READ_ONLY ADMIN out of SUPER. */
    {MMHA_SQL_RO_BYPASS_GRANTEES, MARIA, 0, 0, 0,
     "SELECT DISTINCT GRANTEE FROM information_schema.USER_PRIVILEGES"
     " WHERE PRIVILEGE_TYPE IN ('SUPER', 'READ_ONLY ADMIN')"},
    {MMHA_SQL_RO_BYPASS_GRANTEES, MARIA, 10, 11, 0,
     "SELECT DISTINCT GRANTEE FROM information_schema.USER_PRIVILEGES"
     " WHERE PRIVILEGE_TYPE = 'READ_ONLY ADMIN'"},
    {MMHA_SQL_RO_BYPASS_GRANTEES, MYSQL, 0, 0, 0,
     "SELECT DISTINCT GRANTEE FROM information_schema.USER_PRIVILEGES"
     " WHERE PRIVILEGE_TYPE IN ('SUPER', 'CONNECTION_ADMIN')"},
    /*
     * HOST is "address:port" for a TCP client ("localhost" on a socket);
     * the host part is what precedes the last colon (IPv6 included).
     * MySQL 8.0 deprecates information_schema.PROCESSLIST but 8.4 still
     * has it, and performance_schema.processlist needs performance_schema.
     */
    {MMHA_SQL_CLIENT_HOSTS, MARIA, 0, 0, 0, CLIENT_HOSTS},
    {MMHA_SQL_CLIENT_HOSTS, MYSQL, 0, 0, 0, CLIENT_HOSTS},
    {MMHA_SQL_MY_OTHER_LINKS, MARIA, 0, 0, 0, MY_OTHER_LINKS},
    {MMHA_SQL_MY_OTHER_LINKS, MYSQL, 0, 0, 0, MY_OTHER_LINKS},
    /*
     * Semi-sync: MySQL 8.0.26 added the semisync_source and
     * semisync_replica plugins (8.4 removed the old ones); a server that
     * loaded an old plugin keeps the old names, which these rows do not
     * know (mmha-binlog(8), CAVEATS).
     */
    {MMHA_VAR_SEMISYNC_SOURCE_ENABLED, MARIA, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_master_enabled"},
    {MMHA_VAR_SEMISYNC_SOURCE_ENABLED, MYSQL, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_master_enabled"},
    {MMHA_VAR_SEMISYNC_SOURCE_ENABLED, MYSQL, 8, 0, 26,
     "@@GLOBAL.rpl_semi_sync_source_enabled"},
    {MMHA_VAR_SEMISYNC_SOURCE_TIMEOUT, MARIA, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_master_timeout"},
    {MMHA_VAR_SEMISYNC_SOURCE_TIMEOUT, MYSQL, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_master_timeout"},
    {MMHA_VAR_SEMISYNC_SOURCE_TIMEOUT, MYSQL, 8, 0, 26,
     "@@GLOBAL.rpl_semi_sync_source_timeout"},
    {MMHA_VAR_SEMISYNC_SOURCE_WAIT_POINT, MARIA, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_master_wait_point"},
    {MMHA_VAR_SEMISYNC_SOURCE_WAIT_POINT, MYSQL, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_master_wait_point"},
    {MMHA_VAR_SEMISYNC_SOURCE_WAIT_POINT, MYSQL, 8, 0, 26,
     "@@GLOBAL.rpl_semi_sync_source_wait_point"},
    {MMHA_VAR_SEMISYNC_REPLICA_ENABLED, MARIA, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_slave_enabled"},
    {MMHA_VAR_SEMISYNC_REPLICA_ENABLED, MYSQL, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_slave_enabled"},
    {MMHA_VAR_SEMISYNC_REPLICA_ENABLED, MYSQL, 8, 0, 26,
     "@@GLOBAL.rpl_semi_sync_replica_enabled"},
    {MMHA_VAR_SEMISYNC_SOURCE_WAIT_NONE, MARIA, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_master_wait_no_slave"},
    {MMHA_VAR_SEMISYNC_SOURCE_WAIT_NONE, MYSQL, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_master_wait_no_slave"},
    {MMHA_VAR_SEMISYNC_SOURCE_WAIT_NONE, MYSQL, 8, 0, 26,
     "@@GLOBAL.rpl_semi_sync_source_wait_no_replica"},
    /*
     * A stopped semi-sync IO thread of MariaDB's connects to its source to
     * end its dump thread, bounded by this; MySQL's opens no such
     * connection.
     */
    {MMHA_VAR_SEMISYNC_KILL_CONN_TIMEOUT, MARIA, 0, 0, 0,
     "@@GLOBAL.rpl_semi_sync_slave_kill_conn_timeout"},
    {MMHA_VAR_SEMISYNC_KILL_CONN_TIMEOUT, MYSQL, 0, 0, 0, ""},
    {MMHA_STATUS_SEMISYNC_SOURCE_ON, MARIA, 0, 0, 0,
     "Rpl_semi_sync_master_status"},
    {MMHA_STATUS_SEMISYNC_SOURCE_ON, MYSQL, 0, 0, 0,
     "Rpl_semi_sync_master_status"},
    {MMHA_STATUS_SEMISYNC_SOURCE_ON, MYSQL, 8, 0, 26,
     "Rpl_semi_sync_source_status"},
    {MMHA_STATUS_SEMISYNC_SOURCE_CLIENTS, MARIA, 0, 0, 0,
     "Rpl_semi_sync_master_clients"},
    {MMHA_STATUS_SEMISYNC_SOURCE_CLIENTS, MYSQL, 0, 0, 0,
     "Rpl_semi_sync_master_clients"},
    {MMHA_STATUS_SEMISYNC_SOURCE_CLIENTS, MYSQL, 8, 0, 26,
     "Rpl_semi_sync_source_clients"},
    {MMHA_STATUS_SEMISYNC_SOURCE_YES_TX, MARIA, 0, 0, 0,
     "Rpl_semi_sync_master_yes_tx"},
    {MMHA_STATUS_SEMISYNC_SOURCE_YES_TX, MYSQL, 0, 0, 0,
     "Rpl_semi_sync_master_yes_tx"},
    {MMHA_STATUS_SEMISYNC_SOURCE_YES_TX, MYSQL, 8, 0, 26,
     "Rpl_semi_sync_source_yes_tx"},
    {MMHA_STATUS_SEMISYNC_SOURCE_NO_TX, MARIA, 0, 0, 0,
     "Rpl_semi_sync_master_no_tx"},
    {MMHA_STATUS_SEMISYNC_SOURCE_NO_TX, MYSQL, 0, 0, 0,
     "Rpl_semi_sync_master_no_tx"},
    {MMHA_STATUS_SEMISYNC_SOURCE_NO_TX, MYSQL, 8, 0, 26,
     "Rpl_semi_sync_source_no_tx"},
    {MMHA_STATUS_SEMISYNC_REPLICA_ON, MARIA, 0, 0, 0,
     "Rpl_semi_sync_slave_status"},
    {MMHA_STATUS_SEMISYNC_REPLICA_ON, MYSQL, 0, 0, 0,
     "Rpl_semi_sync_slave_status"},
    {MMHA_STATUS_SEMISYNC_REPLICA_ON, MYSQL, 8, 0, 26,
     "Rpl_semi_sync_replica_status"},
    /* MariaDB before 10.3.3 (later ones never need it). */
    {MMHA_SQL_SEMISYNC_INSTALL, MARIA, 0, 0, 0,
     "INSTALL SONAME 'semisync_master'; INSTALL SONAME 'semisync_slave'"},
    {MMHA_SQL_SEMISYNC_INSTALL, MYSQL, 0, 0, 0,
     "INSTALL PLUGIN rpl_semi_sync_master SONAME 'semisync_master.so';"
     " INSTALL PLUGIN rpl_semi_sync_slave SONAME 'semisync_slave.so'"},
    {MMHA_SQL_SEMISYNC_INSTALL, MYSQL, 8, 0, 26,
     "INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so';"
     " INSTALL PLUGIN rpl_semi_sync_replica SONAME 'semisync_replica.so'"},
    {MMHA_TXT_SEMISYNC_LOAD, MARIA, 0, 0, 0, "semisync_master;semisync_slave"},
    {MMHA_TXT_SEMISYNC_LOAD, MYSQL, 0, 0, 0,
     "semisync_master.so;semisync_slave.so"},
    {MMHA_TXT_SEMISYNC_LOAD, MYSQL, 8, 0, 26,
     "semisync_source.so;semisync_replica.so"},
};

#undef MARIA
#undef MYSQL
#undef HOST_PART
#undef CLIENT_HOSTS
#undef MY_OTHER_LINKS

bool mmha_version_parse(const char *text, struct mmha_version *v)
{
    const char *p = text;
    char *end = NULL;
    long part[3] = {0, 0, 0};
    int i;

    if (text == NULL) {
        return false;
    }
    /* Old MariaDB hands "5.5.5-" before its real version to old clients. */
    if (strncmp(p, "5.5.5-", 6) == 0 && strstr(p, "MariaDB") != NULL) {
        p += 6;
    }
    for (i = 0; i < 3; i++) {
        if (*p < '0' || *p > '9') {
            break;
        }
        part[i] = strtol(p, &end, 10);
        p = end;
        if (*p != '.') {
            i++;
            break;
        }
        p++;
    }
    if (i < 2) {
        return false;
    }
    v->flavour = strstr(text, "MariaDB") != NULL ? MMHA_FLAVOUR_MARIADB
                                                 : MMHA_FLAVOUR_MYSQL;
    v->major = (int)part[0];
    v->minor = (int)part[1];
    v->patch = (int)part[2];
    return true;
}

int mmha_version_cmp(const struct mmha_version *v, int major, int minor,
                     int patch)
{
    if (v->major != major) {
        return v->major < major ? -1 : 1;
    }
    if (v->minor != minor) {
        return v->minor < minor ? -1 : 1;
    }
    if (v->patch != patch) {
        return v->patch < patch ? -1 : 1;
    }
    return 0;
}

const char *mmha_sql_text(const struct mmha_version *v, enum mmha_sql key)
{
    const char *found = "";
    size_t i;

    /* Rows of one key are in ascending version order: the last match wins. */
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const struct dialect_row *r = &table[i];

        if (r->key == key && r->flavour == v->flavour &&
            mmha_version_cmp(v, r->major, r->minor, r->patch) >= 0) {
            found = r->text;
        }
    }
    return found;
}

int mmha_gtid_wait_ok_value(const struct mmha_version *v)
{
    /* Both return 0 when reached; they differ on timeout (-1 vs 1). */
    (void)v;
    return 0;
}

bool mmha_has_super_read_only(const struct mmha_version *v)
{
    return mmha_sql_text(v, MMHA_SQL_SUPER_READ_ONLY_ON)[0] != '\0';
}

bool mmha_has_gtid_domains(const struct mmha_version *v)
{
    return mmha_sql_text(v, MMHA_OPT_IGNORE_DOMAIN_IDS)[0] != '\0';
}

const char *mmha_version_name(const struct mmha_version *v, char *buf,
                              unsigned len)
{
    snprintf(buf, len, "%s %d.%d.%d",
             v->flavour == MMHA_FLAVOUR_MARIADB ? "MariaDB" : "MySQL", v->major,
             v->minor, v->patch);
    return buf;
}
