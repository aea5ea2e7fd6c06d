/* Settings files: see conf.h. */
#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "environ.h"

/* The line of TEXT where NAME= is set (the last time), for messages. */
static int line_of(const char *text, const char *name, size_t nl)
{
	int line = 1, found = 0;
	for (const char *p = text; *p; line++) {
		const char *s = p + strspn(p, " \t");
		if (!strncmp(s, name, nl) && (s[nl] == '=' || s[nl] == ' ' || s[nl] == '\t'))
			found = line;
		p += strcspn(p, "\n");
		p += *p == '\n';
	}
	return found;
}

static int load_one(struct strv *env, const char *path, const char *const *known, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char buf[16384], perr[256];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0 || n == (ssize_t)sizeof buf - 1) {
		snprintf(err, errlen, "%s: %s", path, n < 0 ? strerror(errno) : "too long");
		return -1;
	}
	buf[n] = '\0';
	struct strv one = { 0 };
	if (environ_parse_file(&one, buf, (size_t)n, perr, sizeof perr) < 0) {
		snprintf(err, errlen, "%s: %s", path, perr);
		strv_clear(&one);
		return -1;
	}
	int r = 0;
	for (size_t k = 0; k < one.n && !r; k++) {
		size_t nl = strcspn(one.v[k], "=");
		bool ok = false;
		for (int j = 0; known[j] && !ok; j++)
			ok = strlen(known[j]) == nl && !strncmp(known[j], one.v[k], nl);
		if (!ok) {
			snprintf(err, errlen, "%s: line %d: unknown setting %.*s", path, line_of(buf, one.v[k], nl),
				 (int)nl, one.v[k]);
			r = -1;
		}
	}
	for (size_t k = 0; k < one.n && !r; k++) {
		/* A later file's setting replaces an earlier one. */
		size_t nl = strcspn(one.v[k], "=");
		for (size_t j = 0; j < env->n; j++)
			if (!strncmp(env->v[j], one.v[k], nl + 1)) {
				char *copy = strdup(one.v[k]);
				if (!copy)
					r = -1;
				else {
					free(env->v[j]);
					env->v[j] = copy;
				}
				goto next;
			}
		if (strv_add(env, one.v[k]) < 0)
			r = -1;
	next:;
	}
	if (r < 0 && !*err)
		snprintf(err, errlen, "%s: out of memory", path);
	strv_clear(&one);
	return r;
}

int conf_load(struct strv *env, const char *const *files, size_t nfiles, const char *const *known, char *err,
	      size_t errlen)
{
	*err = '\0';
	for (size_t k = 0; k < nfiles; k++)
		if (load_one(env, files[k], known, err, errlen) < 0)
			return -1;
	return 0;
}

const char *conf_get(const struct strv *env, const char *name, const char *dflt)
{
	const char *v = environ_get(env, name, (int)strlen(name));
	return v ? v : dflt;
}
