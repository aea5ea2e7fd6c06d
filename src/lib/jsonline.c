/* json_line_of: a walk of a JSON text that jansson has already found valid,
 * skipping every value but the one the path leads to. */
#include "jsonline.h"

#include <stdlib.h>
#include <string.h>

struct walk {
	const char *p, *end;
};

static void blanks(struct walk *w)
{
	while (w->p < w->end && strchr(" \t\r\n", *w->p))
		w->p++;
}

/* Past a string at its opening quote; its contents (escapes as written) in
 * *S and *N. */
static int string(struct walk *w, const char **s, size_t *n)
{
	if (w->p >= w->end || *w->p != '"')
		return -1;
	const char *start = ++w->p;
	while (w->p < w->end && *w->p != '"')
		w->p += *w->p == '\\' ? 2 : 1;
	if (w->p >= w->end)
		return -1;
	*s = start;
	*n = (size_t)(w->p++ - start);
	return 0;
}

/* Past the value at W's position. */
static int skip(struct walk *w)
{
	const char *s;
	size_t n;
	int depth = 0;
	blanks(w);
	while (w->p < w->end) {
		char c = *w->p;
		if (c == '"') {
			if (string(w, &s, &n) < 0)
				return -1;
		} else if (c == '{' || c == '[') {
			depth++, w->p++;
		} else if (c == '}' || c == ']') {
			if (!depth) /* the end of a number, true, false or null */
				return 0;
			depth--, w->p++;
		} else if (c == ',' && !depth) {
			return 0;
		} else {
			w->p++;
		}
		if (!depth && (c == '"' || c == '}' || c == ']'))
			return 0; /* a string, an object or an array, whole */
	}
	return depth ? -1 : 0;
}

/* Past the character C, after blank space. */
static int expect(struct walk *w, char c)
{
	blanks(w);
	return w->p < w->end && *w->p++ == c ? 0 : -1;
}

/* To the member KEY (N bytes) of the object at W's position. */
static int member(struct walk *w, const char *key, size_t n)
{
	const char *s;
	size_t l;
	if (expect(w, '{') < 0)
		return -1;
	for (;;) {
		blanks(w);
		if (string(w, &s, &l) < 0 || expect(w, ':') < 0)
			return -1;
		blanks(w);
		if (l == n && !memcmp(s, key, n))
			return 0;
		if (skip(w) < 0 || expect(w, ',') < 0)
			return -1;
	}
}

/* To element I of the array at W's position. */
static int element(struct walk *w, size_t i)
{
	if (expect(w, '[') < 0)
		return -1;
	for (;; i--) {
		blanks(w);
		if (w->p < w->end && *w->p == ']')
			return -1;
		if (!i)
			return 0;
		if (skip(w) < 0 || expect(w, ',') < 0)
			return -1;
	}
}

size_t json_line_of(const char *text, size_t len, const char *path)
{
	struct walk w = { text, text + len };
	while (*path) {
		if (*path == '[') {
			char *e;
			size_t i = strtoul(path + 1, &e, 10);
			if (*e != ']' || element(&w, i) < 0)
				return 0;
			path = e + 1;
		} else {
			path += *path == '.';
			size_t n = strcspn(path, ".[");
			if (member(&w, path, n) < 0)
				return 0;
			path += n;
		}
	}
	blanks(&w);
	size_t line = 1;
	for (const char *p = text; p < w.p; p++)
		line += *p == '\n';
	return line;
}
