/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A server's sessions as the helpers see them (one row of the process
 * list, maybe with the lock that makes it interesting), and the pure rules
 * about them: which ones are never to be touched, which ones block a read
 * lock, how a statement is shown. No server needed: unit-tested.
 */
#ifndef MMHA_SESSIONS_H
#define MMHA_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    MMHA_STMT_PREFIX = 100, /* characters of a statement that are shown */
    MMHA_SESS_USER_MAX = 128,
    MMHA_SESS_HOST_MAX = 256,
};

struct mmha_session {
    unsigned long long id;
    char user[MMHA_SESS_USER_MAX];
    char host[MMHA_SESS_HOST_MAX];
    char command[32];
    char state[64];
    int64_t age_ms; /* in this command (or idle since the last one) */
    char statement[4 * MMHA_STMT_PREFIX + 8]; /* see mmha_stmt_prefix */
    char lock[48]; /* the lock it holds, "" if not known */
};

/* Why a session is left alone, or that it is a client. */
enum mmha_session_kind {
    MMHA_SESSION_CLIENT,      /* an ordinary client: may be killed */
    MMHA_SESSION_OWN,         /* one of our own connections */
    MMHA_SESSION_REPLICATION, /* replica threads, binlog dump to replicas */
    MMHA_SESSION_SYSTEM,      /* system user, daemons, event scheduler */
    MMHA_SESSION_SPARE,       /* an account named by --spare-user */
};

const char *mmha_session_kind_name(enum mmha_session_kind k);

/*
 * Classify s. own: our own connection ids; spare: --spare-user patterns
 * ("user" or "user@host", host with SQL LIKE wildcards % and _).
 */
enum mmha_session_kind mmha_session_classify(const struct mmha_session *s,
                                             const unsigned long long *own,
                                             size_t nown,
                                             const char *const *spare,
                                             size_t nspare);

/* Whether a --spare-user pattern matches user at host ("h" or "h:port"). */
bool mmha_spare_match(const char *pattern, const char *user, const char *host);

/* Whether a --spare-user value is well-formed (non-empty user). */
bool mmha_spare_valid(const char *pattern);

/*
 * Whether holding this lock mode blocks SET GLOBAL read_only=1: MariaDB
 * backup-lock modes of running statements, DDL and LOCK TABLES
 * (MDL_BACKUP_DML, _TRANS_DML, _SYS_DML, _DDL, _ALTER_COPY, _COMMIT), MySQL
 * "GLOBAL INTENTION_EXCLUSIVE" and "COMMIT INTENTION_EXCLUSIVE". A held
 * FLUSH TABLES WITH READ LOCK (FTWRL1/2, GLOBAL SHARED) does not block.
 */
bool mmha_lock_blocks_read_only(const char *mode);

/*
 * Without a lock table: whether a running statement writes (UPDATE,
 * INSERT, DELETE, REPLACE, LOAD, DDL, ...), after leading blanks, comments
 * and parentheses. SELECT, SHOW, SET, DO, CALL and the like do not.
 */
bool mmha_is_write_statement(const char *sql);

/*
 * sql with every secret literal replaced by '***' (quotes kept): the one
 * after IDENTIFIED BY, after USING or AS in IDENTIFIED VIA|WITH, inside
 * PASSWORD(...) (and OLD_PASSWORD), after PASSWORD=, MASTER_PASSWORD= and
 * SOURCE_PASSWORD=, after the = of SET PASSWORD [FOR ...], and a bare one
 * after PASSWORD (IDENTIFIED BY PASSWORD '*hash'). Quotes ' and ", with
 * backslash escapes and doubled quotes, introducers (_utf8mb4'x', X'..')
 * and numbers count as literals; a literal left open (text cut in its
 * middle) is masked to the end. Comments pass unchanged, except the
 * executable kind which is read as code. Writes at most len - 1 bytes;
 * returns the length the whole result needs. Never reveals a secret when
 * cut: dst should hold 3 * strlen(sql) + 8 bytes.
 */
size_t mmha_stmt_mask(char *dst, size_t len, const char *sql);

/*
 * A server's error text with the secrets of the statement it quotes
 * masked, in place: replication's Last_SQL_Error ends "Query: '<the
 * statement>'" with the statement's own quotes not escaped, so that part is
 * masked as a statement of its own; any other text as one statement.
 */
void mmha_error_mask(char *text, size_t len);

/*
 * The first max_chars characters (UTF-8 aware) of sql with its secrets
 * masked (mmha_stmt_mask), blanks collapsed to one space, control bytes as
 * '?', "..." appended when cut. NULL gives "". dst should hold
 * 4 * max_chars + 4 bytes.
 */
void mmha_stmt_prefix(char *dst, size_t len, const char *sql, size_t max_chars);

/* "'user'@'host'" (USER_PRIVILEGES.GRANTEE) to user; false if malformed. */
bool mmha_grantee_user(const char *grantee, char *user, size_t len);

/*
 * The part of a GTID set this server wrote itself: MariaDB "d-s-n" entries
 * with s == server_id, MySQL "uuid:..." entries of server_uuid. Other
 * servers' transactions replicated into its binary log are left out.
 * Returns a heap string (free it) holding the whole part, whatever the
 * size of the set, or NULL when out of memory: never a cut part.
 */
char *mmha_gtid_own_part(const char *set, unsigned long server_id,
                         const char *server_uuid);

#endif
