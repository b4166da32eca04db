/* Unit tests for log-prefix learning and stripping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "logprefix.h"

#define LEARN(lp, line, at, lit) \
	logprefix_learn((lp), (line), strlen(line), (at), (lit))

static void test_learn_kinds(void **state)
{
	logprefix *lp = logprefix_new();

	(void)state;
	assert_int_equal(LEARN(lp, "2026-11-20T10:00:00.1Z stderr F goroutine 1 [x]:", 32, 1),
			 PARSE_PREFIX_CRI);
	assert_int_equal(LEARN(lp, "2026-11-20T10:00:00.123456789Z goroutine 1 [x]:", 31, 1),
			 PARSE_PREFIX_DOCKER_TS);
	assert_int_equal(LEARN(lp, "2026/11/20 10:00:00 panic: boom", 20, 0),
			 PARSE_PREFIX_DOCKER_TS);
	assert_int_equal(LEARN(lp, "Nov 20 10:00:00 web-1 shop[4121]: goroutine 1 [x]:", 34, 1),
			 PARSE_PREFIX_JOURNALD);
	assert_int_equal(LEARN(lp, "app| goroutine 1 [x]:", 5, 1), PARSE_PREFIX_LITERAL);
	/* a literal prefix only where the caller allows it, never in quotes */
	assert_int_equal(LEARN(lp, "app| panic: x", 5, 0), PARSE_PREFIX_NONE);
	assert_int_equal(LEARN(lp, "{\"stack\":\"goroutine 1 [x]:", 10, 1),
			 PARSE_PREFIX_NONE);
	/* the prefix must end exactly where the dump text starts */
	assert_int_equal(LEARN(lp, "2026-11-20T10:00:00Z stderr F x goroutine 1 [x]:", 31, 0),
			 PARSE_PREFIX_NONE);
	logprefix_free(lp);
}

static void test_strip_streams_and_joins(void **state)
{
	logprefix *lp = logprefix_new();
	const char *c;
	size_t cn;

	(void)state;
	LEARN(lp, "2026-11-20T10:00:00Z stderr F goroutine 1 [x]:", 30, 0);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_CRI,
					 "2026-11-20T10:00:01Z stderr F main.f()", 38, &c, &cn),
			 LOGPREFIX_YES);
	assert_int_equal(cn, 8);
	assert_memory_equal(c, "main.f()", 8);
	assert_false(logprefix_owns(lp, c));
	/* another stream is skipped, a line without the prefix is not ours */
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_CRI,
					 "2026-11-20T10:00:01Z stdout F hello", 35, &c, &cn),
			 LOGPREFIX_SKIP);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_CRI, "hello", 5, &c, &cn),
			 LOGPREFIX_NO);
	/* a split record is joined */
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_CRI,
					 "2026-11-20T10:00:01Z stderr P main.lo", 37, &c, &cn),
			 LOGPREFIX_SKIP);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_CRI,
					 "2026-11-20T10:00:01Z stderr F ng()", 34, &c, &cn),
			 LOGPREFIX_YES);
	assert_int_equal(cn, 11);
	assert_memory_equal(c, "main.long()", 11);
	assert_true(logprefix_owns(lp, c));
	logprefix_free(lp);
}

static void test_docker_json(void **state)
{
	static const char line[] =
		"{\"log\":\"\\tmain.go:9 +0x1d\\n\",\"stream\":\"stderr\","
		"\"time\":\"2026-11-20T10:00:00.5Z\"}";
	logprefix *lp = logprefix_new();
	const char *c;
	size_t cn;
	int partial;

	(void)state;
	assert_true(logprefix_docker_json(lp, line, strlen(line), &c, &cn, &partial));
	assert_false(partial);
	assert_int_equal(cn, 16);
	assert_memory_equal(c, "\tmain.go:9 +0x1d", 16);
	assert_true(logprefix_owns(lp, c));
	assert_true(logprefix_time(lp, PARSE_PREFIX_DOCKER_JSON, line, 0) > 1795168800.4);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_DOCKER_JSON,
					 "{\"log\":\"x\\n\",\"stream\":\"stdout\"}", 31, &c, &cn),
			 LOGPREFIX_SKIP);
	assert_false(logprefix_docker_json(lp, "{\"msg\":1}", 9, &c, &cn, &partial));
	logprefix_free(lp);
}

static void test_times(void **state)
{
	(void)state;
	/* 2026-11-20T10:00:00Z */
	assert_true(logprefix_parse_time("2026-11-20T10:00:00Z", 20) == 1795168800.0);
	assert_true(logprefix_parse_time("2026-11-20T10:00:00.25Z", 23) == 1795168800.25);
	assert_true(logprefix_parse_time("2026-11-20T11:30:00+01:30", 25) == 1795168800.0);
	assert_true(logprefix_parse_time("2026-11-20 10:00:00", 19) == 1795168800.0);
	assert_true(logprefix_parse_time("Nov 20 10:00:00", 15) == 0);
	assert_true(logprefix_parse_time("2026-1x-20T10:00:00Z", 20) == 0);
}

/* Times from a docker json-file "time" field are anybody's text: fields of
 * any length give a time near what their first digits say, never an
 * overflow. */
static void test_hostile_times(void **state)
{
	static const char *const t[] = {
		"2026-11-20T10:00:00.000+00:99999999999999999999",
		"2026-11-20T10:00:00.000+99999999999:00",
		"2026-11-20T10:00:00.000-99999999999999999999:9999999999999",
		"2026-11-20T10:00:00999999999999999999999Z",
		"2026-11-20T10:00:00.99999999999999999999999999999999999Z",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		double v = logprefix_parse_time(t[i], strlen(t[i]));

		assert_true(v > 1795168800.0 - 86400);
		assert_true(v < 1795168800.0 + 86400);
	}
}

/* Empty docker json-file parts join to nothing, before or after text. */
static void test_docker_json_empty_parts(void **state)
{
	logprefix *lp = logprefix_new();
	const char *c;
	size_t cn;

	(void)state;
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_DOCKER_JSON,
					 "{\"log\":\"\"}", 10, &c, &cn),
			 LOGPREFIX_SKIP);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_DOCKER_JSON,
					 "{\"log\":\"x\\n\"}", 13, &c, &cn),
			 LOGPREFIX_YES);
	assert_int_equal(cn, 1);
	assert_memory_equal(c, "x", 1);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_DOCKER_JSON,
					 "{\"log\":\"panic: \"}", 17, &c, &cn),
			 LOGPREFIX_SKIP);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_DOCKER_JSON,
					 "{\"log\":\"\"}", 10, &c, &cn),
			 LOGPREFIX_SKIP);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_DOCKER_JSON,
					 "{\"log\":\"boom\\n\"}", 16, &c, &cn),
			 LOGPREFIX_YES);
	assert_int_equal(cn, 11);
	assert_memory_equal(c, "panic: boom", 11);
	logprefix_free(lp);
}

/* A time that ends the line is read within the line's length, never from
 * the bytes after it (atoi ran past the end: a fuzzing find). */
static void test_time_within_length(void **state)
{
	char *exact = malloc(19);

	(void)state;
	assert_true(logprefix_parse_time("2026-11-20T10:00:0345", 19) == 1795168800.0 + 3);
	assert_true(logprefix_parse_time("2026-11-20T11:30:00+01:3099", 25) ==
		    1795168800.0);
	/* no terminator at all: ASan sees a read past the block */
	memcpy(exact, "2026-11-20T10:00:00", 19);
	assert_true(logprefix_parse_time(exact, 19) == 1795168800.0);
	free(exact);
}

/* An empty partial record before anything was joined: nothing to copy
 * (memcpy to a buffer not yet allocated, which UBSan aborts on). */
static void test_empty_partial_first(void **state)
{
	logprefix *lp = logprefix_new();
	const char *c;
	size_t cn;

	(void)state;
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_DOCKER_JSON, "{\"log\":\"\"}",
					 10, &c, &cn),
			 LOGPREFIX_SKIP);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_CRI,
					 "2026-11-20T10:00:00Z stderr P ", 30, &c, &cn),
			 LOGPREFIX_SKIP);
	assert_int_equal(logprefix_strip(lp, PARSE_PREFIX_CRI,
					 "2026-11-20T10:00:00Z stderr F ab", 32, &c, &cn),
			 LOGPREFIX_YES);
	assert_int_equal(cn, 2);
	assert_memory_equal(c, "ab", 2);
	logprefix_free(lp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learn_kinds),
		cmocka_unit_test(test_time_within_length),
		cmocka_unit_test(test_empty_partial_first),
		cmocka_unit_test(test_strip_streams_and_joins),
		cmocka_unit_test(test_docker_json),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_hostile_times),
		cmocka_unit_test(test_docker_json_empty_parts),
	};

	return cmocka_run_group_tests_name("logprefix", tests, NULL, NULL);
}
