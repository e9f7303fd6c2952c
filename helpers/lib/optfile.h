/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading one key of a MySQL option file, for credentials a tool must put
 * into a statement (CHANGE MASTER TO ... PASSWORD) rather than use to log in.
 */
#ifndef MMHA_OPTFILE_H
#define MMHA_OPTFILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The value of key in [group] of path into buf, quotes removed. 0 when
 * found, 1 when absent, -1 when the file cannot be read (errno set).
 */
int mmha_optfile_get(const char *path, const char *group, const char *key,
                     char *buf, size_t len);

#endif
