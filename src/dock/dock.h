/* dock: pulls, loads and runs OCI images with runc (docs/dock.md). The parts:
 *   store.c      /var/lib/dock: blobs by digest, unpacked layers, images, tags
 *   load.c       dock load: OCI image layouts and docker save archives
 *   pull.c       dock pull: registries (distribution API v2)
 *   spec.c       the runc bundle's config.json for a container
 *   container.c  container records, their states, names and ids
 *   run.c        dock run, and the monitor that stays with a container
 *   start.c      dock start: a stopped container again, and after a boot
 *   commands.c   images, rmi, ps, stop, kill, rm, logs, exec, inspect
 *   main.c       the command line */
#ifndef DOCK_H
#define DOCK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/strv.h"

#define ERRLEN 4096

struct dock_conf {
	char root[256];        /* /var/lib/dock */
	char run[256];         /* /run/dock */
	char runc[256];        /* /usr/bin/runc */
	char default_registry[256];
	char auth_file[256];   /* registry credentials */
	char insecure[512];    /* registries spoken to in plain HTTP */
};
extern struct dock_conf conf;

/* Prints "dock: MESSAGE" to stderr. */
#include "../lib/msg.h"
#define warnx msg

/* store.c */
int store_open(char *err);             /* makes the directories, takes the lock */
void store_unlock(void);
void blob_path(const char *digest, char *out, size_t len);
bool blob_exists(const char *digest);
/* Copies FD into the store, verified against DIGEST (if not NULL or "") and
 * SIZE (if >= 0); OUT gets the digest. */
int blob_put(int fd, const char *digest, int64_t size, char out[72], char *err);
int blob_read(const char *digest, char **buf, size_t *len, size_t max, char *err);
/* Stores BUF as a blob, OUT its digest. */
int blob_put_mem(const void *buf, size_t len, char out[72], char *err);
/* A manifest whose blobs are all in the store: its layers unpacked, the image
 * recorded, and tagged with each of TAGS (references as typed). ID: its id. */
int image_import(const char *manifest_digest, const struct strv *tags, char id[72], char *err);
/* An image by reference, id or id prefix. */
int image_find(const char *what, char id[72], char *err);
json_t *image_record(const char *id, char *err);
int image_tags(const char *id, struct strv *out);  /* the tags naming ID */
int image_remove(const char *what, bool force, char *err);
int images_list(bool quiet);
void layer_dir(const char *diff_id, char *out, size_t len);
int gc_layers(void);
int normalize_ref(const char *ref, char *out, size_t len, char *err);

/* load.c, pull.c */
int cmd_load(int argc, char **argv);
int cmd_pull(int argc, char **argv);

/* spec.c: the settings of dock run that make the runc config. */
struct run_opts {
	char name[128];
	bool detach, rm, interactive, tty, read_only;
	struct strv env, volumes, ports, cmd;
	char workdir[512], user[128], entrypoint[512];
	bool entrypoint_set;
	int64_t memory;           /* bytes, 0: none */
	int64_t cpus_milli;       /* 0: none */
	int64_t pids;             /* 0: none */
	char net[16];             /* host, bridge, none */
	char restart[16];         /* no, on-failure, always */
	int restart_max;
};
struct container;
int spec_write(const struct container *c, const struct run_opts *o, json_t *image_config, char *err);

/* seccomp.c: Docker's default profile, as the runc config's "seccomp" object */
json_t *seccomp_default(void);

/* container.c */
struct container {
	char id[65];
	char name[128];
	char dir[512];            /* /var/lib/dock/containers/ID */
	json_t *state;            /* state.json */
};
int container_new(struct container *c, const char *name, char *err);
int container_find(const char *what, struct container *c, char *err);
int container_save(struct container *c, char *err);
/* Writes DIR/NAME, flushed to disk unless the container is --rm's. */
int container_write(const struct container *c, const char *name, const char *text, char *err);
/* --rm: the mark by which container_remains knows the container's remains. */
int container_mark_rm(const struct container *c, char *err);
/* Removes the directories of --rm containers whose state.json a power cut
 * left unreadable; says which others it cannot read. Under the store lock. */
void container_remains(void);
/* Takes the container's monitor.lock, which its monitor then holds; -1 if
 * a monitor holds it already. */
int monitor_lock(const struct container *c);
void container_free(struct container *c);
/* "running" (monitor alive), "exited", "created". */
const char *container_status(struct container *c);
int container_each(int (*fn)(struct container *c, void *arg), void *arg);
int container_remove(struct container *c, bool force, char *err);
/* The removal itself, by the holder of the container's monitor.lock. */
int container_remove_held(struct container *c, char *err);
/* A --rm container whose monitor is gone (killed, or a reboot) before it
 * removed it: removed now (and C freed); false if C is not one. */
bool container_remove_due(struct container *c);
void container_cgroup(const struct container *c, char *out, size_t len);
int container_wait_exit(struct container *c, int timeout_ms);
/* runc delete --force, if runc left the container's state (it was killed). */
void runc_forget(const struct container *c);

/* run.c */
int cmd_run(int argc, char **argv);
/* Runs the container with LOCK (monitor_lock's) held. */
int run_monitor(struct container *c, int lock, bool foreground, int ready_fd);
/* run_monitor in the background, out of the caller's session and cgroup;
 * returns a descriptor from which monitor_ready reads that runc runs the
 * container, or -1. */
int monitor_spawn(struct container *c, int lock);
int monitor_ready(const struct container *c, int fd);
/* The container's overlay root on DIR/rootfs, from IMAGE's layers. */
int rootfs_mount(struct container *c, json_t *image, char *err);
/* The cgroup PATH (below /sys/fs/cgroup), with its parent's controllers. */
void cgroup_make(const char *path);

/* start.c */
int cmd_start(int argc, char **argv);

/* commands.c */
/* Calls FN for each container named in ARGV[A..]; 1 if any was not found or
 * FN failed (it says why), else 0. FN prints the name when it did its job. */
int each_named(int a, int argc, char **argv, int (*fn)(struct container *c, const char *name, int arg), int arg);
int cmd_images(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_inspect(int argc, char **argv);

/* Runs runc with ARGV (NULL-terminated, without "runc"); its exit status, or
 * -1 if it could not run. Output to the caller's stdout and stderr. */
int runc(const char *const *argv);
int64_t now_ns(void);
void iso_time(int64_t ns, char *out, size_t len);
/* Replaces PATH, flushed to disk (the store's own files). */
int write_file_atomic(const char *path, const char *data, size_t len, char *err);

#endif
