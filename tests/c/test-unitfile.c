/* The unit file parser: syntax as systemd.syntax(7), and errors with lines. */
#include "../../src/lib/unitfile.h"
#include "check.h"

static int parse(struct unit_file *uf, const char *text, struct unit_error *err)
{
	return unit_parse(uf, "test.service", text, strlen(text), err);
}

int main(void)
{
	struct unit_file uf;
	struct unit_error err;

	CHECK(parse(&uf,
		    "# comment\n"
		    "; another\n"
		    "[Unit]\n"
		    "Description = A  test unit  \n"
		    "After=a.service\n"
		    "After=b.service\n"
		    "\n"
		    "[Service]\r\n"
		    "ExecStart=/bin/echo one \\\n"
		    "# a comment inside a continuation is dropped\n"
		    "  two\n"
		    "Environment=A=1 \"B=2 3\"\n"
		    "Empty=\n",
		    &err) == 0);
	CHECK(uf.n == 6);
	CHECK_STR(unit_get(&uf, "Unit", "Description"), "A  test unit");
	CHECK_STR(unit_get(&uf, "Unit", "After"), "b.service"); /* the last one */
	CHECK(uf.entries[1].line == 5 && uf.entries[2].line == 6);
	CHECK_STR(unit_get(&uf, "Service", "ExecStart"), "/bin/echo one    two");
	CHECK(uf.entries[3].line == 9);
	CHECK_STR(unit_get(&uf, "Service", "Environment"), "A=1 \"B=2 3\"");
	CHECK_STR(unit_get(&uf, "Service", "Empty"), "");
	CHECK(unit_get(&uf, "Unit", "ExecStart") == NULL);
	unit_file_free(&uf);

	/* Errors name their line; the good entries around them are kept. */
	CHECK(parse(&uf, "[Unit]\nDescription=ok\nthis is not an entry\n[Service\nType=simple\n"
			 "[Install]\nWantedBy=multi-user.target\n", &err) == 2);
	CHECK(err.line == 3);
	CHECK(strstr(err.msg, "not a Key=Value line") != NULL);
	CHECK_STR(unit_get(&uf, "Unit", "Description"), "ok");
	CHECK(unit_get(&uf, "Service", "Type") == NULL); /* under the bad header */
	CHECK_STR(unit_get(&uf, "Install", "WantedBy"), "multi-user.target");
	unit_file_free(&uf);

	CHECK(parse(&uf, "Key=before any section\n", &err) == 1 && err.line == 1);
	unit_file_free(&uf);
	CHECK(parse(&uf, "[Unit]\nBad Key=1\n", &err) == 1 && strstr(err.msg, "bad key") != NULL);
	unit_file_free(&uf);

	/* A text with no final newline, a trailing backslash at the very end, a NUL. */
	CHECK(parse(&uf, "[A]\nK=v\\", &err) == 0);
	CHECK_STR(unit_get(&uf, "A", "K"), "v\\");
	unit_file_free(&uf);
	CHECK(unit_parse(&uf, "x", "[A]\nK=v\0w\n", 10, &err) == 1 && strstr(err.msg, "NUL"));
	CHECK_STR(unit_get(&uf, "A", "K"), "v");
	unit_file_free(&uf);
	CHECK(parse(&uf, "", &err) == 0 && uf.n == 0);
	unit_file_free(&uf);
	return check_done("unitfile");
}
