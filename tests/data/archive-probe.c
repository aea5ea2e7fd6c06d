/* Reads a gzip-compressed tar the way dock reads an OCI image layer: only the
 * tar formats and the gzip filter are registered. Prints the library's
 * versions, then each entry (type, mode, size, path, link target, extended
 * attributes); given a directory, also extracts the entries into it with the
 * secure extraction flags, saying which ones it refused.
 * usage: archive-probe LAYER.tar.gz [DIR] */
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char type_of(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return 'h';
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: return '-';
	case AE_IFDIR: return 'd';
	case AE_IFLNK: return 'l';
	case AE_IFCHR: return 'c';
	case AE_IFBLK: return 'b';
	case AE_IFIFO: return 'p';
	default: return '?';
	}
}

static int copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;
	while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
		if (archive_write_data_block(out, buf, len, off) < ARCHIVE_OK)
			return ARCHIVE_FAILED;
	return r == ARCHIVE_EOF ? ARCHIVE_OK : r;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	/* Names in the layer are UTF-8; so is the locale they are written in. */
	setlocale(LC_CTYPE, "C.UTF-8");
	printf("version=%s zlib=%s\n", archive_version_details(), zlibVersion());

	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_filter_gzip(a);
	if (archive_read_open_filename(a, argv[1], 65536) != ARCHIVE_OK) {
		printf("open=%s\n", archive_error_string(a));
		return 1;
	}
	struct archive *disk = NULL;
	if (argc > 2) {
		if (chdir(argv[2]) != 0) {
			perror(argv[2]);
			return 1;
		}
		disk = archive_write_disk_new();
		archive_write_disk_set_options(disk, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
			ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK);
	}

	struct archive_entry *e;
	int r, entries = 0, refused = 0;
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			printf("read=%s\n", archive_error_string(a));
			return 1;
		}
		if (r == ARCHIVE_WARN)
			printf("warning=%s\n", archive_error_string(a));
		entries++;
		printf("%c %04o %lld %s", type_of(e), (unsigned)archive_entry_perm(e),
		       (long long)archive_entry_size(e), archive_entry_pathname(e));
		if (archive_entry_symlink(e))
			printf(" -> %s", archive_entry_symlink(e));
		if (archive_entry_hardlink(e))
			printf(" => %s", archive_entry_hardlink(e));
		const char *name;
		const void *value;
		size_t size;
		archive_entry_xattr_reset(e);
		while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
			printf(" xattr:%s=%.*s", name, (int)size, (const char *)value);
		printf("\n");
		if (!disk)
			continue;
		if (archive_write_header(disk, e) < ARCHIVE_OK ||
		    (archive_entry_size(e) > 0 && copy_data(a, disk) < ARCHIVE_OK) ||
		    archive_write_finish_entry(disk) < ARCHIVE_OK) {
			printf("refused %s: %s\n", archive_entry_pathname(e), archive_error_string(disk));
			refused++;
		}
	}
	printf("entries=%d refused=%d filter=%s format=%s\n", entries, refused,
	       archive_filter_name(a, 0), archive_format_name(a));
	archive_read_free(a);
	if (disk) {
		archive_write_close(disk);
		archive_write_free(disk);
	}
	return 0;
}
