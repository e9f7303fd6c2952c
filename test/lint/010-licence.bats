#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# One licence, GPL-2.0-or-later (LICENSE), named by an SPDX line near the
# top of every source file, and no file granting other terms.

load ../lib/common

setup() {
    load_bats_libs
    cd "$MMHA_TOP" || return 1
}

# source_files: tracked and new files that are source (not prose, not
# generated pages, not package metadata).
source_files() {
    git ls-files --cached --others --exclude-standard | grep -vE \
        '(^|/)[^/]*\.(md|pyc|7|8)$|^helpers/fuzz/corpus/|^test/cli/fixtures/|^(LICENSE|VERSION|\.gitignore)$|^debian/(changelog|control|copyright|source/format|mmha\.[a-z]+)$'
}

@test "LICENSE: GPL-2.0-or-later, with the GPL's text" {
    run -0 grep -c 'either version 2 of the License, or (at your' LICENSE
    run -0 grep -c 'GNU GENERAL PUBLIC LICENSE' LICENSE
    run -0 grep -c 'SPDX-License-Identifier: GPL-2.0-or-later' LICENSE
    run -0 grep -c '^License: GPL-2+$' debian/copyright
}

@test "SPDX-License-Identifier: GPL-2.0-or-later in the first lines of every source file" {
    local f missing=()
    while read -r f; do
        [ -f "$f" ] || continue
        head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-or-later' ||
            missing+=("$f")
    done < <(source_files)
    [ "${#missing[@]}" = 0 ] || fail "no SPDX line: ${missing[*]}"
}

@test "no file grants GPLv2-only terms" {
    # (the wording in two pieces, so that this file does not match itself)
    local only='under the terms of version 2' gpl=' of the GNU General'
    run -1 git grep -l "$only$gpl" -- ':!LICENSE'
}
