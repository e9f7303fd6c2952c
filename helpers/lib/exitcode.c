/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names for the exit codes, for logs and machine-readable output. */
#include "exitcode.h"

const char *mmha_exit_name(int code)
{
    switch (code) {
    case MMHA_EXIT_OK: return "ok";
    case MMHA_EXIT_ERROR: return "error";
    case MMHA_EXIT_ARGS: return "bad-arguments";
    case MMHA_EXIT_UNIMPLEMENTED: return "unimplemented";
    case MMHA_EXIT_PERM: return "permission";
    case MMHA_EXIT_INSTALLED: return "not-installed";
    case MMHA_EXIT_CONFIGURED: return "not-configured";
    case MMHA_EXIT_NOT_RUNNING: return "not-running";
    case MMHA_EXIT_USAGE: return "usage";
    case MMHA_EXIT_DATAERR: return "data-error";
    case MMHA_EXIT_NOINPUT: return "no-input";
    case MMHA_EXIT_UNAVAILABLE: return "unavailable";
    case MMHA_EXIT_SOFTWARE: return "internal-error";
    case MMHA_EXIT_OSERR: return "os-error";
    case MMHA_EXIT_IOERR: return "io-error";
    case MMHA_EXIT_TEMPFAIL: return "temporary-failure";
    case MMHA_EXIT_PROTOCOL: return "protocol";
    case MMHA_EXIT_NOPERM: return "access-denied";
    case MMHA_EXIT_CONFIG: return "config";
    case MMHA_EXIT_REPLICATION: return "replication-error";
    case MMHA_EXIT_ERRANT: return "errant-transactions";
    case MMHA_EXIT_DEADLINE: return "deadline-passed";
    case MMHA_EXIT_SIGINT: return "interrupted";
    case MMHA_EXIT_SIGTERM: return "terminated";
    default: return "unknown";
    }
}
