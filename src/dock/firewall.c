/* dock's packet filter rules, with iptables (legacy x_tables) in the nat
 * table, as Docker writes them:
 *   PREROUTING  -m addrtype --dst-type LOCAL -j DOCK
 *   OUTPUT      ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCK
 *   POSTROUTING -s 172.17.0.0/16 ! -o dock0 -j MASQUERADE
 *   DOCK        one DNAT rule per published port, removed with its container.
 * Changes are made with iptables-restore --noflush, so that a container's
 * ports go in (or out) together. */
#define _GNU_SOURCE /* pipe2 */
#include "firewall.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SBIN "/usr/sbin/"

/* Runs ARGV with INPUT (or nothing) on its stdin: its exit status, or -1 if
 * it could not run or was killed; unless 0, its complaint is in ERR. */
static int run(char *const argv[], const char *input, char *err)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		goto fail;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		execv(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	if (input && write(in[1], input, strlen(input)) < 0) { /* it died: its status says why */ }
	close(in[1]);
	char msg[1024];
	ssize_t n, got = 0;
	while ((n = read(out[0], msg + got, sizeof msg - 1 - (size_t)got)) > 0)
		got += n;
	msg[got] = '\0';
	close(out[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, old);
	int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (rc != 0) {
		msg[strcspn(msg, "\n")] = '\0';
		snprintf(err, ERRLEN, "%s", *msg ? msg : "iptables failed");
	}
	return rc;
fail:
	snprintf(err, ERRLEN, "pipe: %s", strerror(errno));
	return -1;
}

static int restore(const char *script, char *err)
{
	char *const argv[] = { SBIN "iptables-restore", "-w", "--noflush", NULL };
	return run(argv, script, err) == 0 ? 0 : -1;
}

/* A rule in a built-in chain of the nat table, unless it is there already. */
static int ensure(const char *chain, const char *rule, char *err)
{
	char *argv[32] = { SBIN "iptables", "-w", "-t", "nat", "-C", (char *)chain };
	char buf[256];
	snprintf(buf, sizeof buf, "%s", rule);
	int n = 6;
	for (char *save, *t = strtok_r(buf, " ", &save); t && n < 30; t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	argv[n] = NULL;
	int rc = run(argv, NULL, err); /* 1: not there */
	if (rc != 1)
		return rc == 0 ? 0 : -1;
	argv[4] = "-A";
	return run(argv, NULL, err) == 0 ? 0 : -1;
}

int fw_ready(const char *bridge, const char *subnet, char *err)
{
	char masq[128];
	snprintf(masq, sizeof masq, "-s %s ! -o %s -j MASQUERADE", subnet, bridge);
	/* DOCK made, or emptied if an earlier boot's dock left it */
	return restore("*nat\n:DOCK - [0:0]\nCOMMIT\n", err) < 0 ||
			       ensure("PREROUTING", "-m addrtype --dst-type LOCAL -j DOCK", err) < 0 ||
			       ensure("OUTPUT", "! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCK", err) < 0 ||
			       ensure("POSTROUTING", masq, err) < 0
		       ? -1
		       : 0;
}

int fw_ports(json_t *ports, bool add, char *err)
{
	size_t cap = 128 * json_array_size(ports) + 32, i;
	char *script = malloc(cap);
	if (!script) {
		snprintf(err, ERRLEN, "out of memory");
		return -1;
	}
	strcpy(script, "*nat\n");
	json_t *p;
	json_array_foreach(ports, i, p) {
		char proto[8], to[32];
		unsigned host;
		if (sscanf(json_string_value(p) ? json_string_value(p) : "", "%7s %u %31s", proto, &host, to) != 3)
			continue;
		size_t len = strlen(script);
		snprintf(script + len, cap - len, "%s DOCK -p %s -m %s --dport %u -j DNAT --to-destination %s\n",
			 add ? "-A" : "-D", proto, proto, host, to);
	}
	strcat(script, "COMMIT\n");
	int r = restore(script, err);
	free(script);
	if (r == 0)
		return 0;
	if (add || json_array_size(ports) < 2)
		return -1;
	/* Some are gone already (flushed by hand, say): the others one by one. */
	int rc = 0;
	json_array_foreach(ports, i, p) {
		json_t *one = json_pack("[O]", p);
		rc |= fw_ports(one, false, err);
		json_decref(one);
	}
	return rc;
}
