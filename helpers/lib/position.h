/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a server's binary log and replica threads say about where it is:
 * read once, through the dialect table, by any helper that needs it.
 */
#ifndef MMHA_POSITION_H
#define MMHA_POSITION_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "output.h"

/*
 * MMHA_GTID_MAX is only a starting size: GTID sets are read into heap
 * strings of whatever length the server sends.
 */
enum { MMHA_NAME_MAX = 256, MMHA_GTID_MAX = 4096, MMHA_ERR_MAX = 1024 };

/*
 * The server's own binary log: where its next write will go. The GTID
 * strings are on the heap, never NULL after a read ("" when empty): start
 * from a zeroed struct, free with mmha_binlog_pos_free; a read frees what
 * the struct held. Copying the struct copies the pointers: move it (and
 * zero the source).
 */
struct mmha_binlog_pos {
    bool binlog_on;
    char file[MMHA_NAME_MAX];
    uint64_t pos;
    char *gtid_binlog;  /* MariaDB gtid_binlog_pos / MySQL gtid_executed */
    char *gtid_current; /* MariaDB gtid_current_pos */
    unsigned long server_id;
    char server_uuid[64]; /* MySQL only */
    bool read_only;
    bool super_read_only;
};

/* The replica side: where it reads from and how far it applied. Heap
 * string as in mmha_binlog_pos: zero it first, free with
 * mmha_replica_status_free. */
struct mmha_replica_status {
    bool configured; /* false: no source set at all */
    char source_host[MMHA_NAME_MAX];
    unsigned int source_port;
    bool io_running;    /* "Yes" */
    bool io_connecting; /* "Connecting" */
    bool sql_running;
    char read_file[MMHA_NAME_MAX];
    uint64_t read_pos;
    char exec_file[MMHA_NAME_MAX];
    uint64_t exec_pos;
    bool seconds_behind_null;
    long long seconds_behind;
    unsigned int last_io_errno;
    char last_io_error[MMHA_ERR_MAX];
    unsigned int last_sql_errno;
    char last_sql_error[MMHA_ERR_MAX];
    bool auto_position;
    char *gtid_applied; /* MariaDB gtid_slave_pos; never NULL after a read */
    uint64_t relay_log_space;
};

/*
 * The first column of the first row of sql, whole, into a new heap string
 * (*out; "" for SQL NULL or no row). 0 or the server's errno
 * (CR_OUT_OF_MEMORY when the copy fails).
 */
unsigned int mmha_query_dup(struct mmha_conn *c, const char *sql, char **out);

/* A dialect variable (SELECT @@...) into a new heap string, "" where the
 * server has none; as mmha_query_dup. */
unsigned int mmha_var_dup(struct mmha_conn *c, enum mmha_sql key, char **out);

void mmha_binlog_pos_free(struct mmha_binlog_pos *p);
void mmha_replica_status_free(struct mmha_replica_status *r);

/* 0 or the server's errno. */
unsigned int mmha_binlog_pos_read(struct mmha_conn *c,
                                  struct mmha_binlog_pos *p);
unsigned int mmha_replica_status_read(struct mmha_conn *c,
                                      struct mmha_replica_status *r);

/* Write either as an output object under key (NULL = at this level). */
void mmha_binlog_pos_out(struct mmha_out *o, const char *key,
                         const struct mmha_binlog_pos *p);
void mmha_replica_status_out(struct mmha_out *o, const char *key,
                             const struct mmha_replica_status *r);

#endif
