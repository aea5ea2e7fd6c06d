/* The machine's presence: machines/ID under a lease that fleetd keeps alive.
 * The lease id is kept in RUN_DIR/lease, so that a fleetd restarted on a live
 * node carries on with the same lease, and nothing it published (or the
 * engine scheduled to it) looks gone. */
#include "fleetd.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/mkdirp.h"

static void lease_file(const struct fleetd *f, char *out, size_t len)
{
	snprintf(out, len, "%s/lease", f->run_dir);
}

/* The machine's record: id, hostname, address, metadata as {key: [values]}. */
static char *machine_json(const struct fleetd *f)
{
	json_t *md = json_object();
	char copy[sizeof f->metadata], *save, *e;
	snprintf(copy, sizeof copy, "%s", f->metadata);
	for (e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(e, '=');
		*eq = '\0';
		json_t *vals = json_object_get(md, e);
		if (!vals) {
			vals = json_array();
			json_object_set_new(md, e, vals);
		}
		json_array_append_new(vals, json_string(eq + 1));
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "id", f->machine_id, "hostname", f->hostname, "ip", f->ip,
			      "metadata", md);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	return text;
}

/* The lease is kept alive by a thread of its own, with an etcd client of its
 * own, every AGENT_TTL/3 seconds: a long step of the main loop (init slow to
 * answer, a new engine writing hundreds of assignments) cannot let it lapse
 * and have the node's units moved. The main loop only reads what it found. */
static _Atomic int64_t ka_lease;   /* the lease to keep alive; 0: none yet */
static _Atomic int64_t ka_expired; /* the last lease etcd said is gone */

/* Seconds on a clock that no setting of the time moves. */
static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void *keepalive_loop(void *arg)
{
	const struct fleetd *f = arg; /* its settings only, which do not change */
	struct etcd *e = etcd_open(f->endpoints, &f->tls, f->timeout_ms);
	int64_t cur = 0;
	time_t renewed = 0;
	for (;;) {
		int64_t lease = atomic_load(&ka_lease);
		if (lease != cur) { /* just granted, or taken up again */
			cur = lease;
			/* renewed at once: its TTL has run since etcd granted it */
			renewed = now_s() - f->ttl / 3;
		}
		if (!e || cur == atomic_load(&ka_expired) || now_s() - renewed < f->ttl / 3) {
			sleep(1);
			continue;
		}
		int64_t left = 0;
		if (etcd_lease_keepalive(e, cur, &left) < 0) {
			/* etcd is unreachable: change nothing, try again. The units
			 * keep running; if the lease expires meanwhile, the engine
			 * moves them and this agent follows when it is back. */
			if (now_s() - renewed < f->ttl)
				msg("cannot keep the lease alive: %s", etcd_strerror(e));
			sleep(1);
		} else if (left <= 0) {
			atomic_store(&ka_expired, cur);
		} else {
			renewed = now_s();
		}
	}
	return NULL;
}

int machine_register(struct fleetd *f)
{
	char path[300], k[512];
	lease_file(f, path, sizeof path);
	int64_t lease = 0, left = 0;
	FILE *in = fopen(path, "re");
	if (in) {
		if (fscanf(in, "%" SCNd64, &lease) != 1)
			lease = 0;
		fclose(in);
	}
	/* An earlier fleetd's lease, if it is still alive. */
	if (lease && etcd_lease_keepalive(f->etcd, lease, &left) == 0 && left > 0) {
		msg("carrying on with lease %" PRIx64 " (%" PRId64 " s left)", (uint64_t)lease, left);
	} else {
		lease = 0;
		if (etcd_lease_grant(f->etcd, f->ttl, &lease) < 0) {
			msg("cannot reach etcd: %s", etcd_strerror(f->etcd));
			return -1;
		}
	}
	/* Kept alive from now, not once the key is in (the first time too): a
	 * put slowed by etcd (a busy disk) must not use up the TTL, or the node,
	 * live, loses its units as soon as the engine has placed them there. */
	atomic_store(&ka_lease, lease);
	static bool started;
	pthread_t t;
	if (!started) {
		if (pthread_create(&t, NULL, keepalive_loop, f) != 0) {
			msg("cannot start the lease's keep-alive: %s", strerror(errno));
			return -1;
		}
		pthread_detach(t);
		started = true;
	}
	char *rec = machine_json(f);
	int r = rec ? etcd_put(f->etcd, key(k, sizeof k, f, "machines", f->machine_id, NULL), rec, lease) : -1;
	free(rec);
	if (r < 0) {
		msg("cannot register in etcd: %s", etcd_strerror(f->etcd));
		return -1;
	}
	f->lease = lease;
	f->reregistered = true;
	if (mkdir_p(f->run_dir, 0755) == 0) {
		FILE *out = fopen(path, "we");
		if (out) {
			fprintf(out, "%" PRId64 "\n", lease);
			fclose(out);
		}
	}
	msg("registered as %s with lease %" PRIx64 " (%ld s)", f->machine_id, (uint64_t)lease, f->ttl);
	return 0;
}

int machine_keepalive(struct fleetd *f)
{
	if (!f->lease || atomic_load(&ka_expired) != f->lease)
		return 0;
	msg("lease %" PRIx64 " expired: registering again", (uint64_t)f->lease);
	f->lease = 0;
	return machine_register(f);
}
