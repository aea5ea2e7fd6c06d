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
#include <sys/random.h>
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
#define H_DISK_GUID 56
#define H_ENTRIES_LBA 72
#define H_NUM_ENTRIES 80
#define H_ENTRY_SIZE 84
#define H_ENTRIES_CRC 88
#define H_MIN_SIZE 92
/* Partition entry fields. */
#define E_TYPE 0
#define E_GUID 16
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
	/* The layout on the disk as it is now (see layout()): the backup header
	 * in its last sector, the backup entries just before, then the usable
	 * area's new end. */
	uint64_t sectors, new_alt, bents_lba, last_usable;
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

/* The index of the one used entry named NAME, checked to lie in the usable
 * area; -2 if there is none, -1 on other errors (ERR is set on both). */
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
		return -2;
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

/* The layout on a disk of SECTORS sectors, into G: the backup GPT at the
 * disk's end. A disk smaller than the table says is not ours to fix. */
static int layout(struct gpt *g, uint64_t sectors, char *err, size_t errlen)
{
	uint64_t alternate = get64(g->hdr + H_ALTERNATE_LBA);
	if (sectors > MAX_LBA || sectors < alternate + 1) {
		fail(err, errlen, "the disk has %llu sectors, but its GPT's backup header is at LBA %llu",
		     (unsigned long long)sectors, (unsigned long long)alternate);
		return -1;
	}
	/* No underflow: load() saw the entries fit before the old backup. */
	g->sectors = sectors;
	g->new_alt = sectors - 1;
	g->bents_lba = g->new_alt - g->ent_sectors;
	g->last_usable = g->bents_lba - 1;
	return 0;
}

/* Writes G as layout() placed it, when its entries changed (ENTS_CHANGED) or
 * the backup moves, then the protective MBR's size if it is wrong. Returns 1 if
 * it wrote anything, 0 if nothing needed writing, -1 with ERR. */
static int store(int fd, struct gpt *g, int ents_changed, char *err, size_t errlen)
{
	unsigned char *h = g->hdr, *pmbr = protective_entry(g->mbr);
	uint32_t mbr_size = g->sectors - 1 > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)(g->sectors - 1);
	int move_gpt = ents_changed || get64(h + H_ALTERNATE_LBA) != g->new_alt;
	int fix_mbr = pmbr && get32(pmbr + 12) != mbr_size;
	if (move_gpt) {
		put64(h + H_ALTERNATE_LBA, g->new_alt);
		put64(h + H_LAST_USABLE, g->last_usable);
		put32(h + H_ENTRIES_CRC, gpt_crc32(0, g->ents, g->bytes));
		unsigned char backup[SECTOR];
		memcpy(backup, h, SECTOR);
		put64(backup + H_MY_LBA, g->new_alt);
		put64(backup + H_ALTERNATE_LBA, 1);
		put64(backup + H_ENTRIES_LBA, g->bents_lba);
		seal_header(backup);
		seal_header(h);
		/* Backup first: until the primary is written, the old primary stays
		 * valid; after, both are; if the primary is torn, the backup is at the
		 * disk's end, where readers look when the primary is bad. */
		if (write_at(fd, g->ents, g->bytes, g->bents_lba, err, errlen) < 0 ||
		    write_at(fd, backup, SECTOR, g->new_alt, err, errlen) < 0 || sync_fd(fd, err, errlen) < 0 ||
		    (ents_changed && write_at(fd, g->ents, g->bytes, get64(h + H_ENTRIES_LBA), err, errlen) < 0) ||
		    write_at(fd, h, SECTOR, 1, err, errlen) < 0 || sync_fd(fd, err, errlen) < 0)
			return -1;
	}
	if (fix_mbr) {
		put32(pmbr + 12, mbr_size);
		if (write_at(fd, g->mbr, SECTOR, 0, err, errlen) < 0 || sync_fd(fd, err, errlen) < 0)
			return -1;
	}
	return move_gpt || fix_mbr;
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
	unsigned char *e = g.ents + (size_t)i * g.size;
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

	if (layout(&g, sectors, err, errlen) < 0)
		goto out;
	if (g.last_usable < end) { /* a table whose backup entries were elsewhere */
		fail(err, errlen, "no room for the backup GPT after partition %d (%s) on a disk of %llu sectors",
		     i + 1, name, (unsigned long long)sectors);
		goto out;
	}
	uint64_t new_end = start + (g.last_usable - start + 1) / ALIGN_SECTORS * ALIGN_SECTORS;
	new_end = new_end > end + 1 ? new_end - 1 : end; /* never shrink */
	put64(e + E_LAST, new_end);
	*partno = i + 1;
	*first = start;
	*last = new_end;
	ret = store(fd, &g, new_end != end, err, errlen);
out:
	free(g.ents);
	return ret;
}

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004 /* Linux 5.6; older kernels refuse it with EINVAL */
#endif

/* A random version 4 GUID as GPT stores it (the first three fields
 * little-endian: the version is in byte 7, the variant in byte 8), unlike G's
 * disk GUID and every entry's. It needs to be unique, not secret: early at
 * boot, with the kernel's pool not yet ready, it does not wait (GRND_INSECURE)
 * where the kernel allows that. */
static int new_guid(const struct gpt *g, unsigned char *guid, char *err, size_t errlen)
{
	for (int tries = 0; tries < 4; tries++) {
		unsigned char r[16];
		ssize_t n;
		while ((n = getrandom(r, sizeof r, GRND_INSECURE)) < 0 && errno == EINTR)
			;
		if (n < 0 && errno == EINVAL)
			while ((n = getrandom(r, sizeof r, 0)) < 0 && errno == EINTR)
				;
		if (n != (ssize_t)sizeof r) {
			fail(err, errlen, "cannot get random bytes for a partition GUID: %s",
			     n < 0 ? strerror(errno) : "short read");
			return -1;
		}
		r[7] = (unsigned char)((r[7] & 0x0F) | 0x40);
		r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
		int clash = !memcmp(r, g->hdr + H_DISK_GUID, 16);
		for (uint32_t j = 0; j < g->num && !clash; j++)
			clash = !memcmp(r, g->ents + (size_t)j * g->size + E_GUID, 16);
		if (!clash) {
			memcpy(guid, r, 16);
			return 0;
		}
	}
	fail(err, errlen, "cannot make a unique partition GUID: the random bytes repeat");
	return -1;
}

/* Linux filesystem data, 0FC63DAF-8483-4772-8E79-3D69D8477DE4, as stored. */
static const unsigned char linux_fs_type[16] = {0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47,
						0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4};

int gpt_add_partition(int fd, uint64_t sectors, const char *name, uint64_t min_mib, int *partno,
		      uint64_t *first, uint64_t *last, char *err, size_t errlen)
{
	struct gpt g;
	if (load(fd, &g, err, errlen) < 0)
		return -1;
	int ret = -1, i = find(&g, name, err, errlen);
	if (i != -2) { /* there is one, or the name or the table is bad */
		if (i >= 0)
			fail(err, errlen, "a partition named %s exists: partition %d", name, i + 1);
		goto out;
	}
	if (strlen(name) > E_NAME_UNITS) {
		fail(err, errlen, "partition name %.40s is longer than %d characters", name, E_NAME_UNITS);
		goto out;
	}

	/* The first free entry, and the highest LBA any used one claims. */
	int slot = -1;
	uint64_t end = 0;
	for (uint32_t j = 0; j < g.num; j++) {
		const unsigned char *o = g.ents + (size_t)j * g.size;
		if (!entry_used(o)) {
			if (slot < 0)
				slot = (int)j;
			continue;
		}
		uint64_t a = get64(o + E_FIRST), b = get64(o + E_LAST);
		end = a > end ? a : end;
		end = b > end ? b : end;
	}
	if (slot < 0) {
		fail(err, errlen, "no free GPT entry for %s: all %u are used", name, g.num);
		goto out;
	}

	/* From the first whole MiB after them to the last before the backup. */
	if (layout(&g, sectors, err, errlen) < 0)
		goto out;
	uint64_t start = get64(g.hdr + H_FIRST_USABLE), mib = 0;
	if (end < g.last_usable) {
		if (start <= end)
			start = end + 1;
		start = (start + ALIGN_SECTORS - 1) / ALIGN_SECTORS * ALIGN_SECTORS;
		if (start <= g.last_usable)
			mib = (g.last_usable - start + 1) / ALIGN_SECTORS;
	}
	if (!mib || mib < min_mib) {
		fail(err, errlen, "not enough free space for %s: %llu MiB after LBA %llu, %llu MiB needed", name,
		     (unsigned long long)mib, (unsigned long long)end, (unsigned long long)min_mib);
		goto out;
	}

	unsigned char *e = g.ents + (size_t)slot * g.size;
	memset(e, 0, g.size);
	if (new_guid(&g, e + E_GUID, err, errlen) < 0)
		goto out;
	memcpy(e + E_TYPE, linux_fs_type, 16);
	put64(e + E_FIRST, start);
	put64(e + E_LAST, start + mib * ALIGN_SECTORS - 1);
	for (size_t k = 0; name[k]; k++)
		e[E_NAME + 2 * k] = (unsigned char)name[k];

	/* Its first MiB zeroed before it exists, so that it reads as blank (no
	 * filesystem) even where the free space held something: in Berth's
	 * layout, the old backup GPT. */
	unsigned char *zero = calloc(ALIGN_SECTORS, SECTOR);
	if (!zero) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	int z = write_at(fd, zero, (size_t)ALIGN_SECTORS * SECTOR, start, err, errlen);
	free(zero);
	if (z < 0 || store(fd, &g, 1, err, errlen) < 0)
		goto out;
	*partno = slot + 1;
	*first = start;
	*last = start + mib * ALIGN_SECTORS - 1;
	ret = 0;
out:
	free(g.ents);
	return ret;
}
