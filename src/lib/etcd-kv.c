/* The key-value requests: range, put, delete and transactions. */
#include "etcd-impl.h"

#include <stdlib.h>
#include <string.h>

static int range(struct etcd *e, const char *key, int prefix, int64_t limit, int keys_only, struct etcd_kvs *out)
{
	memset(out, 0, sizeof *out);
	json_t *req = etcd_range_req(key, prefix);
	if (req && limit > 0 && json_object_set_new(req, "limit", etcd_numstr(limit)) < 0)
		req = (json_decref(req), NULL);
	if (req && keys_only && json_object_set_new(req, "keys_only", json_true()) < 0)
		req = (json_decref(req), NULL);
	json_t *a = etcd_call(e, "/v3/kv/range", req, ETCD_RETRY_ANY);
	if (!a)
		return -1;
	int r = etcd_kvs_from(e, a, out);
	json_decref(a);
	return r;
}

int etcd_range(struct etcd *e, const char *key, int prefix, int64_t limit, struct etcd_kvs *out)
{
	return range(e, key, prefix, limit, 0, out);
}

int etcd_range_keys(struct etcd *e, const char *key, int prefix, int64_t limit, struct etcd_kvs *out)
{
	return range(e, key, prefix, limit, 1, out);
}

int etcd_put_len(struct etcd *e, const char *key, const void *value, size_t len, int64_t lease)
{
	/* Put again elsewhere after a lost answer, the value is the same;
	 * only its revision moves on. */
	json_t *a = etcd_call(e, "/v3/kv/put", etcd_put_req(key, value, len, lease), ETCD_RETRY_ANY);
	json_decref(a);
	return a ? 0 : -1;
}

int etcd_put(struct etcd *e, const char *key, const char *value, int64_t lease)
{
	return etcd_put_len(e, key, value, value ? strlen(value) : 0, lease);
}

int etcd_delete(struct etcd *e, const char *key, int prefix, int64_t *deleted)
{
	json_t *a = etcd_call(e, "/v3/kv/deleterange", etcd_range_req(key, prefix), ETCD_RETRY_ANY);
	if (!a)
		return -1;
	if (deleted)
		*deleted = etcd_num(json_object_get(a, "deleted"));
	json_decref(a);
	return 0;
}

int etcd_compact(struct etcd *e, int64_t revision)
{
	json_t *a = etcd_call(e, "/v3/kv/compaction", json_pack("{s:o}", "revision", etcd_numstr(revision)),
			      ETCD_RETRY_ANY);
	json_decref(a);
	return a ? 0 : -1;
}

static json_t *cmp_json(const struct etcd_cmp *c)
{
	static const char *const targets[] = { "CREATE", "MOD", "VERSION", "VALUE" };
	static const char *const fields[] = { "create_revision", "mod_revision", "version", "value" };
	static const char *const results[] = { "EQUAL", "NOT_EQUAL", "LESS", "GREATER" };
	if ((unsigned)c->target > ETCD_CMP_VALUE || (unsigned)c->result > ETCD_CMP_GREATER || !c->key)
		return NULL;
	char *k = etcd_b64(c->key, strlen(c->key));
	json_t *j = k ? json_pack("{s:s, s:s, s:s}", "key", k, "target", targets[c->target], "result",
				  results[c->result]) : NULL;
	free(k);
	json_t *v;
	if (c->target == ETCD_CMP_VALUE) {
		const char *s = c->value ? c->value : "";
		char *b = etcd_b64(s, c->value_len ? c->value_len : strlen(s));
		v = b ? json_string(b) : NULL;
		free(b);
	} else {
		v = etcd_numstr(c->number);
	}
	if (!j || json_object_set_new(j, fields[c->target], v) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *op_json(const struct etcd_op *o)
{
	json_t *req = NULL;
	const char *kind = NULL;
	if (!o->key)
		return NULL;
	switch (o->type) {
	case ETCD_OP_PUT:
		kind = "request_put";
		req = etcd_put_req(o->key, o->value ? o->value : "",
				   o->value_len ? o->value_len : o->value ? strlen(o->value) : 0, o->lease);
		break;
	case ETCD_OP_DELETE:
		kind = "request_delete_range";
		req = etcd_range_req(o->key, o->prefix);
		break;
	case ETCD_OP_RANGE:
		kind = "request_range";
		req = etcd_range_req(o->key, o->prefix);
		break;
	}
	return req ? json_pack("{s:o}", kind, req) : NULL;
}

/* A JSON array of N items made by FN from ITEMS, or NULL. */
static json_t *array_of(const void *items, size_t size, size_t n, json_t *(*fn)(const void *))
{
	json_t *arr = json_array();
	for (size_t k = 0; arr && k < n; k++) {
		json_t *j = fn((const char *)items + k * size);
		if (!j || json_array_append_new(arr, j) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}
static json_t *cmp_item(const void *c) { return cmp_json(c); }
static json_t *op_item(const void *o) { return op_json(o); }

/* The answers of the branch that ran to its range operations' OUT. */
static int range_answers(struct etcd *e, json_t *responses, const struct etcd_op *ops, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (ops[k].type != ETCD_OP_RANGE || !ops[k].out)
			continue;
		json_t *r = json_object_get(json_array_get(responses, k), "response_range");
		if (!r) {
			etcd_seterr(e, "etcd's transaction answer lacks range %zu", k);
			return -1;
		}
		if (etcd_kvs_from(e, r, ops[k].out) < 0)
			return -1;
	}
	return 0;
}

static void zero_outs(const struct etcd_op *ops, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (ops[k].type == ETCD_OP_RANGE && ops[k].out)
			memset(ops[k].out, 0, sizeof *ops[k].out);
}

static void free_outs(const struct etcd_op *ops, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (ops[k].type == ETCD_OP_RANGE && ops[k].out)
			etcd_kvs_free(ops[k].out);
}

int etcd_txn(struct etcd *e, const struct etcd_cmp *cmp, size_t ncmp, const struct etcd_op *ok, size_t nok,
	     const struct etcd_op *fail, size_t nfail, int *succeeded, int64_t *revision)
{
	zero_outs(ok, nok);
	zero_outs(fail, nfail);
	if (succeeded)
		*succeeded = 0;
	json_t *c = array_of(cmp, sizeof *cmp, ncmp, cmp_item);
	json_t *s = array_of(ok, sizeof *ok, nok, op_item);
	json_t *f = array_of(fail, sizeof *fail, nfail, op_item);
	json_t *body = c && s && f ? json_pack("{s:o, s:o, s:o}", "compare", c, "success", s, "failure", f) : NULL;
	if (!body) {
		json_decref(c);
		json_decref(s);
		json_decref(f);
		etcd_seterr(e, "a transaction with a comparison or operation that has no key or is unknown "
			       "(or out of memory)");
		return -1;
	}
	json_t *a = etcd_call(e, "/v3/kv/txn", body, ETCD_RETRY_UNSENT);
	if (!a)
		return -1;
	int won = json_is_true(json_object_get(a, "succeeded"));
	if (succeeded)
		*succeeded = won;
	if (revision)
		*revision = etcd_num(json_object_get(json_object_get(a, "header"), "revision"));
	const struct etcd_op *ran = won ? ok : fail;
	size_t nran = won ? nok : nfail;
	int r = range_answers(e, json_object_get(a, "responses"), ran, nran);
	if (r < 0)
		free_outs(ran, nran);
	json_decref(a);
	return r;
}
