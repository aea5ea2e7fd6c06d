/* Exec*= command lines: see execline.h. Words are built in a growing buffer, then
 * moved into argv; a $NAME word is replaced by the words of its value. */
#include "execline.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

struct buf {
	char *s;
	size_t n, cap;
};

static int put(struct buf *b, char c)
{
	if (b->n + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		char *s = realloc(b->s, cap);
		if (!s)
			return -1;
		b->s = s;
		b->cap = cap;
	}
	b->s[b->n++] = c;
	b->s[b->n] = '\0';
	return 0;
}

static int reset(struct buf *b)
{
	b->n = 0;
	if (!b->s && !(b->s = malloc(b->cap = 64)))
		return -1;
	b->s[0] = '\0';
	return 0;
}

static int puts_n(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (put(b, s[i]) < 0)
			return -1;
	return 0;
}

/* argv is built as a string array (strv.h); el->argv/argc mirror it. */
static int add_arg(struct execline *el, const char *s, size_t n)
{
	struct strv v = { el->argv, (size_t)el->argc };
	int rc = strv_add_n(&v, s, n);
	el->argv = v.v;
	el->argc = (int)v.n;
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One C-style escape after a backslash at *p; advances *p. -1 if invalid. */
static int unescape(const char **p)
{
	const char *s = *p;
	int c;
	switch (*s) {
	case 'a': c = '\a'; break;
	case 'b': c = '\b'; break;
	case 'f': c = '\f'; break;
	case 'n': c = '\n'; break;
	case 'r': c = '\r'; break;
	case 't': c = '\t'; break;
	case 'v': c = '\v'; break;
	case 's': c = ' '; break;
	case '\\': case '"': case '\'': case ' ': case '$': c = *s; break;
	case 'x': {
		int h = hexval(s[1]), l = h < 0 ? -1 : hexval(s[2]);
		if (l < 0)
			return -1;
		c = h * 16 + l;
		s += 2;
		break;
	}
	default:
		if (*s >= '0' && *s <= '7' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
			c = (*s - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0');
			s += 2;
			break;
		}
		return -1;
	}
	if (c == 0)
		return -1; /* no NUL inside an argument */
	*p = s + 1;
	return c;
}

static int is_name(char c, int first)
{
	return c == '_' || isalpha((unsigned char)c) || (!first && isdigit((unsigned char)c));
}

int execline_parse(struct execline *el, const char *line, env_lookup_fn env, void *ctx,
		   char *err, int errlen)
{
	memset(el, 0, sizeof *el);
	struct buf w = { 0 };
	bool expand = true, at = false;
	const char *p = line;
	int rc = -1;

	while (isspace((unsigned char)*p))
		p++;
	for (;; p++) { /* prefixes, in any order */
		if (*p == '-')
			el->ignore_failure = true;
		else if (*p == '@')
			at = true;
		else if (*p == ':')
			expand = false;
		else if (*p == '+' || *p == '!')
			continue; /* privilege prefixes: accepted, Berth runs as configured */
		else
			break;
	}

	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		/* $NAME as a whole word: zero or more words. */
		if (expand && *p == '$' && is_name(p[1], 1)) {
			const char *n = p + 1, *e = n;
			while (is_name(*e, 0))
				e++;
			if (!*e || isspace((unsigned char)*e)) {
				const char *v = env ? env(n, (int)(e - n), ctx) : NULL;
				struct strv words = { el->argv, (size_t)el->argc };
				int r = v ? strv_add_words(&words, v) : 0;
				el->argv = words.v;
				el->argc = (int)words.n;
				if (r < 0)
					goto oom;
				p = e;
				continue;
			}
		}
		if (reset(&w) < 0)
			goto oom;
		char quote = 0;
		for (; *p && (quote || !isspace((unsigned char)*p)); p++) {
			if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p;
				continue;
			}
			if (quote && *p == quote) {
				quote = 0;
				continue;
			}
			if (*p == '\\' && quote != '\'') {
				const char *q = p + 1;
				int c = unescape(&q);
				if (c < 0) {
					snprintf(err, (size_t)errlen, "bad escape \\%.1s", p + 1);
					goto out;
				}
				if (put(&w, (char)c) < 0)
					goto oom;
				p = q - 1;
				continue;
			}
			if (expand && quote != '\'' && *p == '$') {
				if (p[1] == '$') {
					if (put(&w, '$') < 0)
						goto oom;
					p++;
					continue;
				}
				if (p[1] == '{') {
					const char *n = p + 2, *e = n;
					while (is_name(*e, e == n))
						e++;
					if (*e != '}' || e == n) {
						snprintf(err, (size_t)errlen, "bad variable reference near %.20s", p);
						goto out;
					}
					const char *v = env ? env(n, (int)(e - n), ctx) : NULL;
					if (v && puts_n(&w, v, strlen(v)) < 0)
						goto oom;
					p = e;
					continue;
				}
			}
			if (put(&w, *p) < 0)
				goto oom;
		}
		if (quote) {
			snprintf(err, (size_t)errlen, "unterminated %c quote", quote);
			goto out;
		}
		if (add_arg(el, w.s, w.n) < 0)
			goto oom;
	}
	if (el->argc == 0 || (at && el->argc < 2)) {
		snprintf(err, (size_t)errlen, at ? "'@' needs a program and an argv[0]" : "empty command line");
		goto out;
	}
	el->path = el->argv[0];
	if (at) { /* argv = words after the first */
		memmove(el->argv, el->argv + 1, (size_t)el->argc * sizeof *el->argv);
		el->argc--;
	} else if (!(el->path = strdup(el->argv[0]))) {
		goto oom;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, (size_t)errlen, "out of memory");
out:
	free(w.s);
	if (rc < 0)
		execline_free(el);
	return rc;
}

void execline_free(struct execline *el)
{
	struct strv v = { el->argv, (size_t)el->argc };
	strv_clear(&v);
	free(el->path);
	memset(el, 0, sizeof *el);
}
