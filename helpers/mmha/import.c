/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha import-mmm: a MySQL-MMM 2.x configuration (mmm_common.conf and
 * what it includes) into the equivalent crm shell (or pcs) configuration
 * of the mysql-mm clone, its writer address and one reader address per
 * MMM reader IP, with what each host's my.cnf and option files need, and
 * every MMM option that has no equivalent, as comments. Passwords never
 * reach the output: they go to separate 0600 option files (--output) or
 * the user is told to write those files.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"

#include "mmha.h"

enum {
    HOSTS_MAX = 16,
    ROLES_MAX = 8,
    LIST_MAX = 16,
    IGNORED_MAX = 64,
    INCLUDE_DEPTH = 8,
    WORD = 256,
    LINE_LEN = 1024,
    PATH_LEN = 1024,
};

static const char ADMIN_CNF[] = "/etc/mysql/mmha.cnf";
static const char REPL_CNF[] = "/etc/mysql/mmha-repl.cnf";

/* Where a setting came from, for messages. */
struct where {
    char file[PATH_LEN];
    int line;
};

struct host {
    char name[WORD];
    char ip[WORD];
    char mode[WORD]; /* master or slave */
    char peer[WORD];
    struct where at;
};

struct role {
    char name[WORD];
    int nhosts;
    char hosts[LIST_MAX][WORD];
    int nips;
    char ips[LIST_MAX][WORD];
    char mode[WORD]; /* exclusive or balanced */
    struct where at;
};

struct conf {
    int nhosts;
    struct host host[HOSTS_MAX];
    int nroles;
    struct role role[ROLES_MAX];
    /* From <host default> or any host (MMM takes host values over it). */
    char replication_user[WORD];
    char replication_password[WORD];
    struct where replication_password_at;
    char agent_user[WORD];
    char agent_password[WORD];
    struct where agent_password_at;
    char mysql_port[WORD];
    int nignored;
    char ignored[IGNORED_MAX][2 * WORD];
    char err[2 * LINE_LEN];
    bool noinput; /* a file could not be read */
};

/* Known MMM options per section, and whether mmha has an equivalent
 * (the others are listed as ignored, by name). */
struct known {
    const char *section; /* "" = top level */
    const char *key;
    bool used;
    const char *why; /* for an ignored one: what stands in its place */
};

static const struct known KNOWN[] = {
    {"", "active_master_role", true, NULL},
    {"", "this", false, "Pacemaker knows which node it runs on"},
    {"", "debug", false, "the agent logs through Pacemaker"},
    {"", "max_kill_retries", false,
     "a demotion kills what blocks read_only (demote_kill_after)"},
    {"", "default_mode", false, "Pacemaker acts at once (no passive mode)"},
    {"", "role_change_timeout", false, "the operations' timeouts"},
    {"host", "ip", true, NULL},
    {"host", "mode", true, NULL},
    {"host", "peer", true, NULL},
    {"host", "mysql_port", true, NULL},
    {"host", "replication_user", true, NULL},
    {"host", "replication_password", true, NULL},
    {"host", "agent_user", true, NULL},
    {"host", "agent_password", true, NULL},
    {"host", "monitor_user", false,
     "the agent and mmha use the agent account (defaults_file)"},
    {"host", "monitor_password", false, "see monitor_user"},
    {"host", "cluster_interface", false,
     "IPaddr2 finds the interface from the address (set nic= if needed)"},
    {"host", "pid_path", false, "no agent daemon"},
    {"host", "bin_path", false, "no agent daemon"},
    {"host", "agent_port", false, "no agent daemon"},
    {"host", "mysql_pidfile", false, "mysql-mm's pid parameter"},
    {"host", "mysql_rcscript", false, "mysql-mm starts mysqld itself"},
    {"host", "mysql_cnf", false, "mysql-mm's config parameter"},
    {"role", "hosts", true, NULL},
    {"role", "ips", true, NULL},
    {"role", "mode", true, NULL},
    {"role", "prefer", false, "a location preference on the clone"},
    {"monitor", "*", false,
     "Pacemaker monitors; quorum and fencing replace the monitor host"},
    {"check", "*", false, "the agent's monitor intervals and max_lag"},
    {"socket", "*", false, "no agent daemon"},
    {NULL, NULL, false, NULL},
};

/* ---- parsing --------------------------------------------------------- */

static bool fail(struct conf *c, const struct where *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(struct conf *c, const struct where *at, const char *fmt, ...)
{
    char msg[LINE_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(c->err, sizeof(c->err), "%.900s:%d: %.1000s", at->file, at->line,
             msg);
    return false;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s &&
           (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) {
        *--e = '\0';
    }
    return s;
}

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%.*s", (int)(len - 1), src);
}

/* "a, b c" into list; false past LIST_MAX. */
static bool split_list(const char *v, char list[][WORD], int *n)
{
    char buf[LINE_LEN];
    char *save = NULL;
    char *tok;

    copy(buf, sizeof(buf), v);
    *n = 0;
    for (tok = strtok_r(buf, ", \t", &save); tok != NULL;
         tok = strtok_r(NULL, ", \t", &save)) {
        if (*n >= LIST_MAX) {
            return false;
        }
        copy(list[(*n)++], WORD, tok);
    }
    return true;
}

static const struct known *lookup(const char *section, const char *key)
{
    int i;

    for (i = 0; KNOWN[i].section != NULL; i++) {
        if (strcmp(KNOWN[i].section, section) == 0 &&
            (strcmp(KNOWN[i].key, key) == 0 ||
             strcmp(KNOWN[i].key, "*") == 0)) {
            return &KNOWN[i];
        }
    }
    return NULL;
}

static void note_ignored(struct conf *c, const char *section, const char *name,
                         const char *key, const struct known *k)
{
    char what[2 * WORD];
    int i;

    snprintf(what, sizeof(what), "%.60s%s%.60s%s%.60s: %.200s", section,
             name[0] != '\0' ? " " : "", name, section[0] != '\0' ? " " : "",
             key, k->why);
    for (i = 0; i < c->nignored; i++) {
        if (strcmp(c->ignored[i], what) == 0) {
            return;
        }
    }
    if (c->nignored < IGNORED_MAX) {
        copy(c->ignored[c->nignored++], sizeof(what), what);
    }
}

struct section {
    char type[WORD]; /* "" at top level */
    char name[WORD];
    struct host *host;
    struct role *role;
    struct where at;
};

static bool set_host(struct conf *c, struct host *h, const char *key,
                     const char *val, const struct where *at)
{
    if (strcmp(key, "ip") == 0 && h != NULL) {
        copy(h->ip, WORD, val);
    } else if (strcmp(key, "mode") == 0 && h != NULL) {
        if (strcmp(val, "master") != 0 && strcmp(val, "slave") != 0) {
            return fail(c, at, "mode '%s': a host is master or slave", val);
        }
        copy(h->mode, WORD, val);
    } else if (strcmp(key, "peer") == 0 && h != NULL) {
        copy(h->peer, WORD, val);
    } else if (strcmp(key, "mysql_port") == 0) {
        copy(c->mysql_port, WORD, val);
    } else if (strcmp(key, "replication_user") == 0) {
        copy(c->replication_user, WORD, val);
    } else if (strcmp(key, "replication_password") == 0) {
        copy(c->replication_password, WORD, val);
        c->replication_password_at = *at;
    } else if (strcmp(key, "agent_user") == 0) {
        copy(c->agent_user, WORD, val);
    } else if (strcmp(key, "agent_password") == 0) {
        copy(c->agent_password, WORD, val);
        c->agent_password_at = *at;
    }
    return true;
}

static bool set_role(struct conf *c, struct role *r, const char *key,
                     const char *val, const struct where *at)
{
    if (strcmp(key, "hosts") == 0) {
        if (!split_list(val, r->hosts, &r->nhosts)) {
            return fail(c, at, "too many hosts (at most %d)", LIST_MAX);
        }
    } else if (strcmp(key, "ips") == 0) {
        if (!split_list(val, r->ips, &r->nips)) {
            return fail(c, at, "too many ips (at most %d)", LIST_MAX);
        }
    } else if (strcmp(key, "mode") == 0) {
        if (strcmp(val, "exclusive") != 0 && strcmp(val, "balanced") != 0) {
            return fail(c, at, "mode '%s': a role is exclusive or balanced",
                        val);
        }
        copy(r->mode, WORD, val);
    }
    return true;
}

static bool open_section(struct conf *c, struct section *s, char *line,
                         const struct where *at)
{
    char *end = strchr(line, '>');
    char *name;

    if (end == NULL || trim(end + 1)[0] != '\0') {
        return fail(c, at, "'%s': a section line is <type name>", line);
    }
    *end = '\0';
    name = line + 1;
    name += strcspn(name, " \t");
    if (*name != '\0') {
        *name++ = '\0';
    }
    name = trim(name);
    if (s->type[0] != '\0') {
        return fail(c, at,
                    "<%s> inside <%s> (opened at line %d): sections "
                    "do not nest",
                    line + 1, s->type, s->at.line);
    }
    memset(s, 0, sizeof(*s));
    copy(s->type, WORD, line + 1);
    copy(s->name, WORD, name);
    s->at = *at;
    if (strcmp(s->type, "host") == 0) {
        if (name[0] == '\0') {
            return fail(c, at, "<host> needs a name (<host db1>)");
        }
        if (strcmp(name, "default") == 0) {
            return true;
        }
        if (c->nhosts >= HOSTS_MAX) {
            return fail(c, at, "too many hosts (at most %d)", HOSTS_MAX);
        }
        s->host = &c->host[c->nhosts++];
        copy(s->host->name, WORD, name);
        s->host->at = *at;
    } else if (strcmp(s->type, "role") == 0) {
        if (name[0] == '\0') {
            return fail(c, at, "<role> needs a name (<role writer>)");
        }
        if (c->nroles >= ROLES_MAX) {
            return fail(c, at, "too many roles (at most %d)", ROLES_MAX);
        }
        s->role = &c->role[c->nroles++];
        copy(s->role->name, WORD, name);
        s->role->at = *at;
    } else if (lookup(s->type, "*") == NULL) {
        return fail(c, at,
                    "unknown section <%s> (MMM has host, role, monitor, "
                    "check, socket)",
                    s->type);
    }
    return true;
}

static bool parse_file(struct conf *c, const char *path, int depth);

static bool parse_line(struct conf *c, struct section *s, char *line,
                       const struct where *at, int depth)
{
    char *key = line;
    char *val;
    const struct known *k;

    if (line[0] == '<' && line[1] == '/') {
        char *end = strchr(line, '>');

        if (end == NULL) {
            return fail(c, at, "'%s': a closing line is </type>", line);
        }
        *end = '\0';
        if (s->type[0] == '\0' || strcmp(line + 2, s->type) != 0) {
            return fail(c, at, "</%s> closes nothing open", line + 2);
        }
        memset(s, 0, sizeof(*s));
        return true;
    }
    if (line[0] == '<') {
        return open_section(c, s, line, at);
    }
    val = key + strcspn(key, " \t");
    if (*val != '\0') {
        *val++ = '\0';
    }
    val = trim(val);
    if (strcmp(key, "include") == 0 && s->type[0] == '\0') {
        char inc[PATH_LEN * 2];
        char dir[PATH_LEN];

        if (val[0] == '\0') {
            return fail(c, at, "include needs a file name");
        }
        copy(dir, sizeof(dir), at->file);
        if (val[0] == '/') {
            copy(inc, sizeof(inc), val);
        } else {
            snprintf(inc, sizeof(inc), "%s/%s", dirname(dir), val);
        }
        if (depth >= INCLUDE_DEPTH) {
            return fail(c, at, "include nested deeper than %d", INCLUDE_DEPTH);
        }
        return parse_file(c, inc, depth + 1);
    }
    k = lookup(s->type, key);
    if (k == NULL) {
        if (s->type[0] == '\0') {
            return fail(c, at, "unknown option '%s' at top level", key);
        }
        return fail(c, at, "unknown option '%s' in <%s%s%s>", key, s->type,
                    s->name[0] != '\0' ? " " : "", s->name);
    }
    if (val[0] == '\0') {
        return fail(c, at, "'%s' has no value", key);
    }
    if (!k->used) {
        note_ignored(c, s->type, s->name, key, k);
        return true;
    }
    if (strcmp(s->type, "host") == 0) {
        return set_host(c, s->host, key, val, at);
    }
    if (strcmp(s->type, "role") == 0) {
        return set_role(c, s->role, key, val, at);
    }
    return true;
}

static bool parse_file(struct conf *c, const char *path, int depth)
{
    struct section s;
    struct where at;
    char line[LINE_LEN];
    FILE *f = fopen(path, "r");
    bool ok = true;

    if (f == NULL) {
        snprintf(c->err, sizeof(c->err), "%s: %s", path, strerror(errno));
        c->noinput = true;
        return false;
    }
    memset(&s, 0, sizeof(s));
    copy(at.file, sizeof(at.file), path);
    at.line = 0;
    while (ok && fgets(line, sizeof(line), f) != NULL) {
        char *p;

        at.line++;
        line[strcspn(line, "#")] = '\0';
        p = trim(line);
        if (*p != '\0') {
            ok = parse_line(c, &s, p, &at, depth);
        }
    }
    fclose(f);
    if (ok && s.type[0] != '\0') {
        return fail(c, &s.at, "<%s%s%s> is never closed", s.type,
                    s.name[0] != '\0' ? " " : "", s.name);
    }
    return ok;
}

static struct host *find_host(struct conf *c, const char *name)
{
    int i;

    for (i = 0; i < c->nhosts; i++) {
        if (strcmp(c->host[i].name, name) == 0) {
            return &c->host[i];
        }
    }
    return NULL;
}

static struct role *find_role(struct conf *c, const char *name)
{
    int i;

    for (i = 0; i < c->nroles; i++) {
        if (strcmp(c->role[i].name, name) == 0) {
            return &c->role[i];
        }
    }
    return NULL;
}

/* What a usable configuration must hold. */
static bool check(struct conf *c)
{
    struct role *w = find_role(c, "writer");
    struct role *r = find_role(c, "reader");
    int masters = 0;
    int i;
    int k;

    for (i = 0; i < c->nhosts; i++) {
        struct host *h = &c->host[i];

        if (h->mode[0] == '\0') {
            return fail(c, &h->at, "<host %s> has no mode (master, slave)",
                        h->name);
        }
        if (strcmp(h->mode, "master") == 0) {
            masters++;
            if (h->peer[0] != '\0' && find_host(c, h->peer) == NULL) {
                return fail(c, &h->at, "<host %s>: peer %s is no host", h->name,
                            h->peer);
            }
        }
    }
    if (masters == 0) {
        snprintf(c->err, sizeof(c->err), "no host of mode master");
        return false;
    }
    if (w == NULL || w->nips != 1) {
        snprintf(c->err, sizeof(c->err), "%s",
                 w == NULL ? "no <role writer>"
                           : "<role writer> needs exactly one ip");
        return w == NULL ? false : fail(c, &w->at, "%s", c->err);
    }
    for (i = 0; i < c->nroles; i++) {
        for (k = 0; k < c->role[i].nhosts; k++) {
            if (find_host(c, c->role[i].hosts[k]) == NULL) {
                return fail(c, &c->role[i].at, "<role %s>: %s is no host",
                            c->role[i].name, c->role[i].hosts[k]);
            }
        }
    }
    for (k = 0; k < w->nhosts; k++) {
        struct host *h = find_host(c, w->hosts[k]);

        if (strcmp(h->mode, "master") != 0) {
            return fail(c, &w->at,
                        "<role writer>: %s is mode slave (a writer is a "
                        "master)",
                        h->name);
        }
    }
    (void)r;
    return true;
}

/* ---- output ---------------------------------------------------------- */

static bool in_list(char list[][WORD], int n, const char *s)
{
    int i;

    for (i = 0; i < n; i++) {
        if (strcmp(list[i], s) == 0) {
            return true;
        }
    }
    return false;
}

/* A 0600 option file with [client] user and password; 0 or errno. */
static int write_cnf(const char *path, const char *user, const char *pw)
{
    char text[LINE_LEN];
    int fd;
    int n;
    int err = 0;

    n = snprintf(text, sizeof(text), "[client]\nuser=%s\npassword=%s\n", user,
                 pw);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return errno;
    }
    if (fchmod(fd, 0600) != 0 || write(fd, text, (size_t)n) != n) {
        err = errno != 0 ? errno : EIO;
    }
    if (close(fd) != 0 && err == 0) {
        err = errno;
    }
    return err;
}

/* The option files' passwords: written aside, or what the user must do. */
static int option_files(FILE *o, const struct args *a, struct conf *c)
{
    struct {
        const char *what;
        const char *target;
        const char *user;
        const char *pw;
        const struct where *at;
        const char *suffix;
    } f[2] = {
        {"administrative (MMM agent_user)", ADMIN_CNF, c->agent_user,
         c->agent_password, &c->agent_password_at, ".mmha.cnf"},
        {"replication (MMM replication_user)", REPL_CNF, c->replication_user,
         c->replication_password, &c->replication_password_at,
         ".mmha-repl.cnf"},
    };
    char path[PATH_LEN + 32];
    int i;
    int err;

    fprintf(o, "#\n# Option files (mode 0600, the same on every node):\n");
    for (i = 0; i < 2; i++) {
        if (a->output != NULL && f[i].pw[0] != '\0') {
            snprintf(path, sizeof(path), "%s%s", a->output, f[i].suffix);
            err = write_cnf(path, f[i].user, f[i].pw);
            if (err != 0) {
                mmha_err("%s: %s", path, strerror(err));
                return MMHA_EXIT_IOERR;
            }
            fprintf(o, "#   %s: %s account, written to %s (0600): copy it\n",
                    f[i].target, f[i].what, path);
        } else if (f[i].pw[0] != '\0') {
            fprintf(o,
                    "#   %s: [client] user=%s and the password of %s line "
                    "%d (not copied here; --output writes it to a 0600 "
                    "file)\n",
                    f[i].target, f[i].user[0] != '\0' ? f[i].user : "?",
                    f[i].at->file, f[i].at->line);
        } else {
            fprintf(o, "#   %s: [client] user=%s and its password\n",
                    f[i].target, f[i].user[0] != '\0' ? f[i].user : "?");
        }
    }
    fprintf(o,
            "#   %s also needs socket=/run/mysqld/mysqld.sock, and its "
            "account ALL PRIVILEGES\n#   WITH GRANT OPTION at localhost and "
            "at the nodes' addresses (mysql-mm(7));\n#   the replication "
            "account REPLICATION SLAVE, REPLICATION CLIENT.\n",
            ADMIN_CNF);
    return MMHA_EXIT_OK;
}

static void header(FILE *o, const struct args *a, struct conf *c)
{
    int i;
    int n = c->nhosts;

    fprintf(o,
            "# mmha configuration imported from MySQL-MMM (%s) by "
            "mmha import-mmm.\n",
            a->file);
    fprintf(o, "# Load it with: %s\n#\n",
            a->pcs ? "sh FILE (pcs)" : "crm configure load update FILE");
    fprintf(o, "# Pacemaker node names must be the MMM host names (");
    for (i = 0; i < n; i++) {
        fprintf(o, "%s%s", i > 0 ? ", " : "", c->host[i].name);
    }
    fprintf(o, "),\n# resolving to their addresses (or set "
               "replication_host per node).\n#\n# my.cnf of each host:\n");
    for (i = 0; i < n; i++) {
        fprintf(o,
                "#   %s (%s, %s): server-id=%d gtid-domain-id=%d "
                "auto-increment-increment=%d auto-increment-offset=%d\n",
                c->host[i].name, c->host[i].ip[0] ? c->host[i].ip : "?",
                c->host[i].mode, i + 1, i + 1, n < 2 ? 2 : n, i + 1);
    }
    fprintf(o, "#   and on every host: log-bin, log-slave-updates, "
               "binlog-format=ROW, read-only=1,\n#   skip-slave-start "
               "(a server restarted outside Pacemaker comes up "
               "read-only).\n");
}

static void ignored(FILE *o, struct conf *c)
{
    int i;

    fprintf(o, "#\n# MMM settings with no equivalent here (ignored):%s\n",
            c->nignored == 0 ? " none" : "");
    for (i = 0; i < c->nignored; i++) {
        fprintf(o, "#   %s\n", c->ignored[i]);
    }
    for (i = 0; i < c->nroles; i++) {
        if (strcmp(c->role[i].name, "writer") != 0 &&
            strcmp(c->role[i].name, "reader") != 0) {
            fprintf(o,
                    "#   <role %s>: only writer and reader roles have an "
                    "equivalent\n",
                    c->role[i].name);
        }
    }
    fprintf(o, "#\n");
}

static void crm_out(FILE *o, struct conf *c)
{
    struct role *w = find_role(c, "writer");
    struct role *r = find_role(c, "reader");
    int nr = r != NULL ? r->nips : 0;
    int i;
    int k;

    fprintf(o,
            "primitive mysql ocf:mmha:mysql-mm \\\n"
            "    params defaults_file=%s \\\n"
            "        repl_defaults_file=%s \\\n"
            "        config=/etc/mysql/my.cnf catchup_policy=immediate \\\n"
            "        demote_kill_after=100 writer_vip=%s%s%s \\\n"
            "    op start timeout=120s interval=0 \\\n"
            "    op stop timeout=120s interval=0 \\\n"
            "    op promote timeout=60s interval=0 \\\n"
            "    op demote timeout=30s interval=0 \\\n"
            "    op notify timeout=60s interval=0 \\\n"
            "    op monitor role=Promoted interval=500ms timeout=30s \\\n"
            "    op monitor role=Unpromoted interval=2s timeout=30s\n",
            ADMIN_CNF, REPL_CNF, w->ips[0],
            c->mysql_port[0] != '\0' ? " replication_port=" : "",
            c->mysql_port);
    fprintf(o,
            "clone ms-mysql mysql \\\n"
            "    meta promotable=true promoted-max=1 promoted-node-max=1 \\\n"
            "        clone-max=%d clone-node-max=1 notify=true "
            "interleave=true \\\n"
            "        migration-threshold=1 failure-timeout=10s\n",
            c->nhosts);
    fprintf(o, "# Only on the MMM hosts.\nlocation mysql-on-mmm-hosts "
               "ms-mysql \\\n    rule -inf:");
    for (i = 0; i < c->nhosts; i++) {
        fprintf(o, "%s #uname ne %s", i > 0 ? " and" : "", c->host[i].name);
    }
    fprintf(o, "\n");
    for (i = 0; i < c->nhosts; i++) {
        const struct host *h = &c->host[i];

        if (in_list(w->hosts, w->nhosts, h->name) ||
            (w->nhosts == 0 && strcmp(h->mode, "master") == 0)) {
            continue;
        }
        fprintf(o,
                "# %s: %s, never the writer (MMM: not in <role writer> "
                "hosts).\nlocation no-writer-on-%s ms-mysql \\\n"
                "    rule role=Promoted -inf: #uname eq %s\n",
                h->name,
                strcmp(h->mode, "slave") == 0 ? "mode slave" : "master",
                h->name, h->name);
    }
    fprintf(o,
            "# MMM <role writer> (exclusive): the writer address, started "
            "beside the promotion\n# once the old writer is demoted (new "
            "connections refused until the server\n# is writable: "
            "writer_vip_refuse).\n"
            "primitive vip-writer ocf:heartbeat:IPaddr2 \\\n"
            "    params ip=%s \\\n"
            "    op monitor interval=2s timeout=20s\n"
            "colocation vip-writer-on-promoted inf: vip-writer "
            "ms-mysql:Promoted\n"
            "order vip-writer-after-demote Optional: ms-mysql:demote "
            "vip-writer:start \\\n    symmetrical=false\n",
            w->ips[0]);
    if (nr > 0) {
        fprintf(o,
                "# MMM <role reader> (%s): one address per MMM reader "
                "ip, only on a readable node,\n# spread one per node "
                "(balanced), sticky.\n",
                r->mode[0] != '\0' ? r->mode : "balanced");
    }
    for (k = 0; k < nr; k++) {
        fprintf(o,
                "primitive vip-reader%d ocf:heartbeat:IPaddr2 \\\n"
                "    params ip=%s \\\n"
                "    op monitor interval=2s timeout=20s \\\n"
                "    meta resource-stickiness=100\n"
                "location vip-reader%d-readable vip-reader%d \\\n"
                "    rule -inf: not_defined mmha-readable or mmha-readable "
                "ne 1\n"
                "location vip-reader%d-online vip-reader%d \\\n"
                "    rule -inf: mmha-offline eq 1\n"
                "colocation vip-reader%d-with-mysql inf: vip-reader%d "
                "ms-mysql\n",
                k + 1, r->ips[k], k + 1, k + 1, k + 1, k + 1, k + 1, k + 1);
        if (r->nhosts > 0 && r->nhosts < c->nhosts) {
            fprintf(o,
                    "location vip-reader%d-hosts vip-reader%d \\\n"
                    "    rule -inf:",
                    k + 1, k + 1);
            for (i = 0; i < r->nhosts; i++) {
                fprintf(o, "%s #uname ne %s", i > 0 ? " and" : "", r->hosts[i]);
            }
            fprintf(o, "\n");
        }
    }
    for (k = 1; k < nr; k++) {
        for (i = 0; i < k; i++) {
            fprintf(o,
                    "colocation vip-reader%d-apart-%d -1000: vip-reader%d "
                    "vip-reader%d\n",
                    k + 1, i + 1, k + 1, i + 1);
        }
    }
    fprintf(o, "# mmha offline NODE: never promoted.\nlocation "
               "no-writer-offline ms-mysql \\\n    rule role=Promoted -inf: "
               "mmha-offline eq 1\n");
}

static void pcs_out(FILE *o, struct conf *c)
{
    struct role *w = find_role(c, "writer");
    struct role *r = find_role(c, "reader");
    int nr = r != NULL ? r->nips : 0;
    int i;
    int k;

    fprintf(o, "set -eu\ncib=$(mktemp)\ntrap 'rm -f \"$cib\"' EXIT\n"
               "pcs cluster cib \"$cib\"\n");
    fprintf(o,
            "pcs -f \"$cib\" resource create mysql ocf:mmha:mysql-mm \\\n"
            "    defaults_file=%s repl_defaults_file=%s \\\n"
            "    config=/etc/mysql/my.cnf catchup_policy=immediate \\\n"
            "    demote_kill_after=100 writer_vip=%s%s%s \\\n"
            "    op start timeout=120s interval=0 stop timeout=120s "
            "interval=0 \\\n"
            "    promote timeout=60s interval=0 demote timeout=30s "
            "interval=0 \\\n"
            "    notify timeout=60s interval=0 \\\n"
            "    monitor role=Promoted interval=500ms timeout=30s \\\n"
            "    monitor role=Unpromoted interval=2s timeout=30s \\\n"
            "    promotable ms-mysql promoted-max=1 promoted-node-max=1 "
            "\\\n    clone-max=%d clone-node-max=1 notify=true "
            "interleave=true \\\n"
            "    meta migration-threshold=1 failure-timeout=10s\n",
            ADMIN_CNF, REPL_CNF, w->ips[0],
            c->mysql_port[0] != '\0' ? " replication_port=" : "", c->mysql_port,
            c->nhosts);
    fprintf(o, "pcs -f \"$cib\" constraint location ms-mysql rule "
               "id=mysql-on-mmm-hosts score=-INFINITY");
    for (i = 0; i < c->nhosts; i++) {
        fprintf(o, "%s '#uname' ne %s", i > 0 ? " and" : "", c->host[i].name);
    }
    fprintf(o, "\n");
    for (i = 0; i < c->nhosts; i++) {
        const struct host *h = &c->host[i];

        if (in_list(w->hosts, w->nhosts, h->name) ||
            (w->nhosts == 0 && strcmp(h->mode, "master") == 0)) {
            continue;
        }
        fprintf(o,
                "pcs -f \"$cib\" constraint location ms-mysql rule "
                "id=no-writer-on-%s \\\n    role=Promoted score=-INFINITY "
                "'#uname' eq %s\n",
                h->name, h->name);
    }
    fprintf(o,
            "pcs -f \"$cib\" resource create vip-writer "
            "ocf:heartbeat:IPaddr2 \\\n    ip=%s op monitor interval=2s "
            "timeout=20s\n"
            "pcs -f \"$cib\" constraint colocation add vip-writer with "
            "Promoted ms-mysql \\\n    INFINITY id=vip-writer-on-promoted\n"
            "pcs -f \"$cib\" constraint order demote ms-mysql \"then\" "
            "start vip-writer \\\n    kind=Optional symmetrical=false "
            "id=vip-writer-after-demote\n",
            w->ips[0]);
    for (k = 0; k < nr; k++) {
        fprintf(o,
                "pcs -f \"$cib\" resource create vip-reader%d "
                "ocf:heartbeat:IPaddr2 \\\n    ip=%s op monitor interval=2s "
                "timeout=20s meta resource-stickiness=100\n"
                "pcs -f \"$cib\" constraint location vip-reader%d rule "
                "id=vip-reader%d-readable \\\n    score=-INFINITY "
                "not_defined mmha-readable or mmha-readable ne 1\n"
                "pcs -f \"$cib\" constraint location vip-reader%d rule "
                "id=vip-reader%d-online \\\n    score=-INFINITY "
                "mmha-offline eq 1\n"
                "pcs -f \"$cib\" constraint colocation add vip-reader%d "
                "with ms-mysql \\\n    INFINITY id=vip-reader%d-with-mysql\n",
                k + 1, r->ips[k], k + 1, k + 1, k + 1, k + 1, k + 1, k + 1);
        if (r->nhosts > 0 && r->nhosts < c->nhosts) {
            fprintf(o,
                    "pcs -f \"$cib\" constraint location vip-reader%d rule "
                    "id=vip-reader%d-hosts score=-INFINITY",
                    k + 1, k + 1);
            for (i = 0; i < r->nhosts; i++) {
                fprintf(o, "%s '#uname' ne %s", i > 0 ? " and" : "",
                        r->hosts[i]);
            }
            fprintf(o, "\n");
        }
    }
    for (k = 1; k < nr; k++) {
        for (i = 0; i < k; i++) {
            fprintf(o,
                    "pcs -f \"$cib\" constraint colocation add vip-reader%d "
                    "with vip-reader%d \\\n    -- -1000 "
                    "id=vip-reader%d-apart-%d\n",
                    k + 1, i + 1, k + 1, i + 1);
        }
    }
    fprintf(o, "pcs -f \"$cib\" constraint location ms-mysql rule "
               "id=no-writer-offline \\\n    role=Promoted score=-INFINITY "
               "mmha-offline eq 1\n"
               "pcs cluster cib-push \"$cib\" --config\n");
}

int cmd_import_mmm(const struct args *a)
{
    struct conf *c = calloc(1, sizeof(*c));
    FILE *o = stdout;
    int rc = MMHA_EXIT_OK;

    if (c == NULL) {
        return MMHA_EXIT_OSERR;
    }
    if (!parse_file(c, a->file, 0) || !check(c)) {
        mmha_err("%s", c->err);
        rc = c->noinput ? MMHA_EXIT_NOINPUT : MMHA_EXIT_DATAERR;
        goto done;
    }
    if (a->output != NULL) {
        o = fopen(a->output, "w");
        if (o == NULL) {
            mmha_err("--output %s: %s", a->output, strerror(errno));
            rc = MMHA_EXIT_IOERR;
            goto done;
        }
    }
    if (a->pcs) {
        fprintf(o, "#!/bin/sh\n");
    }
    header(o, a, c);
    rc = option_files(o, a, c);
    if (rc != MMHA_EXIT_OK) {
        goto done;
    }
    ignored(o, c);
    if (a->pcs) {
        pcs_out(o, c);
    } else {
        crm_out(o, c);
    }

done:
    if (o != stdout && o != NULL && fclose(o) != 0 && rc == 0) {
        mmha_err("--output %s: %s", a->output, strerror(errno));
        rc = MMHA_EXIT_IOERR;
    }
    free(c);
    return rc;
}
