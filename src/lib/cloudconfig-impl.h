/* The #cloud-config parser's pieces (cloudconfig.c: the document and the
 * reading of its nodes; cloudconfig-keys.c: the top-level keys, users and
 * files; cloudconfig-berth.c: the berth: section). */
#ifndef BERTH_CLOUDCONFIG_IMPL_H
#define BERTH_CLOUDCONFIG_IMPL_H

#include <yaml.h>

#include "provconf-impl.h"

struct cc {
	struct pv_ctx pv;
	yaml_document_t doc;
};

/* The pairs of a mapping node and the items of a sequence node (none for a
 * node of another kind). */
#define CC_PAIRS(n, p)                                                                              \
	for (yaml_node_pair_t *p = (n)->type == YAML_MAPPING_NODE ? (n)->data.mapping.pairs.start : NULL; \
	     p && p < (n)->data.mapping.pairs.top; p++)
#define CC_ITEMS(n, it)                                                                                \
	for (yaml_node_item_t *it = (n)->type == YAML_SEQUENCE_NODE ? (n)->data.sequence.items.start : NULL; \
	     it && it < (n)->data.sequence.items.top; it++)

yaml_node_t *cc_node(struct cc *cc, int id);
/* "line N: PATH" (PATH empty: "line N") of node N, in BUF. */
const char *cc_where(char *buf, size_t len, const yaml_node_t *n, const char *path);

/* Type checks of node N, the value of PATH; each 0, or -1 with the error
 * "line N: PATH: expected a string, not a list". A null (~, or nothing) is
 * an empty string, list or map. cc_str's text is NUL-terminated. */
int cc_str(struct cc *cc, const yaml_node_t *n, const char *path, const char **s, size_t *len);
int cc_bool(struct cc *cc, const yaml_node_t *n, const char *path, int *out);
int cc_map(struct cc *cc, const yaml_node_t *n, const char *path);
int cc_list(struct cc *cc, const yaml_node_t *n, const char *path);

/* Node N, the string at PATH, checked by BAD (if not NULL) into *DST; a list
 * of such strings added to OUT. */
int cc_set(struct cc *cc, const yaml_node_t *n, const char *path, char **dst, const char *(*bad)(const char *));
int cc_strings(struct cc *cc, const yaml_node_t *n, const char *path, struct strv *out,
	       const char *(*bad)(const char *));

/* The key of pair P of a map at PARENT: PATH (PV_PATH bytes) set to
 * "PARENT.KEY", and its index in KEYS (NULL-terminated; '-' in the key read as
 * '_', as CoreOS did). -1 for a key not in KEYS, warned of as unknown (not
 * when KEYS is NULL: the caller looks it up); -2 with the error set if the key
 * is not a string. */
int cc_key(struct cc *cc, const yaml_node_pair_t *p, const char *const *keys, const char *parent, char *path);
/* Key A of a document is the schema's B ('-' standing for '_'). */
int cc_same_key(const char *a, const char *b);
/* The warning for key P at PATH that is not used: "line N: WHAT PATH
 * (ignored)", or "(ignored: WHY)". */
int cc_ignored(struct cc *cc, const yaml_node_pair_t *p, const char *what, const char *path, const char *why);

/* ITEM called for each item of list N at PATH, with the item's path
 * "PATH[I]"; stops at the first error. */
int cc_each(struct cc *cc, const yaml_node_t *n, const char *path,
	    int (*item)(struct cc *, const yaml_node_t *, const char *));

/* The document's top-level map (cloudconfig-keys.c), and the berth: (or
 * coreos:) map, node N at PATH (cloudconfig-berth.c). */
int cc_top(struct cc *cc, const yaml_node_t *root);
int cc_berth(struct cc *cc, const yaml_node_t *n, const char *path);

#endif
