#define _GNU_SOURCE /* accept4, struct ucred */
/* update-agent, the update agent: see agent.h and docs/update.md.
 *   update-agent [--config FILE]... [--socket PATH]
 * Settings: /usr/lib/berth/update.conf (the image's), then /etc/berth/update.conf
 * (the admin's), NAME=value lines; a later one wins. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/environ.h"
#include "../lib/mkdirp.h"
#include "../lib/msg.h"
#include "../lib/updatefile.h"
#include "agent.h"

void say(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (out) {
		va_list aq;
		va_copy(aq, ap);
		vfprintf(out, fmt, aq);
		fputc('\n', out);
		va_end(aq);
	}
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

/* "20M" -> bytes per second (K, M, G: powers of 1024, as systemd's); "" or
 * "0" -> 0, no limit. -1 if it is not a rate. */
static int64_t parse_rate(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return *s ? -1 : 0;
	int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	if (shift)
		end++;
	if (*end || errno || v > (1ULL << 40))
		return -1;
	return (int64_t)(v << shift);
}

static const char *const known[] = { "SERVER", "INTERVAL", "REBOOT_STRATEGY", "REBOOT_WINDOW", "WRITE_RATE",
				     "DOWNLOAD_RATE", "CRITICAL_UNITS", "HEALTH_TIMEOUT", "ETCD_ENDPOINTS",
				     "LOCK_SLOTS", NULL };

/* NAME's value (or DFLT) into DST; a value that does not fit is an error. */
static int copy(char *dst, size_t len, const struct strv *env, const char *name, const char *dflt)
{
	const char *v = environ_get(env, name, (int)strlen(name));
	if ((size_t)snprintf(dst, len, "%s", v ? v : dflt) < len)
		return 0;
	fprintf(stderr, "update-agent: %s: longer than %zu characters\n", name, len - 1);
	return -1;
}

/* The first VAR= line of os-release, unquoted. */
static void os_release(const char *var, char *out, size_t len)
{
	char line[256];
	size_t vl = strlen(var);
	snprintf(out, len, "unknown");
	FILE *f = fopen("/usr/lib/os-release", "re");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, var, vl) && line[vl] == '=') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "%s", line + vl + 1 + (line[vl + 1] == '"'));
			out[strcspn(out, "\"")] = '\0';
		}
	if (f)
		fclose(f);
}

static int load_config(struct config *c, char **files, int nfiles)
{
	struct strv env = { 0 };
	int bad = 0;
	char perr[600];
	if (conf_load(&env, (const char *const *)files, (size_t)nfiles, known, perr, sizeof perr) < 0) {
		fprintf(stderr, "update-agent: %s\n", perr);
		bad = 1;
	}
	char num[64];
	memset(c, 0, sizeof *c);
	bad |= copy(c->server, sizeof c->server, &env, "SERVER", "") < 0;
	size_t sl = strlen(c->server);
	while (sl && c->server[sl - 1] == '/')
		c->server[--sl] = '\0';
	bad |= copy(c->strategy, sizeof c->strategy, &env, "REBOOT_STRATEGY", "reboot") < 0;
	bad |= copy(c->window, sizeof c->window, &env, "REBOOT_WINDOW", "") < 0;
	bad |= copy(c->critical, sizeof c->critical, &env, "CRITICAL_UNITS", "") < 0;
	bad |= copy(c->etcd, sizeof c->etcd, &env, "ETCD_ENDPOINTS", "http://127.0.0.1:2379") < 0;
	struct { const char *name, *dflt; long min; long *out; } nums[] = {
		{ "INTERVAL", "3600", 1, &c->interval },
		{ "HEALTH_TIMEOUT", "300", 1, &c->health_timeout },
		{ "LOCK_SLOTS", "1", 1, &c->lock_slots },
	};
	for (size_t k = 0; k < sizeof nums / sizeof *nums; k++) {
		char *end;
		bad |= copy(num, sizeof num, &env, nums[k].name, nums[k].dflt) < 0;
		*nums[k].out = strtol(num, &end, 10);
		if (*end || end == num || *nums[k].out < nums[k].min) {
			fprintf(stderr, "update-agent: %s=%s: not a number of %ld or more\n", nums[k].name, num, nums[k].min);
			bad = 1;
		}
	}
	const char *rates[] = { "WRITE_RATE", "20M", "DOWNLOAD_RATE", "10M" };
	uint64_t *rate_out[] = { &c->write_rate, &c->download_rate };
	for (int k = 0; k < 2; k++) {
		bad |= copy(num, sizeof num, &env, rates[2 * k], rates[2 * k + 1]) < 0;
		int64_t r = parse_rate(num);
		if (r < 0) {
			fprintf(stderr, "update-agent: %s=%s: not a rate (bytes per second, K, M or G after the number)\n",
				rates[2 * k], num);
			bad = 1;
		}
		*rate_out[k] = r < 0 ? 0 : (uint64_t)r;
	}
	if (strcmp(c->strategy, "reboot") && strcmp(c->strategy, "etcd-lock") && strcmp(c->strategy, "off")) {
		fprintf(stderr, "update-agent: REBOOT_STRATEGY=%s: not reboot, etcd-lock or off\n", c->strategy);
		bad = 1;
	}
	if (!window_valid(c->window)) {
		fprintf(stderr, "update-agent: REBOOT_WINDOW=%s: not [DAY[,DAY...]] HH:MM-HH:MM (days: Mon..Sun)\n",
			c->window);
		bad = 1;
	}
	if (*c->server && strncmp(c->server, "http://", 7) && strncmp(c->server, "https://", 8)) {
		fprintf(stderr, "update-agent: SERVER=%s: not an http:// or https:// URL\n", c->server);
		bad = 1;
	}
	strv_clear(&env);
	os_release("VERSION_ID", c->version, sizeof c->version);
	os_release("VARIANT_ID", c->board, sizeof c->board);
	FILE *f = fopen("/etc/machine-id", "re");
	if (!f || !fgets(c->machine_id, sizeof c->machine_id, f))
		snprintf(c->machine_id, sizeof c->machine_id, "unknown");
	c->machine_id[strcspn(c->machine_id, "\n")] = '\0';
	if (f)
		fclose(f);
	char key[128] = "";
	f = fopen("/usr/lib/berth/update.pub", "re");
	if (!f || !fgets(key, sizeof key, f) || update_key_parse(key, c->key) < 0) {
		fprintf(stderr, "update-agent: /usr/lib/berth/update.pub: no update key (64 hex digits)\n");
		bad = 1;
	}
	if (f)
		fclose(f);
	return bad ? -1 : 0;
}

/* The disk write limit, on the agent's own cgroup (io.max of the disk the
 * slots are on): what it writes to a slot is held to WRITE_RATE. */
static void throttle(const struct config *c)
{
	struct partition root;
	char cg[512] = "", dev[32], path[700];
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (f && fgets(cg, sizeof cg, f))
		cg[strcspn(cg, "\n")] = '\0';
	if (f)
		fclose(f);
	if (strncmp(cg, "0::/", 4) || !strcmp(cg, "0::/") || !root_partition(&root)) {
		say(NULL, "not in a cgroup of its own, or / not on a disk: writes are not throttled");
		return;
	}
	snprintf(path, sizeof path, "/sys/class/block/%s/dev", root.disk);
	sysfs_read(path, dev, sizeof dev);
	snprintf(path, sizeof path, "/sys/fs/cgroup%s/io.max", cg + 3);
	f = fopen(path, "we");
	if (f) {
		if (c->write_rate)
			fprintf(f, "%s wbps=%llu\n", dev, (unsigned long long)c->write_rate);
		else
			fprintf(f, "%s wbps=max\n", dev);
	}
	if (!f || fclose(f) != 0)
		say(NULL, "cannot set %s: %s: writes are not throttled", path, strerror(errno));
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path)
		return -1;
	strcpy(sa.sun_path, path);
	char dir[256];
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdir_p(dir, 0755);
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || chmod(path, 0666) < 0 || listen(fd, 8) < 0)
		return -1;
	return fd;
}

static time_t next_check(const struct config *c)
{
	/* The interval, give or take a tenth, so a fleet does not ask all at once. */
	long j = c->interval / 5;
	return time(NULL) + c->interval - j / 2 + (j ? rand() % (j + 1) : 0);
}

static int mark_good(const struct config *c, FILE *out)
{
	struct slots s;
	char err[300];
	if (slots_load(&s, err, sizeof err) < 0 || slot_set(&s, s.cur, "SUCCESSFUL", "1", err, sizeof err) < 0 ||
	    slot_set(&s, s.cur, "TRIES", "0", err, sizeof err) < 0 || slots_save(&s, err, sizeof err) < 0) {
		say(out, "error: %s", err);
		return 1;
	}
	health_cancel();
	say(out, "slot %s (%s) marked good", s.cur, c->version);
	return 0;
}

static int rollback(FILE *out)
{
	struct slots s;
	char err[300], prio[24];
	if (slots_load(&s, err, sizeof err) < 0) {
		say(out, "error: %s", err);
		return 1;
	}
	if (!*slot_get(&s, s.oth, "HASH") || slot_num(&s, s.oth, "SUCCESSFUL") != 1) {
		say(out, "error: slot %s holds no system that was found good: nothing to roll back to", s.oth);
		return 1;
	}
	long cur = slot_num(&s, s.cur, "PRIORITY");
	snprintf(prio, sizeof prio, "%ld", cur >= 15 ? 15 : cur + 1);
	if (slot_set(&s, s.oth, "PRIORITY", prio, err, sizeof err) < 0 || slot_set(&s, s.oth, "FAILS", "0", err, sizeof err) < 0 ||
	    (cur >= 15 && slot_set(&s, s.cur, "PRIORITY", "14", err, sizeof err) < 0) || slots_save(&s, err, sizeof err) < 0) {
		say(out, "error: %s", err);
		return 1;
	}
	say(out, "slot %s (%s) boots next", s.oth, slot_get(&s, s.oth, "VERSION"));
	return 0;
}

static void status(const struct config *c, FILE *out)
{
	struct slots s;
	char err[300];
	if (slots_load(&s, err, sizeof err) < 0)
		fprintf(out, "slots: %s\n", err);
	else
		slots_status(&s, out);
	fprintf(out, "version: %s (board %s)\n", c->version, c->board);
	if (*c->server)
		fprintf(out, "server: %s (checked every %ld s)\n", c->server, c->interval);
	else
		fprintf(out, "server: none (no automatic checks)\n");
	fprintf(out, "reboot strategy: %s%s%s\n", c->strategy, *c->window ? ", window " : "", c->window);
	result_print(c, out);
	if (health_pending())
		fprintf(out, "health: waiting for the system to become healthy\n");
	if (reboot_pending())
		fprintf(out, "reboot: pending\n");
}

/* One request from updatectl: "CODE\n" then the text. */
static void serve(const struct config *c, int fd)
{
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char req[1024];
	ssize_t n = read(fd, req, sizeof req - 1);
	if (n <= 0)
		return;
	req[n] = '\0';
	req[strcspn(req, "\n")] = '\0';
	struct ucred cred;
	socklen_t cl = sizeof cred;
	bool root = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 && cred.uid == 0;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return;
	char *save, *cmd = strtok_r(req, " ", &save), *arg = strtok_r(NULL, " ", &save);
	bool downgrade = arg && !strcmp(arg, "allow-downgrade");
	if (downgrade)
		arg = strtok_r(NULL, " ", &save);
	int code = 0;
	if (cmd && !strcmp(cmd, "status")) {
		status(c, out);
	} else if (!root) {
		fprintf(out, "%s: permission denied (root only)\n", cmd ? cmd : "");
		code = 5;
	} else if (cmd && !strcmp(cmd, "check")) {
		code = apply_update(c, NULL, false, true, out) == 0 ? 0 : 1;
	} else if (cmd && !strcmp(cmd, "apply")) {
		if (health_pending()) {
			say(out, "error: the running slot is on trial: an update waits until it is marked good");
			code = 1;
		} else if (apply_update(c, arg, downgrade, false, out) == 0) {
			reboot_request(c, out);
		} else {
			code = 1;
		}
	} else if (cmd && !strcmp(cmd, "mark-good")) {
		code = mark_good(c, out);
	} else if (cmd && !strcmp(cmd, "rollback")) {
		code = rollback(out);
		if (code == 0)
			reboot_request(c, out);
	} else {
		fprintf(out, "unknown command: %s\n", cmd ? cmd : "");
		code = 2;
	}
	fclose(out);
	dprintf(fd, "%d\n", code);
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, text + done, len - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	free(text);
}

int main(int argc, char **argv)
{
	char *files[8] = { "/usr/lib/berth/update.conf", "/etc/berth/update.conf" };
	int nfiles = 2, given = 0;
	const char *sock = "/run/berth/update.sock";
	msg_program = "update"; /* its HTTP user agent: berth-update/1 */
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--config") && k + 1 < argc && given < 8) {
			files[given++] = argv[++k];
			nfiles = given;
		} else if (!strcmp(argv[k], "--socket") && k + 1 < argc) {
			sock = argv[++k];
		} else {
			fprintf(stderr, "usage: update-agent [--config FILE]... [--socket PATH]\n");
			return 2;
		}
	}
	struct config c;
	if (load_config(&c, files, nfiles) < 0)
		return 1;
	snprintf(c.init_socket, sizeof c.init_socket, "%s",
		 getenv("BERTH_INIT_SOCKET") ? getenv("BERTH_INIT_SOCKET") : "/run/berth/init.sock");
	snprintf(c.state_dir, sizeof c.state_dir, "/var/lib/berth/update");
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	int lfd = listen_on(sock);
	if (lfd < 0) {
		fprintf(stderr, "update-agent: cannot listen on %s: %s\n", sock, strerror(errno));
		return 1;
	}
	say(NULL, "running %s on %s; server %s", c.version, c.board, *c.server ? c.server : "none");
	throttle(&c);
	health_boot(&c);
	time_t check = *c.server ? next_check(&c) : 0;
	for (;;) {
		struct pollfd p = { lfd, POLLIN, 0 };
		if (poll(&p, 1, 1000) > 0) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				serve(&c, fd);
				close(fd);
			}
		}
		health_step(&c);
		reboot_step(&c);
		if (check && time(NULL) >= check && !health_pending() && !reboot_pending()) {
			if (apply_update(&c, NULL, false, false, NULL) == 0)
				reboot_request(&c, NULL);
			check = next_check(&c);
		}
	}
}
