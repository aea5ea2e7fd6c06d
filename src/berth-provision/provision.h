/* berth-provision: configures a node from what its platform hands it, once,
 * at first boot (docs/provision.md). */
#ifndef BERTH_PROVISION_H
#define BERTH_PROVISION_H

#include <stddef.h>
#include <sys/types.h>

#include "../lib/provconf.h"
#include "../lib/strv.h"

#define ERRLEN 1024

/* Where things are: "/" on a node; a scratch tree in host tests. */
struct prov_env {
	const char *root;         /* prefix of every path written */
	const char *cmdline;      /* the kernel command line's file */
	const char *sys;          /* sysfs */
	const char *metadata_url; /* DigitalOcean's metadata, or NULL: only on a droplet */
	const char *init_socket;  /* init's control socket, or NULL: enable and start nothing */
	int net;                  /* 0: never touch network interfaces (tests) */
	int wait;                 /* seconds a metadata service may take, in all */
};

/* What the platform said about the node, apart from the user's document. */
struct node_meta {
	char *source;        /* where it came from, for messages */
	char *user_data;     /* the user's document, or NULL */
	size_t user_len;
	char *hostname;      /* NULL: not given */
	struct strv keys;    /* SSH keys the platform holds for the node */
	struct strv network; /* lines of /etc/berth/network.conf (docs/provision.md) */
	struct strv warnings;
	/* the node's first public and private addresses, "" if not given */
	char public_ipv4[64], private_ipv4[64], public_ipv6[64], private_ipv6[64];
};

void meta_free(struct node_meta *m);

/* Sources, in the order tried. Each returns 1 with M filled in, 0 when the
 * node has no such source, -1 (with ERR) when it has one that cannot be read. */
int source_cmdline(const struct prov_env *env, struct node_meta *m, char *err);
int source_drives(const struct prov_env *env, struct node_meta *m, char *err);
int source_digitalocean(const struct prov_env *env, struct node_meta *m, char *err);

/* $public_ipv4 and its kind in a #cloud-config user document replaced by M's
 * addresses (substitute.c); 0, or -1 if out of memory. */
int substitute_addresses(struct node_meta *m);

/* A GET tried again until ENV's wait is over; 0 with the body, or -1 with ERR. */
int fetch_url(const struct prov_env *env, const char *url, char **body, size_t *len, char *err);
/* A link-local address on the first Ethernet interface (UP), or taken away. */
int link_local(const struct prov_env *env, int up, char *err);

/* The platforms' metadata documents, into M; -1 with ERR if one is not valid. */
int meta_digitalocean(const char *json, size_t len, struct node_meta *m, char *err);
int meta_openstack(const char *json, size_t len, struct node_meta *m, char *err);
int meta_openstack_network(const char *json, size_t len, struct node_meta *m, char *err);
int meta_nocloud(const char *yaml, size_t len, struct node_meta *m, char *err);
/* NoCloud's network-config, cloud-init's network configuration v1 or v2. */
int meta_nocloud_network(const char *yaml, size_t len, struct node_meta *m, char *err);

/* Applying: each returns the number of things that failed (each said). */
int apply_network(const struct prov_env *env, const struct node_meta *m);
int apply_hostname(const struct prov_env *env, const char *hostname);
int apply_users(const struct prov_env *env, const struct pv_config *cfg, const struct strv *platform_keys);
int apply_files(const struct prov_env *env, const struct pv_config *cfg);
int apply_settings(const struct prov_env *env, const struct pv_config *cfg);
int apply_units(const struct prov_env *env, const struct pv_config *cfg);

/* "USER[:GROUP]" (names or numbers) as IDs, from ENV's /etc/passwd and
 * /etc/group; 0, or -1 with ERR. */
int owner_ids(const struct prov_env *env, const char *owner, uid_t *uid, gid_t *gid, char *err);

/* ENV's root joined with PATH (absolute). */
const char *rooted(const struct prov_env *env, const char *path, char *buf, size_t len);
/* Says a problem on standard error (the unit's log) and on the console. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
