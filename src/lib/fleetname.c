/* fleet unit names: see fleetunit.h. The rules are systemd's
 * (unit_name_is_valid), with fleet's list of types minus those fleet could
 * not schedule (slice, scope, snapshot, busname: made by systemd itself). */
#include "fleetunit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const types[] = {
	"service", "socket", "timer", "path", "mount", "automount", "device", "swap", "target",
};

int fleetunit_name_check(const char *name, enum fleetunit_kind *kind, char *err, size_t errlen)
{
	size_t len = strlen(name);
	if (!len) {
		snprintf(err, errlen, "unit name is empty");
		return -1;
	}
	if (len > FLEETUNIT_NAME_MAX) {
		snprintf(err, errlen, "unit name is longer than %d characters", FLEETUNIT_NAME_MAX);
		return -1;
	}
	const char *dot = strrchr(name, '.');
	if (!dot) {
		snprintf(err, errlen, "unit name %s has no type suffix", name);
		return -1;
	}
	int known = 0;
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		known |= !strcmp(dot + 1, types[i]);
	if (!known) {
		snprintf(err, errlen, "unit name %s: unsupported unit type \"%s\"", name, dot + 1);
		return -1;
	}
	if (dot == name || *name == '@') {
		snprintf(err, errlen, "unit name %s: nothing before %s", name, *name == '@' ? "'@'" : "the type");
		return -1;
	}
	const char *at = NULL;
	for (const char *p = name; p < dot; p++) {
		if (*p == '@' && !at) {
			at = p;
		} else if (!isalnum((unsigned char)*p) && !strchr(":-_.\\", *p)) {
			snprintf(err, errlen, "unit name %s: invalid character '%c'", name, *p);
			return -1;
		}
	}
	if (kind)
		*kind = !at ? FLEETUNIT_PLAIN : at + 1 == dot ? FLEETUNIT_TEMPLATE : FLEETUNIT_INSTANCE;
	return 0;
}

int fleetunit_template_name(const char *name, char *out, size_t outlen)
{
	char err[8];
	enum fleetunit_kind kind;
	if (fleetunit_name_check(name, &kind, err, sizeof err) < 0 || kind != FLEETUNIT_INSTANCE)
		return -1;
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');
	int n = snprintf(out, outlen, "%.*s%s", (int)(at + 1 - name), name, dot);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
