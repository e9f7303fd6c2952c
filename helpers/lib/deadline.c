/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deadlines on the monotonic clock (wall-clock steps must not shorten or
 * stretch a bound), and the stop a signal requests. */
#include "deadline.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_sig;
static int stop_pipe[2] = {-1, -1};

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
    d->cleanup = false;
    if (timeout_ms < 0) {
        d->end_us = INT64_MAX;
    } else {
        d->end_us = mmha_now_us() + timeout_ms * 1000;
    }
}

void mmha_deadline_cleanup(struct mmha_deadline *d, int64_t ms)
{
    d->cleanup = true;
    d->end_us = mmha_now_us() + (ms > 0 ? ms : 0) * 1000;
}

int64_t mmha_deadline_left_us(const struct mmha_deadline *d)
{
    int64_t left;

    if (stop_sig != 0 && !d->cleanup) {
        return 0;
    }
    if (d->end_us == INT64_MAX) {
        return INT64_MAX;
    }
    left = d->end_us - mmha_now_us();
    return left > 0 ? left : 0;
}

int64_t mmha_deadline_left_ms(const struct mmha_deadline *d)
{
    int64_t left = mmha_deadline_left_us(d);

    return left == INT64_MAX ? INT64_MAX : (left + 999) / 1000;
}

bool mmha_deadline_passed(const struct mmha_deadline *d)
{
    return mmha_deadline_left_us(d) == 0;
}

bool mmha_deadline_sleep_ms(const struct mmha_deadline *d, int64_t ms)
{
    int64_t end = mmha_now_us() + ms * 1000;

    for (;;) {
        int64_t left = mmha_deadline_left_us(d);
        int64_t want = end - mmha_now_us();
        struct pollfd p = {.fd = stop_pipe[0], .events = POLLIN};

        if (left == 0) {
            return false;
        }
        if (want <= 0) {
            return true;
        }
        if (want > left) {
            want = left;
        }
        /* poll() on the stop pipe (or nothing): a stop wakes it. */
        if (poll(&p, stop_pipe[0] >= 0 && !d->cleanup ? 1 : 0,
                 (int)((want + 999) / 1000)) < 0 &&
            errno != EINTR) {
            return !mmha_deadline_passed(d);
        }
    }
}

static void on_stop(int sig)
{
    int saved = errno;
    ssize_t n;

    if (stop_sig == 0) {
        stop_sig = sig;
    }
    n = write(stop_pipe[1], "x", 1);
    (void)n;
    errno = saved;
}

bool mmha_stop_handlers_install(void)
{
    struct sigaction sa;

    if (stop_pipe[0] < 0 && pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        return false;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocking call returns EINTR and looks again. */
    return sigaction(SIGTERM, &sa, NULL) == 0 &&
           sigaction(SIGINT, &sa, NULL) == 0;
}

int mmha_stop_signal(void)
{
    return stop_sig;
}

int mmha_stop_fd(void)
{
    return stop_pipe[0];
}

int mmha_stop_exit_code(int sig)
{
    return 128 + sig;
}
