/* Unit specifiers: see specifier.h. Two passes: measure, then write. */
#include "specifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text of specifier C for UNIT in [*s, *s + *n); 0 if C is unknown. */
static int lookup(char c, const struct specifier_ctx *ctx, const char **s, size_t *n)
{
	const char *u = ctx->unit ? ctx->unit : "";
	const char *dot = strrchr(u, '.'), *at = strchr(u, '@');
	size_t base = dot ? (size_t)(dot - u) : strlen(u);
	switch (c) {
	case 'n': *s = u; *n = strlen(u); return 1;
	case 'N': *s = u; *n = base; return 1;
	case 'p': *s = u; *n = at && (size_t)(at - u) < base ? (size_t)(at - u) : base; return 1;
	case 'i':
		if (at && (size_t)(at - u) < base) {
			*s = at + 1;
			*n = base - (size_t)(at + 1 - u);
		} else {
			*s = "";
			*n = 0;
		}
		return 1;
	case 'H': *s = ctx->hostname ? ctx->hostname : ""; *n = strlen(*s); return 1;
	case 'm': *s = ctx->machine_id ? ctx->machine_id : ""; *n = strlen(*s); return 1;
	case '%': *s = "%"; *n = 1; return 1;
	default: return 0;
	}
}

char *specifier_expand(const char *in, const struct specifier_ctx *ctx, char *err, int errlen)
{
	char *out = NULL;
	for (int pass = 0; pass < 2; pass++) {
		size_t len = 0;
		for (const char *p = in; *p; p++) {
			const char *s = p;
			size_t n = 1;
			if (*p == '%') {
				if (!lookup(p[1], ctx, &s, &n)) {
					snprintf(err, (size_t)errlen, p[1] ? "unknown specifier %%%c" : "'%%' at the end", p[1]);
					free(out);
					return NULL;
				}
				p++;
			}
			if (out)
				memcpy(out + len, s, n);
			len += n;
		}
		if (out) {
			out[len] = '\0';
			return out;
		}
		if (!(out = malloc(len + 1))) {
			snprintf(err, (size_t)errlen, "out of memory");
			return NULL;
		}
	}
	return out;
}
