/* The top-level keys of a #cloud-config, and its users and files, as CoreOS's
 * cloud-config read them (cloud-init's spellings where they differ, too).
 * See provconf.h. */
#include "cloudconfig-impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TAG_BINARY "tag:yaml.org,2002:binary"

/* groups: a list, or one string of names separated by commas (cloud-init's). */
static int groups(struct cc *cc, const yaml_node_t *n, const char *path, struct strv *out)
{
	char w[PV_WHERE];
	const char *s;
	size_t len;
	if (n->type != YAML_SCALAR_NODE)
		return cc_strings(cc, n, path, out, pv_bad_name);
	if (cc_str(cc, n, path, &s, &len) < 0)
		return -1;
	cc_where(w, sizeof w, n, path);
	for (const char *e = s + len; s < e; s++) {
		size_t l = strcspn(s, ",");
		if (strspn(s, " \t") < l && pv_add(&cc->pv, w, out, s, l, pv_bad_name) < 0)
			return -1;
		s += l;
	}
	return 0;
}

static int user(struct cc *cc, const yaml_node_t *n, const char *at)
{
	enum { NAME, GECOS, HOME, SHELL, GROUPS, KEYS, PASSWD, HASHED, PLAIN, LOCK, PRIMARY, SUDO, NOHOME, SYSTEM };
	static const char *const names[] = {
		[NAME] = "name",		[GECOS] = "gecos",
		[HOME] = "homedir",		[SHELL] = "shell",
		[GROUPS] = "groups",		[KEYS] = "ssh_authorized_keys",
		[PASSWD] = "passwd",		[HASHED] = "hashed_passwd",
		[PLAIN] = "plain_text_passwd",	[LOCK] = "lock_passwd",
		[PRIMARY] = "primary_group",	[SUDO] = "sudo",
		[NOHOME] = "no_create_home",	[SYSTEM] = "system",
		NULL,
	};
	char path[PV_PATH], w[PV_WHERE];
	if (n->type == YAML_SCALAR_NODE && !strcmp((const char *)n->data.scalar.value, "default"))
		return pv_warn(&cc->pv, cc_where(w, sizeof w, n, at), "\"default\" (ignored: Berth's user is core)");
	if (cc_map(cc, n, at) < 0)
		return -1;
	struct pv_config *cfg = cc->pv.cfg;
	struct pv_user *u = pv_append(&cc->pv, &cfg->users, &cfg->nusers, sizeof *u);
	if (!u)
		return -1;
	CC_PAIRS(n, p) {
		const yaml_node_t *v = cc_node(cc, p->value);
		int k = cc_key(cc, p, names, at, path), rc = 0;
		if (k == NAME)
			rc = cc_set(cc, v, path, &u->name, pv_bad_name);
		else if (k == GECOS)
			rc = cc_set(cc, v, path, &u->gecos, pv_bad_field);
		else if (k == HOME || k == SHELL)
			rc = cc_set(cc, v, path, k == HOME ? &u->home : &u->shell, pv_bad_dir);
		else if (k == GROUPS)
			rc = groups(cc, v, path, &u->groups);
		else if (k == KEYS)
			rc = cc_strings(cc, v, path, &u->ssh_keys, pv_bad_key);
		else if (k >= PASSWD && k <= LOCK)
			rc = cc_ignored(cc, p, "passwords are never set on Berth (SSH keys only):", path, NULL);
		else if (k >= 0)
			rc = cc_ignored(cc, p, "not supported by Berth:", path, NULL);
		if (rc < 0 || k == -2)
			return -1;
	}
	if (!u->name)
		return pv_fail(&cc->pv, cc_where(w, sizeof w, n, at), "name is required");
	return 0;
}

/* permissions: octal, as text ('0644') or as YAML wrote it (0644, 644). */
static int mode(struct cc *cc, const yaml_node_t *n, const char *path, unsigned *out)
{
	const char *s;
	size_t len;
	char w[PV_WHERE], *end;
	if (cc_str(cc, n, path, &s, &len) < 0)
		return -1;
	const char *d = !strncmp(s, "0o", 2) ? s + 2 : s;
	unsigned long m = strtoul(d, &end, 8);
	if (!*d || *end || d[strspn(d, "01234567")] || m > 07777)
		return pv_fail(&cc->pv, cc_where(w, sizeof w, n, path), "not an octal mode up to 07777 (\"%.40s\")", s);
	*out = (unsigned)m;
	return 0;
}

/* encoding: into whether the content is base64, and gzip. */
static int encoding(struct cc *cc, const yaml_node_t *n, const char *path, int *b64, int *gz)
{
	static const struct {
		const char *name;
		int b64, gz;
	} encs[] = {
		{ "", 0, 0 },	      { "text", 0, 0 },		{ "plain", 0, 0 },     { "b64", 1, 0 },
		{ "base64", 1, 0 },   { "gzip", 0, 1 },		{ "gz", 0, 1 },	       { "gz+b64", 1, 1 },
		{ "gzip+base64", 1, 1 }, { "gz+base64", 1, 1 }, { "gzip+b64", 1, 1 },
	};
	const char *s;
	size_t len;
	char w[PV_WHERE];
	if (cc_str(cc, n, path, &s, &len) < 0)
		return -1;
	for (size_t i = 0; i < sizeof encs / sizeof *encs; i++)
		if (!strcasecmp(s, encs[i].name)) {
			*b64 = encs[i].b64;
			*gz = encs[i].gz;
			return 0;
		}
	return pv_fail(&cc->pv, cc_where(w, sizeof w, n, path),
		       "unknown encoding \"%.40s\" (b64, gzip, gzip+base64 or none)", s);
}

/* A file's content N (NULL: none) at PATH decoded into F. */
static int content(struct cc *cc, const yaml_node_t *n, const char *path, int b64, int gz, struct pv_file *f)
{
	const char *s = "";
	size_t len = 0;
	char w[PV_WHERE], *raw;
	if (!n)
		return pv_decode(&cc->pv, path, "", 0, 0, 0, &f->content, &f->len);
	if (cc_str(cc, n, path, &s, &len) < 0)
		return -1;
	cc_where(w, sizeof w, n, path);
	/* !!binary content is base64 before any encoding (cloud-init's). */
	if (!n->tag || strcmp((const char *)n->tag, TAG_BINARY))
		return pv_decode(&cc->pv, w, s, len, b64, gz, &f->content, &f->len);
	if (pv_decode(&cc->pv, w, s, len, 1, 0, &raw, &len) < 0)
		return -1;
	int rc = pv_decode(&cc->pv, w, raw, len, b64, gz, &f->content, &f->len);
	free(raw);
	return rc;
}

static int file(struct cc *cc, const yaml_node_t *n, const char *at)
{
	enum { PATH, CONTENT, ENCODING, PERMISSIONS, OWNER, APPEND };
	static const char *const names[] = {
		[PATH] = "path",	[CONTENT] = "content", [ENCODING] = "encoding", [PERMISSIONS] = "permissions",
		[OWNER] = "owner", [APPEND] = "append",   NULL,
	};
	char path[PV_PATH], w[PV_WHERE];
	if (cc_map(cc, n, at) < 0)
		return -1;
	struct pv_config *cfg = cc->pv.cfg;
	struct pv_file *f = pv_append(&cc->pv, &cfg->files, &cfg->nfiles, sizeof *f);
	if (!f)
		return -1;
	f->mode = 0644;
	const yaml_node_t *text = NULL;
	int b64 = 0, gz = 0;
	CC_PAIRS(n, p) {
		const yaml_node_t *v = cc_node(cc, p->value);
		int k = cc_key(cc, p, names, at, path), rc = 0;
		if (k == PATH || k == OWNER)
			rc = cc_set(cc, v, path, k == PATH ? &f->path : &f->owner,
				    k == PATH ? pv_bad_path : pv_bad_owner);
		else if (k == CONTENT)
			text = v;
		else if (k == ENCODING)
			rc = encoding(cc, v, path, &b64, &gz);
		else if (k == PERMISSIONS)
			rc = mode(cc, v, path, &f->mode), f->mode_given = 1;
		else if (k == APPEND)
			rc = cc_bool(cc, v, path, &f->append);
		if (rc < 0 || k == -2)
			return -1;
	}
	if (!f->path)
		return pv_fail(&cc->pv, cc_where(w, sizeof w, n, at), "path is required");
	return content(cc, text, pv_key_path(path, at, "content"), b64, gz, f);
}

int cc_top(struct cc *cc, const yaml_node_t *root)
{
	enum { HOSTNAME, KEYS, USERS, FILES, BERTH, COREOS };
	static const char *const names[] = {
		[HOSTNAME] = "hostname", [KEYS] = "ssh_authorized_keys", [USERS] = "users", [FILES] = "write_files",
		[BERTH] = "berth",	 [COREOS] = "coreos",		  NULL,
	};
	struct pv_config *cfg = cc->pv.cfg;
	const char *berth = NULL;
	char path[PV_PATH], w[PV_WHERE];
	if (cc_map(cc, root, "") < 0)
		return -1;
	CC_PAIRS(root, p) {
		const yaml_node_t *v = cc_node(cc, p->value);
		int k = cc_key(cc, p, names, "", path), rc = 0;
		if (k == HOSTNAME)
			rc = cc_set(cc, v, path, &cfg->hostname, pv_bad_hostname);
		else if (k == KEYS)
			rc = cc_strings(cc, v, path, &cfg->ssh_keys, pv_bad_key);
		else if (k == USERS || k == FILES)
			rc = cc_each(cc, v, path, k == USERS ? user : file);
		else if ((k == BERTH || k == COREOS) && berth)
			return pv_fail(&cc->pv, cc_where(w, sizeof w, cc_node(cc, p->key), ""),
				       "%s and %s both given (coreos is another name for berth)", berth, names[k]);
		if (k == BERTH || k == COREOS) {
			berth = names[k];
			rc = cc_berth(cc, v, path);
		}
		if (rc < 0 || k == -2)
			return -1;
	}
	return 0;
}
