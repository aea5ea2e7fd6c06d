/* The two ways init runs (init.c picks): as PID 1, or as an ordinary process
 * for tests. */
#ifndef BERTH_PID1_H
#define BERTH_PID1_H

/* Brings the system up, supervises, takes it down; never returns. */
void pid1_main(void) __attribute__((noreturn));
/* --pid-namespace: returns 0 in a child that is PID 1 of a new PID and mount
 * namespace (the caller supervises there); the caller itself waits for it and
 * exits with its status. -1 if the namespace cannot be made. */
int enter_pid_namespace(void);
/* A listening control socket at PATH for initctl, or -1 with a message. */
int control_listen(const char *path);

#endif
