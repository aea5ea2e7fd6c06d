/* Unit directories: overrides by directory order, masking with a link to
 * /dev/null, template instances named by dependencies, a broken link (no unit)
 * and a file that cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/lib/depgraph.h"
#include "../../src/lib/unitdirs.h"
#include "check.h"

static char root[] = "/tmp/test-unitdirs.XXXXXX";

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", root, dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%s/%s", root, dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

int main(void)
{
	CHECK(mkdtemp(root) != NULL);
	put("lib", "a.service", "[Unit]\nDescription=from the image\n[Service]\nExecStart=/a\n");
	put("lib", "getty@.service", "[Unit]\nDescription=getty on %i\n[Service]\nExecStart=/sbin/getty %i\n");
	put("lib", "multi-user.target", "[Unit]\nWants=getty@ttyS0.service a.service app@1.service\n");
	put("lib", "app@.service", "[Unit]\nRequires=db@%i.service\n[Service]\nExecStart=/app\n");
	put("lib", "db@.service", "[Service]\nExecStart=/db %i\n");
	put("lib", "not-a-unit.txt", "x");
	put("etc", "a.service", "[Unit]\nDescription=from the admin\n[Service]\nExecStart=/a2\n");
	put("run", "b.service", "[Service]\nExecStart=/b\n[Install]\nWantedBy=getty@ttyS1.service\n");
	put("lib", "masked.service", "[Service]\nExecStart=/m\n");
	char big[256];
	snprintf(big, sizeof big, "ln -s /dev/null %s/etc/masked.service && ln -s /nowhere %s/etc/dangling.service", root, root);
	CHECK(system(big) == 0);
	snprintf(big, sizeof big, "truncate -s 2M %s/run/huge.service", root);
	CHECK(system(big) == 0);

	char lib[128], etc[128], run[128];
	snprintf(lib, sizeof lib, "%s/lib", root);
	snprintf(etc, sizeof etc, "%s/etc", root);
	snprintf(run, sizeof run, "%s/run", root);
	const char *dirs[] = { lib, etc, run, "/nonexistent/berth" };
	struct unit_set set;
	CHECK(unitdirs_load(&set, dirs, 4, "h", "m") == 0);

	/* db@1 is named only by the instance app@1. */
	const char *want[] = { "a.service", "app@1.service", "b.service", "db@1.service", "getty@ttyS0.service",
			       "getty@ttyS1.service", "huge.service", "multi-user.target" };
	CHECK(set.n == 8);
	for (size_t i = 0; i < set.n && i < 8; i++)
		CHECK_STR(set.units[i].name, want[i]);
	CHECK_STR(set.units[0].description, "from the admin");
	CHECK_STR(set.units[0].exec_start.v[0], "/a2");
	CHECK_STR(set.units[3].exec_start.v[0], "/db 1");
	CHECK_STR(set.units[4].description, "getty on ttyS0");
	CHECK_STR(set.units[5].exec_start.v[0], "/sbin/getty ttyS1");
	CHECK(set.units[6].nerrors == 1 && strstr(set.units[6].diags[0].msg, "cannot read"));
	CHECK(unitdirs_get(&set, dirs, 4, "getty@ttyS9.service", "h", "m") != NULL && set.n == 9);
	CHECK(unitdirs_get(&set, dirs, 4, "nothing.service", "h", "m") == NULL);
	CHECK(unitdirs_get(&set, dirs, 4, "masked.service", "h", "m") == NULL);
	CHECK(unitdirs_get(&set, dirs, 4, "dangling.service", "h", "m") == NULL);
	CHECK(unitdirs_get(&set, dirs, 4, "../etc/a.service", "h", "m") == NULL);
	CHECK(unitdirs_get(&set, dirs, 4, "getty@.service", "h", "m") == NULL); /* a template alone */
	unit_set_free(&set);

	/* Enablement links: TARGET.wants/ and TARGET.requires/, the highest
	 * directory's entry deciding, /dev/null cancelling. */
	put("lib", "x.service", "[Service]\nExecStart=/x\n[Install]\nWantedBy=multi-user.target\n");
	put("lib", "y.service", "[Service]\nExecStart=/y\n[Install]\nWantedBy=multi-user.target\n");
	char links[1024];
	snprintf(links, sizeof links,
		 "mkdir -p %s/lib/multi-user.target.wants %s/etc/multi-user.target.wants %s/run/multi-user.target.requires"
		 " && ln -s ../x.service %s/lib/multi-user.target.wants/x.service"
		 " && ln -s ../y.service %s/lib/multi-user.target.wants/y.service"
		 " && ln -s /dev/null %s/etc/multi-user.target.wants/y.service"
		 " && ln -s ../getty@.service %s/run/multi-user.target.requires/getty@ttyS2.service"
		 " && ln -s ../x.service %s/lib/multi-user.target.wants/not-a-unit",
		 root, root, root, root, root, root, root, root);
	CHECK(system(links) == 0);
	CHECK(unitdirs_load(&set, dirs, 4, "h", "m") == 0);
	long mu = dep_find(set.units, set.n, "multi-user.target");
	CHECK(mu >= 0);
	if (mu >= 0) {
		const struct unit *t = &set.units[mu];
		CHECK(strv_contains(&t->wants, "x.service"));
		CHECK(!strv_contains(&t->wants, "y.service"));
		CHECK(!strv_contains(&t->wants, "not-a-unit"));
		CHECK(strv_contains(&t->requires, "getty@ttyS2.service"));
		CHECK(t->wants.n == 4); /* its own three, and x */
	}
	CHECK(dep_find(set.units, set.n, "getty@ttyS2.service") >= 0); /* loaded from its template */
	unit_set_free(&set);

	snprintf(big, sizeof big, "rm -rf %s", root);
	CHECK(system(big) == 0);
	return check_done("unitdirs");
}
