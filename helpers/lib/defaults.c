/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The option files of a connection: which, checked, printed (defaults.h). */
#include "defaults.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"

static const char DEFAULT_FILE_OPTION[] = "option file";
static const char EXTRA_FILE_OPTION[] = "--defaults-extra-file";
static const char SECRET_SHOWN[] = "*****";

/* libmariadb's directories, in its order; the home's file comes last. */
static const char *const SYSTEM_DIRS[] = {"/etc", "/etc/mysql"};

/*
 * Add path (dir + name) to l: 0 or MMHA_EXIT_CONFIG. A path the client
 * library cannot be handed in an !include line (a line break, a blank at
 * the end) or too long is refused rather than read differently.
 */
static int add(struct mmha_defaults *l, const char *dir, const char *name,
               const char *option, enum mmha_optfile_rule rule, char *err,
               size_t errlen)
{
    struct mmha_defaults_file *f;
    size_t n;

    if (l->n == MMHA_DEFAULTS_MAX) {
        snprintf(err, errlen, "too many option files");
        return MMHA_EXIT_CONFIG;
    }
    f = &l->f[l->n];
    n = (size_t)snprintf(f->path, sizeof(f->path), "%s%s", dir, name);
    if (n >= sizeof(f->path) || n == 0 || strpbrk(f->path, "\r\n") != NULL ||
        isspace((unsigned char)f->path[n - 1]) != 0) {
        snprintf(err, errlen, "%s %s%s: not a usable path", option, dir, name);
        return MMHA_EXIT_CONFIG;
    }
    f->option = option;
    f->rule = rule;
    l->n++;
    return 0;
}

/* A default file of dir: in the list when the client library reads it. */
static int add_found(struct mmha_defaults *l, const char *dir, const char *name,
                     char *err, size_t errlen)
{
    char path[MMHA_DEFAULTS_PATH_MAX];

    snprintf(path, sizeof(path), "%s%s", dir, name);
    if (access(path, R_OK) != 0) {
        return 0;
    }
    return add(l, dir, name, DEFAULT_FILE_OPTION, MMHA_OPTFILE_SHARED, err,
               errlen);
}

int mmha_defaults_list(const struct mmha_conn_opts *o, struct mmha_defaults *l,
                       char *err, size_t errlen)
{
    const char *home_dir = getenv("MARIADB_HOME");
    const char *home = getenv("HOME");
    size_t i;
    int rc = 0;

    memset(l, 0, sizeof(*l));
    if (o->no_defaults) {
        return 0;
    }
    if (o->defaults_file != NULL) {
        rc = add(l, o->defaults_file, "", "--defaults-file",
                 MMHA_OPTFILE_PRIVATE, err, errlen);
        if (rc == 0 && o->extra_file != NULL) {
            rc = add(l, o->extra_file, "", EXTRA_FILE_OPTION,
                     MMHA_OPTFILE_SHARED, err, errlen);
        }
        return rc;
    }
    if (home_dir == NULL) {
        home_dir = getenv("MYSQL_HOME");
    }
    for (i = 0; i < sizeof(SYSTEM_DIRS) / sizeof(SYSTEM_DIRS[0]) && rc == 0;
         i++) {
        rc = add_found(l, SYSTEM_DIRS[i], "/my.cnf", err, errlen);
    }
    /* libmariadb reads a directory once: MARIADB_HOME=/etc adds nothing. */
    if (rc == 0 && home_dir != NULL && strcmp(home_dir, "/etc") != 0 &&
        strcmp(home_dir, "/etc/mysql") != 0) {
        rc = add_found(l, home_dir, "/my.cnf", err, errlen);
    }
    if (rc == 0 && o->extra_file != NULL) {
        rc = add(l, o->extra_file, "", EXTRA_FILE_OPTION, MMHA_OPTFILE_SHARED,
                 err, errlen);
    }
    if (rc == 0 && home != NULL) {
        rc = add_found(l, home, "/.my.cnf", err, errlen);
    }
    return rc;
}

int mmha_defaults_read(const struct mmha_conn_opts *o,
                       mmha_optfile_cb on_option, void *ctx, char *err,
                       size_t errlen)
{
    struct mmha_defaults l;
    size_t i;
    int rc = mmha_defaults_list(o, &l, err, errlen);

    for (i = 0; i < l.n && rc == 0; i++) {
        mmha_info("option file %s", l.f[i].path);
        rc = mmha_optfile_read_rule(l.f[i].option, l.f[i].path, o->group,
                                    l.f[i].rule, on_option, ctx, err, errlen);
    }
    return rc;
}

/* " --key=value" (or " --key") into the memory stream; secrets hidden. */
static void print_option(void *ctx, const char *key, const char *value)
{
    FILE *f = ctx;

    if (value == NULL) {
        fprintf(f, " --%s", key);
    } else {
        fprintf(f, " --%s=%s", key,
                mmha_optfile_secret(key, value) ? SECRET_SHOWN : value);
    }
}

int mmha_defaults_print(FILE *f, const char *tool,
                        const struct mmha_conn_opts *o, char *err,
                        size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int rc;

    if (m == NULL) {
        snprintf(err, errlen, "out of memory");
        return MMHA_EXIT_OSERR;
    }
    rc = mmha_defaults_read(o, print_option, m, err, errlen);
    if (o->host != NULL) {
        fprintf(m, " --host=%s", o->host);
    }
    if (o->port != 0) {
        fprintf(m, " --port=%u", o->port);
    }
    if (o->socket != NULL) {
        fprintf(m, " --socket=%s", o->socket);
    }
    if (o->user != NULL) {
        fprintf(m, " --user=%s", o->user);
    }
    if (fclose(m) != 0 && rc == 0) {
        snprintf(err, errlen, "out of memory");
        rc = MMHA_EXIT_OSERR;
    }
    if (rc == 0) {
        fprintf(f,
                "%s would have been started with the following "
                "arguments:\n%s\n",
                tool, len > 0 ? text + 1 : "");
    }
    free(text);
    return rc;
}
