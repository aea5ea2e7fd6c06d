# e2fsprogs: mke2fs, e2fsck and resize2fs, static against musl. init checks
# STATE with e2fsck before mounting it, and makes an ext4 filesystem on a blank
# one with mke2fs (BusyBox's only makes ext2).
E2FSPROGS_VERSION := 1.47.0
E2FSPROGS_SOURCE := e2fsprogs-$(E2FSPROGS_VERSION).tar.gz
E2FSPROGS_SITE := https://downloads.sourceforge.net/project/e2fsprogs/e2fsprogs/v$(E2FSPROGS_VERSION)
E2FSPROGS_DEBIAN := e2fsprogs
E2FSPROGS_LICENSE := GPL-2.0-only AND LGPL-2.0-only AND BSD-3-Clause AND MIT
E2FSPROGS_DEPENDENCIES := musl linux-headers
# Only the libraries and three programs: no shared libraries, FUSE, translations.
E2FSPROGS_CONF_OPTS := --host=x86_64-linux-musl --prefix=/usr --sysconfdir=/etc \
	--disable-nls --disable-elf-shlibs --disable-bsd-shlibs --disable-fuse2fs \
	--disable-defrag --disable-imager --disable-debugfs --disable-uuidd \
	--disable-e2initrd-helper --disable-fsck --disable-tdb --without-libarchive \
	--enable-libuuid --enable-libblkid

define E2FSPROGS_CONFIGURE_CMDS
	cd $(E2FSPROGS_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="-Os" LDFLAGS="-static" \
		./configure $(E2FSPROGS_CONF_OPTS)
endef

define E2FSPROGS_BUILD_CMDS
	$(MAKE) -C $(E2FSPROGS_SRCDIR) -j$(BERTH_JOBS) libs
	$(MAKE) -C $(E2FSPROGS_SRCDIR)/misc -j$(BERTH_JOBS) mke2fs
	$(MAKE) -C $(E2FSPROGS_SRCDIR)/e2fsck -j$(BERTH_JOBS) e2fsck
	$(MAKE) -C $(E2FSPROGS_SRCDIR)/resize -j$(BERTH_JOBS) resize2fs
endef

# In place of BusyBox's mke2fs and e2fsck links.
define E2FSPROGS_INSTALL_CMDS
	install -D -m 0755 -s $(E2FSPROGS_SRCDIR)/misc/mke2fs $(E2FSPROGS_DEST)/sbin/mke2fs
	install -D -m 0755 -s $(E2FSPROGS_SRCDIR)/e2fsck/e2fsck $(E2FSPROGS_DEST)/sbin/e2fsck
	install -D -m 0755 -s $(E2FSPROGS_SRCDIR)/resize/resize2fs $(E2FSPROGS_DEST)/sbin/resize2fs
	ln -sf mke2fs $(E2FSPROGS_DEST)/sbin/mkfs.ext4
	ln -sf e2fsck $(E2FSPROGS_DEST)/sbin/fsck.ext4
endef

$(eval $(call berth-package,e2fsprogs))
