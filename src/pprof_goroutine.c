/*
 * pprof_goroutine.c - a goroutine or goroutineleak profile as the records
 * of the debug=1 profile of the same process, fed to the parser's sink
 * (pprof_goroutines() of pprof.h).
 */
#include "pprof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *grow(void *a, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return a;
	*cap = *cap ? *cap : 16;
	while (*cap < need)
		*cap *= 2;
	return gt_realloc(a, *cap * size);
}

typedef struct sbuf {
	char *s;
	size_t len, cap;
} sbuf;

typedef struct gr_ctx {
	const parse_sink *sink;
	parse_stats *st;
	int leak;
	uint64_t total;
	parse_frame *shown;
	size_t shown_cap;
	sbuf lbl, pairs; /* labels as printed; the pairs before sorting */
	size_t *at;
	size_t at_cap;
	char **kv;
	size_t kv_cap;
} gr_ctx;

static int str_is(pprof_str s, const char *z)
{
	return s.len == strlen(z) && memcmp(s.s, z, s.len) == 0;
}

static int has_prefix(const parse_frame *f, const char *z)
{
	size_t n = strlen(z);

	return f->func_len >= n && memcmp(f->func, z, n) == 0;
}

/* printStackRecord in runtime/pprof: runtime.goexit never, the runtime's
 * frames only once another frame was shown (or an unnamed pc seen), and
 * every frame but goexit when that leaves none. Returns the number shown
 * and, in *first, the index of the first one (nframes if none). */
static size_t debug1_frames(gr_ctx *g, const pprof_sample *s, size_t *first)
{
	size_t i, n;
	int all;

	g->shown = grow(g->shown, &g->shown_cap, s->nframes ? s->nframes : 1,
			sizeof *g->shown);
	for (all = 0; all < 2; all++) {
		int show = all;

		*first = s->nframes;
		for (i = n = 0; i < s->nframes; i++) {
			const parse_frame *f = &s->frames[i];

			if (f->func == NULL) {
				show = 1;
				continue;
			}
			if (f->func_len == 14 && has_prefix(f, "runtime.goexit"))
				continue;
			if (!show && (has_prefix(f, "runtime.") ||
				      has_prefix(f, "internal/runtime/")))
				continue;
			show = 1;
			if (n == 0)
				*first = i;
			g->shown[n++] = *f;
		}
		if (show)
			break;
	}
	return n;
}

/* debug=1's parser hashes the pcs above the first frame shown, so records
 * blocked the same way share a value: here the addresses of the locations
 * above the one that frame comes from, within the same reach (8). */
static uint64_t hidden_sig(const pprof_sample *s, size_t first)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i, loc;

	if (first >= s->nframes)
		return 0;
	loc = s->frame_loc[first];
	if (loc == 0 || loc >= 8)
		return 0;
	for (i = 0; i < loc; i++)
		h = (h ^ s->loc_addr[i]) * 0x100000001b3ull;
	return h;
}

static void put(sbuf *b, const char *s, size_t n)
{
	b->s = grow(b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Go's %q for the bytes of a label: printable ASCII and UTF-8 as they are,
 * quotes and backslashes escaped, control bytes as escapes. */
static void quote(sbuf *b, pprof_str s)
{
	size_t i;

	put(b, "\"", 1);
	for (i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.s[i];
		char esc[8];

		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			put(b, esc, 2);
		} else if (ch == '\n') {
			put(b, "\\n", 2);
		} else if (ch == '\t') {
			put(b, "\\t", 2);
		} else if (ch == '\r') {
			put(b, "\\r", 2);
		} else if (ch >= '\a' && ch <= '\f') {
			esc[0] = '\\';
			esc[1] = "abtnvf"[ch - '\a'];
			put(b, esc, 2);
		} else if (ch < 0x20 || ch == 0x7f) {
			snprintf(esc, sizeof esc, "\\x%02x", ch);
			put(b, esc, 4);
		} else {
			put(b, (const char *)&s.s[i], 1);
		}
	}
	put(b, "\"", 1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* {"k":"v", "k2":"v2"}: each pair quoted, the pairs sorted as strings, as
 * runtime/pprof's labelMap.String() prints them. */
static void format_labels(gr_ctx *g, const pprof_sample *s)
{
	size_t i;

	g->lbl.len = g->pairs.len = 0;
	if (s->nlabels == 0)
		return;
	g->at = grow(g->at, &g->at_cap, s->nlabels, sizeof *g->at);
	for (i = 0; i < s->nlabels; i++) {
		const pprof_label *l = &s->labels[i];

		g->at[i] = g->pairs.len;
		quote(&g->pairs, l->key);
		put(&g->pairs, ":", 1);
		if (l->is_num) {
			char num[32];
			int n = snprintf(num, sizeof num, "%lld",
					 (long long)l->num);

			put(&g->pairs, num, (size_t)n);
		} else {
			quote(&g->pairs, l->str);
		}
		put(&g->pairs, "", 1); /* the NUL ends the pair */
	}
	g->kv = grow(g->kv, &g->kv_cap, s->nlabels, sizeof *g->kv);
	for (i = 0; i < s->nlabels; i++)
		g->kv[i] = g->pairs.s + g->at[i];
	qsort(g->kv, s->nlabels, sizeof *g->kv, cmp_str);
	put(&g->lbl, "{", 1);
	for (i = 0; i < s->nlabels; i++) {
		if (i)
			put(&g->lbl, ", ", 2);
		put(&g->lbl, g->kv[i], strlen(g->kv[i]));
	}
	put(&g->lbl, "}", 1);
}

static int on_goroutine_sample(void *ud, const pprof_sample *s, gt_err *e)
{
	gr_ctx *g = ud;
	parse_goroutine pg;
	size_t first;

	if (s->values[0] <= 0)
		return GT_OK; /* nothing counted */
	memset(&pg, 0, sizeof pg);
	pg.count = (uint64_t)s->values[0];
	if (pg.count > PARSE_MAX_GOROUTINES - g->total) {
		pg.count = PARSE_MAX_GOROUTINES - g->total;
		g->st->capped_counts++;
		if (pg.count == 0)
			return GT_OK;
	}
	g->total += pg.count;
	pg.state = "";
	pg.minutes = -1;
	pg.flags = PARSE_G_RECORD | (g->leak ? PARSE_G_LEAKED : 0);
	pg.nframes = debug1_frames(g, s, &first);
	pg.frames = g->shown;
	pg.runtime_sig = hidden_sig(s, first);
	format_labels(g, s);
	if (g->lbl.len) {
		pg.labels = g->lbl.s;
		pg.labels_len = g->lbl.len;
	}
	return g->sink->goroutine ? g->sink->goroutine(g->sink->ud, &pg, e)
				  : GT_OK;
}

/* What a profile is, by its sample types, for the message when it is not a
 * goroutine profile. */
static const char *kind_of(const pprof_type *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (str_is(t[i].type, "cpu"))
			return "CPU";
		if (str_is(t[i].type, "inuse_space") ||
		    str_is(t[i].type, "alloc_space"))
			return "heap";
		if (str_is(t[i].type, "contentions") ||
		    str_is(t[i].type, "delay"))
			return "mutex or block";
		if (str_is(t[i].type, "threadcreate"))
			return "threadcreate";
	}
	return NULL;
}

int pprof_goroutines(pprof_profile *p, const parse_sink *sink,
		     parse_stats *st, gt_err *e)
{
	gr_ctx g;
	parse_dump d;
	int rc;

	size_t nt;
	const pprof_type *t = pprof_sample_types(p, &nt);

	if (nt != 1 || !str_is(t[0].unit, "count") ||
	    !(str_is(t[0].type, "goroutine") ||
	      str_is(t[0].type, "goroutineleak"))) {
		char list[256];
		size_t i, at = 0;
		const char *k = kind_of(t, nt);

		list[0] = '\0';
		for (i = 0; i < nt && at < sizeof list - 1; i++)
			at += (size_t)snprintf(
				list + at, sizeof list - at, "%s%.*s/%.*s",
				i ? ", " : "", (int)(t[i].type.len & 0xff),
				t[i].type.s, (int)(t[i].unit.len & 0xff),
				t[i].unit.s);
		return gt_errf(e, "a protobuf %s%sprofile (sample types: %s), "
				  "not a goroutine profile",
			       k ? k : "", k ? " " : "", nt ? list : "none");
	}
	memset(&g, 0, sizeof g);
	g.sink = sink;
	g.st = st;
	g.leak = str_is(t[0].type, "goroutineleak");
	memset(&d, 0, sizeof d);
	d.kind = PARSE_KIND_PROTO;
	d.time = pprof_time_nanos(p) > 0 ? (double)pprof_time_nanos(p) / 1e9
					 : 0;
	st->bytes += pprof_size(p);
	st->dumps++;
	rc = sink->dump_begin ? sink->dump_begin(sink->ud, &d, e) : GT_OK;
	if (rc == GT_OK)
		rc = pprof_each_sample(p, on_goroutine_sample, &g, e);
	d.declared_total = g.total;
	st->goroutines += g.total;
	if (rc == GT_OK && sink->dump_end)
		rc = sink->dump_end(sink->ud, &d, e);
	free(g.shown);
	free(g.lbl.s);
	free(g.pairs.s);
	free(g.at);
	free(g.kv);
	return rc;
}
