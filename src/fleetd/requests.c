/* Answers fleetctl status and journal for this machine's units: requests come
 * in requests/ID/REQ (under the asker's lease), answers go out in
 * replies/REQ/SEQ under the same lease, then replies/REQ/end with init's exit
 * code. journal -f keeps init's log connection open and passes on what comes
 * until the request is gone (fleetctl ended, or its lease expired). */
#include "fleetd.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/ctlclient.h"

struct follow {
	char req[64];
	int64_t lease;
	int fd;
	unsigned seq;
	bool head;  /* the code line is still to be read */
	int code;   /* init's, from that line */
};

static struct follow follows[16];
static size_t nfollows;
static struct etcd_watch *watch;

/* etcd refuses a request over 1.5 MiB: an answer goes in pieces well under. */
#define PIECE (512 * 1024)

/* TEXT as the answer's next pieces, from *SEQ on. -1 if etcd took none (the
 * asker's lease is gone, say). */
static int reply(struct fleetd *f, const char *req, unsigned *seq, const char *text, size_t len, int64_t lease)
{
	for (size_t off = 0; off < len; off += PIECE) {
		size_t n = len - off < PIECE ? len - off : PIECE;
		char k[512], s[16];
		snprintf(s, sizeof s, "%08u", (*seq)++);
		int r = etcd_put_len(f->etcd, key(k, sizeof k, f, "replies", req, s), text + off, n, lease);
		if (r < 0) {
			msg("cannot answer request %s: %s", req, etcd_strerror(f->etcd));
			return -1;
		}
	}
	return 0;
}

static void reply_end(struct fleetd *f, const char *req, int code, int64_t lease)
{
	char k[512], v[16];
	snprintf(v, sizeof v, "%d", code);
	etcd_put(f->etcd, key(k, sizeof k, f, "replies", req, "end"), v, lease);
}

/* A unit name safe to put in a request line to init. */
static bool plain(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.@\\") == strlen(s);
}

static void on_request(struct fleetd *f, const char *req, const char *json, size_t len)
{
	json_error_t e;
	json_t *o = json_loadb(json, len, 0, &e);
	const char *cmd = json_string_value(json_object_get(o, "cmd"));
	const char *unit = json_string_value(json_object_get(o, "unit"));
	int lines = (int)json_integer_value(json_object_get(o, "lines"));
	bool follow = json_is_true(json_object_get(o, "follow"));
	int64_t lease = json_integer_value(json_object_get(o, "lease"));
	char line[512], err[256];
	if (!cmd || !unit || !plain(unit) || (strcmp(cmd, "status") && strcmp(cmd, "journal"))) {
		const char *msg = "fleetd: a request it does not understand\n";
		unsigned seq = 1;
		reply(f, req, &seq, msg, strlen(msg), lease);
		reply_end(f, req, 1, lease);
		json_decref(o);
		return;
	}
	if (!strcmp(cmd, "journal") && follow && nfollows < sizeof follows / sizeof *follows) {
		snprintf(line, sizeof line, "follow %d %s\n", lines, unit);
		int fd = ctl_open(f->init_socket, line, 0, err, sizeof err);
		if (fd >= 0) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			struct follow *fl = &follows[nfollows++];
			snprintf(fl->req, sizeof fl->req, "%s", req);
			fl->lease = lease;
			fl->fd = fd;
			fl->seq = 1;
			fl->head = true;
			fl->code = 0;
			json_decref(o);
			return;
		}
	}
	if (!strcmp(cmd, "status"))
		snprintf(line, sizeof line, "status %s\n", unit);
	else
		snprintf(line, sizeof line, "log %d %s\n", lines, unit);
	struct ctl_text a = { 0 };
	int code = ctl_call(f->init_socket, line, 10, ctl_collect, &a, err, sizeof err);
	unsigned seq = 1;
	if (code < 0) {
		snprintf(line, sizeof line, "fleetd: init: %s\n", err);
		reply(f, req, &seq, line, strlen(line), lease);
	} else if (a.len) {
		reply(f, req, &seq, a.text, a.len, lease);
	}
	reply_end(f, req, code < 0 ? 1 : code, lease);
	free(a.text);
	json_decref(o);
}

static void drop_follow(size_t k)
{
	close(follows[k].fd);
	follows[k] = follows[--nfollows];
}

/* Does etcd say request REQ (under PREFIX) is no more? */
static bool request_gone(struct fleetd *f, const char *prefix, const char *req)
{
	char rk[512];
	struct etcd_kvs kvs = { 0 };
	snprintf(rk, sizeof rk, "%s%s", prefix, req);
	bool gone = etcd_range(f->etcd, rk, 0, 0, &kvs) == 0 && kvs.n == 0;
	etcd_kvs_free(&kvs);
	return gone;
}

struct events {
	struct fleetd *f;
	size_t plen;
};

static int on_events(void *arg, const struct etcd_event *ev, size_t n, int64_t revision)
{
	(void)revision;
	struct events *x = arg;
	for (size_t k = 0; k < n; k++) {
		const char *req = ev[k].kv.key + x->plen;
		if (ev[k].type == ETCD_EVENT_PUT) {
			on_request(x->f, req, ev[k].kv.value, ev[k].kv.value_len);
			continue;
		}
		for (size_t j = 0; j < nfollows; j++)
			if (!strcmp(follows[j].req, req)) {
				drop_follow(j);
				break;
			}
	}
	return 0;
}

void requests_poll(struct fleetd *f, int timeout_ms)
{
	char prefix[512];
	snprintf(prefix, sizeof prefix, "%srequests/%s/", f->prefix, f->machine_id);
	if (!watch) {
		/* Only requests from now on: an old one's asker is gone. */
		watch = etcd_watch_start(f->etcd, prefix, 1, 0);
		if (!watch)
			return;
		/* A follow whose request went while there was no watch: over. */
		for (size_t k = 0; k < nfollows;)
			if (request_gone(f, prefix, follows[k].req))
				drop_follow(k);
			else
				k++;
	}
	struct events x = { f, strlen(prefix) };
	if (etcd_watch_poll(watch, timeout_ms, on_events, &x) != 0) {
		etcd_watch_stop(watch);
		watch = NULL;
	}
	/* What the followed logs said since. */
	for (size_t k = 0; k < nfollows;) {
		char buf[16384];
		ssize_t n = read(follows[k].fd, buf, sizeof buf);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			reply_end(f, follows[k].req, follows[k].code, follows[k].lease);
			drop_follow(k);
			continue;
		}
		if (n > 0) {
			char *body = buf;
			size_t len = (size_t)n;
			if (follows[k].head) {
				char *nl = memchr(buf, '\n', len);
				if (nl) {
					follows[k].head = false;
					follows[k].code = atoi(buf);
					len -= (size_t)(nl + 1 - buf);
					body = nl + 1;
				}
			}
			/* Not taken, and the request is gone (its asker's lease
			 * with it): the follow is over. */
			if (len && reply(f, follows[k].req, &follows[k].seq, body, len, follows[k].lease) < 0 &&
			    request_gone(f, prefix, follows[k].req)) {
				drop_follow(k);
				continue;
			}
		}
		k++;
	}
}
