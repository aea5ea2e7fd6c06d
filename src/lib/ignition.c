/* Ignition configs, spec 3.0 to 3.4 (JSON, read with jansson): passwd.users,
 * storage.files (ignition-files.c) and systemd.units; Ignition has no berth:
 * section. See provconf.h, ignition-impl.h. */
#include "ignition-impl.h"

#include <stdio.h>
#include <string.h>

static const char *jtype(const json_t *v)
{
	if (json_is_object(v))
		return "an object";
	if (json_is_array(v))
		return "an array";
	if (json_is_string(v))
		return "a string";
	return json_is_number(v) ? "a number" : json_is_boolean(v) ? "a boolean" : "null";
}

int ign_want(struct pv_ctx *c, const json_t *v, const char *path, int ok, const char *what)
{
	return ok ? 0 : pv_fail(c, path, "expected %s, not %s", what, jtype(v));
}

int ign_str(struct pv_ctx *c, const json_t *v, const char *path, const char **s, size_t *len)
{
	if (ign_want(c, v, path, json_is_string(v), "a string") < 0)
		return -1;
	*s = json_string_value(v);
	*len = json_string_length(v);
	return 0;
}

int ign_set(struct pv_ctx *c, const json_t *v, const char *path, char **dst, const char *(*bad)(const char *))
{
	const char *s;
	size_t len;
	return ign_str(c, v, path, &s, &len) < 0 ? -1 : pv_set(c, path, dst, s, len, bad);
}

int ign_key(const char *key, const char *const *keys, const char *parent, char *path)
{
	pv_key_path(path, parent, key);
	for (int i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			return i;
	return -1;
}

int ign_unknown(struct pv_ctx *c, const char *path) { return pv_warn(c, NULL, "unknown key %s (ignored)", path); }

int ign_unsupported(struct pv_ctx *c, const char *path, const char *why)
{
	return pv_warn(c, NULL, "not supported by Berth: %s (ignored%s%s)", path, why ? ": " : "", why ? why : "");
}

int ign_is_empty(json_t *v)
{
	const char *key;
	json_t *m;
	if (!v)
		return 1;
	if (json_is_array(v))
		return !json_array_size(v);
	if (!json_is_object(v))
		return json_is_null(v);
	json_object_foreach(v, key, m) {
		if (!ign_is_empty(m))
			return 0;
	}
	return 1;
}

/* ITEM for each item of array A at PATH. */
static int each(struct pv_ctx *c, json_t *a, const char *path, ign_item_fn *item)
{
	size_t i;
	json_t *v;
	char at[PV_PATH];
	if (ign_want(c, a, path, json_is_array(a), "an array") < 0)
		return -1;
	json_array_foreach(a, i, v) {
		if (item(c, v, pv_index_path(at, path, i)) < 0)
			return -1;
	}
	return 0;
}

/* Strings of array A at PATH added to LIST, each checked by BAD. */
static int strings(struct pv_ctx *c, json_t *a, const char *path, struct strv *list, const char *(*bad)(const char *))
{
	size_t i, len;
	json_t *v;
	const char *s;
	char at[PV_PATH];
	if (ign_want(c, a, path, json_is_array(a), "an array") < 0)
		return -1;
	json_array_foreach(a, i, v) {
		if (ign_str(c, v, pv_index_path(at, path, i), &s, &len) < 0 || pv_add(c, at, list, s, len, bad) < 0)
			return -1;
	}
	return 0;
}

static int user(struct pv_ctx *c, json_t *obj, const char *at)
{
	enum { NAME, GECOS, HOME, SHELL, GROUPS, KEYS, HASH };
	static const char *const keys[] = { [NAME] = "name",   [GECOS] = "gecos",   [HOME] = "homeDir",
					    [SHELL] = "shell", [GROUPS] = "groups", [KEYS] = "sshAuthorizedKeys",
					    [HASH] = "passwordHash", NULL };
	static const char *const unsupported[] = { "uid",	"noCreateHome", "primaryGroup", "noUserGroup",
						   "noLogInit", "system",	"shouldExist",	NULL };
	const char *key;
	json_t *v;
	char path[PV_PATH];
	if (ign_want(c, obj, at, json_is_object(obj), "an object") < 0)
		return -1;
	struct pv_user *u = pv_append(c, &c->cfg->users, &c->cfg->nusers, sizeof *u);
	if (!u)
		return -1;
	json_object_foreach(obj, key, v) {
		int k = ign_key(key, keys, at, path), rc = 0;
		if (json_is_null(v))
			continue;
		if (k == NAME)
			rc = ign_set(c, v, path, &u->name, pv_bad_name);
		else if (k == GECOS)
			rc = ign_set(c, v, path, &u->gecos, pv_bad_field);
		else if (k == HOME || k == SHELL)
			rc = ign_set(c, v, path, k == HOME ? &u->home : &u->shell, pv_bad_dir);
		else if (k == GROUPS || k == KEYS)
			rc = strings(c, v, path, k == GROUPS ? &u->groups : &u->ssh_keys,
				     k == GROUPS ? pv_bad_name : pv_bad_key);
		else if (k == HASH)
			rc = pv_warn(c, NULL, "passwords are never set on Berth (SSH keys only): %s (ignored)", path);
		else
			rc = ign_key(key, unsupported, at, path) < 0 ? ign_unknown(c, path)
								     : ign_unsupported(c, path, NULL);
		if (rc < 0)
			return -1;
	}
	return u->name ? 0 : pv_fail(c, at, "name is required");
}

static int dropin(struct pv_ctx *c, json_t *obj, const char *at)
{
	static const char *const keys[] = { "name", "contents", NULL };
	struct pv_unit *u = &c->cfg->units[c->cfg->nunits - 1];
	const char *key;
	json_t *v;
	char path[PV_PATH];
	if (ign_want(c, obj, at, json_is_object(obj), "an object") < 0)
		return -1;
	struct pv_dropin *d = pv_append(c, &u->dropins, &u->ndropins, sizeof *d);
	if (!d)
		return -1;
	json_object_foreach(obj, key, v) {
		int k = ign_key(key, keys, at, path);
		if (json_is_null(v))
			continue;
		int rc = k < 0 ? ign_unknown(c, path)
			       : ign_set(c, v, path, k ? &d->content : &d->name, k ? NULL : pv_bad_dropin);
		if (rc < 0)
			return -1;
	}
	if (!d->name)
		return pv_fail(c, at, "name is required");
	return d->content ? 0 : pv_set(c, at, &d->content, "", 0, NULL);
}

static int unit(struct pv_ctx *c, json_t *obj, const char *at)
{
	enum { NAME, CONTENTS, ENABLED, MASK, DROPINS };
	static const char *const keys[] = { [NAME] = "name", [CONTENTS] = "contents", [ENABLED] = "enabled",
					    [MASK] = "mask", [DROPINS] = "dropins",   NULL };
	const char *key;
	json_t *v;
	char path[PV_PATH];
	if (ign_want(c, obj, at, json_is_object(obj), "an object") < 0)
		return -1;
	struct pv_unit *u = pv_append(c, &c->cfg->units, &c->cfg->nunits, sizeof *u);
	if (!u)
		return -1;
	u->enable = -1;
	json_object_foreach(obj, key, v) {
		int k = ign_key(key, keys, at, path), rc = 0;
		if (json_is_null(v))
			continue;
		if (k == NAME || k == CONTENTS)
			rc = ign_set(c, v, path, k == NAME ? &u->name : &u->content, k == NAME ? pv_bad_unit : NULL);
		else if (k == ENABLED || k == MASK) {
			rc = ign_want(c, v, path, json_is_boolean(v), "a boolean");
			if (!rc && k == ENABLED)
				u->enable = json_is_true(v);
			else if (!rc)
				u->mask = json_is_true(v);
		} else if (k == DROPINS)
			rc = each(c, v, path, dropin);
		else if (k < 0)
			rc = ign_unknown(c, path);
		if (rc < 0)
			return -1;
	}
	return pv_unit_end(c, at);
}

/* Whether a config to merge or to replace this one is named: Berth fetches
 * none. */
static int remote(json_t *config)
{
	size_t i;
	json_t *m, *merge = json_object_get(config, "merge"), *replace = json_object_get(config, "replace");
	json_array_foreach(merge, i, m) {
		if (!ign_is_empty(json_object_get(m, "source")))
			return 1;
	}
	return replace && !ign_is_empty(json_object_get(replace, "source"));
}

/* ignition: its version was read first (check_version). */
static int ignition_section(struct pv_ctx *c, json_t *obj, const char *at)
{
	static const char *const unsupported[] = { "config", "timeouts", "security", "proxy", NULL };
	const char *key;
	json_t *v;
	char path[PV_PATH];
	json_object_foreach(obj, key, v) {
		int k = ign_key(key, unsupported, at, path);
		if (!strcmp(key, "version") || ign_is_empty(v))
			continue;
		if (k == 0 && json_is_object(v) && remote(v))
			return pv_fail(c, path, "remote configs not supported");
		if ((k >= 0 ? ign_unsupported(c, path, NULL) : ign_unknown(c, path)) < 0)
			return -1;
	}
	return 0;
}

/* The sections Berth reads: the list of each it reads, and those it does not
 * (a warning if they say something). */
static const struct {
	const char *name, *list;
	ign_item_fn *item;
	const char *unsupported[7];
} sections[] = {
	{ "passwd", "users", user, { "groups" } },
	{ "storage", "files", ign_file, { "directories", "links", "disks", "filesystems", "raid", "luks" } },
	{ "systemd", "units", unit, { NULL } },
};

static int section(struct pv_ctx *c, json_t *obj, size_t s)
{
	const char *key, *list[] = { sections[s].list, NULL };
	json_t *v;
	char path[PV_PATH];
	if (ign_want(c, obj, sections[s].name, json_is_object(obj), "an object") < 0)
		return -1;
	json_object_foreach(obj, key, v) {
		int rc = 0;
		if (ign_key(key, list, sections[s].name, path) == 0)
			rc = json_is_null(v) ? 0 : each(c, v, path, sections[s].item);
		else if (ign_key(key, sections[s].unsupported, sections[s].name, path) >= 0)
			rc = ign_is_empty(v) ? 0 : ign_unsupported(c, path, NULL);
		else
			rc = ign_unknown(c, path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int check_version(struct pv_ctx *c, json_t *root)
{
	json_t *ign = json_object_get(root, "ignition"), *v = json_object_get(ign, "version");
	const char *s;
	size_t len;
	unsigned major, minor;
	int n = 0;
	if (!v || json_is_null(v))
		return pv_fail(c, NULL, "ignition.version is required (a JSON document is read as an Ignition config)");
	if (ign_str(c, v, "ignition.version", &s, &len) < 0)
		return -1;
	if (sscanf(s, "%u.%u.%*u%n", &major, &minor, &n) < 2 || !n || (s[n] && s[n] != '-'))
		return pv_fail(c, "ignition.version", "not a version (\"%.40s\")", s);
	if (major < 3)
		return pv_fail(c, "ignition.version", "%.40s: Ignition %u.x is not supported; use spec 3", s, major);
	if (major > 3)
		return pv_fail(c, "ignition.version", "%.40s: not spec 3", s);
	if (minor > 4 || s[n])
		return pv_warn(c, "ignition.version", "%.40s is not a spec Berth knows: read as 3.4.0", s);
	return 0;
}

int pv_parse_ignition(const char *text, size_t len, const char *source, struct pv_config *cfg, char *err,
		      size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	struct pv_ctx c = { .source = source, .cfg = cfg, .err = err, .errlen = errlen, .json = text, .json_len = len };
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je), *v;
	if (!root)
		return pv_fail(&c, NULL, "line %d, column %d: %s", je.line, je.column, je.text);
	const char *key;
	char path[PV_PATH];
	int rc = json_is_object(root) ? check_version(&c, root) : pv_fail(&c, NULL, "expected a JSON object");
	json_object_foreach(root, key, v) {
		size_t s = 0;
		while (s < sizeof sections / sizeof *sections && strcmp(key, sections[s].name))
			s++;
		if (rc < 0)
			break;
		if (json_is_null(v))
			continue;
		if (!strcmp(key, "ignition"))
			rc = ignition_section(&c, v, "ignition");
		else if (s < sizeof sections / sizeof *sections)
			rc = section(&c, v, s);
		else if (!strcmp(key, "kernelArguments"))
			rc = ign_is_empty(v) ? 0 : ign_unsupported(&c, key, NULL);
		else
			rc = ign_unknown(&c, pv_key_path(path, "", key));
	}
	json_decref(root);
	if (rc < 0)
		pv_config_free(cfg);
	return rc;
}
