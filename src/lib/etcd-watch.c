/* Watches: one streaming POST to /v3/watch per watch, on a libcurl multi
 * handle of its own, so that the caller's loop drives it for a bounded time
 * and never waits on it. The gateway writes one JSON message a line; a read
 * may end anywhere in one. */
#include "etcd-impl.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct etcd_watch {
	struct etcd *e;
	size_t ep;             /* the endpoint it runs on */
	CURLM *multi;
	CURL *curl;
	struct curl_slist *hdr;
	char *body;
	struct etcd_buf in;    /* what the stream said, up to a whole line */
	int64_t start, revision;
	int ended;             /* 0, or what every poll returns now: -1 or ETCD_WATCH_COMPACTED */
	char why[512];         /* and why */
	char url[1100];
};

typedef int watch_fn(void *arg, const struct etcd_event *ev, size_t n, int64_t revision);

/* Ends the watch with RC, the reason set on the client and kept. */
static int end(struct etcd_watch *w, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int end(struct etcd_watch *w, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof w->why, fmt, ap);
	va_end(ap);
	w->ended = rc;
	etcd_seterr(w->e, "%s", w->why);
	return rc;
}

struct etcd_watch *etcd_watch_start(struct etcd *e, const char *key, int prefix, int64_t start_revision)
{
	struct etcd_watch *w = calloc(1, sizeof *w);
	json_t *create = etcd_range_req(key, prefix);
	if (create && start_revision > 0 &&
	    json_object_set_new(create, "start_revision", etcd_numstr(start_revision)) < 0)
		create = (json_decref(create), NULL);
	json_t *body = create ? json_pack("{s:o}", "create_request", create) : NULL;
	if (w) {
		w->e = e;
		w->ep = e->cur;
		w->start = start_revision > 0 ? start_revision : 0;
		w->revision = w->start ? w->start - 1 : 0;
		w->in.max = 64 << 20;
		w->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
		w->multi = curl_multi_init();
		w->curl = curl_easy_init();
		w->hdr = curl_slist_append(NULL, "Content-Type: application/json");
		/* A member cut off from the others ends the watch, rather than
		 * leaving it silent, so that it moves to one that is not. */
		if (w->hdr)
			w->hdr = curl_slist_append(w->hdr, "Grpc-Metadata-hasleader: true");
	}
	json_decref(body);
	if (!w || !w->body || !w->multi || !w->curl || !w->hdr) {
		etcd_watch_stop(w);
		etcd_seterr(e, "out of memory");
		return NULL;
	}
	if (!e->neps) {
		end(w, -1, "%s", e->err[0] ? e->err : "no etcd endpoint given");
		return w;
	}
	snprintf(w->url, sizeof w->url, "%s/v3/watch", e->eps[w->ep]);
	etcd_curl_setup(e, w->curl, w->url, w->body, &w->in, w->hdr);
	if (curl_multi_add_handle(w->multi, w->curl) != CURLM_OK)
		end(w, -1, "%s: libcurl would not start the watch", w->url);
	return w;
}

int64_t etcd_watch_revision(const struct etcd_watch *w)
{
	return w->revision;
}

void etcd_watch_stop(struct etcd_watch *w)
{
	if (!w)
		return;
	if (w->multi && w->curl)
		curl_multi_remove_handle(w->multi, w->curl);
	if (w->curl)
		curl_easy_cleanup(w->curl);
	if (w->multi)
		curl_multi_cleanup(w->multi);
	curl_slist_free_all(w->hdr);
	free(w->body);
	free(w->in.p);
	free(w);
}

/* A batch of events to FN. 0, or -1 (not ending the watch) if FN said so. */
static int events(struct etcd_watch *w, json_t *list, watch_fn *fn, void *arg)
{
	size_t n = json_array_size(list), i, got = 0;
	struct etcd_event *evs = calloc(n, sizeof *evs);
	json_t *ev;
	if (!evs)
		return end(w, -1, "%s: out of memory for %zu events", w->url, n);
	int64_t rev = w->revision;
	json_array_foreach(list, i, ev) {
		const char *type = json_string_value(json_object_get(ev, "type"));
		/* PUT is type 0, which the gateway leaves out. */
		evs[got].type = type && !strcmp(type, "DELETE") ? ETCD_EVENT_DELETE : ETCD_EVENT_PUT;
		if (etcd_kv_from(json_object_get(ev, "kv"), &evs[got].kv) < 0)
			break;
		if (evs[got].kv.mod_revision > rev)
			rev = evs[got].kv.mod_revision;
		got++;
	}
	int rc = 0;
	if (got < n) {
		rc = end(w, -1, "%s: an event whose key or value is not base64", w->url);
	} else {
		/* Delivered, whatever FN makes of it: a watch from here on
		 * would not repeat it. */
		w->revision = rev;
		if (fn && fn(arg, evs, got, rev) != 0) {
			etcd_seterr(w->e, "%s: the watcher's callback stopped the poll", w->url);
			rc = -1;
		}
	}
	for (size_t k = 0; k < got; k++)
		etcd_kv_free(&evs[k].kv);
	free(evs);
	return rc;
}

/* One message of the stream: 0, ETCD_WATCH_COMPACTED, or -1. */
static int message(struct etcd_watch *w, const char *line, size_t len, watch_fn *fn, void *arg)
{
	json_error_t je;
	json_t *j = json_loadb(line, len, 0, &je);
	json_t *r = json_object_get(j, "result");
	int rc = 0;
	int64_t hrev = etcd_num(json_object_get(json_object_get(r, "header"), "revision"));
	json_t *evs = json_object_get(r, "events");
	if (!r) {
		/* {"error": {"message": ...}}, or {"message": ...} for a request
		 * the gateway refused before the stream began. */
		json_t *err = json_object_get(j, "error");
		const char *msg = json_string_value(json_object_get(json_is_object(err) ? err : j, "message"));
		rc = end(w, -1, "%s: %s", w->url, msg ? msg : j ? "not a watch message" : je.text);
	} else if (json_is_true(json_object_get(r, "canceled"))) {
		int64_t compacted = etcd_num(json_object_get(r, "compact_revision"));
		const char *why = json_string_value(json_object_get(r, "cancel_reason"));
		if (compacted)
			rc = end(w, ETCD_WATCH_COMPACTED, "%s: revision %lld is compacted away (up to %lld)", w->url,
				 (long long)w->revision + 1, (long long)compacted);
		else
			rc = end(w, -1, "%s: etcd canceled the watch%s%s", w->url, why ? ": " : "", why ? why : "");
	} else if (json_array_size(evs)) {
		rc = events(w, evs, fn, arg);
	} else if (json_is_true(json_object_get(r, "created"))) {
		/* A watch from now has seen all up to the store's revision. */
		if (!w->start && hrev > w->revision)
			w->revision = hrev;
	} else if (hrev > w->revision) {
		/* A progress report: sent only once all up to it is delivered. */
		w->revision = hrev;
	}
	json_decref(j);
	return rc;
}

/* The whole lines read so far (and with LAST the rest too) as messages,
 * until one returns non-zero. */
static int drain(struct etcd_watch *w, bool last, watch_fn *fn, void *arg)
{
	size_t at = 0;
	int rc = 0;
	while (!rc && at < w->in.n) {
		char *nl = memchr(w->in.p + at, '\n', w->in.n - at);
		if (!nl && !last)
			break;
		size_t len = nl ? (size_t)(nl - (w->in.p + at)) : w->in.n - at;
		size_t skip = 0;
		while (skip < len && (w->in.p[at + skip] == ' ' || w->in.p[at + skip] == '\r'))
			skip++;
		if (skip < len)
			rc = message(w, w->in.p + at, len, fn, arg);
		at += len + (nl ? 1 : 0);
	}
	if (at) {
		memmove(w->in.p, w->in.p + at, w->in.n - at);
		w->in.n -= at;
		w->in.p[w->in.n] = '\0';
	}
	return rc;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The transfer ended: what was left said, then the watch ends. */
static int finished(struct etcd_watch *w, CURLcode result, watch_fn *fn, void *arg)
{
	int rc = drain(w, true, fn, arg);
	if (w->ended)
		return w->ended;
	long status = 0;
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	/* The next watch goes to the next endpoint, unless a request has
	 * moved the client on already. */
	if (w->e->cur == w->ep)
		etcd_next_endpoint(w->e);
	if (result != CURLE_OK)
		return end(w, -1, "%s: %s", w->url, curl_easy_strerror(result));
	if (status != 200)
		return end(w, -1, "%s: HTTP %ld", w->url, status);
	(void)rc;
	return end(w, -1, "%s: the watch stream ended", w->url);
}

int etcd_watch_poll(struct etcd_watch *w, int timeout_ms, watch_fn *fn, void *arg)
{
	if (w->ended) {
		etcd_seterr(w->e, "%s", w->why);
		return w->ended;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Lines left by a callback that stopped the last poll come first. */
	int rc = drain(w, false, fn, arg);
	while (!rc) {
		int running = 0;
		CURLMcode mc = curl_multi_perform(w->multi, &running);
		if (mc != CURLM_OK)
			return end(w, -1, "%s: %s", w->url, curl_multi_strerror(mc));
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(w->multi, &left)))
			if (m->msg == CURLMSG_DONE)
				return finished(w, m->data.result, fn, arg);
		if ((rc = drain(w, false, fn, arg)))
			break;
		long spent = ms_since(&t0);
		if (spent >= timeout_ms)
			break;
		curl_multi_poll(w->multi, NULL, 0, (int)(timeout_ms - spent), NULL);
	}
	return rc;
}
