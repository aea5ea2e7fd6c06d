/* Unpacks an image layer (a tar, or a gzip-compressed tar) into a directory as
 * an overlayfs lower layer: OCI whiteouts ".wh.NAME" become the overlay's
 * whiteouts (0/0 character devices) and ".wh..wh..opq" marks its directory
 * opaque (trusted.overlay.opaque). The uncompressed stream's sha256 is checked
 * against the layer's diff_id from the image config.
 *
 * Hostile layers are refused, naming the entry: absolute paths, ".." anywhere,
 * a path that goes through a symbolic link (of this layer: nothing is ever
 * written outside the directory, whatever the links point at), hard links to
 * outside it, device nodes, and overlay attributes set by the layer itself. */
#ifndef BERTH_LAYER_H
#define BERTH_LAYER_H

#include <stddef.h>
#include <stdint.h>

struct layer_stats {
	uint64_t entries;
	uint64_t bytes;      /* of the uncompressed stream */
};

/* Reads the layer from FD (compressed with gzip if GZIP) into the existing,
 * empty directory DIR. DIFF_ID ("sha256:HEX") is checked unless NULL.
 * Returns 0, or -1 with ERR; DIR is then half-filled and the caller removes it. */
int layer_unpack(int fd, int gzip, const char *dir, const char *diff_id,
		 struct layer_stats *st, char *err, size_t errlen);
/* rm -rf of DIR's contents, then DIR: never follows a symbolic link. */
int remove_tree(const char *dir);

#endif
