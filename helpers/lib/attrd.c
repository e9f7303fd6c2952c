/* SPDX-License-Identifier: GPL-2.0-or-later */
/* attrd_updater calls, by fork/exec, bounded. */
#include "attrd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"

static const char ATTRD_UPDATER[] = "attrd_updater";

void mmha_attrd_build(struct mmha_attrd_call *call, const char *name,
                      const char *value, const char *dampen, const char *node)
{
    int i = 0;

    call->argv[i++] = ATTRD_UPDATER;
    call->argv[i++] = "-n";
    call->argv[i++] = name;
    if (value != NULL) {
        snprintf(call->value, sizeof(call->value), "%s", value);
        call->argv[i++] = "-U";
        call->argv[i++] = call->value;
        if (dampen != NULL) {
            call->argv[i++] = "-d";
            call->argv[i++] = dampen;
        }
    } else {
        call->value[0] = '\0';
        call->argv[i++] = "-D";
    }
    if (node != NULL) {
        call->argv[i++] = "-N";
        call->argv[i++] = node;
    }
    call->argv[i] = NULL;
}

int mmha_run_argv(const char *const *argv, const struct mmha_deadline *d)
{
    const struct timespec tick = {0, 5 * 1000 * 1000};
    pid_t pid;
    pid_t r;
    int status = 0;

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        return MMHA_EXIT_OSERR;
    }
    if (pid == 0) {
        dup2(STDERR_FILENO, STDOUT_FILENO);
        /* execvp's prototype predates const; it does not modify argv. */
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    for (;;) {
        r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            break;
        }
        if (r < 0 && errno != EINTR) {
            return MMHA_EXIT_OSERR;
        }
        if (mmha_deadline_passed(d)) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
                continue;
            }
            return MMHA_EXIT_DEADLINE;
        }
        nanosleep(&tick, NULL);
    }
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return MMHA_EXIT_ERROR;
}
