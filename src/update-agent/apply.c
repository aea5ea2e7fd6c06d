#define _GNU_SOURCE /* O_DIRECT */
/* Applying an update: every check first (signature, board, version, size, the
 * slot image's hash), then the other slot made unbootable, written (throttled by
 * the agent's cgroup, io.max), read back from the disk and compared, and only
 * then given the highest priority with one try. A power cut before that last
 * step leaves the running slot's state as it was, and the other slot unbootable. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/http.h"
#include "../lib/mkdirp.h"
#include "../lib/updatefile.h"
#include "../lib/version.h"
#include "agent.h"

#define CHUNK (1 << 20)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The sha256 (hex) of LEN bytes of FD from OFF, read in CHUNK pieces into BUF
 * (aligned, for O_DIRECT). Returns 0, or -1 with errno. */
static int sha256_fd(int fd, uint64_t off, uint64_t len, unsigned char *buf, char hex[65])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		ssize_t r = pread(fd, buf, n, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		crypto_hash_sha256_update(&st, buf, (size_t)r);
		done += (uint64_t)r;
	}
	unsigned char d[32];
	crypto_hash_sha256_final(&st, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
	return 0;
}

/* The size of partition P in bytes. */
static uint64_t part_bytes(const struct partition *p)
{
	char path[320], size[32];
	snprintf(path, sizeof path, "/sys/class/block/%.64s/size", p->dev + 5);
	sysfs_read(path, size, sizeof size);
	return strtoull(size, NULL, 10) * 512;
}

/* The header of the update open as FD, checked. 0, or -1 with the reason. */
static int read_header(const struct config *c, int fd, struct update_manifest *m, char *err, size_t errlen)
{
	static unsigned char buf[UPDATE_FIXED + UPDATE_MANIFEST_MAX];
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	if (n < 0) {
		snprintf(err, errlen, "cannot read it: %s", strerror(errno));
		return -1;
	}
	int r = update_header_check(buf, (size_t)n, c->key, m, err, errlen);
	if (r == 1)
		snprintf(err, errlen, "truncated: the file ends inside its header (%zd bytes)", n);
	return r == 0 ? 0 : -1;
}

/* Board and version. 0 if M may be installed, 1 if it is not newer, -1 if it
 * is for another board. */
static int acceptable(const struct config *c, const struct update_manifest *m, bool allow_downgrade, char *err,
		      size_t errlen)
{
	if (strcmp(m->board, c->board)) {
		snprintf(err, errlen, "it is for the board %s, and this node is %s", m->board, c->board);
		return -1;
	}
	int cmp = version_cmp(m->version, c->version);
	if (cmp <= 0 && !allow_downgrade) {
		snprintf(err, errlen, "version %s is %s the running %s (--allow-downgrade installs it anyway)", m->version,
			 cmp == 0 ? "the same as" : "older than", c->version);
		return 1;
	}
	return 0;
}

/* Downloads URL into the state directory's download file, at most MAX bytes
 * (STATE also holds the node's data); returns its fd. */
static int download(const struct config *c, const char *url, uint64_t max, FILE *out, char *err, size_t errlen)
{
	char path[300];
	mkdir_p(c->state_dir, 0700);
	snprintf(path, sizeof path, "%s/download", c->state_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	say(out, "downloading %s", url);
	double t0 = now();
	struct http_get g = { .url = url, .fd = fd, .rate = c->download_rate, .max_bytes = max };
	if (http_get(&g, err, errlen) < 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	struct stat st;
	fstat(fd, &st);
	double secs = now() - t0;
	say(out, "downloaded %lld KiB in %.1f s (%.0f KiB/s)", (long long)st.st_size / 1024, secs,
	    (double)st.st_size / 1024 / (secs > 0 ? secs : 1));
	return fd;
}

/* The server's current header: 1 if there is nothing to do, 0 and M if there is. */
static int check_server(const struct config *c, bool allow_downgrade, struct update_manifest *m, FILE *out,
			char *err, size_t errlen)
{
	char url[700];
	snprintf(url, sizeof url, "%s/%s/current", c->server, c->board);
	struct http_get g = { .url = url, .fd = -1, .max_bytes = UPDATE_FIXED + UPDATE_MANIFEST_MAX, .timeout = 60 };
	if (http_get(&g, err, errlen) < 0)
		return -1;
	int r = update_header_check((unsigned char *)g.body, g.len, c->key, m, err, errlen);
	free(g.body);
	if (r == 1)
		snprintf(err, errlen, "%.400s: truncated header", url);
	if (r != 0)
		return -1;
	r = acceptable(c, m, allow_downgrade, err, errlen);
	if (r == 1)
		say(out, "no update: the server's %s is not newer than the running %s", m->version, c->version);
	struct slots s;
	if (r == 0 && slots_load(&s, err, errlen) == 0 && !strcmp(slot_get(&s, s.oth, "VERSION"), m->version) &&
	    slot_bootable(&s, s.oth) && slot_num(&s, s.oth, "PRIORITY") > slot_num(&s, s.cur, "PRIORITY")) {
		say(out, "no update: %s is in slot %s already and boots next", m->version, s.oth);
		r = 1;
	}
	char failed[64];
	state_read(c, "failed-version", failed, sizeof failed);
	if (r == 0 && !strcmp(failed, m->version)) {
		say(out, "no update: %s failed on this node before (updatectl apply FILE|URL installs it anyway)",
		    m->version);
		r = 1;
	}
	return r;
}

static int write_slot(const struct config *c, int src, const struct update_manifest *m, const struct slots *s,
		      unsigned char *buf, FILE *out, char *err, size_t errlen)
{
	/* O_EXCL: the kernel refuses a partition that is mounted or under a
	 * device-mapper target, the running root's above all. */
	int fd = open(s->other.dev, O_WRONLY | O_DIRECT | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", s->other.dev, strerror(errno));
		return -1;
	}
	say(out, "writing %llu KiB to slot %s (%s)%s", (unsigned long long)m->slot_size / 1024, s->oth, s->other.dev,
	    c->write_rate ? "" : ", unthrottled");
	double t0 = now();
	for (uint64_t done = 0; done < m->slot_size;) {
		size_t n = m->slot_size - done < CHUNK ? (size_t)(m->slot_size - done) : CHUNK;
		ssize_t r = pread(src, buf, n, (off_t)(m->slot_offset + done));
		if (r == (ssize_t)n)
			r = pwrite(fd, buf, n, (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)n) {
			snprintf(err, errlen, "writing %s: %s", s->other.dev, r < 0 ? strerror(errno) : "short read or write");
			close(fd);
			return -1;
		}
		done += n;
	}
	if (fdatasync(fd) < 0 || close(fd) < 0) {
		snprintf(err, errlen, "writing %s: %s", s->other.dev, strerror(errno));
		return -1;
	}
	double secs = now() - t0;
	say(out, "wrote %llu KiB in %.2f s (%.0f KiB/s)", (unsigned long long)m->slot_size / 1024, secs,
	    (double)m->slot_size / 1024 / (secs > 0 ? secs : 1));
	return 0;
}

static int install(const struct config *c, int src, const struct update_manifest *m, FILE *out, char *err,
		   size_t errlen)
{
	struct slots s;
	if (slots_load(&s, err, errlen) < 0)
		return -1;
	if (slot_num(&s, s.cur, "SUCCESSFUL") != 1) {
		snprintf(err, errlen, "the running slot %s is not yet marked good: an update waits until it is", s.cur);
		return -1;
	}
	struct stat st;
	if (fstat(src, &st) < 0 || (uint64_t)st.st_size < m->slot_offset + m->slot_size) {
		snprintf(err, errlen, "truncated: %lld bytes, and the manifest says %llu", (long long)st.st_size,
			 (unsigned long long)(m->slot_offset + m->slot_size));
		return -1;
	}
	uint64_t part = part_bytes(&s.other);
	if (m->slot_size > part) {
		snprintf(err, errlen, "the slot image (%llu bytes) is larger than slot %s (%llu bytes)",
			 (unsigned long long)m->slot_size, s.oth, (unsigned long long)part);
		return -1;
	}
	unsigned char *buf = NULL;
	if (posix_memalign((void **)&buf, 4096, CHUNK)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char hex[65];
	int r = -1;
	if (sha256_fd(src, m->slot_offset, m->slot_size, buf, hex) < 0) {
		snprintf(err, errlen, "cannot read the update: %s", strerror(errno));
		goto out;
	}
	if (strcmp(hex, m->slot_sha256)) {
		snprintf(err, errlen, "the slot image's sha256 is %s, and the manifest says %s: the file is damaged", hex,
			 m->slot_sha256);
		goto out;
	}
	say(out, "update %s for %s: signature, board, version and sha256 good", m->version, m->board);

	/* The other slot is never booted while it is being written. */
	const char *clear[] = { "PRIORITY", "0", "TRIES", "0", "SUCCESSFUL", "0", "HASH", "", "VERSION", "", "FAILS", "0" };
	for (int k = 0; k < 12; k += 2)
		if (slot_set(&s, s.oth, clear[k], clear[k + 1], err, errlen) < 0)
			goto out;
	if (slots_save(&s, err, errlen) < 0 || write_slot(c, src, m, &s, buf, out, err, errlen) < 0)
		goto out;

	int fd = open(s.other.dev, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0 || sha256_fd(fd, 0, m->slot_size, buf, hex) < 0) {
		snprintf(err, errlen, "cannot read back %s: %s", s.other.dev, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	if (strcmp(hex, m->slot_sha256)) {
		snprintf(err, errlen, "slot %s read back differs from what was written (sha256 %s): the disk did not keep it",
			 s.oth, hex);
		goto out;
	}
	say(out, "slot %s read back: sha256 good", s.oth);

	/* The one step that makes the new slot the next boot's. */
	char blocks[24], sectors[24], prio[24];
	snprintf(blocks, sizeof blocks, "%llu", (unsigned long long)m->data_blocks);
	snprintf(sectors, sizeof sectors, "%llu", (unsigned long long)m->data_blocks * 8);
	long cur = slot_num(&s, s.cur, "PRIORITY");
	snprintf(prio, sizeof prio, "%ld", cur >= 15 ? 15 : cur + 1);
	const char *set[] = { "HASH", m->verity_hash, "SALT", m->verity_salt, "BLOCKS", blocks, "SECTORS", sectors,
			      "VERSION", m->version, "SUCCESSFUL", "0", "TRIES", "1", "PRIORITY", prio };
	for (int k = 0; k < 16; k += 2)
		if (slot_set(&s, s.oth, set[k], set[k + 1], err, errlen) < 0)
			goto out;
	if (cur >= 15 && slot_set(&s, s.cur, "PRIORITY", "14", err, errlen) < 0)
		goto out;
	if (slots_save(&s, err, errlen) < 0)
		goto out;
	say(out, "slot %s holds %s and boots next (one try; it must become healthy to stay)", s.oth, m->version);
	result_write(c, "update to %s written to slot %s; it boots next", m->version, s.oth);
	r = 0;
out:
	free(buf);
	return r;
}

int apply_update(const struct config *c, const char *src, bool allow_downgrade, bool check_only, FILE *out)
{
	char err[600];
	struct update_manifest m;
	int fd = -1, r;
	struct slots s;
	if (slots_load(&s, err, sizeof err) < 0) {
		say(out, "error: %s", err);
		return -1;
	}
	if (!check_only && slot_num(&s, s.cur, "SUCCESSFUL") != 1) {
		say(out, "error: the running slot %s is not yet marked good: an update waits until it is", s.cur);
		return -1;
	}
	/* Nothing larger than the other slot and a header is downloaded. */
	uint64_t most = part_bytes(&s.other) + UPDATE_FIXED + UPDATE_MANIFEST_MAX + 4096;
	if (!src) {
		if (!*c->server) {
			say(out, "error: no update server is configured (SERVER= in /etc/berth/update.conf)");
			return -1;
		}
		r = check_server(c, allow_downgrade, &m, out, err, sizeof err);
		if (r != 0 || check_only) {
			if (r < 0)
				say(out, "error: %s", err);
			else if (r == 0)
				say(out, "update available: %s (running %s)", m.version, c->version);
			return r;
		}
		char url[800];
		snprintf(url, sizeof url, "%s/%s/%s", c->server, c->board, m.payload);
		fd = download(c, url, m.slot_offset + m.slot_size, out, err, sizeof err);
	} else if (!strncmp(src, "http://", 7) || !strncmp(src, "https://", 8)) {
		fd = download(c, src, most, out, err, sizeof err);
	} else {
		fd = open(src, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			snprintf(err, sizeof err, "cannot open %s: %s", src, strerror(errno));
	}
	if (fd < 0) {
		say(out, "error: %s", err);
		return -1;
	}
	struct update_manifest got;
	r = read_header(c, fd, &got, err, sizeof err);
	if (r == 0 && !src && memcmp(&got, &m, sizeof m)) {
		snprintf(err, sizeof err, "the downloaded update is not the one the server announced");
		r = -1;
	}
	if (r == 0)
		r = acceptable(c, &got, allow_downgrade, err, sizeof err);
	if (r == 0)
		r = install(c, fd, &got, out, err, sizeof err);
	close(fd);
	if (!src || !strncmp(src, "http", 4)) {
		char path[300];
		snprintf(path, sizeof path, "%s/download", c->state_dir);
		unlink(path);
	}
	if (r != 0) {
		say(out, "error: update rejected: %s", err);
		return -1;
	}
	return 0;
}
