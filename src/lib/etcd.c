#include "etcd.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static char *b64(const char *s)
{
	size_t n = strlen(s), len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(len);
	if (out)
		sodium_bin2base64(out, len, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

static char *unb64(const char *s)
{
	size_t n = strlen(s), len;
	char *out = malloc(n + 1);
	if (out && sodium_base642bin((unsigned char *)out, n, s, n, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0) {
		out[len] = '\0';
		return out;
	}
	free(out);
	return NULL;
}

/* The gateway writes int64 as strings. */
static int64_t num(json_t *v)
{
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : json_is_integer(v) ? json_integer_value(v) : 0;
}

/* POSTs BODY to PATH on the first endpoint that answers; the answer's JSON. */
static json_t *call(const char *endpoints, const char *path, json_t *body, char *err, size_t errlen)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	char list[1024];
	snprintf(list, sizeof list, "%s", endpoints);
	json_t *answer = NULL;
	*err = '\0';
	for (char *save, *ep = strtok_r(list, ",", &save); ep && !answer; ep = strtok_r(NULL, ",", &save)) {
		char url[1100];
		snprintf(url, sizeof url, "%s%s", ep, path);
		struct http_get g = { .url = url, .post = text, .fd = -1, .max_bytes = 1 << 20, .timeout = 10 };
		if (http_get(&g, err, errlen) < 0)
			continue;
		json_error_t je;
		answer = json_loadb(g.body, g.len, 0, &je);
		free(g.body);
		if (!json_is_object(answer)) {
			snprintf(err, errlen, "%s: not a JSON object: %s", url, je.text);
			json_decref(answer);
			answer = NULL;
		}
	}
	if (!answer && !*err)
		snprintf(err, errlen, "no etcd endpoint given");
	free(text);
	return answer;
}

int etcd_get(const char *endpoints, const char *key, char **value, int64_t *mod_revision, char *err, size_t errlen)
{
	*value = NULL;
	*mod_revision = 0;
	char *k = b64(key);
	json_t *a = call(endpoints, "/v3/kv/range", json_pack("{s:s}", "key", k ? k : ""), err, errlen);
	free(k);
	if (!a)
		return -1;
	json_t *kv = json_array_get(json_object_get(a, "kvs"), 0);
	int r = 0;
	if (kv) {
		json_t *v = json_object_get(kv, "value");
		*value = unb64(json_is_string(v) ? json_string_value(v) : "");
		*mod_revision = num(json_object_get(kv, "mod_revision"));
		if (!*value) {
			snprintf(err, errlen, "etcd: %s: a value that is not base64", key);
			r = -1;
		}
	}
	json_decref(a);
	return r;
}

int etcd_cas(const char *endpoints, const char *key, int64_t mod_revision, const char *value, char *err,
	     size_t errlen)
{
	char *k = b64(key), *v = b64(value), rev[24];
	snprintf(rev, sizeof rev, "%lld", (long long)mod_revision);
	json_t *cmp = mod_revision ? json_pack("{s:s,s:s,s:s,s:s}", "key", k, "target", "MOD", "result", "EQUAL",
					       "mod_revision", rev)
				   : json_pack("{s:s,s:s,s:s,s:s}", "key", k, "target", "CREATE", "result", "EQUAL",
					       "create_revision", "0");
	json_t *body = json_pack("{s:[o],s:[{s:{s:s,s:s}}]}", "compare", cmp, "success", "request_put", "key", k,
				 "value", v);
	free(k);
	free(v);
	json_t *a = call(endpoints, "/v3/kv/txn", body, err, errlen);
	if (!a)
		return -1;
	int ok = json_is_true(json_object_get(a, "succeeded"));
	json_decref(a);
	return ok;
}
