/* Finding and loading units from the unit directories, later directories
 * overriding earlier ones (a file of the same name replaces the unit whole; a
 * link to /dev/null masks it):
 *   /usr/lib/berth/units  (the image)  /etc/berth/units  (the admin)
 *   /run/berth/units      (runtime: the cluster scheduler)
 * A template "name@.service" provides "name@INSTANCE.service" for any instance
 * asked for, with %i set to it, unless a file of the instance's own name exists. */
#ifndef BERTH_UNITDIRS_H
#define BERTH_UNITDIRS_H

#include <stddef.h>

#include "unit.h"

struct unit_set {
	struct unit *units; /* sorted by name */
	size_t n, cap;
};

/* Loads every unit file in DIRS (NDIRS of them, lowest priority first), then the
 * template instances named by their dependencies. Missing directories are fine.
 * Returns 0, or -1 if out of memory. Problems with files are in each unit's
 * diagnostics; a file that cannot be read becomes a unit with an error. */
int unitdirs_load(struct unit_set *set, const char *const *dirs, size_t ndirs,
		  const char *hostname, const char *machine_id);
/* The unit NAME, loading it from a template if need be; NULL if there is none. */
struct unit *unitdirs_get(struct unit_set *set, const char *const *dirs, size_t ndirs,
			  const char *name, const char *hostname, const char *machine_id);
/* Moves U (zeroed after) into SET, in its place by name; -1 if out of memory. */
int unit_set_insert(struct unit_set *set, struct unit *u);
void unit_set_free(struct unit_set *set);

#endif
