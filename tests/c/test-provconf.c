/* First-boot configuration: a #cloud-config with every kind of key, coreos:
 * as berth:, file encodings, errors with their lines, warnings; Ignition v3
 * users, files from data: URLs and units; what either refuses; then every
 * document of tests/data/provision/good parsed, and each of bad/ refused with
 * the message its .err file holds. */
#include "../../src/lib/provconf.h"
#include "check.h"

#include <dirent.h>
#include <stdlib.h>
#include <zlib.h>

static char err[512], datadir[1024];

/* The file NAME of tests/data/provision into BUF (LEN bytes at most). */
static void data(const char *name, char *buf, size_t len)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", datadir, name);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;
	CHECK(f && n > 0 && n < len - 1);
	buf[n] = '\0';
	if (f)
		fclose(f);
}

static int parse(struct pv_config *cfg, const char *text)
{
	return pv_parse(text, strlen(text), "user data", cfg, err, sizeof err);
}

/* The error of parsing TEXT, or "ok". */
static const char *verdict(const char *text)
{
	struct pv_config cfg;
	if (parse(&cfg, text) < 0) {
		CHECK(!cfg.nusers && !cfg.nfiles && !cfg.warnings.n && !cfg.hostname);
		return err;
	}
	pv_config_free(&cfg);
	return "ok";
}

/* The strings of L, each followed by a newline. */
static const char *lines(const struct strv *l)
{
	static char buf[4096];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->n && n < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\n", l->v[i]);
	return buf;
}

/* Whether the warnings of CFG include one that contains TEXT. */
static int warned(const struct pv_config *cfg, const char *text)
{
	for (size_t i = 0; i < cfg->warnings.n; i++)
		if (strstr(cfg->warnings.v[i], text))
			return 1;
	fprintf(stderr, "no warning \"%s\" among %zu:\n", text, cfg->warnings.n);
	for (size_t i = 0; i < cfg->warnings.n; i++)
		fprintf(stderr, "  %s\n", cfg->warnings.v[i]);
	return 0;
}

/* The keys of full.yaml and full.json. */
#define KEY1 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne one@test"
#define KEY2 "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQTwo two@test"

static void full_cloudconfig(void)
{
	struct pv_config cfg;
	char doc[8192];
	data("full.yaml", doc, sizeof doc);
	if (parse(&cfg, doc) < 0) {
		CHECK_STR(err, "ok");
		return;
	}
	CHECK_STR(cfg.hostname, "node-1.example.com");
	CHECK(cfg.ssh_keys.n == 2);
	CHECK_STR(cfg.ssh_keys.v[0], KEY1);
	CHECK_STR(cfg.ssh_keys.v[1], KEY2);

	CHECK(cfg.nusers == 3);
	const struct pv_user *a = &cfg.users[0], *b = &cfg.users[1], *c = &cfg.users[2];
	CHECK_STR(a->name, "alice");
	CHECK_STR(a->gecos, "Alice A.");
	CHECK_STR(a->home, "/srv/alice");
	CHECK_STR(a->shell, "/bin/ash");
	CHECK(a->groups.n == 2 && !strcmp(a->groups.v[0], "ops") && !strcmp(a->groups.v[1], "docker"));
	CHECK(a->ssh_keys.n == 1 && !strcmp(a->ssh_keys.v[0], KEY2));
	CHECK_STR(b->name, "bob");
	CHECK(!b->gecos && !b->home && !b->shell && !b->ssh_keys.n);
	CHECK(b->groups.n == 3 && !strcmp(b->groups.v[0], "wheel") && !strcmp(b->groups.v[1], "adm") &&
	      !strcmp(b->groups.v[2], "video"));
	CHECK_STR(c->name, "core");
	CHECK(c->ssh_keys.n == 1);

	CHECK(cfg.nfiles == 6);
	const struct pv_file *f = cfg.files;
	CHECK_STR(f[0].path, "/etc/motd");
	CHECK_STR(f[0].content, "welcome\n");
	CHECK(f[0].len == 8 && f[0].mode == 0640 && !f[0].owner && !f[0].append);
	CHECK_STR(f[1].content, "hello\n");
	CHECK(f[1].len == 6 && f[1].mode == 0600);
	CHECK_STR(f[1].owner, "alice:ops");
	CHECK_STR(f[2].content, "hello gzip\n");
	CHECK(f[2].mode == 0755);
	CHECK_STR(f[2].owner, "1000");
	CHECK_STR(f[3].content, "export X=1\n");
	CHECK(f[3].append == 1 && f[3].mode == 0644);
	CHECK_STR(f[4].path, "/srv/empty");
	CHECK(f[4].content && f[4].len == 0 && f[4].mode == 0644);
	CHECK_STR(f[5].content, "hi");

	CHECK_STR(lines(&cfg.etcd), "NAME=n1\n"
				    "INITIAL_CLUSTER=n1=http://10.0.0.1:2380,n2=http://10.0.0.2:2380\n"
				    "HEARTBEAT_INTERVAL=250\n"
				    "CLIENT_CERT=/etc/ssl/etcd.pem\n"
				    "PEER_CA=/etc/ssl/ca.pem\n"
				    "INITIAL_CLUSTER_TOKEN=\"a \\\"quoted\\\" token\"\n");
	CHECK_STR(lines(&cfg.fleet), "METADATA=region=test,role=web\n"
				     "ETCD_ENDPOINTS=http://10.0.0.1:2379,http://10.0.0.2:2379\n"
				     "AGENT_TTL=120\n"
				     "ENGINE=no\n"
				     "PUBLIC_IP=10.0.0.1\n"
				     "REQUEST_TIMEOUT=1.5\n");
	CHECK_STR(lines(&cfg.update), "REBOOT_STRATEGY=off\n"
				      "REBOOT_WINDOW=Sat,Sun 02:00-04:00\n"
				      "SERVER=https://updates.example.com/\n"
				      "INTERVAL=600\n");

	CHECK(cfg.nunits == 3);
	const struct pv_unit *u = cfg.units;
	CHECK_STR(u[0].name, "hello.service");
	CHECK_STR(u[0].content, "[Service]\nExecStart=/bin/sleep 1000\n");
	CHECK_STR(u[0].command, "start");
	CHECK(u[0].enable == 1 && u[0].ndropins == 2);
	CHECK_STR(u[0].dropins[0].name, "10-env.conf");
	CHECK_STR(u[0].dropins[0].content, "[Service]\nEnvironment=A=1\n");
	CHECK_STR(u[0].dropins[1].name, "20-empty.conf");
	CHECK_STR(u[0].dropins[1].content, "");
	CHECK(!u[1].content && u[1].enable == -1 && !u[1].ndropins);
	CHECK_STR(u[1].command, "restart");
	CHECK(u[2].enable == 0 && !u[2].command);

	CHECK(cfg.warnings.n == 2);
	CHECK(warned(
	    &cfg, "user data: line 14: passwords are never set on Berth (SSH keys only): users[0].passwd (ignored)"));
	CHECK(warned(&cfg, "line 15: not supported by Berth: users[0].sudo (ignored)"));
	pv_config_free(&cfg);
	CHECK(!cfg.hostname && !cfg.nusers && !cfg.users);
}

static void coreos_alias(void)
{
	struct pv_config cfg;
	const char *doc = "#cloud-config\n"
			  "coreos:\n"
			  "  etcd2:\n"
			  "    advertise-client-urls: http://$private_ipv4:2379\n"
			  "    listen-client-urls: http://0.0.0.0:2379\n"
			  "    discovery: https://discovery.etcd.io/abc\n"
			  "  fleet:\n"
			  "    public-ip: $private_ipv4\n"
			  "    agent_ttl: 30s\n"
			  "    etcd_cafile: /etc/ssl/ca.pem\n"
			  "    verbosity: 2\n"
			  "  update:\n"
			  "    reboot-strategy: best-effort\n"
			  "    group: stable\n"
			  "  locksmith:\n"
			  "    window_start: Thu 04:00\n"
			  "    window_length: 1h\n"
			  "  flannel:\n"
			  "    interface: eth1\n"
			  "  units:\n"
			  "    - name: etcd2.service\n"
			  "      command: start\n"
			  "      runtime: true\n"
			  "      mask: false\n";
	CHECK(parse(&cfg, doc) == 0);
	CHECK_STR(lines(&cfg.etcd), "ADVERTISE_CLIENT_URLS=http://$private_ipv4:2379\n");
	CHECK_STR(lines(&cfg.fleet), "PUBLIC_IP=$private_ipv4\nAGENT_TTL=30\nETCD_CA=/etc/ssl/ca.pem\n");
	CHECK_STR(lines(&cfg.update), "REBOOT_STRATEGY=etcd-lock\n");
	CHECK(cfg.nunits == 1 && !strcmp(cfg.units[0].command, "start"));
	/* CoreOS's name of the etcd unit is Berth's. */
	CHECK_STR(cfg.units[0].name, "etcd.service");
	CHECK(warned(&cfg, "user data: line 21: coreos.units[0]: etcd2.service is etcd.service on Berth"));
	CHECK(warned(&cfg,
		     "user data: line 5: not used by Berth: coreos.etcd2.listen-client-urls (ignored: clients are "
		     "served on loopback and the peer address)"));
	CHECK(warned(&cfg, "line 6: not used by Berth: coreos.etcd2.discovery (ignored: no discovery service"));
	CHECK(warned(&cfg, "line 11: not used by Berth: coreos.fleet.verbosity (ignored)"));
	CHECK(warned(&cfg,
		     "line 13: coreos.update.reboot-strategy: best-effort is etcd-lock on Berth, where every node "
		     "runs etcd"));
	CHECK(warned(&cfg, "line 14: not used by Berth: coreos.update.group (ignored: Berth has no release channels)"));
	CHECK(warned(&cfg, "line 16: not used by Berth: coreos.locksmith.window_start (ignored: set "
			   "berth.update.reboot_window)"));
	CHECK(warned(&cfg, "line 18: unknown key coreos.flannel (ignored)"));
	CHECK(warned(&cfg, "line 23: not supported by Berth: coreos.units[0].runtime (ignored: units are written to "
			   "/etc/berth/units)"));
	CHECK(cfg.warnings.n == 10);
	pv_config_free(&cfg);

	CHECK_STR(verdict("#cloud-config\nberth: {}\ncoreos: {}\n"),
		  "user data: line 3: berth and coreos both given (coreos is another name for berth)");
	CHECK_STR(verdict("#cloud-config\nberth:\n  etcd: {name: a}\n  etcd2: {name: b}\n"),
		  "user data: line 4: berth.etcd2: etcd and etcd2 both given (the same settings)");
	CHECK_STR(verdict("#cloud-config\nberth:\n  etcd:\n    cert_file: /a\n    client_cert: /b\n"),
		  "user data: line 5: berth.etcd.client_cert: CLIENT_CERT is set twice");
	CHECK_STR(verdict("#cloud-config\nberth:\n  etcd:\n    name: [a, b]\n"),
		  "user data: line 4: berth.etcd.name: expected a string, not a list");
	CHECK_STR(verdict("#cloud-config\nberth:\n  update:\n    reboot_strategy: sometimes\n"),
		  "user data: line 4: berth.update.reboot_strategy: not reboot, etcd-lock or off (\"sometimes\")");
	CHECK_STR(
	    verdict("#cloud-config\nberth:\n  fleet:\n    agent_ttl: soon\n"),
	    "user data: line 4: berth.fleet.agent_ttl: not a number of seconds up to a day (30, 30s, 2m) (\"soon\")");
	CHECK_STR(verdict("#cloud-config\nberth:\n  fleet:\n    engine: maybe\n"),
		  "user data: line 4: berth.fleet.engine: expected true or false, not \"maybe\"");
	CHECK_STR(verdict("#cloud-config\nberth:\n  fleet:\n    metadata: \"a=b\\nc=d\"\n"),
		  "user data: line 4: berth.fleet.metadata: a newline in a setting");
	CHECK_STR(
	    verdict("#cloud-config\nberth:\n  units:\n    - name: a.service\n      command: go\n"),
	    "user data: line 5: berth.units[0].command: not start, stop, restart, reload, try-restart, "
	    "reload-or-restart or reload-or-try-restart (\"go\")");
	CHECK_STR(verdict("#cloud-config\nberth:\n  units:\n    - content: x\n"),
		  "user data: line 4: berth.units[0]: name is required");
	CHECK_STR(verdict("#cloud-config\nberth:\n  units:\n    - name: a.service\n      drop_ins:\n"
			  "        - name: x.txt\n"),
		  "user data: line 6: berth.units[0].drop_ins[0].name: not a drop-in name (NAME.conf) (\"x.txt\")");
}

static void errors(void)
{
	/* libyaml's message and line; at the end of the text, its last line. */
	CHECK_STR(verdict("#cloud-config\nhostname: a\nusers: b: c\n"),
		  "user data: line 3: mapping values are not allowed in this context");
	CHECK_STR(verdict("#cloud-config\nhostname: bad\nwrite_files:\n  - path: /etc/x\n    content: [unclosed\n"),
		  "user data: line 5: did not find expected ',' or ']' (while parsing a flow sequence at line 5)");
	CHECK_STR(verdict("#cloud-config\nhostname: \"open\n"),
		  "user data: line 2: found unexpected end of stream (while scanning a quoted scalar at line 2)");
	CHECK_STR(verdict("#cloud-config\na: *nowhere\n"), "user data: line 2: found undefined alias");
	CHECK_STR(verdict("#cloud-config\nhostname: \xff\n"), "user data: line 2: invalid leading UTF-8 octet");
	/* Types, with their lines. */
	CHECK_STR(verdict("#cloud-config\nhostname:\n  - a\n"),
		  "user data: line 3: hostname: expected a string, not a list");
	CHECK_STR(verdict("#cloud-config\nusers:\n  - name: a\n    groups: {a: b}\n"),
		  "user data: line 4: users[0].groups: expected a list, not a map");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  path: /x\n"),
		  "user data: line 3: write_files: expected a list, not a map");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    append: sometimes\n"),
		  "user data: line 4: write_files[0].append: expected true or false, not \"sometimes\"");
	CHECK_STR(verdict("#cloud-config\n- hostname: a\n"), "user data: line 2: expected a map, not a list");
	CHECK_STR(verdict("#cloud-config\n[a, b]: c\n"), "user data: line 2: a key that is a list, not a string");
	/* Duplicate keys, anywhere. */
	CHECK_STR(verdict("#cloud-config\nhostname: a\nhostname: b\n"),
		  "user data: line 3: duplicate key hostname (first at line 2)");
	CHECK_STR(verdict("#cloud-config\nunknown:\n  x: 1\n  x: 2\n"),
		  "user data: line 4: duplicate key x (first at line 3)");
	/* Values. */
	CHECK_STR(verdict("#cloud-config\nhostname: bad_host\n"),
		  "user data: line 2: hostname: not a host name: only letters, digits, '-' and '.' may be used "
		  "(\"bad_host\")");
	CHECK_STR(verdict("#cloud-config\nhostname: -a\n"),
		  "user data: line 2: hostname: not a host name: a label starts or ends with '-' (\"-a\")");
	CHECK_STR(verdict("#cloud-config\nhostname: a..b\n"),
		  "user data: line 2: hostname: not a host name: an empty label (\"a..b\")");
	CHECK_STR(
	    verdict("#cloud-config\nhostname: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"),
	    "user data: line 2: hostname: not a host name: a label longer than 63 characters "
	    "(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\")");
	CHECK_STR(verdict("#cloud-config\nhostname:\n"), "user data: line 2: hostname: empty");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: etc/x\n"),
		  "user data: line 3: write_files[0].path: not an absolute path (\"etc/x\")");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /etc/../x\n"),
		  "user data: line 3: write_files[0].path: a path with a \"..\" component (\"/etc/../x\")");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /etc/..\n"),
		  "user data: line 3: write_files[0].path: a path with a \"..\" component (\"/etc/..\")");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /etc/x..y/a\n"), "ok");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /etc/\n"),
		  "user data: line 3: write_files[0].path: a directory, not a file (\"/etc/\")");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - content: x\n"),
		  "user data: line 3: write_files[0]: path is required");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    permissions: '0999'\n"),
		  "user data: line 4: write_files[0].permissions: not an octal mode up to 07777 (\"0999\")");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    permissions: 017777\n"),
		  "user data: line 4: write_files[0].permissions: not an octal mode up to 07777 (\"017777\")");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    permissions: rw\n"),
		  "user data: line 4: write_files[0].permissions: not an octal mode up to 07777 (\"rw\")");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    encoding: rot13\n"),
		  "user data: line 4: write_files[0].encoding: unknown encoding \"rot13\" (b64, gzip, gzip+base64 or "
		  "none)");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    encoding: b64\n    content: \"a*b\"\n"),
		  "user data: line 5: write_files[0].content: not base64");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    encoding: gzip+b64\n    content: aGVsbG8K\n"),
		  "user data: line 5: write_files[0].content: not gzip data (incorrect header check)");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    encoding: gz+b64\n"
			  "    content: H4sIAAAAAAACA8tIzcnJV0ivyizgAgA5\n"),
		  "user data: line 5: write_files[0].content: the gzip data is cut short");
	CHECK_STR(verdict("#cloud-config\nwrite_files:\n  - path: /x\n    owner: \"a b\"\n"),
		  "user data: line 4: write_files[0].owner: not USER or USER:GROUP (names or numbers) (\"a b\")");
	CHECK_STR(verdict("#cloud-config\nusers:\n  - name: Alice\n"),
		  "user data: line 3: users[0].name: not a user or group name ([a-z_][a-z0-9_-]*, at most 32 "
		  "characters) (\"Alice\")");
	CHECK_STR(verdict("#cloud-config\nusers:\n  - gecos: x\n"), "user data: line 3: users[0]: name is required");
	CHECK_STR(verdict("#cloud-config\nusers:\n  - name: a\n    gecos: \"a:b\"\n"),
		  "user data: line 4: users[0].gecos: a ':' or a newline (\"a:b\")");
	CHECK_STR(verdict("#cloud-config\nusers:\n  - name: a\n    homedir: home/a\n"),
		  "user data: line 4: users[0].homedir: not an absolute path (\"home/a\")");
	CHECK_STR(verdict("#cloud-config\nssh_authorized_keys:\n  - \"ssh-rsa AAAA\\nssh-rsa BBBB\"\n"),
		  "user data: line 3: ssh_authorized_keys[0]: not an SSH public key line: a newline in it (\"ssh-rsa "
		  "AAAA\")");
	CHECK_STR(verdict("#cloud-config\nssh_authorized_keys:\n  - hello\n"),
		  "user data: line 3: ssh_authorized_keys[0]: not an SSH public key line (TYPE KEY [COMMENT]) "
		  "(\"hello\")");
	CHECK_STR(verdict("#cloud-config\nssh_authorized_keys:\n  - command=\"uptime\" ssh-ed25519 AAAA x\n"), "ok");
	CHECK_STR(verdict("#cloud-config\nhostname: \"a\\0b\"\n"),
		  "user data: line 2: hostname: a NUL byte in the text");
	const char *units[][2] = {
		{ "a/b.service", "not a valid unit name: invalid character '/' (\"a/b.service\")" },
		{ "hello", "not a valid unit name: has no type suffix (\"hello\")" },
		{ "a.servce", "not a valid unit name: unsupported unit type \"servce\" (\"a.servce\")" },
		{ "a/b.swap", "not a valid unit name: invalid character '/' (\"a/b.swap\")" },
		{ ".service", "not a valid unit name: nothing before the type (\".service\")" },
		{ "", "unit name is empty" },
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		char doc[200], want[300];
		snprintf(doc, sizeof doc, "#cloud-config\nberth:\n  units:\n    - name: \"%s\"\n", units[i][0]);
		snprintf(want, sizeof want, "user data: line 4: berth.units[0].name: %s", units[i][1]);
		CHECK_STR(verdict(doc), want);
	}
	/* Anchors are read; merge keys are not; a cycle is never walked round. */
	CHECK_STR(verdict("#cloud-config\nx-keys: &k [\"" KEY1 "\"]\nssh_authorized_keys: *k\n"), "ok");
	CHECK_STR(verdict("#cloud-config\nbase: &b {name: a}\nusers:\n  - <<: *b\n"),
		  "user data: line 4: users[0]: merge keys (<<) are not supported");
	/* Deep nesting: refused before libyaml's scanner slows down. */
	char deep[200032];
	strcpy(deep, "#cloud-config\nx: ");
	memset(deep + 17, '[', 100000);
	memset(deep + 100017, ']', 100000);
	strcpy(deep + 200017, "\n");
	CHECK_STR(verdict(deep), "user data: line 2: nested more than 64 deep");
	CHECK_STR(verdict("#cloud-config\nusers: &u [*u]\n"),
		  "user data: line 2: users[0]: expected a map, not a list");
}

/* Small documents that would grow into gigabytes: aliases of a long string,
 * a gzip bomb. */
static void bombs(void)
{
	size_t n = 70000, len = 0;
	char *doc = malloc(2100 + n * 4 + 200);
	len += (size_t)sprintf(doc, "#cloud-config\nx: &a \"");
	memset(doc + len, 'x', 2000);
	len += 2000;
	len += (size_t)sprintf(doc + len, "\"\ny: &u {name: a.service, content: *a}\nberth:\n  units: [");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(doc + len, "*u,");
	sprintf(doc + len, "]\n");
	const char *v = verdict(doc);
	CHECK(strstr(v, "user data: line 2: berth.units[") &&
	      strstr(v, "].content: the configuration grows beyond 64 MiB (aliases or compression?)"));
	free(doc);

	/* 100 MiB of zeros, gzip'd, as a percent-encoded data: URL. */
	size_t zcap = 1 << 20;
	unsigned char *zeros = calloc(1, 1 << 20), *z = malloc(zcap);
	z_stream zs = { 0 };
	CHECK(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
	zs.next_out = z;
	zs.avail_out = (uInt)zcap;
	for (int i = 0; i < 100; i++) {
		zs.next_in = zeros;
		zs.avail_in = 1 << 20;
		CHECK(deflate(&zs, i == 99 ? Z_FINISH : Z_NO_FLUSH) != Z_STREAM_ERROR);
	}
	size_t zlen = zcap - zs.avail_out;
	deflateEnd(&zs);
	doc = malloc(zlen * 3 + 300);
	len = (size_t)sprintf(doc, "{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": "
				   "\"/a\", \"contents\": {\"compression\": \"gzip\", \"source\": \"data:,");
	for (size_t i = 0; i < zlen; i++)
		len += (size_t)sprintf(doc + len, "%%%02x", z[i]);
	sprintf(doc + len, "\"}}]}}");
	CHECK_STR(verdict(doc),
		  "user data: line 1: storage.files[0].contents.source: the decompressed data grows beyond 64 MiB");
	free(doc);
	free(zeros);
	free(z);
}

static void warnings(void)
{
	struct pv_config cfg;
	const char *doc = "#cloud-config\n"
			  "runcmd:\n"
			  "  - echo hi\n"
			  "manage_etc_hosts: true\n"
			  "hostname: ok\n"
			  "users:\n"
			  "  - default\n"
			  "  - name: a\n"
			  "    shoe_size: 44\n"
			  "write_files:\n"
			  "  - path: /a\n"
			  "    defer: true\n"
			  "---\n"
			  "hostname: second\n";
	CHECK(parse(&cfg, doc) == 0);
	CHECK_STR(cfg.hostname, "ok");
	CHECK(cfg.nusers == 1 && cfg.nfiles == 1);
	CHECK(warned(&cfg, "user data: line 2: unknown key runcmd (ignored)"));
	CHECK(warned(&cfg, "user data: line 4: unknown key manage_etc_hosts (ignored)"));
	CHECK(warned(&cfg, "user data: line 7: users[0]: \"default\" (ignored: Berth's user is core)"));
	CHECK(warned(&cfg, "user data: line 9: unknown key users[1].shoe_size (ignored)"));
	CHECK(warned(&cfg, "user data: line 12: unknown key write_files[0].defer (ignored)"));
	CHECK(warned(&cfg, "user data: line 14: a second YAML document (ignored)"));
	CHECK(cfg.warnings.n == 6);
	pv_config_free(&cfg);
}

static void formats(void)
{
	struct pv_config cfg;
	CHECK(parse(&cfg, "") == 0 && !cfg.hostname && !cfg.warnings.n);
	CHECK(parse(&cfg, " \n\t\r\n") == 0 && !cfg.nusers);
	CHECK(parse(&cfg, "#cloud-config\n") == 0 && !cfg.nusers && !cfg.warnings.n);
	CHECK(parse(&cfg, "#cloud-config  \r\n# nothing\n") == 0 && !cfg.warnings.n);
	CHECK(parse(&cfg, "\xef\xbb\xbf#cloud-config\nhostname: bom\n") == 0);
	CHECK_STR(cfg.hostname, "bom");
	pv_config_free(&cfg);
	CHECK(parse(&cfg, "\xef\xbb\xbf\n{\"ignition\": {\"version\": \"3.4.0\"}}") == 0 && !cfg.warnings.n);
	CHECK(parse(&cfg, "\r\n") == 0);
	CHECK_STR(verdict("#!/bin/sh\necho hi\n"),
		  "user data: line 1: not a #cloud-config or Ignition document (a script: \"#!/bin/sh\")");
	CHECK_STR(verdict("\n\nhostname: a\n"),
		  "user data: line 3: not a #cloud-config or Ignition document (it starts with \"hostname: a\")");
	CHECK_STR(verdict("#cloud-config-archive\n- a\n"),
		  "user data: line 1: not a #cloud-config or Ignition document (it starts with "
		  "\"#cloud-config-archive\")");
	CHECK_STR(verdict("#cloud-config\n"), "ok");
}

/* What CoreOS's units: section could say that Berth does its own way. */
static void coreos_units(void)
{
	struct pv_config cfg;
	/* A systemd-networkd unit (CoreOS's static network recipe): left out,
	 * with a warning, and the rest applies. */
	if (parse(&cfg, "#cloud-config\ncoreos:\n  units:\n    - name: 00-eth0.network\n      runtime: true\n"
			"      content: |\n        [Match]\n        Name=eth0\n    - name: fleet.service\n"
			"      command: reload-or-restart\n") < 0) {
		CHECK_STR(err, "ok");
		return;
	}
	CHECK(cfg.nunits == 1);
	CHECK_STR(cfg.units[0].name, "fleetd.service");
	CHECK_STR(cfg.units[0].command, "reload-or-restart");
	CHECK(warned(&cfg, "user data: line 4: coreos.units[0]: 00-eth0.network: not a unit type Berth runs (.service, .socket, "
			   ".target, .timer, .mount, .path): not applied (ignored)"));
	CHECK(warned(&cfg, "user data: line 9: coreos.units[1]: fleet.service is fleetd.service on Berth"));
	pv_config_free(&cfg);
	/* A unit of the user's own named etcd2.service keeps its name. */
	CHECK(parse(&cfg, "#cloud-config\ncoreos:\n  units:\n    - name: etcd2.service\n      content: x\n") == 0);
	CHECK_STR(cfg.units[0].name, "etcd2.service");
	CHECK(cfg.warnings.n == 0);
	pv_config_free(&cfg);
	/* Masked, as CoreOS's documentation stopped and masked update-engine. */
	CHECK(parse(&cfg, "#cloud-config\ncoreos:\n  units:\n    - name: update-engine.service\n      command: stop\n"
			  "      mask: true\n") == 0);
	CHECK(cfg.nunits == 1 && cfg.units[0].mask == 1 && cfg.warnings.n == 0);
	pv_config_free(&cfg);
	CHECK_STR(verdict("#cloud-config\ncoreos:\n  units:\n    - name: a.service\n      mask: true\n"
			  "      command: start\n"),
		  "user data: line 4: coreos.units[0]: a.service: a masked unit cannot be given content, enabled or started");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.3.0\"}, \"systemd\": {\"units\": [{\"name\": \"a.service\", "
			  "\"mask\": true, \"contents\": \"x\"}]}}"),
		  "user data: line 1: systemd.units[0]: a.service: a masked unit cannot be given content, enabled or started");
}

static void ignition(void)
{
	struct pv_config cfg;
	char doc[8192];
	data("full.json", doc, sizeof doc);
	if (parse(&cfg, doc) < 0) {
		CHECK_STR(err, "ok");
		return;
	}
	CHECK(cfg.nusers == 2 && !cfg.ssh_keys.n);
	CHECK_STR(cfg.users[0].name, "core");
	CHECK(cfg.users[0].ssh_keys.n == 1 && !strcmp(cfg.users[0].ssh_keys.v[0], KEY1));
	const struct pv_user *a = &cfg.users[1];
	CHECK_STR(a->name, "alice");
	CHECK_STR(a->gecos, "Alice");
	CHECK_STR(a->home, "/srv/alice");
	CHECK_STR(a->shell, "/bin/ash");
	CHECK(a->groups.n == 1 && !strcmp(a->groups.v[0], "ops"));
	CHECK(a->ssh_keys.n == 1 && !strcmp(a->ssh_keys.v[0], KEY2));

	CHECK(cfg.nfiles == 6);
	const struct pv_file *f = cfg.files;
	CHECK_STR(f[0].content, "hello world\n");
	CHECK(f[0].mode == 0644 && !f[0].owner && !f[0].append);
	CHECK_STR(f[1].content, "hello\n");
	CHECK(f[1].mode == 0600 && f[1].len == 6);
	CHECK_STR(f[1].owner, "alice:100");
	CHECK_STR(f[2].content, "hello gzip\n");
	CHECK_STR(f[2].owner, "0:ops");
	CHECK_STR(f[3].content, "a\nb");
	CHECK(f[3].append == 1 && f[3].len == 3);
	CHECK_STR(f[4].content, "xy");
	CHECK(f[4].append == 0);
	CHECK_STR(f[5].content, "");
	CHECK_STR(f[5].owner, "0");

	CHECK(cfg.nunits == 3);
	const struct pv_unit *u = cfg.units;
	CHECK_STR(u[0].name, "hello.service");
	CHECK_STR(u[0].content, "[Service]\nExecStart=/bin/true\n");
	CHECK(u[0].enable == 1 && u[0].ndropins == 1 && !u[0].command);
	CHECK_STR(u[0].dropins[0].name, "10-a.conf");
	CHECK_STR(u[0].dropins[0].content, "[Service]\nNice=5\n");
	CHECK(u[1].enable == 0 && !u[1].content);
	CHECK(u[2].enable == -1 && u[2].ndropins == 1 && !strcmp(u[2].dropins[0].content, ""));
	CHECK(!cfg.etcd.n && !cfg.fleet.n && !cfg.update.n && !cfg.hostname);

	CHECK(warned(&cfg, "user data: passwords are never set on Berth (SSH keys only): passwd.users[1].passwordHash "
			   "(ignored)"));
	CHECK(warned(&cfg, "user data: not supported by Berth: passwd.users[1].uid (ignored)"));
	CHECK(warned(&cfg, "user data: unknown key passwd.users[1].shoeSize (ignored)"));
	CHECK(warned(&cfg, "user data: not supported by Berth: storage.directories (ignored)"));
	CHECK(u[1].mask == 1);
	CHECK(cfg.warnings.n == 4);
	pv_config_free(&cfg);

	/* What Ignition refuses, and what Berth does. */
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"2.2.0\"}}"),
		  "user data: line 1: ignition.version: 2.2.0: Ignition 2.x is not supported; use spec 3");
	CHECK_STR(verdict("{\"ignition\": {}}"),
		  "user data: ignition.version is required (a JSON document is read as an Ignition config)");
	CHECK_STR(verdict("{\"hostname\": \"a\"}"),
		  "user data: ignition.version is required (a JSON document is read as an Ignition config)");
	CHECK_STR(verdict("{\"ignition\": {\"version\": 3}}"),
		  "user data: line 1: ignition.version: expected a string, not a number");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}}"), "ok");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.1\"}}"),
		  "user data: line 1: ignition.version: not a version (\"3.1\")");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\", \"config\": {\"merge\": [{\"source\": "
			  "\"https://example.com/a.ign\"}]}}}"),
		  "user data: line 1: ignition.config: remote configs not supported");
	CHECK(parse(&cfg,
		    "{\"ignition\": {\"version\": \"3.0.0\", \"config\": {\"merge\": [{\"source\": null}], "
		    "\"replace\": {\"verification\": {\"hash\": \"sha512-00\"}}}, \"security\": {\"tls\": {}}}}") == 0);
	CHECK(cfg.warnings.n == 1 && warned(&cfg, "user data: not supported by Berth: ignition.config (ignored)"));
	pv_config_free(&cfg);
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\", \"config\": {\"replace\": {\"source\": "
			  "\"https://example.com/a.ign\"}}}}"),
		  "user data: line 1: ignition.config: remote configs not supported");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": \"/a\", "
			  "\"contents\": {\"source\": \"https://example.com/a\"}}]}}"),
		  "user data: line 1: storage.files[0].contents.source: only data: URLs are supported");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": \"/a\", "
			  "\"append\": [{\"source\": \"s3://bucket/a\"}]}]}}"),
		  "user data: line 1: storage.files[0].append[0].source: only data: URLs are supported");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": \"a\"}]}}"),
		  "user data: line 1: storage.files[0].path: not an absolute path (\"a\")");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": \"/a\", "
			  "\"mode\": 4096}]}}"),
		  "user data: line 1: storage.files[0].mode: expected a mode (a number up to 4095, 07777 in octal), not a "
		  "number");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": \"/a\", "
			  "\"contents\": {\"compression\": \"bzip2\", \"source\": \"data:,x\"}}]}}"),
		  "user data: line 1: storage.files[0].contents.compression: unsupported compression \"bzip2\" (gzip or none)");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": \"/a\", "
			  "\"contents\": {\"source\": \"data:,%zz\"}}]}}"),
		  "user data: line 1: storage.files[0].contents.source: a bad %-escape in the data: URL");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": \"/a\", "
			  "\"user\": {\"id\": 1, \"name\": \"a\"}}]}}"),
		  "user data: line 1: storage.files[0].user: both id and name given");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"passwd\": {\"users\": [{\"name\": 7}]}}"),
		  "user data: line 1: passwd.users[0].name: expected a string, not a number");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"passwd\": {\"users\": [{}]}}"),
		  "user data: line 1: passwd.users[0]: name is required");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"systemd\": {\"units\": [{\"name\": "
			  "\"a/b.service\"}]}}"),
		  "user data: line 1: systemd.units[0].name: not a valid unit name: invalid character '/' (\"a/b.service\")");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"systemd\": {\"units\": [{\"name\": "
			  "\"a.service\", \"enabled\": \"yes\"}]}}"),
		  "user data: line 1: systemd.units[0].enabled: expected a boolean, not a string");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"systemd\": {\"units\": [{\"name\": "
			  "\"a.service\", \"dropins\": [{\"name\": \"x\"}]}]}}"),
		  "user data: line 1: systemd.units[0].dropins[0].name: not a drop-in name (NAME.conf) (\"x\")");
	/* JSON errors: jansson's, with line and column. */
	CHECK_STR(verdict("{\n  \"ignition\": {\"version\": \"3.0.0\"},\n  \"passwd\": [,]\n}\n"),
		  "user data: line 3, column 14: unexpected token near ','");
	CHECK_STR(verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"ignition\": {}}"),
		  "user data: line 1, column 45: duplicate object key near '\"ignition\"'");
	CHECK_STR(
	    verdict("{\"ignition\": {\"version\": \"3.0.0\"}, \"storage\": {\"files\": [{\"path\": \"/a\\u0000b\"}]}}"),
	    "user data: line 1, column 77: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"/a\\u0000b\"'");
	CHECK(parse(&cfg,
		    "{\"ignition\": {\"version\": \"3.5.0-experimental\"}, \"kernelArguments\": {\"shouldExist\": "
		    "[\"quiet\"]}}") == 0);
	CHECK(warned(&cfg, "user data: line 1: ignition.version: 3.5.0-experimental is not a spec Berth knows: read as 3.4.0"));
	CHECK(warned(&cfg, "user data: not supported by Berth: kernelArguments (ignored)"));
	pv_config_free(&cfg);
}

/* Each document of DIR: parsed, or refused with the message of its .err
 * file. The number read. */
static int corpus(const char *dir, int good)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		char path[1200], text[65536], want[512] = "";
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || (len > 4 && !strcmp(e->d_name + len - 4, ".err")))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t tl = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[tl] = '\0';
		snprintf(path, sizeof path, "%s/%.*s.err", dir, (int)(strrchr(e->d_name, '.') - e->d_name), e->d_name);
		if (!good && (f = fopen(path, "r"))) {
			if (fgets(want, sizeof want, f))
				want[strcspn(want, "\n")] = '\0';
			fclose(f);
		}
		struct pv_config cfg;
		int rc = pv_parse(text, tl, "user data", &cfg, err, sizeof err);
		if (good && rc < 0)
			fprintf(stderr, "%s: %s\n", e->d_name, err);
		if (!good && (rc == 0 || !*want || !strstr(err, want)))
			fprintf(stderr, "%s: %s, expected \"%s\"\n", e->d_name, rc ? err : "accepted", want);
		CHECK(good ? rc == 0 : rc < 0 && *want && strstr(err, want));
		if (rc == 0)
			pv_config_free(&cfg);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	const char *here = __FILE__, *slash = strrchr(here, '/');
	snprintf(datadir, sizeof datadir, "%.*s/../data/provision", slash ? (int)(slash - here) : 1,
		 slash ? here : ".");
	full_cloudconfig();
	coreos_alias();
	errors();
	bombs();
	warnings();
	formats();
	ignition();
	coreos_units();

	char dir[1100];
	snprintf(dir, sizeof dir, "%s/good", datadir);
	int ngood = corpus(dir, 1);
	snprintf(dir, sizeof dir, "%s/bad", datadir);
	int nbad = corpus(dir, 0);
	printf("corpus: %d good, %d bad documents\n", ngood, nbad);
	CHECK(ngood >= 3 && nbad >= 3);
	return check_done("test-provconf");
}
