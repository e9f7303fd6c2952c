/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The readable-state machine and its state file. */
#include "hysteresis.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { STATE_MAX = 512 };

static const char STATE_MAGIC[] = "mmha-lag-state 1";

void mmha_hyst_init(struct mmha_hyst_state *s)
{
    memset(s, 0, sizeof(*s));
}

bool mmha_hyst_conf_valid(const struct mmha_hyst_conf *c)
{
    return c->max_lag_ms >= 0 && c->recover_lag_ms >= 0 &&
           c->recover_lag_ms < c->max_lag_ms && c->dwell_ms >= 0;
}

static void set_readable(struct mmha_hyst_state *s, bool readable,
                         int64_t now_us)
{
    if (s->readable != readable) {
        s->readable = readable;
        s->changed_us = now_us;
    }
}

enum mmha_hyst_reason mmha_hyst_step(const struct mmha_hyst_conf *c,
                                     struct mmha_hyst_state *s,
                                     const struct mmha_hyst_input *in,
                                     int64_t *dwell_left_ms)
{
    int64_t left;

    if (dwell_left_ms != NULL) {
        *dwell_left_ms = 0;
    }
    if (!in->replication_ok || !in->lag_known || in->lag_ms > c->max_lag_ms) {
        set_readable(s, false, in->now_us);
        s->good_since_us = 0;
        if (!in->replication_ok) {
            return MMHA_HYST_REPL_BROKEN;
        }
        return in->lag_known ? MMHA_HYST_OVER_MAX : MMHA_HYST_LAG_UNKNOWN;
    }
    if (s->readable) {
        s->good_since_us = 0;
        return MMHA_HYST_OK;
    }
    if (in->lag_ms > c->recover_lag_ms) {
        /* Not good enough to count towards the dwell: start over. */
        s->good_since_us = 0;
        return MMHA_HYST_ABOVE_RECOVER;
    }
    /* A clock that went backwards must not shorten the dwell. */
    if (s->good_since_us == 0 || s->good_since_us > in->now_us) {
        s->good_since_us = in->now_us;
    }
    left = c->dwell_ms - (in->now_us - s->good_since_us) / 1000;
    if (left > 0) {
        if (dwell_left_ms != NULL) {
            *dwell_left_ms = left;
        }
        return MMHA_HYST_DWELL;
    }
    set_readable(s, true, in->now_us);
    s->good_since_us = 0;
    return MMHA_HYST_OK;
}

const char *mmha_hyst_reason_name(enum mmha_hyst_reason r)
{
    switch (r) {
    case MMHA_HYST_OK: return "ok";
    case MMHA_HYST_LAG_UNKNOWN: return "lag_unknown";
    case MMHA_HYST_REPL_BROKEN: return "replication_broken";
    case MMHA_HYST_OVER_MAX: return "lag_over_max";
    case MMHA_HYST_ABOVE_RECOVER: return "lag_above_recover";
    case MMHA_HYST_DWELL: return "dwell";
    }
    return "unknown";
}

int mmha_hyst_format(const struct mmha_hyst_state *s, char *buf, size_t len)
{
    return snprintf(
        buf, len,
        "%s\nreadable=%d\ngood_since_us=%" PRId64 "\nchanged_us=%" PRId64 "\n",
        STATE_MAGIC, s->readable ? 1 : 0, s->good_since_us, s->changed_us);
}

static bool parse_i64(const char *v, int64_t *out)
{
    char *end = NULL;
    long long n;

    errno = 0;
    n = strtoll(v, &end, 10);
    if (v[0] == '\0' || *end != '\0' || errno != 0 || n < 0) {
        return false;
    }
    *out = n;
    return true;
}

static bool parse_into(const char *text, struct mmha_hyst_state *s)
{
    char copy[STATE_MAX];
    char *save = NULL;
    char *line;
    int seen = 0;
    int64_t n;

    mmha_hyst_init(s);
    if (strlen(text) >= sizeof(copy)) {
        return false;
    }
    snprintf(copy, sizeof(copy), "%s", text);
    line = strtok_r(copy, "\n", &save);
    if (line == NULL || strcmp(line, STATE_MAGIC) != 0) {
        return false;
    }
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *eq = strchr(line, '=');

        if (eq == NULL) {
            return false;
        }
        *eq = '\0';
        if (!parse_i64(eq + 1, &n)) {
            return false;
        }
        if (strcmp(line, "readable") == 0 && n <= 1) {
            s->readable = n == 1;
            seen |= 1;
        } else if (strcmp(line, "good_since_us") == 0) {
            s->good_since_us = n;
            seen |= 2;
        } else if (strcmp(line, "changed_us") == 0) {
            s->changed_us = n;
            seen |= 4;
        } else {
            return false;
        }
    }
    return seen == 7;
}

bool mmha_hyst_parse(const char *text, struct mmha_hyst_state *s)
{
    /* All or nothing: a half-read state must not count as a memory. */
    if (!parse_into(text, s)) {
        mmha_hyst_init(s);
        return false;
    }
    return true;
}

int mmha_hyst_load(const char *path, struct mmha_hyst_state *s)
{
    char buf[STATE_MAX];
    size_t n;
    FILE *f;

    mmha_hyst_init(s);
    f = fopen(path, "r");
    if (f == NULL) {
        return errno == ENOENT ? 1 : -1;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return mmha_hyst_parse(buf, s) ? 0 : -1;
}

int mmha_hyst_save(const char *path, const struct mmha_hyst_state *s)
{
    char text[STATE_MAX];

    if (mmha_hyst_format(s, text, sizeof(text)) < 0) {
        return EINVAL;
    }
    return mmha_write_atomic(path, text, 0644);
}
