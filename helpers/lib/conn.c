/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded connections from option files; small query conveniences. */
#include "conn.h"

#include <errmsg.h>
#include <errno.h>
#include <mysqld_error.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "defaults.h"
#include "exitcode.h"

enum { SQL_MAX = 8192 };

/*
 * The bound of each connection, found by its socket when the client
 * library waits (io_wait below). The library passes no context to that
 * callback, so connections are registered here by socket; while
 * mysql_real_connect runs, the socket is not known yet and the thread's
 * "connecting" bound applies.
 */
struct bound {
    const MYSQL *owner;
    int fd; /* -1 when closed or not known */
    struct mmha_deadline d;
    bool cut;
};

static pthread_mutex_t bounds_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bound *bounds;
static size_t nbounds;
static size_t capbounds;
static __thread struct bound *connecting;
static __thread bool last_cut; /* this thread's last cut wait */

/* Index of owner's entry, or nbounds. Under bounds_lock. */
static size_t bound_find(const MYSQL *owner)
{
    size_t i;

    for (i = 0; i < nbounds; i++) {
        if (bounds[i].owner == owner) {
            return i;
        }
    }
    return nbounds;
}

static void bound_set(const MYSQL *owner, int fd, const struct mmha_deadline *d)
{
    size_t i;

    pthread_mutex_lock(&bounds_lock);
    /* A socket number a dead connection had belongs to this one now. */
    for (i = 0; fd >= 0 && i < nbounds; i++) {
        if (bounds[i].fd == fd && bounds[i].owner != owner) {
            bounds[i].fd = -1;
        }
    }
    i = bound_find(owner);
    if (i == nbounds && nbounds == capbounds) {
        size_t cap = capbounds > 0 ? capbounds * 2 : 8;
        struct bound *nb = realloc(bounds, cap * sizeof(*nb));

        if (nb == NULL) {
            pthread_mutex_unlock(&bounds_lock);
            return; /* the library's own whole-second bounds remain */
        }
        bounds = nb;
        capbounds = cap;
    }
    if (i == nbounds) {
        nbounds++;
        bounds[i].cut = false;
    }
    bounds[i].owner = owner;
    bounds[i].fd = fd;
    bounds[i].d = *d;
    pthread_mutex_unlock(&bounds_lock);
}

static void bound_drop(const MYSQL *owner)
{
    size_t i;

    pthread_mutex_lock(&bounds_lock);
    i = bound_find(owner);
    if (i < nbounds) {
        bounds[i] = bounds[--nbounds];
    }
    if (nbounds == 0) {
        free(bounds);
        bounds = NULL;
        capbounds = 0;
    }
    pthread_mutex_unlock(&bounds_lock);
}

/* The bound for a wait on fd: false when there is none. */
static bool bound_of(int fd, struct mmha_deadline *d)
{
    size_t i;
    bool found = false;

    if (connecting != NULL) {
        *d = connecting->d;
        return true;
    }
    pthread_mutex_lock(&bounds_lock);
    for (i = 0; i < nbounds; i++) {
        if (bounds[i].fd == fd) {
            *d = bounds[i].d;
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&bounds_lock);
    return found;
}

static void bound_mark_cut(int fd)
{
    size_t i;

    last_cut = true;
    if (connecting != NULL) {
        connecting->cut = true;
        return;
    }
    pthread_mutex_lock(&bounds_lock);
    for (i = 0; i < nbounds; i++) {
        if (bounds[i].fd == fd) {
            bounds[i].cut = true;
            /* The library closes the socket after a failed read. */
            bounds[i].fd = -1;
        }
    }
    pthread_mutex_unlock(&bounds_lock);
}

/*
 * The client library's wait for its socket (MARIADB_OPT_IO_WAIT): its own
 * timeout (whole seconds, restarted by every byte a trickling peer sends)
 * and, to the millisecond, the connection's deadline, which nothing
 * restarts; a stop wakes it. >0 ready, 0 timed out (errno ETIMEDOUT),
 * <0 error.
 */
static int io_wait(my_socket fd, my_bool is_read, int timeout)
{
    struct mmha_deadline d;
    bool bounded = bound_of((int)fd, &d);
    int64_t lib_end =
        timeout > 0 ? mmha_now_us() + (int64_t)timeout * 1000 : INT64_MAX;

    for (;;) {
        struct pollfd p[2] = {
            {.fd = (int)fd, .events = is_read ? POLLIN : POLLOUT},
            {.fd = mmha_stop_fd(), .events = POLLIN},
        };
        int64_t left = bounded ? mmha_deadline_left_us(&d) : INT64_MAX;
        int64_t lib_left =
            lib_end == INT64_MAX ? INT64_MAX : lib_end - mmha_now_us();
        bool ours = left <= lib_left;
        int64_t us = ours ? left : lib_left;
        nfds_t n = bounded && !d.cleanup && p[1].fd >= 0 ? 2 : 1;
        int ms;
        int rc;

        if (us <= 0) {
            if (ours) {
                bound_mark_cut((int)fd);
            }
            errno = ETIMEDOUT;
            return 0;
        }
        ms = us == INT64_MAX         ? -1
             : us > 3600LL * 1000000 ? 3600 * 1000
                                     : (int)((us + 999) / 1000);
        rc = poll(p, n, ms);
        if ((rc < 0 && errno == EINTR) || rc == 0) {
            continue; /* time-out: the top of the loop tells whose */
        }
        if (rc > 0 && p[0].revents == 0) {
            continue; /* the stop pipe: the deadline has passed now */
        }
        return rc;
    }
}

/* The library's own bound: whole seconds, rounded up, at least 1; the
 * deadline itself is kept by io_wait. */
static unsigned int seconds_left(const struct mmha_deadline *d)
{
    int64_t ms = mmha_deadline_left_ms(d);

    if (ms == INT64_MAX || ms > 3600 * 1000) {
        return 3600;
    }
    return ms <= 1000 ? 1 : (unsigned int)((ms + 999) / 1000);
}

bool mmha_conn_cut(const struct mmha_conn *c)
{
    size_t i;
    bool cut = false;

    pthread_mutex_lock(&bounds_lock);
    i = bound_find(c->my);
    if (c->my != NULL && i < nbounds) {
        cut = bounds[i].cut;
    }
    pthread_mutex_unlock(&bounds_lock);
    return cut;
}

int mmha_exit_for_errno(unsigned int err)
{
    if (last_cut && (err == CR_SERVER_LOST || err == CR_SERVER_GONE_ERROR ||
                     err == CR_CONNECTION_ERROR || err == CR_CONN_HOST_ERROR)) {
        return MMHA_EXIT_DEADLINE;
    }
    switch (err) {
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_PROCACCESS_DENIED_ERROR:
    case ER_KILL_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR: return MMHA_EXIT_NOPERM;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST: return MMHA_EXIT_UNAVAILABLE;
    default: return MMHA_EXIT_ERROR;
    }
}

void mmha_conn_bound(struct mmha_conn *c, const struct mmha_deadline *d)
{
    if (c->my != NULL) {
        bound_set(c->my, (int)mysql_get_socket(c->my), d);
    }
}

/*
 * Make the client library read exactly the option files of o
 * (defaults.h): none, the one --defaults-file, or the list handed over as
 * a file of !include lines in memory (it holds paths, no secret). *fd: that
 * file, to close once connected, or -1. 0 or an exit code with err.
 */
static int read_defaults(MYSQL *my, const struct mmha_conn_opts *o, int *fd,
                         char *err, size_t errlen)
{
    struct mmha_defaults l;
    char name[64];
    size_t i;
    int rc;

    *fd = -1;
    if (o->no_defaults) {
        return 0;
    }
    if (o->defaults_file != NULL && o->extra_file == NULL) {
        mysql_options(my, MYSQL_READ_DEFAULT_FILE, o->defaults_file);
    } else {
        rc = mmha_defaults_list(o, &l, err, errlen);
        if (rc != 0) {
            return rc;
        }
        *fd = memfd_create("mmha-defaults", MFD_CLOEXEC);
        if (*fd < 0) {
            snprintf(err, errlen, "memfd_create: %s", strerror(errno));
            return MMHA_EXIT_OSERR;
        }
        for (i = 0; i < l.n; i++) {
            dprintf(*fd, "!include %s\n", l.f[i].path);
        }
        snprintf(name, sizeof(name), "/proc/self/fd/%d", *fd);
        mysql_options(my, MYSQL_READ_DEFAULT_FILE, name);
    }
    mysql_options(my, MYSQL_READ_DEFAULT_GROUP,
                  o->group != NULL ? o->group : "client");
    return 0;
}

int mmha_connect(struct mmha_conn *c, const struct mmha_conn_opts *o,
                 const struct mmha_deadline *d, char *err, size_t errlen)
{
    unsigned int s = seconds_left(d);
    struct bound b = {.owner = NULL, .fd = -1, .d = *d, .cut = false};
    MYSQL *ok;
    unsigned int e;
    char version[64];
    int files_fd;
    int rc;

    memset(c, 0, sizeof(*c));
    last_cut = false;
    if (o->defaults_file != NULL && access(o->defaults_file, R_OK) != 0) {
        snprintf(err, errlen, "--defaults-file %s: cannot read it: %s",
                 o->defaults_file, strerror(errno));
        return MMHA_EXIT_NOINPUT;
    }
    c->my = mysql_init(NULL);
    if (c->my == NULL) {
        snprintf(err, errlen, "out of memory");
        return MMHA_EXIT_OSERR;
    }
    rc = read_defaults(c->my, o, &files_fd, err, errlen);
    if (rc != 0) {
        mysql_close(c->my);
        c->my = NULL;
        return rc;
    }
    mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &s);
    mysql_options(c->my, MYSQL_OPT_READ_TIMEOUT, &s);
    mysql_options(c->my, MYSQL_OPT_WRITE_TIMEOUT, &s);
    mysql_optionsv(c->my, MARIADB_OPT_IO_WAIT, io_wait);
    connecting = &b;
    ok = mysql_real_connect(c->my, o->host, o->user, NULL, NULL, o->port,
                            o->socket, 0);
    connecting = NULL;
    if (files_fd >= 0) {
        close(files_fd);
    }
    if (ok == NULL) {
        e = mysql_errno(c->my);
        /* Past the deadline the failure is the deadline's, whatever the
         * library saw: its own timeouts are whole seconds from the start
         * of each read and may end a few ms later (as check_read). */
        b.cut = b.cut || mmha_deadline_passed(d);
        snprintf(err, errlen, "cannot connect to %s: %s",
                 o->host != NULL     ? o->host
                 : o->socket != NULL ? o->socket
                                     : "the server of the option file",
                 b.cut ? (mmha_stop_signal() != 0 && !d->cleanup
                              ? "stopped by a signal"
                              : "no answer within --timeout")
                       : mysql_error(c->my));
        mysql_close(c->my);
        c->my = NULL;
        return b.cut ? MMHA_EXIT_DEADLINE : mmha_exit_for_errno(e);
    }
    bound_set(c->my, (int)mysql_get_socket(c->my), d);
    c->thread_id = mysql_thread_id(c->my);
    e = mmha_query_value(c, "SELECT VERSION()", version, sizeof(version), NULL);
    if (e != 0 || !mmha_version_parse(version, &c->version)) {
        rc = e != 0 ? mmha_exit_for_errno(e) : MMHA_EXIT_PROTOCOL;
        /* As above: a failure past the deadline is the deadline's. */
        if (e != 0 && mmha_deadline_passed(d)) {
            rc = MMHA_EXIT_DEADLINE;
        }
        if (rc == MMHA_EXIT_DEADLINE) {
            snprintf(err, errlen, "no answer within --timeout");
        } else if (rc == MMHA_EXIT_UNAVAILABLE) {
            snprintf(err, errlen, "lost the server: %s", mysql_error(c->my));
        } else {
            snprintf(err, errlen, "cannot read the server version");
            rc = MMHA_EXIT_PROTOCOL;
        }
        mmha_disconnect(c);
        return rc;
    }
    return MMHA_EXIT_OK;
}

void mmha_disconnect(struct mmha_conn *c)
{
    if (c->my != NULL) {
        mysql_close(c->my);
        bound_drop(c->my);
        c->my = NULL;
    }
}

unsigned int mmha_kill_query_aside(const struct mmha_conn_opts *o,
                                   unsigned long long id, int64_t ms)
{
    struct mmha_deadline d;
    struct mmha_conn k;
    char err[512];
    unsigned int e;

    mmha_deadline_cleanup(&d, ms);
    if (mmha_connect(&k, o, &d, err, sizeof(err)) != MMHA_EXIT_OK) {
        return CR_CONNECTION_ERROR;
    }
    e = mmha_execf(&k, "KILL QUERY %llu", id);
    mmha_disconnect(&k);
    return e;
}

unsigned int mmha_exec(struct mmha_conn *c, const char *sql)
{
    MYSQL_RES *res;

    if (mysql_query(c->my, sql) != 0) {
        return mysql_errno(c->my);
    }
    /* Drain any result so the connection stays usable. */
    res = mysql_store_result(c->my);
    if (res != NULL) {
        mysql_free_result(res);
    }
    return mysql_errno(c->my);
}

unsigned int mmha_execf(struct mmha_conn *c, const char *fmt, ...)
{
    char sql[SQL_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(sql)) {
        return CR_OUT_OF_MEMORY;
    }
    return mmha_exec(c, sql);
}

unsigned int mmha_query_row(struct mmha_conn *c, const char *sql,
                            struct mmha_row *r)
{
    memset(r, 0, sizeof(*r));
    if (mysql_query(c->my, sql) != 0) {
        return mysql_errno(c->my);
    }
    r->res = mysql_store_result(c->my);
    if (r->res == NULL) {
        return mysql_errno(c->my) != 0 ? mysql_errno(c->my) : CR_NO_DATA;
    }
    r->ncols = mysql_num_fields(r->res);
    r->fields = mysql_fetch_fields(r->res);
    r->row = mysql_fetch_row(r->res);
    return 0;
}

const char *mmha_row_get(const struct mmha_row *r, const char *name)
{
    unsigned int i;

    if (r->row == NULL) {
        return NULL;
    }
    for (i = 0; i < r->ncols; i++) {
        if (strcasecmp(r->fields[i].name, name) == 0) {
            return r->row[i];
        }
    }
    return NULL;
}

bool mmha_row_found(const struct mmha_row *r)
{
    return r->row != NULL;
}

void mmha_row_free(struct mmha_row *r)
{
    if (r->res != NULL) {
        mysql_free_result(r->res);
    }
    memset(r, 0, sizeof(*r));
}

unsigned int mmha_query_value(struct mmha_conn *c, const char *sql, char *buf,
                              size_t len, bool *isnull)
{
    struct mmha_row r;
    unsigned int e = mmha_query_row(c, sql, &r);

    if (len > 0) {
        buf[0] = '\0';
    }
    if (isnull != NULL) {
        *isnull = true;
    }
    if (e != 0) {
        return e;
    }
    if (r.row == NULL || r.ncols == 0) {
        mmha_row_free(&r);
        return CR_NO_DATA;
    }
    if (r.row[0] != NULL) {
        snprintf(buf, len, "%s", r.row[0]);
        if (isnull != NULL) {
            *isnull = false;
        }
    }
    mmha_row_free(&r);
    return 0;
}

void mmha_escape(struct mmha_conn *c, char *buf, size_t len, const char *s)
{
    size_t n = strlen(s);

    if (len < 2 * n + 1) {
        buf[0] = '\0';
        return;
    }
    mysql_real_escape_string(c->my, buf, s, (unsigned long)n);
}
