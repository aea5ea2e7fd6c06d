#include "updatefile.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int update_key_parse(const char *text, unsigned char pk[32])
{
	for (int k = 0; k < 32; k++) {
		int hi = hexval((unsigned char)text[2 * k]), lo = hi < 0 ? -1 : hexval((unsigned char)text[2 * k + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		pk[k] = (unsigned char)(hi << 4 | lo);
	}
	return text[64] == '\0' || text[64] == '\n' ? 0 : -1;
}

/* A lower-case hex string of exactly LEN digits (any even length if LEN is 0). */
static int is_hex(const char *s, size_t len)
{
	size_t n = strlen(s);
	if (len ? n != len : n == 0 || n % 2)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (hexval((unsigned char)s[k]) < 0)
			return 0;
	return 1;
}

/* Copies the string member KEY of OBJ into OUT; 0, or -1 with ERR. */
static int get_str(json_t *obj, const char *where, const char *key, char *out, size_t outlen, char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= outlen) {
		snprintf(err, errlen, "manifest: %s%s is missing or not a string of 1 to %zu characters", where, key,
			 outlen - 1);
		return -1;
	}
	snprintf(out, outlen, "%s", json_string_value(v));
	return 0;
}

static int get_uint(json_t *obj, const char *where, const char *key, uint64_t *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(err, errlen, "manifest: %s%s is missing or not a number of 0 or more", where, key);
		return -1;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int fields(json_t *root, struct update_manifest *m, char *err, size_t errlen)
{
	json_t *slot = json_object_get(root, "slot"), *verity = json_object_get(root, "verity");
	uint64_t format, built;
	if (get_uint(root, "", "format", &format, err, errlen) < 0)
		return -1;
	if (format != 1) {
		snprintf(err, errlen, "manifest: format %llu is not one this node reads (1)", (unsigned long long)format);
		return -1;
	}
	if (!json_is_object(slot) || !json_is_object(verity)) {
		snprintf(err, errlen, "manifest: \"slot\" or \"verity\" is missing");
		return -1;
	}
	if (get_str(root, "", "board", m->board, sizeof m->board, err, errlen) < 0 ||
	    get_str(root, "", "version", m->version, sizeof m->version, err, errlen) < 0 ||
	    get_str(root, "", "payload", m->payload, sizeof m->payload, err, errlen) < 0 ||
	    get_uint(root, "", "built", &built, err, errlen) < 0 ||
	    get_uint(slot, "slot.", "size", &m->slot_size, err, errlen) < 0 ||
	    get_str(slot, "slot.", "sha256", m->slot_sha256, sizeof m->slot_sha256, err, errlen) < 0 ||
	    get_uint(verity, "verity.", "data_blocks", &m->data_blocks, err, errlen) < 0 ||
	    get_str(verity, "verity.", "hash", m->verity_hash, sizeof m->verity_hash, err, errlen) < 0 ||
	    get_str(verity, "verity.", "salt", m->verity_salt, sizeof m->verity_salt, err, errlen) < 0)
		return -1;
	m->built = (int64_t)built;
	if (!is_hex(m->slot_sha256, 64) || !is_hex(m->verity_hash, 64) || !is_hex(m->verity_salt, 0)) {
		snprintf(err, errlen, "manifest: slot.sha256, verity.hash or verity.salt is not lower-case hex");
		return -1;
	}
	if (m->slot_size % 4096 || m->data_blocks == 0 || m->data_blocks >= m->slot_size / 4096) {
		snprintf(err, errlen, "manifest: slot.size %llu and verity.data_blocks %llu do not fit together",
			 (unsigned long long)m->slot_size, (unsigned long long)m->data_blocks);
		return -1;
	}
	/* They name files and go on GRUB's command line: keep them plain. */
	if (strpbrk(m->payload, "/\\ ") || m->payload[0] == '.' || strspn(m->version, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+~_-") != strlen(m->version)) {
		snprintf(err, errlen, "manifest: payload or version has characters it may not have");
		return -1;
	}
	return 0;
}

int update_header_check(const unsigned char *buf, size_t len, const unsigned char pk[32],
			struct update_manifest *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	size_t ml = sizeof UPDATE_MAGIC - 1;
	if (memcmp(buf, UPDATE_MAGIC, len < ml ? len : ml)) {
		snprintf(err, errlen, "not a Berth update (no BERTHUP1 magic)");
		return -1;
	}
	if (len < UPDATE_FIXED)
		return 1;
	uint32_t mlen = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 | (uint32_t)buf[11] << 24;
	if (mlen == 0 || mlen > UPDATE_MANIFEST_MAX) {
		snprintf(err, errlen, "the manifest's length (%u bytes) is out of range", mlen);
		return -1;
	}
	m->header_len = UPDATE_FIXED + mlen;
	if (len < m->header_len)
		return 1;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium did not initialise");
		return -1;
	}
	const unsigned char *manifest = buf + UPDATE_FIXED;
	if (crypto_sign_verify_detached(buf + 12, manifest, mlen, pk) != 0) {
		snprintf(err, errlen, "the manifest's signature does not verify with this node's update key");
		return -1;
	}
	json_error_t je;
	json_t *root = json_loadb((const char *)manifest, mlen, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root)) {
		snprintf(err, errlen, "manifest: line %d: %s", je.line, root ? "not a JSON object" : je.text);
		json_decref(root);
		return -1;
	}
	int r = fields(root, m, err, errlen);
	json_decref(root);
	m->slot_offset = (m->header_len + 4095) / 4096 * 4096;
	return r;
}
