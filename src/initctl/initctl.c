/* initctl: talks to berth-init over its control socket (docs/init.md).
 *   initctl [-s SOCKET] list | status UNIT | is-active UNIT | start UNIT |
 *           stop UNIT | restart UNIT | log [-f] [-n N] [UNIT] | reboot |
 *           poweroff | halt
 * Prints init's answer and exits with its status, as systemctl does: 0 success,
 * 3 not active, 4 no such unit, 5 permission denied, 1 anything else. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/ctlclient.h"

struct sink_arg {
	bool to_stdout; /* is-enabled's answer is for stdout whatever its code */
};

/* Init's answer: to stdout on success or "not active", else to stderr; each
 * piece at once (log -f). */
static void print(const char *text, size_t len, int code, void *arg)
{
	struct sink_arg *sa = arg;
	FILE *f = code == 0 || code == 3 || sa->to_stdout ? stdout : stderr;
	fwrite(text, 1, len, f);
	fflush(f);
}

static int usage(void)
{
	fputs("usage: initctl [-s SOCKET] [--no-block] COMMAND\n"
	      "  list                     every unit and its state\n"
	      "  status|is-active UNIT    a unit's state\n"
	      "  start|stop|restart UNIT  change it (root); waits until done, unless\n"
	      "                           --no-block\n"
	      "  log [-f] [-n N] [UNIT]   the last N (10) lines of the log, of UNIT or\n"
	      "                           all (\"kernel\" for the kernel's); -f: follow\n"
	      "  reboot|poweroff|halt     stop every unit and the machine (root)\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *path = getenv("BERTH_INIT_SOCKET");
	if (!path)
		path = "/run/berth/init.sock";
	int a = 1;
	if (a + 1 < argc && !strcmp(argv[a], "-s")) {
		path = argv[a + 1];
		a += 2;
	}
	/* --no-block: start, stop and restart answer at once instead of when the
	 * unit is there, as systemctl's. */
	bool no_block = false;
	if (a < argc && !strcmp(argv[a], "--no-block")) {
		no_block = true;
		a++;
	}
	if (a >= argc)
		return usage();
	for (int k = a; k < argc; k++)
		if (strpbrk(argv[k], " \n"))
			return usage();
	char req[512];
	int n;
	if (!strcmp(argv[a], "log")) {
		/* log [-f] [-n N] [UNIT] -> "log N [UNIT]" or "follow N [UNIT]" */
		bool follow = false;
		long lines = 10;
		const char *unit = NULL;
		for (int k = a + 1; k < argc; k++) {
			char *end;
			if (!strcmp(argv[k], "-f"))
				follow = true;
			else if (!strcmp(argv[k], "-n") && k + 1 < argc &&
				 (lines = strtol(argv[k + 1], &end, 10)) >= 0 && !*end)
				k++;
			else if (argv[k][0] != '-' && !unit)
				unit = argv[k];
			else
				return usage();
		}
		n = snprintf(req, sizeof req, "%s %ld%s%s\n", follow ? "follow" : "log", lines, unit ? " " : "",
			     unit ? unit : "");
	} else {
		if (argc - a > 2)
			return usage();
		n = snprintf(req, sizeof req, "%s%s%s%s\n", argv[a], argc - a == 2 ? " " : "", argc - a == 2 ? argv[a + 1] : "",
			     no_block && argc - a == 2 ? " no-block" : "");
	}
	if (n >= (int)sizeof req)
		return usage();

	struct sink_arg sa = { !strcmp(argv[a], "is-enabled") };
	char err[400];
	int code = ctl_call(path, req, 0, print, &sa, err, sizeof err);
	if (code < 0) {
		fprintf(stderr, "initctl: %s\n", err);
		return 1;
	}
	return code;
}
