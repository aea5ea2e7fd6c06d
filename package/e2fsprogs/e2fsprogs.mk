# e2fsprogs: mke2fs and e2fsck, static against musl. init checks STATE with
# e2fsck before mounting it, and makes an ext4 filesystem on a blank one with
# mke2fs (BusyBox's only makes ext2); it grows the filesystem online itself,
# without resize2fs.
E2FSPROGS_VERSION := 1.47.0
E2FSPROGS_SOURCE := e2fsprogs-$(E2FSPROGS_VERSION).tar.gz
E2FSPROGS_SITE := https://downloads.sourceforge.net/project/e2fsprogs/e2fsprogs/v$(E2FSPROGS_VERSION)
E2FSPROGS_DEBIAN := e2fsprogs
E2FSPROGS_LICENSE := GPL-2.0-only AND LGPL-2.0-only AND BSD-3-Clause AND MIT
E2FSPROGS_DEPENDENCIES := musl linux-headers
# Only the libraries and two programs: no shared libraries, FUSE, translations.
E2FSPROGS_CONF_OPTS := --host=x86_64-linux-musl --prefix=/usr --sysconfdir=/etc \
	--disable-nls --disable-elf-shlibs --disable-bsd-shlibs --disable-fuse2fs \
	--disable-defrag --disable-imager --disable-debugfs --disable-uuidd \
	--disable-e2initrd-helper --disable-fsck --disable-tdb --without-libarchive \
	--enable-libuuid --enable-libblkid

define E2FSPROGS_CONFIGURE_CMDS
	cd $(E2FSPROGS_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="-Os" LDFLAGS="-static" \
		./configure $(E2FSPROGS_CONF_OPTS)
endef

# Its makefiles rely on make's built-in suffix rules, which Berth's turn off.
E2FSPROGS_MAKE = env -u MAKEFLAGS -u MFLAGS $(MAKE) -j$(BERTH_JOBS)
define E2FSPROGS_BUILD_CMDS
	$(E2FSPROGS_MAKE) -C $(E2FSPROGS_SRCDIR) libs
	$(E2FSPROGS_MAKE) -C $(E2FSPROGS_SRCDIR)/misc mke2fs
	$(E2FSPROGS_MAKE) -C $(E2FSPROGS_SRCDIR)/e2fsck e2fsck
endef

# In place of BusyBox's mke2fs and e2fsck links.
define E2FSPROGS_INSTALL_CMDS
	install -D -m 0755 -s $(E2FSPROGS_SRCDIR)/misc/mke2fs $(E2FSPROGS_DEST)/sbin/mke2fs
	install -D -m 0755 -s $(E2FSPROGS_SRCDIR)/e2fsck/e2fsck $(E2FSPROGS_DEST)/sbin/e2fsck
	ln -sf mke2fs $(E2FSPROGS_DEST)/sbin/mkfs.ext4
	ln -sf e2fsck $(E2FSPROGS_DEST)/sbin/fsck.ext4
endef

$(eval $(call berth-package,e2fsprogs))
