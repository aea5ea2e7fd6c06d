/* init --pid-namespace, for tests: the supervisor as PID 1 of a new PID and
 * mount namespace, so that orphans, `kill -9 -1` and reaping behave as they do
 * for the real PID 1, on a host where init cannot be PID 1. */
/* unshare, CLONE_NEWPID */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pid1.h"

int enter_pid_namespace(void)
{
	if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0) {
		perror("berth-init: --pid-namespace");
		return -1;
	}
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, &old);
	pid_t child = fork();
	if (child < 0) {
		perror("berth-init: fork");
		return -1;
	}
	if (child == 0) {
		/* PID 1 of the namespace, with a /proc that shows it. */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			perror("berth-init: --pid-namespace: /proc");
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	/* Outside: SIGTERM and SIGINT go on to it; its exit status is ours. */
	for (;;) {
		int sig, status;
		struct timespec tick = { 0, 100000000 };
		siginfo_t si;
		sig = sigtimedwait(&mask, &si, &tick);
		if (sig > 0)
			kill(child, sig);
		if (waitpid(child, &status, WNOHANG) == child)
			exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
}
