/* Per-service cgroups: see cgroup.h. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../lib/parse.h"

#define ROOT "/sys/fs/cgroup/system"

static bool enabled;
static void remove_children(const char *path);

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

bool cgroup_init(void)
{
	char ctl[256];
	FILE *f = fopen("/sys/fs/cgroup/cgroup.subtree_control", "re");
	if (!f || !fgets(ctl, sizeof ctl, f)) {
		if (f)
			fclose(f);
		return false;
	}
	fclose(f);
	if (mkdir(ROOT, 0755) < 0 && errno != EEXIST)
		return false;
	/* What the root gives, system/ gives on to each service. */
	char want[300] = "", *save = NULL;
	for (char *c = strtok_r(ctl, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
		snprintf(want + strlen(want), sizeof want - strlen(want), "%s+%s", *want ? " " : "", c);
	if (*want)
		write_file(ROOT "/cgroup.subtree_control", want);
	enabled = true;
	return true;
}

static void path_of(char *out, size_t len, const char *unit, const char *file)
{
	snprintf(out, len, ROOT "/%s%s%s", unit, file ? "/" : "", file ? file : "");
}

/* "DEVICE BYTES" to "MAJ:MIN": a block device, or the device of the
 * filesystem a path is on, as systemd takes either. */
static int io_limit(const char *setting, const char *value, char *out, size_t len, char *err, size_t errlen)
{
	char dev[256], bytes[64];
	uint64_t b;
	struct stat st;
	if (sscanf(value, "%255s %63s", dev, bytes) != 2 || parse_size(bytes, &b) < 0) {
		snprintf(err, errlen, "%s=%s: not \"DEVICE BYTES\"", setting, value);
		return -1;
	}
	if (stat(dev, &st) < 0) {
		snprintf(err, errlen, "%s=%s: %s: %s", setting, value, dev, strerror(errno));
		return -1;
	}
	dev_t d = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
	unsigned ma = major(d), mi = minor(d);
	/* io.max takes whole disks: a partition's limit goes to its disk. */
	char link[80], disk[32];
	snprintf(link, sizeof link, "/sys/dev/block/%u:%u/partition", ma, mi);
	if (access(link, F_OK) == 0) {
		snprintf(link, sizeof link, "/sys/dev/block/%u:%u/../dev", ma, mi);
		FILE *f = fopen(link, "re");
		if (f && fgets(disk, sizeof disk, f))
			sscanf(disk, "%u:%u", &ma, &mi);
		if (f)
			fclose(f);
	}
	const char *key = strstr(setting, "Read") ? "rbps" : "wbps";
	if (b == UINT64_MAX)
		snprintf(out, len, "%u:%u %s=max", ma, mi, key);
	else
		snprintf(out, len, "%u:%u %s=%llu", ma, mi, key, (unsigned long long)b);
	return 0;
}

int cgroup_prepare(const struct unit *u, char *err, size_t errlen)
{
	if (!enabled)
		return 0;
	char p[512], v[400];
	path_of(p, sizeof p, u->name, NULL);
	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make its cgroup %s: %s", p, strerror(errno));
		return -1;
	}
	/* What the last run made below it (a container runtime's cgroups) would
	 * keep the new processes out: gone with their processes. */
	remove_children(p);
	path_of(p, sizeof p, u->name, "cgroup.subtree_control");
	FILE *sc = fopen(p, "re");
	char ctl[256] = "";
	if (sc && fgets(ctl, sizeof ctl, sc)) {
		char off[300] = "", *save = NULL;
		for (char *c = strtok_r(ctl, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
			snprintf(off + strlen(off), sizeof off - strlen(off), "%s-%s", *off ? " " : "", c);
		if (*off)
			write_file(p, off);
	}
	if (sc)
		fclose(sc);
	struct { const char *file, *setting; uint64_t value; bool weight; } lim[] = {
		{ "memory.max", "MemoryMax", u->memory_max, false },
		{ "pids.max", "TasksMax", u->tasks_max, false },
		{ "cpu.weight", "CPUWeight", u->cpu_weight ? u->cpu_weight : 100, true },
		{ "io.weight", "IOWeight", u->io_weight ? u->io_weight : 100, true },
	};
	for (size_t k = 0; k < sizeof lim / sizeof lim[0]; k++) {
		path_of(p, sizeof p, u->name, lim[k].file);
		if (access(p, F_OK) < 0) {
			if (lim[k].weight ? lim[k].value == 100 : lim[k].value == UINT64_MAX)
				continue; /* no such controller, and nothing asked of it */
			snprintf(err, errlen, "%s=: the kernel has no %s", lim[k].setting, lim[k].file);
			return -1;
		}
		if (lim[k].value == UINT64_MAX)
			snprintf(v, sizeof v, "max");
		else
			snprintf(v, sizeof v, "%s%llu", strcmp(lim[k].file, "io.weight") ? "" : "default ",
				 (unsigned long long)lim[k].value);
		if (write_file(p, v) < 0) {
			snprintf(err, errlen, "%s=%s: %s: %s", lim[k].setting, v, lim[k].file, strerror(errno));
			return -1;
		}
	}
	const struct strv *io[] = { &u->io_read_bandwidth_max, &u->io_write_bandwidth_max };
	const char *names[] = { "IOReadBandwidthMax", "IOWriteBandwidthMax" };
	for (int d = 0; d < 2; d++)
		for (size_t k = 0; k < io[d]->n; k++) {
			if (io_limit(names[d], io[d]->v[k], v, sizeof v, err, errlen) < 0)
				return -1;
			path_of(p, sizeof p, u->name, "io.max");
			if (write_file(p, v) < 0) {
				snprintf(err, errlen, "%s=%s: io.max \"%s\": %s", names[d], io[d]->v[k], v, strerror(errno));
				return -1;
			}
		}
	return 0;
}

int cgroup_enter(const char *unit)
{
	if (!enabled)
		return 0;
	char p[512];
	path_of(p, sizeof p, unit, "cgroup.procs");
	return write_file(p, "0");
}

/* SIG to every process in the cgroup at PATH and its children. */
static bool signal_tree(const char *path, int sig)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/cgroup.procs", path);
	FILE *f = fopen(p, "re");
	bool any = false;
	int pid;
	while (f && fscanf(f, "%d", &pid) == 1) {
		kill(pid, sig);
		any = true;
	}
	if (f)
		fclose(f);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			snprintf(p, sizeof p, "%s/%s", path, e->d_name);
			any |= signal_tree(p, sig);
		}
	if (d)
		closedir(d);
	return any;
}

/* Removes the (empty) cgroups below PATH, deepest first. */
static void remove_children(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			char p[4096];
			snprintf(p, sizeof p, "%s/%s", path, e->d_name);
			remove_children(p);
			rmdir(p);
		}
	if (d)
		closedir(d);
}

bool cgroup_signal(const char *unit, int sig)
{
	if (!enabled)
		return false;
	char p[512];
	path_of(p, sizeof p, unit, NULL);
	return signal_tree(p, sig);
}

bool cgroup_populated(const char *unit)
{
	if (!enabled)
		return false;
	char p[512], line[64];
	path_of(p, sizeof p, unit, "cgroup.events");
	FILE *f = fopen(p, "re");
	bool populated = false;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "populated ", 10))
			populated = line[10] == '1';
	if (f)
		fclose(f);
	return populated;
}

void cgroup_kill(const char *unit)
{
	if (!enabled)
		return;
	char p[512];
	path_of(p, sizeof p, unit, "cgroup.kill");
	if (write_file(p, "1") < 0) /* before Linux 5.14: one by one */
		cgroup_signal(unit, SIGKILL);
}
