/* Layer unpacking into an overlay lower directory: files, links, modes and
 * owners as the tar says, OCI whiteouts as overlay whiteouts, the diff_id
 * checked over plain and gzip streams, and hostile layers refused with the
 * entry named and nothing written outside the directory. Runs as root (it
 * makes whiteouts and sets trusted.* attributes), as make check does. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <zlib.h>

#include "../../src/lib/layer.h"
#include "check.h"

static char tmp[] = "/tmp/test-layer.XXXXXX";
static char err[512];

struct tarbuf {
	char data[1 << 20];
	size_t used;
};

enum { F, D, L, H, C, P };

struct ent {
	int kind;
	const char *path, *arg; /* content, link target */
	int mode, uid;
};

static void build(struct tarbuf *t, const struct ent *es, size_t n)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, t->data, sizeof t->data, &t->used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, es[i].path);
		archive_entry_set_perm(e, es[i].mode ? es[i].mode : 0644);
		archive_entry_set_uid(e, es[i].uid);
		archive_entry_set_gid(e, es[i].uid);
		archive_entry_set_mtime(e, 1000000000, 0);
		switch (es[i].kind) {
		case F: archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, es[i].arg ? strlen(es[i].arg) : 0); break;
		case D: archive_entry_set_filetype(e, AE_IFDIR); break;
		case L: archive_entry_set_filetype(e, AE_IFLNK); archive_entry_set_symlink(e, es[i].arg); break;
		case H: archive_entry_set_filetype(e, AE_IFREG); archive_entry_set_hardlink(e, es[i].arg); break;
		case C: archive_entry_set_filetype(e, AE_IFCHR); archive_entry_set_rdev(e, makedev(8, 0)); break;
		case P: archive_entry_set_filetype(e, AE_IFIFO); break;
		}
		archive_write_header(a, e);
		if (es[i].kind == F && es[i].arg)
			archive_write_data(a, es[i].arg, strlen(es[i].arg));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static void digest(const void *p, size_t n, char out[72])
{
	unsigned char sum[32];
	crypto_hash_sha256(sum, p, n);
	strcpy(out, "sha256:");
	sodium_bin2hex(out + 7, 65, sum, 32);
}

/* The tar (gzip-compressed if GZ) in a file; its fd. */
static int as_file(const void *p, size_t n, int gz)
{
	char path[64];
	snprintf(path, sizeof path, "%s.blob", tmp);
	if (gz) {
		gzFile g = gzopen(path, "wb");
		gzwrite(g, p, (unsigned)n);
		gzclose(g);
	} else {
		FILE *f = fopen(path, "wb");
		fwrite(p, 1, n, f);
		fclose(f);
	}
	int fd = open(path, O_RDONLY);
	unlink(path);
	return fd;
}

static int unpack(struct tarbuf *t, int gz, const char *dir, const char *diff)
{
	char want[72];
	digest(t->data, t->used, want);
	int fd = as_file(t->data, t->used, gz);
	struct layer_stats st;
	err[0] = '\0';
	remove_tree(dir);
	mkdir(dir, 0755);
	int rc = layer_unpack(fd, gz, dir, diff ? diff : want, &st, err, sizeof err);
	close(fd);
	return rc;
}

static int is(const char *dir, const char *rel, struct stat *st)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return lstat(p, st) == 0;
}

static struct tarbuf t;

static int hostile(const struct ent *es, size_t n, const char *why)
{
	char dir[128];
	snprintf(dir, sizeof dir, "%s/hostile", tmp);
	build(&t, es, n);
	int rc = unpack(&t, 0, dir, NULL);
	if (rc == 0 || !strstr(err, why)) {
		fprintf(stderr, "hostile layer: rc %d, error \"%s\", expected \"%s\"\n", rc, err, why);
		return 0;
	}
	return 1;
}

int main(void)
{
	if (!mkdtemp(tmp) || sodium_init() < 0)
		return 1;
	char dir[128], outside[128], p[512];
	snprintf(dir, sizeof dir, "%s/layer", tmp);
	snprintf(outside, sizeof outside, "%s/outside", tmp);
	mkdir(outside, 0755);
	struct ent good[] = {
		{ D, "./etc/", NULL, 0755, 0 },
		{ F, "./etc/hello", "hi\n", 04755, 1000 },
		{ H, "etc/hello2", "etc/hello", 0, 0 },
		{ L, "bin/sh", "/bin/busybox", 0777, 0 },
		{ P, "run/fifo", NULL, 0600, 0 },
		{ F, "var/.wh.old", NULL, 0, 0 },
		{ F, "opt/.wh..wh..opq", NULL, 0, 0 },
		{ F, "etc/replaced", "one", 0, 0 },
		{ F, "etc/replaced", "two!", 0, 0 },
	};
	build(&t, good, sizeof good / sizeof good[0]);
	for (int gz = 0; gz <= 1; gz++) {
		CHECK(unpack(&t, gz, dir, NULL) == 0);
		if (*err)
			fprintf(stderr, "good layer (gzip %d): %s\n", gz, err);
		struct stat st;
		CHECK(is(dir, "etc/hello", &st) && S_ISREG(st.st_mode) && st.st_size == 3);
		CHECK(is(dir, "etc/hello", &st) && (st.st_mode & 07777) == 04755 && st.st_uid == 1000);
		CHECK(is(dir, "etc/hello", &st) && st.st_nlink == 2 && st.st_mtime == 1000000000);
		CHECK(is(dir, "bin/sh", &st) && S_ISLNK(st.st_mode));
		snprintf(p, sizeof p, "%s/bin/sh", dir);
		char target[64] = "";
		CHECK(readlink(p, target, sizeof target - 1) > 0 && !strcmp(target, "/bin/busybox"));
		CHECK(is(dir, "run/fifo", &st) && S_ISFIFO(st.st_mode));
		CHECK(is(dir, "var/old", &st) && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
		CHECK(!is(dir, "var/.wh.old", &st));
		snprintf(p, sizeof p, "%s/opt", dir);
		char v[4] = "";
		CHECK(getxattr(p, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y');
		CHECK(!is(dir, "opt/.wh..wh..opq", &st));
		CHECK(is(dir, "etc/replaced", &st) && st.st_size == 4);
	}
	/* A content that is not the diff_id is refused. */
	CHECK(unpack(&t, 1, dir, "sha256:0000000000000000000000000000000000000000000000000000000000000000") < 0);
	CHECK(strstr(err, "not its diff_id sha256:0000") != NULL);
	/* A truncated gzip stream is an error, not a short layer. */
	{
		int fd = as_file(t.data, t.used, 1);
		off_t size = lseek(fd, 0, SEEK_END);
		char path[64];
		snprintf(path, sizeof path, "%s/trunc", tmp);
		int out = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		char buf[1 << 16];
		ssize_t n = pread(fd, buf, (size_t)(size / 2), 0);
		CHECK(n > 0 && write(out, buf, (size_t)n) == n);
		lseek(out, 0, SEEK_SET);
		struct layer_stats st;
		remove_tree(dir);
		mkdir(dir, 0755);
		CHECK(layer_unpack(out, 1, dir, NULL, &st, err, sizeof err) < 0);
		CHECK(strstr(err, "truncated") != NULL || strstr(err, "damaged") != NULL);
		close(fd);
		close(out);
	}

	/* Hostile layers. */
	struct ent dotdot[] = { { F, "a/../../escaped", "x", 0, 0 } };
	CHECK(hostile(dotdot, 1, "\"a/../../escaped\": \"..\" in the path"));
	struct ent absolute[] = { { F, "/etc/passwd", "x", 0, 0 } };
	CHECK(hostile(absolute, 1, "\"/etc/passwd\": absolute path"));
	char abs_target[160];
	snprintf(abs_target, sizeof abs_target, "%s", outside);
	struct ent abslink[] = { { L, "evil", abs_target, 0777, 0 }, { F, "evil/pwned", "x", 0, 0 } };
	CHECK(hostile(abslink, 2, "\"evil/pwned\": the path goes through evil, which is not a directory"));
	struct ent rellink[] = { { L, "up", "../../../..", 0777, 0 }, { F, "up/tmp/pwned", "x", 0, 0 } };
	CHECK(hostile(rellink, 2, "\"up/tmp/pwned\": the path goes through up"));
	struct ent dev[] = { { C, "dev/sda", NULL, 0600, 0 } };
	CHECK(hostile(dev, 1, "\"dev/sda\": device nodes are not allowed"));
	struct ent hardout[] = { { H, "h", "../outside/x", 0, 0 } };
	CHECK(hostile(hardout, 1, "\"../outside/x\": \"..\" in the path"));
	struct ent hardlink_via[] = { { L, "l", abs_target, 0777, 0 }, { H, "h", "l/secret", 0, 0 } };
	CHECK(hostile(hardlink_via, 2, "\"l/secret\": the path goes through l"));
	struct ent badwh[] = { { F, "a/.wh...", NULL, 0, 0 } };
	CHECK(hostile(badwh, 1, "invalid whiteout"));
	/* Nothing got out. */
	struct stat st;
	snprintf(p, sizeof p, "%s/pwned", outside);
	CHECK(lstat(p, &st) < 0);
	snprintf(p, sizeof p, "%s/escaped", tmp);
	CHECK(lstat(p, &st) < 0);
	CHECK(lstat("/tmp/pwned", &st) < 0);

	remove_tree(tmp);
	return check_done("test-layer");
}
