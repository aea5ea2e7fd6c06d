# A package of the external tree: a program built from the tree itself (no
# download) with the target toolchain, static against musl.
HELLO_VERSION := 1.0
HELLO_LICENSE := MIT
HELLO_DEPENDENCIES := musl
HELLO_INPUTS = $(HELLO_PKGDIR)/hello.c $(call value-file,hello,$(BERTH_HELLO_GREETING))

define HELLO_BUILD_CMDS
	$(TARGET_CC) $(TARGET_CFLAGS) -DGREETING='"$(BERTH_HELLO_GREETING)"' \
		-o $(HELLO_DIR)/hello $(HELLO_PKGDIR)/hello.c $(TARGET_LDFLAGS)
endef

define HELLO_INSTALL_CMDS
	install -D -m 0755 $(HELLO_DIR)/hello $(HELLO_DEST)/usr/bin/hello
endef

$(eval $(call berth-package,hello))
