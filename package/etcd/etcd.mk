# etcd, the cluster's key-value store, as /usr/bin/etcd and /usr/bin/etcdctl,
# and berth-etcd, which runs it as member or gateway from the node's settings
# (docs/etcd.md): Debian 12's binary packages, pinned, not built here. etcd is
# Go, and Debian's source package drops its vendored modules, so a build from
# source needs a Go toolchain and some seventy Go modules (as runc does,
# package/runc). Debian's build is cgo against glibc: etcd and etcdctl use
# runc's glibc and loader in /usr/lib/runc, set with patchelf as runc's are.
ETCD_VERSION := 3.4.23-4+b4
ETCD_DEBIAN_BINARY := etcd-server=$(ETCD_VERSION) etcd-client=$(ETCD_VERSION)
ETCD_LICENSE := Apache-2.0
ETCD_DEPENDENCIES := runc musl
ETCD_INPUTS = $(BUILD_DIR)/target-bin/berth-etcd $(ETCD_PKGDIR)/etcd.service

define ETCD_INSTALL_CMDS
	for p in etcd etcdctl; do \
		install -D -m 0755 $(ETCD_SRCDIR)/usr/bin/$$p $(ETCD_DEST)/usr/bin/$$p && \
		patchelf --set-interpreter $(RUNC_LIBDIR)/ld-linux-x86-64.so.2 --set-rpath $(RUNC_LIBDIR) \
			$(ETCD_DEST)/usr/bin/$$p || exit 1; \
	done
	install -D -m 0755 $(BUILD_DIR)/target-bin/berth-etcd $(ETCD_DEST)/usr/sbin/berth-etcd
	install -D -m 0644 $(ETCD_PKGDIR)/etcd.service $(ETCD_DEST)/usr/lib/berth/units/etcd.service
endef

$(eval $(call berth-package,etcd))
