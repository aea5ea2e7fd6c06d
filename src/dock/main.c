/* dock: the command line (docs/dock.md). Settings from /etc/berth/dock.conf
 * (NAME=value lines): DEFAULT_REGISTRY, INSECURE_REGISTRIES, ROOT, RUNC;
 * DOCK_CONF, DOCK_ROOT and DOCK_RUNC in the environment override the file and
 * its settings (tests). */
#include "dock.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/conf.h"

struct dock_conf conf = {
	.root = "/var/lib/dock",
	.run = "/run/dock",
	.runc = "/usr/bin/runc",
	.auth_file = "/etc/berth/dock-auth.json",
};

int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int runc(const char *const *argv)
{
	size_t n = 0;
	while (argv[n])
		n++;
	const char **full = calloc(n + 2, sizeof *full);
	if (!full)
		return -1;
	full[0] = "runc";
	memcpy(full + 1, argv, n * sizeof *argv);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execv(conf.runc, (char *const *)full);
		fprintf(stderr, "dock: cannot run %s: %s\n", conf.runc, strerror(errno));
		_exit(127);
	}
	free(full);
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int load_conf(void)
{
	static const char *const known[] = { "DEFAULT_REGISTRY", "INSECURE_REGISTRIES", "ROOT", "RUNC", "AUTH_FILE",
					     NULL };
	const char *path = getenv("DOCK_CONF") ? getenv("DOCK_CONF") : "/etc/berth/dock.conf";
	struct strv env = { 0 };
	char err[600];
	if (conf_load(&env, &path, 1, known, err, sizeof err) < 0) {
		warnx("%s", err);
		strv_clear(&env);
		return -1;
	}
	/* Each setting given replaces its default. */
	struct { const char *name; char *dst; size_t len; } set[] = {
		{ "DEFAULT_REGISTRY", conf.default_registry, sizeof conf.default_registry },
		{ "INSECURE_REGISTRIES", conf.insecure, sizeof conf.insecure },
		{ "ROOT", conf.root, sizeof conf.root },
		{ "RUNC", conf.runc, sizeof conf.runc },
		{ "AUTH_FILE", conf.auth_file, sizeof conf.auth_file },
	};
	for (size_t k = 0; k < sizeof set / sizeof *set; k++) {
		const char *v = conf_get(&env, set[k].name, NULL);
		if (v)
			snprintf(set[k].dst, set[k].len, "%s", v);
	}
	strv_clear(&env);
	if (getenv("DOCK_ROOT"))
		snprintf(conf.root, sizeof conf.root, "%s", getenv("DOCK_ROOT"));
	if (getenv("DOCK_RUNC"))
		snprintf(conf.runc, sizeof conf.runc, "%s", getenv("DOCK_RUNC"));
	return 0;
}

static int usage(void)
{
	fputs("usage: dock COMMAND [ARG...]\n"
	      "  pull REF                 get an image from its registry\n"
	      "  load [-i] FILE           load images from a docker save or OCI layout archive\n"
	      "  images [-q]              list images          rmi [-f] IMAGE...   remove images\n"
	      "  run [OPTIONS] IMAGE [CMD...]   run a container (dock run --help)\n"
	      "  ps [-a] [-q]             list containers\n"
	      "  stop [-t S] CTR...       stop (the image's stop signal, then SIGKILL after S seconds)\n"
	      "  start [-a] CTR...        run stopped containers again (--boot: those --restart says)\n"
	      "  kill [-s SIG] CTR...     signal      rm [-f] CTR...   remove containers\n"
	      "  logs [-f] CTR            output      exec [-t] [-e] [-w] [-u] CTR CMD...\n"
	      "  inspect CTR|IMAGE...     details as JSON\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
		{ "pull", cmd_pull }, { "load", cmd_load }, { "images", cmd_images }, { "rmi", cmd_rmi },
		{ "run", cmd_run }, { "ps", cmd_ps }, { "stop", cmd_stop }, { "kill", cmd_kill },
		{ "start", cmd_start }, { "rm", cmd_rm }, { "logs", cmd_logs }, { "exec", cmd_exec },
		{ "inspect", cmd_inspect },
	};
	msg_program = "dock";
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage();
	if (load_conf() < 0)
		return 1;
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			if (geteuid() != 0) {
				warnx("%s: only root can manage containers", argv[1]);
				return 5;
			}
			return cmds[i].fn(argc - 1, argv + 1);
		}
	warnx("unknown command \"%s\"", argv[1]);
	return usage();
}
