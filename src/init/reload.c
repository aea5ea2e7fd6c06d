/* Changing the set of units while init runs: the start order, starting a unit
 * with what it pulls in, daemon-reload, and enable/disable (the links of
 * unitdirs.h, written to the admin's directory). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../lib/depgraph.h"
#include "../lib/mkdirp.h"
#include "sup.h"

/* The order every unit starts in (stops in reverse). An ordering cycle is
 * reported and broken the simple way: the goal's units alone, else by name, so
 * that a bad unit file never keeps the system from booting. */
void compute_order(struct sup *sp)
{
	size_t n = sp->set.n;
	char cycle[512];
	bool *all = malloc(n ? n : 1);
	if (all) {
		memset(all, 1, n);
		int k = dep_order(sp->set.units, n, all, sp->order, cycle, sizeof cycle);
		free(all);
		if (k >= 0) {
			sp->norder = (size_t)k;
			return;
		}
		fprintf(stderr, "berth-init: ordering cycle: %s\n", cycle);
	}
	int k = dep_order(sp->set.units, n, sp->in, sp->order, cycle, sizeof cycle);
	if (k >= 0) {
		sp->norder = (size_t)k;
	} else {
		fprintf(stderr, "berth-init: ordering cycle in the goal: %s; starting by name\n", cycle);
		sp->norder = 0;
		for (size_t i = 0; i < n; i++)
			if (sp->in[i])
				sp->order[sp->norder++] = i;
	}
	for (size_t i = 0; i < n; i++) /* the others, for initctl start */
		if (!sp->in[i])
			sp->order[sp->norder++] = i;
}

static bool inactive(const struct svc *s)
{
	return s->state == STOPPED || s->state == EXITED || s->state == FAILED || s->state == SKIPPED;
}

/* What `initctl start` does: the unit and what it requires or wants wait to
 * start, each after what it is ordered after, as a boot would. */
void start_with_deps(struct sup *sp, size_t i)
{
	bool *pull = calloc(sp->set.n, sizeof *pull);
	if (!pull) {
		start(sp, i);
		return;
	}
	sp->svc[i].auto_restarts = 0; /* by hand: Restart='s delays start over */
	dep_closure(sp->set.units, sp->set.n, i, pull);
	for (size_t j = 0; j < sp->set.n; j++)
		if (pull[j] && (j == i || inactive(&sp->svc[j])))
			sp->svc[j].state = WAITING;
	free(pull);
}

static bool active(const struct svc *s)
{
	return s->pid > 0 || s->ctl > 0 || !inactive(s);
}

int units_reload(struct sup *sp, char *err, size_t errlen)
{
	const struct sup_config *cfg = sp->cfg;
	char host[256] = "localhost";
	gethostname(host, sizeof host - 1);
	struct unit_set ns;
	const char *mid = cfg->machine_id ? cfg->machine_id : "";
	if (unitdirs_load(&ns, cfg->dirs, cfg->ndirs, host, mid) < 0) {
		unit_set_free(&ns);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* A unit still running whose file is gone (or masked) stays, as it was
	 * loaded. One only waiting to start goes: its start is cancelled, as
	 * systemd fails a queued start of a unit masked meanwhile. */
	for (size_t i = 0; i < sp->set.n; i++) {
		struct unit shared = sp->set.units[i]; /* moved below, once matched */
		if (active(&sp->svc[i]) && sp->svc[i].state != WAITING && dep_find(ns.units, ns.n, shared.name) < 0 &&
		    unit_set_insert(&ns, &shared) < 0) {
			for (size_t j = 0; j < ns.n; j++)
				if (ns.units[j].name == sp->set.units[i].name)
					memset(&ns.units[j], 0, sizeof ns.units[j]);
			unit_set_free(&ns);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	size_t n = ns.n;
	struct svc *svc = calloc(n, sizeof *svc);
	bool *in = calloc(n, sizeof *in);
	size_t *order = calloc(n, sizeof *order);
	struct pollfd *pfd = calloc(n + 4 + MAX_PENDING, sizeof *pfd);
	if (!svc || !in || !order || !pfd) {
		free(svc), free(in), free(order), free(pfd);
		unit_set_free(&ns);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Each unit keeps its state, processes, counters and log pipe. */
	for (size_t j = 0; j < n; j++) {
		long i = dep_find(sp->set.units, sp->set.n, ns.units[j].name);
		if (i >= 0) {
			svc[j] = sp->svc[i];
			sp->svc[i] = (struct svc){ .log = { .r = -1, .w = -1 } };
			in[j] = sp->in[i];
		}
		if (i < 0) {
			svc[j] = (struct svc){ .state = STOPPED, .log = { .r = -1, .w = -1 }, .last_status = -1 };
		}
	}
	/* Units moved into the new set share their strings: not to be freed. */
	for (size_t i = 0; i < sp->set.n; i++) {
		free(sp->svc[i].starts);
		log_pipe_close(&sp->svc[i].log);
		long j = dep_find(ns.units, ns.n, sp->set.units[i].name);
		if (j >= 0 && ns.units[j].name == sp->set.units[i].name)
			memset(&sp->set.units[i], 0, sizeof sp->set.units[i]);
	}
	unit_set_free(&sp->set);
	free(sp->svc), free(sp->in), free(sp->order), free(sp->pfd);
	sp->set = ns;
	sp->svc = svc;
	sp->in = in;
	sp->order = order;
	sp->pfd = pfd;
	compute_order(sp);
	for (size_t j = 0; j < n; j++)
		for (unsigned d = 0; d < ns.units[j].ndiags; d++)
			if (ns.units[j].diags[d].error)
				fprintf(stderr, "berth-init: error: %s\n", ns.units[j].diags[d].msg);
	return 0;
}

/* Is PATH a link to /dev/null (a cancelled link)? */
static bool is_null(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
}

int unit_enable(struct sup *sp, size_t i, bool enable, FILE *out)
{
	const struct unit *u = &sp->set.units[i];
	const char *admin = sp->cfg->admin_dir;
	if (!u->wanted_by.n) {
		fprintf(out, "%s has no [Install] WantedBy=: nothing to %s (start it from a unit that wants it).\n",
			u->name, enable ? "enable" : "disable");
		return 1;
	}
	if (!admin) {
		fputs("no directory to write links in (init runs without one)\n", out);
		return 1;
	}
	for (size_t k = 0; k < u->wanted_by.n; k++) {
		char dir[4096], link[4400];
		snprintf(dir, sizeof dir, "%s/%s.wants", admin, u->wanted_by.v[k]);
		snprintf(link, sizeof link, "%s/%s", dir, u->name);
		struct stat st;
		bool exists = lstat(link, &st) == 0, cancelled = exists && is_null(link);
		if (enable) {
			if (exists && !cancelled)
				continue;
			if (mkdir_p(dir, 0755) < 0 || (cancelled && unlink(link) < 0) || symlink(u->path, link) < 0) {
				fprintf(out, "cannot link %s: %s\n", link, strerror(errno));
				return 1;
			}
			fprintf(out, "Created symlink %s -> %s.\n", link, u->path);
			continue;
		}
		if (exists && !cancelled) {
			if (unlink(link) < 0) {
				fprintf(out, "cannot remove %s: %s\n", link, strerror(errno));
				return 1;
			}
			fprintf(out, "Removed %s.\n", link);
		}
		/* A link from a directory below the admin's (the image's) stays in
		 * force unless cancelled here. */
		bool below = false;
		for (size_t d = 0; d < sp->cfg->ndirs && strcmp(sp->cfg->dirs[d], admin); d++) {
			char other[4400];
			snprintf(other, sizeof other, "%s/%s.wants/%s", sp->cfg->dirs[d], u->wanted_by.v[k], u->name);
			below |= lstat(other, &st) == 0 && !is_null(other);
		}
		if (below && !cancelled) {
			if (mkdir_p(dir, 0755) < 0 || symlink("/dev/null", link) < 0) {
				fprintf(out, "cannot link %s: %s\n", link, strerror(errno));
				return 1;
			}
			fprintf(out, "Created symlink %s -> /dev/null (the image enables it).\n", link);
		}
	}
	return 0;
}

const char *unit_enablement(const struct sup *sp, size_t i)
{
	const struct unit *u = &sp->set.units[i];
	if (!u->wanted_by.n)
		return "static";
	for (size_t k = 0; k < u->wanted_by.n; k++) {
		long t = dep_find(sp->set.units, sp->set.n, u->wanted_by.v[k]);
		if (t >= 0 && strv_contains(&sp->set.units[t].wants, u->name))
			return "enabled";
	}
	return "disabled";
}
