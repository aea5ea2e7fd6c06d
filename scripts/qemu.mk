# Booting the build in QEMU, on the serial console, with KVM when it really works
# here (scripts/qemu-accel) and TCG otherwise.
#   run-kernel   the kernel and initramfs directly
#   run          disk.img through SeaBIOS and GRUB (i386-pc)
#   run-efi      disk.img through OVMF and GRUB (x86_64-efi)
# run and run-efi boot a copy of RUN_DISK (default images/disk.img), so the image
# stays pristine; the guest's port 22 is on the host's RUN_SSH_PORT (loopback).
QEMU_ACCEL = $(shell $(TOPDIR)/scripts/qemu-accel $(IMAGES_DIR)/bzImage)
QEMU_KERNEL_ARGS = $(QEMU_ACCEL) -m 256 -smp 2 -nographic -no-reboot \
	-kernel $(IMAGES_DIR)/bzImage -initrd $(IMAGES_DIR)/rootfs.cpio.gz \
	-append '$(BERTH_CONSOLE) panic=-1'
RUN_DISK ?= $(IMAGES_DIR)/disk.img
RUN_SSH_PORT ?= 2222
RUN_DIR := $(BUILD_DIR)/run
OVMF_CODE ?= /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS ?= /usr/share/OVMF/OVMF_VARS_4M.fd
QEMU_DISK_ARGS = $(QEMU_ACCEL) -m 512 -smp 2 -nographic \
	-drive file=$(RUN_DIR)/disk.img,format=raw,if=virtio \
	-netdev user,id=net0,hostfwd=tcp:127.0.0.1:$(RUN_SSH_PORT)-:22 \
	-device virtio-net-pci,netdev=net0

.PHONY: run-kernel run run-efi
run-kernel: linux $(IMAGES_DIR)/rootfs.cpio.gz
	@echo '>>> Booting the kernel and initramfs in QEMU (quit: Ctrl-a x)'
	qemu-system-x86_64 $(QEMU_KERNEL_ARGS)

define run-copy
	@mkdir -p $(RUN_DIR)
	@cp --sparse=always $(RUN_DISK) $(RUN_DIR)/disk.img
	@echo '>>> Booting a copy of $(RUN_DISK) in QEMU, $(1) (quit: Ctrl-a x; ssh: port $(RUN_SSH_PORT))'
endef

run: $(RUN_DISK)
	$(call run-copy,BIOS)
	qemu-system-x86_64 $(QEMU_DISK_ARGS)
run-efi: $(RUN_DISK)
	$(call run-copy,UEFI)
	@cp $(OVMF_VARS) $(RUN_DIR)/efivars.fd
	qemu-system-x86_64 $(QEMU_DISK_ARGS) -machine q35 \
		-drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE) \
		-drive if=pflash,format=raw,file=$(RUN_DIR)/efivars.fd
