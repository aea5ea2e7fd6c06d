/* A hash table from strings to pointers: open addressing with linear probing,
 * kept at most half full, deletion by backward shift (no tombstones), so
 * lookups stay O(1) however many entries come and go. */
#ifndef BERTH_STRMAP_H
#define BERTH_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key; /* borrowed: must live as long as its entry; NULL if free */
	void *value;
	uint32_t hash;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, n; /* cap is 0 or a power of two */
};

void *strmap_get(const struct strmap *m, const char *key);
/* Adds or replaces KEY's value; -1 if out of memory. */
int strmap_put(struct strmap *m, const char *key, void *value);
/* Removes KEY; returns its value, or NULL if it had none. */
void *strmap_del(struct strmap *m, const char *key);
void strmap_free(struct strmap *m);

#endif
