/* Berth's settings files (/usr/lib/berth/NAME.conf, the image's, then
 * /etc/berth/NAME.conf, the node's): NAME=value lines as EnvironmentFile=
 * reads them (environ.h), a later file's setting winning. Every name must be
 * one the program knows, so that a misspelt setting is an error, not ignored. */
#ifndef BERTH_CONF_H
#define BERTH_CONF_H

#include <stddef.h>

#include "strv.h"

/* Reads FILES (NFILES of them; a missing one is skipped) into ENV, checking
 * each name against KNOWN (NULL-terminated). Returns 0, or -1 with ERR naming
 * the file, and the line or the setting that is wrong. */
int conf_load(struct strv *env, const char *const *files, size_t nfiles, const char *const *known, char *err,
	      size_t errlen);

/* NAME's value in ENV, or DFLT. */
const char *conf_get(const struct strv *env, const char *name, const char *dflt);

#endif
