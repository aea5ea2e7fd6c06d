/* Unit specifiers, as systemd.unit(5): %n the full unit name, %N the name
 * without its type suffix, %p the prefix (before '@', or %N), %i the instance
 * (after '@', may be empty), %H the host name, %m the machine ID, %% a '%'. */
#ifndef BERTH_SPECIFIER_H
#define BERTH_SPECIFIER_H

struct specifier_ctx {
	const char *unit;        /* e.g. "getty@ttyS0.service" */
	const char *hostname;
	const char *machine_id;
};

/* Returns a new string with the specifiers of IN expanded, or NULL with a
 * message in ERR (an unknown specifier, or out of memory). */
char *specifier_expand(const char *in, const struct specifier_ctx *ctx, char *err, int errlen);

#endif
