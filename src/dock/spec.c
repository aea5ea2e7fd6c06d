/* The runc bundle's config.json (OCI runtime spec 1.0) for a container, with
 * Docker's defaults: its capability set, masked and read-only /proc and /sys
 * paths, device rules, mounts and its seccomp profile (seccomp.c); see
 * docs/dock.md. */
#define _GNU_SOURCE /* pipe2, asprintf */
#include "dock.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/environ.h"

/* Docker's default capabilities (moby's oci/caps/defaults.go). */
static const char *const caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL,
};
/* Docker's masked paths (moby's oci/defaults.go, with /proc/interrupts since
 * 28.0.4); and each CPU's thermal_throttle, which Docker adds as it finds them. */
static const char *const masked[] = {
	"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};
static const char *const readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};
static json_t *strings(const char *const *v)
{
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static json_t *mount(const char *dst, const char *type, const char *src, const char *opts)
{
	json_t *o = json_array();
	char buf[256];
	snprintf(buf, sizeof buf, "%s", opts);
	for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(o, json_string(t));
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dst, "type", type, "source", src, "options", o);
}

/* uid[:gid] or name[:group], names looked up in the image's /etc/passwd and
 * /etc/group (inside ROOTFS). */
static long primary_gid(const char *rootfs, long uid);

/* The image's /etc/NAME, read as the container would: symbolic links,
 * absolute ones too, resolved inside ROOTFS (openat2's RESOLVE_IN_ROOT), so
 * that an image cannot make dock read the node's files; only a regular file
 * (nothing that could block, as a FIFO). NULL if there is none. */
static FILE *image_etc(const char *rootfs, const char *name)
{
	char rel[300];
	snprintf(rel, sizeof rel, "etc/%s", name);
	int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = { .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV };
	int fd = root >= 0 ? (int)syscall(SYS_openat2, root, rel, &how, sizeof how) : -1;
	if (root >= 0)
		close(root);
	struct stat st;
	FILE *f = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "re") : NULL;
	if (!f && fd >= 0)
		close(fd);
	return f;
}

static int lookup(const char *rootfs, const char *file, const char *name, long *id, long *gid)
{
	char *end;
	long v = strtol(name, &end, 10);
	if (*name && !*end && v >= 0) {
		*id = v;
		/* a numeric user: its primary group from the image's passwd, if any */
		if (gid)
			*gid = primary_gid(rootfs, v);
		return 0;
	}
	char line[1024];
	FILE *f = image_etc(rootfs, file);
	while (f && fgets(line, sizeof line, f)) {
		char *rest = line, *n = strsep(&rest, ":"), *x = strsep(&rest, ":");
		char *u = strsep(&rest, ":"), *g = strsep(&rest, ":");
		(void)x;
		if (n && u && *u && !strcmp(n, name)) {
			*id = atol(u);
			if (gid && g)
				*gid = atol(g);
			fclose(f);
			return 0;
		}
	}
	if (f)
		fclose(f);
	return -1;
}

static long primary_gid(const char *rootfs, long uid)
{
	char line[1024];
	FILE *f = image_etc(rootfs, "passwd");
	long gid = 0;
	while (f && fgets(line, sizeof line, f)) {
		char *rest = line;
		strsep(&rest, ":");
		strsep(&rest, ":");
		char *u = strsep(&rest, ":"), *g = strsep(&rest, ":");
		if (u && g && *u && atol(u) == uid) {
			gid = atol(g);
			break;
		}
	}
	if (f)
		fclose(f);
	return gid;
}

static int user_of(const char *rootfs, const char *spec, json_t **out, char *err)
{
	char u[128], *g;
	snprintf(u, sizeof u, "%s", *spec ? spec : "0");
	g = strchr(u, ':');
	if (g)
		*g++ = '\0';
	long uid = 0, gid = 0;
	if (lookup(rootfs, "passwd", u, &uid, &gid) < 0) {
		snprintf(err, ERRLEN, "user \"%s\": not in the image's /etc/passwd", u);
		return -1;
	}
	if (g && lookup(rootfs, "group", g, &gid, NULL) < 0) {
		snprintf(err, ERRLEN, "group \"%s\": not in the image's /etc/group", g);
		return -1;
	}
	*out = json_pack("{s:I, s:I}", "uid", (json_int_t)uid, "gid", (json_int_t)gid);
	return 0;
}

/* -v HOST:CTR[:ro|rw] */
static int volume(json_t *mounts, const char *v, char *err)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", v);
	char *ctr = strchr(buf, ':');
	if (!ctr || buf[0] != '/' || ctr[1] != '/') {
		snprintf(err, ERRLEN, "-v %s: expected HOST:CONTAINER[:ro], both absolute paths", v);
		return -1;
	}
	*ctr++ = '\0';
	char *mode = strchr(ctr, ':');
	if (mode)
		*mode++ = '\0';
	if (mode && strcmp(mode, "ro") && strcmp(mode, "rw")) {
		snprintf(err, ERRLEN, "-v %s: the mode \"%s\" is not ro or rw", v, mode);
		return -1;
	}
	struct stat st;
	if (stat(buf, &st) < 0) {
		snprintf(err, ERRLEN, "-v %s: %s: %s", v, buf, strerror(errno));
		return -1;
	}
	json_array_append_new(mounts, mount(ctr, "bind", buf, mode && !strcmp(mode, "ro") ?
					    "rbind,ro,nosuid,nodev" : "rbind,rw,nosuid,nodev"));
	return 0;
}

int spec_write(const struct container *c, const struct run_opts *o, json_t *image_config, char *err)
{
	json_t *cfg = json_object_get(image_config, "config");
	char rootfs[600];
	snprintf(rootfs, sizeof rootfs, "%s/rootfs", c->dir);

	/* The command: Entrypoint then Cmd, each from the image unless given. */
	json_t *args = json_array();
	if (o->entrypoint_set) {
		if (*o->entrypoint)
			json_array_append_new(args, json_string(o->entrypoint));
	} else {
		if (json_is_array(json_object_get(cfg, "Entrypoint")))
			json_array_extend(args, json_object_get(cfg, "Entrypoint"));
	}
	if (o->cmd.n)
		for (size_t i = 0; i < o->cmd.n; i++)
			json_array_append_new(args, json_string(o->cmd.v[i]));
	else if (!o->entrypoint_set && json_is_array(json_object_get(cfg, "Cmd")))
		json_array_extend(args, json_object_get(cfg, "Cmd"));
	if (json_array_size(args) == 0) {
		json_decref(args);
		snprintf(err, ERRLEN, "no command: the image has no Entrypoint or Cmd, and none was given");
		return -1;
	}

	/* The environment: PATH by default, the image's, then -e and --env-file. */
	struct strv env = { 0 };
	strv_add(&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(cfg, "Env"), i, e) {
		const char *s = json_string_value(e), *eq = s ? strchr(s, '=') : NULL;
		if (!eq)
			continue;
		for (size_t k = 0; k < env.n; k++)
			if (!strncmp(env.v[k], s, (size_t)(eq - s) + 1)) {
				free(env.v[k]);
				env.v[k] = strdup(s);
				eq = NULL;
				break;
			}
		if (eq)
			strv_add(&env, s);
	}
	for (size_t k = 0; k < o->env.n; k++) {
		const char *s = o->env.v[k], *eq = strchr(s, '=');
		size_t n = eq ? (size_t)(eq - s) : strlen(s);
		bool replaced = false;
		char *val = NULL;
		if (!eq) { /* -e NAME: the caller's value, or nothing */
			const char *v = getenv(s);
			if (!v)
				continue;
			if (asprintf(&val, "%s=%s", s, v) < 0)
				continue;
		}
		for (size_t j = 0; j < env.n; j++)
			if (!strncmp(env.v[j], s, n) && env.v[j][n] == '=') {
				free(env.v[j]);
				env.v[j] = strdup(val ? val : s);
				replaced = true;
			}
		if (!replaced)
			strv_add(&env, val ? val : s);
		free(val);
	}
	strv_add(&env, "HOSTNAME=");
	free(env.v[env.n - 1]);
	if (asprintf(&env.v[env.n - 1], "HOSTNAME=%.12s", c->id) < 0)
		env.v[env.n - 1] = NULL;
	if (o->tty)
		strv_add(&env, "TERM=xterm");
	json_t *jenv = json_array();
	for (size_t k = 0; k < env.n; k++)
		if (env.v[k])
			json_array_append_new(jenv, json_string(env.v[k]));
	strv_clear(&env);

	const char *wd = *o->workdir ? o->workdir : json_string_value(json_object_get(cfg, "WorkingDir"));
	if (!wd || !*wd)
		wd = "/";
	if (wd[0] != '/') {
		json_decref(args);
		json_decref(jenv);
		snprintf(err, ERRLEN, "the working directory \"%s\" is not absolute", wd);
		return -1;
	}
	json_t *user;
	const char *us = *o->user ? o->user : json_string_value(json_object_get(cfg, "User"));
	if (user_of(rootfs, us ? us : "", &user, err) < 0) {
		json_decref(args);
		json_decref(jenv);
		return -1;
	}
	json_t *capset = json_pack("{s:o, s:o, s:o}", "bounding", strings(caps), "effective", strings(caps),
				   "permitted", strings(caps));
	/* No rlimits: the container has dock's, as Docker's have the daemon's. */
	json_t *process = json_pack("{s:b, s:o, s:o, s:o, s:s, s:o, s:b, s:I}",
				    "terminal", o->tty, "user", user, "args", args, "env", jenv, "cwd", wd,
				    "capabilities", capset, "noNewPrivileges", 0, "oomScoreAdj", (json_int_t)0);

	json_t *mounts = json_array();
	json_array_append_new(mounts, mount("/proc", "proc", "proc", "nosuid,noexec,nodev"));
	json_array_append_new(mounts, mount("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"));
	json_array_append_new(mounts, mount("/dev/pts", "devpts", "devpts",
					    "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));
	json_array_append_new(mounts, mount("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
	json_array_append_new(mounts, mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro"));
	json_array_append_new(mounts, mount("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"));
	json_array_append_new(mounts, mount("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"));
	static const char *files[] = { "hostname", "hosts", "resolv.conf" };
	for (size_t k = 0; k < 3; k++) {
		char src[700], dst[64];
		snprintf(src, sizeof src, "%s/%s", c->dir, files[k]);
		snprintf(dst, sizeof dst, "/etc/%s", files[k]);
		json_array_append_new(mounts, mount(dst, "bind", src, "rbind,rprivate,rw"));
	}
	for (size_t k = 0; k < o->volumes.n; k++)
		if (volume(mounts, o->volumes.v[k], err) < 0) {
			json_decref(process);
			json_decref(mounts);
			return -1;
		}

	json_t *res = json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm");
	json_t *dev = json_object_get(res, "devices");
	/* Docker's default device rules: mknod of any, then the usual devices. */
	static const struct { const char *type; int major, minor; } allow[] = {
		{ "c", -1, -1 }, { "b", -1, -1 }, { "c", 1, 3 }, { "c", 1, 5 }, { "c", 1, 7 }, { "c", 1, 8 },
		{ "c", 1, 9 }, { "c", 5, 0 }, { "c", 5, 1 }, { "c", 5, 2 }, { "c", 136, -1 }, { "c", 10, 200 },
	};
	for (size_t k = 0; k < sizeof allow / sizeof allow[0]; k++) {
		json_t *r = json_pack("{s:b, s:s, s:s}", "allow", 1, "type", allow[k].type, "access", k < 2 ? "m" : "rwm");
		if (allow[k].major >= 0)
			json_object_set_new(r, "major", json_integer(allow[k].major));
		if (allow[k].minor >= 0)
			json_object_set_new(r, "minor", json_integer(allow[k].minor));
		json_array_append_new(dev, r);
	}
	if (o->memory) {
		/* No swap beyond the limit, where the kernel has swap accounting at all. */
		json_t *mem = json_pack("{s:I}", "limit", (json_int_t)o->memory);
		if (access("/sys/fs/cgroup/system/memory.swap.max", F_OK) == 0)
			json_object_set_new(mem, "swap", json_integer(o->memory));
		json_object_set_new(res, "memory", mem);
	}
	if (o->cpus_milli)
		json_object_set_new(res, "cpu", json_pack("{s:I, s:I}", "quota", (json_int_t)(o->cpus_milli * 100),
							  "period", (json_int_t)100000));
	if (o->pids)
		json_object_set_new(res, "pids", json_pack("{s:I}", "limit", (json_int_t)o->pids));

	json_t *nss = json_pack("[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}]", "type", "pid", "type", "ipc",
				"type", "uts", "type", "mount", "type", "cgroup");
	const char *netns = json_string_value(json_object_get(c->state, "netns"));
	if (strcmp(o->net, "host"))
		json_array_append_new(nss, netns ? json_pack("{s:s, s:s}", "type", "network", "path", netns)
						 : json_pack("{s:s}", "type", "network"));
	char cg[600];
	snprintf(cg, sizeof cg, "%s/ctr", json_string_value(json_object_get(c->state, "cgroup")));
	json_t *masks = strings(masked);
	glob_t cpus;
	if (glob("/sys/devices/system/cpu/cpu[0-9]*/thermal_throttle", GLOB_NOSORT, NULL, &cpus) == 0) {
		for (size_t k = 0; k < cpus.gl_pathc; k++)
			json_array_append_new(masks, json_string(cpus.gl_pathv[k]));
		globfree(&cpus);
	}
	/* With a network namespace of its own, Docker's sysctls: any port and
	 * ping for every user (the namespace is the container's alone). */
	json_t *sysctl = strcmp(o->net, "host") ? json_pack("{s:s, s:s}", "net.ipv4.ip_unprivileged_port_start", "0",
							   "net.ipv4.ping_group_range", "0 2147483647")
						: json_object();
	json_t *linux = json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "resources", res, "cgroupsPath", cg,
				  "namespaces", nss, "maskedPaths", masks, "readonlyPaths",
				  strings(readonly), "seccomp", seccomp_default(), "sysctl", sysctl);
	json_t *spec = json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", "1.0.2", "process",
				 process, "root", "path", rootfs, "readonly", o->read_only, "hostname",
				 json_string_value(json_object_get(c->state, "hostname")) ?: c->id, "mounts", mounts,
				 "linux", linux);
	char *s = json_dumps(spec, JSON_INDENT(1));
	json_decref(spec);
	int rc = s ? container_write(c, "config.json", s, err) : -1;
	free(s);
	return rc;
}
