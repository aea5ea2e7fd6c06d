/* The fleet engine's placement decision: see fleetsched.h. */
#include "fleetsched.h"
#include "fleetsched-impl.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why a unit does not fit a machine, in the order reasons are reported. */
enum misfit { FIT, F_MACHINE_ID, F_METADATA, F_MACHINE_OF, F_CONFLICTS, F_REPLACED, F_KINDS };
static const char *const misfit_names[F_KINDS] = {
	"", "MachineID", "MachineMetadata", "MachineOf", "Conflicts", "Replaces",
};

static void say(char *buf, size_t len, const char *fmt, ...)
{
	if (!buf || !len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static int glob_any(const struct strv *globs, const char *name, const char **which)
{
	for (size_t i = 0; i < globs->n; i++)
		if (!fnmatch(globs->v[i], name, 0)) {
			if (which)
				*which = globs->v[i];
			return 1;
		}
	return 0;
}

static int has_wildcard(const struct strv *globs)
{
	for (size_t i = 0; i < globs->n; i++)
		if (strpbrk(globs->v[i], "*?[\\"))
			return 1;
	return 0;
}

static int in_plist(const struct fs_plist *l, const struct fs_unit *u)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == u)
			return 1;
	return 0;
}

/* Unit U, scheduled on M, as the candidate NAME (options O) sees it: to be
 * replaced (added to REPLACED), in conflict, or neither. As fleet, a pair
 * that replace each other is ignored. */
static int judge(const struct fs_unit *u, const struct fs_machine *m, const char *name,
			 const struct fleetunit_opts *o, struct fs_plist *replaced, char *why, size_t whylen)
{
	const char *glob;
	if (glob_any(&o->replaces, u->name, NULL) && !glob_any(&u->o.replaces, name, NULL)) {
		if (!in_plist(replaced, u) && fs_plist_add(replaced, (struct fs_unit *)u, -1) < 0)
			return -1;
		return FIT;
	}
	if (glob_any(&o->conflicts, u->name, &glob)) {
		say(why, whylen, "%s on %s matches Conflicts=%s", u->name, m->id, glob);
		return F_CONFLICTS;
	}
	return FIT;
}

/* Whether NAME (options O; SELF if it is the scheduled unit itself) fits M:
 * FIT, or the first constraint it fails, with WHY. Units that it would
 * replace there are put in REPLACED. -1 if out of memory. */
static int check(const struct fleetsched *s, const struct fs_machine *m, const char *name,
		 const struct fleetunit_opts *o, const struct fs_unit *self, struct fs_plist *replaced, char *why,
		 size_t whylen)
{
	replaced->n = 0;
	if (o->machine_id && strcmp(o->machine_id, m->id)) {
		say(why, whylen, "%s is not MachineID %s", m->id, o->machine_id);
		return F_MACHINE_ID;
	}
	const char *key;
	if (!fleetmeta_satisfies(&m->meta, &o->metadata, &key)) {
		say(why, whylen, "%s lacks MachineMetadata %s", m->id, key);
		return F_METADATA;
	}
	for (size_t i = 0; i < o->machine_of.n; i++) {
		const struct fs_unit *peer = strmap_get(&s->units, o->machine_of.v[i]);
		if (!peer || peer->m != m) {
			say(why, whylen, "MachineOf unit %s is not on %s", o->machine_of.v[i], m->id);
			return F_MACHINE_OF;
		}
	}
	/* Its own globs against the units here: literal names are looked up, a
	 * wildcard means reading the machine's unit list. */
	if (has_wildcard(&o->conflicts) || has_wildcard(&o->replaces)) {
		for (size_t i = 0; i < m->units.n; i++) {
			if (m->units.v[i] == self)
				continue;
			int r = judge(m->units.v[i], m, name, o, replaced, why, whylen);
			if (r != FIT)
				return r;
		}
	} else {
		const struct strv *lists[2] = { &o->replaces, &o->conflicts };
		for (int l = 0; l < 2; l++)
			for (size_t i = 0; i < lists[l]->n; i++) {
				const struct fs_unit *u = strmap_get(&s->units, lists[l]->v[i]);
				if (!u || u->m != m || u == self)
					continue;
				int r = judge(u, m, name, o, replaced, why, whylen);
				if (r != FIT)
					return r;
			}
	}
	/* The globs of the units here against its name. */
	for (size_t i = 0; i < m->watchers.n; i++) {
		const struct fs_unit *w = m->watchers.v[i];
		const char *glob;
		if (w == self || in_plist(replaced, w))
			continue;
		if (glob_any(&w->o.conflicts, name, &glob)) {
			say(why, whylen, "%s on %s has Conflicts=%s", w->name, m->id, glob);
			return F_CONFLICTS;
		}
		if (glob_any(&w->o.replaces, name, &glob) && !glob_any(&o->replaces, w->name, NULL)) {
			say(why, whylen, "%s on %s has Replaces=%s", w->name, m->id, glob);
			return F_REPLACED;
		}
	}
	return FIT;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_strv(struct strv *v)
{
	if (v->n > 1)
		qsort(v->v, v->n, sizeof *v->v, cmp_str);
}

/* What failed where, for the reason of a unit that fits nowhere: per kind of
 * misfit, how many machines and the one with the smallest ID. */
struct tally {
	size_t count[F_KINDS];
	const char *first_id[F_KINDS];
	char first_why[F_KINDS][160];
};

static void tally_add(struct tally *t, int kind, const char *id, const char *why)
{
	t->count[kind]++;
	if (!t->first_id[kind] || strcmp(id, t->first_id[kind]) < 0) {
		t->first_id[kind] = id;
		snprintf(t->first_why[kind], sizeof t->first_why[kind], "%s", why);
	}
}

static void tally_reason(const struct tally *t, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "no machine fits:");
	const char *sep = " ";
	for (int k = 1; k < F_KINDS && n < len; k++) {
		if (!t->count[k])
			continue;
		n += (size_t)snprintf(out + n, len - n, "%s%s on %zu machine%s (%s)", sep, misfit_names[k],
				      t->count[k], t->count[k] == 1 ? "" : "s", t->first_why[k]);
		sep = "; ";
	}
}

int fleetsched_place(const struct fleetsched *s, const char *name, const struct fleetunit_opts *o,
		     struct fleetsched_result *r)
{
	memset(r, 0, sizeof *r);
	enum fleetunit_kind kind;
	const struct fs_unit *me = strmap_get(&s->units, name);
	const struct fs_machine *only = NULL; /* the one candidate, if the options name it */
	if (fleetunit_name_check(name, &kind, r->reason, sizeof r->reason) < 0)
		return 1;
	if (kind == FLEETUNIT_TEMPLATE) {
		say(r->reason, sizeof r->reason, "%s is a template: only its instances are scheduled", name);
		return 1;
	}
	if (o->global) {
		say(r->reason, sizeof r->reason, "%s is global: every fitting machine runs it", name);
		return 1;
	}
	if (me) {
		say(r->reason, sizeof r->reason, "%s is already scheduled on %s", name, me->m->id);
		return 1;
	}
	if (!s->n) {
		say(r->reason, sizeof r->reason, "no machines in the cluster");
		return 1;
	}
	if (o->machine_id && !(only = strmap_get(&s->machines, o->machine_id))) {
		say(r->reason, sizeof r->reason, "MachineID %s is not a machine in the cluster", o->machine_id);
		return 1;
	}
	if (!only && o->machine_of.n) {
		const struct fs_unit *peer = strmap_get(&s->units, o->machine_of.v[0]);
		if (!peer) {
			say(r->reason, sizeof r->reason, "MachineOf unit %s is not scheduled", o->machine_of.v[0]);
			return 1;
		}
		only = peer->m;
	}

	struct fs_plist replaced = { 0 }, best_replaced = { 0 };
	struct tally t = { 0 };
	const struct fs_machine *best = NULL;
	size_t best_load = 0;
	char why[160];
	int rc = 0;
	for (size_t i = 0, n = only ? 1 : s->n; i < n; i++) {
		const struct fs_machine *m = only ? only : s->v[i];
		int fit = check(s, m, name, o, NULL, &replaced, why, sizeof why);
		if (fit < 0) {
			rc = -1;
			break;
		}
		if (fit != FIT) {
			tally_add(&t, fit, m->id, why);
			continue;
		}
		size_t load = m->units.n - replaced.n;
		if (!best || load < best_load || (load == best_load && strcmp(m->id, best->id) < 0)) {
			best = m;
			best_load = load;
			struct fs_plist tmp = best_replaced; /* keep the winner's list: swap buffers */
			best_replaced = replaced;
			replaced = tmp;
		}
	}
	if (!rc && best) {
		r->machine = best->id;
		for (size_t i = 0; i < best_replaced.n && !rc; i++)
			rc = strv_add(&r->unschedule, best_replaced.v[i]->name);
		sort_strv(&r->unschedule);
	} else if (!rc) {
		tally_reason(&t, r->reason, sizeof r->reason);
		rc = 1;
	}
	free(replaced.v);
	free(best_replaced.v);
	return rc;
}

void fleetsched_result_free(struct fleetsched_result *r)
{
	strv_clear(&r->unschedule);
	memset(r, 0, sizeof *r);
}

int fleetsched_global_fits(const struct fleetsched *s, const char *id, const struct fleetunit_opts *o,
			   char *why, size_t whylen)
{
	const struct fs_machine *m = strmap_get(&s->machines, id);
	const char *key;
	if (!m)
		return -1;
	if (o->machine_id && strcmp(o->machine_id, m->id)) {
		say(why, whylen, "%s is not MachineID %s", m->id, o->machine_id);
		return 0;
	}
	if (!fleetmeta_satisfies(&m->meta, &o->metadata, &key)) {
		say(why, whylen, "%s lacks MachineMetadata %s", m->id, key);
		return 0;
	}
	return 1;
}

int fleetsched_still_fits(const struct fleetsched *s, const char *name, char *why, size_t whylen)
{
	const struct fs_unit *u = strmap_get(&s->units, name);
	if (!u)
		return -1;
	struct fs_plist replaced = { 0 };
	int fit = check(s, u->m, name, &u->o, u, &replaced, why, whylen);
	free(replaced.v);
	return fit == FIT ? 1 : fit < 0 ? -1 : 0;
}

const char *fleetsched_where(const struct fleetsched *s, const char *name)
{
	const struct fs_unit *u = strmap_get(&s->units, name);
	return u ? u->m->id : NULL;
}

long fleetsched_load(const struct fleetsched *s, const char *id)
{
	const struct fs_machine *m = strmap_get(&s->machines, id);
	return m ? (long)m->units.n : -1;
}

size_t fleetsched_machines(const struct fleetsched *s)
{
	return s->n;
}
