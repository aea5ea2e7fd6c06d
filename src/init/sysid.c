/* The node's identity and the kernel's first needs: hostname, loopback,
 * machine-id, and the random seed carried from one boot to the next. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/mkdirp.h"
#include "boot.h"

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004 /* Linux 5.6 */
#endif
#define SEED_FILE "/var/lib/berth/random-seed"
#define SEED_SIZE 512

void hostname_setup(void)
{
	char name[65] = "";
	FILE *f = fopen("/etc/hostname", "re");
	if (f && fgets(name, sizeof name, f))
		name[strcspn(name, " \t\r\n")] = '\0';
	if (f)
		fclose(f);
	if (!*name)
		strcpy(name, "berth");
	if (sethostname(name, strlen(name)) < 0)
		boot_log("cannot set the hostname %s: %s", name, strerror(errno));
}

/* Up is enough: the kernel gives lo 127.0.0.1/8 and ::1 by itself. */
void loopback_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq r = { 0 };
	strcpy(r.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &r) < 0 ||
	    (r.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &r) < 0))
		boot_log("cannot bring up lo: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static bool valid_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");
	return n == 32 && (s[32] == '\0' || s[32] == '\n');
}

/* Made once, from the kernel's random numbers, as a version 4 UUID's 128 bits
 * (systemd's format: 32 lower-case hex digits); on STATE through /etc's
 * overlay, so it is the same after a reboot and after an update. */
void machine_id_setup(char id[33])
{
	char buf[64] = "";
	FILE *f = fopen("/etc/machine-id", "re");
	if (f && fgets(buf, sizeof buf, f) && valid_id(buf)) {
		memcpy(id, buf, 32);
		id[32] = '\0';
		fclose(f);
		return;
	}
	if (f)
		fclose(f);
	unsigned char b[16];
	/* Unique, not secret: early in boot the pool may not be ready yet. */
	if (getrandom(b, sizeof b, GRND_INSECURE) != (ssize_t)sizeof b &&
	    getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		boot_log("no random numbers for /etc/machine-id: %s", strerror(errno));
		memset(b, 0, sizeof b);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	char line[34], err[300];
	snprintf(line, sizeof line, "%s\n", id);
	if (file_write_atomic("/etc/machine-id", line, 33, 0444, (uid_t)-1, (gid_t)-1, err, sizeof err) < 0)
		boot_log("%s (this boot uses %s)", err, id);
	else
		boot_log("made /etc/machine-id %s", id);
}

/* Written to /dev/urandom the seed mixes into the pool (it is not credited: a
 * seed copied with the disk must not be trusted). */
void random_seed_load(void)
{
	unsigned char buf[SEED_SIZE];
	int fd = open(SEED_FILE, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof buf);
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, (size_t)n) != n)
			boot_log("cannot seed the random pool: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	random_seed_save(); /* never the same seed twice */
}

void random_seed_save(void)
{
	unsigned char buf[SEED_SIZE];
	if (getrandom(buf, sizeof buf, GRND_NONBLOCK) != (ssize_t)sizeof buf)
		return;
	mkdir_p("/var/lib/berth", 0755);
	char err[300];
	if (file_write_atomic(SEED_FILE, buf, sizeof buf, 0600, (uid_t)-1, (gid_t)-1, err, sizeof err) < 0)
		boot_log("cannot save the random seed: %s", err);
}
