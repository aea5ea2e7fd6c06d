# runc, the OCI runtime, as /usr/bin/runc: Debian 12's binary package, pinned,
# not built here. runc is Go with cgo (libseccomp), and Debian's source package
# drops its vendored Go modules, so a build from source needs a Go toolchain and
# every module; Debian's .deb is the same runc, built by Debian with its
# security fixes. It is a glibc program: it comes with the three files it loads,
# libc.so.6, libseccomp.so.2 and glibc's loader, all in /usr/lib/runc, and
# patchelf points runc at them (its interpreter and RUNPATH), so that nothing of
# glibc's is in /lib or /usr/lib for anything else to find. runc re-executes
# itself (/proc/self/exe init) before it enters a container's root, so the
# re-executed runc still finds them there. docs/containers.md.
RUNC_VERSION := 1.1.5+ds1-1+deb12u1
RUNC_DEBIAN_BINARY := runc=$(RUNC_VERSION) libseccomp2=2.5.4-1+deb12u1 libc6=2.36-9+deb12u14
# runc, libseccomp, glibc.
RUNC_LICENSE := Apache-2.0 AND LGPL-2.1-only AND LGPL-2.1-or-later
RUNC_LIBDIR := /usr/lib/runc

define RUNC_INSTALL_CMDS
	install -D -m 0755 $(RUNC_SRCDIR)/usr/sbin/runc $(RUNC_DEST)/usr/bin/runc
	install -D -m 0755 $(RUNC_SRCDIR)/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
		$(RUNC_DEST)$(RUNC_LIBDIR)/ld-linux-x86-64.so.2
	install -m 0755 $(RUNC_SRCDIR)/lib/x86_64-linux-gnu/libc.so.6 $(RUNC_DEST)$(RUNC_LIBDIR)/libc.so.6
	install -m 0644 $(RUNC_SRCDIR)/usr/lib/x86_64-linux-gnu/libseccomp.so.2 $(RUNC_DEST)$(RUNC_LIBDIR)/libseccomp.so.2
	patchelf --set-interpreter $(RUNC_LIBDIR)/ld-linux-x86-64.so.2 --set-rpath $(RUNC_LIBDIR) \
		$(RUNC_DEST)/usr/bin/runc
	patchelf --set-rpath '$$ORIGIN' $(RUNC_DEST)$(RUNC_LIBDIR)/libseccomp.so.2
endef

$(eval $(call berth-package,runc))
