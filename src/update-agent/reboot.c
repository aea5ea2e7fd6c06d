/* Rebooting into a written update, by strategy (as CoreOS's locksmith):
 *   reboot     at once;
 *   etcd-lock  once this node holds one of LOCK_SLOTS places in a semaphore
 *              kept in etcd; the place is given back after the healthy boot;
 *   off        never by itself: the admin reboots.
 * REBOOT_WINDOW, if set, holds the first two to a time of day (and days). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/ctlclient.h"
#include "../lib/etcd.h"
#include "agent.h"

#define LOCK_KEY "/berth/update/reboot-lock"

static bool pending;
static time_t next_try;

struct answer {
	char *buf;
	size_t len, used;
};

static void collect(const char *text, size_t len, int code, void *arg)
{
	(void)code;
	struct answer *a = arg;
	while (len && a->used + 1 < a->len) {
		a->buf[a->used++] = *text++;
		len--;
	}
	a->buf[a->used] = '\0';
}

int init_call(const struct config *c, const char *req, char *answer, size_t len)
{
	char err[300], dummy[1];
	struct answer a = { answer ? answer : dummy, answer ? len : 1, 0 };
	a.buf[0] = '\0';
	int code = ctl_call(c->init_socket, req, 10, collect, &a, err, sizeof err);
	if (code < 0)
		say(NULL, "init: %s", err);
	a.buf[strcspn(a.buf, "\n")] = '\0';
	return code;
}

bool reboot_pending(void)
{
	return pending;
}

/* "[DAY[,DAY...]] HH:MM-HH:MM": the days as a mask (bit 0 Sunday; all if none
 * are named) and the minutes of the day it starts and ends. 0, or -1. */
static int window_parse(const char *w, int *days, int *from, int *to)
{
	static const char *names[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	const char *times = strchr(w, ' ');
	*days = times ? 0 : 0x7f;
	if (times) {
		for (const char *d = w; d < times; d += 4) {
			int k = 0;
			while (k < 7 && strncmp(d, names[k], 3))
				k++;
			if (k == 7 || (d + 3 != times && d[3] != ','))
				return -1;
			*days |= 1 << k;
		}
		w = times + 1;
	}
	int h1, m1, h2, m2, n = 0;
	if (sscanf(w, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) != 4 || w[n] || h1 < 0 || h1 > 23 || h2 < 0 ||
	    h2 > 23 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59)
		return -1;
	*from = h1 * 60 + m1;
	*to = h2 * 60 + m2;
	return *days && *from != *to ? 0 : -1;
}

bool window_valid(const char *w)
{
	int days, from, to;
	return !*w || window_parse(w, &days, &from, &to) == 0;
}

/* Inside the reboot window now? "" is always. A window that wraps past
 * midnight belongs to the day it starts on. */
static bool in_window(const char *w)
{
	int days, from, to;
	if (!*w || window_parse(w, &days, &from, &to) < 0)
		return true;
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	int now = tm.tm_hour * 60 + tm.tm_min, yesterday = (tm.tm_wday + 6) % 7;
	if (from < to)
		return days >> tm.tm_wday & 1 && now >= from && now < to;
	return (days >> tm.tm_wday & 1 && now >= from) || (days >> yesterday & 1 && now < to);
}

/* The semaphore's value: {"max":N,"holders":["machine-id",...]}. Adds (TAKE) or
 * removes this node. 1 when done, 0 when it must wait, -1 on error. */
static int semaphore(const struct config *c, bool take, char *err, size_t errlen)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		char *value;
		int64_t rev;
		if (etcd_get(c->etcd, LOCK_KEY, &value, &rev, err, errlen) < 0)
			return -1;
		json_t *v = value ? json_loads(value, 0, NULL) : json_pack("{s:I,s:[]}", "max", (json_int_t)c->lock_slots, "holders");
		free(value);
		json_t *holders = json_object_get(v, "holders");
		if (!json_is_array(holders)) {
			snprintf(err, errlen, "etcd: %s does not hold a reboot semaphore", LOCK_KEY);
			json_decref(v);
			return -1;
		}
		json_object_set_new(v, "max", json_integer(c->lock_slots));
		size_t i, at = (size_t)-1;
		json_t *h;
		json_array_foreach(holders, i, h)
			if (json_is_string(h) && !strcmp(json_string_value(h), c->machine_id))
				at = i;
		if (take && at != (size_t)-1) {
			json_decref(v);
			return 1;
		}
		if (!take && at == (size_t)-1) {
			json_decref(v);
			return 1;
		}
		if (take && json_array_size(holders) >= (size_t)c->lock_slots) {
			json_decref(v);
			return 0;
		}
		if (take)
			json_array_append_new(holders, json_string(c->machine_id));
		else
			json_array_remove(holders, at);
		char *text = json_dumps(v, JSON_COMPACT);
		json_decref(v);
		int r = text ? etcd_cas(c->etcd, LOCK_KEY, rev, text, err, errlen) : -1;
		free(text);
		if (r != 0)
			return r;
	}
	return 0;
}

/* The place in the semaphore is given back once the node runs a good slot;
 * etcd may be unreachable then (it often starts later, or is down), so this
 * is retried until it worked. */
static bool release_owed;
static time_t next_release;

void lock_release(const struct config *c)
{
	if (!strcmp(c->strategy, "etcd-lock")) {
		release_owed = true;
		next_release = 0;
	}
}

static void release_step(const struct config *c)
{
	if (!release_owed || pending || time(NULL) < next_release)
		return;
	char err[300];
	if (semaphore(c, false, err, sizeof err) == 1) {
		say(NULL, "reboot lock: released (%s)", c->machine_id);
		release_owed = false;
	} else {
		if (!next_release)
			say(NULL, "reboot lock: cannot release it yet: %s; trying again", err);
		next_release = time(NULL) + 5 + rand() % 10;
	}
}

void reboot_request(const struct config *c, FILE *out)
{
	if (!strcmp(c->strategy, "off")) {
		say(out, "reboot strategy off: reboot to run the update");
		return;
	}
	/* The reboot itself comes from the main loop, after updatectl has its answer. */
	pending = true;
	next_try = 0;
	if (*c->window && !in_window(c->window))
		say(out, "rebooting in the reboot window (%s)", c->window);
	else
		say(out, "rebooting%s", strcmp(c->strategy, "etcd-lock") ? "" : " once the reboot lock is taken");
}

void reboot_step(const struct config *c)
{
	release_step(c);
	if (!pending || time(NULL) < next_try || !in_window(c->window))
		return;
	if (!strcmp(c->strategy, "etcd-lock")) {
		char err[300];
		int r = semaphore(c, true, err, sizeof err);
		if (r <= 0) {
			if (r < 0)
				say(NULL, "reboot lock: %s; trying again", err);
			else if (!next_try)
				say(NULL, "reboot lock: all %ld places are taken; waiting", c->lock_slots);
			next_try = time(NULL) + 5 + rand() % 10;
			return;
		}
		say(NULL, "reboot lock: taken (%s)", c->machine_id);
	}
	say(NULL, "rebooting into the update");
	if (init_call(c, "reboot\n", NULL, 0) != 0) {
		say(NULL, "init did not take the reboot; trying again in 10 s");
		lock_release(c);
		next_try = time(NULL) + 10;
		return;
	}
	pending = false;
}
