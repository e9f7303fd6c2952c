/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Clock-offset estimate, heartbeat statements and attrd_updater argv. */
#include <mysqld_error.h>

#include "attrd.h"
#include "heartbeat.h"
#include "unit.h"

static int argv_is(const char *const *argv, const char *const *want)
{
    int i;

    for (i = 0; want[i] != NULL; i++) {
        if (argv[i] == NULL || strcmp(argv[i], want[i]) != 0) {
            return 0;
        }
    }
    return argv[i] == NULL;
}

static void test_offset(void)
{
    /* The second sample has the shortest round trip (200 us); the server
     * read its clock at 1,000,150 when our mid-point was 1,000,100. */
    const struct mmha_clock_sample s[] = {
        {0, 600, 1000},
        {1000000, 1000150, 1000200},
        {2000000, 2000900, 2000500},
    };
    const struct mmha_clock_sample bad[] = {{10, 5, 5}};
    int64_t off = 0;
    int64_t err = 0;

    CHECK(mmha_clock_offset(s, 3, &off, &err) && off == 50 && err == 100,
          "mid-point of the fastest round trip");
    CHECK(!mmha_clock_offset(bad, 1, &off, &err),
          "negative round trip ignored");
    CHECK(!mmha_clock_offset(s, 0, &off, &err), "no sample, no estimate");
}

static void test_sql(void)
{
    CHECK(strstr(MMHA_HB_CHECK, "UTC_TIMESTAMP(6)") != NULL,
          "lag by the reader server's clock");
    CHECK(strstr(MMHA_HB_CHECK, "ORDER BY epoch DESC, ts DESC") != NULL,
          "highest epoch first, then newest");
    CHECK(strstr(MMHA_HB_CHECK, "server_id <> @@GLOBAL.server_id") != NULL,
          "never our own row");
    CHECK(strstr(MMHA_HB_CREATE_TABLE, "ts DATETIME(6)") != NULL,
          "microsecond timestamps");
    CHECK(mmha_hb_missing(ER_NO_SUCH_TABLE) &&
              mmha_hb_missing(ER_BAD_DB_ERROR) && !mmha_hb_missing(0),
          "missing table recognised");
}

static void test_attrd(void)
{
    struct mmha_attrd_call c;
    const char *const lag[] = {
        "attrd_updater", "-n", "mmha-lag-ms", "-U", "42", "-d", "5000ms", NULL};
    const char *const rd[] = {
        "attrd_updater", "-n", "mmha-readable", "-U", "1", "-N", "node2", NULL};
    const char *const del[] = {"attrd_updater", "-n", "mmha-lag-ms", "-D",
                               NULL};

    mmha_attrd_build(&c, "mmha-lag-ms", "42", "5000ms", NULL);
    CHECK(argv_is(c.argv, lag), "lag with dampening");
    mmha_attrd_build(&c, "mmha-readable", "1", NULL, "node2");
    CHECK(argv_is(c.argv, rd), "flag on a named node");
    mmha_attrd_build(&c, "mmha-lag-ms", NULL, "5000ms", NULL);
    CHECK(argv_is(c.argv, del), "unknown lag deletes the value");
}

static void test_run(void)
{
    struct mmha_deadline d;
    const char *const ok[] = {"true", NULL};
    const char *const fail[] = {"false", NULL};
    const char *const none[] = {"mmha-no-such-command-here", NULL};
    const char *const slow[] = {"sleep", "5", NULL};
    int64_t t0;

    mmha_deadline_start(&d, 2000);
    CHECK(mmha_run_argv(ok, &d) == 0, "exit status 0");
    CHECK(mmha_run_argv(fail, &d) == 1, "exit status 1");
    CHECK(mmha_run_argv(none, &d) == 127, "not found: 127");
    mmha_deadline_start(&d, 200);
    t0 = mmha_now_us();
    CHECK(mmha_run_argv(slow, &d) == 124, "deadline: 124");
    CHECK(mmha_now_us() - t0 < 1000 * 1000, "killed at the deadline");
}

int main(void)
{
    test_offset();
    test_sql();
    test_attrd();
    test_run();
    return unit_done();
}
