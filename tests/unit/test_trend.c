/*
 * test_trend.c - the growth test on steady, noisy, flat and step series,
 * the Mann-Kendall statistic, times in file names, and snapshots matched
 * by fingerprint and put in time order whatever order or names they come
 * in (through the library and through `gtriage trend`).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "group.h"
#include "parse.h"
#include "rules.h"
#include "tool.h"
#include "trend.h"

#include "testutil.h"

/* ---- building dumps --------------------------------------------------------- */

/* A snapshot of a program with a leak of `leak` goroutines (ids from
 * 100) and a pool of `pool` workers (ids 10...). */
static char *app_text(unsigned leak, unsigned pool, unsigned salt)
{
	gspec g[] = {
		{"chan send", "main.fetch.func1", "/src/app/fetch.go", 41,
		 "main.fetch", 100, leak, -1},
		{"chan receive", "main.(*Pool).worker", "/src/app/pool.go", 66,
		 "main.NewPool", 10, pool, -1},
	};

	return dump_text(g, 2, salt);
}

/* ---- the growth test ---------------------------------------------------- */

static trend_series run(const uint64_t *c, size_t n)
{
	trend_opts o;
	trend_series s;

	trend_opts_default(&o);
	memset(&s, 0, sizeof s);
	trend_test(&o, c, NULL, n, 0, &s);
	return s;
}

#define GROWING(...)                                                        \
	run((const uint64_t[]){__VA_ARGS__},                                \
	    sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t))     \
		.growing

static void test_mann_kendall(void **state)
{
	const uint64_t up[] = {1, 2, 3, 4, 5, 6}, down[] = {6, 5, 4, 3, 2, 1};
	const uint64_t flat[] = {8, 8, 8, 8, 8, 8};
	const uint64_t tied[] = {10, 10, 10, 50, 50, 50};
	long s;
	double p;

	(void)state;
	p = trend_mann_kendall(up, 6, &s);
	assert_int_equal(s, 15);
	/* var = 6*5*17/18 = 28.33; z = 14/5.323 = 2.630; p = 0.00854 */
	assert_true(fabs(p - 0.00854) < 0.0001);
	p = trend_mann_kendall(down, 6, &s);
	assert_int_equal(s, -15);
	assert_true(fabs(p - 0.00854) < 0.0001);
	p = trend_mann_kendall(flat, 6, &s);
	assert_int_equal(s, 0);
	assert_true(p == 1.0);
	/* ties: var = (510 - 2*3*2*11)/18 = 21; z = 8/4.583 = 1.746 */
	p = trend_mann_kendall(tied, 6, &s);
	assert_int_equal(s, 9);
	assert_true(fabs(p - 0.0809) < 0.001);
	p = trend_mann_kendall(up, 1, &s);
	assert_int_equal(s, 0);
	assert_true(p == 1.0);
}

static void test_steady(void **state)
{
	(void)state;
	assert_true(GROWING(10, 14, 18, 22, 26, 30));
	/* a leak that is still small: one more goroutine per snapshot */
	assert_true(GROWING(1, 2, 3, 4, 5, 6));
	/* steady with one dip: Mann-Kendall still sees the trend */
	assert_true(GROWING(4, 9, 8, 15, 19, 24));
	/* absent at first, then growing */
	assert_true(GROWING(0, 0, 3, 6, 9, 12));
	/* many points, noisy but rising */
	assert_true(GROWING(20, 23, 22, 26, 25, 29, 31, 30, 34, 36));
}

static void test_noisy(void **state)
{
	(void)state;
	/* in-flight requests: up and down around a level */
	assert_false(GROWING(50, 58, 47, 55, 61, 49));
	assert_false(GROWING(3, 7, 2, 6, 4, 8));
	/* ends higher, but the rise is not monotonic enough */
	assert_false(GROWING(10, 30, 12, 28, 14, 31));
	/* a pool wobbling by 3 around 64 */
	assert_false(GROWING(64, 61, 67, 62, 66, 63, 65, 64, 67, 61, 64));
	assert_false(GROWING(64, 62, 65, 67, 63, 61, 66, 64, 62, 67));
	/* a wobble that happens to end 6 higher is still a wobble */
	assert_false(GROWING(61, 66, 62, 67, 63, 65, 61, 64, 67));
}

static void test_flat(void **state)
{
	(void)state;
	assert_false(GROWING(8, 8, 8, 8, 8, 8));
	assert_false(GROWING(8, 7, 8, 8, 9, 8));
	assert_false(GROWING(500, 500, 500));
	assert_false(GROWING(0, 0, 0, 0, 0));
	/* shrinking is not growing */
	assert_false(GROWING(30, 25, 20, 15, 10, 5));
}

static void test_step(void **state)
{
	(void)state;
	/* a deploy or a warm-up: one jump, flat around it */
	assert_false(GROWING(10, 10, 10, 50, 50, 50));
	assert_false(GROWING(10, 10, 50, 50, 50, 50));
	/* strictly increasing, but nearly all of it in one step */
	assert_false(GROWING(10, 11, 12, 50, 51, 52));
	assert_false(GROWING(10, 11, 40));
	/* a step on top of a steady leak is still a leak */
	assert_true(GROWING(10, 14, 18, 30, 34, 38));
}

static void test_few_points(void **state)
{
	(void)state;
	/* two snapshots never make a trend: diff is for that */
	assert_false(GROWING(1, 100));
	/* three or four must rise strictly */
	assert_true(GROWING(2, 10, 25));
	assert_false(GROWING(2, 10, 9));
	assert_false(GROWING(2, 10, 10));
	assert_true(GROWING(5, 10, 15, 20));
	assert_false(GROWING(5, 10, 10, 20));
	/* too little growth */
	assert_false(GROWING(1, 2, 3, 4, 5));
	assert_false(GROWING(10, 11, 13));
}

static void test_thresholds(void **state)
{
	const uint64_t c[] = {1, 2, 3, 4, 5, 6};
	trend_opts o;
	trend_series s;

	(void)state;
	trend_opts_default(&o);
	assert_int_equal(o.min_growth, 5);
	assert_true(o.min_rise == 0 && o.max_p == 0.05 && o.max_step == 0.75);
	memset(&s, 0, sizeof s);
	trend_test(&o, c, NULL, 6, 0, &s);
	assert_true(s.growing);
	assert_true(fabs(s.rise - 5.0) < 1e-9);
	o.min_growth = 6;
	trend_test(&o, c, NULL, 6, 0, &s);
	assert_false(s.growing);
	o.min_growth = 5;
	o.max_p = 0.001;
	trend_test(&o, c, NULL, 6, 0, &s);
	assert_false(s.growing);
	/* the relative test of old, on request: 5 is 500% of 1, but 5% of
	 * 100 */
	o.max_p = 0.05;
	o.min_rise = 0.2;
	trend_test(&o, c, NULL, 6, 0, &s);
	assert_true(s.growing);
	{
		const uint64_t high[] = {100, 101, 102, 103, 104, 105};

		trend_test(&o, high, NULL, 6, 0, &s);
		assert_false(s.growing);
		o.min_rise = 0;
		trend_test(&o, high, NULL, 6, 0, &s);
		assert_true(s.growing);
	}
}

/* The leak: 254 -> 304 in five steps of 10 s, +3,600 per hour,
 * growing although the rise is under 20% of the first count. */
static void test_fast_leak_at_a_level(void **state)
{
	const uint64_t c[] = {254, 264, 274, 284, 294, 304};
	double when[6];
	trend_opts o;
	trend_series s;

	(void)state;
	for (int i = 0; i < 6; i++)
		when[i] = 1e9 + 10.0 * i;
	trend_opts_default(&o);
	memset(&s, 0, sizeof s);
	trend_test(&o, c, when, 6, 0, &s);
	assert_true(fabs(s.growth_per_hour - 3600.0) < 1e-6);
	assert_true(fabs(s.rise - 50.0) < 1e-6);
	assert_int_equal(s.mk_s, 15);
	assert_true(s.growing);
}

/* A leak already at 10,000: rising by about 60 a minute with noise, over
 * ten snapshots; and `watch -c 4` on a leak of ~21,000 an hour, fetched
 * every 10 s. */
static void test_large_leak(void **state)
{
	const uint64_t big[] = {10000, 10071, 10113, 10187, 10232,
				10310, 10349, 10428, 10466, 10544};
	const uint64_t four[] = {10000, 10061, 10115, 10175};
	double when[10];
	trend_opts o;
	trend_series s;

	(void)state;
	for (int i = 0; i < 10; i++)
		when[i] = 1e9 + 60.0 * i;
	trend_opts_default(&o);
	memset(&s, 0, sizeof s);
	trend_test(&o, big, when, 10, 0, &s);
	assert_true(s.growing);
	assert_true(s.growth_per_hour > 3500 && s.growth_per_hour < 3700);
	for (int i = 0; i < 4; i++)
		when[i] = 1e9 + 10.0 * i;
	trend_test(&o, four, when, 4, 0, &s);
	assert_true(s.growing);
	assert_true(s.growth_per_hour > 20000 && s.growth_per_hour < 22000);
}

/* Same slope and noise at any level: the same answer, and the answer
 * expected of the shape. */
static void test_level_free(void **state)
{
	static const struct {
		int64_t d[10];
		int growing;
	} shapes[] = {
		{{0, 3, 1, 5, 4, 8, 6, 10, 9, 12}, 1},   /* noisy leak */
		{{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}, 1}, /* clean leak */
		{{0, 6, 1, 5, 2, 7, 0, 4, 1, 6}, 0},     /* wobble */
		{{0, 0, 0, 0, 0, 20, 20, 20, 20, 21}, 0}, /* one step */
		{{0, 1, 1, 2, 2, 2, 3, 3, 3, 4}, 0},     /* +4 in all */
	};
	static const uint64_t levels[] = {0, 50, 10000, 1000000};
	trend_opts o;

	(void)state;
	trend_opts_default(&o);
	for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
		for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
			uint64_t c[10];
			double when[10];
			trend_series s;

			for (int i = 0; i < 10; i++) {
				c[i] = levels[l] + (uint64_t)shapes[k].d[i];
				when[i] = 1e9 + 30.0 * i;
			}
			memset(&s, 0, sizeof s);
			trend_test(&o, c, when, 10, 0, &s);
			if (s.growing != shapes[k].growing)
				fail_msg("shape %zu at level %" PRIu64
					 ": growing %d",
					 k, levels[l], s.growing);
		}
	}
}

/* A group the single-snapshot rules flag needs no size threshold: three
 * rising snapshots confirm it. */
static void test_flagged_rising(void **state)
{
	const uint64_t c[] = {20, 21, 22}, flat[] = {20, 21, 21};
	const uint64_t step[] = {1, 2, 12};
	trend_opts o;
	trend_series s;

	(void)state;
	trend_opts_default(&o);
	memset(&s, 0, sizeof s);
	trend_test(&o, c, NULL, 3, 0, &s);
	assert_false(s.growing);
	trend_test(&o, c, NULL, 3, 1, &s);
	assert_true(s.growing);
	trend_test(&o, flat, NULL, 3, 1, &s);
	assert_false(s.growing);
	/* a step is still no steady rise */
	trend_test(&o, step, NULL, 3, 1, &s);
	assert_false(s.growing);
}

/* Through trend_finish: the leak is flagged for its share in the last
 * snapshot and rises by 1 a snapshot; the pool rises by 1 too but is
 * under every single-snapshot threshold. */
static void test_flagged_rising_trend(void **state)
{
	rules *r = builtin();
	group_set *sets[3];
	trend *t = trend_new(NULL);

	(void)state;
	for (int i = 0; i < 3; i++) {
		char *txt = app_text(20 + (unsigned)i, 3 + (unsigned)i,
				     (unsigned)i);

		sets[i] = parse_set(r, txt);
		free(txt);
		trend_add(t, sets[i]->dumps[0], 1e9 + 60 * i, "x");
	}
	trend_finish(t);
	assert_int_equal(t->ngrowing, 1);
	assert_true(t->series[0].growing);
	assert_string_equal(t->series[0].latest->frames[0].func,
			    "main.fetch.func1");
	assert_int_equal(t->series[0].counts[2], 22);
	assert_true(group_is_leak(sets[2]->dumps[0]->groups[0]));
	for (size_t i = 1; i < t->nseries; i++)
		assert_false(t->series[i].growing);
	trend_free(t);
	for (int i = 0; i < 3; i++)
		group_set_free(sets[i]);
	rules_free(r);
}

/* Two captures of one moment (fetched back to back) are no rise over
 * time: four snapshots at two moments are not tested; a third moment is. */
static void test_one_moment_twice(void **state)
{
	rules *r = builtin();
	group_set *sets[5];
	/* pairs 0.05 s apart, 60 s between the pairs, then one more */
	const double when[5] = {1e9, 1e9 + 0.05, 1e9 + 60, 1e9 + 60.05,
				1e9 + 120};

	(void)state;
	for (int n = 4; n <= 5; n++) {
		trend *t = trend_new(NULL);

		for (int i = 0; i < n; i++) {
			/* the leak rises at every snapshot */
			char *txt = app_text(20 + 10 * (unsigned)(i / 2) +
						     (unsigned)(i % 2),
					     3, (unsigned)i);

			sets[i] = parse_set(r, txt);
			free(txt);
			trend_add(t, sets[i]->dumps[0], when[i], "x");
		}
		trend_finish(t);
		assert_int_equal(t->ntimes, n == 4 ? 2 : 3);
		if (n == 4) {
			assert_false(trend_tested(t));
			assert_int_equal(t->ngrowing, 0);
		} else {
			assert_true(trend_tested(t));
			assert_int_equal(t->ngrowing, 1);
		}
		trend_free(t);
		for (int i = 0; i < n; i++)
			group_set_free(sets[i]);
	}
	rules_free(r);
}

static void test_slope(void **state)
{
	const uint64_t c[] = {0, 10, 20};
	const double t[] = {1e9, 1e9 + 1800, 1e9 + 3600};
	const double some[] = {1e9, 0, 1e9 + 3600};
	trend_opts o;
	trend_series s;

	(void)state;
	trend_opts_default(&o);
	memset(&s, 0, sizeof s);
	trend_test(&o, c, t, 3, 0, &s);
	assert_true(fabs(s.growth_per_hour - 20.0) < 1e-9);
	assert_true(s.growing);
	/* only the points with a time count */
	trend_test(&o, c, some, 3, 0, &s);
	assert_true(fabs(s.growth_per_hour - 20.0) < 1e-9);
	trend_test(&o, c, NULL, 3, 0, &s);
	assert_true(s.growth_per_hour == 0);
}

/* ---- file names ----------------------------------------------------------- */

static double utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (double)timegm(&tm);
}

static void test_name_time(void **state)
{
	double want = utc(2026, 11, 22, 4, 5, 0);

	(void)state;
	assert_true(trend_name_time("app-20261122T040500Z.txt") == want);
	assert_true(trend_name_time("snaps/app-20261122T040500Z.txt.gz") == want);
	assert_true(trend_name_time("svc-v2-20261122T040500Z.txt") == want);
	assert_true(trend_name_time("2026-11-22T04:05:00Z.txt") == want);
	assert_true(trend_name_time("dump_2026-11-22_04-05-00.log") == want);
	/* the directory does not count, nor do other numbers */
	assert_true(trend_name_time("20261122T040500Z/app.txt") == 0);
	assert_true(trend_name_time("app.txt") == 0);
	assert_true(trend_name_time("app-1234.txt") == 0);
	assert_true(trend_name_time("app-20261322T040500Z.txt") == 0);
	assert_true(trend_name_time("app-120261122T040500Z.txt") == 0);
	/* a digit near the end is not read past (exact-size copies: the
	 * sanitizer build sees any overread) */
	{
		static const char *const tails[] = {"dump1", "a?token=x-7",
						    "x-2026", "x-2026-1"};

		for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
			char *c = gt_strndup(tails[i], strlen(tails[i]));

			assert_true(trend_name_time(c) == 0);
			free(c);
		}
	}
}

/* ---- matching and order ------------------------------------------------------ */

static void test_order_and_match(void **state)
{
	rules *r = builtin();
	/* leak 2, 4, 6, 8 at times 100..400; added out of order, and with
	 * different ids, arguments and pc offsets each time */
	const unsigned leak[] = {6, 2, 8, 4};
	const double when[] = {1e9 + 300, 1e9 + 100, 1e9 + 400, 1e9 + 200};
	group_set *sets[4];
	trend *t = trend_new(NULL);
	char label[32];

	(void)state;
	for (int i = 0; i < 4; i++) {
		char *txt = app_text(leak[i], 3, (unsigned)i + 1);

		sets[i] = parse_set(r, txt);
		free(txt);
		snprintf(label, sizeof label, "snap %d", i);
		trend_add(t, sets[i]->dumps[0], when[i], label);
	}
	trend_finish(t);
	assert_int_equal(t->npoints, 4);
	assert_string_equal(t->points[0].label, "snap 1");
	assert_string_equal(t->points[1].label, "snap 3");
	assert_string_equal(t->points[2].label, "snap 0");
	assert_string_equal(t->points[3].label, "snap 2");
	assert_true(t->timed);
	/* leak, pool, the main goroutine: one series each */
	assert_int_equal(t->nseries, 3);
	assert_int_equal(t->ngrowing, 1);
	assert_true(t->series[0].growing);
	assert_string_equal(t->series[0].latest->frames[0].func,
			    "main.fetch.func1");
	for (int i = 0; i < 4; i++)
		assert_int_equal(t->series[0].counts[i], 2 * (i + 1));
	/* 2 more every 100 s: 72 per hour */
	assert_true(fabs(t->series[0].growth_per_hour - 72.0) < 1e-6);
	assert_true(t->series[0].flagged);
	assert_true(t->series[0].reasons & GROUP_R_GROWING);
	/* the pool: steady, not flagged */
	assert_false(t->series[1].growing);
	assert_false(t->series[1].flagged);
	assert_int_equal(t->series[1].counts[3], 3);
	trend_free(t);
	for (int i = 0; i < 4; i++)
		group_set_free(sets[i]);
	rules_free(r);
}

static void test_unknown_times_keep_order(void **state)
{
	rules *r = builtin();
	group_set *sets[4];
	/* the second and the fourth have no time: each stays after the one
	 * added before it */
	const double when[] = {1e9 + 200, 0, 1e9 + 100, 0};
	trend *t = trend_new(NULL);
	char label[32];

	(void)state;
	for (int i = 0; i < 4; i++) {
		char *txt = app_text(2, 3, 1);

		sets[i] = parse_set(r, txt);
		free(txt);
		snprintf(label, sizeof label, "%d", i);
		trend_add(t, sets[i]->dumps[0], when[i], label);
	}
	trend_finish(t);
	assert_string_equal(t->points[0].label, "2");
	assert_string_equal(t->points[1].label, "3");
	assert_string_equal(t->points[2].label, "0");
	assert_string_equal(t->points[3].label, "1");
	trend_free(t);
	for (int i = 0; i < 4; i++)
		group_set_free(sets[i]);

	/* no times at all: the order they were added in */
	t = trend_new(NULL);
	for (int i = 0; i < 3; i++) {
		char *txt = app_text(2 + 3 * (unsigned)i, 3, 1);

		sets[i] = parse_set(r, txt);
		free(txt);
		snprintf(label, sizeof label, "%d", i);
		trend_add(t, sets[i]->dumps[0], 0, label);
	}
	trend_finish(t);
	assert_false(t->timed);
	assert_string_equal(t->points[0].label, "0");
	assert_int_equal(t->ngrowing, 1);
	assert_true(t->series[0].growth_per_hour == 0);
	trend_free(t);
	for (int i = 0; i < 3; i++)
		group_set_free(sets[i]);
	rules_free(r);
}

/* A steady group flagged in one snapshot only for its share is no leak in
 * a trend; other reasons stand. */
static void test_steady_share_not_flagged(void **state)
{
	rules *r = builtin();
	group_set *sets[3];
	trend *t = trend_new(NULL);

	(void)state;
	for (int i = 0; i < 3; i++) {
		/* 30 workers of 31 goroutines, started together by a live
		 * parent: their share alone flags nothing */
		char *txt = app_text(0, 30, (unsigned)i);

		sets[i] = parse_set(r, txt);
		free(txt);
		trend_add(t, sets[i]->dumps[0], 1e9 + 60 * i, "x");
	}
	assert_false(group_is_leak(sets[2]->dumps[0]->groups[0]));
	trend_finish(t);
	assert_int_equal(t->ngrowing, 0);
	assert_false(t->series[0].flagged);
	assert_int_equal(t->series[0].reasons, 0);
	trend_free(t);
	for (int i = 0; i < 3; i++)
		group_set_free(sets[i]);
	rules_free(r);
}

/* ---- reports ------------------------------------------------------------- */

static void test_reports(void **state)
{
	rules *r = builtin();
	group_set *sets[5];
	trend *t = trend_new(NULL);
	report_opts o = {REPORT_TEXT, "app", 0, 0, 0};
	gt_err e = {{0}};
	json_t *doc, *g0, *counts;
	json_error_t je;
	char *out;
	FILE *f;

	(void)state;
	for (int i = 0; i < 5; i++) {
		char *txt = app_text(3 * (unsigned)i + 1, 4, (unsigned)i);

		sets[i] = parse_set(r, txt);
		free(txt);
		trend_add(t, sets[i]->dumps[0], 1e9 + 1800 * i, "s");
	}
	trend_finish(t);

	f = tmpfile();
	assert_int_equal(trend_report(f, t, &o, &e), GT_OK);
	out = slurp(f);
	fclose(f);
	/* the C locale of the test: ASCII sparklines */
	assert_non_null(strstr(out, "gtriage trend: app: 5 snapshots over 2h00m"));
	assert_non_null(strstr(out, "growing steadily (probable leaks):"));
	assert_non_null(strstr(out, "[1] _:=*#  1 -> 13  +6.0/h  chan-send"));
	assert_non_null(strstr(out, "counts: 1 4 7 10 13"));
	assert_non_null(strstr(out, t->series[0].fingerprint));
	assert_non_null(strstr(out, "probable leak: 1 group growing steadily"));
	assert_null(strstr(out, "\xe2\x96")); /* no block characters */
	free(out);

	o.format = REPORT_JSON;
	f = tmpfile();
	assert_int_equal(trend_report(f, t, &o, &e), GT_OK);
	out = slurp(f);
	fclose(f);
	doc = json_loads(out, 0, &je);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "schema")),
			 TREND_JSON_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(doc, "command")),
			    "trend");
	assert_int_equal(json_array_size(json_object_get(doc, "snapshots")), 5);
	assert_int_equal(json_integer_value(json_object_get(doc,
							    "growing_groups")), 1);
	g0 = json_array_get(json_object_get(doc, "groups"), 0);
	assert_string_equal(json_string_value(json_object_get(g0, "fingerprint")),
			    t->series[0].fingerprint);
	counts = json_object_get(g0, "counts");
	assert_int_equal(json_array_size(counts), 5);
	assert_int_equal(json_integer_value(json_array_get(counts, 4)), 13);
	assert_true(json_is_true(json_object_get(g0, "growing")));
	assert_true(fabs(json_real_value(json_object_get(g0, "growth_per_hour")) -
			 6.0) < 1e-9);
	/* the core group fields */
	assert_string_equal(json_string_value(json_object_get(g0, "category")),
			    "chan-send");
	assert_int_equal(json_integer_value(json_object_get(g0, "count")), 13);
	assert_true(json_is_array(json_object_get(g0, "frames")));
	assert_true(json_is_true(json_object_get(g0, "leak")));
	{
		json_t *reasons = json_object_get(g0, "reasons"), *rs;
		size_t k;
		int found = 0;

		json_array_foreach(reasons, k, rs)
			found |= strcmp(json_string_value(json_object_get(rs, "code")),
					"growing") == 0;
		assert_true(found);
	}
	json_decref(doc);
	free(out);

	o.format = REPORT_MARKDOWN;
	f = tmpfile();
	assert_int_equal(trend_report(f, t, &o, &e), GT_OK);
	out = slurp(f);
	fclose(f);
	assert_non_null(strstr(out, "## Goroutine trend: app"));
	assert_non_null(strstr(out, "\xe2\x96\x81")); /* ▁ */
	free(out);

	trend_free(t);
	for (int i = 0; i < 5; i++)
		group_set_free(sets[i]);
	rules_free(r);
}

/* ---- the command ----------------------------------------------------------- */

static char tmpdir[64];

static void write_file(const char *name, const char *text, time_t mtime)
{
	char path[256];
	struct timeval tv[2] = {{mtime, 0}, {mtime, 0}};
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	if (mtime)
		assert_int_equal(utimes(path, tv), 0);
}

/* Runs `gtriage trend -f json -o OUT args...`; returns the exit status and
 * the snapshot labels and the leak's counts, in report order. */
static int run_trend(const char *const *args, size_t n, char *labels,
		     size_t llen, char *counts, size_t clen)
{
	char out[256], *argv[16];
	int argc = 0, rc;
	json_t *doc, *v, *g;
	json_error_t je;
	size_t i;

	snprintf(out, sizeof out, "%s/out.json", tmpdir);
	argv[argc++] = "trend";
	argv[argc++] = "-f";
	argv[argc++] = "json";
	argv[argc++] = "-o";
	argv[argc++] = out;
	for (i = 0; i < n; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	optind = 0; /* glibc: start getopt afresh */
	rc = tool_trend_main(argc, argv);
	labels[0] = counts[0] = '\0';
	if (rc == EXIT_TROUBLE)
		return rc;
	doc = json_load_file(out, 0, &je);
	assert_non_null(doc);
	json_array_foreach(json_object_get(doc, "snapshots"), i, v)
		snprintf(labels + strlen(labels), llen - strlen(labels), "%s%s",
			 i ? " " : "",
			 json_string_value(json_object_get(v, "label")));
	json_array_foreach(json_object_get(doc, "groups"), i, g)
	{
		size_t k;

		if (strcmp(json_string_value(json_object_get(g, "state")),
			   "chan send") != 0)
			continue;
		json_array_foreach(json_object_get(g, "counts"), k, v)
			snprintf(counts + strlen(counts), clen - strlen(counts),
				 "%s%lld", k ? " " : "",
				 (long long)json_integer_value(v));
	}
	json_decref(doc);
	return rc;
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/gt-trend-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_tool_reordered(void **state)
{
	const char *names[] = {"app-20261122T041500Z.txt",
			       "app-20261122T040500Z.txt",
			       "app-20261122T041000Z.txt"};
	const unsigned leak[] = {30, 10, 20};
	char p[3][256], labels[512], counts[128];
	const char *args[3];

	(void)state;
	for (int i = 0; i < 3; i++) {
		char *txt = app_text(leak[i], 4, (unsigned)i);

		/* mtimes that disagree: the names win */
		write_file(names[i], txt, 1000000000 + 100 * i);
		free(txt);
		snprintf(p[i], sizeof p[i], "%s/%s", tmpdir, names[i]);
		args[i] = p[i];
	}
	assert_int_equal(run_trend(args, 3, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_LEAK);
	assert_string_equal(labels, "app-20261122T040500Z.txt "
			    "app-20261122T041000Z.txt app-20261122T041500Z.txt");
	assert_string_equal(counts, "10 20 30");

	/* the directory gives the same */
	args[0] = tmpdir;
	assert_int_equal(run_trend(args, 1, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_LEAK);
	assert_string_equal(counts, "10 20 30");
}

/* A directory snap keeps: the goroutine series of one target is the
 * trend; its NAME-leak-* series (another kind) is left out, and a second
 * target's dumps make the directory no one program's trend. */
static void test_tool_dir_series(void **state)
{
	const char *names[] = {"app-20261122T040500Z.txt",
			       "app-20261122T041000Z.txt",
			       "app-20261122T041500Z.txt",
			       "app-leak-20261122T040600Z.txt",
			       "app-leak-20261122T041100Z.txt"};
	const unsigned leak[] = {10, 20, 30, 7, 3};
	char labels[512], counts[128];
	const char *args[1] = {tmpdir};

	(void)state;
	for (int i = 0; i < 5; i++) {
		char *txt = app_text(leak[i], 4, (unsigned)i);

		write_file(names[i], txt, 0);
		free(txt);
	}
	assert_int_equal(run_trend(args, 1, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_LEAK);
	assert_string_equal(labels, "app-20261122T040500Z.txt "
			    "app-20261122T041000Z.txt app-20261122T041500Z.txt");
	assert_string_equal(counts, "10 20 30");

	{
		char *txt = app_text(1, 4, 9);

		write_file("api-20261122T041600Z.txt", txt, 0);
		free(txt);
	}
	assert_int_equal(run_trend(args, 1, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_TROUBLE);
}

/* `gtriage trend` over files: a leak at 254 that rises by 10 every 10 s
 * to 304 is growing, whatever its level, next to a pool wobbling around
 * 64; --min-rise brings the relative test back. Size thresholds are out
 * of reach here, so no group is flagged by them. */
static void test_tool_at_a_level(void **state)
{
	const unsigned pool[] = {64, 61, 67, 62, 66, 64};
	char p[6][256], labels[512], counts[128];
	const char *args[10];

	(void)state;
	for (int i = 0; i < 6; i++) {
		char name[64], *txt = app_text(254 + 10 * (unsigned)i, pool[i],
					       (unsigned)i);

		snprintf(name, sizeof name, "app-20261122T0405%02dZ.txt",
			 10 * i);
		write_file(name, txt, 0);
		free(txt);
		snprintf(p[i], sizeof p[i], "%s/%s", tmpdir, name);
		args[i] = p[i];
	}
	args[6] = "--min-count";
	args[7] = "100000";
	args[8] = "--min-share";
	args[9] = "1";
	assert_int_equal(run_trend(args, 10, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_LEAK);
	assert_string_equal(counts, "254 264 274 284 294 304");
	args[8] = "--min-rise";
	args[9] = "0.2";
	assert_int_equal(run_trend(args, 10, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_CLEAN);
}

static void test_tool_renamed(void **state)
{
	/* names without a time: modification times order them */
	const char *names[] = {"c.txt", "a.txt", "b.txt"};
	const unsigned leak[] = {10, 30, 20};
	const time_t mt[] = {1000000000, 1000000600, 1000000300};
	char p[3][256], labels[512], counts[128];
	const char *args[3];

	(void)state;
	for (int i = 0; i < 3; i++) {
		char *txt = app_text(leak[i], 4, (unsigned)i);

		write_file(names[i], txt, mt[i]);
		free(txt);
		snprintf(p[i], sizeof p[i], "%s/%s", tmpdir, names[i]);
		args[i] = p[i];
	}
	assert_int_equal(run_trend(args, 3, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_LEAK);
	assert_string_equal(labels, "c.txt b.txt a.txt");
	assert_string_equal(counts, "10 20 30");

	/* a flat series exits 0 */
	for (int i = 0; i < 3; i++) {
		char *txt = app_text(10, 4, (unsigned)i);

		write_file(names[i], txt, mt[i]);
		free(txt);
	}
	assert_int_equal(run_trend(args, 3, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_CLEAN);
	assert_string_equal(counts, "10 10 10");
}

static void test_tool_log(void **state)
{
	/* one log, three dumps with kubectl/CRI prefixes; the log's own
	 * times order them, not their position */
	const char *stamps[] = {"2026-11-22T04:20:00.000000000Z",
				"2026-11-22T04:10:00.000000000Z",
				"2026-11-22T04:15:00.000000000Z"};
	const unsigned leak[] = {30, 10, 20};
	char *log = NULL, path[256], labels[512], counts[128];
	size_t len = 0;
	const char *args[1];

	(void)state;
	for (int i = 0; i < 3; i++) {
		char *txt = app_text(leak[i], 4, (unsigned)i), *line, *nl;

		append(&log, &len, "%s stderr F level=info msg=\"dumping\"\n",
		       stamps[i]);
		for (line = txt; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
			append(&log, &len, "%s stderr F %.*s\n", stamps[i],
			       (int)(nl - line), line);
		free(txt);
	}
	append(&log, &len, "%s stderr F level=info msg=\"bye\"\n", stamps[2]);
	write_file("app.log", log, 0);
	free(log);
	snprintf(path, sizeof path, "%s/app.log", tmpdir);
	args[0] = path;
	assert_int_equal(run_trend(args, 1, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_LEAK);
	assert_string_equal(labels, "app.log #2 app.log #3 app.log #1");
	assert_string_equal(counts, "10 20 30");
}

static void test_tool_usage(void **state)
{
	char *argv[] = {"trend", "--min-rise", "x", NULL};
	char path[256], labels[64], counts[64];
	const char *args[1];

	(void)state;
	optind = 0;
	assert_int_equal(tool_trend_main(3, argv), EXIT_TROUBLE);
	/* one snapshot is not a trend */
	snprintf(path, sizeof path, "%s/one.txt", tmpdir);
	{
		char *txt = app_text(3, 4, 1);

		write_file("one.txt", txt, 0);
		free(txt);
	}
	args[0] = path;
	assert_int_equal(run_trend(args, 1, labels, sizeof labels, counts,
				   sizeof counts),
			 EXIT_TROUBLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mann_kendall),
		cmocka_unit_test(test_steady),
		cmocka_unit_test(test_noisy),
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_few_points),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_slope),
		cmocka_unit_test(test_fast_leak_at_a_level),
		cmocka_unit_test(test_large_leak),
		cmocka_unit_test(test_level_free),
		cmocka_unit_test(test_flagged_rising),
		cmocka_unit_test(test_flagged_rising_trend),
		cmocka_unit_test(test_one_moment_twice),
		cmocka_unit_test(test_name_time),
		cmocka_unit_test(test_order_and_match),
		cmocka_unit_test(test_unknown_times_keep_order),
		cmocka_unit_test(test_steady_share_not_flagged),
		cmocka_unit_test(test_reports),
		cmocka_unit_test_setup_teardown(test_tool_reordered, setup_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_tool_dir_series, setup_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_tool_at_a_level, setup_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_tool_renamed, setup_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_tool_log, setup_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_tool_usage, setup_dir,
						remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
