/* Berth's update files (docs/update.md). An update starts with its signed
 * header:
 *   "BERTHUP1"  magic
 *   4 bytes     the manifest's length M, little-endian
 *   64 bytes    the Ed25519 signature of the manifest
 *   M bytes     the manifest, JSON
 * and the slot image (squashfs and dm-verity tree) starts at the next multiple
 * of 4096. A server's BOARD/current is the header alone. */
#ifndef BERTH_UPDATEFILE_H
#define BERTH_UPDATEFILE_H

#include <stddef.h>
#include <stdint.h>

#define UPDATE_MAGIC "BERTHUP1"
#define UPDATE_FIXED 76          /* magic, length, signature */
#define UPDATE_MANIFEST_MAX 65536

struct update_manifest {
	char board[64];
	char version[64];
	char payload[128];       /* the update file's name on the server */
	int64_t built;
	uint64_t slot_size;      /* bytes of the slot image */
	char slot_sha256[65];
	uint64_t data_blocks;    /* dm-verity: 4 KiB data blocks, then the tree */
	char verity_hash[65];
	char verity_salt[65];
	size_t header_len;       /* bytes of the signed header */
	uint64_t slot_offset;    /* where the slot image starts in the update file */
};

/* Checks the header in BUF (LEN bytes; more is fine) against the public key PK:
 * magic, length, signature, then the manifest's fields. Returns 0 and fills M;
 * 1 if LEN is too short (M->header_len then says how many bytes are needed, or
 * 0 if not yet known); -1 with the reason in ERR. */
int update_header_check(const unsigned char *buf, size_t len, const unsigned char pk[32],
			struct update_manifest *m, char *err, size_t errlen);

/* PK from 64 hex digits (the first line of TEXT). Returns 0 or -1. */
int update_key_parse(const char *text, unsigned char pk[32]);

#endif
