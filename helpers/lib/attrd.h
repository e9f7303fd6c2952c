/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one publishing path from a helper to Pacemaker: node attributes set
 * with attrd_updater(8), run by fork/exec (no shell), found on PATH (so a
 * test can put a recording stand-in first) and bounded by the deadline.
 */
#ifndef MMHA_ATTRD_H
#define MMHA_ATTRD_H

#include <stddef.h>

#include "deadline.h"

enum { MMHA_ATTRD_ARGV_MAX = 12 };

struct mmha_attrd_call {
    const char *argv[MMHA_ATTRD_ARGV_MAX]; /* NULL-terminated */
    char value[32];
};

/*
 * Build "attrd_updater -n NAME -U VALUE [-d DAMPEN] [-N NODE]", or with
 * value NULL "attrd_updater -n NAME -D [-N NODE]" (delete). name, dampen
 * and node must outlive the call.
 */
void mmha_attrd_build(struct mmha_attrd_call *call, const char *name,
                      const char *value, const char *dampen, const char *node);

/*
 * Run argv[0] from PATH with its stdout sent to our stderr (our stdout is
 * the report). Returns its exit status, 127 if it could not be run, or
 * 124 when the deadline passed (the child is then killed and reaped).
 */
int mmha_run_argv(const char *const *argv, const struct mmha_deadline *d);

#endif
