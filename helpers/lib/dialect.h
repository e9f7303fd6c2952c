/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one dialect table: every SQL text that differs between MariaDB and
 * MySQL versions is looked up here, by key, for the connected server's
 * flavour and version. No helper spells a version-dependent statement.
 */
#ifndef MMHA_DIALECT_H
#define MMHA_DIALECT_H

#include <stdbool.h>

enum mmha_flavour {
    MMHA_FLAVOUR_MARIADB,
    MMHA_FLAVOUR_MYSQL,
};

struct mmha_version {
    enum mmha_flavour flavour;
    int major;
    int minor;
    int patch;
};

enum mmha_sql {
    /* statements */
    MMHA_SQL_SHOW_REPLICA_STATUS,
    MMHA_SQL_SHOW_BINLOG_STATUS,
    MMHA_SQL_START_REPLICA,
    MMHA_SQL_STOP_REPLICA,
    MMHA_SQL_START_REPLICA_IO,
    MMHA_SQL_STOP_REPLICA_IO,
    MMHA_SQL_START_REPLICA_SQL,
    MMHA_SQL_STOP_REPLICA_SQL,
    MMHA_SQL_RESET_REPLICA_ALL,
    MMHA_SQL_CHANGE_SOURCE,      /* "CHANGE MASTER TO" prefix */
    MMHA_SQL_SUPER_READ_ONLY_ON, /* "" where the server has none */
    MMHA_SQL_SUPER_READ_ONLY_OFF,
    /* functions and variables */
    MMHA_FN_POS_WAIT,             /* (file, pos, timeout) */
    MMHA_FN_GTID_WAIT,            /* (set, timeout) */
    MMHA_VAR_GTID_BINLOG,         /* what this server's binlog holds */
    MMHA_VAR_GTID_APPLIED,        /* what its replica threads applied */
    MMHA_VAR_GTID_CURRENT,        /* the union: its own state */
    MMHA_VAR_SERVER_UUID,         /* "" where the server has none */
    MMHA_VAR_GTID_DOMAIN,         /* the server's GTID domain; "" where none */
    MMHA_VAR_LOG_REPLICA_UPDATES, /* applied events go to its binlog */
    MMHA_VAR_REPLICA_NET_TIMEOUT, /* seconds a silent source is trusted */
    /* CHANGE MASTER / CHANGE REPLICATION SOURCE options */
    MMHA_OPT_SOURCE_HOST,
    MMHA_OPT_SOURCE_PORT,
    MMHA_OPT_SOURCE_USER,
    MMHA_OPT_SOURCE_PASSWORD,
    MMHA_OPT_SOURCE_LOG_FILE,
    MMHA_OPT_SOURCE_LOG_POS,
    MMHA_OPT_SOURCE_CONNECT_RETRY,
    MMHA_OPT_SOURCE_HEARTBEAT, /* seconds, with decimals */
    MMHA_OPT_AUTO_POSITION_ON, /* complete "KEY=value" */
    MMHA_OPT_AUTO_POSITION_OFF,
    MMHA_OPT_IGNORE_DOMAIN_IDS, /* "" where the server has no domains */
    /* columns of the replica status row */
    MMHA_COL_SOURCE_HOST,
    MMHA_COL_SOURCE_PORT,
    MMHA_COL_IO_RUNNING,
    MMHA_COL_SQL_RUNNING,
    MMHA_COL_READ_FILE,
    MMHA_COL_READ_POS,
    MMHA_COL_EXEC_FILE,
    MMHA_COL_EXEC_POS,
    MMHA_COL_SECONDS_BEHIND,
    MMHA_COL_LAST_IO_ERRNO,
    MMHA_COL_LAST_IO_ERROR,
    MMHA_COL_LAST_SQL_ERRNO,
    MMHA_COL_LAST_SQL_ERROR,
    MMHA_COL_AUTO_POSITION,
    MMHA_COL_RELAY_LOG_SPACE,
    MMHA_COL_IGNORE_DOMAINS, /* "" where the server has no domains */
    /* sessions and locks (mmha-readonly); columns ID, USER, HOST, COMMAND,
       AGE_MS, STATE, INFO, LOCK_MODE */
    MMHA_SQL_SESSIONS,           /* every session of the server */
    MMHA_SQL_RO_LOCK_HOLDERS,    /* holders of locks a read lock waits on */
    MMHA_SQL_RO_BYPASS_GRANTEES, /* accounts that write despite read_only */
    /* connections (mmha-binlog clients, replica reconnect); column ID, HOST */
    MMHA_SQL_CLIENT_HOSTS,   /* every session but ours and binlog dumps */
    MMHA_SQL_MY_OTHER_LINKS, /* our account's other sessions from our host */
    /*
     * semi-synchronous replication (mmha-binlog semisync): MariaDB has it
     * built in from 10.3.3, MySQL from plugins whose names (and those of
     * their variables) changed in 8.0.26.
     */
    MMHA_VAR_SEMISYNC_SOURCE_ENABLED,    /* 0/1 */
    MMHA_VAR_SEMISYNC_SOURCE_TIMEOUT,    /* milliseconds */
    MMHA_VAR_SEMISYNC_SOURCE_WAIT_POINT, /* AFTER_SYNC or AFTER_COMMIT */
    MMHA_VAR_SEMISYNC_REPLICA_ENABLED,   /* 0/1 */
    MMHA_VAR_SEMISYNC_SOURCE_WAIT_NONE,  /* wait with no replica: ON/OFF */
    MMHA_VAR_SEMISYNC_KILL_CONN_TIMEOUT, /* seconds; "" where none (MySQL) */
    MMHA_STATUS_SEMISYNC_SOURCE_ON,      /* SHOW GLOBAL STATUS names */
    MMHA_STATUS_SEMISYNC_SOURCE_CLIENTS,
    MMHA_STATUS_SEMISYNC_SOURCE_YES_TX,
    MMHA_STATUS_SEMISYNC_SOURCE_NO_TX,
    MMHA_STATUS_SEMISYNC_REPLICA_ON,
    MMHA_SQL_SEMISYNC_INSTALL, /* loads both plugins: advice, never run */
    MMHA_TXT_SEMISYNC_LOAD,    /* the same as a plugin-load-add value */
    MMHA_SQL_COUNT
};

/*
 * Parse SELECT VERSION() (or the handshake string): "10.11.6-MariaDB-log",
 * "5.5.5-10.4.32-MariaDB", "8.0.36", "8.4.0-commercial", "5.7.44-log".
 * Returns false when no version number can be read.
 */
bool mmha_version_parse(const char *text, struct mmha_version *v);

/* Negative, zero or positive, as strcmp, on (major, minor, patch). */
int mmha_version_cmp(const struct mmha_version *v, int major, int minor,
                     int patch);

/* The text for key on this server; never NULL ("" = not applicable). */
const char *mmha_sql_text(const struct mmha_version *v, enum mmha_sql key);

/* The value the GTID wait function returns when it reached the set. */
int mmha_gtid_wait_ok_value(const struct mmha_version *v);

/* Whether the server has super_read_only (MySQL 5.7.8 and later). */
bool mmha_has_super_read_only(const struct mmha_version *v);

/* Whether a replica can ignore GTID domains (MariaDB IGNORE_DOMAIN_IDS). */
bool mmha_has_gtid_domains(const struct mmha_version *v);

/* "MariaDB 10.11.6" style name, into buf. */
const char *mmha_version_name(const struct mmha_version *v, char *buf,
                              unsigned len);

#endif
