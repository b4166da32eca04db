/*
 * test_heap.c - heap profiles: pprof's scaling of sampled text figures,
 * the text form (records, frames, MemStats, sites merged by stack, errors
 * with a line number), protobuf profiles of the right and the wrong type,
 * and sites followed across snapshots by the growth test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "heap.h"
#include "heap_diag.h"
#include "heap_diff.h"

static void test_scale(void **state)
{
	int64_t c, b;

	(void)state;
	/* unsampled or unknown rate: as read */
	heap_scale(3, 300, 1, &c, &b);
	assert_int_equal(c, 3);
	assert_int_equal(b, 300);
	heap_scale(0, 0, 16384, &c, &b);
	assert_int_equal(b, 0);
	/* a 32 KiB object at a 16 KiB rate is nearly always taken */
	heap_scale(10, 10 * 32768, 16384, &c, &b);
	assert_int_equal(b, (int64_t)(10 * 32768 / (1 - exp(-2.0))));
	assert_int_equal(c, (int64_t)(10 / (1 - exp(-2.0))));
	/* a small one rarely: each sample stands for many */
	heap_scale(1, 64, 16384, &c, &b);
	assert_true(c > 200 && c < 300);
	assert_true(b > 200 * 64 && b < 300 * 64);
}

static const char text[] =
    "heap profile: 3: 3200 [5: 6400] @ heap/2\n"
    "2: 2048 [3: 3072] @ 0x1 0x2 0x3\n"
    "#\t0x10\tmain.readUpload+0x26\texample.com/app/main.go:65\n"
    "#\t0x20\tmain.handleUpload+0x12\t\texample.com/app/main.go:73\n"
    "\n"
    "1: 1152 [2: 3328] @ 0x4 0x5\n"
    "#\t0x30\ttime.NewTicker+0x1a\ttime/tick.go:43\n"
    "#\t0x40\tmain.handleSubscribe+0x2\texample.com/app/main.go:58\n"
    "\n"
    "0: 0 [0: 0] @ 0x1 0x2 0x3\n"
    "#\t0x10\tmain.readUpload+0x26\texample.com/app/main.go:65\n"
    "#\t0x20\tmain.handleUpload+0x12\t\texample.com/app/main.go:73\n"
    "\n"
    "\n"
    "# runtime.MemStats\n"
    "# Alloc = 123456\n"
    "# HeapInuse = 200000\n"
    "# BySize = [{0 0 0} {8 1 2}]\n"
    "# NumGC = 7\n";

static void test_text(void **state)
{
	heap_profile *h;
	gt_err e = {{0}};
	const heap_site *s;

	(void)state;
	assert_int_equal(heap_parse(text, sizeof text - 1, &h, &e), GT_OK);
	assert_true(h->text);
	/* heap/2: runtime/pprof writes twice the rate, 1: unsampled */
	assert_int_equal(h->rate, 1);
	assert_true(h->has_alloc);
	/* the two records of one stack are one site */
	assert_int_equal(h->nsites, 2);
	s = &h->sites[0];
	assert_string_equal(s->frames[0].func, "main.readUpload");
	assert_string_equal(s->frames[0].file, "example.com/app/main.go");
	assert_int_equal(s->frames[0].line, 65);
	assert_int_equal(s->nframes, 2);
	assert_int_equal(s->inuse_bytes, 2048);
	assert_int_equal(s->alloc_bytes, 3072);
	s = &h->sites[1];
	assert_string_equal(s->frames[0].func, "time.NewTicker");
	/* time.NewTicker is the standard library's: the site is the caller */
	assert_int_equal(s->user, 1);
	assert_int_equal(h->inuse_bytes, 3200);
	assert_int_equal(h->inuse_objects, 3);
	assert_int_equal(h->alloc_objects, 5);
	assert_int_equal(heap_memstat(h, "HeapInuse"), 200000);
	assert_int_equal(heap_memstat(h, "NumGC"), 7);
	assert_int_equal(heap_memstat(h, "BySize"), -1);
	heap_free(h);
}

/* The same records at a sampling rate: each scaled on its own. */
static void test_text_scaled(void **state)
{
	char *t = strdup(text);
	heap_profile *h;
	gt_err e = {{0}};
	int64_t c, b, total = 0;

	(void)state;
	memcpy(strstr(t, "heap/2\n"), "heap/8", 6); /* rate 4 */
	assert_int_equal(heap_parse(t, strlen(t), &h, &e), GT_OK);
	assert_int_equal(h->rate, 4);
	heap_scale(2, 2048, 4, &c, &b);
	assert_int_equal(h->sites[0].inuse_bytes, b);
	total += b;
	heap_scale(1, 1152, 4, &c, &b);
	total += b;
	assert_int_equal(h->inuse_bytes, total);
	heap_free(h);
	free(t);
}

static void expect_error(const char *in, const char *msg)
{
	heap_profile *h = (heap_profile *)1;
	gt_err e = {{0}};

	assert_int_equal(heap_parse(in, strlen(in), &h, &e), GT_ERR);
	assert_null(h);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("'%s' lacks '%s'", e.msg, msg);
}

static void test_text_errors(void **state)
{
	(void)state;
	expect_error("heap profile: x\n", "line 1: not a heap profile header");
	expect_error("heap profile: 1: 2 [3: 4] @ cpu/10\n",
	             "unknown sampling 'cpu'");
	expect_error("heap profile: 1: 2 [3: 4] @ heap/2\n"
	             "1: 2 [3: 4] @ 0x1\n"
	             "garbage\n",
	             "line 3: not a heap profile record");
	/* bytes without objects is no record */
	expect_error("heap profile: 1: 2 [3: 4] @ heap/2\n0: 5 [0: 0] @ 0x1\n",
	             "line 2");
	expect_error("heap profile: 1: 2 [3: 4] @ heap/2\n"
	             "99999999999999999999: 1 [1: 1] @ 0x1\n",
	             "line 2");
	expect_error("goroutine profile: total 4\n", "not a heap profile");
	expect_error("", "not a heap profile");
}

static void test_proto(void **state)
{
	heap_profile *h = (heap_profile *)1;
	gt_err e = {{0}};
	size_t i;

	(void)state;
	assert_int_equal(heap_read_path("samples/go1.26-heap.pb.gz", &h, &e),
	                 GT_OK);
	assert_false(h->text);
	assert_true(h->has_inuse && h->has_alloc);
	assert_true(h->nsites > 0);
	assert_true(h->time > 1.7e9);
	/* sorted by bytes in use, and the totals add up the sites */
	{
		int64_t sum = 0;

		for (i = 0; i < h->nsites; i++) {
			if (i)
				assert_true(h->sites[i - 1].inuse_bytes >=
				            h->sites[i].inuse_bytes);
			sum += h->sites[i].alloc_bytes;
		}
		assert_int_equal(sum, h->alloc_bytes);
	}
	heap_free(h);
	/* a cpu or goroutine profile is none */
	assert_int_equal(heap_read_path("samples/go1.26-cpu.pb.gz", &h, &e),
	                 GT_ERR);
	assert_non_null(
	    strstr(e.msg, "samples/go1.26-cpu.pb.gz: a protobuf profile "
	                  "of samples/count, cpu/nanoseconds, not a heap"));
	assert_int_equal(
	    heap_read_path("samples/go1.26-goroutine.pb.gz", &h, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "of goroutine/count, not a heap"));
	assert_int_equal(heap_read_path("samples/no-such-file", &h, &e),
	                 GT_ERR);
	assert_non_null(strstr(e.msg, "samples/no-such-file: "));
}

/* Profiles of one site: "a" grows by 100 kB a snapshot, "b" rises and
 * falls, "c" grows by less than the threshold. */
static char *profile(unsigned a, unsigned b, unsigned c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	fprintf(f, "heap profile: 1: 1 [2: 2] @ heap/2\n");
	fprintf(f, "1: %u [1: %u] @ 0x1\n#\t0x1\tmain.a+0x1\ta.go:1\n\n", a, a);
	fprintf(f, "1: %u [1: %u] @ 0x2\n#\t0x2\tmain.b+0x1\tb.go:2\n\n", b, b);
	fprintf(f, "1: %u [1: %u] @ 0x3\n#\t0x3\tmain.c+0x1\tc.go:3\n\n", c, c);
	fclose(f);
	return s;
}

static void test_trend(void **state)
{
	static const unsigned b[] = {500000, 900000, 300000,
	                             800000, 200000, 700000};
	heap_profile *p[6];
	double when[6];
	const char *label[6] = {"1", "2", "3", "4", "5", "6"};
	trend_opts o;
	heap_trend *t;
	gt_err e = {{0}};
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++) {
		/* given out of order: the times decide */
		size_t k = 5 - i;
		char *s = profile(1000000 + 100000 * (unsigned)k, b[k],
		                  1000 + 100 * (unsigned)k);

		assert_int_equal(heap_parse(s, strlen(s), &p[i], &e), GT_OK);
		when[i] = 1e9 + 600.0 * (double)k;
		free(s);
	}
	trend_opts_default(&o);
	o.min_growth = HEAP_MIN_GROWTH;
	t = heap_trend_new((const heap_profile *const *)p, when, label, 6, &o);
	assert_int_equal(t->nseries, 3);
	assert_int_equal(t->ngrowing, 1);
	assert_string_equal(t->labels[0], "6");
	assert_true(t->series[0].test.growing);
	assert_string_equal(t->series[0].latest->frames[0].func, "main.a");
	assert_int_equal(t->series[0].bytes[0], 1000000);
	assert_int_equal(t->series[0].bytes[5], 1500000);
	/* 100 kB every 10 minutes */
	assert_true(fabs(t->series[0].test.growth_per_hour - 600000) < 1);
	for (i = 1; i < 3; i++)
		assert_false(t->series[i].test.growing);
	heap_trend_free(t);
	for (i = 0; i < 6; i++)
		heap_free(p[i]);
}

/* A fetched body as it came: gzip is inflated, a gzip stream cut short
 * is an error saying so, plain text is read as is. */
static void test_body(void **state)
{
	unsigned char gz[4096];
	uLongf glen;
	z_stream z;
	heap_profile *h;
	gt_err e = {{0}};

	(void)state;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	                              Z_DEFAULT_STRATEGY),
	                 Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = sizeof text - 1;
	z.next_out = gz;
	z.avail_out = sizeof gz;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	glen = sizeof gz - z.avail_out;
	deflateEnd(&z);

	assert_int_equal(heap_parse_body(gz, glen, &h, &e), GT_OK);
	assert_int_equal(h->nsites, 2);
	assert_int_equal(h->inuse_bytes, 3200);
	heap_free(h);
	assert_int_equal(heap_parse_body(text, sizeof text - 1, &h, &e), GT_OK);
	assert_int_equal(h->inuse_bytes, 3200);
	heap_free(h);
	assert_int_equal(heap_parse_body(gz, glen / 2, &h, &e), GT_ERR);
	assert_null(h);
	assert_non_null(strstr(e.msg, "cut short"));
	/* an HTML page is no heap profile */
	assert_int_equal(heap_parse_body("<html>", 6, &h, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "not a heap profile"));
}

/* A growing site is linked to a growing goroutine group through a user
 * function both run through (a frame, or the group's creator); not to a
 * steady group, and not through the standard library. */
static void test_link(void **state)
{
	static const unsigned b[] = {100000, 300000, 500000, 700000};
	heap_profile *p[4];
	double when[4];
	const char *label[4] = {"1", "2", "3", "4"};
	group_frame gf[2], creator, sf[1];
	group grow, steady;
	trend_series ts[2];
	trend g;
	trend_opts o;
	heap_trend *t;
	gt_err e = {{0}};
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		char *s;
		size_t n;
		FILE *f = open_memstream(&s, &n);

		fprintf(f, "heap profile: 1: 1 [1: 1] @ heap/2\n");
		fprintf(f, "1: %u [1: %u] @ 0x1 0x2 0x3\n"
		           "#\t0x1\ttime.NewTicker+0x1\ttime/tick.go:43\n"
		           "#\t0x2\tmain.subscribe+0x1\tm.go:9\n"
		           "#\t0x3\tmain.serve+0x1\tm.go:20\n\n",
		        b[i], b[i]);
		fclose(f);
		assert_int_equal(heap_parse(s, n, &p[i], &e), GT_OK);
		free(s);
		when[i] = 1e9 + 60.0 * (double)i;
	}
	trend_opts_default(&o);
	o.min_growth = HEAP_MIN_GROWTH;
	t = heap_trend_new((const heap_profile *const *)p, when, label, 4, &o);
	assert_int_equal(t->ngrowing, 1);

	memset(gf, 0, sizeof gf);
	memset(&creator, 0, sizeof creator);
	memset(sf, 0, sizeof sf);
	gf[0].func = "time.NewTicker", gf[0].func_len = 14;
	gf[1].func = "main.watch", gf[1].func_len = 10;
	creator.func = "main.subscribe", creator.func_len = 14;
	memset(&grow, 0, sizeof grow);
	grow.frames = gf, grow.nframes = 2, grow.created_by = creator;
	sf[0].func = "main.serve", sf[0].func_len = 10;
	memset(&steady, 0, sizeof steady);
	steady.frames = sf, steady.nframes = 1;
	memset(ts, 0, sizeof ts);
	memset(&g, 0, sizeof g);
	strcpy(ts[0].fingerprint, "aaaaaaaaaaaaaaaa");
	ts[0].latest = &grow, ts[0].growing = 1;
	strcpy(ts[1].fingerprint, "bbbbbbbbbbbbbbbb");
	ts[1].latest = &steady, ts[1].growing = 0;
	g.series = ts, g.nseries = 2;

	heap_trend_link(t, &g);
	/* through the creator, not time.NewTicker (standard library), not
	 * the steady group's main.serve */
	assert_int_equal(t->series[0].nlinks, 1);
	assert_ptr_equal(t->series[0].links[0].group, &ts[0]);
	assert_string_equal(t->series[0].links[0].func, "main.subscribe");
	/* the steady group grows now: main.serve links it too */
	ts[1].growing = 1;
	free(t->series[0].links);
	t->series[0].links = NULL, t->series[0].nlinks = 0;
	heap_trend_link(t, &g);
	assert_int_equal(t->series[0].nlinks, 2);
	assert_string_equal(t->series[0].links[1].func, "main.serve");
	heap_trend_free(t);
	for (i = 0; i < 4; i++)
		heap_free(p[i]);
}

/* Two profiles site by site: grown (flagged from min_growth on), shrunk,
 * new, gone; a site with nothing in use on a side is absent there. */
static void test_diff(void **state)
{
	static const char old_t[] =
	    "heap profile: 1: 1 [1: 1] @ heap/2\n"
	    "1: 100000 [1: 100000] @ 0x1\n#\t0x1\tmain.grow+0x1\ta.go:1\n\n"
	    "1: 50000 [1: 50000] @ 0x2\n#\t0x2\tmain.shrink+0x1\tb.go:2\n\n"
	    "1: 7000 [1: 7000] @ 0x3\n#\t0x3\tmain.gone+0x1\tc.go:3\n\n"
	    "0: 0 [4: 400] @ 0x5\n#\t0x5\tmain.freed+0x1\te.go:5\n\n";
	static const char new_t[] =
	    "heap profile: 1: 1 [1: 1] @ heap/2\n"
	    "3: 300000 [3: 300000] @ 0x1\n#\t0x1\tmain.grow+0x1\ta.go:1\n\n"
	    "1: 20000 [1: 20000] @ 0x2\n#\t0x2\tmain.shrink+0x1\tb.go:2\n\n"
	    "2: 9000 [2: 9000] @ 0x4\n#\t0x4\tmain.fresh+0x1\td.go:4\n\n"
	    "0: 0 [8: 800] @ 0x5\n#\t0x5\tmain.freed+0x1\te.go:5\n\n";
	heap_profile *a, *b;
	heap_diff *d;
	gt_err e = {{0}};
	size_t i;

	(void)state;
	assert_int_equal(heap_parse(old_t, sizeof old_t - 1, &a, &e), GT_OK);
	assert_int_equal(heap_parse(new_t, sizeof new_t - 1, &b, &e), GT_OK);
	d = heap_diff_new(a, b, 65536);
	assert_int_equal(d->nchanges, 5);
	/* largest change first */
	assert_int_equal(d->changes[0].kind, DIFF_GROWN);
	assert_string_equal(d->changes[0].new_s->frames[0].func, "main.grow");
	assert_int_equal(d->changes[0].delta_bytes, 200000);
	assert_int_equal(d->changes[0].delta_objects, 2);
	assert_true(d->changes[0].flagged);
	assert_int_equal(d->changes[1].kind, DIFF_SHRUNK);
	assert_int_equal(d->changes[1].delta_bytes, -30000);
	assert_false(d->changes[1].flagged);
	assert_int_equal(d->changes[2].kind, DIFF_NEW);
	assert_null(d->changes[2].old_s);
	assert_int_equal(d->changes[3].kind, DIFF_GONE);
	assert_null(d->changes[3].new_s);
	assert_int_equal(d->changes[4].kind, DIFF_SAME);
	assert_int_equal(d->nflagged, 1);
	assert_int_equal(d->count[DIFF_NEW] + d->count[DIFF_GONE], 2);
	heap_diff_free(d);
	/* below the threshold nothing is flagged */
	d = heap_diff_new(a, b, 200001);
	assert_int_equal(d->nflagged, 0);
	for (i = 0; i < d->nchanges; i++)
		assert_false(d->changes[i].flagged);
	heap_diff_free(d);
	heap_free(a);
	heap_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scale),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_text_scaled),
	    cmocka_unit_test(test_text_errors),
	    cmocka_unit_test(test_proto),
	    cmocka_unit_test(test_trend),
	    cmocka_unit_test(test_body),
	    cmocka_unit_test(test_link),
	    cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
