/* Files replaced whole or not at all: written under a temporary name in the
 * same directory, flushed, renamed over the old one, and the directory
 * flushed, so that a power cut leaves the old file or the new, never half. */
#ifndef BERTH_ATOMICFILE_H
#define BERTH_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Writes LEN bytes of DATA as PATH with MODE (owner root, or UID:GID when
 * UID is not -1). Returns 0, or -1 with ERR naming the file. */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid, char *err,
		      size_t errlen);

/* As file_write_atomic, owner root, without the flushes: readers and a crash
 * of the writer see the old file or the new, but a power cut may leave an
 * empty or missing one. For files whose loss costs nothing (a container run
 * with --rm), where the flushes would cost time. */
int file_replace(const char *path, const void *data, size_t len, mode_t mode, char *err, size_t errlen);

/* Flushes the directory that holds PATH, so that a rename or a new name in
 * it outlives a power cut. */
void parent_sync(const char *path);

/* Reads PATH whole (at most MAX bytes) into a malloc'd, NUL-terminated buffer
 * (*LEN its length). Returns NULL with errno set (EFBIG: longer than MAX). */
char *file_read_all(const char *path, size_t max, size_t *len);

#endif
