/* Dependencies: see depgraph.h. The graphs are small (tens of units): plain
 * arrays and quadratic scans keep it obvious. */
#include "depgraph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long dep_find(const struct unit *units, size_t n, const char *name)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(units[mid].name, name);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void pull(const struct unit *units, size_t n, size_t i, bool *in)
{
	if (in[i])
		return;
	in[i] = true;
	const struct strv *deps[] = { &units[i].requires, &units[i].wants, &units[i].binds_to };
	for (size_t d = 0; d < 3; d++)
		for (size_t k = 0; k < deps[d]->n; k++) {
			long j = dep_find(units, n, deps[d]->v[k]);
			if (j >= 0)
				pull(units, n, (size_t)j, in);
		}
}

void dep_closure(const struct unit *units, size_t n, size_t goal, bool *in)
{
	memset(in, 0, n * sizeof *in);
	pull(units, n, goal, in);
}

static bool explicitly_after(const struct unit *a, const struct unit *b)
{
	return strv_contains(&a->after, b->name) || strv_contains(&b->before, a->name);
}

bool dep_after(const struct unit *a, const struct unit *b)
{
	return explicitly_after(a, b) ||
	       (a->kind == UNIT_TARGET && !explicitly_after(b, a) &&
		(strv_contains(&a->wants, b->name) || strv_contains(&a->requires, b->name)));
}

/* Follows "after" edges from I among the unplaced units until one repeats. */
static void describe_cycle(const struct unit *units, size_t n, const bool *in, const bool *placed,
			   size_t i, char *out, size_t len)
{
	size_t *path = calloc(n + 1, sizeof *path), depth = 0;
	if (!path) {
		snprintf(out, len, "%s (out of memory describing it)", units[i].name);
		return;
	}
	for (;;) {
		for (size_t k = 0; k < depth; k++)
			if (path[k] == i) { /* the cycle is path[k..] back to i */
				size_t o = 0;
				for (size_t m = k; m < depth && o < len; m++)
					o += (size_t)snprintf(out + o, len - o, "%s -> ", units[path[m]].name);
				if (o < len)
					snprintf(out + o, len - o, "%s", units[i].name);
				free(path);
				return;
			}
		path[depth++] = i;
		size_t next = n;
		for (size_t j = 0; j < n && next == n; j++)
			if (in[j] && !placed[j] && j != i && dep_after(&units[i], &units[j]))
				next = j;
		if (next == n || depth > n) { /* cannot happen for a real cycle */
			snprintf(out, len, "%s", units[i].name);
			free(path);
			return;
		}
		i = next;
	}
}

int dep_order(const struct unit *units, size_t n, const bool *in, size_t *order, char *cycle, size_t cyclelen)
{
	bool *placed = calloc(n ? n : 1, sizeof *placed);
	if (!placed) {
		snprintf(cycle, cyclelen, "out of memory");
		return -1;
	}
	size_t count = 0, want = 0;
	for (size_t i = 0; i < n; i++)
		want += in[i];
	while (count < want) {
		/* The first unit (by name) whose predecessors are all placed. */
		size_t pick = n;
		for (size_t i = 0; i < n && pick == n; i++) {
			if (!in[i] || placed[i])
				continue;
			bool ready = true;
			for (size_t j = 0; j < n && ready; j++)
				if (j != i && in[j] && !placed[j] && dep_after(&units[i], &units[j]))
					ready = false;
			if (ready)
				pick = i;
		}
		if (pick == n) {
			for (size_t i = 0; i < n; i++)
				if (in[i] && !placed[i]) {
					describe_cycle(units, n, in, placed, i, cycle, cyclelen);
					break;
				}
			free(placed);
			return -1;
		}
		placed[pick] = true;
		order[count++] = pick;
	}
	free(placed);
	return (int)count;
}
