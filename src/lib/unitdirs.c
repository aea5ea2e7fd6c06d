/* Unit directories: see unitdirs.h. */
#include "unitdirs.h"

#include "atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "depgraph.h"

#define MAX_UNIT_FILE (1 << 20)

static int valid_unit_name(const char *n)
{
	const char *dot = strrchr(n, '.');
	if (!dot || dot == n || (strcmp(dot, ".service") && strcmp(dot, ".target")))
		return 0;
	for (const char *p = n; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x21)
			return 0;
	return 1;
}

/* Finds the highest-priority file for FILE in DIRS: 1 found, 0 none, -1 masked
 * (a link to /dev/null, as systemd masks units). Other entries are ignored. */
static int find_file(const char *const *dirs, size_t ndirs, const char *file, char *path, size_t len)
{
	for (size_t d = ndirs; d-- > 0;) {
		struct stat st;
		snprintf(path, len, "%s/%s", dirs[d], file);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			return 1;
		if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3)
			return -1;
	}
	return 0;
}

/* Inserts unit NAME loaded from PATH (or an error unit), keeping SET sorted. */
static struct unit *add(struct unit_set *set, const char *name, const char *path,
			const char *hostname, const char *machine_id)
{
	struct unit u;
	size_t len;
	char *text = file_read_all(path, MAX_UNIT_FILE, &len);
	int rc;
	if (text) {
		rc = unit_load(&u, name, path, text, len, hostname, machine_id);
		free(text);
	} else {
		int e = errno;
		rc = unit_load(&u, name, path, "", 0, hostname, machine_id);
		if (rc == 0) { /* the unit exists, broken: say why */
			free(u.diags);
			u.diags = malloc(sizeof *u.diags);
			u.ndiags = u.nerrors = u.diags ? 1 : 0;
			if (u.diags) {
				u.diags->line = 0;
				u.diags->error = 1;
				snprintf(u.diags->msg, sizeof u.diags->msg, "%s: cannot read: %s", path, strerror(e));
			}
		}
	}
	if (rc < 0 || unit_set_insert(set, &u) < 0) {
		unit_free(&u);
		return NULL;
	}
	return &set->units[dep_find(set->units, set->n, name)];
}

struct unit *unitdirs_get(struct unit_set *set, const char *const *dirs, size_t ndirs,
			  const char *name, const char *hostname, const char *machine_id)
{
	long i = dep_find(set->units, set->n, name);
	if (i >= 0)
		return &set->units[i];
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');
	if (!valid_unit_name(name) || (at && at + 1 == dot))
		return NULL; /* a template is not a unit until it has an instance */
	char path[4096];
	int found = find_file(dirs, ndirs, name, path, sizeof path);
	if (found < 0)
		return NULL;
	if (found)
		return add(set, name, path, hostname, machine_id);
	/* name@instance.type -> name@.type */
	if (!at || at > dot)
		return NULL;
	char tmpl[512];
	snprintf(tmpl, sizeof tmpl, "%.*s%s", (int)(at - name + 1), name, dot);
	if (find_file(dirs, ndirs, tmpl, path, sizeof path) <= 0)
		return NULL;
	return add(set, name, path, hostname, machine_id);
}

/* TARGET.wants/NAME and TARGET.requires/NAME (the links enabling makes) add
 * NAME to TARGET's Wants= or Requires=. The highest-priority directory's entry
 * for a name decides: a link to /dev/null there cancels the others (a unit the
 * image enables, disabled by the admin). Returns -1 if out of memory. */
static int load_links(struct unit_set *set, const char *const *dirs, size_t ndirs,
		      const char *hostname, const char *machine_id)
{
	static const char *const kinds[] = { ".wants", ".requires" };
	for (size_t d = 0; d < ndirs; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;
		while (dir && (e = readdir(dir))) {
			for (int k = 0; k < 2; k++) {
				size_t nl = strlen(e->d_name), kl = strlen(kinds[k]);
				if (nl <= kl || strcmp(e->d_name + nl - kl, kinds[k]))
					continue;
				char target[256], sub[4096];
				snprintf(target, sizeof target, "%.*s", (int)(nl - kl), e->d_name);
				snprintf(sub, sizeof sub, "%s/%s", dirs[d], e->d_name);
				DIR *sd = valid_unit_name(target) ? opendir(sub) : NULL;
				struct dirent *f;
				while (sd && (f = readdir(sd))) {
					char rel[600], path[4096];
					snprintf(rel, sizeof rel, "%s/%s", e->d_name, f->d_name);
					if (!valid_unit_name(f->d_name) || find_file(dirs, ndirs, rel, path, sizeof path) < 0)
						continue;
					size_t before = set->n;
					struct unit *t = unitdirs_get(set, dirs, ndirs, target, hostname, machine_id);
					if (!t && set->n > before) {
						closedir(sd);
						closedir(dir);
						return -1;
					}
					struct strv *list = k ? &t->requires : &t->wants;
					if (t && !strv_contains(list, f->d_name) && strv_add(list, f->d_name) < 0) {
						closedir(sd);
						closedir(dir);
						return -1;
					}
				}
				if (sd)
					closedir(sd);
			}
		}
		if (dir)
			closedir(dir);
	}
	return 0;
}

int unitdirs_load(struct unit_set *set, const char *const *dirs, size_t ndirs,
		  const char *hostname, const char *machine_id)
{
	memset(set, 0, sizeof *set);
	for (size_t d = 0; d < ndirs; d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			continue;
		struct dirent *e;
		while ((e = readdir(dir))) {
			const char *at = strchr(e->d_name, '@');
			if (!valid_unit_name(e->d_name) || (at && at[1] == '.'))
				continue; /* templates load only as instances */
			if (dep_find(set->units, set->n, e->d_name) >= 0)
				continue; /* already loaded, from the winning directory */
			/* NULL with nothing added: masked, or not a file (a broken link):
			 * no unit. Only a failed insertion is out of memory. */
			size_t before = set->n;
			if (!unitdirs_get(set, dirs, ndirs, e->d_name, hostname, machine_id) && set->n > before) {
				closedir(dir);
				return -1;
			}
		}
		closedir(dir);
	}
	if (load_links(set, dirs, ndirs, hostname, machine_id) < 0)
		return -1;
	/* Instances named by dependencies, also of instances loaded here: after any
	 * addition the scan starts again (the array moved; the sets are small). */
restart:
	for (size_t i = 0; i < set->n; i++) {
		for (int l = 0; l < 4; l++) {
			for (size_t k = 0;; k++) {
				const struct unit *u = &set->units[i];
				const struct strv *s = l == 0 ? &u->requires : l == 1 ? &u->wants : l == 2 ? &u->binds_to : &u->wanted_by;
				if (k >= s->n)
					break;
				char name[512];
				snprintf(name, sizeof name, "%s", s->v[k]);
				size_t before = set->n;
				struct unit *got = unitdirs_get(set, dirs, ndirs, name, hostname, machine_id);
				if (set->n > before && !got)
					return -1;
				if (set->n > before)
					goto restart;
			}
		}
	}
	return 0;
}

int unit_set_insert(struct unit_set *set, struct unit *u)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 32;
		struct unit *v = realloc(set->units, cap * sizeof *v);
		if (!v)
			return -1;
		set->units = v;
		set->cap = cap;
	}
	size_t at = 0;
	while (at < set->n && strcmp(set->units[at].name, u->name) < 0)
		at++;
	memmove(set->units + at + 1, set->units + at, (set->n - at) * sizeof *set->units);
	set->units[at] = *u;
	set->n++;
	memset(u, 0, sizeof *u);
	return 0;
}

void unit_set_free(struct unit_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		unit_free(&set->units[i]);
	free(set->units);
	memset(set, 0, sizeof *set);
}
