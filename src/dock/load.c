/* dock load [-i] FILE: an image archive, as `docker save` writes it
 * (manifest.json naming each image's config and layer tars) or as an OCI image
 * layout in a tar (oci-layout, index.json, blobs/sha256/). The archive may be
 * gzip-compressed. It is unpacked into the store's tmp/ with the same care as
 * a layer, then every blob is copied into the store and checked against its
 * digest before the image is recorded. */
#include "dock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/imageref.h"
#include "../lib/layer.h"
#include "../lib/ociimage.h"

/* Opens REL inside DIR, refusing anything that resolves outside it. */
static int open_inside(const char *dir, const char *rel, char *err)
{
	char p[PATH_MAX + 64], real[PATH_MAX];
	if (rel[0] == '/' || strstr(rel, "..")) {
		snprintf(err, ERRLEN, "the archive names \"%s\", outside itself", rel);
		return -1;
	}
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	if (!realpath(p, real) || strncmp(real, dir, strlen(dir)) || real[strlen(dir)] != '/') {
		snprintf(err, ERRLEN, "the archive's \"%s\": %s", rel, errno ? strerror(errno) : "outside the archive");
		return -1;
	}
	int fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, ERRLEN, "the archive's \"%s\": %s", rel, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Copies the OCI layout's blob DIGEST into the store, checked. */
static int copy_blob(const char *dir, const char *digest, int64_t size, char *err)
{
	if (blob_exists(digest))
		return 0;
	char rel[100], got[72];
	snprintf(rel, sizeof rel, "blobs/sha256/%s", digest + 7);
	int fd = open_inside(dir, rel, err);
	if (fd < 0)
		return -1;
	int rc = blob_put(fd, digest, size, got, err);
	close(fd);
	return rc;
}

static int read_small(const char *dir, const char *rel, char **buf, size_t *len, char *err)
{
	int fd = open_inside(dir, rel, err);
	if (fd < 0)
		return -1;
	size_t cap = 1 << 16;
	*buf = malloc(cap + 1);
	*len = 0;
	ssize_t n;
	while (*buf && (n = read(fd, *buf + *len, cap - *len)) > 0) {
		*len += (size_t)n;
		if (*len == cap) {
			if (cap >= (8u << 20))
				break;
			cap *= 2;
			*buf = realloc(*buf, cap + 1);
		}
	}
	close(fd);
	if (!*buf)
		return -1;
	(*buf)[*len] = '\0';
	return 0;
}

static int oci_manifest(const char *dir, const struct oci_desc *d, const char *name, char *err)
{
	char *text = NULL, why[400], id[72];
	size_t len;
	struct oci_manifest m;
	int rc = -1;
	if (copy_blob(dir, d->digest, d->size, err) < 0 || blob_read(d->digest, &text, &len, 4 << 20, err) < 0)
		return -1;
	if (oci_kind(text, len) == OCI_KIND_INDEX) {
		struct oci_desc inner;
		if (oci_index_pick(text, len, "linux", "amd64", &inner, why, sizeof why) < 0) {
			snprintf(err, ERRLEN, "%s", why);
			goto out;
		}
		rc = oci_manifest(dir, &inner, name, err);
		goto out;
	}
	if (oci_manifest_parse(text, len, &m, why, sizeof why) < 0) {
		snprintf(err, ERRLEN, "manifest %.19s: %s", d->digest, why);
		goto out;
	}
	rc = copy_blob(dir, m.config.digest, m.config.size, err);
	for (size_t i = 0; rc == 0 && i < m.nlayers; i++)
		rc = copy_blob(dir, m.layers[i].digest, m.layers[i].size, err);
	oci_manifest_free(&m);
	if (rc < 0)
		goto out;
	struct strv tags = { 0 };
	if (name)
		strv_add(&tags, name);
	rc = image_import(d->digest, &tags, id, err);
	if (rc == 0)
		printf("Loaded image: %s\n", name ? name : id);
	strv_clear(&tags);
out:
	free(text);
	return rc;
}

static int load_oci(const char *dir, const char *index, size_t len, char *err)
{
	json_error_t je;
	json_t *root = json_loadb(index, len, 0, &je), *m;
	if (!json_is_object(root) || !json_is_array(json_object_get(root, "manifests"))) {
		snprintf(err, ERRLEN, "index.json: %s", root ? "no \"manifests\" array" : je.text);
		json_decref(root);
		return -1;
	}
	size_t i;
	int rc = 0;
	json_array_foreach(json_object_get(root, "manifests"), i, m) {
		struct oci_desc d = { 0 };
		const char *dg = json_string_value(json_object_get(m, "digest"));
		if (!dg || !is_sha256_digest(dg)) {
			snprintf(err, ERRLEN, "index.json: manifests[%zu]: no sha256 digest", i);
			rc = -1;
			break;
		}
		strcpy(d.digest, dg);
		d.size = json_integer_value(json_object_get(m, "size"));
		/* A layout may list each platform's manifest itself: ours only. */
		json_t *pf = json_object_get(m, "platform");
		const char *arch = json_string_value(json_object_get(pf, "architecture"));
		const char *os = json_string_value(json_object_get(pf, "os"));
		if ((arch && strcmp(arch, "amd64")) || (os && strcmp(os, "linux")))
			continue;
		json_t *ann = json_object_get(m, "annotations");
		const char *name = json_string_value(json_object_get(ann, "io.containerd.image.name"));
		if (!name)
			name = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
		if ((rc = oci_manifest(dir, &d, name, err)) < 0)
			break;
	}
	json_decref(root);
	return rc;
}

/* docker save: a manifest of our own for each image (tar or tar+gzip layers,
 * as the files are), stored as a blob like a pulled one. */
static int load_docker(const char *dir, const char *text, size_t len, char *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je), *img;
	if (!json_is_array(root)) {
		snprintf(err, ERRLEN, "manifest.json: %s", root ? "not an array" : je.text);
		json_decref(root);
		return -1;
	}
	size_t i;
	int rc = 0;
	json_array_foreach(root, i, img) {
		const char *cfg = json_string_value(json_object_get(img, "Config"));
		json_t *layers = json_object_get(img, "Layers"), *l;
		if (!cfg || !json_is_array(layers)) {
			snprintf(err, ERRLEN, "manifest.json: [%zu]: no \"Config\" or \"Layers\"", i);
			rc = -1;
			break;
		}
		char dg[72], id[72];
		int fd = open_inside(dir, cfg, err);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0 || blob_put(fd, NULL, -1, dg, err) < 0) {
			if (fd >= 0)
				close(fd);
			rc = -1;
			break;
		}
		close(fd);
		json_t *man = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:[]}", "schemaVersion", 2, "mediaType",
					DOCKER_MANIFEST, "config", "mediaType",
					"application/vnd.docker.container.image.v1+json", "digest", dg, "size",
					(json_int_t)st.st_size, "layers");
		size_t k;
		json_array_foreach(layers, k, l) {
			const char *rel = json_string_value(l);
			unsigned char magic[2] = { 0 };
			fd = rel ? open_inside(dir, rel, err) : -1;
			if (fd < 0 || fstat(fd, &st) < 0 || pread(fd, magic, 2, 0) < 0 ||
			    blob_put(fd, NULL, -1, dg, err) < 0) {
				if (!rel)
					snprintf(err, ERRLEN, "manifest.json: [%zu]: Layers[%zu] is not a path", i, k);
				if (fd >= 0)
					close(fd);
				rc = -1;
				break;
			}
			close(fd);
			bool gz = magic[0] == 0x1f && magic[1] == 0x8b;
			json_array_append_new(json_object_get(man, "layers"), json_pack("{s:s, s:s, s:I}",
				"mediaType", gz ? "application/vnd.docker.image.rootfs.diff.tar.gzip" :
						  "application/vnd.docker.image.rootfs.diff.tar",
				"digest", dg, "size", (json_int_t)st.st_size));
		}
		char *mtext = rc == 0 ? json_dumps(man, JSON_COMPACT) : NULL;
		json_decref(man);
		if (!mtext || blob_put_mem(mtext, strlen(mtext), dg, err) < 0) {
			free(mtext);
			rc = -1;
			break;
		}
		free(mtext);
		struct strv tags = { 0 };
		json_array_foreach(json_object_get(img, "RepoTags"), k, l)
			if (json_string_value(l))
				strv_add(&tags, json_string_value(l));
		rc = image_import(dg, &tags, id, err);
		for (size_t t = 0; rc == 0 && t < tags.n; t++)
			printf("Loaded image: %s\n", tags.v[t]);
		if (rc == 0 && !tags.n)
			printf("Loaded image ID: %s\n", id);
		strv_clear(&tags);
		if (rc < 0)
			break;
	}
	json_decref(root);
	return rc;
}

int cmd_load(int argc, char **argv)
{
	const char *file = NULL;
	for (int a = 1; a < argc; a++) {
		if ((!strcmp(argv[a], "-i") || !strcmp(argv[a], "--input")) && a + 1 < argc)
			file = argv[++a];
		else if (argv[a][0] != '-' && !file)
			file = argv[a];
		else {
			fputs("usage: dock load [-i] FILE   (or from standard input)\n", stderr);
			return 2;
		}
	}
	char err[ERRLEN], dir[700];
	if (store_open(err) < 0) {
		warnx("%s", err);
		return 1;
	}
	int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		warnx("%s: %s", file, strerror(errno));
		return 1;
	}
	/* Compressed or not: gzip's magic number, read through a pipe too. */
	unsigned char magic[2] = { 0 };
	int gz = 0;
	if (pread(fd, magic, 2, 0) == 2)
		gz = magic[0] == 0x1f && magic[1] == 0x8b;
	else if (errno == ESPIPE) {
		warnx("load from a pipe: give the archive as a file");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/tmp/load.%ld", conf.root, (long)getpid());
	mkdir(dir, 0700);
	char rdir[PATH_MAX];
	struct layer_stats st;
	int rc = 1;
	char *text = NULL;
	size_t len;
	if (!realpath(dir, rdir) || layer_unpack(fd, gz, rdir, NULL, &st, err, sizeof err) < 0) {
		warnx("%s: %s", file ? file : "stdin", err);
		goto out;
	}
	if (read_small(rdir, "index.json", &text, &len, err) == 0)
		rc = load_oci(rdir, text, len, err) < 0;
	else if (read_small(rdir, "manifest.json", &text, &len, err) == 0)
		rc = load_docker(rdir, text, len, err) < 0;
	else
		snprintf(err, ERRLEN, "neither an OCI image layout (index.json) nor a docker save archive (manifest.json)");
	if (rc)
		warnx("%s: %s", file ? file : "stdin", err);
out:
	free(text);
	if (fd > 0)
		close(fd);
	remove_tree(dir);
	return rc;
}
