/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-lag age: how old this server's own heartbeat row is, by the
 * server's clock. The writer's monitor asks it to see its beat land. A
 * table lock (LOCK TABLES ... WRITE, a pending flush) blocks this read as
 * it blocks the beat, so the read waits 1 s for a lock at most.
 */
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdlib.h>

#include "conn.h"
#include "exitcode.h"
#include "heartbeat.h"
#include "log.h"
#include "output.h"

#include "lag.h"

int run_age(const struct lag_args *a)
{
    struct mmha_deadline d;
    struct mmha_conn c = {0};
    struct mmha_out o;
    char buf[32] = "";
    bool isnull = true;
    unsigned int e;
    int rc;

    rc = lag_connect_once(a, &c, &d);
    if (rc != MMHA_EXIT_OK) {
        goto done;
    }
    e = mmha_exec(&c, MMHA_HB_LOCK_WAIT);
    if (e == 0) {
        e = mmha_query_value(&c, MMHA_HB_OWN_AGE, buf, sizeof(buf), &isnull);
    }
    if (e == CR_NO_DATA || mmha_hb_missing(e)) {
        e = 0; /* no row, or no table: nobody beat here */
        isnull = true;
    }
    if (e == ER_LOCK_WAIT_TIMEOUT) {
        mmha_err("heartbeat row unreadable within 1 s (table locked?)");
        rc = MMHA_EXIT_TEMPFAIL;
        goto done;
    }
    if (e != 0) {
        mmha_err("reading the heartbeat row failed: %s", mysql_error(c.my));
        rc = mmha_deadline_passed(&d) ? MMHA_EXIT_DEADLINE
                                      : mmha_exit_for_errno(e);
        goto done;
    }
    mmha_out_begin(&o, a->common.format, stdout);
    if (isnull) {
        mmha_out_str(&o, "row_age_ms", NULL);
    } else {
        mmha_out_int(&o, "row_age_ms", strtoll(buf, NULL, 10));
    }
    mmha_out_end(&o);
done:
    mmha_disconnect(&c);
    return rc;
}
