#include "grubenv.h"

#include <stdio.h>
#include <string.h>

static const char header[] = "# GRUB Environment Block\n";

int grubenv_parse(struct grubenv *e, const char *buf, size_t len, char *err, size_t errlen)
{
	size_t hl = sizeof header - 1;
	e->n = 0;
	if (len < hl || memcmp(buf, header, hl)) {
		snprintf(err, errlen, "not a GRUB environment block (no \"# GRUB Environment Block\" header)");
		return -1;
	}
	size_t i = hl;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (buf + i)) : len - i;
		const char *line = buf + i;
		i += ll + 1;
		if (ll == 0 || line[0] == '#')
			continue;
		const char *eq = memchr(line, '=', ll);
		if (!eq || eq == line) {
			snprintf(err, errlen, "line \"%.*s\" is not NAME=VALUE", (int)(ll > 40 ? 40 : ll), line);
			return -1;
		}
		size_t nl_ = (size_t)(eq - line), vl = ll - nl_ - 1;
		if (e->n >= GRUBENV_MAX || nl_ >= sizeof e->name[0] || vl >= sizeof e->value[0]) {
			snprintf(err, errlen, "too many or too long variables");
			return -1;
		}
		if (memchr(eq + 1, '\\', vl)) {
			snprintf(err, errlen, "%.*s: escaped values are not supported", (int)nl_, line);
			return -1;
		}
		snprintf(e->name[e->n], sizeof e->name[0], "%.*s", (int)nl_, line);
		snprintf(e->value[e->n], sizeof e->value[0], "%.*s", (int)vl, eq + 1);
		e->n++;
	}
	return 0;
}

const char *grubenv_get(const struct grubenv *e, const char *name)
{
	for (size_t k = 0; k < e->n; k++)
		if (!strcmp(e->name[k], name))
			return e->value[k];
	return NULL;
}

int grubenv_set(struct grubenv *e, const char *name, const char *value, char *err, size_t errlen)
{
	if (!*name || strpbrk(name, "=\n\\#") || strpbrk(value, "\n\\") || strlen(name) >= sizeof e->name[0] ||
	    strlen(value) >= sizeof e->value[0]) {
		snprintf(err, errlen, "cannot set %s=%s in GRUB's environment", name, value);
		return -1;
	}
	size_t k = 0;
	while (k < e->n && strcmp(e->name[k], name))
		k++;
	if (k == e->n) {
		if (e->n >= GRUBENV_MAX) {
			snprintf(err, errlen, "too many variables in GRUB's environment");
			return -1;
		}
		snprintf(e->name[e->n++], sizeof e->name[0], "%s", name);
	}
	snprintf(e->value[k], sizeof e->value[0], "%s", value);
	return 0;
}

int grubenv_format(const struct grubenv *e, char out[GRUBENV_SIZE], char *err, size_t errlen)
{
	size_t at = sizeof header - 1;
	memcpy(out, header, at);
	for (size_t k = 0; k < e->n; k++) {
		size_t need = strlen(e->name[k]) + strlen(e->value[k]) + 2;
		if (at + need > GRUBENV_SIZE) {
			snprintf(err, errlen, "GRUB's environment block is full (%d bytes)", GRUBENV_SIZE);
			return -1;
		}
		size_t nl = strlen(e->name[k]), vl = strlen(e->value[k]);
		memcpy(out + at, e->name[k], nl);
		out[at + nl] = '=';
		memcpy(out + at + nl + 1, e->value[k], vl);
		out[at + nl + 1 + vl] = '\n';
		at += need;
	}
	memset(out + at, '#', GRUBENV_SIZE - at);
	return 0;
}
