/* fleet unit files: the [X-Fleet] section, read as fleet did. See fleetunit.h. */
#include "fleetunit.h"
#include "parse.h"
#include "specifier.h"
#include "unitfile.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum opt { O_MACHINE_ID, O_MACHINE_OF, O_METADATA, O_CONFLICTS, O_REPLACES, O_GLOBAL };

/* Every spelling fleet accepted, the deprecated ones (fleet <= 0.8) included. */
static const struct {
	const char *key;
	enum opt opt;
} keys[] = {
	{ "MachineID", O_MACHINE_ID },
	{ "X-ConditionMachineID", O_MACHINE_ID },
	{ "X-ConditionMachineBootID", O_MACHINE_ID },
	{ "MachineOf", O_MACHINE_OF },
	{ "X-ConditionMachineOf", O_MACHINE_OF },
	{ "MachineMetadata", O_METADATA },
	{ "X-ConditionMachineMetadata", O_METADATA },
	{ "Conflicts", O_CONFLICTS },
	{ "X-Conflicts", O_CONFLICTS },
	{ "Replaces", O_REPLACES },
	{ "Global", O_GLOBAL },
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The words of VALUE: split at whitespace, '"' quoting (fleet's
 * MachineMetadata="a=b" "c=d"). -1 if out of memory. */
static int split_words(struct strv *out, const char *value)
{
	size_t len = strlen(value);
	char *w = malloc(len + 1);
	if (!w)
		return -1;
	size_t n = 0;
	int quoted = 0, inword = 0, rc = 0;
	for (const char *p = value;; p++) {
		if (*p == '"') {
			quoted = !quoted;
			inword = 1;
		} else if (*p && (quoted || (*p != ' ' && *p != '\t'))) {
			w[n++] = *p;
			inword = 1;
		} else if (inword) {
			w[n] = '\0';
			if (n && !strv_contains(out, w))
				rc |= strv_add(out, w);
			n = 0;
			inword = 0;
		}
		if (!*p)
			break;
	}
	free(w);
	return rc;
}

/* VALUE with the specifiers fleet expanded (%n %N %p %i, and %%) expanded for
 * unit NAME; NULL with ERR for any other specifier: systemd's %H or %m would
 * be the engine's host, not the unit's. */
static char *expand(const char *value, const char *name, const char *key, int line, char *err, size_t errlen)
{
	for (const char *p = value; *p; p++) {
		if (*p != '%')
			continue;
		if (!p[1] || !strchr("nNpi%", p[1])) {
			fail(err, errlen, "line %d: %s: unsupported specifier %%%.1s", line, key, p + 1);
			return NULL;
		}
		p++;
	}
	struct specifier_ctx ctx = { .unit = name };
	char serr[80];
	char *out = specifier_expand(value, &ctx, serr, sizeof serr);
	if (!out)
		fail(err, errlen, "line %d: %s: %s", line, key, serr);
	return out;
}

static int set_option(struct fleetunit_opts *o, enum opt opt, const char *key, const char *value, int line,
		      char *err, size_t errlen)
{
	if (opt == O_GLOBAL) {
		if (parse_bool(value, &o->global) < 0)
			return fail(err, errlen, "line %d: %s: not a boolean: %s", line, key, value);
		return 0;
	}
	struct strv words = { 0 };
	if (split_words(&words, value) < 0) {
		strv_clear(&words);
		return fail(err, errlen, "out of memory");
	}
	int rc = 0;
	switch (opt) {
	case O_MACHINE_ID:
		free(o->machine_id);
		o->machine_id = NULL;
		if (words.n > 1)
			rc = fail(err, errlen, "line %d: %s: more than one machine ID: %s", line, key, value);
		else if (words.n && !(o->machine_id = strdup(words.v[0])))
			rc = fail(err, errlen, "out of memory");
		break;
	case O_METADATA:
		if (!words.n)
			fleetmeta_clear(&o->metadata);
		for (size_t i = 0; i < words.n && !rc; i++) {
			int r = fleetmeta_add(&o->metadata, words.v[i]);
			if (r == -1)
				rc = fail(err, errlen, "line %d: %s: \"%s\" is not key=value", line, key, words.v[i]);
			else if (r < 0)
				rc = fail(err, errlen, "out of memory");
		}
		break;
	default: {
		struct strv *list = opt == O_MACHINE_OF ? &o->machine_of
				    : opt == O_CONFLICTS ? &o->conflicts
							 : &o->replaces;
		if (!words.n)
			strv_clear(list);
		for (size_t i = 0; i < words.n && !rc; i++)
			if (!strv_contains(list, words.v[i]) && strv_add(list, words.v[i]) < 0)
				rc = fail(err, errlen, "out of memory");
	}
	}
	strv_clear(&words);
	return rc;
}

/* The combinations fleet's API refused (api/units.go, ValidateOptions), and
 * a MachineOf of itself, which could never be scheduled. */
static int validate(const struct fleetunit_opts *o, const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < o->machine_of.n; i++) {
		const char *peer = o->machine_of.v[i];
		if (!strcmp(peer, name))
			return fail(err, errlen, "MachineOf=%s names the unit itself", peer);
		for (size_t j = 0; j < o->conflicts.n; j++)
			if (!fnmatch(o->conflicts.v[j], peer, 0))
				return fail(err, errlen, "unresolvable requirements: MachineOf=%s matches Conflicts=%s",
					    peer, o->conflicts.v[j]);
		for (size_t j = 0; j < o->replaces.n; j++)
			if (!fnmatch(o->replaces.v[j], peer, 0))
				return fail(err, errlen, "unresolvable requirements: MachineOf=%s matches Replaces=%s",
					    peer, o->replaces.v[j]);
	}
	const struct {
		int both;
		const char *a, *b;
	} bad[] = {
		{ o->machine_id && o->machine_of.n, "MachineID", "MachineOf" },
		{ o->machine_id && o->conflicts.n, "MachineID", "Conflicts" },
		{ o->machine_id && o->global, "MachineID", "Global" },
		{ o->machine_id && o->replaces.n, "MachineID", "Replaces" },
		{ o->global && o->machine_of.n, "Global", "MachineOf" },
		{ o->global && o->conflicts.n, "Global", "Conflicts" },
		{ o->global && o->replaces.n, "Global", "Replaces" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (bad[i].both)
			return fail(err, errlen, "%s cannot be used with %s", bad[i].a, bad[i].b);
	return 0;
}

static int read_options(struct fleetunit_opts *o, const struct unit_file *uf, const char *name, char *err,
			size_t errlen)
{
	for (size_t i = 0; i < uf->n; i++) {
		const struct unit_entry *e = &uf->entries[i];
		if (strcmp(e->section, "X-Fleet"))
			continue;
		size_t k = 0;
		while (k < sizeof keys / sizeof *keys && strcmp(keys[k].key, e->key))
			k++;
		if (k == sizeof keys / sizeof *keys)
			return fail(err, errlen, "line %d: unknown [X-Fleet] key %s", e->line, e->key);
		char *value = expand(e->value, name, e->key, e->line, err, errlen);
		if (!value)
			return -1;
		int rc = set_option(o, keys[k].opt, e->key, value, e->line, err, errlen);
		free(value);
		if (rc < 0)
			return -1;
	}
	return validate(o, name, err, errlen);
}

int fleetunit_parse(struct fleetunit *u, const char *name, const char *text, size_t len, char *err,
		    size_t errlen)
{
	memset(u, 0, sizeof *u);
	if (fleetunit_name_check(name, &u->kind, err, errlen) < 0)
		return -1;
	struct unit_file uf;
	struct unit_error uerr;
	int rc = unit_parse(&uf, name, text, len, &uerr);
	if (rc < 0)
		fail(err, errlen, "out of memory");
	else if (rc > 0)
		fail(err, errlen, "line %d: %s", uerr.line, uerr.msg);
	else if (u->kind != FLEETUNIT_TEMPLATE)
		rc = read_options(&u->opts, &uf, name, err, errlen);
	else {
		/* A template's options are read as those of an instance named "%i",
		 * so they keep %i as written and are checked for all that does not
		 * depend on the instance: "port=%i" is no empty metadata value. */
		char inst[FLEETUNIT_NAME_MAX + 3];
		const char *at = strchr(name, '@');
		snprintf(inst, sizeof inst, "%.*s%%i%s", (int)(at + 1 - name), name, at + 1);
		rc = read_options(&u->opts, &uf, inst, err, errlen);
	}
	unit_file_free(&uf);
	if (!rc && (!(u->name = strdup(name)) || !(u->text = malloc(len + 1)) ||
		    fleetunit_hash(text, len, u->hash) < 0))
		rc = fail(err, errlen, "out of memory");
	if (rc) {
		fleetunit_free(u);
		return -1;
	}
	memcpy(u->text, text, len);
	u->text[len] = '\0';
	u->len = len;
	return 0;
}

int fleetunit_instantiate(struct fleetunit *u, const char *name, const struct fleetunit *tmpl, char *err,
			  size_t errlen)
{
	char want[FLEETUNIT_NAME_MAX + 1];
	memset(u, 0, sizeof *u);
	if (fleetunit_template_name(name, want, sizeof want) < 0 || strcmp(want, tmpl->name))
		return fail(err, errlen, "%s is not an instance of %s", name, tmpl->name);
	return fleetunit_parse(u, name, tmpl->text, tmpl->len, err, errlen);
}

void fleetunit_opts_free(struct fleetunit_opts *o)
{
	free(o->machine_id);
	strv_clear(&o->machine_of);
	fleetmeta_clear(&o->metadata);
	strv_clear(&o->conflicts);
	strv_clear(&o->replaces);
	memset(o, 0, sizeof *o);
}

void fleetunit_free(struct fleetunit *u)
{
	free(u->name);
	free(u->text);
	fleetunit_opts_free(&u->opts);
	memset(u, 0, sizeof *u);
}

static int copy_strv(struct strv *dst, const struct strv *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (strv_add(dst, src->v[i]) < 0)
			return -1;
	return 0;
}

int fleetunit_opts_copy(struct fleetunit_opts *dst, const struct fleetunit_opts *src)
{
	memset(dst, 0, sizeof *dst);
	dst->global = src->global;
	if ((src->machine_id && !(dst->machine_id = strdup(src->machine_id))) ||
	    copy_strv(&dst->machine_of, &src->machine_of) < 0 || fleetmeta_copy(&dst->metadata, &src->metadata) < 0 ||
	    copy_strv(&dst->conflicts, &src->conflicts) < 0 || copy_strv(&dst->replaces, &src->replaces) < 0) {
		fleetunit_opts_free(dst);
		return -1;
	}
	return 0;
}
