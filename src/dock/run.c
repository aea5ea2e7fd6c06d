/* dock run: makes the container (its overlay root, its cgroup, its bundle),
 * then runs it under a monitor: the process that runs `runc run`, keeps the
 * container's output in its log, records how it ended (exit code, OOM kill),
 * restarts it as --restart says and removes it with --rm. In the foreground
 * dock itself is the monitor, passes signals on and exits with the
 * container's code; with -d it is a child of its own that outlives dock. */
#define _GNU_SOURCE /* pipe2, asprintf */
#include "dock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/mkdirp.h"
#include "net.h"

static int usage(void)
{
	fputs("usage: dock run [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
	      "  --name NAME            the container's name\n"
	      "  -d, --detach           run in the background, print its id\n"
	      "  --rm                   remove the container when it exits\n"
	      "  -i, --interactive      keep standard input open\n"
	      "  -t, --tty              a pseudo-terminal (in the foreground)\n"
	      "  -e, --env NAME[=VALUE] set a variable; --env-file FILE: one per line\n"
	      "  -v, --volume HOST:CTR[:ro]   bind-mount a host path\n"
	      "  -w, --workdir DIR      -u, --user USER[:GROUP]   --entrypoint CMD\n"
	      "  --memory N[kmg]        --cpus N.N                --pids-limit N\n"
	      "  --net host|bridge|none (bridge)   -p, --publish HOSTPORT:CTRPORT[/udp]\n"
	      "  --read-only            the root file system read-only\n"
	      "  --restart no|on-failure[:N]|always\n", stderr);
	return 125;
}

static int64_t size_arg(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	int64_t m = 1;
	switch (*end) {
	case 'k': case 'K': m = 1024; end++; break;
	case 'm': case 'M': m = 1024 * 1024; end++; break;
	case 'g': case 'G': m = 1024LL * 1024 * 1024; end++; break;
	case 'b': case 'B': end++; break;
	}
	if (end == s || *end || v <= 0)
		return -1;
	return (int64_t)(v * (double)m);
}

static int env_file(struct strv *env, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		warnx("--env-file %s: %s", path, strerror(errno));
		return -1;
	}
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		n++;
		line[strcspn(line, "\r\n")] = '\0';
		char *s = line + strspn(line, " \t");
		if (!*s || *s == '#')
			continue;
		if (*s == '=') {
			warnx("%s:%d: a variable name is missing", path, n);
			fclose(f);
			return -1;
		}
		strv_add(env, s);
	}
	fclose(f);
	return 0;
}

/* Parses dock run's options; returns the index of IMAGE, or -1. */
static int parse(int argc, char **argv, struct run_opts *o)
{
	snprintf(o->net, sizeof o->net, "bridge");
	snprintf(o->restart, sizeof o->restart, "no");
	int a = 1;
	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		char *opt = argv[a], *val = NULL, *eq = NULL;
		if (!strcmp(opt, "--")) {
			a++;
			break;
		}
		if (!strncmp(opt, "--", 2) && (eq = strchr(opt, '='))) {
			*eq = '\0';
			val = eq + 1;
		}
		/* Bundled short flags: -it, -dit, -di. */
		if (opt[0] == '-' && opt[1] != '-' && strlen(opt) > 2 && strspn(opt + 1, "dit") == strlen(opt + 1)) {
			for (char *f = opt + 1; *f; f++)
				*f == 'd' ? (o->detach = true) : *f == 'i' ? (o->interactive = true) : (o->tty = true);
			continue;
		}
#define FLAG(s, l) (!strcmp(opt, s) || !strcmp(opt, l))
#define NEEDS_VALUE() do { if (!val) { if (a + 1 >= argc) { warnx("%s needs a value", opt); return -1; } val = argv[++a]; } } while (0)
		if (FLAG("-d", "--detach"))
			o->detach = true;
		else if (FLAG("--rm", "--rm"))
			o->rm = true;
		else if (FLAG("-i", "--interactive"))
			o->interactive = true;
		else if (FLAG("-t", "--tty"))
			o->tty = true;
		else if (FLAG("--read-only", "--read-only"))
			o->read_only = true;
		else {
			NEEDS_VALUE();
			if (FLAG("--name", "--name"))
				snprintf(o->name, sizeof o->name, "%s", val);
			else if (FLAG("-e", "--env"))
				strv_add(&o->env, val);
			else if (FLAG("--env-file", "--env-file")) {
				if (env_file(&o->env, val) < 0)
					return -1;
			} else if (FLAG("-v", "--volume"))
				strv_add(&o->volumes, val);
			else if (FLAG("-p", "--publish"))
				strv_add(&o->ports, val);
			else if (FLAG("-w", "--workdir"))
				snprintf(o->workdir, sizeof o->workdir, "%s", val);
			else if (FLAG("-u", "--user"))
				snprintf(o->user, sizeof o->user, "%s", val);
			else if (FLAG("--entrypoint", "--entrypoint")) {
				snprintf(o->entrypoint, sizeof o->entrypoint, "%s", val);
				o->entrypoint_set = true;
			} else if (FLAG("-m", "--memory")) {
				if ((o->memory = size_arg(val)) < 6 * 1024 * 1024) {
					warnx("--memory %s: a size of at least 6m (bytes, or with k, m or g)", val);
					return -1;
				}
			} else if (FLAG("--cpus", "--cpus")) {
				char *end;
				double v = strtod(val, &end);
				if (end == val || *end || v <= 0 || v > 1024) {
					warnx("--cpus %s: a number of CPUs above 0, like 0.5 or 2", val);
					return -1;
				}
				o->cpus_milli = (int64_t)(v * 1000);
			} else if (FLAG("--pids-limit", "--pids-limit")) {
				char *end;
				long v = strtol(val, &end, 10);
				if (end == val || *end || v == 0 || v < -1) {
					warnx("--pids-limit %s: a positive number (or -1: no limit)", val);
					return -1;
				}
				o->pids = v > 0 ? v : 0;
			} else if (FLAG("--net", "--network")) {
				if (strcmp(val, "host") && strcmp(val, "bridge") && strcmp(val, "none")) {
					warnx("--net %s: host, bridge or none", val);
					return -1;
				}
				snprintf(o->net, sizeof o->net, "%s", val);
			} else if (FLAG("--restart", "--restart")) {
				char *c = strchr(val, ':');
				if (c && !strncmp(val, "on-failure:", 11))
					o->restart_max = atoi(c + 1);
				if (strcmp(val, "no") && strcmp(val, "always") && strncmp(val, "on-failure", 10) &&
				    strcmp(val, "unless-stopped")) {
					warnx("--restart %s: no, on-failure[:N], always or unless-stopped", val);
					return -1;
				}
				snprintf(o->restart, sizeof o->restart, "%.*s", c ? (int)(c - val) : (int)strlen(val), val);
			} else {
				warnx("unknown option %s", opt);
				return -1;
			}
		}
	}
	if (a >= argc)
		return -1;
	for (int k = a + 1; k < argc; k++)
		strv_add(&o->cmd, argv[k]);
	if (o->rm && strcmp(o->restart, "no")) {
		warnx("--rm and --restart %s conflict", o->restart);
		return -1;
	}
	if (o->detach && o->tty) {
		/* Docker keeps the terminal for a later attach, which dock has not. */
		warnx("-t with -d: a detached container has no terminal in dock (no dock attach); "
		      "leave out -t, or run it in the foreground");
		return -1;
	}
	if (o->ports.n && strcmp(o->net, "bridge")) {
		warnx("-p needs --net bridge");
		return -1;
	}
	return a;
}

/* Moves dock into the cgroup at PATH. */
static int move_to(const char *path)
{
	char p[700];
	snprintf(p, sizeof p, "%s/cgroup.procs", path);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	int rc = fd >= 0 && write(fd, "0", 1) == 1 ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

static bool procs_empty(const char *path)
{
	char p[700], c;
	snprintf(p, sizeof p, "%s/cgroup.procs", path);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	bool empty = fd >= 0 && read(fd, &c, 1) == 0;
	if (fd >= 0)
		close(fd);
	return empty;
}

/* The container's cgroup: below the caller's when dock runs in the foreground
 * inside a service (so that stopping the service stops the container, and its
 * limits cover it), else below /sys/fs/cgroup/dock. */
static void pick_cgroup(const struct run_opts *o, const char *id, char *out, size_t len)
{
	char line[512] = "";
	FILE *f = o->detach ? NULL : fopen("/proc/self/cgroup", "re");
	if (f) {
		if (!fgets(line, sizeof line, f))
			line[0] = '\0';
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(line, "0::/system/", 11)) {
		/* Out of the service's own cgroup into a leaf, so that controllers can
		 * be given to the container's (no processes in inner cgroups); only if
		 * dock was the service's one process (not a login shell's child). */
		char unit[600], leaf[700];
		snprintf(unit, sizeof unit, "/sys/fs/cgroup%s", line + 3);
		snprintf(leaf, sizeof leaf, "%s/dock-run", unit);
		mkdir(leaf, 0755);
		if (move_to(leaf) == 0) {
			if (procs_empty(unit)) {
				snprintf(out, len, "%s/dock-%.12s", line + 3, id);
				return;
			}
			move_to(unit);
		}
	}
	snprintf(out, len, "/dock/%.12s", id);
}

/* Gives the cgroup at PATH (below /sys/fs/cgroup) every controller its parent
 * has, so that runc's cgroup below it can have limits. */
void cgroup_make(const char *path)
{
	char p[700], parent[700], ctl[256];
	snprintf(p, sizeof p, "/sys/fs/cgroup%s", path);
	mkdir_p(p, 0755);
	/* Each level from the top enables its controllers for the next. */
	for (char *s = p + strlen("/sys/fs/cgroup"); (s = strchr(s + 1, '/')) || 1;) {
		size_t n = s ? (size_t)(s - p) : strlen(p);
		snprintf(parent, sizeof parent, "%.*s/cgroup.controllers", (int)n, p);
		FILE *f = fopen(parent, "re");
		if (f && fgets(ctl, sizeof ctl, f)) {
			char want[300] = "";
			for (char *save, *t = strtok_r(ctl, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
				snprintf(want + strlen(want), sizeof want - strlen(want), "%s+%s", *want ? " " : "", t);
			snprintf(parent, sizeof parent, "%.*s/cgroup.subtree_control", (int)n, p);
			int fd = open(parent, O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				if (write(fd, want, strlen(want)) < 0) { /* inner cgroup with processes: left as is */ }
				close(fd);
			}
		}
		if (f)
			fclose(f);
		if (!s)
			break;
	}
}

/* The overlay root: the image's layers (top first) under upper/. Its
 * directories are there already when dock start mounts it again. */
int rootfs_mount(struct container *c, json_t *image, char *err)
{
	char upper[700], work[700], root[700];
	snprintf(upper, sizeof upper, "%s/upper", c->dir);
	snprintf(work, sizeof work, "%s/work", c->dir);
	snprintf(root, sizeof root, "%s/rootfs", c->dir);
	if ((mkdir(upper, 0755) < 0 && errno != EEXIST) || (mkdir(work, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(root, 0755) < 0 && errno != EEXIST)) {
		snprintf(err, ERRLEN, "cannot make the container's directories: %s", strerror(errno));
		return -1;
	}
	json_t *layers = json_object_get(image, "layers");
	size_t n = json_array_size(layers);
	char *opts = malloc(600 * (n + 2) + 1500), dir[600];
	if (!opts)
		return -1;
	strcpy(opts, "lowerdir=");
	if (n == 0) {
		/* An image without layers: an empty lower directory. */
		snprintf(dir, sizeof dir, "%s/empty", c->dir);
		mkdir(dir, 0755);
		strcat(opts, dir);
	}
	for (size_t i = n; i-- > 0;) {
		layer_dir(json_string_value(json_object_get(json_array_get(layers, i), "diff_id")), dir, sizeof dir);
		strcat(opts, dir);
		if (i)
			strcat(opts, ":");
	}
	sprintf(opts + strlen(opts), ",upperdir=%s,workdir=%s", upper, work);
	/* --read-only: runc makes the root read-only (root.readonly). */
	int rc = mount("overlay", root, "overlay", MS_NODEV, opts);
	if (rc < 0)
		snprintf(err, ERRLEN, "cannot mount the container's root (overlay): %s", strerror(errno));
	free(opts);
	return rc;
}

static int create(struct container *c, const struct run_opts *o, const char *image_ref, char *err)
{
	char id[72];
	if (image_find(image_ref, id, err) < 0)
		return -1;
	json_t *img = image_record(id, err);
	if (!img)
		return -1;
	char *ctext = NULL;
	size_t clen;
	json_t *config = NULL;
	int rc = -1;
	if (blob_read(json_string_value(json_object_get(img, "config")), &ctext, &clen, 8 << 20, err) < 0)
		goto out;
	config = json_loadb(ctext, clen, 0, NULL);
	if (container_new(c, o->name, err) < 0)
		goto out;
	char cg[600];
	pick_cgroup(o, c->id, cg, sizeof cg);
	json_t *cmd = json_array();
	for (size_t i = 0; i < o->cmd.n; i++)
		json_array_append_new(cmd, json_string(o->cmd.v[i]));
	json_t *more = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:b, s:I, s:i, s:s}",
					       "image", image_ref, "image_id", id, "cmd", cmd, "cgroup", cg,
					       "net", o->net, "restart", o->restart, "auto_remove", o->rm,
					       "memory", (json_int_t)o->memory, "restart_max", o->restart_max,
					       "hostname", "");
	json_object_update(c->state, more);
	json_decref(more);
	if (o->rm && container_mark_rm(c, err) < 0)
		goto out;
	/* -p as given: dock start publishes them again. */
	json_t *publish = json_array();
	for (size_t i = 0; i < o->ports.n; i++)
		json_array_append_new(publish, json_string(o->ports.v[i]));
	json_object_set_new(c->state, "publish", publish);
	const char *stop = json_string_value(json_object_get(json_object_get(config, "config"), "StopSignal"));
	if (stop)
		json_object_set_new(c->state, "stop_signal", json_string(stop));
	char host[16];
	snprintf(host, sizeof host, "%.12s", c->id);
	json_object_set_new(c->state, "hostname", json_string(host));
	char hostname[32];
	snprintf(hostname, sizeof hostname, "%s\n", host);
	if (rootfs_mount(c, img, err) < 0 || container_write(c, "hostname", hostname, err) < 0)
		goto out;
	if (net_setup(c, o, err) < 0 || net_hosts(c, err) < 0 || net_resolv_conf(c, o, err) < 0)
		goto out;
	cgroup_make(cg);
	if (spec_write(c, o, config, err) < 0 || container_save(c, err) < 0)
		goto out;
	rc = 0;
out:
	json_decref(config);
	json_decref(img);
	free(ctext);
	return rc;
}

static volatile sig_atomic_t pending[65], term_seen;
static void on_signal(int sig)
{
	pending[sig] = 1;
	if (sig == SIGTERM || sig == SIGINT)
		term_seen = 1;
}

static bool stop_asked(struct container *c)
{
	char p[700];
	snprintf(p, sizeof p, "%s/stopping", c->dir);
	return term_seen || access(p, F_OK) == 0;
}

static int64_t oom_kills(const char *cg)
{
	char p[700], line[128];
	snprintf(p, sizeof p, "/sys/fs/cgroup%s/memory.events", cg);
	FILE *f = fopen(p, "re");
	int64_t n = 0;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "oom_kill ", 9))
			n = atoll(line + 9);
	if (f)
		fclose(f);
	return n;
}

/* Waits (30 s at most) until runc has started the container (its state file
 * is there and its exec.fifo, there while it is only created, is gone) or
 * has ended, so that dock run -d and dock start return when dock stop, kill
 * and exec reach the container's own process. PID is not reaped. */
static void runc_created(const struct container *c, pid_t pid)
{
	char p[200], fifo[200];
	snprintf(p, sizeof p, "/run/runc/%s/state.json", c->id);
	snprintf(fifo, sizeof fifo, "/run/runc/%s/exec.fifo", c->id);
	for (int t = 0; t < 3000 && (access(p, F_OK) < 0 || access(fifo, F_OK) == 0); t++) {
		siginfo_t si = { 0 };
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
			return;
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
}

/* One run of the container: `runc run`, its output copied to the log (and in
 * the foreground to ours). Returns its exit code. */
static int run_once(struct container *c, bool foreground, bool tty, bool interactive, int ready_fd)
{
	char logp[700];
	snprintf(logp, sizeof logp, "%s/log", c->dir);
	int log = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int out[2] = { -1, -1 };
	bool relay = !(foreground && tty);
	if (relay && pipe2(out, O_CLOEXEC) < 0)
		return 125;
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (relay) {
			dup2(out[1], 1);
			dup2(out[1], 2);
		}
		if (!(foreground && (interactive || tty))) {
			int nul = open("/dev/null", O_RDONLY);
			dup2(nul, 0);
			/* A group of its own: Ctrl-C at dock's terminal, or a
			 * unit's stop signal sent to dock's group, reaches the
			 * container once, through dock, not also through runc. */
			setpgid(0, 0);
		}
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		char bundle[700];
		snprintf(bundle, sizeof bundle, "%s", c->dir);
		execl(conf.runc, "runc", "run", "--bundle", bundle, c->id, (char *)NULL);
		fprintf(stderr, "dock: cannot run %s: %s\n", conf.runc, strerror(errno));
		_exit(127);
	}
	if (relay)
		close(out[1]);
	json_object_set_new(c->state, "status", json_string("running"));
	json_object_set_new(c->state, "started", json_integer(now_ns()));
	json_object_set_new(c->state, "monitor_pid", json_integer(getpid()));
	char err[ERRLEN];
	container_save(c, err);
	if (ready_fd >= 0) {
		runc_created(c, pid);
		if (write(ready_fd, "ok", 2) < 0) { /* dock run -d is gone: carry on */ }
		close(ready_fd);
	}
	char buf[16384];
	int status = 0;
	bool open_out = relay;
	for (;;) {
		for (int s = 1; s < 65; s++)
			if (pending[s]) {
				pending[s] = 0;
				kill(pid, s); /* runc run passes it to the container */
			}
		if (open_out) {
			struct pollfd p = { out[0], POLLIN, 0 };
			int r = poll(&p, 1, 200);
			if (r > 0) {
				ssize_t n = read(out[0], buf, sizeof buf);
				if (n > 0) {
					if (log >= 0 && write(log, buf, (size_t)n) < 0) { /* a full disk loses log lines only */ }
					if (foreground && write(1, buf, (size_t)n) < 0) { /* nobody reads ours */ }
				} else if (n == 0 || errno != EINTR) {
					open_out = false;
				}
			}
		} else {
			pid_t w = waitpid(pid, &status, 0);
			if (w == pid)
				break;
		}
	}
	if (log >= 0)
		close(log);
	if (relay)
		close(out[0]);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return code;
}

int run_monitor(struct container *c, int lock, bool foreground, int ready_fd)
{
	char p[700], err[ERRLEN];
	struct sigaction sa = { .sa_handler = on_signal };
	int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	const char *cg = json_string_value(json_object_get(c->state, "cgroup"));
	const char *restart = json_string_value(json_object_get(c->state, "restart")) ?: "no";
	int max = (int)json_integer_value(json_object_get(c->state, "restart_max"));
	int runs = 0, code;
	int64_t delay_ms = 100;
	bool tty = json_is_true(json_object_get(json_object_get(c->state, "opts"), "tty"));
	bool interactive = json_is_true(json_object_get(json_object_get(c->state, "opts"), "interactive"));
	for (;;) {
		int64_t ooms = oom_kills(cg), began = now_ns();
		code = run_once(c, foreground, tty, interactive, runs == 0 ? ready_fd : -1);
		runs++;
		bool oom = oom_kills(cg) > ooms;
		runc_forget(c);
		json_object_set_new(c->state, "status", json_string("exited"));
		json_object_set_new(c->state, "exit_code", json_integer(code));
		json_object_set_new(c->state, "oom_killed", json_boolean(oom));
		json_object_set_new(c->state, "finished", json_integer(now_ns()));
		json_object_set_new(c->state, "restart_count", json_integer(runs - 1));
		bool again = !stop_asked(c) && (!strcmp(restart, "always") || !strcmp(restart, "unless-stopped") ||
					  (!strcmp(restart, "on-failure") && code != 0 && (max <= 0 || runs <= max)));
		if (again)
			json_object_set_new(c->state, "status", json_string("restarting"));
		container_save(c, err);
		if (!again)
			break;
		/* Docker's back-off: doubling from 100 ms, reset after 10 s of running;
		 * a stop during it ends it. */
		if (now_ns() - began >= 10LL * 1000000000)
			delay_ms = 100;
		for (int64_t slept = 0; slept < delay_ms && !stop_asked(c); slept += 50) {
			struct timespec ts = { 0, 50 * 1000000 };
			nanosleep(&ts, NULL);
		}
		delay_ms = delay_ms < 60000 ? delay_ms * 2 : 60000;
		if (stop_asked(c)) {
			json_object_set_new(c->state, "status", json_string("exited"));
			container_save(c, err);
			break;
		}
	}
	snprintf(p, sizeof p, "%s/rootfs", c->dir);
	net_teardown(c);
	container_save(c, err);
	if (json_is_true(json_object_get(c->state, "auto_remove"))) {
		/* With the lock held: a dock start now waits, then finds it gone. */
		container_remove_held(c, err);
		close(lock);
	} else {
		umount2(p, MNT_DETACH);
		snprintf(p, sizeof p, "/sys/fs/cgroup%s", cg);
		rmdir(p);
		close(lock);
	}
	return code;
}

/* The monitor: a child of a child, in a session of its own, so that it
 * outlives dock and its terminal; it says "ok" once runc runs. It holds
 * LOCK from here on; ours is closed. */
int monitor_spawn(struct container *c, int lock)
{
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0) {
		close(lock);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		/* Out of the caller's cgroup: a service or login that ends must not
		 * take the monitor with it (the container is below /dock already). */
		mkdir("/sys/fs/cgroup/dock", 0755);
		mkdir("/sys/fs/cgroup/dock/monitors", 0755);
		move_to("/sys/fs/cgroup/dock/monitors");
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		_exit(run_monitor(c, lock, false, ready[1]));
	}
	close(ready[1]);
	close(lock);
	waitpid(pid, NULL, 0);
	return ready[0];
}

int monitor_ready(const struct container *c, int fd)
{
	char ok[2];
	bool started = fd >= 0 && read(fd, ok, 2) == 2;
	if (fd >= 0)
		close(fd);
	if (!started)
		warnx("the monitor of container %s did not start", c->name);
	return started ? 0 : -1;
}

static void opts_free(struct run_opts *o)
{
	strv_clear(&o->env);
	strv_clear(&o->volumes);
	strv_clear(&o->ports);
	strv_clear(&o->cmd);
}

static int run(int argc, char **argv, struct run_opts *o);

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	int rc = run(argc, argv, &o);
	opts_free(&o);
	return rc;
}

static int run(int argc, char **argv, struct run_opts *op)
{
	struct run_opts o = *op;
	int a = parse(argc, argv, &o);
	*op = o;
	if (a < 0)
		return usage();
	char err[ERRLEN];
	if (store_open(err) < 0) {
		warnx("%s", err);
		return 125;
	}
	struct container c = { 0 };
	if (create(&c, &o, argv[a], err) < 0) {
		warnx("%s", err);
		if (*c.dir && c.state) {
			char e2[ERRLEN];
			container_remove(&c, true, e2);
			container_free(&c);
		}
		return 125;
	}
	json_object_set_new(c.state, "opts", json_pack("{s:b, s:b}", "tty", o.tty && !o.detach,
						       "interactive", o.interactive && !o.detach));
	container_save(&c, err);
	/* Taken before the store's lock goes: from here on the container is
	 * running to every other dock (its address, its ports are taken). */
	int lock = monitor_lock(&c);
	store_unlock();
	if (lock < 0) {
		warnx("container %s: cannot take its monitor.lock", c.name);
		char e2[ERRLEN];
		container_remove(&c, true, e2);
		container_free(&c);
		return 125;
	}
	if (!o.detach) {
		int code = run_monitor(&c, lock, true, -1);
		container_free(&c);
		return code;
	}
	int rc = monitor_ready(&c, monitor_spawn(&c, lock)) < 0 ? 125 : 0;
	if (rc == 0)
		printf("%s\n", c.id);
	container_free(&c);
	return rc;
}
