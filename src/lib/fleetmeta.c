/* Metadata sets: see fleetmeta.h. Insertion keeps the array sorted: sets are
 * small (a machine's few labels, a unit's few constraints). */
#include "fleetmeta.h"

#include <stdlib.h>
#include <string.h>

static int cmp(const char *k1, const char *v1, const char *k2, const char *v2)
{
	int c = strcmp(k1, k2);
	return c ? c : strcmp(v1, v2);
}

/* The index of the first entry not less than (KEY, VALUE). */
static size_t lower(const struct fleetmeta *m, const char *key, const char *value)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp(m->v[mid].key, m->v[mid].value, key, value) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int fleetmeta_has(const struct fleetmeta *m, const char *key, const char *value)
{
	size_t i = lower(m, key, value);
	return i < m->n && !cmp(m->v[i].key, m->v[i].value, key, value);
}

int fleetmeta_add(struct fleetmeta *m, const char *word)
{
	const char *eq = strchr(word, '=');
	if (!eq || eq == word || !eq[1] || strchr(eq + 1, '='))
		return -1;
	char *key = strndup(word, (size_t)(eq - word)), *value = strdup(eq + 1);
	struct fleetmeta_kv *v = key && value ? realloc(m->v, (m->n + 1) * sizeof *v) : NULL;
	if (!v) {
		free(key);
		free(value);
		return -2;
	}
	m->v = v;
	size_t i = lower(m, key, value);
	if (i < m->n && !cmp(v[i].key, v[i].value, key, value)) {
		free(key);
		free(value);
		return 0;
	}
	memmove(v + i + 1, v + i, (m->n - i) * sizeof *v);
	v[i] = (struct fleetmeta_kv){ key, value };
	m->n++;
	return 0;
}

int fleetmeta_satisfies(const struct fleetmeta *have, const struct fleetmeta *want, const char **unmet)
{
	for (size_t i = 0; i < want->n;) {
		const char *key = want->v[i].key;
		int ok = 0;
		for (; i < want->n && !strcmp(want->v[i].key, key); i++)
			ok = ok || fleetmeta_has(have, key, want->v[i].value);
		if (!ok) {
			if (unmet)
				*unmet = key;
			return 0;
		}
	}
	return 1;
}

int fleetmeta_copy(struct fleetmeta *dst, const struct fleetmeta *src)
{
	memset(dst, 0, sizeof *dst);
	if (!src->n)
		return 0;
	if (!(dst->v = calloc(src->n, sizeof *dst->v)))
		return -1;
	for (; dst->n < src->n; dst->n++) {
		struct fleetmeta_kv *d = &dst->v[dst->n];
		d->key = strdup(src->v[dst->n].key);
		d->value = strdup(src->v[dst->n].value);
		if (!d->key || !d->value) {
			dst->n++;
			fleetmeta_clear(dst);
			return -1;
		}
	}
	return 0;
}

void fleetmeta_clear(struct fleetmeta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
