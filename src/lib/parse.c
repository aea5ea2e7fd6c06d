/* Setting values: see parse.h. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int parse_bool(const char *t, bool *out)
{
	static const char *yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *no[] = { "0", "no", "n", "false", "f", "off" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (!strcasecmp(t, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(t, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* A decimal number with an optional fraction at *p; advances *p. */
static int number(const char **p, double *v)
{
	const char *s = *p;
	if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
		return -1;
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s)
		return -1;
	*p = end;
	return 0;
}

int parse_timespan(const char *t, uint64_t *usec)
{
	static const struct { const char *unit; double usec; } units[] = {
		{ "usec", 1 }, { "us", 1 }, { "msec", 1e3 }, { "ms", 1e3 },
		{ "seconds", 1e6 }, { "second", 1e6 }, { "sec", 1e6 }, { "s", 1e6 },
		{ "minutes", 60e6 }, { "minute", 60e6 }, { "min", 60e6 }, { "m", 60e6 },
		{ "hours", 3600e6 }, { "hour", 3600e6 }, { "hr", 3600e6 }, { "h", 3600e6 },
		{ "days", 86400e6 }, { "day", 86400e6 }, { "d", 86400e6 },
		{ "weeks", 604800e6 }, { "week", 604800e6 }, { "w", 604800e6 },
	};
	while (isspace((unsigned char)*t))
		t++;
	if (!strcmp(t, "infinity")) {
		*usec = UINT64_MAX;
		return 0;
	}
	double total = 0;
	int parts = 0;
	while (*t) {
		double v;
		if (number(&t, &v) < 0)
			return -1;
		while (isspace((unsigned char)*t))
			t++;
		size_t n = 0;
		while (isalpha((unsigned char)t[n]))
			n++;
		double mult = 1e6; /* a bare number is seconds */
		if (n) {
			size_t i;
			for (i = 0; i < sizeof units / sizeof *units; i++)
				if (strlen(units[i].unit) == n && !strncmp(units[i].unit, t, n))
					break;
			if (i == sizeof units / sizeof *units)
				return -1;
			mult = units[i].usec;
		} else if (parts || (*t && !isspace((unsigned char)*t))) {
			return -1;
		}
		total += v * mult;
		t += n;
		while (isspace((unsigned char)*t))
			t++;
		parts++;
	}
	if (!parts || total >= 1.8e19)
		return -1;
	*usec = (uint64_t)total;
	return 0;
}

int parse_size(const char *t, uint64_t *bytes)
{
	if (!strcmp(t, "infinity")) {
		*bytes = UINT64_MAX;
		return 0;
	}
	double v;
	if (number(&t, &v) < 0)
		return -1;
	const char *suffix = "KMGTPE", *s = NULL;
	if (*t && !(s = strchr(suffix, *t)))
		return -1;
	if (s)
		t++;
	if (*t)
		return -1;
	for (const char *k = suffix; s && k <= s; k++)
		v *= 1024;
	if (v >= 1.8e19)
		return -1;
	*bytes = (uint64_t)v;
	return 0;
}

int parse_signal(const char *t, int *sig)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "CONT", SIGCONT },
		{ "STOP", SIGSTOP }, { "WINCH", SIGWINCH }, { "PWR", SIGPWR }, { "ABRT", SIGABRT },
	};
	if (isdigit((unsigned char)*t)) {
		char *end;
		long v = strtol(t, &end, 10);
		if (*end || v < 1 || v > 64)
			return -1;
		*sig = (int)v;
		return 0;
	}
	if (!strncmp(t, "SIG", 3))
		t += 3;
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		if (!strcmp(t, sigs[i].name)) {
			*sig = sigs[i].sig;
			return 0;
		}
	return -1;
}
