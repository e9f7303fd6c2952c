/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a helper reports, in one of three formats:
 *   human  "key: value" lines for a person at a terminal;
 *   shell  KEY=value lines, read with `while IFS== read -r k v` (no eval);
 *   json   one JSON object.
 * Nested objects and lists of objects flatten in shell form to
 * PARENT_KEY / LIST_1_KEY ... LIST_COUNT.
 */
#ifndef MMHA_OUTPUT_H
#define MMHA_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum mmha_format {
    MMHA_FORMAT_HUMAN,
    MMHA_FORMAT_SHELL,
    MMHA_FORMAT_JSON,
};

enum { MMHA_OUT_DEPTH = 8 };

struct mmha_out_level {
    char prefix[128]; /* shell/human key prefix of this level */
    bool is_list;
    int count; /* members written so far */
};

struct mmha_out {
    enum mmha_format format;
    FILE *f;
    int depth;
    struct mmha_out_level level[MMHA_OUT_DEPTH];
};

/* "human", "shell" or "json"; false for anything else. */
bool mmha_format_parse(const char *s, enum mmha_format *f);

void mmha_out_begin(struct mmha_out *o, enum mmha_format format, FILE *f);
void mmha_out_end(struct mmha_out *o);

/*
 * A NULL value is JSON null, empty in shell form, "-" for a person. JSON
 * output is always valid: bytes that are not UTF-8 become U+FFFD, a double
 * that is nan or infinite is null.
 */
void mmha_out_str(struct mmha_out *o, const char *key, const char *value);
void mmha_out_int(struct mmha_out *o, const char *key, long long value);
void mmha_out_bool(struct mmha_out *o, const char *key, bool value);
void mmha_out_double(struct mmha_out *o, const char *key, double value,
                     int decimals);

/*
 * A list of strings: JSON "key":["a","b"]; shell one ITEM_KEY=value line
 * per string (no count line); human one "item_key: value" line each.
 */
void mmha_out_str_list(struct mmha_out *o, const char *key,
                       const char *item_key, const char *const *values,
                       size_t n);

void mmha_out_object_begin(struct mmha_out *o, const char *key);
void mmha_out_list_begin(struct mmha_out *o, const char *key);
/* A list member object (key-less). */
void mmha_out_item_begin(struct mmha_out *o);
/* Ends the innermost object, item or list. */
void mmha_out_close(struct mmha_out *o);

#endif
