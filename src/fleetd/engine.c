#define _GNU_SOURCE /* tdestroy */
/* The engine: on the one fleetd that holds engine/leader, decides where units
 * run. It reads the keyspace once when it becomes the leader, then follows
 * one watch of the prefix, and for each event does only what that event asks:
 * place a unit (src/lib/fleetsched.c), move the units of a machine that is
 * gone, assign a global unit to a machine that joined. It writes schedule/ and
 * assigned/ only, each write a transaction that holds only while this node
 * still leads (engine/leader is its machine ID), so that an engine that lost
 * its lease without knowing it cannot undo its successor's work. */
#include "fleetd.h"

#include <jansson.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/fleetsched.h"
#include "../lib/fleetunit.h"
#include "../lib/strv.h"

struct eunit {
	char *name;
	struct fleetunit *unit;  /* its file, parsed; NULL if none (or invalid) */
	char desired[12];        /* inactive, loaded, launched ("" = inactive) */
	char *machine;           /* scheduled on (non-global units) */
	char assigned[12];       /* what assigned/MACHINE/NAME says */
	struct strv global_on;   /* global units: "MACHINE=target" where assigned */
	bool pending;            /* could not be placed: tried again as machines change */
	bool in_globals;         /* in global_units */
	char why[256];           /* why not, said once */
};

static bool leading;
static void *units;             /* tsearch tree of struct eunit, by name */
static void *pending_units;     /* the same units, those with pending set */
static void *global_units;      /* and those global, or assigned as such somewhere */
static struct strv machines;    /* machine IDs, for global units */
static struct fleetsched *sched;
static struct etcd_watch *watch;
static time_t next_campaign;
static struct etcd_watch *leader_watch; /* while another leads: for its end */
static bool retry_needed;               /* something was placed or removed */
static int64_t lease_led;       /* the lease this node leads with */
static bool reread_needed;      /* a write failed: etcd may or may not have it */

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct eunit *)a)->name, ((const struct eunit *)b)->name);
}

static struct eunit *get(const char *name, bool create)
{
	struct eunit probe = { .name = (char *)name };
	void *found = tfind(&probe, &units, by_name);
	if (found || !create)
		return found ? *(struct eunit **)found : NULL;
	struct eunit *u = calloc(1, sizeof *u);
	if (!u || !(u->name = strdup(name))) {
		free(u);
		return NULL;
	}
	tsearch(u, &units, by_name);
	return u;
}

static void free_unit(void *p)
{
	struct eunit *u = p;
	if (u->unit) {
		fleetunit_free(u->unit);
		free(u->unit);
	}
	free(u->machine);
	strv_clear(&u->global_on);
	free(u->name);
	free(u);
}

/* Writes OPS in one transaction, only while this node leads. */
static int write_ops(struct fleetd *f, const struct etcd_op *ops, size_t n)
{
	char lk[512];
	key(lk, sizeof lk, f, "engine", "leader", NULL);
	struct etcd_cmp cmp = { .key = lk, .target = ETCD_CMP_VALUE, .result = ETCD_CMP_EQUAL,
				.value = f->machine_id };
	int ok = 0;
	if (etcd_txn(f->etcd, &cmp, 1, ops, n, NULL, 0, &ok, NULL) < 0) {
		/* Perhaps applied (the member died after taking it): the picture
		 * is read again from etcd rather than guessed (engine_step). */
		msg("engine: cannot write: %s", etcd_strerror(f->etcd));
		reread_needed = true;
		return -1;
	}
	if (!ok) {
		msg("engine: no longer the leader");
		leading = false;
		return -1;
	}
	return 0;
}

static const char *want_of(const struct eunit *u)
{
	if (!u->unit || u->unit->kind == FLEETUNIT_TEMPLATE)
		return NULL;
	return !strcmp(u->desired, "loaded") || !strcmp(u->desired, "launched") ? u->desired : NULL;
}

static void unschedule(struct fleetd *f, struct eunit *u, bool write)
{
	if (!u->machine)
		return;
	char sk[512], ak[512];
	struct etcd_op ops[] = {
		{ .type = ETCD_OP_DELETE, .key = key(sk, sizeof sk, f, "schedule", u->name, NULL) },
		{ .type = ETCD_OP_DELETE, .key = key(ak, sizeof ak, f, "assigned", u->machine, u->name) },
	};
	if (write && write_ops(f, ops, 2) < 0)
		return;
	fleetsched_unschedule(sched, u->name);
	msg("engine: %s: off %s", u->name, u->machine);
	retry_needed = true;
	free(u->machine);
	u->machine = NULL;
	u->assigned[0] = '\0';
}

/* Units that could not be placed, and global units, are also kept in trees
 * of their own, so that trying again, or a machine that joins, costs what
 * is pending or global, not a walk of every unit. */
static void track(void **set, struct eunit *u, bool *flag, bool in)
{
	if (in && !*flag)
		tsearch(u, set, by_name);
	else if (!in && *flag)
		tdelete(u, set, by_name);
	*flag = in;
}

static void set_pending(struct eunit *u, bool pending)
{
	track(&pending_units, u, &u->pending, pending);
}

static void track_global(struct eunit *u)
{
	track(&global_units, u, &u->in_globals, u->global_on.n || (u->unit && u->unit->opts.global));
}

/* Why U is not placed, in reasons/NAME for fleetctl start to say (WHY
 * NULL: it is placed, or no longer wanted). Written when it changes only. */
static void set_reason(struct fleetd *f, struct eunit *u, const char *why)
{
	if (why ? !strcmp(u->why, why) : !u->why[0])
		return;
	char rk[512];
	struct etcd_op op = { .type = why ? ETCD_OP_PUT : ETCD_OP_DELETE,
			      .key = key(rk, sizeof rk, f, "reasons", u->name, NULL), .value = why };
	if (why)
		msg("engine: %s: not placed: %s", u->name, why);
	snprintf(u->why, sizeof u->why, "%s", why ? why : "");
	write_ops(f, &op, 1);
}

static void reconcile(struct fleetd *f, struct eunit *u);

static void place(struct fleetd *f, struct eunit *u, const char *want)
{
	struct fleetsched_result r = { 0 };
	int got = fleetsched_place(sched, u->name, &u->unit->opts, &r);
	if (got != 0) {
		if (got > 0)
			set_reason(f, u, r.reason);
		set_pending(u, true);
		fleetsched_result_free(&r);
		return;
	}
	char machine[128];
	snprintf(machine, sizeof machine, "%s", r.machine);
	/* What it Replaces leaves that machine first, and is placed again. */
	for (size_t k = 0; k < r.unschedule.n; k++) {
		struct eunit *o = get(r.unschedule.v[k], false);
		if (o) {
			unschedule(f, o, true);
			set_pending(o, true);
		}
	}
	fleetsched_result_free(&r);
	char sk[512], ak[512], rk[512];
	/* Its reason for not being placed goes in the same transaction. */
	struct etcd_op ops[] = {
		{ .type = ETCD_OP_PUT, .key = key(sk, sizeof sk, f, "schedule", u->name, NULL), .value = machine },
		{ .type = ETCD_OP_PUT, .key = key(ak, sizeof ak, f, "assigned", machine, u->name), .value = want },
		{ .type = ETCD_OP_DELETE, .key = key(rk, sizeof rk, f, "reasons", u->name, NULL) },
	};
	char err[256];
	if (write_ops(f, ops, u->why[0] ? 3 : 2) < 0 ||
	    fleetsched_schedule(sched, u->name, &u->unit->opts, machine, err, sizeof err) < 0)
		return;
	u->machine = strdup(machine);
	snprintf(u->assigned, sizeof u->assigned, "%s", want);
	set_pending(u, false);
	u->why[0] = '\0';
	retry_needed = true;
	msg("engine: %s: %s on %s", u->name, want, machine);
}

/* A global unit on machine M: assigned as WANT there if it fits, else not. */
static void global_on(struct fleetd *f, struct eunit *u, const char *m, const char *want)
{
	char why[256], entry[160], ak[512];
	bool fits = want && fleetsched_global_fits(sched, m, &u->unit->opts, why, sizeof why) == 1;
	snprintf(entry, sizeof entry, "%s=%s", m, fits ? want : "");
	size_t ml = strlen(m), at = u->global_on.n;
	for (size_t k = 0; k < u->global_on.n; k++)
		if (!strncmp(u->global_on.v[k], m, ml) && u->global_on.v[k][ml] == '=')
			at = k;
	bool there = at < u->global_on.n;
	if (fits && there && !strcmp(u->global_on.v[at], entry))
		return;
	if (!fits && !there)
		return;
	struct etcd_op op = { .type = fits ? ETCD_OP_PUT : ETCD_OP_DELETE,
			      .key = key(ak, sizeof ak, f, "assigned", m, u->name), .value = want };
	if (write_ops(f, &op, 1) < 0)
		return;
	if (there) {
		free(u->global_on.v[at]);
		u->global_on.v[at] = u->global_on.v[--u->global_on.n];
		u->global_on.v[u->global_on.n] = NULL;
	}
	if (fits)
		strv_add(&u->global_on, entry);
	track_global(u);
}

static void reconcile(struct fleetd *f, struct eunit *u)
{
	const char *want = want_of(u);
	if (u->unit && u->unit->opts.global) {
		for (size_t k = 0; k < machines.n; k++)
			global_on(f, u, machines.v[k], want);
		return;
	}
	/* Assignments of a unit that is no longer global, or no longer wanted. */
	while (u->global_on.n) {
		char m[128];
		snprintf(m, sizeof m, "%.*s", (int)strcspn(u->global_on.v[0], "="), u->global_on.v[0]);
		global_on(f, u, m, NULL);
		if (!leading)
			return;
	}
	if (!want) {
		unschedule(f, u, true);
		set_pending(u, false);
		set_reason(f, u, NULL);
		return;
	}
	if (u->machine) {
		if (strcmp(u->assigned, want)) {
			char ak[512];
			struct etcd_op op = { .type = ETCD_OP_PUT,
					      .key = key(ak, sizeof ak, f, "assigned", u->machine, u->name), .value = want };
			if (write_ops(f, &op, 1) == 0) {
				snprintf(u->assigned, sizeof u->assigned, "%s", want);
				msg("engine: %s: %s on %s", u->name, want, u->machine);
			}
		}
		return;
	}
	place(f, u, want);
}

/* Tries the units that could not be placed (a machine joined, a unit they
 * follow was placed): a walk of those only. */
static struct strv pending_names;
static void collect_pending(const void *node, VISIT v, int depth)
{
	(void)depth;
	const struct eunit *u = *(struct eunit *const *)node;
	if ((v == postorder || v == leaf) && u->pending)
		strv_add(&pending_names, u->name);
}

static void retry_pending(struct fleetd *f)
{
	strv_clear(&pending_names);
	twalk(pending_units, collect_pending);
	for (size_t k = 0; k < pending_names.n && leading; k++) {
		struct eunit *u = get(pending_names.v[k], false);
		if (u && u->pending)
			reconcile(f, u);
	}
	strv_clear(&pending_names);
}

/* machines/ID's metadata as "k=v" words. */
static void metadata_words(const char *json, size_t len, struct strv *out)
{
	json_error_t e;
	json_t *o = json_loadb(json, len, 0, &e), *vals;
	const char *k;
	json_object_foreach(json_object_get(o, "metadata"), k, vals) {
		size_t i;
		json_t *v;
		json_array_foreach(vals, i, v) {
			char w[512];
			snprintf(w, sizeof w, "%s=%s", k, json_string_value(v) ? json_string_value(v) : "");
			strv_add(out, w);
		}
	}
	json_decref(o);
}

static bool machine_known(const char *id)
{
	return strv_contains(&machines, id);
}

static void each_global(struct fleetd *f, const char *m, bool gone);

/* The units scheduled on one machine (an O(units) walk: for metadata
 * changes, which are rare). */
static struct strv on_machine;
static const char *walk_machine;
static void collect_on_machine(const void *node, VISIT v, int depth)
{
	(void)depth;
	const struct eunit *u = *(struct eunit *const *)node;
	if ((v == postorder || v == leaf) && u->machine && !strcmp(u->machine, walk_machine))
		strv_add(&on_machine, u->name);
}

/* Machine ID's metadata changed: its units that no longer fit it move, as in
 * fleet (an administrator's act, not a failure). */
static void refit(struct fleetd *f, const char *id)
{
	strv_clear(&on_machine);
	walk_machine = id;
	twalk(units, collect_on_machine);
	for (size_t k = 0; k < on_machine.n && leading; k++) {
		struct eunit *u = get(on_machine.v[k], false);
		char why[256];
		if (!u || fleetsched_still_fits(sched, u->name, why, sizeof why) != 0)
			continue;
		msg("engine: %s no longer fits %s (%s): moving it", u->name, id, why);
		unschedule(f, u, true);
		reconcile(f, u);
	}
	strv_clear(&on_machine);
}

static void machine_put(struct fleetd *f, const char *id, const char *json, size_t len)
{
	struct strv md = { 0 };
	char err[256];
	metadata_words(json, len, &md);
	if (machine_known(id)) {
		if (fleetsched_set_metadata(sched, id, (const char *const *)md.v, md.n, err, sizeof err) == 0)
			refit(f, id);
	} else if (fleetsched_add_machine(sched, id, (const char *const *)md.v, md.n, err, sizeof err) == 0) {
		strv_add(&machines, id);
		msg("engine: machine %s joined", id);
	} else {
		msg("engine: machine %s: %s", id, err);
	}
	strv_clear(&md);
	each_global(f, id, false);
	retry_pending(f);
}

static void machine_gone(struct fleetd *f, const char *id)
{
	if (!machine_known(id))
		return;
	struct strv orphans = { 0 };
	fleetsched_remove_machine(sched, id, &orphans);
	for (size_t k = 0; k < machines.n; k++)
		if (!strcmp(machines.v[k], id)) {
			free(machines.v[k]);
			machines.v[k] = machines.v[--machines.n];
			machines.v[machines.n] = NULL;
			break;
		}
	msg("engine: machine %s is gone; %zu units to move", id, orphans.n);
	each_global(f, id, true);
	for (size_t k = 0; k < orphans.n && leading; k++) {
		struct eunit *u = get(orphans.v[k], false);
		if (!u || !u->machine)
			continue;
		/* Its schedule and assignment go with it, then it is placed anew. */
		char sk[512], ak[512];
		struct etcd_op ops[] = {
			{ .type = ETCD_OP_DELETE, .key = key(sk, sizeof sk, f, "schedule", u->name, NULL) },
			{ .type = ETCD_OP_DELETE, .key = key(ak, sizeof ak, f, "assigned", id, u->name) },
		};
		if (write_ops(f, ops, 2) < 0)
			break;
		free(u->machine);
		u->machine = NULL;
		u->assigned[0] = '\0';
		reconcile(f, u);
	}
	strv_clear(&orphans);
	retry_pending(f);
}

/* Global units on machine M, which joined (or changed) or is GONE. */
static struct strv global_names;
static void collect_global(const void *node, VISIT v, int depth)
{
	(void)depth;
	const struct eunit *u = *(struct eunit *const *)node;
	if ((v == postorder || v == leaf) && (u->global_on.n || (u->unit && u->unit->opts.global)))
		strv_add(&global_names, u->name);
}

static void each_global(struct fleetd *f, const char *m, bool gone)
{
	strv_clear(&global_names);
	twalk(global_units, collect_global);
	for (size_t k = 0; k < global_names.n && leading; k++) {
		struct eunit *u = get(global_names.v[k], false);
		if (!u)
			continue;
		if (gone) {
			size_t ml = strlen(m);
			for (size_t j = 0; j < u->global_on.n; j++)
				if (!strncmp(u->global_on.v[j], m, ml) && u->global_on.v[j][ml] == '=') {
					char ak[512];
					struct etcd_op op = { .type = ETCD_OP_DELETE,
							      .key = key(ak, sizeof ak, f, "assigned", m, u->name) };
					write_ops(f, &op, 1);
					free(u->global_on.v[j]);
					u->global_on.v[j] = u->global_on.v[--u->global_on.n];
					u->global_on.v[u->global_on.n] = NULL;
					track_global(u);
					break;
				}
		} else if (u->unit && u->unit->opts.global) {
			global_on(f, u, m, want_of(u));
		}
	}
	strv_clear(&global_names);
}

static void unit_put(struct eunit *u, const char *json, size_t len)
{
	json_error_t e;
	json_t *o = json_loadb(json, len, 0, &e);
	const char *text = json_string_value(json_object_get(o, "text"));
	struct fleetunit *parsed = calloc(1, sizeof *parsed);
	char err[256];
	if (!text || !parsed || fleetunit_parse(parsed, u->name, text, strlen(text), err, sizeof err) < 0) {
		msg("engine: %s: its unit file is not valid: %s", u->name, text ? err : "no text");
		free(parsed);
		parsed = NULL;
	}
	json_decref(o);
	if (u->unit) {
		fleetunit_free(u->unit);
		free(u->unit);
	}
	u->unit = parsed;
}

/* A destroyed unit (no file, no desired state) that is nowhere any more:
 * its record goes, so that the engine's memory follows the live units. */
static void forget_if_gone(struct eunit *u)
{
	if (u->unit || u->desired[0] || u->machine || u->global_on.n)
		return;
	set_pending(u, false);
	track_global(u);
	tdelete(u, &units, by_name);
	free_unit(u);
}

/* One key of the keyspace, as read or as a watch reports it. */
static void on_key(struct fleetd *f, const char *k, const char *value, size_t len, bool put, bool initial)
{
	const char *rel = k + strlen(f->prefix);
	char kind[32], rest[512];
	size_t kl = strcspn(rel, "/");
	if (kl >= sizeof kind || !rel[kl])
		return;
	snprintf(kind, sizeof kind, "%.*s", (int)kl, rel);
	snprintf(rest, sizeof rest, "%s", rel + kl + 1);
	if (!strcmp(kind, "machines")) {
		if (put)
			machine_put(f, rest, value, len);
		else
			machine_gone(f, rest);
	} else if (!strcmp(kind, "units") || !strcmp(kind, "desired")) {
		struct eunit *u = get(rest, put);
		if (!u)
			return;
		if (kind[0] == 'u') {
			if (put)
				unit_put(u, value, len);
			else if (u->unit) {
				fleetunit_free(u->unit);
				free(u->unit);
				u->unit = NULL;
			}
		} else {
			snprintf(u->desired, sizeof u->desired, "%.*s", put ? (int)len : 0, put ? value : "");
		}
		track_global(u);
		if (!initial) {
			reconcile(f, u);
			forget_if_gone(u);
		}
	} else if (initial && !strcmp(kind, "reasons")) {
		/* What the last engine said, so that this one clears it. */
		struct eunit *u = get(rest, true);
		if (u)
			snprintf(u->why, sizeof u->why, "%.*s", (int)len, value);
	} else if (initial && !strcmp(kind, "schedule")) {
		struct eunit *u = get(rest, true);
		if (u && !u->machine)
			u->machine = strndup(value, len);
	} else if (initial && !strcmp(kind, "assigned")) {
		/* assigned/MACHINE/NAME */
		char *slash = strchr(rest, '/');
		if (!slash)
			return;
		*slash = '\0';
		struct eunit *u = get(slash + 1, true);
		if (!u)
			return;
		if (u->machine && !strcmp(u->machine, rest))
			snprintf(u->assigned, sizeof u->assigned, "%.*s", (int)len, value);
		else {
			char entry[640];
			snprintf(entry, sizeof entry, "%s=%.*s", rest, len > 16 ? 16 : (int)len, value);
			strv_add(&u->global_on, entry);
			track_global(u);
		}
	}
}

static void no_free(void *p)
{
	(void)p; /* pending_units and global_units share units' records */
}

static void drop_state(void)
{
	tdestroy(pending_units, no_free);
	pending_units = NULL;
	tdestroy(global_units, no_free);
	global_units = NULL;
	tdestroy(units, free_unit);
	units = NULL;
	strv_clear(&machines);
	fleetsched_free(sched);
	sched = NULL;
	if (watch)
		etcd_watch_stop(watch);
	watch = NULL;
	leading = false;
}

/* The schedule as read: units on machines that exist are recorded as they
 * are (nothing moves); the rest is reconciled. */
static struct strv all_names;
static void collect_all(const void *node, VISIT v, int depth)
{
	(void)depth;
	if (v == postorder || v == leaf)
		strv_add(&all_names, (*(struct eunit *const *)node)->name);
}

static int take_over(struct fleetd *f)
{
	struct etcd_kvs kvs = { 0 };
	if (etcd_range(f->etcd, f->prefix, 1, 0, &kvs) < 0) {
		msg("engine: cannot read %s: %s", f->prefix, etcd_strerror(f->etcd));
		return -1;
	}
	sched = fleetsched_new();
	leading = true;
	/* Machines first, so that the schedule can be checked against them; the
	 * assignments last, so that each is known as a scheduled unit's or a
	 * global unit's. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t k = 0; k < kvs.n; k++) {
			const char *rel = kvs.kv[k].key + strlen(f->prefix);
			int order = !strncmp(rel, "machines/", 9) ? 0 : !strncmp(rel, "assigned/", 9) ? 2 : 1;
			if (order == pass)
				on_key(f, kvs.kv[k].key, kvs.kv[k].value, kvs.kv[k].value_len, true, true);
		}
	int64_t rev = kvs.revision;
	etcd_kvs_free(&kvs);
	strv_clear(&all_names);
	twalk(units, collect_all);
	char err[256];
	for (size_t k = 0; k < all_names.n && leading; k++) {
		struct eunit *u = get(all_names.v[k], false);
		if (u->machine && machine_known(u->machine) && u->unit && !u->unit->opts.global &&
		    fleetsched_schedule(sched, u->name, &u->unit->opts, u->machine, err, sizeof err) == 0)
			continue;
		if (u->machine) {
			/* On a machine that is gone (or a unit that changed kind). */
			char sk[512], ak[512];
			struct etcd_op ops[] = {
				{ .type = ETCD_OP_DELETE, .key = key(sk, sizeof sk, f, "schedule", u->name, NULL) },
				{ .type = ETCD_OP_DELETE, .key = key(ak, sizeof ak, f, "assigned", u->machine, u->name) },
			};
			if (write_ops(f, ops, 2) < 0)
				break;
			free(u->machine);
			u->machine = NULL;
			u->assigned[0] = '\0';
		}
	}
	for (size_t k = 0; k < all_names.n && leading; k++)
		reconcile(f, get(all_names.v[k], false));
	strv_clear(&all_names);
	if (!leading)
		return -1;
	watch = etcd_watch_start(f->etcd, f->prefix, 1, rev + 1);
	if (!watch) {
		msg("engine: cannot watch %s: %s", f->prefix, etcd_strerror(f->etcd));
		return -1;
	}
	msg("engine: leading, %zu machines", machines.n);
	return 0;
}

static void campaign(struct fleetd *f)
{
	char lk[512];
	key(lk, sizeof lk, f, "engine", "leader", NULL);
	struct etcd_cmp cmp = { .key = lk, .target = ETCD_CMP_CREATE, .result = ETCD_CMP_EQUAL, .number = 0 };
	struct etcd_op put = { .type = ETCD_OP_PUT, .key = lk, .value = f->machine_id, .lease = f->lease };
	int won = 0;
	int64_t rev = 0;
	if (etcd_txn(f->etcd, &cmp, 1, &put, 1, NULL, 0, &won, &rev) < 0) {
		next_campaign = time(NULL) + 2; /* etcd away: soon again, not in 30 s */
		return;
	}
	if (!won) {
		/* Ours already, under this lease (a restarted fleetd)? */
		struct etcd_kvs kvs = { 0 };
		if (etcd_range(f->etcd, lk, 0, 0, &kvs) == 0 && kvs.n == 1 && kvs.kv[0].lease == f->lease &&
		    !strcmp(kvs.kv[0].value, f->machine_id))
			won = 1;
		etcd_kvs_free(&kvs);
	}
	if (won) {
		reread_needed = false;
		etcd_watch_stop(leader_watch);
		leader_watch = NULL;
		lease_led = f->lease;
		if (take_over(f) < 0)
			drop_state();
	} else if (!leader_watch) {
		/* Another leads: campaign again when its key goes, not on a timer. */
		leader_watch = etcd_watch_start(f->etcd, lk, 0, rev + 1);
	}
}

static int leader_events(void *arg, const struct etcd_event *ev, size_t n, int64_t revision)
{
	(void)arg;
	(void)revision;
	for (size_t k = 0; k < n; k++)
		if (ev[k].type == ETCD_EVENT_DELETE)
			next_campaign = 0;
	return 0;
}

static bool dirty;
static struct fleetd *cur;
static int on_events(void *arg, const struct etcd_event *ev, size_t n, int64_t revision)
{
	(void)arg;
	(void)revision;
	for (size_t k = 0; k < n && leading; k++)
		on_key(cur, ev[k].kv.key, ev[k].kv.value, ev[k].kv.value_len, ev[k].type == ETCD_EVENT_PUT, false);
	dirty = true;
	return 0;
}

void engine_step(struct fleetd *f, int timeout_ms)
{
	/* Stood down (a guarded write found another leader): nothing of this
	 * engine's picture may survive into a later term. */
	if (!leading && sched)
		drop_state();
	if (leading && (f->lease != lease_led || !f->lease)) {
		msg("engine: the lease it led with is gone: standing down");
		drop_state();
	}
	if (!leading) {
		if (leader_watch && etcd_watch_poll(leader_watch, timeout_ms, leader_events, NULL) != 0) {
			etcd_watch_stop(leader_watch);
			leader_watch = NULL;
			next_campaign = 0;
		}
		/* Now and then regardless, in case a watch missed its end. */
		time_t now = time(NULL);
		if (now >= next_campaign && f->lease) {
			next_campaign = now + 30;
			campaign(f);
		}
		return;
	}
	cur = f;
	int r = etcd_watch_poll(watch, timeout_ms, on_events, NULL);
	/* Units waiting on others (MachineOf, Conflicts, Replaces) may fit now. */
	if (r == 0 && leading && retry_needed) {
		retry_needed = false;
		retry_pending(f);
	}
	if (r != 0 || reread_needed) {
		/* Read everything again: a new snapshot, nothing moved that fits. */
		if (r != 0)
			msg("engine: watch ended (%s): reading the keyspace again",
			    r == ETCD_WATCH_COMPACTED ? "compacted" : etcd_strerror(f->etcd));
		else
			msg("engine: a write failed: reading the keyspace again");
		drop_state();
		/* (not at once after a failed write, lest a write that always
		 * fails make the engine read the keyspace without a pause) */
		next_campaign = r != 0 ? 0 : time(NULL) + 2;
	}
}
