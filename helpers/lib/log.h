/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging through libqb, as Pacemaker does: stderr for a person (or the
 * agent's log), syslog on request. Tools report on stdout; logs explain.
 */
#ifndef MMHA_LOG_H
#define MMHA_LOG_H

#include <qb/qblog.h>
#include <stdbool.h>

/*
 * verbosity 0 shows notices and worse (what a tool did, e.g. each kill),
 * 1 adds info, 2 and more debug.
 */
void mmha_log_init(const char *name, int verbosity, bool to_syslog);
void mmha_log_fini(void);

/* The -v (and -vv, --verbose) on a command line, counted before the
 * options are parsed (the log is set up first). */
int mmha_log_count_verbose(int argc, char **argv);

#define mmha_err(...)    qb_log(LOG_ERR, __VA_ARGS__)
#define mmha_warn(...)   qb_log(LOG_WARNING, __VA_ARGS__)
#define mmha_notice(...) qb_log(LOG_NOTICE, __VA_ARGS__)
#define mmha_info(...)   qb_log(LOG_INFO, __VA_ARGS__)
#define mmha_debug(...)  qb_log(LOG_DEBUG, __VA_ARGS__)

#endif
