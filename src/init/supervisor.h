/* The service supervisor at the heart of init: starts a goal's units in order,
 * restarts them by their Restart= policy within their start limit, stops them in
 * reverse order. It never blocks: everything happens in its event loop, driven
 * by child exits, signals and timers. */
#ifndef BERTH_SUPERVISOR_H
#define BERTH_SUPERVISOR_H

#include <stddef.h>

/* Runs until SIGTERM or SIGINT, then stops every unit and returns 0 (1 if the
 * goal cannot be found or ordered). DIRS are the unit directories, lowest
 * priority first. READY_LINE is printed when every unit of the goal has started
 * (or failed). CONTROL is a listening unix socket for initctl (control.h), or -1. */
int supervise(const char *const *dirs, size_t ndirs, const char *goal, const char *ready_line,
	      int control);

#endif
