# The package infrastructure. A package is package/NAME/NAME.mk, which sets
# NAME_VERSION, NAME_SOURCE, NAME_SITE, NAME_LICENSE, optionally NAME_DEBIAN
# (the Debian source package that mirrors it), NAME_DEPENDENCIES, NAME_INPUTS
# (files whose change must rebuild it), and the step commands
# NAME_CONFIGURE_CMDS, NAME_BUILD_CMDS, NAME_INSTALL_CMDS, then calls
#   $(eval $(call berth-package,NAME))
# A package made from Debian binary packages names them, with their exact
# versions, in NAME_DEBIAN_BINARY (PKG=VERSION ..., each .deb pinned in NAME.hash),
# with or without a NAME_SOURCE. A NAME_SOURCE may also list Debian's packaging
# of the source, SRCPKG_DEBIANVERSION.debian.tar.*: it is unpacked as debian/
# and the patches its debian/patches/series lists are applied, in order, before
# the package's own, but those named in NAME_DEBIAN_PATCHES_SKIP (Debian's
# packaging ones, say, which only its own build wants). NAME_LICENSE is an SPDX expression; a package
# that bundles several works joins their licenses with AND.
# Steps: downloaded -> extracted -> configured -> built -> installed, each a stamp
# in the package's build directory. Each step's output goes to build/logs/NAME.log.
# The downloaded stamp lists every file fetched, "PATH SHA256 FILE" a line.
#
# Inside the commands: NAME_SRCDIR is the extracted source (patched with the
# package's *.patch files), with each .deb's filesystem tree unpacked into it
# (dpkg-deb -x: SRCDIR/usr/..., SRCDIR/lib/...), NAME_DEST the directory whose
# contents the package adds to the root filesystem (empty for a library that
# only goes into the sysroot), SYSROOT the toolchain's sysroot, TARGET_CC the
# musl compiler; target libraries use TARGET_LIB_CFLAGS and TARGET_PKG_CONFIG
# (below).

PACKAGES :=
# NAME -> NAME's variable prefix: upper case, '-' as '_' (linux-headers -> LINUX_HEADERS).
pkgvar = $(strip $(subst -,_,$(subst a,A,$(subst b,B,$(subst c,C,$(subst d,D,$(subst e,E,$(subst f,F,\
	$(subst g,G,$(subst h,H,$(subst i,I,$(subst j,J,$(subst k,K,$(subst l,L,$(subst m,M,\
	$(subst n,N,$(subst o,O,$(subst p,P,$(subst q,Q,$(subst r,R,$(subst s,S,$(subst t,T,\
	$(subst u,U,$(subst v,V,$(subst w,W,$(subst x,X,$(subst y,Y,$(subst z,Z,$(1)))))))))))))))))))))))))))))

TARGET_CC := $(HOST_DIR)/bin/x86_64-berth-linux-musl-gcc
TARGET_STRIP := strip
TARGET_MAKE_ENV := PATH=$(HOST_DIR)/bin:$(PATH)
# Target libraries (libsodium, jansson, mbedtls, curl, zlib, libarchive: static,
# for Berth's programs to link) install as musl does, with --prefix=$(SYSROOT):
# headers in $(SYSROOT)/include and archives in $(SYSROOT)/lib, where TARGET_CC
# already looks, and pkg-config files in $(SYSROOT)/lib/pkgconfig that name
# those absolute paths. So pkg-config needs that directory as its only search
# path, and no sysroot (PKG_CONFIG_SYSROOT_DIR would prefix the paths a second
# time); the host's own .pc files are never seen. For a program:
#   $(TARGET_PKG_CONFIG) --static --cflags --libs libcurl jansson libsodium
TARGET_PKG_CONFIG_ENV = PKG_CONFIG_LIBDIR=$(SYSROOT)/lib/pkgconfig PKG_CONFIG_PATH= PKG_CONFIG_SYSROOT_DIR=
TARGET_PKG_CONFIG = $(TARGET_PKG_CONFIG_ENV) pkg-config
# Each function and object in a section of its own, so that a program linked
# with --gc-sections (src/src.mk) keeps only what it calls.
TARGET_LIB_CFLAGS := -Os -ffunction-sections -fdata-sections
# Compiler cache shared by every build on this machine, outside the checkout.
export CCACHE_DIR ?= $(dir $(DL_DIR))ccache
export CCACHE_BASEDIR := $(O)
HOSTCC := ccache gcc

# Build directory and stamps of a package, from its name alone, so that a package
# can depend on one defined later.
pkgdir = $(BUILD_DIR)/$(1)
pkgstamp = $(BUILD_DIR)/$(1)/.stamp_$(2)

# Paths given in the configuration: absolute, or relative to the tree, else to a
# BERTH_EXTERNAL tree that has them.
tree-paths = $(foreach p,$(1),$(if $(filter /%,$(p)),$(p),$(firstword \
	$(wildcard $(TOPDIR)/$(p) $(addsuffix /$(p),$(BERTH_EXTERNAL_DIRS))) $(TOPDIR)/$(p))))
# A file of the board's: board/BOARD/FILE in the tree or in an external tree.
board-path = $(firstword $(wildcard $(addsuffix /board/$(BERTH_BOARD)/$(1),$(TOPDIR) $(BERTH_EXTERNAL_DIRS))))

# A file holding VALUE, rewritten only when VALUE changes: as a prerequisite it
# rebuilds a package when a configuration value that the package uses changes.
value-file = $(if $(config_loaded),$(shell f='$(BUILD_DIR)/.values/$(1)'; v='$(2)'; \
	mkdir -p '$(BUILD_DIR)/.values'; [ -f "$$f" ] && [ "$$(cat "$$f")" = "$$v" ] || \
	{ printf '%s' "$$v" > "$$f.tmp" && mv -f "$$f.tmp" "$$f"; }; echo "$$f"))

step_msg = printf '>>> %s %s %s\n' '$(1)' '$(2)' '$(3)' >&3

berth-package = $(call berth-package-vars,$(1),$(strip $(call pkgvar,$(1))))

define berth-package-vars
PACKAGES += $(1)
$(2)_PKGDIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
$(2)_DIR := $$(call pkgdir,$(1))
$(2)_SRCDIR := $$($(2)_DIR)/src
$(2)_DEST := $$($(2)_DIR)/dest
$(2)_LOG := $$(LOG_DIR)/$(1).log
$(2)_HASH_FILE ?= $$($(2)_PKGDIR)/$(1).hash
$(2)_STAMP_DOWNLOADED := $$(call pkgstamp,$(1),downloaded)
$(2)_STAMP_EXTRACTED := $$(call pkgstamp,$(1),extracted)
$(2)_STAMP_CONFIGURED := $$(call pkgstamp,$(1),configured)
$(2)_STAMP_BUILT := $$(call pkgstamp,$(1),built)
$(2)_STAMP_INSTALLED := $$(call pkgstamp,$(1),installed)
$(2)_STAMPS := $$($(2)_STAMP_DOWNLOADED) $$($(2)_STAMP_EXTRACTED) \
	$$($(2)_STAMP_CONFIGURED) $$($(2)_STAMP_BUILT) $$($(2)_STAMP_INSTALLED)

# Every step runs through scripts/step-sh, which sends its output to the log and
# shows the log's tail on failure.
$$($(2)_STAMPS): private SHELL := $(TOPDIR)/scripts/step-sh
$$($(2)_STAMPS): export BERTH_LOG := $$($(2)_LOG)
ifneq ($(V),1)
.SILENT: $$($(2)_STAMPS)
endif

ifneq ($$($(2)_SOURCE)$$($(2)_DEBIAN_BINARY),)
# A changed pin (a version bump) refetches and so rebuilds; a comment does not.
# Debian binary packages come from Debian's archive through apt's signed
# Packages indexes, with a private configuration of their own in build/apt-deb.
$$($(2)_STAMP_DOWNLOADED): $$(call value-file,$(1)-pins,$$(shell grep '^sha256' $$($(2)_HASH_FILE)) \
		$$($(2)_DEBIAN_BINARY)) | $$(LOG_DIR)
	@$$(call step_msg,$(1),$$($(2)_VERSION),Downloading)
	rm -f $$@.tmp
	$$(foreach f,$$($(2)_SOURCE),$(TOPDIR)/scripts/fetch $(1) '$$($(2)_VERSION)' '$$(f)' '$$($(2)_SITE)' \
		$$($(2)_HASH_FILE) '$$($(2)_DEBIAN)' $$(BUILD_DIR)/apt $$@.tmp >&3 2>&3 &&) \
	$$(foreach d,$$($(2)_DEBIAN_BINARY),$(TOPDIR)/scripts/fetch --deb $(1) '$$($(2)_VERSION)' '$$(d)' \
		$$($(2)_HASH_FILE) $$(BUILD_DIR)/apt-deb $$@.tmp >&3 2>&3 &&) mv $$@.tmp $$@

$$($(2)_STAMP_EXTRACTED): $$($(2)_STAMP_DOWNLOADED) $$(wildcard $$($(2)_PKGDIR)/*.patch) \
		$$(call value-file,$(1)-patches,$$(notdir $$(wildcard $$($(2)_PKGDIR)/*.patch)))
	@$$(call step_msg,$(1),$$($(2)_VERSION),Extracting)
	rm -rf $$($(2)_SRCDIR) $$($(2)_SRCDIR).tmp && mkdir -p $$($(2)_SRCDIR).tmp
	while read -r f _; do case $$$$f in \
		*.deb) dpkg-deb -x "$$$$f" $$($(2)_SRCDIR).tmp ;; \
		*.debian.tar.*) tar -xf "$$$$f" -C $$($(2)_SRCDIR).tmp --no-same-owner ;; \
		*) tar -xf "$$$$f" -C $$($(2)_SRCDIR).tmp --strip-components=1 --no-same-owner ;; \
	esac; done < $$<
	if [ -f $$($(2)_SRCDIR).tmp/debian/patches/series ]; then \
		sed -e 's/#.*//' -e '/^[[:space:]]*$$$$/d' $$($(2)_SRCDIR).tmp/debian/patches/series | \
		while read -r p _; do case ' $$($(2)_DEBIAN_PATCHES_SKIP) ' in *" $$$$p "*) continue ;; esac; \
			patch -d $$($(2)_SRCDIR).tmp -p1 < $$($(2)_SRCDIR).tmp/debian/patches/$$$$p || exit 1; done; \
	fi
	$$(foreach p,$$(sort $$(wildcard $$($(2)_PKGDIR)/*.patch)),patch -d $$($(2)_SRCDIR).tmp -p1 < $$(p) &&) true
	mv $$($(2)_SRCDIR).tmp $$($(2)_SRCDIR)
	touch $$@
else
# No source of its own (it builds from another package's tree, or from the tree).
$$($(2)_STAMP_DOWNLOADED) $$($(2)_STAMP_EXTRACTED): | $$(LOG_DIR)
	mkdir -p $$(@D) && : > $$@
endif

# A change to the .mk, the package's own files or its dependencies reconfigures it.
$$($(2)_STAMP_CONFIGURED): $$($(2)_STAMP_EXTRACTED) $$($(2)_PKGDIR)/$(1).mk $$($(2)_INPUTS) \
		$$(foreach d,$$($(2)_DEPENDENCIES),$$(call pkgstamp,$$(d),installed))
	@$$(call step_msg,$(1),$$($(2)_VERSION),Configuring)
	$$($(2)_CONFIGURE_CMDS)
	touch $$@

$$($(2)_STAMP_BUILT): $$($(2)_STAMP_CONFIGURED)
	@$$(call step_msg,$(1),$$($(2)_VERSION),Building)
	$$($(2)_BUILD_CMDS)
	touch $$@

$$($(2)_STAMP_INSTALLED): $$($(2)_STAMP_BUILT)
	@$$(call step_msg,$(1),$$($(2)_VERSION),Installing)
	rm -rf $$($(2)_DEST) && mkdir -p $$($(2)_DEST)
	$$($(2)_INSTALL_CMDS)
	touch $$@

.PHONY: $(1) $(1)-source $(1)-extract $(1)-configure $(1)-rebuild $(1)-dirclean
$(1): $$($(2)_STAMP_INSTALLED)
$(1)-source: $$($(2)_STAMP_DOWNLOADED)
$(1)-extract: $$($(2)_STAMP_EXTRACTED)
$(1)-configure: $$($(2)_STAMP_CONFIGURED)
$(1)-rebuild:
	rm -f $$($(2)_STAMP_BUILT) $$($(2)_STAMP_INSTALLED)
	$$(MAKE) --no-print-directory O=$$(O) V=$$(V) $(1)
$(1)-dirclean:
	rm -rf $$($(2)_DIR)
endef
