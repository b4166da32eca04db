/*
 * test_store.c - the snapshot store: target names, series and their file
 * names, the atomic write (no final name before the commit, nothing left
 * after an abort, gzip kept or made), same-second names, rotation per
 * series and kind, orphaned temporary files, and snapshot times.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

static char dir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/gt-store-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The directory's entries, sorted, space-separated. */
static void listing(char *out, size_t len)
{
	struct dirent **de;
	int n = scandir(dir, &de, NULL, alphasort), i;

	assert_true(n >= 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(de[i]->d_name, ".") != 0 &&
		    strcmp(de[i]->d_name, "..") != 0)
			snprintf(out + strlen(out), len - strlen(out), "%s%s",
			         out[0] ? " " : "", de[i]->d_name);
		free(de[i]);
	}
	free(de);
}

static void touch(const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("x\n", f);
	fclose(f);
}

static void test_names(void **state)
{
	char *s;

	(void)state;
	s = store_target_name(
	    "http://user:pw@10.0.0.1:6060/debug/pprof/goroutine?debug=2");
	assert_string_equal(s, "10.0.0.1_6060");
	free(s);
	s = store_target_name("https://api.example:8443/admin/pprof/goroutine");
	assert_string_equal(s, "api.example_8443_admin_pprof_goroutine");
	free(s);
	assert_true(store_valid_name("api-1.x_y", 9));
	assert_false(store_valid_name("-api", 4));
	assert_false(store_valid_name("a/b", 3));
	s = store_series("api", "leak");
	assert_string_equal(s, "api-leak");
	free(s);
	s = store_series("api", NULL);
	assert_string_equal(s, "api");
	free(s);
}

static void test_keys(void **state)
{
	time_t t;
	long seq;
	size_t sl;
	const char *kind;

	(void)state;
	assert_int_equal(
	    store_key("api-20261122T040500Z_03.txt.gz", "api", &t, &seq), 0);
	assert_int_equal(seq, 3);
	assert_int_equal((long long)t, 1795320300LL);
	/* another kind is another series */
	assert_int_equal(
	    store_key("api-leak-20261122T040500Z.pb", "api", &t, &seq), -1);
	assert_int_equal(
	    store_key("api-leak-20261122T040500Z.pb", "api-leak", &t, &seq), 0);
	assert_int_equal(
	    store_key("api-20261122T040500Z.json", "api", &t, &seq), -1);
	assert_int_equal(store_key(".api.partial.abcdef", "api", &t, &seq), -1);

	assert_int_equal(
	    store_split("my-api-heap-20261122T040500Z.pb.gz", &sl, &kind), 0);
	assert_int_equal(sl, strlen("my-api-heap"));
	assert_string_equal(kind, "heap");
	assert_int_equal(
	    store_split("my-api-20261122T040500Z_01.txt", &sl, &kind), 0);
	assert_int_equal(sl, strlen("my-api"));
	assert_string_equal(kind, "");
	assert_int_equal(store_split("dump.txt", &sl, &kind), -1);
}

static void put(store_writer *w, const char *s, size_t n)
{
	gt_err e = {{0}};

	assert_int_equal(store_write(w, s, n, &e), GT_OK);
}

static void test_write_commit(void **state)
{
	store_writer *w;
	gt_err e = {{0}};
	char ls[1024], *path, buf[64];
	double when = 1795320300.25;
	struct stat st;
	FILE *f;

	(void)state;
	assert_int_equal(store_open(dir, "api", 0, &w, &e), GT_OK);
	put(w, "g", 1); /* one byte: the gzip sniff still waits */
	put(w, "oroutine 1 [running]:\n", 22);
	/* no final name before the commit, one hidden file */
	listing(ls, sizeof ls);
	assert_int_equal(strncmp(ls, ".api.partial.", 13), 0);
	assert_null(strchr(ls, ' '));
	assert_int_equal(store_commit(w, when, 0, &path, &e), GT_OK);
	listing(ls, sizeof ls);
	assert_string_equal(ls, "api-20261122T040500Z.txt");
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "goroutine 1 [running]:\n");
	/* the file time is the snapshot's, to the sub-second */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((long long)st.st_mtim.tv_sec, 1795320300LL);
	assert_true(st.st_mtim.tv_nsec > 240000000 &&
	            st.st_mtim.tv_nsec < 260000000);
	assert_true(store_time(dir, "api-20261122T040500Z.txt", "api") ==
	            st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9);
	free(path);

	/* the same name in the same second: _01 */
	assert_int_equal(store_open(dir, "api", 0, &w, &e), GT_OK);
	put(w, "x\n", 2);
	assert_int_equal(store_commit(w, when, 0, &path, &e), GT_OK);
	free(path);
	/* a gzip body stays as it came, named .gz */
	assert_int_equal(store_open(dir, "api", 0, &w, &e), GT_OK);
	put(w, "\x1f\x8b\x08\x00", 4);
	assert_int_equal(store_commit(w, when, 1, &path, &e), GT_OK);
	free(path);
	/* compressing a plain body when asked */
	assert_int_equal(store_open(dir, "api", 1, &w, &e), GT_OK);
	put(w, "goroutine 1 [running]:\n", 23);
	assert_int_equal(store_commit(w, when, 0, &path, &e), GT_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, 2, f), 2);
	fclose(f);
	assert_int_equal((unsigned char)buf[0], 0x1f);
	assert_int_equal((unsigned char)buf[1], 0x8b);
	free(path);
	/* an abort leaves nothing */
	assert_int_equal(store_open(dir, "api", 0, &w, &e), GT_OK);
	put(w, "half a dump", 11);
	store_abort(w);
	listing(ls, sizeof ls);
	assert_string_equal(ls, "api-20261122T040500Z.pb.gz "
	                        "api-20261122T040500Z.txt "
	                        "api-20261122T040500Z.txt.gz "
	                        "api-20261122T040500Z_01.txt");
	/* a copy that lost its time keeps the name's second */
	{
		char p[256];
		struct timeval tv[2] = {{1000, 0}, {1000, 0}};

		snprintf(p, sizeof p, "%s/api-20261122T040500Z.txt", dir);
		assert_int_equal(utimes(p, tv), 0);
		assert_true(store_time(dir, "api-20261122T040500Z.txt",
		                       "api") == 1795320300.0);
	}
}

static void test_rotate(void **state)
{
	char **kept, ls[2048];
	size_t n, i;

	(void)state;
	touch("api-20261122T040000Z.txt");
	touch("api-20261122T040500Z_01.txt");
	touch("api-20261122T040500Z.txt");
	touch("api-20261122T041000Z.txt.gz");
	touch("api-leak-20261122T040000Z.pb");
	touch("api-leak-20261122T041000Z.pb");
	touch("api2-20261122T040000Z.txt");
	touch("notes.txt");
	store_rotate(dir, "api", 2, &kept, &n, NULL);
	assert_int_equal(n, 2);
	/* oldest first, _01 after the same second without it */
	assert_string_equal(kept[0], "api-20261122T040500Z_01.txt");
	assert_string_equal(kept[1], "api-20261122T041000Z.txt.gz");
	assert_null(kept[2]);
	for (i = 0; i < n; i++)
		free(kept[i]);
	free(kept);
	/* the other series, another target and other files untouched */
	listing(ls, sizeof ls);
	assert_string_equal(ls, "api-20261122T040500Z_01.txt "
	                        "api-20261122T041000Z.txt.gz "
	                        "api-leak-20261122T040000Z.pb "
	                        "api-leak-20261122T041000Z.pb "
	                        "api2-20261122T040000Z.txt notes.txt");
	store_rotate(dir, "api-leak", 0, &kept, &n, NULL);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		free(kept[i]);
	free(kept);
}

/* A killed writer's temporary file goes at the series' next open once
 * it is a few seconds old and unlocked; another series' stays. */
static void test_orphans(void **state)
{
	char p[256], ls[1024], *path;
	struct timeval tv[2] = {{1000, 0}, {1000, 0}};
	store_writer *w;
	gt_err e = {{0}};

	(void)state;
	touch(".api.partial.Ab12Cd");
	touch(".web.partial.Ab12Cd");
	snprintf(p, sizeof p, "%s/.api.partial.Ab12Cd", dir);
	assert_int_equal(utimes(p, tv), 0);
	snprintf(p, sizeof p, "%s/.web.partial.Ab12Cd", dir);
	assert_int_equal(utimes(p, tv), 0);
	assert_int_equal(store_open(dir, "api", 0, &w, &e), GT_OK);
	put(w, "x\n", 2);
	assert_int_equal(store_commit(w, 1795320300, 0, &path, &e), GT_OK);
	free(path);
	listing(ls, sizeof ls);
	assert_string_equal(ls, ".web.partial.Ab12Cd api-20261122T040500Z.txt");
}

static void test_open_fails(void **state)
{
	store_writer *w = (store_writer *)1;
	gt_err e = {{0}};

	(void)state;
	assert_int_equal(store_open("/nonexistent/dir", "api", 0, &w, &e),
	                 GT_ERR);
	assert_null(w);
	assert_non_null(strstr(e.msg, "/nonexistent/dir/.api.partial."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test_setup_teardown(test_write_commit, setup_dir,
	                                    remove_dir),
	    cmocka_unit_test_setup_teardown(test_rotate, setup_dir, remove_dir),
	    cmocka_unit_test_setup_teardown(test_orphans, setup_dir,
	                                    remove_dir),
	    cmocka_unit_test(test_open_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
