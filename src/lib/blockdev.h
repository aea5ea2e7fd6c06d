/* The running system's disks, from sysfs: the partition / comes from (under
 * its dm-verity device), the disk that holds it, and that disk's partitions
 * by their GPT names. Used by init (STATE, the slot it booted) and the update
 * agent (the other slot, the ESP). */
#ifndef BERTH_BLOCKDEV_H
#define BERTH_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct partition {
	char disk[64];     /* "vda" */
	char dev[300];     /* "/dev/vda3" */
	char name[64];     /* the GPT name: "ROOT-A" */
	int partno;        /* 1-based */
	uint64_t sectors;  /* the disk's size, in 512-byte sectors */
};

/* The first line of a sysfs file, newline dropped; "" if unreadable. */
void sysfs_read(const char *path, char *buf, size_t len);

/* VALUE of KEY= in a uevent file. */
bool uevent_get(const char *path, const char *key, char *val, size_t len);

/* The partition / is on: "/" itself, or the one device under a device-mapper
 * root (dm-verity). False if / is not on a block device (an initramfs). */
bool root_partition(struct partition *p);

/* The partition named NAME on the disk DISK ("vda"): fills P. */
bool disk_partition(const char *disk, const char *name, struct partition *p);

#endif
