/* The image store under conf.root (docs/dock.md):
 *   blobs/sha256/HEX     manifests, configs and compressed layers, by digest
 *   layers/HEX           each layer unpacked once (HEX of its diff_id), shared
 *                        by every image and container that uses it
 *   images/HEX.json      an image (HEX of its config digest): manifest, config,
 *                        layers
 *   tags.json            reference -> image id
 *   tmp/                 work in progress; emptied when the store is opened
 * Every file appears under its final name only once complete and synced
 * (blobs and layers are made under tmp/, records and tags.json beside their
 * final name, then renamed), so an interrupted pull, load or unpack leaves
 * nothing that a later command would use half-made. One flock on
 * "lock" serialises the commands that change the store. */
#include "dock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/imageref.h"
#include "../lib/layer.h"
#include "../lib/mkdirp.h"
#include "../lib/ociimage.h"

static int lock_fd = -1;

int store_open(char *err)
{
	static const char *dirs[] = { "blobs/sha256", "layers", "images", "containers", "tmp" };
	char p[600];
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", conf.root, dirs[i]);
		if (mkdir_p(p, 0700) < 0) {
			snprintf(err, ERRLEN, "cannot make %s: %s", p, strerror(errno));
			return -1;
		}
	}
	if (lock_fd >= 0)
		return 0;
	snprintf(p, sizeof p, "%s/lock", conf.root);
	lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0) {
		snprintf(err, ERRLEN, "cannot lock %s: %s", p, strerror(errno));
		return -1;
	}
	/* What an interrupted command left half-made. */
	snprintf(p, sizeof p, "%s/tmp", conf.root);
	DIR *d = opendir(p);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
			continue;
		char q[900];
		snprintf(q, sizeof q, "%s/%s", p, de->d_name);
		remove_tree(q);
		unlink(q);
	}
	if (d)
		closedir(d);
	return 0;
}

void store_unlock(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}

void blob_path(const char *digest, char *out, size_t len)
{
	snprintf(out, len, "%s/blobs/sha256/%s", conf.root, digest + 7);
}

bool blob_exists(const char *digest)
{
	char p[600];
	blob_path(digest, p, sizeof p);
	return access(p, F_OK) == 0;
}

static void tmp_name(char *out, size_t len, const char *what)
{
	static unsigned seq;
	snprintf(out, len, "%s/tmp/%s.%ld.%u", conf.root, what, (long)getpid(), seq++);
}

int write_file_atomic(const char *path, const char *data, size_t len, char *err)
{
	return file_write_atomic(path, data, len, 0600, (uid_t)-1, (gid_t)-1, err, ERRLEN);
}

static void hex_digest(crypto_hash_sha256_state *st, char out[72])
{
	unsigned char sum[32];
	crypto_hash_sha256_final(st, sum);
	strcpy(out, "sha256:");
	sodium_bin2hex(out + 7, 65, sum, sizeof sum);
}

int blob_put(int in, const char *digest, int64_t size, char out[72], char *err)
{
	char tmp[700], final[600];
	tmp_name(tmp, sizeof tmp, "blob");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, ERRLEN, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	static char buf[1 << 16];
	int64_t total = 0;
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		crypto_hash_sha256_update(&st, (unsigned char *)buf, (size_t)n);
		total += n;
		if (size >= 0 && total > size)
			break;
		if (write(fd, buf, (size_t)n) != n) {
			snprintf(err, ERRLEN, "cannot write %s: %s", tmp, strerror(errno));
			goto fail;
		}
	}
	if (n < 0) {
		snprintf(err, ERRLEN, "read: %s", strerror(errno));
		goto fail;
	}
	hex_digest(&st, out);
	if (size >= 0 && total != size) {
		snprintf(err, ERRLEN, "%s: %s%lld bytes, not %lld", digest && *digest ? digest : "blob",
			 total > size ? "more than " : "", (long long)total, (long long)size);
		goto fail;
	}
	if (digest && *digest && strcmp(digest, out)) {
		snprintf(err, ERRLEN, "the content's digest is %s, not %s", out, digest);
		goto fail;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		snprintf(err, ERRLEN, "cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	blob_path(out, final, sizeof final);
	if (rename(tmp, final) < 0) {
		snprintf(err, ERRLEN, "cannot rename %s: %s", tmp, strerror(errno));
		goto fail;
	}
	parent_sync(final);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int blob_put_mem(const void *buf, size_t len, char out[72], char *err)
{
	unsigned char sum[32];
	crypto_hash_sha256(sum, buf, len);
	strcpy(out, "sha256:");
	sodium_bin2hex(out + 7, 65, sum, sizeof sum);
	if (blob_exists(out))
		return 0;
	char final[600];
	blob_path(out, final, sizeof final);
	return write_file_atomic(final, buf, len, err);
}

int blob_read(const char *digest, char **buf, size_t *len, size_t max, char *err)
{
	char p[600];
	blob_path(digest, p, sizeof p);
	FILE *f = fopen(p, "re");
	if (!f) {
		snprintf(err, ERRLEN, "blob %s: %s", digest, strerror(errno));
		return -1;
	}
	*buf = malloc(max + 1);
	*len = *buf ? fread(*buf, 1, max + 1, f) : 0;
	fclose(f);
	if (!*buf || *len > max) {
		snprintf(err, ERRLEN, "blob %s: larger than %zu bytes", digest, max);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	(*buf)[*len] = '\0';
	return 0;
}

void layer_dir(const char *diff_id, char *out, size_t len)
{
	snprintf(out, len, "%s/layers/%s", conf.root, diff_id + 7);
}

/* The layer of DIFF_ID, unpacked from BLOB unless it already is. */
static int layer_ensure(const struct oci_desc *blob, const char *diff_id, char *err)
{
	char final[600], tmp[700], p[600];
	layer_dir(diff_id, final, sizeof final);
	if (access(final, F_OK) == 0)
		return 0;
	blob_path(blob->digest, p, sizeof p);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, ERRLEN, "layer %s: %s", blob->digest, strerror(errno));
		return -1;
	}
	tmp_name(tmp, sizeof tmp, "layer");
	struct layer_stats st;
	char why[1024];
	int rc = mkdir(tmp, 0755);
	if (rc == 0)
		rc = layer_unpack(fd, blob->gzip, tmp, diff_id, &st, why, sizeof why);
	else
		snprintf(why, sizeof why, "mkdir %s: %s", tmp, strerror(errno));
	close(fd);
	if (rc == 0 && rename(tmp, final) < 0) {
		snprintf(why, sizeof why, "rename: %s", strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		parent_sync(final);
	if (rc < 0) {
		snprintf(err, ERRLEN, "layer %.19s: %s", blob->digest, why);
		remove_tree(tmp);
	}
	return rc;
}

static json_t *load_json(const char *path, char *err)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j && err)
		snprintf(err, ERRLEN, "%s: %s (line %d)", path, je.text, je.line);
	return j;
}

static json_t *tags_load(void)
{
	char p[600];
	snprintf(p, sizeof p, "%s/tags.json", conf.root);
	json_t *t = access(p, F_OK) == 0 ? load_json(p, NULL) : NULL;
	return json_is_object(t) ? t : (json_decref(t), json_object());
}

static int json_save(json_t *j, const char *path, char *err)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc = s ? write_file_atomic(path, s, strlen(s), err) : -1;
	free(s);
	return rc;
}

static int tags_save(json_t *t, char *err)
{
	char p[600];
	snprintf(p, sizeof p, "%s/tags.json", conf.root);
	return json_save(t, p, err);
}

int normalize_ref(const char *ref, char *out, size_t len, char *err)
{
	struct imageref r;
	if (imageref_parse(ref, conf.default_registry, &r, err, ERRLEN) < 0)
		return -1;
	imageref_format(&r, conf.default_registry, out, len);
	return 0;
}

int image_import(const char *manifest_digest, const struct strv *tags, char id[72], char *err)
{
	char *mtext = NULL, *ctext = NULL, why[400];
	size_t mlen, clen;
	struct oci_manifest m = { 0 };
	struct oci_config c = { 0 };
	int rc = -1;
	json_t *rec = NULL, *t = NULL;
	if (blob_read(manifest_digest, &mtext, &mlen, 4 << 20, err) < 0)
		return -1;
	if (oci_manifest_parse(mtext, mlen, &m, why, sizeof why) < 0) {
		snprintf(err, ERRLEN, "%s", why);
		goto out;
	}
	if (blob_read(m.config.digest, &ctext, &clen, 8 << 20, err) < 0)
		goto out;
	if (oci_config_parse(ctext, clen, &c, why, sizeof why) < 0) {
		snprintf(err, ERRLEN, "%s", why);
		goto out;
	}
	if (c.diff_ids.n != m.nlayers) {
		snprintf(err, ERRLEN, "the manifest has %zu layers, its config %zu diff_ids", m.nlayers, c.diff_ids.n);
		goto out;
	}
	if (*c.arch && strcmp(c.arch, "amd64")) {
		snprintf(err, ERRLEN, "the image is for %s/%s, not linux/amd64", c.os, c.arch);
		goto out;
	}
	json_t *layers = json_array();
	int64_t size = 0;
	for (size_t i = 0; i < m.nlayers; i++) {
		if (layer_ensure(&m.layers[i], c.diff_ids.v[i], err) < 0) {
			json_decref(layers);
			goto out;
		}
		size += m.layers[i].size;
		json_array_append_new(layers, json_pack("{s:s, s:s, s:b, s:I}", "digest", m.layers[i].digest,
							"diff_id", c.diff_ids.v[i], "gzip", m.layers[i].gzip,
							"size", (json_int_t)m.layers[i].size));
	}
	strcpy(id, m.config.digest);
	rec = json_pack("{s:s, s:s, s:s, s:o, s:I, s:I}", "id", id, "manifest", manifest_digest,
			"config", m.config.digest, "layers", layers, "size", (json_int_t)size,
			"loaded", (json_int_t)(now_ns() / 1000000000));
	char p[600];
	snprintf(p, sizeof p, "%s/images/%s.json", conf.root, id + 7);
	if (json_save(rec, p, err) < 0)
		goto out;
	t = tags_load();
	for (size_t i = 0; i < tags->n; i++) {
		char ref[600];
		if (normalize_ref(tags->v[i], ref, sizeof ref, err) < 0)
			goto out;
		json_object_set_new(t, ref, json_string(id));
	}
	if (tags->n && tags_save(t, err) < 0)
		goto out;
	rc = 0;
out:
	json_decref(rec);
	json_decref(t);
	oci_manifest_free(&m);
	oci_config_free(&c);
	free(mtext);
	free(ctext);
	return rc;
}

json_t *image_record(const char *id, char *err)
{
	char p[600];
	snprintf(p, sizeof p, "%s/images/%s.json", conf.root, id + 7);
	return load_json(p, err);
}

int image_find(const char *what, char id[72], char *err)
{
	json_t *t = tags_load();
	char ref[600], e2[ERRLEN];
	if (normalize_ref(what, ref, sizeof ref, e2) == 0) {
		const char *v = json_string_value(json_object_get(t, ref));
		if (v) {
			snprintf(id, 72, "%s", v);
			json_decref(t);
			return 0;
		}
	}
	json_decref(t);
	/* An id, or the start of one (at least 4 hex digits), as docker takes them. */
	const char *hex = strncmp(what, "sha256:", 7) ? what : what + 7;
	size_t n = strlen(hex);
	if (n >= 4 && n <= 64 && strspn(hex, "0123456789abcdef") == n) {
		char p[600];
		snprintf(p, sizeof p, "%s/images", conf.root);
		DIR *d = opendir(p);
		struct dirent *de;
		int found = 0;
		while (d && (de = readdir(d)))
			if (!strncmp(de->d_name, hex, n) && strlen(de->d_name) == 69) {
				found++;
				snprintf(id, 72, "sha256:%.64s", de->d_name);
			}
		if (d)
			closedir(d);
		if (found == 1)
			return 0;
		if (found > 1) {
			snprintf(err, ERRLEN, "%s: more than one image id starts so", what);
			return -1;
		}
	}
	snprintf(err, ERRLEN, "no such image: %s", what);
	return -1;
}

int image_tags(const char *id, struct strv *out)
{
	json_t *t = tags_load();
	const char *k;
	json_t *v;
	json_object_foreach(t, k, v)
		if (!strcmp(json_string_value(v) ? json_string_value(v) : "", id))
			strv_add(out, k);
	json_decref(t);
	return (int)out->n;
}

struct in_use {
	const char *id;
	char name[128];
};

static int uses(struct container *c, void *arg)
{
	struct in_use *u = arg;
	const char *img = json_string_value(json_object_get(c->state, "image_id"));
	if (img && !strcmp(img, u->id)) {
		snprintf(u->name, sizeof u->name, "%s", c->name);
		return 1;
	}
	return 0;
}

/* A container that was made from ID, in USER; 0 if none. */
static int image_in_use(const char *id, char user[128])
{
	struct in_use u = { id, "" };
	int rc = container_each(uses, &u);
	snprintf(user, 128, "%s", u.name);
	return rc > 0;
}

/* Removes what no image names: unpacked layers and blobs. */
int gc_layers(void)
{
	struct strv keep = { 0 };
	char p[600];
	snprintf(p, sizeof p, "%s/images", conf.root);
	DIR *d = opendir(p);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 5, ".json"))
			continue;
		char q[900];
		snprintf(q, sizeof q, "%s/%s", p, de->d_name);
		json_t *r = load_json(q, NULL), *l;
		if (!r) { /* what it names is unknown: keep everything */
			closedir(d);
			strv_clear(&keep);
			return -1;
		}
		size_t i;
		strv_add(&keep, json_string_value(json_object_get(r, "manifest")) ?: "");
		strv_add(&keep, json_string_value(json_object_get(r, "config")) ?: "");
		json_array_foreach(json_object_get(r, "layers"), i, l) {
			strv_add(&keep, json_string_value(json_object_get(l, "digest")) ?: "");
			strv_add(&keep, json_string_value(json_object_get(l, "diff_id")) ?: "");
		}
		json_decref(r);
	}
	if (d)
		closedir(d);
	const char *sub[] = { "layers", "blobs/sha256" };
	for (int k = 0; k < 2; k++) {
		snprintf(p, sizeof p, "%s/%s", conf.root, sub[k]);
		d = opendir(p);
		while (d && (de = readdir(d))) {
			char dg[300], q[900];
			snprintf(dg, sizeof dg, "sha256:%s", de->d_name);
			if (de->d_name[0] == '.' || strv_contains(&keep, dg))
				continue;
			snprintf(q, sizeof q, "%s/%s", p, de->d_name);
			if (k == 0)
				remove_tree(q);
			else
				unlink(q);
		}
		if (d)
			closedir(d);
	}
	strv_clear(&keep);
	return 0;
}

int image_remove(const char *what, bool force, char *err)
{
	char id[72], ref[600];
	if (image_find(what, id, err) < 0)
		return -1;
	json_t *t = tags_load();
	int rc = -1;
	/* By tag: untag; the image goes with its last tag. By id: every tag. */
	bool by_tag = normalize_ref(what, ref, sizeof ref, err) == 0 && json_object_get(t, ref);
	struct strv tags = { 0 };
	image_tags(id, &tags);
	if (!by_tag && tags.n > 1 && !force) {
		snprintf(err, ERRLEN, "image %.19s has %zu tags: remove them one by one, or with -f", id, tags.n);
		goto out;
	}
	char user[128];
	if ((!by_tag || tags.n == 1) && image_in_use(id, user) && !force) {
		snprintf(err, ERRLEN, "image %s is used by container %s: remove the container first, or use -f "
			 "(which only untags it)", what, user);
		goto out;
	}
	if (by_tag)
		json_object_del(t, ref);
	else
		for (size_t i = 0; i < tags.n; i++)
			json_object_del(t, tags.v[i]);
	if (tags_save(t, err) < 0)
		goto out;
	if (by_tag)
		printf("Untagged: %s\n", ref);
	else
		for (size_t i = 0; i < tags.n; i++)
			printf("Untagged: %s\n", tags.v[i]);
	struct strv left = { 0 };
	image_tags(id, &left);
	if (left.n == 0 && image_in_use(id, user)) {
		printf("Kept: %s (container %s uses it)\n", id, user);
	} else if (left.n == 0) {
		char p[600];
		snprintf(p, sizeof p, "%s/images/%s.json", conf.root, id + 7);
		unlink(p);
		printf("Deleted: %s\n", id);
		gc_layers();
	}
	strv_clear(&left);
	rc = 0;
out:
	strv_clear(&tags);
	json_decref(t);
	return rc;
}
