/* The end of a PID 1: the units have stopped; what is left gets SIGTERM, then
 * SIGKILL, the filesystems are unmounted, and the kernel reboots, powers off or
 * halts. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot.h"
#include "log.h"

/* Reaps until no process is left or SECONDS have passed; true if none is left. */
static bool wait_all(int seconds)
{
	for (int i = 0; i < seconds * 20; i++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return true;
		nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	}
	return false;
}

void final_shutdown(enum sup_end how)
{
	static const char *const words[] = { "stop", "reboot", "power off", "halt" };
	boot_log("units stopped: sending SIGTERM to what is left");
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	if (!wait_all(5)) {
		boot_log("sending SIGKILL to what is left");
		kill(-1, SIGKILL);
		wait_all(5);
	}
	random_seed_save();
	log_close_files(); /* init's own files on /var, which must unmount */
	sync();
	unmount_all();
	sync();
	boot_log("%s", words[how]);
	reboot(how == END_POWEROFF ? RB_POWER_OFF : how == END_HALT ? RB_HALT_SYSTEM : RB_AUTOBOOT);
	/* Not reached unless the kernel refused: PID 1 must not exit. */
	for (;;)
		pause();
}
