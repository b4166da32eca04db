/* Unit tests for the byte sources: a mapped file cut short while read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "parse.h"

typedef struct cutter {
	const char *path;
	off_t cut_to;
	unsigned seen;
} cutter;

/* Truncates the file being read once its first goroutine is parsed, as
 * logrotate's copytruncate does to a log that is being read. */
static int cut_g(void *ud, const parse_goroutine *g, gt_err *e)
{
	cutter *c = ud;

	(void)g;
	(void)e;
	if (c->seen++ == 0)
		assert_int_equal(truncate(c->path, c->cut_to), 0);
	return GT_OK;
}

/* n goroutines of a few frames each into a new temporary file. */
static char *write_dump(unsigned n)
{
	char *path = strdup("/tmp/gt-input-XXXXXX");
	int fd = mkstemp(path);
	FILE *f;
	unsigned i;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (i = 1; i <= n; i++)
		fprintf(f, "goroutine %u [chan receive]:\n"
			   "main.worker(0xc000012345)\n"
			   "\t/src/app/main.go:%u +0x1d\n"
			   "created by main.main in goroutine 1\n"
			   "\t/src/app/main.go:9 +0x25\n\n",
			i, 10 + i % 50);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void read_cut(off_t cut_to)
{
	char *path = write_dump(20000); /* ~2.7 MB: many pages past the cut */
	cutter c = {path, cut_to, 0};
	parse_sink sink = {&c, NULL, cut_g, NULL};
	parse_ctx *p = parse_new(&sink);
	gt_err e;
	int cut;

	memset(&e, 0, sizeof e);
	assert_int_equal(input_read_path(path, p, &cut, &e), GT_ERR);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "shrank while it was read"));
	assert_true(c.seen >= 1);
	parse_free(p);
	unlink(path);
	free(path);
}

static void test_file_truncated_while_read(void **state)
{
	(void)state;
	read_cut(0);
	read_cut(4096 + 100); /* mid-page: the rest of that page reads as 0 */
}

/* The handler is in place only while a file is mapped: reading an intact
 * file afterwards gives the whole dump and no error. */
static void test_intact_file(void **state)
{
	char *path = write_dump(300);
	cutter c = {path, 0, 1}; /* seen != 0: never cuts */
	parse_sink sink = {&c, NULL, cut_g, NULL};
	parse_ctx *p = parse_new(&sink);
	gt_err e;
	int cut;

	(void)state;
	read_cut(0);
	assert_int_equal(input_read_path(path, p, &cut, &e), GT_OK);
	assert_int_equal(c.seen, 301);
	assert_int_equal(parse_get_stats(p)->goroutines, 300);
	parse_free(p);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_truncated_while_read),
		cmocka_unit_test(test_intact_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
