#include "http.h"
#include "msg.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct sink {
	struct http_get *g;
	uint64_t got;
	double tokens, last; /* the bucket: bytes allowed now, and when it was filled */
	int werrno;
	int too_long;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits until the bucket holds N bytes' worth of tokens, then takes them. The
 * bucket fills at RATE per second and holds at most a quarter second of it,
 * so a burst never runs far ahead of the rate. */
static void take_tokens(struct sink *s, size_t n)
{
	double rate = (double)s->g->rate, cap = rate / 4 > 16384 ? rate / 4 : 16384;
	double t = now();
	s->tokens += (t - s->last) * rate;
	if (s->tokens > cap)
		s->tokens = cap;
	s->last = t;
	s->tokens -= (double)n;
	if (s->tokens < 0) {
		double wait = -s->tokens / rate;
		struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		s->tokens = 0;
		s->last = now();
	}
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	struct http_get *g = s->g;
	size_t len = size * n;
	if (g->max_bytes && s->got + len > g->max_bytes) {
		s->too_long = 1;
		return 0;
	}
	if (g->rate)
		take_tokens(s, len);
	if (g->fd >= 0) {
		for (size_t done = 0; done < len;) {
			ssize_t w = write(g->fd, p + done, len - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				s->werrno = w < 0 ? errno : EIO;
				return 0;
			}
			done += (size_t)w;
		}
	} else {
		char *b = realloc(g->body, g->len + len + 1);
		if (!b) {
			s->werrno = ENOMEM;
			return 0;
		}
		memcpy(b + g->len, p, len);
		g->body = b;
		g->len += len;
		b[g->len] = '\0';
	}
	s->got += len;
	return len;
}

/* Keeps the answer's headers that callers ask about. */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct http_get *g = arg;
	size_t len = size * n;
	static const struct { const char *name; size_t off, cap; } keep[] = {
		{ "www-authenticate:", offsetof(struct http_get, www_auth), sizeof ((struct http_get *)0)->www_auth },
		{ "content-type:", offsetof(struct http_get, content_type), sizeof ((struct http_get *)0)->content_type },
	};
	for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
		size_t nl = strlen(keep[k].name);
		if (len > nl && !strncasecmp(p, keep[k].name, nl)) {
			const char *v = p + nl;
			size_t vl = len - nl;
			while (vl && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
				vl--;
			snprintf((char *)g + keep[k].off, keep[k].cap, "%.*s", (int)vl, v);
		}
	}
	return len;
}

int http_get(struct http_get *g, char *err, size_t errlen)
{
	static int inited;
	if (!inited && curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		inited = 1;
	g->body = NULL;
	g->len = 0;
	g->status = 0;
	g->www_auth[0] = g->content_type[0] = '\0';
	struct sink s = { .g = g, .last = now() };
	char cerr[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "%s %s: libcurl did not start", g->post ? "POST" : "GET", g->url);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, g->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
	/* A transfer that stalls below 1 byte/s for a minute is given up. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	if (g->timeout)
		curl_easy_setopt(c, CURLOPT_TIMEOUT, g->timeout);
	/* Which program asks, for the server's logs: berth-dock/1, ... */
	char agent[64];
	if (strcmp(msg_program, "berth"))
		snprintf(agent, sizeof agent, "berth-%s/1", msg_program);
	else
		snprintf(agent, sizeof agent, "berth/1");
	curl_easy_setopt(c, CURLOPT_USERAGENT, agent);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, g);
	if (g->cafile)
		curl_easy_setopt(c, CURLOPT_CAINFO, g->cafile);
	struct curl_slist *hdr = NULL;
	if (g->post) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, g->post);
	}
	for (const char *const *h = g->headers; h && *h; h++)
		hdr = curl_slist_append(hdr, *h);
	if (hdr)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	CURLcode r = curl_easy_perform(c);
	curl_slist_free_all(hdr);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	g->status = code;
	curl_easy_cleanup(c);
	if (r == CURLE_OK)
		return 0;
	if (s.too_long)
		snprintf(err, errlen, "%s %s: the answer is longer than %llu bytes", g->post ? "POST" : "GET", g->url,
			 (unsigned long long)g->max_bytes);
	else if (s.werrno)
		snprintf(err, errlen, "%s %s: %s", g->post ? "POST" : "GET", g->url, strerror(s.werrno));
	else if (r == CURLE_HTTP_RETURNED_ERROR)
		snprintf(err, errlen, "%s %s: HTTP %ld", g->post ? "POST" : "GET", g->url, code);
	else
		snprintf(err, errlen, "%s %s: %s", g->post ? "POST" : "GET", g->url, *cerr ? cerr : curl_easy_strerror(r));
	free(g->body);
	g->body = NULL;
	g->len = 0;
	return -1;
}
