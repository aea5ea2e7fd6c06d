/* Container networking: see net.h. --net bridge (the default): a bridge dock0
 * (172.17.0.1/16) on the node, and per container a network namespace
 * (/run/dock/netns/ID, bind-mounted so that runc joins it), a veth pair (eth0
 * inside, vdID outside on dock0), the next free address and a default route
 * through the bridge. Outbound traffic is masqueraded and published ports are
 * DNATed from the node's own addresses (firewall.c), removed with the
 * container. */
#define _GNU_SOURCE /* setns, unshare */
#include "net.h"
#include "firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/mkdirp.h"
#include "../lib/netlink.h"

#define BRIDGE "dock0"
#define SUBNET "172.17.0.0/16"

static int write_proc(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = write(fd, v, strlen(v)) < 0 ? -1 : 0;
	close(fd);
	return rc;
}

/* dock0, forwarding and the rules, once per boot. */
static int bridge_ready(char *err)
{
	struct in_addr gw = { htonl(0xac110001) };
	if (nl_bridge_add(BRIDGE, err, ERRLEN) < 0 || nl_addr_add(BRIDGE, gw, 16, err, ERRLEN) < 0 ||
	    nl_link_set(BRIDGE, 1, NULL, err, ERRLEN) < 0)
		return -1;
	if (write_proc("/proc/sys/net/ipv4/ip_forward", "1") < 0) {
		snprintf(err, ERRLEN, "cannot turn on IPv4 forwarding: %s", strerror(errno));
		return -1;
	}
	char p[300];
	snprintf(p, sizeof p, "%s/firewall-ready", conf.run);
	if (access(p, F_OK) == 0)
		return 0;
	if (fw_ready(BRIDGE, SUBNET, err) < 0)
		return -1;
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	return 0;
}

struct used {
	unsigned char taken[256];
};

static int mark(struct container *c, void *arg)
{
	struct used *u = arg;
	const char *ip = json_string_value(json_object_get(c->state, "ip"));
	struct in_addr a;
	if (ip && strcmp(container_status(c), "exited") && inet_pton(AF_INET, ip, &a) == 1)
		u->taken[ntohl(a.s_addr) & 0xff] = 1;
	return 0;
}

/* Runs FN(ARG) in the network namespace of NS_FD (-1: a new one), then
 * returns dock to its own. */
static int in_netns(int ns_fd, int (*fn)(void *arg, char *err), void *arg, char *err)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0 || (ns_fd >= 0 ? setns(ns_fd, CLONE_NEWNET) : unshare(CLONE_NEWNET)) < 0) {
		snprintf(err, ERRLEN, "%s network namespace: %s", ns_fd >= 0 ? "entering the container's" : "a new",
			 strerror(errno));
		if (self >= 0)
			close(self);
		return -1;
	}
	int rc = fn(arg, err);
	if (setns(self, CLONE_NEWNET) < 0) {
		snprintf(err, ERRLEN, "back to the node's network namespace: %s", strerror(errno));
		rc = -1;
	}
	close(self);
	return rc;
}

/* In a new namespace: keep it at PATH (a bind mount), for runc to join. */
static int keep_netns(void *path, char *err)
{
	if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) == 0)
		return 0;
	snprintf(err, ERRLEN, "bind %s: %s", (char *)path, strerror(errno));
	return -1;
}

static int netns_new(const char *path, char *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, ERRLEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return in_netns(-1, keep_netns, (void *)path, err);
}

/* Inside the container's namespace: lo and eth0 up, the address, the route. */
static int configure(void *arg, char *err)
{
	struct in_addr ip = *(struct in_addr *)arg, gw = { htonl(0xac110001) };
	return nl_link_set("lo", 1, NULL, err, ERRLEN) < 0 || nl_link_set("eth0", 1, NULL, err, ERRLEN) < 0 ||
	       nl_addr_add("eth0", ip, 16, err, ERRLEN) < 0 || nl_route_default(gw, err, ERRLEN) < 0 ? -1 : 0;
}

/* -p HOST:CTR[/tcp|/udp] as "PROTO HOST IP:CTR" (firewall.h). */
static int port_rule(const char *spec, const char *ip, char *out, size_t len, char *err)
{
	char buf[128], proto[8] = "tcp";
	snprintf(buf, sizeof buf, "%s", spec);
	char *slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		snprintf(proto, sizeof proto, "%s", slash + 1);
	}
	char *c = strrchr(buf, ':');
	char *end1, *end2;
	long h = c ? strtol(buf, &end1, 10) : -1, t = c ? strtol(c + 1, &end2, 10) : -1;
	if (!c || *end1 != ':' || *end2 || h < 1 || h > 65535 || t < 1 || t > 65535 ||
	    (strcmp(proto, "tcp") && strcmp(proto, "udp"))) {
		snprintf(err, ERRLEN, "-p %s: expected HOSTPORT:CONTAINERPORT[/tcp|/udp]", spec);
		return -1;
	}
	snprintf(out, len, "%s %ld %s:%ld", proto, h, ip, t);
	return 0;
}

/* A container whose monitor is gone (a reboot, a kill -9) without its
 * teardown: its rules go now, so that its ports are free again and its
 * address, which may be given out again, draws nothing of its own. */
static int sweep_stale(struct container *c, void *arg)
{
	(void)arg;
	json_t *rules = json_object_get(c->state, "ports");
	if (!json_array_size(rules) || strcmp(container_status(c), "exited"))
		return 0;
	char err[ERRLEN];
	fw_ports(rules, false, err); /* after a reboot they are gone already */
	json_object_del(c->state, "ports");
	container_save(c, err);
	return 0;
}

/* Does RULES publish what RULE does ("PROTO HOST ", its start)? */
static bool in_rules(json_t *rules, const char *rule)
{
	size_t key = strchr(strchr(rule, ' ') + 1, ' ') - rule + 1;
	json_t *p;
	size_t i;
	json_array_foreach(rules, i, p)
		if (json_string_value(p) && strncmp(json_string_value(p), rule, key) == 0)
			return true;
	return false;
}

struct port_use {
	const char *rule, *self; /* the container asking, whose old rules do not count */
};

static int port_taken(struct container *c, void *arg)
{
	const struct port_use *u = arg;
	return strcmp(c->id, u->self) && in_rules(json_object_get(c->state, "ports"), u->rule);
}

int net_setup(struct container *c, const struct run_opts *o, char *err)
{
	if (strcmp(o->net, "bridge"))
		return 0;
	if (mkdir_p(conf.run, 0700) < 0 || bridge_ready(err) < 0)
		return -1;
	container_each(sweep_stale, NULL);
	struct used u = { 0 };
	container_each(mark, &u);
	int host = 2;
	while (host < 255 && u.taken[host])
		host++;
	if (host == 255) {
		snprintf(err, ERRLEN, "no free address on %s (172.17.0.2-254)", BRIDGE);
		return -1;
	}
	struct in_addr ip = { htonl(0xac110000 | (unsigned)host) };
	char ips[32], ns[400], veth[16];
	inet_ntop(AF_INET, &ip, ips, sizeof ips);
	snprintf(ns, sizeof ns, "%s/netns", conf.run);
	mkdir_p(ns, 0700);
	snprintf(ns, sizeof ns, "%s/netns/%.12s", conf.run, c->id);
	snprintf(veth, sizeof veth, "vd%.8s", c->id);
	json_object_set_new(c->state, "ip", json_string(ips));
	json_object_set_new(c->state, "netns", json_string(ns));
	json_object_set_new(c->state, "veth", json_string(veth));
	if (netns_new(ns, err) < 0)
		return -1;
	int nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	int rc = nsfd < 0 || nl_veth_add(veth, "eth0", nsfd, err, ERRLEN) < 0 ||
		 nl_link_set(veth, 1, BRIDGE, err, ERRLEN) < 0 || in_netns(nsfd, configure, &ip, err) < 0 ? -1 : 0;
	if (nsfd >= 0)
		close(nsfd);
	if (rc < 0 || o->ports.n == 0)
		return rc;
	/* Every -p checked before any is recorded as this container's: the
	 * teardown of a failed run removes only what it recorded. */
	json_t *rules = json_array();
	char rule[96];
	for (size_t i = 0; i < o->ports.n; i++) {
		if (port_rule(o->ports.v[i], ips, rule, sizeof rule, err) < 0) {
			json_decref(rules);
			return -1;
		}
		if (in_rules(rules, rule)) {
			snprintf(err, ERRLEN, "-p %s: that port is given twice", o->ports.v[i]);
			json_decref(rules);
			return -1;
		}
		if (container_each(port_taken, &(struct port_use){ rule, c->id }) > 0) {
			snprintf(err, ERRLEN, "-p %s: that port is already published by another container",
				 o->ports.v[i]);
			json_decref(rules);
			return -1;
		}
		json_array_append_new(rules, json_string(rule));
	}
	if (fw_ports(rules, true, err) < 0) {
		json_decref(rules);
		return -1;
	}
	json_object_set_new(c->state, "ports", rules);
	return 0;
}

int net_hosts(struct container *c, char *err)
{
	const char *ip = json_string_value(json_object_get(c->state, "ip"));
	const char *host = json_string_value(json_object_get(c->state, "hostname")) ?: "";
	char text[256];
	snprintf(text, sizeof text, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s%s%s%s",
		 ip ? ip : "", ip ? "\t" : "", ip ? host : "", ip ? "\n" : "");
	return container_write(c, "hosts", text, err);
}

int net_resolv_conf(struct container *c, const struct run_opts *o, char *err)
{
	char text[4096] = "";
	if (strcmp(o->net, "none")) {
		FILE *f = fopen("/etc/resolv.conf", "re");
		size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
		text[n] = '\0';
		if (f)
			fclose(f);
	}
	return container_write(c, "resolv.conf", text, err);
}

void net_teardown(struct container *c)
{
	char err[ERRLEN];
	json_t *rules = json_object_get(c->state, "ports");
	if (json_array_size(rules)) {
		fw_ports(rules, false, err);
		json_object_del(c->state, "ports");
	}
	const char *veth = json_string_value(json_object_get(c->state, "veth"));
	if (veth)
		nl_link_del(veth, err, sizeof err);
	const char *ns = json_string_value(json_object_get(c->state, "netns"));
	if (ns) {
		umount2(ns, MNT_DETACH);
		unlink(ns);
	}
}
