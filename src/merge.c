/*
 * merge.c - joins a piece's set onto the set of the input before it.
 *
 * Every figure of a group is a sum, a minimum or maximum, a first value
 * or a capped list in input order, so a later piece adds to an earlier one
 * without looking at its goroutines again; the evidence sample and the
 * address notes merge in evidence.c.
 */
#include "merge.h"

#include <limits.h>
#include <stdlib.h>

/* The ages: the youngest counts goroutines that printed none as 0 once any
 * goroutine of the group printed some (group.c, on_goroutine). */
static void merge_minutes(group *t, const group *g)
{
	int tmin, gmin;

	if (g->max_minutes < 0 && t->max_minutes < 0)
		return;
	tmin = t->max_minutes < 0 ? 0 : t->min_minutes;
	gmin = g->max_minutes < 0 ? 0 : g->min_minutes;
	t->min_minutes = tmin < gmin ? tmin : gmin;
	if (g->max_minutes > t->max_minutes)
		t->max_minutes = g->max_minutes;
}

static void merge_ids(group *t, const group *g, size_t max)
{
	size_t n = g->nids;

	if (max && t->nids + n > max)
		n = t->nids < max ? max - t->nids : 0;
	if (n == 0)
		return;
	if (t->nids + n > t->ids_cap) {
		size_t cap = t->ids_cap ? t->ids_cap : 4;

		while (cap < t->nids + n)
			cap *= 2;
		t->ids = gt_realloc(t->ids, cap * sizeof *t->ids);
		t->ids_cap = cap;
	}
	memcpy(t->ids + t->nids, g->ids, n * sizeof *t->ids);
	t->nids += n;
}

int merge_fits(const group_set *dst, const group_set *src)
{
	const group_dump *sd = src->ndumps ? src->dumps[0] : NULL;
	long last = (long)dst->ndumps - 1;

	if (sd == NULL || last < 0)
		return 0;
	for (size_t i = 0; i < sd->ngroups; i++)
		if (sd->groups[i]->hint_dump >= 0 &&
		    sd->groups[i]->hint_dump != last)
			return 0;
	return 1;
}

void merge_piece(group_set *dst, group_set *src)
{
	group_dump *d = dst->ndumps ? dst->dumps[dst->ndumps - 1] : NULL;
	group_dump *sd = src->ndumps ? src->dumps[0] : NULL;
	size_t n, i;
	uint32_t *seqmap;
	uint64_t *before;
	group **into;

	if (d == NULL || sd == NULL)
		return;
	n = sd->ngroups;
	seqmap = gt_malloc((n ? n : 1) * sizeof *seqmap);
	before = gt_malloc((n ? n : 1) * sizeof *before);
	into = gt_malloc((n ? n : 1) * sizeof *into);
	/* the piece's groups in its first-seen order: new ones go after
	 * dst's, in that order */
	for (i = 0; i < n; i++) {
		group *g = sd->groups[i];
		group *t = group_adopt(dst, d, g);

		into[i] = t == g ? NULL : t;
		seqmap[i] = t->seq;
		before[i] = t == g ? 0 : t->ev.nseen;
	}
	if (d->evd && sd->evd)
		evidence_dump_merge(d->evd, sd->evd, seqmap, before);
	for (i = 0; i < n; i++) {
		group *g = sd->groups[i], *t = into[i];

		if (t == NULL)
			continue; /* moved whole */
		t->count += g->count;
		t->flags |= g->flags;
		t->nlocked += g->nlocked;
		t->nleaked += g->nleaked;
		t->ntruncated += g->ntruncated;
		merge_minutes(t, g);
		merge_ids(t, g, dst->opts.max_ids);
		evidence_merge(&t->ev, &g->ev);
		group_free(g);
	}
	d->total += sd->total;
	/* what later pieces' readers may skip */
	for (i = 0; i < n; i++) {
		group *t = into[i] ? into[i] : sd->groups[i];
		uint64_t cut;

		if (!t->hinted && evidence_saturated(&t->ev, &cut))
			group_hint(dst, t, cut);
	}
	sd->ngroups = 0;
	free(seqmap);
	free(before);
	free(into);
}
