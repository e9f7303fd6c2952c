/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pacemaker's XML (cibadmin -Q, crm_mon --output-as=xml) into struct
 * mmha_cl, through libxml2's parser and XPath: no text matching on XML.
 */
#include "crmxml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    XPATH_MAX = 512,
    DEFAULT_PORT = 3306,
    DEFAULT_MAX_LAG_MS = 5000,
};

static const char DEFAULT_PREFIX[] = "mmha";
static const char DEFAULT_DEFAULTS_FILE[] = "/etc/mysql/mmha.cnf";

/* src (NULL = "") into dst, cut to len - 1 bytes. */
static void copy(char *dst, size_t len, const char *src)
{
    size_t n = src != NULL ? strlen(src) : 0;

    if (len == 0) {
        return;
    }
    if (n >= len) {
        n = len - 1;
    }
    if (src != NULL && n > 0) {
        memcpy(dst, src, n);
    }
    dst[n] = '\0';
}

void mmha_cl_init(struct mmha_cl *cl)
{
    memset(cl, 0, sizeof(*cl));
    copy(cl->prefix, sizeof(cl->prefix), DEFAULT_PREFIX);
    copy(cl->defaults_file, sizeof(cl->defaults_file), DEFAULT_DEFAULTS_FILE);
    cl->port = DEFAULT_PORT;
    cl->max_lag = DEFAULT_MAX_LAG_MS;
    cl->epoch = -1;
    cl->stonith_enabled = true;
}

/* ---- libxml2 plumbing ---------------------------------------------- */

struct doc {
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
};

static void quiet_errors(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static int doc_open(struct doc *d, const char *xml, size_t len, char *err,
                    size_t errlen)
{
    memset(d, 0, sizeof(*d));
    xmlSetGenericErrorFunc(NULL, quiet_errors);
    if (len > (size_t)0x7fffffff) {
        snprintf(err, errlen, "XML too large");
        return -1;
    }
    d->doc = xmlReadMemory(xml, (int)len, "pacemaker.xml", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (d->doc == NULL) {
        snprintf(err, errlen, "not XML");
        return -1;
    }
    d->ctx = xmlXPathNewContext(d->doc);
    if (d->ctx == NULL) {
        xmlFreeDoc(d->doc);
        d->doc = NULL;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static void doc_close(struct doc *d)
{
    if (d->ctx != NULL) {
        xmlXPathFreeContext(d->ctx);
    }
    if (d->doc != NULL) {
        xmlFreeDoc(d->doc);
    }
}

/* The nodes matching a printf-built expression (NULL = none). */
static xmlXPathObjectPtr find(struct doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static xmlXPathObjectPtr find(struct doc *d, const char *fmt, ...)
{
    char expr[XPATH_MAX];
    va_list ap;
    xmlXPathObjectPtr r;

    va_start(ap, fmt);
    vsnprintf(expr, sizeof(expr), fmt, ap);
    va_end(ap);
    r = xmlXPathEvalExpression((const xmlChar *)expr, d->ctx);
    if (r != NULL && (r->nodesetval == NULL || r->nodesetval->nodeNr == 0)) {
        xmlXPathFreeObject(r);
        r = NULL;
    }
    return r;
}

static int count(xmlXPathObjectPtr r)
{
    return r == NULL ? 0 : r->nodesetval->nodeNr;
}

static xmlNodePtr item(xmlXPathObjectPtr r, int i)
{
    return r->nodesetval->nodeTab[i];
}

/* An attribute's value into buf ("" when absent); true when present. */
static bool attr(xmlNodePtr n, const char *name, char *buf, size_t len)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

    copy(buf, len, (const char *)v);
    if (v == NULL) {
        return false;
    }
    xmlFree(v);
    return true;
}

static bool attr_true(xmlNodePtr n, const char *name)
{
    char v[16];

    return attr(n, name, v, sizeof(v)) && strcmp(v, "true") == 0;
}

/* The value of the first node found, into buf; false when none. */
static bool find_value(struct doc *d, char *buf, size_t len, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));

static bool find_value(struct doc *d, char *buf, size_t len, const char *fmt,
                       ...)
{
    char expr[XPATH_MAX];
    va_list ap;
    xmlXPathObjectPtr r;
    xmlChar *v;

    va_start(ap, fmt);
    vsnprintf(expr, sizeof(expr), fmt, ap);
    va_end(ap);
    r = find(d, "%s", expr);
    if (r == NULL) {
        copy(buf, len, NULL);
        return false;
    }
    v = xmlNodeGetContent(item(r, 0));
    copy(buf, len, (const char *)v);
    xmlFree(v);
    xmlXPathFreeObject(r);
    return true;
}

static long long to_ll(const char *s, long long dflt)
{
    char *end;
    long long v;

    if (s == NULL || *s == '\0') {
        return dflt;
    }
    v = strtoll(s, &end, 10);
    return *end == '\0' ? v : dflt;
}

/* ---- the configuration --------------------------------------------- */

/* A parameter (instance attribute) of primitive id into buf. */
static bool param(struct doc *d, const char *id, const char *name, char *buf,
                  size_t len)
{
    return find_value(d, buf, len,
                      "//primitive[@id='%s']/instance_attributes/"
                      "nvpair[@name='%s']/@value",
                      id, name);
}

static bool property(struct doc *d, const char *name, char *buf, size_t len)
{
    return find_value(d, buf, len,
                      "//crm_config/cluster_property_set/"
                      "nvpair[@name='%s']/@value",
                      name);
}

static void read_vips(struct mmha_cl *cl, struct doc *d)
{
    xmlXPathObjectPtr r;
    int i;

    r = find(d, "//primitive[@class='ocf' and @type='IPaddr2']");
    for (i = 0; i < count(r) && cl->nvips < MMHA_CL_VIPS_MAX; i++) {
        struct mmha_cl_vip *v = &cl->vip[cl->nvips];
        xmlXPathObjectPtr c;
        char role[32];

        attr(item(r, i), "id", v->id, sizeof(v->id));
        c = find(d, "//rsc_colocation[@rsc='%s' and @with-rsc='%s']", v->id,
                 cl->clone);
        if (c == NULL) {
            continue; /* an address that is not ours */
        }
        attr(item(c, 0), "with-rsc-role", role, sizeof(role));
        xmlXPathFreeObject(c);
        v->writer =
            strcmp(role, "Promoted") == 0 || strcmp(role, "Master") == 0;
        param(d, v->id, "ip", v->ip, sizeof(v->ip));
        cl->nvips++;
    }
    if (r != NULL) {
        xmlXPathFreeObject(r);
    }
}

int mmha_cl_parse_cib(struct mmha_cl *cl, const char *xml, size_t len,
                      char *err, size_t errlen)
{
    struct doc d;
    char v[MMHA_CL_TEXT];
    char name[MMHA_CL_NAME + 32];
    xmlXPathObjectPtr r;
    int rc = 0;

    if (doc_open(&d, xml, len, err, errlen) != 0) {
        return -1;
    }
    r = find(&d, "//clone/primitive[@provider='mmha' and @type='mysql-mm']");
    if (r == NULL) {
        snprintf(err, errlen,
                 "no ocf:mmha:mysql-mm resource in a clone in the CIB");
        rc = 1;
        goto done;
    }
    attr(item(r, 0), "id", cl->rsc, sizeof(cl->rsc));
    attr(item(r, 0)->parent, "id", cl->clone, sizeof(cl->clone));
    xmlXPathFreeObject(r);
    if (param(&d, cl->rsc, "attribute_prefix", v, sizeof(v))) {
        copy(cl->prefix, sizeof(cl->prefix), v);
    }
    if (param(&d, cl->rsc, "defaults_file", v, sizeof(v))) {
        copy(cl->defaults_file, sizeof(cl->defaults_file), v);
    }
    if (param(&d, cl->rsc, "replication_port", v, sizeof(v))) {
        cl->port = (unsigned int)to_ll(v, DEFAULT_PORT);
    }
    if (param(&d, cl->rsc, "max_lag", v, sizeof(v))) {
        cl->max_lag = to_ll(v, DEFAULT_MAX_LAG_MS);
    }
    r = find(&d, "//primitive[@provider='mmha' and @type='mmha-guard']");
    if (r != NULL) {
        attr(item(r, 0), "id", cl->guard_rsc, sizeof(cl->guard_rsc));
        xmlXPathFreeObject(r);
        param(&d, cl->guard_rsc, "status_file", cl->guard_status_file,
              sizeof(cl->guard_status_file));
    }
    property(&d, "cluster-name", cl->cluster_name, sizeof(cl->cluster_name));
    if (property(&d, "stonith-enabled", v, sizeof(v))) {
        cl->stonith_enabled = strcmp(v, "false") != 0 && strcmp(v, "0") != 0;
    }
    if (property(&d, "maintenance-mode", v, sizeof(v))) {
        cl->maintenance_mode = strcmp(v, "true") == 0;
    }
    snprintf(name, sizeof(name), "mmha-%s-writer", cl->rsc);
    property(&d, name, cl->writer_record, sizeof(cl->writer_record));
    snprintf(name, sizeof(name), "mmha-%s-epoch", cl->rsc);
    if (property(&d, name, v, sizeof(v))) {
        cl->epoch = to_ll(v, -1);
    }
    snprintf(name, sizeof(name), "mmha-%s-history", cl->rsc);
    property(&d, name, cl->history, sizeof(cl->history));
    read_vips(cl, &d);
    r = find(&d, "//rsc_location/rule/expression[@attribute='%s-offline']",
             cl->prefix);
    cl->offline_rules = count(r);
    if (r != NULL) {
        xmlXPathFreeObject(r);
    }

done:
    doc_close(&d);
    return rc;
}

/* ---- the status ---------------------------------------------------- */

static void read_nodes(struct mmha_cl *cl, struct doc *d)
{
    xmlXPathObjectPtr r;
    int i;

    r = find(d, "/pacemaker-result/nodes/node");
    for (i = 0; i < count(r) && cl->nnodes < MMHA_CL_NODES_MAX; i++) {
        struct mmha_cl_node *n = &cl->node[cl->nnodes++];
        xmlNodePtr x = item(r, i);
        char id[32];

        attr(x, "name", n->name, sizeof(n->name));
        attr(x, "id", id, sizeof(id));
        n->id = (unsigned int)to_ll(id, 0);
        n->online = attr_true(x, "online");
        n->standby = attr_true(x, "standby");
        n->maintenance = attr_true(x, "maintenance");
        n->unclean = attr_true(x, "unclean");
        n->is_dc = attr_true(x, "is_dc");
    }
    if (r != NULL) {
        xmlXPathFreeObject(r);
    }
}

static void read_roles(struct mmha_cl *cl, struct doc *d)
{
    xmlXPathObjectPtr r;
    int i;

    r = find(d,
             "//clone[@id='%s']/resource[@id='%s' or "
             "starts-with(@id, '%s:')]/node",
             cl->clone, cl->rsc, cl->rsc);
    for (i = 0; i < count(r); i++) {
        char name[MMHA_CL_NAME];
        char role[32];
        struct mmha_cl_node *n;

        attr(item(r, i), "name", name, sizeof(name));
        attr(item(r, i)->parent, "role", role, sizeof(role));
        n = mmha_cl_node_find(cl, name);
        if (n == NULL) {
            continue;
        }
        if (strcmp(role, "Promoted") == 0 || strcmp(role, "Master") == 0) {
            n->role = MMHA_CL_PROMOTED;
        } else if (strcmp(role, "Unpromoted") == 0 ||
                   strcmp(role, "Slave") == 0 || strcmp(role, "Started") == 0) {
            n->role = MMHA_CL_UNPROMOTED;
        }
        if (attr_true(item(r, i)->parent, "failed")) {
            n->failed = true;
        }
    }
    if (r != NULL) {
        xmlXPathFreeObject(r);
    }
}

static void read_vip_nodes(struct mmha_cl *cl, struct doc *d)
{
    int i;

    for (i = 0; i < cl->nvips; i++) {
        struct mmha_cl_vip *v = &cl->vip[i];

        find_value(d, v->node, sizeof(v->node),
                   "//resource[@id='%s' and @active='true' and "
                   "@role='Started']/node/@name",
                   v->id);
    }
}

static bool is_attr(const char *name, const char *prefix, const char *suffix)
{
    size_t pl = strlen(prefix);

    return strncmp(name, prefix, pl) == 0 && name[pl] == '-' &&
           strcmp(name + pl + 1, suffix) == 0;
}

static void read_attributes(struct mmha_cl *cl, struct doc *d)
{
    xmlXPathObjectPtr r;
    char score_name[MMHA_CL_NAME + 16];
    int i;

    snprintf(score_name, sizeof(score_name), "master-%s", cl->rsc);
    r = find(d, "/pacemaker-result/node_attributes/node/attribute");
    for (i = 0; i < count(r); i++) {
        char node[MMHA_CL_NAME];
        char name[MMHA_CL_NAME];
        char value[MMHA_CL_SET];
        struct mmha_cl_node *n;

        attr(item(r, i)->parent, "name", node, sizeof(node));
        attr(item(r, i), "name", name, sizeof(name));
        attr(item(r, i), "value", value, sizeof(value));
        n = mmha_cl_node_find(cl, node);
        if (n == NULL) {
            continue;
        }
        if (is_attr(name, cl->prefix, "readable")) {
            n->has_readable = true;
            n->readable = strcmp(value, "1") == 0;
        } else if (is_attr(name, cl->prefix, "lag-ms")) {
            n->has_lag = true;
            n->lag_ms = to_ll(value, -1);
        } else if (is_attr(name, cl->prefix, "errant")) {
            copy(n->errant, sizeof(n->errant), value);
        } else if (is_attr(name, cl->prefix, "semisync")) {
            copy(n->semisync, sizeof(n->semisync), value);
        } else if (is_attr(name, cl->prefix, "peer")) {
            copy(n->peer, sizeof(n->peer), value);
        } else if (is_attr(name, cl->prefix, "offline")) {
            n->offline = strcmp(value, "1") == 0;
        } else if (strcmp(name, score_name) == 0) {
            n->has_score = true;
            n->score = strcmp(value, "INFINITY") == 0    ? 1000000
                       : strcmp(value, "-INFINITY") == 0 ? -1000000
                                                         : to_ll(value, 0);
        }
    }
    if (r != NULL) {
        xmlXPathFreeObject(r);
    }
}

static void read_failures(struct mmha_cl *cl, struct doc *d)
{
    xmlXPathObjectPtr r;
    size_t rl = strlen(cl->rsc);
    int i;

    r = find(d, "/pacemaker-result/failures/failure");
    for (i = 0; i < count(r); i++) {
        char node[MMHA_CL_NAME];
        char key[MMHA_CL_NAME];
        struct mmha_cl_node *n;

        attr(item(r, i), "node", node, sizeof(node));
        attr(item(r, i), "op_key", key, sizeof(key));
        n = mmha_cl_node_find(cl, node);
        if (n == NULL || strncmp(key, cl->rsc, rl) != 0 ||
            (key[rl] != '_' && key[rl] != ':')) {
            continue;
        }
        n->failed = true;
        attr(item(r, i), "exitreason", n->fail_reason, sizeof(n->fail_reason));
    }
    if (r != NULL) {
        xmlXPathFreeObject(r);
    }
}

int mmha_cl_parse_mon(struct mmha_cl *cl, const char *xml, size_t len,
                      char *err, size_t errlen)
{
    struct doc d;
    xmlXPathObjectPtr r;

    if (doc_open(&d, xml, len, err, errlen) != 0) {
        return -1;
    }
    r = find(&d, "/pacemaker-result/summary/current_dc");
    if (r != NULL) {
        cl->quorate = attr_true(item(r, 0), "with_quorum");
        attr(item(r, 0), "name", cl->dc, sizeof(cl->dc));
        xmlXPathFreeObject(r);
    }
    read_nodes(cl, &d);
    read_roles(cl, &d);
    read_vip_nodes(cl, &d);
    read_attributes(cl, &d);
    read_failures(cl, &d);
    cl->status_read = true;
    doc_close(&d);
    return 0;
}

int mmha_cl_parse_bans(struct mmha_cl *cl, const char *xml, size_t len,
                       char *err, size_t errlen)
{
    struct doc d;
    xmlXPathObjectPtr r;
    int i;

    if (doc_open(&d, xml, len, err, errlen) != 0) {
        return -1;
    }
    r = find(&d,
             "//rsc_location[@rsc='%s']/rule[(@role='Promoted' or "
             "@role='Master') and (@score='-INFINITY' or @score='-inf')]/"
             "expression[@attribute='#uname' and @operation='eq']",
             cl->clone);
    for (i = 0; i < count(r); i++) {
        char v[MMHA_CL_NAME];
        struct mmha_cl_node *n;

        attr(item(r, i), "value", v, sizeof(v));
        n = mmha_cl_node_find(cl, v);
        if (n != NULL) {
            n->never_promoted = true;
        }
    }
    if (r != NULL) {
        xmlXPathFreeObject(r);
    }
    doc_close(&d);
    return 0;
}

struct mmha_cl_node *mmha_cl_node_find(struct mmha_cl *cl, const char *name)
{
    int i;

    for (i = 0; i < cl->nnodes; i++) {
        if (strcmp(cl->node[i].name, name) == 0) {
            return &cl->node[i];
        }
    }
    return NULL;
}

struct mmha_cl_node *mmha_cl_writer(struct mmha_cl *cl)
{
    struct mmha_cl_node *w = NULL;
    int i;

    for (i = 0; i < cl->nnodes; i++) {
        if (cl->node[i].role == MMHA_CL_PROMOTED) {
            if (w != NULL) {
                return NULL;
            }
            w = &cl->node[i];
        }
    }
    return w;
}

bool mmha_cl_record_field(const char *record, const char *key, char *buf,
                          size_t len)
{
    size_t kl = strlen(key);
    const char *p = record;

    copy(buf, len, NULL);
    while (p != NULL && *p != '\0') {
        while (*p == ' ') {
            p++;
        }
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t n = strcspn(p + kl + 1, " ;");

            if (n >= len) {
                n = len - 1;
            }
            memcpy(buf, p + kl + 1, n);
            buf[n] = '\0';
            return true;
        }
        p = strchr(p, ' ');
    }
    return false;
}

int mmha_cl_history_record(const char *history, int i, char *buf, size_t len)
{
    const char *p = history;
    int n = 0;

    while (p != NULL && *p != '\0') {
        size_t l = strcspn(p, ";");

        if (l > 0) {
            if (buf != NULL && n == i) {
                if (l >= len) {
                    l = len - 1;
                }
                memcpy(buf, p, l);
                buf[l] = '\0';
                return n;
            }
            n++;
        }
        p += l;
        if (*p == ';') {
            p++;
        }
    }
    if (buf != NULL) {
        copy(buf, len, NULL);
        return -1;
    }
    return n;
}
