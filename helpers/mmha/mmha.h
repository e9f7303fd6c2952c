/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha's private parts: the parsed command line, the view of the cluster
 * every subcommand starts from (Pacemaker's XML, each server's own state,
 * this node's guard), and the subcommands. One subcommand per file beside
 * this one.
 */
#ifndef MMHA_CLI_H
#define MMHA_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "crmxml.h"
#include "deadline.h"
#include "opts.h"
#include "output.h"
#include "position.h"

#define TOOL "mmha"

enum {
    MSG_MAX = 1200,
    XML_MAX = 4 * 1024 * 1024, /* the largest tool output read */
    GUARD_TEXT = 4096,
};

/* -v given: tools' own messages are shown. */
extern int cli_verbose;

struct args {
    struct mmha_common common;
    const char *cmd;
    const char *node;     /* offline/online NODE, switchover --to */
    const char *file;     /* import-mmm FILE */
    const char *output;   /* import-mmm --output */
    const char *textfile; /* metrics --textfile DIR */
    const char *listen;   /* metrics --listen ADDR:PORT */
    int64_t watch_ms;     /* status --watch (0 = once) */
    int64_t history_n;    /* history -n */
    int64_t serve_count; /* metrics --listen: answers before exit, 0 = no end */
    bool dry_run;
    bool pcs;
    bool color;
};

/* One server as it answered (or did not). */
struct server {
    bool asked;     /* its node is online in Pacemaker */
    bool reachable; /* it answered */
    char host[MMHA_CL_NAME];
    unsigned int port;
    char error[MSG_MAX]; /* why not reachable */
    struct mmha_binlog_pos pos;
    struct mmha_replica_status rep;
    bool has_hb_lag; /* a reader's heartbeat lag, measured now */
    double hb_lag_ms;
    int64_t took_us;
};

/* This node's guard, from its status file (KEY=value). */
struct guard {
    bool present;
    char file[MMHA_CL_TEXT];
    char quorum[32];
    char writable[32];
    char reason[64];
    long long epoch;
    long long fences;
    char last_fence[MMHA_CL_NAME];
};

struct view {
    struct mmha_cl cl;
    struct server srv[MMHA_CL_NODES_MAX];
    struct guard guard;
    char local[MMHA_CL_NAME]; /* this node's name (uname -n) */
    int64_t took_ms;
};

/* Free a view (its servers' readings too); NULL is fine. */
void view_free(struct view *v);

/*
 * Run argv (no shell) with its standard output into a malloc'ed buffer
 * (*out, NUL-terminated, *len bytes), bounded by d. Returns the exit
 * status, 127 if it could not run, 124 when the deadline passed.
 */
int run_capture(const char *const *argv, const struct mmha_deadline *d,
                char **out, size_t *len);

/* Run argv, its output to our stderr; exit status as run_capture. */
int run_quiet(const char *const *argv, const struct mmha_deadline *d);

/*
 * Read the cluster (crm_mon and cibadmin side by side) and, with
 * servers, every online node's server (one thread each). An exit code;
 * err says why on failure.
 */
int view_read(struct view *v, const struct args *a,
              const struct mmha_deadline *d, bool servers, char *err,
              size_t errlen);

/*
 * view_read into a new view (free it), within the --timeout; NULL with
 * the error logged and *rc set.
 */
struct view *view_new(const struct args *a, bool servers, int *rc);

/*
 * The option files of every connection: the resource's defaults_file
 * unless --defaults-file or --no-defaults, then --defaults-extra-file.
 */
void view_files(const struct view *v, const struct args *a,
                struct mmha_conn_opts *o);

/* --print-defaults: what view_files reads (the CIB asked when needed). */
int view_print_defaults(const struct args *a);

/* Connection options for a node's server (host and port set). */
void view_conn_opts(const struct view *v, const struct args *a,
                    const struct mmha_cl_node *n, struct mmha_conn_opts *o);

/* What a node is, for a person and for the formats: writer, reader,
 * offline, stopped, standby, down, unclean. */
const char *node_role(const struct mmha_cl_node *n);

/* Why a node is not well ("" when it is): lagging, not readable, ... */
void node_problem(const struct view *v, int i, char *buf, size_t len);

/* The VIPs node i holds, comma-separated ("" none). */
void node_vips(const struct view *v, int i, bool ips, char *buf, size_t len);

/* The subcommands: each returns the exit code. */
int cmd_status(const struct args *a);
int cmd_history(const struct args *a);
int cmd_switchover(const struct args *a);
int cmd_offline(const struct args *a, bool offline);
int cmd_metrics(const struct args *a);
int cmd_import_mmm(const struct args *a);

/* Shared by status and history: the records, newest last. */
void history_out(struct mmha_out *o, const struct mmha_cl *cl, int last_n);

#endif
