/* Units: typed settings, defaults, specifiers, list resets, and diagnostics
 * with file and line for unknown keys (warnings) and bad values (errors). */
#include <signal.h>

#include "../../src/lib/unit.h"
#include "check.h"

static int load(struct unit *u, const char *name, const char *text)
{
	return unit_load(u, name, "/etc/berth/units/x", text, strlen(text), "node1", "cafe");
}

static int has_diag(const struct unit *u, int line, bool error, const char *part)
{
	for (unsigned i = 0; i < u->ndiags; i++)
		if (u->diags[i].line == line && u->diags[i].error == error && strstr(u->diags[i].msg, part))
			return 1;
	return 0;
}

int main(void)
{
	struct unit u;
	CHECK(load(&u, "getty@ttyS0.service",
		   "[Unit]\n"
		   "Description=Getty on %i\n"
		   "After=early.target  net.service\n"
		   "Wants=a.service\n"
		   "Wants=b.service c.service\n"
		   "StartLimitBurst=3\n"
		   "[Service]\n"
		   "Type=notify\n"
		   "ExecStartPre=-/bin/mkdir /run/%p\n"
		   "ExecStart=/sbin/getty -L %i 115200\n"
		   "Restart=on-failure\n"
		   "RestartSec=2s 500ms\n"
		   "KillSignal=SIGINT\n"
		   "Environment=HOST=%H ID=%m\n"
		   "MemoryMax=64M\n"
		   "CPUWeight=50\n"
		   "RemainAfterExit=yes\n"
		   "[Install]\n"
		   "WantedBy=multi-user.target\n") == 0);
	CHECK(u.kind == UNIT_SERVICE && u.nerrors == 0 && u.ndiags == 0);
	CHECK_STR(u.description, "Getty on ttyS0");
	CHECK(u.after.n == 2 && u.wants.n == 3);
	CHECK_STR(u.after.v[1], "net.service");
	CHECK_STR(u.wants.v[2], "c.service");
	CHECK(u.type == SERVICE_NOTIFY && u.restart == RESTART_ON_FAILURE);
	CHECK(u.restart_usec == 2500000 && u.kill_signal == SIGINT && u.start_limit_burst == 3);
	CHECK_STR(u.exec_start_pre.v[0], "-/bin/mkdir /run/getty");
	CHECK_STR(u.exec_start.v[0], "/sbin/getty -L ttyS0 115200");
	CHECK_STR(u.environment.v[0], "HOST=node1 ID=cafe");
	CHECK(u.memory_max == 64 << 20 && u.cpu_weight == 50 && u.remain_after_exit);
	CHECK(u.tasks_max == UINT64_MAX && u.io_weight == 0);
	CHECK(u.timeout_stop_usec == 90000000); /* systemd's default */
	CHECK_STR(u.wanted_by.v[0], "multi-user.target");
	unit_free(&u);

	/* Unknown keys warn; bad values are errors; the rest still loads. */
	CHECK(load(&u, "bad.service",
		   "[Unit]\nFrobnicate=yes\n[Service]\nExecStart=/bin/true\nRestart=sometimes\n"
		   "TimeoutStopSec=soon\nCPUWeight=99999\nType=forking\nUser=daemon\n"
		   "ExecStop=/bin/echo %z\nthis line is wrong\n") == 0);
	CHECK(has_diag(&u, 2, false, "x:2: unknown setting [Unit] Frobnicate"));
	CHECK(has_diag(&u, 5, true, "x:5: invalid Restart=sometimes"));
	CHECK(has_diag(&u, 6, true, "invalid TimeoutStopSec=soon"));
	CHECK(has_diag(&u, 7, true, "invalid CPUWeight=99999"));
	CHECK(has_diag(&u, 8, true, "invalid Type=forking"));
	CHECK(has_diag(&u, 10, true, "unknown specifier %z"));
	CHECK(has_diag(&u, 11, true, "not a Key=Value line"));
	CHECK(u.nerrors == 6);
	CHECK_STR(u.user, "daemon");
	CHECK(u.restart == RESTART_NO && u.timeout_stop_usec == 90000000);
	unit_free(&u);

	/* An empty assignment resets a list; oneshot may have several ExecStart. */
	CHECK(load(&u, "s.service", "[Service]\nType=oneshot\nExecStart=/a\nExecStart=\nExecStart=/b\nExecStart=/c\n") == 0);
	CHECK(u.exec_start.n == 2 && u.nerrors == 0);
	CHECK_STR(u.exec_start.v[0], "/b");
	unit_free(&u);
	CHECK(load(&u, "s.service", "[Service]\nExecStart=/a\nExecStart=/b\n") == 0);
	CHECK(u.nerrors == 1 && has_diag(&u, 0, true, "only for Type=oneshot"));
	unit_free(&u);
	CHECK(load(&u, "s.service", "[Unit]\nDescription=no command\n") == 0);
	CHECK(has_diag(&u, 0, true, "needs ExecStart="));
	unit_free(&u);

	/* Targets: no [Service]; other unit types are not supported. */
	CHECK(load(&u, "multi-user.target", "[Unit]\nRequires=basic.target\n[Service]\nExecStart=/x\n") == 0);
	CHECK(u.kind == UNIT_TARGET && u.nerrors == 0 && u.exec_start.n == 0);
	CHECK(has_diag(&u, 4, false, "[Service] in a target"));
	unit_free(&u);
	CHECK(load(&u, "x.socket", "[Unit]\n") == 0);
	CHECK(has_diag(&u, 0, true, "not supported"));
	unit_free(&u);
	/* Restart delays: RestartSec= alone; with RestartSteps= growing
	 * geometrically to RestartMaxDelaySec= (100 ms -> 10 s in 2 steps: 1 s
	 * between), then staying there. */
	CHECK(load(&u, "r.service", "[Service]\nExecStart=/x\nRestartSec=100ms\n") == 0);
	CHECK(unit_restart_delay(&u, 0) == 100000 && unit_restart_delay(&u, 7) == 100000);
	unit_free(&u);
	CHECK(load(&u, "r.service", "[Service]\nExecStart=/x\nRestartSec=100ms\nRestartSteps=2\n"
				    "RestartMaxDelaySec=10s\n") == 0);
	CHECK(u.ndiags == 0);
	CHECK(unit_restart_delay(&u, 0) == 100000);
	uint64_t mid = unit_restart_delay(&u, 1);
	CHECK(mid > 999000 && mid < 1001000);
	CHECK(unit_restart_delay(&u, 2) == 10000000 && unit_restart_delay(&u, 50) == 10000000);
	unit_free(&u);
	return check_done("unit");
}
