/*
 * finding.c - one problem, one finding: union-find over a dump's groups.
 *
 * A finding's verdict is its worst member's; findings come in the order of
 * their most suspicious member, so the report reads like the group list
 * with the parts of one problem brought together.
 */
#include "finding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

static size_t root(size_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

void finding_free(group_dump *d)
{
	size_t i;

	for (i = 0; i < d->nfindings; i++) {
		free(d->findings[i].groups);
		free(d->findings[i].why);
	}
	free(d->findings);
	d->findings = NULL;
	d->nfindings = 0;
}

static const char *link_words(unsigned k)
{
	if (k & EVIDENCE_LINK_HOLDER)
		return "a lock and its holder";
	if (k & EVIDENCE_LINK_OBJECT)
		return "they hold the same objects";
	if (k & EVIDENCE_LINK_PARENT)
		return "one created the other";
	return "created together by the same goroutines";
}

/* Counts that can be parts of one problem: one object makes a few
 * goroutines of each kind (a connection's read and write loops, one each;
 * a gRPC ClientConn's three serializers), so the larger is at most four
 * times the smaller; a pool and its lone supervisor are not. */
static int compatible(uint64_t a, uint64_t b)
{
	uint64_t lo = a < b ? a : b, hi = a < b ? b : a;

	return lo * 4 >= hi;
}

/* Whether a link is strong enough to join its groups: what they share
 * covers a good part of both. */
static int joins(const group *ga, const group *gb, const evidence_link *k)
{
	const evidence *a = &ga->ev, *b = &gb->ev;
	uint64_t lo = a->count < b->count ? a->count : b->count;

	/* addresses were noted for the first EVIDENCE_SAMPLE of each */
	if (lo > EVIDENCE_SAMPLE)
		lo = EVIDENCE_SAMPLE;
	switch (k->kind) {
	case EVIDENCE_LINK_HOLDER:
		return 1;
	case EVIDENCE_LINK_PARENT:
		/* most children of one group were made by the other, one
		 * each: a lone supervisor and its pool are not one problem */
		return k->shared * 2 >= (a->count < b->count ? a->nsample
							     : b->nsample) &&
		       k->shared >= 2 && lo >= 2 && compatible(a->count, b->count);
	case EVIDENCE_LINK_SIBLING:
		/* made together, again and again, by goroutines gone */
		return k->shared >= 2 && k->shared * 2 >= lo &&
		       compatible(a->count, b->count) &&
		       a->parents_alive * 2 < a->parents_checked;
	default:
		/* one address in common is often a shared service */
		return k->shared >= 2 && k->shared * 2 >= lo &&
		       compatible(a->count, b->count);
	}
}

void finding_build(group_dump *d, const evidence_link *links, size_t nlinks)
{
	size_t n = d->ngroups, i, nf = 0;
	size_t *up = gt_malloc((n ? n : 1) * sizeof *up);
	long *fid = gt_malloc((n ? n : 1) * sizeof *fid);
	unsigned *kinds = gt_calloc(n ? n : 1, sizeof *kinds);
	group **byseq = gt_calloc(n ? n : 1, sizeof *byseq);

	finding_free(d);
	for (i = 0; i < n; i++) {
		up[i] = i;
		fid[i] = -1;
	}
	for (i = 0; i < n; i++)
		if (d->groups[i]->seq < n)
			byseq[d->groups[i]->seq] = d->groups[i];
	for (i = 0; i < nlinks; i++) {
		size_t a, b;

		if (links[i].a >= n || links[i].b >= n ||
		    !byseq[links[i].a] || !byseq[links[i].b] ||
		    !joins(byseq[links[i].a], byseq[links[i].b], &links[i]))
			continue;
		a = root(up, links[i].a);
		b = root(up, links[i].b);
		kinds[a] |= links[i].kind | kinds[b];
		kinds[b] |= links[i].kind | kinds[a];
		if (a != b)
			up[b] = a;
	}
	d->findings = gt_calloc(n ? n : 1, sizeof *d->findings);
	/* groups are in suspicion order: a finding starts at its most
	 * suspicious member */
	for (i = 0; i < n; i++) {
		group *g = d->groups[i];
		size_t r = root(up, g->seq < n ? g->seq : 0);
		group_finding *f;

		if (fid[r] < 0)
			fid[r] = (long)nf++;
		f = &d->findings[fid[r]];
		f->groups = gt_realloc(f->groups,
				       (f->ngroups + 1) * sizeof *f->groups);
		f->groups[f->ngroups++] = g;
		f->goroutines += g->count;
		if (g->verdict > f->verdict)
			f->verdict = g->verdict;
		f->links = kinds[r];
		g->finding = fid[r];
	}
	d->nfindings = nf;
	for (i = 0; i < nf; i++) {
		group_finding *f = &d->findings[i];
		char buf[512];

		if (f->ngroups == 1) {
			f->links = 0;
			f->why = gt_strndup(f->groups[0]->why ? f->groups[0]->why
							      : "",
					    strlen(f->groups[0]->why
							   ? f->groups[0]->why
							   : ""));
			continue;
		}
		snprintf(buf, sizeof buf, "%zu groups, one problem (%s): %s",
			 f->ngroups, link_words(f->links),
			 f->groups[0]->why ? f->groups[0]->why : "");
		f->why = gt_strndup(buf, strlen(buf));
	}
	/* a finding whose worst member outranks the first of an earlier one
	 * moves up: order by verdict, then by first member */
	for (i = 1; i < nf; i++) {
		group_finding t = d->findings[i];
		size_t j = i;

		while (j > 0 && d->findings[j - 1].verdict < t.verdict) {
			d->findings[j] = d->findings[j - 1];
			j--;
		}
		d->findings[j] = t;
	}
	for (i = 0; i < nf; i++) {
		size_t k;

		for (k = 0; k < d->findings[i].ngroups; k++)
			d->findings[i].groups[k]->finding = (long)i;
	}
	free(up);
	free(fid);
	free(kinds);
	free(byseq);
}
