/*
 * tool_snap_heap.c - the heap profiles of `gtriage snap --profile heap`
 * (see tool_snap_priv.h): the body kept and read from memory, the series
 * read back and followed site by site.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_diag.h"
#include "tool.h"
#include "tool_snap_priv.h"

int snap_heap_tee(void *ud, const void *buf, size_t len, gt_err *e)
{
	heap_body *b = ud;

	if (b->len + len > HEAP_MAX_SIZE)
		return gt_errf(e, "heap profile larger than %zu MB",
		               HEAP_MAX_SIZE >> 20);
	if (b->len + len > b->cap) {
		b->cap = b->cap ? b->cap : 1 << 16;
		while (b->cap < b->len + len)
			b->cap *= 2;
		b->buf = gt_realloc(b->buf, b->cap);
	}
	memcpy(b->buf + b->len, buf, len);
	b->len += len;
	return store_write(b->w, buf, len, e);
}

int snap_profile_list(const char *arg, int *goroutine, int *heap)
{
	const char *p = arg;

	do {
		size_t n = strcspn(p, ",");

		if (n == 9 && strncmp(p, "goroutine", 9) == 0)
			*goroutine = 1;
		else if (n == 4 && strncmp(p, "heap", 4) == 0)
			*heap = 1;
		else {
			tool_warn("--profile: '%.*s' is not a profile kept by "
			          "snap (goroutine, heap)",
			          (int)n, p);
			return -1;
		}
		p += n;
	} while (*p++ == ',');
	return 0;
}

heap_trend *snap_heap_trend(const char *dir, const char *series, char **kept,
                            size_t nkept, const char *final,
                            const heap_profile *hp, double when,
                            heap_profile ***hold, const trend *goroutines,
                            const rules *r)
{
	const char *newest = final ? strrchr(final, '/') + 1 : NULL;
	const heap_profile **ps = gt_calloc(nkept + 1, sizeof *ps);
	const char **labels = gt_calloc(nkept + 1, sizeof *labels);
	double *times = gt_calloc(nkept + 1, sizeof *times);
	heap_trend *t = NULL;
	trend_opts to;
	size_t i, n = 0;
	char path[4096];

	trend_opts_default(&to);
	to.min_growth = HEAP_MIN_GROWTH;
	*hold = gt_calloc(nkept + 1, sizeof **hold);
	for (i = 0; i < nkept; i++) {
		gt_err e = {{0}};

		if (newest && strcmp(kept[i], newest) == 0) {
			ps[n] = hp;
			times[n] = when;
		} else {
			snprintf(path, sizeof path, "%s/%s", dir, kept[i]);
			if (heap_read_path(path, &(*hold)[i], &e) != GT_OK) {
				tool_warn("%s (skipped)", e.msg);
				continue;
			}
			ps[n] = (*hold)[i];
			times[n] = store_time(dir, kept[i], series);
		}
		labels[n++] = kept[i];
	}
	if (n > 0) {
		t = heap_trend_new(ps, times, labels, n, &to);
		heap_trend_diagnose(t, r);
		if (goroutines)
			heap_trend_link(t, goroutines);
	}
	free(ps);
	free(labels);
	free(times);
	return t;
}
