/* The update agent's one-shot calls (etcd.h), each on a client of its own. */
#include "etcd.h"

#include <stdio.h>
#include <string.h>

/* Each attempt's limit, as the agent's calls had before the client. */
#define ONESHOT_TIMEOUT_MS 10000

int etcd_get(const char *endpoints, const char *key, char **value, int64_t *mod_revision, char *err, size_t errlen)
{
	*value = NULL;
	*mod_revision = 0;
	struct etcd *e = etcd_open(endpoints, NULL, ONESHOT_TIMEOUT_MS);
	struct etcd_kvs kvs;
	if (!e || etcd_range(e, key, 0, 0, &kvs) < 0) {
		snprintf(err, errlen, "%s", etcd_strerror(e));
		etcd_close(e);
		return -1;
	}
	if (kvs.n) {
		*value = kvs.kv[0].value;
		kvs.kv[0].value = NULL;
		*mod_revision = kvs.kv[0].mod_revision;
	}
	etcd_kvs_free(&kvs);
	etcd_close(e);
	return 0;
}

int etcd_cas(const char *endpoints, const char *key, int64_t mod_revision, const char *value, char *err,
	     size_t errlen)
{
	struct etcd *e = etcd_open(endpoints, NULL, ONESHOT_TIMEOUT_MS);
	struct etcd_cmp cmp = { .key = key, .target = mod_revision ? ETCD_CMP_MOD : ETCD_CMP_CREATE,
				.result = ETCD_CMP_EQUAL, .number = mod_revision };
	struct etcd_op put = { .type = ETCD_OP_PUT, .key = key, .value = value };
	int ok = 0;
	if (!e || etcd_txn(e, &cmp, 1, &put, 1, NULL, 0, &ok, NULL) < 0) {
		snprintf(err, errlen, "%s", etcd_strerror(e));
		etcd_close(e);
		return -1;
	}
	etcd_close(e);
	return ok;
}
