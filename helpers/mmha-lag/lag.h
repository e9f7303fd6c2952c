/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-lag's private parts: the parsed command line and what the
 * subcommand files share. One job per file beside this: beat.c (one beat,
 * --once), daemon.c (the beating loop, the signals and sleeps both loops
 * share), check.c (one reading: read, decide, publish, print), watch.c
 * (check --watch: readings on one connection until stopped), age.c (the
 * age of this server's own heartbeat row).
 */
#ifndef MMHA_LAG_H
#define MMHA_LAG_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "deadline.h"
#include "hysteresis.h"
#include "opts.h"
#include "position.h"

enum {
    ONCE_TIMEOUT_MS = 10000, /* whole call, unless beating as a daemon */
    ERR_LEN = 512,
};

enum lag_cmd {
    LAG_BEAT,
    LAG_CHECK,
    LAG_AGE,
};

struct lag_args {
    struct mmha_common common;
    enum lag_cmd cmd;
    /* beat */
    uint64_t epoch;
    int64_t interval_ms;
    bool once;
    const char *pidfile; /* also check --watch */
    /* check */
    int64_t dampen_ms; /* -1 = not given */
    int64_t dwell_ms;
    int64_t max_lag_ms;
    int64_t recover_lag_ms; /* -1 = half of max_lag */
    const char *node;
    const char *offset_from;
    const char *publish;
    const char *state_file;
    int64_t watch_ms; /* -1 = one reading, else ms between readings */
    int64_t count;    /* with --watch: readings to take; 0 = until stopped */
};

struct beat_result {
    bool skipped; /* read-only: not the writer */
    char ts[40];  /* the row's ts after the beat (--once only) */
    char file[MMHA_NAME_MAX];
    uint64_t pos;
    long long server_id;
};

/* What one check found. */
struct lag_reading {
    bool reached;     /* the server answered; false: error says why not */
    bool unreachable; /* ... because it could not be reached (not refused) */
    char error[ERR_LEN];
    bool error_logged;
    bool hb_found;
    long long hb_server_id;
    char hb_ts[40];
    unsigned long long hb_epoch;
    char hb_file[MMHA_NAME_MAX];
    unsigned long long hb_pos;
    bool lag_known;
    double lag_ms;     /* corrected by the offset when one was measured */
    double lag_raw_ms; /* reader clock - writer's ts, uncorrected */
    bool offset_known;
    double offset_ms; /* writer clock - reader clock */
    double offset_err_ms;
    struct mmha_replica_status rs;
    bool replication_ok;
};

/* What carries over from one reading to the next (one call, or --watch). */
struct check_memory {
    struct mmha_hyst_conf hc;
    struct mmha_hyst_state st;
    struct mmha_hyst_state saved; /* as last in --state-file */
    bool have_saved;
    bool offset_known; /* --offset-from estimate, kept for a while */
    double offset_ms;
    double offset_err_ms;
    int64_t offset_at_us; /* monotonic */
};

/* Per-record extras of check --watch (NULL for a single check). */
struct watch_extra {
    long long reading;    /* 1, 2, ... */
    int64_t start_us;     /* monotonic, when this reading began */
    int64_t unreached_ms; /* since the last reading the server answered */
};

/* beat.c */
unsigned int beat_once(struct mmha_conn *c, uint64_t epoch, bool read_back,
                       struct beat_result *b);
int run_beat_once(const struct lag_args *a);
/* A single call's connection, bounded by --timeout (default 10 s): the
 * deadline started, an exit code (the error already logged). */
int lag_connect_once(const struct lag_args *a, struct mmha_conn *c,
                     struct mmha_deadline *d);

/* daemon.c */
int run_beat_daemon(const struct lag_args *a);

/* daemon.c: signals and sleeps of both loops */
/* Write the pid file (if any), catch SIGTERM/SIGINT: an exit code. */
int lag_signals_install(const char *pidfile);
bool lag_stopped(void);
void lag_in_db(bool in_db);
void lag_sleep_unless_stopped(int64_t ms);
bool lag_client_error(unsigned int e);

/* check.c */
void check_memory_init(const struct lag_args *a, struct check_memory *m,
                       bool watching);
/* Read the lag on c (and the offset, if due): an exit code, r->error. */
int check_read(const struct lag_args *a, struct mmha_conn *c,
               const struct mmha_deadline *d, struct check_memory *m,
               struct lag_reading *r);
/* Decide, save the state, publish, print one record: an exit code. */
int check_decide(const struct lag_args *a, struct check_memory *m,
                 const struct lag_reading *r, const struct mmha_deadline *d,
                 const struct watch_extra *w);
int run_check(const struct lag_args *a);

/* watch.c */
int run_watch(const struct lag_args *a);

/* age.c */
int run_age(const struct lag_args *a);

#endif
