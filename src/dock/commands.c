/* The commands that look at or act on what exists: images, rmi, ps, stop,
 * kill, rm, logs, exec, inspect. */
#include "dock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ago(int64_t ns, char *buf, size_t len)
{
	int64_t s = (now_ns() - ns) / 1000000000;
	if (s < 60)
		snprintf(buf, len, "%lld seconds ago", (long long)(s < 0 ? 0 : s));
	else if (s < 3600)
		snprintf(buf, len, "%lld minutes ago", (long long)s / 60);
	else if (s < 86400)
		snprintf(buf, len, "%lld hours ago", (long long)s / 3600);
	else
		snprintf(buf, len, "%lld days ago", (long long)s / 86400);
	return buf;
}

static void human(int64_t b, char *out, size_t len)
{
	if (b >= 1000000000)
		snprintf(out, len, "%.3gGB", (double)b / 1e9);
	else if (b >= 1000000)
		snprintf(out, len, "%.3gMB", (double)b / 1e6);
	else
		snprintf(out, len, "%.3gkB", (double)b / 1e3);
}

int cmd_images(int argc, char **argv)
{
	bool quiet = argc > 1 && !strcmp(argv[1], "-q");
	char err[ERRLEN], p[600];
	if (store_open(err) < 0) {
		warnx("%s", err);
		return 1;
	}
	if (!quiet)
		printf("%-40s %-12s %-14s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "SIZE");
	snprintf(p, sizeof p, "%s/images", conf.root);
	DIR *d = opendir(p);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (strlen(de->d_name) != 69)
			continue;
		char id[80], size[32];
		snprintf(id, sizeof id, "sha256:%.64s", de->d_name);
		json_t *r = image_record(id, NULL);
		human(json_integer_value(json_object_get(r, "size")), size, sizeof size);
		struct strv tags = { 0 };
		image_tags(id, &tags);
		if (quiet)
			printf("%.12s\n", id + 7);
		for (size_t i = 0; !quiet && i < (tags.n ? tags.n : 1); i++) {
			char repo[600] = "<none>", *tag = "<none>";
			if (tags.n) {
				snprintf(repo, sizeof repo, "%s", tags.v[i]);
				char *c = strrchr(repo, ':');
				if (c && !strchr(c, '/')) {
					*c = '\0';
					tag = c + 1;
				}
			}
			printf("%-40s %-12s %-14.12s %s\n", repo, tag, id + 7, size);
		}
		strv_clear(&tags);
		json_decref(r);
	}
	if (d)
		closedir(d);
	return 0;
}

int cmd_rmi(int argc, char **argv)
{
	bool force = false;
	int a = 1, rc = 0;
	if (a < argc && !strcmp(argv[a], "-f")) {
		force = true;
		a++;
	}
	if (a >= argc) {
		fputs("usage: dock rmi [-f] IMAGE...\n", stderr);
		return 2;
	}
	char err[ERRLEN];
	if (store_open(err) < 0) {
		warnx("%s", err);
		return 1;
	}
	for (; a < argc; a++)
		if (image_remove(argv[a], force, err) < 0) {
			warnx("%s", err);
			rc = 1;
		}
	return rc;
}

struct ps_arg {
	bool all, quiet;
};

static int ps_one(struct container *c, void *arg)
{
	struct ps_arg *pa = arg;
	const char *st = container_status(c);
	bool up = !strcmp(st, "running") || !strcmp(st, "restarting");
	if (!pa->all && !up)
		return 0;
	if (pa->quiet) {
		printf("%.12s\n", c->id);
		return 0;
	}
	char status[96], when[64], cmd[64] = "";
	json_t *s = c->state;
	if (!strcmp(st, "running")) {
		/* Docker's "Up 5 seconds": a duration, not a time ago. */
		ago(json_integer_value(json_object_get(s, "started")), when, sizeof when);
		snprintf(status, sizeof status, "Up %.*s", (int)(strlen(when) - strlen(" ago")), when);
	} else if (!strcmp(st, "exited") && json_object_get(s, "exit_code")) {
		snprintf(status, sizeof status, "Exited (%lld)%s %s", (long long)json_integer_value(json_object_get(s, "exit_code")),
			 json_is_true(json_object_get(s, "oom_killed")) ? " OOMKilled" : "",
			 ago(json_integer_value(json_object_get(s, "finished")), when, sizeof when));
	} else {
		snprintf(status, sizeof status, "%s", st);
	}
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(s, "cmd"), i, v)
		snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), "%s%s", i ? " " : "", json_string_value(v));
	printf("%-12.12s  %-24.24s  %-22.22s  %-14s  %-28s  %s\n", c->id,
	       json_string_value(json_object_get(s, "image")) ?: "", cmd,
	       ago(json_integer_value(json_object_get(s, "created")), when, sizeof when), status, c->name);
	return 0;
}

int cmd_ps(int argc, char **argv)
{
	struct ps_arg pa = { 0 };
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-a") || !strcmp(argv[a], "--all"))
			pa.all = true;
		else if (!strcmp(argv[a], "-q"))
			pa.quiet = true;
		else if (!strcmp(argv[a], "-aq") || !strcmp(argv[a], "-qa"))
			pa.all = pa.quiet = true;
		else {
			fputs("usage: dock ps [-a] [-q]\n", stderr);
			return 2;
		}
	}
	if (!pa.quiet)
		printf("%-12s  %-24s  %-22s  %-14s  %-28s  %s\n", "CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
		       "STATUS", "NAMES");
	container_each(ps_one, &pa);
	return 0;
}

static int signal_of(const char *s)
{
	static const struct { const char *n; int v; } sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "STOP", SIGSTOP },
		{ "CONT", SIGCONT }, { "WINCH", SIGWINCH },
	};
	if (!strncmp(s, "SIG", 3))
		s += 3;
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end && n > 0 && n < 65)
		return (int)n;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (!strcmp(s, sigs[i].n))
			return sigs[i].v;
	return -1;
}

static int send(struct container *c, int sig)
{
	char s[16];
	snprintf(s, sizeof s, "%d", sig);
	const char *argv[] = { "kill", c->id, s, NULL };
	return runc(argv);
}

static void mark_stopping(struct container *c)
{
	char p[700];
	snprintf(p, sizeof p, "%s/stopping", c->dir);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

int each_named(int a, int argc, char **argv, int (*fn)(struct container *c, const char *name, int arg),
		      int arg)
{
	int rc = 0;
	for (; a < argc; a++) {
		struct container c;
		char err[ERRLEN];
		if (container_find(argv[a], &c, err) < 0) {
			warnx("%s", err);
			rc = 1;
			continue;
		}
		if (fn(&c, argv[a], arg) < 0)
			rc = 1;
		container_free(&c);
	}
	return rc;
}

/* The image's StopSignal, else SIGTERM; SIGKILL after TIMEOUT seconds. */
static int stop_one(struct container *c, const char *name, int timeout)
{
	const char *st = container_status(c);
	if (!strcmp(st, "restarting")) {
		mark_stopping(c); /* its monitor sees it, between two runs */
		container_wait_exit(c, 10000);
	} else if (strcmp(st, "exited")) {
		mark_stopping(c);
		int sig = signal_of(json_string_value(json_object_get(c->state, "stop_signal")) ?: "TERM");
		send(c, sig > 0 ? sig : SIGTERM);
		if (container_wait_exit(c, timeout * 1000) < 0) {
			send(c, SIGKILL);
			container_wait_exit(c, 10000);
		}
	}
	printf("%s\n", name);
	return 0;
}

int cmd_stop(int argc, char **argv)
{
	int a = 1, timeout = 10;
	if (a + 1 < argc && (!strcmp(argv[a], "-t") || !strcmp(argv[a], "--time"))) {
		timeout = atoi(argv[a + 1]);
		a += 2;
	}
	if (a >= argc) {
		fputs("usage: dock stop [-t SECONDS] CONTAINER...\n", stderr);
		return 2;
	}
	return each_named(a, argc, argv, stop_one, timeout);
}

static int kill_one(struct container *c, const char *name, int sig)
{
	if (strcmp(container_status(c), "running")) {
		warnx("container %s is not running", name);
		return -1;
	}
	if (sig == SIGKILL)
		mark_stopping(c);
	if (send(c, sig) != 0)
		return -1;
	printf("%s\n", name);
	return 0;
}

int cmd_kill(int argc, char **argv)
{
	int a = 1, sig = SIGKILL;
	if (a + 1 < argc && (!strcmp(argv[a], "-s") || !strcmp(argv[a], "--signal"))) {
		if ((sig = signal_of(argv[a + 1])) < 0) {
			warnx("unknown signal %s", argv[a + 1]);
			return 2;
		}
		a += 2;
	}
	if (a >= argc) {
		fputs("usage: dock kill [-s SIGNAL] CONTAINER...\n", stderr);
		return 2;
	}
	return each_named(a, argc, argv, kill_one, sig);
}

static int rm_one(struct container *c, const char *name, int force)
{
	char err[ERRLEN];
	if (force)
		mark_stopping(c);
	if (container_remove(c, force, err) < 0) {
		warnx("%s", err);
		return -1;
	}
	printf("%s\n", name);
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	int a = 1;
	bool force = false;
	if (a < argc && !strcmp(argv[a], "-f")) {
		force = true;
		a++;
	}
	if (a >= argc) {
		fputs("usage: dock rm [-f] CONTAINER...\n", stderr);
		return 2;
	}
	return each_named(a, argc, argv, rm_one, force);
}

int cmd_logs(int argc, char **argv)
{
	int a = 1;
	bool follow = false;
	if (a < argc && (!strcmp(argv[a], "-f") || !strcmp(argv[a], "--follow"))) {
		follow = true;
		a++;
	}
	if (a + 1 != argc) {
		fputs("usage: dock logs [-f] CONTAINER\n", stderr);
		return 2;
	}
	struct container c;
	char err[ERRLEN], p[700], buf[16384];
	if (container_find(argv[a], &c, err) < 0) {
		warnx("%s", err);
		return 1;
	}
	snprintf(p, sizeof p, "%s/log", c.dir);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	for (;;) {
		ssize_t n;
		while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
			if (write(1, buf, (size_t)n) != n)
				return 1;
		if (!follow || !strcmp(container_status(&c), "exited")) {
			/* what came between the last read and the exit */
			while (follow && fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
				if (write(1, buf, (size_t)n) != n)
					return 1;
			break;
		}
		struct timespec ts = { 0, 100 * 1000000 };
		nanosleep(&ts, NULL);
		if (fd < 0)
			fd = open(p, O_RDONLY | O_CLOEXEC);
		container_free(&c);
		if (container_find(argv[a], &c, err) < 0)
			break;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

int cmd_exec(int argc, char **argv)
{
	/* runc exec [--tty] [--env E] [--cwd D] [--user U] ID CMD... */
	const char **rargv = calloc((size_t)argc * 2 + 8, sizeof *rargv);
	int n = 0, a = 1;
	rargv[n++] = "exec";
	for (; a < argc && argv[a][0] == '-'; a++) {
		const char *o = argv[a];
		if (!strcmp(o, "-i") || !strcmp(o, "--interactive"))
			continue;
		if (!strcmp(o, "-t") || !strcmp(o, "--tty") || !strcmp(o, "-it") || !strcmp(o, "-ti")) {
			rargv[n++] = "--tty";
			continue;
		}
		if (a + 1 >= argc)
			break;
		if (!strcmp(o, "-e") || !strcmp(o, "--env"))
			rargv[n++] = "--env";
		else if (!strcmp(o, "-w") || !strcmp(o, "--workdir"))
			rargv[n++] = "--cwd";
		else if (!strcmp(o, "-u") || !strcmp(o, "--user"))
			rargv[n++] = "--user";
		else {
			warnx("exec: unknown option %s", o);
			return 125;
		}
		rargv[n++] = argv[++a];
	}
	if (a + 1 >= argc) {
		fputs("usage: dock exec [-i] [-t] [-e NAME=VALUE] [-w DIR] [-u UID[:GID]] CONTAINER COMMAND [ARG...]\n", stderr);
		return 125;
	}
	struct container c;
	char err[ERRLEN];
	if (container_find(argv[a], &c, err) < 0) {
		warnx("%s", err);
		return 125;
	}
	if (strcmp(container_status(&c), "running")) {
		warnx("container %s is not running", argv[a]);
		return 125;
	}
	rargv[n++] = c.id;
	for (a++; a < argc; a++)
		rargv[n++] = argv[a];
	rargv[n] = NULL;
	return runc(rargv);
}

int cmd_inspect(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: dock inspect CONTAINER|IMAGE...\n", stderr);
		return 2;
	}
	json_t *out = json_array();
	int rc = 0;
	for (int a = 1; a < argc; a++) {
		struct container c;
		char err[ERRLEN], id[72];
		if (container_find(argv[a], &c, err) == 0) {
			json_t *s = json_deep_copy(c.state);
			json_object_set_new(s, "status", json_string(container_status(&c)));
			char p[700];
			snprintf(p, sizeof p, "%s/config.json", c.dir);
			json_object_set_new(s, "spec", json_load_file(p, 0, NULL));
			json_array_append_new(out, s);
			container_free(&c);
		} else if (image_find(argv[a], id, err) == 0) {
			json_t *r = image_record(id, err);
			char *ctext;
			size_t clen;
			if (r && blob_read(json_string_value(json_object_get(r, "config")), &ctext, &clen, 8 << 20, err) == 0) {
				json_object_set_new(r, "image_config", json_loadb(ctext, clen, 0, NULL));
				free(ctext);
			}
			struct strv tags = { 0 };
			image_tags(id, &tags);
			json_t *t = json_array();
			for (size_t i = 0; i < tags.n; i++)
				json_array_append_new(t, json_string(tags.v[i]));
			json_object_set_new(r, "tags", t);
			strv_clear(&tags);
			json_array_append_new(out, r);
		} else {
			warnx("no such container or image: %s", argv[a]);
			rc = 1;
		}
	}
	char *s = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (s)
		puts(s);
	free(s);
	json_decref(out);
	return rc;
}
