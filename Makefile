# Berth: a minimal container-host Linux distribution, and the build that makes it.
# `make help` lists the targets. Configuration is Kconfig, as in Buildroot.

# Package steps must not run in parallel with each other: every package's own
# build already uses all cores (BERTH_JOBS), and the steps share logs and stamps.
.NOTPARALLEL:
.DEFAULT_GOAL := all
MAKEFLAGS += --no-builtin-rules --no-builtin-variables
.SUFFIXES:

# Package builds run their own makes: they must not see our O=, V= or any other
# command-line variable (busybox and the kernel take O= as their output directory).
MAKEOVERRIDES :=
unexport O V TOPDIR KBUILD_OUTPUT

TOPDIR := $(CURDIR)
ifneq ($(O),)
O := $(abspath $(O))
else
O := $(TOPDIR)
endif
BUILD_DIR  := $(O)/build
IMAGES_DIR := $(O)/images
HOST_DIR   := $(BUILD_DIR)/host
SYSROOT    := $(HOST_DIR)/sysroot
LOG_DIR    := $(BUILD_DIR)/logs
CONFIG     := $(O)/.config
DL_DIR     ?= $(if $(XDG_CACHE_HOME),$(XDG_CACHE_HOME),$(HOME)/.cache)/berth/dl
BERTH_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
export DL_DIR BERTH_MIRROR

# V=1 shows every command; otherwise a line per step and a log per package.
ifeq ($(V),1)
Q :=
export BERTH_VERBOSE := 1
else
Q := @
endif

# Targets that need no host tools, and targets that need no configuration.
nodeps_goals := help clean distclean
noconfig_goals := $(nodeps_goals) savedefconfig menuconfig nconfig oldconfig olddefconfig %_defconfig
ifneq ($(filter-out $(nodeps_goals),$(or $(MAKECMDGOALS),all)),)
_ := $(shell $(TOPDIR)/scripts/host-deps >&2 || echo fail)
ifneq ($(_),)
$(error host prerequisites are missing; see above)
endif
endif

# External trees (as Buildroot's BR2_EXTERNAL): configs, boards, packages and
# overlays kept outside this repository. Given once, remembered in O.
BERTH_EXTERNAL_FILE := $(O)/.berth-external
# `make BERTH_EXTERNAL=` (empty, on the command line) forgets them.
ifneq ($(origin BERTH_EXTERNAL),command line)
ifeq ($(strip $(BERTH_EXTERNAL)),)
BERTH_EXTERNAL := $(shell cat $(BERTH_EXTERNAL_FILE) 2>/dev/null)
endif
endif
BERTH_EXTERNAL_DIRS := $(foreach d,$(BERTH_EXTERNAL),$(abspath $(d)))
$(foreach d,$(BERTH_EXTERNAL_DIRS),$(if $(wildcard $(d)/.),,$(error BERTH_EXTERNAL: $(d) is not a directory)))
ifneq ($(filter-out $(nodeps_goals),$(or $(MAKECMDGOALS),all)),)
_ := $(shell mkdir -p $(O) && echo '$(BERTH_EXTERNAL_DIRS)' > $(BERTH_EXTERNAL_FILE).tmp && \
	(cmp -s $(BERTH_EXTERNAL_FILE).tmp $(BERTH_EXTERNAL_FILE) && rm -f $(BERTH_EXTERNAL_FILE).tmp || \
	mv $(BERTH_EXTERNAL_FILE).tmp $(BERTH_EXTERNAL_FILE)))
endif
BERTH_EXTERNAL := $(BERTH_EXTERNAL_DIRS)
unexport BERTH_EXTERNAL

include scripts/kconfig.mk
ifneq ($(filter-out $(noconfig_goals),$(or $(MAKECMDGOALS),all)),)
include $(CONFIG)
config_loaded := y
# Kconfig quotes strings; the build wants them bare.
$(foreach v,$(filter BERTH_%,$(.VARIABLES)),$(if $(filter file,$(origin $(v))),\
	$(eval $(v) := $(subst ",,$($(v))))))
endif

# Reproducible outputs: timestamps come from the last commit unless given.
SOURCE_DATE_EPOCH ?= $(or $(shell git -C $(TOPDIR) log -1 --format=%ct 2>/dev/null),0)
# Versions order as RELEASE.BUILD (BUILD: commits on the branch), so that nodes
# can tell a newer update from an older one; the commit follows '+' (metadata).
BERTH_RELEASE := 0.5
BERTH_VERSION ?= $(BERTH_RELEASE).$(or $(shell git -C $(TOPDIR) rev-list --count HEAD 2>/dev/null),0)+g$(or \
	$(shell git -C $(TOPDIR) describe --always --dirty=.dirty 2>/dev/null),unknown)
export SOURCE_DATE_EPOCH

include package/pkg-generic.mk
include src/src.mk
include $(sort $(wildcard $(TOPDIR)/package/*/*.mk))
include $(sort $(foreach d,$(BERTH_EXTERNAL_DIRS),$(wildcard $(d)/package/*/*.mk) $(wildcard $(d)/external.mk)))

ifneq ($(config_loaded),)
ifeq ($(wildcard $(addsuffix /board/$(BERTH_BOARD)/.,$(TOPDIR) $(BERTH_EXTERNAL_DIRS))),)
$(error BERTH_BOARD "$(BERTH_BOARD)" (in $(CONFIG)): no board/$(BERTH_BOARD) in the tree$(if $(BERTH_EXTERNAL_DIRS), or in $(BERTH_EXTERNAL_DIRS)))
endif
endif
include rootfs/rootfs.mk
include scripts/update.mk
include scripts/qemu.mk
include tests/tests.mk

.PHONY: all source manifest clean distclean help

all: images

# Download (and verify) every package's sources, for a later offline build.
source: $(foreach p,$(PACKAGES),$(p)-source)

manifest: $(IMAGES_DIR)/manifest.json
$(IMAGES_DIR)/manifest.json: $(foreach p,$(PACKAGES),$(call pkgstamp,$(p),downloaded)) \
		$(TOPDIR)/scripts/manifest $(call value-file,manifest,$(BERTH_VERSION) $(PACKAGES)) | $(IMAGES_DIR)
	$(Q)$(TOPDIR)/scripts/manifest $(TOPDIR) $(BERTH_VERSION) \
		$(foreach p,$(PACKAGES),'$(p)|$($(call pkgvar,$(p))_VERSION)|$($(call pkgvar,$(p))_LICENSE)|$(call pkgstamp,$(p),downloaded)') \
		> $@.tmp && mv $@.tmp $@

$(IMAGES_DIR) $(LOG_DIR) $(HOST_DIR)/bin:
	$(Q)mkdir -p $@

# make printvars VARS='BERTH_BOARD TARGET_CC': values as the build sees them.
.PHONY: printvars
printvars:
	@$(foreach v,$(VARS),printf '%s=%s\n' '$(v)' '$($(v))';)

clean:
	rm -rf $(BUILD_DIR) $(IMAGES_DIR)

distclean: clean
	rm -f $(CONFIG) $(CONFIG).old $(BERTH_EXTERNAL_FILE) $(KCONFIG_EXTERNAL)

help:
	@echo 'Berth build. Usage: make [O=DIR] [V=1] [TARGET]'
	@echo
	@echo 'Building:'
	@echo '  all (default)       build everything: images/disk.img and the rest of images/'
	@echo '  source              download and verify every source, for an offline build'
	@echo '  PKG                 build one package and what it needs'
	@echo '  PKG-source          download and verify PKG'"'"'s sources'
	@echo '  PKG-extract         download and extract PKG (patches applied)'
	@echo '  PKG-configure       build PKG up to its configuration step'
	@echo '  PKG-rebuild         build PKG again from its configured tree'
	@echo '  PKG-dirclean        remove PKG'"'"'s build directory'
	@echo '  linux-menuconfig    edit the kernel configuration (saved in the build tree)'
	@echo '  printvars VARS=..   print build variables (e.g. VARS="TARGET_CC SYSROOT")'
	@echo '  rootfs              the root filesystem: rootfs.squashfs and rootfs.cpio.gz'
	@echo '  images              every image, then the post-image scripts (what all builds)'
	@echo '  manifest            images/manifest.json: packages, versions, licenses, hashes'
	@echo '  update              images/update/BOARD/: this build as a signed update (docs/update.md)'
	@echo '  keys                make the update signing key (BERTH_UPDATE_KEY) if there is none'
	@echo '  clean               remove build/ and images/ (keeps .config and DL_DIR)'
	@echo '  distclean           clean, and remove .config'
	@echo
	@echo 'Configuration:'
	@echo '  menuconfig, nconfig edit the configuration (Kconfig)'
	@echo '  oldconfig           update .config after Config.in changes, asking'
	@echo '  olddefconfig        update .config after Config.in changes'
	@echo '  savedefconfig       write the configuration back, minimal, to its defconfig'
	@$(foreach d,$(DEFCONFIGS),printf '  %-19s %s\n' '$(notdir $(d))' 'select $(d)';)
	@echo
	@echo 'Running and testing:'
	@echo '  run                 boot a copy of images/disk.img in QEMU, BIOS (SeaBIOS, GRUB)'
	@echo '  run-efi             the same through UEFI (OVMF, GRUB)'
	@echo '  run-kernel          boot the kernel and initramfs in QEMU on the serial console'
	@echo '  check               build, then run every test (ends with "N passed, N failed")'
	@echo '  check-unit          the quick tests, with no kernel build and no QEMU'
	@echo '  check-build         build, then the tests of the built tree (no QEMU)'
	@echo '  check-boot          build, then the QEMU boot tests'
	@echo '  bench               measure build and boot times (docs/performance.md)'
	@echo '  fuzz                run the fuzz targets, FUZZ_SECONDS (300) each'
	@echo
	@echo 'Packages: $(PACKAGES)'
	@echo 'Variables: BERTH_EXTERNAL=DIR... (external trees, remembered in O),'
	@echo '  O=DIR (build/ and images/ go under DIR), V=1, DL_DIR (now $(DL_DIR)),'
	@echo '  BERTH_MIRROR=URL (an http:// or file:// mirror tried after upstream), BERTH_JOBS,'
	@echo '  RUN_DISK, RUN_SSH_PORT (make run), SOURCE_DATE_EPOCH (default: the last commit)'
