/* The network the agent needs before the node's own is up: a link-local
 * address for a metadata service, and GETs that give up in bounded time, so a
 * platform without the service does not hold the boot. */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/http.h"
#include "../lib/netlink.h"
#include "provision.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* GETs URL, trying again (a service that is not up yet, a link that is still
 * coming up) until ENV's wait has passed. */
int fetch_url(const struct prov_env *env, const char *url, char **body, size_t *len, char *err)
{
	double end = now() + (env->wait > 0 ? env->wait : 1);
	for (int tries = 1;; tries++) {
		struct http_get g = { .url = url, .fd = -1, .max_bytes = 1024 * 1024, .timeout = 3 };
		if (http_get(&g, err, ERRLEN) == 0) {
			*body = g.body;
			*len = g.len;
			return 0;
		}
		free(g.body);
		/* An answer that is an error will not change by asking again. */
		if ((g.status >= 400 && g.status != 404 && g.status != 429 && g.status < 500) || now() + 1 >= end) {
			char why[ERRLEN];
			snprintf(why, sizeof why, "%s (%d tries in %d s)", err, tries, env->wait);
			snprintf(err, ERRLEN, "%s", why);
			return -1;
		}
		sleep(1);
	}
}

/* The first Ethernet interface (ARPHRD_ETHER), by name order. */
static int first_ether(const struct prov_env *env, char *name, size_t len)
{
	char path[600];
	snprintf(path, sizeof path, "%s/class/net", env->sys);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	name[0] = '\0';
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/class/net/%s/type", env->sys, e->d_name);
		FILE *f = fopen(path, "re");
		int type = 0;
		if (f) {
			if (fscanf(f, "%d", &type) != 1)
				type = 0;
			fclose(f);
		}
		if (type == 1 && (!name[0] || strcmp(e->d_name, name) < 0))
			snprintf(name, len, "%s", e->d_name);
	}
	closedir(d);
	return name[0] ? 0 : -1;
}

/* 169.254.X.Y/16 on the first Ethernet interface (UP), or taken away (!UP):
 * how DigitalOcean's metadata is reached before the droplet has an address. */
int link_local(const struct prov_env *env, int up, char *err)
{
	static char ifname[256]; /* as long as a d_name */
	static struct in_addr a;
	if (!env->net)
		return 0;
	if (!up) {
		if (ifname[0])
			nl_addr_del(ifname, a, 16, err, ERRLEN);
		return 0;
	}
	if (first_ether(env, ifname, sizeof ifname) < 0) {
		snprintf(err, ERRLEN, "no Ethernet interface to reach the metadata service on");
		return -1;
	}
	/* A host part from the clock: two nodes starting together rarely pick the same. */
	srand((unsigned)(now() * 1000) ^ (unsigned)getpid());
	a.s_addr = htonl(0xa9fe0000u | (unsigned)(1 + rand() % 168) << 8 | (unsigned)(1 + rand() % 254));
	if (nl_link_set(ifname, 1, NULL, err, ERRLEN) < 0 || nl_addr_add(ifname, a, 16, err, ERRLEN) < 0)
		return -1;
	return 0;
}
