/* Ignition's storage.files: contents from data: URLs only (Berth fetches
 * nothing), gzip, mode, owner, append. See ignition-impl.h. */
#include "ignition-impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* The part of a data: URL after "data:" (RFC 2397: [MEDIATYPE][;base64],DATA,
 * DATA percent-encoded) decoded, and inflated if GZIP. */
static int data_url(struct pv_ctx *c, const char *where, const char *url, size_t len, int gzip, char **out,
		    size_t *outlen)
{
	const char *comma = memchr(url, ',', len);
	if (!comma)
		return pv_fail(c, where, "not a data: URL (no ',')");
	int b64 = comma - url >= 7 && !strncasecmp(comma - 7, ";base64", 7);
	const char *p = comma + 1, *end = url + len;
	char *raw = malloc((size_t)(end - p) + 1), *r = raw;
	if (!raw)
		return pv_fail(c, where, "out of memory");
	for (; p < end; p++) {
		if (*p != '%') {
			*r++ = *p;
			continue;
		}
		if (end - p < 3 || hexval(p[1]) < 0 || hexval(p[2]) < 0) {
			free(raw);
			return pv_fail(c, where, "a bad %%-escape in the data: URL");
		}
		*r++ = (char)(hexval(p[1]) << 4 | hexval(p[2]));
		p += 2;
	}
	int rc = pv_decode(c, where, raw, (size_t)(r - raw), b64, gzip, out, outlen);
	free(raw);
	return rc;
}

/* A resource (a file's contents, an item of its append) into *OUT (NULL if it
 * has no source). */
static int resource(struct pv_ctx *c, json_t *obj, const char *at, char **out, size_t *outlen)
{
	enum { SOURCE, COMPRESSION, VERIFICATION, HEADERS };
	static const char *const keys[] = { [SOURCE] = "source", [COMPRESSION] = "compression",
					    [VERIFICATION] = "verification", [HEADERS] = "httpHeaders", NULL };
	const char *key, *s, *url = NULL;
	size_t len, urllen = 0;
	json_t *v;
	int gzip = 0;
	char path[PV_PATH];
	*out = NULL;
	if (ign_want(c, obj, at, json_is_object(obj), "an object") < 0)
		return -1;
	json_object_foreach(obj, key, v) {
		int k = ign_key(key, keys, at, path);
		if (json_is_null(v))
			continue;
		if ((k == SOURCE || k == COMPRESSION) && ign_str(c, v, path, &s, &len) < 0)
			return -1;
		if (k == SOURCE && strncasecmp(s, "data:", 5))
			return pv_fail(c, path, "only data: URLs are supported");
		if (k == COMPRESSION && *s && strcmp(s, "gzip"))
			return pv_fail(c, path, "unsupported compression \"%.40s\" (gzip or none)", s);
		if (k == SOURCE)
			url = s, urllen = len;
		else if (k == COMPRESSION)
			gzip = !!*s;
		else if ((k >= 0 ? ign_unsupported(c, path, NULL) : ign_unknown(c, path)) < 0)
			return -1;
	}
	return url ? data_url(c, pv_key_path(path, at, "source"), url + 5, urllen - 5, gzip, out, outlen) : 0;
}

/* The items of append, A at PATH, added one after another to *OUT (*OUTLEN
 * bytes; NULL and 0 at first). */
static int appends(struct pv_ctx *c, json_t *a, const char *path, char **out, size_t *outlen)
{
	size_t i, len;
	json_t *item;
	char at[PV_PATH], *data;
	if (ign_want(c, a, path, json_is_array(a), "an array") < 0)
		return -1;
	json_array_foreach(a, i, item) {
		if (resource(c, item, pv_index_path(at, path, i), &data, &len) < 0)
			return -1;
		char *grown = data ? realloc(*out, *outlen + len + 1) : *out;
		if (data && grown) {
			memcpy(grown + *outlen, data, len);
			*outlen += len;
			grown[*outlen] = '\0';
			*out = grown;
		}
		free(data);
		if (!grown && data)
			return pv_fail(c, at, "out of memory");
	}
	return 0;
}

/* user or group: {id} or {name}, into OUT as the number or the name. */
static int owner_part(struct pv_ctx *c, json_t *obj, const char *at, char *out, size_t outlen)
{
	json_t *id = json_object_get(obj, "id"), *name = json_object_get(obj, "name");
	char path[PV_PATH], *s = NULL;
	if (ign_want(c, obj, at, json_is_object(obj), "an object") < 0)
		return -1;
	if (id && !json_is_null(id) && name && !json_is_null(name))
		return pv_fail(c, at, "both id and name given");
	if (id && !json_is_null(id)) {
		json_int_t n = json_integer_value(id);
		if (ign_want(c, id, pv_key_path(path, at, "id"), json_is_integer(id) && n >= 0 && n <= 0xffffffffLL,
			     "a user or group id") < 0)
			return -1;
		snprintf(out, outlen, "%lld", (long long)n);
	} else if (name && !json_is_null(name)) {
		if (ign_set(c, name, pv_key_path(path, at, "name"), &s, pv_bad_name) < 0)
			return -1;
		snprintf(out, outlen, "%s", s);
		free(s);
	}
	return 0;
}

int ign_file(struct pv_ctx *c, json_t *obj, const char *at)
{
	enum { PATH, CONTENTS, APPEND, MODE, USER, GROUP, OVERWRITE };
	static const char *const keys[] = { [PATH] = "path", [CONTENTS] = "contents", [APPEND] = "append",
					    [MODE] = "mode",	 [USER] = "user",	  [GROUP] = "group",
					    [OVERWRITE] = "overwrite", NULL };
	const char *key;
	json_t *v;
	char path[PV_PATH], user[40] = "", group[40] = "", owner[90];
	json_t *append = NULL;
	int rc = 0;
	if (ign_want(c, obj, at, json_is_object(obj), "an object") < 0)
		return -1;
	struct pv_file *f = pv_append(c, &c->cfg->files, &c->cfg->nfiles, sizeof *f);
	if (!f)
		return -1;
	f->mode = 0644;
	json_object_foreach(obj, key, v) {
		int k = ign_key(key, keys, at, path);
		json_int_t mode = json_integer_value(v);
		if (json_is_null(v))
			continue;
		if (k == PATH)
			rc = ign_set(c, v, path, &f->path, pv_bad_path);
		else if (k == CONTENTS)
			rc = resource(c, v, path, &f->content, &f->len);
		else if (k == APPEND)
			append = v;
		else if (k == MODE && (rc = ign_want(c, v, path, json_is_integer(v) && mode >= 0 && mode <= 07777,
						     "a mode (a number up to 4095, 07777 in octal)")) == 0)
			f->mode = (unsigned)mode, f->mode_given = 1;
		else if (k == USER || k == GROUP)
			rc = owner_part(c, v, path, k == USER ? user : group, sizeof user);
		else if (k == OVERWRITE && (rc = ign_want(c, v, path, json_is_boolean(v), "a boolean")) == 0 &&
			 json_is_false(v))
			rc = ign_unsupported(c, path, "an existing file is written over");
		else if (k < 0)
			rc = ign_unknown(c, path);
		if (rc < 0)
			break;
	}
	if (rc < 0)
		return -1;
	/* What append adds follows the contents if given, else the file as it is. */
	if (append) {
		f->append = !f->content;
		if (appends(c, append, pv_key_path(path, at, "append"), &f->content, &f->len) < 0)
			return -1;
	}
	if (!f->path)
		return pv_fail(c, at, "path is required");
	if (!f->content && pv_decode(c, at, "", 0, 0, 0, &f->content, &f->len) < 0)
		return -1;
	if (!*user && !*group)
		return 0;
	snprintf(owner, sizeof owner, "%s%s%s", *user ? user : "0", *group ? ":" : "", group);
	return pv_set(c, at, &f->owner, owner, strlen(owner), pv_bad_owner);
}
