/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GTID set parsing and arithmetic for MariaDB and MySQL. */
#include "gtid.h"
#include "unit.h"

#define U1 "3e11fa47-71ca-11e1-9e33-c80aa9429562"
#define U2 "4a21fa47-71ca-11e1-9e33-c80aa9429562"

static char text[1024];

static const char *fmt(const struct mmha_gtid_set *s)
{
    mmha_gtid_format(s, text, sizeof(text));
    return text;
}

static bool parse(struct mmha_gtid_set *s, enum mmha_gtid_kind k, const char *t)
{
    char err[128];

    return mmha_gtid_parse(s, k, t, err, sizeof(err));
}

static void test_mariadb(void)
{
    struct mmha_gtid_set a;
    struct mmha_gtid_set b;
    struct mmha_gtid_set d;

    CHECK(parse(&a, MMHA_GTID_MARIADB, "0-1-100, 2-2-5\n,1-3-7"),
          "MariaDB list parses");
    CHECK_STR(fmt(&a), "0-1-100,1-3-7,2-2-5", "sorted by domain");
    CHECK(mmha_gtid_count(&a) == 112, "count is the sum of seqs");
    CHECK(parse(&b, MMHA_GTID_MARIADB, "0-2-90,2-2-5"), "second list");
    CHECK(mmha_gtid_contains(&a, &b), "100 >= 90 in domain 0");
    CHECK(!mmha_gtid_contains(&b, &a), "b lacks domain 1");
    CHECK(mmha_gtid_compare(&a, &b) == MMHA_GTID_SUPERSET, "superset");
    CHECK(mmha_gtid_compare(&b, &a) == MMHA_GTID_SUBSET, "subset");
    CHECK(mmha_gtid_subtract(&d, &a, &b), "subtract");
    CHECK_STR(fmt(&d), "0-1-100,1-3-7", "a - b keeps the newest GTIDs");
    CHECK(mmha_gtid_count(&d) == 17, "10 + 7 missing");
    CHECK(d.src[0].iv[0].first == 91, "domain 0 misses from 91");
    mmha_gtid_free(&d);
    CHECK(mmha_gtid_subtract(&d, &b, &a) && mmha_gtid_empty(&d),
          "b - a is empty");
    mmha_gtid_free(&d);
    mmha_gtid_free(&b);

    CHECK(parse(&b, MMHA_GTID_MARIADB, "0-1-100,0-2-40"),
          "two servers in one domain");
    CHECK_STR(fmt(&b), "0-1-100", "the newest GTID of the domain wins");
    mmha_gtid_free(&b);
    CHECK(parse(&b, MMHA_GTID_MARIADB, "0-9-120,1-3-7,2-2-4"), "third");
    CHECK(mmha_gtid_compare(&a, &b) == MMHA_GTID_DIVERGED, "diverged");
    CHECK(mmha_gtid_union(&d, &a, &b), "union");
    CHECK_STR(fmt(&d), "0-9-120,1-3-7,2-2-5", "union takes the max");
    mmha_gtid_free(&d);
    mmha_gtid_free(&b);

    CHECK(parse(&b, MMHA_GTID_MARIADB, ""), "empty text");
    CHECK(mmha_gtid_empty(&b) && mmha_gtid_contains(&a, &b),
          "everything contains the empty set");
    CHECK(!mmha_gtid_contains(&b, &a), "empty contains nothing else");
    CHECK_STR(fmt(&b), "", "empty prints empty");
    mmha_gtid_free(&b);
    mmha_gtid_free(&a);

    CHECK(!parse(&a, MMHA_GTID_MARIADB, "0-1"), "two parts refused");
    CHECK(!parse(&a, MMHA_GTID_MARIADB, "0-1-x"), "letters refused");
    CHECK(!parse(&a, MMHA_GTID_MARIADB, "0-1-2;"), "junk refused");
    CHECK(!parse(&a, MMHA_GTID_MARIADB, "4294967296-1-2"),
          "domain above 32 bits refused");
    CHECK(!parse(&a, MMHA_GTID_MARIADB, U1 ":1-5"), "MySQL set refused");
}

static void test_mysql(void)
{
    struct mmha_gtid_set a;
    struct mmha_gtid_set b;
    struct mmha_gtid_set d;

    CHECK(parse(&a, MMHA_GTID_MYSQL, U2 ":1-5:7-9,\n" U1 ":1-100"),
          "MySQL set parses");
    CHECK_STR(fmt(&a), U1 ":1-100," U2 ":1-5:7-9", "sorted, normalised");
    CHECK(mmha_gtid_count(&a) == 108, "count");
    CHECK(parse(&b, MMHA_GTID_MYSQL, U1 ":1-50:60," U2 ":3-5:8"), "b");
    CHECK(mmha_gtid_contains(&a, &b), "a holds b");
    CHECK(mmha_gtid_compare(&a, &b) == MMHA_GTID_SUPERSET, "superset");
    CHECK(mmha_gtid_subtract(&d, &a, &b), "subtract");
    CHECK_STR(fmt(&d), U1 ":51-59:61-100," U2 ":1-2:7:9",
              "a - b splits intervals");
    mmha_gtid_free(&d);
    mmha_gtid_free(&b);

    CHECK(parse(&b, MMHA_GTID_MYSQL, U2 ":6"), "the gap");
    CHECK(!mmha_gtid_contains(&a, &b), "a lacks 6");
    CHECK(mmha_gtid_union(&d, &a, &b), "union");
    CHECK_STR(fmt(&d), U1 ":1-100," U2 ":1-9", "union merges adjacent");
    mmha_gtid_free(&d);
    mmha_gtid_free(&b);

    CHECK(parse(&b, MMHA_GTID_MYSQL, "3E11FA47-71CA-11E1-9E33-C80AA9429562:3"),
          "upper case uuid");
    CHECK(mmha_gtid_contains(&a, &b), "uuid compared without case");
    mmha_gtid_free(&b);

    CHECK(parse(&b, MMHA_GTID_MYSQL, U1 ":1-3:blue:1-2:4"), "8.4 tags");
    CHECK_STR(fmt(&b), U1 ":1-3," U1 ":blue:1-2:4", "tag is its own source");
    CHECK(!mmha_gtid_contains(&a, &b), "a lacks the tagged ones");
    mmha_gtid_free(&b);
    mmha_gtid_free(&a);

    CHECK(!parse(&a, MMHA_GTID_MYSQL, "nonsense:1-5"), "bad uuid refused");
    CHECK(!parse(&a, MMHA_GTID_MYSQL, U1 ":5-3"), "reversed range refused");
    CHECK(!parse(&a, MMHA_GTID_MYSQL, U1 ":0"), "zero refused");
    CHECK(!parse(&a, MMHA_GTID_MYSQL, "0-1-5"), "MariaDB GTID refused");
}

static void test_format_length(void)
{
    struct mmha_gtid_set a;
    char small[8];
    size_t need;

    CHECK(parse(&a, MMHA_GTID_MYSQL, U1 ":1-100"), "parse");
    need = mmha_gtid_format(&a, small, sizeof(small));
    CHECK(need == strlen(U1 ":1-100"), "needed length as snprintf");
    CHECK(strlen(small) == sizeof(small) - 1, "truncated, terminated");
    mmha_gtid_free(&a);
}

int main(void)
{
    test_mariadb();
    test_mysql();
    test_format_length();
    return unit_done();
}
