# Berth's own C programs (src/NAME/) and their shared library (src/lib/) build in
# two flavours from the same sources:
#   target: static against musl (TARGET_CC), for the image;
#   host:   the host's libc with AddressSanitizer and UndefinedBehaviorSanitizer,
#           for unit tests on the build machine.
BERTH_CFLAGS := -std=c17 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
TARGET_CFLAGS := $(BERTH_CFLAGS) -Os -ffunction-sections -fdata-sections
TARGET_LDFLAGS := -static -Wl,--gc-sections -s
HOST_SAN_CC := gcc
HOST_SAN_CFLAGS := $(BERTH_CFLAGS) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_SAN_LDFLAGS := -fsanitize=address,undefined
# The libraries src/lib uses (libcurl, jansson, libsodium, libarchive, libyaml): for the
# host flavour the host's own (-dev packages, scripts/host-deps), linked into
# every host program and test as the whole library is; for the target, from the
# sysroot, only into the programs that name them in PROGRAM_LIBS_NAME
# (pkg-config names), static, so a program that calls none of them carries none
# of them.
LIB_PKGS := libcurl jansson libsodium libarchive zlib yaml-0.1
LIB_PACKAGES := curl jansson libsodium libarchive zlib libyaml
HOST_LIBS = $(shell pkg-config --libs $(LIB_PKGS))
PROGRAM_LIBS_update-agent := libcurl jansson libsodium
PROGRAM_LIBS_dock := libcurl jansson libsodium libarchive zlib
PROGRAM_LIBS_fleetd := libcurl jansson libsodium
PROGRAM_LIBS_fleetctl := libcurl jansson libsodium
PROGRAM_LIBS_berth-provision := libcurl jansson yaml-0.1 zlib

# The shared library, src/lib/*.c, in both flavours, and the host unit tests of
# tests/c/test-*.c, each linked with the host flavour of the library.
LIB_SRCS := $(sort $(wildcard $(TOPDIR)/src/lib/*.c))
LIB_HDRS := $(wildcard $(TOPDIR)/src/lib/*.h)
HOST_OBJ := $(BUILD_DIR)/host-obj
TARGET_OBJ := $(BUILD_DIR)/target-obj
HOST_TESTS := $(patsubst $(TOPDIR)/tests/c/%.c,$(BUILD_DIR)/host-tests/%,$(wildcard $(TOPDIR)/tests/c/test-*.c))

$(HOST_OBJ)/%.o: $(TOPDIR)/src/lib/%.c $(LIB_HDRS) $(TOPDIR)/src/src.mk
	@mkdir -p $(@D)
	$(Q)$(HOST_SAN_CC) $(HOST_SAN_CFLAGS) -c -o $@ $<
$(BUILD_DIR)/host-tests/%: $(TOPDIR)/tests/c/%.c $(TOPDIR)/tests/c/check.h \
		$(patsubst $(TOPDIR)/src/lib/%.c,$(HOST_OBJ)/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(Q)$(HOST_SAN_CC) $(HOST_SAN_CFLAGS) -o $@ $(filter %.c %.o,$^) $(HOST_SAN_LDFLAGS) $(HOST_LIBS)

$(TARGET_OBJ)/%.o: $(TOPDIR)/src/lib/%.c $(LIB_HDRS) $(TOPDIR)/src/src.mk $(call pkgstamp,musl,installed) \
		$(foreach p,$(LIB_PACKAGES),$(call pkgstamp,$(p),installed))
	@mkdir -p $(@D)
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -c -o $@ $<
# The archive also depends on the list of sources: a new source file, older
# than the archive, must still be added to it.
$(TARGET_OBJ)/libberth.a: $(patsubst $(TOPDIR)/src/lib/%.c,$(TARGET_OBJ)/%.o,$(LIB_SRCS)) \
		$(call value-file,libberth,$(notdir $(LIB_SRCS)))
	$(Q)rm -f $@ && ar rcsD $@ $(filter %.o,$^)

.PHONY: host-tests target-lib
host-tests: $(HOST_TESTS)
	@printf '%s\n' $(HOST_TESTS) > $(BUILD_DIR)/host-tests/list
target-lib: $(TARGET_OBJ)/libberth.a

# Fuzzing (libFuzzer, clang): make fuzz runs each target for FUZZ_SECONDS, from
# the seeds in tests/fuzz/corpus-NAME plus what earlier runs found.
FUZZ_SECONDS ?= 300
FUZZ_CFLAGS := $(BERTH_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst $(TOPDIR)/tests/fuzz/%.c,%,$(wildcard $(TOPDIR)/tests/fuzz/fuzz-*.c))
$(BUILD_DIR)/fuzz/%: $(TOPDIR)/tests/fuzz/%.c $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) $(HOST_LIBS)

.PHONY: fuzz
fuzz: $(addprefix $(BUILD_DIR)/fuzz/,$(FUZZ_TARGETS))
	$(Q)$(foreach t,$(FUZZ_TARGETS),mkdir -p $(BUILD_DIR)/fuzz/corpus-$(t:fuzz-%=%) && \
		echo '>>> fuzz $(t) for $(FUZZ_SECONDS) s' && \
		$(BUILD_DIR)/fuzz/$(t) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
			$(BUILD_DIR)/fuzz/corpus-$(t:fuzz-%=%) $(TOPDIR)/tests/fuzz/corpus-$(t:fuzz-%=%) \
			2> $(BUILD_DIR)/fuzz/$(t).log && tail -n 12 $(BUILD_DIR)/fuzz/$(t).log &&) true

# Berth's programs, host flavour, for tests: build/host-bin/NAME from src/NAME/*.c
# (src/init is init, src/initctl is initctl).
HOST_PROGRAMS := $(patsubst $(TOPDIR)/src/%/,%,$(filter-out $(TOPDIR)/src/lib/,$(wildcard $(TOPDIR)/src/*/)))
$(BUILD_DIR)/host-bin/%: $(wildcard $(TOPDIR)/src/*/*.c $(TOPDIR)/src/*/*.h) \
		$(patsubst $(TOPDIR)/src/lib/%.c,$(HOST_OBJ)/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(Q)$(HOST_SAN_CC) $(HOST_SAN_CFLAGS) -o $@ $(wildcard $(TOPDIR)/src/$*/*.c) \
		$(patsubst $(TOPDIR)/src/lib/%.c,$(HOST_OBJ)/%.o,$(LIB_SRCS)) $(HOST_SAN_LDFLAGS) $(HOST_LIBS)

.PHONY: host-programs
host-programs: $(addprefix $(BUILD_DIR)/host-bin/,$(HOST_PROGRAMS))
# The library's objects are kept between builds, not removed as intermediates.
.SECONDARY: $(patsubst $(TOPDIR)/src/lib/%.c,$(HOST_OBJ)/%.o,$(LIB_SRCS)) \
	$(patsubst $(TOPDIR)/src/lib/%.c,$(TARGET_OBJ)/%.o,$(LIB_SRCS))

# The same programs in the target flavour: static against musl.
$(BUILD_DIR)/target-bin/%: $(wildcard $(TOPDIR)/src/*/*.c $(TOPDIR)/src/*/*.h) $(TARGET_OBJ)/libberth.a
	@mkdir -p $(@D)
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -o $@ $(wildcard $(TOPDIR)/src/$*/*.c) $(TARGET_OBJ)/libberth.a \
		$(if $(PROGRAM_LIBS_$*),$$($(TARGET_PKG_CONFIG) --static --cflags --libs $(PROGRAM_LIBS_$*))) $(TARGET_LDFLAGS)

.PHONY: target-programs
target-programs: $(addprefix $(BUILD_DIR)/target-bin/,$(HOST_PROGRAMS))
