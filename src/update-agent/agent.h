/* update-agent: the update agent (docs/update.md). One process: it checks the
 * slot after a boot (health gate), polls the update server, applies updates to
 * the inactive slot and reboots by the configured strategy; updatectl talks to
 * it over /run/berth/update.sock. */
#ifndef BERTH_AGENT_H
#define BERTH_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/blockdev.h"
#include "../lib/grubenv.h"

struct config {
	char server[512];        /* base URL; "" polls nothing */
	long interval;           /* seconds between checks */
	char strategy[16];       /* reboot, etcd-lock, off */
	char window[64];         /* "[DAY[,DAY..]] HH:MM-HH:MM" or "" */
	uint64_t write_rate;     /* bytes per second to the disk; 0: no limit */
	uint64_t download_rate;  /* bytes per second from the server; 0: no limit */
	char critical[512];      /* units that must be active for a slot to be good */
	long health_timeout;     /* seconds a new slot has to become healthy */
	char etcd[512];          /* etcd client URLs, comma-separated */
	long lock_slots;         /* how many nodes may reboot at once */
	char board[64];          /* this image's, from os-release */
	char version[64];        /* this image's, from os-release */
	char machine_id[64];
	unsigned char key[32];   /* the update signing key's public half */
	/* Where things are; tests on the host change them. */
	char init_socket[256];
	char state_dir[256];
};

/* The slot table and the partitions it describes. */
struct slots {
	struct partition root, other, esp;
	char cur[2], oth[2];     /* "A" and "B", either way round */
	struct grubenv env;
};

/* Output of a command: to the client that asked, and to the agent's log. */
void say(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* slots.c */
int slots_load(struct slots *s, char *err, size_t errlen);
int slots_save(struct slots *s, char *err, size_t errlen);
const char *slot_get(const struct slots *s, const char *slot, const char *var);
long slot_num(const struct slots *s, const char *slot, const char *var);
int slot_set(struct slots *s, const char *slot, const char *var, const char *value, char *err, size_t errlen);
bool slot_bootable(const struct slots *s, const char *slot);
void slots_status(const struct slots *s, FILE *out);

/* apply.c: SRC is a file, a URL or NULL (the server's current update). 0 when
 * the update is in the other slot, 1 when there was nothing newer, -1 on error. */
int apply_update(const struct config *c, const char *src, bool allow_downgrade, bool check_only, FILE *out);

/* health.c: after a boot. Returns true while a new slot still waits to be
 * found healthy (call again a second later). */
void health_boot(const struct config *c);
bool health_pending(void);
void health_cancel(void);                /* the slot was marked good by hand */
void health_step(const struct config *c);
void result_write(const struct config *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void result_print(const struct config *c, FILE *out);
/* Small files in the state directory (on STATE), written whole or not at all. */
void state_write(const struct config *c, const char *name, const char *text);
void state_read(const struct config *c, const char *name, char *out, size_t len);

/* reboot.c: reboot into the new slot as the strategy says; the etcd lock. */
void reboot_request(const struct config *c, FILE *out);
void reboot_step(const struct config *c);
bool reboot_pending(void);
bool window_valid(const char *w);        /* REBOOT_WINDOW's syntax */
void lock_release(const struct config *c);
int init_call(const struct config *c, const char *req, char *answer, size_t len);

#endif
