/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deadlines: cleanup bounds, and the stop a signal requests. */
#include <signal.h>

#include "deadline.h"
#include "exitcode.h"
#include "unit.h"

int main(void)
{
    struct mmha_deadline d;
    struct mmha_deadline k;
    struct mmha_deadline none;
    int64_t t0;

    mmha_deadline_start(&d, 5000);
    mmha_deadline_start(&none, -1);
    mmha_deadline_cleanup(&k, 300);
    CHECK(!mmha_deadline_passed(&d) && mmha_deadline_left_ms(&d) <= 5000 &&
              mmha_deadline_left_ms(&d) > 4000,
          "a deadline counts down in ms");
    CHECK(mmha_deadline_left_ms(&none) == INT64_MAX, "unbounded");
    CHECK(k.cleanup && mmha_deadline_left_ms(&k) <= 300, "a cleanup deadline");
    t0 = mmha_now_us();
    CHECK(mmha_deadline_sleep_ms(&d, 20) && mmha_now_us() - t0 >= 19000,
          "sleep 20 ms");
    CHECK(mmha_stop_signal() == 0, "no stop yet");
    CHECK(mmha_stop_handlers_install(), "handlers installed");
    CHECK(mmha_stop_fd() >= 0, "a stop fd");
    raise(SIGTERM);
    CHECK(mmha_stop_signal() == SIGTERM, "SIGTERM requested a stop");
    CHECK(mmha_deadline_passed(&d) && mmha_deadline_left_ms(&d) == 0,
          "a stop passes every deadline");
    CHECK(mmha_deadline_passed(&none), "even an unbounded one");
    CHECK(!mmha_deadline_passed(&k), "but not a cleanup deadline");
    t0 = mmha_now_us();
    CHECK(!mmha_deadline_sleep_ms(&d, 1000) && mmha_now_us() - t0 < 100000,
          "a sleep ends at once after a stop");
    t0 = mmha_now_us();
    CHECK(mmha_deadline_sleep_ms(&k, 20) && mmha_now_us() - t0 >= 19000,
          "a cleanup sleep still sleeps");
    CHECK(mmha_stop_exit_code(SIGTERM) == MMHA_EXIT_SIGTERM &&
              mmha_stop_exit_code(SIGINT) == MMHA_EXIT_SIGINT,
          "128 + signal");
    CHECK_STR(mmha_exit_name(143), "terminated", "exit name 143");
    CHECK_STR(mmha_exit_name(130), "interrupted", "exit name 130");
    return unit_done();
}
