# etcd, the cluster's key-value store, as /usr/bin/etcd and /usr/bin/etcdctl,
# and berth-etcd, which runs it as member or gateway from the node's settings
# (docs/etcd.md). etcd is built from source, as runc is (package/runc): Debian
# 12's source (with Debian's patches, which fit it to the module versions
# Debian has), the Go modules it imports from Debian 12's golang-*-dev
# packages, Debian's Go 1.19 (package/host-go); pure Go, so two static
# binaries, without cgo.
ETCD_VERSION := 3.4.23
ETCD_DEBIAN_VERSION := 3.4.23-4
ETCD_SOURCE := etcd_$(ETCD_VERSION).orig.tar.gz etcd_$(ETCD_DEBIAN_VERSION).debian.tar.xz
ETCD_DEBIAN := etcd
# The modules etcd and etcdctl import (go list -deps), each with its exact version.
ETCD_DEBIAN_BINARY := \
	golang-github-beorn7-perks-dev=1.0.1-1 \
	golang-github-bgentry-speakeasy-dev=0.1.0-2 \
	golang-github-cespare-xxhash-dev=2.1.1-2 \
	golang-github-coreos-bbolt-dev=1.3.6-2 \
	golang-github-coreos-go-semver-dev=0.3.0-1 \
	golang-github-coreos-go-systemd-dev=22.3.2-1 \
	golang-github-coreos-pkg-dev=4-3 \
	golang-github-cpuguy83-go-md2man-v2-dev=2.0.2+ds1-1 \
	golang-github-dustin-go-humanize-dev=1.0.0-3 \
	golang-github-gogo-protobuf-dev=1.3.2-3 \
	golang-github-golang-groupcache-dev=0.0~git20200121.8c9f03a-2 \
	golang-github-golang-jwt-jwt-dev=4.4.3-1 \
	golang-github-golang-protobuf-1-3-dev=1.3.5-4 \
	golang-github-google-btree-dev=1.0.0-1 \
	golang-github-google-uuid-dev=1.3.0-1 \
	golang-github-gorilla-websocket-dev=1.5.0-2 \
	golang-github-grpc-ecosystem-go-grpc-middleware-dev=1.3.0-1 \
	golang-github-grpc-ecosystem-go-grpc-prometheus-dev=1.2.0+git20191002.6af20e3-3 \
	golang-github-grpc-ecosystem-grpc-gateway-dev=1.6.4-2 \
	golang-github-jonboulle-clockwork-dev=0.1.0-4.1 \
	golang-github-json-iterator-go-dev=1.1.12-1 \
	golang-github-mattn-go-runewidth-dev=0.0.14-1 \
	golang-github-modern-go-concurrent-dev=1.0.3-1.1 \
	golang-github-modern-go-reflect2-dev=1.0.2-2 \
	golang-github-olekukonko-tablewriter-dev=0.0.5-2 \
	golang-github-prometheus-client-golang-dev=1.14.0-3 \
	golang-github-prometheus-client-model-dev=0.3.0-3 \
	golang-github-prometheus-common-dev=0.39.0-2 \
	golang-github-prometheus-procfs-dev=0.8.0-3 \
	golang-github-rivo-uniseg-dev=0.4.2-1 \
	golang-github-russross-blackfriday-v2-dev=2.1.0-1 \
	golang-github-sirupsen-logrus-dev=1.9.0-1 \
	golang-github-soheilhy-cmux-dev=0.1.5-2 \
	golang-github-spf13-cobra-dev=1.6.1-1 \
	golang-github-spf13-pflag-dev=1.0.6~git20210604-d5e0c0615ace-1 \
	golang-github-tmc-grpc-websocket-proxy-dev=0.0~git20200427.3cfed13-3 \
	golang-github-urfave-cli-dev=1.22.9-2 \
	golang-github-xiang90-probing-dev=0.0.2-2 \
	golang-go.uber-atomic-dev=1.10.0-2 \
	golang-go.uber-multierr-dev=1.6.0-1 \
	golang-go.uber-zap-dev=1.23.0-1 \
	golang-golang-x-crypto-dev=1:0.4.0-1 \
	golang-golang-x-net-dev=1:0.7.0+dfsg-1 \
	golang-golang-x-sys-dev=0.3.0-1 \
	golang-golang-x-text-dev=0.7.0-1 \
	golang-golang-x-time-dev=0.3.0-1 \
	golang-google-genproto-dev=0.0~git20200413.b5235f6-3 \
	golang-google-grpc-dev=1.33.3-2 \
	golang-google-protobuf-dev=1.28.1-3 \
	golang-gopkg-cheggaaa-pb.v1-dev=1.0.25-1 \
	golang-gopkg-yaml.v2-dev=2.4.0-4 \
	golang-k8s-sigs-yaml-dev=1.3.0-1 \
	golang-protobuf-extensions-dev=1.0.1-3
ETCD_LICENSE := Apache-2.0 AND BSD-3-Clause AND BSD-2-Clause AND MIT
ETCD_DEPENDENCIES := host-go musl
ETCD_INPUTS = $(BUILD_DIR)/target-bin/berth-etcd $(ETCD_PKGDIR)/etcd.service
ETCD_GOPATH = $(ETCD_DIR)/gopath
ETCD_GODIR = $(ETCD_GOPATH)/src/go.etcd.io/etcd
ETCD_GO = cd $(ETCD_GODIR) && $(HOST_GO_ENV) GOPATH=$(ETCD_GOPATH):$(ETCD_SRCDIR)/usr/share/gocode CGO_ENABLED=0 \
	$(HOST_GO_BUILD) -ldflags "-s -w -buildid= -X go.etcd.io/etcd/version.GitSHA=debian-$(ETCD_DEBIAN_VERSION)"

define ETCD_CONFIGURE_CMDS
	mkdir -p $(dir $(ETCD_GODIR)) && ln -sfn $(ETCD_SRCDIR) $(ETCD_GODIR)
endef

define ETCD_BUILD_CMDS
	$(ETCD_GO) -o $(ETCD_DIR)/etcd .
	$(ETCD_GO) -o $(ETCD_DIR)/etcdctl ./etcdctl
endef

define ETCD_INSTALL_CMDS
	install -D -m 0755 $(ETCD_DIR)/etcd $(ETCD_DEST)/usr/bin/etcd
	install -D -m 0755 $(ETCD_DIR)/etcdctl $(ETCD_DEST)/usr/bin/etcdctl
	install -D -m 0755 $(BUILD_DIR)/target-bin/berth-etcd $(ETCD_DEST)/usr/sbin/berth-etcd
	install -D -m 0644 $(ETCD_PKGDIR)/etcd.service $(ETCD_DEST)/usr/lib/berth/units/etcd.service
endef

$(eval $(call berth-package,etcd))
