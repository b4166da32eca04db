/*
 * test_inputs.c - reports of several inputs: each input's report as it is
 * alone, in order, an unreadable input named with its error, the summary's
 * figures and totals, and the JSON document that stays the last readable
 * input's report with an "inputs" array.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "group.h"
#include "report.h"

#include "testutil.h"

/* A dump with a leak of `leak` goroutines and a pool of `pool`. */
static group_set *app(const rules *r, unsigned leak, unsigned pool)
{
	gspec g[] = {
		{"chan send", "main.fetch.func1", "/src/app/fetch.go", 41,
		 "main.fetch", 100, leak, 30},
		{"chan receive", "main.(*Pool).worker", "/src/app/pool.go", 66,
		 "main.NewPool", 10, pool, -1},
	};
	char *txt = dump_text(g, 2, 1);
	group_set *s = parse_set(r, txt);

	free(txt);
	return s;
}

typedef struct fixture {
	rules *r;
	group_set *a, *b;
	report_input in[3];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	f->r = builtin();
	f->a = app(f->r, 0, 8);   /* clean: 9 goroutines, 2 groups */
	f->b = app(f->r, 150, 4); /* a leak: 155 goroutines, 3 groups */
	f->in[0] = (report_input){"a.txt", f->a, NULL};
	f->in[1] = (report_input){"gone.txt", NULL,
				  "gone.txt: No such file or directory"};
	f->in[2] = (report_input){"b.txt", f->b, NULL};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	group_set_free(f->a);
	group_set_free(f->b);
	rules_free(f->r);
	free(f);
	return 0;
}

/* The report of one set alone, as report_write() gives it. */
static char *alone(const group_set *s, const char *name, report_format fmt)
{
	report_opts o = {fmt, name, 0, 0, 0};
	FILE *f = tmpfile();
	gt_err e = {{0}};
	char *txt;

	assert_int_equal(report_write(f, s, &o, &e), GT_OK);
	txt = slurp(f);
	fclose(f);
	return txt;
}

static char *many(const report_input *in, size_t n, report_format fmt,
		  int want)
{
	report_opts o = {fmt, "ignored", 0, 0, 0};
	FILE *f = tmpfile();
	gt_err e = {{0}};
	char *txt;

	assert_int_equal(report_write_inputs(f, in, n, &o, &e), want);
	txt = slurp(f);
	fclose(f);
	return txt;
}

static void test_text(void **state)
{
	fixture *f = *state;
	char *ra = alone(f->a, "a.txt", REPORT_TEXT);
	char *rb = alone(f->b, "b.txt", REPORT_TEXT);
	char *all = many(f->in, 3, REPORT_TEXT, GT_OK), *p;

	/* in order, each as alone, the unreadable one by its error */
	assert_memory_equal(all, ra, strlen(ra));
	p = all + strlen(ra);
	assert_true(strncmp(p, "\ngtriage: gone.txt: No such file or directory\n\n",
			    47) == 0);
	p += 47;
	assert_memory_equal(p, rb, strlen(rb));
	p += strlen(rb);
	/* the summary: per input and totals */
	assert_non_null(strstr(p, "summary of 3 inputs:"));
	assert_non_null(strstr(p, "           9          2         0  a.txt\n"));
	assert_non_null(strstr(p, "-  gone.txt  (unreadable)\n"));
	assert_non_null(strstr(p, "         155          3         1  b.txt\n"));
	assert_non_null(strstr(p, "         164          5         1  total\n"));
	assert_non_null(
		strstr(p, "probable leak in 1 of 3 inputs; 1 unreadable\n"));
	free(ra);
	free(rb);
	free(all);
}

static void test_json(void **state)
{
	fixture *f = *state;
	char *all = many(f->in, 3, REPORT_JSON, GT_OK);
	char *ra = alone(f->a, "a.txt", REPORT_JSON);
	char *rb = alone(f->b, "b.txt", REPORT_JSON);
	json_error_t je;
	json_t *doc = json_loads(all, 0, &je), *in, *ja, *jb, *top;

	assert_non_null(doc);
	in = json_object_get(doc, "inputs");
	assert_true(json_is_array(in));
	assert_int_equal(json_array_size(in), 3);
	/* each element is the input's document alone */
	ja = json_loads(ra, 0, &je);
	jb = json_loads(rb, 0, &je);
	assert_true(json_equal(json_array_get(in, 0), ja));
	assert_true(json_equal(json_array_get(in, 2), jb));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(in, 1), "error")),
			    "gone.txt: No such file or directory");
	/* the rest of the top level is the last readable input's */
	top = json_deep_copy(doc);
	json_object_del(top, "inputs");
	assert_true(json_equal(top, jb));
	json_decref(top);
	json_decref(ja);
	json_decref(jb);
	json_decref(doc);
	free(ra);
	free(rb);
	free(all);

	/* an unreadable last input: the top level is the one before */
	{
		report_input two[2] = {f->in[0], f->in[1]};

		all = many(two, 2, REPORT_JSON, GT_OK);
		doc = json_loads(all, 0, &je);
		assert_non_null(doc);
		assert_string_equal(json_string_value(json_object_get(
					    doc, "source")),
				    "a.txt");
		assert_int_equal(json_integer_value(json_object_get(
					 doc, "goroutines")),
				 9);
		json_decref(doc);
		free(all);
	}
}

static void test_markdown(void **state)
{
	fixture *f = *state;
	char *ra = alone(f->a, "a.txt", REPORT_MARKDOWN);
	char *all = many(f->in, 3, REPORT_MARKDOWN, GT_OK);

	assert_memory_equal(all, ra, strlen(ra));
	assert_non_null(strstr(all, "## Goroutine triage: gone.txt\n"));
	assert_non_null(strstr(all, "| a.txt | 9 | 2 | 0 |\n"));
	assert_non_null(strstr(all, "| gone.txt (unreadable) | - | - | - |\n"));
	assert_non_null(strstr(all, "| **total** | 164 | 5 | 1 |\n"));
	free(ra);
	free(all);
}

static void test_refused(void **state)
{
	fixture *f = *state;
	report_input none[1] = {f->in[1]};
	char *out;

	/* nothing readable: nothing to report */
	out = many(none, 1, REPORT_TEXT, GT_ERR);
	assert_string_equal(out, "");
	free(out);
	/* one Prometheus file per target */
	out = many(f->in, 3, REPORT_PROM, GT_ERR);
	assert_string_equal(out, "");
	free(out);
	/* a single input is the one-input report */
	{
		char *ra = alone(f->a, "a.txt", REPORT_TEXT);
		report_input one[1] = {f->in[0]};
		report_opts o = {REPORT_TEXT, "a.txt", 0, 0, 0};
		FILE *fp = tmpfile();
		gt_err e = {{0}};

		assert_int_equal(report_write_inputs(fp, one, 1, &o, &e), GT_OK);
		out = slurp(fp);
		fclose(fp);
		assert_string_equal(out, ra);
		free(out);
		free(ra);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
