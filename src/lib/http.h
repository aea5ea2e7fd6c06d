/* HTTP and HTTPS GETs with libcurl, for Berth's agents: into memory (small
 * answers) or to a file descriptor (downloads), with the download rate held to
 * at most RATE bytes per second by a token bucket, and timeouts so that a dead
 * or stalled server never hangs the caller. */
#ifndef BERTH_HTTP_H
#define BERTH_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct http_get {
	const char *url;
	const char *post;   /* a JSON body to POST, or NULL: GET */
	int fd;             /* write the body here, or -1: into *body */
	char *body;         /* malloc'd, NUL-terminated; the caller frees it */
	size_t len;
	uint64_t max_bytes; /* a longer body is an error; 0: no limit */
	uint64_t rate;      /* bytes per second; 0: no limit */
	long timeout;       /* seconds for the whole transfer; 0: none */
	const char *const *headers; /* more request headers, NULL-terminated, or NULL */
	const char *cafile; /* CA certificates for HTTPS instead of the system's, or NULL */
	/* Of the answer: */
	long status;        /* its HTTP status (0: none came) */
	char www_auth[512]; /* its WWW-Authenticate header, if any */
	char content_type[128];
};

/* Returns 0 on a 2xx answer, -1 with ERR ("GET URL: why") otherwise. */
int http_get(struct http_get *g, char *err, size_t errlen);

#endif
