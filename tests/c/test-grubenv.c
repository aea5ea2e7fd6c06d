/* GRUB's environment block: parsing what grub-editenv writes, changing a value
 * and adding one in place, the exact bytes written back (as grub-editenv writes
 * them: header, lines, '#' to 1024 bytes), and refusing what GRUB would not
 * read back the same: a block without its header, values with newlines or
 * backslashes, and more than fits. */
#include <stdlib.h>

#include "../../src/lib/grubenv.h"
#include "check.h"

static void block(char out[GRUBENV_SIZE], const char *lines)
{
	size_t n = (size_t)snprintf(out, GRUBENV_SIZE, "# GRUB Environment Block\n%s", lines);
	memset(out + n, '#', GRUBENV_SIZE - n);
}

int main(void)
{
	char buf[GRUBENV_SIZE], want[GRUBENV_SIZE], err[200];
	struct grubenv e;
	block(buf, "BERTH_A_PRIORITY=1\nBERTH_A_TRIES=0\nBERTH_B_HASH=\n");
	CHECK(grubenv_parse(&e, buf, sizeof buf, err, sizeof err) == 0);
	CHECK(e.n == 3);
	CHECK_STR(grubenv_get(&e, "BERTH_A_PRIORITY"), "1");
	CHECK_STR(grubenv_get(&e, "BERTH_B_HASH"), "");
	CHECK(grubenv_get(&e, "BERTH_B_PRIORITY") == NULL);

	/* A change keeps the order; a new variable goes last. */
	CHECK(grubenv_set(&e, "BERTH_A_TRIES", "1", err, sizeof err) == 0);
	CHECK(grubenv_set(&e, "BERTH_B_VERSION", "0.5.2+gabc", err, sizeof err) == 0);
	CHECK(grubenv_format(&e, buf, err, sizeof err) == 0);
	block(want, "BERTH_A_PRIORITY=1\nBERTH_A_TRIES=1\nBERTH_B_HASH=\nBERTH_B_VERSION=0.5.2+gabc\n");
	CHECK(memcmp(buf, want, GRUBENV_SIZE) == 0);

	/* Refusals. */
	memcpy(buf, "# GRUB Environment Blocx", 24);
	CHECK(grubenv_parse(&e, buf, sizeof buf, err, sizeof err) < 0);
	CHECK(strstr(err, "not a GRUB environment block") != NULL);
	block(buf, "novalue\n");
	CHECK(grubenv_parse(&e, buf, sizeof buf, err, sizeof err) < 0);
	block(buf, "X=a\\\nb\n");
	CHECK(grubenv_parse(&e, buf, sizeof buf, err, sizeof err) < 0);
	block(buf, "");
	CHECK(grubenv_parse(&e, buf, sizeof buf, err, sizeof err) == 0 && e.n == 0);
	CHECK(grubenv_set(&e, "A", "two\nlines", err, sizeof err) < 0);
	CHECK(grubenv_set(&e, "A", "back\\slash", err, sizeof err) < 0);
	CHECK(grubenv_set(&e, "A=B", "x", err, sizeof err) < 0);

	/* Exactly full is fine; one byte more is not (the header is 25 bytes). */
	block(buf, "");
	grubenv_parse(&e, buf, sizeof buf, err, sizeof err);
	char v[128];
	for (int k = 0; k < 9; k++) { /* 9 lines of 100 bytes: "Vk=" + 96 + "\n" */
		char name[16];
		snprintf(name, sizeof name, "V%d", k);
		memset(v, 'x', 96);
		v[96] = '\0';
		CHECK(grubenv_set(&e, name, v, err, sizeof err) == 0);
	}
	memset(v, 'y', 95); /* 25 + 900 + 98 ("W=", 95, "\n") = 1023: one byte left */
	v[95] = '\0';
	CHECK(grubenv_set(&e, "W", v, err, sizeof err) == 0);
	CHECK(grubenv_format(&e, buf, err, sizeof err) == 0);
	CHECK(buf[GRUBENV_SIZE - 1] == '#');
	memset(v, 'y', 96); /* 99 bytes: exactly 1024 */
	v[96] = '\0';
	CHECK(grubenv_set(&e, "W", v, err, sizeof err) == 0);
	CHECK(grubenv_format(&e, buf, err, sizeof err) == 0);
	CHECK(buf[GRUBENV_SIZE - 1] == '\n');
	struct grubenv back;
	CHECK(grubenv_parse(&back, buf, sizeof buf, err, sizeof err) == 0 && back.n == 10);
	CHECK_STR(grubenv_get(&back, "W"), v);
	memset(v, 'y', 97); /* one byte too many */
	v[97] = '\0';
	CHECK(grubenv_set(&e, "W", v, err, sizeof err) == 0);
	CHECK(grubenv_format(&e, buf, err, sizeof err) < 0);
	CHECK(strstr(err, "full") != NULL);
	return check_done("test-grubenv");
}
