# OpenSSH's sftp-server only, for Dropbear's "sftp" subsystem: what scp (which
# speaks SFTP by default since OpenSSH 9.0) and sftp need on the node. One
# static program against musl, /usr/libexec/sftp-server; no ssh, no sshd.
OPENSSH_VERSION := 9.2p1
OPENSSH_SOURCE := openssh-$(OPENSSH_VERSION).tar.gz
OPENSSH_SITE := https://cdn.openbsd.org/pub/OpenBSD/OpenSSH/portable
OPENSSH_DEBIAN := openssh
# OpenSSH's LICENCE: BSD-style notices of its many authors, as SPDX names it.
OPENSSH_LICENSE := SSH-OpenSSH
OPENSSH_DEPENDENCIES := musl
# Without OpenSSL, zlib, PAM, Kerberos or libedit: sftp-server needs none of
# them. Debian 12's security patches to 9.2p1 are all to ssh, sshd,
# ssh-agent or the FIDO and PKCS#11 loaders; none touches what sftp-server
# runs, so none is applied.
OPENSSH_CONF_OPTS := --host=x86_64-linux-musl --prefix=/usr --libexecdir=/usr/libexec \
	--sysconfdir=/etc/ssh --without-openssl --without-zlib --without-pam --without-selinux \
	--without-kerberos5 --without-libedit --without-ldns --without-security-key-builtin \
	--disable-strip --disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp --disable-wtmpx

define OPENSSH_CONFIGURE_CMDS
	cd $(OPENSSH_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)" \
		LDFLAGS="-static -Wl,--gc-sections" ./configure $(OPENSSH_CONF_OPTS)
endef

# Its makefiles rely on make's built-in rules, which Berth's turn off.
define OPENSSH_BUILD_CMDS
	env -u MAKEFLAGS -u MFLAGS $(MAKE) -C $(OPENSSH_SRCDIR) -j$(BERTH_JOBS) sftp-server
endef

define OPENSSH_INSTALL_CMDS
	install -D -m 0755 -s $(OPENSSH_SRCDIR)/sftp-server $(OPENSSH_DEST)/usr/libexec/sftp-server
endef

$(eval $(call berth-package,openssh))
