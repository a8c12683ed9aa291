# callgate — seccomp user-notification supervisor.
# make | make check | make SANITIZE=address,undefined check | make install
# PREFIX=/usr/local DESTDIR= | make uninstall | make clean | make format(-check)
# | make fuzz

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/callgate
# callgate --version
VERSION := 0.15.0
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
PKG_CONFIG ?= pkg-config
WERROR ?= -Werror
SANITIZE ?=

WARN = -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wno-missing-field-initializers
HARDEN = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
OPT ?= -O2 -g

# Plain and sanitized objects never mix: each flavour has its own tree.
comma := ,
ifeq ($(SANITIZE),)
B := build
SAN_CFLAGS :=
else
B := build-$(subst $(comma),-,$(SANITIZE))
SAN_CFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
HARDEN := -fstack-protector-strong
endif

define need_pkg
$(if $(shell $(PKG_CONFIG) --exists $(1) && echo y),,$(error $(1) not found by pkg-config: install $(2)))
endef
ifeq ($(filter clean format format-check,$(MAKECMDGOALS)),)
$(call need_pkg,libseccomp,libseccomp-dev)
$(call need_pkg,libcjson,libcjson-dev)
endif

DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libseccomp libcjson 2>/dev/null)
DEP_LIBS := $(shell $(PKG_CONFIG) --libs libseccomp libcjson 2>/dev/null)
# libev ships no .pc file on Debian.
EV_LIBS := $(or $(shell $(PKG_CONFIG) --libs libev 2>/dev/null),-lev)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS = $(or $(shell $(PKG_CONFIG) --libs check 2>/dev/null),-lcheck -lsubunit -lm -lrt -lpthread)

ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -DCALLGATE_DATADIR='"$(DATADIR)"' -MMD -MP $(INC) $(WARN) $(HARDEN) \
	     $(OPT) $(SAN_CFLAGS) $(DEP_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = -Wl,-z,relro,-z,now $(SAN_CFLAGS) $(LDFLAGS)

# The layers, bottom to top, each one a library.  A layer's code sees the
# headers of the layers below it, never those above, and a library comes
# after those that use it on the link line (DESIGN.md: layers only point
# down):
#   include/ + lib/  the pure core                             libcallgate.a
#   sys/             what both programs do with the system: host probing,
#                    policy files, the error log, unix sockets, PATH search
#                                                              libcallgate-sys.a
#   agent/           the kernel filter and starting a target under it
#                    (main.c: callgate-agent)                  libcallgate-agent.a
#   supervisor/      the edges (main.c: callgate)              libcallgate-supervisor.a
INC := -Iinclude
$(B)/sys/%.o: INC := -Iinclude
$(B)/agent/%.o: INC := -Iinclude -Isys
$(B)/supervisor/%.o: INC := -Iinclude -Isys -Iagent
$(B)/supervisor/main.o: CFLAGS += -DCALLGATE_VERSION='"$(VERSION)"'
$(B)/supervisor/main.o: Makefile
$(B)/tests/%.o $(B)/live/%.o: INC := -Iinclude -Isys -Iagent

LIB_SRC := $(wildcard lib/*.c)
SYS_SRC := $(wildcard sys/*.c)
AGENT_SRC := $(filter-out agent/main.c,$(wildcard agent/*.c))
SUP_SRC := $(filter-out supervisor/main.c,$(wildcard supervisor/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
LIVE_SRC := $(wildcard tests/live/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
SYS_OBJ := $(SYS_SRC:%.c=$(B)/%.o)
AGENT_OBJ := $(AGENT_SRC:%.c=$(B)/%.o)
SUP_OBJ := $(SUP_SRC:%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
LIVE_BIN := $(LIVE_SRC:tests/live/%.c=$(B)/live/%)
# Programs the live tests run under filters: never sanitized (a sanitizer
# runtime makes syscalls of its own that the profiles under test deny).
PROG_SRC := $(wildcard tests/live/progs/*.c)
PROG_BIN := $(PROG_SRC:tests/live/progs/%.c=$(B)/progs/%)
PROG_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -O2 -g -pthread

LIBCALLGATE := $(B)/libcallgate.a
LIBSYS := $(B)/libcallgate-sys.a
LIBAGENT := $(B)/libcallgate-agent.a
LIBSUP := $(B)/libcallgate-supervisor.a
CALLGATE := $(B)/callgate
AGENT := $(B)/callgate-agent

.SECONDARY:
.PHONY: all check unit live install uninstall clean format format-check fuzz bench
all: $(CALLGATE) $(AGENT)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBCALLGATE): $(LIB_OBJ)
$(LIBSYS): $(SYS_OBJ)
$(LIBAGENT): $(AGENT_OBJ)
$(LIBSUP): $(SUP_OBJ)
$(LIBCALLGATE) $(LIBSYS) $(LIBAGENT) $(LIBSUP):
	@rm -f $@
	$(AR) rcs $@ $^

$(AGENT): $(B)/agent/main.o $(LIBAGENT) $(LIBSYS) $(LIBCALLGATE)
	$(CC) $(ALL_LDFLAGS) $^ $(DEP_LIBS) -o $@

$(CALLGATE): $(B)/supervisor/main.o $(LIBSUP) $(LIBAGENT) $(LIBSYS) $(LIBCALLGATE)
	$(CC) $(ALL_LDFLAGS) $^ $(DEP_LIBS) $(EV_LIBS) -o $@

# A suite links the core, and what else the module it tests needs: the
# core's suites nothing more.
UNIT_LINK_test_default = $(LIBAGENT)
UNIT_LINK_test_filter = $(LIBAGENT)
UNIT_LINK_test_hatch = $(LIBAGENT)
UNIT_LINK_test_interact = $(LIBSUP) $(LIBAGENT) $(LIBSYS)
UNIT_LINK_test_policy_load = $(LIBSYS)
UNIT_LINK_test_execpath = $(LIBSYS)
UNIT_LINK_test_wholefile = $(LIBSYS)
UNIT_LINK_test_emulate = $(LIBSUP) $(LIBAGENT) $(LIBSYS)
UNIT_LINK_test_logsink = $(LIBSUP) $(LIBSYS)
$(B)/tests/test_interact $(B)/tests/test_emulate $(B)/tests/test_logsink: UNIT_LIBS = $(EV_LIBS)

$(B)/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

.SECONDEXPANSION:
$(B)/tests/%: $(B)/tests/%.o $$(UNIT_LINK_$$*) $(LIBCALLGATE)
	$(CC) $(ALL_LDFLAGS) $^ $(CHECK_LIBS) $(DEP_LIBS) $(UNIT_LIBS) -o $@

$(B)/live/%.o: tests/live/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(B)/live/%: $(B)/live/%.o $(LIBAGENT) $(LIBSYS) $(LIBCALLGATE)
	$(CC) $(ALL_LDFLAGS) $^ $(CHECK_LIBS) $(DEP_LIBS) -o $@

# Benchmarks: never sanitized; decide links the core library.
BENCH_BIN := $(B)/bench/floor $(B)/bench/target $(B)/bench/multi $(B)/bench/decide
$(B)/bench/decide: bench/decide.c $(LIBCALLGATE)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARN) -O2 -g $(DEP_CFLAGS) $< $(LIBCALLGATE) \
		$(DEP_LIBS) -o $@

$(B)/bench/%: bench/%.c bench/stats.h
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) $(CFLAGS) $< -o $@ $(LDFLAGS)

# One run against the kernel's floor: a table, and bench/results.json.
bench: $(CALLGATE) $(AGENT) $(BENCH_BIN)
	BUILD=$(abspath $(B)) python3 bench/run.py

$(B)/progs/%: tests/live/progs/%.c $(wildcard tests/live/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) $(CFLAGS) $< -o $@ $(LDFLAGS)

# Unit suites run from the project root so fixtures resolve; the live tests
# drive the real binary under the real kernel.
SHARED ?= $(abspath ../shared)
export CALLGATE_SHARED := $(SHARED)

check: unit live

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do echo "== $$t"; ./$$t || fail=1; done; exit $$fail

live: $(CALLGATE) $(AGENT) $(LIVE_BIN) $(PROG_BIN)
	@fail=0; for t in $(LIVE_BIN); do echo "== $$t"; ./$$t || fail=1; done; \
	CALLGATE=$(abspath $(CALLGATE)) AGENT=$(abspath $(AGENT)) PROGS=$(abspath $(B)/progs) \
		bash tests/live/run.sh || fail=1; \
	exit $$fail

# make install: the programs, the shipped policies, the man pages and the
# systemd unit.  The unit and the man pages name the default locations; the
# installed copies name $(BINDIR) and $(DATADIR).  callgate-agent is
# installed when it has been built.  make uninstall removes exactly these
# files (and the policy directory if nothing else is left in it).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL_POLICIES = $(notdir $(wildcard policies/*.json))
INSTALL_MAN1 = callgate.1 callgate-agent.1
INSTALL_MAN5 = callgate-policy.5
INSTALL_SED = sed -e 's|/usr/local/bin/callgate|$(BINDIR)/callgate|g' \
		  -e 's|/usr/local/share/callgate|$(DATADIR)|g'

install: $(CALLGATE) $(AGENT)
	@tr '\000' '\n' <$(CALLGATE) | grep -qxF -e '$(DATADIR)' -e '$(DATADIR)/policies' || \
		echo "warning: $(CALLGATE) was not built with DATADIR=$(DATADIR): it will not find" \
		"the installed default policy (make clean; make PREFIX=$(PREFIX))" >&2
	install -D -m 0755 $(CALLGATE) $(DESTDIR)$(BINDIR)/callgate
	if [ -f $(B)/callgate-agent ]; then \
		install -D -m 0755 $(B)/callgate-agent $(DESTDIR)$(BINDIR)/callgate-agent; fi
	install -d -m 0755 $(DESTDIR)$(DATADIR)/policies $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0644 $(addprefix policies/,$(INSTALL_POLICIES)) $(DESTDIR)$(DATADIR)/policies/
	for f in $(INSTALL_MAN1:%=man1/%) $(INSTALL_MAN5:%=man5/%) ; do \
		$(INSTALL_SED) docs/$${f#*/} >$(DESTDIR)$(MANDIR)/$$f && \
		chmod 0644 $(DESTDIR)$(MANDIR)/$$f || exit 1; done
	$(INSTALL_SED) docs/callgate.service >$(DESTDIR)$(SYSTEMDUNITDIR)/callgate.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/callgate.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/callgate $(DESTDIR)$(BINDIR)/callgate-agent
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/policies/,$(INSTALL_POLICIES))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(INSTALL_MAN1)) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(INSTALL_MAN5))
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/callgate.service
	rmdir $(DESTDIR)$(DATADIR)/policies $(DESTDIR)$(DATADIR) 2>/dev/null || true

# Installs into a scratch DESTDIR and checks the result (tests/live/install.sh).
.PHONY: installcheck
installcheck:
	MAKE='$(MAKE)' bash tests/live/install.sh

clean:
	rm -rf build build-* 

# libFuzzer harness for the policy parser, seeded with every policy we know.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS = -std=gnu11 -D_GNU_SOURCE -Iinclude $(DEP_CFLAGS) -g -O1 \
	     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build-fuzz/fuzz_policy: tests/fuzz/fuzz_policy.c $(LIB_SRC) $(wildcard lib/*.h include/callgate/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_policy.c $(LIB_SRC) $(DEP_LIBS) -o $@

build-fuzz/fuzz_ocistate: tests/fuzz/fuzz_ocistate.c $(LIB_SRC) $(wildcard lib/*.h include/callgate/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_ocistate.c $(LIB_SRC) $(DEP_LIBS) -o $@

# FUZZ_SECONDS for each harness: the policy parser, then the OCI state
# message a runtime sends to `callgate serve`.
fuzz: build-fuzz/fuzz_policy build-fuzz/fuzz_ocistate
	@mkdir -p build-fuzz/corpus build-fuzz/corpus-ocistate
	cp -f policies/*.json $(wildcard $(SHARED)/profiles/*.json) build-fuzz/corpus/
	cp -f tests/fuzz/ocistate-seeds/* build-fuzz/corpus-ocistate/
	build-fuzz/fuzz_policy -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-artifact_prefix=build-fuzz/ build-fuzz/corpus
	build-fuzz/fuzz_ocistate -max_total_time=$(FUZZ_SECONDS) -max_len=70000 \
		-artifact_prefix=build-fuzz/ocistate- build-fuzz/corpus-ocistate

FORMAT_SRC = $(wildcard include/callgate/*.h lib/*.c lib/*.h agent/*.c agent/*.h sys/*.c sys/*.h bench/*.c bench/*.h \
		supervisor/*.c supervisor/*.h tests/unit/*.c tests/live/*.c tests/fuzz/*.c)
format:
	clang-format -i $(filter-out lib/systable_gen.c,$(FORMAT_SRC))

format-check:
	clang-format --dry-run --Werror $(filter-out lib/systable_gen.c,$(FORMAT_SRC))

-include $(shell find $(B) -name '*.d' 2>/dev/null)
