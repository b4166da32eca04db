/*
 * group.c - buckets goroutines with identical stacks and flags probable
 * leaks.
 *
 * A goroutine's group is found in group_find.c without allocating or
 * copying; a new stack is copied once, classified once by the rules, and
 * diagnosed once when its dump is finished.
 */
#include "group.h"

#include "crash.h"
#include "finding.h"
#include "fingerprint.h"

#include "group_priv.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIAGS 8

void group_opts_default(group_opts *o)
{
	memset(o, 0, sizeof *o);
	o->by = GROUP_BY_LINE;
	o->min_count = 100;
	o->min_share = 0.2;
	o->share_floor = 10;
	o->min_minutes = 10;
	o->pool_max = 8;
	o->max_ids = 10000; /* keeps memory bounded by the number of stacks */
}

/* ---- the set -------------------------------------------------------------- */

group_set *group_set_new(const rules *r, const group_opts *o)
{
	group_set *s = gt_calloc(1, sizeof *s);

	s->rules = r;
	hash_key_new(&s->key);
	if (o)
		s->opts = *o;
	else
		group_opts_default(&s->opts);
	return s;
}

static void frame_free(group_frame *f)
{
	free(f->func);
	free(f->file);
}

void group_free(group *g)
{
	size_t i;

	for (i = 0; i < g->nframes; i++)
		frame_free(&g->frames[i]);
	free(g->frames);
	frame_free(&g->created_by);
	free(g->state);
	free(g->labels);
	free(g->ids);
	free(g->diags);
	free(g->why);
	evidence_free(&g->ev);
	free(g);
}

static void dump_free(group_dump *d)
{
	bucket *b, *tmp;
	size_t i;

	HASH_ITER(hh, d->table, b, tmp)
	{
		HASH_DEL(d->table, b);
		free(b);
	}
	free(d->recent);
	free(d->tags);
	finding_free(d);
	evidence_dump_free(d->evd);
	free(d->links);
	for (i = 0; i < d->ngroups; i++)
		group_free(d->groups[i]);
	free(d->groups);
	free(d->title);
	crash_free(d);
	free(d);
}

void group_set_free(group_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndumps; i++)
		dump_free(s->dumps[i]);
	free(s->dumps);
	if (!s->piece)
		free(s->hints);
	free(s);
}

const group_dump *group_set_last(const group_set *s)
{
	return s->ndumps ? s->dumps[s->ndumps - 1] : NULL;
}

/* ---- sink callbacks ------------------------------------------------------ */

static group_dump *current(group_set *s)
{
	return s->ndumps ? s->dumps[s->ndumps - 1] : NULL;
}

static int on_dump_begin(void *ud, const parse_dump *pd, gt_err *e)
{
	group_set *s = ud;
	group_dump *d = gt_calloc(1, sizeof *d);

	(void)e;
	d->kind = pd->kind;
	d->title = pd->title ? gt_strndup(pd->title, pd->title_len) : NULL;
	d->prefix = pd->prefix;
	d->lineno = pd->lineno;
	d->declared_total = pd->declared_total;
	d->time = pd->time;
	crash_begin(&d->crash, pd);
	d->evd = s->piece ? evidence_dump_new_chunk() : evidence_dump_new();
	s->dumps = gt_realloc(s->dumps, (s->ndumps + 1) * sizeof *s->dumps);
	s->dumps[s->ndumps++] = d;
	if (s->hints && !s->piece)
		group_hints_dump(s);
	return GT_OK;
}

static void resolve(group_dump *d);

static int on_dump_end(void *ud, const parse_dump *pd, gt_err *e)
{
	group_dump *d = current(ud);

	(void)e;
	if (d) {
		d->truncated = pd->truncated;
		if (pd->declared_total)
			d->declared_total = pd->declared_total;
		/* the dump-wide tables go as soon as the dump ends: a log of
		 * many dumps holds one at a time */
		if (!d->resolved)
			resolve(d);
	}
	return GT_OK;
}

void group_frame_copy(group_frame *dst, const parse_frame *f)
{
	dst->func = gt_strndup(f->func, f->func_len);
	dst->func_len = f->func_len;
	dst->file = f->file ? gt_strndup(f->file, f->file_len) : NULL;
	dst->file_len = f->file ? f->file_len : 0;
	dst->line = f->line;
}

static rules_frame *subject_frames(const group *g, rules_frame *buf)
{
	size_t i;

	for (i = 0; i < g->nframes; i++) {
		buf[i].func = g->frames[i].func;
		buf[i].func_len = g->frames[i].func_len;
		buf[i].file = g->frames[i].file;
		buf[i].file_len = g->frames[i].file_len;
		buf[i].line = g->frames[i].line;
	}
	return buf;
}

static void subject_of(const group *g, rules_subject *sub, rules_frame *frames,
		       rules_frame *created)
{
	memset(sub, 0, sizeof *sub);
	sub->state = g->state;
	sub->state_len = g->state_len;
	sub->flags = g->flags;
	sub->frames = subject_frames(g, frames);
	sub->nframes = g->nframes;
	if (g->created_by.func) {
		created->func = g->created_by.func;
		created->func_len = g->created_by.func_len;
		created->file = g->created_by.file;
		created->file_len = g->created_by.file_len;
		created->line = g->created_by.line;
		sub->created_by = created;
	}
	sub->id = g->nids ? g->ids[0] : 0;
	sub->count = g->count;
	sub->max_minutes = g->max_minutes;
}

void group_push(group_dump *d, group *g)
{
	if (d->ngroups == d->groups_cap) { /* doubling: no realloc per stack */
		d->groups_cap = d->groups_cap ? d->groups_cap * 2 : 16;
		d->groups =
			gt_realloc(d->groups, d->groups_cap * sizeof *d->groups);
	}
	g->seq = (uint32_t)d->ngroups;
	d->groups[d->ngroups++] = g;
}

group *group_create(group_set *s, group_dump *d, const parse_goroutine *pg)
{
	group *g = gt_calloc(1, sizeof *g);
	rules_frame stackbuf[64], *frames = stackbuf, created;
	rules_subject sub;
	size_t i;

	g->state = gt_strndup(pg->state, pg->state_len);
	g->state_len = pg->state_len;
	g->labels = pg->labels_len ? gt_strndup(pg->labels, pg->labels_len) : NULL;
	g->labels_len = pg->labels_len;
	g->frames = gt_calloc(pg->nframes ? pg->nframes : 1, sizeof *g->frames);
	g->nframes = pg->nframes;
	for (i = 0; i < pg->nframes; i++)
		group_frame_copy(&g->frames[i], &pg->frames[i]);
	if (pg->created_by)
		group_frame_copy(&g->created_by, pg->created_by);
	g->min_minutes = g->max_minutes = -1;
	g->flags = pg->flags;
	g->runtime_sig = pg->runtime_sig;
	g->finding = -1;
	g->hint_dump = -1;
	group_push(d, g);
	if (s->piece && s->hints) {
		group_take_hint(s, g);
		/* joined onto the group of its dump it took the word of, or
		 * not at all (merge_fits): never named on its own */
		if (g->hint_dump >= 0)
			return g;
	}
	if (g->nframes > 64)
		frames = gt_malloc(g->nframes * sizeof *frames);
	subject_of(g, &sub, frames, &created);
	sub.id = pg->id;
	g->cat = s->rules ? rules_categorize(s->rules, &sub) : CAT_UNKNOWN;
	if (frames != stackbuf)
		free(frames);
	fingerprint_stack(g->frames, g->nframes, &g->created_by, g->cat,
			  s->opts.by, pg->created_by && pg->created_in == 0,
			  g->fingerprint);
	return g;
}

static void add_id(group *g, uint64_t id, size_t max)
{
	if (max && g->nids >= max)
		return;
	if (g->nids == g->ids_cap) {
		g->ids_cap = g->ids_cap ? g->ids_cap * 2 : 4;
		g->ids = gt_realloc(g->ids, g->ids_cap * sizeof *g->ids);
	}
	g->ids[g->nids++] = id;
}

static int on_goroutine(void *ud, const parse_goroutine *pg, gt_err *e)
{
	group_set *s = ud;
	group_dump *d = current(s);
	group *g;

	(void)e;
	if (d == NULL)
		return GT_OK;
	g = group_find(s, d, pg);
	g->count += pg->count;
	g->flags |= pg->flags;
	d->total += pg->count;
	if (pg->flags & PARSE_G_LOCKED)
		g->nlocked += pg->count;
	if (pg->flags & PARSE_G_LEAKED)
		g->nleaked += pg->count;
	if (pg->flags & PARSE_G_TRUNCATED)
		g->ntruncated += pg->count;
	if (pg->minutes >= 0 || g->max_minutes >= 0) {
		int m = pg->minutes < 0 ? 0 : pg->minutes;

		if (g->max_minutes < 0) /* earlier goroutines printed none */
			g->min_minutes = g->count > pg->count ? 0 : m;
		else if (m < g->min_minutes)
			g->min_minutes = m;
		if (m > g->max_minutes)
			g->max_minutes = m;
	}
	if (!(pg->flags & PARSE_G_RECORD) && !g->ids_off)
		add_id(g, pg->id, s->opts.max_ids);
	crash_goroutine(d, pg, g);
	if (d->evd)
		evidence_add(d->evd, &g->ev, g->seq, pg,
			     s->opts.max_ids && s->opts.max_ids < EVIDENCE_SAMPLE
				     ? s->opts.max_ids
				     : EVIDENCE_SAMPLE);
	return GT_OK;
}

parse_sink group_sink(group_set *s)
{
	parse_sink k = {s, on_dump_begin, on_goroutine, on_dump_end};

	return k;
}

/* ---- flagging ------------------------------------------------------------ */

/* Categories where a small group blocked for long is usually an idle pool
 * or server loop rather than a leak. */
static int idle_shape(category c)
{
	return c == CAT_CHAN_RECEIVE || c == CAT_SELECT || c == CAT_COND ||
	       c == CAT_IO_WAIT || c == CAT_SLEEP || c == CAT_SYSCALL ||
	       c == CAT_WAITGROUP;
}

#define PERMANENT (GROUP_R_NIL_CHAN | GROUP_R_SELECT_FOREVER | GROUP_R_LEAKED | \
		   GROUP_R_DEADLOCK | GROUP_R_TEST_TIMEOUT | GROUP_R_GOLEAK)

static void diagnose(const group_set *s, const group_dump *d, group *g)
{
	const group_opts *o = &s->opts;
	const rules_diag *found[MAX_DIAGS];
	rules_frame stackbuf[64], *frames = stackbuf, created;
	rules_subject sub;
	size_t i, n = 0;
	unsigned r = 0;
	int suspect = 0; /* a diagnosis with a leak size matched */

	if (g->nframes > 64)
		frames = gt_malloc(g->nframes * sizeof *frames);
	subject_of(g, &sub, frames, &created);
	if (s->rules)
		n = rules_diagnose(s->rules, &sub, g->cat, found, MAX_DIAGS);
	if (frames != stackbuf)
		free(frames);
	if (n > MAX_DIAGS)
		n = MAX_DIAGS;
	g->diags = n ? gt_malloc(n * sizeof *g->diags) : NULL;
	g->ndiags = n;
	for (i = 0; i < n; i++) {
		g->diags[i] = found[i];
		if (found[i]->healthy)
			g->healthy = 1;
		if (found[i]->leak_at)
			suspect = 1;
		if (found[i]->leak_at && g->count >= found[i]->leak_at)
			r |= GROUP_R_DIAGNOSIS;
	}

	if (g->cat == CAT_NIL_CHAN)
		r |= GROUP_R_NIL_CHAN;
	if (g->cat == CAT_SELECT_FOREVER)
		r |= GROUP_R_SELECT_FOREVER;
	if (g->nleaked)
		r |= GROUP_R_LEAKED;
	if (d->kind == PARSE_KIND_DEADLOCK && category_is_blocked(g->cat))
		r |= GROUP_R_DEADLOCK;
	/* testing/synctest panics when a bubble's main goroutine returns
	 * while others in it stay durably blocked: nothing can wake them */
	if ((g->flags & PARSE_G_SYNCTEST) && d->kind == PARSE_KIND_PANIC &&
	    d->title && strstr(d->title, "blocked goroutines remain") &&
	    category_is_blocked(g->cat))
		r |= GROUP_R_DEADLOCK;
	if (g->ntest && category_is_blocked(g->cat))
		r |= GROUP_R_TEST_TIMEOUT;
	if (g->flags & PARSE_G_GOLEAK)
		r |= GROUP_R_GOLEAK;
	if (category_is_blocked(g->cat)) {
		if (g->count >= o->min_count)
			r |= GROUP_R_COUNT;
		if (g->count >= o->share_floor && d->total &&
		    (double)g->count / (double)d->total >= o->min_share)
			r |= GROUP_R_SHARE;
		/* a small idle-shaped group is spared for its age, unless a
		 * diagnosis calls its shape a possible leak */
		if (o->min_minutes > 0 && g->max_minutes >= o->min_minutes &&
		    !(idle_shape(g->cat) && g->count <= o->pool_max && !suspect))
			r |= GROUP_R_MINUTES;
	}
	/* the reasons are signals for the verdict; once judged, a group keeps
	 * the ones that make it a leak */
	g->reasons = r;
	{
		char line[512];

		g->verdict = verdict_judge(g, d, o, line, sizeof line);
		free(g->why);
		g->why = gt_strndup(line, strlen(line));
	}
	if (g->verdict != VERDICT_LEAK)
		g->reasons = 0;
	else if (r & PERMANENT)
		g->reasons = r & PERMANENT;
	else
		g->reasons = GROUP_R_EVIDENCE;
}

static int is_permanent(const group *g)
{
	return (g->reasons & PERMANENT) != 0;
}

static int by_suspicion(const void *pa, const void *pb)
{
	const group *a = *(group *const *)pa, *b = *(group *const *)pb;

	if (a->verdict != b->verdict)
		return a->verdict > b->verdict ? -1 : 1;
	if (is_permanent(a) != is_permanent(b))
		return is_permanent(a) ? -1 : 1;
	/* a healthy shape flagged only for its size or age comes after the
	 * groups nothing vouches for */
	if (group_is_leak(a) && a->healthy != b->healthy)
		return a->healthy ? 1 : -1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->max_minutes != b->max_minutes)
		return a->max_minutes > b->max_minutes ? -1 : 1;
	if (a->cat != b->cat)
		return a->cat < b->cat ? -1 : 1;
	return strcmp(a->fingerprint, b->fingerprint);
}

/* A record that tells its category, by hidden runtime frames. */
typedef struct teller {
	struct {
		uint64_t h;   /* keyed hash of sig: the bucket */
		uint64_t sig; /* the signature itself: the match */
	} key;
	const group *g;
	UT_hash_handle hh;
} teller;

/* debug=1 hides the runtime frames that tell a channel wait from a select;
 * a record left unknown takes the category of another record of the dump
 * whose hidden frames are the same and whose visible ones told (the first
 * such record, in input order). One pass indexes the records that tell,
 * one more fills in the others: labels make every request its own record,
 * so a dump can hold a million of either. */
static void infer_hidden(group_dump *d, const hash_key *k)
{
	teller *tab = NULL, *all, *t, *found;
	size_t i, n = 0;

	all = gt_calloc(d->ngroups ? d->ngroups : 1, sizeof *all);
	for (i = 0; i < d->ngroups; i++) {
		const group *g = d->groups[i];

		if (g->runtime_sig == 0 || g->inferred ||
		    g->cat == CAT_UNKNOWN || g->cat == CAT_RUNNING ||
		    g->cat == CAT_RUNTIME)
			continue;
		t = &all[n];
		t->key.h = hash_u64(k, hash_start(k), g->runtime_sig);
		t->key.sig = g->runtime_sig;
		HASH_FIND(hh, tab, &t->key, sizeof t->key, found);
		if (found)
			continue; /* an earlier record tells already */
		t->g = g;
		HASH_ADD(hh, tab, key, sizeof t->key, t);
		n++;
	}
	for (i = 0; n && i < d->ngroups; i++) {
		group *g = d->groups[i];
		teller q;

		if (g->cat != CAT_UNKNOWN || g->runtime_sig == 0)
			continue;
		q.key.h = hash_u64(k, hash_start(k), g->runtime_sig);
		q.key.sig = g->runtime_sig;
		HASH_FIND(hh, tab, &q.key, sizeof q.key, found);
		if (found) {
			g->cat = found->g->cat;
			g->inferred = 1;
		}
	}
	HASH_CLEAR(hh, tab);
	free(all);
}

/* Once per dump, before its groups are first reordered: resolves their
 * evidence (groups are still in creation order) and keeps the links. */
static void resolve(group_dump *d)
{
	evidence **evs = gt_malloc((d->ngroups ? d->ngroups : 1) * sizeof *evs);
	size_t i;

	for (i = 0; i < d->ngroups; i++)
		evs[d->groups[i]->seq] = &d->groups[i]->ev;
	evidence_resolve(d->evd, evs, d->ngroups, &d->links, &d->nlinks);
	for (i = 0; i < d->ngroups; i++) {
		group *g = d->groups[i];

		if (g->ev.holder_group >= 0 &&
		    (size_t)g->ev.holder_group < d->ngroups)
			g->holder = d->groups[g->ev.holder_group];
	}
	evidence_dump_ids(d->evd, &d->id_min, &d->id_max);
	evidence_dump_free(d->evd);
	d->evd = NULL;
	free(evs);
	d->resolved = 1;
}

void group_set_finish(group_set *s, const parse_stats *st)
{
	size_t i, j;

	if (st)
		s->stats = *st;
	for (i = 0; i < s->ndumps; i++) {
		group_dump *d = s->dumps[i];

		if (d->kind == PARSE_KIND_DEBUG1 || d->kind == PARSE_KIND_PROTO)
			infer_hidden(d, &s->key);
		crash_find_tests(d);
		if (!d->resolved)
			resolve(d);
		d->nflagged = 0;
		d->leaked_goroutines = 0;
		memset(d->by_cat, 0, sizeof d->by_cat);
		for (j = 0; j < d->ngroups; j++) {
			group *g = d->groups[j];

			free(g->diags);
			g->diags = NULL;
			g->healthy = 0;
			diagnose(s, d, g);
			d->by_cat[g->cat] += g->count;
			if (group_is_leak(g)) {
				d->nflagged++;
				d->leaked_goroutines += g->count;
			}
		}
		if (d->ngroups > 1)
			qsort(d->groups, d->ngroups, sizeof *d->groups,
			      by_suspicion);
		crash_groups(d);
		finding_build(d, d->links, d->nlinks);
	}
}

void group_dump_recount(group_dump *d)
{
	d->nflagged = 0;
	d->leaked_goroutines = 0;
	for (size_t j = 0; j < d->ngroups; j++) {
		if (group_is_leak(d->groups[j])) {
			d->nflagged++;
			d->leaked_goroutines += d->groups[j]->count;
		}
	}
	/* a finding is as bad as its worst member, after any change */
	for (size_t i = 0; i < d->nfindings; i++) {
		group_finding *f = &d->findings[i];

		f->verdict = VERDICT_NORMAL;
		for (size_t k = 0; k < f->ngroups; k++)
			if (f->groups[k]->verdict > f->verdict)
				f->verdict = f->groups[k]->verdict;
	}
	if (d->ngroups > 1)
		qsort(d->groups, d->ngroups, sizeof *d->groups, by_suspicion);
}

const char *group_reason_text(const group *g, unsigned reason,
			      const group_dump *d, const group_opts *o,
			      char *buf, size_t len)
{
	unsigned long long n = (unsigned long long)g->count;
	size_t i;

	switch (reason) {
	case GROUP_R_NIL_CHAN:
		snprintf(buf, len, "blocked on a nil channel: can never proceed");
		break;
	case GROUP_R_SELECT_FOREVER:
		snprintf(buf, len, "select {} with no cases: blocks forever");
		break;
	case GROUP_R_LEAKED:
		snprintf(buf, len, "%llu marked (leaked) by the runtime",
			 (unsigned long long)g->nleaked);
		break;
	case GROUP_R_DEADLOCK:
		snprintf(buf, len,
			 "part of a fatal deadlock: all goroutines were asleep");
		break;
	case GROUP_R_COUNT:
		snprintf(buf, len, "%llu goroutine%s (>= %llu)", n,
			 n == 1 ? "" : "s", (unsigned long long)o->min_count);
		break;
	case GROUP_R_SHARE:
		snprintf(buf, len, "%.0f%% of all goroutines (>= %.0f%%)",
			 d && d->total ? 100.0 * (double)g->count / (double)d->total
				       : 0.0,
			 100.0 * o->min_share);
		break;
	case GROUP_R_MINUTES:
		snprintf(buf, len, "blocked up to %d minute%s (>= %d)",
			 g->max_minutes, g->max_minutes == 1 ? "" : "s",
			 o->min_minutes);
		break;
	case GROUP_R_DIAGNOSIS:
		for (i = 0; i < g->ndiags; i++)
			if (g->diags[i]->leak_at && g->count >= g->diags[i]->leak_at)
				break;
		if (i < g->ndiags)
			snprintf(buf, len, "%s: %llu goroutine%s (>= %llu)",
				 g->diags[i]->name, n, n == 1 ? "" : "s",
				 (unsigned long long)g->diags[i]->leak_at);
		else
			snprintf(buf, len, "matched a leak diagnosis");
		break;
	case GROUP_R_GROWING:
		snprintf(buf, len, "grows from snapshot to snapshot");
		break;
	case GROUP_R_TEST_TIMEOUT:
		snprintf(buf, len, "%llu blocked in the test that timed out",
			 (unsigned long long)g->ntest);
		break;
	case GROUP_R_EVIDENCE:
		snprintf(buf, len, "%s", g->why ? g->why : "evidence");
		break;
	case GROUP_R_GOLEAK:
		if (d && d->crash.ntests)
			snprintf(buf, len, "goleak: %llu outlived %s", n,
				 d->crash.tests[0]);
		else
			snprintf(buf, len, "goleak: %llu still running after "
				 "the tests", n);
		break;
	default:
		snprintf(buf, len, "?");
	}
	return buf;
}

/* Top-level packages of the standard library (and cmd): frames in them are
 * trimmed from the short report. */
static const char *const stdpkgs[] = {
	"archive", "bufio", "bytes", "cmp", "compress", "container", "context",
	"crypto", "database", "debug", "embed", "encoding", "errors", "expvar",
	"flag", "fmt", "go", "hash", "html", "image", "index", "internal",
	"io", "iter", "log", "maps", "math", "mime", "net", "os", "path",
	"plugin", "reflect", "regexp", "runtime", "slices", "sort", "strconv",
	"strings", "structs", "sync", "syscall", "testing", "text", "time",
	"unicode", "unique", "unsafe", "vendor", "weak", "panic", "cmd"};

int group_frame_is_user(const group_frame *f)
{
	const char *s = f->func;
	size_t n = 0, i;

	/* the first path element, within func_len: a NUL is just a byte */
	while (n < f->func_len && !memchr("./[(", s[n], 4))
		n++;

	if (n == 4 && memcmp(s, "main", 4) == 0)
		return 1;
	for (i = 0; i < sizeof stdpkgs / sizeof stdpkgs[0]; i++)
		if (strlen(stdpkgs[i]) == n && memcmp(s, stdpkgs[i], n) == 0)
			return 0;
	return 1;
}
