/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MySQL connections for the helpers: credentials only from option files
 * (defaults.h says which),
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
    const char *defaults_file; /* the only option file; NULL: the defaults */
    const char *extra_file;    /* --defaults-extra-file */
    bool no_defaults;          /* --no-defaults: no option file at all */
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
 *
 * Every wait of the client library on the connection's socket (TCP connect,
 * handshake, each read and write of each statement) goes through one poll
 * bounded, to the millisecond, by the deadline given here or later to
 * mmha_conn_bound: a silent, stopped or trickling peer cannot stretch a
 * call past it. A wait cut that way fails with CR_SERVER_LOST and leaves
 * the connection closed; mmha_exit_for_errno then gives
 * MMHA_EXIT_DEADLINE.
 */
int mmha_connect(struct mmha_conn *c, const struct mmha_conn_opts *o,
                 const struct mmha_deadline *d, char *err, size_t errlen);

void mmha_disconnect(struct mmha_conn *c);

/* Bound every later wait on c by d instead (a later or a cleanup one). */
void mmha_conn_bound(struct mmha_conn *c, const struct mmha_deadline *d);

/* Whether a wait on c was cut by its bound (the deadline or a stop). */
bool mmha_conn_cut(const struct mmha_conn *c);

/*
 * The exit code for a client error number (unreachable, denied, ...):
 * MMHA_EXIT_DEADLINE for a lost connection when this thread's last cut
 * wait was cut by a bound.
 */
int mmha_exit_for_errno(unsigned int err);

/*
 * KILL QUERY id on a fresh connection of its own, within ms (a cleanup
 * bound, not cut by a stop): ends a server-side wait whose own connection
 * was cut. 0 or the error number.
 */
unsigned int mmha_kill_query_aside(const struct mmha_conn_opts *o,
                                   unsigned long long id, int64_t ms);

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
