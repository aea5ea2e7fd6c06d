/* berth-init: Berth's init. Today it runs as an ordinary process for tests: the
 * supervisor over the unit directories given, until SIGTERM. The PID 1 side
 * (early boot, STATE, consoles, shutdown) is still to come; until then the image
 * boots with BusyBox init, and this program refuses to run as PID 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "supervisor.h"

static void usage(void)
{
	fputs("usage: berth-init --units DIR [--units DIR...] [--goal UNIT]\n"
	      "Starts UNIT (default.target) and what it pulls in from the unit directories\n"
	      "(later ones override earlier ones), supervises them, prints \"berth: ready\"\n"
	      "when they are up, and stops them all on SIGTERM or SIGINT.\n", stderr);
}

int main(int argc, char **argv)
{
	const char *dirs[16], *goal = "default.target";
	size_t ndirs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--units") && i + 1 < argc && ndirs < 16)
			dirs[ndirs++] = argv[++i];
		else if (!strcmp(argv[i], "--goal") && i + 1 < argc)
			goal = argv[++i];
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
	return supervise(dirs, ndirs, goal, "berth: ready");
}
