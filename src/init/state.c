/* STATE: the node's writable partition, found by its GPT name on the disk /
 * runs from. First boot grows it to the disk's end (cloud disks are larger than
 * the image), or makes it in the free space if there is none, and makes its
 * filesystem if it is blank; every boot mounts it on
 * /var (after e2fsck -p) and lays /etc over the image's as an overlay, so an admin's change
 * persists and an update shows through where nothing was changed. Nothing is
 * wiped that has data: a STATE that does not mount is left alone, and /var is a
 * tmpfs with a warning. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/blkpg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/blockdev.h"
#include "../lib/gpt.h"
#include "../lib/mkdirp.h"
#include "boot.h"

#define EXT4_IOC_RESIZE_FS _IOW('f', 16, uint64_t)

static const char missing[] = "no partition named STATE on the root's disk";

/* STATE on the root's disk: NULL, or why not (MISSING: the disk is known, in
 * SP, but has no STATE). */
static const char *find_state(struct partition *sp)
{
	struct partition root;
	if (!root_partition(&root))
		return "/ is not on a disk";
	if (disk_partition(root.disk, "STATE", sp))
		return NULL;
	memset(sp, 0, sizeof *sp);
	snprintf(sp->disk, sizeof sp->disk, "%s", root.disk);
	sp->sectors = root.sectors;
	return missing;
}

/* A disk without STATE (a flasher that wrote the slots only): STATE made in the
 * free space after the last partition, if there is 64 MiB of it. */
static const char *add_partition(struct partition *sp)
{
	static char why[300];
	char path[80], err[200];
	snprintf(path, sizeof path, "/dev/%s", sp->disk);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int partno;
	uint64_t first, last;
	if (fd < 0 || gpt_add_partition(fd, sp->sectors, "STATE", 64, &partno, &first, &last, err, sizeof err) < 0) {
		snprintf(why, sizeof why, "%s, and none can be made: %s", missing, fd < 0 ? strerror(errno) : err);
		if (fd >= 0)
			close(fd);
		return why;
	}
	struct blkpg_partition bp = { .start = (long long)first * 512, .length = (long long)(last - first + 1) * 512,
				      .pno = partno };
	struct blkpg_ioctl_arg a = { .op = BLKPG_ADD_PARTITION, .datalen = sizeof bp, .data = &bp };
	int r = ioctl(fd, BLKPG, &a);
	close(fd);
	if (r < 0) {
		snprintf(why, sizeof why, "STATE made on %s, but the kernel sees it only after a reboot (%s)", path,
			 strerror(errno));
		return why;
	}
	/* sda5, vda5; nvme0n1p5, mmcblk0p5 */
	size_t n = strlen(sp->disk);
	bool digit = n && sp->disk[n - 1] >= '0' && sp->disk[n - 1] <= '9';
	snprintf(sp->dev, sizeof sp->dev, "/dev/%s%s%d", sp->disk, digit ? "p" : "", partno);
	sp->partno = partno;
	boot_log("STATE: made partition %d (%llu MiB) on %s", partno,
		 (unsigned long long)((last - first + 1) / 2048), path);
	return NULL;
}

/* Grows STATE to the disk's end: the GPT first (backup header moved to the new
 * end), then the kernel's idea of the partition; the filesystem follows once
 * mounted. */
static void grow_partition(const struct partition *sp)
{
	char path[80], err[200];
	snprintf(path, sizeof path, "/dev/%s", sp->disk);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		boot_log("STATE: cannot open %s to grow it: %s", path, strerror(errno));
		return;
	}
	int partno;
	uint64_t first, last;
	int r = gpt_grow_partition(fd, sp->sectors, "STATE", &partno, &first, &last, err, sizeof err);
	if (r < 0)
		boot_log("STATE: not grown: %s: %s", path, err);
	if (r > 0) {
		struct blkpg_partition bp = { .start = (long long)first * 512,
					      .length = (long long)(last - first + 1) * 512, .pno = partno };
		struct blkpg_ioctl_arg a = { .op = BLKPG_RESIZE_PARTITION, .datalen = sizeof bp, .data = &bp };
		if (ioctl(fd, BLKPG, &a) < 0)
			boot_log("STATE: partition grown on disk; the kernel sees it after a reboot (%s)", strerror(errno));
		else
			boot_log("STATE: partition grown to %llu MiB", (unsigned long long)((last - first + 1) / 2048));
	}
	close(fd);
}

/* Blank: the first MiB is zero. Every filesystem Linux knows keeps its
 * superblock there (ext4 at 1 KiB, btrfs at 64 KiB, XFS at 0). */
static int is_blank(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	static char buf[1 << 20];
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	close(fd);
	if (n != (ssize_t)sizeof buf)
		return -1;
	for (size_t i = 0; i < sizeof buf; i++)
		if (buf[i])
			return 0;
	return 1;
}

static int run(char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY); /* nothing to ask anyone at boot */
		if (null > 0)
			dup2(null, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The size of the ext2/3/4 filesystem on DEV in bytes, from its superblock; 0
 * if it has none. */
static uint64_t ext_size(const char *dev)
{
	unsigned char sb[1024];
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pread(fd, sb, sizeof sb, 1024);
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof sb || sb[0x38] != 0x53 || sb[0x39] != 0xef)
		return 0;
	uint64_t lo = sb[4] | (uint64_t)sb[5] << 8 | (uint64_t)sb[6] << 16 | (uint64_t)sb[7] << 24;
	uint64_t hi = sb[0x150] | (uint64_t)sb[0x151] << 8 | (uint64_t)sb[0x152] << 16 | (uint64_t)sb[0x153] << 24;
	unsigned log = sb[0x18];
	bool bit64 = sb[0x60] & 0x80; /* INCOMPAT_64BIT: the high half counts */
	return log > 6 ? 0 : ((bit64 ? hi << 32 : 0) | lo) << (10 + log);
}

/* e2fsck -p, as a boot checks a filesystem: what it repairs alone it repairs
 * (exit 0, 1, 2); 4 and up, it leaves alone. Without e2fsck, 0. */
static int check(const char *dev)
{
	if (access("/sbin/e2fsck", X_OK) < 0)
		return 0;
	char *argv[] = { "/sbin/e2fsck", "-p", (char *)dev, NULL };
	int rc = run(argv);
	if (rc > 0)
		boot_log("STATE: e2fsck -p %s: exit %d%s", dev, rc, rc < 4 ? " (repaired)" : "");
	return rc < 0 ? 0 : rc;
}

/* The filesystem follows its partition, online (as resize2fs does mounted),
 * when it is smaller: after a grow, or a grow that a power cut interrupted. */
static void grow_filesystem(const char *dev, const char *dir)
{
	char p[96], size[32];
	struct stat st;
	if (stat(dev, &st) < 0)
		return;
	snprintf(p, sizeof p, "/sys/dev/block/%u:%u/size", major(st.st_rdev), minor(st.st_rdev));
	sysfs_read(p, size, sizeof size);
	uint64_t part = strtoull(size, NULL, 10) * 512, fs = ext_size(dev);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct statvfs vfs;
	if (fd >= 0 && fs && fs < part && fstatvfs(fd, &vfs) == 0) {
		uint64_t blocks = part / vfs.f_bsize;
		if (blocks > fs / vfs.f_bsize && ioctl(fd, EXT4_IOC_RESIZE_FS, &blocks) < 0)
			boot_log("STATE: filesystem not grown to %llu blocks: %s", (unsigned long long)blocks,
				 strerror(errno));
	}
	if (fd >= 0)
		close(fd);
}

/* The writable half of the system on /var: /etc's overlay, and the home
 * directories that /root and /home link to (the image's / is read-only). */
static void var_layout(void)
{
	mkdir_p("/var/roothome", 0700);
	mkdir_p("/var/home", 0755);
	mkdir_p("/var/lib/berth/etc/upper", 0755);
	mkdir_p("/var/lib/berth/etc/work", 0755);
	if (mount("overlay", "/etc", "overlay", MS_NOATIME,
		  "lowerdir=/etc,upperdir=/var/lib/berth/etc/upper,workdir=/var/lib/berth/etc/work") < 0)
		boot_log("WARNING: /etc stays read-only: overlay: %s", strerror(errno));
}

void state_setup(void)
{
	struct partition sp = { 0 };
	const char *why = find_state(&sp);
	char reason[800];
	if (why == missing)
		why = add_partition(&sp);
	if (!why) {
		grow_partition(&sp);
		/* An ext superblock (1 KiB to read) spares the look at the first MiB. */
		bool has_fs = ext_size(sp.dev) != 0;
		int blank = has_fs ? 0 : is_blank(sp.dev), rc;
		if (blank == 1) {
			boot_log("STATE: %s is blank: making its filesystem", sp.dev);
			char *argv[] = { "/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-E", "nodiscard", "-L", "STATE", sp.dev, NULL };
			if (run(argv) != 0)
				boot_log("STATE: mke2fs %s failed", sp.dev);
		} else if (has_fs && (rc = check(sp.dev)) >= 4) {
			/* e2fsck -p would not repair it alone: a person decides. */
			snprintf(reason, sizeof reason,
				 "%s (STATE) has errors e2fsck -p does not repair (exit %d); it was not mounted: "
				 "run e2fsck %s by hand", sp.dev, rc, sp.dev);
			why = reason;
			goto fallback;
		}
		if (mount(sp.dev, "/var", "ext4", MS_NOATIME, NULL) == 0) {
			grow_filesystem(sp.dev, "/var");
			var_layout();
			return;
		}
		snprintf(reason, sizeof reason, "%s (STATE) does not mount: %s; it was left as it is", sp.dev,
			 strerror(errno));
		why = reason;
	}
fallback:
	boot_log("WARNING: %s. /var is a tmpfs: nothing written to /var or /etc survives a reboot", why);
	if (mount("tmpfs", "/var", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		boot_log("WARNING: no /var: %s", strerror(errno));
	var_layout();
}
