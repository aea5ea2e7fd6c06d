/* Where a value is in a JSON text, for messages: jansson keeps no positions
 * of what it has read, so a value found wrong by its path ("storage.files[2]
 * .mode") is looked for again in the text, to name its line. */
#ifndef BERTH_JSONLINE_H
#define BERTH_JSONLINE_H

#include <stddef.h>

/* The line (from 1) of the value at PATH in TEXT (LEN bytes, valid JSON):
 * keys joined by '.', array indexes as "[I]". 0 if there is no such value. */
size_t json_line_of(const char *text, size_t len, const char *path);

#endif
