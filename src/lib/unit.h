/* A unit as init uses it: the typed settings of a service or target, read from
 * a parsed unit file (unitfile.h) with specifiers expanded. Unknown keys are
 * warnings and invalid values errors, each with its file and line, as systemd
 * reports them; neither stops the other settings from loading. */
#ifndef BERTH_UNIT_H
#define BERTH_UNIT_H

#include <stdbool.h>
#include <stdint.h>

#include "specifier.h"
#include "strv.h"

enum unit_kind { UNIT_SERVICE, UNIT_TARGET };
enum service_type { SERVICE_SIMPLE, SERVICE_EXEC, SERVICE_ONESHOT, SERVICE_NOTIFY };
enum restart_policy { RESTART_NO, RESTART_ON_SUCCESS, RESTART_ON_FAILURE, RESTART_ON_ABNORMAL, RESTART_ALWAYS };

struct unit_diag {
	int line;
	bool error; /* false: a warning */
	char msg[200];
};

struct unit {
	char *name;               /* "getty@ttyS0.service" */
	char *path;
	enum unit_kind kind;
	char *description;
	struct strv requires, wants, binds_to, after, before, conflicts, wanted_by;
	struct strv condition_path_exists; /* "!" prefix: must not exist */

	enum service_type type;
	/* Exec*= lines, specifiers expanded; split and $VAR-expanded at start time
	 * (execline.h), when the environment is known. */
	struct strv exec_start_pre, exec_start, exec_start_post, exec_stop, exec_stop_post, exec_reload;
	enum restart_policy restart;
	uint64_t restart_usec, start_limit_interval_usec, timeout_start_usec, timeout_stop_usec;
	unsigned start_limit_burst;
	/* RestartSteps=, RestartMaxDelaySec=: the delay grows from RestartSec= to
	 * the max in that many steps, geometrically (systemd 254) */
	unsigned restart_steps;
	uint64_t restart_max_delay_usec;
	int kill_signal;
	bool remain_after_exit;
	struct strv environment;       /* NAME=value */
	struct strv environment_files; /* "-" prefix: may be missing */
	char *user, *group, *working_directory;
	/* cgroup v2: UINT64_MAX where unset or infinity; weights 0 where unset */
	uint64_t memory_max, tasks_max;
	unsigned cpu_weight, io_weight;
	struct strv io_read_bandwidth_max, io_write_bandwidth_max; /* "DEVICE BYTES" */

	struct unit_diag *diags;
	unsigned ndiags, nerrors;
};

/* Loads unit NAME from TEXT (LEN bytes) read from PATH. Returns 0, or -1 if out of
 * memory; problems with the file are in u->diags (u->nerrors of them errors). */
int unit_load(struct unit *u, const char *name, const char *path, const char *text, size_t len,
	      const char *hostname, const char *machine_id);
/* How long to wait before automatic restart N (0 the first). */
uint64_t unit_restart_delay(const struct unit *u, unsigned n);
/* The first error's message, or NULL. */
const char *unit_first_error(const struct unit *u);
void unit_free(struct unit *u);

#endif
