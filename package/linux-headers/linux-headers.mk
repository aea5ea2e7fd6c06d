# The kernel's UAPI headers, installed into the toolchain's sysroot for musl and
# everything built against it. Built from the kernel package's extracted source.
LINUX_HEADERS_VERSION = $(LINUX_VERSION)
LINUX_HEADERS_LICENSE := GPL-2.0-only WITH Linux-syscall-note
LINUX_HEADERS_INPUTS := $(call pkgstamp,linux,extracted)

define LINUX_HEADERS_BUILD_CMDS
	$(MAKE) -C $(LINUX_SRCDIR) O=$(LINUX_HEADERS_DIR)/obj ARCH=x86_64 HOSTCC="$(HOSTCC)" \
		INSTALL_HDR_PATH=$(SYSROOT) headers_install
endef

$(eval $(call berth-package,linux-headers))
