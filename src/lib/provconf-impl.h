/* What the parsers of provconf.h share: one parse's context and its messages,
 * the checks both formats make of names, paths and keys, and the decoders of
 * file contents. Not for the library's users: see provconf.h. */
#ifndef BERTH_PROVCONF_IMPL_H
#define BERTH_PROVCONF_IMPL_H

#include <stddef.h>

#include "provconf.h"

/* The most bytes a configuration may hold, all its strings counted (each
 * alias's copy and what decompression makes included): a small document
 * must not grow into gigabytes. */
#define PV_MAX_BYTES (64u << 20)

struct pv_ctx {
	const char *source;
	struct pv_config *cfg;
	char *err;
	size_t errlen;
	size_t used; /* bytes counted against PV_MAX_BYTES */
	/* A JSON document's text: its messages' places, paths, get their
	 * lines (YAML's places have theirs already). */
	const char *json;
	size_t json_len;
};

/* The place of a value, for messages: "PARENT.KEY" (KEY alone at the top)
 * or "PARENT[I]", into OUT (PV_PATH bytes, cut if longer); returns OUT.
 * WHERE is such a place, with "line N: " before it for YAML. */
#define PV_PATH 200
#define PV_WHERE (PV_PATH + 40)
char *pv_key_path(char *out, const char *parent, const char *key);
char *pv_index_path(char *out, const char *parent, size_t i);

/* Messages are "SOURCE: WHERE: text" (WHERE NULL: "SOURCE: text"). pv_fail
 * sets the error and returns -1; pv_warn adds a warning and returns 0, or -1
 * with the error set if out of memory. */
int pv_fail(struct pv_ctx *c, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int pv_warn(struct pv_ctx *c, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Counts N bytes against PV_MAX_BYTES: 0, or -1 with the error set. */
int pv_count(struct pv_ctx *c, const char *where, size_t n);
/* A new zeroed element at the end of the array *ARRP of *N elements of SIZE
 * bytes; NULL with the error set if out of memory. */
void *pv_append(struct pv_ctx *c, void *arrp, size_t *n, size_t size);

/* The checks of values: NULL if S is fine, else what is wrong with it. */
const char *pv_bad_hostname(const char *s);
const char *pv_bad_name(const char *s);     /* a user or group name */
const char *pv_bad_path(const char *s);     /* a file to write */
const char *pv_bad_field(const char *s);    /* a passwd field (gecos) */
const char *pv_bad_dir(const char *s);      /* a home or shell: absolute passwd field */
const char *pv_bad_owner(const char *s);    /* USER or USER:GROUP, names or numbers */
const char *pv_bad_unit(const char *s);     /* a unit name */
const char *pv_bad_dropin(const char *s);   /* NAME.conf */
const char *pv_bad_command(const char *s);  /* start, stop... */
const char *pv_bad_setting(const char *s);  /* a NAME=value line's value */
const char *pv_bad_key(const char *s);      /* an authorized_keys line */

/* The unit last appended to C's configuration, once its keys are read:
 * its name required; left out, with a warning, if of a type Berth does not
 * run; CoreOS's etcd2.service and fleet.service named as Berth's units; a
 * masked one neither written, enabled nor started. 0, or -1 with the error. */
int pv_unit_end(struct pv_ctx *c, const char *where);

/* S (LEN bytes, no NUL inside) checked with BAD (if not NULL) into *DST (a
 * copy; the old value freed), or added to LIST with the blank space around it
 * trimmed (a name or a key). 0, or -1 with the error "WHERE: what is wrong". */
int pv_set(struct pv_ctx *c, const char *where, char **dst, const char *s, size_t len,
	   const char *(*bad)(const char *));
int pv_add(struct pv_ctx *c, const char *where, struct strv *list, const char *s, size_t len,
	   const char *(*bad)(const char *));

/* IN (LEN bytes) decoded: base64 first if B64 (blank space ignored), then
 * inflated if GZIP (gzip or zlib data). *OUT is malloc'd and NUL-terminated,
 * *OUTLEN its length. 0, or -1 with the error set. */
int pv_decode(struct pv_ctx *c, const char *where, const char *in, size_t len, int b64, int gzip, char **out,
	      size_t *outlen);

#endif
