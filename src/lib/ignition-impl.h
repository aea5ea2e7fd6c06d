/* The Ignition parser's pieces (ignition.c: the document, users and units;
 * ignition-files.c: storage.files): reading jansson's values by a schema. JSON
 * null is a value not given, as Ignition reads it. */
#ifndef BERTH_IGNITION_IMPL_H
#define BERTH_IGNITION_IMPL_H

#include <jansson.h>

#include "provconf-impl.h"

typedef int ign_item_fn(struct pv_ctx *c, json_t *v, const char *at);

/* 0 if OK, else -1 with the error "PATH: expected WHAT, not a number". */
int ign_want(struct pv_ctx *c, const json_t *v, const char *path, int ok, const char *what);
/* V at PATH: a string, into S and LEN; checked by BAD (if not NULL) into *DST. */
int ign_str(struct pv_ctx *c, const json_t *v, const char *path, const char **s, size_t *len);
int ign_set(struct pv_ctx *c, const json_t *v, const char *path, char **dst, const char *(*bad)(const char *));

/* PATH (PV_PATH bytes) set to "PARENT.KEY", and KEY's index in KEYS
 * (NULL-terminated), or -1. */
int ign_key(const char *key, const char *const *keys, const char *parent, char *path);
/* The warnings for a key Berth does not know, and for one it does not use. */
int ign_unknown(struct pv_ctx *c, const char *path);
int ign_unsupported(struct pv_ctx *c, const char *path, const char *why);
/* Whether V says nothing: absent (NULL), null, [], or an object of such
 * (generators write them). */
int ign_is_empty(json_t *v);

/* An item of storage.files (ignition-files.c). */
int ign_file(struct pv_ctx *c, json_t *obj, const char *at);

#endif
