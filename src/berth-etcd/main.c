/* berth-etcd: runs etcd as the node's settings say (docs/etcd.md). From
 * /usr/lib/berth/etcd.conf and /etc/berth/etcd.conf it decides what this node
 * is — a single member on loopback (no INITIAL_CLUSTER), a member of a static
 * cluster (its NAME, or one of its addresses, is in INITIAL_CLUSTER), or a
 * gateway to the cluster's members (it is not) — and executes etcd with the
 * flags for that. Either way the node's programs reach etcd at the local
 * client URL. With --print it prints the command instead, one word a line. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/strv.h"

static const char *const known[] = {
	"NAME", "INITIAL_CLUSTER", "INITIAL_CLUSTER_TOKEN", "INITIAL_CLUSTER_STATE", "DATA_DIR", "CLIENT_PORT",
	"ADVERTISE_CLIENT_URLS", "ENDPOINTS", "HEARTBEAT_INTERVAL", "ELECTION_TIMEOUT", "CLIENT_CERT",
	"CLIENT_KEY", "CLIENT_CA", "PEER_CERT", "PEER_KEY", "PEER_CA", "ETCD", NULL,
};

static struct strv env;
static struct strv args;

static const char *get(const char *name, const char *dflt) { return conf_get(&env, name, dflt); }

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "berth-etcd: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

static void arg(const char *flag, const char *value)
{
	char s[4400];
	if ((size_t)snprintf(s, sizeof s, "%s%s%s", flag, value ? "=" : "", value ? value : "") >= sizeof s)
		die("%s: too long%s", flag, "");
	if (strv_add(&args, s) < 0)
		die("%s%s", "out of memory", "");
}

/* A peer or client URL: scheme, host (an IPv6 address in brackets) and port. */
struct url {
	char scheme[8], host[256], port[8];
};

static int parse_url(const char *text, struct url *u)
{
	const char *p = strstr(text, "://");
	if (!p || (size_t)(p - text) >= sizeof u->scheme)
		return -1;
	snprintf(u->scheme, sizeof u->scheme, "%.*s", (int)(p - text), text);
	if (strcmp(u->scheme, "http") && strcmp(u->scheme, "https"))
		return -1;
	p += 3;
	const char *colon = *p == '[' ? strstr(p, "]:") : strrchr(p, ':');
	if (!colon || colon == p)
		return -1;
	colon += *p == '[';
	if ((size_t)(colon - p) >= sizeof u->host)
		return -1;
	snprintf(u->host, sizeof u->host, "%.*s", (int)(colon - p), p);
	snprintf(u->port, sizeof u->port, "%s", colon + 1);
	char *end;
	long port = strtol(u->port, &end, 10);
	return *end || end == u->port || port < 1 || port > 65535 ? -1 : 0;
}

/* Whether HOST (an address, bracketed for IPv6) is one of this node's. */
static bool local_address(const char *host)
{
	char want[256];
	snprintf(want, sizeof want, "%s", host + (*host == '['));
	want[strcspn(want, "]")] = '\0';
	struct ifaddrs *ifs, *i;
	bool found = false;
	if (getifaddrs(&ifs) < 0)
		return false;
	for (i = ifs; i && !found; i = i->ifa_next) {
		char addr[INET6_ADDRSTRLEN];
		if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (!getnameinfo(i->ifa_addr, i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
										 : sizeof(struct sockaddr_in6),
				 addr, sizeof addr, NULL, 0, NI_NUMERICHOST))
			found = !strcmp(addr, want);
	}
	freeifaddrs(ifs);
	return found;
}

/* What a listener binds: the URL's host if it is an address, else every address. */
static const char *bind_host(const char *host)
{
	struct in6_addr a6;
	char h[256];
	snprintf(h, sizeof h, "%s", host + (*host == '['));
	h[strcspn(h, "]")] = '\0';
	struct in_addr a4;
	if (inet_pton(AF_INET, h, &a4) == 1 || inet_pton(AF_INET6, h, &a6) == 1)
		return host;
	return "0.0.0.0";
}

static long number(const char *name, const char *dflt, long min, long max)
{
	const char *v = get(name, dflt);
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || end == v || n < min || n > max) {
		fprintf(stderr, "berth-etcd: %s=%s: not a number from %ld to %ld\n", name, v, min, max);
		exit(1);
	}
	return n;
}

/* Both of a TLS pair, or neither; returns whether it is set. */
static bool tls_pair(const char *cert, const char *key)
{
	if (!*get(cert, "") != !*get(key, ""))
		die("%s and %s go together: set both, or neither", cert, key);
	return *get(cert, "");
}

int main(int argc, char **argv)
{
	bool print = argc > 1 && !strcmp(argv[1], "--print");
	const char *files[] = { "/usr/lib/berth/etcd.conf", "/etc/berth/etcd.conf" };
	const char *const *paths = files;
	size_t npaths = 2;
	if (argc > 1 + print) {
		paths = (const char *const *)argv + 1 + print;
		npaths = (size_t)(argc - 1 - print);
	}
	char err[512];
	if (conf_load(&env, paths, npaths, known, err, sizeof err) < 0)
		die("%s%s", err, "");

	const char *etcd = get("ETCD", "/usr/bin/etcd");
	long port = number("CLIENT_PORT", "2379", 1, 65535);
	long heartbeat = number("HEARTBEAT_INTERVAL", "100", 1, 60000);
	long election = number("ELECTION_TIMEOUT", "1000", 1, 50000);
	if (election < 5 * heartbeat)
		die("ELECTION_TIMEOUT=%s: less than five times HEARTBEAT_INTERVAL (%s), which etcd refuses",
		    get("ELECTION_TIMEOUT", "1000"), get("HEARTBEAT_INTERVAL", "100"));
	const char *state = get("INITIAL_CLUSTER_STATE", "new");
	if (strcmp(state, "new") && strcmp(state, "existing"))
		die("INITIAL_CLUSTER_STATE=%s: not new or existing%s", state, "");
	bool client_tls = tls_pair("CLIENT_CERT", "CLIENT_KEY"), peer_tls = tls_pair("PEER_CERT", "PEER_KEY");
	const char *cs = client_tls ? "https" : "http";
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	const char *name = get("NAME", *host ? host : "default");

	/* The cluster: NAME=URL entries; which one is this node. */
	char cluster[4096], self_name[256] = "", endpoints[4096] = "";
	struct url self = { 0 };
	snprintf(cluster, sizeof cluster, "%s", get("INITIAL_CLUSTER", ""));
	int members = 0;
	if (*cluster) {
		char copy[sizeof cluster], *save, *e;
		snprintf(copy, sizeof copy, "%s", cluster);
		for (e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(e, '=');
			struct url u;
			if (!eq || eq == e || parse_url(eq + 1, &u) < 0)
				die("INITIAL_CLUSTER: \"%s\" is not NAME=http(s)://HOST:PORT%s", e, "");
			if (!strcmp(u.scheme, "https") && !peer_tls)
				die("INITIAL_CLUSTER: %s is https, and PEER_CERT and PEER_KEY are not set%s", e, "");
			*eq = '\0';
			members++;
			bool me = get("NAME", NULL) ? !strcmp(e, name) : local_address(u.host);
			if (me && !*self_name) {
				snprintf(self_name, sizeof self_name, "%s", e);
				self = u;
			}
			size_t l = strlen(endpoints);
			snprintf(endpoints + l, sizeof endpoints - l, "%s%s:%ld", l ? "," : "", u.host, port);
		}
	} else {
		snprintf(self_name, sizeof self_name, "%s", name);
		snprintf(cluster, sizeof cluster, "%s=%s://127.0.0.1:2380", name, peer_tls ? "https" : "http");
		parse_url(strchr(cluster, '=') + 1, &self);
	}

	char v[4096];
	if (!*self_name) {
		/* Not a member: etcd's gateway, a TCP proxy from the local client
		 * port to the members' client ports. */
		arg(etcd, NULL);
		arg("gateway", NULL);
		arg("start", NULL);
		const char *ep = get("ENDPOINTS", endpoints);
		/* The gateway takes HOST:PORT; URLs are accepted here too. */
		char list[4096] = "", copy[4096], *save, *e;
		snprintf(copy, sizeof copy, "%s", ep);
		for (e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
			char *s = strstr(e, "://");
			size_t l = strlen(list);
			snprintf(list + l, sizeof list - l, "%s%s", l ? "," : "", s ? s + 3 : e);
		}
		arg("--endpoints", list);
		snprintf(v, sizeof v, "127.0.0.1:%ld", port);
		arg("--listen-addr", v);
	} else {
		arg(etcd, NULL);
		arg("--name", self_name);
		arg("--data-dir", get("DATA_DIR", "/var/lib/etcd"));
		arg("--initial-cluster", cluster);
		arg("--initial-cluster-token", get("INITIAL_CLUSTER_TOKEN", "berth"));
		arg("--initial-cluster-state", state);
		snprintf(v, sizeof v, "%s://%s:%s", self.scheme, bind_host(self.host), self.port);
		arg("--listen-peer-urls", v);
		snprintf(v, sizeof v, "%s://%s:%s", self.scheme, self.host, self.port);
		arg("--initial-advertise-peer-urls", v);
		/* Loopback always; the peer address too when there are other members
		 * (every address covers loopback). */
		const char *b = bind_host(self.host);
		if (!strcmp(b, "0.0.0.0"))
			snprintf(v, sizeof v, "%s://0.0.0.0:%ld", cs, port);
		else if (members > 1 && strcmp(b, "127.0.0.1"))
			snprintf(v, sizeof v, "%s://127.0.0.1:%ld,%s://%s:%ld", cs, port, cs, b, port);
		else
			snprintf(v, sizeof v, "%s://127.0.0.1:%ld", cs, port);
		arg("--listen-client-urls", v);
		if (members > 1)
			snprintf(v, sizeof v, "%s://%s:%ld", cs, self.host, port);
		else
			snprintf(v, sizeof v, "%s://127.0.0.1:%ld", cs, port);
		arg("--advertise-client-urls", get("ADVERTISE_CLIENT_URLS", v));
		snprintf(v, sizeof v, "%ld", heartbeat);
		arg("--heartbeat-interval", v);
		snprintf(v, sizeof v, "%ld", election);
		arg("--election-timeout", v);
		if (client_tls) {
			arg("--cert-file", get("CLIENT_CERT", ""));
			arg("--key-file", get("CLIENT_KEY", ""));
			if (*get("CLIENT_CA", "")) {
				arg("--trusted-ca-file", get("CLIENT_CA", ""));
				arg("--client-cert-auth", NULL);
			}
		}
		if (peer_tls) {
			arg("--peer-cert-file", get("PEER_CERT", ""));
			arg("--peer-key-file", get("PEER_KEY", ""));
			if (*get("PEER_CA", "")) {
				arg("--peer-trusted-ca-file", get("PEER_CA", ""));
				arg("--peer-client-cert-auth", NULL);
			}
		}
	}
	if (print) {
		for (size_t k = 0; k < args.n; k++)
			puts(args.v[k]);
		return 0;
	}
	execv(etcd, args.v);
	die("cannot run %s: %s", etcd, strerror(errno));
}
