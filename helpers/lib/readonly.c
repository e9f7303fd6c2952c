/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded demotion to read-only: find blockers, kill them, record where. */
#include "readonly.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exitcode.h"
#include "log.h"

enum {
    SETTLE_MS = 30, /* a lock held shorter is a passing statement */
    PROBE_MS = 50,  /* first wait of a SET before it is cut */
    PROBE_MAX_MS = 400,
    POLL_MS = 100,      /* re-check of blockers while they get grace */
    ESCALATE_MS = 200,  /* KILL QUERY without effect: KILL CONNECTION */
    MARGIN_MS = 60,     /* kept back to cut, restore and report */
    KILLS_PER_CONN = 8, /* another connection for every this many KILLs */
    /*
     * Between two KILLs on one connection. MariaDB wakes a killed session
     * blocked on a shared mutex (SLEEP() all share one) by trying that
     * mutex, up to 20 times 100 ms apart: while the session killed just
     * before still holds it, the next KILL waits. Measured with 300
     * sessions in SELECT SLEEP(): 12.2 s back to back, 0.42 s 1 ms apart
     * (docs/benchmarks.md).
     */
    KILL_PACE_US = 1000,
    GONE_WAIT_MS = 1000, /* killed sessions watched until gone, at most */
    GONE_POLL_MS = 20,
    CUT_MS = 40,     /* past the deadline: cut a pending SET */
    RESTORE_MS = 40, /* past the deadline: put read_only back */
};

static const char SQL_RO_ON[] = "SET GLOBAL read_only=1";
static const char SQL_RO_OFF[] = "SET GLOBAL read_only=0";

struct track {
    unsigned long long id;
    int64_t query_at; /* ms since start of our KILL QUERY */
    bool conn_killed;
};

struct ro {
    struct mmha_conn c; /* sends SET GLOBAL read_only */
    struct mmha_conn w; /* watches and kills */
    const struct mmha_conn_opts *co;
    const struct mmha_readonly_opts *o;
    const struct mmha_deadline *d;
    struct mmha_readonly_report *r;
    int64_t start_us;
    unsigned long long own[2 + MMHA_RO_KILL_CONNS_MAX]; /* c, w, kc[] */
    size_t nown;
    bool lock_table;
    bool pending; /* a statement sent on c, result not read */
    struct track *track;
    size_t ntrack;
    size_t captrack;
    /* More connections for KILLs, opened when a list is long. */
    struct mmha_conn kc[MMHA_RO_KILL_CONNS_MAX];
    bool kc_tried[MMHA_RO_KILL_CONNS_MAX];
};

/* One KILL to send, and what came of it. */
struct kill_job {
    struct mmha_session s;
    enum mmha_kill_reason why;
    bool connection;
    bool done; /* sent and answered */
    unsigned int err;
    char errtext[160];
};

/* A list of KILLs shared by the connections sending them. */
struct kill_run {
    struct ro *x;
    struct kill_job *jobs;
    size_t n;
    size_t next;
    pthread_mutex_t lock;
    struct mmha_deadline until;
};

struct kill_worker {
    struct kill_run *k;
    struct mmha_conn *cn;
    size_t slot; /* in x->kc, for one opened here */
    pthread_t thread;
};

/* A list of sessions fetched from the server. */
struct sess_list {
    struct mmha_session *s;
    bool *blocks;
    size_t n;
};

void mmha_readonly_opts_init(struct mmha_readonly_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->kill_after_ms = 500;
    o->kill_conns = MMHA_RO_KILL_CONNS_DEFAULT;
    o->still_ms = 10;
}

const char *mmha_kill_reason_name(enum mmha_kill_reason k)
{
    switch (k) {
    case MMHA_KILL_BLOCKER: return "blocker";
    case MMHA_KILL_BYPASS_USER: return "bypass-user";
    case MMHA_KILL_CLIENT: return "client";
    }
    return "unknown";
}

static int64_t since_ms(const struct ro *x)
{
    return (mmha_now_us() - x->start_us) / 1000;
}

static void sess_free(struct sess_list *l)
{
    free(l->s);
    free(l->blocks);
    memset(l, 0, sizeof(*l));
}

static int col(MYSQL_FIELD *f, unsigned int n, const char *name)
{
    unsigned int i;

    for (i = 0; i < n; i++) {
        if (strcasecmp(f[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static const char *cell(MYSQL_ROW row, int i)
{
    return i >= 0 && row[i] != NULL ? row[i] : "";
}

/*
 * Run a session query (columns as in dialect.h) into l. by_lock: a row
 * blocks when its lock mode does; otherwise when it runs a write.
 */
static unsigned int fetch(struct mmha_conn *cn, const char *sql, bool by_lock,
                          struct sess_list *l)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    MYSQL_FIELD *f;
    unsigned int nf;
    size_t cap;
    int ci[8];
    static const char *const names[8] = {"ID",      "USER",     "HOST",
                                         "COMMAND", "AGE_MS",   "STATE",
                                         "INFO",    "LOCK_MODE"};
    int k;

    memset(l, 0, sizeof(*l));
    if (mysql_query(cn->my, sql) != 0) {
        return mysql_errno(cn->my);
    }
    res = mysql_store_result(cn->my);
    if (res == NULL) {
        return mysql_errno(cn->my) != 0 ? mysql_errno(cn->my) : CR_NO_DATA;
    }
    nf = mysql_num_fields(res);
    f = mysql_fetch_fields(res);
    for (k = 0; k < 8; k++) {
        ci[k] = col(f, nf, names[k]);
    }
    cap = (size_t)mysql_num_rows(res);
    l->s = calloc(cap > 0 ? cap : 1, sizeof(*l->s));
    l->blocks = calloc(cap > 0 ? cap : 1, sizeof(*l->blocks));
    if (l->s == NULL || l->blocks == NULL) {
        mysql_free_result(res);
        sess_free(l);
        return CR_OUT_OF_MEMORY;
    }
    while ((row = mysql_fetch_row(res)) != NULL && l->n < cap) {
        struct mmha_session *s = &l->s[l->n];
        const char *info = ci[6] >= 0 ? row[ci[6]] : NULL;
        size_t j;
        bool blocks;

        s->id = strtoull(cell(row, ci[0]), NULL, 10);
        snprintf(s->user, sizeof(s->user), "%s", cell(row, ci[1]));
        snprintf(s->host, sizeof(s->host), "%s", cell(row, ci[2]));
        snprintf(s->command, sizeof(s->command), "%s", cell(row, ci[3]));
        s->age_ms = strtoll(cell(row, ci[4]), NULL, 10);
        snprintf(s->state, sizeof(s->state), "%s", cell(row, ci[5]));
        mmha_stmt_prefix(s->statement, sizeof(s->statement), info,
                         MMHA_STMT_PREFIX);
        snprintf(s->lock, sizeof(s->lock), "%s", cell(row, ci[7]));
        blocks = by_lock ? mmha_lock_blocks_read_only(s->lock)
                         : strcmp(s->command, "Query") == 0 &&
                               mmha_is_write_statement(info);
        /* A session holds several locks: one entry, blocking if any. */
        for (j = 0; j < l->n; j++) {
            if (l->s[j].id == s->id) {
                break;
            }
        }
        if (j < l->n) {
            if (blocks && !l->blocks[j]) {
                l->s[j] = *s;
                l->blocks[j] = true;
            }
            memset(s, 0, sizeof(*s));
            continue;
        }
        l->blocks[l->n++] = blocks;
    }
    mysql_free_result(res);
    return 0;
}

/* The sessions that block read_only=1 now, by lock table or statement. */
static unsigned int blockers(struct ro *x, struct sess_list *l)
{
    const struct mmha_version *v = &x->w.version;
    unsigned int e;

    if (x->lock_table) {
        e = fetch(&x->w, mmha_sql_text(v, MMHA_SQL_RO_LOCK_HOLDERS), true, l);
        if (e == 0) {
            return 0;
        }
        /* No metadata_lock_info plugin / performance_schema: by text. */
        mmha_info("no lock table (error %u: %s); finding blockers by "
                  "statement",
                  e, mysql_error(x->w.my));
        x->lock_table = false;
        x->r->lock_table = false;
    }
    return fetch(&x->w, mmha_sql_text(v, MMHA_SQL_SESSIONS), false, l);
}

static void record_kill(struct ro *x, const struct mmha_session *s,
                        enum mmha_kill_reason why, bool connection,
                        unsigned int err, const char *errtext)
{
    struct mmha_readonly_report *r = x->r;

    if (err == ER_NO_SUCH_THREAD) {
        return; /* it ended by itself meanwhile */
    }
    mmha_notice(
        "%s%s %llu (%s@%s, %s %.1f s, %s)%s%s: %s", r->dry_run ? "would " : "",
        connection ? "KILL CONNECTION" : "KILL QUERY", s->id, s->user, s->host,
        s->command, (double)s->age_ms / 1000.0, mmha_kill_reason_name(why),
        err != 0 ? " failed: " : "", err != 0 ? errtext : "",
        s->statement[0] != '\0' ? s->statement : "-");
    if (r->nkills >= MMHA_RO_KILLS_MAX) {
        r->kills_dropped++;
        return;
    }
    r->kills[r->nkills].s = *s;
    r->kills[r->nkills].reason = why;
    r->kills[r->nkills].connection = connection;
    r->kills[r->nkills].err = err;
    r->nkills++;
}

static bool is_own(const struct ro *x, unsigned long long id)
{
    size_t i;

    for (i = 0; i < x->nown; i++) {
        if (x->own[i] == id) {
            return true;
        }
    }
    return false;
}

/* The jobs one connection sends, taking the next free one each time. */
static void kill_loop(struct kill_run *k, struct mmha_conn *cn)
{
    for (;;) {
        struct kill_job *j;
        size_t i;
        unsigned int e;

        pthread_mutex_lock(&k->lock);
        i = k->next < k->n && !mmha_deadline_passed(&k->until) ? k->next++
                                                               : k->n;
        pthread_mutex_unlock(&k->lock);
        if (i == k->n) {
            return;
        }
        j = &k->jobs[i];
        e = mmha_execf(cn, "KILL %s %llu",
                       j->connection ? "CONNECTION" : "QUERY", j->s.id);
        if (e != 0 && mmha_exit_for_errno(e) != MMHA_EXIT_ERROR &&
            mmha_exit_for_errno(e) != MMHA_EXIT_NOPERM) {
            /* This connection is gone (cut by the deadline, or lost):
             * the job was not answered; leave the rest to the others. */
            return;
        }
        j->err = e;
        if (e != 0) {
            snprintf(j->errtext, sizeof(j->errtext), "%s", mysql_error(cn->my));
        }
        j->done = true;
        mmha_deadline_sleep_ms(&k->until, KILL_PACE_US / 1000);
    }
}

static void *kill_thread(void *arg)
{
    struct kill_worker *kw = arg;
    struct ro *x = kw->k->x;
    char err[256];

    if (kw->cn->my == NULL && !x->kc_tried[kw->slot]) {
        x->kc_tried[kw->slot] = true;
        if (mmha_connect(kw->cn, x->co, &kw->k->until, err, sizeof(err)) !=
            MMHA_EXIT_OK) {
            mmha_debug("no extra connection for KILLs: %s", err);
            return NULL;
        }
    }
    if (kw->cn->my != NULL) {
        mmha_conn_bound(kw->cn, &kw->k->until);
        kill_loop(kw->k, kw->cn);
    }
    return NULL;
}

/*
 * Send the KILLs of jobs before until (never past the deadline), on up to
 * kill_conns connections of their own side by side (one per KILLS_PER_CONN
 * KILLs), opened here once and kept for the call: w stays free to list
 * sessions, even when a KILL in flight is cut. Records each answered one;
 * returns how many were answered.
 */
static size_t run_kills(struct ro *x, struct kill_job *jobs, size_t n,
                        const struct mmha_deadline *until)
{
    struct kill_run k = {.x = x, .jobs = jobs, .n = n, .until = *until};
    struct kill_worker kw[MMHA_RO_KILL_CONNS_MAX];
    size_t want = (n + KILLS_PER_CONN - 1) / KILLS_PER_CONN;
    size_t started = 0;
    size_t done = 0;
    size_t i;

    if (n == 0) {
        return 0;
    }
    if (want > (size_t)x->o->kill_conns) {
        want = (size_t)x->o->kill_conns;
    }
    if (want > MMHA_RO_KILL_CONNS_MAX) {
        want = MMHA_RO_KILL_CONNS_MAX;
    }
    pthread_mutex_init(&k.lock, NULL);
    for (i = 0; i < want; i++) {
        kw[started].k = &k;
        kw[started].slot = i;
        kw[started].cn = &x->kc[i];
        if (x->kc[i].my == NULL && x->kc_tried[i]) {
            continue; /* it could not connect before */
        }
        if (pthread_create(&kw[started].thread, NULL, kill_thread,
                           &kw[started]) == 0) {
            started++;
        }
    }
    for (i = 0; i < started; i++) {
        pthread_join(kw[i].thread, NULL);
        if (kw[i].cn->my != NULL && !is_own(x, kw[i].cn->thread_id) &&
            x->nown < sizeof(x->own) / sizeof(x->own[0])) {
            x->own[x->nown++] = kw[i].cn->thread_id;
        }
    }
    if (started == 0) {
        /* No connection of its own: w does it. */
        mmha_conn_bound(&x->w, until);
        kill_loop(&k, &x->w);
        mmha_conn_bound(&x->w, x->d);
    }
    pthread_mutex_destroy(&k.lock);
    if (x->r->kill_conns < (int)started) {
        x->r->kill_conns = (int)started;
    }
    for (i = 0; i < n; i++) {
        if (jobs[i].done) {
            record_kill(x, &jobs[i].s, jobs[i].why, jobs[i].connection,
                        jobs[i].err, jobs[i].errtext);
            done++;
        }
    }
    return done;
}

/* The bound of a batch of KILLs: the deadline less the margin. */
static void kill_bound(const struct ro *x, struct mmha_deadline *k)
{
    *k = *x->d;
    if (k->end_us != INT64_MAX) {
        k->end_us -= MARGIN_MS * 1000;
    }
}

static struct track *tracked(struct ro *x, unsigned long long id)
{
    size_t i;

    for (i = 0; i < x->ntrack; i++) {
        if (x->track[i].id == id) {
            return &x->track[i];
        }
    }
    if (x->ntrack == x->captrack) {
        size_t cap = x->captrack > 0 ? x->captrack * 2 : 64;
        struct track *t = realloc(x->track, cap * sizeof(*t));

        if (t == NULL) {
            return NULL;
        }
        x->track = t;
        x->captrack = cap;
    }
    memset(&x->track[x->ntrack], 0, sizeof(x->track[0]));
    x->track[x->ntrack].id = id;
    x->track[x->ntrack].query_at = -1;
    return &x->track[x->ntrack++];
}

/*
 * One blocker past its grace: KILL QUERY first; KILL CONNECTION when that
 * did not free the lock (or at once for an idle holder, e.g. LOCK TABLES,
 * which KILL QUERY cannot reach). Returns ms until it may act again, 0
 * with *kill (and *connection) set when a KILL is due now.
 */
static int64_t kill_due(struct ro *x, const struct mmha_session *s, bool *kill,
                        bool *connection)
{
    struct track *t = tracked(x, s->id);
    int64_t now = since_ms(x);
    bool idle = strcmp(s->command, "Sleep") == 0;

    *kill = false;
    if (t == NULL || t->conn_killed) {
        return POLL_MS; /* waiting for it to roll back and go */
    }
    if (t->query_at < 0 && !idle) {
        *kill = true;
        *connection = false;
        return 0;
    }
    if (idle || now - t->query_at >= ESCALATE_MS) {
        *kill = true;
        *connection = true;
        return 0;
    }
    return ESCALATE_MS - (now - t->query_at);
}

static void keep_blockers(struct ro *x, const struct sess_list *l)
{
    size_t i;

    x->r->nblockers = 0;
    for (i = 0; i < l->n && x->r->nblockers < MMHA_RO_BLOCKERS_MAX; i++) {
        if (l->blocks[i] && !is_own(x, l->s[i].id)) {
            x->r->blockers[x->r->nblockers++] = l->s[i];
        }
    }
}

/*
 * Look at the blockers and kill those past their grace (every due KILL of
 * a round sent at once, see run_kills). Returns how long to wait before
 * sending SET (0 = send now), or -1 on a query error.
 */
static int64_t handle_blockers(struct ro *x)
{
    struct sess_list l;
    struct kill_job *jobs;
    struct mmha_deadline kb;
    size_t njobs = 0;
    int64_t now = since_ms(x);
    int64_t wait = INT64_MAX;
    bool persistent = false;
    size_t i;

    if (blockers(x, &l) != 0) {
        return -1;
    }
    keep_blockers(x, &l);
    jobs = calloc(l.n > 0 ? l.n : 1, sizeof(*jobs));
    if (jobs == NULL) {
        sess_free(&l);
        return -1;
    }
    for (i = 0; i < l.n; i++) {
        const struct mmha_session *s = &l.s[i];
        enum mmha_session_kind k;
        int64_t began;
        int64_t due;

        if (!l.blocks[i] || s->age_ms < SETTLE_MS) {
            continue;
        }
        k = mmha_session_classify(s, x->own, x->nown, x->o->spare,
                                  x->o->nspare);
        if (k == MMHA_SESSION_OWN) {
            continue;
        }
        persistent = true;
        if (k != MMHA_SESSION_CLIENT) {
            wait = wait < POLL_MS ? wait : POLL_MS; /* never killed */
            continue;
        }
        /* Grace: kill_after from its start, and from ours. */
        began = now - s->age_ms;
        due = began + x->o->kill_after_ms;
        if (due < x->o->kill_after_ms) {
            due = x->o->kill_after_ms;
        }
        if (now >= due) {
            bool kill;
            bool connection = false;
            int64_t again = kill_due(x, s, &kill, &connection);

            if (kill) {
                jobs[njobs].s = *s;
                jobs[njobs].why = MMHA_KILL_BLOCKER;
                jobs[njobs].connection = connection;
                njobs++;
            } else if (again < wait) {
                wait = again;
            }
        } else if (due - now < wait) {
            wait = due - now;
        }
    }
    sess_free(&l);
    kill_bound(x, &kb);
    run_kills(x, jobs, njobs, &kb);
    for (i = 0; i < njobs; i++) {
        struct track *t = tracked(x, jobs[i].s.id);

        if (t != NULL && jobs[i].done) {
            if (jobs[i].connection) {
                t->conn_killed = true;
            } else {
                t->query_at = since_ms(x);
            }
        }
    }
    free(jobs);
    if (njobs > 0 || !persistent) {
        return 0;
    }
    return wait < POLL_MS ? wait : POLL_MS;
}

/* Wait up to ms for the pending statement on c: 1 done, 0 not yet. */
static int ready(struct ro *x, int64_t ms)
{
    struct pollfd p = {.fd = (int)mysql_get_socket(x->c.my), .events = POLLIN};
    int n = poll(&p, 1, (int)(ms < 0 ? 0 : ms));

    return n > 0 ? 1 : 0;
}

/* Read the pending statement's result: 0 or the server's errno. */
static unsigned int finish(struct ro *x)
{
    unsigned int e = 0;

    x->pending = false;
    if (mysql_read_query_result(x->c.my) != 0) {
        e = mysql_errno(x->c.my);
    }
    return e;
}

/*
 * Cut the pending statement: KILL QUERY from w, then its result; at most
 * CUT_MS past the deadline (the attempt itself ends MARGIN_MS before it).
 */
static unsigned int cut(struct ro *x)
{
    struct mmha_deadline k;
    int64_t left = mmha_deadline_left_ms(x->d);
    unsigned int e;

    mmha_deadline_cleanup(&k, (left == INT64_MAX ? 2000 : left) + CUT_MS);
    mmha_conn_bound(&x->w, &k);
    mmha_conn_bound(&x->c, &k);
    mmha_execf(&x->w, "KILL QUERY %lu", x->c.thread_id);
    /* The KILL is answered at once; the result follows it. */
    ready(x, mmha_deadline_left_ms(&k));
    e = finish(x);
    mmha_conn_bound(&x->w, x->d);
    mmha_conn_bound(&x->c, x->d);
    return e;
}

/*
 * Send sql on c and wait up to ms: 0 = it succeeded, the server's errno on
 * error, ER_LOCK_WAIT_TIMEOUT when it was cut still waiting.
 */
static unsigned int attempt(struct ro *x, const char *sql, int64_t ms)
{
    unsigned int e;

    if (mysql_send_query(x->c.my, sql, (unsigned long)strlen(sql)) != 0) {
        return mysql_errno(x->c.my);
    }
    x->pending = true;
    if (ready(x, ms) == 1) {
        return finish(x);
    }
    e = cut(x);
    /* It may have got through just before the KILL. */
    return e == ER_QUERY_INTERRUPTED ? ER_LOCK_WAIT_TIMEOUT : e;
}

static void blocker_text(const struct mmha_readonly_report *r, char *buf,
                         size_t len)
{
    size_t i;
    size_t used = 0;

    buf[0] = '\0';
    for (i = 0; i < r->nblockers && used < len; i++) {
        const struct mmha_session *s = &r->blockers[i];
        int n = snprintf(buf + used, len - used, "%s%llu %s@%s (%s %.1f s: %s)",
                         i > 0 ? ", " : "", s->id, s->user, s->host, s->command,
                         (double)s->age_ms / 1000.0,
                         s->statement[0] != '\0' ? s->statement : "-");

        if (n < 0) {
            break;
        }
        used += (size_t)n;
    }
}

static void give_up_message(struct ro *x)
{
    char *m = x->r->message;
    size_t len = sizeof(x->r->message);
    int n = snprintf(m, len,
                     "deadline passed after %lld ms without read_only=1; "
                     "blocked by ",
                     (long long)since_ms(x));

    if (n < 0 || (size_t)n >= len) {
        return;
    }
    if (x->r->nblockers > 0) {
        blocker_text(x->r, m + n, len - (size_t)n);
    } else {
        snprintf(m + n, len - (size_t)n, "%s",
                 x->lock_table ? "a session the lock table does not show"
                               : "a session not found by statement (no lock "
                                 "table: load the metadata_lock_info "
                                 "plugin)");
    }
}

/* Loop until read_only=1 or the deadline: an mmha_exit code. */
static int reach_read_only(struct ro *x)
{
    int64_t probe = PROBE_MS;

    for (;;) {
        int64_t left = mmha_deadline_left_ms(x->d) - MARGIN_MS;
        int64_t wait;
        unsigned int e;

        if (left <= 0) {
            give_up_message(x);
            return MMHA_EXIT_DEADLINE;
        }
        wait = handle_blockers(x);
        if (wait < 0) {
            snprintf(x->r->message, sizeof(x->r->message),
                     "cannot list sessions: %s", mysql_error(x->w.my));
            return mmha_exit_for_errno(mysql_errno(x->w.my));
        }
        left = mmha_deadline_left_ms(x->d) - MARGIN_MS;
        if (wait > 0) {
            mmha_deadline_sleep_ms(x->d, wait < left ? wait : left);
            continue;
        }
        if (left <= 0) {
            continue;
        }
        x->r->attempts++;
        e = attempt(x, SQL_RO_ON, probe < left ? probe : left);
        if (e == 0) {
            return MMHA_EXIT_OK;
        }
        if (e != ER_LOCK_WAIT_TIMEOUT) {
            snprintf(x->r->message, sizeof(x->r->message), "%s: %s", SQL_RO_ON,
                     mysql_error(x->c.my));
            return mmha_exit_for_errno(e);
        }
        /* Cut while waiting for something not yet seen: look longer. */
        probe = probe * 2 < PROBE_MAX_MS ? probe * 2 : PROBE_MAX_MS;
        mmha_debug("attempt %d cut after waiting; blockers again",
                   x->r->attempts);
    }
}

static bool read_flag(struct mmha_conn *cn, const char *var, bool *out)
{
    char sql[64];
    char buf[16];

    snprintf(sql, sizeof(sql), "SELECT @@GLOBAL.%s", var);
    if (mmha_query_value(cn, sql, buf, sizeof(buf), NULL) != 0) {
        return false;
    }
    *out = strcmp(buf, "1") == 0;
    return true;
}

/*
 * Put read_only / super_read_only back as they were: read_only=1 was not
 * reached. Under a short cleanup bound of its own (the deadline may have
 * passed, or a stop come).
 */
static void restore(struct ro *x)
{
    struct mmha_conn *cn = &x->w;
    const char *sro_off =
        mmha_sql_text(&cn->version, MMHA_SQL_SUPER_READ_ONLY_OFF);
    struct mmha_deadline k;
    bool ro = false;
    unsigned int e = 0;

    if (x->pending) {
        cut(x);
    }
    mmha_deadline_cleanup(&k, RESTORE_MS);
    mmha_conn_bound(cn, &k);
    if (!read_flag(cn, "read_only", &ro)) {
        mmha_err("cannot read read_only to restore it: %s",
                 mysql_error(cn->my));
        return;
    }
    if (ro && !x->r->was_read_only) {
        e = mmha_exec(cn, SQL_RO_OFF);
    } else if (!x->r->was_super_read_only && sro_off[0] != '\0') {
        e = mmha_exec(cn, sro_off);
    }
    if (e != 0) {
        mmha_err("cannot restore read_only: %s", mysql_error(cn->my));
        return;
    }
    x->r->read_only = x->r->was_read_only;
}

/* The accounts that write despite read_only (at most 64 named). */
static unsigned int bypass_users(struct ro *x, char users[][MMHA_SESS_USER_MAX],
                                 size_t max, size_t *n)
{
    MYSQL_RES *res;
    MYSQL_ROW row;

    *n = 0;
    if (mysql_query(x->w.my, mmha_sql_text(&x->w.version,
                                           MMHA_SQL_RO_BYPASS_GRANTEES)) != 0) {
        return mysql_errno(x->w.my);
    }
    res = mysql_store_result(x->w.my);
    while (res != NULL && (row = mysql_fetch_row(res)) != NULL && *n < max) {
        if (mmha_grantee_user(row[0], users[*n], MMHA_SESS_USER_MAX)) {
            (*n)++;
        }
    }
    if (res != NULL) {
        mysql_free_result(res);
    }
    return mysql_errno(x->w.my);
}

/*
 * The KILLs due once read-only: every session of an account that writes
 * despite read_only (first), then (unless kept) every client. jobs is
 * allocated; *nbypass of them lead the list.
 */
static unsigned int writer_jobs(struct ro *x, struct kill_job **jobs, size_t *n,
                                size_t *nbypass)
{
    char users[64][MMHA_SESS_USER_MAX];
    size_t nusers = 0;
    struct sess_list l;
    unsigned int e;
    size_t i;
    int pass;

    *jobs = NULL;
    *n = 0;
    *nbypass = 0;
    e = bypass_users(x, users, 64, &nusers);
    if (e == 0) {
        e = fetch(&x->w, mmha_sql_text(&x->w.version, MMHA_SQL_SESSIONS), false,
                  &l);
    }
    if (e != 0) {
        return e;
    }
    *jobs = calloc(l.n > 0 ? l.n : 1, sizeof(**jobs));
    if (*jobs == NULL) {
        sess_free(&l);
        return CR_OUT_OF_MEMORY;
    }
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < l.n; i++) {
            const struct mmha_session *s = &l.s[i];
            bool bypass = false;
            size_t j;

            if (mmha_session_classify(s, x->own, x->nown, x->o->spare,
                                      x->o->nspare) != MMHA_SESSION_CLIENT) {
                continue;
            }
            for (j = 0; j < nusers; j++) {
                if (strcmp(users[j], s->user) == 0) {
                    bypass = true;
                }
            }
            if (bypass != (pass == 0) || (!bypass && x->o->keep_clients)) {
                continue;
            }
            (*jobs)[*n].s = *s;
            (*jobs)[*n].why = bypass ? MMHA_KILL_BYPASS_USER : MMHA_KILL_CLIENT;
            (*jobs)[*n].connection = true;
            (*n)++;
            *nbypass += bypass ? 1 : 0;
        }
    }
    sess_free(&l);
    return 0;
}

/*
 * Which killed (or not yet killed) sessions are still there: watched until
 * every killed one is gone, GONE_WAIT_MS at most and never past the
 * deadline (less a few ms to report); the rest go to r->alive.
 */
static void note_alive(struct ro *x, const struct kill_job *jobs, size_t n)
{
    struct mmha_readonly_report *r = x->r;
    int64_t until = mmha_now_us() + GONE_WAIT_MS * 1000;
    bool *there = calloc(n > 0 ? n : 1, sizeof(*there));
    size_t i;

    if (there == NULL || n == 0) {
        free(there);
        return;
    }
    for (i = 0; i < n; i++) {
        there[i] = true; /* unknown until a list says otherwise */
    }
    for (;;) {
        struct sess_list l;
        bool waiting = false;
        size_t j;

        /* One list at least when 15 ms are left: it takes a few. */
        if (mmha_deadline_left_ms(x->d) <= 15 ||
            fetch(&x->w, mmha_sql_text(&x->w.version, MMHA_SQL_SESSIONS), false,
                  &l) != 0) {
            break;
        }
        for (i = 0; i < n; i++) {
            there[i] = false;
            for (j = 0; j < l.n; j++) {
                if (l.s[j].id == jobs[i].s.id) {
                    there[i] = true;
                    waiting = waiting || jobs[i].done;
                }
            }
        }
        sess_free(&l);
        if (!waiting || mmha_now_us() >= until ||
            mmha_deadline_left_ms(x->d) <= GONE_POLL_MS + 15 ||
            !mmha_deadline_sleep_ms(x->d, GONE_POLL_MS)) {
            break;
        }
    }
    for (i = 0; i < n; i++) {
        struct mmha_alive *a;

        if (!there[i]) {
            continue;
        }
        r->alive_total++;
        if (r->nalive == MMHA_RO_ALIVE_MAX) {
            continue;
        }
        a = &r->alive[r->nalive++];
        a->id = jobs[i].s.id;
        snprintf(a->user, sizeof(a->user), "%s", jobs[i].s.user);
        snprintf(a->host, sizeof(a->host), "%s", jobs[i].s.host);
        a->reason = jobs[i].why;
        a->killed = jobs[i].done;
    }
    free(there);
}

/*
 * Whether two reads of the position are at the same place: 1 yes, 0 no,
 * -1 out of memory (the own parts of GTID sets of any size are compared
 * whole, never a cut prefix).
 */
static int same_place(const struct mmha_binlog_pos *a,
                      const struct mmha_binlog_pos *b)
{
    char *oa;
    char *ob;
    int same;

    if (a->gtid_binlog[0] == '\0' && b->gtid_binlog[0] == '\0') {
        return strcmp(a->file, b->file) == 0 && a->pos == b->pos ? 1 : 0;
    }
    /* Replicated events move file/pos: only our own writes count. */
    oa = mmha_gtid_own_part(a->gtid_binlog, a->server_id, a->server_uuid);
    ob = mmha_gtid_own_part(b->gtid_binlog, b->server_id, b->server_uuid);
    same = oa == NULL || ob == NULL ? -1 : strcmp(oa, ob) == 0 ? 1 : 0;
    free(oa);
    free(ob);
    return same;
}

#define SWAP_POS(a, b)                                                         \
    do {                                                                       \
        struct mmha_binlog_pos *t_ = (a);                                      \
        (a) = (b);                                                             \
        (b) = t_;                                                              \
    } while (0)

/* Read the position until two reads still_ms apart agree. */
static int wait_still(struct ro *x)
{
    struct mmha_binlog_pos *prev = calloc(1, sizeof(*prev));
    struct mmha_binlog_pos *cur = calloc(1, sizeof(*cur));
    int rc = MMHA_EXIT_DEADLINE;
    unsigned int e;
    int same;

    if (prev == NULL || cur == NULL) {
        free(prev);
        free(cur);
        return MMHA_EXIT_OSERR;
    }
    e = mmha_binlog_pos_read(&x->w, prev);
    while (e == 0) {
        if (mmha_deadline_left_ms(x->d) - MARGIN_MS < x->o->still_ms) {
            snprintf(x->r->message, sizeof(x->r->message),
                     "read_only=1 kept; deadline passed before the binary "
                     "log position was still");
            break;
        }
        mmha_deadline_sleep_ms(x->d, x->o->still_ms);
        e = mmha_binlog_pos_read(&x->w, cur);
        same = e == 0 ? same_place(prev, cur) : 0;
        if (same < 0) {
            snprintf(x->r->message, sizeof(x->r->message),
                     "read_only=1 kept; out of memory comparing positions");
            rc = MMHA_EXIT_OSERR;
            break;
        }
        if (same == 1) {
            /* Moved, not copied: its GTID strings are on the heap. */
            mmha_binlog_pos_free(&x->r->pos);
            x->r->pos = *cur;
            memset(cur, 0, sizeof(*cur));
            x->r->pos_valid = true;
            rc = MMHA_EXIT_OK;
            break;
        }
        SWAP_POS(prev, cur);
    }
    if (e != 0) {
        snprintf(x->r->message, sizeof(x->r->message),
                 "read_only=1 kept; cannot read the binary log position: %s",
                 mysql_error(x->w.my));
        rc = mmha_exit_for_errno(e);
    }
    mmha_binlog_pos_free(prev);
    mmha_binlog_pos_free(cur);
    free(prev);
    free(cur);
    return rc;
}

static int connect_both(struct ro *x, const struct mmha_conn_opts *co)
{
    char err[512];
    int rc = x->o->dry_run ? MMHA_EXIT_OK
                           : mmha_connect(&x->c, co, x->d, err, sizeof(err));

    if (rc == MMHA_EXIT_OK) {
        rc = mmha_connect(&x->w, co, x->d, err, sizeof(err));
    }
    if (rc != MMHA_EXIT_OK) {
        snprintf(x->r->message, sizeof(x->r->message), "%s", err);
        return rc;
    }
    x->own[x->nown++] = x->w.thread_id;
    if (!x->o->dry_run) {
        x->own[x->nown++] = x->c.thread_id;
    }
    return MMHA_EXIT_OK;
}

/*
 * read_only=1 is reached: never undone from here. super_read_only (MySQL),
 * the sessions that can still write killed, the position once still, then
 * the clients killed with the time left; those still there named.
 */
static int after_read_only(struct ro *x)
{
    const char *sro_on =
        mmha_sql_text(&x->c.version, MMHA_SQL_SUPER_READ_ONLY_ON);
    struct kill_job *jobs = NULL;
    struct mmha_deadline kb;
    size_t n = 0;
    size_t nbypass = 0;
    unsigned int e;
    int rc;

    if (sro_on[0] != '\0') {
        e = attempt(x, sro_on, mmha_deadline_left_ms(x->d) - MARGIN_MS);
        if (e != 0) {
            snprintf(x->r->message, sizeof(x->r->message),
                     "read_only=1 kept; %s: %s", sro_on,
                     e == ER_LOCK_WAIT_TIMEOUT ? "deadline passed"
                                               : mysql_error(x->c.my));
            return e == ER_LOCK_WAIT_TIMEOUT ? MMHA_EXIT_DEADLINE
                                             : mmha_exit_for_errno(e);
        }
    }
    e = writer_jobs(x, &jobs, &n, &nbypass);
    if (e != 0) {
        snprintf(x->r->message, sizeof(x->r->message),
                 "read_only=1 kept; cannot list the sessions to kill: %s",
                 mysql_error(x->w.my));
        return mmha_exit_for_errno(e);
    }
    kill_bound(x, &kb);
    run_kills(x, jobs, nbypass, &kb);
    rc = wait_still(x);
    kill_bound(x, &kb);
    run_kills(x, jobs + nbypass, n - nbypass, &kb);
    note_alive(x, jobs, n);
    free(jobs);
    if (rc == MMHA_EXIT_OK && x->r->alive_total > 0) {
        snprintf(x->r->message, sizeof(x->r->message),
                 "read_only=1; %zu session(s) still connected at the end "
                 "(see alive)",
                 x->r->alive_total);
    }
    return rc;
}

/* --dry-run: what a demotion now would kill; nothing is changed. */
static int dry_run(struct ro *x)
{
    struct sess_list b;
    struct kill_job *jobs = NULL;
    size_t n = 0;
    size_t nbypass = 0;
    size_t i;
    size_t j;
    unsigned int e;

    x->r->dry_run = true;
    e = blockers(x, &b);
    if (e != 0) {
        snprintf(x->r->message, sizeof(x->r->message),
                 "cannot list sessions: %s", mysql_error(x->w.my));
        return mmha_exit_for_errno(e);
    }
    keep_blockers(x, &b);
    for (i = 0; i < b.n; i++) {
        if (b.blocks[i] &&
            mmha_session_classify(&b.s[i], x->own, x->nown, x->o->spare,
                                  x->o->nspare) == MMHA_SESSION_CLIENT) {
            record_kill(x, &b.s[i], MMHA_KILL_BLOCKER,
                        strcmp(b.s[i].command, "Sleep") == 0, 0, "");
        }
    }
    e = writer_jobs(x, &jobs, &n, &nbypass);
    if (e != 0) {
        sess_free(&b);
        snprintf(x->r->message, sizeof(x->r->message),
                 "cannot list sessions: %s", mysql_error(x->w.my));
        return mmha_exit_for_errno(e);
    }
    for (i = 0; i < n; i++) {
        bool listed = false;

        for (j = 0; j < b.n; j++) {
            listed = listed || (b.blocks[j] && b.s[j].id == jobs[i].s.id);
        }
        if (!listed) {
            record_kill(x, &jobs[i].s, jobs[i].why, true, 0, "");
        }
    }
    sess_free(&b);
    free(jobs);
    return MMHA_EXIT_OK;
}

int mmha_make_read_only(const struct mmha_conn_opts *co,
                        const struct mmha_readonly_opts *o,
                        const struct mmha_deadline *d,
                        struct mmha_readonly_report *r)
{
    struct ro *x = calloc(1, sizeof(*x));
    int rc;
    size_t i;

    memset(r, 0, sizeof(*r));
    r->read_only_ms = -1;
    if (x == NULL) {
        snprintf(r->message, sizeof(r->message), "out of memory");
        return MMHA_EXIT_OSERR;
    }
    x->co = co;
    x->o = o;
    x->d = d;
    x->r = r;
    x->start_us = mmha_now_us();
    x->lock_table = true;
    r->lock_table = true;
    rc = connect_both(x, co);
    if (rc != MMHA_EXIT_OK) {
        goto done;
    }
    if (!read_flag(&x->w, "read_only", &r->was_read_only) ||
        (mmha_has_super_read_only(&x->w.version) &&
         !read_flag(&x->w, "super_read_only", &r->was_super_read_only))) {
        snprintf(r->message, sizeof(r->message), "cannot read read_only: %s",
                 mysql_error(x->w.my));
        rc = mmha_exit_for_errno(mysql_errno(x->w.my));
        goto done;
    }
    r->read_only = r->was_read_only;
    if (o->dry_run) {
        rc = dry_run(x);
        goto done;
    }
    /* Server-side backstop should we die with a SET waiting. */
    mmha_execf(&x->c, "SET SESSION lock_wait_timeout=%lld",
               (long long)(mmha_deadline_left_ms(d) / 1000 + 1));
    rc = reach_read_only(x);
    if (rc == MMHA_EXIT_OK) {
        r->read_only = true;
        r->read_only_ms = since_ms(x);
        mmha_info("read_only=1 after %lld ms, %d attempt(s)",
                  (long long)r->read_only_ms, r->attempts);
        rc = after_read_only(x);
    } else {
        restore(x);
    }
done:
    r->elapsed_ms = since_ms(x);
    mmha_disconnect(&x->c);
    mmha_disconnect(&x->w);
    for (i = 0; i < MMHA_RO_KILL_CONNS_MAX; i++) {
        mmha_disconnect(&x->kc[i]);
    }
    free(x->track);
    free(x);
    return rc;
}

int mmha_make_writable(const struct mmha_conn_opts *co,
                       const struct mmha_deadline *d,
                       struct mmha_readonly_report *r)
{
    struct ro *x = calloc(1, sizeof(*x));
    const char *sro_off;
    char err[512];
    unsigned int e = 0;
    int rc;

    memset(r, 0, sizeof(*r));
    r->writable_mode = true;
    r->read_only_ms = -1;
    if (x == NULL) {
        snprintf(r->message, sizeof(r->message), "out of memory");
        return MMHA_EXIT_OSERR;
    }
    x->start_us = mmha_now_us();
    rc = mmha_connect(&x->w, co, d, err, sizeof(err));
    if (rc != MMHA_EXIT_OK) {
        snprintf(r->message, sizeof(r->message), "%s", err);
        goto done;
    }
    sro_off = mmha_sql_text(&x->w.version, MMHA_SQL_SUPER_READ_ONLY_OFF);
    if (!read_flag(&x->w, "read_only", &r->was_read_only) ||
        (sro_off[0] != '\0' &&
         !read_flag(&x->w, "super_read_only", &r->was_super_read_only))) {
        e = mysql_errno(x->w.my);
    }
    if (e == 0 && sro_off[0] != '\0') {
        e = mmha_exec(&x->w, sro_off);
    }
    if (e == 0) {
        e = mmha_exec(&x->w, SQL_RO_OFF);
    }
    if (e == 0) {
        e = mmha_binlog_pos_read(&x->w, &r->pos);
        r->pos_valid = e == 0;
    }
    if (e != 0) {
        snprintf(r->message, sizeof(r->message), "%s", mysql_error(x->w.my));
        rc = mmha_exit_for_errno(e);
        goto done;
    }
    r->read_only = r->pos.read_only;
    if (mmha_deadline_passed(d)) {
        snprintf(r->message, sizeof(r->message), "deadline passed");
        rc = MMHA_EXIT_DEADLINE;
    }
done:
    r->elapsed_ms = since_ms(x);
    mmha_disconnect(&x->w);
    free(x);
    return rc;
}

static void session_out(struct mmha_out *out, const struct mmha_session *s)
{
    mmha_out_int(out, "id", (long long)s->id);
    mmha_out_str(out, "user", s->user);
    mmha_out_str(out, "host", s->host);
    mmha_out_str(out, "command", s->command);
    mmha_out_int(out, "time_ms", (long long)s->age_ms);
    mmha_out_str(out, "statement", s->statement);
}

void mmha_readonly_report_out(struct mmha_out *out,
                              const struct mmha_readonly_report *r, int code)
{
    size_t i;

    mmha_out_str(out, "status", mmha_exit_name(code));
    mmha_out_str(out, "action", r->writable_mode ? "writable" : "read-only");
    mmha_out_bool(out, "read_only", r->read_only);
    mmha_out_bool(out, "was_read_only", r->was_read_only);
    if (r->read_only_ms >= 0) {
        mmha_out_int(out, "read_only_ms", (long long)r->read_only_ms);
    } else {
        mmha_out_str(out, "read_only_ms", NULL);
    }
    mmha_out_int(out, "elapsed_ms", (long long)r->elapsed_ms);
    if (!r->writable_mode) {
        mmha_out_int(out, "attempts", r->attempts);
        mmha_out_str(out, "blockers_by", r->lock_table ? "lock" : "statement");
        mmha_out_list_begin(out, "kills");
        for (i = 0; i < r->nkills; i++) {
            const struct mmha_kill *k = &r->kills[i];

            mmha_out_item_begin(out);
            session_out(out, &k->s);
            mmha_out_str(out, "kill", k->connection ? "connection" : "query");
            mmha_out_str(out, "reason", mmha_kill_reason_name(k->reason));
            mmha_out_int(out, "error", k->err);
            mmha_out_close(out);
        }
        mmha_out_close(out);
        mmha_out_int(out, "kills_not_listed", (long long)r->kills_dropped);
        mmha_out_bool(out, "dry_run", r->dry_run);
        mmha_out_int(out, "kill_connections", r->kill_conns);
        mmha_out_list_begin(out, "alive");
        for (i = 0; i < r->nalive; i++) {
            const struct mmha_alive *a = &r->alive[i];

            mmha_out_item_begin(out);
            mmha_out_int(out, "id", (long long)a->id);
            mmha_out_str(out, "user", a->user);
            mmha_out_str(out, "host", a->host);
            mmha_out_str(out, "reason", mmha_kill_reason_name(a->reason));
            mmha_out_bool(out, "killed", a->killed);
            mmha_out_close(out);
        }
        mmha_out_close(out);
        mmha_out_int(out, "alive_not_listed",
                     (long long)(r->alive_total - r->nalive));
        mmha_out_list_begin(out, "blockers");
        for (i = 0; code != 0 && i < r->nblockers; i++) {
            mmha_out_item_begin(out);
            session_out(out, &r->blockers[i]);
            mmha_out_str(out, "lock", r->blockers[i].lock);
            mmha_out_close(out);
        }
        mmha_out_close(out);
    }
    if (r->pos_valid) {
        mmha_binlog_pos_out(out, "position", &r->pos);
    }
    mmha_out_str(out, "message", r->message[0] != '\0' ? r->message : NULL);
}
