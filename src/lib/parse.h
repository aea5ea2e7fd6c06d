/* Values of unit file settings, as systemd reads them: booleans, time spans,
 * sizes and signals. Each returns 0, or -1 if TEXT is not such a value. */
#ifndef BERTH_PARSE_H
#define BERTH_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* yes/no, true/false, on/off, 1/0 (any case). */
int parse_bool(const char *text, bool *out);
/* "90", "1min 30s", "250ms", "2h", "infinity": into microseconds (infinity is
 * UINT64_MAX). A bare number is seconds. */
int parse_timespan(const char *text, uint64_t *usec);
/* "512", "64K", "1.5G" (base 1024), "infinity" (UINT64_MAX): into bytes. */
int parse_size(const char *text, uint64_t *bytes);
/* "SIGTERM", "TERM" or "15". */
int parse_signal(const char *text, int *sig);

#endif
