/* OCI and Docker image documents: see ociimage.h. */
#include "ociimage.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imageref.h"

static json_t *load(const char *json, size_t len, const char *what, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s: invalid JSON at line %d: %s", what, je.line, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: not a JSON object", what);
		json_decref(root);
		return NULL;
	}
	return root;
}

enum oci_kind oci_kind(const char *json, size_t len)
{
	json_t *root = json_loadb(json, len, 0, NULL);
	enum oci_kind k = OCI_KIND_UNKNOWN;
	if (!json_is_object(root))
		goto out;
	const char *mt = json_string_value(json_object_get(root, "mediaType"));
	if (mt && (!strcmp(mt, OCI_INDEX) || !strcmp(mt, DOCKER_LIST)))
		k = OCI_KIND_INDEX;
	else if (mt && (!strcmp(mt, OCI_MANIFEST) || !strcmp(mt, DOCKER_MANIFEST)))
		k = OCI_KIND_MANIFEST;
	else if (!mt && json_is_array(json_object_get(root, "manifests")))
		k = OCI_KIND_INDEX;
	else if (!mt && json_is_array(json_object_get(root, "layers")))
		k = OCI_KIND_MANIFEST;
out:
	json_decref(root);
	return k;
}

static int desc(json_t *d, const char *where, struct oci_desc *out, char *err, size_t errlen)
{
	const char *dg = json_string_value(json_object_get(d, "digest"));
	json_t *sz = json_object_get(d, "size");
	if (!dg || !is_sha256_digest(dg)) {
		snprintf(err, errlen, "%s: \"digest\" is missing or not a sha256 digest", where);
		return -1;
	}
	if (!json_is_integer(sz) || json_integer_value(sz) < 0) {
		snprintf(err, errlen, "%s: \"size\" is missing or negative", where);
		return -1;
	}
	strcpy(out->digest, dg);
	out->size = json_integer_value(sz);
	return 0;
}

int oci_index_pick(const char *json, size_t len, const char *os, const char *arch,
		   struct oci_desc *out, char *err, size_t errlen)
{
	json_t *root = load(json, len, "index", err, errlen);
	if (!root)
		return -1;
	json_t *ms = json_object_get(root, "manifests");
	int rc = -1;
	if (!json_is_array(ms)) {
		snprintf(err, errlen, "index: \"manifests\" is not an array");
		goto out;
	}
	size_t i;
	json_t *m;
	char seen[256] = "";
	json_array_foreach(ms, i, m) {
		json_t *p = json_object_get(m, "platform");
		const char *o = json_string_value(json_object_get(p, "os"));
		const char *a = json_string_value(json_object_get(p, "architecture"));
		if (o && a && strlen(seen) < 200)
			snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%s/%s", *seen ? ", " : "", o, a);
		if (o && a && !strcmp(o, os) && !strcmp(a, arch)) {
			char where[48];
			snprintf(where, sizeof where, "index: manifests[%zu]", i);
			rc = desc(m, where, out, err, errlen);
			goto out;
		}
	}
	snprintf(err, errlen, "no image for %s/%s in the index (it has: %s)", os, arch, *seen ? seen : "none");
out:
	json_decref(root);
	return rc;
}

static int layer_type(const char *mt, int *gzip)
{
	static const char *plain[] = { "application/vnd.oci.image.layer.v1.tar",
				       "application/vnd.docker.image.rootfs.diff.tar", NULL };
	static const char *gz[] = { "application/vnd.oci.image.layer.v1.tar+gzip",
				    "application/vnd.docker.image.rootfs.diff.tar.gzip", NULL };
	for (int i = 0; plain[i]; i++)
		if (!strcmp(mt, plain[i]))
			return *gzip = 0, 0;
	for (int i = 0; gz[i]; i++)
		if (!strcmp(mt, gz[i]))
			return *gzip = 1, 0;
	return -1;
}

int oci_manifest_parse(const char *json, size_t len, struct oci_manifest *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	json_t *root = load(json, len, "manifest", err, errlen);
	if (!root)
		return -1;
	int rc = -1;
	json_t *v = json_object_get(root, "schemaVersion");
	if (!json_is_integer(v) || json_integer_value(v) != 2) {
		snprintf(err, errlen, "manifest: schemaVersion is not 2 (schema 1 images are not supported)");
		goto out;
	}
	if (desc(json_object_get(root, "config"), "manifest: config", &m->config, err, errlen) < 0)
		goto out;
	json_t *ls = json_object_get(root, "layers");
	if (!json_is_array(ls)) {
		snprintf(err, errlen, "manifest: \"layers\" is not an array");
		goto out;
	}
	m->nlayers = json_array_size(ls);
	m->layers = calloc(m->nlayers ? m->nlayers : 1, sizeof *m->layers);
	if (!m->layers) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	size_t i;
	json_t *l;
	json_array_foreach(ls, i, l) {
		char where[48];
		snprintf(where, sizeof where, "manifest: layers[%zu]", i);
		const char *mt = json_string_value(json_object_get(l, "mediaType"));
		if (!mt || layer_type(mt, &m->layers[i].gzip) < 0) {
			snprintf(err, errlen, "%s: unsupported media type \"%s\" (tar and tar+gzip layers only)",
				 where, mt ? mt : "");
			goto out;
		}
		if (desc(l, where, &m->layers[i], err, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		oci_manifest_free(m);
	json_decref(root);
	return rc;
}

void oci_manifest_free(struct oci_manifest *m)
{
	free(m->layers);
	m->layers = NULL;
	m->nlayers = 0;
}

/* An array of strings into S; null or absent leaves S empty. */
static int strings(json_t *a, const char *where, struct strv *s, char *err, size_t errlen)
{
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a)) {
		snprintf(err, errlen, "config: %s is not an array of strings", where);
		return -1;
	}
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			snprintf(err, errlen, "config: %s[%zu] is not a string", where, i);
			return -1;
		}
		if (strv_add(s, json_string_value(e)) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int string(json_t *o, const char *key, char *out, size_t len, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= len) {
		snprintf(err, errlen, "config: config.%s is not a string (of at most %zu bytes)", key, len - 1);
		return -1;
	}
	snprintf(out, len, "%s", json_string_value(v));
	return 0;
}

int oci_config_parse(const char *json, size_t len, struct oci_config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	json_t *root = load(json, len, "config", err, errlen);
	if (!root)
		return -1;
	int rc = -1;
	const char *os = json_string_value(json_object_get(root, "os"));
	const char *arch = json_string_value(json_object_get(root, "architecture"));
	snprintf(c->os, sizeof c->os, "%s", os ? os : "");
	snprintf(c->arch, sizeof c->arch, "%s", arch ? arch : "");
	json_t *cfg = json_object_get(root, "config");
	if (cfg && !json_is_null(cfg)) {
		if (!json_is_object(cfg)) {
			snprintf(err, errlen, "config: \"config\" is not an object");
			goto out;
		}
		if (strings(json_object_get(cfg, "Entrypoint"), "config.Entrypoint", &c->entrypoint, err, errlen) < 0 ||
		    strings(json_object_get(cfg, "Cmd"), "config.Cmd", &c->cmd, err, errlen) < 0 ||
		    strings(json_object_get(cfg, "Env"), "config.Env", &c->env, err, errlen) < 0 ||
		    string(cfg, "WorkingDir", c->workdir, sizeof c->workdir, err, errlen) < 0 ||
		    string(cfg, "User", c->user, sizeof c->user, err, errlen) < 0 ||
		    string(cfg, "StopSignal", c->stop_signal, sizeof c->stop_signal, err, errlen) < 0)
			goto out;
		json_t *ports = json_object_get(cfg, "ExposedPorts");
		const char *k;
		json_t *unused;
		if (json_is_object(ports))
			json_object_foreach(ports, k, unused)
				if (strv_add(&c->exposed, k) < 0)
					goto out;
	}
	json_t *rootfs = json_object_get(root, "rootfs");
	if (!json_is_object(rootfs) || strings(json_object_get(rootfs, "diff_ids"), "rootfs.diff_ids",
					       &c->diff_ids, err, errlen) < 0) {
		if (!json_is_object(rootfs))
			snprintf(err, errlen, "config: \"rootfs\" is missing");
		goto out;
	}
	for (size_t i = 0; i < c->diff_ids.n; i++)
		if (!is_sha256_digest(c->diff_ids.v[i])) {
			snprintf(err, errlen, "config: rootfs.diff_ids[%zu] is not a sha256 digest", i);
			goto out;
		}
	rc = 0;
out:
	if (rc < 0)
		oci_config_free(c);
	json_decref(root);
	return rc;
}

void oci_config_free(struct oci_config *c)
{
	strv_clear(&c->entrypoint);
	strv_clear(&c->cmd);
	strv_clear(&c->env);
	strv_clear(&c->diff_ids);
	strv_clear(&c->exposed);
}
