/* GPT: see gpt.h. Layout per the UEFI specification, chapter 5: LBA 0 is the
 * protective MBR, LBA 1 the primary header, its entries after it; the backup
 * entries and then the backup header end the disk. Every field is little-endian
 * and read through get/put helpers, never through casts of unaligned pointers. */
#include "gpt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECTOR 512
#define ALIGN_SECTORS 2048            /* 1 MiB: partition sizes stay whole MiB */
#define MAX_ENTRIES_BYTES (1u << 20) /* bounds what a hostile header makes us allocate */

/* Header fields (byte offsets). */
#define H_SIGNATURE 0
#define H_SIZE 12
#define H_CRC 16
#define H_MY_LBA 24
#define H_ALTERNATE_LBA 32
#define H_FIRST_USABLE 40
#define H_LAST_USABLE 48
#define H_ENTRIES_LBA 72
#define H_NUM_ENTRIES 80
#define H_ENTRY_SIZE 84
#define H_ENTRIES_CRC 88
#define H_MIN_SIZE 92
/* Partition entry fields. */
#define E_TYPE 0
#define E_FIRST 32
#define E_LAST 40
#define E_NAME 56
#define E_NAME_UNITS 36 /* UTF-16 code units */
/* Protective MBR. */
#define MBR_PARTS 446
#define MBR_SIG 510

static uint32_t crc_table[256];

uint32_t gpt_crc32(uint32_t crc, const void *buf, size_t len)
{
	/* Built at first use (entry 1 is never 0 once built); not for threads. */
	if (!crc_table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	const unsigned char *p = buf;
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Past this LBA, byte offsets (plus the entries' length) would overflow off_t. */
#define MAX_LBA ((uint64_t)INT64_MAX / SECTOR - 2 * MAX_ENTRIES_BYTES / SECTOR)

/* Full-length I/O: a short count from a disk is an error, not a retry case,
 * except for signals and partial transfers, which continue. */
static int read_at(int fd, void *buf, size_t len, uint64_t lba, char *err, size_t errlen)
{
	unsigned char *p = buf;
	off_t off = (off_t)(lba * SECTOR);
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(fd, p + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail(err, errlen, "cannot read %zu bytes at LBA %llu: %s", len,
			     (unsigned long long)lba, n ? strerror(errno) : "end of disk");
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int write_at(int fd, const void *buf, size_t len, uint64_t lba, char *err, size_t errlen)
{
	const unsigned char *p = buf;
	off_t off = (off_t)(lba * SECTOR);
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(fd, p + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail(err, errlen, "cannot write %zu bytes at LBA %llu: %s", len,
			     (unsigned long long)lba, n ? strerror(errno) : "no space");
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int sync_fd(int fd, char *err, size_t errlen)
{
	if (fdatasync(fd) == 0)
		return 0;
	fail(err, errlen, "cannot flush the disk: %s", strerror(errno));
	return -1;
}

struct gpt {
	unsigned char mbr[SECTOR];
	unsigned char hdr[SECTOR]; /* the primary header's sector */
	unsigned char *ents;       /* the primary entries, num * size bytes */
	uint32_t num, size;
	size_t bytes;
	uint64_t ent_sectors; /* sectors the entries take, rounded up */
};

/* Reads and validates the protective MBR, the primary header and its entries. */
static int load(int fd, struct gpt *g, char *err, size_t errlen)
{
	g->ents = NULL;
	if (read_at(fd, g->mbr, SECTOR, 0, err, errlen) < 0 || read_at(fd, g->hdr, SECTOR, 1, err, errlen) < 0)
		return -1;
	const unsigned char *h = g->hdr;
	if (memcmp(h + H_SIGNATURE, "EFI PART", 8)) {
		fail(err, errlen, "no GPT: bad signature in the primary header (LBA 1)");
		return -1;
	}
	uint32_t hsize = get32(h + H_SIZE);
	if (hsize < H_MIN_SIZE || hsize > SECTOR) {
		fail(err, errlen, "bad GPT header size %u", hsize);
		return -1;
	}
	unsigned char copy[SECTOR];
	memcpy(copy, h, hsize);
	put32(copy + H_CRC, 0);
	if (gpt_crc32(0, copy, hsize) != get32(h + H_CRC)) {
		fail(err, errlen, "bad CRC of the primary GPT header");
		return -1;
	}
	if (get64(h + H_MY_LBA) != 1) {
		fail(err, errlen, "the primary GPT header says it is at LBA %llu, not 1",
		     (unsigned long long)get64(h + H_MY_LBA));
		return -1;
	}
	g->num = get32(h + H_NUM_ENTRIES);
	g->size = get32(h + H_ENTRY_SIZE);
	if (g->size < 128 || g->size % 8 || !g->num || g->num > MAX_ENTRIES_BYTES / g->size) {
		fail(err, errlen, "bad GPT partition entries: %u of %u bytes", g->num, g->size);
		return -1;
	}
	g->bytes = (size_t)g->num * g->size;
	g->ent_sectors = (g->bytes + SECTOR - 1) / SECTOR;
	uint64_t ents_lba = get64(h + H_ENTRIES_LBA), first_usable = get64(h + H_FIRST_USABLE);
	uint64_t last_usable = get64(h + H_LAST_USABLE), alternate = get64(h + H_ALTERNATE_LBA);
	if (ents_lba < 2 || ents_lba > MAX_LBA || first_usable < ents_lba + g->ent_sectors ||
	    first_usable > last_usable || last_usable >= alternate || alternate > MAX_LBA) {
		fail(err, errlen, "inconsistent GPT header: entries at LBA %llu, usable LBAs %llu-%llu, backup at %llu",
		     (unsigned long long)ents_lba, (unsigned long long)first_usable,
		     (unsigned long long)last_usable, (unsigned long long)alternate);
		return -1;
	}
	g->ents = malloc(g->bytes);
	if (!g->ents) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	if (read_at(fd, g->ents, g->bytes, ents_lba, err, errlen) < 0)
		goto bad;
	if (gpt_crc32(0, g->ents, g->bytes) != get32(h + H_ENTRIES_CRC)) {
		fail(err, errlen, "bad CRC of the primary GPT partition entries");
		goto bad;
	}
	return 0;
bad:
	free(g->ents);
	g->ents = NULL;
	return -1;
}

static int entry_used(const unsigned char *e)
{
	for (int i = 0; i < 16; i++)
		if (e[E_TYPE + i])
			return 1;
	return 0;
}

/* The entry's UTF-16LE name equals NAME, all ASCII, up to the first NUL unit. */
static int name_is(const unsigned char *e, const char *name)
{
	size_t n = strlen(name);
	if (n > E_NAME_UNITS)
		return 0;
	for (size_t i = 0; i < E_NAME_UNITS; i++) {
		unsigned unit = e[E_NAME + 2 * i] | (unsigned)e[E_NAME + 2 * i + 1] << 8;
		unsigned want = i < n ? (unsigned char)name[i] : 0;
		if (unit != want)
			return 0;
		if (!unit)
			return 1;
	}
	return 1;
}

/* The index of the one used entry named NAME, checked to lie in the usable area. */
static int find(const struct gpt *g, const char *name, char *err, size_t errlen)
{
	if (!name || !*name) {
		fail(err, errlen, "no partition name given");
		return -1;
	}
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c >= 0x80) {
			fail(err, errlen, "partition name %.40s is not ASCII", name);
			return -1;
		}
	int found = -1;
	for (uint32_t i = 0; i < g->num; i++) {
		const unsigned char *e = g->ents + (size_t)i * g->size;
		if (!entry_used(e) || !name_is(e, name))
			continue;
		if (found >= 0) {
			fail(err, errlen, "partitions %d and %u are both named %s", found + 1, i + 1, name);
			return -1;
		}
		found = (int)i;
	}
	if (found < 0) {
		fail(err, errlen, "no partition named %.40s", name);
		return -1;
	}
	const unsigned char *e = g->ents + (size_t)found * g->size;
	uint64_t first = get64(e + E_FIRST), last = get64(e + E_LAST);
	if (first > last || first < get64(g->hdr + H_FIRST_USABLE) || last > get64(g->hdr + H_LAST_USABLE)) {
		fail(err, errlen, "partition %d (%s) has bad LBAs %llu-%llu", found + 1, name,
		     (unsigned long long)first, (unsigned long long)last);
		return -1;
	}
	return found;
}

int gpt_find_partition(int fd, const char *name, int *partno, uint64_t *first, uint64_t *last,
		       char *err, size_t errlen)
{
	struct gpt g;
	if (load(fd, &g, err, errlen) < 0)
		return -1;
	int i = find(&g, name, err, errlen);
	if (i >= 0) {
		const unsigned char *e = g.ents + (size_t)i * g.size;
		*partno = i + 1;
		*first = get64(e + E_FIRST);
		*last = get64(e + E_LAST);
	}
	free(g.ents);
	return i < 0 ? -1 : 0;
}

/* The protective MBR's 0xEE entry, when it is the only one (a hybrid MBR maps
 * real partitions and is left alone), or NULL. */
static unsigned char *protective_entry(unsigned char *mbr)
{
	if (mbr[MBR_SIG] != 0x55 || mbr[MBR_SIG + 1] != 0xAA)
		return NULL;
	unsigned char *pe = NULL;
	for (int i = 0; i < 4; i++) {
		unsigned char *p = mbr + MBR_PARTS + 16 * i;
		if (!p[4])
			continue;
		if (p[4] != 0xEE || get32(p + 8) != 1 || pe)
			return NULL;
		pe = p;
	}
	return pe;
}

static void seal_header(unsigned char *h)
{
	uint32_t hsize = get32(h + H_SIZE);
	put32(h + H_CRC, 0);
	put32(h + H_CRC, gpt_crc32(0, h, hsize));
}

int gpt_grow_partition(int fd, uint64_t sectors, const char *name, int *partno, uint64_t *first,
		       uint64_t *last, char *err, size_t errlen)
{
	struct gpt g;
	if (load(fd, &g, err, errlen) < 0)
		return -1;
	int ret = -1, i = find(&g, name, err, errlen);
	if (i < 0)
		goto out;
	unsigned char *h = g.hdr, *e = g.ents + (size_t)i * g.size;
	uint64_t start = get64(e + E_FIRST), end = get64(e + E_LAST);

	/* Last: every other used entry ends before it. */
	for (uint32_t j = 0; j < g.num; j++) {
		const unsigned char *o = g.ents + (size_t)j * g.size;
		if (j != (uint32_t)i && entry_used(o) && get64(o + E_LAST) >= end) {
			fail(err, errlen, "partition %d (%s) is not the last on the disk: partition %u ends at LBA %llu",
			     i + 1, name, j + 1, (unsigned long long)get64(o + E_LAST));
			goto out;
		}
	}

	/* The new layout. A disk smaller than the table says is not ours to fix. */
	uint64_t alternate = get64(h + H_ALTERNATE_LBA);
	if (sectors > MAX_LBA || sectors < alternate + 1) {
		fail(err, errlen, "the disk has %llu sectors, but its GPT's backup header is at LBA %llu",
		     (unsigned long long)sectors, (unsigned long long)alternate);
		goto out;
	}
	uint64_t new_alt = sectors - 1, bents_lba = new_alt - g.ent_sectors;
	uint64_t last_usable = bents_lba - 1;
	if (last_usable < end) { /* a table whose backup entries were elsewhere */
		fail(err, errlen, "no room for the backup GPT after partition %d (%s) on a disk of %llu sectors",
		     i + 1, name, (unsigned long long)sectors);
		goto out;
	}
	uint64_t new_end = start + (last_usable - start + 1) / ALIGN_SECTORS * ALIGN_SECTORS;
	new_end = new_end > end + 1 ? new_end - 1 : end; /* never shrink */

	unsigned char *pmbr = protective_entry(g.mbr);
	uint32_t mbr_size = sectors - 1 > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)(sectors - 1);
	int move_gpt = new_end != end || alternate != new_alt;
	int fix_mbr = pmbr && get32(pmbr + 12) != mbr_size;
	*partno = i + 1;
	*first = start;
	*last = new_end;
	if (!move_gpt && !fix_mbr) {
		ret = 0;
		goto out;
	}

	if (move_gpt) {
		put64(e + E_LAST, new_end);
		put64(h + H_ALTERNATE_LBA, new_alt);
		put64(h + H_LAST_USABLE, last_usable);
		put32(h + H_ENTRIES_CRC, gpt_crc32(0, g.ents, g.bytes));
		unsigned char backup[SECTOR];
		memcpy(backup, h, SECTOR);
		put64(backup + H_MY_LBA, new_alt);
		put64(backup + H_ALTERNATE_LBA, 1);
		put64(backup + H_ENTRIES_LBA, bents_lba);
		seal_header(backup);
		seal_header(h);
		/* Backup first: until the primary is written, the old primary stays
		 * valid; after, both are; if the primary is torn, the backup is at the
		 * disk's end, where readers look when the primary is bad. */
		if (write_at(fd, g.ents, g.bytes, bents_lba, err, errlen) < 0 ||
		    write_at(fd, backup, SECTOR, new_alt, err, errlen) < 0 || sync_fd(fd, err, errlen) < 0 ||
		    (new_end != end && write_at(fd, g.ents, g.bytes, get64(h + H_ENTRIES_LBA), err, errlen) < 0) ||
		    write_at(fd, h, SECTOR, 1, err, errlen) < 0 || sync_fd(fd, err, errlen) < 0)
			goto out;
	}
	if (fix_mbr) {
		put32(pmbr + 12, mbr_size);
		if (write_at(fd, g.mbr, SECTOR, 0, err, errlen) < 0 || sync_fd(fd, err, errlen) < 0)
			goto out;
	}
	ret = 1;
out:
	free(g.ents);
	return ret;
}
