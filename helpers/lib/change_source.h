/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CHANGE MASTER TO / CHANGE REPLICATION SOURCE TO statement, built by
 * a pure function from the dialect table so both flavours can be tested
 * without a server.
 */
#ifndef MMHA_CHANGE_SOURCE_H
#define MMHA_CHANGE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialect.h"

enum mmha_auto_position {
    MMHA_AUTOPOS_LEAVE, /* say nothing about it */
    MMHA_AUTOPOS_ON,
    MMHA_AUTOPOS_OFF,
};

/* Fields left NULL (or 0) are not mentioned, so the server keeps them. */
struct mmha_change_source {
    const char *host;
    unsigned int port;
    const char *user;
    const char *password;
    const char *log_file; /* with log_pos; implies auto position off */
    uint64_t log_pos;
    enum mmha_auto_position auto_position;
    unsigned int connect_retry; /* seconds */
    /*
     * The source sends a heartbeat event after this long idle, so a
     * replica with a short slave_net_timeout tells a silent connection
     * from an idle source (0: not said).
     */
    unsigned int heartbeat_ms;
    /*
     * GTID domains whose events the replica drops, "1,2" (digits and
     * commas only); "" clears the list; NULL says nothing. Servers without
     * domains (MySQL) take only "" (nothing to clear, nothing said).
     */
    const char *ignore_domains;
};

/*
 * Escapes s for a single-quoted literal into buf (len >= 2 * strlen + 1);
 * a connection's escape honours NO_BACKSLASH_ESCAPES.
 */
typedef void (*mmha_escape_fn)(void *ctx, char *buf, size_t len, const char *s);

/*
 * The statement into buf. escape may be NULL: then quotes are doubled and
 * backslashes escaped. False when buf is too small, nothing is set, or
 * ignore_domains is malformed or cannot be said on this server.
 */
bool mmha_change_source_sql(const struct mmha_version *v,
                            const struct mmha_change_source *cs,
                            mmha_escape_fn escape, void *ctx, char *buf,
                            size_t len);

#endif
