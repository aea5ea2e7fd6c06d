/* Containers: conf.root/containers/ID/ holds state.json (what dock ps and
 * inspect show), config.json and rootfs/ (the runc bundle), upper/ and work/
 * (the overlay's writable part), log (the container's output) and
 * monitor.lock, which the process that runs the container (dock run in the
 * foreground, or its monitor) holds while the container lives: a container
 * whose lock is free is not running, whatever state.json says. */
#include "dock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/layer.h"
#include "net.h"

static bool name_ok(const char *s)
{
	/* docker's: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
	size_t n = strlen(s);
	if (n < 2 || n > 127 || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", s[0]))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

bool container_remove_due(struct container *c)
{
	const char *s = container_status(c);
	char err[ERRLEN];
	/* Not "created": one being made holds no monitor yet. */
	if (!json_is_true(json_object_get(c->state, "auto_remove")) || strcmp(s, "exited"))
		return false;
	bool gone = container_remove(c, true, err) == 0;
	container_free(c);
	return gone;
}

int container_new(struct container *c, const char *name, char *err)
{
	memset(c, 0, sizeof *c);
	unsigned char rnd[32];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(c->id, sizeof c->id, rnd, sizeof rnd);
	if (name && *name) {
		if (!name_ok(name)) {
			snprintf(err, ERRLEN, "invalid container name \"%s\": 2 to 127 letters, digits, '_', '.' "
				 "and '-', starting with a letter or digit", name);
			return -1;
		}
		struct container other;
		char e2[ERRLEN];
		if (container_find(name, &other, e2) == 0 && !strcmp(other.name, name) && !container_remove_due(&other)) {
			snprintf(err, ERRLEN, "the name \"%s\" is already used by container %.12s", name, other.id);
			container_free(&other);
			return -1;
		}
		snprintf(c->name, sizeof c->name, "%s", name);
	} else {
		snprintf(c->name, sizeof c->name, "dock-%.8s", c->id);
	}
	snprintf(c->dir, sizeof c->dir, "%s/containers/%s", conf.root, c->id);
	if (mkdir(c->dir, 0700) < 0) {
		snprintf(err, ERRLEN, "cannot make %s: %s", c->dir, strerror(errno));
		return -1;
	}
	c->state = json_pack("{s:s, s:s, s:s, s:I}", "id", c->id, "name", c->name, "status", "created",
			     "created", (json_int_t)now_ns());
	return 0;
}

static int load(const char *id, struct container *c, char *err)
{
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->dir, sizeof c->dir, "%s/containers/%s", conf.root, id);
	char p[700];
	snprintf(p, sizeof p, "%s/state.json", c->dir);
	json_error_t je;
	c->state = json_load_file(p, 0, &je);
	if (!json_is_object(c->state)) {
		snprintf(err, ERRLEN, "%s: %s", p, je.text);
		json_decref(c->state);
		c->state = NULL;
		return -1;
	}
	snprintf(c->name, sizeof c->name, "%s", json_string_value(json_object_get(c->state, "name")) ?: "");
	return 0;
}

int container_find(const char *what, struct container *c, char *err)
{
	char p[600], match[65] = "";
	int found = 0;
	snprintf(p, sizeof p, "%s/containers", conf.root);
	DIR *d = opendir(p);
	struct dirent *de;
	size_t n = strlen(what);
	while (d && (de = readdir(d))) {
		if (strlen(de->d_name) != 64)
			continue;
		struct container t;
		char e2[ERRLEN];
		if (load(de->d_name, &t, e2) < 0)
			continue;
		bool exact = !strcmp(t.name, what) || !strcmp(t.id, what);
		if (exact) {
			snprintf(match, sizeof match, "%s", t.id);
			found = 1;
			container_free(&t);
			break;
		}
		if (n >= 1 && !strncmp(t.id, what, n)) {
			snprintf(match, sizeof match, "%s", t.id);
			found++;
		}
		container_free(&t);
	}
	if (d)
		closedir(d);
	if (found == 1)
		return load(match, c, err);
	snprintf(err, ERRLEN, found ? "%s: more than one container id starts so" : "no such container: %s", what);
	return -1;
}

int container_write(const struct container *c, const char *name, const char *text, char *err)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%s", c->dir, name);
	/* A --rm container's files are gone when it ends: flushing them to
	 * disk, a tenth of dock run's time, buys nothing. What a power cut
	 * leaves of one, container_remains removes. */
	if (json_is_true(json_object_get(c->state, "auto_remove")))
		return file_replace(p, text, strlen(text), 0600, err, ERRLEN);
	return write_file_atomic(p, text, strlen(text), err);
}

int container_save(struct container *c, char *err)
{
	char *s = json_dumps(c->state, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc = s ? container_write(c, "state.json", s, err) : -1;
	free(s);
	return rc;
}

int container_mark_rm(const struct container *c, char *err)
{
	/* Made before state.json: ext4 commits the two names in that order,
	 * so a state.json that a power cut left empty has its mark. */
	return container_write(c, "auto-remove", "", err);
}

void container_remains(void)
{
	char p[600];
	snprintf(p, sizeof p, "%s/containers", conf.root);
	DIR *d = opendir(p);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		struct container c;
		char err[ERRLEN];
		if (strlen(de->d_name) != 64 || load(de->d_name, &c, err) == 0) {
			if (strlen(de->d_name) == 64)
				container_free(&c);
			continue;
		}
		char mark[700];
		snprintf(mark, sizeof mark, "%s/auto-remove", c.dir);
		if (access(mark, F_OK) < 0) {
			warnx("container %.12s: %s: left as it is", de->d_name, err);
			continue;
		}
		snprintf(mark, sizeof mark, "%s/rootfs", c.dir);
		umount2(mark, MNT_DETACH);
		if (remove_tree(c.dir) == 0)
			warnx("removed what a power cut left of --rm container %.12s", de->d_name);
		else
			warnx("cannot remove %s: %s", c.dir, strerror(errno));
	}
	if (d)
		closedir(d);
}

void container_free(struct container *c)
{
	json_decref(c->state);
	c->state = NULL;
}

/* Is the container's monitor alive? It holds monitor.lock. */
static bool monitored(const struct container *c)
{
	char p[700];
	snprintf(p, sizeof p, "%s/monitor.lock", c->dir);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

int monitor_lock(const struct container *c)
{
	char p[700];
	snprintf(p, sizeof p, "%s/monitor.lock", c->dir);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

const char *container_status(struct container *c)
{
	const char *s = json_string_value(json_object_get(c->state, "status"));
	if (!s)
		return "unknown";
	if ((!strcmp(s, "running") || !strcmp(s, "restarting")) && !monitored(c))
		return "exited"; /* its monitor is gone (a reboot, a kill -9) */
	if (!strcmp(s, "created") && monitored(c))
		return "running";
	return s;
}

int container_wait_exit(struct container *c, int timeout_ms)
{
	for (int t = 0; timeout_ms < 0 || t < timeout_ms; t += 20) {
		if (!monitored(c))
			return 0;
		struct timespec ts = { 0, 20 * 1000000 };
		nanosleep(&ts, NULL);
	}
	return -1;
}

int container_each(int (*fn)(struct container *c, void *arg), void *arg)
{
	char p[600];
	snprintf(p, sizeof p, "%s/containers", conf.root);
	DIR *d = opendir(p);
	struct dirent *de;
	int rc = 0;
	while (d && (de = readdir(d)) && rc == 0) {
		struct container c;
		char e2[ERRLEN];
		if (strlen(de->d_name) != 64 || load(de->d_name, &c, e2) < 0)
			continue;
		rc = fn(&c, arg);
		container_free(&c);
	}
	if (d)
		closedir(d);
	return rc;
}

void container_cgroup(const struct container *c, char *out, size_t len)
{
	snprintf(out, len, "/sys/fs/cgroup%s", json_string_value(json_object_get(c->state, "cgroup")) ?: "/dock/none");
}

void runc_forget(const struct container *c)
{
	/* runc run removes its state when it ends; what a killed runc left is
	 * in /run/runc/ID. Asking runc only then saves starting a Go program
	 * (tenths of a second) for every container that ended normally. */
	char p[200];
	snprintf(p, sizeof p, "/run/runc/%s", c->id);
	if (access(p, F_OK) < 0)
		return;
	const char *del[] = { "delete", "--force", c->id, NULL };
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC), saved = dup(2);
	dup2(devnull, 2);
	runc(del);
	dup2(saved, 2);
	close(saved);
	close(devnull);
}

int container_remove_held(struct container *c, char *err)
{
	runc_forget(c);
	net_teardown(c);
	char p[700];
	snprintf(p, sizeof p, "%s/rootfs", c->dir);
	umount2(p, MNT_DETACH);
	container_cgroup(c, p, sizeof p);
	rmdir(p);
	if (remove_tree(c->dir) < 0) {
		snprintf(err, ERRLEN, "cannot remove %s: %s", c->dir, strerror(errno));
		return -1;
	}
	return 0;
}

int container_remove(struct container *c, bool force, char *err)
{
	/* Exited, its monitor still tearing down (network, mounts): a moment. */
	const char *s = json_string_value(json_object_get(c->state, "status"));
	if (s && !strcmp(s, "exited") && monitored(c))
		container_wait_exit(c, 5000);
	if (monitored(c)) {
		if (!force) {
			snprintf(err, ERRLEN, "container %s is running: stop it first, or use -f", c->name);
			return -1;
		}
		const char *argv[] = { "kill", c->id, "KILL", NULL };
		runc(argv);
		if (container_wait_exit(c, 10000) < 0) {
			snprintf(err, ERRLEN, "container %s did not stop", c->name);
			return -1;
		}
	}
	if (access(c->dir, F_OK) < 0)
		return 0; /* its --rm monitor removed it meanwhile */
	/* Its lock, held through the removal: a dock start that comes now
	 * waits, then finds it gone. */
	int lock = monitor_lock(c);
	if (lock < 0) {
		snprintf(err, ERRLEN, "container %s was started again meanwhile", c->name);
		return -1;
	}
	int rc = container_remove_held(c, err);
	close(lock);
	return rc;
}
