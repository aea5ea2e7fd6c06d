/* fleetd: settings and the main loop. See fleetd.h and docs/fleet.md. */
#include "fleetd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/conf.h"

static volatile sig_atomic_t stopping;

const char *key(char *out, size_t len, const struct fleetd *f, const char *a, const char *b, const char *c)
{
	snprintf(out, len, "%s%s%s%s%s%s", f->prefix, a, b ? "/" : "", b ? b : "", c ? "/" : "", c ? c : "");
	return out;
}

/* The first IPv4 address that is not loopback: what list-machines shows. */
static void first_ip(char *out, size_t len)
{
	struct ifaddrs *ifs;
	snprintf(out, len, "-");
	if (getifaddrs(&ifs) < 0)
		return;
	for (struct ifaddrs *i = ifs; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr != htonl(INADDR_LOOPBACK)) {
			getnameinfo(i->ifa_addr, sizeof(struct sockaddr_in), out, (socklen_t)len, NULL, 0, NI_NUMERICHOST);
			break;
		}
	freeifaddrs(ifs);
}

static int copy(char *dst, size_t len, const struct strv *env, const char *name, const char *dflt)
{
	if ((size_t)snprintf(dst, len, "%s", conf_get(env, name, dflt)) < len)
		return 0;
	msg("%s: longer than %zu characters", name, len - 1);
	return -1;
}

static int load_settings(struct fleetd *f, const char *const *files, size_t nfiles)
{
	static const char *const known[] = { "ETCD_ENDPOINTS", "PREFIX", "MACHINE_ID", "METADATA", "PUBLIC_IP",
					     "AGENT_TTL", "INIT_SOCKET", "UNITS_DIR", "RUN_DIR", "ENGINE", "ETCD_CA",
					     "ETCD_CERT", "ETCD_KEY", "REQUEST_TIMEOUT", NULL };
	struct strv env = { 0 };
	char err[600];
	if (conf_load(&env, files, nfiles, known, err, sizeof err) < 0) {
		msg("%s", err);
		return -1;
	}
	int bad = 0;
	bad |= copy(f->endpoints, sizeof f->endpoints, &env, "ETCD_ENDPOINTS", "http://127.0.0.1:2379");
	bad |= copy(f->prefix, sizeof f->prefix - 1, &env, "PREFIX", "/berth/fleet/");
	if (f->prefix[0] != '/') {
		msg("PREFIX=%s: not a key that starts with /", f->prefix);
		bad = 1;
	}
	if (*f->prefix && f->prefix[strlen(f->prefix) - 1] != '/')
		strcat(f->prefix, "/");
	bad |= copy(f->machine_id, sizeof f->machine_id, &env, "MACHINE_ID", "");
	bad |= copy(f->metadata, sizeof f->metadata, &env, "METADATA", "");
	bad |= copy(f->ip, sizeof f->ip, &env, "PUBLIC_IP", "");
	bad |= copy(f->init_socket, sizeof f->init_socket, &env, "INIT_SOCKET", "/run/berth/init.sock");
	bad |= copy(f->units_dir, sizeof f->units_dir, &env, "UNITS_DIR", "/run/berth/units");
	bad |= copy(f->run_dir, sizeof f->run_dir, &env, "RUN_DIR", "/run/berth/fleet");
	bad |= copy(f->tls_ca, sizeof f->tls_ca, &env, "ETCD_CA", "");
	bad |= copy(f->tls_cert, sizeof f->tls_cert, &env, "ETCD_CERT", "");
	bad |= copy(f->tls_key, sizeof f->tls_key, &env, "ETCD_KEY", "");
	const char *engine = conf_get(&env, "ENGINE", "yes");
	f->engine_enabled = !strcmp(engine, "yes");
	if (!f->engine_enabled && strcmp(engine, "no")) {
		msg("ENGINE=%s: not yes or no", engine);
		bad = 1;
	}
	struct { const char *name, *dflt; long min, max, *out; } nums[] = {
		{ "AGENT_TTL", "30", 3, 3600, &f->ttl },
	};
	for (size_t k = 0; k < sizeof nums / sizeof *nums; k++) {
		const char *v = conf_get(&env, nums[k].name, nums[k].dflt);
		char *end;
		*nums[k].out = strtol(v, &end, 10);
		if (*end || end == v || *nums[k].out < nums[k].min || *nums[k].out > nums[k].max) {
			msg("%s=%s: not a number from %ld to %ld", nums[k].name, v, nums[k].min, nums[k].max);
			bad = 1;
		}
	}
	const char *rt = conf_get(&env, "REQUEST_TIMEOUT", "5");
	char *end;
	double t = strtod(rt, &end);
	if (*end || end == rt || t <= 0 || t > 600) {
		msg("REQUEST_TIMEOUT=%s: not a number of seconds from 0 to 600", rt);
		bad = 1;
	}
	f->timeout_ms = (int)(t * 1000);
	/* METADATA: k=v pairs, comma-separated. */
	char md[sizeof f->metadata], *save, *e;
	snprintf(md, sizeof md, "%s", f->metadata);
	for (e = strtok_r(md, ",", &save); e; e = strtok_r(NULL, ",", &save))
		if (!strchr(e, '=') || *e == '=') {
			msg("METADATA: \"%s\" is not KEY=VALUE", e);
			bad = 1;
		}
	strv_clear(&env);
	if (bad)
		return -1;
	if (!*f->machine_id) {
		FILE *m = fopen("/etc/machine-id", "re");
		if (!m || !fgets(f->machine_id, sizeof f->machine_id, m)) {
			msg("no machine id: /etc/machine-id: %s", m ? "empty" : strerror(errno));
			if (m)
				fclose(m);
			return -1;
		}
		fclose(m);
		f->machine_id[strcspn(f->machine_id, "\n")] = '\0';
	}
	if (strchr(f->machine_id, '/') || !*f->machine_id) {
		msg("MACHINE_ID=%s: not a machine id", f->machine_id);
		return -1;
	}
	if (!*f->ip)
		first_ip(f->ip, sizeof f->ip);
	gethostname(f->hostname, sizeof f->hostname - 1);
	f->tls.ca = *f->tls_ca ? f->tls_ca : NULL;
	f->tls.cert = *f->tls_cert ? f->tls_cert : NULL;
	f->tls.key = *f->tls_key ? f->tls_key : NULL;
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

int main(int argc, char **argv)
{
	static struct fleetd f;
	msg_program = "fleetd";
	const char *files[] = { "/usr/lib/berth/fleet.conf", "/etc/berth/fleet.conf" };
	const char *const *paths = files;
	size_t npaths = 2;
	if (argc == 3 && !strcmp(argv[1], "--config")) {
		paths = (const char *const *)argv + 2;
		npaths = 1;
	} else if (argc != 1) {
		fputs("usage: fleetd [--config FILE]\n", stderr);
		return 2;
	}
	if (load_settings(&f, paths, npaths) < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	f.etcd = etcd_open(f.endpoints, &f.tls, f.timeout_ms);
	if (!f.etcd) {
		msg("cannot set up the etcd client for %s", f.endpoints);
		return 1;
	}
	msg("machine %s (%s), metadata \"%s\", etcd %s", f.machine_id, f.ip, f.metadata, f.endpoints);
	bool agent_up = false;
	time_t last_publish = 0;
	while (!stopping) {
		/* Presence first: without a lease nothing else can be published. */
		if (!f.lease && machine_register(&f) < 0) {
			agent_up = false;
			sleep(1);
			continue;
		}
		machine_keepalive(&f);
		/* A new lease: the agent lists again and republishes under it. */
		if (f.reregistered)
			agent_up = false;
		if (!agent_up) {
			agent_up = agent_start(&f) == 0;
			/* Only once the states are republished under the new lease. */
			if (agent_up)
				f.reregistered = false;
			if (!agent_up) {
				sleep(1);
				continue;
			}
		}
		if (agent_poll(&f, 100) < 0)
			agent_up = false;
		requests_poll(&f, 20);
		if (time(NULL) != last_publish) {
			agent_publish(&f);
			last_publish = time(NULL);
		}
		if (f.engine_enabled)
			engine_step(&f, 100);
	}
	/* The lease is not revoked: a fleetd that is restarted takes it up
	 * again (machine.c), so its units stay where they are; a node that is
	 * gone loses it after AGENT_TTL, and its units move. */
	etcd_close(f.etcd);
	msg("stopped");
	return 0;
}
