/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A very small unit-test harness printing TAP: each CHECK is one test
 * point; the binary exits non-zero if any failed.
 */
#ifndef MMHA_UNIT_H
#define MMHA_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_count;
static int unit_failed;

#define CHECK(cond, name)                                                      \
    do {                                                                       \
        unit_count++;                                                          \
        if (cond) {                                                            \
            printf("ok %d - %s\n", unit_count, (name));                        \
        } else {                                                               \
            unit_failed++;                                                     \
            printf("not ok %d - %s (%s:%d: %s)\n", unit_count, (name),         \
                   __FILE__, __LINE__, #cond);                                 \
        }                                                                      \
    } while (0)

#define CHECK_STR(got, want, name)                                             \
    do {                                                                       \
        const char *g_ = (got);                                                \
        const char *w_ = (want);                                               \
        CHECK(g_ != NULL && strcmp(g_, w_) == 0, name);                        \
        if (g_ == NULL || strcmp(g_, w_) != 0) {                               \
            printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_);       \
        }                                                                      \
    } while (0)

static inline int unit_done(void)
{
    printf("1..%d\n", unit_count);
    return unit_failed == 0 ? 0 : 1;
}

#endif
