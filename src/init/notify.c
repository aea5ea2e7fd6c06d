/* The notify socket (sd_notify's protocol): one datagram socket in the abstract
 * namespace for all Type=notify services, named in their NOTIFY_SOCKET. */
/* struct ucred and SCM_CREDENTIALS */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sup.h"

char notify_path[108];

/* A datagram from a service on the notify socket: READY=1 from the main process
 * of a Type=notify unit that is starting makes it up (NotifyAccess=main). */
void notified(struct sup *sp, int nfd)
{
	for (int k = 0; k < 64; k++) { /* a flood waits for the next turn */
		char buf[4096];
		union {
			struct cmsghdr h;
			char space[CMSG_SPACE(sizeof(struct ucred))];
		} ctl;
		struct iovec iov = { buf, sizeof buf - 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl,
				    .msg_controllen = sizeof ctl };
		ssize_t n = recvmsg(nfd, &m, MSG_DONTWAIT);
		if (n < 0)
			return;
		buf[n] = '\0';
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS)
			continue;
		struct ucred cred;
		memcpy(&cred, CMSG_DATA(c), sizeof cred);
		for (size_t i = 0; i < sp->set.n; i++) {
			struct svc *s = &sp->svc[i];
			if (s->pid <= 0 || s->pid != cred.pid || sp->set.units[i].type != SERVICE_NOTIFY ||
			    s->state != STARTING)
				continue;
			for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
				if (!strcmp(line, "READY=1")) {
					up(sp, i);
					break;
				}
			break;
		}
	}
}

int notify_socket(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int len = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "berth-notify-%d", (int)getpid());
	int on = 1;
	if (bind(fd, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0) {
		close(fd);
		return -1;
	}
	snprintf(notify_path, sizeof notify_path, "@%s", a.sun_path + 1);
	return fd;
}

