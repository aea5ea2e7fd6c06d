/* A login prompt on every console the kernel writes to (console= on its command
 * line): getty.target, written to the runtime unit directory, wants
 * getty@NAME.service for each. The image's getty@.service says how. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "boot.h"

void consoles_setup(void)
{
	char active[256] = "";
	FILE *f = fopen("/sys/class/tty/console/active", "re");
	if (f && !fgets(active, sizeof active, f))
		*active = '\0';
	if (f)
		fclose(f);
	FILE *out = fopen("/run/berth/units/getty.target", "we");
	if (!out) {
		boot_log("no login prompts: /run/berth/units/getty.target: %s", strerror(errno));
		return;
	}
	fputs("# Written by init at boot: one login prompt per console.\n"
	      "[Unit]\nDescription=Login prompts\n", out);
	char *save = NULL;
	for (char *c = strtok_r(active, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
		if (strcmp(c, "tty0")) /* the virtual terminals' alias: tty1 is the one to use */
			fprintf(out, "Wants=getty@%s.service\n", c);
		else
			fputs("Wants=getty@tty1.service\n", out);
	fclose(out);
}
