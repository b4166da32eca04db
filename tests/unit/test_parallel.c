/* Unit tests for reading a dump in pieces: where it may be cut, the
 * parser of a piece, joining pieces' sets (merge.h), and the threaded
 * reader (parallel.h). Every joined result is checked against the same
 * text read whole, report for report. */
#include "testutil.h"

#include <unistd.h>

#include "merge.h"
#include "parallel.h"
#include "report.h"

static rules *rs;

/* Pools whose ages, ids, parents and wait objects differ, so that every
 * part of the evidence is exercised; more goroutines than the sample. */
static char *pools(void)
{
	static const gspec g[] = {
	    {"chan receive", "main.worker", "/src/app/pool.go", 12,
	     "main.startPool", 100, 1500, 12},
	    {"select", "main.poll", "/src/app/poll.go", 30, "main.main", 5000,
	     40, -1},
	    {"sync.Mutex.Lock", "main.(*Cache).Get", "/src/app/cache.go", 7,
	     "main.serve", 7000, 300, 3},
	    {"chan send", "main.send", "/src/app/send.go", 9, "main.serve",
	     9000, 5, 30},
	    /* more of the first pool, younger, some printing no age */
	    {"chan receive", "main.worker", "/src/app/pool.go", 12,
	     "main.startPool", 20000, 300, -1},
	    {"chan receive", "main.worker", "/src/app/pool.go", 12,
	     "main.startPool", 30000, 300, 4},
	};
	static const uint64_t parents[] = {0, 0, 100, 0, 0, 0};

	return dump_text_parents(g, sizeof g / sizeof g[0], 3, parents);
}

static char *json_of(const group_set *s)
{
	FILE *f = tmpfile();
	report_opts o;
	gt_err e = {{0}};
	char *out;

	memset(&o, 0, sizeof o);
	o.format = REPORT_JSON;
	o.top = 1000000;
	o.verbose = 1;
	o.source = "t";
	assert_non_null(f);
	assert_int_equal(report_write(f, s, &o, &e), GT_OK);
	out = slurp(f);
	fclose(f);
	return out;
}

static char *whole(const char *text)
{
	group_set *s = parse_set(rs, text);
	char *j = json_of(s);

	group_set_free(s);
	return j;
}

/* ---- cuts ------------------------------------------------------------ */

static void test_boundary(void **state)
{
	static const char t[] = "goroutine 1 [running]:\nmain.main()\n\n"
	                        "goroutine foo bar\n\n"
	                        "goroutine 7 [select]:\nmain.f()\n\n"
	                        "goroutine 8 [select";
	size_t n = strlen(t), k;

	(void)state;
	/* the first header follows no blank line: not a cut */
	k = parse_boundary(t, n, 0);
	assert_int_equal(k, (size_t)(strstr(t, "goroutine 7") - t));
	/* from past it: the last header is not wholly there */
	assert_int_equal(parse_boundary(t, n, k + 1), n);
	/* "goroutine foo bar" after a blank line is no header */
	assert_int_equal(
	    parse_boundary(t, (size_t)(strstr(t, "goroutine 7") - t), 0),
	    (size_t)(strstr(t, "goroutine 7") - t));
	assert_int_equal(parse_boundary(t, 0, 0), 0);
}

/* ---- joining ---------------------------------------------------------- */

/* text read as pieces cut at every cut from the first at or after each of
 * cuts[]: the caller's parser reads the first, parse_inside the others,
 * each joined as parallel.c joins them. Returns the JSON report. */
static char *joined(const char *text, const size_t *cuts, size_t ncuts,
                    size_t *njoined)
{
	size_t len = strlen(text), at = 0, i;
	group_set *s = group_set_new(rs, NULL);
	parse_sink k = group_sink(s);
	parse_ctx *p = parse_new(&k);
	gt_err e = {{0}};
	char *j;

	*njoined = 0;
	for (i = 0; i <= ncuts; i++) {
		size_t end =
		    i < ncuts ? parse_boundary(text, len, cuts[i]) : len;

		if (end <= at)
			continue;
		if (at == 0 || !parse_between_goroutines(p)) {
			assert_int_equal(parse_feed(p, text + at, end - at, &e),
			                 GT_OK);
		} else {
			group_set *ps = group_set_new_piece(s);
			parse_sink pk = group_sink(ps);
			parse_ctx *pp = parse_new(&pk);

			assert_int_equal(parse_inside(pp, &pk, at, &e), GT_OK);
			assert_int_equal(
			    parse_feed(pp, text + at, end - at, &e), GT_OK);
			if (end < len) {
				assert_true(parse_between_goroutines(pp));
				assert_int_equal(parse_flush(pp, &e), GT_OK);
			} else if (parse_between_goroutines(pp)) {
				assert_int_equal(parse_flush(pp, &e), GT_OK);
			}
			if (parse_get_stats(pp)->dumps == 0 &&
			    parse_between_goroutines(pp)) {
				assert_int_equal(parse_flush(p, &e), GT_OK);
				merge_piece(s, ps);
				parse_skip(p, pp);
				(*njoined)++;
			} else {
				assert_int_equal(
				    parse_feed(p, text + at, end - at, &e),
				    GT_OK);
			}
			parse_free(pp);
			group_set_free(ps);
		}
		at = end;
	}
	assert_int_equal(parse_finish(p, &e), GT_OK);
	group_set_finish(s, parse_get_stats(p));
	parse_free(p);
	j = json_of(s);
	group_set_free(s);
	return j;
}

static void test_join_equals_whole(void **state)
{
	char *t = pools(), *w = whole(t);
	size_t len = strlen(t);

	(void)state;
	/* two pieces, then many, then cuts inside the sampled goroutines of
	 * one group and past them */
	for (size_t step = len / 2; step >= 700; step /= 3) {
		size_t cuts[4096], n = 0, nj;
		char *j;

		for (size_t c = step; c < len && n < 4096; c += step)
			cuts[n++] = c;
		j = joined(t, cuts, n, &nj);
		assert_true(nj > 0);
		assert_string_equal(j, w);
		free(j);
	}
	free(w);
	free(t);
}

/* A piece that holds goroutine 1, a dump's writer or a crash is no piece
 * of the dump before it: its parser says so. */
static void test_piece_refused(void **state)
{
	static const char *const bad[] = {
	    "goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n\n",
	    "goroutine 9 [running]:\n"
	    "runtime/pprof.writeGoroutineStacks({0x1, 0x2})\n"
	    "\t/go/pprof.go:1 +0x1\n\n",
	    "goroutine 9 [select]:\nmain.f()\n\t/a.go:1 +0x1\n\n"
	    "panic: boom\n\ngoroutine 10 [running]:\nmain.g()\n\t/a.go:2 "
	    "+0x1\n\n",
	    "goroutine 9 [select]:\nmain.f()\n\t/a.go:1 +0x1\n\n-----\n\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		group_set *s = group_set_new(rs, NULL);
		group_set *ps = group_set_new_piece(s);
		parse_sink pk = group_sink(ps);
		parse_ctx *pp = parse_new(&pk);
		gt_err e = {{0}};
		int ok;

		assert_int_equal(parse_inside(pp, &pk, 100, &e), GT_OK);
		assert_int_equal(parse_feed(pp, bad[i], strlen(bad[i]), &e),
		                 GT_OK);
		ok = parse_between_goroutines(pp) &&
		     parse_flush(pp, &e) == GT_OK &&
		     parse_get_stats(pp)->dumps == 0;
		assert_false(ok);
		parse_free(pp);
		group_set_free(ps);
		group_set_free(s);
	}
}

/* ---- the threaded reader ---------------------------------------------- */

static char *read_threads(const char *path, unsigned threads, size_t chunk,
                          parallel_info *pi)
{
	group_set *s = group_set_new(rs, NULL);
	parse_sink k = group_sink(s);
	parse_ctx *p = parse_new(&k);
	gt_err e = {{0}};
	int cut = 0;
	char *j;

	assert_int_equal(
	    parallel_read_path(path, s, p, threads, chunk, &cut, pi, &e),
	    GT_OK);
	group_set_finish(s, parse_get_stats(p));
	parse_free(p);
	j = json_of(s);
	group_set_free(s);
	return j;
}

static void test_parallel_file(void **state)
{
	char path[] = "/tmp/gtriage-par-XXXXXX", *t = pools(), *one;
	int fd = mkstemp(path);
	size_t len = strlen(t);
	parallel_info pi;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, t, len), (ssize_t)len);
	close(fd);
	one = read_threads(path, 1, 0, &pi);
	assert_int_equal(pi.pieces, 0);
	for (unsigned n = 2; n <= 8; n *= 2) {
		char *j = read_threads(path, n, 1000, &pi);

		assert_true(pi.pieces > len / 1000 / 2);
		assert_true(pi.joined * 10 >= pi.pieces * 9);
		assert_string_equal(j, one);
		free(j);
	}
	unlink(path);
	free(one);
	free(t);
}

/* Two dumps of one program: what the pieces of the second may skip is
 * told by the second's groups, not by the first's of the same stacks. */
static void test_parallel_two_dumps(void **state)
{
	char path[] = "/tmp/gtriage-par-XXXXXX", *t = pools(), *one;
	int fd = mkstemp(path);
	size_t len = strlen(t);
	parallel_info pi;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, t, len), (ssize_t)len);
	/* the second with fewer goroutines of each stack: its samples and
	 * notes are not full when the first's are */
	assert_int_equal(write(fd, t, len / 3), (ssize_t)(len / 3));
	close(fd);
	one = read_threads(path, 1, 0, &pi);
	for (unsigned n = 2; n <= 4; n *= 2) {
		char *j = read_threads(path, n, 1000, &pi);

		assert_true(pi.joined * 10 >= pi.pieces * 8);
		assert_string_equal(j, one);
		free(j);
	}
	unlink(path);
	free(one);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_boundary),
	    cmocka_unit_test(test_join_equals_whole),
	    cmocka_unit_test(test_piece_refused),
	    cmocka_unit_test(test_parallel_file),
	    cmocka_unit_test(test_parallel_two_dumps),
	};
	int rc;

	rs = builtin();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rules_free(rs);
	return rc;
}
