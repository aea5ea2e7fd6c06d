/* Environment= and EnvironmentFile= contents. */
#include "../../src/lib/environ.h"
#include "check.h"

int main(void)
{
	struct strv env = { 0 };
	char err[128];
	CHECK(environ_parse_setting(&env, "A=1 \"B=2 3\" C='x $y' D=", err, sizeof err) == 0);
	CHECK(env.n == 4);
	CHECK_STR(environ_get(&env, "A", 1), "1");
	CHECK_STR(environ_get(&env, "B", 1), "2 3");
	CHECK_STR(environ_get(&env, "C", 1), "x $y");
	CHECK_STR(environ_get(&env, "D", 1), "");
	CHECK(environ_get(&env, "E", 1) == NULL);
	CHECK(environ_parse_setting(&env, "A=again", err, sizeof err) == 0);
	CHECK(env.n == 4);
	CHECK_STR(environ_get(&env, "A", 1), "again");
	CHECK(environ_parse_setting(&env, "1BAD=x", err, sizeof err) < 0 && strstr(err, "NAME=value"));
	CHECK(environ_parse_setting(&env, "novalue", err, sizeof err) < 0);
	CHECK(environ_parse_setting(&env, "\"open", err, sizeof err) < 0);

	const char *file =
		"# comment, with the image's quote\n"
		"  ; another \"\n"
		"\n"
		"ETCD_NAME=node1\n"
		"  SPACED = value with spaces  \n"
		"QUOTED=\"two\n lines\"\n"
		"CONT=one \\\n"
		"two\n"
		"ESC=a\\\"b\n"
		"SINGLE='$HOME \\n'\n"
		"LAST=no newline";
	CHECK(environ_parse_file(&env, file, strlen(file), err, sizeof err) == 0);
	CHECK_STR(environ_get(&env, "ETCD_NAME", 9), "node1");
	CHECK_STR(environ_get(&env, "SPACED", 6), "value with spaces");
	CHECK_STR(environ_get(&env, "QUOTED", 6), "two\n lines");
	CHECK_STR(environ_get(&env, "CONT", 4), "one two");
	CHECK_STR(environ_get(&env, "ESC", 3), "a\"b");
	CHECK_STR(environ_get(&env, "SINGLE", 6), "$HOME \\n");
	CHECK_STR(environ_get(&env, "LAST", 4), "no newline");

	const char *bad = "OK=1\nnot an assignment\n";
	CHECK(environ_parse_file(&env, bad, strlen(bad), err, sizeof err) < 0 && strstr(err, "line 2"));
	const char *open = "A=1\nB=\"never closed\n";
	CHECK(environ_parse_file(&env, open, strlen(open), err, sizeof err) < 0 && strstr(err, "line 2: unterminated"));
	const char *after = "# it's\nA=1\nB='x\n";
	CHECK(environ_parse_file(&env, after, strlen(after), err, sizeof err) < 0 && strstr(err, "line 3: unterminated"));
	CHECK(environ_parse_file(&env, "", 0, err, sizeof err) == 0);
	strv_clear(&env);
	return check_done("environ");
}
