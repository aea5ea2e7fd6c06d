/* initctl's requests on the control socket (docs/init.md), and how units look to
 * it: systemctl's words for states, its status layout. */
/* struct ucred, accept4 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/depgraph.h"
#include "sup.h"

/* systemctl's words for a unit's state. */
static const char *active_state(const struct svc *s)
{
	switch (s->state) {
	case STARTING: case STARTING_ONESHOT: case AUTO_RESTART: return "activating";
	case RUNNING: return "active";
	case FAILED: return "failed";
	case STOPPING: return "deactivating";
	default: return "inactive";
	}
}

static const char *sub_state(const struct svc *s)
{
	switch (s->state) {
	case STARTING: case STARTING_ONESHOT: return "start";
	case AUTO_RESTART: return "auto-restart";
	case RUNNING: return s->pid > 0 ? "running" : "exited";
	case FAILED: return "Result: exit-code";
	case STOPPING: return "stop";
	case SKIPPED: return "dead, condition failed";
	default: return "dead";
	}
}

/* The status of unit I, as `systemctl status` shows it. */
static void status_text(struct sup *sp, size_t i, FILE *out)
{
	const struct unit *u = &sp->set.units[i];
	const struct svc *s = &sp->svc[i];
	fprintf(out, "* %s%s%s\n", u->name, u->description ? " - " : "", u->description ? u->description : "");
	if (u->nerrors)
		fprintf(out, "     Loaded: error (%s): %s\n", u->path, unit_first_error(u));
	else
		fprintf(out, "     Loaded: loaded (%s)\n", u->path);
	fprintf(out, "     Active: %s (%s)", active_state(s), sub_state(s));
	if (s->since)
		fprintf(out, " since %llu s ago", (unsigned long long)((now_usec() - s->since) / 1000000));
	fputc('\n', out);
	if (s->pid > 0)
		fprintf(out, "   Main PID: %d\n", (int)s->pid);
	if (u->kind == UNIT_SERVICE) {
		fprintf(out, "     Starts: %lu", s->started);
		if (s->last_start) {
			char when[32];
			struct tm tm;
			time_t t = (time_t)s->last_start;
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
			fprintf(out, ", last at %s", when);
		}
		fputc('\n', out);
		if (s->last_status >= 0 && WIFEXITED(s->last_status))
			fprintf(out, "  Last exit: status %d\n", WEXITSTATUS(s->last_status));
		else if (s->last_status >= 0)
			fprintf(out, "  Last exit: killed by signal %d\n", WTERMSIG(s->last_status));
	}
}

/* A new connection waits, without blocking init, for its request line: the
 * event loop polls it (control_pending) and drops it after a second. */
void control_accept(struct sup *sp)
{
	int c = accept4(sp->cfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		return;
	if (sp->npending == MAX_PENDING) { /* the oldest gives way */
		close(sp->pending[0]);
		memmove(sp->pending, sp->pending + 1, (MAX_PENDING - 1) * sizeof *sp->pending);
		memmove(sp->pending_since, sp->pending_since + 1, (MAX_PENDING - 1) * sizeof *sp->pending_since);
		sp->npending--;
	}
	sp->pending[sp->npending] = c;
	sp->pending_since[sp->npending++] = now_usec();
}

void control_expire(struct sup *sp)
{
	uint64_t t = now_usec();
	for (size_t k = 0; k < sp->npending;)
		if (t - sp->pending_since[k] > 1000000) {
			close(sp->pending[k]);
			sp->pending[k] = sp->pending[--sp->npending];
			sp->pending_since[k] = sp->pending_since[sp->npending];
		} else {
			k++;
		}
}

static void control_handle(struct sup *sp, int c);

/* Pending connection K is readable: its request, answered. */
void control_pending(struct sup *sp, size_t k)
{
	int c = sp->pending[k];
	sp->pending[k] = sp->pending[--sp->npending];
	sp->pending_since[k] = sp->pending_since[sp->npending];
	control_handle(sp, c);
}

/* One request (docs/init.md): a line "COMMAND [ARGS]"; the answer is a line
 * with an exit status, then text. Changes need root, checked with the peer's
 * credentials. A client that does not read its answer holds init 200 ms at
 * most. */
static void control_handle(struct sup *sp, int c)
{
	struct ucred cred;
	socklen_t cl = sizeof cred;
	struct timeval tv = { 0, 200000 };
	char req[512];
	ssize_t n = -1;
	int blocking = 0;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 &&
	    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0)
		n = recv(c, req, sizeof req - 1, MSG_DONTWAIT);
	if (n <= 0 || ioctl(c, FIONBIO, &blocking) < 0) {
		close(c);
		return;
	}
	req[n] = '\0';
	req[strcspn(req, "\r\n")] = '\0';
	char *cmd = strtok(req, " "), *arg = strtok(NULL, " "), *arg2 = strtok(NULL, " ");
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out) {
		close(c);
		return;
	}
	int code = 0;
	long i = arg ? dep_find(sp->set.units, sp->set.n, arg) : -1;
	static const char *const changes[] = { "start", "stop", "restart", "reload", "enable", "disable", NULL };
	bool change = false;
	for (int k = 0; cmd && changes[k]; k++)
		change |= !strcmp(cmd, changes[k]);
	int end = !cmd ? -1 : !strcmp(cmd, "reboot") ? END_REBOOT : !strcmp(cmd, "poweroff") ? END_POWEROFF
		: !strcmp(cmd, "halt") ? END_HALT : -1;
	bool follow = cmd && !strcmp(cmd, "follow");
	char job = 0;
	if (!cmd) {
		code = 1;
		fputs("empty request\n", out);
	} else if (!strcmp(cmd, "log") || follow) {
		/* "log N [UNIT]": the last N lines; "follow N [UNIT]": then every new one */
		long n = arg ? strtol(arg, NULL, 10) : 10;
		if (cred.uid != 0) { /* the kernel's and every service's output */
			code = 5;
			fprintf(out, "%s: permission denied (root only)\n", cmd);
			follow = false;
		} else if (arg2 && dep_find(sp->set.units, sp->set.n, arg2) < 0 && strcmp(arg2, "kernel")) {
			code = 4;
			fprintf(out, "Unit %s could not be found.\n", arg2);
			follow = false;
		} else {
			log_dump(out, arg2, n < 0 ? 0 : (size_t)n);
		}
	} else if (end >= 0) {
		if (cred.uid != 0) {
			code = 5;
			fprintf(out, "%s: permission denied (root only)\n", cmd);
		} else if (!sp->pid1 && end != END_STOP) {
			code = 1;
			fprintf(out, "%s: init is not PID 1 here\n", cmd);
		} else if (sp->end < 0) {
			sp->end = end;
		}
	} else if (!strcmp(cmd, "daemon-reload")) {
		char err[200];
		if (cred.uid != 0) {
			code = 5;
			fputs("daemon-reload: permission denied (root only)\n", out);
		} else if (units_reload(sp, err, sizeof err) < 0) {
			code = 1;
			fprintf(out, "daemon-reload failed: %s\n", err);
		}
	} else if (!strcmp(cmd, "list")) {
		for (size_t k = 0; k < sp->set.n; k++)
			fprintf(out, "%-32s %-12s %-14s %s\n", sp->set.units[k].name, active_state(&sp->svc[k]),
				sub_state(&sp->svc[k]), sp->set.units[k].description ? sp->set.units[k].description : "");
	} else if (strcmp(cmd, "status") && strcmp(cmd, "is-active") && strcmp(cmd, "is-enabled") && !change) {
		code = 1;
		fprintf(out, "unknown command: %s\n", cmd);
	} else if (i < 0) {
		code = 4;
		fprintf(out, "Unit %s could not be found.\n", arg ? arg : "(none)");
	} else if (!strcmp(cmd, "status")) {
		status_text(sp, (size_t)i, out);
		code = sp->svc[i].state == RUNNING ? 0 : 3;
	} else if (!strcmp(cmd, "is-active")) {
		fprintf(out, "%s\n", active_state(&sp->svc[i]));
		code = sp->svc[i].state == RUNNING ? 0 : 3;
	} else if (!strcmp(cmd, "is-enabled")) {
		const char *e = unit_enablement(sp, (size_t)i);
		fprintf(out, "%s\n", e);
		code = strcmp(e, "disabled") ? 0 : 1;
	} else if (cred.uid != 0) {
		code = 5;
		fprintf(out, "%s %s: permission denied (root only)\n", cmd, arg);
	} else {
		struct svc *s = &sp->svc[i];
		char err[200];
		if (!strcmp(cmd, "enable") || !strcmp(cmd, "disable")) {
			/* the links, then what they mean for the units loaded (systemctl
			 * reloads too) */
			code = unit_enable(sp, (size_t)i, cmd[0] == 'e', out);
			if (units_reload(sp, err, sizeof err) < 0) {
				code = 1;
				fprintf(out, "daemon-reload failed: %s\n", err);
			}
		} else if (!strcmp(cmd, "reload")) {
			code = reload_unit(sp, (size_t)i, out);
		} else if (!strcmp(cmd, "stop")) {
			job = 't';
			s->start_after_stop = false;
			if (!stop_unit(sp, (size_t)i))
				fprintf(out, "%s is not active\n", arg);
			else
				stop_dependents(sp, (size_t)i);
		} else if (!strcmp(cmd, "restart") && stop_unit(sp, (size_t)i)) {
			job = 'r';
			if (s->state == STOPPING)
				s->start_after_stop = true;
			else
				start_with_deps(sp, (size_t)i);
		} else if (s->state == STOPPING) {
			job = 'r';
			s->start_after_stop = true; /* start again once stopped */
		} else {
			job = 's';
			if (s->state != RUNNING && s->state != STARTING && s->state != STARTING_ONESHOT &&
			    s->state != WAITING)
				start_with_deps(sp, (size_t)i);
		}
		if (arg2 && !strcmp(arg2, "no-block"))
			job = 0;
	}
	fclose(out);
	/* start, stop, restart: answered once the unit is there (control_jobs),
	 * as systemctl waits for its job. */
	if (job && code == 0 && !len && sp->njobs < MAX_JOBS) {
		struct job *j = &sp->jobs[sp->njobs++];
		j->fd = c;
		j->kind = job;
		snprintf(j->unit, sizeof j->unit, "%s", arg);
		free(text);
		return;
	}
	char head[16];
	int hl = snprintf(head, sizeof head, "%d\n", code);
	bool sent = send(c, head, (size_t)hl, MSG_NOSIGNAL) == hl && (!len || send(c, text, len, MSG_NOSIGNAL) == (ssize_t)len);
	free(text);
	/* A follower keeps its connection: the log writes to it (log.h). */
	if (!(follow && sent && log_follow(c, arg2)))
		close(c);
}


/* Is the job done, and how: 0 succeeded, 1 failed, -1 not yet. */
static int job_result(struct sup *sp, struct job *j)
{
	long i = dep_find(sp->set.units, sp->set.n, j->unit);
	if (i < 0)
		return 1;
	const struct svc *s = &sp->svc[i];
	if (j->kind == 'r' && s->state != STOPPING)
		j->kind = 's'; /* stopped: now the start */
	switch (j->kind) {
	case 't':
		return s->state == STOPPING ? -1 : 0;
	case 's':
		if (s->state == RUNNING)
			return s->phase == PH_POST ? -1 : 0;
		if (s->state == EXITED || s->state == SKIPPED)
			return 0;
		if (s->state == FAILED || s->state == AUTO_RESTART || s->state == STOPPED)
			return 1;
		return -1;
	default:
		return -1;
	}
}

void control_jobs(struct sup *sp, bool all)
{
	for (size_t k = 0; k < sp->njobs;) {
		struct job *j = &sp->jobs[k];
		int r = job_result(sp, j);
		if (r < 0 && !all) {
			k++;
			continue;
		}
		char msg[600];
		int n = r > 0 ? snprintf(msg, sizeof msg, "1\nJob for %s failed. See \"initctl status %s\" and \"initctl log %s\".\n",
					 j->unit, j->unit, j->unit)
			: r < 0 ? snprintf(msg, sizeof msg, "1\nJob for %s canceled: the system is going down.\n", j->unit)
				: snprintf(msg, sizeof msg, "0\n");
		send(j->fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(j->fd);
		*j = sp->jobs[--sp->njobs];
	}
}
