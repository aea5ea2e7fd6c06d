/* Container networking (docs/dock.md): --net host shares the node's network;
 * --net none gives the container only its loopback. */
#ifndef DOCK_NET_H
#define DOCK_NET_H

#include "dock.h"

/* Before the bundle is written: records in C's state what the spec needs. */
int net_setup(struct container *c, const struct run_opts *o, char *err);
/* The container's /etc/hosts: localhost, and its address under its host name. */
int net_hosts(struct container *c, char *err);
/* The container's /etc/resolv.conf: the node's servers. */
int net_resolv_conf(struct container *c, const struct run_opts *o, char *err);
/* After the container stopped. */
void net_teardown(struct container *c);

#endif
