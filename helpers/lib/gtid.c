/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GTID set parsing and interval arithmetic for both flavours. */
#include "gtid.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { UUID_LEN = 36, TAG_MAX = 32 };

void mmha_gtid_init(struct mmha_gtid_set *s, enum mmha_gtid_kind kind)
{
    memset(s, 0, sizeof(*s));
    s->kind = kind;
}

void mmha_gtid_free(struct mmha_gtid_set *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        free(s->src[i].iv);
    }
    free(s->src);
    mmha_gtid_init(s, s->kind);
}

/* Order of sources: by domain (MariaDB) or by key (MySQL). */
static int source_cmp(const struct mmha_gtid_set *s, const char *key,
                      uint32_t domain, const struct mmha_gtid_source *src)
{
    if (s->kind == MMHA_GTID_MARIADB) {
        return domain < src->domain ? -1 : domain > src->domain ? 1 : 0;
    }
    return strcmp(key, src->key);
}

static struct mmha_gtid_source *source_find(const struct mmha_gtid_set *s,
                                            const char *key, uint32_t domain)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        if (source_cmp(s, key, domain, &s->src[i]) == 0) {
            return &s->src[i];
        }
    }
    return NULL;
}

static struct mmha_gtid_source *source_get(struct mmha_gtid_set *s,
                                           const char *key, uint32_t domain)
{
    struct mmha_gtid_source *src = source_find(s, key, domain);
    size_t at = 0;

    if (src != NULL) {
        return src;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap == 0 ? 4 : s->cap * 2;
        struct mmha_gtid_source *p = realloc(s->src, cap * sizeof(*p));

        if (p == NULL) {
            return NULL;
        }
        s->src = p;
        s->cap = cap;
    }
    while (at < s->n && source_cmp(s, key, domain, &s->src[at]) > 0) {
        at++;
    }
    memmove(&s->src[at + 1], &s->src[at], (s->n - at) * sizeof(*s->src));
    s->n++;
    src = &s->src[at];
    memset(src, 0, sizeof(*src));
    snprintf(src->key, sizeof(src->key), "%s", key);
    src->domain = domain;
    return src;
}

/* Insert first..last, merging with overlapping or adjacent intervals. */
static bool interval_add(struct mmha_gtid_source *src, uint64_t first,
                         uint64_t last)
{
    size_t i = 0;
    size_t j;

    while (i < src->n && src->iv[i].last != UINT64_MAX &&
           src->iv[i].last + 1 < first) {
        i++;
    }
    /* Intervals i..j-1 touch the new one: they merge into it. */
    j = i;
    while (j < src->n && (last == UINT64_MAX || src->iv[j].first <= last + 1)) {
        if (src->iv[j].first < first) {
            first = src->iv[j].first;
        }
        if (src->iv[j].last > last) {
            last = src->iv[j].last;
        }
        j++;
    }
    if (j == i) {
        if (src->n == src->cap) {
            size_t cap = src->cap == 0 ? 4 : src->cap * 2;
            struct mmha_gtid_interval *p = realloc(src->iv, cap * sizeof(*p));

            if (p == NULL) {
                return false;
            }
            src->iv = p;
            src->cap = cap;
        }
        memmove(&src->iv[i + 1], &src->iv[i], (src->n - i) * sizeof(*src->iv));
        src->n++;
    } else if (j > i + 1) {
        memmove(&src->iv[i + 1], &src->iv[j], (src->n - j) * sizeof(*src->iv));
        src->n -= j - i - 1;
    }
    src->iv[i].first = first;
    src->iv[i].last = last;
    return true;
}

bool mmha_gtid_add(struct mmha_gtid_set *s, const char *key, uint32_t domain,
                   uint32_t server_id, uint64_t first, uint64_t last)
{
    struct mmha_gtid_source *src;
    uint64_t top;

    if (first == 0 || last < first) {
        return true; /* nothing to add */
    }
    src = source_get(s, s->kind == MMHA_GTID_MARIADB ? "" : key, domain);
    if (src == NULL) {
        return false;
    }
    /* MariaDB: the newest GTID of a domain names the server shown. */
    top = src->n > 0 ? src->iv[src->n - 1].last : 0;
    if (last >= top) {
        src->server_id = server_id;
    }
    return interval_add(src, first, last);
}

static const char *skip_space(const char *p)
{
    while (*p != '\0' && isspace((unsigned char)*p)) {
        p++;
    }
    return p;
}

static bool read_u64(const char **pp, uint64_t max, uint64_t *out)
{
    const char *p = *pp;
    char *end = NULL;
    unsigned long long v;

    if (*p < '0' || *p > '9') {
        return false;
    }
    errno = 0;
    v = strtoull(p, &end, 10);
    if (errno != 0 || v > max) {
        return false;
    }
    *out = v;
    *pp = end;
    return true;
}

static bool parse_mariadb(struct mmha_gtid_set *s, const char *text, char *err,
                          size_t errlen)
{
    const char *p = skip_space(text);
    uint64_t d;
    uint64_t srv;
    uint64_t seq;

    while (*p != '\0') {
        const char *start = p;

        if (!read_u64(&p, UINT32_MAX, &d) || *p++ != '-' ||
            !read_u64(&p, UINT32_MAX, &srv) || *p++ != '-' ||
            !read_u64(&p, UINT64_MAX, &seq)) {
            snprintf(err, errlen,
                     "'%.40s' is not a MariaDB GTID (domain-server-seq)",
                     start);
            return false;
        }
        if (!mmha_gtid_add(s, "", (uint32_t)d, (uint32_t)srv, 1, seq)) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        p = skip_space(p);
        if (*p == ',') {
            p = skip_space(p + 1);
        } else if (*p != '\0') {
            snprintf(err, errlen, "junk after a GTID: '%.40s'", p);
            return false;
        }
    }
    return true;
}

static bool is_uuid(const char *p)
{
    int i;

    for (i = 0; i < UUID_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (p[i] != '-') {
                return false;
            }
        } else if (!isxdigit((unsigned char)p[i])) {
            return false;
        }
    }
    return true;
}

/* One "uuid:iv:iv:tag:iv" group of a MySQL set. */
static bool parse_mysql_group(struct mmha_gtid_set *s, const char **pp)
{
    const char *p = *pp;
    char uuid[UUID_LEN + 1];
    char key[UUID_LEN + 2 + TAG_MAX];
    int i;

    if (!is_uuid(p)) {
        return false;
    }
    for (i = 0; i < UUID_LEN; i++) {
        uuid[i] = (char)tolower((unsigned char)p[i]);
    }
    uuid[UUID_LEN] = '\0';
    snprintf(key, sizeof(key), "%s", uuid);
    p = skip_space(p + UUID_LEN);
    while (*p == ':') {
        uint64_t first;
        uint64_t last;

        p = skip_space(p + 1);
        if (isalpha((unsigned char)*p) || *p == '_') {
            size_t n = 0;
            char tag[TAG_MAX + 1];

            while ((isalnum((unsigned char)*p) || *p == '_') && n < TAG_MAX) {
                tag[n++] = (char)tolower((unsigned char)*p++);
            }
            tag[n] = '\0';
            snprintf(key, sizeof(key), "%s:%s", uuid, tag);
        } else {
            if (!read_u64(&p, UINT64_MAX - 1, &first) || first == 0) {
                return false;
            }
            last = first;
            if (*p == '-') {
                p++;
                if (!read_u64(&p, UINT64_MAX - 1, &last) || last < first) {
                    return false;
                }
            }
            if (!mmha_gtid_add(s, key, 0, 0, first, last)) {
                return false;
            }
        }
        p = skip_space(p);
    }
    *pp = p;
    return true;
}

static bool parse_mysql(struct mmha_gtid_set *s, const char *text, char *err,
                        size_t errlen)
{
    const char *p = skip_space(text);

    while (*p != '\0') {
        const char *start = p;

        if (!parse_mysql_group(s, &p)) {
            snprintf(err, errlen,
                     "'%.48s' is not a MySQL GTID set (uuid:1-5:7,...)", start);
            return false;
        }
        if (*p == ',') {
            p = skip_space(p + 1);
        } else if (*p != '\0') {
            snprintf(err, errlen, "junk in a GTID set: '%.40s'", p);
            return false;
        }
    }
    return true;
}

bool mmha_gtid_parse(struct mmha_gtid_set *s, enum mmha_gtid_kind kind,
                     const char *text, char *err, size_t errlen)
{
    bool ok;

    mmha_gtid_init(s, kind);
    if (text == NULL) {
        return true;
    }
    ok = kind == MMHA_GTID_MARIADB ? parse_mariadb(s, text, err, errlen)
                                   : parse_mysql(s, text, err, errlen);
    if (!ok) {
        mmha_gtid_free(s);
    }
    return ok;
}

/* Whether first..last lies inside one interval of src. */
static bool covered(const struct mmha_gtid_source *src, uint64_t first,
                    uint64_t last)
{
    size_t i;

    for (i = 0; src != NULL && i < src->n; i++) {
        if (src->iv[i].first <= first && last <= src->iv[i].last) {
            return true;
        }
    }
    return false;
}

bool mmha_gtid_contains(const struct mmha_gtid_set *a,
                        const struct mmha_gtid_set *b)
{
    size_t i;
    size_t j;

    for (i = 0; i < b->n; i++) {
        const struct mmha_gtid_source *sb = &b->src[i];
        const struct mmha_gtid_source *sa = source_find(a, sb->key, sb->domain);

        for (j = 0; j < sb->n; j++) {
            if (!covered(sa, sb->iv[j].first, sb->iv[j].last)) {
                return false;
            }
        }
    }
    return true;
}

enum mmha_gtid_rel mmha_gtid_compare(const struct mmha_gtid_set *a,
                                     const struct mmha_gtid_set *b)
{
    bool ab = mmha_gtid_contains(a, b);
    bool ba = mmha_gtid_contains(b, a);

    if (ab && ba) {
        return MMHA_GTID_EQUAL;
    }
    if (ab) {
        return MMHA_GTID_SUPERSET;
    }
    return ba ? MMHA_GTID_SUBSET : MMHA_GTID_DIVERGED;
}

/* Add to out what of first..last the source sb (may be NULL) lacks. */
static bool add_difference(struct mmha_gtid_set *out,
                           const struct mmha_gtid_source *sa,
                           const struct mmha_gtid_source *sb, uint64_t first,
                           uint64_t last)
{
    size_t k;

    for (k = 0; sb != NULL && k < sb->n && first <= last; k++) {
        const struct mmha_gtid_interval *h = &sb->iv[k];

        if (h->last < first) {
            continue;
        }
        if (h->first > last) {
            break;
        }
        if (h->first > first &&
            !mmha_gtid_add(out, sa->key, sa->domain, sa->server_id, first,
                           h->first - 1)) {
            return false;
        }
        if (h->last == UINT64_MAX) {
            return true;
        }
        first = h->last + 1;
    }
    if (first <= last) {
        return mmha_gtid_add(out, sa->key, sa->domain, sa->server_id, first,
                             last);
    }
    return true;
}

bool mmha_gtid_subtract(struct mmha_gtid_set *out,
                        const struct mmha_gtid_set *a,
                        const struct mmha_gtid_set *b)
{
    size_t i;
    size_t j;

    mmha_gtid_init(out, a->kind);
    for (i = 0; i < a->n; i++) {
        const struct mmha_gtid_source *sa = &a->src[i];
        const struct mmha_gtid_source *sb = source_find(b, sa->key, sa->domain);

        for (j = 0; j < sa->n; j++) {
            if (!add_difference(out, sa, sb, sa->iv[j].first, sa->iv[j].last)) {
                mmha_gtid_free(out);
                return false;
            }
        }
    }
    return true;
}

static bool add_all(struct mmha_gtid_set *out, const struct mmha_gtid_set *s)
{
    size_t i;
    size_t j;

    for (i = 0; i < s->n; i++) {
        const struct mmha_gtid_source *src = &s->src[i];

        for (j = 0; j < src->n; j++) {
            if (!mmha_gtid_add(out, src->key, src->domain, src->server_id,
                               src->iv[j].first, src->iv[j].last)) {
                return false;
            }
        }
    }
    return true;
}

bool mmha_gtid_union(struct mmha_gtid_set *out, const struct mmha_gtid_set *a,
                     const struct mmha_gtid_set *b)
{
    mmha_gtid_init(out, a->kind);
    if (!add_all(out, a) || !add_all(out, b)) {
        mmha_gtid_free(out);
        return false;
    }
    return true;
}

bool mmha_gtid_empty(const struct mmha_gtid_set *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        if (s->src[i].n > 0) {
            return false;
        }
    }
    return true;
}

uint64_t mmha_gtid_count(const struct mmha_gtid_set *s)
{
    uint64_t total = 0;
    size_t i;
    size_t j;

    for (i = 0; i < s->n; i++) {
        for (j = 0; j < s->src[i].n; j++) {
            total += s->src[i].iv[j].last - s->src[i].iv[j].first + 1;
        }
    }
    return total;
}

/* Append piece at *used, counting past the end as snprintf does. */
static void append(char *buf, size_t len, size_t *used, const char *piece)
{
    size_t room = *used < len ? len - *used : 0;
    int n = snprintf(room > 0 ? buf + *used : NULL, room, "%s", piece);

    if (n > 0) {
        *used += (size_t)n;
    }
}

size_t mmha_gtid_format(const struct mmha_gtid_set *s, char *buf, size_t len)
{
    size_t used = 0;
    size_t i;
    size_t j;
    char piece[96];

    if (len > 0) {
        buf[0] = '\0';
    }
    for (i = 0; i < s->n; i++) {
        const struct mmha_gtid_source *src = &s->src[i];

        if (src->n == 0) {
            continue;
        }
        if (used > 0) {
            append(buf, len, &used, ",");
        }
        if (s->kind == MMHA_GTID_MARIADB) {
            snprintf(piece, sizeof(piece), "%u-%u-%llu", src->domain,
                     src->server_id,
                     (unsigned long long)src->iv[src->n - 1].last);
            append(buf, len, &used, piece);
            continue;
        }
        append(buf, len, &used, src->key);
        for (j = 0; j < src->n; j++) {
            if (src->iv[j].first == src->iv[j].last) {
                snprintf(piece, sizeof(piece), ":%llu",
                         (unsigned long long)src->iv[j].first);
            } else {
                snprintf(piece, sizeof(piece), ":%llu-%llu",
                         (unsigned long long)src->iv[j].first,
                         (unsigned long long)src->iv[j].last);
            }
            append(buf, len, &used, piece);
        }
    }
    return used;
}

char *mmha_gtid_format_dup(const struct mmha_gtid_set *s)
{
    size_t n = mmha_gtid_format(s, NULL, 0);
    char *buf = calloc(1, n + 1);

    if (buf != NULL) {
        mmha_gtid_format(s, buf, n + 1);
    }
    return buf;
}
