/* CoreOS cloud-config's address variables: in a #cloud-config document,
 * $public_ipv4, $private_ipv4, $public_ipv6 and $private_ipv6 become the
 * node's addresses as the platform's metadata gives them, before the document
 * is parsed (as coreos-cloudinit did, so that one document can serve every
 * node: "advertise-client-urls: http://$private_ipv4:2379"); "\$name" stays
 * "$name". A variable the platform gave no value for becomes "", with a
 * warning naming it. */
#include "provision.h"

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

int substitute_addresses(struct node_meta *m)
{
	static const char tag[] = "#cloud-config";
	if (!m->user_data || m->user_len < sizeof tag - 1 || memcmp(m->user_data, tag, sizeof tag - 1))
		return 0;
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
