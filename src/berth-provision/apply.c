/* Applying a checked configuration: static addresses, the host name, files,
 * Berth's settings files, units. Each part says what failed and the rest goes
 * on: a node with one bad file is still a node that can be reached. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/ctlclient.h"
#include "../lib/mkdirp.h"
#include "provision.h"

/* Makes the parent directory of PATH. */
static int parent_dir(const char *path)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	return mkdir_p(dir, 0755);
}

static int write_text(const char *path, const char *text, size_t len, unsigned mode, uid_t uid, gid_t gid)
{
	char err[ERRLEN];
	if (parent_dir(path) < 0) {
		say("cannot make the directory of %s: %s", path, strerror(errno));
		return 1;
	}
	if (file_write_atomic(path, text, len, mode, uid, gid, err, sizeof err) < 0) {
		say("%s", err);
		return 1;
	}
	return 0;
}

int apply_network(const struct prov_env *env, const struct node_meta *m)
{
	if (!m->network.n)
		return 0;
	char head[600], path[4096];
	snprintf(head, sizeof head, "# Static addresses from %s, written at first boot by berth-provision.\n"
				    "# network-up reads it at every boot; interfaces not named here get DHCP.\n",
		 m->source);
	size_t len = strlen(head);
	for (size_t i = 0; i < m->network.n; i++)
		len += strlen(m->network.v[i]) + 1;
	char *buf = malloc(len + 1), *p = buf;
	if (!buf)
		return 1;
	p = stpcpy(p, head);
	for (size_t i = 0; i < m->network.n; i++)
		p += sprintf(p, "%s\n", m->network.v[i]);
	int rc = write_text(rooted(env, "/etc/berth/network.conf", path, sizeof path), buf, len, 0644, (uid_t)-1, 0);
	free(buf);
	return rc;
}

/* A host name as RFC 1123 has them: labels of letters, digits and hyphens. */
static int valid_hostname(const char *h)
{
	size_t n = strlen(h), label = 0;
	if (!n || n > 253)
		return 0;
	for (const char *c = h; *c; c++) {
		if (*c == '.') {
			if (!label || c[-1] == '-')
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)*c) || (*c == '-' && label)) {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0;
}

int apply_hostname(const struct prov_env *env, const char *hostname)
{
	char path[4096], line[300];
	if (!hostname)
		return 0;
	if (!valid_hostname(hostname)) {
		say("host name \"%s\" is not valid (letters, digits, hyphens, dots); not set", hostname);
		return 1;
	}
	int n = snprintf(line, sizeof line, "%s\n", hostname);
	if (write_text(rooted(env, "/etc/hostname", path, sizeof path), line, (size_t)n, 0644, (uid_t)-1, 0))
		return 1;
	if (!*env->root && sethostname(hostname, strlen(hostname)) < 0) {
		say("sethostname %s: %s", hostname, strerror(errno));
		return 1;
	}
	return 0;
}

int apply_files(const struct prov_env *env, const struct pv_config *cfg)
{
	int failed = 0;
	for (size_t i = 0; i < cfg->nfiles; i++) {
		const struct pv_file *f = &cfg->files[i];
		char path[4200], err[ERRLEN];
		uid_t uid = 0;
		gid_t gid = 0;
		rooted(env, f->path, path, sizeof path);
		if (f->owner && owner_ids(env, f->owner, &uid, &gid, err) < 0) {
			say("%s: %s; not written", f->path, err);
			failed++;
			continue;
		}
		size_t oldlen = 0;
		char *old = f->append ? file_read_all(path, 64 << 20, &oldlen) : NULL, *text = NULL;
		/* A file that is there but cannot be read is left alone: appending
		 * to nothing would replace it. */
		if (f->append && !old && errno != ENOENT) {
			say("%s: cannot read it to append to it: %s; not written", f->path, strerror(errno));
			failed++;
			continue;
		}
		if (old && !(text = malloc(oldlen + f->len + 1))) {
			say("%s: out of memory; not written", f->path);
			free(old);
			failed++;
			continue;
		}
		unsigned mode = f->mode;
		struct stat st;
		if (old) {
			memcpy(text, old, oldlen);
			memcpy(text + oldlen, f->content, f->len);
			/* A file appended to keeps its mode and owner unless given
			 * (as Ignition does). */
			if (stat(path, &st) == 0) {
				mode = f->mode_given ? mode : st.st_mode & 07777;
				uid = f->owner ? uid : st.st_uid;
				gid = f->owner ? gid : st.st_gid;
			}
		}
		free(old);
		/* In a test tree, files stay the tester's; on a node they are the owner's. */
		int rc = write_text(path, text ? text : f->content, text ? oldlen + f->len : f->len, mode,
				    *env->root ? (uid_t)-1 : uid, gid);
		free(text);
		if (rc)
			failed++;
		else
			say("wrote %s", f->path);
	}
	return failed;
}

/* NAME=value lines of SET replace those of the same names in FILE (whose
 * other lines stay as they are) or are added to it. */
static int merge_settings(const struct prov_env *env, const char *file, const struct strv *set)
{
	char path[4096];
	if (!set->n)
		return 0;
	rooted(env, file, path, sizeof path);
	size_t len = 0;
	char *old = file_read_all(path, 1 << 20, &len);
	if (!old && errno != ENOENT) { /* its other lines would be lost */
		say("%s: cannot read it: %s; not changed", file, strerror(errno));
		return 1;
	}
	size_t cap = len + 64;
	for (size_t i = 0; i < set->n; i++)
		cap += strlen(set->v[i]) + 1;
	char *out = malloc(cap), *o = out;
	if (!out) {
		free(old);
		return 1;
	}
	*o = '\0';
	for (char *p = old; p && *p;) {
		size_t l = strcspn(p, "\n"), name = strcspn(p, "=\n");
		int replaced = 0;
		for (size_t i = 0; i < set->n && p[name] == '='; i++)
			replaced |= !strncmp(set->v[i], p, name + 1);
		if (!replaced)
			o += sprintf(o, "%.*s\n", (int)l, p);
		p += l + (p[l] == '\n');
	}
	for (size_t i = 0; i < set->n; i++)
		o += sprintf(o, "%s\n", set->v[i]);
	free(old);
	int rc = write_text(path, out, (size_t)(o - out), 0644, (uid_t)-1, 0);
	if (!rc)
		say("settings in %s: %zu", file, set->n);
	free(out);
	return rc;
}

int apply_settings(const struct prov_env *env, const struct pv_config *cfg)
{
	return merge_settings(env, "/etc/berth/etcd.conf", &cfg->etcd) +
	       merge_settings(env, "/etc/berth/fleet.conf", &cfg->fleet) +
	       merge_settings(env, "/etc/berth/update.conf", &cfg->update);
}

/* REQUEST to init: 0 if it did it, else init's code (4: no such unit) or -1,
 * said (a status request's answer is not: it only asks). */
static int tell_init(const struct prov_env *env, const char *request, const char *unit)
{
	char req[600], err[ERRLEN];
	struct ctl_text out = { 0 };
	snprintf(req, sizeof req, "%s%s%s\n", request, unit ? " " : "", unit ? unit : "");
	int code = ctl_call(env->init_socket, req, 30, ctl_collect, &out, err, sizeof err);
	if (code < 0 || (code != 0 && strcmp(request, "status")))
		say("initctl %s%s%s: %s", request, unit ? " " : "", unit ? unit : "",
		    code < 0 ? err : out.text ? out.text : "failed");
	free(out.text);
	return code;
}

/* NAME masked as systemd masks: /etc/berth/units/NAME a link to /dev/null.
 * A unit file of the administrator's there is not replaced (systemctl mask
 * refuses it too). */
static int mask_unit(const struct prov_env *env, const char *name)
{
	char path[4200], dir[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/etc/berth/units/%s", env->root, name);
	if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode)) {
		say("%s: cannot mask it: %s is a unit file; not masked", name, path + strlen(env->root));
		return 1;
	}
	if (mkdir_p(rooted(env, "/etc/berth/units", dir, sizeof dir), 0755) < 0 ||
	    ((unlink(path) < 0 && errno != ENOENT) || symlink("/dev/null", path) < 0)) {
		say("%s: cannot mask it: %s", name, strerror(errno));
		return 1;
	}
	say("masked %s", name);
	return 0;
}

int apply_units(const struct prov_env *env, const struct pv_config *cfg)
{
	int failed = 0;
	char path[4200];
	for (size_t i = 0; i < cfg->nunits; i++) {
		const struct pv_unit *u = &cfg->units[i];
		if (u->mask)
			failed += mask_unit(env, u->name);
		if (u->content) {
			snprintf(path, sizeof path, "%s/etc/berth/units/%s", env->root, u->name);
			failed += write_text(path, u->content, strlen(u->content), 0644, (uid_t)-1, 0);
		}
		for (size_t d = 0; d < u->ndropins; d++) {
			snprintf(path, sizeof path, "%s/etc/berth/units/%s.d/%s", env->root, u->name, u->dropins[d].name);
			failed += write_text(path, u->dropins[d].content, strlen(u->dropins[d].content), 0644, (uid_t)-1,
					     0);
		}
	}
	if (!cfg->nunits || !env->init_socket)
		return failed;
	failed += tell_init(env, "daemon-reload", NULL) != 0;
	for (size_t i = 0; i < cfg->nunits; i++) {
		const struct pv_unit *u = &cfg->units[i];
		char req[64];
		if (u->mask) {
			/* Gone from init with the reload, unless it runs: then
			 * command: stop stops it. Nothing else applies to it. */
			if (u->command && tell_init(env, "status", u->name) != 4) {
				snprintf(path, sizeof path, "%s no-block", u->name);
				failed += tell_init(env, "stop", path) != 0;
			}
			continue;
		}
		if (u->enable >= 0)
			failed += tell_init(env, u->enable ? "enable" : "disable", u->name) != 0;
		/* An enabled unit also starts now, as Ignition's do at first boot;
		 * not waited for: the boot goes on while it comes up. */
		const char *cmd = u->command ? u->command : u->enable == 1 ? "start" : NULL;
		if (cmd) {
			/* init has no try-restart nor reload-or-...: at first boot, a
			 * restart does what they would. */
			snprintf(req, sizeof req, "%s",
				 strcmp(cmd, "try-restart") && strncmp(cmd, "reload-or-", 10) ? cmd : "restart");
			snprintf(path, sizeof path, "%s no-block", u->name);
			failed += tell_init(env, req, path) != 0;
		}
	}
	return failed;
}
