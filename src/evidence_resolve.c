/*
 * evidence_resolve.c - once a dump ends, each group's evidence from its
 * sample and the dump-wide tables: distinct ages, where its ids sit in the
 * dump's range, parents alive, wait objects shared, the probable holder of
 * a contended lock, and the links between groups.
 */
#include "evidence_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

/* A sampled goroutine's id and group, to find the group of a parent. */
typedef struct idseq {
	uint64_t id;
	uint32_t seq;
} idseq;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_idseq(const void *a, const void *b)
{
	return cmp_u64(&((const idseq *)a)->id, &((const idseq *)b)->id);
}

static int is_alive(const evidence_dump *ed, uint64_t id)
{
	size_t lo = 0, hi = ed->nids;

	if (!ed->sparse) {
		uint64_t k = id - ed->alive_base;

		return ed->alive && id >= ed->alive_base &&
		       k / 8 < ed->alive_len &&
		       (ed->alive[k >> 3] >> (k & 7) & 1);
	}

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ed->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ed->nids && ed->ids[lo] == id;
}

/* The group of a sampled goroutine, or -1. */
static long group_of(const idseq *v, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].id == id ? (long)v[lo].seq : -1;
}

/* Distinct values of a sorted array; the most common one in *top. */
static uint64_t distinct(const uint64_t *v, size_t n, uint64_t *top,
                         uint64_t *top_count)
{
	uint64_t d = 0, run = 0;
	size_t i;

	*top = 0;
	*top_count = 0;
	for (i = 0; i < n; i++) {
		if (i == 0 || v[i] != v[i - 1]) {
			d++;
			run = 0;
		}
		if (++run > *top_count) {
			*top_count = run;
			*top = v[i];
		}
	}
	return d;
}

typedef struct links {
	evidence_link *v;
	size_t n, cap;
} links;

static void link_add(links *l, uint32_t a, uint32_t b, unsigned kind)
{
	if (a == b)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = gt_realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n].a = a < b ? a : b;
	l->v[l->n].b = a < b ? b : a;
	l->v[l->n].shared = 1;
	l->v[l->n++].kind = kind;
}

static int cmp_link(const void *pa, const void *pb)
{
	const evidence_link *a = pa, *b = pb;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	return a->kind < b->kind ? -1 : a->kind > b->kind;
}

static void resolve_one(evidence_dump *ed, evidence *ev, uint32_t seq,
                        const idseq *who, size_t nwho, links *l)
{
	size_t n = ev->nsample, i, k;
	uint64_t *v = gt_malloc((n ? n : 1) * sizeof *v), top, tc, range;
	unsigned char hit[EVIDENCE_ID_BUCKETS] = {0};

	/* ages */
	for (i = k = 0; i < n; i++)
		if (ev->sample[i].minutes >= 0)
			v[k++] = (uint64_t)ev->sample[i].minutes;
	qsort(v, k, sizeof *v, cmp_u64);
	ev->ages = (unsigned)distinct(v, k, &top, &tc);

	/* ids: where they sit in the dump's range */
	range = ed->id_max - ed->id_min;
	ev->id_span =
	    range ? (double)(ev->id_max - ev->id_min) / (double)range : 0.0;
	ev->ids_hit = 0;
	for (i = 0; i < n && range; i++) {
		size_t b =
		    (size_t)((double)(ev->sample[i].id - ed->id_min) /
		                 (double)range * (EVIDENCE_ID_BUCKETS - 1) +
		             0.5);

		if (b < EVIDENCE_ID_BUCKETS && !hit[b]) {
			hit[b] = 1;
			ev->ids_hit++;
		}
	}
	ev->id_cover =
	    n ? (double)ev->ids_hit /
	            (double)(n < EVIDENCE_ID_BUCKETS ? n : EVIDENCE_ID_BUCKETS)
	      : 0.0;
	/* every goroutine with an id counts, not the sample: a pool of
	 * thousands started together is a dense run however few are kept */
	ev->id_density =
	    ev->nseen && ev->id_max >= ev->id_min
	        ? (double)ev->nseen / (double)(ev->id_max - ev->id_min + 1)
	        : 0.0;

	/* parents: distinct, alive, and the groups they are in */
	ev->parents_checked = ev->parents_alive = 0;
	for (i = k = 0; i < n; i++) {
		long pg;

		if (ev->sample[i].parent == 0)
			continue;
		v[k++] = ev->sample[i].parent;
		ev->parents_checked++;
		if (!is_alive(ed, ev->sample[i].parent))
			continue;
		ev->parents_alive++;
		pg = group_of(who, nwho, ev->sample[i].parent);
		if (pg >= 0)
			link_add(l, seq, (uint32_t)pg, EVIDENCE_LINK_PARENT);
	}
	qsort(v, k, sizeof *v, cmp_u64);
	ev->parents = distinct(v, k, &top, &tc);

	/* wait objects */
	for (i = k = 0; i < n; i++)
		if (ev->sample[i].obj)
			v[k++] = ev->sample[i].obj;
	qsort(v, k, sizeof *v, cmp_u64);
	ev->objs_checked = k;
	ev->objs = distinct(v, k, &ev->top_obj, &ev->top_obj_count);
	free(v);

	/* the holder of a lock the group piles up on */
	ev->holder_id = 0;
	ev->holder_group = -1;
	if (ev->top_obj_count >= 1 && (ev->obj_kind == EVIDENCE_OBJ_MUTEX ||
	                               ev->obj_kind == EVIDENCE_OBJ_RWMUTEX)) {
		const addr_slot *s = addr_find(ed, ev->top_obj, 0);

		if (s && s->holder_seq) {
			ev->holder_id = s->holder_id;
			ev->holder_group = (long)s->holder_seq - 1;
			link_add(l, seq, s->holder_seq - 1,
			         EVIDENCE_LINK_HOLDER);
		}
	}
	ev->resolved = 1;
}

void evidence_resolve(evidence_dump *ed, evidence *const *evs, size_t n,
                      evidence_link **out, size_t *nout)
{
	links l = {0}, kept = {0};
	size_t i, j, nwho = 0;
	idseq *who;

	/* the list, when the ids were too sparse for a bitmap, is sorted
	 * for binary search */
	if (ed->sparse && ed->nids)
		qsort(ed->ids, ed->nids, sizeof *ed->ids, cmp_u64);
	/* the groups of sampled goroutines: a parent's group is known when
	 * the parent is in a sample (small groups are sampled whole) */
	for (i = 0; i < n; i++)
		nwho += evs[i]->nsample;
	who = gt_malloc((nwho ? nwho : 1) * sizeof *who);
	for (i = 0, nwho = 0; i < n; i++)
		for (j = 0; j < evs[i]->nsample; j++) {
			who[nwho].id = evs[i]->sample[j].id;
			who[nwho++].seq = (uint32_t)i;
		}
	qsort(who, nwho, sizeof *who, cmp_idseq);
	for (i = 0; i < n; i++)
		resolve_one(ed, evs[i], (uint32_t)i, who, nwho, &l);
	free(who);
	/* shared addresses and shared parents, from the table */
	for (i = 0; i < ed->nslots; i++) {
		const addr_slot *s = &ed->slots[i];

		if (s->key == 0 || s->g2 == NO_GROUP || s->g2 == MANY_GROUPS)
			continue;
		link_add(&l, s->g1 - 1, s->g2 - 1,
		         s->key & PARENT_KEY ? EVIDENCE_LINK_SIBLING
		                             : EVIDENCE_LINK_OBJECT);
	}
	free(ed->ids);
	ed->ids = NULL;
	ed->nids = ed->ids_cap = 0;
	free(ed->alive);
	ed->alive = NULL;
	ed->alive_len = 0;

	/* one link per pair and kind, counting what they share */
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, cmp_link);
	for (i = 0; i < l.n; i = j) {
		evidence_link k = l.v[i];

		for (j = i + 1; j < l.n && l.v[j].a == k.a && l.v[j].b == k.b &&
		                l.v[j].kind == k.kind;
		     j++)
			k.shared++;
		if (kept.n == kept.cap) {
			kept.cap = kept.cap ? kept.cap * 2 : 16;
			kept.v = gt_realloc(kept.v, kept.cap * sizeof *kept.v);
		}
		kept.v[kept.n++] = k;
	}
	free(l.v);
	*out = kept.v;
	*nout = kept.n;
}
