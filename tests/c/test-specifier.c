/* Unit specifiers. */
#include <stdlib.h>

#include "../../src/lib/specifier.h"
#include "check.h"

static char err[96];

static void expect(const char *unit, const char *in, const char *want)
{
	struct specifier_ctx ctx = { unit, "node1", "0123abcd" };
	char *got = specifier_expand(in, &ctx, err, sizeof err);
	CHECK_STR(got, want);
	free(got);
}

int main(void)
{
	expect("getty@ttyS0.service", "%n|%N|%p|%i|%H|%m|100%%", "getty@ttyS0.service|getty@ttyS0|getty|ttyS0|node1|0123abcd|100%");
	expect("etcd.service", "%n %N %p [%i]", "etcd.service etcd etcd []");
	expect("a@.service", "%p/%i/", "a//");
	expect("noext", "%N %p", "noext noext");
	expect("x.service", "", "");
	expect("x.service", "plain", "plain");

	struct specifier_ctx ctx = { "x.service", NULL, NULL };
	CHECK(specifier_expand("%q", &ctx, err, sizeof err) == NULL && strstr(err, "%q"));
	CHECK(specifier_expand("end%", &ctx, err, sizeof err) == NULL && strstr(err, "end"));
	char *h = specifier_expand("[%H][%m]", &ctx, err, sizeof err);
	CHECK_STR(h, "[][]");
	free(h);
	return check_done("specifier");
}
