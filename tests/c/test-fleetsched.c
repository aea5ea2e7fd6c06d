/* The fleet scheduler: least-loaded placement with ties to the smallest ID,
 * every [X-Fleet] constraint in both directions, the reasons given when
 * nothing fits, the incremental snapshot, and 10,000 units on 100 machines. */
#include "../../src/lib/fleetsched.h"
#include "check.h"

#include <stdlib.h>
#include <time.h>

static char err[256];
static char out[512];

/* A unit NAME with [X-Fleet] lines XFLEET. */
static struct fleetunit unit(const char *name, const char *xfleet)
{
	char text[512];
	struct fleetunit u;
	snprintf(text, sizeof text, "[Service]\nExecStart=/bin/true\n[X-Fleet]\n%s", xfleet);
	if (fleetunit_parse(&u, name, text, strlen(text), err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		exit(2);
	}
	return u;
}

/* Where unit NAME with XFLEET would go: "m1", "m1 -a.service -b.service"
 * (what it replaces), or the reason. */
static const char *place(struct fleetsched *s, const char *name, const char *xfleet)
{
	struct fleetunit u = unit(name, xfleet);
	struct fleetsched_result r;
	int rc = fleetsched_place(s, name, &u.opts, &r);
	if (rc == 0) {
		size_t n = (size_t)snprintf(out, sizeof out, "%s", r.machine);
		for (size_t i = 0; i < r.unschedule.n; i++)
			n += (size_t)snprintf(out + n, sizeof out - n, " -%s", r.unschedule.v[i]);
	} else {
		snprintf(out, sizeof out, "%s", rc == 1 ? r.reason : "error");
	}
	fleetsched_result_free(&r);
	fleetunit_free(&u);
	return out;
}

/* Schedules NAME (XFLEET) on ID; 0 or -1. */
static int sched(struct fleetsched *s, const char *name, const char *xfleet, const char *id)
{
	struct fleetunit u = unit(name, xfleet);
	int rc = fleetsched_schedule(s, name, &u.opts, id, err, sizeof err);
	fleetunit_free(&u);
	return rc;
}

/* Places NAME and schedules it where it was placed; returns the place() text. */
static const char *run(struct fleetsched *s, const char *name, const char *xfleet)
{
	const char *where = place(s, name, xfleet);
	char id[64];
	snprintf(id, sizeof id, "%.*s", (int)strcspn(where, " "), where);
	if (fleetsched_load(s, id) >= 0)
		CHECK(sched(s, name, xfleet, id) == 0);
	return where;
}

static int machine(struct fleetsched *s, const char *id, const char *meta)
{
	char buf[256];
	const char *words[8];
	size_t n = 0;
	snprintf(buf, sizeof buf, "%s", meta);
	for (char *w = strtok(buf, " "); w && n < 8; w = strtok(NULL, " "))
		words[n++] = w;
	return fleetsched_add_machine(s, id, words, n, err, sizeof err);
}

static void least_loaded(void)
{
	struct fleetsched *s = fleetsched_new();
	CHECK_STR(place(s, "a.service", ""), "no machines in the cluster");
	CHECK(machine(s, "m2", "") == 0 && machine(s, "m1", "") == 0 && machine(s, "m3", "") == 0);
	CHECK(fleetsched_machines(s) == 3);
	CHECK_STR(run(s, "a.service", ""), "m1"); /* all empty: the smallest ID */
	CHECK_STR(run(s, "b.service", ""), "m2");
	CHECK_STR(run(s, "c.service", ""), "m3");
	CHECK_STR(run(s, "d.service", ""), "m1");
	CHECK_STR(run(s, "e.service", ""), "m2");
	CHECK(fleetsched_load(s, "m1") == 2 && fleetsched_load(s, "m2") == 2 && fleetsched_load(s, "m3") == 1);
	CHECK(fleetsched_load(s, "m9") == -1);
	CHECK_STR(fleetsched_where(s, "d.service"), "m1");
	CHECK(fleetsched_where(s, "z.service") == NULL);
	CHECK(fleetsched_unschedule(s, "a.service") == 0 && fleetsched_unschedule(s, "d.service") == 0);
	CHECK(fleetsched_unschedule(s, "d.service") == -1);
	CHECK_STR(place(s, "f.service", ""), "m1");
	CHECK_STR(place(s, "e.service", ""), "e.service is already scheduled on m2");
	CHECK_STR(place(s, "t@.service", ""), "t@.service is a template: only its instances are scheduled");
	CHECK_STR(place(s, "g.service", "Global=true\n"), "g.service is global: every fitting machine runs it");

	/* The snapshot's own errors. */
	CHECK(machine(s, "m1", "") < 0);
	CHECK_STR(err, "machine m1 is already there");
	CHECK(machine(s, "m4", "region") < 0);
	CHECK_STR(err, "metadata \"region\" is not key=value");
	CHECK(fleetsched_load(s, "m4") == -1); /* not half-added */
	CHECK(sched(s, "b.service", "", "m3") < 0);
	CHECK_STR(err, "b.service is already scheduled on m2");
	CHECK(sched(s, "x.service", "", "m9") < 0);
	CHECK_STR(err, "no machine m9");
	fleetsched_free(s);
}

static void machine_id(void)
{
	struct fleetsched *s = fleetsched_new();
	CHECK(machine(s, "2c5e49d1a9b24b5e", "role=db") == 0 && machine(s, "aaaa0000", "") == 0);
	CHECK(sched(s, "x.service", "", "2c5e49d1a9b24b5e") == 0);
	/* The full ID, even on the busier machine; not a prefix (as fleet's docs). */
	CHECK_STR(place(s, "p.service", "MachineID=2c5e49d1a9b24b5e\n"), "2c5e49d1a9b24b5e");
	CHECK_STR(place(s, "p.service", "MachineID=2c5e49d1\n"), "MachineID 2c5e49d1 is not a machine in the cluster");
	CHECK_STR(place(s, "p.service", "MachineID=aaaa0000\nMachineMetadata=role=db\n"),
		  "no machine fits: MachineMetadata on 1 machine (aaaa0000 lacks MachineMetadata role)");
	fleetsched_free(s);
}

static void metadata(void)
{
	struct fleetsched *s = fleetsched_new();
	CHECK(machine(s, "m1", "region=us-east-1 disk=hdd") == 0);
	CHECK(machine(s, "m2", "region=us-west-1 disk=ssd") == 0);
	CHECK(machine(s, "m3", "region=eu-west-1 disk=ssd") == 0);
	CHECK(machine(s, "m4", "region=us-east-1 disk=ssd") == 0);
	CHECK(sched(s, "busy.service", "", "m2") == 0);
	const char *want = "MachineMetadata=\"region=us-east-1\" \"disk=ssd\"\nMachineMetadata=region=us-west-1\n";
	/* m2 and m4 fit (region OR, disk AND); m4 is less loaded. */
	CHECK_STR(run(s, "a.service", want), "m4");
	CHECK_STR(run(s, "b.service", want), "m2"); /* 1 each: the smaller ID */
	CHECK_STR(run(s, "c.service", "MachineMetadata=region=eu-west-1\n"), "m3");
	CHECK_STR(place(s, "d.service", "MachineMetadata=region=ap-south-1 disk=ssd\n"),
		  "no machine fits: MachineMetadata on 4 machines (m1 lacks MachineMetadata disk)");
	CHECK_STR(place(s, "d.service", "MachineMetadata=region=ap-south-1\n"),
		  "no machine fits: MachineMetadata on 4 machines (m1 lacks MachineMetadata region)");
	CHECK_STR(place(s, "d.service", "MachineMetadata=gpu=yes\n"),
		  "no machine fits: MachineMetadata on 4 machines (m1 lacks MachineMetadata gpu)");

	/* Global units: MachineID and metadata alone, load and conflicts aside. */
	struct fleetunit g = unit("g.service", "Global=true\nMachineMetadata=disk=ssd\n");
	CHECK(fleetsched_global_fits(s, "m2", &g.opts, err, sizeof err) == 1);
	CHECK(fleetsched_global_fits(s, "m1", &g.opts, err, sizeof err) == 0);
	CHECK_STR(err, "m1 lacks MachineMetadata disk");
	CHECK(fleetsched_global_fits(s, "m9", &g.opts, err, sizeof err) == -1);
	fleetunit_free(&g);
	g = unit("g.service", "MachineID=m3\n");
	CHECK(fleetsched_global_fits(s, "m3", &g.opts, err, sizeof err) == 1);
	CHECK(fleetsched_global_fits(s, "m4", &g.opts, err, sizeof err) == 0);
	CHECK_STR(err, "m4 is not MachineID m3");
	fleetunit_free(&g);

	/* A metadata change does not move anything by itself; still_fits tells. */
	CHECK(fleetsched_still_fits(s, "c.service", err, sizeof err) == 1);
	const char *eu[] = { "region=eu-central-1" };
	CHECK(fleetsched_set_metadata(s, "m3", eu, 1, err, sizeof err) == 0);
	CHECK_STR(fleetsched_where(s, "c.service"), "m3");
	CHECK(fleetsched_still_fits(s, "c.service", err, sizeof err) == 0);
	CHECK_STR(err, "m3 lacks MachineMetadata region");
	CHECK(fleetsched_still_fits(s, "nope.service", err, sizeof err) == -1);
	const char *bad[] = { "x" };
	CHECK(fleetsched_set_metadata(s, "m3", bad, 1, err, sizeof err) < 0);
	CHECK(fleetsched_set_metadata(s, "m9", eu, 1, err, sizeof err) < 0);
	fleetsched_free(s);
}

static void conflicts(void)
{
	struct fleetsched *s = fleetsched_new();
	CHECK(machine(s, "m1", "") == 0 && machine(s, "m2", "") == 0 && machine(s, "m3", "") == 0);
	/* fleet's example: one apache per machine. */
	const char *c = "Conflicts=apache@*.service\n";
	CHECK_STR(run(s, "apache@1.service", c), "m1");
	CHECK(sched(s, "other1.service", "", "m2") == 0 && sched(s, "other2.service", "", "m2") == 0);
	CHECK_STR(run(s, "apache@2.service", c), "m3"); /* m2 is busier */
	CHECK_STR(run(s, "apache@3.service", c), "m2"); /* the only machine left */
	CHECK_STR(place(s, "apache@4.service", c),
		  "no machine fits: Conflicts on 3 machines (apache@1.service on m1 matches Conflicts=apache@*.service)");
	/* The other way: a unit without Conflicts kept away by one that has them. */
	CHECK_STR(place(s, "apache@4.service", ""),
		  "no machine fits: Conflicts on 3 machines (apache@1.service on m1 has Conflicts=apache@*.service)");
	CHECK_STR(place(s, "web.service", ""), "m1");
	CHECK(fleetsched_unschedule(s, "apache@2.service") == 0);
	CHECK_STR(place(s, "apache@4.service", c), "m3");
	/* A literal Conflicts (looked up, not scanned), and its reverse. */
	CHECK(sched(s, "db.service", "Conflicts=cache.service\n", "m3") == 0);
	CHECK_STR(place(s, "cache.service", ""), "m1");
	CHECK(fleetsched_unschedule(s, "apache@1.service") == 0); /* m1 empty now */
	CHECK_STR(place(s, "cache.service", ""), "m1");
	CHECK_STR(place(s, "cache.service", "MachineMetadata=a=b\n"),
		  "no machine fits: MachineMetadata on 3 machines (m1 lacks MachineMetadata a)");
	CHECK_STR(place(s, "x.service", "Conflicts=db.service\nMachineOf=other1.service\n"), "m2");
	CHECK_STR(place(s, "x.service", "Conflicts=db.service other1.service\n"), "m1");
	/* Units scheduled by hand in conflict: each one no longer fits. */
	CHECK(sched(s, "cache.service", "", "m3") == 0);
	CHECK(fleetsched_still_fits(s, "cache.service", err, sizeof err) == 0);
	CHECK_STR(err, "db.service on m3 has Conflicts=cache.service");
	CHECK(fleetsched_still_fits(s, "db.service", err, sizeof err) == 0);
	CHECK_STR(err, "cache.service on m3 matches Conflicts=cache.service");
	CHECK(fleetsched_still_fits(s, "apache@3.service", err, sizeof err) == 1); /* itself does not count */
	fleetsched_free(s);
}

static void machine_of(void)
{
	struct fleetsched *s = fleetsched_new();
	CHECK(machine(s, "m1", "") == 0 && machine(s, "m2", "disk=ssd") == 0);
	CHECK(sched(s, "apache@1.service", "", "m2") == 0 && sched(s, "x.service", "", "m2") == 0);
	CHECK(sched(s, "b.service", "", "m1") == 0);
	/* The sidekick follows its unit to the busier machine. */
	CHECK_STR(place(s, "discovery@1.service", "MachineOf=apache@%i.service\n"), "m2");
	CHECK_STR(place(s, "discovery@2.service", "MachineOf=apache@%i.service\n"),
		  "MachineOf unit apache@2.service is not scheduled");
	CHECK_STR(place(s, "y.service", "MachineOf=apache@1.service b.service\n"),
		  "no machine fits: MachineOf on 1 machine (MachineOf unit b.service is not on m2)");
	CHECK_STR(place(s, "y.service", "MachineOf=b.service\nMachineMetadata=disk=ssd\n"),
		  "no machine fits: MachineMetadata on 1 machine (m1 lacks MachineMetadata disk)");
	CHECK_STR(place(s, "y.service", "MachineOf=apache@1.service x.service\nMachineMetadata=disk=ssd\n"), "m2");
	CHECK_STR(run(s, "discovery@1.service", "MachineOf=apache@%i.service\n"), "m2");
	/* The unit moves away: the follower no longer fits. */
	CHECK(fleetsched_unschedule(s, "apache@1.service") == 0);
	CHECK(sched(s, "apache@1.service", "", "m1") == 0);
	CHECK(fleetsched_still_fits(s, "discovery@1.service", err, sizeof err) == 0);
	CHECK_STR(err, "MachineOf unit apache@1.service is not on m2");
	fleetsched_free(s);
}

static void replaces(void)
{
	struct fleetsched *s = fleetsched_new();
	CHECK(machine(s, "m1", "") == 0 && machine(s, "m2", "") == 0);
	CHECK(sched(s, "web-v1.service", "Conflicts=web-v*.service\n", "m1") == 0);
	CHECK(sched(s, "a.service", "", "m1") == 0 && sched(s, "b.service", "", "m2") == 0);
	/* Without Replaces, web-v1's Conflicts keep web-v2 off m1. */
	CHECK_STR(place(s, "web-v2.service", ""), "m2");
	/* With it, m1 counts 1 unit (web-v1 leaves): a tie with m2, m1 wins. */
	CHECK_STR(place(s, "web-v2.service", "Replaces=web-v1.service\n"), "m1 -web-v1.service");
	CHECK_STR(place(s, "web-v2.service", "Replaces=web-v*.service a.service\n"), "m1 -a.service -web-v1.service");
	/* Replaces wins over the unit's own Conflicts with what it replaces. */
	CHECK_STR(place(s, "web-v2.service", "Replaces=web-v1.service\nConflicts=web-v1.service b.service\n"),
		  "m1 -web-v1.service");
	/* Replacing a unit scheduled elsewhere changes nothing. */
	CHECK_STR(place(s, "c.service", "Replaces=b.service\nConflicts=a.service\n"), "m2 -b.service");
	CHECK_STR(place(s, "c.service", "Replaces=zzz.service\nConflicts=b.service\n"), "m1");
	/* A unit that replaces the newcomer keeps it away; a pair that replace
	 * each other is ignored, as fleet. */
	CHECK(sched(s, "new.service", "Replaces=old.service\n", "m2") == 0);
	CHECK_STR(place(s, "old.service", "MachineMetadata=\n"), "m1");
	CHECK(fleetsched_unschedule(s, "a.service") == 0 && fleetsched_unschedule(s, "web-v1.service") == 0);
	CHECK(sched(s, "a1.service", "", "m1") == 0 && sched(s, "a2.service", "", "m1") == 0);
	CHECK_STR(place(s, "old.service", ""), "m1"); /* m1: 2 units, m2 (b, new): 2, but new.service keeps it away */
	CHECK(sched(s, "a3.service", "", "m1") == 0);
	CHECK_STR(place(s, "old.service", ""), "m1");
	CHECK_STR(place(s, "old.service", "Replaces=new.service\n"), "m2");
	CHECK(fleetsched_unschedule(s, "a1.service") == 0 && fleetsched_unschedule(s, "a2.service") == 0 &&
	      fleetsched_unschedule(s, "a3.service") == 0);
	CHECK(fleetsched_remove_machine(s, "m1", NULL) == 0);
	CHECK_STR(place(s, "old.service", ""),
		  "no machine fits: Replaces on 1 machine (new.service on m2 has Replaces=old.service)");
	fleetsched_free(s);
}

static void remove_machine(void)
{
	struct fleetsched *s = fleetsched_new();
	struct strv orphans = { 0 };
	CHECK(machine(s, "m1", "") == 0 && machine(s, "m2", "") == 0 && machine(s, "m3", "") == 0);
	CHECK(sched(s, "c.service", "Conflicts=x*\n", "m2") == 0 && sched(s, "a.service", "", "m2") == 0);
	CHECK(sched(s, "b.service", "", "m2") == 0 && sched(s, "d.service", "", "m3") == 0);
	CHECK(fleetsched_remove_machine(s, "m2", &orphans) == 0);
	CHECK(orphans.n == 3);
	CHECK_STR(orphans.v[0], "a.service");
	CHECK_STR(orphans.v[1], "b.service");
	CHECK_STR(orphans.v[2], "c.service");
	strv_clear(&orphans);
	CHECK(fleetsched_remove_machine(s, "m2", &orphans) == -1);
	CHECK(fleetsched_where(s, "a.service") == NULL && fleetsched_machines(s) == 2);
	CHECK_STR(fleetsched_where(s, "d.service"), "m3");
	CHECK_STR(place(s, "x.service", "MachineOf=c.service\n"), "MachineOf unit c.service is not scheduled");
	CHECK_STR(run(s, "a.service", ""), "m1");
	CHECK_STR(run(s, "b.service", ""), "m1");
	CHECK_STR(run(s, "c.service", ""), "m3");
	/* The moved machine (swap-removed in the array) is still found. */
	CHECK(fleetsched_remove_machine(s, "m1", NULL) == 0);
	CHECK(machine(s, "m0", "") == 0);
	CHECK_STR(place(s, "e.service", ""), "m0");
	CHECK(fleetsched_load(s, "m3") == 2);
	fleetsched_free(s);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void scale(void)
{
	struct fleetsched *s = fleetsched_new();
	char id[40], name[64];
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "%032x", i * 2654435761u);
		const char *meta[] = { i % 2 ? "disk=ssd" : "disk=hdd" };
		CHECK(fleetsched_add_machine(s, id, meta, 1, err, sizeof err) == 0);
	}
	struct fleetunit_opts none = { 0 };
	struct fleetsched_result r;
	double t0 = now();
	int placed = 0;
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof name, "app-%05d.service", i);
		if (fleetsched_place(s, name, &none, &r) == 0 &&
		    fleetsched_schedule(s, name, &none, r.machine, err, sizeof err) == 0)
			placed++;
		fleetsched_result_free(&r);
	}
	double secs = now() - t0;
	CHECK(placed == 10000);
	long min = 1L << 30, max = 0;
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "%032x", i * 2654435761u);
		long l = fleetsched_load(s, id);
		min = l < min ? l : min;
		max = l > max ? l : max;
	}
	printf("scale: 10000 units on 100 machines in %.3f s, load %ld..%ld\n", secs, min, max);
	CHECK(max - min <= 1 && min == 100);
	CHECK(secs < 1.0);

	/* A constrained unit at that size: the least-loaded SSD machine free of
	 * a literal conflict, found in one pass. */
	struct fleetunit u = unit("db.service", "MachineMetadata=disk=ssd\nConflicts=app-00001.service\n");
	t0 = now();
	CHECK(fleetsched_place(s, "db.service", &u.opts, &r) == 0);
	CHECK(r.machine && strcmp(r.machine, fleetsched_where(s, "app-00001.service")) != 0);
	fleetsched_result_free(&r);
	/* Unscheduling half and placing again refills evenly. */
	for (int i = 0; i < 10000; i += 2) {
		snprintf(name, sizeof name, "app-%05d.service", i);
		CHECK(fleetsched_unschedule(s, name) == 0);
	}
	for (int i = 0; i < 10000; i += 2) {
		snprintf(name, sizeof name, "app-%05d.service", i);
		if (fleetsched_place(s, name, &none, &r) == 0)
			fleetsched_schedule(s, name, &none, r.machine, err, sizeof err);
		fleetsched_result_free(&r);
	}
	secs = now() - t0;
	min = 1L << 30, max = 0;
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "%032x", i * 2654435761u);
		long l = fleetsched_load(s, id);
		min = l < min ? l : min;
		max = l > max ? l : max;
	}
	CHECK(max - min <= 1 && min == 100);
	CHECK(secs < 1.0);
	fleetunit_free(&u);
	fleetsched_free(s);
}

int main(void)
{
	least_loaded();
	machine_id();
	metadata();
	conflicts();
	machine_of();
	replaces();
	remove_machine();
	scale();
	return check_done("test-fleetsched");
}
