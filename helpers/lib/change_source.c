/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building the statement that points a replica at a source. */
#include "change_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void default_escape(void *ctx, char *buf, size_t len, const char *s)
{
    size_t n = 0;

    (void)ctx;
    for (; *s != '\0' && n + 2 < len; s++) {
        if (*s == '\'' || *s == '\\') {
            buf[n++] = *s == '\'' ? '\'' : '\\';
        }
        buf[n++] = *s;
    }
    buf[n] = '\0';
}

struct builder {
    char *buf;
    size_t len;
    size_t used;
    int items;
    bool ok;
};

static void put(struct builder *b, const char *key, const char *value,
                bool quote)
{
    size_t room = b->used < b->len ? b->len - b->used : 0;
    int n = snprintf(b->buf + b->used, room, "%s%s%s%s%s%s",
                     b->items > 0 ? ", " : " ", key, key[0] != '\0' ? "=" : "",
                     quote ? "'" : "", value, quote ? "'" : "");

    if (n < 0 || (size_t)n >= room) {
        b->ok = false;
        return;
    }
    b->used += (size_t)n;
    b->items++;
}

static void put_str(struct builder *b, const struct mmha_version *v,
                    enum mmha_sql key, const char *value, mmha_escape_fn escape,
                    void *ctx)
{
    size_t need = 2 * strlen(value) + 1;
    char *esc = calloc(1, need);

    if (esc == NULL) {
        b->ok = false;
        return;
    }
    escape(ctx, esc, need, value);
    put(b, mmha_sql_text(v, key), esc, true);
    free(esc);
}

static void put_num(struct builder *b, const struct mmha_version *v,
                    enum mmha_sql key, unsigned long long value)
{
    char num[32];

    snprintf(num, sizeof(num), "%llu", value);
    put(b, mmha_sql_text(v, key), num, false);
}

/* "1,2": numbers separated by single commas; "" is an empty list. */
static bool domain_list_ok(const char *s)
{
    bool digit = false;

    for (; *s != '\0'; s++) {
        if (*s >= '0' && *s <= '9') {
            digit = true;
        } else if (*s == ',' && digit) {
            digit = false;
        } else {
            return false;
        }
    }
    return true;
}

static void put_domains(struct builder *b, const struct mmha_version *v,
                        const char *list)
{
    const char *key = mmha_sql_text(v, MMHA_OPT_IGNORE_DOMAIN_IDS);
    size_t n = strlen(list);
    char *val;

    if (!domain_list_ok(list) || (n > 0 && list[n - 1] == ',')) {
        b->ok = false;
        return;
    }
    if (key[0] == '\0') {
        /* No domains here: an empty list is what the server has. */
        b->ok = b->ok && n == 0;
        return;
    }
    val = calloc(1, n + 3);
    if (val == NULL) {
        b->ok = false;
        return;
    }
    snprintf(val, n + 3, "(%s)", list);
    put(b, key, val, false);
    free(val);
}

bool mmha_change_source_sql(const struct mmha_version *v,
                            const struct mmha_change_source *cs,
                            mmha_escape_fn escape, void *ctx, char *buf,
                            size_t len)
{
    struct builder b = {buf, len, 0, 0, true};
    int n;

    if (escape == NULL) {
        escape = default_escape;
    }
    n = snprintf(buf, len, "%s", mmha_sql_text(v, MMHA_SQL_CHANGE_SOURCE));
    if (n < 0 || (size_t)n >= len) {
        return false;
    }
    b.used = (size_t)n;
    if (cs->host != NULL) {
        put_str(&b, v, MMHA_OPT_SOURCE_HOST, cs->host, escape, ctx);
    }
    if (cs->port != 0) {
        put_num(&b, v, MMHA_OPT_SOURCE_PORT, cs->port);
    }
    if (cs->user != NULL) {
        put_str(&b, v, MMHA_OPT_SOURCE_USER, cs->user, escape, ctx);
    }
    if (cs->password != NULL) {
        put_str(&b, v, MMHA_OPT_SOURCE_PASSWORD, cs->password, escape, ctx);
    }
    if (cs->connect_retry != 0) {
        put_num(&b, v, MMHA_OPT_SOURCE_CONNECT_RETRY, cs->connect_retry);
    }
    if (cs->heartbeat_ms != 0) {
        char period[32];

        snprintf(period, sizeof(period), "%u.%03u", cs->heartbeat_ms / 1000,
                 cs->heartbeat_ms % 1000);
        put(&b, mmha_sql_text(v, MMHA_OPT_SOURCE_HEARTBEAT), period, false);
    }
    /* A file position and GTID auto-position exclude each other. */
    if (cs->log_file != NULL) {
        put_str(&b, v, MMHA_OPT_SOURCE_LOG_FILE, cs->log_file, escape, ctx);
        put_num(&b, v, MMHA_OPT_SOURCE_LOG_POS, cs->log_pos);
        put(&b, "", mmha_sql_text(v, MMHA_OPT_AUTO_POSITION_OFF), false);
    } else if (cs->auto_position == MMHA_AUTOPOS_ON) {
        put(&b, "", mmha_sql_text(v, MMHA_OPT_AUTO_POSITION_ON), false);
    } else if (cs->auto_position == MMHA_AUTOPOS_OFF) {
        put(&b, "", mmha_sql_text(v, MMHA_OPT_AUTO_POSITION_OFF), false);
    }
    if (cs->ignore_domains != NULL) {
        /* MariaDB keeps no ignore list with file positions. */
        if (cs->log_file != NULL && cs->ignore_domains[0] != '\0') {
            return false;
        }
        put_domains(&b, v, cs->ignore_domains);
    }
    return b.ok && b.items > 0;
}
