/* The health gate. A slot booted for the first time after an update (not yet
 * successful) is marked good only once the system is healthy: init has reached
 * default.target and every critical unit is active. If a critical unit fails,
 * or the system is not healthy within the health timeout, the agent records
 * why on STATE and reboots: the slot has no tries left, so GRUB boots the old
 * one, whose agent then reports the failed update. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/mkdirp.h"
#include "agent.h"

static time_t deadline; /* 0: nothing pending */
static char pending_slot[2];
static bool trial;      /* the slot on trial (not yet successful), or a good one */

static void state_path(const struct config *c, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", c->state_dir, name);
}

/* Writes TEXT to the state file NAME, whole or not at all. */
void state_write(const struct config *c, const char *name, const char *text)
{
	char path[300], err[400];
	mkdir_p(c->state_dir, 0700);
	state_path(c, name, path, sizeof path);
	if (file_write_atomic(path, text, strlen(text), 0644, (uid_t)-1, (gid_t)-1, err, sizeof err) < 0)
		say(NULL, "%s", err);
}

void state_read(const struct config *c, const char *name, char *out, size_t len)
{
	char path[300];
	state_path(c, name, path, sizeof path);
	*out = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, out, len - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

void result_write(const struct config *c, const char *fmt, ...)
{
	char text[600];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC: ", &tm);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof text - n - 1, fmt, ap);
	va_end(ap);
	strcat(text, "\n");
	state_write(c, "result", text);
}

void result_print(const struct config *c, FILE *out)
{
	char text[600];
	state_read(c, "result", text, sizeof text);
	fprintf(out, "last update: %s\n", *text ? text : "none");
}

bool health_pending(void)
{
	return deadline != 0 && trial;
}

void health_cancel(void)
{
	deadline = 0;
}

/* After a boot: a slot on trial gets a deadline; an old slot learns whether the
 * update it handed over to failed. */
void health_boot(const struct config *c)
{
	struct slots s;
	char err[300];
	if (slots_load(&s, err, sizeof err) < 0) {
		say(NULL, "cannot read the slot table: %s", err);
		return;
	}
	deadline = time(NULL) + c->health_timeout;
	strcpy(pending_slot, s.cur);
	trial = slot_num(&s, s.cur, "SUCCESSFUL") != 1;
	if (trial) {
		say(NULL, "slot %s (%s) is on trial: it is marked good once default.target is reached%s%s", s.cur,
		    slot_get(&s, s.cur, "VERSION"), *c->critical ? " and these units are active: " : "", c->critical);
		return;
	}
	/* The other slot was given a try (priority above ours), used it, and is not
	 * good: the update to it failed. */
	if (*slot_get(&s, s.oth, "HASH") && slot_num(&s, s.oth, "PRIORITY") > slot_num(&s, s.cur, "PRIORITY") &&
	    slot_num(&s, s.oth, "SUCCESSFUL") != 1 && slot_num(&s, s.oth, "TRIES") == 0) {
		char why[400], version[64];
		snprintf(version, sizeof version, "%s", slot_get(&s, s.oth, "VERSION"));
		state_read(c, "failure", why, sizeof why);
		if (!*why)
			snprintf(why, sizeof why, "it did not boot to a healthy system");
		say(NULL, "update to %s failed: %s; back on %s in slot %s", version, why, c->version, s.cur);
		result_write(c, "update to %s failed: %s; rolled back to %s", version, why, c->version);
		state_write(c, "failed-version", version);
		if (slot_set(&s, s.oth, "PRIORITY", "0", err, sizeof err) < 0 || slots_save(&s, err, sizeof err) < 0)
			say(NULL, "cannot write the slot table: %s", err);
	}
	/* The other slot was good, but stopped coming up: GRUB left it after 3 boots. */
	if (slot_num(&s, s.oth, "SUCCESSFUL") == 1 && slot_num(&s, s.oth, "FAILS") >= 3 &&
	    slot_num(&s, s.oth, "PRIORITY") > 0) {
		char version[64];
		snprintf(version, sizeof version, "%s", slot_get(&s, s.oth, "VERSION"));
		say(NULL, "slot %s (%s) failed 3 boots in a row; back on %s in slot %s", s.oth, version, c->version, s.cur);
		result_write(c, "slot %s (%s) failed 3 boots in a row (damaged?); running %s from slot %s", s.oth, version,
			     c->version, s.cur);
		if (slot_set(&s, s.oth, "PRIORITY", "0", err, sizeof err) < 0 || slots_save(&s, err, sizeof err) < 0)
			say(NULL, "cannot write the slot table: %s", err);
	}
	/* An update written before the agent (re)started still waits for its reboot. */
	if (slot_bootable(&s, s.oth) && slot_num(&s, s.oth, "SUCCESSFUL") != 1 && slot_num(&s, s.oth, "TRIES") > 0 &&
	    slot_num(&s, s.oth, "PRIORITY") > slot_num(&s, s.cur, "PRIORITY")) {
		say(NULL, "the update to %s in slot %s waits for a reboot", slot_get(&s, s.oth, "VERSION"), s.oth);
		reboot_request(c, NULL);
		return;
	}
	/* A good slot holds no place in the reboot lock (one left by a rollback, a
	 * failed update or a lost release is given back). */
	lock_release(c);
	char path[300];
	state_path(c, "failure", path, sizeof path);
	unlink(path);
}

/* What stops the system from being healthy now: "" if nothing, else why; sets
 * *FINAL if waiting longer cannot help. */
static void unhealthy(const struct config *c, char *why, size_t len, bool *final)
{
	char state[64];
	*why = '\0';
	*final = false;
	if (init_call(c, "is-active default.target\n", state, sizeof state) != 0) {
		snprintf(why, len, "default.target is %s", *state ? state : "not reached");
		return;
	}
	char list[512];
	snprintf(list, sizeof list, "%s", c->critical);
	for (char *save, *u = strtok_r(list, " ,", &save); u; u = strtok_r(NULL, " ,", &save)) {
		char req[300];
		snprintf(req, sizeof req, "is-active %s\n", u);
		int code = init_call(c, req, state, sizeof state);
		if (code == 0)
			continue;
		snprintf(why, len, "the critical unit %s is %s", u, code == 4 ? "not there" : *state ? state : "not active");
		*final = code == 4 || !strcmp(state, "failed");
		return;
	}
}

void health_step(const struct config *c)
{
	if (!deadline)
		return;
	char why[400], err[300];
	bool final;
	unhealthy(c, why, sizeof why, &final);
	struct slots s;
	if (!*why) {
		/* Healthy: a slot on trial becomes good, and a good slot's count of
		 * boots that did not come up starts again. */
		static bool told;
		bool was_trial = trial, ok = slots_load(&s, err, sizeof err) == 0;
		bool change = ok && (was_trial || strcmp(slot_get(&s, s.cur, "FAILS"), "0"));
		if (ok && was_trial)
			ok = slot_set(&s, s.cur, "SUCCESSFUL", "1", err, sizeof err) == 0 &&
			     slot_set(&s, s.cur, "TRIES", "0", err, sizeof err) == 0;
		if (ok && change)
			ok = slot_set(&s, s.cur, "FAILS", "0", err, sizeof err) == 0 && slots_save(&s, err, sizeof err) == 0;
		if (!ok) {
			/* Never rolled back for this: tried again each second. */
			if (!told)
				say(NULL, "the system is healthy, but slot %s cannot be marked so yet: %s", pending_slot, err);
			told = true;
			return;
		}
		deadline = 0;
		if (!was_trial)
			return;
		say(NULL, "slot %s (%s) is healthy: marked good", s.cur, c->version);
		result_write(c, "updated to %s (slot %s), healthy", c->version, s.cur);
		lock_release(c);
		return;
	}
	if (!trial) {
		/* A good slot that is not healthy stays: there is nothing better to go to. */
		if (final || time(NULL) >= deadline) {
			say(NULL, "slot %s (%s) is not healthy: %s", pending_slot, c->version, why);
			deadline = 0;
		}
		return;
	}
	if (!final && time(NULL) < deadline)
		return;
	deadline = 0;
	if (!final)
		snprintf(why + strlen(why), sizeof why - strlen(why), " after %ld s", c->health_timeout);
	if (slots_load(&s, err, sizeof err) < 0 || !slot_bootable(&s, s.oth)) {
		say(NULL, "slot %s is not healthy (%s), and there is no other slot to go back to", pending_slot, why);
		return;
	}
	state_write(c, "failure", why);
	say(NULL, "slot %s (%s) is not healthy: %s; rebooting into slot %s", s.cur, c->version, why, s.oth);
	if (init_call(c, "reboot\n", NULL, 0) != 0) {
		/* The slot's try is used up: any reboot goes back. */
		sync();
		reboot(RB_AUTOBOOT);
	}
}
