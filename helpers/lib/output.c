/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The three output formats behind one small writer interface. */
#include "output.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

bool mmha_format_parse(const char *s, enum mmha_format *f)
{
    if (strcmp(s, "human") == 0) {
        *f = MMHA_FORMAT_HUMAN;
    } else if (strcmp(s, "shell") == 0) {
        *f = MMHA_FORMAT_SHELL;
    } else if (strcmp(s, "json") == 0) {
        *f = MMHA_FORMAT_JSON;
    } else {
        return false;
    }
    return true;
}

/*
 * Length of the well-formed UTF-8 sequence at s (1 to 4), 0 when it is not
 * one (a stray byte, an overlong form, a surrogate, past U+10FFFF).
 */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    unsigned long cp;
    size_t n;
    size_t i;

    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0; /* also stops at the NUL */
        }
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return n;
}

/* A JSON string: always valid, a byte that is not UTF-8 becomes U+FFFD. */
static void json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    while (*p != '\0') {
        size_t n = utf8_len(p);

        if (n == 0) {
            fputs("\\ufffd", f);
            p++;
        } else if (n > 1) {
            fwrite(p, 1, n, f);
            p += n;
        } else {
            if (*p == '"' || *p == '\\') {
                fprintf(f, "\\%c", *p);
            } else if (*p == '\n') {
                fputs("\\n", f);
            } else if (*p == '\t') {
                fputs("\\t", f);
            } else if (*p < 0x20) {
                fprintf(f, "\\u%04x", *p);
            } else {
                fputc(*p, f);
            }
            p++;
        }
    }
    fputc('"', f);
}

/* Shell values stay on one line: a newline becomes the two characters \n. */
static void shell_value(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\n') {
            fputs("\\n", f);
        } else if (*s != '\r') {
            fputc(*s, f);
        }
    }
}

static struct mmha_out_level *top(struct mmha_out *o)
{
    return &o->level[o->depth];
}

/* PREFIX + KEY in upper case with shell-safe characters. */
static void shell_key(const char *prefix, const char *key, char *buf,
                      size_t len)
{
    size_t i;

    snprintf(buf, len, "%s%s", prefix, key);
    for (i = 0; buf[i] != '\0'; i++) {
        buf[i] = (char)toupper((unsigned char)buf[i]);
        if (buf[i] == '-' || buf[i] == '.') {
            buf[i] = '_';
        }
    }
}

/* The full key of a member of the current level, in shell or human form. */
static void full_key(struct mmha_out *o, const char *key, char *buf, size_t len)
{
    if (o->format == MMHA_FORMAT_SHELL) {
        shell_key(top(o)->prefix, key, buf, len);
    } else {
        snprintf(buf, len, "%s%s", top(o)->prefix, key);
    }
}

/* JSON: a comma between members, the key unless in a list. */
static void json_member(struct mmha_out *o, const char *key)
{
    struct mmha_out_level *l = top(o);

    if (l->count > 0) {
        fputc(',', o->f);
    }
    if (!l->is_list && key != NULL) {
        json_string(o->f, key);
        fputc(':', o->f);
    }
}

void mmha_out_begin(struct mmha_out *o, enum mmha_format format, FILE *f)
{
    memset(o, 0, sizeof(*o));
    o->format = format;
    o->f = f;
    if (format == MMHA_FORMAT_JSON) {
        fputc('{', f);
    }
}

void mmha_out_end(struct mmha_out *o)
{
    while (o->depth > 0) {
        mmha_out_close(o);
    }
    if (o->format == MMHA_FORMAT_JSON) {
        fputs("}\n", o->f);
    }
    fflush(o->f);
}

static void scalar(struct mmha_out *o, const char *key, const char *json,
                   const char *text)
{
    char k[256];

    switch (o->format) {
    case MMHA_FORMAT_JSON:
        json_member(o, key);
        if (json != NULL) {
            fputs(json, o->f);
        } else if (text != NULL) {
            json_string(o->f, text);
        } else {
            fputs("null", o->f);
        }
        break;
    case MMHA_FORMAT_SHELL:
        full_key(o, key, k, sizeof(k));
        fprintf(o->f, "%s=", k);
        shell_value(o->f, text != NULL ? text : "");
        fputc('\n', o->f);
        break;
    case MMHA_FORMAT_HUMAN:
    default:
        full_key(o, key, k, sizeof(k));
        fprintf(o->f, "%s: %s\n", k, text != NULL ? text : "-");
        break;
    }
    top(o)->count++;
}

void mmha_out_str(struct mmha_out *o, const char *key, const char *value)
{
    scalar(o, key, NULL, value);
}

void mmha_out_int(struct mmha_out *o, const char *key, long long value)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%lld", value);
    scalar(o, key, buf, buf);
}

void mmha_out_bool(struct mmha_out *o, const char *key, bool value)
{
    /* Shell and human forms use 1/0 so `[ "$X" = 1 ]` works. */
    scalar(o, key, value ? "true" : "false", value ? "1" : "0");
}

void mmha_out_double(struct mmha_out *o, const char *key, double value,
                     int decimals)
{
    char buf[64];

    if (isnan(value) || isinf(value)) {
        scalar(o, key, NULL, NULL); /* JSON has no nan: null */
        return;
    }
    snprintf(buf, sizeof(buf), "%.*f", decimals, value);
    scalar(o, key, buf, buf);
}

void mmha_out_str_list(struct mmha_out *o, const char *key,
                       const char *item_key, const char *const *values,
                       size_t n)
{
    size_t i;

    if (o->format != MMHA_FORMAT_JSON) {
        for (i = 0; i < n; i++) {
            scalar(o, item_key, NULL, values[i]);
        }
        return;
    }
    json_member(o, key);
    fputc('[', o->f);
    for (i = 0; i < n; i++) {
        if (i > 0) {
            fputc(',', o->f);
        }
        json_string(o->f, values[i] != NULL ? values[i] : "");
    }
    fputc(']', o->f);
    top(o)->count++;
}

static void push(struct mmha_out *o, const char *key, bool is_list)
{
    struct mmha_out_level *parent = top(o);
    struct mmha_out_level *l;
    const char *sep = o->format == MMHA_FORMAT_HUMAN ? "." : "_";
    int plen = (int)strlen(parent->prefix);
    char prefix[sizeof(parent->prefix)];

    if (o->format == MMHA_FORMAT_JSON) {
        json_member(o, key);
        fputc(is_list ? '[' : '{', o->f);
    }
    parent->count++;
    if (o->depth + 1 >= MMHA_OUT_DEPTH) {
        return; /* deeper nesting is a programming error; stay flat */
    }
    o->depth++;
    l = top(o);
    memset(l, 0, sizeof(*l));
    l->is_list = is_list;
    if (key != NULL) {
        snprintf(prefix, sizeof(prefix), "%.100s%s%s", parent->prefix, key,
                 sep);
    } else if (o->format == MMHA_FORMAT_HUMAN) {
        /* list items read as kills[1].id */
        snprintf(prefix, sizeof(prefix), "%.*s[%d].", plen > 0 ? plen - 1 : 0,
                 parent->prefix, parent->count);
    } else {
        snprintf(prefix, sizeof(prefix), "%.100s%d_", parent->prefix,
                 parent->count);
    }
    memcpy(l->prefix, prefix, sizeof(l->prefix));
}

void mmha_out_object_begin(struct mmha_out *o, const char *key)
{
    push(o, key, false);
}

void mmha_out_list_begin(struct mmha_out *o, const char *key)
{
    push(o, key, true);
}

void mmha_out_item_begin(struct mmha_out *o)
{
    push(o, NULL, false);
}

void mmha_out_close(struct mmha_out *o)
{
    struct mmha_out_level *l = top(o);

    if (o->depth == 0) {
        return;
    }
    if (o->format == MMHA_FORMAT_JSON) {
        fputc(l->is_list ? ']' : '}', o->f);
    } else if (l->is_list && o->format == MMHA_FORMAT_SHELL) {
        char k[160];

        /* Lists announce their length so a reader knows where to stop. */
        shell_key(l->prefix, "COUNT", k, sizeof(k));
        fprintf(o->f, "%s=%d\n", k, l->count);
    }
    o->depth--;
}
