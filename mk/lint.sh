#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Static checks: shellcheck on every shell file, clang-format and cppcheck
# on the C sources. `make lint` runs it; test/lint runs each part as a test.
set -u
cd "$(dirname "$0")/.." || exit 70

# shell_files: tracked and new files whose first line names a shell.
shell_files() {
    git ls-files --cached --others --exclude-standard \
        agents test bench mk .ci 2>/dev/null | while read -r f; do
        case $f in *.bats) echo "$f"; continue ;; esac
        [ -f "$f" ] && head -c 64 "$f" | grep -q '^#!.*sh' && echo "$f"
    done
}

c_files() {
    git ls-files --cached --others --exclude-standard 'helpers/*.c' \
        'helpers/*.h' 2>/dev/null
}

lint_shell() {
    rc=0
    for f in $(shell_files); do
        case $f in
        agents/*) shellcheck -s sh -x -P agents/lib "$f" || rc=1 ;;
        *.bats) shellcheck -s bash -x -P test/lib "$f" || rc=1 ;;
        *) shellcheck -x -P test/lib "$f" || rc=1 ;;
        esac
    done
    return $rc
}

lint_format() {
    # shellcheck disable=SC2046 # one word per file
    clang-format --dry-run --Werror $(c_files)
}

lint_cppcheck() {
    inc=""
    for d in helpers/*/; do inc="$inc -I${d%/}"; done
    # shellcheck disable=SC2046,SC2086 # one word per file and per dir
    cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
        --inline-suppr $inc -D__GNUC__ \
        --suppress=missingIncludeSystem $(c_files)
}

case ${1:-all} in
shell) lint_shell ;;
format) lint_format ;;
cppcheck) lint_cppcheck ;;
all)
    rc=0
    lint_shell || rc=1
    lint_format || rc=1
    lint_cppcheck || rc=1
    exit $rc
    ;;
*) echo "mk/lint.sh: unknown part '$1' (shell, format, cppcheck, all)" >&2
   exit 64 ;;
esac
