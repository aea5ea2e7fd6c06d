/* Which units a goal pulls in, and in what order they start.
 *   pulled in: the goal, what it Requires=, Wants= or BindsTo= (with what the
 *              TARGET.wants/ links of enabled units add, unitdirs.h),
 *              transitively; names with no loaded unit are skipped. [Install]
 *              WantedBy= pulls in nothing by itself: it says where enabling
 *              links the unit, as in systemd.
 *   order:     After=/Before= between the pulled-in units, and a target after
 *              what it wants or requires (systemd's default dependencies)
 *              unless that is ordered after it; otherwise by name, so a boot
 *              is the same every time. A cycle is an error naming it. */
#ifndef BERTH_DEPGRAPH_H
#define BERTH_DEPGRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "unit.h"

/* Marks IN[i] for each unit GOAL pulls in. UNITS must be sorted by name. */
void dep_closure(const struct unit *units, size_t n, size_t goal, bool *in);

/* Writes the start order of the marked units to ORDER (indexes; room for N) and
 * returns how many; -1 on a cycle, described in CYCLE ("a -> b -> a"). */
int dep_order(const struct unit *units, size_t n, const bool *in, size_t *order, char *cycle, size_t cyclelen);

/* Does A start after B (the order's rule above)? */
bool dep_after(const struct unit *a, const struct unit *b);

/* The index of unit NAME, or -1. UNITS must be sorted by name. */
long dep_find(const struct unit *units, size_t n, const char *name);

#endif
