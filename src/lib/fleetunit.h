/* fleet units: a unit name and its systemd-style text, with the scheduling
 * options of its [X-Fleet] section, as CoreOS fleet read them.
 *
 * Names: NAME.TYPE with TYPE one of service, socket, timer, path, mount,
 * automount, device, swap, target; NAME of letters, digits and ":-_.\" with at
 * most one '@', not first. "a@.service" is a template (submitted, never
 * scheduled), "a@x.service" an instance of it (its own file if submitted, else
 * the template's, read under the instance's name).
 *
 * [X-Fleet] keys (fleet's deprecated spellings in brackets):
 *   MachineID (X-ConditionMachineID, X-ConditionMachineBootID): the full
 *       machine ID the unit must run on;
 *   MachineOf (X-ConditionMachineOf): a unit it must share a machine with;
 *   MachineMetadata (X-ConditionMachineMetadata): key=value words that the
 *       machine must have: same key = OR, different keys = AND;
 *   Conflicts (X-Conflicts): globs of units it must not share a machine with;
 *   Replaces: globs of units it displaces from the machine it goes to;
 *   Global: a boolean, run on every machine that fits MachineMetadata.
 * Every key may repeat; each value is one or more whitespace-separated words
 * (quotes group, as fleet's "a=b" "c=d"); an empty value resets the key.
 * MachineID and Global: the last one wins. Values take the specifiers %n %N
 * %p %i (and %%) of the unit's own name; a template's options are read as
 * those of an instance named "%i", so they keep %i as written.
 *
 * Rejected, with fleet's reasons: unknown [X-Fleet] keys; Global with
 * MachineID, MachineOf, Conflicts or Replaces; MachineID with MachineOf,
 * Conflicts or Replaces; a MachineOf unit that Conflicts or Replaces matches;
 * and (Berth's own) MachineOf naming the unit itself and metadata words that
 * are not key=value. */
#ifndef BERTH_FLEETUNIT_H
#define BERTH_FLEETUNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "fleetmeta.h"
#include "strv.h"

#define FLEETUNIT_NAME_MAX 256

enum fleetunit_kind {
	FLEETUNIT_PLAIN,    /* hello.service */
	FLEETUNIT_TEMPLATE, /* apache@.service */
	FLEETUNIT_INSTANCE, /* apache@8080.service */
};

struct fleetunit_opts {
	char *machine_id;         /* NULL if none */
	struct strv machine_of;   /* unit names */
	struct fleetmeta metadata;
	struct strv conflicts;    /* globs */
	struct strv replaces;     /* globs */
	bool global;
};

struct fleetunit {
	char *name;
	enum fleetunit_kind kind;
	char *text;               /* the unit file as given */
	size_t len;
	char hash[65];            /* fleetunit_hash of the text */
	struct fleetunit_opts opts;
};

/* 0 if NAME is a valid unit name (its kind in *KIND if not NULL); else -1 and
 * why in ERR. */
int fleetunit_name_check(const char *name, enum fleetunit_kind *kind, char *err, size_t errlen);

/* The template of instance NAME ("a@x.service" -> "a@.service") into OUT; -1
 * if NAME is not a valid instance name. */
int fleetunit_template_name(const char *name, char *out, size_t outlen);

/* Parses the unit file TEXT (LEN bytes) of unit NAME into U. -1 with the
 * first problem in ERR ("line 7: unknown [X-Fleet] key Foo") if NAME or the
 * file is invalid or memory ran out; U then holds nothing to free. */
int fleetunit_parse(struct fleetunit *u, const char *name, const char *text, size_t len,
		    char *err, size_t errlen);

/* Instance NAME of template TMPL (a parsed "a@.service"): its file, read under
 * NAME, so that %i is the instance. -1 with ERR if NAME is not an instance of
 * TMPL. */
int fleetunit_instantiate(struct fleetunit *u, const char *name, const struct fleetunit *tmpl,
			  char *err, size_t errlen);

void fleetunit_free(struct fleetunit *u);

/* A stable hash of a unit file, for fleetctl list-unit-files: the SHA-256 (hex)
 * of its canonical form (as fleet, the options re-serialised: sections in the
 * order of first appearance, "Key=Value" lines, no comments, blank lines or
 * continuations), so reformatting a file does not change it. -1 if TEXT does
 * not parse or memory ran out. */
int fleetunit_hash(const char *text, size_t len, char out[65]);

int fleetunit_opts_copy(struct fleetunit_opts *dst, const struct fleetunit_opts *src);
void fleetunit_opts_free(struct fleetunit_opts *o);

#endif
