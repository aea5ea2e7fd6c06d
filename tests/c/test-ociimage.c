/* Image documents: an index resolves to linux/amd64, manifests of both the OCI
 * and the Docker media types give the config and the layers, and an image
 * config gives the container's defaults; each malformed field is named. */
#include "../../src/lib/ociimage.h"
#include "check.h"

#define D(c) "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

static char err[300];

int main(void)
{
	const char *index = "{\"schemaVersion\":2,\"mediaType\":\"" OCI_INDEX "\",\"manifests\":["
		"{\"mediaType\":\"" OCI_MANIFEST "\",\"digest\":\"" D("a") "\",\"size\":10,"
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
		"{\"mediaType\":\"" OCI_MANIFEST "\",\"digest\":\"" D("b") "\",\"size\":11,"
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
	struct oci_desc d;
	CHECK(oci_kind(index, strlen(index)) == OCI_KIND_INDEX);
	CHECK(oci_index_pick(index, strlen(index), "linux", "amd64", &d, err, sizeof err) == 0);
	CHECK_STR(d.digest, D("b"));
	CHECK(d.size == 11);
	CHECK(oci_index_pick(index, strlen(index), "linux", "s390x", &d, err, sizeof err) < 0);
	CHECK(strstr(err, "no image for linux/s390x in the index (it has: linux/arm64, linux/amd64)") != NULL);

	const char *list = "{\"schemaVersion\":2,\"manifests\":[]}";
	CHECK(oci_kind(list, strlen(list)) == OCI_KIND_INDEX);

	const char *man = "{\"schemaVersion\":2,\"mediaType\":\"" DOCKER_MANIFEST "\","
		"\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" D("c") "\",\"size\":5},"
		"\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"" D("d") "\",\"size\":7},"
		"{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" D("e") "\",\"size\":8}]}";
	struct oci_manifest m;
	CHECK(oci_kind(man, strlen(man)) == OCI_KIND_MANIFEST);
	CHECK(oci_manifest_parse(man, strlen(man), &m, err, sizeof err) == 0);
	CHECK_STR(m.config.digest, D("c"));
	CHECK(m.nlayers == 2);
	CHECK(m.nlayers == 2 && m.layers[0].gzip && !m.layers[1].gzip && m.layers[1].size == 8);
	oci_manifest_free(&m);

	const char *zstd = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D("c") "\",\"size\":5},"
		"\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"" D("d") "\",\"size\":7}]}";
	CHECK(oci_manifest_parse(zstd, strlen(zstd), &m, err, sizeof err) < 0);
	CHECK(strstr(err, "layers[0]: unsupported media type \"application/vnd.oci.image.layer.v1.tar+zstd\"") != NULL);
	const char *baddg = "{\"schemaVersion\":2,\"config\":{\"digest\":\"md5:00\",\"size\":5},\"layers\":[]}";
	CHECK(oci_manifest_parse(baddg, strlen(baddg), &m, err, sizeof err) < 0);
	CHECK(strstr(err, "config: \"digest\" is missing or not a sha256 digest") != NULL);
	const char *v1 = "{\"schemaVersion\":1}";
	CHECK(oci_manifest_parse(v1, strlen(v1), &m, err, sizeof err) < 0);
	CHECK(strstr(err, "schema 1") != NULL);
	CHECK(oci_manifest_parse("{\"a\":", 5, &m, err, sizeof err) < 0);
	CHECK(strstr(err, "invalid JSON at line 1") != NULL);

	const char *cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
		"\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[\"echo hi\"],\"Env\":[\"PATH=/bin\",\"A=b c\"],"
		"\"WorkingDir\":\"/srv\",\"User\":\"1000:1000\",\"ExposedPorts\":{\"80/tcp\":{}},\"StopSignal\":\"SIGQUIT\"},"
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D("f") "\"]}}";
	struct oci_config c;
	CHECK(oci_config_parse(cfg, strlen(cfg), &c, err, sizeof err) == 0);
	CHECK(c.entrypoint.n == 2 && !strcmp(c.entrypoint.v[1], "-c"));
	CHECK(c.cmd.n == 1 && !strcmp(c.cmd.v[0], "echo hi"));
	CHECK(c.env.n == 2 && !strcmp(c.env.v[1], "A=b c"));
	CHECK_STR(c.workdir, "/srv");
	CHECK_STR(c.user, "1000:1000");
	CHECK_STR(c.stop_signal, "SIGQUIT");
	CHECK_STR(c.arch, "amd64");
	CHECK(c.exposed.n == 1 && !strcmp(c.exposed.v[0], "80/tcp"));
	CHECK(c.diff_ids.n == 1);
	oci_config_free(&c);

	const char *nullcfg = "{\"rootfs\":{\"diff_ids\":[]},\"config\":{\"Cmd\":null,\"Env\":null}}";
	CHECK(oci_config_parse(nullcfg, strlen(nullcfg), &c, err, sizeof err) == 0);
	CHECK(c.cmd.n == 0);
	oci_config_free(&c);
	const char *badcmd = "{\"rootfs\":{\"diff_ids\":[]},\"config\":{\"Cmd\":[\"a\",1]}}";
	CHECK(oci_config_parse(badcmd, strlen(badcmd), &c, err, sizeof err) < 0);
	CHECK(strstr(err, "config.Cmd[1] is not a string") != NULL);
	const char *norootfs = "{\"config\":{}}";
	CHECK(oci_config_parse(norootfs, strlen(norootfs), &c, err, sizeof err) < 0);
	CHECK(strstr(err, "\"rootfs\" is missing") != NULL);
	const char *baddiff = "{\"rootfs\":{\"diff_ids\":[\"sha256:xyz\"]}}";
	CHECK(oci_config_parse(baddiff, strlen(baddiff), &c, err, sizeof err) < 0);
	CHECK(strstr(err, "rootfs.diff_ids[0] is not a sha256 digest") != NULL);
	return check_done("test-ociimage");
}
