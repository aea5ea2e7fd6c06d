/* What a goal pulls in, the start order, and cycles. */
#include <stdlib.h>

#include "../../src/lib/depgraph.h"
#include "check.h"

static struct unit units[8];
static size_t n;

static void add(const char *name, const char *text)
{
	CHECK(unit_load(&units[n++], name, name, text, strlen(text), "h", "m") == 0);
}

static char order_str[256];
static const char *order_of(const char *goal)
{
	bool in[8];
	size_t order[8];
	char cycle[128];
	dep_closure(units, n, (size_t)dep_find(units, n, goal), in);
	int k = dep_order(units, n, in, order, cycle, sizeof cycle);
	if (k < 0) {
		snprintf(order_str, sizeof order_str, "cycle: %s", cycle);
		return order_str;
	}
	order_str[0] = '\0';
	for (int i = 0; i < k; i++)
		snprintf(order_str + strlen(order_str), sizeof order_str - strlen(order_str), "%s%s",
			 i ? " " : "", units[order[i]].name);
	return order_str;
}

int main(void)
{
	/* Sorted by name, as init loads them. */
	add("a.service", "[Unit]\nAfter=net.service\n[Service]\nExecStart=/a\n[Install]\nWantedBy=multi-user.target\n");
	add("b.service", "[Unit]\nBefore=a.service\nRequires=missing.service\n[Service]\nExecStart=/b\n");
	add("multi-user.target", "[Unit]\nWants=b.service a.service net.service\nAfter=a.service b.service\n");
	add("net.service", "[Service]\nExecStart=/n\n[Install]\nWantedBy=multi-user.target\n");
	add("unused.service", "[Service]\nExecStart=/u\n");
	CHECK(dep_find(units, n, "net.service") == 3);
	CHECK(dep_find(units, n, "nope.service") == -1);
	CHECK_STR(order_of("multi-user.target"), "b.service net.service a.service multi-user.target");
	CHECK_STR(order_of("b.service"), "b.service");

	/* A cycle is reported by its names. */
	unit_free(&units[4]);
	n = 4;
	add("unused.service", "[Unit]\nAfter=a.service\nBefore=net.service\nWants=a.service net.service\n"
			      "[Service]\nExecStart=/u\n[Install]\nWantedBy=multi-user.target\n");
	CHECK_STR(order_of("multi-user.target"), "b.service net.service a.service multi-user.target");
	CHECK_STR(order_of("unused.service"), "cycle: a.service -> net.service -> unused.service -> a.service");
	for (size_t i = 0; i < n; i++)
		unit_free(&units[i]);
	return check_done("depgraph");
}
