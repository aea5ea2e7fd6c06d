#include "blockdev.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

void sysfs_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f || !fgets(buf, (int)len, f))
		*buf = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

bool uevent_get(const char *path, const char *key, char *val, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[256];
	size_t kl = strlen(key);
	bool found = false;
	while (f && !found && fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl) && line[kl] == '=') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(val, len, "%s", line + kl + 1);
			found = true;
		}
	if (f)
		fclose(f);
	return found;
}

/* P filled from the partition whose sysfs directory is DIR (a real path,
 * /sys/devices/.../vda/vda3). */
static bool fill(const char *dir, struct partition *p)
{
	char path[4200], num[16], size[32];
	memset(p, 0, sizeof *p);
	snprintf(path, sizeof path, "%s/uevent", dir);
	if (!uevent_get(path, "PARTN", num, sizeof num))
		return false;
	p->partno = atoi(num);
	uevent_get(path, "PARTNAME", p->name, sizeof p->name);
	const char *base = strrchr(dir, '/') + 1;
	snprintf(p->dev, sizeof p->dev, "/dev/%s", base);
	size_t n = (size_t)(base - 1 - dir);
	char disk[4096];
	snprintf(disk, sizeof disk, "%.*s", (int)n, dir);
	snprintf(p->disk, sizeof p->disk, "%s", strrchr(disk, '/') + 1);
	snprintf(path, sizeof path, "%s/size", disk);
	sysfs_read(path, size, sizeof size);
	p->sectors = strtoull(size, NULL, 10);
	return true;
}

bool root_partition(struct partition *p)
{
	struct stat st;
	char link[96], real[4096];
	if (stat("/", &st) < 0 || major(st.st_dev) == 0)
		return false;
	unsigned ma = major(st.st_dev), mi = minor(st.st_dev);
	/* A device-mapper root: the partition is its only slave. */
	snprintf(link, sizeof link, "/sys/dev/block/%u:%u/slaves", ma, mi);
	DIR *d = opendir(link);
	if (d) {
		struct dirent *e;
		char name[256] = "";
		int n = 0;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && n++ == 0)
				snprintf(name, sizeof name, "%s", e->d_name);
		closedir(d);
		if (n == 1) {
			char dev[32], path[300];
			snprintf(path, sizeof path, "/sys/class/block/%s/dev", name);
			sysfs_read(path, dev, sizeof dev);
			if (sscanf(dev, "%u:%u", &ma, &mi) != 2)
				return false;
		}
	}
	snprintf(link, sizeof link, "/sys/dev/block/%u:%u", ma, mi);
	return realpath(link, real) && fill(real, p);
}

bool disk_partition(const char *disk, const char *name, struct partition *p)
{
	char dir[300], real[4096];
	snprintf(dir, sizeof dir, "/sys/class/block/%s", disk);
	if (!realpath(dir, real))
		return false;
	DIR *d = opendir(real);
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d))) {
		char path[4400], pname[64];
		snprintf(path, sizeof path, "%s/%s/uevent", real, e->d_name);
		if (e->d_name[0] == '.' || !uevent_get(path, "PARTNAME", pname, sizeof pname) || strcmp(pname, name))
			continue;
		snprintf(path, sizeof path, "%s/%s", real, e->d_name);
		found = fill(path, p);
	}
	closedir(d);
	return found;
}
