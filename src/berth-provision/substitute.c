/* CoreOS cloud-config's address variables: in a #cloud-config document,
 * $public_ipv4, $private_ipv4, $public_ipv6 and $private_ipv6 become the
 * node's addresses as the platform's metadata gives them, before the document
 * is parsed (as coreos-cloudinit did, so that one document can serve every
 * node: "advertise-client-urls: http://$private_ipv4:2379"); "\$name" stays
 * "$name". Where the platform names no public or private address (an
 * OpenStack ConfigDrive, a NoCloud seed), its static addresses are sorted by
 * kind. A variable with no value becomes "", with a warning naming it. */
#include "provision.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *value_of(const struct node_meta *m, const char *name, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} vars[] = {
		{ "public_ipv4", offsetof(struct node_meta, public_ipv4) },
		{ "private_ipv4", offsetof(struct node_meta, private_ipv4) },
		{ "public_ipv6", offsetof(struct node_meta, public_ipv6) },
		{ "private_ipv6", offsetof(struct node_meta, private_ipv6) },
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if (len == strlen(vars[i].name) && !memcmp(name, vars[i].name, len))
			return (const char *)m + vars[i].off;
	return NULL;
}

/* The node's first static addresses of each kind (network.conf's "address
 * MAC IP/PREFIX" lines), where the platform did not say which is which:
 * private ones are RFC 1918's and shared (100.64/10) IPv4 and unique local
 * (fc00::/7) IPv6; link-local ones are neither. */
static void kinds_from_network(struct node_meta *m)
{
	for (size_t i = 0; i < m->network.n; i++) {
		char ip[64];
		unsigned char a[16];
		if (sscanf(m->network.v[i], "address %*s %63[^/]", ip) != 1)
			continue;
		char *dst;
		if (inet_pton(AF_INET, ip, a) == 1) {
			if (a[0] == 169 && a[1] == 254)
				continue;
			int private = a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
				      (a[0] == 192 && a[1] == 168) || (a[0] == 100 && (a[1] & 0xc0) == 64);
			dst = private ? m->private_ipv4 : m->public_ipv4;
		} else if (inet_pton(AF_INET6, ip, a) == 1) {
			if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
				continue;
			dst = (a[0] & 0xfe) == 0xfc ? m->private_ipv6 : m->public_ipv6;
		} else {
			continue;
		}
		if (!*dst)
			snprintf(dst, sizeof m->public_ipv4, "%s", ip);
	}
}

int substitute_addresses(struct node_meta *m)
{
	static const char tag[] = "#cloud-config";
	if (!m->user_data || m->user_len < sizeof tag - 1 || memcmp(m->user_data, tag, sizeof tag - 1))
		return 0;
	if (!*m->public_ipv4 && !*m->private_ipv4 && !*m->public_ipv6 && !*m->private_ipv6)
		kinds_from_network(m);
	/* The longest value is an IPv6 address (< 64) for the shortest name (11). */
	size_t cap = m->user_len * 6 + 1, n = 0;
	char *out = malloc(cap);
	if (!out)
		return -1;
	const char *s = m->user_data, *end = s + m->user_len;
	while (s < end) {
		if (*s == '\\' && s + 1 < end && s[1] == '$') {
			size_t l = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz0123456789_");
			if (value_of(m, s + 2, l)) { /* "\$name": "$name" */
				out[n++] = '$';
				s += 2;
				continue;
			}
		} else if (*s == '$') {
			size_t l = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz0123456789_");
			const char *v = value_of(m, s + 1, l);
			if (v) {
				if (!*v) {
					char w[160];
					snprintf(w, sizeof w, "$%.*s is used but the platform gave no such address: it is empty",
						 (int)l, s + 1);
					if (!strv_contains(&m->warnings, w))
						strv_add(&m->warnings, w);
				}
				n += (size_t)sprintf(out + n, "%s", v);
				s += 1 + l;
				continue;
			}
		}
		out[n++] = *s++;
	}
	out[n] = '\0';
	free(m->user_data);
	m->user_data = out;
	m->user_len = n;
	return 0;
}
