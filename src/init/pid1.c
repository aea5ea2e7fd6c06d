/* Init as PID 1: the system up (boot.h), the units supervised, the system down.
 * Nothing here returns: if the unit directories cannot give a goal, the console
 * gets a shell, and the system stays up for someone to repair it. */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/blockdev.h"
#include "boot.h"
#include "pid1.h"

void boot_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("berth-init: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

void root_slot(char *out, size_t len)
{
	struct partition p;
	snprintf(out, len, "%s", root_partition(&p) && !strncmp(p.name, "ROOT-", 5) ? p.name + 5 : "none");
}

/* VERSION_ID of the image, from os-release. */
static void image_version(char *out, size_t len)
{
	char line[256];
	snprintf(out, len, "unknown");
	FILE *f = fopen("/usr/lib/os-release", "re");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VERSION_ID=", 11)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "%s", line + 11 + (line[11] == '"'));
			out[strcspn(out, "\"")] = '\0';
		}
	if (f)
		fclose(f);
}

/* The last resort: a shell on the console, again whenever it exits, until
 * BusyBox's reboot, poweroff or halt signals init. */
static void __attribute__((noreturn)) emergency(const char *why)
{
	boot_log("EMERGENCY: %s; starting a shell on the console", why);
	sigset_t mask;
	sigemptyset(&mask);
	int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGUSR1, SIGUSR2 };
	for (size_t k = 0; k < sizeof sigs / sizeof *sigs; k++)
		sigaddset(&mask, sigs[k]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	for (pid_t shell = 0;;) {
		if (shell <= 0 && (shell = fork()) == 0) {
			sigprocmask(SIG_UNBLOCK, &mask, NULL);
			setsid();
			ioctl(0, TIOCSCTTY, 1);
			execl("/bin/sh", "-sh", (char *)NULL);
			_exit(127);
		}
		siginfo_t si;
		int sig = sigtimedwait(&mask, &si, &(struct timespec){ 1, 0 });
		if (sig == SIGTERM || sig == SIGINT)
			final_shutdown(END_REBOOT);
		if (sig == SIGUSR2)
			final_shutdown(END_POWEROFF);
		if (sig == SIGUSR1)
			final_shutdown(END_HALT);
		pid_t pid;
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			if (pid == shell)
				shell = 0;
	}
}

void pid1_main(void)
{
	/* Ctrl-Alt-Del becomes SIGINT: a clean reboot, not an instant one. */
	reboot(RB_DISABLE_CAD);
	umask(022);
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	mount_early();
	state_setup();
	hostname_setup();
	loopback_up();
	random_seed_load();
	char id[33];
	machine_id_setup(id);
	consoles_setup();

	char version[64], slot[16], ready[256];
	struct utsname un;
	uname(&un);
	image_version(version, sizeof version);
	root_slot(slot, sizeof slot);
	snprintf(ready, sizeof ready, "berth: ready %s %s slot=%s", version, un.release, slot);

	static const char *const dirs[] = { "/usr/lib/berth/units", "/etc/berth/units", "/run/berth/units" };
	struct sup_config cfg = { .dirs = dirs, .ndirs = 3, .goal = "default.target", .ready_line = ready,
				  .control = control_listen("/run/berth/init.sock"), .machine_id = id,
				  .pid1 = true, .log_dir = "/var/log/berth", .cgroups = true,
				  .admin_dir = "/etc/berth/units" };
	int end = supervise(&cfg);
	if (end < 0) {
		if (cfg.control >= 0) /* nothing answers there now: initctl says so */
			close(cfg.control), unlink("/run/berth/init.sock");
		emergency("no default.target to start");
	}
	final_shutdown((enum sup_end)end);
}
