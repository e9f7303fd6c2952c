/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The option-file reader: libmariadb's rules, case by case. */
#include <stdlib.h>

#include "exitcode.h"
#include "log.h"
#include "optfile.h"
#include "unit.h"

struct seen {
    char user[256];
    char password[256];
    char host[256];
    int count;
};

static void keep(void *ctx, const char *key, const char *value)
{
    struct seen *s = ctx;

    s->count++;
    if (value == NULL) {
        return;
    }
    if (strcmp(key, "user") == 0) {
        snprintf(s->user, sizeof(s->user), "%s", value);
    } else if (strcmp(key, "password") == 0) {
        snprintf(s->password, sizeof(s->password), "%s", value);
    } else if (strcmp(key, "host") == 0) {
        snprintf(s->host, sizeof(s->host), "%s", value);
    }
}

static int parse(const char *text, const char *group, struct seen *s, char *err,
                 size_t errlen)
{
    struct mmha_optparse p = {group, keep, s, NULL, NULL, 0, err, errlen};

    memset(s, 0, sizeof(*s));
    err[0] = '\0';
    return mmha_optfile_parse(&p, text, strlen(text));
}

static void test_values(void)
{
    struct seen s = {0};
    char err[256];

    CHECK(parse("[client]\nuser=repl\npassword=secret\n", NULL, &s, err,
                sizeof(err)) == 0 &&
              strcmp(s.user, "repl") == 0 && strcmp(s.password, "secret") == 0,
          "plain values");
    CHECK(parse("[client]\n  user  =  repl  \r\n", NULL, &s, err,
                sizeof(err)) == 0 &&
              strcmp(s.user, "repl") == 0,
          "blanks around key and value trimmed");
    parse("[client]\npassword=\"a b # c\"\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.password, "a b # c", "double quotes removed, # kept");
    parse("[client]\npassword='x\"y'\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.password, "x\"y", "single quotes removed");
    parse("[client]\npassword=a#b\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.password, "a#b", "no comment after a value");
    parse("[client]\npassword=\"p\\\\a#s 'q' \\\"d\\\" z\"\n", NULL, &s, err,
          sizeof(err));
    CHECK_STR(s.password, "p\\a#s 'q' \"d\" z", "escapes inside quotes");
    parse("[client]\npassword=a\\sb\\tc\\nd\\re\\bf\n", NULL, &s, err,
          sizeof(err));
    CHECK_STR(s.password, "a b\tc\nd\re\bf", "escape letters");
    parse("[client]\npassword=a\\qb\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.password, "a\\qb", "unknown escape kept");
    parse("[client]\npassword=ab\\\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.password, "ab\\", "trailing backslash kept");
    parse("[client]\npassword=\"abc\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.password, "abc", "opening quote only");
    parse("[client]\npassword=\"\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.password, "", "a lone quote is empty");
    parse("[client]\nuser=a\nuser=b\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.user, "b", "the last occurrence wins");
    parse("[client]\nuser=a\n[mysqld]\nuser=mysql\n[client-mariadb]\n"
          "host=h\n",
          NULL, &s, err, sizeof(err));
    CHECK(strcmp(s.user, "a") == 0 && strcmp(s.host, "h") == 0,
          "other groups skipped, client-mariadb read");
    parse("[mmha]\nuser=m\n[client]\nhost=c\n", "mmha", &s, err, sizeof(err));
    CHECK(strcmp(s.user, "m") == 0 && strcmp(s.host, "c") == 0,
          "the group asked for is read too");
    parse("[client]\n# user=x\n; user=y\n\n   \nuser=z\n", NULL, &s, err,
          sizeof(err));
    CHECK_STR(s.user, "z", "comment lines");
    parse("[client]\n'quoted line\nuser=q\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.user, "q", "a line starting with a quote is skipped");
    parse("[client]\nuser=u\ncompress\n", NULL, &s, err, sizeof(err));
    CHECK(s.count == 2, "a bare key is an option");
    parse("[client  ]\nuser=t\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.user, "t", "blanks before ] ignored");
    parse("[client]\nuser=a\0user=b\n", NULL, &s, err, sizeof(err));
    CHECK_STR(s.user, "a", "text ends at a NUL");
}

static void test_errors(void)
{
    struct seen s = {0};
    char err[256];

    CHECK(parse("user=x\n[client]\n", NULL, &s, err, sizeof(err)) ==
                  MMHA_EXIT_CONFIG &&
              strstr(err, "line 1") != NULL,
          "an option before any group");
    CHECK(parse("[client\nuser=x\n", NULL, &s, err, sizeof(err)) ==
              MMHA_EXIT_CONFIG,
          "a group without ]");
    CHECK(parse("# only a comment\n", NULL, &s, err, sizeof(err)) == 0,
          "comments only");
    CHECK(parse("", NULL, &s, err, sizeof(err)) == 0, "empty");
    CHECK(parse("[client]\n!include /x\n!includedir /y\n!bogus z\n", NULL, &s,
                err, sizeof(err)) == 0,
          "directives ignored without a reader");
}

static void test_key_names(void)
{
    struct seen s = {0};
    char err[256];
    struct mmha_optparse p = {NULL, keep, &s, NULL, NULL, 0, err, sizeof(err)};
    const char *text = "[client]\nuser_name=x\n";

    memset(&s, 0, sizeof(s));
    CHECK(mmha_optfile_parse(&p, text, strlen(text)) == 0 && s.count == 1,
          "underscore key read");
}

int main(void)
{
    mmha_log_init("test_optfile", 0, false);
    test_values();
    test_errors();
    test_key_names();
    return unit_done();
}
