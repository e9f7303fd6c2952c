#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mmha: two MySQL/MariaDB masters replicating both ways, one writer, and a
# third node that is a read replica only (the pcs version of 3-node.crm;
# read that file for the prerequisites).
#
# Run on one node:   sh 3-node.pcs.sh
# Every command works on a copy of the CIB that is pushed once at the end,
# so the cluster never sees half the configuration.
# Addresses: 192.0.2.10 is the writer address, .11 to .13 the readers';
# replace them with free addresses of the nodes' subnet.
set -eu

cib=$(mktemp -d)/cib.xml
trap 'rm -rf "$(dirname "$cib")"' EXIT
pcs cluster cib "$cib"

# The database server on every node: a promotable clone, one writer.
# notify=true is required (readers follow a new writer on post-promote
# notifications); a failed writer is moved away at once.  A demotion kills
# what still blocks read_only after 100 ms (demote_kill_after).  The old
# writer's clients are reset once the writer address is up on the new one
# (writer_vip).
pcs -f "$cib" resource create mysql ocf:mmha:mysql-mm \
    defaults_file=/etc/mysql/mmha.cnf \
    repl_defaults_file=/etc/mysql/mmha-repl.cnf \
    config=/etc/mysql/my.cnf catchup_policy=immediate \
    demote_kill_after=100 writer_vip=192.0.2.10 \
    op start timeout=120s interval=0 \
    stop timeout=120s interval=0 \
    promote timeout=60s interval=0 \
    demote timeout=30s interval=0 \
    notify timeout=60s interval=0 \
    monitor role=Promoted interval=500ms timeout=30s \
    monitor role=Unpromoted interval=2s timeout=30s \
    promotable ms-mysql \
    promoted-max=1 promoted-node-max=1 clone-max=3 clone-node-max=1 \
    notify=true interleave=true \
    meta migration-threshold=1 failure-timeout=10s

# The self-fence guard on every node (ocf:mmha:mmha-guard, mmha-guard(8)):
# makes the local server read-only at once when its node is cut off from
# the cluster's majority (over knet, ahead of corosync's membership change;
# on three nodes or more), and the older of two writable servers
# read-only when they meet.  It never makes a server writable.  It reads
# the writer epoch mysql-mm writes at each promotion: the two agents'
# epoch_file defaults are the same file, leave both unset (or set both).
# Started before mysql-mm when both start (Optional: a guard restart does
# not touch the servers).
pcs -f "$cib" resource create guard ocf:mmha:mmha-guard \
    defaults_file=/etc/mysql/mmha.cnf \
    op start timeout=20s interval=0 \
    stop timeout=20s interval=0 \
    monitor interval=10s timeout=20s \
    clone guard-clone interleave=true
pcs -f "$cib" constraint order start guard-clone "then" start ms-mysql \
    kind=Optional id=guard-before-mysql

# node3 is a read replica: never the writer.
pcs -f "$cib" constraint location ms-mysql rule id=no-writer-on-node3 \
    role=Promoted score=-INFINITY '#uname' eq node3

# The writer address: only with the writer, started beside the promotion
# once the old writer is demoted (new connections refused until the server
# is writable, writer_vip_refuse); its stop runs beside demote
# (symmetrical=false, see the crm example).
pcs -f "$cib" resource create vip-writer ocf:heartbeat:IPaddr2 \
    ip=192.0.2.10 cidr_netmask=24 op monitor interval=2s timeout=20s
pcs -f "$cib" constraint colocation add vip-writer with Promoted ms-mysql \
    INFINITY id=vip-writer-on-promoted
pcs -f "$cib" constraint order demote ms-mysql "then" start vip-writer \
    kind=Optional symmetrical=false id=vip-writer-after-demote

# Reader addresses: only where mysql-mm runs and publishes
# mmha-readable=1, one per node while all are readable, gathered on the
# readable nodes when one is not.  Sticky (100, under the 1000 that
# spreads them): they stay put while their node stays readable instead of
# being reshuffled at every switchover.
for r in 1 2 3; do
    pcs -f "$cib" resource create "vip-reader$r" ocf:heartbeat:IPaddr2 \
        ip="192.0.2.1$r" cidr_netmask=24 op monitor interval=2s timeout=20s \
        meta resource-stickiness=100 critical=false
    pcs -f "$cib" constraint location "vip-reader$r" rule \
        id="vip-reader$r-readable" score=-INFINITY \
        not_defined mmha-readable or mmha-readable ne 1
    pcs -f "$cib" constraint colocation add "vip-reader$r" with ms-mysql \
        INFINITY id="vip-reader$r-with-mysql"
done
pcs -f "$cib" constraint colocation add vip-reader2 with vip-reader1 \
    -- -1000 id=vip-reader2-apart-1
pcs -f "$cib" constraint colocation add vip-reader3 with vip-reader1 \
    -- -1000 id=vip-reader3-apart-1
pcs -f "$cib" constraint colocation add vip-reader3 with vip-reader2 \
    -- -1000 id=vip-reader3-apart-2

# mmha offline NODE (mmm_control set_offline): the permanent node
# attribute mmha-offline=1 keeps every reader address off the node and
# the node from being promoted; its server keeps running and replicating.
# mmha online NODE deletes the attribute.
pcs -f "$cib" constraint location ms-mysql rule id=no-writer-offline \
    role=Promoted score=-INFINITY mmha-offline eq 1
for r in 1 2 3; do
    pcs -f "$cib" constraint location "vip-reader$r" rule \
        id="vip-reader$r-online" score=-INFINITY mmha-offline eq 1
done

pcs cluster cib-push "$cib" --config
