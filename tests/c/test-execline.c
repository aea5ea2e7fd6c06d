/* Exec*= command lines: prefixes, quoting, escapes, variables. */
#include "../../src/lib/execline.h"
#include "check.h"

static const char *env(const char *name, int len, void *ctx)
{
	(void)ctx;
	static const char *vars[][2] = {
		{ "ONE", "1" }, { "WORDS", "  a  b c " }, { "EMPTY", "" }, { "PATH_X", "/x y" },
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if ((int)strlen(vars[i][0]) == len && !strncmp(vars[i][0], name, (size_t)len))
			return vars[i][1];
	return NULL;
}

static struct execline el;
static char err[128];

static int parse(const char *line)
{
	return execline_parse(&el, line, env, NULL, err, sizeof err);
}

int main(void)
{
	CHECK(parse("/bin/echo hello   world") == 0);
	CHECK_STR(el.path, "/bin/echo");
	CHECK(el.argc == 3 && !el.ignore_failure);
	CHECK_STR(el.argv[0], "/bin/echo");
	CHECK_STR(el.argv[2], "world");
	CHECK(el.argv[3] == NULL);
	execline_free(&el);

	CHECK(parse("-@/bin/busybox sh -c 'echo \"$ONE\" ${ONE}'") == 0);
	CHECK(el.ignore_failure);
	CHECK_STR(el.path, "/bin/busybox");
	CHECK(el.argc == 3);
	CHECK_STR(el.argv[0], "sh");
	CHECK_STR(el.argv[2], "echo \"$ONE\" ${ONE}"); /* nothing expands in single quotes */
	execline_free(&el);

	CHECK(parse("/bin/x \"a b\"c \\x41\\t\\101 x${ONE}y $WORDS $EMPTY \"${PATH_X}\" $$ONE") == 0);
	CHECK(el.argc == 9);
	CHECK_STR(el.argv[1], "a bc");
	CHECK_STR(el.argv[2], "A\tA");
	CHECK_STR(el.argv[3], "x1y");
	CHECK_STR(el.argv[4], "a");
	CHECK_STR(el.argv[5], "b");
	CHECK_STR(el.argv[6], "c");
	CHECK_STR(el.argv[7], "/x y");
	CHECK_STR(el.argv[8], "$ONE");
	execline_free(&el);

	CHECK(parse(":/bin/x $ONE ${ONE}") == 0);
	CHECK_STR(el.argv[1], "$ONE");
	CHECK_STR(el.argv[2], "${ONE}");
	execline_free(&el);

	CHECK(parse("/bin/x $UNSET ${UNSET}z") == 0);
	CHECK(el.argc == 2);
	CHECK_STR(el.argv[1], "z");
	execline_free(&el);

	CHECK(parse("/bin/x 'open") < 0 && strstr(err, "unterminated"));
	CHECK(parse("/bin/x \\q") < 0 && strstr(err, "bad escape"));
	CHECK(parse("/bin/x \\x0") < 0);
	CHECK(parse("/bin/x \\000") < 0); /* no NUL in an argument */
	CHECK(parse("/bin/x ${1BAD}") < 0 && strstr(err, "variable"));
	CHECK(parse("   ") < 0 && strstr(err, "empty"));
	CHECK(parse("-") < 0);
	CHECK(parse("@/bin/x") < 0 && strstr(err, "argv[0]"));
	CHECK(el.argv == NULL && el.path == NULL); /* nothing left after a failure */
	return check_done("execline");
}
