/* Network links, addresses and routes through rtnetlink, for container
 * networking (a bridge, veth pairs with one end in another network namespace,
 * IPv4 addresses and a default route) and the provisioning agent's link-local
 * address. Each call returns 0, or -1 with ERR
 * (the kernel's answer). */
#ifndef BERTH_NETLINK_H
#define BERTH_NETLINK_H

#include <netinet/in.h>
#include <stddef.h>

int nl_bridge_add(const char *name, char *err, size_t errlen);        /* EEXIST is fine */
/* A veth pair: HOST stays here, PEER goes into the namespace NETNS_FD. */
int nl_veth_add(const char *host, const char *peer, int netns_fd, char *err, size_t errlen);
int nl_link_del(const char *name, char *err, size_t errlen);
int nl_link_set(const char *name, int up, const char *master, char *err, size_t errlen);
int nl_addr_add(const char *name, struct in_addr a, int prefix, char *err, size_t errlen); /* EEXIST is fine */
int nl_addr_del(const char *name, struct in_addr a, int prefix, char *err, size_t errlen); /* gone is fine */
int nl_route_default(struct in_addr gw, char *err, size_t errlen);

#endif
