/* The supervisor: see supervisor.h.
 * States: a unit waits until every unit it is ordered after has settled (a
 * service is running, a oneshot has exited, anything has failed), then starts.
 * A child's exit is matched to its unit, and Restart= decides what follows;
 * more than StartLimitBurst starts within StartLimitIntervalSec fail the unit. */
/* pipe2 */
#define _GNU_SOURCE
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/depgraph.h"
#include "../lib/environ.h"
#include "../lib/execline.h"
#include "cgroup.h"
#include "sup.h"

static const char *const state_names[] = { "waiting", "starting", "starting", "running", "exited",
					   "failed", "skipped", "auto-restart", "stopping", "stopped" };

/* When a timeout of USEC from now runs out: never for 0 or infinity, as systemd. */
static uint64_t deadline_in(uint64_t usec)
{
	uint64_t t = now_usec();
	return usec == 0 || usec >= UINT64_MAX - t ? UINT64_MAX : t + usec;
}

uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* On the console, and in the unit's log with what its processes wrote. */
void say(const struct unit *u, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	printf("berth-init: %s: %s\n", u->name, msg);
	fflush(stdout);
	log_line(u->name, msg, n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

static bool settled(const struct svc *s, const struct unit *u)
{
	switch (s->state) {
	/* Up once ExecStartPost= is done, as systemd's start job. */
	case RUNNING: return (u->type != SERVICE_ONESHOT || u->remain_after_exit) && s->phase != PH_POST;
	/* A service waiting to restart has started once: what is ordered after it
	 * goes on, as with systemd's start job. */
	case EXITED: case FAILED: case SKIPPED: case AUTO_RESTART: case STOPPING: case STOPPED: return true;
	default: return false;
	}
}

/* The environment a service starts with: a PATH, then its settings. */
static int build_env(const struct unit *u, struct strv *env, char *err, int errlen)
{
	if (strv_add(env, "PATH=/usr/sbin:/usr/bin:/sbin:/bin") < 0)
		return -1;
	struct passwd *pw = u->user ? getpwnam(u->user) : NULL;
	if (pw) {
		char v[600];
		const char *names[] = { "USER", "LOGNAME" };
		for (int k = 0; k < 2; k++) {
			snprintf(v, sizeof v, "%s=%s", names[k], pw->pw_name);
			if (strv_add(env, v) < 0)
				return -1;
		}
		snprintf(v, sizeof v, "HOME=%s", pw->pw_dir);
		if (strv_add(env, v) < 0)
			return -1;
	}
	for (size_t i = 0; i < u->environment_files.n; i++) {
		const char *f = u->environment_files.v[i];
		bool optional = *f == '-';
		/* A regular file only, opened without blocking: a FIFO put there must
		 * not hang init. */
		int fd = open(f + optional, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		struct stat st;
		if (fd < 0) {
			if (optional && errno == ENOENT)
				continue;
			snprintf(err, (size_t)errlen, "EnvironmentFile %s: %s", f, strerror(errno));
			return -1;
		}
		static char buf[65536];
		ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= (off_t)sizeof buf
			? read(fd, buf, sizeof buf) : -1;
		close(fd);
		if (n < 0) {
			snprintf(err, (size_t)errlen, "EnvironmentFile %s: not a regular file of at most 64 KiB", f);
			return -1;
		}
		if (environ_parse_file(env, buf, (size_t)n, err, errlen) < 0)
			return -1;
	}
	for (size_t i = 0; i < u->environment.n; i++)
		if (environ_parse_setting(env, u->environment.v[i], err, errlen) < 0)
			return -1;
	return 0;
}

static const char *lookup(const char *name, int len, void *ctx)
{
	return environ_get(ctx, name, len);
}

/* In the child: become User= and Group= (the user's own group if no Group=),
 * with no supplementary groups but the user's. */
static int drop_privileges(const struct unit *u)
{
	if (!u->user && !u->group)
		return 0;
	struct passwd *pw = NULL;
	gid_t gid = getgid();
	if (u->user && !(pw = getpwnam(u->user))) {
		fprintf(stderr, "berth-init: %s: User=%s: no such user\n", u->name, u->user);
		return -1;
	}
	if (pw)
		gid = pw->pw_gid;
	if (u->group) {
		struct group *gr = getgrnam(u->group);
		if (!gr) {
			fprintf(stderr, "berth-init: %s: Group=%s: no such group\n", u->name, u->group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if ((pw ? initgroups(pw->pw_name, gid) : setgroups(0, NULL)) < 0 || setgid(gid) < 0 ||
	    (pw && setuid(pw->pw_uid) < 0)) {
		fprintf(stderr, "berth-init: %s: cannot change to User=%s Group=%s: %s\n", u->name,
			u->user ? u->user : "", u->group ? u->group : "", strerror(errno));
		return -1;
	}
	return 0;
}


/* Forks and execs LINE of unit I, in its cgroup, its output to its log pipe;
 * returns the pid, or -1 with a message. *IGNORE tells whether its failure is to
 * be ignored (the '-' prefix). */
static pid_t spawn_checked(struct sup *sp, size_t i, const char *line, bool *ignore, bool wait_exec);

static pid_t spawn(struct sup *sp, size_t i, const char *line, bool *ignore)
{
	return spawn_checked(sp, i, line, ignore, false);
}

/* WAIT_EXEC (Type=exec): returns only once the program runs, -1 if it could not
 * be run; a pipe that exec closes tells, as systemd does. */
static pid_t spawn_checked(struct sup *sp, size_t i, const char *line, bool *ignore, bool wait_exec)
{
	const struct unit *u = &sp->set.units[i];
	struct log_pipe *lp = &sp->svc[i].log;
	int out = sp->logging && log_pipe_open(lp) == 0 ? lp->w : -1;
	struct strv env = { 0 };
	struct execline el;
	char err[160] = "out of memory", ns[128];
	snprintf(ns, sizeof ns, "NOTIFY_SOCKET=%s", notify_path);
	if (build_env(u, &env, err, sizeof err) < 0 ||
	    (u->type == SERVICE_NOTIFY && *notify_path && strv_add(&env, ns) < 0) ||
	    execline_parse(&el, line, lookup, &env, err, sizeof err) < 0) {
		say(u, "cannot start: %s", err);
		strv_clear(&env);
		return -1;
	}
	fflush(stdout);
	int ex[2] = { -1, -1 };
	if (wait_exec && pipe2(ex, O_CLOEXEC) < 0)
		ex[0] = ex[1] = -1;
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		setsid();
		if (out >= 0) {
			int null = open("/dev/null", O_RDONLY);
			if (null > 0)
				dup2(null, 0), close(null);
			dup2(out, 1);
			dup2(out, 2);
		}
		if (cgroup_enter(u->name) < 0) {
			fprintf(stderr, "berth-init: %s: cannot enter its cgroup: %s\n", u->name, strerror(errno));
			_exit(219);
		}
		if (drop_privileges(u) < 0)
			_exit(216);
		if (u->working_directory && chdir(u->working_directory) < 0) {
			fprintf(stderr, "berth-init: %s: WorkingDirectory=%s: %s\n", u->name, u->working_directory, strerror(errno));
			_exit(200);
		}
		execve(el.path, el.argv, env.v);
		int e = errno;
		fprintf(stderr, "berth-init: %s: exec %s: %s\n", u->name, el.path, strerror(e));
		if (ex[1] >= 0 && write(ex[1], &e, sizeof e) < 0)
			_exit(203);
		_exit(203);
	}
	if (pid < 0)
		say(u, "fork: %s", strerror(errno));
	if (ex[1] >= 0) {
		close(ex[1]);
		int e = 0;
		ssize_t n;
		while ((n = read(ex[0], &e, sizeof e)) < 0 && errno == EINTR)
			;
		close(ex[0]);
		if (pid > 0 && n > 0) {
			say(u, "exec %s: %s", el.path, strerror(e));
			*ignore = el.ignore_failure;
			execline_free(&el);
			strv_clear(&env);
			return -1; /* the child exits 203; reaped as a stranger */
		}
	}
	*ignore = el.ignore_failure;
	execline_free(&el);
	strv_clear(&env);
	return pid;
}

/* Counts a start against the unit's start limit; false if the limit is hit. */
static bool start_allowed(struct svc *s, const struct unit *u)
{
	uint64_t t = now_usec(), window = u->start_limit_interval_usec;
	unsigned burst = u->start_limit_burst;
	if (burst == 0 || window == 0)
		return true;
	if (!s->starts && !(s->starts = calloc(burst, sizeof *s->starts)))
		return true;
	unsigned recent = 0;
	for (unsigned i = 0; i < s->nstarts && i < burst; i++)
		if (t - s->starts[i] < window)
			recent++;
	if (recent >= burst)
		return false;
	s->starts[s->nstarts++ % burst] = t;
	return true;
}

static void next_command(struct sup *sp, size_t i);
static void fail_start(struct sup *sp, size_t i, const char *why);

static bool active(const struct svc *s)
{
	return s->state == RUNNING || s->state == STARTING || s->state == STARTING_ONESHOT ||
	       s->state == AUTO_RESTART || s->state == WAITING;
}

/* Stops the active units that name unit I in one of LISTS (Requires=,
 * BindsTo=), and theirs in turn. */
static void stop_naming(struct sup *sp, size_t i, bool requires)
{
	const char *name = sp->set.units[i].name;
	for (size_t j = 0; j < sp->set.n; j++) {
		const struct unit *v = &sp->set.units[j];
		if (j == i || !active(&sp->svc[j]) ||
		    !(strv_contains(&v->binds_to, name) || (requires && strv_contains(&v->requires, name))))
			continue;
		if (sp->svc[j].state == WAITING) {
			sp->svc[j].state = STOPPED;
			continue;
		}
		say(v, "stopping: it %s %s, which stopped", strv_contains(&v->binds_to, name) ? "is bound to" : "requires", name);
		sp->svc[j].start_after_stop = false;
		if (stop_unit(sp, j))
			stop_naming(sp, j, requires);
	}
}

/* A stop asked for: what requires the unit or is bound to it stops too. */
void stop_dependents(struct sup *sp, size_t i)
{
	stop_naming(sp, i, true);
}

/* The unit went inactive, whatever the cause: what is bound to it stops. */
static void unbind(struct sup *sp, size_t i)
{
	if (!sp->stopping)
		stop_naming(sp, i, false);
}
static void after_exit(struct sup *sp, size_t i, bool clean, bool signalled);
static void next_stop_command(struct sup *sp, size_t i);

void start(struct sup *sp, size_t i)
{
	struct unit *u = &sp->set.units[i];
	struct svc *s = &sp->svc[i];
	if (u->nerrors || (u->kind == UNIT_SERVICE && !u->exec_start.n)) {
		say(u, "not started: %s", unit_first_error(u) ? unit_first_error(u) : "no ExecStart=");
		s->state = FAILED;
		return;
	}
	for (size_t k = 0; k < u->condition_path_exists.n; k++) {
		const char *p = u->condition_path_exists.v[k];
		bool negate = *p == '!';
		if ((access(p + negate, F_OK) == 0) == negate) {
			say(u, "skipped: condition ConditionPathExists=%s not met", p);
			s->state = SKIPPED;
			return;
		}
	}
	/* Requires= and BindsTo= units must not have failed. */
	const struct strv *hard[] = { &u->requires, &u->binds_to };
	for (int h = 0; h < 2; h++)
		for (size_t k = 0; k < hard[h]->n; k++) {
			long j = dep_find(sp->set.units, sp->set.n, hard[h]->v[k]);
			if (j < 0 || sp->svc[j].state == FAILED) {
				say(u, "not started: dependency %s %s", hard[h]->v[k], j < 0 ? "not found" : "failed");
				s->state = FAILED;
				return;
			}
		}
	/* Conflicts= either way: the other unit is stopped. */
	for (size_t j = 0; j < sp->set.n; j++) {
		const struct unit *v = &sp->set.units[j];
		if (j != i && (strv_contains(&u->conflicts, v->name) || strv_contains(&v->conflicts, u->name)) &&
		    stop_unit(sp, j)) {
			sp->svc[j].start_after_stop = false;
			say(u, "stops %s, which it conflicts with", v->name);
		}
	}
	if (u->kind == UNIT_TARGET) {
		s->state = RUNNING;
		say(u, "reached");
		return;
	}
	if (!start_allowed(s, u)) {
		say(u, "failed: start limit hit (%u starts within %llu ms)", u->start_limit_burst,
		    (unsigned long long)(u->start_limit_interval_usec / 1000));
		s->state = FAILED;
		return;
	}
	char err[300];
	if (cgroup_prepare(u, err, sizeof err) < 0) {
		say(u, "not started: %s", err);
		s->state = FAILED;
		return;
	}
	s->state = STARTING;
	s->deadline = deadline_in(u->timeout_start_usec);
	s->phase = PH_PRE;
	s->started++;
	s->last_start = (int64_t)time(NULL);
	s->idx = 0;
	next_command(sp, i);
}

/* Runs the next control command of the unit's phase, or moves on: after the last
 * ExecStartPre= the main process starts; after the last ExecStartPost= the unit
 * is up. */
static void next_command(struct sup *sp, size_t i)
{
	struct unit *u = &sp->set.units[i];
	struct svc *s = &sp->svc[i];
	const struct strv *list = s->phase == PH_PRE ? &u->exec_start_pre : &u->exec_start_post;
	if (s->phase != PH_NONE && s->idx < list->n) {
		s->ctl = spawn(sp, i, list->v[s->idx++], &s->ignore_ctl);
		if (s->ctl < 0)
			fail_start(sp, i, "could not run a control command");
		return;
	}
	if (s->phase == PH_PRE) {
		s->phase = PH_NONE;
		s->idx = 0;
		s->pid = spawn_checked(sp, i, u->exec_start.v[s->idx++], &s->ignore_main, u->type == SERVICE_EXEC);
		if (s->pid < 0) {
			s->pid = 0;
			fail_start(sp, i, "could not run ExecStart=");
			return;
		}
		say(u, "started, pid %d", (int)s->pid);
		if (u->type == SERVICE_ONESHOT)
			s->state = STARTING_ONESHOT;
		else if (u->type != SERVICE_NOTIFY)
			up(sp, i);
		return;
	}
	s->phase = PH_NONE;
}

/* The main process is up (started, or READY=1 for notify): ExecStartPost= next. */
void up(struct sup *sp, size_t i)
{
	struct svc *s = &sp->svc[i];
	s->state = RUNNING;
	s->since = now_usec();
	if (sp->set.units[i].type == SERVICE_NOTIFY)
		say(&sp->set.units[i], "ready");
	s->phase = PH_POST;
	s->idx = 0;
	next_command(sp, i);
}

/* Starts every waiting unit whose predecessors have settled; reports readiness. */
static void advance(struct sup *sp)
{
	if (sp->stopping)
		return;
	/* Again while it starts something: a start can settle a unit that one
	 * later in the order waits for at once (a target, a failed start). */
	for (bool again = true; again;) {
		again = false;
		for (size_t k = 0; k < sp->norder; k++) {
			size_t i = sp->order[k];
			if (sp->svc[i].state != WAITING)
				continue;
			/* What it starts after comes earlier in the order (where a
			 * cycle was broken, only that counts). */
			const struct unit *u = &sp->set.units[i];
			bool ready = true;
			for (size_t m = 0; m < k && ready; m++) {
				size_t j = sp->order[m];
				const struct unit *v = &sp->set.units[j];
				if (dep_after(u, v))
					ready = settled(&sp->svc[j], v);
			}
			if (ready) {
				start(sp, i);
				again = true;
			}
		}
	}
	if (sp->ready)
		return;
	for (size_t k = 0; k < sp->norder; k++)
		if (!settled(&sp->svc[sp->order[k]], &sp->set.units[sp->order[k]]))
			return;
	sp->ready = true;
}

static bool clean_exit(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 0;
	int sig = WTERMSIG(status);
	return sig == SIGHUP || sig == SIGINT || sig == SIGTERM || sig == SIGPIPE;
}

static void describe(const struct unit *u, const char *what, int status)
{
	if (WIFEXITED(status))
		say(u, "%s exited with status %d", what, WEXITSTATUS(status));
	else
		say(u, "%s killed by signal %d", what, WTERMSIG(status));
}

/* Kills what is left of the unit (its process groups) and lets Restart= decide. */
static void fail_start(struct sup *sp, size_t i, const char *why)
{
	struct svc *s = &sp->svc[i];
	say(&sp->set.units[i], "%s", why);
	/* Killed processes are forgotten: when reaped they no longer match the
	 * unit, so they cannot disturb a restart. */
	if (s->pid > 0)
		kill(-s->pid, SIGKILL), kill(s->pid, SIGKILL);
	if (s->ctl > 0)
		kill(-s->ctl, SIGKILL), kill(s->ctl, SIGKILL);
	cgroup_kill(sp->set.units[i].name);
	s->pid = s->ctl = 0;
	after_exit(sp, i, false, true);
}

/* What follows the end of the main process (or a failed start). */
static void after_exit(struct sup *sp, size_t i, bool clean, bool signalled)
{
	struct unit *u = &sp->set.units[i];
	struct svc *s = &sp->svc[i];
	/* Its main process ended by itself, or its start failed: as systemd,
	 * ExecStop= (if it had started) and ExecStopPost= run first, then
	 * Restart= decides. next_stop_command comes back here when they are done. */
	if (!s->exiting && !(clean && u->remain_after_exit) && (u->exec_stop.n || u->exec_stop_post.n)) {
		s->exiting = true;
		s->exit_clean = clean;
		s->exit_signalled = signalled;
		s->run_exec_stop = s->state == RUNNING;
		s->state = STOPPING;
		s->deadline = deadline_in(u->timeout_stop_usec);
		s->phase = PH_STOP;
		s->idx = 0;
		next_stop_command(sp, i);
		return;
	}
	s->exiting = false;
	s->phase = PH_NONE;
	bool restart = false;
	switch (sp->stopping ? RESTART_NO : u->restart) {
	case RESTART_NO: break;
	case RESTART_ON_SUCCESS: restart = clean; break;
	case RESTART_ON_FAILURE: restart = !clean; break;
	case RESTART_ON_ABNORMAL: restart = signalled && !clean; break;
	case RESTART_ALWAYS: restart = true; break;
	}
	/* Its main process gone, nothing of the unit stays behind (but a
	 * RemainAfterExit= oneshot's, which stays active). */
	if (restart || !clean || !u->remain_after_exit)
		cgroup_kill(u->name);
	if (restart) {
		s->state = AUTO_RESTART;
		uint64_t delay = unit_restart_delay(u, s->auto_restarts++);
		s->restart_at = delay == UINT64_MAX ? UINT64_MAX : now_usec() + delay;
		say(u, "restarting in %llu ms", (unsigned long long)(delay / 1000));
		return;
	}
	if (clean)
		s->state = u->remain_after_exit ? RUNNING : EXITED;
	else
		s->state = FAILED;
	s->since = now_usec();
	say(u, "%s", state_names[s->state]);
	if (s->state != RUNNING)
		unbind(sp, i);
}

static void main_exited(struct sup *sp, size_t i, int status)
{
	struct unit *u = &sp->set.units[i];
	struct svc *s = &sp->svc[i];
	s->pid = 0;
	s->last_status = status;
	describe(u, "main process", status);
	if (s->state == STOPPING) {
		/* What else is in its cgroup has until TimeoutStopSec= to go too
		 * (the event loop looks). */
		if (s->phase == PH_KILL && !cgroup_populated(u->name)) {
			s->phase = PH_STOPPOST;
			s->idx = 0;
			next_stop_command(sp, i);
		}
		return;
	}
	if (s->state == FAILED || s->state == AUTO_RESTART)
		return; /* killed by a failed start, already decided */
	bool clean = (u->type == SERVICE_ONESHOT ? WIFEXITED(status) && WEXITSTATUS(status) == 0
						 : clean_exit(status)) || s->ignore_main;
	if (u->type == SERVICE_NOTIFY && s->state == STARTING) {
		say(u, "exited before READY=1");
		clean = false;
	}
	if (s->state == STARTING_ONESHOT && clean) {
		if (s->idx < u->exec_start.n) {
			s->pid = spawn(sp, i, u->exec_start.v[s->idx++], &s->ignore_main);
			if (s->pid > 0)
				return;
			clean = false;
		} else {
			up(sp, i); /* ExecStartPost=, then exited (or remain) */
			if (s->phase == PH_NONE && s->state == RUNNING)
				after_exit(sp, i, true, false);
			return;
		}
	}
	if (s->ctl > 0) { /* a control command of a process that is gone */
		kill(-s->ctl, SIGKILL);
		kill(s->ctl, SIGKILL);
		s->ctl = 0;
	}
	after_exit(sp, i, clean, WIFSIGNALED(status));
}

static void ctl_exited(struct sup *sp, size_t i, int status)
{
	struct unit *u = &sp->set.units[i];
	struct svc *s = &sp->svc[i];
	s->ctl = 0;
	static const char *const what[] = { "control process", "ExecStartPre", "ExecStartPost",
					    "ExecStop", "control process", "ExecStopPost", "ExecReload" };
	describe(u, what[s->phase], status);
	if (s->phase == PH_RELOAD) {
		if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && !s->ignore_ctl) {
			say(u, "reload failed");
			s->phase = PH_NONE;
		} else if (s->idx < u->exec_reload.n) {
			s->ctl = spawn(sp, i, u->exec_reload.v[s->idx++], &s->ignore_ctl);
		} else {
			s->phase = PH_NONE;
			say(u, "reloaded");
		}
		return;
	}
	if (s->state == STOPPING) {
		next_stop_command(sp, i);
		return;
	}
	if (s->state == FAILED || s->state == AUTO_RESTART || s->phase == PH_NONE)
		return;
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!ok && !s->ignore_ctl) {
		fail_start(sp, i, s->phase == PH_PRE ? "ExecStartPre= failed" : "ExecStartPost= failed");
		return;
	}
	bool oneshot_done = u->type == SERVICE_ONESHOT && s->pid == 0 && s->phase == PH_POST;
	next_command(sp, i);
	if (oneshot_done && s->phase == PH_NONE && s->ctl == 0)
		after_exit(sp, i, true, false);
}

int reload_unit(struct sup *sp, size_t i, FILE *out)
{
	struct unit *u = &sp->set.units[i];
	struct svc *s = &sp->svc[i];
	if (!u->exec_reload.n) {
		fprintf(out, "Job type reload is not applicable for unit %s.\n", u->name);
		return 1;
	}
	if (s->state != RUNNING || s->ctl > 0) {
		fprintf(out, "%s is %s, cannot reload.\n", u->name, s->state == RUNNING ? "busy" : "not active");
		return 1;
	}
	s->phase = PH_RELOAD;
	s->idx = 0;
	s->ctl = spawn(sp, i, u->exec_reload.v[s->idx++], &s->ignore_ctl);
	if (s->ctl < 0) {
		s->phase = PH_NONE;
		fprintf(out, "%s: could not run ExecReload=\n", u->name);
		return 1;
	}
	return 0;
}

static void reap(struct sup *sp)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (size_t i = 0; i < sp->set.n; i++)
			if (sp->svc[i].pid == pid || sp->svc[i].ctl == pid) {
				/* what it wrote comes before the news of its end (up to
				 * 64 KiB: a sibling that floods does not hold init) */
				for (int k = 0; k < 128 && log_pipe_read(&sp->svc[i].log, sp->set.units[i].name); k++)
					;
				if (sp->svc[i].pid == pid)
					main_exited(sp, i, status);
				else
					ctl_exited(sp, i, status);
				break;
			}
	}
}

/* Stops unit I without waiting: ExecStop= (control process), KillSignal= to what
 * is left, SIGKILL after TimeoutStopSec=, then ExecStopPost=; the event loop
 * carries it through. */
static void next_stop_command(struct sup *sp, size_t i)
{
	struct unit *u = &sp->set.units[i];
	struct svc *s = &sp->svc[i];
	if (s->phase == PH_STOP) {
		if (s->run_exec_stop && s->idx < u->exec_stop.n && s->deadline != UINT64_MAX - 1) {
			s->ctl = spawn(sp, i, u->exec_stop.v[s->idx++], &s->ignore_ctl);
			if (s->ctl > 0)
				return;
		}
		if (s->pid > 0) {
			s->phase = PH_KILL;
			kill(-s->pid, u->kill_signal);
			kill(s->pid, u->kill_signal);
			cgroup_signal(u->name, u->kill_signal);
			return;
		}
		cgroup_signal(u->name, u->kill_signal); /* what a RemainAfterExit= oneshot left */
		s->phase = PH_STOPPOST;
		s->idx = 0;
	}
	if (s->phase == PH_STOPPOST && s->idx == 0)
		s->deadline = deadline_in(u->timeout_stop_usec); /* ExecStopPost= gets its own */
	if (s->phase == PH_STOPPOST && s->idx < u->exec_stop_post.n) {
		s->ctl = spawn(sp, i, u->exec_stop_post.v[s->idx++], &s->ignore_ctl);
		if (s->ctl > 0)
			return;
	}
	s->phase = PH_NONE;
	if (s->exiting) { /* the stop after an exit of its own: Restart= next */
		after_exit(sp, i, s->exit_clean, s->exit_signalled);
		return;
	}
	s->state = STOPPED;
	s->since = now_usec();
	cgroup_kill(u->name);
	say(u, "stopped");
	unbind(sp, i);
	if (s->start_after_stop && !sp->stopping) {
		s->start_after_stop = false;
		start(sp, i);
	}
}

/* Returns false if the unit was not running (nothing to stop). */
bool stop_unit(struct sup *sp, size_t i)
{
	struct unit *u = &sp->set.units[i];
	struct svc *s = &sp->svc[i];
	if (s->state == AUTO_RESTART) {
		s->state = STOPPED;
		s->since = now_usec();
		return true;
	}
	if (s->state == STOPPING) {
		s->exiting = false; /* stopped by request: no restart after all */
		return true;
	}
	if (s->pid <= 0 && s->ctl <= 0 && s->state != RUNNING)
		return false;
	say(u, "stopping");
	if (s->ctl > 0) /* a start-up command in progress */
		kill(-s->ctl, SIGKILL);
	s->run_exec_stop = s->state == RUNNING;
	s->state = STOPPING;
	s->deadline = deadline_in(u->timeout_stop_usec);
	s->phase = PH_STOP;
	s->idx = 0;
	if (s->ctl <= 0)
		next_stop_command(sp, i);
	return true;
}

static bool pump(struct sup *sp);

/* Stops every unit in reverse start order, one after the other. */
static void stop_all(struct sup *sp)
{
	sp->stopping = true;
	for (size_t i = 0; i < sp->set.n; i++)
		if (sp->svc[i].state == AUTO_RESTART)
			sp->svc[i].state = STOPPED;
	for (size_t k = sp->norder; k-- > 0;) {
		size_t i = sp->order[k];
		if (stop_unit(sp, i))
			while (sp->svc[i].state == STOPPING)
				pump(sp);
	}
	for (size_t i = 0; i < sp->set.n; i++) /* started by hand, outside the goal */
		if (stop_unit(sp, i))
			while (sp->svc[i].state == STOPPING)
				pump(sp);
}

/* What a signal asks of the supervisor: as PID 1 the signals of BusyBox's
 * reboot, poweroff and halt (and Ctrl-Alt-Del's SIGINT); as a process, to stop. */
static int end_for(const struct sup *sp, unsigned sig)
{
	switch (sig) {
	case SIGTERM: case SIGINT: return sp->pid1 ? END_REBOOT : END_STOP;
	case SIGUSR2: return sp->pid1 ? END_POWEROFF : -1;
	case SIGUSR1: return sp->pid1 ? END_HALT : -1;
	default: return -1;
	}
}

/* One turn of the event loop: waits for a signal, a notification, a control
 * request or the next timer, and handles them. Returns true once asked to end
 * (sp->end says how). */
static bool pump(struct sup *sp)
{
	uint64_t t = now_usec(), next = UINT64_MAX;
	for (size_t i = 0; i < sp->set.n; i++) {
		const struct svc *s = &sp->svc[i];
		if (s->state == AUTO_RESTART && s->restart_at < next)
			next = s->restart_at;
		if ((s->state == STARTING || s->state == STARTING_ONESHOT || s->state == STOPPING) && s->deadline < next)
			next = s->deadline;
		if (s->state == STOPPING && s->phase == PH_KILL && s->pid <= 0 && t + 50000 < next)
			next = t + 50000; /* the rest of its cgroup is going: look again soon */
	}
	uint64_t wait_ms = next == UINT64_MAX ? 0 : next <= t ? 0 : (next - t + 999) / 1000;
	int ms = next == UINT64_MAX ? -1 : wait_ms > 86400000 ? 86400000 : (int)wait_ms;
	/* signals, notifications, initctl, the kernel's log, each unit's log */
	struct pollfd *p = sp->pfd;
	p[0] = (struct pollfd){ sp->sfd, POLLIN, 0 };
	p[1] = (struct pollfd){ sp->nfd, POLLIN, 0 };
	p[2] = (struct pollfd){ sp->stopping ? -1 : sp->cfd, POLLIN, 0 };
	p[3] = (struct pollfd){ sp->kfd, POLLIN, 0 };
	for (size_t i = 0; i < sp->set.n; i++)
		p[4 + i] = (struct pollfd){ sp->svc[i].log.r > 0 ? sp->svc[i].log.r : -1, POLLIN, 0 };
	struct pollfd *pc = p + 4 + sp->set.n;
	size_t npc = sp->npending;
	for (size_t k = 0; k < npc; k++)
		pc[k] = (struct pollfd){ sp->pending[k], POLLIN, 0 };
	if (npc && (ms < 0 || ms > 1000))
		ms = 1000; /* to drop connections that send nothing */
	if (poll(p, 4 + sp->set.n + npc, ms) < 0 && errno != EINTR && !sp->pid1)
		return sp->end = END_STOP, true;
	for (size_t i = 0; i < sp->set.n; i++)
		if (p[4 + i].revents & POLLIN)
			log_pipe_read(&sp->svc[i].log, sp->set.units[i].name);
	if (sp->kfd >= 0 && (p[3].revents & POLLIN))
		log_kmsg_read(sp->kfd);
	if (sp->nfd >= 0 && (p[1].revents & POLLIN))
		notified(sp, sp->nfd);
	/* Requests last, from copies: daemon-reload replaces sp->pfd. */
	short ready[MAX_PENDING], accept_ready = p[2].revents & POLLIN;
	for (size_t k = 0; k < npc; k++)
		ready[k] = pc[k].revents;
	for (size_t k = npc; k-- > 0;) /* from the end: handling one moves the last */
		if (ready[k] && k < sp->npending && !sp->stopping)
			control_pending(sp, k);
	control_expire(sp);
	if (sp->cfd >= 0 && accept_ready && !sp->stopping)
		control_accept(sp);
	struct signalfd_siginfo si;
	while (read(sp->sfd, &si, sizeof si) == sizeof si)
		if (end_for(sp, si.ssi_signo) >= 0 && sp->end < 0)
			sp->end = end_for(sp, si.ssi_signo);
	reap(sp);
	t = now_usec();
	for (size_t i = 0; i < sp->set.n; i++) {
		struct svc *s = &sp->svc[i];
		if (s->state == AUTO_RESTART && s->restart_at <= t && !sp->stopping)
			start(sp, i);
		else if ((s->state == STARTING || s->state == STARTING_ONESHOT) && s->deadline <= t)
			fail_start(sp, i, "start timed out (TimeoutStartSec=)");
		else if (s->state == STOPPING && s->phase == PH_KILL && s->pid <= 0 &&
			 !cgroup_populated(sp->set.units[i].name)) {
			s->phase = PH_STOPPOST;
			s->idx = 0;
			next_stop_command(sp, i);
		}
		else if (s->state == STOPPING && s->deadline <= t) {
			say(&sp->set.units[i], "did not stop in time: killing");
			if (s->pid > 0)
				kill(-s->pid, SIGKILL), kill(s->pid, SIGKILL);
			cgroup_kill(sp->set.units[i].name);
			if (s->ctl > 0)
				kill(-s->ctl, SIGKILL);
			s->deadline = UINT64_MAX - 1; /* killed: no more ExecStop= */
		}
	}
	advance(sp);
	control_jobs(sp, false);
	return sp->end >= 0;
}

int supervise(const struct sup_config *cfg)
{
	struct sup sp = { .end = -1, .pid1 = cfg->pid1, .cfg = cfg };
	char host[256] = "localhost";
	const char *goal = cfg->goal, *mid = cfg->machine_id ? cfg->machine_id : "";
	gethostname(host, sizeof host - 1);
	if (unitdirs_load(&sp.set, cfg->dirs, cfg->ndirs, host, mid) < 0 ||
	    !unitdirs_get(&sp.set, cfg->dirs, cfg->ndirs, goal, host, mid)) {
		fprintf(stderr, "berth-init: no unit %s\n", goal);
		unit_set_free(&sp.set);
		return -1;
	}
	size_t n = sp.set.n;
	sp.svc = calloc(n, sizeof *sp.svc);
	sp.in = calloc(n, sizeof *sp.in);
	sp.order = calloc(n, sizeof *sp.order);
	sp.pfd = calloc(n + 4 + MAX_PENDING, sizeof *sp.pfd);
	sp.kfd = -1;
	int rc = -1;
	if (!sp.svc || !sp.in || !sp.order || !sp.pfd)
		goto out;
	for (size_t i = 0; i < n; i++) {
		sp.svc[i].log.r = sp.svc[i].log.w = -1;
		sp.svc[i].last_status = -1;
	}
	if (cfg->log_dir) {
		log_set_dir(cfg->log_dir, cfg->log_cap ? cfg->log_cap : 1 << 20);
		sp.logging = true;
	}
	if (cfg->pid1)
		sp.kfd = log_kmsg_open();
	if ((cfg->pid1 || cfg->cgroups) && !cgroup_init())
		fprintf(stderr, "berth-init: no cgroup2 at /sys/fs/cgroup: services run without cgroups\n");
	for (size_t i = 0; i < n; i++)
		for (unsigned d = 0; d < sp.set.units[i].ndiags; d++)
			fprintf(stderr, "berth-init: %s: %s\n", sp.set.units[i].diags[d].error ? "error" : "warning",
				sp.set.units[i].diags[d].msg);
	dep_closure(sp.set.units, n, (size_t)dep_find(sp.set.units, n, goal), sp.in);
	for (size_t i = 0; i < n; i++)
		sp.svc[i].state = sp.in[i] ? WAITING : STOPPED;
	compute_order(&sp);

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		perror("berth-init: signalfd");
		goto out;
	}
	int nfd = notify_socket();
	if (nfd < 0)
		perror("berth-init: notify socket (Type=notify units will time out)");
	sp.sfd = sfd;
	sp.nfd = nfd;
	sp.cfd = cfg->control >= 0 ? cfg->control : -1;
	advance(&sp);
	bool announced = false;
	for (;;) {
		if (sp.ready && !announced) {
			printf("%s\n", cfg->ready_line);
			fflush(stdout);
			announced = true;
		}
		if (pump(&sp))
			break;
	}
	control_jobs(&sp, true); /* whatever they waited for will not come now */
	stop_all(&sp);
	close(sfd);
	if (nfd >= 0)
		close(nfd);
	rc = sp.end;
out:
	/* sp.set.n, not n: daemon-reload and starts by name add units. */
	for (size_t i = 0; i < sp.set.n && sp.svc; i++) {
		free(sp.svc[i].starts);
		log_pipe_close(&sp.svc[i].log);
	}
	if (sp.kfd >= 0)
		close(sp.kfd);
	free(sp.pfd);
	free(sp.svc);
	free(sp.in);
	free(sp.order);
	unit_set_free(&sp.set);
	return rc;
}
