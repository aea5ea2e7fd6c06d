/* dock pull REF: the distribution API (Docker Registry v2). The manifest is
 * asked for by tag or digest with every media type dock reads; an index
 * resolves to linux/amd64; the config and the layers not yet in the store are
 * downloaded into the store's tmp/ and kept only if their sha256 and size are
 * the manifest's. A 401 with a Bearer challenge is answered as Docker does:
 * a token from the challenge's realm (anonymous, or with the credentials of
 * /etc/berth/dock-auth.json), then the request again. HTTPS, except for the
 * registries dock.conf's INSECURE_REGISTRIES names (and localhost), which are
 * spoken to in plain HTTP; a registry's own CA can be put in
 * /etc/berth/dock/certs.d/HOST[:PORT]/ca.crt, as Docker's certs.d. */
#include "dock.h"

#include <curl/curl.h>
#include <strings.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/http.h"
#include "../lib/imageref.h"
#include "../lib/ociimage.h"

struct registry {
	struct imageref ref;
	char base[600];          /* SCHEME://HOST/v2/PATH */
	char cafile[400];
	char basic[600];         /* "Authorization: Basic ..." from dock-auth.json */
	char bearer[4200];       /* "Authorization: Bearer TOKEN" once we have one */
	bool basic_asked;        /* the registry asked for Basic credentials */
};

static bool insecure(const char *host)
{
	/* localhost and 127.0.0.0/8, with or without a port: the name, exactly. */
	char name[256];
	snprintf(name, sizeof name, "%s", host);
	char *colon = strrchr(name, ':');
	if (colon)
		*colon = '\0';
	struct in_addr a;
	if (!strcmp(name, "localhost") || (inet_pton(AF_INET, name, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127))
		return true;
	char list[600], *save;
	snprintf(list, sizeof list, "%s", conf.insecure);
	for (char *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		if (!strcmp(t, host))
			return true;
	return false;
}

static void credentials(struct registry *r)
{
	json_t *a = json_load_file(conf.auth_file, 0, NULL);
	const char *auth = json_string_value(json_object_get(json_object_get(json_object_get(a, "auths"), r->ref.host), "auth"));
	if (auth)
		snprintf(r->basic, sizeof r->basic, "Authorization: Basic %s", auth);
	json_decref(a);
}

/* The value of KEY="..." in a challenge. */
static void param(const char *ch, const char *key, char *out, size_t len)
{
	out[0] = '\0';
	char pat[32];
	snprintf(pat, sizeof pat, "%s=\"", key);
	const char *p = strstr(ch, pat);
	if (!p)
		return;
	p += strlen(pat);
	const char *e = strchr(p, '"');
	if (e)
		snprintf(out, len, "%.*s", (int)(e - p), p);
}

/* Answers a Bearer challenge: a token from its realm. */
static int token(struct registry *r, const char *challenge, char *err)
{
	char realm[400], service[200], scope[400], url[1200];
	if (strncasecmp(challenge, "Bearer ", 7)) {
		if (!strncasecmp(challenge, "Basic", 5) && *r->basic) {
			r->basic_asked = true; /* only now do the credentials go out */
			return 0;
		}
		snprintf(err, ERRLEN, "%s: the registry wants \"%s\"%s%s", r->ref.host, challenge,
			 *r->basic ? "" : ": credentials for it go in ", *r->basic ? "" : conf.auth_file);
		return -1;
	}
	param(challenge, "realm", realm, sizeof realm);
	param(challenge, "service", service, sizeof service);
	param(challenge, "scope", scope, sizeof scope);
	if (!*scope)
		snprintf(scope, sizeof scope, "repository:%s:pull", r->ref.path);
	char *es = curl_easy_escape(NULL, service, 0), *esc = curl_easy_escape(NULL, scope, 0);
	snprintf(url, sizeof url, "%s%sservice=%s&scope=%s", realm, strchr(realm, '?') ? "&" : "?", es, esc);
	curl_free(es);
	curl_free(esc);
	const char *hdrs[] = { *r->basic ? r->basic : NULL, NULL };
	struct http_get g = { .url = url, .fd = -1, .max_bytes = 1 << 20, .timeout = 60, .headers = hdrs,
			      .cafile = *r->cafile ? r->cafile : NULL };
	char why[1024];
	if (http_get(&g, why, sizeof why) < 0) {
		snprintf(err, ERRLEN, "token: %s", why);
		return -1;
	}
	json_t *j = json_loadb(g.body, g.len, 0, NULL);
	const char *t = json_string_value(json_object_get(j, "token"));
	if (!t)
		t = json_string_value(json_object_get(j, "access_token"));
	int rc = 0;
	if (!t || strlen(t) > sizeof r->bearer - 40) {
		snprintf(err, ERRLEN, "%s: the token service gave no usable token", realm);
		rc = -1;
	} else {
		snprintf(r->bearer, sizeof r->bearer, "Authorization: Bearer %s", t);
	}
	json_decref(j);
	free(g.body);
	return rc;
}

/* GET base/WHAT into memory (FD < 0) or FD, answering one auth challenge;
 * more than MAX bytes (a blob's size in its descriptor) are refused, so that
 * a registry cannot fill the disk. */
static int get(struct registry *r, const char *what, const char *accept, int fd, uint64_t max, struct http_get *g,
	       char *err)
{
	char url[1000], acc[300];
	snprintf(url, sizeof url, "%s/%s", r->base, what);
	snprintf(acc, sizeof acc, "Accept: %s", accept ? accept : "*/*");
	for (int attempt = 0; attempt < 2; attempt++) {
		const char *hdrs[] = { acc, *r->bearer ? r->bearer : r->basic_asked ? r->basic : NULL, NULL };
		memset(g, 0, sizeof *g);
		g->url = url;
		g->fd = fd;
		g->max_bytes = max;
		g->headers = hdrs;
		g->cafile = *r->cafile ? r->cafile : NULL;
		char why[1024];
		if (fd >= 0 && (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0))
			return -1;
		if (http_get(g, why, sizeof why) == 0)
			return 0;
		if (g->status == 401 && attempt == 0 && *g->www_auth) {
			if (token(r, g->www_auth, err) < 0)
				return -1;
			continue;
		}
		if (g->status == 404)
			snprintf(err, ERRLEN, "%s: not found on %s", what, r->ref.host);
		else
			snprintf(err, ERRLEN, "%s", why);
		return -1;
	}
	snprintf(err, ERRLEN, "%s: access denied by %s", what, r->ref.host);
	return -1;
}

static int fetch_blob(struct registry *r, const struct oci_desc *d, uint64_t *bytes, char *err)
{
	if (blob_exists(d->digest))
		return 0;
	char tmp[700], what[200], got[72];
	snprintf(tmp, sizeof tmp, "%s/tmp/pull.%ld.%.12s", conf.root, (long)getpid(), d->digest + 7);
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, ERRLEN, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	snprintf(what, sizeof what, "blobs/%s", d->digest);
	struct http_get g;
	int rc = get(r, what, NULL, fd, d->size > 0 ? (uint64_t)d->size : 1, &g, err);
	if (rc == 0) {
		lseek(fd, 0, SEEK_SET);
		rc = blob_put(fd, d->digest, d->size, got, err);
		*bytes += (uint64_t)d->size;
	}
	close(fd);
	unlink(tmp);
	if (rc == 0)
		printf("%.12s: Pull complete\n", d->digest + 7);
	return rc;
}

static int pull(const char *refstr, char *err)
{
	struct registry r = { 0 };
	if (imageref_parse(refstr, conf.default_registry, &r.ref, err, ERRLEN) < 0)
		return -1;
	if (!*r.ref.host) {
		snprintf(err, ERRLEN, "\"%s\" names no registry and dock.conf sets no DEFAULT_REGISTRY: "
			 "write it as HOST[:PORT]/NAME[:TAG]", refstr);
		return -1;
	}
	snprintf(r.base, sizeof r.base, "%s://%s/v2/%s", insecure(r.ref.host) ? "http" : "https", r.ref.host, r.ref.path);
	snprintf(r.cafile, sizeof r.cafile, "/etc/berth/dock/certs.d/%s/ca.crt", r.ref.host);
	if (access(r.cafile, R_OK) < 0)
		r.cafile[0] = '\0';
	credentials(&r);
	char what[300], digest[72], why[1024];
	struct http_get g;
	snprintf(what, sizeof what, "manifests/%s", *r.ref.digest ? r.ref.digest : r.ref.tag);
	printf("%s: Pulling from %s\n", *r.ref.tag ? r.ref.tag : r.ref.digest, r.ref.path);
	int64_t t0 = now_ns();
	if (get(&r, what, OCI_ACCEPT, -1, 8 << 20, &g, err) < 0)
		return -1;
	char *body = g.body;
	size_t len = g.len;
	if (oci_kind(body, len) == OCI_KIND_INDEX) {
		struct oci_desc d;
		if (blob_put_mem(body, len, digest, err) < 0 || (*r.ref.digest && strcmp(digest, r.ref.digest))) {
			if (!*err)
				snprintf(err, ERRLEN, "the index's digest is %s, not %s", digest, r.ref.digest);
			free(body);
			return -1;
		}
		if (oci_index_pick(body, len, "linux", "amd64", &d, why, sizeof why) < 0) {
			snprintf(err, ERRLEN, "%s: %s", refstr, why);
			free(body);
			return -1;
		}
		free(body);
		snprintf(what, sizeof what, "manifests/%s", d.digest);
		if (get(&r, what, OCI_ACCEPT, -1, 8 << 20, &g, err) < 0)
			return -1;
		body = g.body;
		len = g.len;
		strcpy(r.ref.digest, d.digest); /* the platform's manifest must be this one */
	}
	struct oci_manifest m;
	int rc = -1;
	if (blob_put_mem(body, len, digest, err) < 0)
		goto out;
	if (*r.ref.digest && strcmp(digest, r.ref.digest)) {
		snprintf(err, ERRLEN, "the manifest's digest is %s, not %s", digest, r.ref.digest);
		goto out;
	}
	if (oci_manifest_parse(body, len, &m, why, sizeof why) < 0) {
		snprintf(err, ERRLEN, "%s: %s", refstr, why);
		goto out;
	}
	uint64_t bytes = 0;
	rc = fetch_blob(&r, &m.config, &bytes, err);
	for (size_t i = 0; rc == 0 && i < m.nlayers; i++)
		rc = fetch_blob(&r, &m.layers[i], &bytes, err);
	oci_manifest_free(&m);
	if (rc < 0)
		goto out;
	double secs = (double)(now_ns() - t0) / 1e9;
	struct strv tags = { 0 };
	strv_add(&tags, refstr);
	char id[72];
	rc = image_import(digest, &tags, id, err);
	strv_clear(&tags);
	if (rc == 0)
		printf("Digest: %s\nStatus: Downloaded %s (%llu bytes in %.2f s, %.1f MB/s)\n", digest, refstr,
		       (unsigned long long)bytes, secs, secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
out:
	free(body);
	return rc;
}

int cmd_pull(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: dock pull [HOST[:PORT]/]NAME[:TAG|@DIGEST]\n", stderr);
		return 2;
	}
	char err[ERRLEN] = "";
	if (store_open(err) < 0 || pull(argv[1], err) < 0) {
		warnx("pull %s: %s", argv[1], err);
		return 1;
	}
	return 0;
}
