/* The platforms' own documents about a node: DigitalOcean's metadata
 * (v1.json), OpenStack's meta_data.json and network_data.json (ConfigDrive),
 * NoCloud's meta-data. What they give: a host name, SSH keys, the user data,
 * and static addresses, as lines of /etc/berth/network.conf:
 *   address MAC ADDRESS/PREFIX
 *   gateway MAC ADDRESS
 *   dns ADDRESS */
#include <arpa/inet.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "provision.h"

static int load(const char *text, size_t len, json_t **root, char *err)
{
	json_error_t je;
	*root = json_loadb(text, len, 0, &je);
	if (!*root || !json_is_object(*root)) {
		snprintf(err, ERRLEN, "line %d, column %d: %s", je.line, je.column,
			 *root ? "not a JSON object" : je.text);
		json_decref(*root);
		return -1;
	}
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void set_hostname(struct node_meta *m, const char *h)
{
	if (h && *h && !m->hostname)
		m->hostname = strdup(h);
}

/* A dotted netmask's prefix length, or -1 if it is not a netmask. */
static int prefix_of(const char *mask)
{
	struct in_addr a;
	if (!mask || inet_pton(AF_INET, mask, &a) != 1)
		return -1;
	unsigned v = ntohl(a.s_addr), n = 0;
	while (n < 32 && (v & (1u << (31 - n))))
		n++;
	return (v << n & 0xffffffffu) == 0 || n == 32 ? (int)n : -1;
}

/* An IPv6 prefix length: a number (DigitalOcean's "cidr"), or a netmask
 * such as ffff:ffff:ffff:ffff:: (OpenStack's); -1 if neither. */
static int prefix6_of(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 && json_integer_value(v) <= 128 ? (int)json_integer_value(v) : -1;
	struct in6_addr a;
	const char *mask = json_string_value(v);
	if (mask && strspn(mask, "0123456789") == strlen(mask) && *mask && atoi(mask) <= 128)
		return atoi(mask);
	if (!mask || inet_pton(AF_INET6, mask, &a) != 1)
		return -1;
	int n = 0;
	while (n < 128 && (a.s6_addr[n / 8] & (0x80 >> (n % 8))))
		n++;
	for (int k = n; k < 128; k++)
		if (a.s6_addr[k / 8] & (0x80 >> (k % 8)))
			return -1;
	return n;
}

static int add_line(struct node_meta *m, const char *kind, const char *mac, const char *val, char *err)
{
	struct in6_addr a;
	char addr[64], line[200];
	snprintf(addr, sizeof addr, "%s", val);
	char *slash = strchr(addr, '/');
	if (slash)
		*slash = '\0';
	bool v4 = inet_pton(AF_INET, addr, &a) == 1;
	if (!v4 && inet_pton(AF_INET6, addr, &a) != 1) {
		snprintf(err, ERRLEN, "%s: not an IPv4 or IPv6 address: %s", kind, val);
		return -1;
	}
	/* network-up reads these lines with the shell: a prefix is a number
	 * in range, an interface a MAC address or a kernel interface name. */
	if (slash && (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) || strlen(slash + 1) > 3 ||
		      atoi(slash + 1) > (v4 ? 32 : 128))) {
		snprintf(err, ERRLEN, "%s: not a prefix length: %s", kind, val);
		return -1;
	}
	if (mac && (!*mac || strlen(mac) > 17 ||
		    strspn(mac, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") != strlen(mac))) {
		snprintf(err, ERRLEN, "%s: not a MAC address or interface name: %s", kind, mac);
		return -1;
	}
	if (mac)
		snprintf(line, sizeof line, "%s %s %s", kind, mac, val);
	else
		snprintf(line, sizeof line, "%s %s", kind, val);
	if (!strv_contains(&m->network, line))
		strv_add(&m->network, line);
	return 0;
}

/* A default route through GW for interface KEY; none for "", 0.0.0.0 or
 * :: (DigitalOcean's private interfaces say 0.0.0.0). */
static int add_gateway(struct node_meta *m, const char *key, const char *gw, char *err)
{
	if (!gw || !*gw || !strcmp(gw, "0.0.0.0") || !strcmp(gw, "::"))
		return 0;
	return add_line(m, "gateway", key, gw, err);
}

/* An address (and gateway) of interface MAC from an object with ADDR, MASK
 * and GW members (names differ between the platforms). */
static int add_ipv4(struct node_meta *m, const char *mac, json_t *o, const char *addr_key, const char *mask_key,
		    const char *gw_key, char *err)
{
	const char *ip = str(o, addr_key), *mask = str(o, mask_key), *gw = gw_key ? str(o, gw_key) : NULL;
	if (!ip)
		return 0;
	int prefix = prefix_of(mask);
	if (prefix < 0) {
		snprintf(err, ERRLEN, "%s: not a netmask: %s", mask_key, mask ? mask : "(none)");
		return -1;
	}
	char cidr[80];
	snprintf(cidr, sizeof cidr, "%s/%d", ip, prefix);
	if (add_line(m, "address", mac, cidr, err) < 0 || add_gateway(m, mac, gw, err) < 0)
		return -1;
	return 0;
}

/* The same for IPv6: ADDR_KEY's address, PREFIX_KEY's length or netmask. */
static int add_ipv6(struct node_meta *m, const char *mac, json_t *o, const char *addr_key, const char *prefix_key,
		    const char *gw_key, char *err)
{
	const char *ip = str(o, addr_key), *gw = gw_key ? str(o, gw_key) : NULL;
	if (!ip)
		return 0;
	char cidr[80];
	if (strchr(ip, '/')) {
		snprintf(cidr, sizeof cidr, "%s", ip);
	} else {
		int prefix = prefix6_of(json_object_get(o, prefix_key));
		if (prefix < 0) {
			snprintf(err, ERRLEN, "%s: not an IPv6 prefix length or netmask", prefix_key);
			return -1;
		}
		snprintf(cidr, sizeof cidr, "%s/%d", ip, prefix);
	}
	if (add_line(m, "address", mac, cidr, err) < 0 || add_gateway(m, mac, gw, err) < 0)
		return -1;
	return 0;
}

static void add_key(struct node_meta *m, const char *k)
{
	if (k && *k && !strchr(k, '\n') && !strv_contains(&m->keys, k))
		strv_add(&m->keys, k);
}

int meta_digitalocean(const char *text, size_t len, struct node_meta *m, char *err)
{
	json_t *root;
	if (load(text, len, &root, err) < 0)
		return -1;
	set_hostname(m, str(root, "hostname"));
	const char *ud = str(root, "user_data");
	if (ud && !m->user_data) {
		m->user_data = strdup(ud);
		m->user_len = strlen(ud);
	}
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(root, "public_keys"), i, v) add_key(m, json_string_value(v));
	int rc = 0;
	/* interfaces: {"public": [...], "private": [...]}, each with its MAC, its
	 * ipv4, on the public one the anchor address (for reserved IPs) and,
	 * where the droplet has IPv6, its ipv6 (prefix length as "cidr"). */
	const char *kind;
	json_t *list;
	json_object_foreach(json_object_get(root, "interfaces"), kind, list) {
		json_array_foreach(list, i, v) {
			const char *mac = str(v, "mac");
			if (!mac)
				continue;
			/* The first of each kind, for $public_ipv4 and the like. */
			bool pub = !strcmp(kind, "public"), priv = !strcmp(kind, "private");
			const char *a4 = str(json_object_get(v, "ipv4"), "ip_address");
			const char *a6 = str(json_object_get(v, "ipv6"), "ip_address");
			char *d4 = pub ? m->public_ipv4 : priv ? m->private_ipv4 : NULL;
			char *d6 = pub ? m->public_ipv6 : priv ? m->private_ipv6 : NULL;
			if (d4 && !*d4 && a4)
				snprintf(d4, sizeof m->public_ipv4, "%s", a4);
			if (d6 && !*d6 && a6)
				snprintf(d6, sizeof m->public_ipv6, "%s", a6);
			/* The default routes go out of the public interface only: a
			 * private network's gateway would take them over. */
			const char *gw = pub ? "gateway" : NULL;
			if (add_ipv4(m, mac, json_object_get(v, "ipv4"), "ip_address", "netmask", gw, err) < 0 ||
			    add_ipv4(m, mac, json_object_get(v, "anchor_ipv4"), "ip_address", "netmask", NULL, err) < 0 ||
			    add_ipv6(m, mac, json_object_get(v, "ipv6"), "ip_address", "cidr", gw, err) < 0) {
				rc = -1;
				break;
			}
		}
	}
	json_array_foreach(json_object_get(json_object_get(root, "dns"), "nameservers"), i, v) {
		if (rc == 0 && json_is_string(v) && add_line(m, "dns", NULL, json_string_value(v), err) < 0)
			rc = -1;
	}
	json_decref(root);
	return rc;
}

int meta_openstack(const char *text, size_t len, struct node_meta *m, char *err)
{
	json_t *root;
	if (load(text, len, &root, err) < 0) {
		char why[ERRLEN];
		snprintf(why, sizeof why, "meta_data.json: %s", err);
		snprintf(err, ERRLEN, "%s", why);
		return -1;
	}
	set_hostname(m, str(root, "hostname"));
	const char *name;
	json_t *v;
	json_object_foreach(json_object_get(root, "public_keys"), name, v) add_key(m, json_string_value(v));
	size_t i;
	json_array_foreach(json_object_get(root, "keys"), i, v) add_key(m, str(v, "data"));
	json_decref(root);
	return 0;
}

/* network_data.json: links (MACs by id), networks (ipv4 or ipv6 on a link,
 * with routes), services (dns). ipv4_dhcp networks are what the node does
 * anyway. */
int meta_openstack_network(const char *text, size_t len, struct node_meta *m, char *err)
{
	json_t *root;
	int rc = load(text, len, &root, err);
	size_t i, j;
	json_t *n, *r;
	json_array_foreach(rc == 0 ? json_object_get(root, "networks") : NULL, i, n) {
		const char *type = str(n, "type"), *link = str(n, "link"), *mac = NULL;
		bool v6 = type && !strcmp(type, "ipv6");
		if (!type || (strcmp(type, "ipv4") && !v6))
			continue;
		json_t *l;
		json_array_foreach(json_object_get(root, "links"), j, l) {
			if (link && str(l, "id") && !strcmp(str(l, "id"), link))
				mac = str(l, "ethernet_mac_address");
		}
		if (!mac) {
			snprintf(err, ERRLEN, "networks[%zu]: link %s has no MAC address", i, link ? link : "(none)");
			rc = -1;
			break;
		}
		rc = v6 ? add_ipv6(m, mac, n, "ip_address", "netmask", NULL, err)
			: add_ipv4(m, mac, n, "ip_address", "netmask", NULL, err);
		if (rc < 0)
			break;
		json_array_foreach(json_object_get(n, "routes"), j, r) {
			const char *net = str(r, "network"), *gw = str(r, "gateway");
			if (net && gw && !strcmp(net, v6 ? "::" : "0.0.0.0") && (rc = add_gateway(m, mac, gw, err)) < 0)
				break;
		}
		if (rc < 0)
			break;
	}
	json_array_foreach(rc == 0 ? json_object_get(root, "services") : NULL, i, n) {
		const char *type = str(n, "type"), *a = str(n, "address");
		if (type && !strcmp(type, "dns") && a && (rc = add_line(m, "dns", NULL, a, err)) < 0)
			break;
	}
	json_decref(root);
	if (rc < 0) {
		char why[ERRLEN];
		snprintf(why, sizeof why, "network_data.json: %s", err);
		snprintf(err, ERRLEN, "%s", why);
	}
	return rc;
}

/* A YAML node as JSON: mappings as objects, sequences as arrays, scalars as
 * strings (numbers too: the callers read "24" and 24 alike). */
static json_t *yaml_json(yaml_document_t *doc, yaml_node_t *n, int depth)
{
	if (!n || depth > 32)
		return json_null();
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return json_stringn((const char *)n->data.scalar.value, n->data.scalar.length);
	case YAML_SEQUENCE_NODE: {
		json_t *a = json_array();
		for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
			json_array_append_new(a, yaml_json(doc, yaml_document_get_node(doc, *i), depth + 1));
		return a;
	}
	case YAML_MAPPING_NODE: {
		json_t *o = json_object();
		for (yaml_node_pair_t *e = n->data.mapping.pairs.start; e < n->data.mapping.pairs.top; e++) {
			yaml_node_t *k = yaml_document_get_node(doc, e->key);
			if (k && k->type == YAML_SCALAR_NODE)
				json_object_set_new(o, (const char *)k->data.scalar.value,
						    yaml_json(doc, yaml_document_get_node(doc, e->value), depth + 1));
		}
		return o;
	}
	default:
		return json_null();
	}
}

/* An address given as ADDRESS/PREFIX, or as ADDRESS with MASK (a netmask or
 * prefix length), for interface KEY. */
static int add_address(struct node_meta *m, const char *key, const char *addr, json_t *mask, char *err)
{
	if (strchr(addr, '/'))
		return add_line(m, "address", key, addr, err);
	/* A length (24, "24") or an IPv6 mask, else an IPv4 dotted mask. */
	int prefix = prefix6_of(mask);
	if (prefix < 0 || (!strchr(addr, ':') && json_is_string(mask) && strchr(json_string_value(mask), '.')))
		prefix = strchr(addr, ':') ? -1 : prefix_of(json_string_value(mask));
	if (prefix < 0 || (!strchr(addr, ':') && prefix > 32)) {
		snprintf(err, ERRLEN, "%s: no prefix length or netmask", addr);
		return -1;
	}
	char cidr[96];
	snprintf(cidr, sizeof cidr, "%s/%d", addr, prefix);
	return add_line(m, "address", key, cidr, err);
}

static int add_dns_list(struct node_meta *m, json_t *list, char *err)
{
	if (json_is_string(list))
		return add_line(m, "dns", NULL, json_string_value(list), err);
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		if (json_is_string(v) && add_line(m, "dns", NULL, json_string_value(v), err) < 0)
			return -1;
	return 0;
}

/* Version 1: a list of "physical" interfaces (by mac_address, else name)
 * with "static"/"static6" subnets, and "nameserver" entries. */
static int network_v1(json_t *config, struct node_meta *m, char *err)
{
	size_t i, j;
	json_t *c, *sn;
	json_array_foreach(config, i, c) {
		const char *type = str(c, "type") ?: "";
		if (!strcmp(type, "nameserver")) {
			if (add_dns_list(m, json_object_get(c, "address"), err) < 0)
				return -1;
			continue;
		}
		if (strcmp(type, "physical"))
			continue;
		const char *key = str(c, "mac_address") ?: str(c, "name");
		json_array_foreach(json_object_get(c, "subnets"), j, sn) {
			const char *st = str(sn, "type") ?: "", *addr = str(sn, "address"), *gw = str(sn, "gateway");
			if (strcmp(st, "static") && strcmp(st, "static6"))
				continue; /* dhcp, dhcp4, dhcp6: what the node does anyway */
			if (!key || !addr) {
				snprintf(err, ERRLEN, "config[%zu]: a static subnet needs the interface's mac_address or name "
					 "and an address", i);
				return -1;
			}
			json_t *mask = json_object_get(sn, "netmask") ?: json_object_get(sn, "prefix");
			if (add_address(m, key, addr, mask, err) < 0 || add_gateway(m, key, gw, err) < 0 ||
			    add_dns_list(m, json_object_get(sn, "dns_nameservers"), err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Version 2 (netplan's): ethernets by id, matched by macaddress or name,
 * else by set-name or the id as the interface's name. */
static int network_v2(json_t *eths, struct node_meta *m, char *err)
{
	const char *id;
	json_t *e;
	json_object_foreach(eths, id, e) {
		json_t *match = json_object_get(e, "match");
		const char *key = str(match, "macaddress") ?: str(match, "name") ?: str(e, "set-name") ?: id;
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(e, "addresses"), i, v)
			if (json_is_string(v) && add_address(m, key, json_string_value(v), NULL, err) < 0)
				return -1;
		const char *gws[] = { str(e, "gateway4"), str(e, "gateway6") };
		for (size_t k = 0; k < 2; k++)
			if (add_gateway(m, key, gws[k], err) < 0)
				return -1;
		json_array_foreach(json_object_get(e, "routes"), i, v) {
			const char *to = str(v, "to") ?: "", *via = str(v, "via");
			if (via && (!strcmp(to, "default") || !strcmp(to, "0.0.0.0/0") || !strcmp(to, "::/0")) &&
			    add_gateway(m, key, via, err) < 0)
				return -1;
		}
		if (add_dns_list(m, json_object_get(json_object_get(e, "nameservers"), "addresses"), err) < 0)
			return -1;
	}
	return 0;
}

/* NoCloud's network-config: cloud-init's network configuration, version 1 or
 * 2, bare or under "network:". Static addresses, gateways and name servers
 * become network.conf lines; DHCP is what the node does anyway. */
int meta_nocloud_network(const char *text, size_t len, struct node_meta *m, char *err)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		snprintf(err, ERRLEN, "network-config: line %zu: %s", p.problem_mark.line + 1,
			 p.problem ? p.problem : "not valid YAML");
		yaml_parser_delete(&p);
		return -1;
	}
	json_t *root = yaml_json(&doc, yaml_document_get_root_node(&doc), 0);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	json_t *net = json_object_get(root, "network") ?: root;
	const char *version = str(net, "version");
	int rc;
	char why[ERRLEN];
	if (!json_is_object(net) || !version) {
		snprintf(why, sizeof why, "no version: 1 or 2");
		rc = -1;
	} else if (!strcmp(version, "1")) {
		rc = network_v1(json_object_get(net, "config"), m, why);
	} else if (!strcmp(version, "2")) {
		rc = network_v2(json_object_get(net, "ethernets"), m, why);
	} else {
		snprintf(why, sizeof why, "version %s: only 1 and 2 are known", version);
		rc = -1;
	}
	if (rc < 0)
		snprintf(err, ERRLEN, "network-config: %.*s", ERRLEN - 20, why);
	json_decref(root);
	return rc;
}

/* NoCloud's meta-data: a YAML mapping; local-hostname is what Berth uses. */
int meta_nocloud(const char *text, size_t len, struct node_meta *m, char *err)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	int rc = 0;
	if (!yaml_parser_load(&p, &doc)) {
		snprintf(err, ERRLEN, "meta-data: line %zu: %s", p.problem_mark.line + 1,
			 p.problem ? p.problem : "not valid YAML");
		yaml_parser_delete(&p);
		return -1;
	}
	yaml_node_t *top = yaml_document_get_root_node(&doc);
	if (top && top->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *e = top->data.mapping.pairs.start; e < top->data.mapping.pairs.top; e++) {
			yaml_node_t *k = yaml_document_get_node(&doc, e->key), *v = yaml_document_get_node(&doc, e->value);
			if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE &&
			    !strcmp((char *)k->data.scalar.value, "local-hostname"))
				set_hostname(m, (char *)v->data.scalar.value);
		}
	} else if (top) {
		snprintf(err, ERRLEN, "meta-data: line %zu: not a mapping", top->start_mark.line + 1);
		rc = -1;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return rc;
}
