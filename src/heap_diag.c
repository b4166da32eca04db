/*
 * heap_diag.c - heap sites explained: diagnoses from the rules and links
 * to growing goroutine groups (see heap_diag.h).
 */
#include "heap_diag.h"

#include <stdlib.h>
#include <string.h>

/* 1 if group g runs through function f: a frame of its stack, or the
 * function that created it. */
static int group_runs(const group *g, const group_frame *f)
{
	size_t i;

	for (i = 0; i < g->nframes; i++)
		if (g->frames[i].func_len == f->func_len &&
		    memcmp(g->frames[i].func, f->func, f->func_len) == 0)
			return 1;
	return g->created_by.func && g->created_by.func_len == f->func_len &&
	       memcmp(g->created_by.func, f->func, f->func_len) == 0;
}

void heap_trend_link(heap_trend *t, const trend *g)
{
	size_t i, k, j;

	for (i = 0; i < t->nseries; i++) {
		heap_series *se = &t->series[i];

		if (!se->test.growing)
			continue;
		for (k = 0; k < g->nseries; k++) {
			const trend_series *gs = &g->series[k];

			if (!gs->growing || gs->latest == NULL)
				continue;
			for (j = 0; j < se->latest->nframes; j++) {
				const group_frame *f = &se->latest->frames[j];

				if (!group_frame_is_user(f) ||
				    !group_runs(gs->latest, f))
					continue;
				se->links = gt_realloc(se->links,
				                       (se->nlinks + 1) *
				                           sizeof *se->links);
				se->links[se->nlinks].group = gs;
				se->links[se->nlinks++].func = f->func;
				break;
			}
		}
	}
}

static size_t site_diagnose(const heap_site *s, int growing, const rules *r,
                            const rules_diag **out)
{
	rules_frame *f = gt_calloc(s->nframes + 1, sizeof *f);
	rules_heap_site hs;
	size_t i, n;

	for (i = 0; i < s->nframes; i++) {
		f[i].func = s->frames[i].func;
		f[i].func_len = s->frames[i].func_len;
		f[i].file = s->frames[i].file;
		f[i].file_len = s->frames[i].file_len;
		f[i].line = s->frames[i].line;
	}
	hs.frames = f;
	hs.nframes = s->nframes;
	hs.growing = growing;
	hs.objects = s->inuse_objects > 0 ? (uint64_t)s->inuse_objects : 0;
	hs.object_size = s->inuse_objects > 0
	                     ? (uint64_t)(s->inuse_bytes / s->inuse_objects)
	                     : 0;
	n = rules_diagnose_heap(r, &hs, out, HEAP_MAX_DIAGS);
	free(f);
	return n < HEAP_MAX_DIAGS ? n : HEAP_MAX_DIAGS;
}

void heap_diagnose(heap_profile *h, const rules *r)
{
	size_t i;

	for (i = 0; i < h->nsites; i++)
		h->sites[i].ndiags =
		    site_diagnose(&h->sites[i], 0, r, h->sites[i].diags);
}

void heap_trend_diagnose(heap_trend *t, const rules *r)
{
	size_t i;

	for (i = 0; i < t->nseries; i++)
		t->series[i].ndiags = site_diagnose(t->series[i].latest,
		                                    t->series[i].test.growing,
		                                    r, t->series[i].diags);
}
