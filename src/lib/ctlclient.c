#include "ctlclient.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int ctl_open(const char *path, const char *req, int timeout, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		snprintf(err, errlen, "cannot reach %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct timeval tv = { timeout, 0 };
	if (timeout > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	size_t n = strlen(req);
	if (write(fd, req, n) != (ssize_t)n) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int ctl_call(const char *path, const char *req, int timeout, ctl_sink *sink, void *arg, char *err, size_t errlen)
{
	int fd = ctl_open(path, req, timeout, err, errlen);
	if (fd < 0)
		return -1;
	char buf[4096];
	int code = -1;
	size_t have = 0;
	ssize_t r;
	while ((r = read(fd, buf + have, sizeof buf - 1 - have)) > 0 || (r < 0 && errno == EINTR)) {
		if (r < 0)
			continue;
		have += (size_t)r;
		buf[have] = '\0';
		char *body = buf;
		if (code < 0) {
			char *nl = strchr(buf, '\n');
			if (!nl) {
				if (have < sizeof buf - 1)
					continue;
				break;
			}
			code = atoi(buf);
			body = nl + 1;
		}
		if (sink && *body)
			sink(body, strlen(body), code, arg);
		have = 0;
	}
	close(fd);
	if (code < 0)
		snprintf(err, errlen, "no answer from %s", path);
	return code;
}

void ctl_collect(const char *text, size_t len, int code, void *arg)
{
	(void)code;
	struct ctl_text *t = arg;
	char *n = realloc(t->text, t->len + len + 1);
	if (!n)
		return;
	t->text = n;
	memcpy(t->text + t->len, text, len);
	t->len += len;
	t->text[t->len] = '\0';
}
