/* The insides of struct etcd, shared by the transport (etcd.c), the gateway's
 * encodings (etcd-codec.c), the requests (etcd-kv.c, etcd-lease.c) and
 * watches (etcd-watch.c). Not for other users. */
#ifndef BERTH_ETCD_IMPL_H
#define BERTH_ETCD_IMPL_H

#include <curl/curl.h>
#include <jansson.h>

#include "etcd.h"

struct etcd {
	char **eps;       /* base URLs, no trailing slash */
	size_t neps, cur; /* cur: the endpoint to use next */
	char *ca, *cert, *key;
	int timeout_ms;
	CURL *curl;       /* for requests; its connection is kept between them */
	long grpc_code;   /* of the last failed request's answer, or 0 */
	char err[512];
};

void etcd_seterr(struct etcd *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The next endpoint becomes current: the one in use failed. */
void etcd_next_endpoint(struct etcd *e);

/* A growing, NUL-terminated buffer that libcurl writes into. */
struct etcd_buf {
	char *p;
	size_t n;
	size_t max; /* more is an error (0: no limit) */
};
size_t etcd_buf_write(char *data, size_t size, size_t nmemb, void *arg);
/* Sets C up to POST BODY to URL with E's TLS, answer into B. HEADERS are the
 * request's, owned by the caller. */
void etcd_curl_setup(struct etcd *e, CURL *c, const char *url, const char *body, struct etcd_buf *b,
		     struct curl_slist *headers);

/* How far a failed request may be retried on the next endpoint. */
enum etcd_retry {
	ETCD_RETRY_ANY,    /* repeating it does no harm (reads, puts) */
	ETCD_RETRY_UNSENT, /* only when it surely did not take effect (transactions) */
};
/* POSTs BODY (consumed; NULL: out of memory) to PATH, failing over as RETRY
 * allows. The answer's JSON object, or NULL with the error set. */
json_t *etcd_call(struct etcd *e, const char *path, json_t *body, enum etcd_retry retry);

/* The gateway's encodings. Base64 of N bytes of S (malloc'd, or NULL). */
char *etcd_b64(const void *s, size_t n);
/* Base64 text decoded, a NUL after it; LEN (if not NULL) its length. NULL if
 * it is not base64 or out of memory. */
char *etcd_unb64(const char *s, size_t *len);
/* An int64 as the gateway writes it (a string, or a number); 0 if absent. */
int64_t etcd_num(json_t *v);
/* An int64 as a JSON string, as the gateway reads it exactly. */
json_t *etcd_numstr(int64_t v);
/* The base64 range end for every key that starts with KEY, as etcd computes
 * it; NULL if out of memory. */
char *etcd_prefix_end(const char *key);
/* A KeyValue from the gateway's JSON into KV (zeroed first): 0, or -1 (KV
 * freed) if its key or value is not base64. */
int etcd_kv_from(json_t *j, struct etcd_kv *kv);
void etcd_kv_free(struct etcd_kv *kv);
/* A RangeResponse's kvs, more and revision into OUT: 0, or -1 with the error
 * set (OUT empty). */
int etcd_kvs_from(struct etcd *e, json_t *a, struct etcd_kvs *out);
/* The request objects: RangeRequest (also a DeleteRangeRequest's and a
 * watch's key and range_end), PutRequest. NULL if out of memory. */
json_t *etcd_range_req(const char *key, int prefix);
json_t *etcd_put_req(const char *key, const void *value, size_t len, int64_t lease);

#endif
