/* A node's first-boot configuration, as the provisioning agent
 * (src/berth-provision) applies it: parsed whole from user data, a
 * #cloud-config YAML document or an Ignition v3 JSON document, before any of
 * it is applied, so that an invalid document changes nothing. */
#ifndef BERTH_PROVCONF_H
#define BERTH_PROVCONF_H

#include <stddef.h>

#include "strv.h"

struct pv_file {
	char *path;    /* absolute, no ".." component */
	char *content; /* the decoded bytes (NUL-terminated as well) */
	size_t len;
	unsigned mode; /* permission bits; 0644 when not given */
	int mode_given; /* a file appended to keeps its mode unless one is given */
	char *owner;   /* "USER" or "USER:GROUP"; NULL: root (or, appended to, its owner) */
	int append;    /* add to the end of the file instead of replacing it */
};

struct pv_user {
	char *name;
	char *gecos;          /* NULL: none */
	char *home;           /* NULL: /var/home/NAME (/home links there) */
	char *shell;          /* NULL: /bin/sh */
	struct strv groups;   /* supplementary groups */
	struct strv ssh_keys; /* authorized_keys lines */
};

struct pv_dropin {
	char *name; /* NAME.conf */
	char *content;
};

struct pv_unit {
	char *name;    /* a unit name (x.service, y.timer...) */
	char *content; /* NULL: the unit exists already (the image's) */
	char *command; /* NULL, or start, stop, restart, reload, try-restart, reload-or-... */
	int enable;    /* 1 enable, 0 disable, -1 not said */
	int mask;      /* 1: linked to /dev/null, so that it never runs */
	struct pv_dropin *dropins;
	size_t ndropins;
};

struct pv_config {
	char *hostname;             /* NULL: not set */
	struct strv ssh_keys;       /* for the core user (and root: docs/provision.md) */
	struct pv_user *users;
	size_t nusers;
	struct pv_file *files;
	size_t nfiles;
	struct pv_unit *units;
	size_t nunits;
	/* The berth: (or coreos:) section, as NAME=value settings lines for
	 * /etc/berth/etcd.conf, fleet.conf and update.conf, names as those
	 * programs know them (docs/etcd.md, fleet.md, update.md). */
	struct strv etcd;
	struct strv fleet;
	struct strv update;
	/* What was not understood but did not make the document invalid, each
	 * "SOURCE: line N: ..." (unknown keys, say). */
	struct strv warnings;
};

/* Parses TEXT (LEN bytes) from SOURCE (a name for messages: "user_data",
 * "/dev/sr0:openstack/latest/user_data"...) by its first line: "#cloud-config"
 * YAML; a JSON object with ignition.version 3.x is Ignition; empty (or only
 * blank space) is an empty configuration. Anything else (a shell script,
 * another format) is an error, as is a document that is not valid, with a
 * value of the wrong type or out of range. Returns 0 with CFG filled in, or -1
 * with ERR saying "SOURCE: line N: what is wrong" (for JSON, line and column)
 * and CFG left empty. */
int pv_parse(const char *text, size_t len, const char *source, struct pv_config *cfg, char *err, size_t errlen);

/* The formats, as pv_parse calls them. */
int pv_parse_cloudconfig(const char *text, size_t len, const char *source, struct pv_config *cfg, char *err,
			 size_t errlen);
int pv_parse_ignition(const char *text, size_t len, const char *source, struct pv_config *cfg, char *err,
		      size_t errlen);

void pv_config_free(struct pv_config *cfg);

#endif
