/* The supervisor's state, shared by its parts: supervisor.c (starting,
 * stopping, restarting, the event loop), notify.c (READY=1 from services) and
 * control.c (initctl's requests). Not an interface for anything else. */
#ifndef BERTH_SUP_H
#define BERTH_SUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../lib/unitdirs.h"
#include "log.h"
#include "supervisor.h"

enum state { WAITING, STARTING, STARTING_ONESHOT, RUNNING, EXITED, FAILED, SKIPPED, AUTO_RESTART,
	     STOPPING, STOPPED };
/* Which commands a unit's control process runs: ExecStartPre= before the main
 * process, ExecStartPost= after it started (ready, for notify). */
enum phase { PH_NONE, PH_PRE, PH_POST, PH_STOP, PH_KILL, PH_STOPPOST, PH_RELOAD };

struct svc {
	enum state state;
	enum phase phase;
	pid_t pid;            /* the main process */
	pid_t ctl;            /* the control process (ExecStartPre=, ExecStartPost=) */
	bool ignore_main, ignore_ctl; /* their command lines had the '-' prefix */
	size_t idx;           /* the next command of the current list */
	uint64_t deadline;    /* STARTING, STOPPING: TimeoutStartSec=/TimeoutStopSec= run out */
	bool start_after_stop; /* restart: start again once stopped */
	bool run_exec_stop;   /* the stop began on a started unit: ExecStop= applies */
	bool exiting;         /* stopping because its main process ended by itself: */
	bool exit_clean, exit_signalled; /* how, for Restart= once stopped */
	uint64_t since;       /* when the state last changed, for status */
	uint64_t restart_at;  /* AUTO_RESTART: when */
	uint64_t *starts;     /* the last start_limit_burst start times */
	unsigned nstarts;
	struct log_pipe log;  /* its processes' stdout and stderr, when init logs */
	unsigned long started; /* how many times it started, for status */
	unsigned auto_restarts; /* in a row, since it was last started by hand */
	int64_t last_start;   /* when last, wall clock (s) */
	int last_status;      /* its main process's last wait status, -1 if none */
};

struct sup {
	struct unit_set set;
	struct svc *svc;      /* parallel to set.units */
	bool *in;             /* pulled in by the goal */
	size_t *order, norder;
	bool ready, stopping;
	bool pid1;
	int end;              /* -1, or how the supervisor is asked to end (enum sup_end) */
	bool logging;         /* services' output to the log (log.h), not init's stdout */
	int kfd;              /* /dev/kmsg, or -1 */
	struct pollfd *pfd;   /* room for the event loop's descriptors */
	int sfd, nfd, cfd;    /* signals, notify socket, control socket */
	const struct sup_config *cfg;
#define MAX_PENDING 16
	int pending[MAX_PENDING];       /* control connections waiting for their request */
	uint64_t pending_since[MAX_PENDING];
	size_t npending;
#define MAX_JOBS 32
	struct job {          /* an initctl start/stop/restart waiting for its unit */
		int fd;
		char kind;    /* 's' start, 't' stop, 'r' restart (a stop, then a start) */
		char unit[256];
	} jobs[MAX_JOBS];
	size_t njobs;
};

extern char notify_path[108]; /* NOTIFY_SOCKET for Type=notify services */

uint64_t now_usec(void);
void say(const struct unit *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void start(struct sup *sp, size_t i);      /* start unit I now */
bool stop_unit(struct sup *sp, size_t i);  /* false if it was not running */
void stop_dependents(struct sup *sp, size_t i); /* what Requires= or BindsTo= it */
void up(struct sup *sp, size_t i);         /* its main process is up */
int reload_unit(struct sup *sp, size_t i, FILE *out); /* ExecReload=; systemctl's exit code */

/* reload.c */
void compute_order(struct sup *sp);
void start_with_deps(struct sup *sp, size_t i);
int units_reload(struct sup *sp, char *err, size_t errlen);
int unit_enable(struct sup *sp, size_t i, bool enable, FILE *out);
const char *unit_enablement(const struct sup *sp, size_t i);

int notify_socket(void);
void notified(struct sup *sp, int nfd);
void control_accept(struct sup *sp);
void control_pending(struct sup *sp, size_t k);
void control_expire(struct sup *sp);
void control_jobs(struct sup *sp, bool all); /* answers the jobs that are done (ALL: every one) */

#endif
