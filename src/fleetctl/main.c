/* fleetctl: options and commands. See fleetctl.h and docs/fleet.md. */
#include "fleetctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ctl_key(const struct ctl *c, char *out, size_t len, const char *a, const char *b, const char *d)
{
	snprintf(out, len, "%s%s%s%s%s%s", c->prefix, a, b ? "/" : "", b ? b : "", d ? "/" : "", d ? d : "");
	return out;
}

static int usage(void)
{
	fputs("usage: fleetctl [OPTIONS] COMMAND [ARGS]\n"
	      "  submit UNIT...          store unit files (inactive)\n"
	      "  load UNIT...            schedule them on machines (loaded)\n"
	      "  start UNIT...           and run them (launched)\n"
	      "  stop UNIT...            stop them (loaded)     unload UNIT...   unschedule (inactive)\n"
	      "  destroy UNIT...         remove them            restart UNIT...  stop, then start\n"
	      "  cat UNIT                the unit file          status UNIT...   as its machine's init says\n"
	      "  journal [-f] [--lines N] UNIT   its log, from its machine\n"
	      "  list-units, list-unit-files, list-machines  [--fields F,...] [--no-legend] [-l|--full]\n"
	      "options: --endpoint URL[,URL...] (or FLEETCTL_ENDPOINT; default http://127.0.0.1:2379)\n"
	      "         --request-timeout S (1)   --etcd-key-prefix P (/berth/fleet/)\n"
	      "         --ca-file F --cert-file F --key-file F   --no-block   --block-timeout S (0: forever)\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static struct ctl c = { .lines = 10 };
	msg_program = "fleetctl";
	const char *endpoint = getenv("FLEETCTL_ENDPOINT");
	const char *prefix = getenv("FLEETCTL_ETCD_KEY_PREFIX");
	double timeout = 1;
	struct etcd_tls tls = { 0 };
	char **args = calloc((size_t)argc + 1, sizeof *args);
	int n = 0;
	if (!args)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		/* --name=value and --name value */
		const char *eq = strchr(a, '=');
		size_t al = eq && a[0] == '-' ? (size_t)(eq - a) : strlen(a);
#define OPT(s) (al == strlen(s) && !strncmp(a, s, al))
#define VALUE() (eq ? eq + 1 : i + 1 < argc ? argv[++i] : (msg("%s needs a value", a), exit(2), ""))
		if (OPT("--endpoint"))
			endpoint = VALUE();
		else if (OPT("--etcd-key-prefix"))
			prefix = VALUE();
		else if (OPT("--request-timeout")) {
			const char *v = VALUE();
			char *end;
			timeout = strtod(v, &end);
			if (*end || end == v || timeout <= 0) {
				msg("--request-timeout %s: not a number of seconds", v);
				return 2;
			}
		} else if (OPT("--block-timeout")) {
			const char *v = VALUE();
			char *end;
			c.wait_s = (int)strtol(v, &end, 10);
			if (*end || end == v || c.wait_s < 0) {
				msg("--block-timeout %s: not a number of seconds", v);
				return 2;
			}
		} else if (OPT("--ca-file"))
			tls.ca = VALUE();
		else if (OPT("--cert-file"))
			tls.cert = VALUE();
		else if (OPT("--key-file"))
			tls.key = VALUE();
		else if (OPT("--no-block"))
			c.no_block = true;
		else if (OPT("--no-legend"))
			c.no_legend = true;
		else if (OPT("-l") || OPT("--full"))
			c.full = true;
		else if (OPT("--fields"))
			c.fields = VALUE();
		else if (OPT("-f") || OPT("--follow"))
			c.follow = true;
		else if (OPT("--lines") || OPT("-n")) {
			const char *v = VALUE();
			char *end;
			c.lines = (int)strtol(v, &end, 10);
			if (*end || end == v || c.lines < 0) {
				msg("--lines %s: not a number", v);
				return 2;
			}
		} else if (OPT("-h") || OPT("--help"))
			return usage();
		else if (a[0] == '-' && a[1]) {
			msg("unknown option %s", a);
			return usage();
		} else
			args[n++] = argv[i];
#undef OPT
#undef VALUE
	}
	if (!n)
		return usage();
	snprintf(c.prefix, sizeof c.prefix - 1, "%s", prefix ? prefix : "/berth/fleet/");
	if (!*c.prefix || c.prefix[strlen(c.prefix) - 1] != '/')
		strcat(c.prefix, "/");
	static const struct { const char *name; int (*fn)(struct ctl *, int, char **); } cmds[] = {
		{ "submit", cmd_submit }, { "load", cmd_load }, { "start", cmd_start }, { "stop", cmd_stop },
		{ "unload", cmd_unload }, { "destroy", cmd_destroy }, { "restart", cmd_restart },
		{ "cat", cmd_cat }, { "status", cmd_status }, { "journal", cmd_journal },
		{ "list-units", cmd_list_units }, { "list-unit-files", cmd_list_unit_files },
		{ "list-machines", cmd_list_machines },
	};
	for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++)
		if (!strcmp(args[0], cmds[k].name)) {
			c.etcd = etcd_open(endpoint ? endpoint : "http://127.0.0.1:2379", &tls, (int)(timeout * 1000));
			if (!c.etcd) {
				msg("cannot set up the etcd client");
				return 1;
			}
			int r = cmds[k].fn(&c, n - 1, args + 1);
			etcd_close(c.etcd);
			free(args);
			return r;
		}
	msg("unknown command \"%s\"", args[0]);
	free(args);
	return usage();
}
