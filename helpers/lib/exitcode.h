/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmha helper exit codes: one enum for every helper.
 *
 * 0-7 mean what the OCF resource agent codes mean, so an agent can pass a
 * helper's status straight through; 64-78 mean what sysexits(3) says; the
 * codes from 80 up are mmha's own and documented in each man page.
 */
#ifndef MMHA_EXITCODE_H
#define MMHA_EXITCODE_H

enum mmha_exit {
    MMHA_EXIT_OK = 0,            /* OCF_SUCCESS */
    MMHA_EXIT_ERROR = 1,         /* OCF_ERR_GENERIC */
    MMHA_EXIT_ARGS = 2,          /* OCF_ERR_ARGS */
    MMHA_EXIT_UNIMPLEMENTED = 3, /* OCF_ERR_UNIMPLEMENTED */
    MMHA_EXIT_PERM = 4,          /* OCF_ERR_PERM */
    MMHA_EXIT_INSTALLED = 5,     /* OCF_ERR_INSTALLED */
    MMHA_EXIT_CONFIGURED = 6,    /* OCF_ERR_CONFIGURED */
    MMHA_EXIT_NOT_RUNNING = 7,   /* OCF_NOT_RUNNING */

    MMHA_EXIT_USAGE = 64,       /* EX_USAGE: bad command line */
    MMHA_EXIT_DATAERR = 65,     /* EX_DATAERR: bad input data */
    MMHA_EXIT_NOINPUT = 66,     /* EX_NOINPUT: option file missing */
    MMHA_EXIT_UNAVAILABLE = 69, /* EX_UNAVAILABLE: server unreachable */
    MMHA_EXIT_SOFTWARE = 70,    /* EX_SOFTWARE: internal error */
    MMHA_EXIT_OSERR = 71,       /* EX_OSERR */
    MMHA_EXIT_IOERR = 74,       /* EX_IOERR */
    MMHA_EXIT_TEMPFAIL = 75,    /* EX_TEMPFAIL: try again later */
    MMHA_EXIT_PROTOCOL = 76,    /* EX_PROTOCOL: server said nonsense */
    MMHA_EXIT_NOPERM = 77,      /* EX_NOPERM: access denied */
    MMHA_EXIT_CONFIG = 78,      /* EX_CONFIG: option file unusable */

    MMHA_EXIT_REPLICATION = 80, /* a replication thread stopped on error */
    MMHA_EXIT_ERRANT = 81,      /* errant transactions found */
    MMHA_EXIT_DEADLINE = 124,   /* --timeout passed (as timeout(1)) */
    MMHA_EXIT_SIGINT = 130,     /* stopped by SIGINT (128 + 2, as a shell) */
    MMHA_EXIT_SIGTERM = 143,    /* stopped by SIGTERM (128 + 15) */
};

/* A short name for the code, for logs and the JSON "status" field. */
const char *mmha_exit_name(int code);

#endif
