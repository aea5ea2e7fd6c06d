/* berth-init: Berth's init. As PID 1 it brings the system up and supervises
 * the units of /usr/lib/berth/units, /etc/berth/units and /run/berth/units
 * (pid1.c). As an ordinary process, for tests, it supervises the unit
 * directories given until SIGTERM. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "pid1.h"
#include "supervisor.h"

static void usage(void)
{
	fputs("usage: berth-init --units DIR [--units DIR...] [--goal UNIT] [--control SOCKET]\n"
	      "                  [--log-dir DIR [--log-size BYTES]] [--pid-namespace]\n"
	      "Starts UNIT (default.target) and what it pulls in from the unit directories\n"
	      "(later ones override earlier ones), supervises them, prints \"berth: ready\"\n"
	      "when they are up, answers initctl on SOCKET, and stops them all on SIGTERM\n"
	      "or SIGINT. With --log-dir, the services' output is logged (initctl log)\n"
	      "and kept in DIR/UNIT.log, rotated to UNIT.log.1 past BYTES (1 MiB);\n"
	      "without, it goes to init's own. --pid-namespace: as PID 1 of a new PID\n"
	      "and mount namespace (for tests).\n", stderr);
}

/* The control socket: anyone may connect (queries); changes are checked per
 * request against the peer's credentials. */
int control_listen(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof a.sun_path) {
		fprintf(stderr, "berth-init: control socket path too long: %s\n", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || chmod(path, 0666) < 0 || listen(fd, 16) < 0) {
		perror("berth-init: control socket");
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		pid1_main();
	const char *dirs[16], *goal = "default.target", *control = NULL, *log_dir = NULL;
	size_t log_cap = 0;
	size_t ndirs = 0;
	bool pidns = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--units") && i + 1 < argc && ndirs < 16)
			dirs[ndirs++] = argv[++i];
		else if (!strcmp(argv[i], "--goal") && i + 1 < argc)
			goal = argv[++i];
		else if (!strcmp(argv[i], "--control") && i + 1 < argc)
			control = argv[++i];
		else if (!strcmp(argv[i], "--log-dir") && i + 1 < argc)
			log_dir = argv[++i];
		else if (!strcmp(argv[i], "--log-size") && i + 1 < argc)
			log_cap = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--pid-namespace"))
			pidns = true;
		else {
			usage();
			return 2;
		}
	}
	if (!ndirs) {
		usage();
		return 2;
	}
	if (pidns && enter_pid_namespace() < 0)
		return 1;
	/* Orphans of the services come to us, to be reaped, as they would to PID 1. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	int cfd = control ? control_listen(control) : -1;
	if (control && cfd < 0)
		return 1;
	struct sup_config cfg = { .dirs = dirs, .ndirs = ndirs, .goal = goal, .ready_line = "berth: ready",
				  .control = cfd, .log_dir = log_dir, .log_cap = log_cap,
				  .admin_dir = dirs[ndirs - 1] };
	int end = supervise(&cfg);
	if (control)
		unlink(control);
	return end < 0 ? 1 : 0;
}
