/* fleetd: the cluster's init, one per node (docs/fleet.md). One process, one
 * thread: a loop that keeps the machine's lease alive, runs the agent (what
 * this machine is assigned, through init's control socket) and, on the node
 * that holds the engine's lease, the engine (where units go). Everything it
 * shares with other nodes is in etcd under PREFIX. */
#ifndef BERTH_FLEETD_H
#define BERTH_FLEETD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../lib/etcd.h"
#include "../lib/msg.h"

struct fleetd {
	/* settings */
	char endpoints[1024];
	char prefix[128];        /* ends with '/' */
	char machine_id[64];
	char hostname[256];
	char ip[64];
	char metadata[1024];     /* "k=v,k=v" */
	long ttl;                /* the machine's lease, seconds */
	char init_socket[256];
	char units_dir[256];
	char run_dir[256];       /* the lease id, kept across restarts of fleetd */
	bool engine_enabled;
	struct etcd_tls tls;
	char tls_ca[256], tls_cert[256], tls_key[256];
	int timeout_ms;

	struct etcd *etcd;
	int64_t lease;           /* 0: none (not registered) */
	bool reregistered;       /* a new lease: republish what carried the old one */
};


/* A key under the prefix: PREFIX + the parts, joined by '/'. Static buffer
 * per call site is the caller's: OUT of LEN bytes. */
const char *key(char *out, size_t len, const struct fleetd *f, const char *a, const char *b, const char *c);

/* machine.c: the machine's presence (a key under its lease, kept alive by a
 * thread of its own). 0, or -1 when etcd cannot be reached (try again later;
 * nothing is lost meanwhile). machine_keepalive registers again once that
 * thread found the lease gone. */
int machine_register(struct fleetd *f);
int machine_keepalive(struct fleetd *f);

/* agent.c */
int agent_start(struct fleetd *f);     /* after (re-)registration: list, then watch */
int agent_poll(struct fleetd *f, int timeout_ms);
void agent_publish(struct fleetd *f);  /* unit states, when they changed */

/* requests.c: fleetctl status and journal of this machine's units. */
void requests_poll(struct fleetd *f, int timeout_ms);

/* engine.c */
void engine_step(struct fleetd *f, int timeout_ms);

#endif
