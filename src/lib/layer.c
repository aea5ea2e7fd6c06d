/* Layer unpacking: see layer.h. libarchive parses the tar; the gzip stream is
 * inflated here with zlib so that the uncompressed bytes can be hashed on the
 * way (the diff_id). Every path is walked from the layer's directory one
 * component at a time with O_NOFOLLOW, so no symbolic link is ever followed. */
#define _GNU_SOURCE /* syncfs */
#include "layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <zlib.h>

#define INBUF 65536
#define OUTBUF 131072

struct stream {
	int fd;
	bool gzip, zeof, eof;
	z_stream z;
	unsigned char in[INBUF], out[OUTBUF];
	crypto_hash_sha256_state sha;
	uint64_t bytes;
	char err[160];
};

/* The next uncompressed bytes, hashed; 0 at the end, -1 on an error. */
static ssize_t next_bytes(struct stream *s, const void **buf)
{
	if (s->eof)
		return 0;
	if (!s->gzip) {
		ssize_t n;
		do
			n = read(s->fd, s->out, sizeof s->out);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			snprintf(s->err, sizeof s->err, "read: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			s->eof = true;
		crypto_hash_sha256_update(&s->sha, s->out, (size_t)n);
		s->bytes += (uint64_t)n;
		*buf = s->out;
		return n;
	}
	s->z.next_out = s->out;
	s->z.avail_out = sizeof s->out;
	while (s->z.avail_out == sizeof s->out) {
		if (s->z.avail_in == 0 && !s->zeof) {
			ssize_t n;
			do
				n = read(s->fd, s->in, sizeof s->in);
			while (n < 0 && errno == EINTR);
			if (n < 0) {
				snprintf(s->err, sizeof s->err, "read: %s", strerror(errno));
				return -1;
			}
			if (n == 0)
				s->zeof = true;
			s->z.next_in = s->in;
			s->z.avail_in = (uInt)n;
		}
		int rc = inflate(&s->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			/* Concatenated gzip members continue the same stream. */
			if (s->z.avail_in == 0 && s->zeof) {
				s->eof = true;
				break;
			}
			inflateReset(&s->z);
			if (s->z.avail_in == 0) {
				/* the next member starts in the next read, or never */
				ssize_t n = read(s->fd, s->in, sizeof s->in);
				if (n <= 0) {
					s->eof = true;
					break;
				}
				s->z.next_in = s->in;
				s->z.avail_in = (uInt)n;
			}
			continue;
		}
		if (rc == Z_BUF_ERROR && s->zeof && s->z.avail_in == 0) {
			snprintf(s->err, sizeof s->err, "the gzip stream is truncated");
			return -1;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(s->err, sizeof s->err, "gzip: %s", s->z.msg ? s->z.msg : "invalid data");
			return -1;
		}
	}
	size_t n = sizeof s->out - s->z.avail_out;
	crypto_hash_sha256_update(&s->sha, s->out, n);
	s->bytes += n;
	*buf = s->out;
	return (ssize_t)n;
}

static la_ssize_t reader(struct archive *a, void *arg, const void **buf)
{
	struct stream *s = arg;
	ssize_t n = next_bytes(s, buf);
	if (n < 0)
		archive_set_error(a, EIO, "%s", s->err);
	return n;
}

/* The entry's path, cleaned: no "./" prefix, no "." components, no trailing
 * '/'. Absolute paths and ".." are refused. Empty for the layer's root. */
static int clean_path(const char *in, char *out, size_t len, char *err, size_t errlen)
{
	if (in[0] == '/') {
		snprintf(err, errlen, "\"%s\": absolute path", in);
		return -1;
	}
	size_t o = 0;
	const char *c = in;
	while (*c) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			snprintf(err, errlen, "\"%s\": \"..\" in the path", in);
			return -1;
		}
		if (n > 0 && !(n == 1 && c[0] == '.')) {
			if (o + n + 2 > len) {
				snprintf(err, errlen, "\"%.60s...\": path too long", in);
				return -1;
			}
			if (o)
				out[o++] = '/';
			memcpy(out + o, c, n);
			o += n;
		}
		if (!e)
			break;
		c = e + 1;
	}
	out[o] = '\0';
	return 0;
}

/* Opens the parent directory of PATH below ROOT, making missing directories
 * when MAKE, never through a symbolic link; *NAME points at the last component. */
static int open_parent(int root, char *path, bool make, const char **name, char *err, size_t errlen,
		       const char *entry)
{
	int fd = dup(root);
	char *c = path;
	for (;;) {
		char *e = strchr(c, '/');
		if (!e)
			break;
		*e = '\0';
		int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && make) {
			if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
				snprintf(err, errlen, "\"%s\": mkdir %s: %s", entry, path, strerror(errno));
				*e = '/';
				close(fd);
				return -1;
			}
			next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			int en = errno;
			if (en == ELOOP || en == ENOTDIR)
				snprintf(err, errlen, "\"%s\": the path goes through %s, which is not a directory "
					 "(a symbolic link is never followed)", entry, path);
			else
				snprintf(err, errlen, "\"%s\": %s: %s", entry, path, strerror(en));
			*e = '/';
			close(fd);
			return -1;
		}
		*e = '/';
		close(fd);
		fd = next;
		c = e + 1;
	}
	*name = c;
	return fd;
}

static int remove_at(int dfd, const char *name);

static int remove_contents(int fd)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			if (remove_at(dirfd(d), de->d_name) < 0)
				rc = -1;
	closedir(d);
	return rc;
}

static int remove_at(int dfd, const char *name)
{
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (remove_contents(fd) < 0)
		return -1;
	return unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

int remove_tree(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (remove_contents(fd) < 0)
		return -1;
	return rmdir(dir) == 0 || errno == ENOENT ? 0 : -1;
}

static void set_xattrs(struct archive_entry *e, int pfd, const char *name)
{
	const char *k;
	const void *v;
	size_t n;
	if (archive_entry_xattr_reset(e) == 0)
		return;
	while (archive_entry_xattr_next(e, &k, &v, &n) == ARCHIVE_OK) {
		/* Only what images use (file capabilities, user attributes); never
		 * the overlay's own trusted.* attributes. */
		if (strncmp(k, "security.", 9) && strncmp(k, "user.", 5))
			continue;
		int fd = openat(pfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (fsetxattr(fd, k, v, n, 0) < 0) { /* a file system without them: as tar does, go on */ }
		close(fd);
	}
}

static int write_data(struct archive *a, int fd, const char *entry, char *err, size_t errlen)
{
	const void *buf;
	size_t n;
	la_int64_t off;
	int rc;
	while ((rc = archive_read_data_block(a, &buf, &n, &off)) == ARCHIVE_OK) {
		const char *p = buf;
		while (n > 0) {
			ssize_t w = pwrite(fd, p, n, off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				snprintf(err, errlen, "\"%s\": write: %s", entry, strerror(errno));
				return -1;
			}
			p += w;
			off += w;
			n -= (size_t)w;
		}
	}
	if (rc != ARCHIVE_EOF) {
		snprintf(err, errlen, "\"%s\": %s", entry, archive_error_string(a));
		return -1;
	}
	return 0;
}

static int extract(struct archive *a, struct archive_entry *e, int root, struct layer_stats *st,
		   char *err, size_t errlen)
{
	char path[4096], target[4096];
	const char *entry = archive_entry_pathname(e);
	if (!entry)
		entry = "";
	if (clean_path(entry, path, sizeof path, err, errlen) < 0)
		return -1;
	if (!*path)
		return 0; /* the root itself: its metadata belongs to the image's base */
	const char *name;
	int pfd = open_parent(root, path, true, &name, err, errlen, entry);
	if (pfd < 0)
		return -1;
	int rc = -1;
	mode_t type = archive_entry_filetype(e);
	const char *hard = archive_entry_hardlink(e);
	if (!strcmp(name, ".wh..wh..opq")) {
		if (fsetxattr(pfd, "trusted.overlay.opaque", "y", 1, 0) < 0) {
			snprintf(err, errlen, "\"%s\": cannot mark the directory opaque: %s", entry, strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (!strncmp(name, ".wh.", 4)) {
		const char *gone = name + 4;
		if (!*gone || !strcmp(gone, ".") || !strcmp(gone, "..")) {
			snprintf(err, errlen, "\"%s\": invalid whiteout", entry);
			goto out;
		}
		if (remove_at(pfd, gone) < 0 || mknodat(pfd, gone, S_IFCHR | 0, makedev(0, 0)) < 0) {
			snprintf(err, errlen, "\"%s\": cannot make the whiteout: %s", entry, strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (!hard && (type == AE_IFCHR || type == AE_IFBLK)) {
		snprintf(err, errlen, "\"%s\": device nodes are not allowed in layers", entry);
		goto out;
	}
	struct stat old;
	bool exists = fstatat(pfd, name, &old, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && !(S_ISDIR(old.st_mode) && type == AE_IFDIR && !hard)) {
		if (remove_at(pfd, name) < 0) {
			snprintf(err, errlen, "\"%s\": cannot replace it: %s", entry, strerror(errno));
			goto out;
		}
		exists = false;
	}
	if (hard) {
		if (clean_path(hard, target, sizeof target, err, errlen) < 0)
			goto out;
		const char *tname;
		int tfd = open_parent(root, target, false, &tname, err, errlen, hard);
		if (tfd < 0)
			goto out;
		int l = linkat(tfd, tname, pfd, name, 0);
		int en = errno;
		close(tfd);
		if (l < 0) {
			snprintf(err, errlen, "\"%s\": hard link to \"%s\": %s", entry, hard, strerror(en));
			goto out;
		}
		st->entries++;
		rc = 0;
		goto out;
	}
	mode_t mode = archive_entry_perm(e) & 07777;
	int fd = -1;
	switch (type) {
	case AE_IFDIR:
		if (!exists && mkdirat(pfd, name, 0700) < 0) {
			snprintf(err, errlen, "\"%s\": mkdir: %s", entry, strerror(errno));
			goto out;
		}
		break;
	case AE_IFREG:
		fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(err, errlen, "\"%s\": create: %s", entry, strerror(errno));
			goto out;
		}
		if (write_data(a, fd, entry, err, errlen) < 0 ||
		    ftruncate(fd, archive_entry_size(e)) < 0) {
			if (!*err)
				snprintf(err, errlen, "\"%s\": %s", entry, strerror(errno));
			close(fd);
			goto out;
		}
		close(fd);
		break;
	case AE_IFLNK: {
		const char *to = archive_entry_symlink(e);
		if (!to || symlinkat(to, pfd, name) < 0) {
			snprintf(err, errlen, "\"%s\": symlink: %s", entry, to ? strerror(errno) : "no target");
			goto out;
		}
		break;
	}
	case AE_IFIFO:
		if (mkfifoat(pfd, name, 0600) < 0) {
			snprintf(err, errlen, "\"%s\": mkfifo: %s", entry, strerror(errno));
			goto out;
		}
		break;
	default:
		snprintf(err, errlen, "\"%s\": unsupported file type 0%o", entry, (unsigned)type);
		goto out;
	}
	/* Owner first (it clears set-id bits), then the mode, then the times. */
	if (fchownat(pfd, name, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "\"%s\": chown: %s", entry, strerror(errno));
		goto out;
	}
	if (type != AE_IFLNK && fchmodat(pfd, name, mode, 0) < 0) {
		snprintf(err, errlen, "\"%s\": chmod: %s", entry, strerror(errno));
		goto out;
	}
	set_xattrs(e, pfd, name);
	struct timespec ts[2] = {
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
	};
	utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
	st->entries++;
	rc = 0;
out:
	close(pfd);
	return rc;
}

int layer_unpack(int fd, int gzip, const char *dir, const char *diff_id,
		 struct layer_stats *st, char *err, size_t errlen)
{
	memset(st, 0, sizeof *st);
	*err = '\0';
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium did not initialise");
		return -1;
	}
	struct stream *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->fd = fd;
	s->gzip = gzip;
	crypto_hash_sha256_init(&s->sha);
	if (gzip && inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
		snprintf(err, errlen, "zlib did not initialise");
		free(s);
		return -1;
	}
	int root = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct archive *a = archive_read_new();
	int rc = -1;
	if (root < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	archive_read_support_format_tar(a);
	if (archive_read_open(a, s, NULL, reader, NULL) != ARCHIVE_OK) {
		snprintf(err, errlen, "not a tar archive: %s", archive_error_string(a));
		goto out;
	}
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
		if (extract(a, e, root, st, err, errlen) < 0)
			goto out;
	if (r != ARCHIVE_EOF) {
		snprintf(err, errlen, "the tar stream is damaged: %s", archive_error_string(a));
		goto out;
	}
	/* The diff_id covers the whole stream, padding after the tar's end included. */
	const void *buf;
	ssize_t n;
	while ((n = next_bytes(s, &buf)) > 0)
		;
	if (n < 0) {
		snprintf(err, errlen, "%s", s->err);
		goto out;
	}
	st->bytes = s->bytes;
	unsigned char sum[32];
	crypto_hash_sha256_final(&s->sha, sum);
	char hex[72] = "sha256:";
	sodium_bin2hex(hex + 7, 65, sum, sizeof sum);
	if (diff_id && strcmp(hex, diff_id)) {
		snprintf(err, errlen, "the layer's content is %s, not its diff_id %s", hex, diff_id);
		goto out;
	}
	if (syncfs(root) < 0) {
		snprintf(err, errlen, "%s: sync: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	archive_read_free(a);
	if (root >= 0)
		close(root);
	if (gzip)
		inflateEnd(&s->z);
	free(s);
	return rc;
}
