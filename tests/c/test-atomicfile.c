/* Whole-file replacement: file_write_atomic and file_replace leave the new
 * content with its mode and no temporary file beside it; a file that cannot
 * be written is named in the error and the old one is kept. */
#define _GNU_SOURCE
#include "../../src/lib/atomicfile.h"
#include "check.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static char *content(const char *path)
{
	size_t len;
	return file_read_all(path, 1 << 20, &len);
}

int main(void)
{
	char dir[] = "/tmp/test-atomicfile.XXXXXX", path[128], missing[160], err[512];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/state.json", dir);
	snprintf(missing, sizeof missing, "%s/no-such-dir/state.json", dir);

	CHECK(file_write_atomic(path, "one", 3, 0640, (uid_t)-1, (gid_t)-1, err, sizeof err) == 0);
	char *s = content(path);
	CHECK_STR(s, "one");
	free(s);
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);

	CHECK(file_replace(path, "two, longer", 11, 0600, err, sizeof err) == 0);
	s = content(path);
	CHECK_STR(s, "two, longer");
	free(s);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(entries(dir) == 1);

	CHECK(file_replace(path, "", 0, 0600, err, sizeof err) == 0);
	s = content(path);
	CHECK_STR(s, "");
	free(s);

	CHECK(file_write_atomic(missing, "x", 1, 0600, (uid_t)-1, (gid_t)-1, err, sizeof err) < 0);
	CHECK(strstr(err, missing) != NULL);
	CHECK(file_replace(missing, "x", 1, 0600, err, sizeof err) < 0);
	CHECK(strstr(err, missing) != NULL);
	CHECK(entries(dir) == 1);

	unlink(path);
	rmdir(dir);
	return check_done("test-atomicfile");
}
