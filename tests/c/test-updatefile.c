/* Update headers: a good one is read with every field; each way of being bad
 * is refused with its reason: another magic, a wrong signature, another key,
 * a changed manifest, a truncated header, a manifest that is not JSON or lacks
 * a field or has a wrong type, sizes that do not fit, a payload name with a
 * path in it, and an unknown format. Signed here with libsodium (the build
 * signs with OpenSSL; the QEMU tests check that the two agree). */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../src/lib/updatefile.h"
#include "check.h"

static unsigned char pk[32], sk[64], pk2[32], sk2[64];
static unsigned char buf[UPDATE_FIXED + 4096];
static size_t len;

static const char good[] =
	"{\"format\":1,\"board\":\"qemu-x86_64\",\"version\":\"0.5.2+gabc\",\"built\":1700000000,"
	"\"payload\":\"berth-qemu-x86_64-0.5.2.update\",\"slot\":{\"size\":8192,\"sha256\":"
	"\"0000000000000000000000000000000000000000000000000000000000000000\"},\"verity\":{\"data_blocks\":1,"
	"\"hash\":\"1111111111111111111111111111111111111111111111111111111111111111\",\"salt\":\"abcd\"}}";

/* The header for MANIFEST, signed with SK. */
static void make(const char *manifest, const unsigned char *key)
{
	size_t m = strlen(manifest);
	memcpy(buf, "BERTHUP1", 8);
	buf[8] = (unsigned char)m;
	buf[9] = (unsigned char)(m >> 8);
	buf[10] = buf[11] = 0;
	memcpy(buf + UPDATE_FIXED, manifest, m);
	crypto_sign_detached(buf + 12, NULL, buf + UPDATE_FIXED, m, key);
	len = UPDATE_FIXED + m;
}

/* Checks BUF; the error must contain WANT (NULL: must be accepted). */
static void expect(const char *want, int line)
{
	struct update_manifest m;
	char err[300] = "";
	int r = update_header_check(buf, len, pk, &m, err, sizeof err);
	check_count++;
	if (want ? r != -1 || !strstr(err, want) : r != 0) {
		check_failures++;
		fprintf(stderr, "test-updatefile.c:%d: got %d \"%s\", expected %s\n", line, r, err, want ? want : "success");
	}
}
#define EXPECT(w) expect(w, __LINE__)

/* GOOD with the first FIND replaced by REPL. */
static const char *edit(const char *find, const char *repl)
{
	static char out[2048];
	const char *at = strstr(good, find);
	snprintf(out, sizeof out, "%.*s%s%s", (int)(at - good), good, repl, at + strlen(find));
	return out;
}

int main(void)
{
	CHECK(sodium_init() >= 0);
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);

	make(good, sk);
	struct update_manifest m;
	char err[300];
	CHECK(update_header_check(buf, len, pk, &m, err, sizeof err) == 0);
	CHECK_STR(m.board, "qemu-x86_64");
	CHECK_STR(m.version, "0.5.2+gabc");
	CHECK(m.slot_size == 8192 && m.data_blocks == 1 && m.built == 1700000000);
	CHECK_STR(m.verity_salt, "abcd");
	CHECK(m.header_len == len && m.slot_offset == 4096);

	/* Too short: more bytes are needed, and how many once the length is in. */
	CHECK(update_header_check(buf, 20, pk, &m, err, sizeof err) == 1 && m.header_len == 0);
	CHECK(update_header_check(buf, len - 1, pk, &m, err, sizeof err) == 1 && m.header_len == len);

	buf[0] = 'X';
	EXPECT("no BERTHUP1 magic");
	make(good, sk);
	buf[20] ^= 1;
	EXPECT("signature does not verify");
	make(good, sk2);
	EXPECT("signature does not verify");
	make(good, sk);
	buf[UPDATE_FIXED + 30] ^= 1;
	EXPECT("signature does not verify");
	make(good, sk);
	buf[9] = 0x7f; /* a length past what is there */
	CHECK(update_header_check(buf, len, pk, &m, err, sizeof err) == 1);
	buf[10] = 0x7f; /* past any manifest */
	EXPECT("out of range");

	make("{\"format\":1,", sk);
	EXPECT("manifest: line 1");
	make("[1]", sk);
	EXPECT("not a JSON object");
	make(edit("\"board\":\"qemu-x86_64\",", ""), sk);
	EXPECT("board is missing");
	make(edit("\"size\":8192", "\"size\":\"8192\""), sk);
	EXPECT("slot.size is missing or not a number");
	make(edit("\"format\":1", "\"format\":2"), sk);
	EXPECT("format 2");
	make(edit("\"size\":8192", "\"size\":4096"), sk);
	EXPECT("do not fit together");
	make(edit("\"size\":8192", "\"size\":8000"), sk);
	EXPECT("do not fit together");
	make(edit("berth-qemu-x86_64-0.5.2.update", "../../etc/passwd"), sk);
	EXPECT("characters it may not have");
	make(edit("0.5.2+gabc", "0.5 2"), sk);
	EXPECT("characters it may not have");
	make(edit("\"salt\":\"abcd\"", "\"salt\":\"ABCD\""), sk);
	EXPECT("not lower-case hex");
	make(edit("\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\"", "\"sha256\":\"00\""), sk);
	EXPECT("not lower-case hex");
	make(edit("\"hash\":\"1111111111111111111111111111111111111111111111111111111111111111\"", "\"hash\":\"11111111111111111111111111111111111111111111111111111111111111111\""), sk);
	EXPECT("verity.hash is missing or not a string of 1 to 64 characters");
	make(good, sk);
	buf[8] = 0x01;
	buf[9] = 0x00;
	buf[10] = 0x01; /* 65537 bytes: one more than a manifest may have */
	EXPECT("out of range");
	make(edit("\"format\":1,", "\"format\":1,\"format\":1,"), sk);
	EXPECT("manifest: line 1");

	/* The node's key file: 64 hex digits. */
	unsigned char k[32];
	CHECK(update_key_parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", k) == 0 &&
	      k[1] == 0x11 && k[31] == 0xff);
	CHECK(update_key_parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00", k) < 0);
	CHECK(update_key_parse("0011", k) < 0);
	return check_done("test-updatefile");
}
