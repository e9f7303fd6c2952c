/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Make a server read-only within a deadline, losing nothing: the core of
 * mmha-readonly, also called by mmha-guard when it fences itself.
 *
 * SET GLOBAL read_only=1 waits behind every running write statement and
 * LOCK TABLES ... WRITE holder, and stalls all new writes while it waits.
 * So the statement is only sent when nothing long-running holds such a
 * lock; a blocker gets --kill-after to finish, then KILL QUERY, then KILL
 * CONNECTION. A pending attempt is cut by KILL QUERY from a second
 * connection, so writers are never stalled for long and the deadline holds.
 */
#ifndef MMHA_READONLY_H
#define MMHA_READONLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "deadline.h"
#include "output.h"
#include "position.h"
#include "sessions.h"

enum {
    MMHA_RO_KILLS_MAX = 64,    /* kills reported (more are counted) */
    MMHA_RO_BLOCKERS_MAX = 16, /* blockers named on failure */
    MMHA_RO_ALIVE_MAX = 64,    /* sessions alive at the end, named */
    MMHA_RO_MSG_MAX = 1024,
    MMHA_RO_KILL_CONNS_MAX = 32,
};

struct mmha_readonly_opts {
    int64_t kill_after_ms;    /* grace before a blocker is killed */
    const char *const *spare; /* --spare-user patterns */
    size_t nspare;
    bool keep_clients; /* do not kill clients once read-only */
    bool dry_run;      /* list what would be killed, change nothing */
    int kill_conns;    /* connections sending KILLs side by side */
    int64_t still_ms;  /* gap between the two position reads */
};

/* Defaults: kill after 500 ms, position read 10 ms apart, KILLs on up to
 * MMHA_RO_KILL_CONNS_DEFAULT connections. */
enum { MMHA_RO_KILL_CONNS_DEFAULT = 1 };
void mmha_readonly_opts_init(struct mmha_readonly_opts *o);

enum mmha_kill_reason {
    MMHA_KILL_BLOCKER,     /* held a lock read_only=1 waited for */
    MMHA_KILL_BYPASS_USER, /* its account writes despite read_only */
    MMHA_KILL_CLIENT,      /* a client, sent to the new writer */
};

struct mmha_kill {
    struct mmha_session s;
    enum mmha_kill_reason reason;
    bool connection;  /* KILL CONNECTION (else KILL QUERY) */
    unsigned int err; /* the server's errno for the KILL, 0 = done */
};

/* A session still there at the end: not killed in time, or not gone. */
struct mmha_alive {
    unsigned long long id;
    char user[MMHA_SESS_USER_MAX];
    char host[MMHA_SESS_HOST_MAX];
    enum mmha_kill_reason reason;
    bool killed; /* the KILL was sent and answered */
};

struct mmha_readonly_report {
    bool writable_mode; /* --writable was asked */
    bool was_read_only;
    bool was_super_read_only;
    bool read_only;       /* at the end */
    bool lock_table;      /* blockers found by lock, not by statement */
    int attempts;         /* SET GLOBAL read_only=1 sent */
    int64_t read_only_ms; /* from the start until read_only=1, -1 */
    int64_t elapsed_ms;
    struct mmha_kill kills[MMHA_RO_KILLS_MAX];
    size_t nkills;
    size_t kills_dropped; /* beyond MMHA_RO_KILLS_MAX */
    int kill_conns;       /* connections the KILLs went out on, at most */
    bool dry_run;         /* kills[] is what would be killed */
    struct mmha_alive alive[MMHA_RO_ALIVE_MAX];
    size_t nalive;
    size_t alive_total;
    struct mmha_session blockers[MMHA_RO_BLOCKERS_MAX];
    size_t nblockers; /* last seen, named when giving up */
    bool pos_valid;
    struct mmha_binlog_pos pos; /* final position once still */
    char message[MMHA_RO_MSG_MAX];
};

/*
 * Make the server read-only (and super_read_only on MySQL), kill what can
 * still write, wait until the binary log stops moving and record the final
 * position, then kill the clients. Every step is bounded by the deadline;
 * KILLs go out on up to o->kill_conns connections at once. Returns an
 * mmha_exit code. When read_only=1 could not be reached, the server's
 * read_only and super_read_only are put back as they were (MMHA_EXIT_
 * DEADLINE when time ran out); once it is reached it is never undone: a
 * deadline passed while killing or waiting for the position gives
 * MMHA_EXIT_DEADLINE with read_only still 1, and clients still connected
 * at the end are named in alive[] (status 0 when the position is final).
 * With o->dry_run, nothing changes: kills[] lists what would be killed.
 */
int mmha_make_read_only(const struct mmha_conn_opts *co,
                        const struct mmha_readonly_opts *o,
                        const struct mmha_deadline *d,
                        struct mmha_readonly_report *r);

/* read_only=0 (and super_read_only=0 on MySQL); records the position. */
int mmha_make_writable(const struct mmha_conn_opts *co,
                       const struct mmha_deadline *d,
                       struct mmha_readonly_report *r);

const char *mmha_kill_reason_name(enum mmha_kill_reason k);

/* Write the report (with status for code) in the output's format. */
void mmha_readonly_report_out(struct mmha_out *out,
                              const struct mmha_readonly_report *r, int code);

#endif
