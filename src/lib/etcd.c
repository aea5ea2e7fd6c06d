/* The etcd client's transport: endpoints, one libcurl handle for requests
 * (its connection reused), and failover. See etcd.h. */
#include "etcd-impl.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void etcd_seterr(struct etcd *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->err, sizeof e->err, fmt, ap);
	va_end(ap);
}

const char *etcd_strerror(const struct etcd *e)
{
	return e ? e->err : "out of memory";
}

void etcd_next_endpoint(struct etcd *e)
{
	if (e->neps)
		e->cur = (e->cur + 1) % e->neps;
}

/* Adds one endpoint: "http(s)://HOST:PORT[/]" or "HOST:PORT" (http, as
 * etcdctl takes it). 0; -1 with the error set if it is not a URL; -2 if out
 * of memory. */
static int add_endpoint(struct etcd *e, const char *ep)
{
	size_t l = strlen(ep);
	while (l && ep[l - 1] == '/')
		l--;
	const char *scheme = strstr(ep, "://");
	if (scheme && strncmp(ep, "http://", 7) && strncmp(ep, "https://", 8)) {
		etcd_seterr(e, "etcd endpoint %s: not http:// or https://", ep);
		return -1;
	}
	if (!l || (scheme && (size_t)(scheme - ep) + 3 >= l)) {
		etcd_seterr(e, "etcd endpoint \"%s\": no host", ep);
		return -1;
	}
	char **n = realloc(e->eps, (e->neps + 1) * sizeof *n);
	if (n)
		e->eps = n;
	char *url = n ? malloc(l + 8) : NULL;
	if (!url)
		return -2;
	snprintf(url, l + 8, "%s%.*s", scheme ? "" : "http://", (int)l, ep);
	e->eps[e->neps++] = url;
	return 0;
}

/* Forgets every endpoint: with one bad, each request fails saying why. */
static void drop_endpoints(struct etcd *e)
{
	for (size_t k = 0; k < e->neps; k++)
		free(e->eps[k]);
	e->neps = 0;
}

struct etcd *etcd_open(const char *endpoints, const struct etcd_tls *tls, int timeout_ms)
{
	static bool inited;
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		inited = true;
	}
	struct etcd *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	char *list = strdup(endpoints ? endpoints : "");
	if (!list || !(e->curl = curl_easy_init()))
		goto oom;
	if (tls && ((tls->ca && !(e->ca = strdup(tls->ca))) || (tls->cert && !(e->cert = strdup(tls->cert))) ||
		    (tls->key && !(e->key = strdup(tls->key)))))
		goto oom;
	char *save;
	for (char *ep = strtok_r(list, ", \t", &save); ep; ep = strtok_r(NULL, ", \t", &save)) {
		int r = add_endpoint(e, ep);
		if (r == -2)
			goto oom;
		if (r < 0) {
			drop_endpoints(e);
			break;
		}
	}
	free(list);
	if (!e->err[0] && !e->neps)
		etcd_seterr(e, "no etcd endpoint given");
	return e;
oom:
	free(list);
	etcd_close(e);
	return NULL;
}

void etcd_close(struct etcd *e)
{
	if (!e)
		return;
	for (size_t k = 0; k < e->neps; k++)
		free(e->eps[k]);
	free(e->eps);
	free(e->ca);
	free(e->cert);
	free(e->key);
	if (e->curl)
		curl_easy_cleanup(e->curl);
	free(e);
}

size_t etcd_buf_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct etcd_buf *b = arg;
	size_t len = size * nmemb;
	if (b->max && b->n + len > b->max)
		return 0;
	char *n = realloc(b->p, b->n + len + 1);
	if (!n)
		return 0;
	b->p = n;
	memcpy(b->p + b->n, data, len);
	b->n += len;
	b->p[b->n] = '\0';
	return len;
}

void etcd_curl_setup(struct etcd *e, CURL *c, const char *url, const char *body, struct etcd_buf *b,
		     struct curl_slist *headers)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, etcd_buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(e->timeout_ms < 3000 ? e->timeout_ms : 3000));
	/* A member that vanishes without a word is noticed on an idle watch. */
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 5L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 2L);
	if (e->ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, e->ca);
	if (e->cert)
		curl_easy_setopt(c, CURLOPT_SSLCERT, e->cert);
	if (e->key)
		curl_easy_setopt(c, CURLOPT_SSLKEY, e->key);
}

/* One attempt on the current endpoint. The answer, or NULL with the error
 * set, *BAD if the endpoint is at fault (unreachable, or cannot serve now)
 * and *AGAIN if the request may be tried on the next one. */
static json_t *attempt(struct etcd *e, const char *path, const char *text, struct curl_slist *hdr,
		       enum etcd_retry retry, bool *bad, bool *again)
{
	char url[1100];
	snprintf(url, sizeof url, "%s%s", e->eps[e->cur], path);
	struct etcd_buf b = { .max = 64 << 20 };
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_reset(e->curl);
	etcd_curl_setup(e, e->curl, url, text, &b, hdr);
	curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, (long)e->timeout_ms);
	curl_easy_setopt(e->curl, CURLOPT_ERRORBUFFER, cerr);
	CURLcode rc = curl_easy_perform(e->curl);
	long status = 0, sent = 0;
	curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(e->curl, CURLINFO_REQUEST_SIZE, &sent);
	json_error_t je;
	json_t *j = rc == CURLE_OK && b.p ? json_loadb(b.p, b.n, 0, &je) : NULL;
	free(b.p);
	const char *unknown = retry == ETCD_RETRY_UNSENT ? " (whether it took effect is unknown)" : "";
	*again = *bad = false;
	if (rc != CURLE_OK) {
		*bad = true;
		*again = retry == ETCD_RETRY_ANY || sent == 0;
		etcd_seterr(e, "%s: %s%s", url, cerr[0] ? cerr : curl_easy_strerror(rc), sent ? unknown : "");
		return NULL;
	}
	if (status / 100 == 2 && json_is_object(j))
		return j;
	const char *msg = json_string_value(json_object_get(j, "message"));
	if (!msg)
		msg = json_string_value(json_object_get(j, "error"));
	e->grpc_code = (long)json_integer_value(json_object_get(j, "code"));
	/* 5xx: the member cannot serve now (no leader, timed out, stopping),
	 * and another may; with no leader, nothing was proposed. */
	bool noleader = msg && strstr(msg, "no leader");
	*bad = status >= 500;
	*again = status >= 500 && (retry == ETCD_RETRY_ANY || noleader);
	etcd_seterr(e, "%s: HTTP %ld%s%s%s", url, status, msg ? ": " : status / 100 == 2 ? ": not a JSON object" : "",
		    msg ? msg : "", status >= 500 && !noleader ? unknown : "");
	json_decref(j);
	return NULL;
}

json_t *etcd_call(struct etcd *e, const char *path, json_t *body, enum etcd_retry retry)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	e->grpc_code = 0;
	if (!e->neps) {
		free(text);
		if (!e->err[0])
			etcd_seterr(e, "no etcd endpoint given");
		return NULL;
	}
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	if (!text || !hdr) {
		free(text);
		curl_slist_free_all(hdr);
		etcd_seterr(e, "out of memory");
		return NULL;
	}
	json_t *answer = NULL;
	bool bad, again = true;
	for (size_t tries = 0; tries < e->neps && again && !answer; tries++) {
		answer = attempt(e, path, text, hdr, retry, &bad, &again);
		/* The next request too goes elsewhere if this endpoint failed. */
		if (bad)
			etcd_next_endpoint(e);
	}
	free(text);
	curl_slist_free_all(hdr);
	return answer;
}
