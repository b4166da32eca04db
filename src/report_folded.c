/*
 * report_folded.c - the stacks of a dump in the "folded" format that
 * flame-graph tools read (flamegraph.pl, inferno, speedscope): one line per
 * distinct stack, frames root first joined by ';', then a space and the
 * number of goroutines on it. Also the root-first ordering of groups that
 * the HTML page's flame view is drawn from.
 *
 * Frames are function names only, as profilers fold them: groups that
 * differ in line numbers, state or labels share a line, and the counts of
 * all lines add up to the goroutines of the dump.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_priv.h"

const char *report_stack_func(const group *g, size_t depth, size_t *len)
{
	const group_frame *f;

	if (g->nframes == 0) {
		if (len)
			*len = depth == 0 ? strlen(REPORT_NO_STACK) : 0;
		return depth == 0 ? REPORT_NO_STACK : NULL;
	}
	if (depth >= g->nframes) {
		if (len)
			*len = 0;
		return NULL;
	}
	f = &g->frames[g->nframes - 1 - depth];
	if (len)
		*len = f->func_len;
	return f->func;
}

int report_stack_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

size_t report_stack_depth(const group *g)
{
	return g->nframes ? g->nframes : 1;
}

/* Root first, frame by frame; a stack that is a prefix of another sorts
 * before it, so equal prefixes sit together. */
static int by_stack(const void *a, const void *b)
{
	const group *ga = *(const group *const *)a;
	const group *gb = *(const group *const *)b;
	size_t na = report_stack_depth(ga), nb = report_stack_depth(gb);

	for (size_t i = 0; i < na && i < nb; i++) {
		size_t la, lb;
		const char *fa = report_stack_func(ga, i, &la);
		const char *fb = report_stack_func(gb, i, &lb);
		int c = report_stack_cmp(fa, la, fb, lb);

		if (c)
			return c;
	}
	return na < nb ? -1 : na > nb;
}

const group **report_stack_order(const group_dump *d)
{
	const group **gs = gt_malloc((d->ngroups ? d->ngroups : 1) * sizeof *gs);

	for (size_t i = 0; i < d->ngroups; i++)
		gs[i] = d->groups[i];
	qsort(gs, d->ngroups, sizeof *gs, by_stack);
	return gs;
}

/* ';' separates frames and the last space the count: neither may appear
 * inside a frame, nor may a line break (or a NUL byte from the dump). */
static void put_frame(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		fputc(c == ';' || c == ' ' || c < 0x20 || c == 0x7f ? '_' : c,
		      out);
	}
}

int report_folded(FILE *out, const group_set *s, const report_opts *o)
{
	const group_dump *d = group_set_last(s);
	const group **gs;
	uint64_t count = 0;

	(void)o;
	if (d == NULL)
		return ferror(out) ? GT_ERR : GT_OK;
	gs = report_stack_order(d);
	for (size_t i = 0; i < d->ngroups && !ferror(out); i++) {
		const group *g = gs[i];
		size_t n = report_stack_depth(g);

		count += g->count;
		/* sorted: the same stack of names is on the next group */
		if (i + 1 < d->ngroups && by_stack(&gs[i], &gs[i + 1]) == 0)
			continue;
		for (size_t k = 0; k < n; k++) {
			size_t len;
			const char *fn = report_stack_func(g, k, &len);

			if (k)
				fputc(';', out);
			put_frame(out, fn, len);
		}
		fprintf(out, " %" PRIu64 "\n", count);
		count = 0;
	}
	free(gs);
	return ferror(out) ? GT_ERR : GT_OK;
}
