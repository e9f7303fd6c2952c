/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha-binlog clients: the TCP clients of a server, as its processlist
 * shows them (HOST "address:port"), without binary log dump threads and
 * without our own connection. The agent resets these from a new writer.
 */
#include <stdlib.h>

#include "exitcode.h"
#include "log.h"

#include "binlog.h"

int cmd_clients(struct args *a, struct mmha_conn *c, struct mmha_out *o)
{
    struct procs ps;
    const char **list = NULL;
    char host[MMHA_NAME_MAX];
    unsigned int port;
    size_t n = 0;
    size_t i;
    unsigned int e;

    (void)a;
    e = procs_read(c, MMHA_SQL_CLIENT_HOSTS, &ps);
    if (e != 0) {
        mmha_err("cannot read the processlist: %s",
                 e == CR_OUT_OF_MEMORY ? "out of memory" : mysql_error(c->my));
        return e == CR_OUT_OF_MEMORY ? MMHA_EXIT_OSERR : mmha_exit_for_errno(e);
    }
    list = calloc(ps.n + 1, sizeof(*list));
    if (list == NULL) {
        procs_free(&ps);
        mmha_err("out of memory");
        return MMHA_EXIT_OSERR;
    }
    /* Only address:port: a socket client ("localhost") or a server
     * thread ("", "system user") cannot be reset over TCP. */
    for (i = 0; i < ps.n; i++) {
        if (mmha_parse_host_port(ps.v[i].host, host, sizeof(host), &port)) {
            list[n++] = ps.v[i].host;
        }
    }
    mmha_out_str_list(o, "clients", "client", list, n);
    free(list);
    procs_free(&ps);
    return MMHA_EXIT_OK;
}
