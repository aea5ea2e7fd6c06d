/* Leases: grant, keep alive (one renewal per call), revoke. */
#include "etcd-impl.h"

#include <stdlib.h>
#include <string.h>

/* gRPC's NotFound, as the gateway passes it on in "code". */
#define GRPC_NOT_FOUND 5

int etcd_lease_grant(struct etcd *e, int64_t ttl_s, int64_t *id)
{
	/* A grant repeated elsewhere after a lost answer leaves a lease
	 * nobody keeps alive: it expires. */
	json_t *a = etcd_call(e, "/v3/lease/grant", json_pack("{s:o}", "TTL", etcd_numstr(ttl_s)), ETCD_RETRY_ANY);
	if (!a)
		return -1;
	const char *err = json_string_value(json_object_get(a, "error"));
	*id = etcd_num(json_object_get(a, "ID"));
	json_decref(a);
	if (err || *id == 0) {
		etcd_seterr(e, "etcd granted no lease of %lld s%s%s", (long long)ttl_s, err ? ": " : "", err ? err : "");
		return -1;
	}
	return 0;
}

int etcd_lease_keepalive(struct etcd *e, int64_t id, int64_t *ttl_left)
{
	/* LeaseKeepAlive is a stream; the gateway takes a body of one request
	 * and answers one {"result": ...} before the stream ends with it. */
	json_t *a = etcd_call(e, "/v3/lease/keepalive", json_pack("{s:o}", "ID", etcd_numstr(id)), ETCD_RETRY_ANY);
	if (!a)
		return -1;
	json_t *r = json_object_get(a, "result");
	if (!r) {
		const char *msg = json_string_value(json_object_get(json_object_get(a, "error"), "message"));
		etcd_seterr(e, "keepalive of lease %lld: %s", (long long)id, msg ? msg : "etcd gave no result");
		json_decref(a);
		return -1;
	}
	/* A lease that is gone: TTL 0, which the gateway leaves out. */
	*ttl_left = etcd_num(json_object_get(r, "TTL"));
	json_decref(a);
	return 0;
}

int etcd_lease_revoke(struct etcd *e, int64_t id)
{
	json_t *a = etcd_call(e, "/v3/lease/revoke", json_pack("{s:o}", "ID", etcd_numstr(id)), ETCD_RETRY_ANY);
	if (!a && e->grpc_code == GRPC_NOT_FOUND)
		return 0;
	json_decref(a);
	return a ? 0 : -1;
}
