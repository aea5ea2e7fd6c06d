/* Where a node's configuration comes from, first found wins: a file or URL
 * named on the kernel command line (berth.config=), a drive labelled config-2
 * (OpenStack ConfigDrive) or cidata (NoCloud), DigitalOcean's metadata. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/mkdirp.h"
#include "provision.h"

#define MAX_DOC (1024 * 1024)
#define DRIVE_DIR "/run/berth/provision/drive"

/* A formatted, malloc'd string (for where a source is). */
static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return strdup(buf);
}

int source_cmdline(const struct prov_env *env, struct node_meta *m, char *err)
{
	size_t n;
	char *line = file_read_all(env->cmdline, 64 * 1024, &n);
	if (!line)
		return 0;
	char *val = NULL;
	for (char *tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
		if (!strncmp(tok, "berth.config=", 13))
			val = tok + 13;
	int r = 0;
	if (val) {
		m->source = dupf("berth.config=%s", val);
		if (!strncmp(val, "http://", 7) || !strncmp(val, "https://", 8)) {
			/* The node's DHCP, early: network.service does it again, harmlessly. */
			if (env->net && system("/usr/libexec/berth/network-up") != 0)
				say("warning: the network did not come up for %s", val);
			r = fetch_url(env, val, &m->user_data, &m->user_len, err) < 0 ? -1 : 1;
		} else if (!(m->user_data = file_read_all(val, MAX_DOC, &m->user_len))) {
			snprintf(err, ERRLEN, "berth.config=%s: %s", val, strerror(errno));
			r = -1;
		} else {
			r = 1;
		}
	}
	free(line);
	return r;
}

/* The label of the filesystem on DEV: ISO 9660's volume identifier, or a FAT
 * boot sector's volume label; "" for anything else. */
static void fs_label(const char *dev, char *label, size_t len, const char **type)
{
	unsigned char b[32768 + 2048];
	label[0] = '\0';
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = pread(fd, b, sizeof b, 0);
	close(fd);
	const unsigned char *l = NULL;
	size_t ll = 0;
	if (n == (ssize_t)sizeof b && b[32768] == 1 && !memcmp(b + 32769, "CD001", 5)) {
		l = b + 32768 + 40, ll = 32, *type = "iso9660";
	} else if (n >= 512 && b[510] == 0x55 && b[511] == 0xaa) {
		if (!memcmp(b + 0x52, "FAT32", 5))
			l = b + 0x47, ll = 11, *type = "vfat";
		else if (!memcmp(b + 0x36, "FAT1", 4))
			l = b + 0x2b, ll = 11, *type = "vfat";
	}
	if (!l)
		return;
	while (ll && (l[ll - 1] == ' ' || !l[ll - 1]))
		ll--;
	if (ll >= len)
		ll = len - 1;
	for (size_t i = 0; i < ll; i++)
		label[i] = (char)tolower(l[i]);
	label[ll] = '\0';
}

/* Reads NAME under the mounted drive into *OUT (NULL if there is none). */
static int drive_file(const char *name, char **out, size_t *len, char *err)
{
	char path[300];
	snprintf(path, sizeof path, DRIVE_DIR "/%s", name);
	*out = file_read_all(path, MAX_DOC, len);
	if (!*out && errno != ENOENT) {
		snprintf(err, ERRLEN, "%s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

static int read_configdrive(struct node_meta *m, char *err)
{
	char *doc;
	size_t len;
	if (drive_file("openstack/latest/user_data", &m->user_data, &m->user_len, err) < 0 ||
	    drive_file("openstack/latest/meta_data.json", &doc, &len, err) < 0)
		return -1;
	int r = doc ? meta_openstack(doc, len, m, err) : 0;
	free(doc);
	if (r < 0 || drive_file("openstack/latest/network_data.json", &doc, &len, err) < 0)
		return -1;
	r = doc ? meta_openstack_network(doc, len, m, err) : 0;
	free(doc);
	if (!m->user_data && access(DRIVE_DIR "/openstack/latest", F_OK) < 0)
		strv_add(&m->warnings, "the config drive has no openstack/latest: it is empty");
	return r;
}

static int read_nocloud(struct node_meta *m, char *err)
{
	char *doc;
	size_t len;
	if (drive_file("user-data", &m->user_data, &m->user_len, err) < 0 ||
	    drive_file("meta-data", &doc, &len, err) < 0)
		return -1;
	int r = doc ? meta_nocloud(doc, len, m, err) : 0;
	free(doc);
	if (r < 0 || drive_file("network-config", &doc, &len, err) < 0)
		return -1;
	r = doc ? meta_nocloud_network(doc, len, m, err) : 0;
	free(doc);
	return r;
}

/* The first drive labelled WANT ("config-2" or "cidata"), read into M. */
static int find_drive(const struct prov_env *env, const char *want, struct node_meta *m, char *err)
{
	char path[512];
	snprintf(path, sizeof path, "%s/class/block", env->sys);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int r = 0;
	for (struct dirent *e; r == 0 && (e = readdir(d));) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "ram", 3) || !strncmp(e->d_name, "dm-", 3))
			continue;
		char dev[300], label[40];
		const char *type = NULL;
		snprintf(dev, sizeof dev, "/dev/%s", e->d_name);
		fs_label(dev, label, sizeof label, &type);
		if (strcmp(label, want))
			continue;
		int cd = !strcmp(label, "config-2");
		m->source = dupf("%s (%s, %s)", dev, cd ? "ConfigDrive" : "NoCloud", type);
		mkdir_p(DRIVE_DIR, 0700);
		if (mount(dev, DRIVE_DIR, type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			snprintf(err, ERRLEN, "%s: the %s drive does not mount: %s", dev, label, strerror(errno));
			r = -1;
			break;
		}
		r = (cd ? read_configdrive(m, err) : read_nocloud(m, err)) < 0 ? -1 : 1;
		if (r < 0) {
			char what[ERRLEN];
			snprintf(what, sizeof what, "%s: %s", dev, err);
			snprintf(err, ERRLEN, "%s", what);
		}
		umount(DRIVE_DIR);
	}
	closedir(d);
	return r;
}

/* A ConfigDrive wins over a NoCloud seed, whatever the order of the disks. */
int source_drives(const struct prov_env *env, struct node_meta *m, char *err)
{
	int r = find_drive(env, "config-2", m, err);
	return r != 0 ? r : find_drive(env, "cidata", m, err);
}

int source_digitalocean(const struct prov_env *env, struct node_meta *m, char *err)
{
	const char *url = env->metadata_url;
	if (!url) {
		char path[512], vendor[64] = "";
		snprintf(path, sizeof path, "%s/class/dmi/id/sys_vendor", env->sys);
		FILE *f = fopen(path, "re");
		if (f) {
			if (!fgets(vendor, sizeof vendor, f))
				vendor[0] = '\0';
			fclose(f);
		}
		if (strncmp(vendor, "DigitalOcean", 12))
			return 0;
		url = "http://169.254.169.254/metadata/v1.json";
	}
	m->source = dupf("DigitalOcean metadata (%s)", url);
	/* The service answers on the link-local network, before any address. */
	if (link_local(env, 1, err) < 0)
		return -1;
	char *doc = NULL;
	size_t len = 0;
	int r = fetch_url(env, url, &doc, &len, err);
	link_local(env, 0, err);
	if (r == 0) {
		r = meta_digitalocean(doc, len, m, err);
		if (r < 0) {
			char what[ERRLEN];
			snprintf(what, sizeof what, "%s: %s", url, err);
			snprintf(err, ERRLEN, "%s", what);
		}
	}
	free(doc);
	return r < 0 ? -1 : 1;
}
