/*
 * test_baseline.c - baselines: the growth allowance at its edges, the three
 * file forms, applying one to a set (flags cleared, kept for growth, the
 * dump recounted and reordered), and a written baseline read back.
 */
#include "testutil.h"

#include <unistd.h>

#include "baseline.h"
#include "report.h"

static const char *tmpfile_with(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/gt-baseline-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* A dump with a blocked group of n (flagged from 100 on) and 3 more. */
static group_set *set_of(const rules *r, unsigned n)
{
	gspec g[] = {
		{"chan send", "main.worker", "/src/app/worker.go", 10,
		 "main.main", 10, n, -1},
		{"chan receive", "main.listen", "/src/app/listen.go", 20,
		 "main.main", 5000, 3, -1},
	};
	char *text = dump_text(g, 2, 1);
	group_set *s = parse_set(r, text);

	free(text);
	return s;
}

static const group *by_func(const group_dump *d, const char *func)
{
	for (size_t i = 0; i < d->ngroups; i++)
		if (d->groups[i]->nframes &&
		    strcmp(d->groups[i]->frames[0].func, func) == 0)
			return d->groups[i];
	fail_msg("no group at %s", func);
	return NULL;
}

static void test_within(void **state)
{
	baseline *b = baseline_new();

	(void)state;
	/* small counts: up to BASELINE_MIN_RISE more */
	assert_true(baseline_within(b, 2, 2));
	assert_true(baseline_within(b, 2, 7));
	assert_false(baseline_within(b, 2, 8));
	/* large ones: up to half again */
	assert_true(baseline_within(b, 100, 150));
	assert_false(baseline_within(b, 100, 151));
	assert_true(baseline_within(b, 100, 3));
	assert_true(baseline_within(b, BASELINE_ANY, 1000000));
	/* another allowance: 20 goroutines or 10% */
	baseline_set_allowance(b, 20, 0.1);
	assert_true(baseline_within(b, 2, 22));
	assert_false(baseline_within(b, 2, 23));
	assert_true(baseline_within(b, 1000, 1100));
	assert_false(baseline_within(b, 1000, 1101));
	/* none: any rise is growth */
	baseline_set_allowance(b, 0, 0);
	assert_true(baseline_within(b, 40, 40));
	assert_false(baseline_within(b, 40, 41));
	/* a huge ratio does not wrap on a huge count */
	baseline_set_allowance(b, 0, 1e4);
	assert_true(baseline_within(b, UINT64_MAX / 2, UINT64_MAX - 1));
	baseline_free(b);
}

static void test_load_list(void **state)
{
	const char *path = tmpfile_with(
		"# known background goroutines\n"
		"\n"
		"0123456789abcdef\n"
		"  fedcba9876543210   12  # the pool\r\n"
		"aaaaaaaaaaaaaaaa 0\n");
	gt_err e = {{0}};
	baseline *b = baseline_load(path, &e);

	(void)state;
	assert_non_null(b);
	assert_int_equal(baseline_count(b), 3);
	assert_true(baseline_known(b, "0123456789abcdef") == BASELINE_ANY);
	assert_int_equal(baseline_known(b, "fedcba9876543210"), 12);
	assert_int_equal(baseline_known(b, "aaaaaaaaaaaaaaaa"), 0);
	assert_int_equal(baseline_known(b, "bbbbbbbbbbbbbbbb"), 0);
	assert_null(baseline_group_by(b));
	baseline_free(b);
	unlink(path);
}

static void test_load_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"0123456789abcdef\nnot-a-fingerprint\n", ":2: not a fingerprint"},
		{"0123456789ABCDEF\n", ":1: not a fingerprint"},
		{"0123456789abcdef 12x\n", ":1: bad count"},
		{"0123456789abcdef 12 extra\n", ":1: unexpected text"},
		{"{\"groups\": [{\"fingerprint\": \"xyz\", \"count\": 1}]}",
		 "group 1: needs a \"fingerprint\""},
		{"{\"schema\": 1}", "without a \"groups\" array"},
		{"{\"groups\": [", "not valid JSON"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *path = tmpfile_with(cases[i].text);
		gt_err e = {{0}};

		assert_null(baseline_load(path, &e));
		if (strstr(e.msg, cases[i].want) == NULL ||
		    strncmp(e.msg, path, strlen(path)) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, e.msg,
				 cases[i].want);
		unlink(path);
	}
	{
		gt_err e = {{0}};

		assert_null(baseline_load("/nonexistent/base.json", &e));
		assert_non_null(strstr(e.msg, "No such file"));
	}
}

/* A -f json report read back as a baseline knows every group's count. */
static void test_load_json_report(void **state)
{
	rules *r = builtin();
	group_set *s = set_of(r, 120);
	const group_dump *d = group_set_last(s);
	report_opts o = {.format = REPORT_JSON, .source = "t"};
	char path[] = "/tmp/gt-report-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	gt_err e = {{0}};
	baseline *b;

	(void)state;
	assert_int_equal(report_write(f, s, &o, &e), GT_OK);
	fclose(f);
	b = baseline_load(path, &e);
	assert_non_null(b);
	assert_int_equal(baseline_count(b), d->ngroups);
	for (size_t i = 0; i < d->ngroups; i++)
		assert_int_equal(baseline_known(b, d->groups[i]->fingerprint),
				 d->groups[i]->count);
	assert_string_equal(baseline_group_by(b), "line");
	baseline_free(b);
	unlink(path);
	group_set_free(s);
	rules_free(r);
}

/* Taken from a run with 120, a run with n: flagged only past 180. */
static void check_apply(const rules *r, const baseline *b, unsigned n,
			int want_flagged)
{
	group_set *s = set_of(r, n);
	group_dump *d = s->dumps[0];
	const group *w = by_func(d, "main.worker");
	baseline_result res;

	assert_true(group_is_leak(w)); /* flagged before */
	assert_int_equal(d->nflagged, 1);
	baseline_apply(b, s, &res);
	assert_int_equal(group_is_leak(w), want_flagged);
	assert_int_equal(d->nflagged, want_flagged);
	assert_int_equal(d->leaked_goroutines, want_flagged ? n : 0);
	assert_int_equal(res.known, !want_flagged);
	assert_int_equal(res.known_goroutines, want_flagged ? 0 : n);
	assert_int_equal(res.grown, want_flagged);
	/* the big group still leads the report (largest first) */
	assert_ptr_equal(d->groups[0], w);
	group_set_free(s);
}

static void test_apply(void **state)
{
	rules *r = builtin();
	group_set *known = set_of(r, 120);
	baseline *b = baseline_new();

	(void)state;
	baseline_add_set(b, known);
	assert_int_equal(
		baseline_known(b, by_func(known->dumps[0], "main.worker")
					  ->fingerprint),
		120);
	check_apply(r, b, 120, 0);
	check_apply(r, b, 180, 0);
	check_apply(r, b, 181, 1);
	baseline_free(b);
	group_set_free(known);
	rules_free(r);
}

/* A group the baseline does not know keeps its flag. */
static void test_apply_new_group(void **state)
{
	rules *r = builtin();
	group_set *s = set_of(r, 150);
	const char *path = tmpfile_with("# another program's group\n"
					"0123456789abcdef 500\n");
	gt_err e = {{0}};
	baseline *b = baseline_load(path, &e);
	baseline_result res;

	(void)state;
	assert_non_null(b);
	baseline_apply(b, s, &res);
	assert_int_equal(s->dumps[0]->nflagged, 1);
	assert_int_equal(res.known, 0);
	assert_int_equal(res.grown, 0);
	baseline_free(b);
	unlink(path);
	group_set_free(s);
	rules_free(r);
}

/* A flagged group that is not first is moved behind the flagged ones once
 * the baseline clears it. */
static void test_apply_reorders(void **state)
{
	rules *r = builtin();
	gspec g[] = {
		{"chan send", "main.worker", "/src/app/worker.go", 10,
		 "main.main", 10, 120, -1},
		{"chan receive", "main.sink", "/src/app/sink.go", 30,
		 "main.main", 9000, 110, -1},
	};
	/* each spawned per request, its parent gone: both flagged */
	const uint64_t parents[] = {20000, 30000};
	char *text = dump_text_parents(g, 2, 3, parents);
	group_set *s = parse_set(r, text);
	group_dump *d = s->dumps[0];
	baseline *b;
	baseline_result res;
	char list[64];
	const char *path;

	(void)state;
	assert_int_equal(d->nflagged, 2);
	assert_string_equal(d->groups[0]->frames[0].func, "main.worker");
	snprintf(list, sizeof list, "%s 120\n",
		 by_func(d, "main.worker")->fingerprint);
	path = tmpfile_with(list);
	b = baseline_load(path, &(gt_err){{0}});
	assert_non_null(b);
	baseline_apply(b, s, &res);
	assert_int_equal(d->nflagged, 1);
	assert_string_equal(d->groups[0]->frames[0].func, "main.sink");
	assert_true(group_is_leak(d->groups[0]));
	assert_false(group_is_leak(d->groups[1]));
	baseline_free(b);
	unlink(path);
	free(text);
	group_set_free(s);
	rules_free(r);
}

static void test_write_read_back(void **state)
{
	rules *r = builtin();
	group_set *s = set_of(r, 42);
	const group_dump *d = group_set_last(s);
	baseline *b = baseline_new(), *back;
	char path[] = "/tmp/gt-written-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w+");
	gt_err e = {{0}};
	char *text;

	(void)state;
	baseline_add_set(b, s);
	assert_int_equal(baseline_write(f, b, &e), GT_OK);
	text = slurp(f);
	fclose(f);
	assert_non_null(strstr(text, "\"kind\": \"baseline\""));
	assert_non_null(strstr(text, "\"top\": \"main.worker "
				     "/src/app/worker.go:10\""));
	/* largest first */
	assert_true(strstr(text, "main.worker") < strstr(text, "main.listen"));
	back = baseline_load(path, &e);
	assert_non_null(back);
	assert_int_equal(baseline_count(back), d->ngroups);
	for (size_t i = 0; i < d->ngroups; i++)
		assert_int_equal(baseline_known(back, d->groups[i]->fingerprint),
				 d->groups[i]->count);
	assert_string_equal(baseline_group_by(back), "line");
	free(text);
	baseline_free(back);
	baseline_free(b);
	unlink(path);
	group_set_free(s);
	rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_within),
		cmocka_unit_test(test_load_list),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_json_report),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_apply_new_group),
		cmocka_unit_test(test_apply_reorders),
		cmocka_unit_test(test_write_read_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
