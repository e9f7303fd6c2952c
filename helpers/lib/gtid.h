/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GTID sets of both flavours, as sets of transaction numbers per source:
 *   MariaDB  "domain-server-seq,..."  (a position: seq 1..n of each domain)
 *   MySQL    "uuid:1-5:7,..."         (8.4 tags: "uuid:1-5:tag:3")
 * so containment, difference and union are plain interval arithmetic.
 */
#ifndef MMHA_GTID_H
#define MMHA_GTID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mmha_gtid_kind {
    MMHA_GTID_MARIADB,
    MMHA_GTID_MYSQL,
};

struct mmha_gtid_interval {
    uint64_t first;
    uint64_t last; /* inclusive */
};

/* One source: a MariaDB domain or a MySQL uuid (with its tag). */
struct mmha_gtid_source {
    char key[128];      /* MySQL "uuid" or "uuid:tag"; MariaDB "" */
    uint32_t domain;    /* MariaDB */
    uint32_t server_id; /* MariaDB: server of the newest GTID */
    size_t n;
    size_t cap;
    struct mmha_gtid_interval *iv; /* sorted, disjoint, not adjacent */
};

struct mmha_gtid_set {
    enum mmha_gtid_kind kind;
    size_t n;
    size_t cap;
    struct mmha_gtid_source *src; /* sorted by domain or key */
};

/* How two sets relate. */
enum mmha_gtid_rel {
    MMHA_GTID_EQUAL,
    MMHA_GTID_SUPERSET, /* a holds all of b and more */
    MMHA_GTID_SUBSET,   /* b holds all of a and more */
    MMHA_GTID_DIVERGED, /* each holds something the other lacks */
};

void mmha_gtid_init(struct mmha_gtid_set *s, enum mmha_gtid_kind kind);
void mmha_gtid_free(struct mmha_gtid_set *s);

/*
 * Parse text (NULL or "" = empty set) into s, which the call initialises.
 * False with a one-line reason in err on malformed text; s is then empty.
 */
bool mmha_gtid_parse(struct mmha_gtid_set *s, enum mmha_gtid_kind kind,
                     const char *text, char *err, size_t errlen);

/* Add transactions first..last of a source (MariaDB: key ignored). */
bool mmha_gtid_add(struct mmha_gtid_set *s, const char *key, uint32_t domain,
                   uint32_t server_id, uint64_t first, uint64_t last);

/* Whether a holds every transaction of b: "a is at least b". */
bool mmha_gtid_contains(const struct mmha_gtid_set *a,
                        const struct mmha_gtid_set *b);

enum mmha_gtid_rel mmha_gtid_compare(const struct mmha_gtid_set *a,
                                     const struct mmha_gtid_set *b);

/* out = a - b and out = a + b (out is initialised by the call). */
bool mmha_gtid_subtract(struct mmha_gtid_set *out,
                        const struct mmha_gtid_set *a,
                        const struct mmha_gtid_set *b);
bool mmha_gtid_union(struct mmha_gtid_set *out, const struct mmha_gtid_set *a,
                     const struct mmha_gtid_set *b);

bool mmha_gtid_empty(const struct mmha_gtid_set *s);

/* Number of transactions in the set. */
uint64_t mmha_gtid_count(const struct mmha_gtid_set *s);

/*
 * Text of the set into buf; returns the length it needs (as snprintf).
 * MariaDB sets print as a position: the last GTID of each domain
 * ("1-3-7"), which is what MASTER_GTID_WAIT and gtid_slave_pos take.
 */
size_t mmha_gtid_format(const struct mmha_gtid_set *s, char *buf, size_t len);

/* The same text in a new heap string, whatever its length; NULL when out
 * of memory. */
char *mmha_gtid_format_dup(const struct mmha_gtid_set *s);

#endif
