/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The heartbeat table mmha.heartbeat: its schema, the statements that
 * write and read it, and the clock-offset estimate between two servers.
 *
 * One row per writer (server_id primary key). ts is the writer server's
 * own UTC_TIMESTAMP(6) at the beat, so lag = the reader server's
 * UTC_TIMESTAMP(6) - ts needs no client clock at all; epoch is raised by
 * the agent at each promotion, so a stale writer's row loses to the
 * current one.
 */
#ifndef MMHA_HEARTBEAT_H
#define MMHA_HEARTBEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"

extern const char MMHA_HB_CREATE_DB[];
extern const char MMHA_HB_CREATE_TABLE[];

/*
 * The lag query, run on the reader: the row of the highest epoch, then the
 * newest ts, written by another server; lag in microseconds by the
 * reader's own clock, in the same statement.
 * Columns: server_id, ts, epoch, binlog_file, binlog_pos, lag_us.
 */
extern const char MMHA_HB_CHECK[];

/*
 * This server's own row (server_id = @@server_id): its age in whole ms by
 * the server's clock, after MMHA_HB_LOCK_WAIT bounded the lock wait to 1 s
 * (a lock then fails with ER_LOCK_WAIT_TIMEOUT).
 */
extern const char MMHA_HB_LOCK_WAIT[];
extern const char MMHA_HB_OWN_AGE[];

/* The beat statement for server_id (taken from @@server_id), into buf. */
int mmha_hb_beat_sql(struct mmha_conn *c, char *buf, size_t len,
                     const char *binlog_file, uint64_t binlog_pos,
                     uint64_t epoch);

/* One NOW(6) round trip, all in microseconds. */
struct mmha_clock_sample {
    int64_t sent_us;   /* client, before the query */
    int64_t server_us; /* server clock in the answer */
    int64_t recv_us;   /* client, after the answer */
};

/*
 * Server clock minus client clock at the mid-point of the round trip,
 * from the sample with the smallest round trip; *half_rtt_us bounds the
 * error. False when there is no usable sample.
 */
bool mmha_clock_offset(const struct mmha_clock_sample *s, size_t n,
                       int64_t *offset_us, int64_t *half_rtt_us);

/* The server's UTC clock in microseconds since the epoch, as a query. */
extern const char MMHA_HB_SERVER_US[];

/* Whether a server errno means "no heartbeat table/database yet". */
bool mmha_hb_missing(unsigned int err);

#endif
