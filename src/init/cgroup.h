/* One cgroup (v2) per service, /sys/fs/cgroup/system/UNIT: its processes stay
 * together whatever they fork, its limits (MemoryMax=, CPUWeight=, IOWeight=,
 * IO*BandwidthMax=, TasksMax=) apply to all of them, and stopping it stops
 * them all. Without cgroup2 at /sys/fs/cgroup (a cgroup v1 host, in tests)
 * services run without, and these calls do nothing. */
#ifndef BERTH_CGROUP_H
#define BERTH_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/unit.h"

/* Turns cgroups on if the system has cgroup2 with controllers to give. */
bool cgroup_init(void);
/* Makes U's cgroup and writes its limits; -1 with ERR if a limit is invalid
 * (its setting named) or cannot be set. */
int cgroup_prepare(const struct unit *u, char *err, size_t errlen);
/* In a child, before exec: into U's cgroup. */
int cgroup_enter(const char *unit);
/* SIG to every process in U's cgroup and below; true if there was one. */
bool cgroup_signal(const char *unit, int sig);
/* Has U's cgroup any process left? */
bool cgroup_populated(const char *unit);
/* SIGKILL to every process in U's cgroup and whatever they fork meanwhile. */
void cgroup_kill(const char *unit);

#endif
