#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mk/deb.sh [BUILD]: build the Debian package (debian/, debhelper) from a
# copy of this tree's files (tracked, and new ones not ignored) under
# BUILD/deb, so the tree's own build/ and build-san/ are left alone.
# Leaves BUILD/mmha_<version>_<arch>.deb and prints its path.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
version=$(cat VERSION)
changelog=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [ "$changelog" != "$version" ]; then
    echo "mk/deb.sh: debian/changelog says $changelog, VERSION $version" >&2
    exit 65
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
work=$build/deb
src=$work/mmha-$version
rm -rf "$work"
mkdir -p "$src"
# (a tracked file deleted in the work tree is left out)
git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2>/dev/null |
    tar -xf - -C "$src"
# Binary only, unsigned; its log kept beside the package.  The copy is
# built as debian/rules says, not with this make's variables (BUILD=...).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES BUILD
if ! (cd "$src" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    echo "mk/deb.sh: dpkg-buildpackage failed, log in $work/build.log" >&2
    exit 1
fi
deb=mmha_${version}_${arch}.deb
cp "$work/$deb" "$build/$deb"
echo "$build/$deb"
