/* Unit file parser: see unitfile.h. One pass over the text, one line at a time;
 * continuation lines are joined into a scratch buffer first. */
#include "unitfile.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report(struct unit_error *err, int *nerr, int line, const char *fmt, ...)
{
	if (err && *nerr == 0) {
		va_list ap;
		va_start(ap, fmt);
		err->line = line;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	(*nerr)++;
}

static char *trim(char *s, char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static int add_entry(struct unit_file *uf, char *section, const char *key, const char *value, int line)
{
	if (uf->n == uf->cap) {
		size_t cap = uf->cap ? uf->cap * 2 : 16;
		struct unit_entry *e = realloc(uf->entries, cap * sizeof *e);
		if (!e)
			return -1;
		uf->entries = e;
		uf->cap = cap;
	}
	char *k = strdup(key), *v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -1;
	}
	uf->entries[uf->n++] = (struct unit_entry){ section, k, v, line };
	return 0;
}

static char *add_section(struct unit_file *uf, const char *name)
{
	char **s = realloc(uf->sections, (uf->nsections + 1) * sizeof *s);
	if (!s)
		return NULL;
	uf->sections = s;
	char *copy = strdup(name);
	if (copy)
		uf->sections[uf->nsections++] = copy;
	return copy;
}

static int valid_key(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '-' && *k != '_' && *k != '.')
			return 0;
	return 1;
}

int unit_parse(struct unit_file *uf, const char *path, const char *text, size_t len,
	       struct unit_error *err)
{
	memset(uf, 0, sizeof *uf);
	uf->path = strdup(path ? path : "");
	char *buf = malloc(len + 1); /* a logical line never exceeds the text */
	if (!uf->path || !buf) {
		free(buf);
		return -1;
	}
	char *section = NULL;
	int nerr = 0, lineno = 0, bad_section = 0;
	size_t i = 0;
	while (i < len) {
		/* Gather one logical line: physical lines ending in '\' are joined with a
		 * space; comment lines inside a continuation are dropped. */
		size_t blen = 0;
		int start = lineno + 1, cont = 0;
		for (;;) {
			size_t j = i;
			while (j < len && text[j] != '\n')
				j++;
			lineno++;
			const char *l = text + i;
			size_t n = j - i;
			if (n && l[n - 1] == '\r')
				n--;
			i = j < len ? j + 1 : j;
			size_t k = 0;
			while (k < n && isspace((unsigned char)l[k]))
				k++;
			if (cont && k < n && (l[k] == '#' || l[k] == ';')) {
				if (i >= len)
					break;
				continue;
			}
			if (memchr(l, '\0', n)) {
				report(err, &nerr, lineno, "NUL byte in line");
				n = strlen(l);
			}
			memcpy(buf + blen, l, n);
			blen += n;
			if (blen && buf[blen - 1] == '\\' && i < len) {
				buf[blen - 1] = ' ';
				cont = 1;
				continue;
			}
			break;
		}
		buf[blen] = '\0';
		char *line = trim(buf, buf + blen);
		if (!*line || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			char *close = strchr(line, ']');
			if (!close || close[1] != '\0' || close == line + 1) {
				report(err, &nerr, start, "bad section header: %.100s", line);
				section = NULL; /* its entries are dropped, silently: one error */
				bad_section = 1;
				continue;
			}
			*close = '\0';
			bad_section = 0;
			if (!(section = add_section(uf, line + 1)))
				goto oom;
			continue;
		}
		char *eq = strchr(line, '=');
		if (!eq) {
			report(err, &nerr, start, "not a Key=Value line: %.100s", line);
			continue;
		}
		char *key = trim(line, eq);
		char *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
		if (!valid_key(key)) {
			report(err, &nerr, start, "bad key name: %.100s", key);
			continue;
		}
		if (!section) {
			if (!bad_section)
				report(err, &nerr, start, "%s= outside of any section", key);
			continue;
		}
		if (add_entry(uf, section, key, value, start) < 0)
			goto oom;
	}
	free(buf);
	return nerr;
oom:
	free(buf);
	return -1;
}

const char *unit_get(const struct unit_file *uf, const char *section, const char *key)
{
	for (size_t i = uf->n; i-- > 0;)
		if (!strcmp(uf->entries[i].section, section) && !strcmp(uf->entries[i].key, key))
			return uf->entries[i].value;
	return NULL;
}

void unit_file_free(struct unit_file *uf)
{
	for (size_t i = 0; i < uf->n; i++) {
		free(uf->entries[i].key);
		free(uf->entries[i].value);
	}
	for (size_t i = 0; i < uf->nsections; i++)
		free(uf->sections[i]);
	free(uf->entries);
	free(uf->sections);
	free(uf->path);
	memset(uf, 0, sizeof *uf);
}
