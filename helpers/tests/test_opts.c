/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Number, position and option parsing, and the deadline. */
#include <limits.h>
#include <string.h>

#include "deadline.h"
#include "exitcode.h"
#include "log.h"
#include "opts.h"
#include "unit.h"

static void test_numbers(void)
{
    int64_t v = 0;

    CHECK(mmha_parse_int("--n", "42", 0, 100, &v) && v == 42, "int ok");
    CHECK(!mmha_parse_int("--n", "-1", 0, 100, &v), "int below range");
    CHECK(!mmha_parse_int("--n", "101", 0, 100, &v), "int above range");
    CHECK(!mmha_parse_int("--n", "4x", 0, 100, &v), "int trailing junk");
    CHECK(!mmha_parse_int("--n", "", 0, 100, &v), "int empty");
    CHECK(mmha_parse_seconds_ms("--t", "2.5", 0, 10000, &v) && v == 2500,
          "seconds with fraction");
    CHECK(mmha_parse_seconds_ms("--t", "10", 0, 10000, &v) && v == 10000,
          "whole seconds");
    CHECK(!mmha_parse_seconds_ms("--t", "-3", 0, 10000, &v),
          "negative seconds refused");
    CHECK(!mmha_parse_seconds_ms("--t", "abc", 0, 10000, &v),
          "non-number seconds refused");
    CHECK(!mmha_parse_seconds_ms("--t", "nan", 0, 10000, &v),
          "nan seconds refused");
}

/* One grammar for every number: decimal, no sign, blank or leading zero. */
static void test_strict_numbers(void)
{
    static const char *const bad[] = {
        "08",
        "-1",
        "+80",
        "1e3",
        "0x10",
        " 5",
        "5 ",
        "",
        "5x",
        "1.5",
        "0 ",
        "\t1",
        "00",
        "+0",
        "-0",
        "0.",
        "100000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000",
        "18446744073709551616",
        NULL};
    static const char *const bad_s[] = {
        "08", "-1",  "+1",  "1e3",    "0x10", " 5",  "5 ",   "",     "1.",
        ".5", "nan", "inf", "0.0005", "00.3", "1,5", "1.5.", "1..5", NULL};
    int64_t v = -5;
    uint64_t u = 0;
    size_t i;

    for (i = 0; bad[i] != NULL; i++) {
        CHECK(!mmha_parse_int("--n", bad[i], 0, INT64_MAX, &v),
              "malformed whole number refused");
        if (mmha_parse_int("--n", bad[i], 0, INT64_MAX, &v)) {
            printf("#   accepted '%s'\n", bad[i]);
        }
    }
    for (i = 0; bad_s[i] != NULL; i++) {
        CHECK(!mmha_parse_seconds_ms("--t", bad_s[i], 0, INT64_MAX / 2, &v),
              "malformed seconds refused");
        if (mmha_parse_seconds_ms("--t", bad_s[i], 0, INT64_MAX / 2, &v)) {
            printf("#   accepted '%s'\n", bad_s[i]);
        }
    }
    CHECK(mmha_parse_int("--n", "0", 0, 5, &v) && v == 0, "0 itself");
    CHECK(mmha_parse_int("--n", "9223372036854775807", 0, INT64_MAX, &v) &&
              v == INT64_MAX,
          "INT64_MAX");
    CHECK(!mmha_parse_int("--n", "9223372036854775808", 0, INT64_MAX, &v),
          "INT64_MAX + 1 refused");
    CHECK(mmha_parse_u64("18446744073709551615", UINT64_MAX, &u) &&
              u == UINT64_MAX,
          "UINT64_MAX");
    CHECK(!mmha_parse_u64("18446744073709551616", UINT64_MAX, &u),
          "UINT64_MAX + 1 refused");
    CHECK(mmha_parse_seconds_ms("--t", "0.3", 1, 10000, &v) && v == 300,
          "0.3 s is 300 ms");
    CHECK(mmha_parse_seconds_ms("--t", "2.125", 1, 10000, &v) && v == 2125,
          "three decimals");
    CHECK(mmha_parse_seconds_ms("--t", "0.001", 1, 10000, &v) && v == 1,
          "one millisecond");
    CHECK(!mmha_parse_seconds_ms("--t", "0", 1, 10000, &v),
          "below the bound refused");
    CHECK(!mmha_parse_seconds_ms("--t", "10.001", 1, 10000, &v),
          "above the bound refused");
    CHECK(
        !mmha_parse_seconds_ms("--t", "99999999999999999999999", 1, 10000, &v),
        "huge seconds refused");
}

static void test_names(void)
{
    CHECK(mmha_check_name("--p", "mmha-db.1_x", MMHA_NAME_ATTR), "attr ok");
    CHECK(!mmha_check_name("--p", "a b", MMHA_NAME_ATTR), "attr blank");
    CHECK(!mmha_check_name("--p", "a=b", MMHA_NAME_ATTR), "attr =");
    CHECK(!mmha_check_name("--p", "", MMHA_NAME_ATTR), "attr empty");
    CHECK(mmha_check_name("--u", "app@10.%", MMHA_NAME_WORD), "word ok");
    CHECK(!mmha_check_name("--u", "a'b", MMHA_NAME_WORD), "word quote");
    CHECK(!mmha_check_name("--u", "a*", MMHA_NAME_WORD), "word glob");
    CHECK(!mmha_check_name("--u", "a\\b", MMHA_NAME_WORD), "word backslash");
    CHECK(mmha_check_name("--f", "/a b/c", MMHA_NAME_PATH), "path blank ok");
    CHECK(!mmha_check_name("--f", "a\nb", MMHA_NAME_PATH), "path newline");
    CHECK(!mmha_check_name("--f", "", MMHA_NAME_PATH), "path empty");
    CHECK(mmha_check_name("--h", "::1", MMHA_NAME_HOST), "host v6 ok");
    CHECK(mmha_check_name("--h", "db-1.example", MMHA_NAME_HOST), "host ok");
    CHECK(!mmha_check_name("--h", "a;b", MMHA_NAME_HOST), "host ;");
    CHECK(!mmha_check_name("--h", "$(id)", MMHA_NAME_HOST), "host $( )");
}

/* Every kind has a bound; a refusal shows 40 characters of the value. */
static void test_long_values(void)
{
    static char big[102401];
    char pathmax[PATH_MAX + 1];

    memset(big, '9', sizeof(big) - 1);
    CHECK(!mmha_check_name("--f", big, MMHA_NAME_PATH), "path 100 kB");
    CHECK(!mmha_check_name("--u", big, MMHA_NAME_WORD), "word 100 kB");
    CHECK(!mmha_check_name("--h", big, MMHA_NAME_HOST), "host 100 kB");
    memset(pathmax, 'p', sizeof(pathmax) - 1);
    pathmax[PATH_MAX - 1] = '\0';
    CHECK(mmha_check_name("--f", pathmax, MMHA_NAME_PATH), "path PATH_MAX-1");
    pathmax[PATH_MAX - 1] = 'p';
    pathmax[PATH_MAX] = '\0';
    CHECK(!mmha_check_name("--f", pathmax, MMHA_NAME_PATH), "path PATH_MAX");
    CHECK(strlen(mmha_arg_text(big)) == 43 &&
              strcmp(mmha_arg_text(big) + 40, "...") == 0,
          "a long value shown as 40 characters and ...");
    CHECK_STR(mmha_arg_text("a\nb\tc"), "a?b?c", "control characters as ?");
    CHECK_STR(mmha_arg_text("short"), "short", "a short value as it is");
    /* 39 ASCII, then a 2-byte character across the cut: cut before it. */
    CHECK_STR(mmha_arg_text("123456789012345678901234567890123456789\xc3\xa9"
                            "xyz"),
              "123456789012345678901234567890123456789...",
              "no UTF-8 character cut in two");
}

static void test_positions(void)
{
    char file[64];
    char host[64];
    uint64_t pos = 0;
    unsigned int port = 0;

    CHECK(mmha_parse_binlog_pos("mysql-bin.000003:1234", file, sizeof(file),
                                &pos) &&
              strcmp(file, "mysql-bin.000003") == 0 && pos == 1234,
          "FILE:POS");
    CHECK(!mmha_parse_binlog_pos("mysql-bin.000003", file, sizeof(file), &pos),
          "no colon refused");
    CHECK(!mmha_parse_binlog_pos(":5", file, sizeof(file), &pos),
          "empty file refused");
    CHECK(!mmha_parse_binlog_pos("f:5x", file, sizeof(file), &pos),
          "junk position refused");
    CHECK(!mmha_parse_binlog_pos("f:-5", file, sizeof(file), &pos),
          "negative position refused");
    CHECK(!mmha_parse_binlog_pos("f:+5", file, sizeof(file), &pos),
          "signed position refused");
    CHECK(!mmha_parse_binlog_pos("f:05", file, sizeof(file), &pos),
          "leading zero refused");
    CHECK(!mmha_parse_host_port("db1:+80", host, sizeof(host), &port),
          "signed port refused");
    CHECK(!mmha_parse_host_port("db1:080", host, sizeof(host), &port),
          "port with a leading zero refused");
    CHECK(mmha_parse_host_port("10.1.2.3:3306", host, sizeof(host), &port) &&
              strcmp(host, "10.1.2.3") == 0 && port == 3306,
          "HOST:PORT");
    CHECK(mmha_parse_host_port("[::1]:3307", host, sizeof(host), &port) &&
              strcmp(host, "::1") == 0 && port == 3307,
          "[v6]:PORT");
    CHECK(!mmha_parse_host_port("db1", host, sizeof(host), &port),
          "no port refused");
    CHECK(!mmha_parse_host_port("db1:0", host, sizeof(host), &port),
          "port 0 refused");
    CHECK(!mmha_parse_host_port("db1:70000", host, sizeof(host), &port),
          "port too big refused");
}

static void test_common_options(void)
{
    struct mmha_common c;

    mmha_common_defaults(&c, 5000);
    CHECK(mmha_common_option(&c, MMHA_OPT_TIMEOUT, "1.5") == 1 &&
              c.timeout_ms == 1500,
          "--timeout parsed");
    CHECK(mmha_common_option(&c, MMHA_OPT_TIMEOUT, "-1") == -1,
          "--timeout negative refused");
    CHECK(mmha_common_option(&c, MMHA_OPT_PASSWORD, "secret") == -1,
          "--password refused");
    CHECK(mmha_common_option(&c, MMHA_OPT_FORMAT, "shell") == 1 &&
              c.format == MMHA_FORMAT_SHELL,
          "--format shell");
    CHECK(mmha_common_option(&c, MMHA_OPT_PORT, "0") == -1, "--port 0 refused");
    CHECK(mmha_common_option(&c, 'x', NULL) == 0, "other option passed on");
}

static void test_deadline(void)
{
    struct mmha_deadline d;
    int64_t t0;

    mmha_deadline_start(&d, 50);
    CHECK(!mmha_deadline_passed(&d), "fresh deadline not passed");
    CHECK(mmha_deadline_left_ms(&d) <= 50, "left within bound");
    t0 = mmha_now_us();
    CHECK(!mmha_deadline_sleep_ms(&d, 1000), "sleep stops at the deadline");
    CHECK(mmha_now_us() - t0 < 200000, "sleep did not overrun");
    CHECK(mmha_deadline_passed(&d), "deadline passed after sleep");
    mmha_deadline_start(&d, -1);
    CHECK(mmha_deadline_left_ms(&d) == INT64_MAX, "unbounded deadline");
    CHECK_STR(mmha_exit_name(MMHA_EXIT_DEADLINE), "deadline-passed",
              "exit code name");
}

int main(void)
{
    mmha_log_init("test_opts", 0, false);
    /* The refusals above log on stderr; keep TAP on stdout clean. */
    test_numbers();
    test_strict_numbers();
    test_names();
    test_long_values();
    test_positions();
    test_common_options();
    test_deadline();
    return unit_done();
}
