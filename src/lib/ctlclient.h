/* The client side of Berth's control sockets (init's, the update agent's): one
 * request line; the answer is "CODE\n", then text until the server closes the
 * connection (docs/init.md). */
#ifndef BERTH_CTLCLIENT_H
#define BERTH_CTLCLIENT_H

#include <stddef.h>

/* Called with each piece of the answer's text as it comes, and its code. */
typedef void ctl_sink(const char *text, size_t len, int code, void *arg);

/* Sends REQ (a line, newline included) to the socket at PATH; SINK (if not
 * NULL) gets the text. TIMEOUT: seconds the server may stay silent (0: no
 * limit, for answers that follow a log). Returns the answer's code, or -1 with
 * ERR if the server cannot be reached or gives no (whole) answer in time. */
/* Connects to the socket at PATH and sends REQ: the connection, from which the
 * answer is to be read (its first line the code), or -1 with ERR. */
int ctl_open(const char *path, const char *req, int timeout, char *err, size_t errlen);

int ctl_call(const char *path, const char *req, int timeout, ctl_sink *sink, void *arg, char *err, size_t errlen);

/* A SINK that gathers the whole answer: TEXT malloc'd and NUL-terminated (the
 * caller frees it), or NULL if there was none. */
struct ctl_text {
	char *text;
	size_t len;
};
void ctl_collect(const char *text, size_t len, int code, void *arg);

#endif
