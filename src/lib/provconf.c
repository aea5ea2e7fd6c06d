/* First-boot configuration: which format a document is, and what both
 * formats share (messages, checks of values). See provconf.h, provconf-impl.h. */
#include "provconf.h"
#include "fleetunit.h"
#include "jsonline.h"
#include "provconf-impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void unit_free(struct pv_unit *u)
{
	free(u->name);
	free(u->content);
	free(u->command);
	for (size_t d = 0; d < u->ndropins; d++) {
		free(u->dropins[d].name);
		free(u->dropins[d].content);
	}
	free(u->dropins);
	memset(u, 0, sizeof *u);
}

void pv_config_free(struct pv_config *cfg)
{
	free(cfg->hostname);
	strv_clear(&cfg->ssh_keys);
	for (size_t i = 0; i < cfg->nusers; i++) {
		struct pv_user *u = &cfg->users[i];
		free(u->name);
		free(u->gecos);
		free(u->home);
		free(u->shell);
		strv_clear(&u->groups);
		strv_clear(&u->ssh_keys);
	}
	free(cfg->users);
	for (size_t i = 0; i < cfg->nfiles; i++) {
		free(cfg->files[i].path);
		free(cfg->files[i].content);
		free(cfg->files[i].owner);
	}
	free(cfg->files);
	for (size_t i = 0; i < cfg->nunits; i++)
		unit_free(&cfg->units[i]);
	free(cfg->units);
	strv_clear(&cfg->etcd);
	strv_clear(&cfg->fleet);
	strv_clear(&cfg->update);
	strv_clear(&cfg->warnings);
	memset(cfg, 0, sizeof *cfg);
}

/* Up to 40 bytes of the line at P, unprintable ones as '?', for a message. */
static const char *excerpt(const char *p, const char *end, char *buf, size_t len)
{
	size_t n = 0;
	for (; p < end && *p != '\n' && n + 4 < len && n < 40; p++)
		buf[n++] = *p >= ' ' && *p < 127 ? *p : '?';
	if (p < end && *p != '\n')
		buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}

int pv_parse(const char *text, size_t len, const char *source, struct pv_config *cfg, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	const char *p = text, *end = text + len;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3; /* a byte order mark, which jansson would not read */
	const char *start = p, *nl = memchr(p, '\n', (size_t)(end - p));
	size_t first = (size_t)((nl ? nl : end) - p);
	while (first && (p[first - 1] == ' ' || p[first - 1] == '\t' || p[first - 1] == '\r'))
		first--;
	if (first == 13 && !memcmp(p, "#cloud-config", 13))
		return pv_parse_cloudconfig(text, len, source, cfg, err, errlen);
	int line = 1;
	for (; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
		line += *p == '\n';
	if (p == end)
		return 0;
	if (*p == '{')
		return pv_parse_ignition(start, (size_t)(end - start), source, cfg, err, errlen);
	char ex[48];
	snprintf(err, errlen, "%s: line %d: not a #cloud-config or Ignition document (%s\"%s\")", source, line,
		 p[0] == '#' && p + 1 < end && p[1] == '!' ? "a script: " : "it starts with ",
		 excerpt(p, end, ex, sizeof ex));
	return -1;
}

char *pv_key_path(char *out, const char *parent, const char *key)
{
	snprintf(out, PV_PATH, "%s%s%s", parent, *parent ? "." : "", key);
	return out;
}

char *pv_index_path(char *out, const char *parent, size_t i)
{
	snprintf(out, PV_PATH, "%s[%zu]", parent, i);
	return out;
}

static void vmessage(struct pv_ctx *c, char *out, size_t len, const char *where, const char *fmt, va_list ap)
{
	char text[1024], line[32] = "";
	vsnprintf(text, sizeof text, fmt, ap);
	size_t n = c->json && where ? json_line_of(c->json, c->json_len, where) : 0;
	if (n)
		snprintf(line, sizeof line, "line %zu: ", n);
	snprintf(out, len, "%s: %s%s%s%s", c->source, line, where ? where : "", where ? ": " : "", text);
}

int pv_fail(struct pv_ctx *c, const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(c, c->err, c->errlen, where, fmt, ap);
	va_end(ap);
	return -1;
}

int pv_warn(struct pv_ctx *c, const char *where, const char *fmt, ...)
{
	char text[1200];
	va_list ap;
	va_start(ap, fmt);
	vmessage(c, text, sizeof text, where, fmt, ap);
	va_end(ap);
	if (strv_add(&c->cfg->warnings, text) < 0)
		return pv_fail(c, NULL, "out of memory");
	return 0;
}

int pv_count(struct pv_ctx *c, const char *where, size_t n)
{
	/* Each string also costs its pointer and allocation. */
	if (n > PV_MAX_BYTES || (c->used += n + 32) > PV_MAX_BYTES)
		return pv_fail(c, where, "the configuration grows beyond %u MiB (aliases or compression?)",
			       PV_MAX_BYTES >> 20);
	return 0;
}

void *pv_append(struct pv_ctx *c, void *arrp, size_t *n, size_t size)
{
	char *arr;
	memcpy(&arr, arrp, sizeof arr);
	/* Capacity doubles: reallocated when N reaches a power of two. */
	if (!(*n & (*n - 1))) {
		char *grown = realloc(arr, (*n ? 2 * *n : 1) * size);
		if (!grown) {
			pv_fail(c, NULL, "out of memory");
			return NULL;
		}
		memcpy(arrp, &grown, sizeof grown);
		arr = grown;
	}
	if (pv_count(c, NULL, size) < 0)
		return NULL;
	void *e = arr + *n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}

static int alnum(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); }

const char *pv_bad_hostname(const char *s)
{
	if (!*s)
		return "empty";
	if (strlen(s) > 253)
		return "a host name longer than 253 characters";
	for (const char *l = s;; l++) {
		size_t k = strcspn(l, ".");
		if (!k)
			return "not a host name: an empty label";
		if (k > 63)
			return "not a host name: a label longer than 63 characters";
		if (l[0] == '-' || l[k - 1] == '-')
			return "not a host name: a label starts or ends with '-'";
		for (size_t i = 0; i < k; i++)
			if (!alnum(l[i]) && l[i] != '-')
				return "not a host name: only letters, digits, '-' and '.' may be used";
		l += k;
		if (!*l)
			return NULL;
	}
}

const char *pv_bad_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 32 || !((*s >= 'a' && *s <= 'z') || *s == '_') ||
	    s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-")])
		return "not a user or group name ([a-z_][a-z0-9_-]*, at most 32 characters)";
	return NULL;
}

const char *pv_bad_path(const char *s)
{
	size_t n = strlen(s);
	if (*s != '/')
		return "not an absolute path";
	if (n > 4095)
		return "a path longer than 4095 characters";
	if (s[n - 1] == '/')
		return "a directory, not a file";
	if (strchr(s, '\n'))
		return "a path with a newline";
	for (const char *p = s; (p = strstr(p, "/..")); p += 3)
		if (p[3] == '/' || !p[3])
			return "a path with a \"..\" component";
	return NULL;
}

const char *pv_bad_field(const char *s) { return s[strcspn(s, ":\n")] ? "a ':' or a newline" : NULL; }

const char *pv_bad_dir(const char *s) { return *s != '/' ? "not an absolute path" : pv_bad_field(s); }

static int id_or_name(const char *s, size_t n)
{
	char name[40];
	if (n && n <= 10 && strspn(s, "0123456789") >= n)
		return 1;
	snprintf(name, sizeof name, "%.*s", (int)(n < 33 ? n : 33), s);
	return !pv_bad_name(name);
}

const char *pv_bad_owner(const char *s)
{
	size_t u = strcspn(s, ":");
	if (!id_or_name(s, u) || (s[u] && !id_or_name(s + u + 1, strlen(s + u + 1))))
		return "not USER or USER:GROUP (names or numbers)";
	return NULL;
}

/* The types of units Berth runs. */
static const char *const unit_types[] = { ".service", ".socket", ".target", ".timer", ".mount", ".path" };

/* What systemd (and its networkd, whose files CoreOS's units: took) has
 * beside them: left out with a warning, not an error. */
static const char *const other_types[] = { ".device", ".automount", ".swap",	".slice",
					   ".scope",  ".network",   ".netdev", ".link" };

static int type_in(const char *name, const char *const *types, size_t n)
{
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < n; i++)
		if (!strcmp(dot, types[i]))
			return 1;
	return 0;
}

static int unit_type_known(const char *name)
{
	return type_in(name, unit_types, sizeof unit_types / sizeof *unit_types);
}

const char *pv_bad_unit(const char *s)
{
	static _Thread_local char why[300];
	char text[300], as_service[300];
	/* A type Berth does not run (CoreOS's .network files) is a warning
	 * later (pv_unit_end); the rest of the name is checked here. */
	const char *dot = strrchr(s, '.'), *name = s;
	if (type_in(s, other_types, sizeof other_types / sizeof *other_types) &&
	    snprintf(as_service, sizeof as_service, "%.*s.service", (int)(dot - s), s) < (int)sizeof as_service)
		name = as_service;
	if (fleetunit_name_check(name, NULL, text, sizeof text) == 0)
		return NULL;
	/* "unit name NAME: what", without NAME: the message gives it. */
	size_t n = strlen(name);
	if (n && !strncmp(text, "unit name ", 10) && !strncmp(text + 10, name, n) && text[10 + n])
		snprintf(why, sizeof why, "not a valid unit name: %s", text + 11 + n + (text[10 + n] == ':'));
	else
		snprintf(why, sizeof why, "%s", text);
	return why;
}

int pv_unit_end(struct pv_ctx *c, const char *where)
{
	/* CoreOS's names of what Berth runs under names of its own. */
	static const char *const coreos[][2] = {
		{ "etcd2.service", "etcd.service" },
		{ "etcd-member.service", "etcd.service" },
		{ "fleet.service", "fleetd.service" },
	};
	struct pv_config *cfg = c->cfg;
	struct pv_unit *u = &cfg->units[cfg->nunits - 1];
	if (!u->name)
		return pv_fail(c, where, "name is required");
	if (!unit_type_known(u->name)) {
		/* CoreOS's .network units (systemd-networkd), say: a document made
		 * for CoreOS still applies, without them. */
		int rc = pv_warn(c, where,
				 "%s: not a unit type Berth runs (.service, .socket, .target, .timer, .mount, .path): "
				 "not applied (ignored)",
				 u->name);
		unit_free(u);
		cfg->nunits--;
		return rc;
	}
	for (size_t i = 0; i < sizeof coreos / sizeof *coreos; i++) {
		if (u->content || strcmp(u->name, coreos[i][0]))
			continue;
		char *name = strdup(coreos[i][1]);
		if (!name)
			return pv_fail(c, where, "out of memory");
		int rc = pv_warn(c, where, "%s is %s on Berth", u->name, name);
		free(u->name);
		u->name = name;
		if (rc < 0)
			return -1;
		break;
	}
	if (u->mask && (u->content || u->enable == 1 || (u->command && strcmp(u->command, "stop"))))
		return pv_fail(c, where, "%s: a masked unit cannot be given content, enabled or started", u->name);
	return 0;
}

const char *pv_bad_dropin(const char *s)
{
	size_t n = strlen(s);
	if (n < 6 || strcmp(s + n - 5, ".conf") || *s == '.')
		return "not a drop-in name (NAME.conf)";
	for (; *s; s++)
		if (!alnum(*s) && !strchr(":_.@-", *s))
			return "not a drop-in name: only letters, digits and \":_.@-\" may be used";
	return NULL;
}

const char *pv_bad_command(const char *s)
{
	static const char *const ok[] = { "start",	"stop",		     "restart",
					  "reload", "try-restart", "reload-or-restart",
					  "reload-or-try-restart" };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (!strcmp(s, ok[i]))
			return NULL;
	return "not start, stop, restart, reload, try-restart, reload-or-restart or reload-or-try-restart";
}

const char *pv_bad_setting(const char *s) { return s[strcspn(s, "\r\n")] ? "a newline in a setting" : NULL; }

int pv_set(struct pv_ctx *c, const char *where, char **dst, const char *s, size_t len,
	   const char *(*bad)(const char *))
{
	if (memchr(s, '\0', len))
		return pv_fail(c, where, "a NUL byte in the text");
	if (pv_count(c, where, len) < 0)
		return -1;
	char *v = strndup(s, len);
	if (!v)
		return pv_fail(c, where, "out of memory");
	const char *why = bad ? bad(v) : NULL;
	if (why) {
		char ex[48];
		if (*v)
			pv_fail(c, where, "%s (\"%s\")", why, excerpt(v, v + len, ex, sizeof ex));
		else
			pv_fail(c, where, "%s", why);
		free(v);
		return -1;
	}
	free(*dst);
	*dst = v;
	return 0;
}

int pv_add(struct pv_ctx *c, const char *where, struct strv *list, const char *s, size_t len,
	   const char *(*bad)(const char *))
{
	char *v = NULL;
	while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (pv_set(c, where, &v, s, len, bad) < 0)
		return -1;
	int rc = strv_add(list, v);
	free(v);
	return rc < 0 ? pv_fail(c, where, "out of memory") : 0;
}

/* One line, with a key type among its words (after options such as
 * command="..."). */
const char *pv_bad_key(const char *s)
{
	static const char *const types[] = { "ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-sha2-" };
	if (s[strcspn(s, "\r\n")])
		return "not an SSH public key line: a newline in it";
	for (const char *w = s; *w; w += strcspn(w, " \t"), w += strspn(w, " \t"))
		for (size_t i = 0; i < sizeof types / sizeof *types; i++)
			if (!strncmp(w, types[i], strlen(types[i])) && w[strcspn(w, " \t")])
				return NULL;
	return "not an SSH public key line (TYPE KEY [COMMENT])";
}
