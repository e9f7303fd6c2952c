/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small reader for [group] key=value option files. */
#include "optfile.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static char *trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) {
        *--e = '\0';
    }
    return s;
}

int mmha_optfile_get(const char *path, const char *group, const char *key,
                     char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    bool in_group = false;
    int rc = 1;

    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *s = trim(line);
        char *eq;
        char *v;
        size_t vl;

        if (s[0] == '#' || s[0] == ';' || s[0] == '\0') {
            continue;
        }
        if (s[0] == '[') {
            char *end = strchr(s, ']');

            if (end != NULL) {
                *end = '\0';
            }
            in_group = strcmp(trim(s + 1), group) == 0;
            continue;
        }
        eq = strchr(s, '=');
        if (!in_group || eq == NULL) {
            continue;
        }
        *eq = '\0';
        if (strcmp(trim(s), key) != 0) {
            continue;
        }
        v = trim(eq + 1);
        vl = strlen(v);
        if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
            v[vl - 1] = '\0';
            v++;
        }
        snprintf(buf, len, "%s", v);
        rc = 0; /* the last occurrence wins, as in the client library */
    }
    fclose(f);
    return rc;
}
