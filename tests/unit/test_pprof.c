/* Unit tests for the profile.proto decoder: profiles are built with
 * protobuf-c's packer, then decoded through the public API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "parse.h"
#include "pprof.h"
#include "profile.pb-c.h"

/* ---- building profiles ---- */

#define MAXN 32

typedef struct builder {
	Perftools__Profiles__Profile p;
	Perftools__Profiles__ValueType types[4], *type_ptrs[4];
	Perftools__Profiles__Function funcs[MAXN], *func_ptrs[MAXN];
	Perftools__Profiles__Location locs[MAXN], *loc_ptrs[MAXN];
	Perftools__Profiles__Line lines[MAXN], *line_ptrs[MAXN];
	size_t nlines;
	Perftools__Profiles__Sample samples[MAXN], *sample_ptrs[MAXN];
	uint64_t loc_ids[MAXN][MAXN];
	int64_t values[MAXN][4];
	Perftools__Profiles__Label labels[MAXN], *label_ptrs[MAXN];
	size_t nlabels;
	ProtobufCBinaryData strs[MAXN * 2];
} builder;

static int64_t str(builder *b, const char *s)
{
	size_t i;

	for (i = 0; i < b->p.n_string_table; i++)
		if (b->strs[i].len == strlen(s) &&
		    memcmp(b->strs[i].data, s, b->strs[i].len) == 0)
			return (int64_t)i;
	b->strs[i].data = (uint8_t *)s;
	b->strs[i].len = strlen(s);
	b->p.n_string_table++;
	return (int64_t)i;
}

static void b_init(builder *b, const char *type, const char *unit)
{
	memset(b, 0, sizeof *b);
	perftools__profiles__profile__init(&b->p);
	b->p.string_table = b->strs;
	b->p.sample_type = b->type_ptrs;
	b->p.function = b->func_ptrs;
	b->p.location = b->loc_ptrs;
	b->p.sample = b->sample_ptrs;
	str(b, "");
	if (type) {
		perftools__profiles__value_type__init(&b->types[0]);
		b->types[0].type = str(b, type);
		b->types[0].unit = str(b, unit);
		b->type_ptrs[0] = &b->types[0];
		b->p.n_sample_type = 1;
	}
}

static void b_type(builder *b, const char *type, const char *unit)
{
	size_t i = b->p.n_sample_type++;

	perftools__profiles__value_type__init(&b->types[i]);
	b->types[i].type = str(b, type);
	b->types[i].unit = str(b, unit);
	b->type_ptrs[i] = &b->types[i];
}

/* Function id = its index + 1. */
static uint64_t b_func(builder *b, const char *name, const char *file)
{
	size_t i = b->p.n_function++;

	perftools__profiles__function__init(&b->funcs[i]);
	b->funcs[i].id = i + 1;
	b->funcs[i].name = str(b, name);
	b->funcs[i].filename = str(b, file);
	b->func_ptrs[i] = &b->funcs[i];
	return i + 1;
}

/* A location of n lines (function ids and line numbers, innermost first);
 * location id = 100 + index, address 0x1000 * id. */
static uint64_t b_loc(builder *b, size_t n, const uint64_t *fids,
		      const int64_t *lns)
{
	size_t i = b->p.n_location++, j;
	Perftools__Profiles__Location *l = &b->locs[i];

	perftools__profiles__location__init(l);
	l->id = 100 + i;
	l->address = 0x1000 * l->id;
	l->line = &b->line_ptrs[b->nlines];
	l->n_line = n;
	for (j = 0; j < n; j++) {
		Perftools__Profiles__Line *ln = &b->lines[b->nlines];

		perftools__profiles__line__init(ln);
		ln->function_id = fids[j];
		ln->line = lns[j];
		b->line_ptrs[b->nlines++] = ln;
	}
	b->loc_ptrs[i] = l;
	return l->id;
}

static Perftools__Profiles__Sample *b_sample(builder *b, int64_t value,
					     size_t n, const uint64_t *locs)
{
	size_t i = b->p.n_sample++;
	Perftools__Profiles__Sample *s = &b->samples[i];

	perftools__profiles__sample__init(s);
	memcpy(b->loc_ids[i], locs, n * sizeof *locs);
	s->location_id = b->loc_ids[i];
	s->n_location_id = n;
	b->values[i][0] = value;
	s->value = b->values[i];
	s->n_value = b->p.n_sample_type;
	s->label = &b->label_ptrs[b->nlabels];
	b->sample_ptrs[i] = s;
	return s;
}

static void b_label(builder *b, Perftools__Profiles__Sample *s,
		    const char *k, const char *v)
{
	Perftools__Profiles__Label *l = &b->labels[b->nlabels];

	perftools__profiles__label__init(l);
	l->key = str(b, k);
	l->str = str(b, v);
	b->label_ptrs[b->nlabels++] = l;
	s->n_label++;
}

static uint8_t *b_pack(builder *b, size_t *len)
{
	uint8_t *out;

	*len = perftools__profiles__profile__get_packed_size(&b->p);
	out = malloc(*len ? *len : 1);
	assert_int_equal(perftools__profiles__profile__pack(&b->p, out), *len);
	return out;
}

/* ---- a sink that keeps what it is given ---- */

typedef struct rec {
	uint64_t count;
	unsigned flags;
	char frames[512]; /* "func file:line|..." */
	char labels[256];
	uint64_t sig;
} rec;

typedef struct got {
	int begins, ends;
	parse_kind kind;
	rec r[MAXN];
	size_t n;
} got;

static int on_begin(void *ud, const parse_dump *d, gt_err *e)
{
	got *g = ud;

	(void)e;
	g->begins++;
	g->kind = d->kind;
	return GT_OK;
}

static int on_g(void *ud, const parse_goroutine *pg, gt_err *e)
{
	got *g = ud;
	rec *r = &g->r[g->n++];
	size_t i, at = 0;

	(void)e;
	r->count = pg->count;
	r->flags = pg->flags;
	r->sig = pg->runtime_sig;
	for (i = 0; i < pg->nframes; i++)
		at += (size_t)snprintf(r->frames + at, sizeof r->frames - at,
				       "%s%.*s %.*s:%u", i ? "|" : "",
				       (int)pg->frames[i].func_len,
				       pg->frames[i].func,
				       (int)pg->frames[i].file_len,
				       pg->frames[i].file, pg->frames[i].line);
	snprintf(r->labels, sizeof r->labels, "%.*s", (int)pg->labels_len,
		 pg->labels ? pg->labels : "");
	return GT_OK;
}

static int on_end(void *ud, const parse_dump *d, gt_err *e)
{
	(void)d;
	(void)e;
	((got *)ud)->ends++;
	return GT_OK;
}

static int decode(const uint8_t *buf, size_t len, got *g, gt_err *e)
{
	parse_sink sink = {g, on_begin, on_g, on_end};
	parse_stats st;
	pprof_profile *p;
	int rc;

	memset(g, 0, sizeof *g);
	memset(&st, 0, sizeof st);
	if (pprof_open(buf, len, &p, e) != GT_OK)
		return GT_ERR;
	rc = pprof_goroutines(p, &sink, &st, e);
	pprof_free(p);
	return rc;
}

/* A goroutine blocked in a channel receive: gopark <- chanrecv (inlined
 * into chanrecv1) <- main.worker <- goexit. */
static void blocked(builder *b, int64_t count, const char *user)
{
	uint64_t park = b_func(b, "runtime.gopark", "runtime/proc.go");
	uint64_t recv = b_func(b, "runtime.chanrecv", "runtime/chan.go");
	uint64_t recv1 = b_func(b, "runtime.chanrecv1", "runtime/chan.go");
	uint64_t w = b_func(b, user, "app/main.go");
	uint64_t exit = b_func(b, "runtime.goexit", "runtime/asm.s");
	uint64_t l1 = b_loc(b, 1, (uint64_t[]){park}, (int64_t[]){435});
	uint64_t l2 = b_loc(b, 2, (uint64_t[]){recv, recv1},
			    (int64_t[]){664, 489});
	uint64_t l3 = b_loc(b, 1, (uint64_t[]){w}, (int64_t[]){12});
	uint64_t l4 = b_loc(b, 1, (uint64_t[]){exit}, (int64_t[]){1700});

	b_sample(b, count, 4, (uint64_t[]){l1, l2, l3, l4});
}

/* ---- tests ---- */

typedef struct walk {
	char frames[512];
	size_t nlocs;
	size_t frame_loc[16];
} walk;

static int on_sample(void *ud, const pprof_sample *s, gt_err *e)
{
	walk *w = ud;
	size_t i, at = 0;

	(void)e;
	w->nlocs = s->nlocs;
	for (i = 0; i < s->nframes && i < 16; i++) {
		at += (size_t)snprintf(w->frames + at, sizeof w->frames - at,
				       "%s%.*s", i ? "|" : "",
				       (int)s->frames[i].func_len,
				       s->frames[i].func ? s->frames[i].func
							 : "");
		w->frame_loc[i] = s->frame_loc[i];
	}
	return GT_OK;
}

static void test_inlined_order(void **state)
{
	builder b;
	size_t len;
	uint8_t *buf;
	pprof_profile *p;
	walk w;
	gt_err e;

	(void)state;
	b_init(&b, "goroutine", "count");
	blocked(&b, 3, "main.worker");
	buf = b_pack(&b, &len);
	assert_int_equal(pprof_open(buf, len, &p, &e), GT_OK);
	memset(&w, 0, sizeof w);
	assert_int_equal(pprof_each_sample(p, on_sample, &w, &e), GT_OK);
	/* line[0] of a location is the innermost: chanrecv before chanrecv1 */
	assert_string_equal(w.frames, "runtime.gopark|runtime.chanrecv|"
				      "runtime.chanrecv1|main.worker|"
				      "runtime.goexit");
	assert_int_equal(w.nlocs, 4);
	assert_int_equal(w.frame_loc[1], 1);
	assert_int_equal(w.frame_loc[2], 1);
	assert_int_equal(w.frame_loc[3], 2);
	pprof_free(p);
	free(buf);
}

static void test_goroutine_records(void **state)
{
	builder b;
	size_t len;
	uint8_t *buf;
	got g;
	gt_err e;

	(void)state;
	b_init(&b, "goroutine", "count");
	blocked(&b, 3, "main.worker");
	{
		/* another user frame under the same runtime locations */
		uint64_t f = b_func(&b, "main.other", "app/other.go");
		uint64_t l = b_loc(&b, 1, &f, (int64_t[]){40});

		b_sample(&b, 2, 4, (uint64_t[]){100, 101, l, 103});
	}
	buf = b_pack(&b, &len);
	assert_int_equal(decode(buf, len, &g, &e), GT_OK);
	assert_int_equal(g.begins, 1);
	assert_int_equal(g.ends, 1);
	assert_int_equal(g.kind, PARSE_KIND_PROTO);
	assert_int_equal(g.n, 2);
	/* as debug=1 prints them: the runtime's frames above the first
	 * other one and runtime.goexit are left out */
	assert_string_equal(g.r[0].frames, "main.worker app/main.go:12");
	assert_int_equal(g.r[0].count, 3);
	assert_int_equal(g.r[1].count, 2);
	assert_true(g.r[0].flags & PARSE_G_RECORD);
	assert_false(g.r[0].flags & PARSE_G_LEAKED);
	assert_string_equal(g.r[1].frames, "main.other app/other.go:40");
	/* blocked the same way: the hidden frames hash alike */
	assert_int_not_equal(g.r[0].sig, 0);
	assert_int_equal(g.r[0].sig, g.r[1].sig);
	free(buf);

	/* hidden frames at other locations hash apart */
	b_init(&b, "goroutineleak", "count");
	blocked(&b, 1, "main.worker");
	blocked(&b, 1, "main.other");
	buf = b_pack(&b, &len);
	assert_int_equal(decode(buf, len, &g, &e), GT_OK);
	assert_true(g.r[0].flags & PARSE_G_LEAKED);
	assert_int_not_equal(g.r[0].sig, g.r[1].sig);
	free(buf);
}

static void test_only_runtime_frames(void **state)
{
	builder b;
	size_t len;
	uint8_t *buf;
	got g;
	gt_err e;
	uint64_t f1, f2, exit;

	(void)state;
	b_init(&b, "goroutine", "count");
	f1 = b_func(&b, "runtime.gopark", "runtime/proc.go");
	f2 = b_func(&b, "runtime.bgsweep", "runtime/mgcsweep.go");
	exit = b_func(&b, "runtime.goexit", "runtime/asm.s");
	b_sample(&b, 1, 3,
		 (uint64_t[]){b_loc(&b, 1, &f1, (int64_t[]){435}),
			      b_loc(&b, 1, &f2, (int64_t[]){300}),
			      b_loc(&b, 1, &exit, (int64_t[]){1700})});
	buf = b_pack(&b, &len);
	assert_int_equal(decode(buf, len, &g, &e), GT_OK);
	/* nothing else to show: the runtime's frames are, goexit is not */
	assert_string_equal(g.r[0].frames, "runtime.gopark runtime/proc.go:435|"
					   "runtime.bgsweep runtime/mgcsweep.go:300");
	assert_int_equal(g.r[0].sig, 0);
	free(buf);
}

static void test_labels(void **state)
{
	builder b;
	size_t len;
	uint8_t *buf;
	got g;
	gt_err e;
	Perftools__Profiles__Sample *s;
	uint64_t f;

	(void)state;
	b_init(&b, "goroutine", "count");
	f = b_func(&b, "main.serve", "app/main.go");
	s = b_sample(&b, 1, 1, (uint64_t[]){b_loc(&b, 1, &f, (int64_t[]){7})});
	b_label(&b, s, "tenant", "acme \"corp\"\a");
	b_label(&b, s, "endpoint", "/api/search");
	b_label(&b, s, "empty", ""); /* string index 0, like no string */
	b_label(&b, s, "n", "");
	b.labels[3].num = 5;
	buf = b_pack(&b, &len);
	assert_int_equal(decode(buf, len, &g, &e), GT_OK);
	/* sorted, quoted as Go's %q, as debug=1's "# labels:"; a number
	 * without quotes */
	assert_string_equal(g.r[0].labels,
			    "{\"empty\":\"\", \"endpoint\":\"/api/search\", "
			    "\"n\":5, \"tenant\":\"acme \\\"corp\\\"\\a\"}");
	free(buf);
}

static void test_string_bounds(void **state)
{
	builder b;
	size_t len;
	uint8_t *buf;
	pprof_profile *p;
	gt_err e;

	(void)state;
	b_init(&b, "goroutine", "count");
	blocked(&b, 1, "main.worker");
	b.funcs[3].name = 99; /* past the table */
	buf = b_pack(&b, &len);
	assert_int_equal(pprof_open(buf, len, &p, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "string 99"));
	free(buf);

	b_init(&b, "goroutine", "count");
	blocked(&b, 1, "main.worker");
	b.funcs[0].filename = -1;
	buf = b_pack(&b, &len);
	assert_int_equal(pprof_open(buf, len, &p, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "string -1"));
	free(buf);

	/* a sample naming a location the profile lacks */
	b_init(&b, "goroutine", "count");
	blocked(&b, 1, "main.worker");
	b.loc_ids[0][2] = 7777;
	buf = b_pack(&b, &len);
	assert_int_equal(pprof_open(buf, len, &p, &e), GT_OK);
	assert_int_equal(pprof_goroutines(p, &(parse_sink){0}, &(parse_stats){0},
					  &e),
			 GT_ERR);
	assert_non_null(strstr(e.msg, "location 7777"));
	pprof_free(p);
	free(buf);
}

static void test_truncated(void **state)
{
	builder b;
	size_t len, cut, failed = 0;
	uint8_t *buf;
	got g;
	gt_err e;

	(void)state;
	b_init(&b, "goroutine", "count");
	blocked(&b, 3, "main.worker");
	blocked(&b, 2, "main.other");
	buf = b_pack(&b, &len);
	for (cut = 0; cut < len; cut++) {
		/* a copy of exactly cut bytes: ASan sees any read past it */
		uint8_t *part = malloc(cut ? cut : 1);

		memcpy(part, buf, cut);
		if (decode(part, cut, &g, &e) != GT_OK) {
			failed++;
			assert_non_null(strstr(e.msg, "protobuf"));
		}
		free(part);
	}
	/* the string table comes last: every cut loses part of it or all */
	assert_int_equal(failed, len);
	memset(&e, 0, sizeof e);
	assert_int_equal(decode(buf, len - 1, &g, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "past the end"));
	free(buf);
}

static void test_wrong_type(void **state)
{
	builder b;
	size_t len;
	uint8_t *buf;
	got g;
	gt_err e;

	(void)state;
	b_init(&b, "samples", "count");
	b_type(&b, "cpu", "nanoseconds");
	blocked(&b, 3, "main.worker");
	buf = b_pack(&b, &len);
	assert_int_equal(decode(buf, len, &g, &e), GT_ERR);
	assert_string_equal(e.msg, "a protobuf CPU profile (sample types: "
				   "samples/count, cpu/nanoseconds), not a "
				   "goroutine profile");
	assert_int_equal(g.n, 0);
	free(buf);

	b_init(&b, "alloc_objects", "count");
	b_type(&b, "alloc_space", "bytes");
	b_type(&b, "inuse_objects", "count");
	b_type(&b, "inuse_space", "bytes");
	buf = b_pack(&b, &len);
	assert_int_equal(decode(buf, len, &g, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "a protobuf heap profile"));
	free(buf);
}

static void test_huge_varint(void **state)
{
	/* a tag of 11 bytes; a length of 2^62 */
	static const uint8_t tag[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0xff, 0x01, 0x00};
	static const uint8_t big[] = {0x0a, 0x80, 0x80, 0x80, 0x80, 0x80,
				      0x80, 0x80, 0x80, 0x40, 0x08, 0x01};
	static const uint8_t bit64[] = {0x48, 0xff, 0xff, 0xff, 0xff, 0xff,
					0xff, 0xff, 0xff, 0xff, 0x02};
	pprof_profile *p;
	gt_err e;

	(void)state;
	assert_int_equal(pprof_open(tag, sizeof tag, &p, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "longer than 10 bytes"));
	assert_int_equal(pprof_open(big, sizeof big, &p, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "past the end"));
	/* a tenth byte above 1 would need a 65th bit */
	assert_int_equal(pprof_open(bit64, sizeof bit64, &p, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "varint"));
}

static void test_sniff(void **state)
{
	static const char text[] = "goroutine 1 [running]:\nmain.main()\n"
				   "\t/src/main.go:5 +0x1d\n\ngoroutine 2 [";
	static const char nl[] = "\n\ngoroutine profile: total 3\n"
				 "3 @ 0x43b0d6 0x44c8a5 0x4a1b3c 0x46e801\n";
	static const char z[] = "Zookeeper session expired; dumping "
				"goroutines\ngoroutine 1 [running]:\n";
	builder b;
	size_t len;
	uint8_t *buf;

	(void)state;
	b_init(&b, "goroutine", "count");
	blocked(&b, 3, "main.worker");
	buf = b_pack(&b, &len);
	assert_true(pprof_sniff(buf, len));
	assert_true(pprof_sniff(buf, len < PPROF_SNIFF_LEN ? len
							    : PPROF_SNIFF_LEN));
	assert_true(pprof_sniff(buf, 5)); /* a short window still tells */
	assert_false(pprof_sniff(text, sizeof text - 1));
	assert_false(pprof_sniff(nl, sizeof nl - 1));
	assert_false(pprof_sniff(z, sizeof z - 1));
	assert_false(pprof_sniff("", 0));
	free(buf);
}

/* The input layer sends a protobuf input to the decoder whatever the
 * chunks it comes in, and text to the parser. */
static void test_input_stream(void **state)
{
	builder b;
	size_t len, i;
	uint8_t *buf;
	got g;
	gt_err e;
	parse_sink sink = {&g, on_begin, on_g, on_end};
	parse_ctx *p;
	input_stream *s;

	(void)state;
	b_init(&b, "goroutine", "count");
	blocked(&b, 3, "main.worker");
	blocked(&b, 4, "main.other");
	buf = b_pack(&b, &len);
	memset(&g, 0, sizeof g);
	p = parse_new(&sink);
	s = input_new(p);
	for (i = 0; i < len; i += 7)
		assert_int_equal(input_feed(s, buf + i, len - i < 7 ? len - i : 7,
					    &e),
				 GT_OK);
	assert_int_equal(input_finish(s, NULL, &e), GT_OK);
	assert_int_equal(g.n, 2);
	assert_int_equal(parse_get_stats(p)->goroutines, 7);
	assert_int_equal(parse_get_stats(p)->dumps, 1);
	input_free(s);
	parse_free(p);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inlined_order),
		cmocka_unit_test(test_goroutine_records),
		cmocka_unit_test(test_only_runtime_frames),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_string_bounds),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_huge_varint),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_input_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
