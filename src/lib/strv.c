/* String arrays: see strv.h. */
#include "strv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int strv_add_n(struct strv *s, const char *str, size_t len)
{
	char **v = realloc(s->v, (s->n + 2) * sizeof *v);
	if (!v)
		return -1;
	s->v = v;
	if (!(v[s->n] = strndup(str, len)))
		return -1;
	v[++s->n] = NULL;
	return 0;
}

int strv_add(struct strv *s, const char *str)
{
	return strv_add_n(s, str, strlen(str));
}

int strv_add_words(struct strv *s, const char *t)
{
	while (*t) {
		while (isspace((unsigned char)*t))
			t++;
		const char *e = t;
		while (*e && !isspace((unsigned char)*e))
			e++;
		if (e > t && strv_add_n(s, t, (size_t)(e - t)) < 0)
			return -1;
		t = e;
	}
	return 0;
}

int strv_contains(const struct strv *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return 1;
	return 0;
}

void strv_clear(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
