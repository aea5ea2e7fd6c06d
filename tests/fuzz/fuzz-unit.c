/* libFuzzer target: any bytes as a unit file (and as an EnvironmentFile).
 * Loading must neither crash nor leak nor trip a sanitizer, whatever the input;
 * every Exec and Environment line it yields is split as init would split it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../src/lib/environ.h"
#include "../../src/lib/execline.h"
#include "../../src/lib/unit.h"

static const char *env(const char *name, int len, void *ctx)
{
	(void)name;
	(void)ctx;
	return len == 1 ? "a b" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unit u;
	if (unit_load(&u, "fuzz@x.service", "fuzz", (const char *)data, size, "host", "id") == 0) {
		const struct strv *lists[] = { &u.exec_start_pre, &u.exec_start, &u.exec_stop };
		for (size_t l = 0; l < 3; l++)
			for (size_t i = 0; i < lists[l]->n; i++) {
				struct execline el;
				char err[64];
				if (execline_parse(&el, lists[l]->v[i], env, NULL, err, sizeof err) == 0)
					execline_free(&el);
			}
		struct strv env = { 0 };
		char err[64];
		for (size_t i = 0; i < u.environment.n; i++)
			environ_parse_setting(&env, u.environment.v[i], err, sizeof err);
		environ_parse_file(&env, (const char *)data, size, err, sizeof err);
		strv_clear(&env);
	}
	unit_free(&u);
	return 0;
}
