/* OCI image documents (image-spec v1) and their Docker v2 schema 2 twins:
 * the index (manifest list) that names one manifest per platform, the manifest
 * that names the config and the layers, and the image config whose defaults
 * (Entrypoint, Cmd, Env, WorkingDir, User) a container starts with. */
#ifndef BERTH_OCIIMAGE_H
#define BERTH_OCIIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "strv.h"

#define OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
/* What a registry is asked for, most wanted first. */
#define OCI_ACCEPT OCI_INDEX ", " DOCKER_LIST ", " OCI_MANIFEST ", " DOCKER_MANIFEST

enum oci_kind { OCI_KIND_UNKNOWN, OCI_KIND_INDEX, OCI_KIND_MANIFEST };

struct oci_desc {
	char digest[72];
	int64_t size;
	int gzip;         /* layers: compressed with gzip */
};

struct oci_manifest {
	struct oci_desc config;
	struct oci_desc *layers;
	size_t nlayers;
};

struct oci_config {
	struct strv entrypoint, cmd, env, diff_ids, exposed; /* exposed: "80/tcp" */
	char workdir[512];
	char user[128];
	char stop_signal[32];
	char os[32], arch[32];
};

/* Index or manifest? From mediaType, else from the members present. */
enum oci_kind oci_kind(const char *json, size_t len);
/* From an index, the digest of the manifest for OS/ARCH (e.g. linux/amd64). */
int oci_index_pick(const char *json, size_t len, const char *os, const char *arch,
		   struct oci_desc *out, char *err, size_t errlen);
int oci_manifest_parse(const char *json, size_t len, struct oci_manifest *m, char *err, size_t errlen);
void oci_manifest_free(struct oci_manifest *m);
int oci_config_parse(const char *json, size_t len, struct oci_config *c, char *err, size_t errlen);
void oci_config_free(struct oci_config *c);

#endif
