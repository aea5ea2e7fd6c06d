/* Setting values: booleans, time spans, sizes, signals. */
#include <signal.h>

#include "../../src/lib/parse.h"
#include "check.h"

int main(void)
{
	bool b;
	CHECK(parse_bool("yes", &b) == 0 && b);
	CHECK(parse_bool("Off", &b) == 0 && !b);
	CHECK(parse_bool("0", &b) == 0 && !b);
	CHECK(parse_bool("maybe", &b) < 0);
	CHECK(parse_bool("", &b) < 0);

	uint64_t u;
	CHECK(parse_timespan("90", &u) == 0 && u == 90000000);
	CHECK(parse_timespan("1min 30s", &u) == 0 && u == 90000000);
	CHECK(parse_timespan("1min30s", &u) == 0 && u == 90000000);
	CHECK(parse_timespan("250ms", &u) == 0 && u == 250000);
	CHECK(parse_timespan("0.5s", &u) == 0 && u == 500000);
	CHECK(parse_timespan("2h", &u) == 0 && u == 7200000000ULL);
	CHECK(parse_timespan("infinity", &u) == 0 && u == UINT64_MAX);
	CHECK(parse_timespan("0", &u) == 0 && u == 0);
	CHECK(parse_timespan("", &u) < 0);
	CHECK(parse_timespan("5 parsecs", &u) < 0);
	CHECK(parse_timespan("1s 5", &u) < 0);
	CHECK(parse_timespan("-1s", &u) < 0);
	CHECK(parse_timespan("5x", &u) < 0);

	CHECK(parse_size("512", &u) == 0 && u == 512);
	CHECK(parse_size("64K", &u) == 0 && u == 65536);
	CHECK(parse_size("1.5G", &u) == 0 && u == 1610612736ULL);
	CHECK(parse_size("infinity", &u) == 0 && u == UINT64_MAX);
	CHECK(parse_size("12Q", &u) < 0);
	CHECK(parse_size("1KB", &u) < 0);
	CHECK(parse_size("K", &u) < 0);

	int s;
	CHECK(parse_signal("SIGTERM", &s) == 0 && s == SIGTERM);
	CHECK(parse_signal("KILL", &s) == 0 && s == SIGKILL);
	CHECK(parse_signal("2", &s) == 0 && s == 2);
	CHECK(parse_signal("SIGNOPE", &s) < 0);
	CHECK(parse_signal("99", &s) < 0);
	return check_done("parse");
}
