/* berth-init: Berth's init. Today it runs as an ordinary process for tests: the
 * supervisor over the unit directories given, until SIGTERM. The PID 1 side
 * (early boot, STATE, consoles, shutdown) is still to come; until then the image
 * boots with BusyBox init, and this program refuses to run as PID 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "supervisor.h"

static void usage(void)
{
	fputs("usage: berth-init --units DIR [--units DIR...] [--goal UNIT] [--control SOCKET]\n"
	      "Starts UNIT (default.target) and what it pulls in from the unit directories\n"
	      "(later ones override earlier ones), supervises them, prints \"berth: ready\"\n"
	      "when they are up, answers initctl on SOCKET, and stops them all on SIGTERM\n"
	      "or SIGINT.\n", stderr);
}

/* The control socket: anyone may connect (queries); changes are checked per
 * request against the peer's credentials. */
static int control_socket(const char *path)
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
	const char *dirs[16], *goal = "default.target", *control = NULL;
	size_t ndirs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--units") && i + 1 < argc && ndirs < 16)
			dirs[ndirs++] = argv[++i];
		else if (!strcmp(argv[i], "--goal") && i + 1 < argc)
			goal = argv[++i];
		else if (!strcmp(argv[i], "--control") && i + 1 < argc)
			control = argv[++i];
		else {
			usage();
			return 2;
		}
	}
	if (!ndirs) {
		usage();
		return 2;
	}
	if (getpid() == 1) {
		fputs("berth-init: running as PID 1 is not supported yet\n", stderr);
		return 1;
	}
	/* Orphans of the services come to us, to be reaped, as they would to PID 1. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	int cfd = control ? control_socket(control) : -1;
	if (control && cfd < 0)
		return 1;
	int rc = supervise(dirs, ndirs, goal, "berth: ready", cfd);
	if (control)
		unlink(control);
	return rc;
}
