/* Messages of Berth's programs: "PROGRAM: text" on standard error, which for
 * a daemon is init's log of its unit. */
#ifndef BERTH_MSG_H
#define BERTH_MSG_H

/* The prefix: set once, in main. */
extern const char *msg_program;

void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
