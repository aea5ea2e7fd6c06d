# Dropbear: the SSH server (and scp's remote end). Keys only: password logins
# are compiled out, so no setting can turn them back on. One static program,
# dropbearmulti, as dropbear, dropbearkey and scp; no client (dbclient).
# dropbear.service makes the host keys on first boot (in /etc/dropbear, on
# STATE) and runs the server on port 22. Its "sftp" subsystem is OpenSSH's
# sftp-server (package/openssh).
DROPBEAR_VERSION := 2022.83
DROPBEAR_SOURCE := dropbear-$(DROPBEAR_VERSION).tar.bz2 dropbear_2022.83-1+deb12u3.debian.tar.xz
DROPBEAR_SITE := https://matt.ucc.asn.au/dropbear/releases
DROPBEAR_DEBIAN := dropbear
# Dropbear is MIT; its bundled libtomcrypt and libtommath are public domain
# (Unlicense), its Ed25519 and Curve25519 code too; scp.c is OpenSSH's, BSD.
DROPBEAR_LICENSE := MIT AND Unlicense AND BSD-2-Clause
DROPBEAR_DEPENDENCIES := musl
DROPBEAR_INPUTS = $(DROPBEAR_PKGDIR)/dropbear.service $(DROPBEAR_PKGDIR)/ssh-host-keys
# Debian 12's patch series of dropbear 2022.83-1+deb12u3 is applied: strict key
# exchange against the Terrapin attack (CVE-2023-48795) and the keep-alive
# regression fix that goes with it, for the server; its other patches are to
# the client (CVE-2025-47203), which is not built, and to tests.
DROPBEAR_CONF_OPTS := --host=x86_64-linux-musl --prefix=/usr --enable-static \
	--disable-zlib --disable-pam --disable-syslog --disable-lastlog --disable-utmp \
	--disable-utmpx --disable-wtmp --disable-wtmpx --disable-pututline --disable-pututxline
DROPBEAR_PROGRAMS := dropbear dropbearkey scp

# What the build leaves out or changes from upstream's defaults.
define DROPBEAR_LOCALOPTIONS
#define DROPBEAR_SVR_PASSWORD_AUTH 0
#define DROPBEAR_SVR_PAM_AUTH 0
#define DROPBEAR_SFTPSERVER 1
#define SFTPSERVER_PATH "/usr/libexec/sftp-server"
#define DROPBEAR_X11FWD 0
#define DEFAULT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
endef
export DROPBEAR_LOCALOPTIONS

define DROPBEAR_CONFIGURE_CMDS
	cd $(DROPBEAR_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="-Os -ffunction-sections -fdata-sections" \
		LDFLAGS="-static -Wl,--gc-sections" ./configure $(DROPBEAR_CONF_OPTS)
	printf '%s\n' "$$DROPBEAR_LOCALOPTIONS" > $(DROPBEAR_SRCDIR)/localoptions.h
endef

# Its bundled libraries' makefiles rely on make's built-in variables (ARFLAGS),
# which Berth's turn off.
define DROPBEAR_BUILD_CMDS
	env -u MAKEFLAGS -u MFLAGS $(MAKE) -C $(DROPBEAR_SRCDIR) -j$(BERTH_JOBS) MULTI=1 \
		PROGRAMS="$(DROPBEAR_PROGRAMS)"
endef

define DROPBEAR_INSTALL_CMDS
	install -D -m 0755 -s $(DROPBEAR_SRCDIR)/dropbearmulti $(DROPBEAR_DEST)/usr/sbin/dropbearmulti
	ln -sf dropbearmulti $(DROPBEAR_DEST)/usr/sbin/dropbear
	install -d $(DROPBEAR_DEST)/usr/bin
	ln -sf ../sbin/dropbearmulti $(DROPBEAR_DEST)/usr/bin/dropbearkey
	ln -sf ../sbin/dropbearmulti $(DROPBEAR_DEST)/usr/bin/scp
	install -D -m 0755 $(DROPBEAR_PKGDIR)/ssh-host-keys $(DROPBEAR_DEST)/usr/libexec/berth/ssh-host-keys
	install -D -m 0644 $(DROPBEAR_PKGDIR)/dropbear.service $(DROPBEAR_DEST)/usr/lib/berth/units/dropbear.service
endef

$(eval $(call berth-package,dropbear))
