/* fleetctl's lists: list-units, list-unit-files, list-machines, with fleet's
 * column names, --fields, --no-legend and -l (whole IDs and hashes). Columns
 * are separated by tabs, padded as fleet's tabwriter did. */
#include "fleetctl.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/fleetunit.h"

#define MAXCOL 10

struct table {
	const char *const *names; /* the columns a list has, lower case */
	size_t ncols;
	char ***rows;             /* each row: ncols strings */
	size_t nrows;
};

static void add_row(struct table *t, char **cells)
{
	char ***n = realloc(t->rows, (t->nrows + 1) * sizeof *n);
	char **row = calloc(t->ncols, sizeof *row);
	if (!n || !row) {
		free(row);
		return;
	}
	t->rows = n;
	for (size_t k = 0; k < t->ncols; k++)
		row[k] = strdup(cells[k] ? cells[k] : "-");
	t->rows[t->nrows++] = row;
}

static int cmp_rows(const void *a, const void *b)
{
	char **x = *(char ***)a, **y = *(char ***)b;
	int r = strcmp(x[0], y[0]);
	return r ? r : strcmp(x[1], y[1]);
}

/* Prints the columns FIELDS (comma-separated; DFLT if NULL), sorted by the
 * first two columns. -1 if a field is unknown. */
static int print_table(struct ctl *c, struct table *t, const char *dflt)
{
	size_t cols[MAXCOL], n = 0;
	char f[256], *save, *w;
	snprintf(f, sizeof f, "%s", c->fields ? c->fields : dflt);
	for (w = strtok_r(f, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t k = 0;
		while (k < t->ncols && strcmp(t->names[k], w))
			k++;
		if (k == t->ncols || n == MAXCOL) {
			msg("--fields: unknown field %s (known:", w);
			for (size_t j = 0; j < t->ncols; j++)
				fprintf(stderr, " %s", t->names[j]);
			fputs(")\n", stderr);
			return -1;
		}
		cols[n++] = k;
	}
	if (t->nrows)
		qsort(t->rows, t->nrows, sizeof *t->rows, cmp_rows);
	size_t width[MAXCOL];
	for (size_t j = 0; j < n; j++) {
		width[j] = c->no_legend ? 0 : strlen(t->names[cols[j]]);
		for (size_t r = 0; r < t->nrows; r++)
			if (strlen(t->rows[r][cols[j]]) > width[j])
				width[j] = strlen(t->rows[r][cols[j]]);
		width[j] = (width[j] / 8 + 1) * 8;
	}
	for (long r = c->no_legend ? 0 : -1; r < (long)t->nrows; r++) {
		for (size_t j = 0; j < n; j++) {
			char head[32];
			const char *cell = t->rows && r >= 0 ? t->rows[r][cols[j]] : head;
			if (r < 0) {
				size_t i = 0;
				for (; t->names[cols[j]][i] && i < sizeof head - 1; i++)
					head[i] = (char)(t->names[cols[j]][i] - 32 * (t->names[cols[j]][i] >= 'a' &&
										     t->names[cols[j]][i] <= 'z'));
				head[i] = '\0';
			}
			fputs(cell, stdout);
			if (j + 1 < n)
				for (size_t pad = strlen(cell); pad < width[j]; pad = (pad / 8 + 1) * 8)
					putchar('\t');
		}
		putchar('\n');
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t k = 0; k < t->ncols; k++)
			free(t->rows[r][k]);
		free(t->rows[r]);
	}
	free(t->rows);
	return 0;
}

static int range(struct ctl *c, const char *what, struct etcd_kvs *kvs)
{
	char k[512];
	if (etcd_range(c->etcd, ctl_key(c, k, sizeof k, what, NULL, NULL), 1, 0, kvs) < 0) {
		msg("%s", etcd_strerror(c->etcd));
		return -1;
	}
	return 0;
}

/* The part of KEY after PREFIX/WHAT/. */
static const char *rest(struct ctl *c, const char *key, const char *what)
{
	return key + strlen(c->prefix) + strlen(what) + 1;
}

/* The value of WHAT/NAME in KVS (a range of WHAT/) into OUT; DFLT if none. */
static void value_of(struct ctl *c, const struct etcd_kvs *kvs, const char *what, const char *name, char *out,
		     size_t len, const char *dflt)
{
	snprintf(out, len, "%s", dflt);
	for (size_t j = 0; j < kvs->n; j++)
		if (!strcmp(rest(c, kvs->kv[j].key, what), name))
			snprintf(out, len, "%.*s", (int)kvs->kv[j].value_len, kvs->kv[j].value);
}

/* What the lists join: states, schedule, desired states and unit files. */
struct view {
	struct etcd_kvs st, sch, des, un;
};

static int view_read(struct ctl *c, struct view *v)
{
	memset(v, 0, sizeof *v);
	return range(c, "state/", &v->st) < 0 || range(c, "schedule/", &v->sch) < 0 ||
			       range(c, "desired/", &v->des) < 0 || range(c, "units/", &v->un) < 0
		       ? -1
		       : 0;
}

static void view_free(struct view *v)
{
	etcd_kvs_free(&v->st);
	etcd_kvs_free(&v->sch);
	etcd_kvs_free(&v->des);
	etcd_kvs_free(&v->un);
}

static struct etcd_kvs machines;
static bool machines_read;

void machine_label(struct ctl *c, const char *id, char *out, size_t len)
{
	if (!machines_read) {
		machines_read = true;
		range(c, "machines/", &machines);
	}
	const char *ip = "-";
	json_t *o = NULL;
	for (size_t k = 0; k < machines.n; k++)
		if (!strcmp(rest(c, machines.kv[k].key, "machines"), id)) {
			json_error_t e;
			o = json_loadb(machines.kv[k].value, machines.kv[k].value_len, 0, &e);
			ip = json_string_value(json_object_get(o, "ip")) ? json_string_value(json_object_get(o, "ip")) : "-";
			break;
		}
	if (c->full)
		snprintf(out, len, "%s/%s", id, ip);
	else
		snprintf(out, len, "%.8s.../%s", id, ip);
	json_decref(o);
}

static const char *field(json_t *o, const char *name)
{
	const char *v = json_string_value(json_object_get(o, name));
	return v ? v : "-";
}

int cmd_list_units(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	static const char *const names[] = { "unit", "machine", "active", "sub", "load", "dstate", "tmachine",
					     "state", "hash", NULL };
	if (argc) {
		msg("list-units takes no arguments");
		return 2;
	}
	struct view v;
	if (view_read(c, &v) < 0) {
		view_free(&v);
		return 1;
	}
	struct etcd_kvs *st = &v.st, *sch = &v.sch, *un = &v.un;
	struct table t = { .names = names, .ncols = 9 };
	char label[160], tlabel[160];
	/* A row per unit and machine that says how it is; a row for a
	 * scheduled unit no machine has spoken of yet. */
	for (size_t k = 0; k < st->n + sch->n; k++) {
		bool is_state = k < st->n;
		const struct etcd_kv *kv = is_state ? &st->kv[k] : &sch->kv[k - st->n];
		char machine[128], unit[FLEETUNIT_NAME_MAX];
		const char *r = rest(c, kv->key, is_state ? "state" : "schedule");
		if (is_state) {
			snprintf(machine, sizeof machine, "%.*s", (int)strcspn(r, "/"), r);
			snprintf(unit, sizeof unit, "%s", r + strcspn(r, "/") + (r[strcspn(r, "/")] == '/'));
		} else {
			snprintf(unit, sizeof unit, "%s", r);
			snprintf(machine, sizeof machine, "%.*s", (int)kv->value_len, kv->value);
			bool seen = false;
			for (size_t j = 0; j < st->n && !seen; j++) {
				const char *sr = rest(c, st->kv[j].key, "state");
				seen = !strncmp(sr, machine, strlen(machine)) && sr[strlen(machine)] == '/' &&
				       !strcmp(sr + strlen(machine) + 1, unit);
			}
			if (seen)
				continue;
		}
		json_error_t e;
		json_t *o = is_state ? json_loadb(kv->value, kv->value_len, 0, &e) : NULL;
		char dstate[16], hash[65] = "-", tm[128];
		value_of(c, &v.des, "desired", unit, dstate, sizeof dstate, "-");
		value_of(c, sch, "schedule", unit, tm, sizeof tm, "-");
		for (size_t j = 0; j < un->n; j++)
			if (!strcmp(rest(c, un->kv[j].key, "units"), unit)) {
				json_t *u = json_loadb(un->kv[j].value, un->kv[j].value_len, 0, &e);
				snprintf(hash, sizeof hash, "%.*s", c->full ? 64 : 7, field(u, "hash"));
				json_decref(u);
			}
		machine_label(c, machine, label, sizeof label);
		if (strcmp(tm, "-"))
			machine_label(c, tm, tlabel, sizeof tlabel);
		const char *active = field(o, "active");
		const char *state = !o ? "inactive" : !strcmp(active, "active") ? "launched" : "loaded";
		char *cells[] = { unit, label, (char *)active, (char *)field(o, "sub"), (char *)field(o, "load"), dstate,
				  strcmp(tm, "-") ? tlabel : "global", (char *)state, hash };
		add_row(&t, cells);
		json_decref(o);
	}
	int r = print_table(c, &t, "unit,machine,active,sub");
	view_free(&v);
	return r < 0 ? 2 : 0;
}

int cmd_list_unit_files(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	static const char *const names[] = { "unit", "hash", "dstate", "state", "target", "tmachine", "global",
					     "desc", NULL };
	if (argc) {
		msg("list-unit-files takes no arguments");
		return 2;
	}
	struct view v;
	if (view_read(c, &v) < 0) {
		view_free(&v);
		return 1;
	}
	struct etcd_kvs *un = &v.un, *st = &v.st;
	struct table t = { .names = names, .ncols = 8 };
	for (size_t k = 0; k < un->n; k++) {
		const char *unit = rest(c, un->kv[k].key, "units");
		json_error_t e;
		json_t *o = json_loadb(un->kv[k].value, un->kv[k].value_len, 0, &e);
		char hash[65], dstate[16], tm[128], label[160] = "-", desc[128] = "-";
		snprintf(hash, sizeof hash, "%.*s", c->full ? 64 : 7, field(o, "hash"));
		value_of(c, &v.des, "desired", unit, dstate, sizeof dstate, "inactive");
		value_of(c, &v.sch, "schedule", unit, tm, sizeof tm, "");
		/* The state: launched if it is active where it runs, loaded if it is
		 * there, inactive if nowhere. */
		const char *state = "inactive";
		for (size_t j = 0; j < st->n; j++) {
			const char *sr = rest(c, st->kv[j].key, "state");
			const char *sl = strchr(sr, '/');
			if (!sl || strcmp(sl + 1, unit))
				continue;
			json_t *s = json_loadb(st->kv[j].value, st->kv[j].value_len, 0, &e);
			if (!strcmp(field(s, "active"), "active"))
				state = "launched";
			else if (strcmp(state, "launched"))
				state = "loaded";
			json_decref(s);
		}
		struct fleetunit u;
		char err[256];
		bool global = false;
		const char *text = field(o, "text");
		if (fleetunit_parse(&u, unit, text, strlen(text), err, sizeof err) == 0) {
			global = u.opts.global;
			fleetunit_free(&u);
		}
		const char *d = strstr(text, "\nDescription=");
		if (d || !strncmp(text, "Description=", 12))
			snprintf(desc, sizeof desc, "%.*s", (int)strcspn(d ? d + 13 : text + 12, "\n"), d ? d + 13 : text + 12);
		if (*tm)
			machine_label(c, tm, label, sizeof label);
		char *cells[] = { (char *)unit, hash, dstate, (char *)state, global ? "global" : label,
				  *tm ? label : "-", global ? "true" : "false", desc };
		add_row(&t, cells);
		json_decref(o);
	}
	int r = print_table(c, &t, "unit,hash,dstate,state,target");
	view_free(&v);
	return r < 0 ? 2 : 0;
}

int cmd_list_machines(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	static const char *const names[] = { "machine", "ip", "metadata", NULL };
	if (argc) {
		msg("list-machines takes no arguments");
		return 2;
	}
	struct etcd_kvs m = { 0 };
	if (range(c, "machines/", &m) < 0)
		return 1;
	struct table t = { .names = names, .ncols = 3 };
	for (size_t k = 0; k < m.n; k++) {
		json_error_t e;
		json_t *o = json_loadb(m.kv[k].value, m.kv[k].value_len, 0, &e), *vals;
		const char *id = rest(c, m.kv[k].key, "machines"), *mk;
		char label[160], md[1024] = "";
		snprintf(label, sizeof label, c->full ? "%s" : "%.8s...", id);
		json_object_foreach(json_object_get(o, "metadata"), mk, vals) {
			size_t i;
			json_t *v;
			json_array_foreach(vals, i, v) {
				size_t l = strlen(md);
				snprintf(md + l, sizeof md - l, "%s%s=%s", l ? "," : "", mk, json_string_value(v));
			}
		}
		char *cells[] = { label, (char *)field(o, "ip"), *md ? md : "-" };
		add_row(&t, cells);
		json_decref(o);
	}
	int r = print_table(c, &t, "machine,ip,metadata");
	etcd_kvs_free(&m);
	return r < 0 ? 2 : 0;
}
