/* The two ways init runs (init.c picks): as PID 1, or as an ordinary process
 * for tests. */
#ifndef BERTH_PID1_H
#define BERTH_PID1_H

/* Brings the system up, supervises, takes it down; never returns. */
void pid1_main(void) __attribute__((noreturn));
/* A listening control socket at PATH for initctl, or -1 with a message. */
int control_listen(const char *path);

#endif
