/* Users, groups and their SSH keys: lines added to /etc/passwd, /etc/group
 * and /etc/shadow (on STATE, through /etc's overlay), home directories on
 * /var, authorized_keys. Nobody gets a password: accounts are locked ("*")
 * for passwords, and SSH takes keys only. Keys the platform holds for the node
 * and ssh_authorized_keys are for core and root (docs/provision.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/mkdirp.h"
#include "provision.h"

#define FIRST_ID 1000

/* Field N (0-based) of the colon-separated LINE, into OUT. */
static void field(const char *line, int n, char *out, size_t len)
{
	for (; n > 0 && line; n--)
		line = strchr(line, ':') ? strchr(line, ':') + 1 : NULL;
	size_t l = line ? strcspn(line, ":\n") : 0;
	snprintf(out, len, "%.*s", (int)(l < len ? l : len - 1), line ? line : "");
}

/* The line of database DB (/etc/passwd, /etc/group) whose first field is
 * NAME (or, when BY_ID, whose third field is), copied into LINE. */
static int db_find(const struct prov_env *env, const char *db, const char *name, int by_id, char *line, size_t len)
{
	char path[4096], f[256], *buf = NULL;
	size_t cap = 0;
	FILE *fp = fopen(rooted(env, db, path, sizeof path), "re");
	int found = 0;
	/* Whole lines: a piece of a long one must not match as a line. */
	while (fp && !found && getline(&buf, &cap, fp) >= 0) {
		field(buf, by_id ? 2 : 0, f, sizeof f);
		if ((found = !strcmp(f, name)))
			snprintf(line, len, "%s", buf);
	}
	free(buf);
	if (fp)
		fclose(fp);
	return found;
}

/* The lowest ID from FIRST_ID up that neither passwd nor group uses. */
static unsigned free_id(const struct prov_env *env)
{
	char line[1024], id[16];
	for (unsigned i = FIRST_ID;; i++) {
		snprintf(id, sizeof id, "%u", i);
		if (!db_find(env, "/etc/passwd", id, 1, line, sizeof line) &&
		    !db_find(env, "/etc/group", id, 1, line, sizeof line))
			return i;
	}
}

/* Rewrites DB with each line passed through EDIT (which may change it), and
 * ADD appended (if not NULL). */
static int db_rewrite(const struct prov_env *env, const char *db, void (*edit)(char *, size_t, void *), void *arg,
		      const char *add)
{
	char path[4096], err[ERRLEN];
	size_t len = 0;
	rooted(env, db, path, sizeof path);
	char *old = file_read_all(path, 4 << 20, &len);
	if (!old && errno != ENOENT) {
		say("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st = { .st_mode = !strcmp(db, "/etc/shadow") ? 0600 : 0644 };
	stat(path, &st);
	size_t cap = len + (add ? strlen(add) : 0) + 4096, n = 0, lineno = 0;
	char *out = malloc(cap), line[8192], *grown;
	if (!out)
		goto oom;
	for (char *p = old; p && *p;) {
		size_t l = strcspn(p, "\n");
		/* Room for what an edit adds (",NAME"); a longer line is never cut. */
		if (++lineno, l + 64 > sizeof line) {
			say("%s: line %zu is longer than %zu bytes; not changed", path, lineno, sizeof line - 64);
			free(out);
			free(old);
			return -1;
		}
		snprintf(line, sizeof line, "%.*s", (int)l, p);
		p += l + (p[l] == '\n');
		if (edit)
			edit(line, sizeof line, arg);
		size_t ll = strlen(line);
		if (n + ll + 2 > cap) {
			if (!(grown = realloc(out, cap = (n + ll) * 2 + 2)))
				goto oom;
			out = grown;
		}
		n += (size_t)sprintf(out + n, "%s\n", line);
	}
	if (add && n + strlen(add) + 2 > cap) {
		if (!(grown = realloc(out, cap = n + strlen(add) + 2)))
			goto oom;
		out = grown;
	}
	if (add)
		n += (size_t)sprintf(out + n, "%s\n", add);
	int rc = file_write_atomic(path, out, n, st.st_mode & 07777, (uid_t)-1, 0, err, sizeof err);
	if (rc < 0)
		say("%s", err);
	free(out);
	free(old);
	return rc;
oom:
	say("%s: out of memory", path);
	free(out);
	free(old);
	return -1;
}

struct member_add {
	const char *group, *user;
};

static void add_member(char *line, size_t len, void *arg)
{
	struct member_add *a = arg;
	char name[256], members[8192]; /* as long as a line db_rewrite takes */
	field(line, 0, name, sizeof name);
	field(line, 3, members, sizeof members);
	if (strcmp(name, a->group))
		return;
	for (char *m = members; *m;) { /* already a member? */
		size_t l = strcspn(m, ",");
		if (l == strlen(a->user) && !strncmp(m, a->user, l))
			return;
		m += l + (m[l] == ',');
	}
	size_t n = strlen(line);
	snprintf(line + n, len - n, "%s%s", members[0] ? "," : "", a->user);
}

static int ensure_group(const struct prov_env *env, const char *group, unsigned gid)
{
	char line[1024], add[300];
	if (db_find(env, "/etc/group", group, 0, line, sizeof line))
		return 0;
	snprintf(add, sizeof add, "%s:x:%u:", group, gid ? gid : free_id(env));
	return db_rewrite(env, "/etc/group", NULL, NULL, add);
}

/* "USER[:GROUP]" (names or numbers) as IDs; a user alone gives its own group. */
int owner_ids(const struct prov_env *env, const char *owner, uid_t *uid, gid_t *gid, char *err)
{
	char user[256], group[256], line[1024], f[32];
	snprintf(user, sizeof user, "%.*s", (int)strcspn(owner, ":"), owner);
	snprintf(group, sizeof group, "%s", strchr(owner, ':') ? strchr(owner, ':') + 1 : "");
	char *end;
	unsigned long n = strtoul(user, &end, 10);
	if (*user && !*end) {
		*uid = (uid_t)n, *gid = (gid_t)n;
	} else if (db_find(env, "/etc/passwd", user, 0, line, sizeof line)) {
		field(line, 2, f, sizeof f), *uid = (uid_t)atol(f);
		field(line, 3, f, sizeof f), *gid = (gid_t)atol(f);
	} else {
		snprintf(err, ERRLEN, "owner %s: no user %s", owner, user);
		return -1;
	}
	if (!*group)
		return 0;
	n = strtoul(group, &end, 10);
	if (!*end) {
		*gid = (gid_t)n;
	} else if (db_find(env, "/etc/group", group, 0, line, sizeof line)) {
		field(line, 2, f, sizeof f), *gid = (gid_t)atol(f);
	} else {
		snprintf(err, ERRLEN, "owner %s: no group %s", owner, group);
		return -1;
	}
	return 0;
}

/* Adds KEYS to USER's authorized_keys (those it does not have yet). */
static int add_keys(const struct prov_env *env, const char *user, char *const *keys, size_t nkeys)
{
	char line[1024], home[1024], dir[4200], path[4300], err[ERRLEN];
	if (!nkeys)
		return 0;
	uid_t uid;
	gid_t gid;
	if (!db_find(env, "/etc/passwd", user, 0, line, sizeof line) || owner_ids(env, user, &uid, &gid, err) < 0) {
		say("%s: no such user for its SSH keys", user);
		return 1;
	}
	field(line, 5, home, sizeof home);
	rooted(env, home, dir, sizeof dir);
	if (mkdir_p(dir, uid ? 0755 : 0700) < 0 || (*env->root == '\0' && chown(dir, uid, gid) < 0)) {
		say("%s: cannot make its home %s: %s", user, dir, strerror(errno));
		return 1;
	}
	size_t l = strlen(dir);
	snprintf(dir + l, sizeof dir - l, "/.ssh");
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || (*env->root == '\0' && chown(dir, uid, gid) < 0)) {
		say("%s: cannot make %s: %s", user, dir, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof path, "%s/authorized_keys", dir);
	size_t len = 0;
	char *have = file_read_all(path, 1 << 20, &len);
	if (!have && errno != ENOENT) { /* the keys it has would be lost */
		say("%s: cannot read %s: %s; no key added", user, path, strerror(errno));
		return 1;
	}
	struct strv lines = { 0 };
	strv_add_n(&lines, have ? have : "", len);
	if (len && have[len - 1] != '\n')
		strv_add(&lines, "\n");
	for (size_t i = 0; i < nkeys; i++) {
		if (have && strstr(have, keys[i]))
			continue;
		strv_add(&lines, keys[i]);
		strv_add(&lines, "\n");
	}
	size_t total = 0;
	for (size_t i = 0; i < lines.n; i++)
		total += strlen(lines.v[i]);
	char *text = malloc(total + 1), *p = text;
	for (size_t i = 0; text && i < lines.n; i++)
		p = stpcpy(p, lines.v[i]);
	int rc = text ? file_write_atomic(path, text, total, 0600, *env->root ? (uid_t)-1 : uid, gid, err, sizeof err) : -1;
	if (rc < 0)
		say("%s", text ? err : "out of memory");
	free(text);
	free(have);
	strv_clear(&lines);
	return rc < 0;
}

static int add_user(const struct prov_env *env, const struct pv_user *u)
{
	char line[1024], add[2048], home[1024];
	if (db_find(env, "/etc/passwd", u->name, 0, line, sizeof line))
		return 0;
	unsigned id = free_id(env);
	snprintf(home, sizeof home, "%s", u->home ? u->home : "");
	if (!*home)
		snprintf(home, sizeof home, "/var/home/%s", u->name);
	/* Its own group, or the group of its name already there (its gid). */
	char gid[16] = "";
	if (db_find(env, "/etc/group", u->name, 0, line, sizeof line)) {
		field(line, 2, gid, sizeof gid);
		/* As useradd refuses: a user named like a system group (disk,
		 * wheel) must not get its privileges by a name's chance. */
		if (strtoul(gid, NULL, 10) < 1000) {
			say("user %s: a system group %s (gid %s) exists; not added", u->name, u->name, gid);
			return 1;
		}
	} else if (ensure_group(env, u->name, id) < 0)
		return 1;
	if (!*gid)
		snprintf(gid, sizeof gid, "%u", id);
	snprintf(add, sizeof add, "%s:x:%u:%s:%s:%s:%s", u->name, id, gid, u->gecos ? u->gecos : "", home,
		 u->shell ? u->shell : "/bin/sh");
	if (db_rewrite(env, "/etc/passwd", NULL, NULL, add) < 0)
		return 1;
	snprintf(add, sizeof add, "%s:*:0:0:99999:7:::", u->name);
	if (db_rewrite(env, "/etc/shadow", NULL, NULL, add) < 0)
		return 1;
	say("user %s added (uid %u)", u->name, id);
	return 0;
}

int apply_users(const struct prov_env *env, const struct pv_config *cfg, const struct strv *platform_keys)
{
	int failed = 0;
	struct strv keys = { 0 };
	for (size_t i = 0; i < platform_keys->n; i++)
		strv_add(&keys, platform_keys->v[i]);
	for (size_t i = 0; i < cfg->ssh_keys.n; i++)
		if (!strv_contains(&keys, cfg->ssh_keys.v[i]))
			strv_add(&keys, cfg->ssh_keys.v[i]);
	failed += add_keys(env, "core", keys.v, keys.n);
	failed += add_keys(env, "root", keys.v, keys.n);
	strv_clear(&keys);
	for (size_t i = 0; i < cfg->nusers; i++) {
		const struct pv_user *u = &cfg->users[i];
		if (add_user(env, u)) {
			failed++;
			continue;
		}
		for (size_t g = 0; g < u->groups.n; g++) {
			struct member_add a = { u->groups.v[g], u->name };
			if (ensure_group(env, a.group, 0) < 0 || db_rewrite(env, "/etc/group", add_member, &a, NULL) < 0)
				failed++;
		}
		failed += add_keys(env, u->name, u->ssh_keys.v, u->ssh_keys.n);
	}
	return failed;
}
