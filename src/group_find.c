/*
 * group_find.c - the group of a goroutine's stack in its dump.
 *
 * The table is keyed by a keyed 64-bit hash of every byte of the stack,
 * computed straight from the parser's views; a hit is confirmed field by
 * field, so the hot path neither allocates nor copies. Two cheaper guesses
 * come first: the group of the parser's stack tag, and the group a few
 * words of the stack last led to.
 */
#include "group_priv.h"

#include <stdlib.h>

/* ---- hashing ------------------------------------------------------------ */

/* The table hash reads every byte under a key drawn per set: stacks made to
 * collide would otherwise share a bucket and make each insert a scan. */
static uint64_t stack_hash(const hash_key *k, const parse_goroutine *g,
			   group_by by)
{
	uint64_t h = hash_start(k);
	size_t i;

	h = hash_bytes(k, h, g->state, g->state_len);
	h = hash_bytes(k, h, g->labels, g->labels_len);
	for (i = 0; i < g->nframes; i++) {
		const parse_frame *f = &g->frames[i];

		h = hash_bytes(k, h, f->func, f->func_len);
		if (by == GROUP_BY_LINE)
			h = hash_u64(k, hash_bytes(k, h, f->file, f->file_len),
				     f->line);
	}
	if (g->created_by)
		h = hash_bytes(k, h, g->created_by->func,
			       g->created_by->func_len);
	return hash_u64(k, h,
			(uint64_t)g->nframes << 1 | (g->created_by != NULL));
}

/* A dump has few stacks and many goroutines each: most goroutines are of a
 * group found before, and a cheap key of a few words (lengths, the first
 * frame's line, the ends of its function name) points at it. The guess is
 * confirmed byte by byte, so a wrong one costs one early-ending compare and
 * the full keyed hash then decides: crafted stacks cannot make it worse
 * than that. */
#define GROUP_RECENT 256

static size_t recent_slot(const parse_goroutine *g)
{
	uint64_t h = g->state_len ^ (uint64_t)g->nframes << 16 ^
		     (uint64_t)(g->created_by != NULL) << 24, w = 0;

	if (g->nframes) {
		const parse_frame *f = &g->frames[0];
		size_t n = f->func_len < 8 ? f->func_len : 8;

		memcpy(&w, f->func + f->func_len - n, n);
		h ^= (uint64_t)f->line << 32 ^ (uint64_t)f->func_len << 40;
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		f = &g->frames[g->nframes - 1];
		h ^= (uint64_t)f->line << 20 ^ f->func_len;
	}
	if (g->state_len) {
		size_t n = g->state_len < 8 ? g->state_len : 8;

		w = 0;
		memcpy(&w, g->state, n);
		h ^= w;
	}
	h *= 0xff51afd7ed558ccdull;
	return (size_t)(h >> 56) & (GROUP_RECENT - 1);
}

/* Goroutines whose body the parser recognised carry their template's tag:
 * the same tag is the same frames, so a group found for it is the group of
 * every later goroutine with that tag and the same state and labels. Tags
 * come from one counter, so recent ones rarely share a slot. */
#define GROUP_TAGS 1024

struct group_tag {
	uint64_t tag;
	group *g;
};

static group *tag_group(const group_dump *d, const parse_goroutine *pg)
{
	const struct group_tag *t = &d->tags[pg->stack_tag & (GROUP_TAGS - 1)];

	if (t->tag != pg->stack_tag ||
	    !streq(t->g->state, t->g->state_len, pg->state, pg->state_len) ||
	    !streq(t->g->labels, t->g->labels_len, pg->labels, pg->labels_len))
		return NULL;
	return t->g;
}

static int same_stack(const group *gr, const parse_goroutine *g, group_by by)
{
	size_t i;

	if (gr->nframes != g->nframes ||
	    !streq(gr->state, gr->state_len, g->state, g->state_len) ||
	    !streq(gr->labels, gr->labels_len, g->labels, g->labels_len))
		return 0;
	for (i = 0; i < g->nframes; i++) {
		const group_frame *a = &gr->frames[i];
		const parse_frame *b = &g->frames[i];

		if (!streq(a->func, a->func_len, b->func, b->func_len))
			return 0;
		if (by == GROUP_BY_LINE &&
		    (a->line != b->line ||
		     !streq(a->file, a->file_len, b->file, b->file_len)))
			return 0;
	}
	if ((gr->created_by.func == NULL) != (g->created_by == NULL))
		return 0;
	return g->created_by == NULL ||
	       streq(gr->created_by.func, gr->created_by.func_len,
		     g->created_by->func, g->created_by->func_len);
}

group *group_find(group_set *s, group_dump *d, const parse_goroutine *pg)
{
	group *g, **guess;
	bucket *b;
	uint64_t h;

	if (d->recent == NULL) {
		d->recent = gt_calloc(GROUP_RECENT, sizeof *d->recent);
		d->tags = gt_calloc(GROUP_TAGS, sizeof *d->tags);
	}
	if (pg->stack_tag && (g = tag_group(d, pg)) != NULL)
		return g;
	guess = &d->recent[recent_slot(pg)];
	if ((g = *guess) == NULL || !same_stack(g, pg, s->opts.by)) {
		h = stack_hash(&s->key, pg, s->opts.by);
		HASH_FIND(hh, d->table, &h, sizeof h, b);
		if (b == NULL) {
			b = gt_calloc(1, sizeof *b);
			b->hash = h;
			HASH_ADD(hh, d->table, hash, sizeof b->hash, b);
		}
		for (g = b->first; g && !same_stack(g, pg, s->opts.by);
		     g = g->chain)
			;
		if (g == NULL) {
			g = group_create(s, d, pg);
			g->chain = b->first;
			b->first = g;
		}
		*guess = g;
	}
	if (pg->stack_tag) {
		d->tags[pg->stack_tag & (GROUP_TAGS - 1)].tag = pg->stack_tag;
		d->tags[pg->stack_tag & (GROUP_TAGS - 1)].g = g;
	}
	return g;
}
