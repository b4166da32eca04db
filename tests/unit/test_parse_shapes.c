/* Unit tests for the input shapes the parser tolerates, and split
 * invariance: every sample read in chunks of any size gives what it gives
 * in one chunk. */
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

#include "parse.h"

/* ---- a sink that hashes everything it is told ------------------------- */

typedef struct digest {
	uint64_t h;
	unsigned dumps, goroutines;
	unsigned goleak; /* goroutines flagged PARSE_G_GOLEAK */
	parse_kind kind; /* of the last dump */
	parse_prefix prefix;
	char tests[128]; /* tests of the last dump */
	char frames[2048]; /* "func@file:line|..." of the first goroutine */
	char state[64];    /* of the first goroutine */
	uint64_t first_id;
} digest;

static void mix(digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		d->h = (d->h ^ b[i]) * 0x100000001b3ull;
	d->h = (d->h ^ 0xff) * 0x100000001b3ull; /* field separator */
}

static void mixu(digest *d, uint64_t v)
{
	mix(d, &v, sizeof v);
}

static int d_begin(void *ud, const parse_dump *pd, gt_err *e)
{
	digest *d = ud;

	(void)e;
	d->dumps++;
	d->kind = pd->kind;
	d->prefix = pd->prefix;
	mixu(d, pd->kind);
	mixu(d, pd->prefix);
	mix(d, pd->title ? pd->title : "", pd->title_len);
	for (size_t i = 0; i < pd->nmessage; i++)
		mix(d, pd->message[i].s, pd->message[i].len);
	d->tests[0] = '\0';
	for (size_t i = 0, off = 0; i < pd->ntests && off < 100; i++) {
		mix(d, pd->tests[i].s, pd->tests[i].len);
		off += (size_t)snprintf(d->tests + off, sizeof d->tests - off,
					"%s%.*s", i ? "," : "",
					(int)pd->tests[i].len, pd->tests[i].s);
	}
	return GT_OK;
}

static void mix_frame(digest *d, const parse_frame *f)
{
	mix(d, f->func, f->func_len);
	mix(d, f->file ? f->file : "", f->file_len);
	mixu(d, f->line);
}

static int d_g(void *ud, const parse_goroutine *g, gt_err *e)
{
	digest *d = ud;

	(void)e;
	if (d->goroutines++ == 0) {
		size_t off = 0;

		d->first_id = g->id;
		snprintf(d->state, sizeof d->state, "%.*s", (int)g->state_len,
			 g->state);
		for (size_t i = 0; i < g->nframes && off < 1800; i++)
			off += (size_t)snprintf(
				d->frames + off, sizeof d->frames - off,
				"%s%.*s@%.*s:%u", i ? "|" : "",
				(int)g->frames[i].func_len, g->frames[i].func,
				(int)g->frames[i].file_len,
				g->frames[i].file ? g->frames[i].file : "",
				g->frames[i].line);
	}
	if (g->flags & PARSE_G_GOLEAK)
		d->goleak++;
	mixu(d, g->id);
	mixu(d, g->count);
	mixu(d, g->flags);
	mixu(d, (uint64_t)(int64_t)g->minutes);
	mixu(d, g->created_in);
	mixu(d, g->runtime_sig);
	mix(d, g->state, g->state_len);
	mix(d, g->labels ? g->labels : "", g->labels_len);
	for (size_t i = 0; i < g->nframes; i++)
		mix_frame(d, &g->frames[i]);
	if (g->created_by)
		mix_frame(d, g->created_by);
	return GT_OK;
}

static int d_end(void *ud, const parse_dump *pd, gt_err *e)
{
	digest *d = ud;

	(void)e;
	mixu(d, (uint64_t)pd->truncated);
	mixu(d, pd->ancestors);
	mixu(d, pd->crash_id);
	return GT_OK;
}

/* Feeds text in chunks: sizes[] in turn (0: the rest at once), or random
 * sizes from 1 to 512 when rnd is set. */
static digest feed(const char *t, size_t len, size_t step, unsigned rnd,
		   parse_stats *st)
{
	digest d = {.h = 0xcbf29ce484222325ull};
	parse_sink sink = {&d, d_begin, d_g, d_end};
	parse_ctx *p = parse_new(&sink);
	gt_err e;
	size_t off = 0;

	while (off < len) {
		size_t n = step ? step : len - off;

		if (rnd) {
			rnd = rnd * 1103515245u + 12345u;
			n = 1 + (rnd >> 16) % 512;
		}
		if (n > len - off)
			n = len - off;
		assert_int_equal(parse_feed(p, t + off, n, &e), GT_OK);
		off += n;
	}
	assert_int_equal(parse_finish(p, &e), GT_OK);
	if (st)
		*st = *parse_get_stats(p);
	parse_free(p);
	return d;
}

#define FEED(t) feed((t), strlen(t), 0, 0, NULL)

static char *slurp(const char *path, size_t *len)
{
	struct stat sb;
	FILE *f;
	char *b;
	long n;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return NULL; /* a directory */
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

/* Every sample, in chunks of 1, 7, 64 and 4096 bytes and of random sizes,
 * gives the same dumps, goroutines, frames and stats as in one chunk.
 * One-byte chunks are fed the first 64 KiB only, to keep the run short. */
static void test_split_invariance(void **state)
{
	static const size_t steps[] = {1, 7, 64, 4096};
	DIR *dir = opendir("samples");
	struct dirent *de;
	unsigned files = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		char path[512];
		size_t len, n = strlen(de->d_name);
		char *t;

		if (de->d_name[0] == '.' || (n > 3 && !strcmp(de->d_name + n - 3, ".gz")))
			continue;
		snprintf(path, sizeof path, "samples/%s", de->d_name);
		if ((t = slurp(path, &len)) == NULL)
			continue;
		files++;
		for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
			size_t l = steps[i] == 1 && len > 65536 ? 65536 : len;
			parse_stats s1, s2;
			digest one = feed(t, l, 0, 0, &s1);
			digest cut = feed(t, l, steps[i], 0, &s2);

			if (one.h != cut.h || s1.foreign_lines != s2.foreign_lines ||
			    s1.lines != s2.lines)
				fail_msg("%s: chunks of %zu differ from one chunk",
					 path, steps[i]);
			assert_int_equal(one.goroutines, cut.goroutines);
		}
		for (unsigned seed = 1; seed <= 3; seed++) {
			digest one = feed(t, len, 0, 0, NULL);
			digest cut = feed(t, len, 0, seed, NULL);

			if (one.h != cut.h)
				fail_msg("%s: random chunks (seed %u) differ", path,
					 seed);
		}
		free(t);
	}
	closedir(dir);
	assert_true(files >= 40);
}

/* ---- shapes ---------------------------------------------------------- */

static const char clean[] =
	"goroutine 1 [chan receive]:\n"
	"main.main()\n"
	"\t/app/main.go:12 +0x1d\n"
	"\n"
	"goroutine 7 [select]:\n"
	"main.worker(0xc000010000, 0x2)\n"
	"\t/app/worker.go:40 +0x7a\n"
	"created by main.start in goroutine 1\n"
	"\t/app/main.go:30 +0x45\n";

static void test_spaces_for_tabs_and_indent(void **state)
{
	digest ref = FEED(clean);
	const char *const variants[] = {
		/* a paste: tabs became 4 spaces */
		"goroutine 1 [chan receive]:\nmain.main()\n    /app/main.go:12 "
		"+0x1d\n\ngoroutine 7 [select]:\nmain.worker(0xc000010000, "
		"0x2)\n    /app/worker.go:40 +0x7a\ncreated by main.start in "
		"goroutine 1\n    /app/main.go:30 +0x45\n",
		/* go test -v: 4 spaces before everything, the tab kept */
		"    goroutine 1 [chan receive]:\n    main.main()\n    \t/app/"
		"main.go:12 +0x1d\n\n    goroutine 7 [select]:\n    main.worker("
		"0xc000010000, 0x2)\n    \t/app/worker.go:40 +0x7a\n    created "
		"by main.start in goroutine 1\n    \t/app/main.go:30 +0x45\n",
		/* Bazel: a blank line after every line, and trailing blanks */
		"goroutine 1 [chan receive]:  \n\nmain.main() \n\n\t/app/main.go:"
		"12 +0x1d\t\n\n\n\ngoroutine 7 [select]:\n\nmain.worker("
		"0xc000010000, 0x2)\n\n\t/app/worker.go:40 +0x7a\n\ncreated by "
		"main.start in goroutine 1\n\n\t/app/main.go:30 +0x45\n\n",
		/* GitHub Actions, blank line with and without the space */
		"2022-12-25T16:09:45.9555131Z goroutine 1 [chan receive]:\n"
		"2022-12-25T16:09:45.9555132Z main.main()\n"
		"2022-12-25T16:09:45.9555133Z \t/app/main.go:12 +0x1d\n"
		"2022-12-25T16:09:45.9555134Z\n"
		"2022-12-25T16:09:45.9555135Z goroutine 7 [select]:\n"
		"2022-12-25T16:09:45.9555136Z main.worker(0xc000010000, 0x2)\n"
		"2022-12-25T16:09:45.9555137Z \t/app/worker.go:40 +0x7a\n"
		"2022-12-25T16:09:45.9555138Z created by main.start in "
		"goroutine 1\n"
		"2022-12-25T16:09:45.9555139Z \t/app/main.go:30 +0x45\n"
		"2022-12-25T16:09:45.9555140Z \n",
	};

	(void)state;
	assert_int_equal(ref.goroutines, 2);
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		digest d = FEED(variants[i]);

		if (d.h != ref.h && !(i == 3 && d.goroutines == 2))
			fail_msg("variant %zu reads differently", i);
		assert_int_equal(d.goroutines, 2);
		assert_string_equal(d.frames, "main.main@/app/main.go:12");
	}
	assert_int_equal(FEED(variants[3]).prefix, PARSE_PREFIX_GITHUB);
}

/* A log line inside a dump is skipped and counted, and the dump goes on;
 * the same line before goroutine 1 of a new dump counts for nothing. */
static void test_foreign_lines(void **state)
{
	static const char t[] =
		"SIGQUIT: quit\n\n"
		"goroutine 1 [chan receive]:\n"
		"main.main()\n"
		"2026/11/20 10:00:59 http: GET / 200\n"
		"\t/app/main.go:12 +0x1d\n\n"
		"level=info msg=served\n"
		"goroutine 7 [select]:\n"
		"main.worker(0xc000010000, 0x2)\n"
		"\t/app/worker.go:40 +0x7a\n";
	parse_stats st;
	digest d = feed(t, sizeof t - 1, 0, 0, &st);
	char many[8192] = "goroutine 1 [chan receive]:\nmain.main()\n"
			  "\t/app/main.go:12 +0x1d\n\n";

	(void)state;
	assert_int_equal(d.dumps, 1);
	assert_int_equal(d.kind, PARSE_KIND_SIGNAL);
	assert_int_equal(d.goroutines, 2);
	assert_int_equal(st.foreign_lines, 2);
	assert_string_equal(d.frames, "main.main@/app/main.go:12");

	/* after 64 lines of log the dump was over at the first of them */
	for (int i = 0; i < 70; i++)
		strcat(many, "2026/11/20 10:00:59 http: GET / 200\n");
	strcat(many, "goroutine 9 [select]:\nmain.w()\n\t/app/w.go:1 +0x1\n");
	d = feed(many, strlen(many), 0, 0, &st);
	assert_int_equal(d.dumps, 2);
	assert_int_equal(st.foreign_lines, 0);
}

/* go test ends a package's output with "FAIL\tpkg" or "ok  \tpkg": the
 * next package's dump is a dump of its own. */
static void test_packages_apart(void **state)
{
	static const char t[] =
		"panic: test timed out after 1s\n\trunning tests:\n\t\tTestA "
		"(1s)\n\n"
		"goroutine 5 [chan receive]:\na.TestA(0xc000003a40)\n\t/a/a_test."
		"go:9 +0x1d\n"
		"FAIL\texample.com/a\t1.012s\n"
		"goroutine 6 [chan receive]:\nb.f()\n\t/b/b.go:9 +0x1d\n";
	digest d = FEED(t);

	(void)state;
	assert_int_equal(d.dumps, 2);
	assert_int_equal(d.kind, PARSE_KIND_TRACEBACK);
}

static void test_goleak_shapes(void **state)
{
	static const char v13[] =
		"=== RUN   TestSubscribe\n"
		"    leak_test.go:42: found unexpected goroutines:\n"
		"        [Goroutine 22 in state chan receive, with pkg.sub.func1 "
		"on top of the stack:\n"
		"        pkg.sub.func1()\n"
		"        \tpkg/leak_test.go:14 +0x34\n"
		"        created by pkg.sub in goroutine 21\n"
		"        \tpkg/leak_test.go:13 +0x4f\n"
		"         Goroutine 23 in state select, 2 minutes, with "
		"pkg.poll.func1 on top of the stack:\n"
		"        pkg.poll.func1()\n"
		"        \tpkg/leak_test.go:25 +0x19\n"
		"        ]\n"
		"--- FAIL: TestSubscribe (0.45s)\n";
	static const char dashes[] =
		"goleak: Errors on unsuccessful test run: found unexpected "
		"goroutines:\n"
		"[Goroutine 22 in state chan receive, with pkg.sub.func1 on top "
		"of the stack:\n"
		"goroutine 22 [chan receive]:\n"
		"pkg.sub.func1()\n"
		"\tpkg/leak_test.go:14 +0x34\n"
		"-- \n"
		"Goroutine 23 in state select, with pkg.poll.func1 on top of the "
		"stack:\n"
		"goroutine 23 [select, 2 minutes]:\n"
		"pkg.poll.func1()\n"
		"\tpkg/leak_test.go:25 +0x19\n"
		"]\n"
		"some later line\n";
	digest a = FEED(v13), b = FEED(dashes);

	(void)state;
	assert_int_equal(a.dumps, 1);
	assert_int_equal(a.kind, PARSE_KIND_GOLEAK);
	assert_int_equal(a.goroutines, 2);
	assert_int_equal(a.goleak, 2);
	assert_int_equal(a.first_id, 22);
	assert_string_equal(a.state, "chan receive");
	assert_string_equal(a.tests, "TestSubscribe");
	assert_string_equal(a.frames, "pkg.sub.func1@pkg/leak_test.go:14");
	assert_int_equal(b.kind, PARSE_KIND_GOLEAK);
	assert_int_equal(b.goroutines, 2);
	assert_int_equal(b.goleak, 2);
	assert_string_equal(b.tests, ""); /* after all tests: none named */
	assert_string_equal(b.frames, "pkg.sub.func1@pkg/leak_test.go:14");
}

/* Names and paths as real dumps have them. */
static void test_odd_names_and_paths(void **state)
{
	static const struct {
		const char *func, *file, *want;
	} c[] = {
		{"chanx.process[...](0xc000010000)", "\t/src/chanx/chanx.go:9 "
		 "+0x1d", "chanx.process[...]@/src/chanx/chanx.go:9"},
		{"chanx.(*Chann[...]).unboundedProcessing(0xc0000a2000)",
		 "\t/src/chanx/chanx.go:80 +0x2e5",
		 "chanx.(*Chann[...]).unboundedProcessing@/src/chanx/chanx.go:80"},
		{"grpc.pumpStreamLoop[...].func2()", "\t/src/grpc/s.go:5 +0x1",
		 "grpc.pumpStreamLoop[...].func2@/src/grpc/s.go:5"},
		{"runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)",
		 "\tC:/Program Files/Go/src/runtime/proc.go:398 +0xce",
		 "runtime.gopark@C:/Program Files/Go/src/runtime/proc.go:398"},
		{"main.main()", "\tc:/Users/dev/app/main.go:7 +0x1",
		 "main.main@c:/Users/dev/app/main.go:7"},
		{"gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun(0xc0)",
		 "\t/go/pkg/mod/gopkg.in/natefinch/lumberjack.v2@v2.2.1/"
		 "lumberjack.go:379 +0x45",
		 "gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun@/go/pkg/"
		 "mod/gopkg.in/natefinch/lumberjack.v2@v2.2.1/lumberjack.go:379"},
		{"main.отчёт()", "\t/home/пользователь/app/main.go:3 +0x1",
		 "main.отчёт@/home/пользователь/app/main.go:3"},
		{"main.serve()", "\t/.../app/server.go:88 +0x1",
		 "main.serve@/.../app/server.go:88"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char t[1024];
		digest d;

		snprintf(t, sizeof t, "goroutine 1 [select]:\n%s\n%s\n", c[i].func,
			 c[i].file);
		d = FEED(t);
		assert_int_equal(d.goroutines, 1);
		assert_string_equal(d.frames, c[i].want);
	}
}

/* debug=1 frame lines that lost their "#", padded with spaces, and a
 * record with no frame lines at all. */
static void test_debug1_shapes(void **state)
{
	static const char ref[] =
		"goroutine profile: total 5\n"
		"3 @ 0x43b 0x44c 0x46d\n"
		"#\t0x44b\tmain.leak.func1+0x3c\t/app/main.go:12\n\n"
		"2 @ 0x43b 0x44c\n\n";
	static const char nohash[] =
		"goroutine profile: total 5\n"
		"3 @ 0x43b 0x44c 0x46d\n"
		"\t0x44b\tmain.leak.func1+0x3c\t/app/main.go:12\n\n"
		"2 @ 0x43b 0x44c\n\n";
	static const char spaces[] =
		"goroutine profile: total 5\n"
		"3 @ 0x43b 0x44c 0x46d\n"
		"#   0x44b    main.leak.func1+0x3c    /app/main.go:12\n\n"
		"2 @ 0x43b 0x44c\n\n";
	digest a = FEED(ref), b = FEED(nohash), c = FEED(spaces);

	(void)state;
	assert_int_equal(a.goroutines, 2);
	assert_string_equal(a.frames, "main.leak.func1@/app/main.go:12");
	assert_true(a.h == b.h);
	assert_true(a.h == c.h);
}

/* "^\SIGQUIT: quit" whose "^" was lost still opens a signal dump. */
static void test_sigquit_caret_lost(void **state)
{
	static const char t[] = "\\SIGQUIT: quit\nPC=0x46e3a1 m=0 sigcode=0\n\n"
				"goroutine 1 [chan receive]:\nmain.main()\n"
				"\t/app/main.go:12 +0x1d\n";
	digest d = FEED(t);

	(void)state;
	assert_int_equal(d.dumps, 1);
	assert_int_equal(d.kind, PARSE_KIND_SIGNAL);
	assert_int_equal(d.goroutines, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spaces_for_tabs_and_indent),
		cmocka_unit_test(test_foreign_lines),
		cmocka_unit_test(test_packages_apart),
		cmocka_unit_test(test_goleak_shapes),
		cmocka_unit_test(test_odd_names_and_paths),
		cmocka_unit_test(test_debug1_shapes),
		cmocka_unit_test(test_sigquit_caret_lost),
		cmocka_unit_test(test_split_invariance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
