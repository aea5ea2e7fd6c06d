/* Image references as docker pull reads them: the registry host only when the
 * first component looks like one, library/ on the default registry, latest
 * when there is no tag, and a clear error for each malformed part. */
#include "../../src/lib/imageref.h"
#include "check.h"

static struct imageref r;
static char err[256];

static int parse(const char *ref, const char *dflt)
{
	err[0] = '\0';
	return imageref_parse(ref, dflt, &r, err, sizeof err);
}

int main(void)
{
	char out[600];
	CHECK(parse("alpine", "hub.example") == 0);
	CHECK_STR(r.host, "hub.example");
	CHECK_STR(r.path, "library/alpine");
	CHECK_STR(r.tag, "latest");
	imageref_format(&r, "hub.example", out, sizeof out);
	CHECK_STR(out, "alpine:latest");

	CHECK(parse("user/app:1.2", "hub.example") == 0);
	CHECK_STR(r.path, "user/app");
	CHECK_STR(r.tag, "1.2");

	CHECK(parse("localhost:5000/a/b:v1", "hub.example") == 0);
	CHECK_STR(r.host, "localhost:5000");
	CHECK_STR(r.path, "a/b");
	CHECK_STR(r.tag, "v1");
	imageref_format(&r, "hub.example", out, sizeof out);
	CHECK_STR(out, "localhost:5000/a/b:v1");

	CHECK(parse("127.0.0.1:5000/hello", "") == 0);
	CHECK_STR(r.host, "127.0.0.1:5000");
	CHECK_STR(r.path, "hello");

	CHECK(parse("localhost/x", NULL) == 0);
	CHECK_STR(r.host, "localhost");

	/* No registry configured: the name is local (a loaded image). */
	CHECK(parse("hello:1", "") == 0);
	CHECK_STR(r.host, "");
	CHECK_STR(r.path, "hello");
	imageref_format(&r, "", out, sizeof out);
	CHECK_STR(out, "hello:1");

	const char *dg = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char ref[200];
	snprintf(ref, sizeof ref, "reg.example:443/ns/img@%s", dg);
	CHECK(parse(ref, "") == 0);
	CHECK_STR(r.digest, dg);
	CHECK_STR(r.tag, "");
	imageref_format(&r, "", out, sizeof out);
	snprintf(ref, sizeof ref, "reg.example:443/ns/img@%s", dg);
	CHECK_STR(out, ref);

	CHECK(parse("x/a_b__c.d-e--f", "") == 0);

	CHECK(parse("", "") < 0);
	CHECK(strstr(err, "empty") != NULL);
	CHECK(parse("Alpine", "") < 0);
	CHECK(strstr(err, "invalid name component \"Alpine\"") != NULL);
	CHECK(parse("alpine:", "") < 0);
	CHECK(strstr(err, "invalid tag") != NULL);
	CHECK(parse("alpine:-x", "") < 0);
	CHECK(parse("a//b", "") < 0);
	CHECK(parse("a___b", "") < 0);
	CHECK(parse("a/b/", "") < 0);
	CHECK(parse("alpine@sha256:abc", "") < 0);
	CHECK(strstr(err, "digest") != NULL);
	CHECK(parse("a..b", "") < 0);
	CHECK(parse("-a", "") < 0);
	CHECK(!is_sha256_digest("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
	CHECK(is_sha256_digest(dg));
	return check_done("test-imageref");
}
