/* Version order: dotted numbers compare as numbers, a part with letters after
 * the numbers, a longer version after its prefix, and what follows '+' not at
 * all. */
#include "../../src/lib/version.h"
#include "check.h"

int main(void)
{
	CHECK(version_cmp("0.5.10", "0.5.9") > 0);
	CHECK(version_cmp("0.5.9", "0.5.10") < 0);
	CHECK(version_cmp("0.5.131+gabc", "0.5.131+gdef.dirty") == 0);
	CHECK(version_cmp("0.5.132+gabc", "0.5.131+gdef") > 0);
	CHECK(version_cmp("1.0", "0.99.99") > 0);
	CHECK(version_cmp("0.5", "0.5.1") < 0);
	CHECK(version_cmp("0.5.01", "0.5.1") == 0);
	CHECK(version_cmp("0.5.1", "0.5.1") == 0);
	CHECK(version_cmp("0.5.x", "0.5.9") > 0);
	CHECK(version_cmp("0.5.a", "0.5.b") < 0);
	CHECK(version_cmp("0.5.123456789012345678901", "0.5.99999999999999999999") > 0);
	CHECK(version_cmp("", "0") < 0);
	return check_done("test-version");
}
