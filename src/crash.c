/*
 * crash.c - the crash a dump reports: what the runtime printed before the
 * goroutines, the goroutine that crashed, and for a test timeout the
 * goroutines of the running tests (those that run a listed test and those
 * they started), which the grouper flags when blocked.
 */
#define _GNU_SOURCE /* memrchr */
#include "crash.h"

#include <stdlib.h>
#include <string.h>

/* A goroutine of a test-timeout dump: who started it, where it is. */
typedef struct group_link {
	uint64_t id, parent;
	group *g;
	int in_test;
} link_t;

static int streq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (blen == 0 || memcmp(a, b, blen) == 0);
}

static void frame_free(group_frame *f)
{
	free(f->func);
	free(f->file);
}

static void crash_text_free(group_crash *c)
{
	size_t i;

	for (i = 0; i < c->nmessage; i++)
		free(c->message[i]);
	free(c->message);
	for (i = 0; i < c->ntests; i++)
		free(c->tests[i]);
	free(c->tests);
	free(c->signal);
	free(c->state);
	for (i = 0; i < c->nframes; i++)
		frame_free(&c->frames[i]);
	free(c->frames);
	frame_free(&c->created_by);
	free(c->groups);
	free(c->test_ids);
}

static char **copy_lines(const parse_text *t, size_t n)
{
	char **v = n ? gt_malloc(n * sizeof *v) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = gt_strndup(t[i].s, t[i].len);
	return v;
}

void crash_begin(group_crash *c, const parse_dump *pd)
{
	c->message = copy_lines(pd->message, pd->nmessage);
	c->nmessage = pd->nmessage;
	c->tests = copy_lines(pd->tests, pd->ntests);
	c->ntests = pd->ntests;
	c->signal =
	    pd->signal.s ? gt_strndup(pd->signal.s, pd->signal.len) : NULL;
}

/* The crashed goroutine is kept whole: its group may merge it with
 * others (by function) and its frames are what the report opens with. */
static void keep_crashed(group_crash *c, const parse_goroutine *pg,
                         const group *g)
{
	size_t i;

	c->id = pg->id;
	c->state = gt_strndup(pg->state, pg->state_len);
	c->frames = gt_calloc(pg->nframes ? pg->nframes : 1, sizeof *c->frames);
	c->nframes = pg->nframes;
	for (i = 0; i < pg->nframes; i++)
		group_frame_copy(&c->frames[i], &pg->frames[i]);
	if (pg->created_by)
		group_frame_copy(&c->created_by, pg->created_by);
	c->created_in = pg->created_in;
	c->group = g;
}

static void add_link(group_dump *d, const parse_goroutine *pg, group *g)
{
	link_t *l;

	if (d->ntlinks == d->tlinks_cap) {
		d->tlinks_cap = d->tlinks_cap ? d->tlinks_cap * 2 : 64;
		d->tlinks =
		    gt_realloc(d->tlinks, d->tlinks_cap * sizeof *d->tlinks);
	}
	l = &d->tlinks[d->ntlinks++];
	l->id = pg->id;
	l->parent = pg->created_in;
	l->g = g;
	l->in_test = 0;
}

int crash_dump_has(const group_dump *d)
{
	return d->kind != PARSE_KIND_TRACEBACK &&
	       d->kind != PARSE_KIND_DEBUG1 && d->crash.nmessage > 0;
}

/* The test a goroutine runs: the frame testing.tRunner calls, e.g.
 * "pkg.TestX" or "pkg.TestX.func1" for a subtest. Returns the test name
 * ("TestX") and sets *len, or NULL when no test runs on g. */
static const char *test_of(const group *g, size_t *len)
{
	size_t i;

	for (i = 0; i + 1 < g->nframes; i++) {
		const group_frame *f = &g->frames[i];
		const char *slash, *name, *dot;

		if (!streq(g->frames[i + 1].func, g->frames[i + 1].func_len,
		           "testing.tRunner", 15) ||
		    (f->func_len > 8 && memcmp(f->func, "testing.", 8) == 0))
			continue;
		slash = memrchr(f->func, '/', f->func_len);
		name = slash ? slash + 1 : f->func;
		name =
		    memchr(name, '.', f->func_len - (size_t)(name - f->func));
		if (name == NULL)
			return NULL;
		name++;
		dot = memchr(name, '.', f->func_len - (size_t)(name - f->func));
		*len = dot ? (size_t)(dot - name)
		           : f->func_len - (size_t)(name - f->func);
		return name;
	}
	return NULL;
}

/* Does a "running tests:" entry, "TestX/sub (5s)", name the test? */
static int test_listed(const group_crash *c, const char *name, size_t len)
{
	size_t i;

	if (c->ntests == 0) /* Go before 1.20 lists none: every test runs */
		return 1;
	for (i = 0; i < c->ntests; i++) {
		const char *t = c->tests[i];
		size_t n = strcspn(t, "/ ");

		if (streq(t, n, name, len))
			return 1;
	}
	return 0;
}

static int by_link_id(const void *pa, const void *pb)
{
	const link_t *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

static const link_t *find_link(const group_dump *d, uint64_t id)
{
	link_t key;

	key.id = id;
	return bsearch(&key, d->tlinks, d->ntlinks, sizeof *d->tlinks, by_link_id);
}

/* Before Go 1.21 a creator has no goroutine id: a goroutine belongs to a
 * test when it was created by a user function on a test goroutine's stack. */
static int created_on_test_stack(const group_dump *d, const group *g)
{
	size_t i, j;

	if (g->created_by.func == NULL || !group_frame_is_user(&g->created_by))
		return 0;
	for (i = 0; i < d->ngroups; i++) {
		const group *k = d->groups[i];

		if (k->ntest == 0)
			continue;
		for (j = 0; j < k->nframes; j++)
			if (streq(k->frames[j].func, k->frames[j].func_len,
			          g->created_by.func, g->created_by.func_len))
				return 1;
	}
	return 0;
}

/* A test timed out: the goroutines of the running tests are those that run
 * a listed test function and, transitively, those they created. */
void crash_find_tests(group_dump *d)
{
	size_t i, rounds;
	int changed = 1;

	if (d->kind != PARSE_KIND_TEST_TIMEOUT || d->ntlinks == 0)
		return;
	qsort(d->tlinks, d->ntlinks, sizeof *d->tlinks, by_link_id);
	for (i = 0; i < d->ntlinks; i++) {
		link_t *l = &d->tlinks[i];
		size_t len;
		const char *name = test_of(l->g, &len);

		if (name && test_listed(&d->crash, name, len)) {
			l->in_test = 1;
			l->g->ntest++;
		}
	}
	/* each round adds one generation; a chain deeper than this is cut */
	for (rounds = 0; changed && rounds < 64; rounds++) {
		changed = 0;
		for (i = 0; i < d->ntlinks; i++) {
			link_t *l = &d->tlinks[i];
			const link_t *p;

			if (l->in_test)
				continue;
			if (l->parent) {
				p = find_link(d, l->parent);
				if (p == NULL || !p->in_test)
					continue;
			} else if (!created_on_test_stack(d, l->g)) {
				continue;
			}
			l->in_test = 1;
			l->g->ntest++;
			changed = 1;
		}
	}
	d->crash.test_ids = gt_malloc(d->ntlinks * sizeof *d->crash.test_ids);
	for (i = 0; i < d->ntlinks; i++)
		if (d->tlinks[i].in_test)
			d->crash.test_ids[d->crash.ntest_ids++] =
			    d->tlinks[i].id;
	free(d->tlinks);
	d->tlinks = NULL;
	d->ntlinks = d->tlinks_cap = 0;
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

int crash_has_test_id(const group_crash *c, uint64_t id)
{
	return c->ntest_ids &&
	       bsearch(&id, c->test_ids, c->ntest_ids, sizeof id, cmp_u64);
}

/* The groups a crash is about, in the dump's order. */
void crash_groups(group_dump *d)
{
	group_crash *c = &d->crash;
	size_t i;

	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
	if (d->kind != PARSE_KIND_DEADLOCK &&
	    d->kind != PARSE_KIND_TEST_TIMEOUT && d->kind != PARSE_KIND_GOLEAK)
		return;
	c->groups =
	    gt_malloc((d->ngroups ? d->ngroups : 1) * sizeof *c->groups);
	for (i = 0; i < d->ngroups; i++) {
		const group *g = d->groups[i];

		/* goleak lists only the goroutines that outlived the test */
		if (d->kind == PARSE_KIND_GOLEAK ||
		    (d->kind == PARSE_KIND_DEADLOCK ? category_is_blocked(g->cat)
						    : g->ntest > 0))
			c->groups[c->ngroups++] = g;
	}
}

void crash_goroutine(group_dump *d, const parse_goroutine *pg, group *g)
{
	if ((pg->flags & PARSE_G_CRASHED) && d->crash.group == NULL)
		keep_crashed(&d->crash, pg, g);
	if (d->kind == PARSE_KIND_TEST_TIMEOUT)
		add_link(d, pg, g);
}

void crash_free(group_dump *d)
{
	crash_text_free(&d->crash);
	free(d->tlinks);
	d->tlinks = NULL;
	d->ntlinks = d->tlinks_cap = 0;
}
