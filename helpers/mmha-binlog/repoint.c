/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog repoint: move a replica to another source, and put the old
 * one back when the new one does not come up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "change_source.h"
#include "exitcode.h"
#include "log.h"
#include "optfile.h"
#include "position.h"

#include "binlog.h"

enum {
    SETTLE_MS = 500,           /* default of --settle: threads must stay up */
    RESTORE_RESERVE_MS = 2000, /* kept back from repoint for a restore */
    CONNECT_RETRY_S = 1,       /* a replica retries its source this often */
    HEARTBEAT_MS = 1000,       /* an idle source sends a heartbeat this often */
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

/* Both threads up, no error, and still so after settle_ms. */
static int verify_running(struct mmha_conn *c, const struct mmha_deadline *d,
                          int settle_ms, struct mmha_replica_status *r,
                          char *msg, size_t len)
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
            }
            if (mmha_now_us() - up_since >= (int64_t)settle_ms * 1000) {
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
    char err[MSG_MAX];
    int u;
    int p;

    /* The groups libmariadb reads for the same file on a connection. */
    u = mmha_optfile_get("--repl-defaults-file", path, NULL, "user", user, ulen,
                         err, sizeof(err));
    p = u > 1 ? u
              : mmha_optfile_get("--repl-defaults-file", path, NULL, "password",
                                 pw, plen, err, sizeof(err));
    if (u > 1 || p > 1) {
        mmha_err("%s", err);
        return u > 1 ? u : p;
    }
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
 * applied (or its GTID mode) with its domain ignore list, the threads that
 * ran and only those (a writer's IO thread, stopped at its promotion, stays
 * stopped); no source at all when it had none.
 */
static bool restore_source(struct mmha_conn *c,
                           const struct mmha_replica_status *old,
                           const char *old_ignore, char *msg, size_t len)
{
    bool io = old->io_running || old->io_connecting;
    enum mmha_sql start = MMHA_SQL_START_REPLICA;

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
    back.heartbeat_ms = HEARTBEAT_MS;
    back.auto_position =
        old->auto_position ? MMHA_AUTOPOS_ON : MMHA_AUTOPOS_OFF;
    if (!old->auto_position && old->exec_file[0] != '\0') {
        back.log_file = old->exec_file;
        back.log_pos = old->exec_pos;
    }
    back.ignore_domains = old_ignore;
    if (!change_source(c, &back, msg, len)) {
        return false;
    }
    if (io && !old->sql_running) {
        start = MMHA_SQL_START_REPLICA_IO;
    } else if (!io && old->sql_running) {
        start = MMHA_SQL_START_REPLICA_SQL;
    }
    if (io || old->sql_running) {
        mmha_exec(c, mmha_sql_text(v, start));
    }
    return true;
}

/*
 * The new source's own GTID domain (@@GLOBAL.gtid_domain_id), read with
 * the replication account, or with ours without --repl-defaults-file.
 */
static int source_domain(const struct args *a, const char *host,
                         unsigned int port, const struct mmha_deadline *d,
                         unsigned long *domain, char *msg, size_t len)
{
    struct mmha_conn src = {0};
    char buf[32] = "";
    unsigned int e;
    int rc;

    rc = source_connect(a, host, port, d, &src, msg, len);
    if (rc != 0) {
        return rc;
    }
    if (!mmha_has_gtid_domains(&src.version)) {
        snprintf(msg, len, "the source has no GTID domains");
        rc = MMHA_EXIT_UNIMPLEMENTED;
    } else {
        e = read_var(&src, MMHA_VAR_GTID_DOMAIN, buf, sizeof(buf));
        if (e != 0) {
            snprintf(msg, len, "%s", mysql_error(src.my));
            rc = mmha_exit_for_errno(e);
        } else {
            *domain = strtoul(buf, NULL, 10);
        }
    }
    mmha_disconnect(&src);
    return rc;
}

/*
 * A replica counts the GTIDs it skipped in an ignored domain in
 * gtid_slave_pos: once the list no longer holds that domain, they would
 * never be fetched.  So, with the replica stopped, those domains of
 * gtid_slave_pos go back to what its binary log holds (log_slave_updates:
 * everything it applied), and the new source sends the rest.  "dropped" is
 * the domains of the old list that the new one lacks.
 */
static int take_back_skipped(struct mmha_conn *c, const char *dropped,
                             char *msg, size_t len)
{
    char *slave = NULL;
    char *bin = NULL;
    char *pos = NULL;
    char *sql = NULL;
    const char *from[2];
    size_t n = 0;
    int i;
    unsigned int e;
    int rc = MMHA_EXIT_OK;

    if (dropped[0] == '\0') {
        return MMHA_EXIT_OK;
    }
    e = mmha_var_dup(c, MMHA_VAR_GTID_APPLIED, &slave);
    if (e == 0) {
        e = mmha_var_dup(c, MMHA_VAR_GTID_BINLOG, &bin);
    }
    if (e != 0) {
        snprintf(msg, len, "%s", mysql_error(c->my));
        rc = mmha_exit_for_errno(e);
        goto done;
    }
    /* The new position is never longer than both together. */
    pos = calloc(1, strlen(slave) + strlen(bin) + 2);
    if (pos == NULL) {
        snprintf(msg, len, "out of memory");
        rc = MMHA_EXIT_OSERR;
        goto done;
    }
    from[0] = slave;
    from[1] = bin;
    /* The other domains from gtid_slave_pos, the dropped ones from the
     * binary log. */
    for (i = 0; i < 2; i++) {
        const char *p = from[i];

        while (*p != '\0') {
            size_t l = strcspn(p, ",");
            bool mine = domain_list_has(dropped, strtoul(p, NULL, 10));

            if (mine == (i == 1)) {
                if (n > 0) {
                    pos[n++] = ',';
                }
                memcpy(pos + n, p, l);
                n += l;
            }
            p += l;
            p += strspn(p, ", ");
        }
    }
    pos[n] = '\0';
    if (strcmp(pos, slave) == 0) {
        goto done;
    }
    mmha_info("no longer ignoring domains %s: gtid_slave_pos %s -> %s", dropped,
              slave, pos);
    e = mmha_exec(c, mmha_sql_text(&c->version, MMHA_SQL_STOP_REPLICA));
    if (e == 0) {
        /* A GTID position holds digits, '-' and ',' only (read above). */
        if (asprintf(&sql, "SET GLOBAL gtid_slave_pos = '%s'", pos) < 0) {
            sql = NULL;
            e = CR_OUT_OF_MEMORY;
        } else {
            e = mmha_exec(c, sql);
        }
    }
    if (e != 0) {
        snprintf(msg, len, "%s", mysql_error(c->my));
        rc = MMHA_EXIT_ERROR;
    }
done:
    free(slave);
    free(bin);
    free(pos);
    free(sql);
    return rc;
}

/* The domains of list old that list new lacks, into out. */
static void dropped_domains(const char *old, const char *new, char *out,
                            size_t len)
{
    const char *p = old;
    char *end = NULL;
    unsigned long dom;
    size_t n = 0;

    out[0] = '\0';
    while (*p >= '0' && *p <= '9') {
        dom = strtoul(p, &end, 10);
        if (!domain_list_has(new, dom) && n + 12 < len) {
            n += (size_t)snprintf(out + n, len - n, "%s%lu", n > 0 ? "," : "",
                                  dom);
        }
        p = *end == ',' ? end + 1 : end;
    }
}

/* The list to ignore: --ignore-domains and the source's own domain. */
static int ignore_list(const struct args *a, struct mmha_conn *c,
                       const char *host, unsigned int port,
                       const struct mmha_deadline *d, char *list, size_t len)
{
    char name[64];
    char msg[MSG_MAX] = "";
    unsigned long dom = 0;
    size_t n;
    int rc;

    list[0] = '\0';
    if (a->ignore_domains == NULL && !a->ignore_source_domain) {
        return MMHA_EXIT_OK;
    }
    if (!mmha_has_gtid_domains(&c->version)) {
        mmha_err("--ignore-domains, --ignore-source-domain: %s has no GTID "
                 "domains to ignore",
                 mmha_version_name(&c->version, name, sizeof(name)));
        return MMHA_EXIT_UNIMPLEMENTED;
    }
    /* What is skipped can be taken back later only from the binary log. */
    rc = read_var(c, MMHA_VAR_LOG_REPLICA_UPDATES, name, sizeof(name));
    if (rc == 0 && strcmp(name, "0") == 0) {
        mmha_err("--ignore-domains, --ignore-source-domain: need "
                 "log_slave_updates on this server");
        return MMHA_EXIT_CONFIGURED;
    }
    if (a->ignore_domains != NULL) {
        snprintf(list, len, "%s", a->ignore_domains);
    }
    if (a->ignore_source_domain) {
        rc = source_domain(a, host, port, d, &dom, msg, sizeof(msg));
        if (rc != 0) {
            mmha_err("--ignore-source-domain: %s: %s", a->to, msg);
            return rc;
        }
        n = strlen(list);
        if (!domain_list_has(list, dom)) {
            snprintf(list + n, len - n, "%s%lu", n > 0 ? "," : "", dom);
        }
    }
    return MMHA_EXIT_OK;
}

/*
 * --dry-run: what repoint would send, the password masked, and the
 * replica as it is; nothing is changed.
 */
static int dry_run(struct mmha_conn *c, const struct mmha_change_source *cs,
                   const struct mmha_replica_status *old,
                   const char *old_ignore, struct mmha_out *o)
{
    const struct mmha_version *v = &c->version;
    struct mmha_change_source shown = *cs;
    char dropped[DOMAINS_MAX] = "";
    char change[4096];
    const char *stmts[3];

    if (shown.password != NULL) {
        shown.password = "********";
    }
    if (!mmha_change_source_sql(v, &shown, conn_escape, c, change,
                                sizeof(change))) {
        mmha_err("cannot build the CHANGE statement");
        return MMHA_EXIT_SOFTWARE;
    }
    stmts[0] = mmha_sql_text(v, MMHA_SQL_STOP_REPLICA);
    stmts[1] = change;
    stmts[2] = mmha_sql_text(v, MMHA_SQL_START_REPLICA);
    dropped_domains(old_ignore, cs->ignore_domains, dropped, sizeof(dropped));
    mmha_out_str(o, "status", mmha_exit_name(MMHA_EXIT_OK));
    mmha_out_bool(o, "dry_run", true);
    mmha_out_str_list(o, "statements", "statement", stmts, 3);
    /* With --gtid, these domains of gtid_slave_pos would first go back to
     * what the binary log holds. */
    mmha_out_str(o, "domains_taken_back",
                 cs->auto_position == MMHA_AUTOPOS_ON ? dropped : "");
    replica_out(o, "replica", old, old_ignore);
    return MMHA_EXIT_OK;
}

int cmd_repoint(struct args *a, struct mmha_conn *c,
                const struct mmha_deadline *d, struct mmha_out *o)
{
    struct mmha_replica_status old = {0};
    struct mmha_replica_status now = {0};
    struct mmha_change_source cs = {0};
    struct mmha_deadline verify;
    char host[MMHA_NAME_MAX];
    char file[MMHA_NAME_MAX] = "";
    char ignore[DOMAINS_MAX] = "";
    char old_ignore[DOMAINS_MAX] = "";
    char now_ignore[DOMAINS_MAX] = "";
    char dropped[DOMAINS_MAX] = "";
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
    rc = ignore_list(a, c, host, port, d, ignore, sizeof(ignore));
    if (rc != 0) {
        return rc;
    }
    e = mmha_replica_status_read(c, &old);
    if (e == 0) {
        e = read_ignore_domains(c, old_ignore, sizeof(old_ignore));
    }
    if (e != 0) {
        mmha_err("cannot read the replica status: %s", mysql_error(c->my));
        mmha_replica_status_free(&old);
        return mmha_exit_for_errno(e);
    }
    cs.host = host;
    cs.port = port;
    cs.user = a->repl_defaults != NULL ? user : NULL;
    cs.password = a->repl_defaults != NULL ? pw : NULL;
    cs.connect_retry = CONNECT_RETRY_S;
    cs.heartbeat_ms = HEARTBEAT_MS;
    cs.log_file = a->at != NULL ? file : NULL;
    cs.log_pos = pos;
    cs.auto_position = a->gtid_auto ? MMHA_AUTOPOS_ON : MMHA_AUTOPOS_LEAVE;
    /* Set, or cleared: a list left from an earlier source never stays. */
    cs.ignore_domains = ignore;

    if (a->dry_run) {
        rc = dry_run(c, &cs, &old, old_ignore, o);
        mmha_replica_status_free(&old);
        return rc;
    }
    /* Keep time back for putting the old source back if this fails. */
    left = mmha_deadline_left_ms(d);
    mmha_deadline_start(&verify, left > 2 * RESTORE_RESERVE_MS
                                     ? left - RESTORE_RESERVE_MS
                                     : left / 2);
    dropped_domains(old_ignore, ignore, dropped, sizeof(dropped));
    rc = a->gtid_auto ? take_back_skipped(c, dropped, msg, sizeof(msg)) : 0;
    if (rc != 0) {
        /* Put back below; gtid_slave_pos stays as set, and the old
         * channel skips those domains again. */
    } else if (!change_source(c, &cs, msg, sizeof(msg))) {
        rc = MMHA_EXIT_ERROR;
    } else if (a->gtid_auto && (rc = take_back_own(a, c, host, port, &verify,
                                                   msg, sizeof(msg))) != 0) {
        /* Put back below. */
    } else if (mmha_exec(c, mmha_sql_text(&c->version,
                                          MMHA_SQL_START_REPLICA)) != 0) {
        snprintf(msg, sizeof(msg), "%s", mysql_error(c->my));
        rc = MMHA_EXIT_REPLICATION;
    } else {
        rc =
            verify_running(c, &verify, a->settle_set ? a->settle_ms : SETTLE_MS,
                           &now, msg, sizeof(msg));
    }
    if (rc != 0) {
        struct mmha_deadline back;

        /* The reserve kept above; after a stop, as long on its own. */
        if (mmha_stop_signal() != 0) {
            mmha_deadline_cleanup(&back, RESTORE_RESERVE_MS);
        } else {
            back = *d;
        }
        mmha_conn_bound(c, &back);
        restored = restore_source(c, &old, old_ignore, rmsg, sizeof(rmsg));
        if (!restored) {
            mmha_err("could not restore the old source: %s", rmsg);
        }
        mmha_replica_status_read(c, &now);
    }
    read_ignore_domains(c, now_ignore, sizeof(now_ignore));
    if (rc != 0) {
        mmha_err("repoint to %s failed: %s%s", a->to, msg,
                 restored ? " (old source restored)" : "");
    }
    mmha_out_str(o, "status", mmha_exit_name(rc));
    mmha_out_str(o, "to", a->to);
    mmha_out_str(o, "at", a->at != NULL ? a->at : "gtid");
    mmha_out_bool(o, "restored", restored);
    mmha_out_str(o, "error", msg[0] != '\0' ? msg : NULL);
    replica_out(o, "old", &old, old_ignore);
    replica_out(o, "replica", &now, now_ignore);
    mmha_replica_status_free(&old);
    mmha_replica_status_free(&now);
    return rc;
}
