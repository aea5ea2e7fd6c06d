/* String hash table: see strmap.h. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static size_t find(const struct strmap *m, const char *key, uint32_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask)
		if (!m->slots[i].key || (m->slots[i].hash == h && !strcmp(m->slots[i].key, key)))
			return i;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->n)
		return NULL;
	size_t i = find(m, key, hash(key));
	return m->slots[i].key ? m->slots[i].value : NULL;
}

static int grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct strmap_slot *old = m->slots, *s = calloc(cap, sizeof *s);
	if (!s)
		return -1;
	size_t oldcap = m->cap;
	m->slots = s;
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			m->slots[find(m, old[i].key, old[i].hash)] = old[i];
	free(old);
	return 0;
}

int strmap_put(struct strmap *m, const char *key, void *value)
{
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return -1;
	uint32_t h = hash(key);
	size_t i = find(m, key, h);
	if (!m->slots[i].key)
		m->n++;
	m->slots[i] = (struct strmap_slot){ key, value, h };
	return 0;
}

void *strmap_del(struct strmap *m, const char *key)
{
	if (!m->n)
		return NULL;
	size_t mask = m->cap - 1, i = find(m, key, hash(key));
	if (!m->slots[i].key)
		return NULL;
	void *value = m->slots[i].value;
	/* Backward shift: pull later entries of the probe run into the hole unless
	 * that would move one before its home slot. */
	for (size_t j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
		size_t home = m->slots[j].hash & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = NULL;
	m->n--;
	return value;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}
