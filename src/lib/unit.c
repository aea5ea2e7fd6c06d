/* Units: see unit.h. A table maps each [Section] Key to a handler that stores the
 * value in its field; list settings accumulate, and an empty assignment resets
 * them, as in systemd. */
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "unitfile.h"

enum kind { K_STRING, K_LIST, K_WORDS, K_BOOL, K_TIME, K_SIZE, K_UINT, K_SIGNAL, K_ENUM };

struct setting {
	const char *section, *key;
	enum kind kind;
	size_t offset;
	const char *const *names; /* K_ENUM: the accepted values, in enum order */
	unsigned max;             /* K_UINT: the largest value */
};

static const char *const types[] = { "simple", "exec", "oneshot", "notify", NULL };
static const char *const restarts[] = { "no", "on-success", "on-failure", "on-abnormal", "always", NULL };

#define AT(field) offsetof(struct unit, field)
static const struct setting settings[] = {
	{ "Unit", "Description", K_STRING, AT(description), NULL, 0 },
	{ "Unit", "Requires", K_WORDS, AT(requires), NULL, 0 },
	{ "Unit", "Wants", K_WORDS, AT(wants), NULL, 0 },
	{ "Unit", "BindsTo", K_WORDS, AT(binds_to), NULL, 0 },
	{ "Unit", "After", K_WORDS, AT(after), NULL, 0 },
	{ "Unit", "Before", K_WORDS, AT(before), NULL, 0 },
	{ "Unit", "Conflicts", K_WORDS, AT(conflicts), NULL, 0 },
	{ "Unit", "ConditionPathExists", K_LIST, AT(condition_path_exists), NULL, 0 },
	{ "Service", "Type", K_ENUM, AT(type), types, 0 },
	{ "Service", "ExecStartPre", K_LIST, AT(exec_start_pre), NULL, 0 },
	{ "Service", "ExecStart", K_LIST, AT(exec_start), NULL, 0 },
	{ "Service", "ExecStartPost", K_LIST, AT(exec_start_post), NULL, 0 },
	{ "Service", "ExecStop", K_LIST, AT(exec_stop), NULL, 0 },
	{ "Service", "ExecStopPost", K_LIST, AT(exec_stop_post), NULL, 0 },
	{ "Service", "ExecReload", K_LIST, AT(exec_reload), NULL, 0 },
	{ "Service", "Restart", K_ENUM, AT(restart), restarts, 0 },
	{ "Service", "RestartSec", K_TIME, AT(restart_usec), NULL, 0 },
	{ "Service", "RestartSteps", K_UINT, AT(restart_steps), NULL, 3600 },
	{ "Service", "RestartMaxDelaySec", K_TIME, AT(restart_max_delay_usec), NULL, 0 },
	{ "Service", "TimeoutStartSec", K_TIME, AT(timeout_start_usec), NULL, 0 },
	{ "Service", "TimeoutStopSec", K_TIME, AT(timeout_stop_usec), NULL, 0 },
	{ "Service", "KillSignal", K_SIGNAL, AT(kill_signal), NULL, 0 },
	{ "Service", "RemainAfterExit", K_BOOL, AT(remain_after_exit), NULL, 0 },
	{ "Service", "Environment", K_LIST, AT(environment), NULL, 0 },
	{ "Service", "EnvironmentFile", K_LIST, AT(environment_files), NULL, 0 },
	{ "Service", "User", K_STRING, AT(user), NULL, 0 },
	{ "Service", "Group", K_STRING, AT(group), NULL, 0 },
	{ "Service", "WorkingDirectory", K_STRING, AT(working_directory), NULL, 0 },
	{ "Service", "MemoryMax", K_SIZE, AT(memory_max), NULL, 0 },
	{ "Service", "TasksMax", K_SIZE, AT(tasks_max), NULL, 0 },
	{ "Service", "CPUWeight", K_UINT, AT(cpu_weight), NULL, 10000 },
	{ "Service", "IOWeight", K_UINT, AT(io_weight), NULL, 10000 },
	{ "Service", "IOReadBandwidthMax", K_LIST, AT(io_read_bandwidth_max), NULL, 0 },
	{ "Service", "IOWriteBandwidthMax", K_LIST, AT(io_write_bandwidth_max), NULL, 0 },
	/* [Unit] StartLimit* as systemd 230+ has them; also accepted in [Service]. */
	{ "Unit", "StartLimitIntervalSec", K_TIME, AT(start_limit_interval_usec), NULL, 0 },
	{ "Unit", "StartLimitBurst", K_UINT, AT(start_limit_burst), NULL, 1000000 },
	{ "Service", "StartLimitIntervalSec", K_TIME, AT(start_limit_interval_usec), NULL, 0 },
	{ "Service", "StartLimitBurst", K_UINT, AT(start_limit_burst), NULL, 1000000 },
	{ "Install", "WantedBy", K_WORDS, AT(wanted_by), NULL, 0 },
};

static void diag(struct unit *u, int line, bool error, const char *fmt, ...)
{
	struct unit_diag *d = realloc(u->diags, (u->ndiags + 1) * sizeof *d);
	if (!d)
		return; /* the unit still loads; only the message is lost */
	u->diags = d;
	d = &d[u->ndiags++];
	d->line = line;
	d->error = error;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	u->nerrors += error;
}

/* Stores VALUE (specifiers expanded) for setting S. -1 only if out of memory. */
static int apply(struct unit *u, const struct setting *s, const char *value, int line)
{
	void *field = (char *)u + s->offset;
	bool ok = true;
	switch (s->kind) {
	case K_STRING: {
		char **p = field, *v = strdup(value);
		if (!v)
			return -1;
		free(*p);
		*p = v;
		break;
	}
	case K_LIST:
	case K_WORDS:
		if (!*value) {
			strv_clear(field);
			break;
		}
		if ((s->kind == K_LIST ? strv_add(field, value) : strv_add_words(field, value)) < 0)
			return -1;
		break;
	case K_BOOL:
		ok = parse_bool(value, field) == 0;
		break;
	case K_TIME:
		ok = parse_timespan(value, field) == 0;
		break;
	case K_SIZE:
		ok = parse_size(value, field) == 0;
		break;
	case K_SIGNAL:
		ok = parse_signal(value, field) == 0;
		break;
	case K_UINT: {
		char *end;
		errno = 0;
		unsigned long v = strtoul(value, &end, 10);
		ok = *value >= '0' && *value <= '9' && !*end && !errno && v <= s->max;
		if (ok)
			*(unsigned *)field = (unsigned)v;
		break;
	}
	case K_ENUM:
		ok = false;
		for (int i = 0; s->names[i]; i++)
			if (!strcmp(value, s->names[i])) {
				*(int *)field = i;
				ok = true;
			}
		break;
	}
	if (!ok)
		diag(u, line, true, "%s:%d: invalid %s=%s", u->path, line, s->key, value);
	return 0;
}

int unit_load(struct unit *u, const char *name, const char *path, const char *text, size_t len,
	      const char *hostname, const char *machine_id)
{
	memset(u, 0, sizeof *u);
	u->name = strdup(name);
	u->path = strdup(path);
	if (!u->name || !u->path)
		return -1;
	u->restart_usec = 100000;
	u->restart_max_delay_usec = UINT64_MAX;
	u->start_limit_interval_usec = 10000000;
	u->start_limit_burst = 5;
	u->timeout_start_usec = u->timeout_stop_usec = 90000000;
	u->kill_signal = SIGTERM;
	u->memory_max = u->tasks_max = UINT64_MAX;
	const char *dot = strrchr(name, '.');
	if (dot && !strcmp(dot, ".target"))
		u->kind = UNIT_TARGET;
	else if (!dot || strcmp(dot, ".service"))
		diag(u, 0, true, "%s: unit type of %s is not supported (only .service and .target)", path, name);

	struct unit_file uf;
	struct unit_error perr;
	int n = unit_parse(&uf, path, text, len, &perr);
	if (n < 0) {
		unit_file_free(&uf);
		return -1;
	}
	if (n > 0)
		diag(u, perr.line, true, "%s:%d: %s%s", path, perr.line, perr.msg,
		     n > 1 ? " (and more syntax errors)" : "");

	struct specifier_ctx ctx = { name, hostname, machine_id };
	int rc = 0;
	for (size_t i = 0; i < uf.n && rc == 0; i++) {
		const struct unit_entry *e = &uf.entries[i];
		const struct setting *s = NULL;
		for (size_t k = 0; k < sizeof settings / sizeof *settings; k++)
			if (!strcmp(settings[k].section, e->section) && !strcmp(settings[k].key, e->key))
				s = &settings[k];
		if (!s) {
			diag(u, e->line, false, "%s:%d: unknown setting [%s] %s, ignored", path, e->line, e->section, e->key);
			continue;
		}
		if (u->kind == UNIT_TARGET && !strcmp(s->section, "Service")) {
			diag(u, e->line, false, "%s:%d: [Service] in a target, ignored", path, e->line);
			continue;
		}
		char err[120];
		char *v = specifier_expand(e->value, &ctx, err, sizeof err);
		if (!v) {
			diag(u, e->line, true, "%s:%d: %s= %s", path, e->line, e->key, err);
			continue;
		}
		rc = apply(u, s, v, e->line);
		free(v);
	}
	unit_file_free(&uf);
	if (rc == 0 && u->kind == UNIT_SERVICE && u->exec_start.n == 0)
		diag(u, 0, true, "%s: a service needs ExecStart=", path);
	if (rc == 0 && u->type != SERVICE_ONESHOT && u->exec_start.n > 1)
		diag(u, 0, true, "%s: more than one ExecStart= is only for Type=oneshot", path);
	return rc;
}

const char *unit_first_error(const struct unit *u)
{
	for (unsigned i = 0; i < u->ndiags; i++)
		if (u->diags[i].error)
			return u->diags[i].msg;
	return NULL;
}

/* The wait before automatic restart N (0 the first): RestartSec=, or with
 * RestartSteps= growing geometrically to RestartMaxDelaySec= over that many
 * restarts, as systemd: RestartSec * (Max / RestartSec) ^ (N / Steps). */
uint64_t unit_restart_delay(const struct unit *u, unsigned n)
{
	uint64_t lo = u->restart_usec, hi = u->restart_max_delay_usec;
	if (!u->restart_steps || hi == UINT64_MAX || hi <= lo || lo == 0)
		return lo;
	if (n >= u->restart_steps)
		return hi;
	/* the factor per step, f ^ steps = hi / lo, by bisection (no libm) */
	double ratio = (double)hi / (double)lo, a = 1, b = ratio;
	for (int k = 0; k < 60; k++) {
		double f = (a + b) / 2, p = 1;
		for (unsigned j = 0; j < u->restart_steps && p <= ratio; j++)
			p *= f;
		*(p > ratio ? &b : &a) = f;
	}
	double d = (double)lo;
	for (unsigned j = 0; j < n; j++)
		d *= a;
	return d >= (double)hi ? hi : (uint64_t)d;
}

void unit_free(struct unit *u)
{
	struct strv *lists[] = {
		&u->requires, &u->wants, &u->binds_to, &u->after, &u->before, &u->conflicts,
		&u->wanted_by, &u->condition_path_exists, &u->exec_start_pre, &u->exec_start,
		&u->exec_start_post, &u->exec_stop, &u->exec_stop_post, &u->exec_reload, &u->environment,
		&u->environment_files, &u->io_read_bandwidth_max, &u->io_write_bandwidth_max,
	};
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		strv_clear(lists[i]);
	free(u->name);
	free(u->path);
	free(u->description);
	free(u->user);
	free(u->group);
	free(u->working_directory);
	free(u->diags);
	memset(u, 0, sizeof *u);
}
