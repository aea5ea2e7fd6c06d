/* fleet units: names, the [X-Fleet] options as fleet read them, errors with
 * lines, specifiers of instances, the hash; then every file of the corpus in
 * tests/data/fleet-units, each accepted or rejected with the expected message. */
#include "../../src/lib/fleetunit.h"
#include "check.h"

#include <dirent.h>
#include <stdlib.h>

static char err[256];

static int parse(struct fleetunit *u, const char *name, const char *text)
{
	return fleetunit_parse(u, name, text, strlen(text), err, sizeof err);
}

/* The error of parsing TEXT as NAME, or "ok". */
static const char *verdict(const char *name, const char *text)
{
	struct fleetunit u;
	if (parse(&u, name, text) < 0)
		return err;
	fleetunit_free(&u);
	return "ok";
}

static const char *name_err(const char *name)
{
	if (fleetunit_name_check(name, NULL, err, sizeof err) == 0)
		return "ok";
	return err;
}

static void names(void)
{
	enum fleetunit_kind k;
	CHECK(fleetunit_name_check("hello.service", &k, err, sizeof err) == 0 && k == FLEETUNIT_PLAIN);
	CHECK(fleetunit_name_check("apache@.service", &k, err, sizeof err) == 0 && k == FLEETUNIT_TEMPLATE);
	CHECK(fleetunit_name_check("apache@8080.service", &k, err, sizeof err) == 0 && k == FLEETUNIT_INSTANCE);
	CHECK(fleetunit_name_check("etcd@10.0.0.1.service", &k, err, sizeof err) == 0 && k == FLEETUNIT_INSTANCE);
	const char *ok[] = { "a.socket", "a.timer", "a.path", "a.mount", "a.automount", "a.device",
			     "a.swap", "a.target", "x:y-z_w\\x2d.service" };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		CHECK_STR(name_err(ok[i]), "ok");
	CHECK_STR(name_err(""), "unit name is empty");
	CHECK_STR(name_err("hello"), "unit name hello has no type suffix");
	CHECK_STR(name_err("hello.scope"), "unit name hello.scope: unsupported unit type \"scope\"");
	CHECK_STR(name_err("hello.service.bak"), "unit name hello.service.bak: unsupported unit type \"bak\"");
	CHECK_STR(name_err(".service"), "unit name .service: nothing before the type");
	CHECK_STR(name_err("@x.service"), "unit name @x.service: nothing before '@'");
	CHECK_STR(name_err("a b.service"), "unit name a b.service: invalid character ' '");
	CHECK_STR(name_err("a/b.service"), "unit name a/b.service: invalid character '/'");
	char longname[300];
	memset(longname, 'a', 250);
	strcpy(longname + 250, ".service");
	CHECK_STR(name_err(longname), "unit name is longer than 256 characters");
	longname[248] = '\0';
	strcat(longname, ".service");
	CHECK_STR(name_err(longname), "ok");

	char t[64];
	CHECK(fleetunit_template_name("apache@8080.service", t, sizeof t) == 0);
	CHECK_STR(t, "apache@.service");
	CHECK(fleetunit_template_name("apache@.service", t, sizeof t) < 0);
	CHECK(fleetunit_template_name("apache.service", t, sizeof t) < 0);
	CHECK(fleetunit_template_name("apache@8080.service", t, 8) < 0);
}

static const char apache[] = "[Unit]\nDescription=My Apache Frontend\n\n[Service]\n"
			     "ExecStart=/usr/bin/docker run -p %i:80 coreos/apache\n\n"
			     "[X-Fleet]\nConflicts=apache@*.service\n";
static const char sidekick[] = "[Unit]\nBindsTo=apache@%i.service\n[Service]\nExecStart=/bin/announce %i\n"
			       "[X-Fleet]\nMachineOf=apache@%i.service\nMachineMetadata=port=%i\n";

static void options(void)
{
	struct fleetunit u, tmpl, inst;

	CHECK(parse(&u, "hello.service", "[Service]\nExecStart=/bin/echo hi\n") == 0);
	CHECK_STR(u.name, "hello.service");
	CHECK(u.kind == FLEETUNIT_PLAIN && !u.opts.global && !u.opts.machine_id);
	CHECK(!u.opts.machine_of.n && !u.opts.conflicts.n && !u.opts.replaces.n && !u.opts.metadata.n);
	CHECK(u.len == 33 && !strcmp(u.text, "[Service]\nExecStart=/bin/echo hi\n"));
	fleetunit_free(&u);

	/* A template and its instances: the file is the template's, the
	 * specifiers the instance's. */
	CHECK(parse(&tmpl, "apache@.service", apache) == 0);
	CHECK(tmpl.kind == FLEETUNIT_TEMPLATE && tmpl.opts.conflicts.n == 1);
	CHECK_STR(tmpl.opts.conflicts.v[0], "apache@*.service");
	CHECK(fleetunit_instantiate(&inst, "apache@8080.service", &tmpl, err, sizeof err) == 0);
	CHECK(inst.kind == FLEETUNIT_INSTANCE);
	CHECK_STR(inst.opts.conflicts.v[0], "apache@*.service");
	CHECK_STR(inst.hash, tmpl.hash);
	fleetunit_free(&inst);
	CHECK(fleetunit_instantiate(&inst, "other@1.service", &tmpl, err, sizeof err) < 0);
	CHECK_STR(err, "other@1.service is not an instance of apache@.service");
	CHECK(fleetunit_instantiate(&inst, "apache@.service", &tmpl, err, sizeof err) < 0);
	fleetunit_free(&tmpl);

	CHECK(parse(&tmpl, "apache-discovery@.service", sidekick) == 0);
	CHECK_STR(tmpl.opts.machine_of.v[0], "apache@%i.service"); /* a template keeps %i */
	CHECK(fleetmeta_has(&tmpl.opts.metadata, "port", "%i"));
	CHECK(fleetunit_instantiate(&inst, "apache-discovery@8080.service", &tmpl, err, sizeof err) == 0);
	CHECK(inst.opts.machine_of.n == 1);
	CHECK_STR(inst.opts.machine_of.v[0], "apache@8080.service");
	CHECK(fleetmeta_has(&inst.opts.metadata, "port", "8080"));
	fleetunit_free(&inst);
	fleetunit_free(&tmpl);

	/* Every specifier fleet knew, and %%. */
	CHECK(parse(&u, "web@blue.service", "[X-Fleet]\nConflicts=%n %N %p %i 100%%\n") == 0);
	CHECK(u.opts.conflicts.n == 5);
	CHECK_STR(u.opts.conflicts.v[0], "web@blue.service");
	CHECK_STR(u.opts.conflicts.v[1], "web@blue");
	CHECK_STR(u.opts.conflicts.v[2], "web");
	CHECK_STR(u.opts.conflicts.v[3], "blue");
	CHECK_STR(u.opts.conflicts.v[4], "100%");
	fleetunit_free(&u);
	CHECK_STR(verdict("a.service", "[X-Fleet]\nConflicts=%m\n"), "line 2: Conflicts: unsupported specifier %m");
	CHECK_STR(verdict("a.service", "[X-Fleet]\nConflicts=x%\n"), "line 2: Conflicts: unsupported specifier %");

	/* Repeats, quoted words, deprecated spellings, resets, last Global wins. */
	CHECK(parse(&u, "m.service",
		    "[X-Fleet]\n"
		    "MachineMetadata=\"region=us-east-1\" \"diskType=SSD\"\n"
		    "X-ConditionMachineMetadata=region=us-west-1 region=us-east-1\n"
		    "MachineOf=a.service\nX-ConditionMachineOf=b.service a.service\n"
		    "Conflicts=x*\nX-Conflicts=y*\nConflicts=\nConflicts=z*\n"
		    "Replaces=old.service\n"
		    "Global=yes\nGlobal=off\n") == 0);
	CHECK(u.opts.metadata.n == 3);
	CHECK(fleetmeta_has(&u.opts.metadata, "region", "us-east-1"));
	CHECK(fleetmeta_has(&u.opts.metadata, "region", "us-west-1"));
	CHECK(fleetmeta_has(&u.opts.metadata, "diskType", "SSD"));
	CHECK(u.opts.machine_of.n == 2);
	CHECK_STR(u.opts.machine_of.v[1], "b.service");
	CHECK(u.opts.conflicts.n == 1);
	CHECK_STR(u.opts.conflicts.v[0], "z*");
	CHECK_STR(u.opts.replaces.v[0], "old.service");
	CHECK(!u.opts.global);

	struct fleetunit_opts copy;
	CHECK(fleetunit_opts_copy(&copy, &u.opts) == 0);
	CHECK(copy.metadata.n == 3 && copy.machine_of.n == 2 && copy.conflicts.n == 1 && copy.replaces.n == 1);
	CHECK_STR(copy.machine_of.v[0], "a.service");
	fleetunit_opts_free(&copy);
	fleetunit_free(&u);

	CHECK(parse(&u, "p.service", "[X-Fleet]\nX-ConditionMachineBootID=old\nMachineID=\"abc\"\n") == 0);
	CHECK_STR(u.opts.machine_id, "abc");
	fleetunit_free(&u);
	CHECK(parse(&u, "p.service", "[X-Fleet]\nMachineID=abc\nMachineID=\n") == 0);
	CHECK(u.opts.machine_id == NULL);
	fleetunit_free(&u);

	/* [X-Fleet] keys are only checked there; the other sections are systemd's. */
	CHECK_STR(verdict("a.service", "[Service]\nFoo=1\n[X-Other]\nMachineOf=a\n"), "ok");
	CHECK_STR(verdict("a.service", "[X-Fleet]\n\nmachineof=b.service\n"), "line 3: unknown [X-Fleet] key machineof");
	CHECK_STR(verdict("a.service", "[X-Fleet]\nGlobal=\n"), "line 2: Global: not a boolean: ");
	CHECK_STR(verdict("a.service", "[X-Fleet]\nMachineMetadata=a=b=c\n"),
		  "line 2: MachineMetadata: \"a=b=c\" is not key=value");
	CHECK_STR(verdict("a.service", "[X-Fleet]\nMachineMetadata==b\n"), "line 2: MachineMetadata: \"=b\" is not key=value");
	CHECK_STR(verdict("a.service", "[X-Fleet]\nMachineOf=b.service\nReplaces=b.*\n"),
		  "unresolvable requirements: MachineOf=b.service matches Replaces=b.*");
	CHECK_STR(verdict("a.service", "[X-Fleet]\nMachineID=m\nReplaces=b.service\n"),
		  "MachineID cannot be used with Replaces");
	CHECK_STR(verdict("a.service", "[X-Fleet]\nMachineOf=a.service\n"), "MachineOf=a.service names the unit itself");
	/* Conflicts and Replaces may match the unit itself, as apache@*. */
	CHECK_STR(verdict("a.service", "[X-Fleet]\nConflicts=a.*\nReplaces=a.service\n"), "ok");
	/* A later problem is still found after a good [X-Fleet]; the first is reported. */
	CHECK_STR(verdict("a.service", "[X-Fleet]\nGlobal=true\n[Service]\nbroken\nalso broken\n"),
		  "line 4: not a Key=Value line: broken");
	CHECK_STR(verdict("a.nope", "[Service]\n"), "unit name a.nope: unsupported unit type \"nope\"");
}

static void hashes(void)
{
	char h1[65], h2[65];
	/* The canonical form of this text is itself. */
	CHECK(fleetunit_hash("[Unit]\nDescription=x\n", 21, h1) == 0);
	CHECK_STR(h1, "81e91454ee419600fb432ef848b5199e8abfec857e47a8a2cd83a0d601a4ce30");
	/* Comments, blank lines, spacing and continuations do not count... */
	const char *a = "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/a b\nType=simple\n";
	const char *b = "# hello\n[Unit]\n  Description = x \n\n[Service]\nExecStart=/bin/a\\\nb\n; c\nType=simple\n";
	CHECK(fleetunit_hash(a, strlen(a), h1) == 0 && fleetunit_hash(b, strlen(b), h2) == 0);
	CHECK_STR(h1, h2);
	/* ...nor a section split in two, as fleet grouped options by section... */
	const char *c = "[Unit]\n[Service]\nExecStart=/bin/a b\n[Unit]\nDescription=x\n[Service]\nType=simple\n";
	CHECK(fleetunit_hash(c, strlen(c), h2) == 0);
	CHECK(strcmp(h1, h2) != 0); /* ...but the order of sections does */
	const char *d = "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/a b\n[Unit]\n[Service]\nType=simple\n";
	CHECK(fleetunit_hash(d, strlen(d), h2) == 0);
	CHECK_STR(h1, h2);
	/* Any change of a value does. */
	const char *e = "[Unit]\nDescription=y\n[Service]\nExecStart=/bin/a b\nType=simple\n";
	CHECK(fleetunit_hash(e, strlen(e), h2) == 0);
	CHECK(strcmp(h1, h2) != 0);
	CHECK(fleetunit_hash("[Unit\n", 6, h2) < 0);

	struct fleetunit u;
	CHECK(parse(&u, "h.service", b) == 0);
	CHECK_STR(u.hash, h1);
	fleetunit_free(&u);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(65536);
	*len = buf ? fread(buf, 1, 65535, f) : 0;
	fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf;
}

/* Every file of DIR: its verdict must be its "# expect: " line. */
static int corpus(const char *dir, int good)
{
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		size_t len;
		char *text = slurp(path, &len);
		CHECK(text != NULL);
		if (!text)
			continue;
		char want[256] = "";
		if (!strncmp(text, "# expect: ", 10))
			snprintf(want, sizeof want, "%.*s", (int)strcspn(text + 10, "\n"), text + 10);
		struct fleetunit u;
		int rc = fleetunit_parse(&u, de->d_name, text, len, err, sizeof err);
		const char *got = rc == 0 ? "ok" : err;
		check_count++;
		if (strcmp(got, want) || (good != !strcmp(want, "ok"))) {
			check_failures++;
			fprintf(stderr, "%s: got \"%s\", expected \"%s\"\n", path, got, want);
		}
		if (rc == 0)
			fleetunit_free(&u);
		free(text);
		n++;
	}
	closedir(d);
	return n;
}

int main(void)
{
	names();
	options();
	hashes();

	char dir[1024];
	const char *here = __FILE__, *slash = strrchr(here, '/');
	int n = slash ? (int)(slash - here) : 1;
	snprintf(dir, sizeof dir, "%.*s/../data/fleet-units/good", n, slash ? here : ".");
	int ngood = corpus(dir, 1);
	snprintf(dir, sizeof dir, "%.*s/../data/fleet-units/bad", n, slash ? here : ".");
	int nbad = corpus(dir, 0);
	printf("corpus: %d good, %d bad files\n", ngood, nbad);
	CHECK(ngood >= 14 && nbad >= 18);
	return check_done("test-fleetunit");
}
