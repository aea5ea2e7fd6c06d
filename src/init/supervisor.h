/* The service supervisor at the heart of init: starts a goal's units in order,
 * restarts them by their Restart= policy within their start limit, stops them in
 * reverse order. It never blocks: everything happens in its event loop, driven
 * by child exits, signals and timers. */
#ifndef BERTH_SUPERVISOR_H
#define BERTH_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>

/* How the supervisor was asked to end. */
enum sup_end { END_STOP, END_REBOOT, END_POWEROFF, END_HALT };

struct sup_config {
	const char *const *dirs; /* unit directories, lowest priority first */
	size_t ndirs;
	const char *goal;        /* the unit to start: default.target */
	const char *ready_line;  /* printed when every unit of the goal has started (or failed) */
	int control;             /* a listening unix socket for initctl, or -1 */
	const char *machine_id;  /* for %m */
	bool pid1;               /* SIGTERM reboots, SIGUSR2 powers off, SIGUSR1 halts;
				    the kernel's messages are logged; cgroups are used */
	const char *admin_dir;   /* where enable and disable write links, or NULL */
	const char *log_dir;     /* services' output logged, to files here; NULL: to stdout */
	size_t log_cap;          /* each file rotated past this size (0: 1 MiB) */
	bool cgroups;            /* one cgroup per service (always as PID 1) */
};

/* Runs until asked to end (a signal, or initctl reboot/poweroff), then stops
 * every unit and returns how it was asked to end; -1 if the goal cannot be found
 * or ordered. As an ordinary process SIGTERM and SIGINT mean END_STOP. */
int supervise(const struct sup_config *cfg);

#endif
