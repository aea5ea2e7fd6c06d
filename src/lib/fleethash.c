/* The hash of a fleet unit file: see fleetunit_hash in fleetunit.h. */
#include "fleetunit.h"
#include "unitfile.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t n, cap;
};

static int put(struct buf *b, const char *s)
{
	size_t len = strlen(s);
	if (b->n + len > b->cap) {
		size_t cap = (b->n + len) * 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	return 0;
}

/* Whether an entry before I already named I's section: then it was written. */
static int seen(const struct unit_file *uf, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(uf->entries[j].section, uf->entries[i].section))
			return 1;
	return 0;
}

int fleetunit_hash(const char *text, size_t len, char out[65])
{
	struct unit_file uf;
	struct unit_error uerr;
	if (unit_parse(&uf, "", text, len, &uerr) != 0) {
		unit_file_free(&uf);
		return -1;
	}
	/* Entries grouped by section, sections in order of first appearance, as
	 * fleet serialised options before hashing them. */
	struct buf b = { 0 };
	int rc = 0;
	for (size_t i = 0; i < uf.n && !rc; i++) {
		if (seen(&uf, i))
			continue;
		const char *sect = uf.entries[i].section;
		rc |= put(&b, b.n ? "\n[" : "[") | put(&b, sect) | put(&b, "]\n");
		for (size_t j = i; j < uf.n && !rc; j++)
			if (!strcmp(uf.entries[j].section, sect))
				rc |= put(&b, uf.entries[j].key) | put(&b, "=") | put(&b, uf.entries[j].value) |
				      put(&b, "\n");
	}
	if (!rc) {
		/* crypto_hash_sha256 needs no sodium_init: it uses no randomness. */
		unsigned char sum[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(sum, (const unsigned char *)(b.p ? b.p : ""), b.n);
		sodium_bin2hex(out, 65, sum, sizeof sum);
	}
	free(b.p);
	unit_file_free(&uf);
	return rc ? -1 : 0;
}
