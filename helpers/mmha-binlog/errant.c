/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog errant: the transactions this server has that a reference
 * server has neither written nor applied.
 */
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "position.h"

#include "binlog.h"

/*
 * s without the domains of list: a replica that ignores a domain counts
 * the GTIDs it skipped as applied (gtid_slave_pos), without the data.
 */
static bool drop_domains(struct mmha_gtid_set *s, const char *list)
{
    struct mmha_gtid_set kept;
    size_t i;
    size_t j;

    if (list[0] == '\0') {
        return true;
    }
    mmha_gtid_init(&kept, s->kind);
    for (i = 0; i < s->n; i++) {
        const struct mmha_gtid_source *src = &s->src[i];

        if (domain_list_has(list, src->domain)) {
            continue;
        }
        for (j = 0; j < src->n; j++) {
            if (!mmha_gtid_add(&kept, src->key, src->domain, src->server_id,
                               src->iv[j].first, src->iv[j].last)) {
                mmha_gtid_free(&kept);
                return false;
            }
        }
    }
    mmha_gtid_free(s);
    *s = kept;
    return true;
}

/*
 * What c holds: its binary log, and with with_applied what its replica
 * threads applied, less the domains its replica channel ignores.
 */
static unsigned int gtid_state(struct mmha_conn *c, bool with_applied,
                               struct mmha_gtid_set *out, char *err,
                               size_t errlen)
{
    struct mmha_gtid_set bin;
    struct mmha_gtid_set app;
    char *buf = NULL;
    char ignore[DOMAINS_MAX] = "";
    unsigned int e;

    mmha_gtid_init(out, gtid_kind(c));
    mmha_gtid_init(&bin, gtid_kind(c));
    mmha_gtid_init(&app, gtid_kind(c));
    e = mmha_var_dup(c, MMHA_VAR_GTID_BINLOG, &buf);
    if (e != 0) {
        snprintf(err, errlen, "%s", mysql_error(c->my));
        goto done;
    }
    if (!mmha_gtid_parse(&bin, gtid_kind(c), buf, err, errlen)) {
        e = ER_UNKNOWN_ERROR;
        goto done;
    }
    if (with_applied) {
        e = mmha_var_dup(c, MMHA_VAR_GTID_APPLIED, &buf);
        if (e != 0) {
            snprintf(err, errlen, "%s", mysql_error(c->my));
            goto done;
        }
        if (!mmha_gtid_parse(&app, gtid_kind(c), buf, err, errlen)) {
            e = ER_UNKNOWN_ERROR;
            goto done;
        }
        /* Without the right to see it, no list: the old answer. */
        if (read_ignore_domains(c, ignore, sizeof(ignore)) != 0) {
            mmha_warn("cannot read the reference's ignored domains: %s",
                      mysql_error(c->my));
            ignore[0] = '\0';
        }
        if (!drop_domains(&app, ignore)) {
            snprintf(err, errlen, "out of memory");
            e = ER_UNKNOWN_ERROR;
            goto done;
        }
    }
    if (!mmha_gtid_union(out, &bin, &app)) {
        snprintf(err, errlen, "out of memory");
        e = ER_UNKNOWN_ERROR;
    }
done:
    free(buf);
    mmha_gtid_free(&bin);
    mmha_gtid_free(&app);
    return e;
}

/* A GTID set as a string member, whole, whatever its length. */
static bool gtid_out(struct mmha_out *o, const char *key,
                     const struct mmha_gtid_set *s)
{
    char *text = mmha_gtid_format_dup(s);

    mmha_out_str(o, key, text != NULL ? text : "");
    free(text);
    return text != NULL;
}

static void errant_out(struct mmha_out *o, const struct mmha_gtid_set *s)
{
    size_t i;
    size_t j;

    mmha_out_list_begin(o, "transactions");
    for (i = 0; i < s->n; i++) {
        const struct mmha_gtid_source *src = &s->src[i];

        for (j = 0; j < src->n; j++) {
            mmha_out_item_begin(o);
            if (s->kind == MMHA_GTID_MARIADB) {
                mmha_out_int(o, "domain", src->domain);
                mmha_out_int(o, "server_id", src->server_id);
            } else {
                mmha_out_str(o, "uuid", src->key);
            }
            mmha_out_int(o, "first", (long long)src->iv[j].first);
            mmha_out_int(o, "last", (long long)src->iv[j].last);
            mmha_out_close(o);
        }
    }
    mmha_out_close(o);
}

int cmd_errant(struct args *a, struct mmha_conn *c,
               const struct mmha_deadline *d, struct mmha_out *o)
{
    struct mmha_conn_opts ro = a->common.conn;
    struct mmha_conn ref = {0};
    struct mmha_gtid_set mine;
    struct mmha_gtid_set theirs;
    struct mmha_gtid_set errant;
    char host[MMHA_NAME_MAX];
    char msg[MSG_MAX] = "";
    unsigned int port = 0;
    int rc;

    mmha_gtid_init(&mine, gtid_kind(c));
    mmha_gtid_init(&theirs, gtid_kind(c));
    mmha_gtid_init(&errant, gtid_kind(c));
    /* An existing file is an option file; otherwise HOST:PORT with our
     * own credentials. */
    if (access(a->reference, F_OK) != 0 &&
        mmha_parse_host_port(a->reference, host, sizeof(host), &port)) {
        ro.host = host;
        ro.port = port;
        ro.socket = NULL;
    } else {
        memset(&ro, 0, sizeof(ro));
        ro.defaults_file = a->reference;
        ro.group = a->common.conn.group;
    }
    rc = mmha_connect(&ref, &ro, d, msg, sizeof(msg));
    if (rc != 0) {
        mmha_err("--reference: %s", msg);
        goto done;
    }
    if (gtid_state(c, false, &mine, msg, sizeof(msg)) != 0 ||
        gtid_state(&ref, true, &theirs, msg, sizeof(msg)) != 0) {
        mmha_err("cannot read the GTID state: %s", msg);
        rc = MMHA_EXIT_PROTOCOL;
        goto done;
    }
    if (!mmha_gtid_subtract(&errant, &mine, &theirs)) {
        rc = MMHA_EXIT_OSERR;
        goto done;
    }
    rc = mmha_gtid_empty(&errant) ? MMHA_EXIT_OK : MMHA_EXIT_ERRANT;
    mmha_out_str(o, "status", mmha_exit_name(rc));
    if (!gtid_out(o, "gtid_local", &mine) ||
        !gtid_out(o, "gtid_reference", &theirs) ||
        !gtid_out(o, "errant", &errant)) {
        mmha_err("out of memory");
        rc = MMHA_EXIT_OSERR;
    }
    mmha_out_int(o, "errant_count", (long long)mmha_gtid_count(&errant));
    errant_out(o, &errant);

done:
    mmha_gtid_free(&mine);
    mmha_gtid_free(&theirs);
    mmha_gtid_free(&errant);
    mmha_disconnect(&ref);
    return rc;
}
