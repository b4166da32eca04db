/*
 * group_piece.c - the grouper's part in reading a dump in pieces: a group
 * made by a piece's set found among another set's groups by its stack, and
 * the word a joined set leaves for the readers of later pieces about what
 * they may skip (merge.h, parallel.h).
 */
#include "group_priv.h"

#include <stdatomic.h>
#include <stdlib.h>

/* The same two functions for a group made by another set (merge.h): the
 * hash must be the one stack_hash gives its goroutines. */
uint64_t group_hash(const hash_key *k, const group *g, group_by by)
{
	uint64_t h = hash_start(k);
	size_t i;

	h = hash_bytes(k, h, g->state, g->state_len);
	h = hash_bytes(k, h, g->labels, g->labels_len);
	for (i = 0; i < g->nframes; i++) {
		const group_frame *f = &g->frames[i];

		h = hash_bytes(k, h, f->func, f->func_len);
		if (by == GROUP_BY_LINE)
			h = hash_u64(k, hash_bytes(k, h, f->file, f->file_len),
			             f->line);
	}
	if (g->created_by.func)
		h = hash_bytes(k, h, g->created_by.func,
		               g->created_by.func_len);
	return hash_u64(
	    k, h, (uint64_t)g->nframes << 1 | (g->created_by.func != NULL));
}

static int same_group(const group *a, const group *b, group_by by)
{
	size_t i;

	if (a->nframes != b->nframes ||
	    !streq(a->state, a->state_len, b->state, b->state_len) ||
	    !streq(a->labels, a->labels_len, b->labels, b->labels_len) ||
	    (a->created_by.func == NULL) != (b->created_by.func == NULL))
		return 0;
	for (i = 0; i < a->nframes; i++) {
		const group_frame *x = &a->frames[i], *y = &b->frames[i];

		if (!streq(x->func, x->func_len, y->func, y->func_len))
			return 0;
		if (by == GROUP_BY_LINE &&
		    (x->line != y->line ||
		     !streq(x->file, x->file_len, y->file, y->file_len)))
			return 0;
	}
	return a->created_by.func == NULL ||
	       streq(a->created_by.func, a->created_by.func_len,
	             b->created_by.func, b->created_by.func_len);
}

group *group_adopt(group_set *s, group_dump *d, group *g)
{
	uint64_t h = group_hash(&s->key, g, s->opts.by);
	bucket *b;
	group *t;

	HASH_FIND(hh, d->table, &h, sizeof h, b);
	if (b == NULL) {
		b = gt_calloc(1, sizeof *b);
		b->hash = h;
		HASH_ADD(hh, d->table, hash, sizeof b->hash, b);
	}
	for (t = b->first; t && !same_group(t, g, s->opts.by); t = t->chain)
		;
	if (t)
		return t;
	group_push(d, g);
	g->chain = b->first;
	b->first = g;
	return g;
}

/* The groups of the whole dump that later pieces may skip parts of: an
 * open-addressing table written by the joining thread and read by the
 * pieces' readers. A slot is filled once and published by its group
 * pointer (release, acquire); a reader that misses one only does more
 * work than it had to. */
#define HINT_SLOTS 1024
#define HINT_MAX (HINT_SLOTS / 2)

typedef struct hint {
	_Atomic(const group *) g;
	uint64_t h;
	uint64_t cut;
	int ids_full;
	long dump; /* the group's dump: a hint holds for it alone */
} hint;

struct group_hints {
	hash_key key;
	size_t used;
	_Atomic long dump; /* the set's last dump: hints of others are old */
	hint slot[HINT_SLOTS];
};

void group_set_pieces(group_set *s)
{
	if (s->hints == NULL) {
		s->hints = gt_calloc(1, sizeof *s->hints);
		hash_key_new(&s->hints->key);
	}
	atomic_store_explicit(&s->hints->dump, (long)s->ndumps - 1,
	                      memory_order_relaxed);
}

void group_hints_dump(group_set *s)
{
	atomic_store_explicit(&s->hints->dump, (long)s->ndumps - 1,
	                      memory_order_relaxed);
}

group_set *group_set_new_piece(const group_set *like)
{
	group_set *s = group_set_new(like->rules, &like->opts);

	s->piece = 1;
	s->hints = like->hints;
	return s;
}

void group_hint(group_set *s, group *g, uint64_t cut)
{
	struct group_hints *t = s->hints;
	uint64_t h;
	size_t i;

	if (t == NULL || g->hinted || t->used >= HINT_MAX)
		return;
	g->hinted = 1;
	h = group_hash(&t->key, g, s->opts.by);
	for (i = h & (HINT_SLOTS - 1);
	     atomic_load_explicit(&t->slot[i].g, memory_order_relaxed);
	     i = (i + 1) & (HINT_SLOTS - 1))
		;
	t->slot[i].h = h;
	t->slot[i].cut = cut;
	t->slot[i].ids_full = s->opts.max_ids && g->nids >= s->opts.max_ids;
	t->slot[i].dump = (long)s->ndumps - 1;
	atomic_store_explicit(&t->slot[i].g, g, memory_order_release);
	t->used++;
}

/* A new group of a piece: what the whole dump has enough of already. */
void group_take_hint(const group_set *s, group *g)
{
	const struct group_hints *t = s->hints;
	uint64_t h = group_hash(&t->key, g, s->opts.by);
	size_t i;
	const group *w;

	long dump = atomic_load_explicit(&t->dump, memory_order_relaxed);

	/* a piece ahead of the joiner may be of a dump it has not reached:
	 * the join refuses what it took then (merge_fits) */
	for (i = h & (HINT_SLOTS - 1);
	     (w = atomic_load_explicit(&t->slot[i].g, memory_order_acquire));
	     i = (i + 1) & (HINT_SLOTS - 1))
		if (t->slot[i].h == h && t->slot[i].dump == dump &&
		    same_group(w, g, s->opts.by)) {
			g->ev.saturated = 1;
			g->ev.cut = t->slot[i].cut;
			g->ids_off = t->slot[i].ids_full;
			g->hint_dump = t->slot[i].dump;
			return;
		}
}
