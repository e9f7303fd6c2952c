/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One deadline per helper call, on the monotonic clock: every blocking step
 * asks how much time is left, so no call outlives its --timeout.
 *
 * A stop (SIGTERM, SIGINT, once mmha_stop_handlers_install ran) makes every
 * deadline count as passed at once, except cleanup deadlines: the short
 * bounds a helper gives itself to end what it started on a server (KILL
 * QUERY of a server-side wait, read_only put back).
 */
#ifndef MMHA_DEADLINE_H
#define MMHA_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

struct mmha_deadline {
    int64_t end_us; /* monotonic microseconds; INT64_MAX = no bound */
    bool cleanup;   /* not cut short by a stop */
};

/* Microseconds on CLOCK_MONOTONIC. */
int64_t mmha_now_us(void);

/* Microseconds since the epoch on CLOCK_REALTIME. */
int64_t mmha_wall_us(void);

/* A deadline timeout_ms from now (negative = unbounded). */
void mmha_deadline_start(struct mmha_deadline *d, int64_t timeout_ms);

/* A cleanup deadline ms from now, not cut short by a stop. */
void mmha_deadline_cleanup(struct mmha_deadline *d, int64_t ms);

/* Microseconds left, never negative; INT64_MAX when unbounded; 0 after a
 * stop unless d is a cleanup deadline. */
int64_t mmha_deadline_left_us(const struct mmha_deadline *d);

/* Milliseconds left (rounded up), never negative; INT64_MAX when
 * unbounded. */
int64_t mmha_deadline_left_ms(const struct mmha_deadline *d);

bool mmha_deadline_passed(const struct mmha_deadline *d);

/* Sleep for ms, but never past the deadline and not past a stop; false if
 * the deadline passed (or a stop came). */
bool mmha_deadline_sleep_ms(const struct mmha_deadline *d, int64_t ms);

/*
 * SIGTERM and SIGINT request a stop: mmha_stop_signal() then names the
 * signal, mmha_stop_fd() becomes readable (poll it beside a socket), and
 * deadlines pass (see above). Tools that handle signals otherwise do not
 * call this.
 */
bool mmha_stop_handlers_install(void);
int mmha_stop_signal(void);
int mmha_stop_fd(void);

/* The exit status for a stop by signal sig: 128 + sig, as a shell shows. */
int mmha_stop_exit_code(int sig);

#endif
