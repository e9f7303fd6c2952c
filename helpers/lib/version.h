/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The version every helper prints with --version. The Makefile passes
 * -DMMHA_VERSION="..." (from the VERSION file); a build without it says
 * so.
 */
#ifndef MMHA_VERSION_H
#define MMHA_VERSION_H

#ifndef MMHA_VERSION
#define MMHA_VERSION "0.0.0-dev"
#endif

#endif
