/* updatectl: asks the update agent (update-agent) over /run/berth/update.sock.
 *   updatectl [-s SOCKET] status | check | apply [--allow-downgrade] [FILE|URL] |
 *             mark-good | rollback
 * Prints the agent's answer; exits 0 on success, 1 on failure, 5 when not
 * root, 2 on a usage error. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/ctlclient.h"

static int usage(void)
{
	fputs("usage: updatectl [-s SOCKET] COMMAND\n"
	      "  status                   the slots, versions, settings and the last update\n"
	      "  check                    ask the update server whether there is a newer version\n"
	      "  apply [--allow-downgrade] [FILE|URL]\n"
	      "                           install the server's update, or FILE or URL, in the\n"
	      "                           other slot; then reboot as the reboot strategy says\n"
	      "  mark-good                mark the running slot good by hand\n"
	      "  rollback                 boot the other slot next, if it was found good\n",
	      stderr);
	return 2;
}

static void print(const char *text, size_t len, int code, void *arg)
{
	(void)arg;
	fwrite(text, 1, len, code == 0 ? stdout : stderr);
}

int main(int argc, char **argv)
{
	const char *sock = getenv("BERTH_UPDATE_SOCKET") ? getenv("BERTH_UPDATE_SOCKET") : "/run/berth/update.sock";
	int a = 1;
	if (a + 1 < argc && !strcmp(argv[a], "-s")) {
		sock = argv[a + 1];
		a += 2;
	}
	if (a >= argc)
		return usage();
	const char *cmd = argv[a++];
	char req[PATH_MAX + 64];
	if (!strcmp(cmd, "apply")) {
		const char *what = NULL, *dg = "";
		char abs[PATH_MAX];
		for (; a < argc; a++) {
			if (!strcmp(argv[a], "--allow-downgrade"))
				dg = " allow-downgrade";
			else if (!what && argv[a][0] != '-')
				what = argv[a];
			else
				return usage();
		}
		/* The agent opens files itself: give it the whole path. */
		if (what && !strstr(what, "://")) {
			if (!realpath(what, abs)) {
				fprintf(stderr, "updatectl: %s: no such file\n", what);
				return 1;
			}
			what = abs;
		}
		if (what && strpbrk(what, " \n")) {
			fprintf(stderr, "updatectl: %s: spaces and newlines are not allowed\n", what);
			return 1;
		}
		snprintf(req, sizeof req, "apply%s%s%s\n", dg, what ? " " : "", what ? what : "");
	} else if (a == argc && (!strcmp(cmd, "status") || !strcmp(cmd, "check") || !strcmp(cmd, "mark-good") ||
				 !strcmp(cmd, "rollback"))) {
		snprintf(req, sizeof req, "%s\n", cmd);
	} else {
		return usage();
	}
	char err[400];
	int code = ctl_call(sock, req, 0, print, NULL, err, sizeof err);
	if (code < 0) {
		fprintf(stderr, "updatectl: %s (is update-agent running?)\n", err);
		return 1;
	}
	return code;
}
