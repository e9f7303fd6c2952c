/*
 * mmha-binlog repoint: move a replica to another source, and put the old
 * one back when the new one does not come up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "change_source.h"
#include "exitcode.h"
#include "log.h"
#include "optfile.h"
#include "position.h"

#include "binlog.h"

enum {
    SETTLE_MS = 500,           /* threads must stay up this long on repoint */
    RESTORE_RESERVE_MS = 2000, /* kept back from repoint for a restore */
    CONNECT_RETRY_S = 1,       /* a replica retries its source this often */
};

static void conn_escape(void *ctx, char *buf, size_t len, const char *s)
{
    mmha_escape(ctx, buf, len, s);
}

static bool change_source(struct mmha_conn *c,
                          const struct mmha_change_source *cs, char *msg,
                          size_t len)
{
    const struct mmha_version *v = &c->version;
    char sql[4096];
    unsigned int e;

    if (!mmha_change_source_sql(v, cs, conn_escape, c, sql, sizeof(sql))) {
        snprintf(msg, len, "cannot build the CHANGE statement");
        return false;
    }
    e = mmha_exec(c, mmha_sql_text(v, MMHA_SQL_STOP_REPLICA));
    if (e == 0) {
        e = mmha_exec(c, sql);
    }
    if (e != 0) {
        snprintf(msg, len, "%s", mysql_error(c->my));
        return false;
    }
    return true;
}

/* Both threads up, no error, and still so after SETTLE_MS. */
static int verify_running(struct mmha_conn *c, const struct mmha_deadline *d,
                          struct mmha_replica_status *r, char *msg, size_t len)
{
    int64_t up_since = 0;
    unsigned int e;

    for (;;) {
        e = mmha_replica_status_read(c, r);
        if (e != 0) {
            snprintf(msg, len, "%s", mysql_error(c->my));
            return mmha_exit_for_errno(e);
        }
        /* Connecting with an error is a retry: it may still succeed. */
        if (r->last_io_errno != 0 && !r->io_running && !r->io_connecting) {
            snprintf(msg, len, "replication IO error %u: %s", r->last_io_errno,
                     r->last_io_error);
            return MMHA_EXIT_REPLICATION;
        }
        if (r->last_sql_errno != 0) {
            snprintf(msg, len, "replication SQL error %u: %s",
                     r->last_sql_errno, r->last_sql_error);
            return MMHA_EXIT_REPLICATION;
        }
        if (r->io_running && r->sql_running) {
            if (up_since == 0) {
                up_since = mmha_now_us();
            } else if (mmha_now_us() - up_since >= SETTLE_MS * 1000) {
                return MMHA_EXIT_OK;
            }
        } else {
            up_since = 0;
        }
        if (mmha_deadline_passed(d)) {
            snprintf(msg, len,
                     "replication threads not running within --timeout "
                     "(IO %s, SQL %s)%s%.900s",
                     r->io_running      ? "yes"
                     : r->io_connecting ? "connecting"
                                        : "no",
                     r->sql_running ? "yes" : "no",
                     r->last_io_errno != 0 ? ": " : "", r->last_io_error);
            return MMHA_EXIT_DEADLINE;
        }
        mmha_deadline_sleep_ms(d, POLL_MS);
    }
}

static int read_repl_credentials(const char *path, char *user, size_t ulen,
                                 char *pw, size_t plen)
{
    int u;
    int p;

    if (access(path, R_OK) != 0) {
        mmha_err("--repl-defaults-file %s: cannot read it: %s", path,
                 strerror(errno));
        return MMHA_EXIT_NOINPUT;
    }
    u = mmha_optfile_get(path, "client", "user", user, ulen);
    p = mmha_optfile_get(path, "client", "password", pw, plen);
    if (u != 0 || p != 0) {
        mmha_err("--repl-defaults-file %s: needs user and password in "
                 "[client]",
                 path);
        return MMHA_EXIT_CONFIG;
    }
    return MMHA_EXIT_OK;
}

/*
 * Put back what the replica had: its old source at the position it had
 * applied (or its GTID mode), threads as they were; no source at all when
 * it had none.
 */
static bool restore_source(struct mmha_conn *c,
                           const struct mmha_replica_status *old, char *msg,
                           size_t len)
{
    const struct mmha_version *v = &c->version;
    struct mmha_change_source back = {0};

    if (!old->configured) {
        if (mmha_exec(c, mmha_sql_text(v, MMHA_SQL_STOP_REPLICA)) != 0 ||
            mmha_exec(c, mmha_sql_text(v, MMHA_SQL_RESET_REPLICA_ALL)) != 0) {
            snprintf(msg, len, "%s", mysql_error(c->my));
            return false;
        }
        return true;
    }
    back.host = old->source_host;
    back.port = old->source_port;
    back.connect_retry = CONNECT_RETRY_S;
    back.auto_position =
        old->auto_position ? MMHA_AUTOPOS_ON : MMHA_AUTOPOS_OFF;
    if (!old->auto_position && old->exec_file[0] != '\0') {
        back.log_file = old->exec_file;
        back.log_pos = old->exec_pos;
    }
    if (!change_source(c, &back, msg, len)) {
        return false;
    }
    if (old->io_running || old->io_connecting || old->sql_running) {
        mmha_exec(c, mmha_sql_text(v, MMHA_SQL_START_REPLICA));
    }
    return true;
}

int cmd_repoint(struct args *a, struct mmha_conn *c,
                const struct mmha_deadline *d, struct mmha_out *o)
{
    struct mmha_replica_status old;
    struct mmha_replica_status now;
    struct mmha_change_source cs = {0};
    struct mmha_deadline verify;
    char host[MMHA_NAME_MAX];
    char file[MMHA_NAME_MAX] = "";
    char user[128] = "";
    char pw[256] = "";
    char msg[MSG_MAX] = "";
    char rmsg[MSG_MAX] = "";
    unsigned int port = 0;
    uint64_t pos = 0;
    int64_t left;
    bool restored = false;
    int rc;
    unsigned int e;

    memset(&now, 0, sizeof(now));
    mmha_parse_host_port(a->to, host, sizeof(host), &port);
    if (a->at != NULL) {
        mmha_parse_binlog_pos(a->at, file, sizeof(file), &pos);
    }
    if (a->repl_defaults != NULL) {
        rc = read_repl_credentials(a->repl_defaults, user, sizeof(user), pw,
                                   sizeof(pw));
        if (rc != 0) {
            return rc;
        }
    }
    e = mmha_replica_status_read(c, &old);
    if (e != 0) {
        mmha_err("cannot read the replica status: %s", mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    cs.host = host;
    cs.port = port;
    cs.user = a->repl_defaults != NULL ? user : NULL;
    cs.password = a->repl_defaults != NULL ? pw : NULL;
    cs.connect_retry = CONNECT_RETRY_S;
    cs.log_file = a->at != NULL ? file : NULL;
    cs.log_pos = pos;
    cs.auto_position = a->gtid_auto ? MMHA_AUTOPOS_ON : MMHA_AUTOPOS_LEAVE;

    /* Keep time back for putting the old source back if this fails. */
    left = mmha_deadline_left_ms(d);
    mmha_deadline_start(&verify, left > 2 * RESTORE_RESERVE_MS
                                     ? left - RESTORE_RESERVE_MS
                                     : left / 2);
    if (!change_source(c, &cs, msg, sizeof(msg))) {
        rc = MMHA_EXIT_ERROR;
    } else if (mmha_exec(c, mmha_sql_text(&c->version,
                                          MMHA_SQL_START_REPLICA)) != 0) {
        snprintf(msg, sizeof(msg), "%s", mysql_error(c->my));
        rc = MMHA_EXIT_REPLICATION;
    } else {
        rc = verify_running(c, &verify, &now, msg, sizeof(msg));
    }
    if (rc != 0) {
        mmha_conn_bound(c, d);
        restored = restore_source(c, &old, rmsg, sizeof(rmsg));
        if (!restored) {
            mmha_err("could not restore the old source: %s", rmsg);
        }
        mmha_replica_status_read(c, &now);
    }
    if (rc != 0) {
        mmha_err("repoint to %s failed: %s%s", a->to, msg,
                 restored ? " (old source restored)" : "");
    }
    mmha_out_str(o, "status", mmha_exit_name(rc));
    mmha_out_str(o, "to", a->to);
    mmha_out_str(o, "at", a->at != NULL ? a->at : "gtid");
    mmha_out_bool(o, "restored", restored);
    mmha_out_str(o, "error", msg[0] != '\0' ? msg : NULL);
    mmha_replica_status_out(o, "old", &old);
    mmha_replica_status_out(o, "replica", &now);
    return rc;
}
