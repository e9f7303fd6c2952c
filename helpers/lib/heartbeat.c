/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Heartbeat table statements and the clock-offset estimate. */
#include "heartbeat.h"

#include <inttypes.h>
#include <mysqld_error.h>
#include <stdio.h>

const char MMHA_HB_CREATE_DB[] = "CREATE DATABASE IF NOT EXISTS mmha";

const char MMHA_HB_CREATE_TABLE[] =
    "CREATE TABLE IF NOT EXISTS mmha.heartbeat ("
    "server_id INT UNSIGNED NOT NULL PRIMARY KEY, "
    "ts DATETIME(6) NOT NULL, "
    "binlog_file VARCHAR(255) NOT NULL DEFAULT '', "
    "binlog_pos BIGINT UNSIGNED NOT NULL DEFAULT 0, "
    "epoch BIGINT UNSIGNED NOT NULL DEFAULT 0"
    ") ENGINE=InnoDB";

/* TIMESTAMPDIFF on two UTC DATETIMEs: no time zone enters the sum. */
const char MMHA_HB_CHECK[] =
    "SELECT server_id, ts, epoch, binlog_file, binlog_pos, "
    "TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) AS lag_us "
    "FROM mmha.heartbeat WHERE server_id <> @@GLOBAL.server_id "
    "ORDER BY epoch DESC, ts DESC LIMIT 1";

const char MMHA_HB_LOCK_WAIT[] = "SET SESSION lock_wait_timeout = 1";

const char MMHA_HB_OWN_AGE[] =
    "SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) DIV 1000 "
    "FROM mmha.heartbeat WHERE server_id = @@GLOBAL.server_id";

const char MMHA_HB_SERVER_US[] =
    "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', "
    "UTC_TIMESTAMP(6))";

int mmha_hb_beat_sql(struct mmha_conn *c, char *buf, size_t len,
                     const char *binlog_file, uint64_t binlog_pos,
                     uint64_t epoch)
{
    char file[2 * 255 + 1];

    mmha_escape(c, file, sizeof(file), binlog_file);
    /* A row only while the server is writable, decided by the statement
     * itself: one sent before a hang and run after the demotion's
     * read_only (the beat's user may bypass it) would otherwise land
     * after the final position, an errant transaction on the old writer
     * (bench/chaos: a hung writer's queued beat). */
    return snprintf(buf, len,
                    "INSERT INTO mmha.heartbeat "
                    "(server_id, ts, binlog_file, binlog_pos, epoch) "
                    "SELECT @@GLOBAL.server_id, UTC_TIMESTAMP(6), '%s', "
                    "%" PRIu64 ", %" PRIu64 " FROM DUAL "
                    "WHERE @@GLOBAL.read_only = 0 ON DUPLICATE KEY UPDATE "
                    "ts = VALUES(ts), binlog_file = VALUES(binlog_file), "
                    "binlog_pos = VALUES(binlog_pos), epoch = VALUES(epoch)",
                    file, binlog_pos, epoch);
}

bool mmha_clock_offset(const struct mmha_clock_sample *s, size_t n,
                       int64_t *offset_us, int64_t *half_rtt_us)
{
    const struct mmha_clock_sample *best = NULL;
    size_t i;

    for (i = 0; i < n; i++) {
        int64_t rtt = s[i].recv_us - s[i].sent_us;

        if (rtt < 0) {
            continue;
        }
        if (best == NULL || rtt < best->recv_us - best->sent_us) {
            best = &s[i];
        }
    }
    if (best == NULL) {
        return false;
    }
    /* The server read its clock somewhere inside the round trip; the
     * mid-point is the best guess, half the round trip the bound. */
    *offset_us = best->server_us - (best->sent_us + best->recv_us) / 2;
    *half_rtt_us = (best->recv_us - best->sent_us + 1) / 2;
    return true;
}

bool mmha_hb_missing(unsigned int err)
{
    return err == ER_NO_SUCH_TABLE || err == ER_BAD_DB_ERROR;
}
