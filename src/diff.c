/*
 * diff.c - two snapshots of one program compared group by group through
 * their fingerprints (stable across runs: ids, arguments and pc offsets
 * take no part), and the goroutines stuck in between: the same id at the
 * same place in both, so blocked (or back at the same point) all along.
 */
#include "diff.h"

#include "uthash.h"

#include <stdlib.h>
#include <string.h>

const char *diff_kind_name(diff_kind k)
{
	static const char *const names[] = {"new", "gone", "grown", "shrunk",
					    "same"};

	return (unsigned)k <= DIFF_SAME ? names[k] : "?";
}

typedef struct fp_slot {
	char fp[17];
	size_t idx; /* into the entries */
	UT_hash_handle hh;
} fp_slot;

typedef struct id_slot {
	uint64_t id;
	const char *fp; /* of the old group that holds it */
	UT_hash_handle hh;
} id_slot;

static diff_entry *entry_for(diff_result *r, fp_slot **table, size_t *cap,
			     const char *fp)
{
	fp_slot *s;

	HASH_FIND_STR(*table, fp, s);
	if (s)
		return &r->entries[s->idx];
	if (r->nentries == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		r->entries = gt_realloc(r->entries, *cap * sizeof *r->entries);
	}
	memset(&r->entries[r->nentries], 0, sizeof r->entries[0]);
	memcpy(r->entries[r->nentries].fingerprint, fp, 17);
	s = gt_calloc(1, sizeof *s);
	memcpy(s->fp, fp, sizeof s->fp);
	s->idx = r->nentries++;
	HASH_ADD_STR(*table, fp, s);
	return &r->entries[s->idx];
}

static uint64_t udelta(const diff_entry *e)
{
	return e->delta < 0 ? (uint64_t)-e->delta : (uint64_t)e->delta;
}

/* Largest change first; among equals, growth before shrinkage, then the
 * larger group, then the fingerprint, so the order never depends on the
 * input order. */
static int by_change(const void *pa, const void *pb)
{
	const diff_entry *a = pa, *b = pb;
	uint64_t ca = a->new_count > a->old_count ? a->new_count : a->old_count;
	uint64_t cb = b->new_count > b->old_count ? b->new_count : b->old_count;

	if (udelta(a) != udelta(b))
		return udelta(a) > udelta(b) ? -1 : 1;
	if ((a->delta > 0) != (b->delta > 0))
		return a->delta > 0 ? -1 : 1;
	if (ca != cb)
		return ca > cb ? -1 : 1;
	return strcmp(a->fingerprint, b->fingerprint);
}

static int cmp_id(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

static void add_stuck(diff_entry *e, uint64_t id)
{
	/* grows in powers of two from 8 */
	if (e->stuck >= 8 && (e->stuck & (e->stuck - 1)) == 0)
		e->stuck_ids = gt_realloc(e->stuck_ids,
					  2 * e->stuck * sizeof *e->stuck_ids);
	else if (e->stuck == 0)
		e->stuck_ids = gt_malloc(8 * sizeof *e->stuck_ids);
	e->stuck_ids[e->stuck++] = id;
}

/* One pass over the ids of both dumps: an id of the new dump that the old
 * dump holds under the same fingerprint, in a blocked category. */
static void find_stuck(diff_result *r, fp_slot *table)
{
	id_slot *ids = NULL, *s, *tmp;

	for (size_t i = 0; i < r->old_d->ngroups; i++) {
		const group *g = r->old_d->groups[i];

		if (!category_is_blocked(g->cat))
			continue;
		for (size_t k = 0; k < g->nids; k++) {
			HASH_FIND(hh, ids, &g->ids[k], sizeof g->ids[k], s);
			if (s)
				continue;
			s = gt_calloc(1, sizeof *s);
			s->id = g->ids[k];
			s->fp = g->fingerprint;
			HASH_ADD(hh, ids, id, sizeof s->id, s);
		}
	}
	for (size_t i = 0; ids && i < r->new_d->ngroups; i++) {
		const group *g = r->new_d->groups[i];
		fp_slot *f;

		if (!category_is_blocked(g->cat))
			continue;
		HASH_FIND_STR(table, g->fingerprint, f);
		for (size_t k = 0; f && k < g->nids; k++) {
			HASH_FIND(hh, ids, &g->ids[k], sizeof g->ids[k], s);
			if (s == NULL || strcmp(s->fp, g->fingerprint) != 0)
				continue;
			/* each id once, even if a dump listed it twice */
			HASH_DEL(ids, s);
			free(s);
			add_stuck(&r->entries[f->idx], g->ids[k]);
			r->stuck++;
		}
	}
	HASH_ITER(hh, ids, s, tmp)
	{
		HASH_DEL(ids, s);
		free(s);
	}
}

diff_result *diff_dumps(const group_dump *old_d, const group_dump *new_d)
{
	diff_result *r = gt_calloc(1, sizeof *r);
	fp_slot *table = NULL, *s, *tmp;
	size_t cap = 0;

	r->old_d = old_d;
	r->new_d = new_d;
	r->old_total = old_d ? old_d->total : 0;
	r->new_total = new_d ? new_d->total : 0;
	/* groups are most suspicious first: the first group of a fingerprint
	 * represents it */
	for (size_t i = 0; old_d && i < old_d->ngroups; i++) {
		const group *g = old_d->groups[i];
		diff_entry *e = entry_for(r, &table, &cap, g->fingerprint);

		e->old_count += g->count;
		if (e->old_g == NULL)
			e->old_g = g;
	}
	for (size_t i = 0; new_d && i < new_d->ngroups; i++) {
		const group *g = new_d->groups[i];
		diff_entry *e = entry_for(r, &table, &cap, g->fingerprint);

		e->new_count += g->count;
		if (e->new_g == NULL)
			e->new_g = g;
	}
	if (old_d && new_d)
		find_stuck(r, table);
	for (size_t i = 0; i < r->nentries; i++)
		if (r->entries[i].stuck > 1)
			qsort(r->entries[i].stuck_ids, r->entries[i].stuck,
			      sizeof *r->entries[i].stuck_ids, cmp_id);
	HASH_ITER(hh, table, s, tmp)
	{
		HASH_DEL(table, s);
		free(s);
	}

	for (size_t i = 0; i < r->nentries; i++) {
		diff_entry *e = &r->entries[i];

		e->delta = (int64_t)e->new_count - (int64_t)e->old_count;
		if (e->old_g == NULL)
			e->kind = DIFF_NEW;
		else if (e->new_g == NULL)
			e->kind = DIFF_GONE;
		else if (e->delta > 0)
			e->kind = DIFF_GROWN;
		else if (e->delta < 0)
			e->kind = DIFF_SHRUNK;
		else
			e->kind = DIFF_SAME;
		e->flagged = e->delta > 0 && group_is_leak(e->new_g);
		r->nflagged += e->flagged != 0;
		r->count[e->kind]++;
	}
	if (r->nentries > 1)
		qsort(r->entries, r->nentries, sizeof *r->entries, by_change);
	return r;
}

void diff_free(diff_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nentries; i++)
		free(r->entries[i].stuck_ids);
	free(r->entries);
	free(r);
}
