/* rtnetlink requests: see netlink.h. One request per socket, acknowledged. */
#include "netlink.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct req {
	struct nlmsghdr h;
	union {
		struct ifinfomsg i;
		struct ifaddrmsg a;
		struct rtmsg r;
	};
	char buf[1024];
};

static struct rtattr *tail(struct req *q)
{
	return (struct rtattr *)((char *)q + NLMSG_ALIGN(q->h.nlmsg_len));
}

static struct rtattr *attr(struct req *q, int type, const void *data, size_t len)
{
	struct rtattr *a = tail(q);
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	q->h.nlmsg_len = NLMSG_ALIGN(q->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void close_nest(struct req *q, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)tail(q) - (char *)a);
}

static void init(struct req *q, int type, int flags, size_t body)
{
	memset(q, 0, sizeof *q);
	q->h.nlmsg_len = (unsigned)NLMSG_LENGTH(body);
	q->h.nlmsg_type = (unsigned short)type;
	q->h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
}

static int talk(struct req *q, const char *what, int ok_errno, char *err, size_t errlen)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(err, errlen, "%s: netlink: %s", what, strerror(errno));
		return -1;
	}
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char ans[4096];
	int rc = -1;
	if (sendto(fd, q, q->h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
		snprintf(err, errlen, "%s: %s", what, strerror(errno));
		goto out;
	}
	ssize_t n = recv(fd, ans, sizeof ans, 0);
	struct nlmsghdr *h = (struct nlmsghdr *)ans;
	if (n < (ssize_t)sizeof *h || h->nlmsg_type != NLMSG_ERROR) {
		snprintf(err, errlen, "%s: no answer from the kernel", what);
		goto out;
	}
	int e = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
	if (e == 0 || e == ok_errno)
		rc = 0;
	else
		snprintf(err, errlen, "%s: %s", what, strerror(e));
out:
	close(fd);
	return rc;
}

int nl_bridge_add(const char *name, char *err, size_t errlen)
{
	struct req q;
	init(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	attr(&q, IFLA_IFNAME, name, strlen(name) + 1);
	struct rtattr *li = attr(&q, IFLA_LINKINFO, NULL, 0);
	attr(&q, IFLA_INFO_KIND, "bridge", 6);
	close_nest(&q, li);
	char what[64];
	snprintf(what, sizeof what, "bridge %s", name);
	return talk(&q, what, EEXIST, err, errlen);
}

int nl_veth_add(const char *host, const char *peer, int netns_fd, char *err, size_t errlen)
{
	struct req q;
	init(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	attr(&q, IFLA_IFNAME, host, strlen(host) + 1);
	struct rtattr *li = attr(&q, IFLA_LINKINFO, NULL, 0);
	attr(&q, IFLA_INFO_KIND, "veth", 4);
	struct rtattr *data = attr(&q, IFLA_INFO_DATA, NULL, 0);
	/* The peer: an ifinfomsg, then its own attributes. */
	struct rtattr *p = attr(&q, VETH_INFO_PEER, NULL, 0);
	q.h.nlmsg_len += sizeof(struct ifinfomsg);
	memset(RTA_DATA(p), 0, sizeof(struct ifinfomsg));
	attr(&q, IFLA_IFNAME, peer, strlen(peer) + 1);
	attr(&q, IFLA_NET_NS_FD, &netns_fd, sizeof netns_fd);
	close_nest(&q, p);
	close_nest(&q, data);
	close_nest(&q, li);
	char what[64];
	snprintf(what, sizeof what, "veth %s", host);
	return talk(&q, what, 0, err, errlen);
}

int nl_link_del(const char *name, char *err, size_t errlen)
{
	struct req q;
	init(&q, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
	attr(&q, IFLA_IFNAME, name, strlen(name) + 1);
	return talk(&q, name, ENODEV, err, errlen);
}

int nl_link_set(const char *name, int up, const char *master, char *err, size_t errlen)
{
	struct req q;
	init(&q, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	q.i.ifi_index = (int)if_nametoindex(name);
	if (!q.i.ifi_index) {
		snprintf(err, errlen, "%s: no such link", name);
		return -1;
	}
	q.i.ifi_change = IFF_UP;
	q.i.ifi_flags = up ? IFF_UP : 0;
	if (master) {
		unsigned m = if_nametoindex(master);
		if (!m) {
			snprintf(err, errlen, "%s: no such link", master);
			return -1;
		}
		attr(&q, IFLA_MASTER, &m, sizeof m);
	}
	return talk(&q, name, 0, err, errlen);
}

static int addr(int type, int flags, const char *name, struct in_addr a, int prefix, int ok_errno, char *err,
		size_t errlen)
{
	struct req q;
	init(&q, type, flags, sizeof(struct ifaddrmsg));
	q.a.ifa_family = AF_INET;
	q.a.ifa_prefixlen = (unsigned char)prefix;
	q.a.ifa_index = if_nametoindex(name);
	if (!q.a.ifa_index) {
		snprintf(err, errlen, "%s: no such link", name);
		return -1;
	}
	attr(&q, IFA_LOCAL, &a, sizeof a);
	attr(&q, IFA_ADDRESS, &a, sizeof a);
	return talk(&q, name, ok_errno, err, errlen);
}

int nl_addr_add(const char *name, struct in_addr a, int prefix, char *err, size_t errlen)
{
	return addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, name, a, prefix, EEXIST, err, errlen);
}

int nl_addr_del(const char *name, struct in_addr a, int prefix, char *err, size_t errlen)
{
	return addr(RTM_DELADDR, 0, name, a, prefix, EADDRNOTAVAIL, err, errlen);
}

int nl_route_default(struct in_addr gw, char *err, size_t errlen)
{
	struct req q;
	init(&q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct rtmsg));
	q.r.rtm_family = AF_INET;
	q.r.rtm_table = RT_TABLE_MAIN;
	q.r.rtm_protocol = RTPROT_BOOT;
	q.r.rtm_scope = RT_SCOPE_UNIVERSE;
	q.r.rtm_type = RTN_UNICAST;
	attr(&q, RTA_GATEWAY, &gw, sizeof gw);
	return talk(&q, "default route", EEXIST, err, errlen);
}
