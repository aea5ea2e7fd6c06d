# make check: build the default image, then run every test; the last line is
# "N passed, N failed". make check-unit: the quick tests only (no kernel build,
# no QEMU). Test scripts live in tests/{unit,build,boot}/.
TESTS_RUN := TOPDIR=$(TOPDIR) O=$(O) DL_DIR=$(DL_DIR) $(TOPDIR)/tests/run

.PHONY: check check-unit check-build check-boot bench
check: all
	@$(TESTS_RUN) unit build boot

check-unit: musl-source busybox-source
	@$(TESTS_RUN) unit

check-build: all
	@$(TESTS_RUN) build

check-boot: all
	@$(TESTS_RUN) boot

bench: all
	@O=$(O) DL_DIR=$(DL_DIR) $(TOPDIR)/scripts/bench
