# Booting the build in QEMU. KVM when it really works here, TCG otherwise.
QEMU_KERNEL_CMDLINE := $(BERTH_CONSOLE) panic=-1
QEMU_KERNEL_ARGS = $(shell $(TOPDIR)/scripts/qemu-accel $(IMAGES_DIR)/bzImage) -m 256 -smp 2 -nographic -no-reboot \
	-kernel $(IMAGES_DIR)/bzImage -initrd $(IMAGES_DIR)/rootfs.cpio.gz \
	-append '$(QEMU_KERNEL_CMDLINE)'

.PHONY: run-kernel
run-kernel: linux $(IMAGES_DIR)/rootfs.cpio.gz
	@echo '>>> Booting in QEMU (quit: Ctrl-a x)'
	qemu-system-x86_64 $(QEMU_KERNEL_ARGS)
