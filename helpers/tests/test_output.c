/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The three output formats, checked on the same data. */
#include <math.h>
#include <stdlib.h>

#include "output.h"
#include "unit.h"

/* What o wrote, as a new string; o and its stream end here. */
static char *finish(struct mmha_out *o, FILE *f, char **buf)
{
    mmha_out_end(o);
    fclose(f);
    return *buf;
}

static char *render(enum mmha_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct mmha_out o;

    mmha_out_begin(&o, fmt, f);
    mmha_out_str(&o, "binlog_file", "mysql-bin.000003");
    mmha_out_int(&o, "binlog_pos", 1234);
    mmha_out_str(&o, "gtid", NULL);
    mmha_out_bool(&o, "read_only", true);
    mmha_out_str(&o, "note", "two\nlines \"quoted\"");
    mmha_out_list_begin(&o, "kills");
    mmha_out_item_begin(&o);
    mmha_out_int(&o, "id", 7);
    mmha_out_str(&o, "user", "app");
    mmha_out_close(&o);
    mmha_out_item_begin(&o);
    mmha_out_int(&o, "id", 9);
    mmha_out_close(&o);
    mmha_out_close(&o);
    mmha_out_object_begin(&o, "replica");
    mmha_out_double(&o, "lag", 1.5, 3);
    return finish(&o, f, &buf);
}

static char *render_odd(void)
{
    char *buf = NULL;
    size_t n = 0;
    struct mmha_out o;
    FILE *f = open_memstream(&buf, &n);

    mmha_out_begin(&o, MMHA_FORMAT_JSON, f);
    mmha_out_str(&o, "bad", "a\xff\xfe b\xc3\x28 \xed\xa0\x80 \xc0\xaf");
    mmha_out_str(&o, "good", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    mmha_out_str(&o, "cut", "x\xe2\x82");
    mmha_out_double(&o, "nan", NAN, 3);
    mmha_out_double(&o, "inf", -INFINITY, 3);
    return finish(&o, f, &buf);
}

int main(void)
{
    char *odd = render_odd();

    CHECK_STR(odd,
              "{\"bad\":\"a\\ufffd\\ufffd b\\ufffd( "
              "\\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\",\"good\":\"caf\xc3\xa9 "
              "\xe2\x82\xac \xf0\x9f\x98\x80\",\"cut\":\"x\\ufffd\\ufffd\","
              "\"nan\":null,\"inf\":null}\n",
              "JSON: invalid UTF-8 replaced, nan and inf null");
    free(odd);

    char *s = render(MMHA_FORMAT_SHELL);

    CHECK_STR(s,
              "BINLOG_FILE=mysql-bin.000003\n"
              "BINLOG_POS=1234\n"
              "GTID=\n"
              "READ_ONLY=1\n"
              "NOTE=two\\nlines \"quoted\"\n"
              "KILLS_1_ID=7\n"
              "KILLS_1_USER=app\n"
              "KILLS_2_ID=9\n"
              "KILLS_COUNT=2\n"
              "REPLICA_LAG=1.500\n",
              "shell format");
    free(s);

    s = render(MMHA_FORMAT_JSON);
    CHECK_STR(s,
              "{\"binlog_file\":\"mysql-bin.000003\",\"binlog_pos\":1234,"
              "\"gtid\":null,\"read_only\":true,"
              "\"note\":\"two\\nlines \\\"quoted\\\"\","
              "\"kills\":[{\"id\":7,\"user\":\"app\"},{\"id\":9}],"
              "\"replica\":{\"lag\":1.500}}\n",
              "json format");
    free(s);

    s = render(MMHA_FORMAT_HUMAN);
    CHECK_STR(s,
              "binlog_file: mysql-bin.000003\n"
              "binlog_pos: 1234\n"
              "gtid: -\n"
              "read_only: 1\n"
              "note: two\nlines \"quoted\"\n"
              "kills[1].id: 7\n"
              "kills[1].user: app\n"
              "kills[2].id: 9\n"
              "replica.lag: 1.500\n",
              "human format");
    free(s);

    {
        enum mmha_format f;

        CHECK(mmha_format_parse("json", &f) && f == MMHA_FORMAT_JSON,
              "format json parses");
        CHECK(!mmha_format_parse("xml", &f), "format xml refused");
    }
    return unit_done();
}
