/* GPT: find, grow and add partitions of a disk image laid out like Berth's,
 * made and checked by sfdisk (an independent GPT implementation): growing STATE
 * after the image file got larger, doing nothing when there is nothing to do,
 * adding STATE to an image made without it, and refusing damaged tables,
 * unknown names, partitions that are not the last, names that exist, full
 * tables and too little free space. */
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/lib/gpt.h"
#include "check.h"

#define MiB_SECTORS 2048ull
static char dir[256];

/* Runs a shell command made from FMT; its exit status, or -1. */
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The output (stdout and stderr) of a shell command, malloc'd; never NULL. */
static char *out(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	FILE *f = popen(cmd, "r");
	if (!buf || !f) {
		perror(cmd);
		exit(2);
	}
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0)
		if ((len += n) == cap - 1 && !(buf = realloc(buf, cap *= 2)))
			exit(2);
	buf[len] = 0;
	pclose(f);
	return buf;
}

/* DIR/NAME, in a slot of its own for the whole test. */
static const char *path(const char *name)
{
	static char p[32][512];
	static int k;
	if (k == 32)
		abort();
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k++];
}

/* The line of TEXT containing NEEDLE, as a static copy, or "". */
static const char *line_with(const char *text, const char *needle)
{
	static char line[1024];
	const char *hit = strstr(text, needle);
	line[0] = 0;
	if (hit) {
		while (hit > text && hit[-1] != '\n')
			hit--;
		size_t n = strcspn(hit, "\n");
		snprintf(line, sizeof line, "%.*s", (int)n, hit);
	}
	return line;
}

/* sfdisk --verify found nothing wrong (its exit status is 0 either way). */
static int verify_clean(const char *img)
{
	char *v = out("sfdisk --verify '%s' 2>&1", img);
	char *ok = strstr(v, "No errors detected.");
	if (ok)
		memset(ok, ' ', strlen("No errors detected."));
	for (char *c = v; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	int clean = ok && !strstr(v, "error") && !strstr(v, "warn") && !strstr(v, "mismatch") &&
		    !strstr(v, "corrupt") && !strstr(v, "not on the end");
	if (!clean)
		fprintf(stderr, "sfdisk --verify %s:\n%s\n", img, v);
	free(v);
	return clean;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void read_at(const char *img, void *buf, size_t len, off_t off)
{
	int fd = open(img, O_RDONLY);
	if (fd < 0 || pread(fd, buf, len, off) != (ssize_t)len)
		memset(buf, 0, len);
	if (fd >= 0)
		close(fd);
}

static void write_at(const char *img, const void *buf, size_t len, off_t off)
{
	int fd = open(img, O_WRONLY);
	CHECK(fd >= 0 && pwrite(fd, buf, len, off) == (ssize_t)len);
	if (fd >= 0)
		close(fd);
}

static uint64_t sectors_of(const char *img)
{
	struct stat st;
	return stat(img, &st) ? 0 : (uint64_t)st.st_size / 512;
}

struct res {
	int ret, partno;
	uint64_t first, last;
	char err[256];
};

enum op { FIND, GROW, ADD };

/* One call of the library on IMG, a disk of SECTORS sectors. */
static struct res call(enum op op, const char *img, uint64_t sectors, const char *name, uint64_t min_mib)
{
	struct res r = {.ret = -2, .partno = -1};
	int fd = open(img, op == FIND ? O_RDONLY : O_RDWR);
	CHECK(fd >= 0);
	if (op == FIND)
		r.ret = gpt_find_partition(fd, name, &r.partno, &r.first, &r.last, r.err, sizeof r.err);
	else if (op == GROW)
		r.ret = gpt_grow_partition(fd, sectors, name, &r.partno, &r.first, &r.last, r.err, sizeof r.err);
	else
		r.ret = gpt_add_partition(fd, sectors, name, min_mib, &r.partno, &r.first, &r.last, r.err,
					  sizeof r.err);
	close(fd);
	return r;
}

static struct res grow_n(const char *img, uint64_t sectors, const char *name)
{
	return call(GROW, img, sectors, name, 0);
}

static struct res grow(const char *img, const char *name)
{
	return grow_n(img, sectors_of(img), name);
}

static struct res find(const char *img, const char *name)
{
	return call(FIND, img, 0, name, 0);
}

static struct res add(const char *img, const char *name, uint64_t min_mib)
{
	return call(ADD, img, sectors_of(img), name, min_mib);
}

/* Berth's layout (scripts/mkdisk), smaller, in a 64 MiB IMG: with STATE, 1 MiB
 * free at the end, as there; without, 21 MiB free after ROOT-B. EXTRA is more
 * of sfdisk's header lines, or "". */
static int make_image(const char *img, int with_state, const char *extra)
{
	return sh("truncate -s 64M '%s' && sfdisk --quiet --no-reread --no-tell-kernel '%s' <<'EOF'\n"
		  "label: gpt\n"
		  "label-id: 9F2B1C3D-0000-4000-8000-000000000001\n"
		  "unit: sectors\n"
		  "first-lba: 2048\n"
		  "%s"
		  "start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, name=\"BIOS-BOOT\", uuid=9F2B1C3D-0000-4000-8000-000000000011\n"
		  "start=4096, size=16384, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\"EFI-SYSTEM\", uuid=9F2B1C3D-0000-4000-8000-000000000012\n"
		  "start=20480, size=32768, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name=\"ROOT-A\", uuid=9F2B1C3D-0000-4000-8000-000000000013\n"
		  "start=53248, size=32768, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name=\"ROOT-B\", uuid=9F2B1C3D-0000-4000-8000-000000000014\n"
		  "%s"
		  "EOF",
		  img, img, extra,
		  with_state ? "start=86016, size=43008, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=\"STATE\", uuid=9F2B1C3D-0000-4000-8000-000000000015\n"
			     : "");
}

/* Every line of BEFORE is in AFTER, but for those containing SKIP1 or SKIP2. */
static void lines_kept(const char *before, const char *after, const char *skip1, const char *skip2)
{
	for (const char *l = before; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
		char one[1024];
		snprintf(one, sizeof one, "%.*s", (int)strcspn(l, "\n"), l);
		if (!*one || strstr(one, skip1) || strstr(one, skip2))
			continue;
		CHECK_STR(line_with(after, one), one);
	}
}

/* The tables of IMG, a disk of SECTORS sectors, as after a grow or an add: the
 * backup header at the last sector, its 32 sectors of entries before it, the
 * protective MBR spanning the disk. */
static void tables_at_end(const char *img, uint64_t sectors)
{
	unsigned char sec[512];
	uint64_t last_usable = sectors - 1 - 32 - 1;
	read_at(img, sec, 512, (off_t)(sectors - 1) * 512);
	CHECK(!memcmp(sec, "EFI PART", 8) && le(sec + 24, 8) == sectors - 1 && le(sec + 32, 8) == 1 &&
	      le(sec + 48, 8) == last_usable && le(sec + 72, 8) == sectors - 33);
	read_at(img, sec, 512, 512);
	CHECK(le(sec + 24, 8) == 1 && le(sec + 32, 8) == sectors - 1 && le(sec + 48, 8) == last_usable &&
	      le(sec + 72, 8) == 2);
	read_at(img, sec, 512, 0);
	CHECK(sec[446 + 4] == 0xEE && le(sec + 446 + 8, 4) == 1 && le(sec + 446 + 12, 4) == sectors - 1);
	CHECK(sec[510] == 0x55 && sec[511] == 0xAA);
}

/* A GUID as stored (mixed-endian) in text, upper case, into BUF (37 bytes). */
static const char *guid_text(const unsigned char *g, char *buf)
{
	snprintf(buf, 37, "%08llX-%04llX-%04llX-%02X%02X-%02X%02X%02X%02X%02X%02X", (unsigned long long)le(g, 4),
		 (unsigned long long)le(g + 4, 2), (unsigned long long)le(g + 6, 2), g[8], g[9], g[10], g[11],
		 g[12], g[13], g[14], g[15]);
	return buf;
}

/* DST: SRC with the last 33 sectors of DONE (a disk of SECTORS sectors), as if
 * a change from SRC to DONE was cut off after writing the backup GPT. */
static int backup_only(const char *dst, const char *src, const char *done, uint64_t sectors)
{
	return sh("cp '%s' '%s' && truncate -s %llu '%s' && "
		  "dd if='%s' of='%s' bs=512 skip=%llu seek=%llu count=33 conv=notrunc status=none",
		  src, dst, (unsigned long long)sectors * 512, dst, done, dst, (unsigned long long)sectors - 33,
		  (unsigned long long)sectors - 33);
}

/* IMG is byte for byte COPY. */
static int same(const char *img, const char *copy)
{
	return sh("cmp -s '%s' '%s'", img, copy) == 0;
}

/* A damaged copy of SRC, byte OFF xor'ed, must be refused with WANT in the
 * message, by both calls, and stay untouched. */
static void refused(const char *src, off_t off, const char *want)
{
	static const char *bad, *keep;
	if (!bad)
		bad = path("bad.img"), keep = path("bad-copy.img");
	CHECK(sh("cp '%s' '%s'", src, bad) == 0);
	unsigned char b;
	read_at(bad, &b, 1, off);
	b ^= 0x20;
	write_at(bad, &b, 1, off);
	CHECK(sh("cp '%s' '%s'", bad, keep) == 0);
	struct res r = grow(bad, "STATE");
	CHECK(r.ret == -1 && strstr(r.err, want));
	if (!strstr(r.err, want))
		fprintf(stderr, "  offset %lld: \"%s\", expected \"%s\"\n", (long long)off, r.err, want);
	r = find(bad, "STATE");
	CHECK(r.ret == -1 && strstr(r.err, want));
	r = add(bad, "HOME", 1);
	CHECK(r.ret == -1 && strstr(r.err, want));
	CHECK(same(bad, keep));
}

int main(void)
{
	/* The CRC32 check value of the IEEE polynomial, whole and in pieces. */
	CHECK(gpt_crc32(0, "123456789", 9) == 0xCBF43926u);
	CHECK(gpt_crc32(gpt_crc32(0, "1234", 4), "56789", 5) == 0xCBF43926u);
	CHECK(gpt_crc32(0, "", 0) == 0);

	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/berth-gpt-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	/* Berth's layout, with STATE. */
	const char *disk = path("disk.img"), *base = path("base.img");
	CHECK(make_image(disk, 1, "") == 0);
	CHECK(sectors_of(disk) == 131072 && verify_clean(disk));
	/* Data at the edges of ROOT-B and STATE, which must survive. */
	write_at(disk, "ROOT-B-END", 10, 86015 * 512);
	write_at(disk, "STATE-FIRST", 11, 86016 * 512);
	write_at(disk, "STATE-LAST", 10, 129023 * 512);
	CHECK(sh("cp '%s' '%s'", disk, base) == 0);
	char *before = out("sfdisk -d '%s' 2>&1", disk);

	/* Finding partitions: names compare whole, not as prefixes. */
	struct res r = find(disk, "STATE");
	CHECK(r.ret == 0 && r.partno == 5 && r.first == 86016 && r.last == 129023);
	r = find(disk, "ROOT-A");
	CHECK(r.ret == 0 && r.partno == 3 && r.first == 20480 && r.last == 53247);
	r = find(disk, "BIOS-BOOT");
	CHECK(r.ret == 0 && r.partno == 1 && r.first == 2048 && r.last == 4095);
	r = find(disk, "HOME");
	CHECK(r.ret == -1 && strstr(r.err, "no partition named HOME"));
	CHECK(find(disk, "STAT").ret == -1 && find(disk, "STATEX").ret == -1 && find(disk, "").ret == -1);
	CHECK(find(disk, "state").ret == -1);

	/* The image as made: STATE already fills it, whole MiB; nothing written. */
	r = grow(disk, "STATE");
	CHECK(r.ret == 0 && r.partno == 5 && r.first == 86016 && r.last == 129023);
	CHECK(same(disk, base));

	/* Not the last partition, no such partition, a disk smaller than the
	 * table: errors, and nothing written. */
	CHECK(sh("truncate -s 200M '%s'", disk) == 0);
	const char *big = path("big.img"); /* the whole 200 MiB, to compare with */
	CHECK(sh("cp '%s' '%s'", disk, big) == 0);
	r = grow(disk, "ROOT-A");
	CHECK(r.ret == -1 && strstr(r.err, "not the last"));
	r = grow(disk, "HOME");
	CHECK(r.ret == -1 && strstr(r.err, "no partition named HOME"));
	r = grow_n(disk, 131071, "STATE");
	CHECK(r.ret == -1 && strstr(r.err, "backup header is at LBA 131071"));
	CHECK(same(disk, big));

	/* 200 MiB: STATE grows to the last whole MiB before the backup GPT (128
	 * entries of 128 bytes: 32 sectors, then the header in the last one). */
	uint64_t sectors = 200 * MiB_SECTORS, last_usable = sectors - 1 - 32 - 1;
	uint64_t want_last = 86016 + (last_usable - 86016 + 1) / MiB_SECTORS * MiB_SECTORS - 1;
	CHECK(sectors_of(disk) == sectors && want_last == 407551);
	r = grow(disk, "STATE");
	CHECK(r.ret == 1 && r.partno == 5 && r.first == 86016 && r.last == want_last);
	if (r.ret != 1)
		fprintf(stderr, "  grow: %s\n", r.err);
	CHECK((r.last - r.first + 1) % MiB_SECTORS == 0 && r.last <= last_usable &&
	      last_usable - r.last < MiB_SECTORS);
	CHECK(verify_clean(disk));
	r = find(disk, "STATE");
	CHECK(r.ret == 0 && r.first == 86016 && r.last == want_last);

	/* What sfdisk reads: the new last usable LBA and STATE's size; every other
	 * line as before. */
	char *after = out("sfdisk -d '%s' 2>&1", disk);
	CHECK(strstr(after, "\nlast-lba: 409566\n") != NULL);
	char state_before[1024], state_want[1024], sz[32];
	snprintf(state_before, sizeof state_before, "%s", line_with(before, "name=\"STATE\""));
	char *p = strstr(state_before, "size=       43008,");
	CHECK(p != NULL);
	if (p) {
		snprintf(sz, sizeof sz, "size=%12llu,", (unsigned long long)(want_last - 86016 + 1));
		snprintf(state_want, sizeof state_want, "%.*s%s%s", (int)(p - state_before), state_before, sz,
			 p + strlen("size=       43008,"));
		CHECK_STR(line_with(after, "name=\"STATE\""), state_want);
	}
	lines_kept(before, after, "last-lba:", "name=\"STATE\"");
	free(after);

	/* The tables at the disk's end; the data is untouched. */
	tables_at_end(disk, sectors);
	unsigned char sec[512];
	char mark[16] = {0};
	read_at(disk, mark, 11, 86016 * 512);
	CHECK_STR(mark, "STATE-FIRST");
	memset(mark, 0, sizeof mark);
	read_at(disk, mark, 10, 129023 * 512);
	CHECK_STR(mark, "STATE-LAST");
	memset(mark, 0, sizeof mark);
	read_at(disk, mark, 10, 86015 * 512);
	CHECK_STR(mark, "ROOT-B-END");

	/* The backup alone is right: sfdisk falls back to it without a primary. */
	const char *nopri = path("nopri.img");
	CHECK(sh("cp '%s' '%s' && dd if=/dev/zero of='%s' bs=512 seek=1 count=1 conv=notrunc status=none",
		 disk, nopri, nopri) == 0);
	char *fallback = out("sfdisk -d '%s' 2>&1", nopri);
	CHECK(strstr(fallback, "backup appears OK") && strstr(fallback, "\nlast-lba: 409566\n"));
	CHECK(strstr(line_with(fallback, "name=\"STATE\""), sz) != NULL);
	free(fallback);
	r = find(nopri, "STATE");
	CHECK(r.ret == -1 && strstr(r.err, "signature"));

	/* Again: nothing to do, nothing written. */
	const char *grown = path("grown.img");
	CHECK(sh("cp '%s' '%s'", disk, grown) == 0);
	r = grow(disk, "STATE");
	CHECK(r.ret == 0 && r.partno == 5 && r.first == 86016 && r.last == want_last);
	CHECK(same(disk, grown));

	/* Interrupted after the backup was written: the next run finishes the job. */
	const char *half = path("half.img");
	CHECK(backup_only(half, base, grown, sectors) == 0);
	r = grow(half, "STATE");
	CHECK(r.ret == 1 && r.last == want_last && same(half, grown));

	/* A disk grown by 32 sectors: STATE, 2015 sectors short of the last usable
	 * LBA, still cannot grow by a whole MiB, but the backup GPT moves to the
	 * end. Then nothing is left to do. One sector more, and STATE grows. */
	const char *small = path("small.img");
	CHECK(sh("cp '%s' '%s' && truncate -s %d '%s'", base, small, 64 * 1048576 + 32 * 512, small) == 0);
	r = grow(small, "STATE");
	CHECK(r.ret == 1 && r.partno == 5 && r.first == 86016 && r.last == 129023);
	CHECK(verify_clean(small));
	char *s = out("sfdisk -d '%s' 2>&1", small);
	CHECK(strstr(s, "\nlast-lba: 131070\n") && strstr(line_with(s, "name=\"STATE\""), "size=       43008,"));
	free(s);
	CHECK(grow(small, "STATE").ret == 0);
	CHECK(sh("truncate -s %d '%s'", 64 * 1048576 + 33 * 512, small) == 0);
	r = grow(small, "STATE");
	CHECK(r.ret == 1 && r.first == 86016 && r.last == 131071 && verify_clean(small));
	s = out("sfdisk -d '%s' 2>&1", small);
	CHECK(strstr(s, "\nlast-lba: 131071\n") && strstr(line_with(s, "name=\"STATE\""), "size=       45056,"));
	free(s);

	/* Only the protective MBR's size wrong: it alone is fixed. */
	const char *mbr = path("mbr.img");
	CHECK(sh("cp '%s' '%s'", grown, mbr) == 0);
	write_at(mbr, "\xff\xff\x01\x00", 4, 446 + 12);
	r = grow(mbr, "STATE");
	CHECK(r.ret == 1 && r.last == want_last && same(mbr, grown));

	/* Adding STATE to an image made without it, 21 MiB free after ROOT-B:
	 * too little for 22 MiB, and names that exist or do not fit, refused;
	 * nothing written. Something in the free space, where STATE will start. */
	const char *bare = path("bare.img"), *bare0 = path("bare0.img");
	CHECK(make_image(bare, 0, "") == 0 && verify_clean(bare));
	write_at(bare, "ROOT-B-END", 10, 86015 * 512);
	write_at(bare, "STALE", 5, (86016 + 100) * 512);
	CHECK(sh("cp '%s' '%s'", bare, bare0) == 0);
	char *bare_before = out("sfdisk -d '%s' 2>&1", bare);
	r = add(bare, "STATE", 22);
	CHECK(r.ret == -1 && strstr(r.err, "not enough free space for STATE: 21 MiB"));
	if (r.ret != -1)
		fprintf(stderr, "  add 22 MiB: %d \"%s\"\n", r.ret, r.err);
	r = add(bare, "ROOT-A", 1);
	CHECK(r.ret == -1 && strstr(r.err, "a partition named ROOT-A exists: partition 3"));
	r = add(bare, "A-NAME-LONGER-THAN-THIRTY-SIX-CHARACTERS", 1);
	CHECK(r.ret == -1 && strstr(r.err, "longer than 36"));
	CHECK(add(bare, "", 1).ret == -1 && add(bare, "\xc3\xa9t\xc3\xa9", 1).ret == -1);
	CHECK(same(bare, bare0));

	/* Enlarged to 200 MiB: STATE from ROOT-B's end to the last whole MiB
	 * before the backup GPT, where the grow put its end; a valid table, the
	 * other partitions as they were, a new Linux filesystem partition with a
	 * random (version 4) GUID, its first MiB zero, the data untouched. */
	CHECK(sh("truncate -s 200M '%s'", bare) == 0);
	r = add(bare, "STATE", 64);
	CHECK(r.ret == 0 && r.partno == 5 && r.first == 86016 && r.last == want_last);
	if (r.ret)
		fprintf(stderr, "  add: %s\n", r.err);
	CHECK(verify_clean(bare));
	r = find(bare, "STATE");
	CHECK(r.ret == 0 && r.partno == 5 && r.first == 86016 && r.last == want_last);
	char *added = out("sfdisk -d '%s' 2>&1", bare);
	CHECK(strstr(added, "\nlast-lba: 409566\n") != NULL);
	lines_kept(bare_before, added, "last-lba:", "last-lba:");
	unsigned char ent[128];
	char guid[40], want_line[1024];
	read_at(bare, ent, 128, 1024 + 4 * 128);
	snprintf(want_line, sizeof want_line,
		 "%s5 : start=%12llu, size=%12llu, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=%s, name=\"STATE\"",
		 bare, 86016ull, (unsigned long long)(want_last - 86016 + 1), guid_text(ent + 16, guid));
	CHECK_STR(line_with(added, "name=\"STATE\""), want_line);
	CHECK(ent[16 + 7] >> 4 == 4 && ent[16 + 8] >> 6 == 2);
	CHECK(!strstr(strstr(added, "name=\"STATE\"") + 1, "name=") && !strstr(added, ".img6 :"));
	free(added);
	tables_at_end(bare, sectors);
	unsigned char *first_mib = malloc(1 << 20);
	CHECK(first_mib != NULL);
	if (first_mib) {
		read_at(bare, first_mib, 1 << 20, 86016 * 512);
		size_t nz = 0;
		while (nz < 1 << 20 && !first_mib[nz])
			nz++;
		CHECK(nz == 1 << 20);
		free(first_mib);
	}
	memset(mark, 0, sizeof mark);
	read_at(bare, mark, 10, 86015 * 512);
	CHECK_STR(mark, "ROOT-B-END");

	/* Again: STATE exists; another name finds no space. Nothing written. */
	const char *added_img = path("added.img");
	CHECK(sh("cp '%s' '%s'", bare, added_img) == 0);
	r = add(bare, "STATE", 64);
	CHECK(r.ret == -1 && strstr(r.err, "a partition named STATE exists: partition 5"));
	r = add(bare, "HOME", 0);
	CHECK(r.ret == -1 && strstr(r.err, "not enough free space for HOME: 0 MiB"));
	CHECK(same(bare, added_img));

	/* Cut off after the backup was written: the old primary holds, and the
	 * next run adds STATE again, with another GUID. */
	const char *half_add = path("half-add.img");
	CHECK(backup_only(half_add, bare0, added_img, sectors) == 0);
	r = add(half_add, "STATE", 64);
	CHECK(r.ret == 0 && r.partno == 5 && r.first == 86016 && r.last == want_last && verify_clean(half_add));
	unsigned char ent2[128];
	read_at(half_add, ent2, 128, 1024 + 4 * 128);
	CHECK(!memcmp(ent, ent2, 16) && memcmp(ent + 16, ent2 + 16, 16) && !memcmp(ent + 32, ent2 + 32, 96));

	/* A table of 4 entries, all used: no room for STATE, nothing written. */
	const char *full = path("full.img"), *full0 = path("full0.img");
	CHECK(make_image(full, 0, "table-length: 4\n") == 0 && sh("truncate -s 200M '%s'", full) == 0 &&
	      sh("cp '%s' '%s'", full, full0) == 0);
	r = add(full, "STATE", 64);
	CHECK(r.ret == -1 && strstr(r.err, "no free GPT entry for STATE: all 4 are used"));
	if (r.ret != -1)
		fprintf(stderr, "  add to a full table: %d \"%s\"\n", r.ret, r.err);
	CHECK(same(full, full0));
	free(bare_before);

	/* Damage: signature, header CRC (the disk GUID changed), entries CRC (a
	 * name changed), and headers with valid CRCs but hostile entry counts. */
	refused(grown, 512 + 0, "signature");
	refused(grown, 512 + 56, "CRC of the primary GPT header");
	refused(grown, 1024 + 56, "CRC of the primary GPT partition entries");
	refused(grown, 1024 + 128 * 4 + 40, "CRC");
	struct {
		int field;
		uint32_t value;
		const char *want;
	} hostile[] = {
		{80, 0x01000000, "bad GPT partition entries"}, /* 2 GiB of entries */
		{80, 0, "bad GPT partition entries"},
		{84, 100, "bad GPT partition entries"},
		{84, 0xFFFFFFF8u, "bad GPT partition entries"},
		{12, 600, "header size"},
		{72, 131072, "inconsistent"}, /* entries past the first usable LBA */
	};
	const char *h = path("hostile.img"), *hk = path("hostile-copy.img");
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		CHECK(sh("cp '%s' '%s'", grown, h) == 0);
		read_at(h, sec, 512, 512);
		for (int k = 0; k < 4; k++)
			sec[hostile[i].field + k] = (unsigned char)(hostile[i].value >> 8 * k);
		memset(sec + 16, 0, 4);
		uint32_t crc = gpt_crc32(0, sec, le(sec + 12, 4) <= 512 ? le(sec + 12, 4) : 92);
		for (int k = 0; k < 4; k++)
			sec[16 + k] = (unsigned char)(crc >> 8 * k);
		write_at(h, sec, 512, 512);
		CHECK(sh("cp '%s' '%s'", h, hk) == 0);
		r = grow(h, "STATE");
		CHECK(r.ret == -1 && strstr(r.err, hostile[i].want));
		r = add(h, "HOME", 1);
		CHECK(r.ret == -1 && strstr(r.err, hostile[i].want));
		CHECK(find(h, "STATE").ret == -1);
		CHECK(same(h, hk)); /* refused, so nothing written */
		if (!strstr(r.err, hostile[i].want))
			fprintf(stderr, "  hostile %zu: \"%s\"\n", i, r.err);
	}

	free(before);
	sh("rm -rf '%s'", dir);
	return check_done("gpt");
}
