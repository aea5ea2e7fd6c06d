/* fleetctl's unit commands: the unit files in units/NAME, the desired states
 * in desired/NAME, and waiting until the unit's machine says it is there. */
#include "fleetctl.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/fleetunit.h"

/* A unit file, whole (fleet's own limit on a unit is far below this). */
static char *read_file(const char *path, size_t *len)
{
	return file_read_all(path, 16 << 20, len);
}

/* units/NAME's record: text and hash, or NULL (ERR set if it was an error). */
static json_t *stored(struct ctl *c, const char *name, bool *err)
{
	char k[512];
	struct etcd_kvs kvs = { 0 };
	*err = false;
	if (etcd_range(c->etcd, ctl_key(c, k, sizeof k, "units", name, NULL), 0, 0, &kvs) < 0) {
		msg("%s", etcd_strerror(c->etcd));
		*err = true;
		return NULL;
	}
	json_t *o = NULL;
	if (kvs.n == 1) {
		json_error_t je;
		o = json_loadb(kvs.kv[0].value, kvs.kv[0].value_len, 0, &je);
	}
	etcd_kvs_free(&kvs);
	return o;
}

/* Stores unit NAME with TEXT (already checked), unless a unit of that name
 * is there: the same file is fine, another is an error, as in fleet. */
static int store(struct ctl *c, const char *name, const char *text, size_t len)
{
	char hash[65], uk[512], dk[512];
	if (fleetunit_hash(text, len, hash) < 0) {
		msg("%s: cannot hash its file", name);
		return -1;
	}
	json_t *o = json_pack("{s:s, s:s, s:s%}", "name", name, "hash", hash, "text", text, len);
	char *rec = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!rec)
		return -1;
	ctl_key(c, uk, sizeof uk, "units", name, NULL);
	ctl_key(c, dk, sizeof dk, "desired", name, NULL);
	struct etcd_cmp cmp = { .key = uk, .target = ETCD_CMP_CREATE, .result = ETCD_CMP_EQUAL, .number = 0 };
	struct etcd_op ops[] = {
		{ .type = ETCD_OP_PUT, .key = uk, .value = rec },
		{ .type = ETCD_OP_PUT, .key = dk, .value = "inactive" },
	};
	int created = 0;
	int r = etcd_txn(c->etcd, &cmp, 1, ops, 2, NULL, 0, &created, NULL);
	free(rec);
	if (r < 0) {
		msg("%s", etcd_strerror(c->etcd));
		return -1;
	}
	if (created)
		return 0;
	bool err;
	json_t *have = stored(c, name, &err);
	const char *h = json_string_value(json_object_get(have, "hash"));
	int same = h && !strcmp(h, hash);
	json_decref(have);
	if (!same && !err)
		msg("unit %s already exists with different content: destroy it first", name);
	return same ? 0 : -1;
}

/* ARG (a file, or the name of a submitted unit) as a stored unit: its name
 * into NAME. A file is checked (name, syntax, [X-Fleet]) and stored; an
 * instance without a file of its own gets its template's. */
static int resolve(struct ctl *c, const char *arg, char *name, size_t namelen)
{
	const char *slash = strrchr(arg, '/');
	snprintf(name, namelen, "%s", slash ? slash + 1 : arg);
	char err[300];
	enum fleetunit_kind kind;
	if (fleetunit_name_check(name, &kind, err, sizeof err) < 0) {
		msg("%s: %s", arg, err);
		return -1;
	}
	size_t len;
	char *text = read_file(arg, &len);
	if (!text && errno != ENOENT) {
		msg("%s: %s", arg, strerror(errno));
		return -1;
	}
	if (!text) {
		bool e;
		json_t *have = stored(c, name, &e);
		json_decref(have);
		if (have || e)
			return e ? -1 : 0;
		if (kind != FLEETUNIT_INSTANCE) {
			msg("unit %s not found: no such file, and not submitted", name);
			return -1;
		}
		/* The template: a file beside where the instance was named, or a
		 * submitted one. */
		char tmpl[FLEETUNIT_NAME_MAX], path[1024];
		fleetunit_template_name(name, tmpl, sizeof tmpl);
		snprintf(path, sizeof path, "%.*s%s", slash ? (int)(slash - arg + 1) : 0, arg, tmpl);
		if ((text = read_file(path, &len))) {
			struct fleetunit t;
			if (fleetunit_parse(&t, tmpl, text, len, err, sizeof err) < 0) {
				msg("%s: %s", path, err);
				free(text);
				return -1;
			}
			fleetunit_free(&t);
			if (store(c, tmpl, text, len) < 0) {
				free(text);
				return -1;
			}
		} else {
			json_t *t = stored(c, tmpl, &e);
			const char *tt = json_string_value(json_object_get(t, "text"));
			text = tt ? strdup(tt) : NULL;
			len = text ? strlen(text) : 0;
			json_decref(t);
			if (!text) {
				if (!e)
					msg("unit %s not found, nor its template %s", name, tmpl);
				return -1;
			}
		}
	}
	struct fleetunit u;
	if (fleetunit_parse(&u, name, text, len, err, sizeof err) < 0) {
		msg("%s: %s", arg, err);
		free(text);
		return -1;
	}
	fleetunit_free(&u);
	int r = store(c, name, text, len);
	free(text);
	return r;
}

static int set_desired(struct ctl *c, const char *name, const char *state)
{
	char k[512];
	if (etcd_put(c->etcd, ctl_key(c, k, sizeof k, "desired", name, NULL), state, 0) < 0) {
		msg("%s", etcd_strerror(c->etcd));
		return -1;
	}
	return 0;
}

/* A key's value (NUL-terminated, malloc'd) or NULL. */
static char *get_value(struct ctl *c, const char *k)
{
	struct etcd_kvs kvs = { 0 };
	char *v = NULL;
	if (etcd_range(c->etcd, k, 0, 0, &kvs) == 0 && kvs.n == 1)
		v = strndup(kvs.kv[0].value, kvs.kv[0].value_len);
	etcd_kvs_free(&kvs);
	return v;
}

static bool is_global(struct ctl *c, const char *name)
{
	bool e;
	json_t *o = stored(c, name, &e);
	const char *text = json_string_value(json_object_get(o, "text"));
	struct fleetunit u;
	char err[256];
	bool g = false;
	if (text && fleetunit_parse(&u, name, text, strlen(text), err, sizeof err) == 0) {
		g = u.opts.global;
		fleetunit_free(&u);
	}
	json_decref(o);
	return g;
}

/* Waits until NAME is as WANT says (loaded, launched, inactive) where it is
 * scheduled; prints fleet's line. 0 done, -1 failed or timed out. */
static int wait_for(struct ctl *c, const char *name, const char *want)
{
	if (is_global(c, name)) {
		printf("Triggered global unit %s %s\n", name, !strcmp(want, "launched") ? "start" : want);
		return 0;
	}
	time_t end = c->wait_s ? time(NULL) + c->wait_s : 0;
	char sk[512], k[512], label[160];
	ctl_key(c, sk, sizeof sk, "schedule", name, NULL);
	time_t said = time(NULL) + 2;
	for (;;) {
		char *m = get_value(c, sk);
		if (!m && strcmp(want, "inactive") && said && time(NULL) >= said) {
			/* Not placed after a moment: the engine's reason, once. */
			char rk[512];
			char *why = get_value(c, ctl_key(c, rk, sizeof rk, "reasons", name, NULL));
			if (why) {
				msg("unit %s is not placed yet: %s", name, why);
				said = 0;
			}
			free(why);
		}
		if (!strcmp(want, "inactive")) {
			if (!m) {
				printf("Unit %s inactive\n", name);
				return 0;
			}
		} else if (m) {
			char *st = get_value(c, ctl_key(c, k, sizeof k, "state", m, name));
			json_error_t je;
			json_t *o = st ? json_loads(st, 0, &je) : NULL;
			const char *active = json_string_value(json_object_get(o, "active"));
			const char *target = json_string_value(json_object_get(o, "target"));
			bool there = target && !strcmp(target, want);
			bool done = there && (!strcmp(want, "launched") ? active && !strcmp(active, "active")
								  : !active || strcmp(active, "active"));
			bool failed = there && !strcmp(want, "launched") && active && !strcmp(active, "failed");
			machine_label(c, m, label, sizeof label);
			json_decref(o);
			free(st);
			free(m);
			if (done) {
				printf("Unit %s %s on %s\n", name, want, label);
				return 0;
			}
			if (failed) {
				msg("unit %s failed on %s: see fleetctl status %s", name, label, name);
				return -1;
			}
			m = NULL;
		}
		free(m);
		if (end && time(NULL) >= end) {
			char *still = get_value(c, sk);
			msg("unit %s is not %s after %d s%s", name, want, c->wait_s,
			    still ? "" : ": no machine can take it");
			free(still);
			return -1;
		}
		usleep(200 * 1000);
	}
}

static int each(struct ctl *c, int argc, char **argv, const char *state)
{
	if (!argc) {
		msg("no units given");
		return 2;
	}
	int rc = 0;
	char name[FLEETUNIT_NAME_MAX];
	/* All first, then the waits, so that units start together. */
	for (int i = 0; i < argc; i++)
		if (resolve(c, argv[i], name, sizeof name) < 0 || (state && set_desired(c, name, state) < 0)) {
			rc = 1;
			argv[i] = NULL;
		}
	for (int i = 0; state && i < argc; i++) {
		if (!argv[i])
			continue;
		const char *slash = strrchr(argv[i], '/');
		snprintf(name, sizeof name, "%s", slash ? slash + 1 : argv[i]);
		if (c->no_block)
			continue;
		if (wait_for(c, name, state) < 0)
			rc = 1;
	}
	return rc;
}

int cmd_submit(struct ctl *c, int argc, char **argv) { return each(c, argc, argv, NULL); }
int cmd_load(struct ctl *c, int argc, char **argv) { return each(c, argc, argv, "loaded"); }
int cmd_start(struct ctl *c, int argc, char **argv) { return each(c, argc, argv, "launched"); }

/* Is NAME's desired state inactive (submitted only, or unloaded)? */
static bool inactive(struct ctl *c, const char *name)
{
	char k[512];
	char *d = get_value(c, ctl_key(c, k, sizeof k, "desired", name, NULL));
	bool r = !d || !strcmp(d, "inactive");
	free(d);
	return r;
}

/* stop and unload act on submitted units only; stop, as fleet's, refuses a
 * unit that is inactive rather than scheduling it (global units aside). */
static int change(struct ctl *c, int argc, char **argv, const char *state)
{
	if (!argc) {
		msg("no units given");
		return 2;
	}
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		bool e;
		json_t *o = stored(c, argv[i], &e);
		if (!o) {
			if (!e)
				msg("unit %s does not exist", argv[i]);
			rc = 1;
			argv[i] = NULL;
			continue;
		}
		json_decref(o);
		if (!strcmp(state, "loaded") && inactive(c, argv[i]) && !is_global(c, argv[i])) {
			msg("Unable to stop unit %s in state inactive", argv[i]);
			rc = 1;
			argv[i] = NULL;
			continue;
		}
		if (set_desired(c, argv[i], state) < 0) {
			rc = 1;
			argv[i] = NULL;
		}
	}
	for (int i = 0; i < argc && !c->no_block; i++)
		if (argv[i] && wait_for(c, argv[i], state) < 0)
			rc = 1;
	return rc;
}

int cmd_stop(struct ctl *c, int argc, char **argv) { return change(c, argc, argv, "loaded"); }
int cmd_unload(struct ctl *c, int argc, char **argv) { return change(c, argc, argv, "inactive"); }

int cmd_restart(struct ctl *c, int argc, char **argv)
{
	bool nb = c->no_block;
	c->no_block = false;
	int r = change(c, argc, argv, "loaded");
	c->no_block = nb;
	return r ? r : change(c, argc, argv, "launched");
}

int cmd_destroy(struct ctl *c, int argc, char **argv)
{
	if (!argc) {
		msg("no units given");
		return 2;
	}
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		char uk[512], dk[512], rk[512];
		ctl_key(c, uk, sizeof uk, "units", argv[i], NULL);
		ctl_key(c, dk, sizeof dk, "desired", argv[i], NULL);
		ctl_key(c, rk, sizeof rk, "reasons", argv[i], NULL);
		struct etcd_op ops[] = { { .type = ETCD_OP_DELETE, .key = uk }, { .type = ETCD_OP_DELETE, .key = dk },
					 { .type = ETCD_OP_DELETE, .key = rk } };
		int ok;
		if (etcd_txn(c->etcd, NULL, 0, ops, 3, NULL, 0, &ok, NULL) < 0) {
			msg("%s", etcd_strerror(c->etcd));
			rc = 1;
			continue;
		}
		printf("Destroyed %s\n", argv[i]);
	}
	return rc;
}

int cmd_cat(struct ctl *c, int argc, char **argv)
{
	if (argc != 1) {
		msg("cat takes one unit");
		return 2;
	}
	bool e;
	json_t *o = stored(c, argv[0], &e);
	const char *text = json_string_value(json_object_get(o, "text"));
	if (!text) {
		if (!e)
			msg("unit %s not found", argv[0]);
		json_decref(o);
		return 1;
	}
	fputs(text, stdout);
	json_decref(o);
	return 0;
}
