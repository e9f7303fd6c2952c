/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading binlog and replica positions through the dialect table. */
#include "position.h"

#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessions.h"

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

static uint64_t to_u64(const char *s)
{
    return s != NULL ? strtoull(s, NULL, 10) : 0;
}

unsigned int mmha_query_dup(struct mmha_conn *c, const char *sql, char **out)
{
    struct mmha_row r;
    unsigned long *len;
    unsigned int e;

    free(*out);
    *out = NULL;
    e = mmha_query_row(c, sql, &r);
    if (e == 0 && r.row != NULL && r.ncols > 0 && r.row[0] != NULL) {
        len = mysql_fetch_lengths(r.res);
        *out = calloc(1, len[0] + 1);
        if (*out != NULL) {
            memcpy(*out, r.row[0], len[0]);
        }
    } else {
        *out = calloc(1, 1);
    }
    mmha_row_free(&r);
    if (e == 0 && *out == NULL) {
        e = CR_OUT_OF_MEMORY;
    }
    return e;
}

unsigned int mmha_var_dup(struct mmha_conn *c, enum mmha_sql key, char **out)
{
    const char *var = mmha_sql_text(&c->version, key);
    char sql[128];

    if (var[0] == '\0') {
        free(*out);
        *out = calloc(1, 1);
        return *out != NULL ? 0 : CR_OUT_OF_MEMORY;
    }
    snprintf(sql, sizeof(sql), "SELECT %s", var);
    return mmha_query_dup(c, sql, out);
}

static unsigned int read_var(struct mmha_conn *c, enum mmha_sql key, char *buf,
                             size_t len)
{
    const char *var = mmha_sql_text(&c->version, key);
    char sql[128];

    buf[0] = '\0';
    if (var[0] == '\0') {
        return 0;
    }
    snprintf(sql, sizeof(sql), "SELECT %s", var);
    return mmha_query_value(c, sql, buf, len, NULL);
}

void mmha_binlog_pos_free(struct mmha_binlog_pos *p)
{
    free(p->gtid_binlog);
    free(p->gtid_current);
    p->gtid_binlog = NULL;
    p->gtid_current = NULL;
}

void mmha_replica_status_free(struct mmha_replica_status *r)
{
    free(r->gtid_applied);
    r->gtid_applied = NULL;
}

unsigned int mmha_binlog_pos_read(struct mmha_conn *c,
                                  struct mmha_binlog_pos *p)
{
    struct mmha_row r;
    unsigned int e;
    char buf[64];

    mmha_binlog_pos_free(p);
    memset(p, 0, sizeof(*p));
    e = mmha_query_row(
        c, mmha_sql_text(&c->version, MMHA_SQL_SHOW_BINLOG_STATUS), &r);
    if (e != 0) {
        return e;
    }
    p->binlog_on = mmha_row_found(&r);
    copy(p->file, sizeof(p->file), mmha_row_get(&r, "File"));
    p->pos = to_u64(mmha_row_get(&r, "Position"));
    mmha_row_free(&r);

    e = mmha_var_dup(c, MMHA_VAR_GTID_BINLOG, &p->gtid_binlog);
    if (e == 0 && c->version.flavour == MMHA_FLAVOUR_MARIADB) {
        e = mmha_var_dup(c, MMHA_VAR_GTID_CURRENT, &p->gtid_current);
    } else if (e == 0) {
        p->gtid_current = calloc(1, 1);
        e = p->gtid_current != NULL ? 0 : CR_OUT_OF_MEMORY;
    }
    if (e == 0) {
        e = read_var(c, MMHA_VAR_SERVER_UUID, p->server_uuid,
                     sizeof(p->server_uuid));
    }
    if (e == 0) {
        e = mmha_query_value(c, "SELECT @@GLOBAL.server_id", buf, sizeof(buf),
                             NULL);
        p->server_id = strtoul(buf, NULL, 10);
    }
    if (e == 0) {
        e = mmha_query_value(c, "SELECT @@GLOBAL.read_only", buf, sizeof(buf),
                             NULL);
        p->read_only = strcmp(buf, "1") == 0;
    }
    if (e == 0 && mmha_has_super_read_only(&c->version)) {
        e = mmha_query_value(c, "SELECT @@GLOBAL.super_read_only", buf,
                             sizeof(buf), NULL);
        p->super_read_only = strcmp(buf, "1") == 0;
    }
    return e;
}

unsigned int mmha_replica_status_read(struct mmha_conn *c,
                                      struct mmha_replica_status *r)
{
    const struct mmha_version *v = &c->version;
    struct mmha_row row;
    const char *s;
    unsigned int e;

    mmha_replica_status_free(r);
    memset(r, 0, sizeof(*r));
    e = mmha_query_row(c, mmha_sql_text(v, MMHA_SQL_SHOW_REPLICA_STATUS), &row);
    if (e != 0) {
        return e;
    }
    r->configured = mmha_row_found(&row);
    if (r->configured) {
        copy(r->source_host, sizeof(r->source_host),
             mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_SOURCE_HOST)));
        r->source_port = (unsigned int)to_u64(
            mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_SOURCE_PORT)));
        s = mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_IO_RUNNING));
        r->io_running = s != NULL && strcmp(s, "Yes") == 0;
        r->io_connecting = s != NULL && strcmp(s, "Connecting") == 0;
        s = mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_SQL_RUNNING));
        r->sql_running = s != NULL && strcmp(s, "Yes") == 0;
        copy(r->read_file, sizeof(r->read_file),
             mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_READ_FILE)));
        r->read_pos =
            to_u64(mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_READ_POS)));
        copy(r->exec_file, sizeof(r->exec_file),
             mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_EXEC_FILE)));
        r->exec_pos =
            to_u64(mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_EXEC_POS)));
        s = mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_SECONDS_BEHIND));
        r->seconds_behind_null = s == NULL;
        r->seconds_behind = s != NULL ? strtoll(s, NULL, 10) : 0;
        r->last_io_errno = (unsigned int)to_u64(
            mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_LAST_IO_ERRNO)));
        copy(r->last_io_error, sizeof(r->last_io_error),
             mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_LAST_IO_ERROR)));
        r->last_sql_errno = (unsigned int)to_u64(
            mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_LAST_SQL_ERRNO)));
        copy(r->last_sql_error, sizeof(r->last_sql_error),
             mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_LAST_SQL_ERROR)));
        /* It quotes the failed statement, secrets and all. */
        mmha_error_mask(r->last_sql_error, sizeof(r->last_sql_error));
        s = mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_AUTO_POSITION));
        /* MariaDB: Using_Gtid is No/Slave_Pos/Current_Pos; MySQL: 0/1. */
        r->auto_position =
            s != NULL && strcmp(s, "No") != 0 && strcmp(s, "0") != 0;
        r->relay_log_space = to_u64(
            mmha_row_get(&row, mmha_sql_text(v, MMHA_COL_RELAY_LOG_SPACE)));
    }
    mmha_row_free(&row);
    return mmha_var_dup(c, MMHA_VAR_GTID_APPLIED, &r->gtid_applied);
}

void mmha_binlog_pos_out(struct mmha_out *o, const char *key,
                         const struct mmha_binlog_pos *p)
{
    if (key != NULL) {
        mmha_out_object_begin(o, key);
    }
    mmha_out_str(o, "binlog_file", p->binlog_on ? p->file : NULL);
    mmha_out_int(o, "binlog_pos", (long long)p->pos);
    mmha_out_str(o, "gtid_binlog",
                 p->gtid_binlog != NULL ? p->gtid_binlog : "");
    mmha_out_str(o, "gtid_current",
                 p->gtid_current != NULL ? p->gtid_current : "");
    mmha_out_int(o, "server_id", (long long)p->server_id);
    mmha_out_str(o, "server_uuid", p->server_uuid);
    mmha_out_bool(o, "read_only", p->read_only);
    mmha_out_bool(o, "super_read_only", p->super_read_only);
    if (key != NULL) {
        mmha_out_close(o);
    }
}

void mmha_replica_status_out(struct mmha_out *o, const char *key,
                             const struct mmha_replica_status *r)
{
    if (key != NULL) {
        mmha_out_object_begin(o, key);
    }
    mmha_out_bool(o, "configured", r->configured);
    mmha_out_str(o, "source_host", r->source_host);
    mmha_out_int(o, "source_port", r->source_port);
    mmha_out_str(o, "io_running",
                 r->io_running      ? "yes"
                 : r->io_connecting ? "connecting"
                                    : "no");
    mmha_out_str(o, "sql_running", r->sql_running ? "yes" : "no");
    mmha_out_str(o, "read_file", r->read_file);
    mmha_out_int(o, "read_pos", (long long)r->read_pos);
    mmha_out_str(o, "exec_file", r->exec_file);
    mmha_out_int(o, "exec_pos", (long long)r->exec_pos);
    if (r->seconds_behind_null) {
        mmha_out_str(o, "seconds_behind", NULL);
    } else {
        mmha_out_int(o, "seconds_behind", r->seconds_behind);
    }
    mmha_out_int(o, "last_io_errno", r->last_io_errno);
    mmha_out_str(o, "last_io_error", r->last_io_error);
    mmha_out_int(o, "last_sql_errno", r->last_sql_errno);
    mmha_out_str(o, "last_sql_error", r->last_sql_error);
    mmha_out_bool(o, "auto_position", r->auto_position);
    mmha_out_str(o, "gtid_applied",
                 r->gtid_applied != NULL ? r->gtid_applied : "");
    mmha_out_int(o, "relay_log_space", (long long)r->relay_log_space);
    if (key != NULL) {
        mmha_out_close(o);
    }
}
