/*
 * evidence_merge.c - the evidence of a later piece of a dump joined onto
 * the evidence of the dump before it: counters added, samples merged by
 * their keys, the address notes the piece logged replayed in input order
 * as the whole dump's reader would have made them, ids merged.
 */
#include "evidence_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

int evidence_saturated(const evidence *ev, uint64_t *cut)
{
	/* the root of the full sample: a later id whose key is not below
	 * it (a tie is a repeated id, and the earlier wins) stays out */
	if (ev->nseen <= EVIDENCE_SAMPLE || ev->keep == 0 ||
	    ev->nsample < ev->keep)
		return 0;
	*cut = sample_key(ev->sample[0].id);
	return 1;
}

void evidence_merge(evidence *dst, const evidence *src)
{
	uint64_t base = dst->nseen;
	size_t keep = dst->keep ? dst->keep : src->keep;

	if (dst->count == 0) {
		dst->obj_kind = src->obj_kind;
		dst->nwait = src->nwait;
		memcpy(dst->wait, src->wait, sizeof dst->wait);
	}
	dst->count += src->count;
	dst->nminutes += src->nminutes;
	dst->nparent += src->nparent;
	dst->nobj += src->nobj;
	dst->obj_imprecise += src->obj_imprecise;
	dst->obj_inlined += src->obj_inlined;
	dst->obj_noargs += src->obj_noargs;
	if (src->id_min && (dst->id_min == 0 || src->id_min < dst->id_min))
		dst->id_min = src->id_min;
	if (src->id_max > dst->id_max)
		dst->id_max = src->id_max;
	for (size_t i = 0; i < src->nsample; i++) {
		evidence_sample x = src->sample[i];

		x.order += base;
		sample_offer(dst, &x, keep);
	}
	dst->nseen += src->nseen;
	dst->keep = keep;
}

/* Makes the bitmap cover id unless it does: 0 when it cannot. */
static int covers(evidence_dump *ed, uint64_t id)
{
	if (ed->alive && id >= ed->alive_base &&
	    (id - ed->alive_base) / 8 < ed->alive_len)
		return 1;
	return alive_cover(ed, id);
}

static void ids_merge(evidence_dump *dst, const evidence_dump *src)
{
	size_t i, lo, hi;

	if (src->sparse) {
		for (i = 0; i < src->nids; i++)
			id_note(dst, src->ids[i]);
		return;
	}
	for (lo = 0; lo < src->alive_len && !src->alive[lo]; lo++)
		;
	for (hi = src->alive_len; hi > lo && !src->alive[hi - 1]; hi--)
		;
	if (lo == hi)
		return;
	dst->noted += src->noted;
	if (!dst->sparse && covers(dst, src->alive_base + 8 * lo) &&
	    covers(dst, src->alive_base + 8 * hi - 1)) {
		unsigned char *d =
		    dst->alive + (src->alive_base - dst->alive_base) / 8;

		for (i = lo; i < hi; i++)
			d[i] |= src->alive[i];
		return;
	}
	dst->noted -= src->noted;
	for (i = lo; i < hi; i++)
		for (unsigned b = 0; b < 8; b++)
			if (src->alive[i] >> b & 1)
				id_note(dst, src->alive_base + 8 * i + b);
}

void evidence_dump_merge(evidence_dump *dst, const evidence_dump *src,
                         const uint32_t *seqmap, const uint64_t *nseen_before)
{
	uint64_t id = 0;
	uint32_t seq = 0;
	int on = 0;

	/* the notes, as the whole dump's reader would have made them: only
	 * for the first goroutines of each group, and no frame's arguments
	 * once the table is full */
	for (size_t i = 0; i < src->nlog; i++) {
		const note *n = &src->log[i];

		switch (n->kind) {
		case NOTE_G:
			seq = seqmap[n->seq];
			id = n->v;
			on = nseen_before[n->seq] + n->nth <= EVIDENCE_SAMPLE;
			break;
		case NOTE_FRAME:
			if (dst->full)
				on = 0;
			break;
		default:
			if (on)
				addr_note(dst, n->v, seq, id,
				          n->kind == NOTE_ARG_WAIT);
		}
	}
	ids_merge(dst, src);
	if (src->id_min && (dst->id_min == 0 || src->id_min < dst->id_min))
		dst->id_min = src->id_min;
	if (src->id_max > dst->id_max)
		dst->id_max = src->id_max;
}
