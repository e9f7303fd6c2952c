#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mk/agent-man.sh AGENT [OUT]: the agent's section-7 man page, generated
# from its own meta-data (so docs and code never drift).  Writes OUT, or
# stdout.  The date is the agent's last commit and the version the one in
# VERSION (the agent's meta-data carries a placeholder that make install
# replaces), so the output is reproducible.
set -eu

agent=$1
out=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
date=$(git -C "$top" log -1 --format=%cs -- "$agent" 2>/dev/null || true)
[ -n "$date" ] || date=$(date -u +%Y-%m-%d)

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.man"' EXIT
version=$(cat "$top/VERSION")
OCF_ROOT=${OCF_ROOT:-/usr/lib/ocf} "$agent" meta-data |
    sed "s/@MMHA_VERSION@/$version/g" >"$tmp"
xsltproc --nonet --novalid --stringparam provider mmha \
    --stringparam date "$date" \
    "$top/mk/agent-man.xsl" "$tmp" >"$tmp.man"
if [ -n "$out" ]; then
    mv "$tmp.man" "$out"
    chmod 0644 "$out"
else
    cat "$tmp.man"
fi
