/* Environment settings: see environ.h. Environment= reuses the Exec line splitter
 * (execline.h) for its quoting, with no variable expansion, as systemd does. */
#include "environ.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "execline.h"

static int valid_name(const char *s, size_t n)
{
	if (!n || isdigit((unsigned char)*s))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* Sets "NAME=value" (ASSIGN), replacing an earlier NAME. */
static int set(struct strv *env, const char *assign, char *err, int errlen)
{
	const char *eq = strchr(assign, '=');
	if (!eq || !valid_name(assign, (size_t)(eq - assign))) {
		snprintf(err, (size_t)errlen, "not a NAME=value assignment: %.60s", assign);
		return -1;
	}
	size_t n = (size_t)(eq - assign) + 1;
	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], assign, n)) {
			char *copy = strdup(assign);
			if (!copy)
				goto oom;
			free(env->v[i]);
			env->v[i] = copy;
			return 0;
		}
	if (strv_add(env, assign) == 0)
		return 0;
oom:
	snprintf(err, (size_t)errlen, "out of memory");
	return -1;
}

int environ_parse_setting(struct strv *env, const char *value, char *err, int errlen)
{
	struct execline el;
	/* ':' turns expansion off; a leading word is needed as the "program". */
	size_t len = strlen(value);
	char *line = malloc(len + 4);
	if (!line) {
		snprintf(err, (size_t)errlen, "out of memory");
		return -1;
	}
	memcpy(line, ":x ", 3);
	memcpy(line + 3, value, len + 1);
	int rc = execline_parse(&el, line, NULL, NULL, err, errlen);
	free(line);
	if (rc < 0)
		return -1;
	for (int i = 1; i < el.argc && rc == 0; i++)
		rc = set(env, el.argv[i], err, errlen);
	execline_free(&el);
	return rc;
}

int environ_parse_file(struct strv *env, const char *text, size_t len, char *err, int errlen)
{
	char *buf = malloc(len + 1);
	if (!buf) {
		snprintf(err, (size_t)errlen, "out of memory");
		return -1;
	}
	size_t i = 0;
	int lineno = 0, rc = 0;
	while (i < len && rc == 0) {
		size_t b = 0;
		int start = lineno + 1;
		char quote = 0;
		/* A comment is the whole line, quotes in it included. */
		size_t j = i;
		while (j < len && text[j] != '\n' && isspace((unsigned char)text[j]))
			j++;
		if (j < len && (text[j] == '#' || text[j] == ';')) {
			const char *nl = memchr(text + j, '\n', len - j);
			i = nl ? (size_t)(nl - text) + 1 : len;
			lineno++;
			continue;
		}
		/* One logical line: quotes may span lines; '\' at the end continues. */
		for (; i < len; i++) {
			char c = text[i];
			if (c == '\n') {
				lineno++;
				if (quote) {
					buf[b++] = c;
					continue;
				}
				if (b && buf[b - 1] == '\\') {
					b--;
					continue;
				}
				i++;
				break;
			}
			if (c == '\\' && i + 1 < len && text[i + 1] != '\n' && quote != '\'') {
				buf[b++] = text[++i]; /* an escaped character stands for itself */
				continue;
			}
			if ((c == '"' || c == '\'') && (!quote || quote == c)) {
				quote = quote ? 0 : c;
				continue;
			}
			buf[b++] = c;
		}
		if (i >= len && (text[len - 1] != '\n'))
			lineno++;
		if (quote) {
			snprintf(err, (size_t)errlen, "line %d: unterminated %c quote", start, quote);
			rc = -1;
			break;
		}
		buf[b] = '\0';
		char *s = buf;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#' || *s == ';')
			continue;
		char *eq = strchr(s, '=');
		if (eq) { /* "NAME = value": spaces around '=' are allowed */
			char *ne = eq;
			while (ne > s && isspace((unsigned char)ne[-1]))
				ne--;
			char *v = eq + 1;
			while (isspace((unsigned char)*v))
				v++;
			memmove(ne + 1, v, strlen(v) + 1);
			*ne = '=';
			for (char *e = ne + 1 + strlen(ne + 1); e > ne + 1 && isspace((unsigned char)e[-1]);)
				*--e = '\0';
		}
		if (set(env, s, err, errlen) < 0) {
			char msg[96];
			snprintf(msg, sizeof msg, "%s", err);
			snprintf(err, (size_t)errlen, "line %d: %s", start, msg);
			rc = -1;
		}
	}
	free(buf);
	return rc;
}

const char *environ_get(const struct strv *env, const char *name, int len)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], name, (size_t)len) && env->v[i][len] == '=')
			return env->v[i] + len + 1;
	return NULL;
}
