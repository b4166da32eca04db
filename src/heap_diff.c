/*
 * heap_diff.c - two heap profiles compared site by site (see heap_diff.h).
 */
#include "heap_diff.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pprof.h"

typedef struct ref {
	const heap_site *s;
	int newer; /* from new_p */
} ref;

static int by_key(const void *pa, const void *pb)
{
	const ref *a = pa, *b = pb;
	int c = strcmp(a->s->key, b->s->key);

	return c ? c : a->newer - b->newer;
}

static int64_t mag(int64_t v)
{
	return v < 0 ? -v : v;
}

static int by_change(const void *pa, const void *pb)
{
	const heap_change *a = pa, *b = pb;
	const heap_site *sa = a->new_s ? a->new_s : a->old_s;
	const heap_site *sb = b->new_s ? b->new_s : b->old_s;

	if (mag(a->delta_bytes) != mag(b->delta_bytes))
		return mag(a->delta_bytes) > mag(b->delta_bytes) ? -1 : 1;
	if (a->new_bytes != b->new_bytes)
		return a->new_bytes > b->new_bytes ? -1 : 1;
	return strcmp(sa->key, sb->key);
}

heap_diff *heap_diff_new(const heap_profile *old_p, const heap_profile *new_p,
                         uint64_t min_growth)
{
	heap_diff *d = gt_calloc(1, sizeof *d);
	size_t n = old_p->nsites + new_p->nsites, i, r = 0;
	ref *refs = gt_calloc(n + 1, sizeof *refs);

	d->old_p = old_p;
	d->new_p = new_p;
	d->min_growth = min_growth;
	for (i = 0; i < old_p->nsites; i++)
		refs[r].s = &old_p->sites[i], refs[r++].newer = 0;
	for (i = 0; i < new_p->nsites; i++)
		refs[r].s = &new_p->sites[i], refs[r++].newer = 1;
	/* sorted by key, a site of both is an old ref then a new one */
	if (n > 1)
		qsort(refs, n, sizeof *refs, by_key);
	d->changes = gt_calloc(n + 1, sizeof *d->changes);
	for (i = 0; i < n; i++) {
		heap_change *c = &d->changes[d->nchanges++];

		if (!refs[i].newer) {
			c->old_s = refs[i].s;
			if (i + 1 < n && refs[i + 1].newer &&
			    strcmp(refs[i + 1].s->key, refs[i].s->key) == 0)
				c->new_s = refs[++i].s;
		} else
			c->new_s = refs[i].s;
		if (c->old_s) {
			c->old_bytes = c->old_s->inuse_bytes;
			c->old_objects = c->old_s->inuse_objects;
		}
		if (c->new_s) {
			c->new_bytes = c->new_s->inuse_bytes;
			c->new_objects = c->new_s->inuse_objects;
		}
		c->delta_bytes = c->new_bytes - c->old_bytes;
		c->delta_objects = c->new_objects - c->old_objects;
		/* a site with nothing in use (allocations all freed) is in
		 * use nowhere: new or gone by what it holds */
		{
			int was = c->old_bytes > 0 || c->old_objects > 0;
			int is = c->new_bytes > 0 || c->new_objects > 0;

			c->kind = !was && !is          ? DIFF_SAME
			          : !was               ? DIFF_NEW
			          : !is                ? DIFF_GONE
			          : c->delta_bytes > 0 ? DIFF_GROWN
			          : c->delta_bytes < 0 ? DIFF_SHRUNK
			                               : DIFF_SAME;
		}
		c->flagged = c->delta_bytes > 0 &&
		             (uint64_t)c->delta_bytes >= min_growth;
		d->count[c->kind]++;
		d->nflagged += (size_t)c->flagged;
	}
	free(refs);
	if (d->nchanges > 1)
		qsort(d->changes, d->nchanges, sizeof *d->changes, by_change);
	return d;
}

void heap_diff_free(heap_diff *d)
{
	if (d == NULL)
		return;
	free(d->changes);
	free(d);
}

int heap_diff_sniff_path(const char *path)
{
	unsigned char buf[PPROF_SNIFF_LEN];
	gzFile gz = gzopen(path, "rb");
	int n;

	if (gz == NULL)
		return 0;
	n = gzread(gz, buf, sizeof buf);
	gzclose(gz);
	if (n <= 0)
		return 0;
	if (heap_sniff_text(buf, (size_t)n))
		return 1;
	return pprof_sniff(buf, (size_t)n) ? 2 : 0;
}
