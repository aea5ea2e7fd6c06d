/* fleetctl: the cluster's units from any node (docs/fleet.md), as CoreOS's
 * fleetctl: submit, load, start, stop, unload, destroy, restart, cat, status,
 * journal, list-units, list-unit-files, list-machines. It talks to etcd only:
 * desired states in, the agents' published states out. */
#ifndef BERTH_FLEETCTL_H
#define BERTH_FLEETCTL_H

#include <stdbool.h>

#include "../lib/etcd.h"
#include "../lib/msg.h"
#include "../lib/strv.h"

struct ctl {
	struct etcd *etcd;
	char prefix[128];
	bool no_block;
	bool full;           /* -l: whole machine IDs and hashes */
	bool no_legend;
	const char *fields;  /* --fields, or NULL */
	int wait_s;          /* how long start/stop/load/unload wait (0: forever) */
	int lines;           /* journal --lines */
	bool follow;         /* journal -f */
};

const char *ctl_key(const struct ctl *c, char *out, size_t len, const char *a, const char *b, const char *d);

/* units.c */
int cmd_submit(struct ctl *c, int argc, char **argv);
int cmd_load(struct ctl *c, int argc, char **argv);
int cmd_start(struct ctl *c, int argc, char **argv);
int cmd_stop(struct ctl *c, int argc, char **argv);
int cmd_unload(struct ctl *c, int argc, char **argv);
int cmd_destroy(struct ctl *c, int argc, char **argv);
int cmd_restart(struct ctl *c, int argc, char **argv);
int cmd_cat(struct ctl *c, int argc, char **argv);

/* list.c */
int cmd_list_units(struct ctl *c, int argc, char **argv);
int cmd_list_unit_files(struct ctl *c, int argc, char **argv);
int cmd_list_machines(struct ctl *c, int argc, char **argv);
/* "ID.../IP" (or the whole ID with -l) of machine ID, for messages. */
void machine_label(struct ctl *c, const char *id, char *out, size_t len);

/* remote.c: through the agent of the unit's machine. */
int cmd_status(struct ctl *c, int argc, char **argv);
int cmd_journal(struct ctl *c, int argc, char **argv);

#endif
