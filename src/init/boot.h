/* PID 1's own work around the supervisor: bringing the system up before the
 * first unit starts (mounts, STATE, identity, consoles) and taking it down after
 * the last one stopped. Each step reports on the console and carries on: a
 * failing step leaves the system degraded, never without an init. */
#ifndef BERTH_BOOT_H
#define BERTH_BOOT_H

#include <stddef.h>

#include "supervisor.h"

/* "berth-init: ..." on the console. */
void boot_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mounts.c: the kernel filesystems, /run, /tmp, cgroup2 with its controllers
 * enabled for services; at the end, everything unmounted or read-only. */
void mount_early(void);
void unmount_all(void);

/* state.c: STATE (the GPT partition named STATE on the root's disk) grown to
 * the disk's end, made if blank, mounted on /var; /etc an overlay with its
 * upper layer there. Without a usable STATE, /var is a tmpfs and it says so. */
void state_setup(void);

/* sysid.c: hostname from /etc/hostname, loopback up, /etc/machine-id made once
 * (ID gets its 32 hex digits), the random pool seeded from the saved seed and a
 * new seed saved (random_seed_save again at shutdown). */
void hostname_setup(void);
void loopback_up(void);
void machine_id_setup(char id[33]);
void random_seed_load(void);
void random_seed_save(void);

/* consoles.c: getty.target in /run/berth/units wanting getty@NAME.service for
 * each console the kernel writes to (/sys/class/tty/console/active). */
void consoles_setup(void);

/* The slot / runs from ("A", "B"), from the GPT name of its partition; "none"
 * when / is not a slot (an initramfs). */
void root_slot(char *out, size_t len);

/* shutdown.c: after the units stopped: every process gone (TERM, then KILL),
 * the seed saved, filesystems unmounted, then reboot, power off or halt. */
void final_shutdown(enum sup_end how) __attribute__((noreturn));

#endif
