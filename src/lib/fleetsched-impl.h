/* The insides of struct fleetsched, shared by the decision (fleetsched.c)
 * and the snapshot's upkeep (fleetsched-state.c). Not for other users. */
#ifndef BERTH_FLEETSCHED_IMPL_H
#define BERTH_FLEETSCHED_IMPL_H

#include "fleetsched.h"
#include "strmap.h"

struct fs_unit;

struct fs_plist {
	struct fs_unit **v;
	size_t n, cap;
};

struct fs_machine {
	char *id;
	struct fleetmeta meta;
	struct fs_plist units;    /* every unit scheduled here */
	struct fs_plist watchers; /* those with Conflicts or Replaces: they judge newcomers */
	size_t at;             /* index in fleetsched.v */
};

struct fs_unit {
	char *name;
	struct fleetunit_opts o;
	struct fs_machine *m;
	size_t at[2]; /* index in m->units, m->watchers (SIZE_MAX: not there) */
};

struct fleetsched {
	struct fs_machine **v;
	size_t n, cap;
	struct strmap machines; /* id -> struct fs_machine */
	struct strmap units;    /* name -> struct fs_unit */
};

/* Lists of units with O(1) removal: a unit knows its index in list W (0: its
 * machine's units, 1: its watchers; -1: a scratch list, no index kept). */
int fs_plist_add(struct fs_plist *l, struct fs_unit *u, int w);
void fs_plist_del(struct fs_plist *l, struct fs_unit *u, int w);

#endif
