/* Berth's versions: RELEASE.BUILD[+METADATA], e.g. 0.5.131+gf4a48e9. They
 * order as dotted numbers (a part with letters compares as text, after the
 * numbers); what follows '+' is only metadata, as in SemVer. */
#ifndef BERTH_VERSION_H
#define BERTH_VERSION_H

/* <0, 0 or >0 as A is older than, the same as, or newer than B. */
int version_cmp(const char *a, const char *b);

#endif
