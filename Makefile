# SPDX-License-Identifier: GPL-2.0-or-later
# mmha — build, test and install. See README.md.

PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
OCF_ROOT ?= /usr/lib/ocf
DESTDIR  ?=
# One version for everything: helpers (--version), agents' meta-data,
# man pages, the Debian package (debian/changelog must agree).
VERSION  := $(shell cat VERSION)

CC       ?= cc
BUILD    ?= build
WARN     := -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
            -Wwrite-strings -Wimplicit-fallthrough -Werror
DEPCFLAGS = $(shell mariadb_config --cflags 2>/dev/null || mysql_config --cflags) \
            $(shell pkg-config --cflags libqb libcpg libquorum 2>/dev/null) \
            $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
DBLIBS    = $(shell mariadb_config --libs 2>/dev/null || mysql_config --libs)
QBLIBS    = $(shell pkg-config --libs libqb 2>/dev/null)
CPGLIBS   = $(shell pkg-config --libs libcpg libquorum 2>/dev/null)
# The guard's link rule: knet node status (libcfg), nodelist (libcmap).
CFGLIBS   = $(shell pkg-config --libs libcfg libcmap 2>/dev/null || echo -lcfg -lcmap)
# Pacemaker's XML (helpers/lib/crmxml.c): mmha and its unit test.
XMLLIBS   = $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)
OPT      ?= -O2 -g
CFLAGS   ?= $(OPT)
# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line
# (dpkg-buildflags' hardening flags) are used as given.
ALL_CFLAGS = -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) -D_GNU_SOURCE \
             -DMMHA_VERSION=\"$(VERSION)\" -Ihelpers/lib $(DEPCFLAGS)
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined

LIB_SRC  := $(wildcard helpers/lib/*.c)
LIB_OBJ  := $(patsubst helpers/lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRC))
LIB_HDR  := $(wildcard helpers/lib/*.h)
TOOLS    := $(patsubst helpers/%.c,$(BUILD)/%,$(wildcard helpers/mmha-*.c)) \
            $(BUILD)/mmha
UNITS    := $(patsubst helpers/tests/%.c,$(BUILD)/tests/%,$(wildcard helpers/tests/test_*.c))
AGENTS   := $(filter-out agents/lib,$(wildcard agents/*))
MAN8     := $(wildcard docs/*.8)
MAN7     := docs/mysql-mm.7 docs/mmha-guard.7

.PHONY: all deps tools units sanitize fuzz lint check test demo install deb clean

all: tools units $(MAN7)

tools: $(TOOLS)
units: $(UNITS)

$(BUILD)/lib/%.o: helpers/lib/%.c $(LIB_HDR) VERSION
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libmmha.a: $(LIB_OBJ)
	ar rcs $@ $^

# mmha-guard is the only tool that talks to corosync.
$(BUILD)/mmha-guard: LDEXTRA = $(CPGLIBS) $(CFGLIBS)
# mmha (the operator's command) reads Pacemaker's XML and asks servers
# from several threads.
$(BUILD)/mmha: LDEXTRA = $(XMLLIBS) -pthread
$(BUILD)/tests/test_crmxml: LDEXTRA = $(XMLLIBS)
# A tool with subcommands keeps one file per subcommand in helpers/<tool>/
# (private header included); they link into that tool only.
.SECONDEXPANSION:
$(BUILD)/%: helpers/%.c $$(wildcard helpers/$$*/*.c helpers/$$*/*.h) $(BUILD)/libmmha.a $(LIB_HDR) VERSION
	$(CC) $(ALL_CFLAGS) -Ihelpers/$* -o $@ $< $(wildcard helpers/$*/*.c) $(BUILD)/libmmha.a $(LDEXTRA) $(DBLIBS) $(QBLIBS) $(LDFLAGS)

$(BUILD)/tests/%: helpers/tests/%.c helpers/tests/unit.h $(BUILD)/libmmha.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ihelpers/tests -o $@ $< $(BUILD)/libmmha.a $(LDEXTRA) $(DBLIBS) $(QBLIBS) $(LDFLAGS)

# Agent man pages are generated from the agent's own meta-data.
docs/%.7: agents/% mk/agent-man.sh mk/agent-man.xsl VERSION
	sh mk/agent-man.sh $< $@

# ASan + UBSan build of the same sources into build-san/.
sanitize:
	$(MAKE) BUILD=build-san CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" all

# libFuzzer targets (helpers/fuzz/fuzz_*.c) with ASan + UBSan, built by
# clang into build-fuzz/; test/unit runs each for a bounded time.
FUZZ_CC    ?= $(shell command -v clang-14 || command -v clang)
FUZZ_BUILD ?= build-fuzz
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=gnu11 $(WARN) $(FUZZ_FLAGS) -D_GNU_SOURCE -Ihelpers/lib $(DEPCFLAGS)
FUZZ_OBJ   := $(patsubst helpers/lib/%.c,$(FUZZ_BUILD)/lib/%.o,$(LIB_SRC))
FUZZERS    := $(patsubst helpers/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard helpers/fuzz/fuzz_*.c))

fuzz: $(FUZZERS)

$(FUZZ_BUILD)/lib/%.o: helpers/lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libmmha.a: $(FUZZ_OBJ)
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: helpers/fuzz/fuzz_%.c helpers/fuzz/fuzz.h $(FUZZ_BUILD)/libmmha.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Ihelpers/fuzz -o $@ $< $(FUZZ_BUILD)/libmmha.a $(DBLIBS) $(QBLIBS)

deps:
	@sh mk/deps.sh

lint:
	@sh mk/lint.sh

# Everything CI runs: the summary line comes last from test/run.
check: deps
	$(MAKE) all
	$(MAKE) sanitize
	$(MAKE) fuzz
	bash test/run

# The main job: a local demo (see README.md).
demo: deps all
	bash test/demo

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(OCF_ROOT)/resource.d/mmha \
	    $(DESTDIR)$(OCF_ROOT)/lib/mmha $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man7
	install -m 0755 $(TOOLS) $(DESTDIR)$(SBINDIR)
	# The agents' meta-data version is a placeholder in the tree.
	for a in $(AGENTS); do \
	    d=$(DESTDIR)$(OCF_ROOT)/resource.d/mmha/$${a##*/}; \
	    sed 's/@MMHA_VERSION@/$(VERSION)/g' $$a >$$d && chmod 0755 $$d || exit 1; \
	done
	if [ -d agents/lib ]; then install -m 0644 agents/lib/*.sh $(DESTDIR)$(OCF_ROOT)/lib/mmha/; fi
	if [ -n "$(MAN8)" ]; then install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8; fi
	# Agent pages under the names man(1) looks for: ocf_<provider>_<agent>.
	for m in $(MAN7); do \
	    install -m 0644 $$m $(DESTDIR)$(MANDIR)/man7/ocf_mmha_$${m##*/} || exit 1; \
	done

# The Debian package, build/mmha_$(VERSION)_<arch>.deb (debian/, mk/deb.sh).
deb:
	@sh mk/deb.sh $(BUILD)

clean:
	rm -rf build build-san build-fuzz
