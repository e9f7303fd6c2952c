# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The frame of a bats file that runs docs/deployment.md on the bed
# (test/lib/doc-test.bash): its own cluster of DOC_HOSTS nodes set up as
# fresh hosts, nothing left after the file.  In the file, before any test:
#
#   DOC_HOSTS=3                  # default 2
#   load ../lib/doc-suite

DOC=docs/deployment.md

setup_file() {
    load ../lib/common
    load ../lib/doc-test
    doc_prepare "${DOC_HOSTS:-2}"
}

teardown_file() {
    load ../lib/common
    load ../lib/doc-test
    mm_stop
    cluster_leak_check
}

setup() {
    load ../lib/common
    load ../lib/doc-test
    load_bats_libs
}

# doc_run_all: every block of the document, in order, as its marker says;
# a failure shows the run log's tail.
doc_run_all() {
    doc_blocks "$MMHA_TOP/$DOC" "$(_mm_dir)/blocks"
    doc_run_blocks "$(_mm_dir)/blocks" || {
        tail -n 40 "$(_mm_dir)/logs/doc.log" >&2
        fail "a block of $DOC failed"
    }
}
