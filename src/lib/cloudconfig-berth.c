/* The berth: section of a #cloud-config (coreos: is another name for it):
 * Berth's settings (etcd.conf, fleet.conf, update.conf) from its own names
 * and CoreOS's, and units. See provconf.h. */
#include "cloudconfig-impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum conv {
	AS_IS,
	YES_NO,   /* a boolean, as yes or no */
	SECONDS,  /* 30, or CoreOS's 30s, 2m, 1h: in seconds */
	STRATEGY, /* reboot, etcd-lock or off (CoreOS's best-effort: etcd-lock) */
};

/* A key of the document and the setting it is, or (NAME NULL) a CoreOS key
 * Berth has no use for, with why if there is more to say. */
struct setting {
	const char *key, *name;
	enum conv conv;
	const char *note;
};

#define SET(key, name) { key, name, AS_IS, NULL }
#define CONV(key, name, conv) { key, name, conv, NULL }
#define UNUSED(key, why) { key, NULL, AS_IS, why }

static const struct setting etcd[] = {
	SET("name", "NAME"),
	SET("initial_cluster", "INITIAL_CLUSTER"),
	SET("initial_cluster_token", "INITIAL_CLUSTER_TOKEN"),
	SET("initial_cluster_state", "INITIAL_CLUSTER_STATE"),
	SET("client_port", "CLIENT_PORT"),
	SET("advertise_client_urls", "ADVERTISE_CLIENT_URLS"),
	SET("endpoints", "ENDPOINTS"),
	SET("heartbeat_interval", "HEARTBEAT_INTERVAL"),
	SET("election_timeout", "ELECTION_TIMEOUT"),
	SET("client_cert", "CLIENT_CERT"),
	SET("client_key", "CLIENT_KEY"),
	SET("client_ca", "CLIENT_CA"),
	SET("peer_cert", "PEER_CERT"),
	SET("peer_key", "PEER_KEY"),
	SET("peer_ca", "PEER_CA"),
	SET("data_dir", "DATA_DIR"),
	/* CoreOS's etcd2 names (ca_file and peer_ca_file: its older ones). */
	SET("cert_file", "CLIENT_CERT"),
	SET("key_file", "CLIENT_KEY"),
	SET("trusted_ca_file", "CLIENT_CA"),
	SET("ca_file", "CLIENT_CA"),
	SET("peer_cert_file", "PEER_CERT"),
	SET("peer_key_file", "PEER_KEY"),
	SET("peer_trusted_ca_file", "PEER_CA"),
	SET("peer_ca_file", "PEER_CA"),
	UNUSED("listen_client_urls", "clients are served on loopback and the peer address"),
	UNUSED("listen_peer_urls", "peers are reached at the node's address in initial_cluster"),
	UNUSED("initial_advertise_peer_urls", "the node's peer URL is its entry in initial_cluster"),
	UNUSED("discovery", "no discovery service: set initial_cluster"),
	UNUSED("discovery_srv", "no discovery: set initial_cluster"),
	UNUSED("discovery_fallback", NULL),
	UNUSED("discovery_proxy", NULL),
	UNUSED("proxy", "a node not in initial_cluster is a gateway"),
	UNUSED("proxy_dial_timeout", NULL),
	UNUSED("proxy_failure_wait", NULL),
	UNUSED("proxy_read_timeout", NULL),
	UNUSED("proxy_refresh_interval", NULL),
	UNUSED("proxy_write_timeout", NULL),
	UNUSED("client_cert_auth", NULL),
	UNUSED("peer_client_cert_auth", NULL),
	UNUSED("cors", NULL),
	UNUSED("debug", NULL),
	UNUSED("log_package_levels", NULL),
	UNUSED("snapshot_count", NULL),
	UNUSED("max_snapshots", NULL),
	UNUSED("max_wals", NULL),
	UNUSED("wal_dir", NULL),
	UNUSED("force_new_cluster", NULL),
	UNUSED("strict_reconfig_check", NULL),
	UNUSED("enable_pprof", NULL),
	{ 0 },
};

static const struct setting fleet[] = {
	SET("metadata", "METADATA"),
	SET("public_ip", "PUBLIC_IP"),
	SET("etcd_servers", "ETCD_ENDPOINTS"),
	SET("etcd_endpoints", "ETCD_ENDPOINTS"),
	CONV("agent_ttl", "AGENT_TTL", SECONDS),
	CONV("engine", "ENGINE", YES_NO),
	SET("etcd_request_timeout", "REQUEST_TIMEOUT"),
	SET("request_timeout", "REQUEST_TIMEOUT"),
	SET("etcd_cafile", "ETCD_CA"),
	SET("etcd_certfile", "ETCD_CERT"),
	SET("etcd_keyfile", "ETCD_KEY"),
	UNUSED("etcd_key_prefix", "Berth's fleet keys are under /berth/fleet/"),
	UNUSED("engine_reconcile_interval", NULL),
	UNUSED("verbosity", NULL),
	{ 0 },
};

static const struct setting update[] = {
	SET("server", "SERVER"),
	CONV("reboot_strategy", "REBOOT_STRATEGY", STRATEGY),
	SET("reboot_window", "REBOOT_WINDOW"),
	SET("interval", "INTERVAL"),
	UNUSED("group", "Berth has no release channels"),
	{ 0 },
};

static const struct setting locksmith[] = {
	UNUSED("window_start", "set berth.update.reboot_window"),
	UNUSED("window_length", "set berth.update.reboot_window"),
	UNUSED("strategy", "set berth.update.reboot_strategy"),
	UNUSED("endpoint", NULL),
	UNUSED("group", NULL),
	UNUSED("etcd_cafile", NULL),
	UNUSED("etcd_certfile", NULL),
	UNUSED("etcd_keyfile", NULL),
	{ 0 },
};

/* VALUE (LEN bytes) as the setting S wants it, into OUT (OUTLEN bytes): 0, or
 * -1 with the error set. */
static int convert(struct cc *cc, const char *where, const struct setting *s, const char *value, size_t len,
		   char *out, size_t outlen)
{
	const char *why = memchr(value, '\0', len) ? "a NUL byte in the text" : pv_bad_setting(value);
	char *end;
	if (why)
		return pv_fail(&cc->pv, where, "%s", why);
	if (s->conv == SECONDS) {
		unsigned long n = strtoul(value, &end, 10);
		unsigned long unit = !*end || !strcmp(end, "s") ? 1
				     : !strcmp(end, "m")	    ? 60
				     : !strcmp(end, "h")	    ? 3600
								    : 0;
		if (end == value || *value == '-' || !unit || n > 86400 || n * unit > 86400)
			why = "not a number of seconds up to a day (30, 30s, 2m)";
		snprintf(out, outlen, "%lu", n * unit);
	} else if (s->conv == STRATEGY && !strcmp(value, "best-effort")) {
		snprintf(out, outlen, "etcd-lock");
		return pv_warn(&cc->pv, where, "best-effort is etcd-lock on Berth, where every node runs etcd");
	} else if (s->conv == STRATEGY && strcmp(value, "reboot") && strcmp(value, "etcd-lock") &&
		   strcmp(value, "off")) {
		why = "not reboot, etcd-lock or off";
	} else if (snprintf(out, outlen, "%s", value) >= (int)outlen) {
		why = "too long";
	}
	return why ? pv_fail(&cc->pv, where, "%s (\"%.60s\")", why, value) : 0;
}

/* NAME=VALUE for a settings file, quoted when the file would read quotes,
 * backslashes or blank space at the ends otherwise (environ.h). */
static int add_setting(struct cc *cc, const char *where, struct strv *out, const char *name, const char *value)
{
	size_t len = strlen(value);
	for (size_t i = 0; i < out->n; i++)
		if (!strncmp(out->v[i], name, strlen(name)) && out->v[i][strlen(name)] == '=')
			return pv_fail(&cc->pv, where, "%s is set twice", name);
	int quote = value[strcspn(value, "\"'\\")] || (len && strchr(" \t", *value)) ||
		    (len && strchr(" \t", value[len - 1]));
	char *line = malloc(strlen(name) + 2 * len + 4), *o = line;
	if (!line)
		return pv_fail(&cc->pv, where, "out of memory");
	o += sprintf(o, "%s=%s", name, quote ? "\"" : "");
	for (const char *p = value; *p; p++) {
		if (quote && (*p == '"' || *p == '\\'))
			*o++ = '\\';
		*o++ = *p;
	}
	strcpy(o, quote ? "\"" : "");
	int rc = pv_add(&cc->pv, where, out, line, strlen(line), NULL);
	free(line);
	return rc;
}

/* A map of settings at PATH by TABLE into OUT. */
static int settings(struct cc *cc, const yaml_node_t *n, const char *parent, const struct setting *table,
		    struct strv *out)
{
	char path[PV_PATH], w[PV_WHERE], conv[4096];
	if (cc_map(cc, n, parent) < 0)
		return -1;
	CC_PAIRS(n, p) {
		const yaml_node_t *v = cc_node(cc, p->value);
		if (cc_key(cc, p, NULL, parent, path) == -2)
			return -1;
		const char *key = (const char *)cc_node(cc, p->key)->data.scalar.value, *value;
		const struct setting *s = table;
		while (s->key && !cc_same_key(key, s->key))
			s++;
		size_t len;
		int b, rc;
		cc_where(w, sizeof w, v, path);
		if (!s->key)
			rc = cc_ignored(cc, p, "unknown key", path, NULL);
		else if (!s->name)
			rc = cc_ignored(cc, p, "not used by Berth:", path, s->note);
		else if (s->conv == YES_NO)
			rc = cc_bool(cc, v, path, &b) < 0 ? -1 : add_setting(cc, w, out, s->name, b ? "yes" : "no");
		else if (cc_str(cc, v, path, &value, &len) < 0 || convert(cc, w, s, value, len, conv, sizeof conv) < 0)
			rc = -1;
		else
			rc = add_setting(cc, w, out, s->name, conv);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int dropin(struct cc *cc, const yaml_node_t *n, const char *at)
{
	enum { NAME, CONTENT };
	static const char *const names[] = { [NAME] = "name", [CONTENT] = "content", NULL };
	struct pv_unit *u = &cc->pv.cfg->units[cc->pv.cfg->nunits - 1];
	char path[PV_PATH], w[PV_WHERE];
	if (cc_map(cc, n, at) < 0)
		return -1;
	struct pv_dropin *d = pv_append(&cc->pv, &u->dropins, &u->ndropins, sizeof *d);
	if (!d)
		return -1;
	CC_PAIRS(n, p) {
		int k = cc_key(cc, p, names, at, path);
		if (k == -2 || (k >= 0 && cc_set(cc, cc_node(cc, p->value), path, k == NAME ? &d->name : &d->content,
						  k == NAME ? pv_bad_dropin : NULL) < 0))
			return -1;
	}
	if (!d->name)
		return pv_fail(&cc->pv, cc_where(w, sizeof w, n, at), "name is required");
	return d->content ? 0 : pv_set(&cc->pv, w, &d->content, "", 0, NULL);
}

static int unit(struct cc *cc, const yaml_node_t *n, const char *at)
{
	enum { NAME, CONTENT, COMMAND, ENABLE, DROPINS, RUNTIME, MASK };
	static const char *const names[] = {
		[NAME] = "name", [CONTENT] = "content", [COMMAND] = "command", [ENABLE] = "enable",
		[DROPINS] = "drop_ins", [RUNTIME] = "runtime", [MASK] = "mask", NULL,
	};
	char path[PV_PATH], w[PV_WHERE];
	if (cc_map(cc, n, at) < 0)
		return -1;
	struct pv_config *cfg = cc->pv.cfg;
	struct pv_unit *u = pv_append(&cc->pv, &cfg->units, &cfg->nunits, sizeof *u);
	if (!u)
		return -1;
	u->enable = -1;
	CC_PAIRS(n, p) {
		const yaml_node_t *v = cc_node(cc, p->value);
		int k = cc_key(cc, p, names, at, path), rc = 0, b;
		if (k == NAME)
			rc = cc_set(cc, v, path, &u->name, pv_bad_unit);
		else if (k == CONTENT)
			rc = cc_set(cc, v, path, &u->content, NULL);
		else if (k == COMMAND)
			rc = cc_set(cc, v, path, &u->command, pv_bad_command);
		else if (k == ENABLE)
			rc = cc_bool(cc, v, path, &u->enable);
		else if (k == DROPINS)
			rc = cc_each(cc, v, path, dropin);
		else if (k == MASK)
			rc = cc_bool(cc, v, path, &u->mask);
		else if (k == RUNTIME && (rc = cc_bool(cc, v, path, &b)) == 0 && b)
			rc = cc_ignored(cc, p, "not supported by Berth:", path, "units are written to /etc/berth/units");
		if (rc < 0 || k == -2)
			return -1;
	}
	return pv_unit_end(&cc->pv, cc_where(w, sizeof w, n, at));
}

int cc_berth(struct cc *cc, const yaml_node_t *n, const char *parent)
{
	enum { ETCD, ETCD2, FLEET, UPDATE, LOCKSMITH, UNITS };
	static const char *const names[] = {
		[ETCD] = "etcd",	   [ETCD2] = "etcd2", [FLEET] = "fleet", [UPDATE] = "update",
		[LOCKSMITH] = "locksmith", [UNITS] = "units", NULL,
	};
	struct pv_config *cfg = cc->pv.cfg;
	char path[PV_PATH], w[PV_WHERE];
	int etcd_seen = 0;
	if (cc_map(cc, n, parent) < 0)
		return -1;
	CC_PAIRS(n, p) {
		const yaml_node_t *v = cc_node(cc, p->value);
		int k = cc_key(cc, p, names, parent, path), rc = 0;
		if ((k == ETCD || k == ETCD2) && etcd_seen++)
			return pv_fail(&cc->pv, cc_where(w, sizeof w, cc_node(cc, p->key), path),
				       "etcd and etcd2 both given (the same settings)");
		if (k == ETCD || k == ETCD2)
			rc = settings(cc, v, path, etcd, &cfg->etcd);
		else if (k == FLEET)
			rc = settings(cc, v, path, fleet, &cfg->fleet);
		else if (k == UPDATE)
			rc = settings(cc, v, path, update, &cfg->update);
		else if (k == LOCKSMITH)
			rc = settings(cc, v, path, locksmith, NULL);
		else if (k == UNITS)
			rc = cc_each(cc, v, path, unit);
		if (rc < 0 || k == -2)
			return -1;
	}
	return 0;
}
