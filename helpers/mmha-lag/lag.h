/*
 * mmha-lag's private parts: the parsed command line and what the
 * subcommand files share. One job per file beside this: beat.c (one beat,
 * --once), daemon.c (the beating loop and its signals), check.c (check).
 */
#ifndef MMHA_LAG_H
#define MMHA_LAG_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "opts.h"
#include "position.h"

enum {
    ONCE_TIMEOUT_MS = 10000, /* whole call, unless beating as a daemon */
    ERR_LEN = 512,
};

struct lag_args {
    struct mmha_common common;
    bool is_beat;
    /* beat */
    uint64_t epoch;
    int64_t interval_ms;
    bool once;
    const char *pidfile;
    /* check */
    int64_t dampen_ms; /* -1 = not given */
    int64_t dwell_ms;
    int64_t max_lag_ms;
    int64_t recover_lag_ms; /* -1 = half of max_lag */
    const char *node;
    const char *offset_from;
    const char *publish;
    const char *state_file;
};

struct beat_result {
    bool skipped; /* read-only: not the writer */
    char ts[40];  /* the row's ts after the beat (--once only) */
    char file[MMHA_NAME_MAX];
    uint64_t pos;
    long long server_id;
};

/* beat.c */
unsigned int beat_once(struct mmha_conn *c, uint64_t epoch, bool read_back,
                       struct beat_result *b);
int run_beat_once(const struct lag_args *a);

/* daemon.c */
int run_beat_daemon(const struct lag_args *a);

/* check.c */
int run_check(const struct lag_args *a);

#endif
