/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure rules about server sessions: who is spared, who blocks, display. */
#include "sessions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool in_list(const char *s, const char *const *list)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++) {
        if (strcasecmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

const char *mmha_session_kind_name(enum mmha_session_kind k)
{
    switch (k) {
    case MMHA_SESSION_CLIENT: return "client";
    case MMHA_SESSION_OWN: return "own";
    case MMHA_SESSION_REPLICATION: return "replication";
    case MMHA_SESSION_SYSTEM: return "system";
    case MMHA_SESSION_SPARE: return "spare";
    }
    return "unknown";
}

enum mmha_session_kind mmha_session_classify(const struct mmha_session *s,
                                             const unsigned long long *own,
                                             size_t nown,
                                             const char *const *spare,
                                             size_t nspare)
{
    /* Binlog Dump threads serve the replicas: killing one breaks them. */
    static const char *const repl_commands[] = {
        "Binlog Dump",  "Binlog Dump GTID", "Slave_IO", "Slave_SQL",
        "Slave_worker", "Register Slave",   NULL};
    static const char *const system_users[] = {"system user", "event_scheduler",
                                               NULL};
    size_t i;

    for (i = 0; i < nown; i++) {
        if (s->id == own[i]) {
            return MMHA_SESSION_OWN;
        }
    }
    if (in_list(s->command, repl_commands)) {
        return MMHA_SESSION_REPLICATION;
    }
    if (s->user[0] == '\0' || in_list(s->user, system_users) ||
        strcasecmp(s->command, "Daemon") == 0) {
        return MMHA_SESSION_SYSTEM;
    }
    for (i = 0; i < nspare; i++) {
        if (mmha_spare_match(spare[i], s->user, s->host)) {
            return MMHA_SESSION_SPARE;
        }
    }
    return MMHA_SESSION_CLIENT;
}

/* SQL LIKE with % and _, case-insensitive (host names are). */
static bool like(const char *pat, const char *s)
{
    while (*pat != '\0') {
        if (*pat == '%') {
            while (*pat == '%') {
                pat++;
            }
            if (*pat == '\0') {
                return true;
            }
            for (; *s != '\0'; s++) {
                if (like(pat, s)) {
                    return true;
                }
            }
            return false;
        }
        if (*s == '\0') {
            return false;
        }
        if (*pat != '_' &&
            tolower((unsigned char)*pat) != tolower((unsigned char)*s)) {
            return false;
        }
        pat++;
        s++;
    }
    return *s == '\0';
}

/* The host of "host:port", "[v6]:port" or a bare host, into buf. */
static void host_only(const char *host, char *buf, size_t len)
{
    const char *colon = strrchr(host, ':');
    const char *p;
    size_t n;

    snprintf(buf, len, "%s", host);
    if (colon == NULL || colon[1] == '\0') {
        return;
    }
    for (p = colon + 1; *p != '\0'; p++) {
        if (!isdigit((unsigned char)*p)) {
            return;
        }
    }
    /* Only one colon (IPv4 or a name) or a bracketed IPv6 address. */
    if (strchr(host, ':') != colon && !(host[0] == '[' && colon[-1] == ']')) {
        return;
    }
    n = (size_t)(colon - host);
    if (host[0] == '[') {
        host++;
        n -= 2;
    }
    snprintf(buf, len, "%.*s", (int)n, host);
}

bool mmha_spare_valid(const char *pattern)
{
    return pattern != NULL && pattern[0] != '\0' && pattern[0] != '@';
}

bool mmha_spare_match(const char *pattern, const char *user, const char *host)
{
    const char *at = strrchr(pattern, '@');
    char h[MMHA_SESS_HOST_MAX];
    size_t ulen;

    if (!mmha_spare_valid(pattern)) {
        return false;
    }
    ulen = at != NULL ? (size_t)(at - pattern) : strlen(pattern);
    /* User names are case-sensitive in both servers. */
    if (strlen(user) != ulen || strncmp(pattern, user, ulen) != 0) {
        return false;
    }
    if (at == NULL) {
        return true;
    }
    host_only(host != NULL ? host : "", h, sizeof(h));
    return like(at + 1, h);
}

bool mmha_lock_blocks_read_only(const char *mode)
{
    static const char *const blocking[] = {"MDL_BACKUP_DML",
                                           "MDL_BACKUP_TRANS_DML",
                                           "MDL_BACKUP_SYS_DML",
                                           "MDL_BACKUP_DDL",
                                           "MDL_BACKUP_ALTER_COPY",
                                           "MDL_BACKUP_COMMIT",
                                           "GLOBAL INTENTION_EXCLUSIVE",
                                           "COMMIT INTENTION_EXCLUSIVE",
                                           NULL};

    return mode != NULL && in_list(mode, blocking);
}

/* Past blanks, comments and opening parentheses to the first keyword. */
static const char *first_word(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p) || *p == '(') {
            p++;
        }
        if (p[0] == '/' && p[1] == '*' && p[2] == '!') {
            /* MySQL executable comment: its body is code. */
            p += 3;
            while (isdigit((unsigned char)*p)) {
                p++;
            }
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");

            p = end != NULL ? end + 2 : p + strlen(p);
        } else if (*p == '#' || (p[0] == '-' && p[1] == '-')) {
            const char *end = strchr(p, '\n');

            p = end != NULL ? end + 1 : p + strlen(p);
        } else {
            return p;
        }
    }
}

bool mmha_is_write_statement(const char *sql)
{
    static const char *const writes[] = {
        "INSERT",   "UPDATE", "DELETE", "REPLACE",  "LOAD",  "CREATE",
        "ALTER",    "DROP",   "RENAME", "TRUNCATE", "GRANT", "REVOKE",
        "OPTIMIZE", "REPAIR", "IMPORT", "COMMIT",   "XA",    NULL};
    char word[16];
    const char *p;
    size_t n = 0;

    if (sql == NULL) {
        return false;
    }
    p = first_word(sql);
    while (n < sizeof(word) - 1 && isalpha((unsigned char)p[n])) {
        word[n] = p[n];
        n++;
    }
    word[n] = '\0';
    return n > 0 && in_list(word, writes);
}

/* Length of the UTF-8 sequence starting at p, 0 if it is not valid. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n;
    size_t i;

    if (p[0] < 0x80) {
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2) {
        n = 2;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
    } else if ((p[0] & 0xf8) == 0xf0 && p[0] <= 0xf4) {
        n = 4;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return n;
}

/* ------------------------------------------------------------ masking */

/* What the masker expects next. */
enum mask_state {
    MASK_NONE,
    MASK_NEXT,  /* the next literal is a secret */
    MASK_PW,    /* after a *PASSWORD word: a literal now, or after = ( */
    MASK_PW_EQ, /* SET PASSWORD FOR ...: the literal after = */
    MASK_PAREN, /* inside PASSWORD( ... ): every literal */
};

struct masker {
    char *dst;
    size_t len;
    size_t out; /* bytes the whole result needs so far */
    enum mask_state st;
    bool identified; /* after IDENTIFIED: BY, USING, AS arm */
    int depth;       /* parentheses inside MASK_PAREN */
};

static void put(struct masker *m, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++, m->out++) {
        if (m->out + 1 < m->len) {
            m->dst[m->out] = s[i];
        }
    }
}

static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool word_is(const char *w, size_t n, const char *k)
{
    return strlen(k) == n && strncasecmp(w, k, n) == 0;
}

/* A word ending in PASSWORD: PASSWORD, OLD_PASSWORD, MASTER_PASSWORD... */
static bool password_word(const char *w, size_t n)
{
    return n >= 8 && strncasecmp(w + n - 8, "PASSWORD", 8) == 0 &&
           (n == 8 || w[n - 9] == '_');
}

/* End of the quoted literal starting at p (its quote q): past the closing
 * quote, or at the end of the text when it is left open. */
static const char *literal_end(const char *p, bool *closed)
{
    char q = *p++;

    *closed = false;
    while (*p != '\0') {
        if (*p == '\\' && q != '`' && p[1] != '\0') {
            p += 2;
            continue;
        }
        if (*p == q) {
            if (p[1] == q) {
                p += 2; /* a doubled quote is one quote */
                continue;
            }
            *closed = true;
            return p + 1;
        }
        p++;
    }
    return p;
}

/* Whether a literal here is a secret; moves the state on. */
static bool take_secret(struct masker *m)
{
    switch (m->st) {
    case MASK_NEXT:
    case MASK_PW: m->st = MASK_NONE; return true;
    case MASK_PAREN: return true;
    case MASK_PW_EQ:
    case MASK_NONE: return false;
    }
    return false;
}

static void on_word(struct masker *m, const char *w, size_t n)
{
    if (word_is(w, n, "IDENTIFIED")) {
        m->identified = true;
        m->st = MASK_NONE;
    } else if (m->identified &&
               (word_is(w, n, "BY") || word_is(w, n, "USING") ||
                word_is(w, n, "AS"))) {
        m->st = MASK_NEXT;
    } else if (password_word(w, n)) {
        if (m->st != MASK_PAREN) {
            m->st = MASK_PW;
        }
    } else if (m->st == MASK_PW) {
        m->st = MASK_PW_EQ; /* SET PASSWORD FOR user = ... */
    } else if (m->st == MASK_NEXT && (word_is(w, n, "PASSWORD"))) {
        m->st = MASK_PW;
    }
}

static void on_punct(struct masker *m, char c)
{
    if (c == '(' && m->st == MASK_PW) {
        m->st = MASK_PAREN;
        m->depth = 1;
    } else if (c == '(' && m->st == MASK_PAREN) {
        m->depth++;
    } else if (c == ')' && m->st == MASK_PAREN && --m->depth == 0) {
        m->st = MASK_NONE;
    } else if (c == '=' && (m->st == MASK_PW || m->st == MASK_PW_EQ)) {
        m->st = MASK_NEXT;
    } else if (c == ';') {
        m->st = MASK_NONE;
        m->identified = false;
    } else if (c == ',' && m->st != MASK_PAREN) {
        m->identified = false; /* CREATE USER a IDENTIFIED ..., b ... */
    }
}

size_t mmha_stmt_mask(char *dst, size_t len, const char *sql)
{
    struct masker m = {dst, len, 0, MASK_NONE, false, 0};
    const char *p = sql != NULL ? sql : "";

    while (*p != '\0') {
        const char *start = p;

        if (p[0] == '/' && p[1] == '*' && p[2] != '!') {
            const char *end = strstr(p + 2, "*/");

            p = end != NULL ? end + 2 : p + strlen(p);
            put(&m, start, (size_t)(p - start));
        } else if (*p == '#' || (p[0] == '-' && p[1] == '-' &&
                                 (p[2] == ' ' || p[2] == '\t'))) {
            p += strcspn(p, "\n");
            put(&m, start, (size_t)(p - start));
        } else if (*p == '\'' || *p == '"') {
            bool closed;
            bool secret = take_secret(&m);

            p = literal_end(p, &closed);
            if (secret) {
                put(&m, start, 1);
                put(&m, "***", 3);
                put(&m, start, closed ? 1 : 0);
            } else {
                put(&m, start, (size_t)(p - start));
            }
        } else if (*p == '`') {
            bool closed;

            p = literal_end(p, &closed);
            put(&m, start, (size_t)(p - start));
        } else if (word_char((unsigned char)*p)) {
            size_t n = 0;

            while (word_char((unsigned char)p[n])) {
                n++;
            }
            if (p[n] == '\'' &&
                (p[0] == '_' || (n == 1 && strchr("xXbBnN", p[0]) != NULL))) {
                /* An introducer: the literal that follows is the value. */
                put(&m, p, n);
            } else if (isdigit((unsigned char)p[0]) && take_secret(&m)) {
                put(&m, "***", 3);
            } else {
                on_word(&m, p, n);
                put(&m, p, n);
            }
            p += n;
        } else {
            if (!isspace((unsigned char)*p)) {
                on_punct(&m, *p);
            }
            put(&m, p, 1);
            p++;
        }
    }
    if (len > 0) {
        dst[m.out < len ? m.out : len - 1] = '\0';
    }
    return m.out;
}

void mmha_error_mask(char *text, size_t len)
{
    static const char marker[] = "Query: '";
    char *q = strstr(text, marker);
    char *from = q != NULL ? q + sizeof(marker) - 1 : text;
    char *close = q != NULL ? strrchr(from, '\'') : NULL;
    size_t n = close != NULL ? (size_t)(close - from) : strlen(from);
    size_t need = 3 * n + 8;
    char *in = calloc(1, n + 1);
    char *out = calloc(1, need);

    if (in == NULL || out == NULL) {
        /* Nothing shown rather than a secret. */
        snprintf(from, len - (size_t)(from - text), "%s", "***");
    } else {
        memcpy(in, from, n);
        mmha_stmt_mask(out, need, in);
        snprintf(from, len - (size_t)(from - text), "%s%s", out,
                 close != NULL ? "'" : "");
    }
    free(in);
    free(out);
}

void mmha_stmt_prefix(char *dst, size_t len, const char *sql, size_t max_chars)
{
    size_t need = sql != NULL ? 3 * strlen(sql) + 8 : 8;
    char *masked = calloc(1, need);
    const unsigned char *p;
    size_t out = 0;
    size_t chars = 0;
    bool space = false;

    if (len == 0) {
        free(masked);
        return;
    }
    if (masked == NULL) {
        snprintf(dst, len, "%s", sql != NULL && *sql != '\0' ? "?" : "");
        return;
    }
    mmha_stmt_mask(masked, need, sql);
    p = (const unsigned char *)masked;
    while (isspace(*p)) {
        p++;
    }
    while (*p != '\0' && chars < max_chars) {
        size_t n = isspace(*p) ? 1 : utf8_len(p);

        if (isspace(*p)) {
            space = true;
            p++;
            continue;
        }
        if (out + (space ? 1 : 0) + (n == 0 ? 1 : n) + 4 > len) {
            break;
        }
        if (space) {
            dst[out++] = ' ';
            chars++;
            space = false;
            if (chars == max_chars) {
                break;
            }
        }
        if (n == 0 || *p < 0x20 || *p == 0x7f) {
            dst[out++] = '?';
            p++;
        } else {
            memcpy(dst + out, p, n);
            out += n;
            p += n;
        }
        chars++;
    }
    while (isspace(*p)) {
        p++;
    }
    if (*p != '\0' && out + 4 <= len) {
        memcpy(dst + out, "...", 3);
        out += 3;
    }
    dst[out < len ? out : len - 1] = '\0';
    free(masked);
}

bool mmha_grantee_user(const char *grantee, char *user, size_t len)
{
    const char *p = grantee;
    size_t n = 0;

    if (p == NULL || *p != '\'' || len == 0) {
        return false;
    }
    for (p++; *p != '\0'; p++) {
        if (*p == '\'') {
            if (p[1] == '\'') {
                p++; /* a doubled quote is one quote */
            } else {
                break;
            }
        }
        if (n + 1 >= len) {
            return false;
        }
        user[n++] = *p;
    }
    user[n] = '\0';
    return *p == '\'' && p[1] == '@';
}

/* Append a GTID set entry to out, comma-separated: out holds room for
 * the whole set it is taken from, so nothing is ever cut. */
static void append(char *out, size_t *used, const char *s, size_t n)
{
    if (*used > 0) {
        out[(*used)++] = ',';
    }
    memcpy(out + *used, s, n);
    *used += n;
    out[*used] = '\0';
}

char *mmha_gtid_own_part(const char *set, unsigned long server_id,
                         const char *server_uuid)
{
    const char *p = set != NULL ? set : "";
    bool mysql = server_uuid != NULL && server_uuid[0] != '\0';
    /* A part is never longer than the set: one allocation, no cut. */
    char *out = calloc(1, strlen(p) + 1);
    size_t used = 0;

    if (out == NULL) {
        return NULL;
    }
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n;

        while (isspace((unsigned char)*p)) {
            p++;
        }
        n = end != NULL ? (size_t)(end - p) : strlen(p);
        while (n > 0 && isspace((unsigned char)p[n - 1])) {
            n--;
        }
        if (mysql) {
            size_t ul = strlen(server_uuid);

            if (n > ul && strncasecmp(p, server_uuid, ul) == 0 &&
                p[ul] == ':') {
                append(out, &used, p, n);
            }
        } else {
            const char *dash = memchr(p, '-', n);
            char *e = NULL;
            unsigned long sid;

            if (dash != NULL) {
                sid = strtoul(dash + 1, &e, 10);
                if (e != dash + 1 && *e == '-' && sid == server_id) {
                    append(out, &used, p, n);
                }
            }
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
    }
    return out;
}
