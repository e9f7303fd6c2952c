/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * repoint --gtid on MariaDB: this server's own transactions that the new
 * source holds and this binary log lacks are fetched before the channel
 * starts for good. A former writer can lack them: MariaDB truncates an
 * unacknowledged tail at crash recovery (--init-rpl-role=SLAVE with
 * semi-sync, MDEV-21117) although a reader may have received it, and
 * sync_binlog=0 can lose a tail a reader has. The IO thread drops events
 * that carry its own server_id and counts them as applied in
 * gtid_slave_pos, so they would never come back. For the fetch the server
 * runs under a temporary server_id; the real one is always put back.
 *
 * Copyright the mmha contributors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "exitcode.h"
#include "log.h"

/* The source's position is read within this much. */
#define CHECK_MAX_MS 2000

/* No server of a topology the agents build has it (ids are small). */
#define TEMP_SERVER_ID(id) (4294967295UL - (id))

/* The new source's gtid_binlog_pos, with the replication account. */
static int source_binlog_pos(const struct args *a, const char *host,
                             unsigned int port, const struct mmha_deadline *d,
                             char **pos, char *msg, size_t len)
{
    struct mmha_conn src = {0};
    unsigned int e;
    int rc;

    rc = source_connect(a, host, port, d, &src, msg, len);
    if (rc != 0) {
        return rc;
    }
    e = mmha_var_dup(&src, MMHA_VAR_GTID_BINLOG, pos);
    if (e != 0) {
        snprintf(msg, len, "%s", mysql_error(src.my));
        rc = mmha_exit_for_errno(e);
    }
    mmha_disconnect(&src);
    return rc;
}

/*
 * The domains whose newest GTID on the source is this server's and is not
 * in its binary log, as a position taken from the binary log for them and
 * from gtid_slave_pos for the others: what the fetch starts from. NULL in
 * *from when nothing is missing.
 */
static bool missing_own(const char *source, const char *binlog,
                        const char *slave, unsigned long server_id, char **from,
                        char *msg, size_t len)
{
    struct mmha_gtid_set s, b, sl, out;
    bool ok = true;
    bool any = false;
    size_t i;

    *from = NULL;
    /* All freeable from here on, whichever parse fails. */
    mmha_gtid_init(&s, MMHA_GTID_MARIADB);
    mmha_gtid_init(&b, MMHA_GTID_MARIADB);
    mmha_gtid_init(&sl, MMHA_GTID_MARIADB);
    mmha_gtid_init(&out, MMHA_GTID_MARIADB);
    if (!mmha_gtid_parse(&s, MMHA_GTID_MARIADB, source, msg, len) ||
        !mmha_gtid_parse(&b, MMHA_GTID_MARIADB, binlog, msg, len) ||
        !mmha_gtid_parse(&sl, MMHA_GTID_MARIADB, slave, msg, len)) {
        mmha_gtid_free(&s);
        mmha_gtid_free(&b);
        return false;
    }
    for (i = 0; ok && i < s.n; i++) {
        const struct mmha_gtid_source *x = &s.src[i];
        struct mmha_gtid_set one;

        if (x->server_id != server_id || x->n == 0) {
            continue;
        }
        mmha_gtid_init(&one, MMHA_GTID_MARIADB);
        ok = mmha_gtid_add(&one, "", x->domain, x->server_id,
                           x->iv[x->n - 1].last, x->iv[x->n - 1].last);
        any = any || (ok && !mmha_gtid_contains(&b, &one));
        mmha_gtid_free(&one);
    }
    /* From: each domain of the binary log, then gtid_slave_pos's others. */
    for (i = 0; ok && any && i < b.n; i++) {
        const struct mmha_gtid_source *x = &b.src[i];

        ok = x->n == 0 || mmha_gtid_add(&out, "", x->domain, x->server_id, 1,
                                        x->iv[x->n - 1].last);
    }
    for (i = 0; ok && any && i < sl.n; i++) {
        const struct mmha_gtid_source *x = &sl.src[i];
        size_t j;
        bool in_binlog = false;

        for (j = 0; j < b.n; j++) {
            in_binlog = in_binlog || b.src[j].domain == x->domain;
        }
        ok = in_binlog || x->n == 0 ||
             mmha_gtid_add(&out, "", x->domain, x->server_id, 1,
                           x->iv[x->n - 1].last);
    }
    if (ok && any) {
        *from = mmha_gtid_format_dup(&out);
        ok = *from != NULL;
    }
    if (!ok) {
        snprintf(msg, len, "out of memory");
    }
    mmha_gtid_free(&s);
    mmha_gtid_free(&b);
    mmha_gtid_free(&sl);
    mmha_gtid_free(&out);
    return ok;
}

/* Run the fetch under the temporary server_id: 0 or an exit code. */
static int fetch(struct mmha_conn *c, const char *from, const char *until,
                 unsigned long server_id, const struct mmha_deadline *d,
                 char *msg, size_t len)
{
    const char *wait_fn = mmha_sql_text(&c->version, MMHA_FN_GTID_WAIT);
    char got[32] = "";
    char *sql = NULL;
    unsigned int e;
    int64_t left;

    e = mmha_execf(c, "SET GLOBAL gtid_slave_pos = '%s'", from);
    if (e == 0) {
        e = mmha_execf(c, "SET GLOBAL server_id = %lu",
                       TEMP_SERVER_ID(server_id));
    }
    if (e == 0) {
        e = mmha_exec(c, mmha_sql_text(&c->version, MMHA_SQL_START_REPLICA));
    }
    if (e == 0) {
        /* Half the time left: the channel's own start comes after. */
        left = mmha_deadline_left_ms(d) / 2;
        /* A GTID position holds digits, '-' and ',' only. */
        if (asprintf(&sql, "SELECT %s('%s', %.3f)", wait_fn, until,
                     (double)left / 1000.0) < 0) {
            sql = NULL;
            e = CR_OUT_OF_MEMORY;
        } else {
            e = mmha_query_value(c, sql, got, sizeof(got), NULL);
        }
        free(sql);
    }
    if (e != 0) {
        snprintf(msg, len, "%s", mysql_error(c->my));
    } else if (strcmp(got, "0") != 0) {
        snprintf(msg, len, "own transactions up to %s not fetched in time",
                 until);
    }
    /* Stopped in every case: the channel starts once the id is back. */
    mmha_exec(c, mmha_sql_text(&c->version, MMHA_SQL_STOP_REPLICA));
    if (e != 0) {
        return mmha_exit_for_errno(e);
    }
    return strcmp(got, "0") == 0 ? MMHA_EXIT_OK : MMHA_EXIT_DEADLINE;
}

int take_back_own(const struct args *a, struct mmha_conn *c, const char *host,
                  unsigned int port, const struct mmha_deadline *d, char *msg,
                  size_t len)
{
    char *source = NULL;
    char *binlog = NULL;
    char *slave = NULL;
    char *from = NULL;
    char id[32] = "";
    struct mmha_deadline check;
    unsigned long server_id;
    unsigned int e;
    int64_t left;
    int rc;

    if (c->version.flavour != MMHA_FLAVOUR_MARIADB) {
        return MMHA_EXIT_OK;
    }
    /* A silent source leaves the channel's start most of the time. */
    left = mmha_deadline_left_ms(d) / 3;
    mmha_deadline_start(&check, left < CHECK_MAX_MS ? left : CHECK_MAX_MS);
    rc = source_binlog_pos(a, host, port, &check, &source, msg, len);
    if (rc != 0) {
        /* The channel's own start waits for the source (up to the bound)
         * and says why it failed; a source that comes up meanwhile was not
         * checked: said here. */
        mmha_warn("own transactions not checked: %s:%u: %s", host, port, msg);
        msg[0] = '\0';
        return MMHA_EXIT_OK;
    }
    e = mmha_query_value(c, "SELECT @@GLOBAL.server_id", id, sizeof(id), NULL);
    if (e == 0) {
        e = mmha_var_dup(c, MMHA_VAR_GTID_BINLOG, &binlog);
    }
    if (e == 0) {
        e = mmha_var_dup(c, MMHA_VAR_GTID_APPLIED, &slave);
    }
    if (e != 0) {
        snprintf(msg, len, "%s", mysql_error(c->my));
        rc = mmha_exit_for_errno(e);
        goto done;
    }
    server_id = strtoul(id, NULL, 10);
    if (!missing_own(source, binlog, slave, server_id, &from, msg, len)) {
        rc = MMHA_EXIT_SOFTWARE;
        goto done;
    }
    if (from == NULL) {
        goto done;
    }
    mmha_warn("%s:%u holds transactions of this server (server_id %lu) that "
              "its binary log lacks (%s, here %s): fetching them",
              host, port, server_id, source, binlog);
    rc = fetch(c, from, source, server_id, d, msg, len);
    e = mmha_execf(c, "SET GLOBAL server_id = %lu", server_id);
    if (e != 0) {
        mmha_err("server_id not put back to %lu: %s; set it by hand", server_id,
                 mysql_error(c->my));
        snprintf(msg, len, "server_id not put back to %lu", server_id);
        rc = MMHA_EXIT_ERROR;
    } else if (rc == 0) {
        mmha_info("own transactions fetched from %s:%u", host, port);
    }
done:
    free(source);
    free(binlog);
    free(slave);
    free(from);
    return rc;
}
