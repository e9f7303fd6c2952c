#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages that build, test and demo need. Idempotent:
# does nothing (and needs no network) when every package is present.
set -eu

PACKAGES="
build-essential pkg-config
default-libmysqlclient-dev libqb-dev libcpg-dev libquorum-dev libcfg-dev
libcmap-dev clang-14 libclang-rt-14-dev
mariadb-server mariadb-client
pacemaker pacemaker-cli-utils corosync crmsh pcs resource-agents
bats bats-assert bats-support
shellcheck cppcheck clang-format libxml2-utils xsltproc
iproute2 iputils-ping iputils-arping util-linux procps psmisc nftables
sysbench percona-toolkit python3-pymysql bc
debhelper devscripts dpkg-dev fakeroot lintian man-db
libxml2-dev jq curl prometheus prometheus-node-exporter
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
        grep -q '^install ok installed$'; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "deps: all packages present"
    exit 0
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start services: tests start their own daemons.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the list is intended
apt-get install -y -qq -o DPkg::Lock::Timeout=600 $missing
