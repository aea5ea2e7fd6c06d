/* berth-provision: at boot, finds the node's configuration (the kernel command
 * line, a ConfigDrive or NoCloud drive, DigitalOcean's metadata service),
 * checks the user's document whole, then applies it, once: a record on STATE
 * says it was done. A platform without any source costs a scan of the block
 * devices and nothing else. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/atomicfile.h"
#include "../lib/mkdirp.h"
#include "../lib/msg.h"
#include "provision.h"

static int on_node; /* writing to the real system: say things on the console too */

void say(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "provision: %s\n", line);
	if (on_node) {
		int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0) {
			dprintf(fd, "provision: %s\n", line);
			close(fd);
		}
	}
}

const char *rooted(const struct prov_env *env, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", env->root, path);
	return buf;
}

void meta_free(struct node_meta *m)
{
	free(m->source);
	free(m->user_data);
	free(m->hostname);
	strv_clear(&m->keys);
	strv_clear(&m->network);
	strv_clear(&m->warnings);
	memset(m, 0, sizeof *m);
}

/* A source that said nothing at all: no document, host name, key or address. */
static int meta_is_empty(const struct node_meta *m)
{
	return !m->user_data && !m->hostname && !m->keys.n && !m->network.n;
}

static void usage(FILE *f)
{
	fputs("usage: berth-provision [--force] [--root DIR] [--cmdline FILE] [--sys DIR]\n"
	      "                       [--metadata-url URL] [--init-socket PATH] [--no-network] [--wait SECONDS]\n",
	      f);
}

/* The record of a provisioning that was done: its source, and when. */
static int record_done(const struct prov_env *env, const char *source, int failed)
{
	char dir[4096], path[4200], err[ERRLEN], text[1200];
	mkdir_p(rooted(env, "/var/lib/berth/provision", dir, sizeof dir), 0755);
	snprintf(path, sizeof path, "%s/done", dir);
	int n = failed ? snprintf(text, sizeof text, "%s, %d part(s) failed\n", source, failed)
		       : snprintf(text, sizeof text, "%s\n", source);
	if (n >= (int)sizeof text)
		n = (int)sizeof text - 1;
	if (file_write_atomic(path, text, (size_t)n, 0644, (uid_t)-1, 0, err, sizeof err) < 0) {
		say("%s", err);
		return -1;
	}
	return 0;
}

static int find_source(const struct prov_env *env, struct node_meta *m)
{
	char err[ERRLEN] = "";
	int (*sources[])(const struct prov_env *, struct node_meta *, char *) = { source_cmdline, source_drives,
										  source_digitalocean };
	for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
		int r = sources[i](env, m, err);
		if (r != 0) {
			if (r < 0)
				say("%s", err);
			return r;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	msg_program = "provision";
	struct prov_env env = { .root = "", .cmdline = "/proc/cmdline", .sys = "/sys",
				.init_socket = "/run/berth/init.sock", .net = 1, .wait = 20 };
	int force = 0;
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },	      { "root", required_argument, NULL, 'r' },
		{ "cmdline", required_argument, NULL, 'c' },  { "sys", required_argument, NULL, 's' },
		{ "metadata-url", required_argument, NULL, 'm' }, { "init-socket", required_argument, NULL, 'i' },
		{ "no-network", no_argument, NULL, 'n' },     { "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },	      { 0 }
	};
	for (int c; (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
		switch (c) {
		case 'f': force = 1; break;
		case 'r': env.root = optarg; break;
		case 'c': env.cmdline = optarg; break;
		case 's': env.sys = optarg; break;
		case 'm': env.metadata_url = optarg; break;
		case 'i': env.init_socket = *optarg ? optarg : NULL; break;
		case 'n': env.net = 0; break;
		case 'w': env.wait = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	on_node = !*env.root;

	char done[4096];
	char *from = force ? NULL : file_read_all(rooted(&env, "/var/lib/berth/provision/done", done, sizeof done), 4096, NULL);
	if (from) {
		from[strcspn(from, "\n")] = '\0';
		say("done at first boot, from %s: nothing to do", from);
		free(from);
		return 0;
	}

	struct node_meta m = { 0 };
	int found = find_source(&env, &m);
	if (found <= 0) {
		if (found == 0)
			fprintf(stderr, "provision: no configuration found (kernel command line, config drive, metadata "
					"service): nothing to apply\n");
		meta_free(&m);
		return found < 0;
	}
	say("configuration from %s", m.source);
	if (substitute_addresses(&m) < 0) {
		say("ERROR: out of memory");
		meta_free(&m);
		return 1;
	}
	for (size_t i = 0; i < m.warnings.n; i++)
		say("warning: %s", m.warnings.v[i]);

	/* The user's document is checked whole before anything is applied; an
	 * invalid one is left out entirely, and what the platform itself said
	 * (addresses, keys) still applies, so that the node can be reached. */
	struct pv_config cfg = { 0 };
	char err[ERRLEN];
	int invalid = 0;
	if (m.user_data && pv_parse(m.user_data, m.user_len, "user data", &cfg, err, sizeof err) < 0) {
		say("ERROR: %s: nothing of the user data was applied", err);
		invalid = 1;
	}
	for (size_t i = 0; i < cfg.warnings.n; i++)
		say("warning: %s", cfg.warnings.v[i]);

	int failed = apply_network(&env, &m);
	failed += apply_hostname(&env, cfg.hostname ? cfg.hostname : m.hostname);
	failed += apply_users(&env, &cfg, &m.keys);
	failed += apply_files(&env, &cfg);
	failed += apply_settings(&env, &cfg);
	failed += apply_units(&env, &cfg);
	if (failed)
		say("%d part(s) of the configuration from %s could not be applied (above)", failed, m.source);
	else if (!invalid)
		say("applied: %zu user(s), %zu key(s), %zu file(s), %zu unit(s)", cfg.nusers,
		    cfg.ssh_keys.n + m.keys.n, cfg.nfiles, cfg.nunits);
	/* Recorded once applied, even where a part failed (said above): applying
	 * it again would append its files twice and run its commands again, as
	 * cloud-init's once-per-instance modules are not run again either. An
	 * invalid document applied nothing and is read again at the next boot,
	 * and so is a source that gave nothing (an empty drive). */
	if (!invalid && !meta_is_empty(&m) && record_done(&env, m.source, failed) < 0)
		failed++;
	pv_config_free(&cfg);
	meta_free(&m);
	return failed || invalid;
}
