/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded connections from option files; small query conveniences. */
#include "conn.h"

#include <errmsg.h>
#include <errno.h>
#include <mysqld_error.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"

enum { SQL_MAX = 8192 };

static unsigned int seconds_left(const struct mmha_deadline *d)
{
    int64_t ms = mmha_deadline_left_ms(d);

    if (ms == INT64_MAX || ms > 3600 * 1000) {
        return 3600;
    }
    /* The client library counts whole seconds; round up, at least 1. */
    return ms <= 1000 ? 1 : (unsigned int)((ms + 999) / 1000);
}

int mmha_exit_for_errno(unsigned int err)
{
    switch (err) {
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_PROCACCESS_DENIED_ERROR:
    case ER_KILL_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR: return MMHA_EXIT_NOPERM;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST: return MMHA_EXIT_UNAVAILABLE;
    default: return MMHA_EXIT_ERROR;
    }
}

void mmha_conn_bound(struct mmha_conn *c, const struct mmha_deadline *d)
{
    unsigned int s = seconds_left(d);

    mysql_options(c->my, MYSQL_OPT_READ_TIMEOUT, &s);
    mysql_options(c->my, MYSQL_OPT_WRITE_TIMEOUT, &s);
}

int mmha_connect(struct mmha_conn *c, const struct mmha_conn_opts *o,
                 const struct mmha_deadline *d, char *err, size_t errlen)
{
    unsigned int s = seconds_left(d);
    char version[64];

    memset(c, 0, sizeof(*c));
    if (o->defaults_file != NULL && access(o->defaults_file, R_OK) != 0) {
        snprintf(err, errlen, "--defaults-file %s: cannot read it: %s",
                 o->defaults_file, strerror(errno));
        return MMHA_EXIT_NOINPUT;
    }
    c->my = mysql_init(NULL);
    if (c->my == NULL) {
        snprintf(err, errlen, "out of memory");
        return MMHA_EXIT_OSERR;
    }
    if (o->defaults_file != NULL) {
        mysql_options(c->my, MYSQL_READ_DEFAULT_FILE, o->defaults_file);
        mysql_options(c->my, MYSQL_READ_DEFAULT_GROUP,
                      o->group != NULL ? o->group : "client");
    }
    mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &s);
    mysql_options(c->my, MYSQL_OPT_READ_TIMEOUT, &s);
    mysql_options(c->my, MYSQL_OPT_WRITE_TIMEOUT, &s);
    if (mysql_real_connect(c->my, o->host, o->user, NULL, NULL, o->port,
                           o->socket, 0) == NULL) {
        unsigned int e = mysql_errno(c->my);

        snprintf(err, errlen, "cannot connect to %s: %s",
                 o->host != NULL     ? o->host
                 : o->socket != NULL ? o->socket
                                     : "the server of the option file",
                 mysql_error(c->my));
        mysql_close(c->my);
        c->my = NULL;
        return mmha_exit_for_errno(e);
    }
    c->thread_id = mysql_thread_id(c->my);
    if (mmha_query_value(c, "SELECT VERSION()", version, sizeof(version),
                         NULL) != 0 ||
        !mmha_version_parse(version, &c->version)) {
        snprintf(err, errlen, "cannot read the server version");
        mmha_disconnect(c);
        return MMHA_EXIT_PROTOCOL;
    }
    return MMHA_EXIT_OK;
}

void mmha_disconnect(struct mmha_conn *c)
{
    if (c->my != NULL) {
        mysql_close(c->my);
        c->my = NULL;
    }
}

unsigned int mmha_exec(struct mmha_conn *c, const char *sql)
{
    MYSQL_RES *res;

    if (mysql_query(c->my, sql) != 0) {
        return mysql_errno(c->my);
    }
    /* Drain any result so the connection stays usable. */
    res = mysql_store_result(c->my);
    if (res != NULL) {
        mysql_free_result(res);
    }
    return mysql_errno(c->my);
}

unsigned int mmha_execf(struct mmha_conn *c, const char *fmt, ...)
{
    char sql[SQL_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(sql)) {
        return CR_OUT_OF_MEMORY;
    }
    return mmha_exec(c, sql);
}

unsigned int mmha_query_row(struct mmha_conn *c, const char *sql,
                            struct mmha_row *r)
{
    memset(r, 0, sizeof(*r));
    if (mysql_query(c->my, sql) != 0) {
        return mysql_errno(c->my);
    }
    r->res = mysql_store_result(c->my);
    if (r->res == NULL) {
        return mysql_errno(c->my) != 0 ? mysql_errno(c->my) : CR_NO_DATA;
    }
    r->ncols = mysql_num_fields(r->res);
    r->fields = mysql_fetch_fields(r->res);
    r->row = mysql_fetch_row(r->res);
    return 0;
}

const char *mmha_row_get(const struct mmha_row *r, const char *name)
{
    unsigned int i;

    if (r->row == NULL) {
        return NULL;
    }
    for (i = 0; i < r->ncols; i++) {
        if (strcasecmp(r->fields[i].name, name) == 0) {
            return r->row[i];
        }
    }
    return NULL;
}

bool mmha_row_found(const struct mmha_row *r)
{
    return r->row != NULL;
}

void mmha_row_free(struct mmha_row *r)
{
    if (r->res != NULL) {
        mysql_free_result(r->res);
    }
    memset(r, 0, sizeof(*r));
}

unsigned int mmha_query_value(struct mmha_conn *c, const char *sql, char *buf,
                              size_t len, bool *isnull)
{
    struct mmha_row r;
    unsigned int e = mmha_query_row(c, sql, &r);

    if (len > 0) {
        buf[0] = '\0';
    }
    if (isnull != NULL) {
        *isnull = true;
    }
    if (e != 0) {
        return e;
    }
    if (r.row == NULL || r.ncols == 0) {
        mmha_row_free(&r);
        return CR_NO_DATA;
    }
    if (r.row[0] != NULL) {
        snprintf(buf, len, "%s", r.row[0]);
        if (isnull != NULL) {
            *isnull = false;
        }
    }
    mmha_row_free(&r);
    return 0;
}

void mmha_escape(struct mmha_conn *c, char *buf, size_t len, const char *s)
{
    size_t n = strlen(s);

    if (len < 2 * n + 1) {
        buf[0] = '\0';
        return;
    }
    mysql_real_escape_string(c->my, buf, s, (unsigned long)n);
}
