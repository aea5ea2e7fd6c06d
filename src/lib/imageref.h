/* Image references as `docker pull` takes them:
 *   [HOST[:PORT]/]PATH[:TAG][@sha256:HEX]
 * HOST is the first component when it has a '.' or a ':' or is "localhost";
 * otherwise the reference is on the default registry (dock.conf's
 * DEFAULT_REGISTRY), where a single-component PATH gets "library/" before it,
 * as on Docker Hub; with no default registry, HOST stays "": a local name, for
 * loaded images, that cannot be pulled. No TAG and no digest means "latest". */
#ifndef BERTH_IMAGEREF_H
#define BERTH_IMAGEREF_H

#include <stddef.h>

struct imageref {
	char host[256];   /* "": a local name */
	char path[256];   /* lower-case components separated by '/' */
	char tag[129];
	char digest[72];  /* "sha256:" and 64 hex digits, or "" */
};

/* Parses REF; DEFAULT_HOST ("" if none) is used when REF names no host. Returns
 * 0, or -1 with ERR saying what is wrong with REF. */
int imageref_parse(const char *ref, const char *default_host, struct imageref *r, char *err, size_t errlen);
/* "HOST/PATH:TAG" (or "@DIGEST" when there is no tag) into OUT; the host is
 * left out when it is DEFAULT_HOST, and "library/" with it. */
void imageref_format(const struct imageref *r, const char *default_host, char *out, size_t len);
/* Is S "sha256:" followed by 64 lower-case hex digits? */
int is_sha256_digest(const char *s);

#endif
