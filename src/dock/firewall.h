/* dock's NAT and published ports, with iptables (firewall.c, docs/dock.md). */
#ifndef DOCK_FIREWALL_H
#define DOCK_FIREWALL_H

#include <stdbool.h>

#include "dock.h"

/* The chain DOCK (emptied), the jumps to it and the masquerade rule for
 * SUBNET leaving by another link than BRIDGE. */
int fw_ready(const char *bridge, const char *subnet, char *err);
/* Adds (or deletes) the DNAT rules of PORTS, strings "PROTO HOSTPORT IP:PORT",
 * all or none. */
int fw_ports(json_t *ports, bool add, char *err);

#endif
