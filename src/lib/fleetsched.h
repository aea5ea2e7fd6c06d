/* The fleet engine's placement decision, pure and deterministic: which machine
 * a unit goes to, given the machines (ID, metadata) and the units already
 * scheduled on each. fleetd keeps one struct fleetsched in memory and updates
 * it as machines and units come and go; nothing is ever recomputed wholesale.
 *
 * A unit fits a machine when (as fleet's AgentState.AbleToRun):
 *   MachineID   is the machine's full ID;
 *   MachineOf   units are all scheduled there (a MachineOf unit scheduled
 *               nowhere: the unit cannot be placed yet);
 *   MachineMetadata is met: one of the values of each key;
 *   Conflicts   none of its globs matches a unit scheduled there, and no unit
 *               scheduled there has a Conflicts glob matching its name;
 * and units its Replaces globs match do not count against it there: they are
 * to be unscheduled (and placed again elsewhere) if it goes there. A unit
 * there whose Replaces matches it keeps it away; two units that replace each
 * other are ignored, as fleet did.
 * Of the machines it fits, the least loaded wins: the fewest scheduled units
 * (replaced ones not counted), ties to the smallest machine ID.
 *
 * Cost, M machines, U_m units on machine m, P the unit's patterns:
 *   add/remove machine, schedule/unschedule unit, lookups: O(1) expected
 *     (hash tables by machine ID and unit name; per-machine lists with
 *     swap-removal), plus O(U_m) to unschedule the units of a removed machine;
 *   fleetsched_place: MachineID and MachineOf name their one candidate: O(1)
 *     candidates; otherwise one pass over the M machines. Per machine: the
 *     metadata check, O(k log n); each Conflicts/Replaces glob without
 *     wildcards is a hash lookup, a glob with them scans the U_m units; the
 *     machine's units that declare Conflicts (usually few) are matched
 *     against the name. Worst case O(M + sum of U_m * P) = O(M + units * P);
 *     for units without Conflicts or Replaces, O(M).
 * Global units are not placed: each machine runs them if
 * fleetsched_global_fits. */
#ifndef BERTH_FLEETSCHED_H
#define BERTH_FLEETSCHED_H

#include <stddef.h>

#include "fleetunit.h"
#include "strv.h"

struct fleetsched; /* opaque */

struct fleetsched *fleetsched_new(void);
void fleetsched_free(struct fleetsched *s);

/* Adds machine ID with METADATA ("key=value" words, N of them). -1 with ERR if
 * ID is already there, a word is not key=value, or memory ran out. */
int fleetsched_add_machine(struct fleetsched *s, const char *id, const char *const *metadata, size_t n,
			   char *err, size_t errlen);
/* Replaces machine ID's metadata. Scheduled units stay: see fleetsched_still_fits. */
int fleetsched_set_metadata(struct fleetsched *s, const char *id, const char *const *metadata, size_t n,
			    char *err, size_t errlen);
/* Removes machine ID; the units scheduled on it become unscheduled and their
 * names are added to ORPHANS (if not NULL), sorted, for the engine to place
 * them again. -1 if there is no such machine or memory ran out. */
int fleetsched_remove_machine(struct fleetsched *s, const char *id, struct strv *orphans);

/* Records unit NAME (options O, copied) as scheduled on machine ID, whether
 * fleetsched_place chose it or the engine read it from etcd. -1 with ERR if
 * there is no such machine, NAME is scheduled already, or out of memory. */
int fleetsched_schedule(struct fleetsched *s, const char *name, const struct fleetunit_opts *o, const char *id,
			char *err, size_t errlen);
/* -1 if NAME is not scheduled. */
int fleetsched_unschedule(struct fleetsched *s, const char *name);

struct fleetsched_result {
	const char *machine;    /* the chosen machine's ID (the scheduler's copy:
				 * valid until that machine is removed), or NULL */
	struct strv unschedule; /* if chosen: the units there it Replaces, sorted */
	char reason[256];       /* if not: why, naming the constraint that failed */
};

/* Chooses a machine for unit NAME with options O (not itself scheduled).
 * Changes nothing: the caller unschedules R->unschedule, then schedules NAME
 * there. 0 if a machine was chosen, 1 if none fits (R->reason), -1 if out of
 * memory. R is to be released with fleetsched_result_free either way. */
int fleetsched_place(const struct fleetsched *s, const char *name, const struct fleetunit_opts *o,
		     struct fleetsched_result *r);
void fleetsched_result_free(struct fleetsched_result *r);

/* Whether machine ID may run a Global unit with options O: its MachineID and
 * MachineMetadata alone. 1 yes, 0 no (WHY says why), -1 no such machine. */
int fleetsched_global_fits(const struct fleetsched *s, const char *id, const struct fleetunit_opts *o,
			   char *why, size_t whylen);

/* Whether scheduled unit NAME still fits its machine (after a metadata change,
 * a MachineOf unit moved, units scheduled beside it by hand): 1 yes, 0 no
 * (WHY), -1 not scheduled. fleet's reconciler made this check of every
 * scheduled unit and unscheduled the misfits (MachineOf followers follow);
 * whether to stop a running unit for it is the engine's decision. */
int fleetsched_still_fits(const struct fleetsched *s, const char *name, char *why, size_t whylen);

/* Where NAME is scheduled, or NULL; how many units machine ID has (-1 if no
 * such machine); how many machines there are. */
const char *fleetsched_where(const struct fleetsched *s, const char *name);
long fleetsched_load(const struct fleetsched *s, const char *id);
size_t fleetsched_machines(const struct fleetsched *s);

#endif
