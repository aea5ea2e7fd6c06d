/* The etcd gateway's encodings: base64 keys and values, int64 as strings,
 * prefix range ends, KeyValues and the common request objects. */
#include "etcd-impl.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *etcd_b64(const void *s, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(len);
	if (out)
		sodium_bin2base64(out, len, s, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

char *etcd_unb64(const char *s, size_t *len)
{
	size_t n = strlen(s), got = 0;
	char *out = malloc(n + 1);
	if (out && sodium_base642bin((unsigned char *)out, n, s, n, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) == 0) {
		out[got] = '\0';
		if (len)
			*len = got;
		return out;
	}
	free(out);
	return NULL;
}

int64_t etcd_num(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

json_t *etcd_numstr(int64_t v)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)v);
	return json_string(s);
}

char *etcd_prefix_end(const char *key)
{
	/* KEY's last byte below 0xff plus one, what follows it dropped; with
	 * no such byte, every key from KEY on: "\0". */
	size_t n = strlen(key);
	while (n && (unsigned char)key[n - 1] == 0xff)
		n--;
	if (!n)
		return etcd_b64("", 1);
	char *end = malloc(n);
	if (!end)
		return NULL;
	memcpy(end, key, n);
	end[n - 1] = (char)((unsigned char)end[n - 1] + 1);
	char *r = etcd_b64(end, n);
	free(end);
	return r;
}

void etcd_kv_free(struct etcd_kv *kv)
{
	free(kv->key);
	free(kv->value);
	kv->key = kv->value = NULL;
}

int etcd_kv_from(json_t *j, struct etcd_kv *kv)
{
	/* The gateway leaves out what is empty or zero. */
	memset(kv, 0, sizeof *kv);
	const char *k = json_string_value(json_object_get(j, "key"));
	const char *v = json_string_value(json_object_get(j, "value"));
	kv->key = etcd_unb64(k ? k : "", NULL);
	kv->value = etcd_unb64(v ? v : "", &kv->value_len);
	kv->create_revision = etcd_num(json_object_get(j, "create_revision"));
	kv->mod_revision = etcd_num(json_object_get(j, "mod_revision"));
	kv->version = etcd_num(json_object_get(j, "version"));
	kv->lease = etcd_num(json_object_get(j, "lease"));
	if (kv->key && kv->value)
		return 0;
	etcd_kv_free(kv);
	return -1;
}

void etcd_kvs_free(struct etcd_kvs *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		etcd_kv_free(&k->kv[i]);
	free(k->kv);
	memset(k, 0, sizeof *k);
}

int etcd_kvs_from(struct etcd *e, json_t *a, struct etcd_kvs *out)
{
	json_t *kvs = json_object_get(a, "kvs"), *j;
	size_t i;
	memset(out, 0, sizeof *out);
	out->revision = etcd_num(json_object_get(json_object_get(a, "header"), "revision"));
	out->more = json_is_true(json_object_get(a, "more"));
	if (json_array_size(kvs) && !(out->kv = calloc(json_array_size(kvs), sizeof *out->kv))) {
		etcd_seterr(e, "out of memory");
		return -1;
	}
	json_array_foreach(kvs, i, j) {
		if (etcd_kv_from(j, &out->kv[out->n]) < 0) {
			etcd_seterr(e, "etcd answered a key or value that is not base64 (or out of memory)");
			etcd_kvs_free(out);
			return -1;
		}
		out->n++;
	}
	return 0;
}

json_t *etcd_range_req(const char *key, int prefix)
{
	/* etcd wants a key: every key is the range from "\0" to "\0". */
	char *k = prefix && !*key ? etcd_b64("", 1) : etcd_b64(key, strlen(key));
	char *end = prefix ? etcd_prefix_end(key) : NULL;
	json_t *r = k && (end || !prefix) ? json_pack("{s:s}", "key", k) : NULL;
	if (r && end && json_object_set_new(r, "range_end", json_string(end)) < 0) {
		json_decref(r);
		r = NULL;
	}
	free(k);
	free(end);
	return r;
}

json_t *etcd_put_req(const char *key, const void *value, size_t len, int64_t lease)
{
	char *k = etcd_b64(key, strlen(key)), *v = etcd_b64(value ? value : "", value ? len : 0);
	json_t *r = k && v ? json_pack("{s:s, s:s}", "key", k, "value", v) : NULL;
	if (r && lease && json_object_set_new(r, "lease", etcd_numstr(lease)) < 0) {
		json_decref(r);
		r = NULL;
	}
	free(k);
	free(v);
	return r;
}
