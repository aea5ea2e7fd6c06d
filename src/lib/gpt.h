/* GPT partition tables on 512-byte-sector disks: find a partition by name,
 * grow the last one to the end of a disk that got larger than the image written
 * to it (first boot on a bigger disk or VM volume), or add one in the space
 * after the last (an image made without it). Only the primary table is
 * trusted: a damaged one is an error, never something this code repairs.
 * Plain pread/pwrite on a file descriptor: works on block devices and image
 * files alike; telling the kernel about a changed partition is the caller's. */
#ifndef BERTH_GPT_H
#define BERTH_GPT_H

#include <stddef.h>
#include <stdint.h>

/* Finds the partition named NAME (the GPT name, UTF-16LE, compared as ASCII) on
 * the disk open as FD. Returns 0 and sets *PARTNO (1-based), *FIRST and *LAST
 * (its first and last LBA), or -1 with a message in ERR (ERRLEN bytes). */
int gpt_find_partition(int fd, const char *name, int *partno, uint64_t *first, uint64_t *last,
		       char *err, size_t errlen);

/* Grows partition NAME, which must be the last one (highest ending LBA), to the
 * end of the disk of SECTORS 512-byte sectors, its size a multiple of 1 MiB;
 * never shrinks it. Moves the backup GPT to the disk's end and sets the
 * protective MBR's size. Writes the backup first, so that an interrupted run
 * leaves the old primary or the new backup valid, and the next run finishes.
 * Returns 1 if it changed anything (the partition, or only the backup's place
 * when the disk grew by less than 1 MiB), 0 if there was nothing to do, -1 with
 * ERR on error; on 0 and 1 *PARTNO, *FIRST, *LAST are as after the change. */
int gpt_grow_partition(int fd, uint64_t sectors, const char *name, int *partno, uint64_t *first,
		       uint64_t *last, char *err, size_t errlen);

/* Adds a partition named NAME (at most 36 ASCII characters; type Linux
 * filesystem data, 0FC63DAF-8483-4772-8E79-3D69D8477DE4; a random, unique
 * GUID) in the first free entry, in the free space after the last partition up
 * to the end of the disk of SECTORS 512-byte sectors: it starts on a 1 MiB
 * boundary and its size is a multiple of 1 MiB. Moves the backup GPT to the
 * disk's end and sets the protective MBR's size, as gpt_grow_partition does,
 * in the same order (backup first), after zeroing the new partition's first
 * MiB so that it reads as blank. Refuses, writing nothing, if a partition NAME
 * exists, if no entry is free, or if less than MIN_MIB MiB (1 at least) would
 * be free. Returns 0 and sets *PARTNO (1-based), *FIRST and *LAST, or -1 with
 * ERR. Interrupted, it leaves the old primary or the new backup valid; from the
 * old primary, the next run adds the partition again (with another GUID). */
int gpt_add_partition(int fd, uint64_t sectors, const char *name, uint64_t min_mib, int *partno,
		      uint64_t *first, uint64_t *last, char *err, size_t errlen);

/* The CRC32 GPT uses (IEEE 802.3, reflected): CRC is 0 to start, or the result
 * of the previous call to continue. Exposed for tests that forge tables. */
uint32_t gpt_crc32(uint32_t crc, const void *buf, size_t len);

#endif
