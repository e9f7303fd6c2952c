# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Observations the decide tests start from (test/agent/02*-decide*.bats,
# 027-semisync.bats): captures and records as the agent reads them on
# the bed.  load ../lib/decide-fixtures
# shellcheck disable=SC2034 # read by the tests that load it

# A reader's capture as mmha-binlog capture prints it (recorded on the bed).
CAPTURE_RO='READ_ONLY=1
SERVER_ID=2
BINLOG_FILE=mariadb-bin.000004
BINLOG_POS=73613
GTID_BINLOG=1-1-108,2-2-53'
CAPTURE_RW='READ_ONLY=0
SERVER_ID=1
BINLOG_FILE=mariadb-bin.000004
BINLOG_POS=80011
GTID_BINLOG=1-1-120,2-2-53'
W1='node=n1 epoch=6 addr=127.0.0.1:50423 file=mariadb-bin.000004 pos=66797 gtid=1-1-96,2-2-53 time=2026-12-02T14:44:42Z'

# A reader's promotion with fencing on, the writer address set.
PROMOTE_FENCED="$CAPTURE_RO
STATUS=0
BEAT_RUNNING=0
PREV_EPOCH=6
WRITER=$W1
STONITH=1
MY_NODE=n2
GRACE_MS=1000
WRITER_VIP=1"

# decide_setup: a decide test's setup: the bats libraries and the
# agent's pure decisions.
decide_setup() {
    load_bats_libs
    # shellcheck disable=SC1091
    . "$MMHA_TOP/agents/lib/mmha-decide.sh"
    # shellcheck disable=SC1091
    . "$MMHA_TOP/agents/lib/mmha-decide-actions.sh"
}
