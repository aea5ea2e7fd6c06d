/* init's log: every line a service writes to its stdout or stderr, and the
 * kernel's messages, go to an in-memory ring (for initctl log) and, once a
 * directory is set, to DIR/UNIT.log, rotated to UNIT.log.1 past a size cap.
 * Readers that follow get each new line as it comes. */
#ifndef BERTH_LOG_H
#define BERTH_LOG_H

#include <stddef.h>
#include <stdio.h>

/* Files from now on in DIR (made if need be), each rotated past CAP bytes. */
void log_set_dir(const char *dir, size_t cap);
/* No more files: they are closed (before /var is unmounted). */
void log_close_files(void);
/* One line (LEN bytes, no newline) of UNIT's ("kernel", or a unit's name). */
void log_line(const char *unit, const char *text, size_t len);
/* The last N lines of UNIT (all units if NULL), oldest first, as initctl shows
 * them: "Nov 27 21:13:52 UNIT: text". */
void log_dump(FILE *out, const char *unit, size_t n);
/* FD gets every later line of UNIT (all if NULL) until it goes away; false if
 * too many follow already. */
_Bool log_follow(int fd, const char *unit);

/* A pipe a unit's processes write to: lines read from it are UNIT's. */
struct log_pipe {
	int r, w;      /* -1 until first used */
	size_t have;   /* bytes of an unfinished line in buf */
	char buf[512];
};
int log_pipe_open(struct log_pipe *p);    /* 0, or -1 (then the unit writes to init's stdout) */
/* One read of what is there, without blocking: true if it read something. */
_Bool log_pipe_read(struct log_pipe *p, const char *unit);
void log_pipe_close(struct log_pipe *p);

/* The kernel's messages: /dev/kmsg, read without blocking; -1 if absent. */
int log_kmsg_open(void);
void log_kmsg_read(int fd);

#endif
