/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The readable-state machine and its state file, without a server. */
#include <stdlib.h>
#include <unistd.h>

#include "hysteresis.h"
#include "unit.h"

static const struct mmha_hyst_conf CONF = {1000.0, 500.0, 3000};

static enum mmha_hyst_reason step(struct mmha_hyst_state *s, double lag,
                                  int64_t now_ms)
{
    struct mmha_hyst_input in = {true, lag, true, now_ms * 1000};

    return mmha_hyst_step(&CONF, s, &in, NULL);
}

static void test_conf(void)
{
    struct mmha_hyst_conf c = {1000.0, 1000.0, 0};

    CHECK(mmha_hyst_conf_valid(&CONF), "recover < max is valid");
    CHECK(!mmha_hyst_conf_valid(&c), "recover == max refused");
    c.recover_lag_ms = 1200.0;
    CHECK(!mmha_hyst_conf_valid(&c), "recover > max refused");
}

static void test_fresh_needs_dwell(void)
{
    struct mmha_hyst_state s;
    int64_t left = 0;
    struct mmha_hyst_input in = {true, 10.0, true, 1000 * 1000};

    mmha_hyst_init(&s);
    CHECK(!s.readable, "fresh state is unreadable");
    CHECK(mmha_hyst_step(&CONF, &s, &in, &left) == MMHA_HYST_DWELL &&
              left == 3000,
          "first good reading starts the dwell");
    CHECK(step(&s, 10.0, 3999) == MMHA_HYST_DWELL && !s.readable,
          "still dwelling 1 ms before the end");
    CHECK(step(&s, 10.0, 4000) == MMHA_HYST_OK && s.readable,
          "readable once the dwell is over");
    CHECK(s.changed_us == 4000 * 1000, "change time recorded");
}

static void test_over_max_and_back(void)
{
    struct mmha_hyst_state s;

    mmha_hyst_init(&s);
    s.readable = true;
    CHECK(step(&s, 999.0, 0) == MMHA_HYST_OK && s.readable,
          "between thresholds a readable reader stays readable");
    CHECK(step(&s, 1000.0, 100) == MMHA_HYST_OK && s.readable,
          "exactly max-lag is still readable");
    CHECK(step(&s, 1000.5, 200) == MMHA_HYST_OVER_MAX && !s.readable,
          "above max-lag: unreadable at once");
    CHECK(step(&s, 700.0, 300) == MMHA_HYST_ABOVE_RECOVER && !s.readable,
          "between thresholds an unreadable reader stays unreadable");
    CHECK(step(&s, 500.0, 400) == MMHA_HYST_DWELL && !s.readable,
          "at recover-lag the dwell starts");
    CHECK(step(&s, 600.0, 2000) == MMHA_HYST_ABOVE_RECOVER && !s.readable,
          "back above recover-lag: dwell reset");
    CHECK(step(&s, 100.0, 2100) == MMHA_HYST_DWELL && !s.readable,
          "dwell starts over");
    CHECK(step(&s, 100.0, 5000) == MMHA_HYST_DWELL && !s.readable,
          "not before a full dwell from the restart");
    CHECK(step(&s, 100.0, 5100) == MMHA_HYST_OK && s.readable,
          "readable after a full dwell");
}

static void test_no_flapping(void)
{
    struct mmha_hyst_state s;
    int changes = 0;
    bool last;
    int i;

    /* Lag oscillating between the thresholds for a minute, four checks a
     * second: whichever state we are in must hold. */
    mmha_hyst_init(&s);
    s.readable = true;
    last = s.readable;
    for (i = 0; i < 240; i++) {
        step(&s, i % 2 == 0 ? 550.0 : 990.0, i * 250);
        changes += s.readable != last;
        last = s.readable;
    }
    CHECK(changes == 0 && s.readable, "readable holds while oscillating");
    step(&s, 2000.0, 60000);
    last = s.readable;
    for (i = 0; i < 240; i++) {
        step(&s, i % 2 == 0 ? 510.0 : 990.0, 60250 + i * 250);
        changes += s.readable != last;
        last = s.readable;
    }
    CHECK(changes == 0 && !s.readable, "unreadable holds while oscillating");
    /* Dipping below recover-lag every other check never completes a
     * dwell either. */
    for (i = 0; i < 240; i++) {
        step(&s, i % 2 == 0 ? 100.0 : 990.0, 120250 + i * 250);
        changes += s.readable != last;
        last = s.readable;
    }
    CHECK(changes == 0 && !s.readable, "short dips below recover ignored");
}

static void test_broken_and_unknown(void)
{
    struct mmha_hyst_state s;
    struct mmha_hyst_input in = {true, 0.0, false, 1000};

    mmha_hyst_init(&s);
    s.readable = true;
    CHECK(mmha_hyst_step(&CONF, &s, &in, NULL) == MMHA_HYST_REPL_BROKEN &&
              !s.readable,
          "broken replication: unreadable even at lag 0");
    s.readable = true;
    in.replication_ok = true;
    in.lag_known = false;
    CHECK(mmha_hyst_step(&CONF, &s, &in, NULL) == MMHA_HYST_LAG_UNKNOWN &&
              !s.readable,
          "unknown lag: unreadable");
    CHECK_STR(mmha_hyst_reason_name(MMHA_HYST_OVER_MAX), "lag_over_max",
              "reason name");
}

static void test_clock_backwards(void)
{
    struct mmha_hyst_state s;

    mmha_hyst_init(&s);
    step(&s, 10.0, 10000);
    CHECK(step(&s, 10.0, 5000) == MMHA_HYST_DWELL,
          "clock stepping back restarts the dwell");
    CHECK(step(&s, 10.0, 7999) == MMHA_HYST_DWELL, "from the new time");
    CHECK(step(&s, 10.0, 8000) == MMHA_HYST_OK, "and completes it");
}

static void test_state_file(void)
{
    char dir[] = "/tmp/mmha-hyst-test.XXXXXX";
    char path[128];
    char text[256];
    struct mmha_hyst_state s;
    struct mmha_hyst_state t;
    FILE *f;

    CHECK(mkdtemp(dir) != NULL, "temp dir");
    snprintf(path, sizeof(path), "%s/state", dir);
    CHECK(mmha_hyst_load(path, &t) == 1 && !t.readable,
          "absent file: fresh state");
    s.readable = true;
    s.good_since_us = 123456789;
    s.changed_us = 987654321;
    CHECK(mmha_hyst_save(path, &s) == 0, "save");
    CHECK(mmha_hyst_load(path, &t) == 0 && t.readable &&
              t.good_since_us == 123456789 && t.changed_us == 987654321,
          "load what was saved");
    mmha_hyst_format(&s, text, sizeof(text));
    CHECK(mmha_hyst_parse(text, &t), "format/parse round trip");
    CHECK(!mmha_hyst_parse("readable=1\n", &t), "no magic line refused");
    CHECK(!mmha_hyst_parse("mmha-lag-state 1\nreadable=1\n", &t),
          "missing keys refused");
    CHECK(!mmha_hyst_parse("mmha-lag-state 1\nreadable=2\n"
                           "good_since_us=0\nchanged_us=0\n",
                           &t),
          "bad flag refused");
    CHECK(!mmha_hyst_parse("mmha-lag-state 1\nreadable=1\n"
                           "good_since_us=x\nchanged_us=0\n",
                           &t) &&
              !t.readable,
          "junk number refused, state fresh");
    f = fopen(path, "w");
    if (f != NULL) {
        fputs("garbage", f);
        fclose(f);
    }
    CHECK(mmha_hyst_load(path, &t) == -1 && !t.readable,
          "malformed file: fresh (unreadable) state");
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_conf();
    test_fresh_needs_dwell();
    test_over_max_and_back();
    test_no_flapping();
    test_broken_and_unknown();
    test_clock_backwards();
    test_state_file();
    return unit_done();
}
