/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog capture: the server's binary log and replica positions, and
 * its semi-sync state where it has semi-sync.
 */
#include <mysqld_error.h>
#include <stdlib.h>

#include "exitcode.h"
#include "log.h"
#include "position.h"

#include "binlog.h"

static long long row_ll(const struct mmha_row *r, const char *name)
{
    const char *v = mmha_row_get(r, name);

    return v != NULL ? strtoll(v, NULL, 10) : 0;
}

int cmd_capture(struct args *a, struct mmha_conn *c, struct mmha_out *o)
{
    struct mmha_binlog_pos p = {0};
    struct mmha_replica_status r = {0};
    char name[64];
    char ignore[DOMAINS_MAX];
    struct mmha_row ai = {0};
    struct semisync ss;
    bool has_semisync = false;
    unsigned int e;

    e = mmha_binlog_pos_read(c, &p);
    if (e == 0) {
        e = mmha_replica_status_read(c, &r);
    }
    if (e == 0) {
        e = read_ignore_domains(c, ignore, sizeof(ignore));
    }
    if (e == 0) {
        e = mmha_query_row(c,
                           "SELECT @@GLOBAL.auto_increment_increment AS inc, "
                           "@@GLOBAL.auto_increment_offset AS off",
                           &ai);
    }
    if (e == 0) {
        /* A server without semi-sync is captured without it. */
        e = semisync_read(c, &ss);
        has_semisync = e == 0;
        if (e == ER_UNKNOWN_SYSTEM_VARIABLE) {
            e = 0;
        }
    }
    if (e != 0) {
        mmha_row_free(&ai);
        mmha_binlog_pos_free(&p);
        mmha_replica_status_free(&r);
        mmha_err("cannot read the positions: %s", mysql_error(c->my));
        return mmha_exit_for_errno(e);
    }
    (void)a;
    mmha_out_str(o, "server",
                 mmha_version_name(&c->version, name, sizeof(name)));
    mmha_binlog_pos_out(o, NULL, &p);
    replica_out(o, "replica", &r, ignore);
    mmha_out_int(o, "auto_increment_increment", row_ll(&ai, "inc"));
    mmha_out_int(o, "auto_increment_offset", row_ll(&ai, "off"));
    if (has_semisync) {
        semisync_out(o, &ss);
    }
    mmha_row_free(&ai);
    mmha_binlog_pos_free(&p);
    mmha_replica_status_free(&r);
    return MMHA_EXIT_OK;
}
