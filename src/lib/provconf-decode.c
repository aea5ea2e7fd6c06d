/* The encodings of file contents in first-boot configurations: base64, gzip
 * (and zlib). See provconf-impl.h. */
#include "provconf-impl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int b64val(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* IN decoded into OUT (room for LEN / 4 * 3 + 3 bytes), blank space skipped,
 * padding optional but checked when there; its length, or -1 if IN is not
 * base64. */
static long unbase64(const char *in, size_t len, char *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0, syms = 0, pad = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = in[i];
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		if (ch == '=') {
			pad++;
			continue;
		}
		int v = b64val(ch);
		if (v < 0 || pad)
			return -1;
		syms++;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (syms % 4 == 1 || pad > 2 || (pad && (syms + pad) % 4))
		return -1;
	return (long)n;
}

/* IN (gzip or zlib data, gzip members one after another too) inflated into
 * *OUT (malloc'd, a NUL after it), never beyond what PV_MAX_BYTES leaves. */
static int gunzip(struct pv_ctx *c, const char *where, const char *in, size_t len, char **out, size_t *outlen)
{
	z_stream z = { 0 };
	if (len > UINT_MAX)
		return pv_fail(c, where, "compressed data too large");
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return pv_fail(c, where, "out of memory");
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	size_t cap = 0, n = 0, left = PV_MAX_BYTES - c->used;
	char *buf = NULL;
	int rc = Z_OK;
	for (;;) {
		if (n + 1 >= cap) {
			size_t want = cap ? 2 * cap : len * 4 + 256;
			if (cap >= left) {
				rc = pv_fail(c, where, "the decompressed data grows beyond %u MiB", PV_MAX_BYTES >> 20);
				break;
			}
			char *grown = realloc(buf, want < left ? want : left);
			if (!grown) {
				rc = pv_fail(c, where, "out of memory");
				break;
			}
			buf = grown;
			cap = want < left ? want : left;
		}
		z.next_out = (Bytef *)buf + n;
		z.avail_out = (uInt)(cap - n - 1 < UINT_MAX ? cap - n - 1 : UINT_MAX);
		uInt avail = z.avail_out;
		rc = inflate(&z, Z_NO_FLUSH);
		n += avail - z.avail_out;
		if (rc == Z_STREAM_END && !z.avail_in) {
			rc = 0;
			break;
		}
		if (rc == Z_STREAM_END)
			rc = inflateReset(&z);
		if (rc == Z_BUF_ERROR && z.avail_out)
			rc = pv_fail(c, where, "the gzip data is cut short");
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			rc = pv_fail(c, where, "not gzip data (%s)", z.msg ? z.msg : "zlib error");
		if (rc < 0)
			break;
	}
	inflateEnd(&z);
	if (rc < 0) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

int pv_decode(struct pv_ctx *c, const char *where, const char *in, size_t len, int b64, int gzip, char **out,
	      size_t *outlen)
{
	char *buf = NULL;
	if (b64) {
		if (!(buf = malloc(len / 4 * 3 + 4)))
			return pv_fail(c, where, "out of memory");
		long n = unbase64(in, len, buf);
		if (n < 0) {
			free(buf);
			return pv_fail(c, where, "not base64");
		}
		in = buf;
		len = (size_t)n;
	}
	if (gzip) {
		int rc = gunzip(c, where, in, len, out, outlen);
		free(buf);
		if (rc < 0)
			return -1;
	} else {
		if (!buf && !(buf = malloc(len + 1)))
			return pv_fail(c, where, "out of memory");
		if (in != buf)
			memcpy(buf, in, len);
		buf[len] = '\0';
		*out = buf;
		*outlen = len;
	}
	if (pv_count(c, where, *outlen) < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
