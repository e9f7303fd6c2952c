/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqb log set-up shared by every helper. */
#include "log.h"

#include <string.h>
#include <syslog.h>

void mmha_log_init(const char *name, int verbosity, bool to_syslog)
{
    int level = LOG_NOTICE + (verbosity > 2 ? 2 : verbosity);

    qb_log_init(name, LOG_DAEMON, LOG_INFO);
    qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED,
               to_syslog ? QB_TRUE : QB_FALSE);
    qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
    qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
                      level);
    /* One line per message, named, so "tool: what went wrong" reads well. */
    qb_log_format_set(QB_LOG_STDERR, "%N: %b");
    if (to_syslog) {
        qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE,
                          "*", level);
    }
}

void mmha_log_fini(void)
{
    qb_log_fini();
}

int mmha_log_count_verbose(int argc, char **argv)
{
    int n = 0;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
            n++;
        } else if (strcmp(argv[i], "-vv") == 0) {
            n += 2;
        }
    }
    return n;
}
