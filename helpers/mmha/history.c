/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha history: the role changes, demotions and errant reports the agent
 * keeps in the cluster property mmha-<resource>-history, oldest first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"

#include "mmha.h"

static void record_out(struct mmha_out *o, const char *rec)
{
    char event[32];
    char field[MMHA_CL_TEXT];
    size_t l = strcspn(rec, " ");

    snprintf(event, sizeof(event), "%.*s", (int)l, rec);
    mmha_out_item_begin(o);
    mmha_cl_record_field(rec, "time", field, sizeof(field));
    mmha_out_str(o, "time", field[0] != '\0' ? field : NULL);
    mmha_out_str(o, "event", event);
    mmha_cl_record_field(rec, "node", field, sizeof(field));
    mmha_out_str(o, "node", field[0] != '\0' ? field : NULL);
    if (mmha_cl_record_field(rec, "epoch", field, sizeof(field))) {
        mmha_out_str(o, "epoch", field);
    }
    if (mmha_cl_record_field(rec, "set", field, sizeof(field))) {
        mmha_out_str(o, "set", field);
    }
    mmha_out_str(o, "record", rec);
    mmha_out_close(o);
}

void history_out(struct mmha_out *o, const struct mmha_cl *cl, int last_n)
{
    char rec[MMHA_CL_TEXT];
    int n = mmha_cl_history_record(cl->history, 0, NULL, 0);
    int i;

    mmha_out_list_begin(o, "history");
    for (i = last_n > 0 && n > last_n ? n - last_n : 0; i < n; i++) {
        mmha_cl_history_record(cl->history, i, rec, sizeof(rec));
        record_out(o, rec);
    }
    mmha_out_close(o);
}

static void human_out(const struct mmha_cl *cl, int last_n)
{
    char rec[MMHA_CL_TEXT];
    char time[64];
    char node[MMHA_CL_NAME];
    int n = mmha_cl_history_record(cl->history, 0, NULL, 0);
    int i;

    if (n == 0) {
        printf("no role change recorded for %s\n", cl->rsc);
        return;
    }
    printf("%-25s %-8s %-10s %s\n", "TIME", "EVENT", "NODE", "RECORD");
    for (i = last_n > 0 && n > last_n ? n - last_n : 0; i < n; i++) {
        size_t l;

        mmha_cl_history_record(cl->history, i, rec, sizeof(rec));
        mmha_cl_record_field(rec, "time", time, sizeof(time));
        mmha_cl_record_field(rec, "node", node, sizeof(node));
        l = strcspn(rec, " ");
        printf("%-25s %-8.*s %-10s %s\n", time[0] != '\0' ? time : "-", (int)l,
               rec, node[0] != '\0' ? node : "-", rec);
    }
}

int cmd_history(const struct args *a)
{
    struct mmha_out o;
    int rc;
    struct view *v = view_new(a, false, &rc);

    if (v == NULL) {
        return rc;
    }
    if (a->common.format == MMHA_FORMAT_HUMAN) {
        human_out(&v->cl, (int)a->history_n);
    } else {
        mmha_out_begin(&o, a->common.format, stdout);
        mmha_out_str(&o, "resource", v->cl.rsc);
        history_out(&o, &v->cl, (int)a->history_n);
        mmha_out_end(&o);
    }
    view_free(v);
    return MMHA_EXIT_OK;
}
