/* The agent: makes this machine's init run what the engine assigned to it
 * (assigned/ID/NAME = loaded | launched), and publishes how each unit is
 * (state/ID/NAME, under the machine's lease). It reads only its own
 * machine's keys. Unit files go to UNITS_DIR (init's /run/berth/units) with a
 * first line that marks them as fleet's, so that a restarted fleetd knows
 * which files are its own. Units are started and stopped without waiting
 * ("no-block"): init does the work, and the states say how it went. */
#include "fleetd.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/ctlclient.h"
#include "../lib/mkdirp.h"

#define MARK "# fleet: "

struct managed {
	char *name;
	char target[12];     /* loaded, launched; "" once unassigned */
	char published[512]; /* the state last put, "" if none */
};

static struct managed *units;
static size_t nunits;
static struct etcd_watch *watch;
static int64_t last_rev;

static struct managed *find(const char *name)
{
	for (size_t k = 0; k < nunits; k++)
		if (!strcmp(units[k].name, name))
			return &units[k];
	return NULL;
}

static struct managed *add(const char *name)
{
	struct managed *m = find(name);
	if (m)
		return m;
	struct managed *n = realloc(units, (nunits + 1) * sizeof *units);
	if (!n)
		return NULL;
	units = n;
	m = &units[nunits];
	memset(m, 0, sizeof *m);
	if (!(m->name = strdup(name)))
		return NULL;
	nunits++;
	return m;
}

static void drop(struct managed *m)
{
	free(m->name);
	*m = units[--nunits];
}

/* One request to init; its text is logged when it failed. */
static int init_call(const struct fleetd *f, const char *fmt, const char *name)
{
	char req[512], err[256];
	snprintf(req, sizeof req, fmt, name);
	int code = ctl_call(f->init_socket, req, 10, NULL, NULL, err, sizeof err);
	if (code < 0)
		msg("init (%s): %s", f->init_socket, err);
	return code;
}

static void unit_path(const struct fleetd *f, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", f->units_dir, name);
}

/* Writes NAME's file from units/NAME if it differs from what is there.
 * Returns 1 if it changed, 0 if not, -1 if it cannot be had (no such unit,
 * no room), -2 if etcd could not be read (try again). */
static int write_unit(struct fleetd *f, const char *name)
{
	char k[512], path[512], tmp[520];
	struct etcd_kvs kvs = { 0 };
	if (etcd_range(f->etcd, key(k, sizeof k, f, "units", name, NULL), 0, 0, &kvs) < 0) {
		msg("%s: cannot read its unit file: %s", name, etcd_strerror(f->etcd));
		return -2;
	}
	if (kvs.n != 1) {
		etcd_kvs_free(&kvs);
		msg("%s: assigned here, but %s does not exist", name, k);
		return -1;
	}
	json_error_t jerr;
	json_t *o = json_loadb(kvs.kv[0].value, kvs.kv[0].value_len, 0, &jerr);
	etcd_kvs_free(&kvs);
	const char *text = json_string_value(json_object_get(o, "text"));
	if (!text) {
		msg("%s: %s holds no unit file", name, k);
		json_decref(o);
		return -1;
	}
	char *want = NULL;
	size_t wlen = 0;
	FILE *mem = open_memstream(&want, &wlen);
	fprintf(mem, MARK "%s from %s; removed when it leaves this machine\n%s", name, k, text);
	fclose(mem);
	json_decref(o);
	unit_path(f, name, path, sizeof path);
	/* Unchanged: nothing to do (init need not read it again). */
	FILE *in = fopen(path, "re");
	if (in) {
		char *have = malloc(wlen + 2);
		size_t n = have ? fread(have, 1, wlen + 1, in) : 0;
		fclose(in);
		bool same = have && n == wlen && !memcmp(have, want, wlen);
		free(have);
		if (same) {
			free(want);
			return 0;
		}
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	mkdir_p(f->units_dir, 0755);
	FILE *out = fopen(tmp, "we");
	bool ok = out && fwrite(want, 1, wlen, out) == wlen;
	ok = out && !fclose(out) && ok;
	free(want);
	if (!ok || rename(tmp, path) < 0) {
		msg("%s: cannot write %s: %s", name, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 1;
}

/* Whether PATH is a unit file fleetd wrote. */
static bool ours(const char *path)
{
	char line[16] = "";
	FILE *in = fopen(path, "re");
	if (!in)
		return false;
	bool r = fgets(line, sizeof line, in) && !strncmp(line, MARK, strlen(MARK));
	fclose(in);
	return r;
}

struct change {
	char *name;
	char target[12]; /* "" for unassigned */
};

/* Brings init in line with CHANGES: files first, one daemon-reload, then
 * starts and stops. */
static int apply(struct fleetd *f, struct change *ch, size_t n)
{
	bool reload = false, again = false;
	char path[512];
	for (size_t k = 0; k < n; k++) {
		if (*ch[k].target) {
			int w = write_unit(f, ch[k].name);
			reload |= w > 0;
			/* Unread for now: listed again later, not forgotten. */
			again |= w == -2;
			struct managed *m = add(ch[k].name);
			if (m)
				snprintf(m->target, sizeof m->target, "%s", w < 0 ? "" : ch[k].target);
		} else {
			init_call(f, "stop %s no-block\n", ch[k].name);
			unit_path(f, ch[k].name, path, sizeof path);
			if (ours(path) && unlink(path) == 0)
				reload = true;
			struct managed *m = find(ch[k].name);
			if (m)
				*m->target = '\0';
		}
	}
	if (reload)
		init_call(f, "daemon-reload\n", "");
	for (size_t k = 0; k < n; k++) {
		struct managed *m = find(ch[k].name);
		if (!m || !*m->target)
			continue;
		/* start of a running unit, or stop of a stopped one, changes nothing. */
		if (!strcmp(m->target, "launched"))
			init_call(f, "start %s no-block\n", m->name);
		else
			init_call(f, "stop %s no-block\n", m->name);
		msg("%s: %s", m->name, m->target);
	}
	return again ? -1 : 0;
}

static const char *base(const char *k, const char *prefix)
{
	return k + strlen(prefix);
}

int agent_start(struct fleetd *f)
{
	char prefix[512];
	snprintf(prefix, sizeof prefix, "%sassigned/%s/", f->prefix, f->machine_id);
	struct etcd_kvs kvs = { 0 };
	if (etcd_range(f->etcd, prefix, 1, 0, &kvs) < 0) {
		msg("cannot list %s: %s", prefix, etcd_strerror(f->etcd));
		return -1;
	}
	/* What is assigned, and every unit of ours that no longer is. */
	struct change *ch = calloc(kvs.n + nunits + 1, sizeof *ch);
	size_t n = 0;
	for (size_t k = 0; ch && k < kvs.n; k++) {
		ch[n].name = strdup(base(kvs.kv[k].key, prefix));
		snprintf(ch[n].target, sizeof ch[n].target, "%.*s", (int)kvs.kv[k].value_len, kvs.kv[k].value);
		n++;
	}
	/* Files of ours from before (a restarted fleetd) that are not assigned. */
	DIR *d = opendir(f->units_dir);
	struct dirent *e;
	while (ch && d && (e = readdir(d))) {
		char path[512];
		bool listed = false;
		for (size_t k = 0; k < n && !listed; k++)
			listed = !strcmp(ch[k].name, e->d_name);
		unit_path(f, e->d_name, path, sizeof path);
		if (listed || !ours(path))
			continue;
		struct change *g = realloc(ch, (n + 2) * sizeof *ch);
		if (!g)
			break;
		ch = g;
		ch[n].name = strdup(e->d_name);
		ch[n].target[0] = '\0';
		n++;
	}
	if (d)
		closedir(d);
	int applied = apply(f, ch, n);
	for (size_t k = 0; k < n; k++)
		free(ch[k].name);
	free(ch);
	last_rev = kvs.revision;
	etcd_kvs_free(&kvs);
	if (applied < 0)
		return -1;
	/* A new lease: what was published under the old one is gone. */
	if (f->reregistered)
		for (size_t k = 0; k < nunits; k++)
			*units[k].published = '\0';
	if (watch)
		etcd_watch_stop(watch);
	watch = etcd_watch_start(f->etcd, prefix, 1, last_rev + 1);
	if (!watch) {
		msg("cannot watch %s: %s", prefix, etcd_strerror(f->etcd));
		return -1;
	}
	return 0;
}

struct batch {
	struct change *ch;
	size_t n;
	const char *prefix;
};

static int on_events(void *arg, const struct etcd_event *ev, size_t n, int64_t revision)
{
	struct batch *b = arg;
	for (size_t k = 0; k < n; k++) {
		struct change *g = realloc(b->ch, (b->n + 1) * sizeof *g);
		if (!g)
			return -1;
		b->ch = g;
		struct change *c = &b->ch[b->n++];
		c->name = strdup(base(ev[k].kv.key, b->prefix));
		if (ev[k].type == ETCD_EVENT_PUT)
			snprintf(c->target, sizeof c->target, "%.*s", (int)ev[k].kv.value_len, ev[k].kv.value);
		else
			c->target[0] = '\0';
	}
	last_rev = revision;
	return 0;
}

int agent_poll(struct fleetd *f, int timeout_ms)
{
	char prefix[512];
	snprintf(prefix, sizeof prefix, "%sassigned/%s/", f->prefix, f->machine_id);
	struct batch b = { .prefix = prefix };
	int r = etcd_watch_poll(watch, timeout_ms, on_events, &b);
	if (b.n && apply(f, b.ch, b.n) < 0 && r == 0)
		r = -1;
	for (size_t k = 0; k < b.n; k++)
		free(b.ch[k].name);
	free(b.ch);
	if (r != 0)
		msg("watch of %s ended (%s): listing again", prefix,
		       r == ETCD_WATCH_COMPACTED ? "compacted" : etcd_strerror(f->etcd));
	return r == 0 ? 0 : -1;
}

/* init's "list" answers NAME ACTIVE SUB DESCRIPTION, a unit a line: its
 * lines, sorted by name, so that each unit's is found by a binary search. */
static int line_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = strcspn(x, " \n"), ny = strcspn(y, " \n");
	int c = strncmp(x, y, nx < ny ? nx : ny);
	return c ? c : (nx > ny) - (nx < ny);
}

static const char *line_of(char **lines, size_t n, const char *name)
{
	char **hit = bsearch(&name, lines, n, sizeof *lines, line_cmp);
	return hit ? *hit : NULL;
}

void agent_publish(struct fleetd *f)
{
	if (!nunits || !f->lease)
		return;
	struct ctl_text l = { 0 };
	char err[256], k[512];
	if (ctl_call(f->init_socket, "list\n", 5, ctl_collect, &l, err, sizeof err) < 0) {
		msg("init (%s): %s", f->init_socket, err);
		free(l.text);
		return;
	}
	size_t nlines = 0, cap = 0;
	char **lines = NULL;
	for (char *p = l.text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (nlines == cap) {
			char **more = realloc(lines, (cap = cap ? 2 * cap : 64) * sizeof *lines);
			if (!more)
				break;
			lines = more;
		}
		lines[nlines++] = p;
	}
	qsort(lines, nlines, sizeof *lines, line_cmp);
	for (size_t i = 0; i < nunits;) {
		struct managed *m = &units[i];
		key(k, sizeof k, f, "state", f->machine_id, m->name);
		if (!*m->target) {
			/* Unassigned: its state goes, then so does it. */
			if (!*m->published || etcd_delete(f->etcd, k, 0, NULL) == 0) {
				drop(m);
				continue;
			}
			i++;
			continue;
		}
		char active[32] = "inactive", sub[32] = "dead", load[16] = "not-found";
		const char *line = line_of(lines, nlines, m->name);
		if (line && line[strlen(m->name)] == ' ') {
			sscanf(line + strlen(m->name), " %31s %31s", active, sub);
			snprintf(load, sizeof load, "loaded");
		}
		char state[512];
		snprintf(state, sizeof state,
			 "{\"load\":\"%s\",\"active\":\"%s\",\"sub\":\"%s\",\"machine\":\"%s\",\"target\":\"%s\"}", load,
			 active, sub, f->machine_id, m->target);
		if (strcmp(state, m->published)) {
			if (etcd_put(f->etcd, k, state, f->lease) == 0)
				snprintf(m->published, sizeof m->published, "%s", state);
			else
				msg("%s: cannot publish its state: %s", m->name, etcd_strerror(f->etcd));
		}
		i++;
	}
	free(lines);
	free(l.text);
}
