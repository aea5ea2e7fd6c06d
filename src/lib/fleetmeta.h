/* Sets of key=value metadata, as fleet machines carry them and as units ask
 * for them (MachineMetadata). Kept sorted by key, then value, without
 * duplicates, so one key's values are adjacent and lookups are binary. */
#ifndef BERTH_FLEETMETA_H
#define BERTH_FLEETMETA_H

#include <stddef.h>

struct fleetmeta_kv {
	char *key, *value;
};

struct fleetmeta {
	struct fleetmeta_kv *v;
	size_t n;
};

/* Adds WORD, "key=value" with neither part empty and one '=' (as fleet splits
 * it). 0 if added or already there, -1 if WORD is not such a word, -2 if out of
 * memory. */
int fleetmeta_add(struct fleetmeta *m, const char *word);
int fleetmeta_has(const struct fleetmeta *m, const char *key, const char *value);
/* Whether HAVE satisfies WANT: for every key of WANT, HAVE holds one of that
 * key's values (same key = OR, different keys = AND). If not, *UNMET (if not
 * NULL) is the first key of WANT that HAVE does not satisfy. */
int fleetmeta_satisfies(const struct fleetmeta *have, const struct fleetmeta *want, const char **unmet);
int fleetmeta_copy(struct fleetmeta *dst, const struct fleetmeta *src); /* -1 if out of memory */
void fleetmeta_clear(struct fleetmeta *m);

#endif
