/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MySQL connections for the helpers: credentials only from an option file,
 * every network wait bounded by the caller's deadline, the server's dialect
 * detected once at connect.
 */
#ifndef MMHA_CONN_H
#define MMHA_CONN_H

#include <mysql.h>
#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "dialect.h"

struct mmha_conn_opts {
    const char *defaults_file; /* option file with user/password/host */
    const char *group;         /* option group; NULL = [client] only */
    const char *host;          /* overrides the option file when set */
    unsigned int port;
    const char *socket;
    const char *user;
};

struct mmha_conn {
    MYSQL *my;
    struct mmha_version version;
    unsigned long thread_id; /* our own connection id, never to be killed */
};

/* A row of a result, with its column names, for named lookups. */
struct mmha_row {
    MYSQL_RES *res;
    MYSQL_ROW row;
    unsigned int ncols;
    MYSQL_FIELD *fields;
};

/*
 * Connect within the deadline. On failure returns an mmha_exit code and a
 * one-line message in err; on success 0.
 */
int mmha_connect(struct mmha_conn *c, const struct mmha_conn_opts *o,
                 const struct mmha_deadline *d, char *err, size_t errlen);

void mmha_disconnect(struct mmha_conn *c);

/* Shorten the per-read bound to what the deadline leaves (>= 1 s). */
void mmha_conn_bound(struct mmha_conn *c, const struct mmha_deadline *d);

/* The exit code for a client error number (unreachable, denied, ...). */
int mmha_exit_for_errno(unsigned int err);

/* Run a statement that returns no rows; 0 or the server's errno. */
unsigned int mmha_exec(struct mmha_conn *c, const char *sql);

/* printf-style mmha_exec. */
unsigned int mmha_execf(struct mmha_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The first column of the first row into buf ("" for SQL NULL, with *isnull
 * set when isnull is not NULL). 0 or the server's errno; CR_NO_DATA (a
 * client error number) when there is no row.
 */
unsigned int mmha_query_value(struct mmha_conn *c, const char *sql, char *buf,
                              size_t len, bool *isnull);

/* The first row of a result; free with mmha_row_free. 0 or errno. */
unsigned int mmha_query_row(struct mmha_conn *c, const char *sql,
                            struct mmha_row *r);

/* A named column of the row, NULL if absent or SQL NULL. */
const char *mmha_row_get(const struct mmha_row *r, const char *name);

/* Whether the query found a row at all. */
bool mmha_row_found(const struct mmha_row *r);

void mmha_row_free(struct mmha_row *r);

/* Escape a string for a single-quoted SQL literal into buf. */
void mmha_escape(struct mmha_conn *c, char *buf, size_t len, const char *s);

#endif
