/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the option-file parser (optfile.c) on any text. */
#include "exitcode.h"
#include "optfile.h"

#include "fuzz.h"

static void count(void *ctx, const char *key, const char *value)
{
    size_t *n = ctx;

    /* Touch both strings: a bad pointer shows under ASan. */
    *n += strlen(key) + (value != NULL ? strlen(value) : 0);
}

static int include(void *ctx, const char *kind, const char *path,
                   unsigned int depth)
{
    (void)ctx;
    (void)depth;
    return strlen(kind) + strlen(path) > 0 ? 0 : MMHA_EXIT_CONFIG;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    size_t n = 0;
    struct mmha_optparse p = {"mmha", count, &n,  include,
                              NULL,   0,     err, sizeof(err)};

    mmha_optfile_parse(&p, (const char *)data, size);
    return 0;
}
