/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The option files a connection reads, as the mysql client chooses them:
 *   --defaults-file FILE    FILE alone (the PRIVATE rule, optfile.h);
 *   --no-defaults           none;
 *   otherwise               the client library's default list (libmariadb's
 *                           own, measured on Debian 12): /etc/my.cnf,
 *                           /etc/mysql/my.cnf, $MARIADB_HOME/my.cnf (else
 *                           $MYSQL_HOME/my.cnf), --defaults-extra-file FILE,
 *                           $HOME/.my.cnf; those of the list that exist and
 *                           can be read, FILE always (the SHARED rule).
 * With a defaults_file and an extra_file both (mmha: the resource's file
 * and --defaults-extra-file), the first then the second.
 * The connection reads exactly this list (conn.c hands it to the client
 * library), --print-defaults prints it, and every file of it is checked.
 */
#ifndef MMHA_DEFAULTS_H
#define MMHA_DEFAULTS_H

#include <stddef.h>
#include <stdio.h>

#include "conn.h"
#include "optfile.h"

enum {
    MMHA_DEFAULTS_MAX = 6,
    MMHA_DEFAULTS_PATH_MAX = 4096,
};

struct mmha_defaults_file {
    char path[MMHA_DEFAULTS_PATH_MAX];
    const char *option; /* how messages name it: "--defaults-file", ... */
    enum mmha_optfile_rule rule;
};

struct mmha_defaults {
    struct mmha_defaults_file f[MMHA_DEFAULTS_MAX];
    size_t n;
};

/* The list for o: 0, or MMHA_EXIT_CONFIG with err (a path unusable). */
int mmha_defaults_list(const struct mmha_conn_opts *o, struct mmha_defaults *l,
                       char *err, size_t errlen);

/*
 * Check and read every file of o's list, in order, each option to
 * on_option: 0 or an exit code with err (66, 77, 78) naming the file.
 */
int mmha_defaults_read(const struct mmha_conn_opts *o,
                       mmha_optfile_cb on_option, void *ctx, char *err,
                       size_t errlen);

/*
 * --print-defaults: "TOOL would have been started with the following
 * arguments:" and one line of --key=value, the files' options in order
 * and then the command line's --host, --port, --socket, --user; a secret
 * printed as *****. 0 or an exit code with err (nothing printed).
 */
int mmha_defaults_print(FILE *f, const char *tool,
                        const struct mmha_conn_opts *o, char *err,
                        size_t errlen);

#endif
