/* The fleet scheduler's snapshot of the cluster, kept up to date one change
 * at a time: see fleetsched.h. Machines live in an array (for the placement
 * scan) and a hash table by ID; units in a hash table by name and in their
 * machine's lists; every removal is a swap with the last element. */
#include "fleetsched.h"
#include "fleetsched-impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fs_plist_add(struct fs_plist *l, struct fs_unit *u, int w)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct fs_unit **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if (w >= 0)
		u->at[w] = l->n;
	l->v[l->n++] = u;
	return 0;
}

void fs_plist_del(struct fs_plist *l, struct fs_unit *u, int w)
{
	size_t i = u->at[w];
	l->v[i] = l->v[--l->n];
	l->v[i]->at[w] = i;
	u->at[w] = SIZE_MAX;
}


struct fleetsched *fleetsched_new(void)
{
	return calloc(1, sizeof(struct fleetsched));
}

static void unit_free(struct fs_unit *u)
{
	free(u->name);
	fleetunit_opts_free(&u->o);
	free(u);
}

static void machine_free(struct fs_machine *m)
{
	free(m->id);
	fleetmeta_clear(&m->meta);
	free(m->units.v);
	free(m->watchers.v);
	free(m);
}

void fleetsched_free(struct fleetsched *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct fs_machine *m = s->v[i];
		for (size_t j = 0; j < m->units.n; j++)
			unit_free(m->units.v[j]);
		machine_free(m);
	}
	free(s->v);
	strmap_free(&s->machines);
	strmap_free(&s->units);
	free(s);
}

static int read_metadata(struct fleetmeta *meta, const char *const *words, size_t n, char *err, size_t errlen)
{
	memset(meta, 0, sizeof *meta);
	for (size_t i = 0; i < n; i++) {
		int r = fleetmeta_add(meta, words[i]);
		if (r < 0) {
			snprintf(err, errlen, r == -1 ? "metadata \"%s\" is not key=value" : "out of memory", words[i]);
			fleetmeta_clear(meta);
			return -1;
		}
	}
	return 0;
}

int fleetsched_add_machine(struct fleetsched *s, const char *id, const char *const *metadata, size_t n,
			   char *err, size_t errlen)
{
	if (!*id || strmap_get(&s->machines, id)) {
		snprintf(err, errlen, *id ? "machine %s is already there" : "empty machine ID", id);
		return -1;
	}
	struct fs_machine *m = calloc(1, sizeof *m);
	if (!m || !(m->id = strdup(id)) || read_metadata(&m->meta, metadata, n, err, errlen) < 0)
		goto fail;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct fs_machine **v = realloc(s->v, cap * sizeof *v);
		if (!v)
			goto oom;
		s->v = v;
		s->cap = cap;
	}
	if (strmap_put(&s->machines, m->id, m) < 0)
		goto oom;
	m->at = s->n;
	s->v[s->n++] = m;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	if (m && !m->id)
		snprintf(err, errlen, "out of memory");
	if (m)
		machine_free(m);
	return -1;
}

int fleetsched_set_metadata(struct fleetsched *s, const char *id, const char *const *metadata, size_t n,
			    char *err, size_t errlen)
{
	struct fs_machine *m = strmap_get(&s->machines, id);
	struct fleetmeta meta;
	if (!m) {
		snprintf(err, errlen, "no machine %s", id);
		return -1;
	}
	if (read_metadata(&meta, metadata, n, err, errlen) < 0)
		return -1;
	fleetmeta_clear(&m->meta);
	m->meta = meta;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fleetsched_remove_machine(struct fleetsched *s, const char *id, struct strv *orphans)
{
	struct fs_machine *m = strmap_get(&s->machines, id);
	if (!m)
		return -1;
	int rc = 0;
	for (size_t j = 0; j < m->units.n; j++) {
		struct fs_unit *u = m->units.v[j];
		if (orphans && strv_add(orphans, u->name) < 0)
			rc = -1; /* the machine goes all the same */
		strmap_del(&s->units, u->name);
		unit_free(u);
	}
	if (orphans && orphans->n > 1)
		qsort(orphans->v, orphans->n, sizeof *orphans->v, cmp_str);
	strmap_del(&s->machines, m->id);
	s->v[m->at] = s->v[--s->n];
	s->v[m->at]->at = m->at;
	machine_free(m);
	return rc;
}

int fleetsched_schedule(struct fleetsched *s, const char *name, const struct fleetunit_opts *o, const char *id,
			char *err, size_t errlen)
{
	struct fs_machine *m = strmap_get(&s->machines, id);
	const struct fs_unit *there = strmap_get(&s->units, name);
	if (!m || there) {
		if (there)
			snprintf(err, errlen, "%s is already scheduled on %s", name, there->m->id);
		else
			snprintf(err, errlen, "no machine %s", id);
		return -1;
	}
	struct fs_unit *u = calloc(1, sizeof *u);
	if (!u || !(u->name = strdup(name)) || fleetunit_opts_copy(&u->o, o) < 0) {
		if (u) {
			free(u->name);
			free(u);
		}
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	u->m = m;
	u->at[0] = u->at[1] = SIZE_MAX;
	int watcher = u->o.conflicts.n || u->o.replaces.n;
	if (fs_plist_add(&m->units, u, 0) < 0)
		goto oom;
	if (watcher && fs_plist_add(&m->watchers, u, 1) < 0)
		goto oom;
	if (strmap_put(&s->units, u->name, u) < 0)
		goto oom;
	return 0;
oom:
	if (u->at[1] != SIZE_MAX)
		fs_plist_del(&m->watchers, u, 1);
	if (u->at[0] != SIZE_MAX)
		fs_plist_del(&m->units, u, 0);
	unit_free(u);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int fleetsched_unschedule(struct fleetsched *s, const char *name)
{
	struct fs_unit *u = strmap_del(&s->units, name);
	if (!u)
		return -1;
	fs_plist_del(&u->m->units, u, 0);
	if (u->at[1] != SIZE_MAX)
		fs_plist_del(&u->m->watchers, u, 1);
	unit_free(u);
	return 0;
}
