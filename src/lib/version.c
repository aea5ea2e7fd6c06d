#include "version.h"

#include <ctype.h>
#include <string.h>

/* The length of the next dot-separated part of S (up to '.', '+' or the end). */
static size_t part(const char *s)
{
	return strcspn(s, ".+");
}

static int numeric(const char *s, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!isdigit((unsigned char)s[k]))
			return 0;
	return n > 0;
}

int version_cmp(const char *a, const char *b)
{
	for (;;) {
		int aend = !*a || *a == '+', bend = !*b || *b == '+';
		if (aend || bend)
			return aend && bend ? 0 : aend ? -1 : 1;
		size_t an = part(a), bn = part(b);
		int an_num = numeric(a, an), bn_num = numeric(b, bn);
		int c;
		if (an_num && bn_num) {
			/* Compare as numbers of any length: leading zeros off, then length. */
			while (an > 1 && *a == '0')
				a++, an--;
			while (bn > 1 && *b == '0')
				b++, bn--;
			c = an != bn ? (an < bn ? -1 : 1) : memcmp(a, b, an);
		} else if (an_num != bn_num) {
			c = an_num ? -1 : 1;
		} else {
			c = strncmp(a, b, an < bn ? an : bn);
			if (!c && an != bn)
				c = an < bn ? -1 : 1;
		}
		if (c)
			return c < 0 ? -1 : 1;
		a += an + (a[an] == '.');
		b += bn + (b[bn] == '.');
	}
}
