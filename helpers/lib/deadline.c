/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deadlines on the monotonic clock (wall-clock steps must not shorten or
 * stretch a bound). */
#include "deadline.h"

#include <errno.h>
#include <time.h>

static int64_t clock_us(clockid_t id)
{
    struct timespec ts;

    if (clock_gettime(id, &ts) != 0) {
        return 0;
    }
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t mmha_now_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

int64_t mmha_wall_us(void)
{
    return clock_us(CLOCK_REALTIME);
}

void mmha_deadline_start(struct mmha_deadline *d, int64_t timeout_ms)
{
    if (timeout_ms < 0) {
        d->end_us = INT64_MAX;
    } else {
        d->end_us = mmha_now_us() + timeout_ms * 1000;
    }
}

int64_t mmha_deadline_left_ms(const struct mmha_deadline *d)
{
    int64_t left;

    if (d->end_us == INT64_MAX) {
        return INT64_MAX;
    }
    left = d->end_us - mmha_now_us();
    return left > 0 ? (left + 999) / 1000 : 0;
}

bool mmha_deadline_passed(const struct mmha_deadline *d)
{
    return d->end_us != INT64_MAX && mmha_now_us() >= d->end_us;
}

bool mmha_deadline_sleep_ms(const struct mmha_deadline *d, int64_t ms)
{
    int64_t left = mmha_deadline_left_ms(d);
    struct timespec ts;

    if (left == 0) {
        return false;
    }
    if (ms > left) {
        ms = left;
    }
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        continue;
    }
    return !mmha_deadline_passed(d);
}
