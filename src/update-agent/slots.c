/* The slot table: GRUB's environment block in the ESP's boot/grub/grubenv
 * (docs/boot.md). The ESP is mounted only while the table is read or written,
 * and the block is rewritten in place (the same 1024 bytes of the same file),
 * then synced, so that GRUB, which writes it the same way, always finds it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/mkdirp.h"
#include "agent.h"

#define ESP_DIR "/run/berth/esp"
#define GRUBENV ESP_DIR "/boot/grub/grubenv"

static int esp_mount(const struct slots *s, char *err, size_t errlen)
{
	mkdir_p(ESP_DIR, 0700);
	/* An agent stopped while it had the ESP mounted left it there. */
	umount2(ESP_DIR, MNT_DETACH);
	if (mount(s->esp.dev, ESP_DIR, "vfat", MS_NOSUID | MS_NODEV | MS_NOEXEC, "") < 0) {
		snprintf(err, errlen, "cannot mount the ESP (%s): %s", s->esp.dev, strerror(errno));
		return -1;
	}
	return 0;
}

int slots_load(struct slots *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	if (!root_partition(&s->root) || strncmp(s->root.name, "ROOT-", 5) || strlen(s->root.name) != 6) {
		snprintf(err, errlen, "/ is not a root slot (ROOT-A or ROOT-B)");
		return -1;
	}
	s->cur[0] = s->root.name[5];
	s->oth[0] = s->cur[0] == 'A' ? 'B' : 'A';
	char other[8] = "ROOT-";
	strcat(other, s->oth);
	if (!disk_partition(s->root.disk, other, &s->other) || !disk_partition(s->root.disk, "EFI-SYSTEM", &s->esp)) {
		snprintf(err, errlen, "no %s or EFI-SYSTEM partition on %s", other, s->root.disk);
		return -1;
	}
	if (esp_mount(s, err, errlen) < 0)
		return -1;
	char buf[GRUBENV_SIZE];
	int fd = open(GRUBENV, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
	int e = errno;
	if (fd >= 0)
		close(fd);
	umount(ESP_DIR);
	if (n != GRUBENV_SIZE) {
		snprintf(err, errlen, "cannot read %s on %s: %s", "/boot/grub/grubenv", s->esp.dev,
			 n < 0 ? strerror(e) : "not 1024 bytes");
		return -1;
	}
	return grubenv_parse(&s->env, buf, sizeof buf, err, errlen);
}

int slots_save(struct slots *s, char *err, size_t errlen)
{
	char buf[GRUBENV_SIZE];
	if (grubenv_format(&s->env, buf, err, errlen) < 0 || esp_mount(s, err, errlen) < 0)
		return -1;
	int fd = open(GRUBENV, O_WRONLY | O_CLOEXEC);
	int r = fd < 0 || pwrite(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf || fsync(fd) < 0 ? -1 : 0;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (umount(ESP_DIR) < 0 && r == 0) {
		r = -1;
		e = errno;
	}
	sync();
	if (r < 0)
		snprintf(err, errlen, "cannot write the slot table on %s: %s", s->esp.dev, strerror(e));
	return r;
}

const char *slot_get(const struct slots *s, const char *slot, const char *var)
{
	char name[48];
	snprintf(name, sizeof name, "BERTH_%s_%s", slot, var);
	const char *v = grubenv_get(&s->env, name);
	return v ? v : "";
}

long slot_num(const struct slots *s, const char *slot, const char *var)
{
	return strtol(slot_get(s, slot, var), NULL, 10);
}

int slot_set(struct slots *s, const char *slot, const char *var, const char *value, char *err, size_t errlen)
{
	char name[48];
	snprintf(name, sizeof name, "BERTH_%s_%s", slot, var);
	return grubenv_set(&s->env, name, value, err, errlen);
}

/* As GRUB decides it (board/common/grub.cfg.in). */
bool slot_bootable(const struct slots *s, const char *slot)
{
	return *slot_get(s, slot, "HASH") && slot_num(s, slot, "PRIORITY") > 0 &&
	       (slot_num(s, slot, "SUCCESSFUL") == 1 || slot_num(s, slot, "TRIES") > 0);
}

void slots_status(const struct slots *s, FILE *out)
{
	fprintf(out, "running: slot %s, version %s\n", s->cur, slot_get(s, s->cur, "VERSION"));
	const char *both[] = { "A", "B" };
	for (int k = 0; k < 2; k++) {
		const char *v = both[k];
		long tries = slot_num(s, v, "TRIES");
		fprintf(out, "slot %s: ", v);
		if (!*slot_get(s, v, "HASH") || slot_num(s, v, "PRIORITY") == 0)
			fprintf(out, "%s%s, not bootable\n", *slot_get(s, v, "VERSION") ? "version " : "empty",
				slot_get(s, v, "VERSION"));
		else
			fprintf(out, "version %s, priority %ld, %s\n", slot_get(s, v, "VERSION"), slot_num(s, v, "PRIORITY"),
				slot_num(s, v, "SUCCESSFUL") == 1 ? "good"
				: tries > 0			     ? (tries == 1 ? "not yet good, 1 try left" : "not yet good, tries left")
								     : "not yet good, no tries left");
	}
}
