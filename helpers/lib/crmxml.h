/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What Pacemaker says about an mmha cluster, read from its XML with
 * libxml2: the configuration (cibadmin -Q: the mysql-mm resource and its
 * clone, their parameters, the addresses, the constraints, the records the
 * agent keeps as cluster properties) and the status (crm_mon
 * --output-as=xml: nodes, roles, where each address runs, node attributes,
 * failed actions). Pure: text in, struct out; the caller runs the tools.
 */
#ifndef MMHA_CRMXML_H
#define MMHA_CRMXML_H

#include <stdbool.h>
#include <stddef.h>

enum {
    MMHA_CL_NODES_MAX = 16,
    MMHA_CL_VIPS_MAX = 32,
    MMHA_CL_NAME = 128,
    MMHA_CL_TEXT = 1024,
    MMHA_CL_SET = 4096,
    MMHA_CL_HISTORY = 16384,
};

/* The role of the mysql-mm instance on a node, as crm_mon shows it. */
enum mmha_cl_role {
    MMHA_CL_STOPPED = 0,
    MMHA_CL_UNPROMOTED,
    MMHA_CL_PROMOTED,
};

struct mmha_cl_vip {
    char id[MMHA_CL_NAME];
    char ip[64];
    bool writer;             /* colocated with the Promoted role */
    char node[MMHA_CL_NAME]; /* where it runs; "" = nowhere */
};

struct mmha_cl_node {
    char name[MMHA_CL_NAME];
    unsigned int id;
    bool online;
    bool standby;
    bool maintenance;
    bool unclean; /* lost and not fenced yet */
    bool is_dc;
    enum mmha_cl_role role;
    bool failed;                    /* the instance's last operation failed */
    char fail_reason[MMHA_CL_TEXT]; /* its exit reason */
    /* Node attributes the agent publishes (has_* false: not set). */
    bool has_readable;
    bool readable;
    bool has_lag;
    long long lag_ms;
    char errant[MMHA_CL_SET]; /* "" = none */
    char peer[MMHA_CL_NAME];  /* "epoch@host:port" */
    char semisync[16];        /* active, degraded, acking, ...; "" unset */
    bool has_score;
    long long score;
    bool offline;        /* permanent attribute <prefix>-offline=1 */
    bool never_promoted; /* a -INFINITY location rule on the Promoted role
                            names this node (#uname eq NODE) */
};

struct mmha_cl {
    /* From the configuration. */
    char rsc[MMHA_CL_NAME];   /* the mysql-mm primitive */
    char clone[MMHA_CL_NAME]; /* its promotable clone */
    char guard_rsc[MMHA_CL_NAME];
    char guard_status_file[MMHA_CL_TEXT]; /* "" = the agent's default */
    char prefix[64];                      /* attribute_prefix */
    char defaults_file[MMHA_CL_TEXT];
    unsigned int port; /* replication_port */
    long long max_lag; /* ms */
    char cluster_name[MMHA_CL_NAME];
    bool stonith_enabled;
    bool maintenance_mode;
    char writer_record[MMHA_CL_TEXT];
    long long epoch; /* -1 = none yet */
    char history[MMHA_CL_HISTORY];
    int offline_rules; /* location rule expressions on <prefix>-offline */
    int nvips;
    struct mmha_cl_vip vip[MMHA_CL_VIPS_MAX];
    /* From the status. */
    bool status_read;
    bool quorate;
    char dc[MMHA_CL_NAME];
    int nnodes;
    struct mmha_cl_node node[MMHA_CL_NODES_MAX];
};

/* Defaults before either parse (prefix "mmha", port 3306, ...). */
void mmha_cl_init(struct mmha_cl *cl);

/*
 * The configuration part, from `cibadmin -Q` (the whole CIB, or just its
 * configuration section). 0 on success; otherwise a message in err and
 * -1 (not XML) or 1 (no ocf:mmha:mysql-mm resource in a promotable clone).
 */
int mmha_cl_parse_cib(struct mmha_cl *cl, const char *xml, size_t len,
                      char *err, size_t errlen);

/*
 * The status part, from `crm_mon --output-as=xml` (run after
 * mmha_cl_parse_cib, which names the resources to look at). 0 or -1 with
 * a message in err.
 */
int mmha_cl_parse_mon(struct mmha_cl *cl, const char *xml, size_t len,
                      char *err, size_t errlen);

/*
 * The nodes a -INFINITY location rule keeps from the Promoted role
 * ("#uname eq NODE"), from the CIB again once crm_mon named the nodes.
 */
int mmha_cl_parse_bans(struct mmha_cl *cl, const char *xml, size_t len,
                       char *err, size_t errlen);

/* The node called name, or NULL. */
struct mmha_cl_node *mmha_cl_node_find(struct mmha_cl *cl, const char *name);

/* The Promoted node, or NULL when none (or more than one). */
struct mmha_cl_node *mmha_cl_writer(struct mmha_cl *cl);

/*
 * A field of a record ("promote node=n2 epoch=7 ... time=T"): the value
 * after "key=" up to the next blank, into buf. false when absent.
 */
bool mmha_cl_record_field(const char *record, const char *key, char *buf,
                          size_t len);

/*
 * The i-th (0 = oldest) ";"-separated record of a history into buf;
 * returns the number of records when buf is NULL.
 */
int mmha_cl_history_record(const char *history, int i, char *buf, size_t len);

#endif
