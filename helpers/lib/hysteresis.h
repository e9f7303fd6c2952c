/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The readable state of a reader, with hysteresis: a pure state machine
 * (no clock, no server) plus its small state file, so the decision is the
 * same whether it runs in one process or across many calls.
 *
 * Unreadable as soon as the lag exceeds max_lag_ms, replication is broken
 * or the lag is unknown; readable again only once the lag has stayed at or
 * below recover_lag_ms for dwell_ms. Between the two thresholds the state
 * holds (and a dwell in progress starts over), so a lag oscillating there
 * never flaps the flag.
 */
#ifndef MMHA_HYSTERESIS_H
#define MMHA_HYSTERESIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mmha_hyst_conf {
    double max_lag_ms;
    double recover_lag_ms; /* must be < max_lag_ms */
    int64_t dwell_ms;
};

struct mmha_hyst_state {
    bool readable;
    int64_t good_since_us; /* start of the current dwell; 0 = none */
    int64_t changed_us;    /* when readable last changed; 0 = never */
};

struct mmha_hyst_input {
    bool lag_known;
    double lag_ms;
    bool replication_ok;
    int64_t now_us; /* wall clock: it must mean the same in the next call */
};

enum mmha_hyst_reason {
    MMHA_HYST_OK,            /* readable */
    MMHA_HYST_LAG_UNKNOWN,   /* no heartbeat and no Seconds_Behind_Master */
    MMHA_HYST_REPL_BROKEN,   /* a replication thread is not running */
    MMHA_HYST_OVER_MAX,      /* lag > max */
    MMHA_HYST_ABOVE_RECOVER, /* unreadable, lag between the thresholds */
    MMHA_HYST_DWELL,         /* unreadable, below recover, dwell running */
};

/* A fresh state: unreadable, no dwell (a first good reading starts one). */
void mmha_hyst_init(struct mmha_hyst_state *s);

/* Whether the configuration is usable (recover < max, all >= 0). */
bool mmha_hyst_conf_valid(const struct mmha_hyst_conf *c);

/*
 * One step: update s from in, return why it is (un)readable now.
 * *dwell_left_ms (if not NULL) receives what remains of a running dwell.
 */
enum mmha_hyst_reason mmha_hyst_step(const struct mmha_hyst_conf *c,
                                     struct mmha_hyst_state *s,
                                     const struct mmha_hyst_input *in,
                                     int64_t *dwell_left_ms);

/* A short name for the reason ("ok", "lag_over_max", ...). */
const char *mmha_hyst_reason_name(enum mmha_hyst_reason r);

/* The state file text, and its parser (false: malformed). */
int mmha_hyst_format(const struct mmha_hyst_state *s, char *buf, size_t len);
bool mmha_hyst_parse(const char *text, struct mmha_hyst_state *s);

/*
 * Load the state file: 0 = read, 1 = absent (s is fresh), -1 = unreadable
 * or malformed (s is fresh; the caller warns). Save writes a temporary file
 * in the same directory and renames it over, so a reader never sees half a
 * state: 0 or an errno.
 */
int mmha_hyst_load(const char *path, struct mmha_hyst_state *s);
int mmha_hyst_save(const char *path, const struct mmha_hyst_state *s);

#endif
