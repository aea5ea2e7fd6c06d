/* dock start: a container that has stopped runs again, with its own root
 * (what it wrote is kept), its settings and its published ports, as docker
 * start does. `dock start --boot` (dock-restart.service) starts, after a
 * boot, the containers whose --restart policy asks for it: always, and
 * unless-stopped unless dock stop or dock kill stopped them. */
#include "dock.h"
#include "net.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* A container made in the foreground of a service had its cgroup below the
 * service's; started again on its own it goes below /dock, as -d would. */
static int own_cgroup(struct container *c, char *err)
{
	const char *cg = json_string_value(json_object_get(c->state, "cgroup")) ?: "";
	if (!strncmp(cg, "/dock/", 6))
		return 0;
	char mine[64], p[700], cgpath[80];
	snprintf(mine, sizeof mine, "/dock/%.12s", c->id);
	snprintf(cgpath, sizeof cgpath, "%s/ctr", mine);
	snprintf(p, sizeof p, "%s/config.json", c->dir);
	json_error_t je;
	json_t *spec = json_load_file(p, 0, &je);
	if (!spec || json_object_set_new(json_object_get(spec, "linux"), "cgroupsPath", json_string(cgpath)) < 0) {
		snprintf(err, ERRLEN, "%s: %s", p, spec ? "no \"linux\" object" : je.text);
		json_decref(spec);
		return -1;
	}
	char *text = json_dumps(spec, JSON_INDENT(2));
	json_decref(spec);
	int rc = text ? container_write(c, "config.json", text, err) : -1;
	free(text);
	if (rc == 0)
		json_object_set_new(c->state, "cgroup", json_string(mine));
	return rc;
}

/* Root, cgroup and network as dock run made them; the caller holds the
 * store's lock. */
static int prepare(struct container *c, char *err)
{
	const char *image_id = json_string_value(json_object_get(c->state, "image_id"));
	json_t *img = image_id ? image_record(image_id, err) : NULL;
	if (!img) {
		if (!image_id)
			snprintf(err, ERRLEN, "container %s has no image recorded", c->name);
		return -1;
	}
	/* A monitor killed with -9 left runc's state, the container's
	 * processes and its mount: all go before it runs again. */
	runc_forget(c);
	char p[700];
	snprintf(p, sizeof p, "%s/rootfs", c->dir);
	umount2(p, MNT_DETACH);
	int rc = rootfs_mount(c, img, err);
	json_decref(img);
	if (rc < 0 || own_cgroup(c, err) < 0)
		return -1;
	cgroup_make(json_string_value(json_object_get(c->state, "cgroup")));
	/* What is left of the last run's network (all of it, after a
	 * reboot) goes; then a new address and the same ports. */
	net_teardown(c);
	json_object_del(c->state, "ip");
	struct run_opts o = { 0 };
	snprintf(o.net, sizeof o.net, "%s", json_string_value(json_object_get(c->state, "net")) ?: "none");
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(c->state, "publish"), i, v)
		if (json_string_value(v))
			strv_add(&o.ports, json_string_value(v));
	rc = net_setup(c, &o, err);
	strv_clear(&o.ports);
	if (rc < 0) {
		net_teardown(c);
		return -1;
	}
	/* The node's name servers now, not those of when it was made. */
	return net_hosts(c, err) < 0 || net_resolv_conf(c, &o, err) < 0 ? -1 : 0;
}

/* Starts C in the background; ATTACH: in the foreground instead, its output
 * ours and its exit code returned (docker start -a). READY: where the
 * monitor's descriptor goes, for monitor_ready, instead of waiting here. */
static int start_one(struct container *c, bool attach, int *ready)
{
	char err[ERRLEN];
	if (ready)
		*ready = -1; /* none: it was running already, or it failed */
	bool tty = json_is_true(json_object_get(json_object_get(c->state, "opts"), "tty"));
	if (tty && !(attach && isatty(0))) {
		warnx("container %s was run with -t: start it with dock start -a, from a terminal", c->name);
		return 125;
	}
	if (store_open(err) < 0) {
		warnx("%s", err);
		return 125;
	}
	/* Read again under the lock: another dock start, or dock rm, may have
	 * come first. */
	struct container now;
	if (container_find(c->id, &now, err) < 0) {
		store_unlock();
		warnx("%s", err);
		return 125;
	}
	container_free(c);
	*c = now;
	const char *st = container_status(c);
	if (!strcmp(st, "running") || !strcmp(st, "restarting")) {
		store_unlock();
		return 0; /* as docker start: nothing to do */
	}
	/* An exited container's monitor may still be tearing down, or
	 * removing it (--rm). */
	container_wait_exit(c, 5000);
	if (access(c->dir, F_OK) < 0) {
		store_unlock();
		warnx("no such container: %s (--rm: removed as it ended)", c->name);
		return 125;
	}
	int lock = monitor_lock(c);
	int rc = lock < 0 ? -1 : prepare(c, err);
	if (lock < 0)
		snprintf(err, ERRLEN, "its monitor has not ended");
	if (rc == 0) {
		char p[700];
		snprintf(p, sizeof p, "%s/stopping", c->dir);
		unlink(p);
		/* With its monitor.lock held: running, to every other dock. */
		json_object_set_new(c->state, "status", json_string("running"));
		rc = container_save(c, err);
	}
	store_unlock();
	if (rc < 0) {
		warnx("container %s: %s", c->name, err);
		if (lock >= 0)
			close(lock);
		return 125;
	}
	if (attach)
		return run_monitor(c, lock, true, -1);
	int fd = monitor_spawn(c, lock);
	if (ready) {
		*ready = fd;
		return fd < 0 ? 125 : 0;
	}
	return monitor_ready(c, fd) < 0 ? 125 : 0;
}

static int start_named(struct container *c, const char *name, int arg)
{
	(void)arg;
	if (start_one(c, false, NULL) != 0)
		return -1;
	printf("%s\n", name);
	return 0;
}

/* After a boot, the containers whose policy says so are started all at
 * once; then dock waits until each runs. */
struct boot {
	struct container *started;
	int *ready;
	size_t n;
	int failed;
};

static int start_policy(struct container *c, void *arg)
{
	struct boot *b = arg;
	if (container_remove_due(c)) {
		/* container_each frees C again: harmless, json_decref(NULL). */
		return 0;
	}
	const char *restart = json_string_value(json_object_get(c->state, "restart")) ?: "no";
	const char *saved = json_string_value(json_object_get(c->state, "status")) ?: "";
	char p[700];
	snprintf(p, sizeof p, "%s/stopping", c->dir);
	bool stopped_by_user = access(p, F_OK) == 0;
	/* Its monitor gone while it ran: the node went down under it, which
	 * on-failure counts as a failure, as Docker does. */
	bool unclean = !strcmp(saved, "running") || !strcmp(saved, "restarting");
	bool due = !strcmp(restart, "always") || (!strcmp(restart, "unless-stopped") && !stopped_by_user) ||
		   (!strcmp(restart, "on-failure") && unclean && !stopped_by_user);
	if (strcmp(container_status(c), "exited") || !due)
		return 0;
	if (json_is_true(json_object_get(json_object_get(c->state, "opts"), "tty"))) {
		warnx("container %s was run with -t in the foreground: not started (dock start -a %s)", c->name,
		      c->name);
		return 0;
	}
	struct container *more = realloc(b->started, (b->n + 1) * sizeof *more);
	int *fds = realloc(b->ready, (b->n + 1) * sizeof *fds);
	if (more)
		b->started = more;
	if (fds)
		b->ready = fds;
	if (!more || !fds) {
		b->failed = 1;
		return 0;
	}
	if (start_one(c, false, &b->ready[b->n]) != 0) {
		b->failed = 1;
		return 0;
	}
	if (b->ready[b->n] < 0)
		return 0; /* started meanwhile by someone else */
	/* C is container_each's: it frees its own copy. */
	b->started[b->n] = *c;
	b->started[b->n].state = json_incref(c->state);
	b->n++;
	return 0;
}

static int start_boot(void)
{
	char err[ERRLEN];
	if (store_open(err) < 0) {
		warnx("%s", err);
		return 1;
	}
	container_remains();
	store_unlock();
	struct boot b = { 0 };
	container_each(start_policy, &b);
	for (size_t i = 0; i < b.n; i++) {
		struct container *c = &b.started[i];
		if (monitor_ready(c, b.ready[i]) < 0)
			b.failed = 1;
		else
			printf("%s (--restart %s)\n", c->name,
			       json_string_value(json_object_get(c->state, "restart")) ?: "");
		container_free(c);
	}
	free(b.started);
	free(b.ready);
	return b.failed;
}

int cmd_start(int argc, char **argv)
{
	int a = 1;
	bool attach = false;
	if (a < argc && !strcmp(argv[a], "--boot") && argc == 2)
		return start_boot();
	if (a < argc && (!strcmp(argv[a], "-a") || !strcmp(argv[a], "--attach"))) {
		attach = true;
		a++;
	}
	if (a >= argc || (attach && a + 1 != argc) || argv[a][0] == '-') {
		fputs("usage: dock start CONTAINER...   in the background\n"
		      "       dock start -a CONTAINER   in the foreground, with its exit code\n"
		      "       dock start --boot         after a boot: those whose --restart says so\n", stderr);
		return 2;
	}
	if (!attach)
		return each_named(a, argc, argv, start_named, 0);
	struct container c;
	char err[ERRLEN];
	if (container_find(argv[a], &c, err) < 0) {
		warnx("%s", err);
		return 1;
	}
	int rc = start_one(&c, true, NULL);
	container_free(&c);
	return rc;
}
