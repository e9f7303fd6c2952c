/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-file writes through a temporary file and rename(2). */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mmha_write_atomic(const char *path, const char *text, mode_t mode)
{
    char tmp[4096];
    size_t len = strlen(text);
    int fd;
    int err = 0;

    if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
        return ENAMETOOLONG;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        return errno;
    }
    if (fchmod(fd, mode) != 0 || write(fd, text, len) != (ssize_t)len ||
        fsync(fd) != 0) {
        err = errno != 0 ? errno : EIO;
    }
    if (close(fd) != 0 && err == 0) {
        err = errno;
    }
    if (err == 0 && rename(tmp, path) != 0) {
        err = errno;
    }
    if (err != 0) {
        unlink(tmp);
    }
    return err;
}

int mmha_write_pidfile(const char *path)
{
    char text[32];

    snprintf(text, sizeof(text), "%ld\n", (long)getpid());
    return mmha_write_atomic(path, text, 0644);
}
