/* Image references: see imageref.h. The grammar is the distribution spec's
 * (reference.go of the docker/distribution project), checked here by hand as
 * it is small and fixed. */
#include "imageref.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int is_sha256_digest(const char *s)
{
	if (strncmp(s, "sha256:", 7))
		return 0;
	for (int i = 0; i < 64; i++)
		if (!isdigit((unsigned char)s[7 + i]) && !(s[7 + i] >= 'a' && s[7 + i] <= 'f'))
			return 0;
	return s[71] == '\0';
}

/* A path component: [a-z0-9]+ with separators '.', '_', '__' or '-'+ between. */
static bool component_ok(const char *s, size_t n)
{
	if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isupper(c))
			return false;
		if (isalnum(c))
			continue;
		if (c == '-')
			continue;
		if (c == '.' || c == '_') {
			/* one '.', one '_' or two '_' between alphanumerics */
			size_t run = 1;
			while (i + run < n && s[i + run] == '_' && c == '_')
				run++;
			if (run > 2 || !isalnum((unsigned char)s[i + run]))
				return false;
			i += run - 1;
			continue;
		}
		return false;
	}
	return true;
}

static bool host_ok(const char *s, size_t n)
{
	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
			return false;
	}
	return s[0] != '.' && s[0] != '-';
}

static bool tag_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128 || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

int imageref_parse(const char *ref, const char *default_host, struct imageref *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	char buf[600];
	if (!*ref) {
		snprintf(err, errlen, "empty image reference");
		return -1;
	}
	if (strlen(ref) >= sizeof buf) {
		snprintf(err, errlen, "image reference \"%.40s...\" is too long", ref);
		return -1;
	}
	strcpy(buf, ref);
	char *at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (!is_sha256_digest(at + 1)) {
			snprintf(err, errlen, "\"%s\": the digest must be sha256: and 64 lower-case hex digits", ref);
			return -1;
		}
		strcpy(r->digest, at + 1);
	}
	/* The tag follows the last ':' after the last '/' (a ':' before it is a port). */
	char *slash = strrchr(buf, '/');
	char *colon = strrchr(slash ? slash : buf, ':');
	if (colon) {
		*colon = '\0';
		if (!tag_ok(colon + 1)) {
			snprintf(err, errlen, "\"%s\": invalid tag \"%s\" (letters, digits, '_', '.', '-'; at most 128)",
				 ref, colon + 1);
			return -1;
		}
		snprintf(r->tag, sizeof r->tag, "%s", colon + 1);
	}
	char *name = buf;
	char *first = strchr(buf, '/');
	if (first) {
		size_t n = (size_t)(first - buf);
		if (memchr(buf, '.', n) || memchr(buf, ':', n) || (n == 9 && !strncmp(buf, "localhost", 9))) {
			if (!host_ok(buf, n)) {
				snprintf(err, errlen, "\"%s\": invalid registry host \"%.*s\"", ref, (int)n, buf);
				return -1;
			}
			memcpy(r->host, buf, n);
			name = first + 1;
		}
	}
	if (!*r->host) {
		/* Without a default registry the name stays local (loaded images). */
		snprintf(r->host, sizeof r->host, "%s", default_host ? default_host : "");
		if (*r->host && !strchr(name, '/')) {
			if (strlen(name) + 8 >= sizeof r->path)
				goto toolong;
			memcpy(r->path, "library/", 8);
			memcpy(r->path + 8, name, strlen(name) + 1);
		}
	}
	if (!*r->path) {
		if (strlen(name) >= sizeof r->path)
			goto toolong;
		strcpy(r->path, name);
	}
	for (char *c = r->path; ; ) {
		char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (!component_ok(c, n)) {
			snprintf(err, errlen, "\"%s\": invalid name component \"%.*s\" (lower-case letters, "
				 "digits, and '.', '_', '__' or '-' between them)", ref, (int)n, c);
			return -1;
		}
		if (!e)
			break;
		c = e + 1;
	}
	if (!*r->tag && !*r->digest)
		strcpy(r->tag, "latest");
	return 0;
toolong:
	snprintf(err, errlen, "\"%s\": the name is too long", ref);
	return -1;
}

void imageref_format(const struct imageref *r, const char *default_host, char *out, size_t len)
{
	const char *path = r->path;
	bool dflt = !*r->host || (default_host && !strcmp(r->host, default_host));
	if (dflt && !strncmp(path, "library/", 8) && !strchr(path + 8, '/'))
		path += 8;
	snprintf(out, len, "%s%s%s%s%s", dflt ? "" : r->host, dflt ? "" : "/", path,
		 *r->tag ? ":" : "@", *r->tag ? r->tag : r->digest);
}
