/* Unit tests for what the tools share: numeric options, and what -o does
 * with symlinks, FIFOs, modes and the run's own inputs. Each test works in
 * a fresh temporary directory. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

static char dir[64];

static int mkdir_tmp(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "%s", "/tmp/gtriage-unit.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int rm_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *in_dir(const char *name)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static int put_hello(FILE *f, void *ud, gt_err *e)
{
	(void)ud, (void)e;
	fputs("hello\n", f);
	return GT_OK;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void assert_content(const char *path, const char *want)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, want);
}

/* NaN fails every range comparison; infinities overflow the casts. */
static void test_number_not_finite(void **state)
{
	static const char *const bad[] = {"nan", "NAN", "-nan", "nan(0x1)",
					  "inf", "-inf", "infinity", "1e999",
					  "", "5x"};
	double v = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (tool_number("--min-count", bad[i], -1e300, 1e300, &v) != -1)
			fail_msg("'%s' accepted as %g", bad[i], v);
	}
	assert_true(v == 42);
	assert_int_equal(tool_number("--min-count", "7.5", 0, 10, &v), 0);
	assert_true(v == 7.5);
}

/* -o through a symlink writes the file it names; the link stays. */
static void test_write_through_symlink(void **state)
{
	struct stat st;
	gt_err e = {{0}};

	(void)state;
	write_file(in_dir("target"), "old\n");
	assert_int_equal(symlink("target", in_dir("link")), 0);
	assert_int_equal(tool_write_atomic(in_dir("link"), put_hello, NULL, &e),
			 GT_OK);
	assert_int_equal(lstat(in_dir("link"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_content(in_dir("target"), "hello\n");

	/* a dangling link: the file is created where it points */
	assert_int_equal(symlink("made", in_dir("dangling")), 0);
	assert_int_equal(tool_write_atomic(in_dir("dangling"), put_hello, NULL,
					   &e),
			 GT_OK);
	assert_int_equal(lstat(in_dir("dangling"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_content(in_dir("made"), "hello\n");
}

/* A new file gets 0666 less the umask; a replaced one keeps its mode. */
static void test_write_mode(void **state)
{
	struct stat st;
	gt_err e = {{0}};
	mode_t old = umask(027);

	(void)state;
	assert_int_equal(tool_write_atomic(in_dir("new"), put_hello, NULL, &e),
			 GT_OK);
	assert_int_equal(stat(in_dir("new"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);

	write_file(in_dir("kept"), "old\n");
	assert_int_equal(chmod(in_dir("kept"), 0604), 0);
	assert_int_equal(tool_write_atomic(in_dir("kept"), put_hello, NULL, &e),
			 GT_OK);
	assert_int_equal(stat(in_dir("kept"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_content(in_dir("kept"), "hello\n");
	umask(old);
}

/* A FIFO is written in place, never replaced by a regular file. */
static void test_write_fifo(void **state)
{
	struct stat st;
	gt_err e = {{0}};
	char buf[64] = "";
	ssize_t n;
	int rd;

	(void)state;
	assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
	/* a reader first, so opening it for writing does not wait */
	rd = open(in_dir("fifo"), O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(tool_write_atomic(in_dir("fifo"), put_hello, NULL, &e),
			 GT_OK);
	n = read(rd, buf, sizeof buf - 1);
	close(rd);
	assert_int_equal(n, 6);
	assert_string_equal(buf, "hello\n");
	assert_int_equal(lstat(in_dir("fifo"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));

	/* a directory is an error, not replaced */
	assert_int_equal(mkdir(in_dir("d"), 0700), 0);
	assert_int_equal(tool_write_atomic(in_dir("d"), put_hello, NULL, &e),
			 GT_ERR);
	assert_non_null(strstr(e.msg, "is a directory"));
}

/* -o onto an input, by any name, is refused; a new file or another file
 * is not. */
static void test_check_output(void **state)
{
	const char *inputs[3];
	char dump[128], other[128];
	gt_err e = {{0}};

	(void)state;
	write_file(in_dir("dump"), "x\n");
	write_file(in_dir("other"), "y\n");
	assert_int_equal(link(in_dir("dump"), in_dir("hard")), 0);
	assert_int_equal(symlink("dump", in_dir("soft")), 0);
	inputs[0] = "http://127.0.0.1:1/";
	snprintf(dump, sizeof dump, "%s", in_dir("dump"));
	snprintf(other, sizeof other, "%s", in_dir("other"));
	inputs[1] = dump;
	inputs[2] = other;
	assert_int_equal(tool_check_output(in_dir("hard"), inputs, 3, &e),
			 GT_ERR);
	assert_non_null(strstr(e.msg, "refusing to overwrite"));
	assert_int_equal(tool_check_output(in_dir("soft"), inputs, 3, &e),
			 GT_ERR);
	assert_int_equal(tool_check_output(in_dir("other"), inputs, 3, &e),
			 GT_ERR);
	assert_int_equal(tool_check_output(in_dir("other"), inputs, 2, &e),
			 GT_OK);
	assert_int_equal(tool_check_output(in_dir("new"), inputs, 3, &e), GT_OK);
	assert_int_equal(tool_check_output("-", inputs, 3, &e), GT_OK);
	assert_int_equal(tool_check_output(NULL, inputs, 3, &e), GT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number_not_finite),
		cmocka_unit_test_setup_teardown(test_write_through_symlink,
						mkdir_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_write_mode, mkdir_tmp,
						rm_tmp),
		cmocka_unit_test_setup_teardown(test_write_fifo, mkdir_tmp,
						rm_tmp),
		cmocka_unit_test_setup_teardown(test_check_output, mkdir_tmp,
						rm_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
