/* init's log: see log.h. The ring keeps the last RING_LINES lines, each cut
 * to what fits in a slot; files keep them whole. */
/* pipe2 */
#define _GNU_SOURCE
#include "log.h"

#include "../lib/mkdirp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define RING_LINES 2048
#define SLOT_TEXT 232
#define MAX_FOLLOWERS 16
#define MAX_FILES 64

struct slot {
	int64_t sec;              /* wall-clock time it came */
	char unit[20];            /* the unit's name, cut: see unit_matches */
	uint16_t len;
	char text[SLOT_TEXT];
};

static struct slot ring[RING_LINES]; /* untouched pages cost no memory */
static size_t ring_next, ring_count;
static struct follower {
	int fd;
	char unit[128];
} followers[MAX_FOLLOWERS];
static size_t nfollowers;
static char log_dir[128];
static size_t log_cap;
/* Open log files, by unit: few units write often, so they stay open. */
static struct logfile {
	char unit[128];
	int fd;
	off_t size;
} files[MAX_FILES];
static size_t nfiles;

void log_set_dir(const char *dir, size_t cap)
{
	snprintf(log_dir, sizeof log_dir, "%s", dir);
	log_cap = cap;
	mkdir_p(log_dir, 0755); /* /var/log too, on a new STATE */
}

/* A unit's name as the ring keeps it: the first 19 bytes. Two units that share
 * them are told apart only in the files; initctl log filters by the ring. */
static bool unit_matches(const struct slot *s, const char *unit)
{
	return !unit || !strncmp(s->unit, unit, sizeof s->unit - 1);
}

static struct logfile *file_for(const char *unit)
{
	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i].unit, unit))
			return &files[i];
	if (!*log_dir || strchr(unit, '/'))
		return NULL;
	struct logfile *f = &files[nfiles < MAX_FILES ? nfiles++ : (size_t)(unit[0] % MAX_FILES)];
	if (nfiles == MAX_FILES && f->fd > 0)
		close(f->fd);
	char path[300];
	snprintf(path, sizeof path, "%s/%s.log", log_dir, unit);
	snprintf(f->unit, sizeof f->unit, "%s", unit);
	f->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	struct stat st;
	f->size = f->fd >= 0 && fstat(f->fd, &st) == 0 ? st.st_size : 0;
	return f;
}

/* Past the cap, UNIT.log becomes UNIT.log.1 (the previous .1 goes) and a new
 * UNIT.log starts. */
static void rotate(struct logfile *f)
{
	char path[300], old[310];
	snprintf(path, sizeof path, "%s/%s.log", log_dir, f->unit);
	snprintf(old, sizeof old, "%s.1", path);
	close(f->fd);
	rename(path, old);
	f->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	f->size = 0;
}

static int format(char *out, size_t len, const struct slot *s)
{
	struct tm tm;
	time_t t = (time_t)s->sec;
	char when[32];
	strftime(when, sizeof when, "%b %d %H:%M:%S", localtime_r(&t, &tm));
	return snprintf(out, len, "%s %s: %.*s\n", when, s->unit, (int)s->len, s->text);
}

void log_close_files(void)
{
	for (size_t i = 0; i < nfiles; i++)
		if (files[i].fd >= 0)
			close(files[i].fd);
	nfiles = 0;
	*log_dir = '\0';
}

void log_line(const char *unit, const char *text, size_t len)
{
	struct slot *s = &ring[ring_next];
	ring_next = (ring_next + 1) % RING_LINES;
	if (ring_count < RING_LINES)
		ring_count++;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	s->sec = ts.tv_sec;
	snprintf(s->unit, sizeof s->unit, "%s", unit);
	s->len = (uint16_t)(len < SLOT_TEXT ? len : SLOT_TEXT);
	memcpy(s->text, text, s->len);

	struct logfile *f = file_for(unit);
	if (f && f->fd >= 0) {
		char when[32], head[200];
		struct tm tm;
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", localtime_r(&ts.tv_sec, &tm));
		int hl = snprintf(head, sizeof head, "%s ", when);
		struct iovec iov[3] = { { head, (size_t)hl }, { (void *)text, len }, { "\n", 1 } };
		ssize_t w = writev(f->fd, iov, 3);
		if (w > 0 && (f->size += w) > (off_t)log_cap)
			rotate(f);
	}
	for (size_t i = 0; i < nfollowers;) {
		struct follower *fl = &followers[i];
		char line[SLOT_TEXT + 64];
		int n = format(line, sizeof line, s);
		if ((*fl->unit && !unit_matches(s, fl->unit)) ||
		    send(fl->fd, line, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) == n) {
			i++;
			continue;
		}
		close(fl->fd); /* gone, or too slow to keep up */
		*fl = followers[--nfollowers];
	}
}

void log_dump(FILE *out, const char *unit, size_t n)
{
	size_t first = (ring_next + RING_LINES - ring_count) % RING_LINES, matched = 0;
	for (size_t k = 0; k < ring_count; k++)
		matched += unit_matches(&ring[(first + k) % RING_LINES], unit);
	size_t skip = matched > n ? matched - n : 0;
	for (size_t k = 0; k < ring_count; k++) {
		const struct slot *s = &ring[(first + k) % RING_LINES];
		if (!unit_matches(s, unit) || (skip && skip--))
			continue;
		char line[SLOT_TEXT + 64];
		format(line, sizeof line, s);
		fputs(line, out);
	}
}

bool log_follow(int fd, const char *unit)
{
	if (nfollowers == MAX_FOLLOWERS)
		return false;
	followers[nfollowers].fd = fd;
	snprintf(followers[nfollowers].unit, sizeof followers[nfollowers].unit, "%s", unit ? unit : "");
	nfollowers++;
	return true;
}

int log_pipe_open(struct log_pipe *p)
{
	if (p->r > 0)
		return 0;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	p->r = fds[0];
	p->w = fds[1];
	p->have = 0;
	return 0;
}

/* One read per call: a service that writes without pause gets its turn, and
 * the event loop its own. */
bool log_pipe_read(struct log_pipe *p, const char *unit)
{
	ssize_t n = p->r > 0 ? read(p->r, p->buf + p->have, sizeof p->buf - p->have) : -1;
	if (n <= 0)
		return false;
	p->have += (size_t)n;
	char *start = p->buf, *nl;
	while ((nl = memchr(start, '\n', p->have - (size_t)(start - p->buf)))) {
		log_line(unit, start, (size_t)(nl - start));
		start = nl + 1;
	}
	p->have -= (size_t)(start - p->buf);
	memmove(p->buf, start, p->have);
	if (p->have == sizeof p->buf) { /* a line longer than the buffer: in pieces */
		log_line(unit, p->buf, p->have);
		p->have = 0;
	}
	return true;
}

void log_pipe_close(struct log_pipe *p)
{
	if (p->r > 0) {
		close(p->r);
		close(p->w);
	}
	p->r = p->w = -1;
}

int log_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return fd;
}

/* A record is "PRIORITY,SEQUENCE,USEC,FLAGS;TEXT\n" and continuation lines;
 * at most 64 of them per call, for the event loop's sake. */
void log_kmsg_read(int fd)
{
	static char buf[8192]; /* the kernel's longest record */
	ssize_t n;
	for (int k = 0; k < 64; k++) {
		n = read(fd, buf, sizeof buf - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten before we read them */
		if (n < 0 && errno == EINVAL) { /* longer than the buffer after all: skip on */
			lseek(fd, 0, SEEK_END);
			return;
		}
		if (n <= 0)
			return;
		buf[n] = '\0';
		char *text = strchr(buf, ';');
		if (!text)
			continue;
		text++;
		log_line("kernel", text, strcspn(text, "\n"));
	}
}
