# Go 1.19, the compiler of runc and etcd: Debian 12's, the toolchain Debian
# builds them with, as its two pinned binary packages (the go command and the
# standard library's source), unpacked in the build tree. Nothing goes into
# the image, and nothing of the host's Go is used.
HOST_GO_VERSION := 1.19.8-2
HOST_GO_DEBIAN_BINARY := golang-1.19-go=$(HOST_GO_VERSION) golang-1.19-src=$(HOST_GO_VERSION)
HOST_GO_LICENSE := BSD-3-Clause
HOST_GO_ROOT = $(HOST_GO_SRCDIR)/usr/lib/go-1.19

# A Go program's build: GOPATH mode, as Debian's dh-golang builds, with the Go
# modules from Debian's golang-*-dev packages that the package unpacked into
# its source tree (usr/share/gocode); no module download, no cache of the
# user's; cgo through the target's musl compiler; reproducible (no build id,
# no paths of this machine, no VCS stamp).
HOST_GO_ENV = GOROOT=$(HOST_GO_ROOT) PATH=$(HOST_GO_ROOT)/bin:$(PATH) GO111MODULE=off GOPROXY=off \
	GOFLAGS= GOTOOLCHAIN=local GOCACHE=$(HOST_GO_DIR)/cache GOENV=off CC=$(TARGET_CC)
HOST_GO_BUILD = go build -trimpath -buildvcs=false

define HOST_GO_INSTALL_CMDS
	$(HOST_GO_ENV) go version
endef

$(eval $(call berth-package,host-go))
