/* #cloud-config documents: libyaml's node tree (yaml_parser_load), its
 * errors, and reading its nodes by a schema (cloudconfig-keys.c,
 * cloudconfig-berth.c). Scalars are kept as their text: a type is what the key
 * wants (CoreOS read 0644 as "0644"). The walk follows the schema only, so an
 * alias that makes a cycle is never followed around it. See provconf.h. */
#include "cloudconfig-impl.h"
#include "parse.h"
#include "strmap.h"

#include <stdio.h>
#include <string.h>

yaml_node_t *cc_node(struct cc *cc, int id) { return yaml_document_get_node(&cc->doc, id); }

const char *cc_where(char *buf, size_t len, const yaml_node_t *n, const char *path)
{
	snprintf(buf, len, "line %zu%s%s", n->start_mark.line + 1, *path ? ": " : "", path);
	return buf;
}

static const char *kind(const yaml_node_t *n)
{
	return n->type == YAML_SEQUENCE_NODE ? "a list" : n->type == YAML_MAPPING_NODE ? "a map" : "a string";
}

static int is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static int want(struct cc *cc, const yaml_node_t *n, const char *path, yaml_node_type_t type, const char *what)
{
	char w[PV_WHERE];
	if (n->type == type || is_null(n))
		return 0;
	return pv_fail(&cc->pv, cc_where(w, sizeof w, n, path), "expected %s, not %s", what, kind(n));
}

int cc_map(struct cc *cc, const yaml_node_t *n, const char *path)
{
	return want(cc, n, path, YAML_MAPPING_NODE, "a map");
}

int cc_list(struct cc *cc, const yaml_node_t *n, const char *path)
{
	return want(cc, n, path, YAML_SEQUENCE_NODE, "a list");
}

int cc_str(struct cc *cc, const yaml_node_t *n, const char *path, const char **s, size_t *len)
{
	if (want(cc, n, path, YAML_SCALAR_NODE, "a string") < 0)
		return -1;
	*s = is_null(n) ? "" : (const char *)n->data.scalar.value;
	*len = is_null(n) ? 0 : n->data.scalar.length;
	return 0;
}

int cc_bool(struct cc *cc, const yaml_node_t *n, const char *path, int *out)
{
	const char *s;
	size_t len;
	bool b;
	char w[PV_WHERE];
	if (cc_str(cc, n, path, &s, &len) < 0)
		return -1;
	if (parse_bool(s, &b) < 0)
		return pv_fail(&cc->pv, cc_where(w, sizeof w, n, path), "expected true or false, not \"%.40s\"", s);
	*out = b;
	return 0;
}

int cc_same_key(const char *a, const char *b)
{
	for (; *a && (*a == *b || (*a == '-' && *b == '_')); a++, b++)
		;
	return !*a && !*b;
}

int cc_key(struct cc *cc, const yaml_node_pair_t *p, const char *const *keys, const char *parent, char *path)
{
	const yaml_node_t *k = cc_node(cc, p->key);
	char w[PV_WHERE];
	if (k->type != YAML_SCALAR_NODE) {
		pv_fail(&cc->pv, cc_where(w, sizeof w, k, parent), "a key that is %s, not a string", kind(k));
		return -2;
	}
	const char *key = (const char *)k->data.scalar.value;
	pv_key_path(path, parent, key);
	if (!strcmp(key, "<<") && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		pv_fail(&cc->pv, cc_where(w, sizeof w, k, parent), "merge keys (<<) are not supported");
		return -2;
	}
	for (int i = 0; keys && keys[i]; i++)
		if (cc_same_key(key, keys[i]))
			return i;
	return keys && cc_ignored(cc, p, "unknown key", path, NULL) < 0 ? -2 : -1;
}

int cc_ignored(struct cc *cc, const yaml_node_pair_t *p, const char *what, const char *path, const char *why)
{
	char w[32];
	return pv_warn(&cc->pv, cc_where(w, sizeof w, cc_node(cc, p->key), ""), "%s %s (ignored%s%s)", what, path,
		       why ? ": " : "", why ? why : "");
}

int cc_set(struct cc *cc, const yaml_node_t *n, const char *path, char **dst, const char *(*bad)(const char *))
{
	const char *s;
	size_t len;
	char w[PV_WHERE];
	if (cc_str(cc, n, path, &s, &len) < 0)
		return -1;
	return pv_set(&cc->pv, cc_where(w, sizeof w, n, path), dst, s, len, bad);
}

int cc_strings(struct cc *cc, const yaml_node_t *n, const char *path, struct strv *out,
	       const char *(*bad)(const char *))
{
	size_t i = 0, len;
	const char *s;
	if (cc_list(cc, n, path) < 0)
		return -1;
	CC_ITEMS(n, it) {
		char at[PV_PATH], w[PV_WHERE];
		const yaml_node_t *item = cc_node(cc, *it);
		pv_index_path(at, path, i++);
		if (cc_str(cc, item, at, &s, &len) < 0 ||
		    pv_add(&cc->pv, cc_where(w, sizeof w, item, at), out, s, len, bad) < 0)
			return -1;
	}
	return 0;
}

int cc_each(struct cc *cc, const yaml_node_t *n, const char *path,
	    int (*item)(struct cc *, const yaml_node_t *, const char *))
{
	size_t i = 0;
	if (cc_list(cc, n, path) < 0)
		return -1;
	CC_ITEMS(n, it) {
		char at[PV_PATH];
		pv_index_path(at, path, i++);
		if (item(cc, cc_node(cc, *it), at) < 0)
			return -1;
	}
	return 0;
}

/* YAML forbids a key twice in a mapping: every mapping of the document is
 * checked, each once however many aliases name it. */
static int check_duplicates(struct cc *cc)
{
	for (yaml_node_t *n = cc->doc.nodes.start; n < cc->doc.nodes.top; n++) {
		struct strmap seen = { 0 };
		int rc = 0;
		CC_PAIRS(n, p) {
			const yaml_node_t *k = cc_node(cc, p->key), *first;
			char w[32];
			if (k->type != YAML_SCALAR_NODE)
				continue;
			const char *key = (const char *)k->data.scalar.value;
			if ((first = strmap_get(&seen, key))) {
				rc = pv_fail(&cc->pv, cc_where(w, sizeof w, k, ""),
					     "duplicate key %.100s (first at line %zu)", key, first->start_mark.line + 1);
				break;
			}
			if (strmap_put(&seen, key, (void *)k) < 0) {
				rc = pv_fail(&cc->pv, NULL, "out of memory");
				break;
			}
		}
		strmap_free(&seen);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* libyaml's error, at its line: a problem found at the end of the text is on
 * the text's last line, not the line after it. */
static int yaml_error(struct cc *cc, const yaml_parser_t *parser, const char *text, size_t len)
{
	size_t lines = 1, line = parser->problem_mark.line + 1;
	char w[32];
	if (parser->error == YAML_MEMORY_ERROR)
		return pv_fail(&cc->pv, NULL, "out of memory");
	for (size_t i = 0; i + 1 < len; i++)
		lines += text[i] == '\n';
	if (parser->error == YAML_READER_ERROR) {
		line = 1;
		for (size_t i = 0; i < parser->problem_offset && i < len; i++)
			line += text[i] == '\n';
	}
	const char *problem = parser->problem ? parser->problem : "not valid YAML";
	snprintf(w, sizeof w, "line %zu", line < lines ? line : lines);
	if (parser->context)
		return pv_fail(&cc->pv, w, "%s (%s at line %zu)", problem, parser->context,
			       parser->context_mark.line + 1);
	return pv_fail(&cc->pv, w, "%s", problem);
}

/* libyaml's scanner takes time in the square of the nesting depth (1 s at
 * 20000 levels, minutes at 200000): a document nested deeper than any
 * configuration is refused before it is loaded. */
static int check_depth(struct cc *cc, const char *text, size_t len)
{
	enum { MAX_DEPTH = 64 };
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	char w[32];
	if (!yaml_parser_initialize(&parser))
		return pv_fail(&cc->pv, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!rc) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = yaml_error(cc, &parser, text, len);
			break;
		}
		yaml_event_type_t type = ev.type;
		size_t line = ev.start_mark.line + 1;
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
		depth += type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT;
		depth -= type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT;
		if (depth > MAX_DEPTH) {
			snprintf(w, sizeof w, "line %zu", line);
			rc = pv_fail(&cc->pv, w, "nested more than %d deep", MAX_DEPTH);
		}
	}
	yaml_parser_delete(&parser);
	return rc;
}

int pv_parse_cloudconfig(const char *text, size_t len, const char *source, struct pv_config *cfg, char *err,
			 size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	struct cc cc = { .pv = { .source = source, .cfg = cfg, .err = err, .errlen = errlen } };
	yaml_parser_t parser;
	if (check_depth(&cc, text, len) < 0)
		return -1;
	if (!yaml_parser_initialize(&parser))
		return pv_fail(&cc.pv, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	int rc = 0, more = 0;
	if (!yaml_parser_load(&parser, &cc.doc))
		rc = yaml_error(&cc, &parser, text, len);
	else {
		const yaml_node_t *root = yaml_document_get_root_node(&cc.doc);
		if (root && (rc = check_duplicates(&cc)) == 0)
			rc = cc_top(&cc, root);
		more = root && !rc;
		yaml_document_delete(&cc.doc);
	}
	/* A second document is not read, but must not be missed silently. */
	if (more && !yaml_parser_load(&parser, &cc.doc))
		rc = yaml_error(&cc, &parser, text, len);
	else if (more) {
		const yaml_node_t *root = yaml_document_get_root_node(&cc.doc);
		char w[32];
		if (root)
			rc = pv_warn(&cc.pv, cc_where(w, sizeof w, root, ""), "a second YAML document (ignored)");
		yaml_document_delete(&cc.doc);
	}
	yaml_parser_delete(&parser);
	if (rc < 0)
		pv_config_free(cfg);
	return rc;
}
