/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small files the helpers leave for others to read (pid files, state and
 * status files): always written whole, through a temporary file and a
 * rename, so a reader never sees half a file.
 */
#ifndef MMHA_FILE_H
#define MMHA_FILE_H

#include <sys/types.h>

/* 0 or an errno value; the temporary file never survives a failure. */
int mmha_write_atomic(const char *path, const char *text, mode_t mode);

/* This process's pid and a newline, mode 0644. */
int mmha_write_pidfile(const char *path);

#endif
