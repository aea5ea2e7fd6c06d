/* fleetctl status and journal: asked of the agent on the unit's machine,
 * through etcd. fleetctl puts requests/MACHINE/REQ under a lease of its own;
 * the agent answers in replies/REQ/SEQ under the same lease, and "end" last
 * (with init's exit code). When fleetctl goes, its lease goes, and with it the
 * request, the answer, and (for journal -f) the agent's following. */
#include "fleetctl.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/fleetunit.h"

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The machines UNIT is on: where it is scheduled, or (a global unit) every
 * machine that published a state for it. */
static int machines_of(struct ctl *c, const char *unit, struct strv *out)
{
	char k[512];
	struct etcd_kvs kvs = { 0 };
	if (etcd_range(c->etcd, ctl_key(c, k, sizeof k, "schedule", unit, NULL), 0, 0, &kvs) < 0)
		return -1;
	if (kvs.n == 1)
		strv_add_n(out, kvs.kv[0].value, kvs.kv[0].value_len);
	etcd_kvs_free(&kvs);
	if (out->n)
		return 0;
	if (etcd_range(c->etcd, ctl_key(c, k, sizeof k, "state/", NULL, NULL), 1, 0, &kvs) < 0)
		return -1;
	size_t pl = strlen(k);
	for (size_t i = 0; i < kvs.n; i++) {
		const char *r = kvs.kv[i].key + pl, *sl = strchr(r, '/');
		if (sl && !strcmp(sl + 1, unit))
			strv_add_n(out, r, (size_t)(sl - r));
	}
	etcd_kvs_free(&kvs);
	return 0;
}

struct answer {
	size_t prefix_len; /* of replies/REQ/ */
	int code;          /* init's, from "end" */
	bool end;
};

/* Pieces of the answer (replies/REQ/SEQ, in revision order: the agent writes
 * them in turn) are printed; "end" brings init's exit code. */
static int on_reply(void *arg, const struct etcd_event *ev, size_t n, int64_t revision)
{
	(void)revision;
	struct answer *a = arg;
	for (size_t i = 0; i < n && !a->end; i++) {
		if (ev[i].type != ETCD_EVENT_PUT)
			continue;
		if (!strcmp(ev[i].kv.key + a->prefix_len, "end")) {
			a->code = atoi(ev[i].kv.value);
			a->end = true;
		} else {
			fwrite(ev[i].kv.value, 1, ev[i].kv.value_len, stdout);
		}
	}
	return 0;
}

/* Asks MACHINE's agent CMD about UNIT and prints the answer as it comes.
 * Returns init's exit code, or -1. */
static int ask(struct ctl *c, const char *machine, const char *cmd, const char *unit)
{
	int64_t lease;
	if (etcd_lease_grant(c->etcd, 10, &lease) < 0) {
		msg("%s", etcd_strerror(c->etcd));
		return -1;
	}
	char req[40], rk[512], pk[512];
	unsigned char rnd[8];
	FILE *ur = fopen("/dev/urandom", "re");
	if (!ur || fread(rnd, 1, sizeof rnd, ur) != sizeof rnd) {
		if (ur)
			fclose(ur);
		return -1;
	}
	fclose(ur);
	snprintf(req, sizeof req, "%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
		 rnd[6], rnd[7]);
	json_t *o = json_pack("{s:s, s:s, s:i, s:b, s:I}", "cmd", cmd, "unit", unit, "lines", c->lines, "follow",
			      c->follow, "lease", (json_int_t)lease);
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	ctl_key(c, rk, sizeof rk, "requests", machine, req);
	/* The store's revision before the request: the answer comes after it. */
	struct etcd_kvs before = { 0 };
	int64_t rev = 0;
	if (etcd_range(c->etcd, rk, 0, 0, &before) == 0)
		rev = before.revision;
	etcd_kvs_free(&before);
	if (!body || !rev || etcd_put(c->etcd, rk, body, lease) < 0) {
		msg("%s", etcd_strerror(c->etcd));
		free(body);
		etcd_lease_revoke(c->etcd, lease);
		return -1;
	}
	free(body);
	/* The answer's pieces, in order, until "end": watched from the request's
	 * revision on, so each piece is read once however long a follow lasts. */
	ctl_key(c, pk, sizeof pk, "replies", req, "");
	struct answer a = { .prefix_len = strlen(pk), .code = -1 };
	struct etcd_watch *w = etcd_watch_start(c->etcd, pk, 1, rev + 1);
	time_t start = time(NULL), renewed = start;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!interrupted && w && !a.end) {
		int r = etcd_watch_poll(w, 200, on_reply, &a);
		fflush(stdout);
		if (r == ETCD_WATCH_COMPACTED) {
			msg("the answer of machine %s's fleetd was compacted away before it could be read", machine);
			break;
		}
		if (r < 0) { /* on another endpoint, from where it was */
			int64_t from = etcd_watch_revision(w) + 1;
			etcd_watch_stop(w);
			w = etcd_watch_start(c->etcd, pk, 1, from);
		}
		if (!a.end && !c->follow && time(NULL) - start > 10) {
			msg("no answer from machine %s's fleetd", machine);
			break;
		}
		if (time(NULL) - renewed >= 3) {
			int64_t left;
			etcd_lease_keepalive(c->etcd, lease, &left);
			renewed = time(NULL);
		}
	}
	etcd_watch_stop(w);
	etcd_lease_revoke(c->etcd, lease);
	return a.code;
}

static int remote(struct ctl *c, int argc, char **argv, const char *cmd)
{
	if (!argc || (!strcmp(cmd, "journal") && argc != 1)) {
		msg("%s takes %s", cmd, !strcmp(cmd, "journal") ? "one unit" : "units");
		return 2;
	}
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		struct strv ms = { 0 };
		if (machines_of(c, argv[i], &ms) < 0) {
			msg("%s", etcd_strerror(c->etcd));
			return 1;
		}
		if (!ms.n) {
			msg("unit %s does not exist or is not scheduled", argv[i]);
			rc = 1;
		}
		for (size_t k = 0; k < ms.n; k++) {
			if (ms.n > 1) {
				char label[160];
				machine_label(c, ms.v[k], label, sizeof label);
				printf("%s%s:\n", k ? "\n" : "", label);
			}
			int code = ask(c, ms.v[k], cmd, argv[i]);
			if (code != 0)
				rc = code < 0 ? 1 : code;
		}
		strv_clear(&ms);
	}
	return rc;
}

int cmd_status(struct ctl *c, int argc, char **argv) { return remote(c, argc, argv, "status"); }
int cmd_journal(struct ctl *c, int argc, char **argv) { return remote(c, argc, argv, "journal"); }
