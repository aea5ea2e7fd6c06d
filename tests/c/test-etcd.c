/* The etcd client (src/lib/etcd*.c). Without a server: prefix range ends,
 * endpoint errors, a dead endpoint's errors and a watch's bounded poll. With
 * ETCD_ENDPOINTS (three members' URLs, comma-separated) and ETCD_PIDS (their
 * process ids, in the same order), as tests/unit/etcd-client.sh runs it:
 * the client against a real cluster, the last part killing the first member
 * to see requests and a watch move to the others. With ETCD_FAKE_WATCH (a
 * URL that streams a canned watch answer in fragments): messages split
 * across reads. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "../../src/lib/etcd-impl.h"
#include "check.h"

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void prefix_end_is(const char *key, const char *want, size_t wantlen)
{
	char *b = etcd_prefix_end(key);
	size_t len = 0;
	char *got = b ? etcd_unb64(b, &len) : NULL;
	CHECK(got && len == wantlen && !memcmp(got, want, wantlen));
	free(b);
	free(got);
}

/* What a watch delivered, in order. */
struct seen {
	char what[64][80]; /* "put KEY=VALUE@REV" or "del KEY@REV" */
	size_t n;
	int64_t last;
	int bad_order;
	int stop;          /* return this from the callback */
};

static int collect(void *arg, const struct etcd_event *ev, size_t n, int64_t revision)
{
	struct seen *s = arg;
	for (size_t k = 0; k < n; k++) {
		/* A delete of several keys: several events of one revision. */
		if (ev[k].kv.mod_revision < s->last)
			s->bad_order = 1;
		s->last = ev[k].kv.mod_revision;
		if (s->n < 64)
			snprintf(s->what[s->n++], sizeof s->what[0], "%s %s%s%s@%lld",
				 ev[k].type == ETCD_EVENT_PUT ? "put" : "del", ev[k].kv.key,
				 ev[k].type == ETCD_EVENT_PUT ? "=" : "", ev[k].type == ETCD_EVENT_PUT ? ev[k].kv.value : "",
				 (long long)ev[k].kv.mod_revision);
	}
	if (revision < s->last)
		s->bad_order = 1;
	return s->stop;
}

/* Polls W until S holds N events or MS pass; the last poll's result. */
static int watch_until(struct etcd_watch *w, struct seen *s, size_t n, long ms)
{
	long t0 = now_ms();
	int r = 0;
	while (s->n < n && now_ms() - t0 < ms && (r = etcd_watch_poll(w, 200, collect, s)) == 0)
		;
	return r;
}

static void offline(void)
{
	prefix_end_is("abc", "abd", 3);
	prefix_end_is("a\xff", "b", 1);
	prefix_end_is("a\xfe\xff\xff", "a\xff", 2);
	prefix_end_is("\xff\xff", "", 1);
	prefix_end_is("", "", 1);

	struct etcd *e = etcd_open("ftp://10.0.0.1:2379", NULL, 500);
	struct etcd_kvs kvs;
	CHECK(e && etcd_range(e, "k", 0, 0, &kvs) == -1 && kvs.n == 0);
	CHECK_STR(etcd_strerror(e), "etcd endpoint ftp://10.0.0.1:2379: not http:// or https://");
	etcd_close(e);
	e = etcd_open(" , ", NULL, 500);
	CHECK(e && etcd_put(e, "k", "v", 0) == -1);
	CHECK_STR(etcd_strerror(e), "no etcd endpoint given");
	etcd_close(e);

	/* Nothing listens on port 9 of loopback: both endpoints are tried, and
	 * the error names the last. */
	e = etcd_open("127.0.0.1:9/,http://127.0.0.1:9", NULL, 500);
	CHECK(e && etcd_put(e, "k", "v", 0) == -1);
	CHECK(strstr(etcd_strerror(e), "http://127.0.0.1:9/v3/kv/put: ") == etcd_strerror(e));
	int64_t id = 1;
	CHECK(etcd_lease_grant(e, 5, &id) == -1 && strstr(etcd_strerror(e), "/v3/lease/grant: "));
	struct etcd_watch *w = etcd_watch_start(e, "k", 1, 0);
	long t0 = now_ms();
	int r = 0;
	while (w && (r = etcd_watch_poll(w, 100, collect, &(struct seen){ 0 })) == 0 && now_ms() - t0 < 3000)
		;
	CHECK(r == -1 && strstr(etcd_strerror(e), "http://127.0.0.1:9/v3/watch: "));
	CHECK(etcd_watch_poll(w, 100, collect, NULL) == -1); /* it stays ended */
	etcd_watch_stop(w);
	etcd_close(e);

	char err[256];
	char *value = (char *)"x";
	int64_t rev = 5;
	CHECK(etcd_get("http://127.0.0.1:9", "k", &value, &rev, err, sizeof err) == -1 && !value && rev == 0);
	CHECK(strstr(err, "http://127.0.0.1:9/v3/kv/range: ") == err);
	CHECK(etcd_cas("http://127.0.0.1:9", "k", 0, "v", err, sizeof err) == -1);
	CHECK(strstr(err, "/v3/kv/txn: ") != NULL);
}

/* A canned watch stream, sent in fragments that split messages. */
static void fake_watch(const char *url)
{
	struct etcd *e = etcd_open(url, NULL, 2000);
	struct etcd_watch *w = etcd_watch_start(e, "a", 1, 7);
	struct seen s = { 0 };
	CHECK(etcd_watch_revision(w) == 6);
	int r = watch_until(w, &s, 3, 5000);
	CHECK(r == 0 || r == -1);
	CHECK(s.n == 3 && !s.bad_order);
	CHECK_STR(s.what[0], "put a/1=one@7");
	CHECK_STR(s.what[1], "del a/1@8");
	CHECK_STR(s.what[2], "put a/2=two@9");
	/* The stream then ends: -1, from revision 9 on delivered. */
	while (r == 0)
		r = etcd_watch_poll(w, 200, collect, &s);
	CHECK(r == -1 && strstr(etcd_strerror(e), "the watch stream ended"));
	CHECK(etcd_watch_revision(w) == 9);
	etcd_watch_stop(w);
	etcd_close(e);
}

static void kv(struct etcd *e)
{
	struct etcd_kvs kvs;
	int64_t n = -1;
	CHECK(etcd_delete(e, "t/", 1, NULL) == 0);
	CHECK(etcd_put(e, "t/a", "1", 0) == 0);
	CHECK(etcd_put(e, "t/b", "2", 0) == 0);
	CHECK(etcd_put(e, "t/b", "22", 0) == 0);
	CHECK(etcd_put(e, "t/c/d", "3", 0) == 0);
	CHECK(etcd_put(e, "t0", "outside", 0) == 0);
	CHECK(etcd_range(e, "t/b", 0, 0, &kvs) == 0 && kvs.n == 1);
	if (kvs.n == 1) {
		CHECK_STR(kvs.kv[0].key, "t/b");
		CHECK_STR(kvs.kv[0].value, "22");
		CHECK(kvs.kv[0].value_len == 2 && kvs.kv[0].version == 2);
		CHECK(kvs.kv[0].mod_revision > kvs.kv[0].create_revision && kvs.kv[0].mod_revision <= kvs.revision);
	}
	etcd_kvs_free(&kvs);
	CHECK(etcd_range(e, "t/", 1, 0, &kvs) == 0 && kvs.n == 3 && !kvs.more);
	if (kvs.n == 3) {
		CHECK_STR(kvs.kv[0].key, "t/a");
		CHECK_STR(kvs.kv[1].key, "t/b");
		CHECK_STR(kvs.kv[2].key, "t/c/d");
		CHECK_STR(kvs.kv[2].value, "3");
	}
	etcd_kvs_free(&kvs);
	CHECK(etcd_range(e, "t/", 1, 2, &kvs) == 0 && kvs.n == 2 && kvs.more);
	etcd_kvs_free(&kvs);
	CHECK(etcd_range_keys(e, "t/", 1, 0, &kvs) == 0 && kvs.n == 3);
	if (kvs.n == 3)
		CHECK(!strcmp(kvs.kv[1].key, "t/b") && kvs.kv[1].value_len == 0 && !strcmp(kvs.kv[1].value, "") &&
		      kvs.kv[1].version == 2);
	etcd_kvs_free(&kvs);
	CHECK(etcd_range(e, "t/none", 0, 0, &kvs) == 0 && kvs.n == 0 && kvs.revision > 0);
	etcd_kvs_free(&kvs);
	/* Every key: "" with PREFIX. */
	CHECK(etcd_range_keys(e, "", 1, 0, &kvs) == 0 && kvs.n >= 4);
	etcd_kvs_free(&kvs);
	CHECK(etcd_range(e, "", 0, 0, &kvs) == -1 && strstr(etcd_strerror(e), "HTTP 400: etcdserver: key is not provided"));
	CHECK(etcd_delete(e, "t/c", 1, &n) == 0 && n == 1);
	CHECK(etcd_delete(e, "t/a", 0, &n) == 0 && n == 1);
	CHECK(etcd_delete(e, "t/a", 0, &n) == 0 && n == 0);
	CHECK(etcd_range(e, "t", 1, 0, &kvs) == 0 && kvs.n == 2);
	etcd_kvs_free(&kvs);
	CHECK(etcd_delete(e, "t", 1, &n) == 0 && n == 2);

	/* Values are bytes: every byte, NUL too. */
	char bin[256];
	for (int i = 0; i < 256; i++)
		bin[i] = (char)(255 - i);
	CHECK(etcd_put_len(e, "t/bin", bin, sizeof bin, 0) == 0);
	CHECK(etcd_range(e, "t/bin", 0, 0, &kvs) == 0 && kvs.n == 1);
	CHECK(kvs.n == 1 && kvs.kv[0].value_len == 256 && !memcmp(kvs.kv[0].value, bin, 256) &&
	      kvs.kv[0].value[256] == '\0');
	etcd_kvs_free(&kvs);
	struct etcd_op put = { .type = ETCD_OP_PUT, .key = "t/bin2", .value = bin + 128, .value_len = 128 };
	struct etcd_cmp same = { .key = "t/bin", .target = ETCD_CMP_VALUE, .result = ETCD_CMP_EQUAL, .value = bin,
				 .value_len = 256 };
	int ok = 0;
	CHECK(etcd_txn(e, &same, 1, &put, 1, NULL, 0, &ok, NULL) == 0 && ok == 1);
	CHECK(etcd_range(e, "t/bin2", 0, 0, &kvs) == 0 && kvs.n == 1 && kvs.kv[0].value_len == 128 &&
	      !memcmp(kvs.kv[0].value, bin + 128, 128));
	etcd_kvs_free(&kvs);
	/* A value that differs only after a NUL does not compare equal. */
	bin[200] ^= 1;
	CHECK(etcd_txn(e, &same, 1, &put, 1, NULL, 0, &ok, NULL) == 0 && ok == 0);
	CHECK(etcd_delete(e, "t/bin", 1, &n) == 0 && n == 2);
}

static void txn(struct etcd *e)
{
	int64_t rev = 0;
	int ok = -1;
	CHECK(etcd_put(e, "x/k", "v1", 0) == 0);
	struct etcd_kvs kvs, got;
	CHECK(etcd_range(e, "x/k", 0, 0, &kvs) == 0 && kvs.n == 1);
	int64_t mod = kvs.n ? kvs.kv[0].mod_revision : 0;
	etcd_kvs_free(&kvs);

	/* Success: every comparison holds; both puts and the range run. */
	struct etcd_cmp c[] = {
		{ .key = "x/k", .target = ETCD_CMP_VALUE, .result = ETCD_CMP_EQUAL, .value = "v1" },
		{ .key = "x/k", .target = ETCD_CMP_MOD, .result = ETCD_CMP_EQUAL, .number = mod },
		{ .key = "x/k", .target = ETCD_CMP_VERSION, .result = ETCD_CMP_GREATER, .number = 0 },
		{ .key = "x/k", .target = ETCD_CMP_CREATE, .result = ETCD_CMP_LESS, .number = mod + 1 },
		{ .key = "x/none", .target = ETCD_CMP_CREATE, .result = ETCD_CMP_EQUAL, .number = 0 },
		{ .key = "x/k", .target = ETCD_CMP_VALUE, .result = ETCD_CMP_NOT_EQUAL, .value = "v2" },
	};
	struct etcd_kvs failout = { .n = 99 };
	struct etcd_op okops[] = {
		{ .type = ETCD_OP_PUT, .key = "x/k", .value = "v2" },
		{ .type = ETCD_OP_PUT, .key = "x/j", .value = "w" },
		{ .type = ETCD_OP_RANGE, .key = "x/", .prefix = 1, .out = &got },
	};
	struct etcd_op failops[] = {
		{ .type = ETCD_OP_PUT, .key = "x/failed", .value = "yes" },
		{ .type = ETCD_OP_RANGE, .key = "x/k", .out = &failout },
	};
	CHECK(etcd_txn(e, c, 6, okops, 3, failops, 2, &ok, &rev) == 0 && ok == 1 && rev == mod + 1);
	CHECK(got.n == 2 && failout.n == 0);
	if (got.n == 2) {
		CHECK_STR(got.kv[0].key, "x/j");
		CHECK_STR(got.kv[1].value, "v2");
	}
	etcd_kvs_free(&got);

	/* Failure: one comparison fails (x/k is v2 now, its mod revision
	 * moved); only the failure branch runs. */
	CHECK(etcd_txn(e, c, 1, okops, 3, failops, 2, &ok, &rev) == 0 && ok == 0 && rev == mod + 2);
	CHECK(failout.n == 1 && got.n == 0);
	if (failout.n == 1)
		CHECK_STR(failout.kv[0].value, "v2");
	etcd_kvs_free(&failout);
	CHECK(etcd_txn(e, c + 1, 1, okops, 1, NULL, 0, &ok, NULL) == 0 && ok == 0);
	CHECK(etcd_range(e, "x/", 1, 0, &kvs) == 0 && kvs.n == 3);
	if (kvs.n == 3) {
		CHECK_STR(kvs.kv[0].key, "x/failed");
		CHECK_STR(kvs.kv[2].value, "v2");
	}
	etcd_kvs_free(&kvs);
	/* A failure branch that deletes under a prefix. */
	struct etcd_op del = { .type = ETCD_OP_DELETE, .key = "x/", .prefix = 1 };
	CHECK(etcd_txn(e, c + 1, 1, NULL, 0, &del, 1, &ok, NULL) == 0 && ok == 0);
	CHECK(etcd_range(e, "x/", 1, 0, &kvs) == 0 && kvs.n == 0);
	etcd_kvs_free(&kvs);
	/* A transaction etcd refuses: a 4xx, said, and no failover. */
	struct etcd_op twice[] = { { .type = ETCD_OP_PUT, .key = "x/d" }, { .type = ETCD_OP_PUT, .key = "x/d" } };
	CHECK(etcd_txn(e, NULL, 0, twice, 2, NULL, 0, &ok, NULL) == -1);
	CHECK(strstr(etcd_strerror(e), "/v3/kv/txn: HTTP 400: etcdserver: duplicate key given in txn request"));
	struct etcd_op nokey = { .type = ETCD_OP_PUT };
	CHECK(etcd_txn(e, NULL, 0, &nokey, 1, NULL, 0, &ok, NULL) == -1 && strstr(etcd_strerror(e), "has no key"));

	/* The update agent's one-shot helpers on the same store. */
	char err[256], *value = NULL;
	const char *eps = getenv("ETCD_ENDPOINTS");
	CHECK(etcd_cas(eps, "x/lock", 0, "me", err, sizeof err) == 1);
	CHECK(etcd_cas(eps, "x/lock", 0, "you", err, sizeof err) == 0);
	CHECK(etcd_get(eps, "x/lock", &value, &rev, err, sizeof err) == 0 && value && !strcmp(value, "me"));
	CHECK(etcd_cas(eps, "x/lock", rev, "you", err, sizeof err) == 1);
	free(value);
	CHECK(etcd_get(eps, "x/none", &value, &rev, err, sizeof err) == 0 && !value && rev == 0);
	CHECK(etcd_delete(e, "x/lock", 0, NULL) == 0);
}

/* Two clients race to create one key: one wins, the other sees who. */
static void election(const char *eps)
{
	struct etcd *a = etcd_open(eps, NULL, 5000), *b = etcd_open(eps, NULL, 5000);
	int won[2] = { -1, -1 };
	struct etcd_kvs leader[2];
	struct etcd *c[2] = { a, b };
	const char *me[2] = { "a", "b" };
	CHECK(etcd_delete(a, "el/leader", 0, NULL) == 0);
	for (int k = 0; k < 2; k++) {
		struct etcd_cmp free_ = { .key = "el/leader", .target = ETCD_CMP_CREATE, .result = ETCD_CMP_EQUAL };
		struct etcd_op put = { .type = ETCD_OP_PUT, .key = "el/leader", .value = me[k] };
		struct etcd_op who = { .type = ETCD_OP_RANGE, .key = "el/leader", .out = &leader[k] };
		CHECK(etcd_txn(c[k], &free_, 1, &put, 1, &who, 1, &won[k], NULL) == 0);
	}
	CHECK(won[0] + won[1] == 1 && won[0] == 1);
	CHECK(leader[1].n == 1 && !strcmp(leader[1].kv[0].value, "a") && leader[0].n == 0);
	etcd_kvs_free(&leader[0]);
	etcd_kvs_free(&leader[1]);
	etcd_close(a);
	etcd_close(b);
}

static int gone_within(struct etcd *e, const char *key, long ms)
{
	long t0 = now_ms();
	while (now_ms() - t0 < ms) {
		struct etcd_kvs kvs;
		if (etcd_range(e, key, 0, 0, &kvs) == 0 && kvs.n == 0)
			return 1;
		etcd_kvs_free(&kvs);
		usleep(200000);
	}
	return 0;
}

static void leases(struct etcd *e)
{
	int64_t id = 0, ttl = -1;
	struct etcd_kvs kvs;
	CHECK(etcd_lease_grant(e, 2, &id) == 0 && id > 0);
	CHECK(etcd_put(e, "l/key", "held", id) == 0);
	CHECK(etcd_range(e, "l/key", 0, 0, &kvs) == 0 && kvs.n == 1 && kvs.kv[0].lease == id);
	etcd_kvs_free(&kvs);
	/* Kept alive past its TTL, the key stays. */
	for (int k = 0; k < 4; k++) {
		CHECK(etcd_lease_keepalive(e, id, &ttl) == 0 && ttl == 2);
		usleep(800000);
	}
	CHECK(etcd_range(e, "l/key", 0, 0, &kvs) == 0 && kvs.n == 1);
	etcd_kvs_free(&kvs);
	/* Left alone, it expires, and takes the key with it. */
	CHECK(gone_within(e, "l/key", 8000));
	CHECK(etcd_lease_keepalive(e, id, &ttl) == 0 && ttl == 0);
	/* A put with a lease that is gone fails, saying so. */
	CHECK(etcd_put(e, "l/key", "late", id) == -1 && strstr(etcd_strerror(e), "requested lease not found"));

	CHECK(etcd_lease_grant(e, 60, &id) == 0);
	CHECK(etcd_put(e, "l/a", "1", id) == 0 && etcd_put(e, "l/b", "2", id) == 0);
	CHECK(etcd_lease_revoke(e, id) == 0);
	CHECK(etcd_range(e, "l/", 1, 0, &kvs) == 0 && kvs.n == 0);
	etcd_kvs_free(&kvs);
	CHECK(etcd_lease_keepalive(e, id, &ttl) == 0 && ttl == 0);
	CHECK(etcd_lease_revoke(e, id) == 0); /* gone already: fine */
}

static void watches(struct etcd *e)
{
	struct etcd_kvs kvs;
	CHECK(etcd_put(e, "w/a", "0", 0) == 0);
	CHECK(etcd_range(e, "w/a", 0, 0, &kvs) == 0 && kvs.n == 1);
	int64_t from = kvs.revision + 1;
	etcd_kvs_free(&kvs);
	/* Made before the watch starts, delivered from FROM on, in order. */
	CHECK(etcd_put(e, "w/a", "1", 0) == 0);
	CHECK(etcd_put(e, "w/b", "2", 0) == 0);
	CHECK(etcd_put(e, "wx", "not under w/", 0) == 0);
	CHECK(etcd_delete(e, "w/a", 0, NULL) == 0);
	struct etcd_watch *w = etcd_watch_start(e, "w/", 1, from);
	CHECK(w && etcd_watch_revision(w) == from - 1);
	struct seen s = { 0 };
	CHECK(watch_until(w, &s, 3, 5000) == 0 && s.n == 3 && !s.bad_order);
	char want[80];
	snprintf(want, sizeof want, "put w/a=1@%lld", (long long)from);
	CHECK_STR(s.what[0], want);
	snprintf(want, sizeof want, "put w/b=2@%lld", (long long)from + 1);
	CHECK_STR(s.what[1], want);
	snprintf(want, sizeof want, "del w/a@%lld", (long long)from + 3);
	CHECK_STR(s.what[2], want);
	/* And what happens while it runs. */
	CHECK(etcd_put(e, "w/c", "3", 0) == 0 && etcd_delete(e, "w/", 1, NULL) == 0);
	CHECK(watch_until(w, &s, 6, 5000) == 0 && s.n == 6 && !s.bad_order);
	snprintf(want, sizeof want, "put w/c=3@%lld", (long long)from + 4);
	CHECK_STR(s.what[3], want);
	CHECK(!strncmp(s.what[4], "del w/b@", 8) && !strncmp(s.what[5], "del w/c@", 8));
	CHECK(etcd_watch_revision(w) == from + 5 && s.last == from + 5);

	/* A poll with nothing to say keeps to its time. */
	long t0 = now_ms();
	CHECK(etcd_watch_poll(w, 300, collect, &s) == 0 && s.n == 6);
	long took = now_ms() - t0;
	CHECK(took >= 250 && took < 1000);
	/* A callback that says stop: -1, the watch still going. */
	s.stop = 1;
	CHECK(etcd_put(e, "w/d", "4", 0) == 0);
	t0 = now_ms();
	int r;
	while ((r = etcd_watch_poll(w, 200, collect, &s)) == 0 && now_ms() - t0 < 5000)
		;
	CHECK(r == -1 && s.n == 7 && strstr(etcd_strerror(e), "callback"));
	s.stop = 0;
	CHECK(etcd_put(e, "w/e", "5", 0) == 0);
	CHECK(watch_until(w, &s, 8, 5000) == 0 && s.n == 8);
	etcd_watch_stop(w);

	/* From now: only what comes after. */
	w = etcd_watch_start(e, "w/e", 0, 0);
	struct seen now = { 0 };
	CHECK(etcd_watch_poll(w, 500, collect, &now) == 0 && now.n == 0);
	CHECK(etcd_watch_revision(w) == from + 7); /* the store's when it began */
	CHECK(etcd_put(e, "w/e", "6", 0) == 0 && etcd_put(e, "w/f", "7", 0) == 0);
	CHECK(watch_until(w, &now, 1, 5000) == 0 && now.n == 1);
	snprintf(want, sizeof want, "put w/e=6@%lld", (long long)from + 8);
	CHECK_STR(now.what[0], want);
	CHECK(etcd_watch_poll(w, 300, collect, &now) == 0 && now.n == 1);
	etcd_watch_stop(w);
	CHECK(etcd_delete(e, "w/", 1, NULL) == 0);

	/* From a compacted revision: ETCD_WATCH_COMPACTED, and again. */
	CHECK(etcd_range(e, "w/", 1, 0, &kvs) == 0);
	CHECK(etcd_compact(e, kvs.revision) == 0);
	w = etcd_watch_start(e, "w/", 1, from);
	struct seen old = { 0 };
	t0 = now_ms();
	while ((r = etcd_watch_poll(w, 200, collect, &old)) == 0 && now_ms() - t0 < 5000)
		;
	CHECK(r == ETCD_WATCH_COMPACTED && old.n == 0 && strstr(etcd_strerror(e), "compacted"));
	CHECK(etcd_watch_poll(w, 10, collect, &old) == ETCD_WATCH_COMPACTED);
	etcd_watch_stop(w);
	/* From the read's revision + 1 it runs. */
	w = etcd_watch_start(e, "w/", 1, kvs.revision + 1);
	CHECK(etcd_put(e, "w/g", "8", 0) == 0);
	CHECK(watch_until(w, &old, 1, 5000) == 0 && old.n == 1 && !strncmp(old.what[0], "put w/g=8@", 10));
	etcd_watch_stop(w);
	etcd_kvs_free(&kvs);
}

/* Kills the member at the first endpoint, which E and its watch use. */
static void failover(struct etcd *e, const char *eps, const char *pids)
{
	char *end;
	pid_t first = (pid_t)strtol(pids, &end, 10);
	const char *others = strchr(eps, ',');
	if (!first || !others) {
		CHECK(!"ETCD_PIDS and three ETCD_ENDPOINTS");
		return;
	}
	struct etcd_kvs kvs;
	CHECK(etcd_put(e, "f/k", "0", 0) == 0);
	CHECK(etcd_range(e, "f/k", 0, 0, &kvs) == 0);
	int64_t from = kvs.revision;
	etcd_kvs_free(&kvs);
	struct etcd_watch *w = etcd_watch_start(e, "f/", 1, from);
	struct seen s = { 0 };
	CHECK(watch_until(w, &s, 1, 5000) == 0 && s.n == 1);
	CHECK(kill(first, SIGKILL) == 0);
	usleep(300000);
	/* The others go on: a client of theirs writes while the watch is
	 * cut off. */
	struct etcd *o = etcd_open(others + 1, NULL, 5000);
	for (int k = 1; k <= 3; k++) {
		char v[12];
		snprintf(v, sizeof v, "%d", k);
		int ok = -1;
		for (int tries = 0; tries < 30 && (ok = etcd_put(o, "f/k", v, 0)) < 0; tries++)
			usleep(200000); /* a new leader, if the first was it */
		CHECK(ok == 0);
	}
	etcd_close(o);
	long t0 = now_ms();
	int r = 0;
	while (r == 0 && now_ms() - t0 < 10000)
		r = etcd_watch_poll(w, 200, collect, &s);
	CHECK(r == -1);
	char first_ep[256], first_url[300];
	snprintf(first_ep, sizeof first_ep, "%.*s", (int)(others - eps), eps);
	snprintf(first_url, sizeof first_url, "%s/v3/watch", first_ep);
	CHECK(strstr(etcd_strerror(e), first_url) == etcd_strerror(e));
	/* Resumed from where it was, on another member: nothing lost, nothing
	 * twice. */
	int64_t at = etcd_watch_revision(w);
	CHECK(at >= from && at == s.last);
	etcd_watch_stop(w);
	w = etcd_watch_start(e, "f/", 1, at + 1);
	CHECK(watch_until(w, &s, 4, 8000) == 0 && s.n == 4 && !s.bad_order);
	CHECK(!strncmp(s.what[1], "put f/k=1@", 10) && !strncmp(s.what[3], "put f/k=3@", 10));
	etcd_watch_stop(w);
	/* A fresh client starts at the dead first endpoint, and moves on. */
	struct etcd *f = etcd_open(eps, NULL, 3000);
	CHECK(etcd_put(f, "f/k", "4", 0) == 0);
	CHECK(etcd_range(f, "f/k", 0, 0, &kvs) == 0 && kvs.n == 1 && !strcmp(kvs.kv[0].value, "4"));
	etcd_kvs_free(&kvs);
	int ok = -1;
	struct etcd_cmp c = { .key = "f/k", .target = ETCD_CMP_VALUE, .result = ETCD_CMP_EQUAL, .value = "4" };
	struct etcd_op del = { .type = ETCD_OP_DELETE, .key = "f/", .prefix = 1 };
	etcd_close(f);
	f = etcd_open(eps, NULL, 3000);
	/* A transaction too: it surely did not reach the dead member. */
	CHECK(etcd_txn(f, &c, 1, &del, 1, NULL, 0, &ok, NULL) == 0 && ok == 1);
	etcd_close(f);
	/* Only the dead one: the error names it. */
	f = etcd_open(first_ep, NULL, 1000);
	snprintf(first_url, sizeof first_url, "%s/v3/kv/put: ", first_ep);
	CHECK(f && etcd_put(f, "f/k", "5", 0) == -1 && strstr(etcd_strerror(f), first_url) == etcd_strerror(f));
	etcd_close(f);
}

int main(void)
{
	offline();
	const char *fake = getenv("ETCD_FAKE_WATCH");
	if (fake)
		fake_watch(fake);
	const char *eps = getenv("ETCD_ENDPOINTS");
	if (!eps || !*eps) {
		printf("test-etcd: ETCD_ENDPOINTS is not set: skipping the parts against a server "
		       "(tests/unit/etcd-client.sh runs them)\n");
		return check_done("test-etcd");
	}
	struct etcd *e = etcd_open(eps, NULL, 5000);
	CHECK(e != NULL);
	if (!e)
		return check_done("test-etcd");
	kv(e);
	txn(e);
	election(eps);
	leases(e);
	watches(e);
	const char *pids = getenv("ETCD_PIDS");
	if (pids)
		failover(e, eps, pids);
	etcd_close(e);
	return check_done("test-etcd");
}
