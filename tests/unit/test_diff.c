/*
 * test_diff.c - two snapshots compared group by group: new, gone, grown,
 * shrunk and unchanged groups, the order of the changes, goroutines stuck
 * at the same place, the flag that sets the exit status, and the reports.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "diff.h"
#include "group.h"
#include "parse.h"
#include "rules.h"
#include "tool.h"

#include "testutil.h"

static rules *rs;

static int setup(void **state)
{
	(void)state;
	rs = builtin();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rules_free(rs);
	return 0;
}

static const diff_entry *find(const diff_result *r, const char *func)
{
	for (size_t i = 0; i < r->nentries; i++) {
		const group *g = r->entries[i].new_g ? r->entries[i].new_g
						     : r->entries[i].old_g;

		if (g->nframes && strcmp(g->frames[0].func, func) == 0)
			return &r->entries[i];
	}
	return NULL;
}

/* old: leak 5 (ids 100-104), pool 4 (10-13), cache 3 (200-202), conns 10
 * (300-309). new: leak 15 (100-114, the old ones now 3 minutes blocked),
 * pool 4 (10-13), conns 5 (300-304), batch 2 (400-401), and goroutine
 * 500-501 of a new stack. */
static const gspec old_g[] = {
	{"chan send", "main.fetch.func1", "/src/app/fetch.go", 41,
	 "main.start", 100, 5, -1},
	{"chan receive", "main.(*Pool).worker", "/src/app/pool.go", 66,
	 "main.start", 10, 4, -1},
	{"select", "main.(*Cache).janitor", "/src/app/cache.go", 12,
	 "main.start", 200, 3, -1},
	{"IO wait", "main.(*Conn).read", "/src/app/conn.go", 88,
	 "main.start", 300, 10, -1},
};
/* the send leak grew from requests whose goroutines are gone */
static const gspec new_g[] = {
	{"chan send", "main.fetch.func1", "/src/app/fetch.go", 41,
	 "main.start", 100, 5, 3},
	{"chan send", "main.fetch.func1", "/src/app/fetch.go", 41,
	 "main.start", 105, 10, -1},
	{"chan receive", "main.(*Pool).worker", "/src/app/pool.go", 66,
	 "main.start", 10, 4, -1},
	{"IO wait", "main.(*Conn).read", "/src/app/conn.go", 88,
	 "main.start", 300, 5, -1},
	{"semacquire", "main.(*Batch).flush", "/src/app/batch.go", 7,
	 "main.start", 400, 2, -1},
};
static const uint64_t new_parents[] = {5000, 5100, 0, 0, 0};

static diff_result *old_new(group_set **a, group_set **b)
{
	char *t1 = dump_text(old_g, 4, 1), *t2 = dump_text_parents(new_g, 5, 2, new_parents);

	*a = parse_set(rs, t1);
	*b = parse_set(rs, t2);
	free(t1);
	free(t2);
	return diff_dumps((*a)->dumps[0], (*b)->dumps[0]);
}

static void test_kinds(void **state)
{
	group_set *a, *b;
	diff_result *r = old_new(&a, &b);
	const diff_entry *e;

	(void)state;
	assert_int_equal(r->old_total, 23);
	assert_int_equal(r->new_total, 27);
	/* the minutes and the arguments do not split the leak: one group */
	e = find(r, "main.fetch.func1");
	assert_non_null(e);
	assert_int_equal(e->kind, DIFF_GROWN);
	assert_int_equal(e->old_count, 5);
	assert_int_equal(e->new_count, 15);
	assert_int_equal(e->delta, 10);
	e = find(r, "main.(*Pool).worker");
	assert_int_equal(e->kind, DIFF_SAME);
	assert_int_equal(e->delta, 0);
	e = find(r, "main.(*Cache).janitor");
	assert_int_equal(e->kind, DIFF_GONE);
	assert_null(e->new_g);
	assert_int_equal(e->delta, -3);
	e = find(r, "main.(*Conn).read");
	assert_int_equal(e->kind, DIFF_SHRUNK);
	assert_int_equal(e->delta, -5);
	e = find(r, "main.(*Batch).flush");
	assert_int_equal(e->kind, DIFF_NEW);
	assert_null(e->old_g);
	assert_int_equal(e->new_count, 2);
	assert_int_equal(r->count[DIFF_NEW], 1);
	assert_int_equal(r->count[DIFF_GONE], 1);
	assert_int_equal(r->count[DIFF_GROWN], 1);
	assert_int_equal(r->count[DIFF_SHRUNK], 1);
	assert_int_equal(r->count[DIFF_SAME], 2); /* pool, main */
	assert_string_equal(diff_kind_name(DIFF_SHRUNK), "shrunk");
	diff_free(r);
	group_set_free(a);
	group_set_free(b);
}

static void test_order(void **state)
{
	group_set *a, *b;
	diff_result *r = old_new(&a, &b);
	static const int64_t want[] = {10, -5, -3, 2, 0, 0};

	(void)state;
	assert_int_equal(r->nentries, 6);
	for (size_t i = 0; i < r->nentries; i++)
		assert_int_equal(r->entries[i].delta, want[i]);
	/* among equal changes, the larger group first */
	assert_string_equal(r->entries[4].new_g->frames[0].func,
			    "main.(*Pool).worker");
	diff_free(r);
	group_set_free(a);
	group_set_free(b);
}

static void test_stuck(void **state)
{
	group_set *a, *b;
	diff_result *r = old_new(&a, &b);
	const diff_entry *e;

	(void)state;
	/* leak 100-104, pool 10-13, conns 300-304; not the running main */
	assert_int_equal(r->stuck, 14);
	e = find(r, "main.fetch.func1");
	assert_int_equal(e->stuck, 5);
	for (uint64_t i = 0; i < 5; i++)
		assert_int_equal(e->stuck_ids[i], 100 + i);
	assert_int_equal(e->new_g->max_minutes, 3);
	assert_int_equal(find(r, "main.(*Pool).worker")->stuck, 4);
	assert_int_equal(find(r, "main.(*Conn).read")->stuck, 5);
	assert_int_equal(find(r, "main.(*Batch).flush")->stuck, 0);
	assert_int_equal(find(r, "main.main")->stuck, 0);
	diff_free(r);
	group_set_free(a);
	group_set_free(b);
}

/* The same id somewhere else is a goroutine that moved on. */
static void test_moved_not_stuck(void **state)
{
	const gspec o[] = {{"chan receive", "main.(*Pool).worker",
			    "/src/app/pool.go", 66, "main.start", 10, 4, -1}};
	const gspec n[] = {{"chan receive", "main.(*Pool).worker",
			    "/src/app/pool.go", 70, "main.start", 10, 2, -1},
			   {"chan receive", "main.(*Pool).worker",
			    "/src/app/pool.go", 66, "main.start", 12, 2, -1}};
	char *t1 = dump_text(o, 1, 1), *t2 = dump_text(n, 2, 1);
	group_set *a = parse_set(rs, t1), *b = parse_set(rs, t2);
	diff_result *r = diff_dumps(a->dumps[0], b->dumps[0]);

	(void)state;
	assert_int_equal(r->stuck, 2);
	assert_int_equal(r->count[DIFF_NEW], 1);
	assert_int_equal(r->count[DIFF_SHRUNK], 1);
	diff_free(r);
	group_set_free(a);
	group_set_free(b);
	free(t1);
	free(t2);
}

static void test_flagged(void **state)
{
	group_set *a, *b;
	diff_result *r = old_new(&a, &b);
	const diff_entry *e = find(r, "main.fetch.func1");

	(void)state;
	/* 15 of 27 whose parents are gone, and it grew */
	assert_true(group_is_leak(e->new_g));
	assert_true(e->flagged);
	assert_int_equal(r->nflagged, 1);
	assert_false(find(r, "main.(*Conn).read")->flagged);
	diff_free(r);
	group_set_free(a);
	group_set_free(b);

	/* the same snapshot twice: nothing grew, nothing flagged */
	{
		char *t = dump_text_parents(new_g, 5, 2, new_parents);

		a = parse_set(rs, t);
		b = parse_set(rs, t);
		free(t);
	}
	r = diff_dumps(a->dumps[0], b->dumps[0]);
	assert_int_equal(r->nflagged, 0);
	assert_int_equal(r->count[DIFF_SAME], r->nentries);
	assert_int_equal(r->stuck, 26);
	diff_free(r);
	group_set_free(a);
	group_set_free(b);
}

static char *render(const diff_result *r, report_format f, int verbose)
{
	report_opts o = {f, "x", 0, verbose, 0};
	group_opts g;
	gt_err e = {{0}};
	FILE *fp = tmpfile();
	char *b;

	group_opts_default(&g);
	assert_int_equal(diff_report(fp, r, &o, &g, "old.txt", "new.txt", &e),
			 GT_OK);
	b = slurp(fp);
	fclose(fp);
	return b;
}

static void test_reports(void **state)
{
	group_set *a, *b;
	diff_result *r = old_new(&a, &b);
	const diff_entry *leak = find(r, "main.fetch.func1");
	report_opts o = {REPORT_PROM, "x", 0, 0, 0};
	gt_err e = {{0}};
	char *t, *lines[4];
	json_t *doc, *g0;
	json_error_t je;

	(void)state;
	t = render(r, REPORT_TEXT, 0);
	assert_non_null(strstr(t, "goroutines 23 -> 27 (+4); groups: 1 new, "
			       "1 gone, 1 grown, 1 shrunk, 2 the same"));
	lines[0] = strstr(t, "+10");
	lines[1] = strstr(t, "-5 ");
	lines[2] = strstr(t, "-3 ");
	lines[3] = strstr(t, "+2 ");
	for (int i = 0; i < 4; i++)
		assert_non_null(lines[i]);
	assert_true(lines[0] < lines[1] && lines[1] < lines[2] &&
		    lines[2] < lines[3]);
	assert_non_null(strstr(t, leak->fingerprint));
	assert_non_null(strstr(t, "stuck: 14 goroutines"));
	assert_non_null(strstr(t, "3 minutes"));
	assert_non_null(strstr(t, "ids 100, 101, 102, 103, 104"));
	assert_non_null(strstr(t, "probable leak: 1 group grew and is flagged"));
	/* unchanged groups only with -v */
	assert_null(strstr(t, "  same  "));
	free(t);
	t = render(r, REPORT_TEXT, 1);
	assert_non_null(strstr(t, "  same  "));
	free(t);

	t = render(r, REPORT_JSON, 0);
	doc = json_loads(t, 0, &je);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "command")),
			    "diff");
	assert_int_equal(json_integer_value(json_object_get(doc, "delta")), 4);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(doc, "changes"), "gone")), 1);
	assert_int_equal(json_integer_value(json_object_get(doc,
							    "stuck_goroutines")), 14);
	g0 = json_array_get(json_object_get(doc, "groups"), 0);
	assert_string_equal(json_string_value(json_object_get(g0, "fingerprint")),
			    leak->fingerprint);
	assert_string_equal(json_string_value(json_object_get(g0, "change")),
			    "grown");
	assert_int_equal(json_integer_value(json_object_get(g0, "delta")), 10);
	assert_int_equal(json_array_size(json_object_get(g0, "stuck_ids")), 5);
	assert_true(json_is_true(json_object_get(g0, "flagged")));
	/* core group fields */
	assert_string_equal(json_string_value(json_object_get(g0, "category")),
			    "chan-send");
	assert_int_equal(json_integer_value(json_object_get(g0, "max_minutes")), 3);
	json_decref(doc);
	free(t);

	t = render(r, REPORT_MARKDOWN, 0);
	assert_non_null(strstr(t, "## Goroutine diff: old.txt → new.txt"));
	assert_non_null(strstr(t, "| +10 | 5 | 15 | **grown, flagged** | chan-send |"));
	assert_non_null(strstr(t, "**Stuck:** 14 goroutines"));
	free(t);

	/* prom is the trend's business */
	{
		FILE *fp = tmpfile();
		group_opts g;

		group_opts_default(&g);
		assert_int_equal(diff_report(fp, r, &o, &g, "a", "b", &e), GT_ERR);
		assert_non_null(strstr(e.msg, "prom"));
		fclose(fp);
	}
	diff_free(r);
	group_set_free(a);
	group_set_free(b);
}

static void test_empty_sides(void **state)
{
	char *t = dump_text(old_g, 4, 1);
	group_set *a = parse_set(rs, t);
	diff_result *r = diff_dumps(NULL, a->dumps[0]);

	(void)state;
	assert_int_equal(r->count[DIFF_NEW], r->nentries);
	assert_int_equal(r->stuck, 0);
	diff_free(r);
	r = diff_dumps(a->dumps[0], NULL);
	assert_int_equal(r->count[DIFF_GONE], r->nentries);
	assert_int_equal(r->nflagged, 0);
	diff_free(r);
	group_set_free(a);
	free(t);
}

/* `gtriage diff` end to end: files, a log with several dumps, usage. */
static void test_tool(void **state)
{
	char dir[] = "/tmp/gt-diff-XXXXXX", p1[64], p2[64], out[64], cmd[96];
	char *t1 = dump_text(old_g, 4, 1), *t2 = dump_text_parents(new_g, 5, 2, new_parents);
	char *argv[8];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p1, sizeof p1, "%s/old.txt", dir);
	snprintf(p2, sizeof p2, "%s/new.txt", dir);
	snprintf(out, sizeof out, "%s/out.txt", dir);
	f = fopen(p1, "w");
	fputs(t1, f);
	fclose(f);
	f = fopen(p2, "w");
	fputs(t2, f);
	fclose(f);

	argv[0] = "diff", argv[1] = "-o", argv[2] = out, argv[3] = p1,
	argv[4] = p2, argv[5] = NULL;
	optind = 0;
	assert_int_equal(tool_diff_main(5, argv), EXIT_LEAK);
	/* the same snapshot twice: nothing grew */
	argv[3] = p2, argv[4] = p2;
	optind = 0;
	assert_int_equal(tool_diff_main(5, argv), EXIT_CLEAN);
	/* one input with one dump */
	argv[3] = p1, argv[4] = NULL;
	optind = 0;
	assert_int_equal(tool_diff_main(4, argv), EXIT_TROUBLE);
	/* prom is refused */
	argv[1] = "-f", argv[2] = "prom", argv[3] = p1, argv[4] = p2;
	optind = 0;
	assert_int_equal(tool_diff_main(5, argv), EXIT_TROUBLE);

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(t1);
	free(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_stuck),
		cmocka_unit_test(test_moved_not_stuck),
		cmocka_unit_test(test_flagged),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_empty_sides),
		cmocka_unit_test(test_tool),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
