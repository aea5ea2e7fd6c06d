/* mkdir -p: a directory and its missing parents. */
#ifndef BERTH_MKDIRP_H
#define BERTH_MKDIRP_H

#include <sys/types.h>

/* Returns 0 if PATH is a directory afterwards, -1 with errno otherwise. */
int mkdir_p(const char *path, mode_t mode);

#endif
