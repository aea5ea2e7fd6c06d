/* A small etcd v3 client over its JSON gateway (/v3/kv/...), for Berth's
 * agents: read a key, and compare-and-swap it in a transaction. Keys and
 * values are text; the gateway's base64 and string-encoded numbers stay here.
 * ENDPOINTS is a comma-separated list of client URLs, tried in order. */
#ifndef BERTH_ETCD_H
#define BERTH_ETCD_H

#include <stddef.h>
#include <stdint.h>

/* KEY's value (malloc'd, NUL-terminated; NULL if the key does not exist) and
 * its mod revision (0 if absent). Returns 0, or -1 with ERR. */
int etcd_get(const char *endpoints, const char *key, char **value, int64_t *mod_revision, char *err, size_t errlen);

/* Puts VALUE at KEY if KEY's mod revision is still MOD_REVISION (0: if KEY
 * does not exist). Returns 1 if it was put, 0 if KEY had changed, -1 with ERR. */
int etcd_cas(const char *endpoints, const char *key, int64_t mod_revision, const char *value, char *err,
	     size_t errlen);

#endif
