/* The filesystems PID 1 mounts before anything runs, and unmounts last. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"

static void mnt(const char *src, const char *dir, const char *type, unsigned long flags, const char *data)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, data) < 0 && errno != EBUSY)
		boot_log("cannot mount %s on %s: %s", type, dir, strerror(errno));
}

/* The controllers services get: every one the kernel offers, enabled in the
 * root's subtree. Init itself moves into a leaf of its own (cgroup v2 puts no
 * processes in an inner cgroup). */
static void cgroup_setup(void)
{
	char buf[256];
	int fd = open("/sys/fs/cgroup/cgroup.controllers", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	mkdir("/sys/fs/cgroup/init.scope", 0755);
	fd = open("/sys/fs/cgroup/init.scope/cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1)
		boot_log("cannot move init into /sys/fs/cgroup/init.scope: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	char ctl[300] = "", *save = NULL;
	for (char *c = strtok_r(buf, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
		snprintf(ctl + strlen(ctl), sizeof ctl - strlen(ctl), "%s+%s", *ctl ? " " : "", c);
	fd = open("/sys/fs/cgroup/cgroup.subtree_control", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, ctl, strlen(ctl)) < 0)
		boot_log("cannot enable cgroup controllers (%s): %s", ctl, strerror(errno));
	if (fd >= 0)
		close(fd);
}

void mount_early(void)
{
	const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	mnt("proc", "/proc", "proc", safe, NULL);
	mnt("sysfs", "/sys", "sysfs", safe, NULL);
	mnt("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mnt("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666");
	mnt("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	mnt("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	mnt("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	mnt("cgroup2", "/sys/fs/cgroup", "cgroup2", safe, "nsdelegate");
	mkdir("/run/berth", 0755);
	mkdir("/run/berth/units", 0755);
	cgroup_setup();
}

/* Unmounts in reverse order of /proc/mounts, deepest first; what stays busy is
 * detached and remounted read-only, so that every filesystem is clean for the
 * reboot. */
void unmount_all(void)
{
	FILE *f = fopen("/proc/mounts", "re");
	char **dirs = NULL, *line = NULL;
	size_t n = 0, cap = 0, len = 0;
	while (f && getline(&line, &len, f) > 0) {
		char *save = NULL, *dev = strtok_r(line, " ", &save), *dir = strtok_r(NULL, " ", &save);
		if (!dev || !dir)
			continue;
		if (n == cap) {
			char **d = realloc(dirs, (cap = cap ? cap * 2 : 64) * sizeof *d);
			if (!d)
				break;
			dirs = d;
		}
		if ((dirs[n] = strdup(dir)))
			n++;
	}
	free(line);
	if (f)
		fclose(f);
	static const char *const keep[] = { "/", "/proc", "/sys", "/dev", NULL };
	while (n-- > 0) {
		bool kept = false;
		for (int k = 0; keep[k]; k++)
			kept |= !strcmp(dirs[n], keep[k]);
		if (!kept && umount2(dirs[n], 0) < 0) {
			if (mount(NULL, dirs[n], NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0 && errno != EINVAL)
				boot_log("%s stays mounted read-write: %s", dirs[n], strerror(errno));
			umount2(dirs[n], MNT_DETACH);
		}
		free(dirs[n]);
	}
	free(dirs);
	mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL);
}
