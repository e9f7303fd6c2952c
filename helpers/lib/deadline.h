/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One deadline per helper call, on the monotonic clock: every blocking step
 * asks how much time is left, so no call outlives its --timeout.
 */
#ifndef MMHA_DEADLINE_H
#define MMHA_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

struct mmha_deadline {
    int64_t end_us; /* monotonic microseconds; INT64_MAX = no bound */
};

/* Microseconds on CLOCK_MONOTONIC. */
int64_t mmha_now_us(void);

/* Microseconds since the epoch on CLOCK_REALTIME. */
int64_t mmha_wall_us(void);

/* A deadline timeout_ms from now (negative = unbounded). */
void mmha_deadline_start(struct mmha_deadline *d, int64_t timeout_ms);

/* Milliseconds left, never negative; INT64_MAX when unbounded. */
int64_t mmha_deadline_left_ms(const struct mmha_deadline *d);

bool mmha_deadline_passed(const struct mmha_deadline *d);

/* Sleep for ms, but never past the deadline; false if it passed. */
bool mmha_deadline_sleep_ms(const struct mmha_deadline *d, int64_t ms);

#endif
