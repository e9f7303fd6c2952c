/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog's private parts: the parsed command line and the small
 * functions its subcommands share. One subcommand per file beside this.
 */
#ifndef MMHA_BINLOG_H
#define MMHA_BINLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <errmsg.h>

#include "conn.h"
#include "deadline.h"
#include "dialect.h"
#include "gtid.h"
#include "opts.h"
#include "output.h"
#include "position.h"

#define TOOL "mmha-binlog"

enum {
    POLL_MS = 100, /* how often a wait looks at the replica */
    MSG_MAX = 1200,
};

/* When main started: wait reports connect + check time from it. */
extern int64_t start_us;

struct args {
    struct mmha_common common;
    const char *cmd;
    const char *pos;  /* wait --pos */
    const char *gtid; /* wait --gtid SET */
    bool gtid_auto;   /* repoint --gtid */
    bool drain;
    bool progress;
    const char *to;
    const char *at;
    const char *reference;
    const char *repl_defaults;
    const char *ignore_domains; /* repoint --ignore-domains LIST */
    bool ignore_source_domain;  /* repoint --ignore-source-domain */
    int settle_ms;              /* repoint --settle (default 500) */
    bool settle_set;
    bool dry_run;          /* repoint --dry-run */
    const char *action;    /* replica stop, ...; semisync source, ... */
    bool io_thread;        /* replica stop/start --io-thread */
    bool keep_io;          /* semisync --keep-io */
    const char *sent_file; /* replica stop/start --sent-file FILE */
    int64_t net_timeout_s; /* replica net-timeout SECONDS */
    /* semisync source --semisync-timeout MS (0: not given) */
    int64_t semisync_timeout_ms;
};

/* Binlog coordinates and server variables: coords.c. */
int coord_cmp(const char *fa, uint64_t pa, const char *fb, uint64_t pb);
enum mmha_gtid_kind gtid_kind(const struct mmha_conn *c);
unsigned int read_var(struct mmha_conn *c, enum mmha_sql key, char *buf,
                      size_t len);

/*
 * A repoint's new source at host:port, as the replication account
 * (--repl-defaults-file) or, without it, ours: 0 or an exit code with msg.
 */
int source_connect(const struct args *a, const char *host, unsigned int port,
                   const struct mmha_deadline *d, struct mmha_conn *src,
                   char *msg, size_t len);

/*
 * GTID domain lists ("1,2"): the replica's ignore list (Replicate_Ignore_
 * Domain_Ids, "" none or no domains on this server), whether a list is
 * well formed, and whether it holds a domain.
 */
enum { DOMAINS_MAX = 512 };
unsigned int read_ignore_domains(struct mmha_conn *c, char *buf, size_t len);
bool domain_list_valid(const char *list);
bool domain_list_has(const char *list, unsigned long domain);

/* The replica status, or an exit code after one logged line. */
int replica_read(struct mmha_conn *c, struct mmha_replica_status *r);

/* A replica status object under key, with its ignore list. */
void replica_out(struct mmha_out *o, const char *key,
                 const struct mmha_replica_status *r, const char *ignore);

/* Run one statement of the dialect table: 0 or an exit code after one
 * logged line (replica.c). */
int run_sql(struct mmha_conn *c, enum mmha_sql key);

/* This server's semi-synchronous replication: semisync.c. */
struct semisync {
    bool source_enabled;
    bool source_active; /* waiting for acks: false when degraded or off */
    long long source_clients;
    long long source_yes_tx;
    long long source_no_tx;
    long long source_timeout_ms;
    bool replica_enabled;
    bool replica_active; /* the IO thread acknowledges */
};

/*
 * The state into s: 0, ER_UNKNOWN_SYSTEM_VARIABLE when the server has no
 * semi-sync (MySQL without its plugins), or another errno of the server.
 */
unsigned int semisync_read(struct mmha_conn *c, struct semisync *s);

/* The semisync_* fields at this level of o. */
void semisync_out(struct mmha_out *o, const struct semisync *s);

/* Sessions as (ID, HOST) from a dialect statement: procs.c. */
struct proc {
    unsigned long id;
    char host[MMHA_NAME_MAX];
};
struct procs {
    size_t n;
    size_t cap;
    struct proc *v;
};
unsigned int procs_read(struct mmha_conn *c, enum mmha_sql key,
                        struct procs *out);
void procs_free(struct procs *p);

/*
 * repoint --gtid: this server's own transactions that the source at
 * host:port holds and its binary log lacks, fetched under a temporary
 * server_id with the replica stopped (own_tail.c): 0 or an exit code
 * with msg.
 */
int take_back_own(const struct args *a, struct mmha_conn *c, const char *host,
                  unsigned int port, const struct mmha_deadline *d, char *msg,
                  size_t len);

/* The subcommands: each returns the exit code and fills o. */
int cmd_capture(struct args *a, struct mmha_conn *c, struct mmha_out *o);
int cmd_wait(struct args *a, struct mmha_conn *c, const struct mmha_deadline *d,
             struct mmha_out *o);
int cmd_repoint(struct args *a, struct mmha_conn *c,
                const struct mmha_deadline *d, struct mmha_out *o);
int cmd_errant(struct args *a, struct mmha_conn *c,
               const struct mmha_deadline *d, struct mmha_out *o);
int cmd_replica(struct args *a, struct mmha_conn *c,
                const struct mmha_deadline *d, struct mmha_out *o);
int cmd_clients(struct args *a, struct mmha_conn *c, struct mmha_out *o);
int cmd_semisync(struct args *a, struct mmha_conn *c, struct mmha_out *o);

#endif
