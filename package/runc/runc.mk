# runc, the OCI runtime, as /usr/bin/runc: built from source, Go with cgo for
# libseccomp, one static binary against musl (no loader, no shared library).
# The source is Debian 12's (runc 1.1.5 without its vendored modules, +ds1,
# with Debian's patches: the fix of CVE-2024-21626 among them); the Go modules
# it imports are Debian 12's golang-*-dev packages, which hold their source;
# the compiler is Debian's Go 1.19 (package/host-go). Debian builds runc the
# same way, against glibc. docs/containers.md.
RUNC_VERSION := 1.1.5
RUNC_DEBIAN_VERSION := 1.1.5+ds1-1+deb12u1
RUNC_SOURCE := runc_1.1.5+ds1.orig.tar.xz runc_$(RUNC_DEBIAN_VERSION).debian.tar.xz
RUNC_DEBIAN := runc
# The modules runc imports (go list -deps), each with its exact version.
RUNC_DEBIAN_BINARY := \
	golang-dbus-dev=5.1.0-1 \
	golang-github-checkpoint-restore-go-criu-dev=5.3.0-2 \
	golang-github-cilium-ebpf-dev=0.9.1-1 \
	golang-github-containerd-console-dev=1.0.3-1 \
	golang-github-coreos-go-systemd-dev=22.3.2-1 \
	golang-github-cyphar-filepath-securejoin-dev=0.2.3-1 \
	golang-github-docker-go-units-dev=0.4.0-4 \
	golang-github-moby-sys-dev=0.0~git20220606.416188a-1 \
	golang-github-mrunalp-fileutils-dev=0.5.0-2 \
	golang-github-opencontainers-selinux-dev=1.10.0+ds1-1 \
	golang-github-opencontainers-specs-dev=1.0.2.118.g5cfc4c3-1 \
	golang-github-seccomp-libseccomp-golang-dev=0.10.0-3 \
	golang-github-sirupsen-logrus-dev=1.9.0-1 \
	golang-github-urfave-cli-dev=1.22.9-2 \
	golang-github-vishvananda-netlink-dev=1.1.0.125.gf243826-4 \
	golang-github-vishvananda-netns-dev=0.0~git20211101.5004558-1 \
	golang-gocapability-dev=0.0+git20200815.42c35b4-2 \
	golang-golang-x-net-dev=1:0.7.0+dfsg-1 \
	golang-golang-x-sys-dev=0.3.0-1 \
	golang-google-protobuf-dev=1.28.1-3
RUNC_LICENSE := Apache-2.0 AND BSD-3-Clause AND BSD-2-Clause AND MIT AND LGPL-2.1-only
RUNC_DEPENDENCIES := host-go libseccomp musl linux-headers
RUNC_GOPATH = $(RUNC_DIR)/gopath
RUNC_GODIR = $(RUNC_GOPATH)/src/github.com/opencontainers/runc

# Go finds runc at its import path in a GOPATH of its own, the modules in the
# tree the .debs were unpacked into.
define RUNC_CONFIGURE_CMDS
	mkdir -p $(dir $(RUNC_GODIR)) && ln -sfn $(RUNC_SRCDIR) $(RUNC_GODIR)
endef

define RUNC_BUILD_CMDS
	cd $(RUNC_GODIR) && $(HOST_GO_ENV) GOPATH=$(RUNC_GOPATH):$(RUNC_SRCDIR)/usr/share/gocode \
		CGO_ENABLED=1 $(TARGET_PKG_CONFIG_ENV) CGO_CFLAGS="-O2" \
		$(HOST_GO_BUILD) -o $(RUNC_DIR)/runc -tags "seccomp urfave_cli_no_docs netgo osusergo" \
		-ldflags "-s -w -buildid= -linkmode external -extldflags -static \
			-X main.version=$(RUNC_VERSION) -X main.gitCommit=debian-$(RUNC_DEBIAN_VERSION)" .
endef

define RUNC_INSTALL_CMDS
	install -D -m 0755 $(RUNC_DIR)/runc $(RUNC_DEST)/usr/bin/runc
endef

$(eval $(call berth-package,runc))
