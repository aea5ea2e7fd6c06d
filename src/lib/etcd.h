/* An etcd v3 client over its JSON gateway (/v3/kv/..., /v3/lease/...,
 * /v3/watch), for Berth's agents and fleet. Keys are C strings; values may be
 * any bytes (value_len). The gateway's base64 and string-encoded int64 stay
 * inside.
 *
 * ENDPOINTS is a comma-separated list of client URLs (http:// or https://; a
 * bare HOST:PORT is http://). A request goes to the endpoint that answered
 * last, first the first one; if that one cannot be reached, or answers that
 * it has no leader or is unavailable (HTTP 5xx), the next is tried, each at
 * most once. A transaction is only retried elsewhere when it surely did not
 * reach the first (it did not connect, or the member had no leader): once a
 * transaction may have been applied, its error says the outcome is unknown.
 *
 * Every function that returns int returns -1 on failure, with
 * etcd_strerror(e) naming the endpoint's URL and what failed; none aborts. */
#ifndef BERTH_ETCD_H
#define BERTH_ETCD_H

#include <stddef.h>
#include <stdint.h>

struct etcd;
struct etcd_tls {
	const char *ca;   /* CA certificates (PEM file); NULL: the system's */
	const char *cert; /* client certificate and its key (PEM files); NULL: none */
	const char *key;
};

/* A client of ENDPOINTS. TLS may be NULL. TIMEOUT_MS bounds each attempt of a
 * request on one endpoint (<= 0: 5000); a request that fails over may take
 * that once per endpoint. NULL only if out of memory; bad ENDPOINTS make
 * every request fail with the reason. */
struct etcd *etcd_open(const char *endpoints, const struct etcd_tls *tls, int timeout_ms);
/* Frees the client (NULL: nothing). Stop its watches first. */
void etcd_close(struct etcd *e);
/* The last failure, e.g. "http://10.0.0.1:2379/v3/kv/put: Couldn't connect
 * to server"; "" if none yet. Valid until the next call on E. */
const char *etcd_strerror(const struct etcd *e);

struct etcd_kv {
	char *key;
	char *value;      /* VALUE_LEN bytes, and a NUL after them */
	size_t value_len;
	int64_t create_revision, mod_revision, version, lease;
};
struct etcd_kvs {
	struct etcd_kv *kv;
	size_t n;
	int64_t revision; /* the store's revision the answer is of */
	int more;         /* LIMIT cut the answer short */
};
/* Frees what a range filled in, and zeroes K. */
void etcd_kvs_free(struct etcd_kvs *k);

/* KEY, or (PREFIX) every key that starts with KEY ("" and PREFIX: all keys),
 * in key order; at most LIMIT of them (0: all). OUT is always set (empty on
 * failure) and freed with etcd_kvs_free. */
int etcd_range(struct etcd *e, const char *key, int prefix, int64_t limit, struct etcd_kvs *out);
/* The same, but keys and revisions only: every value is "" (value_len 0). */
int etcd_range_keys(struct etcd *e, const char *key, int prefix, int64_t limit, struct etcd_kvs *out);

/* Puts the C string VALUE at KEY, attached to LEASE (0: none). */
int etcd_put(struct etcd *e, const char *key, const char *value, int64_t lease);
/* Puts LEN bytes of VALUE, which may hold any bytes, NULs too. */
int etcd_put_len(struct etcd *e, const char *key, const void *value, size_t len, int64_t lease);
/* Deletes KEY, or (PREFIX) every key that starts with KEY. DELETED (if not
 * NULL): how many keys went. */
int etcd_delete(struct etcd *e, const char *key, int prefix, int64_t *deleted);

/* Compacts the store's history up to REVISION: watches from before it then
 * get ETCD_WATCH_COMPACTED. */
int etcd_compact(struct etcd *e, int64_t revision);

/* Transactions. A comparison: KEY's TARGET against NUMBER (CREATE: its
 * create revision, 0 if the key does not exist; MOD: its mod revision;
 * VERSION: its number of puts since created) or VALUE (VALUE_LEN bytes, 0:
 * strlen(VALUE)). */
enum etcd_cmp_target { ETCD_CMP_CREATE, ETCD_CMP_MOD, ETCD_CMP_VERSION, ETCD_CMP_VALUE };
enum etcd_cmp_result { ETCD_CMP_EQUAL, ETCD_CMP_NOT_EQUAL, ETCD_CMP_LESS, ETCD_CMP_GREATER };
struct etcd_cmp {
	const char *key;
	enum etcd_cmp_target target;
	enum etcd_cmp_result result;
	int64_t number;     /* CREATE, MOD, VERSION */
	const char *value;  /* VALUE */
	size_t value_len;
};
/* An operation: put VALUE (VALUE_LEN bytes, 0: strlen(VALUE); NULL: "") at
 * KEY with LEASE; delete KEY (PREFIX: and every key under it); or range over
 * KEY (PREFIX as for etcd_range), the answer into *OUT if OUT is not NULL and
 * the operation's branch ran (free it with etcd_kvs_free; it is zeroed
 * otherwise). */
enum etcd_op_type { ETCD_OP_PUT, ETCD_OP_DELETE, ETCD_OP_RANGE };
struct etcd_op {
	enum etcd_op_type type;
	const char *key;
	const char *value;    /* PUT */
	size_t value_len;     /* PUT */
	int64_t lease;        /* PUT */
	int prefix;           /* DELETE, RANGE */
	struct etcd_kvs *out; /* RANGE */
};
/* Atomically, at one revision: if every one of the NCMP comparisons holds,
 * the NOK operations OK, else the NFAIL ones FAIL (either may be empty).
 * SUCCEEDED: 1 if the comparisons held, else 0; REVISION (if not NULL): the
 * store's revision after it. */
int etcd_txn(struct etcd *e, const struct etcd_cmp *cmp, size_t ncmp, const struct etcd_op *ok, size_t nok,
	     const struct etcd_op *fail, size_t nfail, int *succeeded, int64_t *revision);

/* Leases. A lease lives TTL_S seconds unless kept alive; when it ends, every
 * key put with it is deleted. ID: the new lease's. */
int etcd_lease_grant(struct etcd *e, int64_t ttl_s, int64_t *id);
/* Renews lease ID once. TTL_LEFT: its seconds now, the full TTL again; 0 if
 * the lease is gone (expired or revoked), which is not a failure. */
int etcd_lease_keepalive(struct etcd *e, int64_t id, int64_t *ttl_left);
/* Ends lease ID now, deleting its keys. A lease that is already gone is not
 * a failure. */
int etcd_lease_revoke(struct etcd *e, int64_t id);

/* Watches, for a single-threaded event loop: a watch's stream is read only
 * inside etcd_watch_poll, which never blocks longer than its timeout. */
enum etcd_event_type { ETCD_EVENT_PUT, ETCD_EVENT_DELETE };
struct etcd_event {
	enum etcd_event_type type;
	struct etcd_kv kv;  /* a delete's: only key and mod_revision (the delete's) */
};
#define ETCD_WATCH_COMPACTED 1
struct etcd_watch;
/* Watches KEY (PREFIX: every key that starts with KEY) from revision
 * START_REVISION on (0: from now), on E's current endpoint. The connection is
 * made in etcd_watch_poll, which reports if it fails. NULL (and
 * etcd_strerror set) if out of memory. E must outlive the watch. */
struct etcd_watch *etcd_watch_start(struct etcd *e, const char *key, int prefix, int64_t start_revision);
/* Runs the watch for at most TIMEOUT_MS (0: only what is already there),
 * calling FN with each batch of events, in revision order, and the revision
 * the batch brings the watch to. Returns:
 *   0  the time is up (events or none);
 *   ETCD_WATCH_COMPACTED  the start revision has been compacted away: read
 *      what is wanted again, and watch anew from that read's revision + 1;
 *   -1 the stream broke or the member refused it (etcd_strerror says why):
 *      stop this watch and start another from etcd_watch_revision() + 1; the
 *      client has moved on to its next endpoint for it. Also -1, the watch
 *      still usable, if FN returned non-zero (that batch counts as seen).
 * A watch that returned ETCD_WATCH_COMPACTED or -1 (but for FN's) returns the
 * same again. */
int etcd_watch_poll(struct etcd_watch *w, int timeout_ms,
		    int (*fn)(void *arg, const struct etcd_event *ev, size_t n, int64_t revision), void *arg);
/* The revision up to which every change has been delivered: that of the last
 * event, or of the store when a watch from now began or etcd said the watch
 * was up to date; START_REVISION - 1 before any of these. */
int64_t etcd_watch_revision(const struct etcd_watch *w);
/* Ends the watch and frees it (NULL: nothing). */
void etcd_watch_stop(struct etcd_watch *w);

/* One-shot helpers for the update agent, each on a client of its own:
 * KEY's value (malloc'd; NULL if absent) and mod revision (0 if absent),
 * 0 or -1; put VALUE at KEY if its mod revision is still MOD_REVISION (0: if
 * KEY does not exist): 1 put, 0 KEY had changed, -1. ERR: why -1. */
int etcd_get(const char *endpoints, const char *key, char **value, int64_t *mod_revision, char *err, size_t errlen);
int etcd_cas(const char *endpoints, const char *key, int64_t mod_revision, const char *value, char *err,
	     size_t errlen);

#endif
