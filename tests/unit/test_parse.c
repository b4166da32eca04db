/* Unit tests for the push parser: grammar, prefixes, chunking, noise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* What the sink saw, flattened into strings that are easy to assert on. */
typedef struct rec {
	int dumps;
	int ends;
	parse_kind kind[8];
	parse_prefix prefix[8];
	int truncated[8];
	char title[8][128];
	char message[8][256]; /* crash message lines joined by '\n' */
	char signal[8][128];
	char tests[8][128];   /* running tests joined by '\n' */
	uint64_t crash_id[8];
	double time[8];
	uint64_t ancestors[8];
	int ng;
	struct {
		uint64_t id, count, created_in;
		char state[64];
		int minutes;
		unsigned flags;
		char frames[1024]; /* "func@file:line|..." */
		char args[512];    /* "args|args|..." */
		char created[256];
		char labels[128];
		int dump;
	} g[256];
} rec;

static int r_begin(void *ud, const parse_dump *d, gt_err *e)
{
	rec *r = ud;

	(void)e;
	r->kind[r->dumps] = d->kind;
	r->prefix[r->dumps] = d->prefix;
	r->time[r->dumps] = d->time;
	snprintf(r->title[r->dumps], sizeof r->title[0], "%.*s",
		 (int)d->title_len, d->title ? d->title : "");
	for (size_t i = 0, off = 0; i < d->nmessage; i++)
		off += (size_t)snprintf(r->message[r->dumps] + off, 256 - off,
					"%s%.*s", i ? "\n" : "",
					(int)d->message[i].len, d->message[i].s);
	for (size_t i = 0, off = 0; i < d->ntests; i++)
		off += (size_t)snprintf(r->tests[r->dumps] + off, 128 - off,
					"%s%.*s", i ? "\n" : "",
					(int)d->tests[i].len, d->tests[i].s);
	snprintf(r->signal[r->dumps], 128, "%.*s", (int)d->signal.len,
		 d->signal.s ? d->signal.s : "");
	r->dumps++;
	return GT_OK;
}

static int r_end(void *ud, const parse_dump *d, gt_err *e)
{
	rec *r = ud;

	(void)e;
	r->truncated[r->ends] = d->truncated;
	r->ancestors[r->ends] = d->ancestors;
	r->crash_id[r->ends] = d->crash_id;
	r->ends++;
	return GT_OK;
}

static int r_g(void *ud, const parse_goroutine *g, gt_err *e)
{
	rec *r = ud;
	size_t i, off = 0;

	(void)e;
	if (r->ng >= 256)
		return GT_OK;
	r->g[r->ng].id = g->id;
	r->g[r->ng].count = g->count;
	r->g[r->ng].created_in = g->created_in;
	r->g[r->ng].minutes = g->minutes;
	r->g[r->ng].flags = g->flags;
	r->g[r->ng].dump = r->dumps - 1;
	snprintf(r->g[r->ng].state, 64, "%.*s", (int)g->state_len, g->state);
	r->g[r->ng].frames[0] = '\0';
	for (i = 0; i < g->nframes; i++)
		off += (size_t)snprintf(r->g[r->ng].frames + off, 1024 - off,
					"%s%.*s@%.*s:%u", i ? "|" : "",
					(int)g->frames[i].func_len, g->frames[i].func,
					(int)g->frames[i].file_len,
					g->frames[i].file ? g->frames[i].file : "",
					g->frames[i].line);
	for (i = 0, off = 0; i < g->nframes && off < 512; i++)
		off += (size_t)snprintf(r->g[r->ng].args + off, 512 - off,
					"%s%.*s", i ? "|" : "",
					(int)g->frames[i].args_len,
					g->frames[i].args);
	if (g->nframes == 0)
		r->g[r->ng].args[0] = '\0';
	if (g->created_by)
		snprintf(r->g[r->ng].created, 256, "%.*s@%.*s:%u",
			 (int)g->created_by->func_len, g->created_by->func,
			 (int)g->created_by->file_len,
			 g->created_by->file ? g->created_by->file : "",
			 g->created_by->line);
	else
		r->g[r->ng].created[0] = '\0';
	snprintf(r->g[r->ng].labels, 128, "%.*s", (int)g->labels_len,
		 g->labels ? g->labels : "");
	r->ng++;
	return GT_OK;
}

/* Parses text fed in chunks of `step` bytes (0: all at once). */
static rec *run(const char *text, size_t len, size_t step, parse_stats *st)
{
	rec *r = calloc(1, sizeof *r);
	parse_sink sink = {r, r_begin, r_g, r_end};
	parse_ctx *p = parse_new(&sink);
	gt_err e;
	size_t off = 0;

	if (step == 0)
		step = len ? len : 1;
	while (off < len) {
		size_t n = len - off < step ? len - off : step;

		assert_int_equal(parse_feed(p, text + off, n, &e), GT_OK);
		off += n;
	}
	assert_int_equal(parse_finish(p, &e), GT_OK);
	if (st)
		*st = *parse_get_stats(p);
	parse_free(p);
	return r;
}

#define RUN(t) run((t), strlen(t), 0, NULL)

static const char debug2[] =
	"goroutine 1 [running]:\n"
	"main.main()\n"
	"\t/go/src/app/main.go:28 +0x17c\n"
	"\n"
	"goroutine 7 [chan send, 12 minutes]:\n"
	"main.leak(0xc000012345, {0x4a1b3c, 0x3})\n"
	"\t/go/src/app/main.go:10 +0x1d\n"
	"example.com/shop/internal/pool.(*Pool[...]).Run.func1(...)\n"
	"\t/go/src/app/internal/pool/pool.go:88\n"
	"created by main.main in goroutine 1\n"
	"\t/go/src/app/main.go:16 +0x37\n"
	"\n"
	"goroutine 9 [sync.Mutex.Lock, locked to thread]:\n"
	"sync.(*Mutex).Lock(0xc0000a0000)\n"
	"\tsync/mutex.go:81 +0x5c\n"
	"created by main.start\n"
	"\t/go/src/app/main.go:20 +0x25\n";

static void test_debug2_frames(void **state)
{
	rec *r = RUN(debug2);

	(void)state;
	assert_int_equal(r->dumps, 1);
	assert_int_equal(r->ends, 1);
	assert_int_equal(r->kind[0], PARSE_KIND_TRACEBACK);
	assert_int_equal(r->ng, 3);
	assert_string_equal(r->g[0].state, "running");
	assert_int_equal(r->g[1].id, 7);
	assert_string_equal(r->g[1].state, "chan send");
	assert_int_equal(r->g[1].minutes, 12);
	assert_string_equal(r->g[1].frames,
			    "main.leak@/go/src/app/main.go:10|"
			    "example.com/shop/internal/pool.(*Pool[...]).Run.func1"
			    "@/go/src/app/internal/pool/pool.go:88");
	assert_string_equal(r->g[1].created, "main.main@/go/src/app/main.go:16");
	assert_int_equal(r->g[1].created_in, 1);
	assert_int_equal(r->g[2].flags & PARSE_G_LOCKED, PARSE_G_LOCKED);
	assert_int_equal(r->g[2].minutes, -1);
	assert_int_equal(r->g[2].created_in, 0); /* Go 1.19 form */
	assert_string_equal(r->g[2].created, "main.start@/go/src/app/main.go:20");
	assert_int_equal(r->truncated[0], 0);
	free(r);
}

/* Any chunking must give the same result as one buffer. */
static void test_chunking(void **state)
{
	rec *whole = RUN(debug2);
	size_t steps[] = {1, 2, 3, 7, 64};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		rec *r = run(debug2, strlen(debug2), steps[i], NULL);
		int k;

		assert_int_equal(r->ng, whole->ng);
		for (k = 0; k < r->ng; k++) {
			assert_string_equal(r->g[k].frames, whole->g[k].frames);
			assert_string_equal(r->g[k].args, whole->g[k].args);
			assert_string_equal(r->g[k].state, whole->g[k].state);
		}
		free(r);
	}
	free(whole);
}

/* Each frame keeps its argument words as printed, "..." of an inlined
 * frame and the "?" of an imprecise value included; the chunks a pipe
 * delivers do not change them. */
static void test_frame_args(void **state)
{
	static const char t[] =
		"goroutine 5 [sync.Mutex.Lock]:\n"
		"internal/sync.runtime_SemacquireMutex(0xc0000a2014?, 0x0?, 0x1)\n"
		"\truntime/sema.go:95 +0x25\n"
		"sync.(*Mutex).Lock(...)\n"
		"\tsync/mutex.go:46\n"
		"main.(*Store).Get(0xc0000a2010, {0xc000120000, 0x5})\n"
		"\t/app/store.go:30 +0x3b\n"
		"main.main()\n"
		"\t/app/main.go:9 +0x1\n";
	const char *want = "0xc0000a2014?, 0x0?, 0x1|...|"
			   "0xc0000a2010, {0xc000120000, 0x5}|";
	size_t steps[] = {0, 1, 5};

	(void)state;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		rec *r = run(t, strlen(t), steps[i], NULL);

		assert_int_equal(r->ng, 1);
		assert_string_equal(r->g[0].args, want);
		free(r);
	}
}

static void test_header_variants(void **state)
{
	const char *t =
		"goroutine 0 gp=0x5c1a40 m=0 mp=0x5c2b20 [idle]:\n"
		"runtime.futex(0x5c2c58, 0x80, 0x0, 0x0, 0x0, 0x0)\n"
		"\truntime/sys_linux_amd64.s:557 +0x21 fp=0x7ffd3e8 sp=0x7ffd3e0 pc=0x46d3a1\n"
		"\n"
		"goroutine 21 [chan receive (leaked)]:\n"
		"main.f()\n\t/a.go:1 +0x1\n\n"
		"goroutine 22 [select (durable), 3 minutes, synctest bubble 1]:\n"
		"main.g()\n\t/a.go:2 +0x1\n\n"
		"goroutine 23 [chan receive (nil chan)]:\n"
		"main.h()\n\t/a.go:3 +0x1\n\n"
		"goroutine 24 [select] {handler: upload, tenant: 7}:\n"
		"main.i()\n\t/a.go:4 +0x1\n\n"
		"goroutine 26 [chan send labels:{\"endpoint\": \"/api\", \"t\": \"a\"}]:\n"
		"main.j()\n\t/a.go:5 +0x1\n\n"
		"goroutine 25 [running]:\n"
		"\tgoroutine running on other thread; stack unavailable\n";
	rec *r = RUN(t);

	(void)state;
	assert_int_equal(r->ng, 7);
	assert_int_equal(r->g[0].id, 0);
	assert_string_equal(r->g[0].state, "idle");
	assert_string_equal(r->g[0].frames,
			    "runtime.futex@runtime/sys_linux_amd64.s:557");
	assert_string_equal(r->g[1].state, "chan receive");
	assert_true(r->g[1].flags & PARSE_G_LEAKED);
	assert_string_equal(r->g[2].state, "select");
	assert_true(r->g[2].flags & PARSE_G_DURABLE);
	assert_true(r->g[2].flags & PARSE_G_SYNCTEST);
	assert_int_equal(r->g[2].minutes, 3);
	assert_string_equal(r->g[3].state, "chan receive (nil chan)");
	assert_string_equal(r->g[4].labels, "{handler: upload, tenant: 7}");
	assert_string_equal(r->g[4].state, "select");
	assert_string_equal(r->g[5].state, "chan send");
	assert_string_equal(r->g[5].labels, "{\"endpoint\": \"/api\", \"t\": \"a\"}");
	assert_int_equal(r->g[6].id, 25);
	free(r);
}

static void test_elided_and_ancestors(void **state)
{
	const char *t =
		"goroutine 5 [chan receive]:\n"
		"main.rec(0x1)\n\t/a.go:9 +0x1\n"
		"...additional frames elided...\n"
		"created by main.main\n\t/a.go:20 +0x1\n"
		"[originating from goroutine 1]:\n"
		"main.main()\n\t/a.go:20 +0x1\n"
		"\n"
		"goroutine 6 [chan receive]:\n"
		"main.rec(0x1)\n\t/a.go:9 +0x1\n"
		"...17 frames elided...\n"
		"main.rec(0x1)\n\t/a.go:9 +0x1\n"
		"created by main.main in goroutine 1\n\t/a.go:20 +0x1\n";
	rec *r = RUN(t);

	(void)state;
	assert_int_equal(r->ng, 2);
	assert_true(r->g[0].flags & PARSE_G_ELIDED);
	assert_true(r->g[1].flags & PARSE_G_ELIDED);
	assert_string_equal(r->g[1].frames, "main.rec@/a.go:9|main.rec@/a.go:9");
	assert_int_equal(r->ancestors[0], 1);
	free(r);
}

static void test_debug1(void **state)
{
	const char *t =
		"goroutine profile: total 1004\n"
		"1000 @ 0x43a0f6 0x4071ec 0x4a1b3d 0x46fa61\n"
		"#\t0x4a1b3c\tmain.leak.func1+0x3c\t/src/app/main.go:12\n"
		"#\t0x46fa60\truntime.goexit+0x0\truntime/asm_amd64.s:1700\n"
		"\n"
		"4 @ 0x43a0f6 0x46fa61\n"
		"# labels: {\"handler\":\"upload\"}\n"
		"#\t0x4a1c00\tmain.serve+0x20\t\t\t/src/app/main.go:40\n"
		"\n";
	rec *r = RUN(t);

	(void)state;
	assert_int_equal(r->dumps, 1);
	assert_int_equal(r->kind[0], PARSE_KIND_DEBUG1);
	assert_int_equal(r->ng, 2);
	assert_int_equal(r->g[0].count, 1000);
	assert_true(r->g[0].flags & PARSE_G_RECORD);
	assert_string_equal(r->g[0].frames,
			    "main.leak.func1@/src/app/main.go:12|"
			    "runtime.goexit@runtime/asm_amd64.s:1700");
	assert_string_equal(r->g[0].state, "");
	assert_int_equal(r->g[1].count, 4);
	assert_string_equal(r->g[1].labels, "{\"handler\":\"upload\"}");
	assert_string_equal(r->g[1].frames, "main.serve@/src/app/main.go:40");
	free(r);
}

static void test_panic_in_log(void **state)
{
	const char *t =
		"level=info msg=\"serving\"\n"
		"panic: runtime error: invalid memory address or nil pointer dereference\n"
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b3c]\n"
		"\n"
		"goroutine 1 [running]:\n"
		"main.main()\n\t/a.go:3 +0x1\n"
		"exit status 2\n"
		"fatal error: all goroutines are asleep - deadlock!\n"
		"\n"
		"goroutine 1 [chan receive]:\n"
		"main.main()\n\t/a.go:5 +0x1\n";
	rec *r = RUN(t);

	(void)state;
	assert_int_equal(r->dumps, 2);
	assert_int_equal(r->kind[0], PARSE_KIND_PANIC);
	assert_string_equal(r->title[0], "panic: runtime error: invalid memory "
					 "address or nil pointer dereference");
	assert_int_equal(r->kind[1], PARSE_KIND_DEADLOCK);
	assert_int_equal(r->ng, 2);
	assert_int_equal(r->g[1].dump, 1);
	free(r);
}

static void test_test_timeout_and_signal(void **state)
{
	const char *t =
		"panic: test timed out after 3s\n"
		"\trunning tests:\n"
		"\t\tTestHang (3s)\n"
		"\n"
		"goroutine 7 [running]:\n"
		"testing.(*M).startAlarm.func1()\n\ttesting/testing.go:2373 +0x1\n"
		"\n"
		"SIGQUIT: quit\n"
		"PC=0x46e081 m=0 sigcode=0\n"
		"\n"
		"goroutine 0 gp=0x1 m=0 mp=0x2 [idle]:\n"
		"runtime.futex(0x1)\n\truntime/sys_linux_amd64.s:557 +0x21\n"
		"rax    0xca\n"
		"rbx    0x0\n"
		"\n"
		"goroutine 1 gp=0x3 m=nil [select]:\n"
		"main.main()\n\t/a.go:5 +0x1\n";
	rec *r = RUN(t);

	(void)state;
	assert_int_equal(r->dumps, 2);
	assert_int_equal(r->kind[0], PARSE_KIND_TEST_TIMEOUT);
	assert_int_equal(r->kind[1], PARSE_KIND_SIGNAL);
	assert_string_equal(r->title[1], "SIGQUIT: quit");
	assert_int_equal(r->ng, 3);
	assert_string_equal(r->g[2].state, "select");
	free(r);
}

/* What a crash prints before its goroutines, fed whole and in chunks that
 * split its lines. */
static void test_crash_text(void **state)
{
	const char *t =
		/* a multi-line message, indented by Go 1.21+, then a signal */
		"panic: first line\n"
		"\tsecond line\n"
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1]\n"
		"\n"
		"goroutine 7 [running]:\n"
		"main.f(...)\n\t/a.go:3\n"
		"\n"
		"goroutine 1 [select]:\n"
		"main.main()\n\t/a.go:9 +0x1\n"
		"exit status 2\n"
		/* a [recovered] chain; the header carries gp= and m= */
		"panic: boom [recovered]\n"
		"\tpanic: again\n"
		"\n"
		"goroutine 21 gp=0xc000007 m=3 mp=0xc0 [running]:\n"
		"main.g()\n\t/b.go:4 +0x1\n"
		"exit status 2\n"
		/* a throw: the runtime stack before the goroutines is no
		 * part of the message */
		"fatal error: concurrent map writes\n"
		"\n"
		"runtime stack:\n"
		"runtime.throw({0x1, 0x2})\n\truntime/panic.go:1 +0x1\n"
		"\n"
		"goroutine 9 gp=0x1 m=0 mp=0x2 [running]:\n"
		"main.h()\n\t/c.go:5 +0x1\n"
		"exit status 2\n"
		/* a test timeout: the list, and no culprit goroutine */
		"panic: test timed out after 5s\n"
		"\trunning tests:\n"
		"\t\tTestA (5s)\n"
		"\t\tTestB/sub (5s)\n"
		"\n"
		"goroutine 3 [running]:\n"
		"testing.(*M).startAlarm.func1()\n\ttesting/testing.go:1 +0x1\n"
		"FAIL\n"
		/* SIGQUIT asks for a dump: no culprit either */
		"SIGQUIT: quit\n"
		"PC=0x46e081 m=0 sigcode=0\n"
		"\n"
		"goroutine 4 gp=0x3 m=0 mp=0x4 [syscall]:\n"
		"syscall.Syscall(0x0)\n\tsyscall/a.go:1 +0x1\n"
		"exit status 2\n"
		/* any other signal names the goroutine it arrived on */
		"SIGABRT: abort\n"
		"PC=0x46e081 m=0 sigcode=0\n"
		"\n"
		"goroutine 5 gp=0x3 m=0 mp=0x4 [syscall]:\n"
		"syscall.Syscall(0x0)\n\tsyscall/a.go:1 +0x1\n"
		"exit status 2\n"
		"fatal error: all goroutines are asleep - deadlock!\n"
		"\n"
		"goroutine 1 [chan receive]:\n"
		"main.main()\n\t/d.go:6 +0x1\n"
		"exit status 2\n"
		/* a plain dump after all that has no crash text */
		"goroutine 8 [select]:\n"
		"main.k()\n\t/e.go:7 +0x1\n";
	size_t steps[] = {0, 5};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		rec *r = run(t, strlen(t), steps[k], NULL);

		assert_int_equal(r->dumps, 8);
		assert_int_equal(r->kind[0], PARSE_KIND_PANIC);
		assert_string_equal(r->message[0], "panic: first line\n"
						   "\tsecond line");
		assert_string_equal(r->signal[0], "SIGSEGV: segmentation "
				    "violation code=0x1 addr=0x0 pc=0x1");
		assert_int_equal(r->crash_id[0], 7);
		assert_true(r->g[0].flags & PARSE_G_CRASHED);
		assert_false(r->g[1].flags & PARSE_G_CRASHED);

		assert_string_equal(r->message[1], "panic: boom [recovered]\n"
						   "\tpanic: again");
		assert_string_equal(r->signal[1], "");
		assert_int_equal(r->crash_id[1], 21);

		assert_int_equal(r->kind[2], PARSE_KIND_FATAL);
		assert_string_equal(r->message[2],
				    "fatal error: concurrent map writes");
		assert_int_equal(r->crash_id[2], 9);

		assert_int_equal(r->kind[3], PARSE_KIND_TEST_TIMEOUT);
		assert_string_equal(r->message[3],
				    "panic: test timed out after 5s");
		assert_string_equal(r->tests[3], "TestA (5s)\nTestB/sub (5s)");
		assert_int_equal(r->crash_id[3], 0);

		assert_int_equal(r->kind[4], PARSE_KIND_SIGNAL);
		assert_string_equal(r->signal[4], "SIGQUIT: quit");
		assert_int_equal(r->crash_id[4], 0);
		assert_int_equal(r->crash_id[5], 5);
		assert_string_equal(r->signal[5], "SIGABRT: abort");

		assert_int_equal(r->kind[6], PARSE_KIND_DEADLOCK);
		assert_int_equal(r->crash_id[6], 0);

		assert_int_equal(r->kind[7], PARSE_KIND_TRACEBACK);
		assert_string_equal(r->message[7], "");
		assert_string_equal(r->tests[7], "");
		assert_int_equal(r->crash_id[7], 0);
		for (int i = 0; i < r->ng; i++)
			assert_int_equal(!!(r->g[i].flags & PARSE_G_CRASHED),
					 r->g[i].id == 7 || r->g[i].id == 21 ||
						 r->g[i].id == 9 ||
						 r->g[i].id == 5);
		free(r);
	}
}

/* Before Go 1.21 a multi-line message is printed as it is, and a test
 * timeout's list is not indented under the message. */
static void test_crash_text_old(void **state)
{
	const char *t = "panic: one\n"
			"two\n"
			"\n"
			"goroutine 5 [running]:\n"
			"main.f()\n\t/a.go:1 +0x1\n"
			"FAIL\n"
			"panic: test timed out after 1s\n"
			"running tests:\n"
			"\tTestX (1s)\n"
			"\n"
			"goroutine 6 [running]:\n"
			"main.f()\n\t/a.go:1 +0x1\n";
	rec *r = RUN(t);

	(void)state;
	assert_int_equal(r->dumps, 2);
	assert_string_equal(r->message[0], "panic: one\ntwo");
	assert_string_equal(r->message[1], "panic: test timed out after 1s");
	assert_string_equal(r->tests[1], "TestX (1s)");
	free(r);
}

static void test_prefixes(void **state)
{
	static const struct {
		const char *text;
		parse_prefix want;
	} cases[] = {
		{"2026-11-20T10:00:00.123456789Z stderr F goroutine 7 [select]:\n"
		 "2026-11-20T10:00:00.12Z stderr F main.f()\n"
		 "2026-11-20T10:00:00.1Z stderr F \t/a.go:1 +0x1\n"
		 "2026-11-20T10:00:01Z stdout F level=info msg=interleaved\n"
		 "2026-11-20T10:00:01.5Z stderr F\n"
		 "2026-11-20T10:00:01.6Z stderr F goroutine 8 [select]:\n"
		 "2026-11-20T10:00:01.6Z stderr P main.lon\n"
		 "2026-11-20T10:00:01.6Z stderr F g()\n"
		 "2026-11-20T10:00:01.6Z stderr F \t/a.go:2 +0x1\n",
		 PARSE_PREFIX_CRI},
		{"2026-11-20T10:00:00.123456789Z goroutine 7 [select]:\n"
		 "2026-11-20T10:00:00.2Z main.f()\n"
		 "2026-11-20T10:00:00.3Z \t/a.go:1 +0x1\n"
		 "2026-11-20T10:00:00.3Z \n"
		 "2026-11-20T10:00:00.3Z goroutine 8 [select]:\n"
		 "2026-11-20T10:00:00.3Z main.longg()\n"
		 "2026-11-20T10:00:00.4Z \t/a.go:2 +0x1\n",
		 PARSE_PREFIX_DOCKER_TS},
		{"Nov 20 10:00:00 web-1 shop[4121]: goroutine 7 [select]:\n"
		 "Nov 20 10:00:00 web-1 shop[4121]: main.f()\n"
		 "Nov 20 10:00:00 web-1 shop[4121]: \t/a.go:1 +0x1\n"
		 "Nov 20 10:00:00 web-1 shop[4121]:\n"
		 "Nov 20 10:00:01 web-1 shop[4121]: goroutine 8 [select]:\n"
		 "Nov 20 10:00:01 web-1 shop[4121]: main.longg()\n"
		 "Nov 20 10:00:01 web-1 shop[4121]: \t/a.go:2 +0x1\n",
		 PARSE_PREFIX_JOURNALD},
		{"{\"log\":\"goroutine 7 [select]:\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
		 "{\"log\":\"main.f()\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
		 "{\"log\":\"\\t/a.go:1 +0x1\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
		 "{\"log\":\"\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
		 "{\"log\":\"goroutine 8 [select]:\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
		 "{\"log\":\"main.lon\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
		 "{\"log\":\"gg()\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
		 "{\"log\":\"\\t/a.go:2 +0x1\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n",
		 PARSE_PREFIX_DOCKER_JSON},
		{"app| goroutine 7 [select]:\r\n"
		 "app| main.f()\r\n"
		 "app| \t/a.go:1 +0x1\r\n"
		 "app| \r\n"
		 "app| goroutine 8 [select]:\r\n"
		 "app| main.longg()\r\n"
		 "app| \t/a.go:2 +0x1\r\n",
		 PARSE_PREFIX_LITERAL},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rec *r = RUN(cases[i].text);

		assert_int_equal(r->dumps, 1);
		assert_int_equal(r->prefix[0], cases[i].want);
		assert_int_equal(r->ng, 2);
		assert_string_equal(r->g[0].frames, "main.f@/a.go:1");
		/* CRI "P" records and docker partial lines are joined */
		assert_string_equal(r->g[1].frames,
				    cases[i].want == PARSE_PREFIX_CRI
					    ? "main.long@/a.go:2"
					    : "main.longg@/a.go:2");
		free(r);
	}
}

/* Each dump takes the time of the log line that starts it, also when only
 * lines of another stream separate two dumps. */
static void test_dump_times(void **state)
{
	const char *t =
		"2026-11-20T10:00:00.5Z stderr F panic: boom\n"
		"2026-11-20T10:00:00.5Z stderr F\n"
		"2026-11-20T10:00:00.6Z stderr F goroutine 7 [select]:\n"
		"2026-11-20T10:00:00.6Z stderr F main.f()\n"
		"2026-11-20T10:00:00.6Z stderr F \t/a.go:1 +0x1\n"
		"2026-11-20T10:05:00Z stdout F level=info msg=restarted\n"
		"2026-11-20T10:10:00+01:00 stderr F SIGQUIT: quit\n"
		"2026-11-20T10:10:00+01:00 stderr F\n"
		"2026-11-20T10:10:00+01:00 stderr F goroutine 8 [select]:\n"
		"2026-11-20T10:10:00+01:00 stderr F main.g()\n"
		"2026-11-20T10:10:00+01:00 stderr F \t/a.go:2 +0x1\n";
	rec *r = RUN(t);

	(void)state;
	assert_int_equal(r->dumps, 2);
	/* 2026-11-20T10:00:00.5Z */
	assert_true(r->time[0] > 1795168800.4 && r->time[0] < 1795168800.6);
	/* 10:10 at +01:00 is 09:10Z: before the first dump */
	assert_true(r->time[1] > 1795165799.0 && r->time[1] < 1795165801.0);
	assert_int_equal(r->kind[1], PARSE_KIND_SIGNAL);
	free(r);
}

/* A log line right after a dump is not taken for one more frame, even when
 * it ends with ')'. */
static void test_log_line_after_dump(void **state)
{
	const char *t =
		"goroutine 5 [select]:\n"
		"main.f()\n\t/a.go:1 +0x1\n"
		"level=info msg=\"shutting down (signal)\"\n"
		"done (3 workers)\n";
	rec *r = RUN(t);

	(void)state;
	assert_int_equal(r->ng, 1);
	assert_string_equal(r->g[0].frames, "main.f@/a.go:1");
	assert_int_equal(r->truncated[0], 0);
	free(r);
}

static void test_not_a_dump(void **state)
{
	const char *t =
		"{\"level\":\"error\",\"msg\":\"recovered\",\"stack\":\"goroutine 12 "
		"[running]:\\nmain.f()\\n\\t/app/main.go:9 +0x1d\\n\"}\n"
		"level=error msg=\"goroutine 5 [running]: oops\"\n"
		"==================\n"
		"WARNING: DATA RACE\n"
		"Read at 0x00c0000a4010 by goroutine 7:\n"
		"  main.main.func1()\n"
		"      /a.go:12 +0x3c\n"
		"\n"
		"Previous write at 0x00c0000a4010 by goroutine 6:\n"
		"  main.main.func2()\n"
		"      /a.go:16 +0x3c\n"
		"==================\n";
	parse_stats st;
	rec *r = run(t, strlen(t), 0, &st);

	(void)state;
	assert_int_equal(r->dumps, 0);
	assert_int_equal(r->ng, 0);
	assert_int_equal(st.race_reports, 1);
	free(r);
}

static void test_truncated(void **state)
{
	char t[512];
	rec *r;

	(void)state;
	snprintf(t, sizeof t, "%s", debug2);
	t[strlen(t) - 12] = '\0'; /* cut inside the last file line */
	r = RUN(t);
	assert_int_equal(r->ng, 3);
	assert_int_equal(r->truncated[0], 1);
	assert_true(r->g[2].flags & PARSE_G_TRUNCATED);
	free(r);

	/* a complete dump without its final newline is not truncated */
	snprintf(t, sizeof t, "%.*s", (int)strlen(debug2) - 1, debug2);
	r = RUN(t);
	assert_int_equal(r->truncated[0], 0);
	assert_int_equal(r->ng, 3);
	free(r);
}

static void test_concatenated_dumps(void **state)
{
	char t[2048];
	rec *r;

	(void)state;
	snprintf(t, sizeof t, "%s\n%s", debug2, debug2);
	r = RUN(t);
	assert_int_equal(r->dumps, 2);
	assert_int_equal(r->ng, 6);
	assert_int_equal(r->g[3].dump, 1);
	assert_int_equal(r->g[3].id, 1);
	free(r);
}

/* A pprof dump starts with the goroutine writing it: when one shows up
 * again, running, a second dump begins; a concurrent request's writer,
 * waiting its turn in the same function, belongs to the dump. */
static void test_dump_writer_split(void **state)
{
	static const char writer[] =
		"goroutine 40 [running]:\n"
		"runtime/pprof.writeGoroutineStacks({0x1, 0x2})\n"
		"\truntime/pprof/pprof.go:819 +0x6b\n\n";
	static const char waiting[] =
		"goroutine 41 [semacquire]:\n"
		"runtime.goroutineProfileWithLabelsConcurrent(...)\n"
		"\truntime/mprof.go:1704 +0x5d\n"
		"runtime/pprof.writeGoroutineStacks({0x1, 0x3})\n"
		"\truntime/pprof/pprof.go:819 +0x6b\n\n";
	static const char other[] =
		"goroutine 7 [select]:\nmain.f()\n\t/a.go:1 +0x1\n\n";
	char t[2048];
	rec *r;

	(void)state;
	snprintf(t, sizeof t, "%s%s%s", writer, other, waiting);
	r = RUN(t);
	assert_int_equal(r->dumps, 1);
	assert_int_equal(r->ng, 3);
	free(r);

	snprintf(t, sizeof t, "%s%s%s%s", writer, other, writer, other);
	r = RUN(t);
	assert_int_equal(r->dumps, 2);
	assert_int_equal(r->ng, 4);
	assert_int_equal(r->g[2].dump, 1);
	free(r);
}

static void test_long_and_binary_lines(void **state)
{
	size_t big = PARSE_MAX_LINE + 100, n;
	char *t = malloc(big + 256);
	parse_stats st;
	rec *r;

	(void)state;
	memset(t, 'x', big);
	t[10] = '\0'; /* a NUL byte in the noise */
	t[big] = '\n';
	n = big + 1;
	n += (size_t)sprintf(t + n, "goroutine 3 [select]:\nmain.f()\n\t/a.go:1 +0x1\n");
	r = run(t, n, 4096, &st);
	assert_int_equal(st.long_lines, 1);
	assert_int_equal(st.nul_bytes, 1);
	assert_int_equal(r->ng, 1);
	assert_string_equal(r->g[0].frames, "main.f@/a.go:1");
	free(r);
	free(t);
}

/* The runtime prints a goroutine running on another thread as its header
 * and an indented note in place of frames: a complete dump, not a cut. */
static void test_stack_unavailable(void **state)
{
#define NOSTACK "\tgoroutine running on other thread; stack unavailable\n"
	const char *t = "SIGQUIT: quit\n"
			"PC=0x4a1b3c m=0 sigcode=0\n"
			"\n"
			"goroutine 1 [running]:\n"
			"main.main()\n\t/a.go:3 +0x1\n"
			"\n"
			"goroutine 7 [running]:\n" NOSTACK
			"created by main.main in goroutine 1\n"
			"\t/a.go:9 +0x25\n"
			"\n"
			"goroutine 8 [running]:\n" NOSTACK;
#undef NOSTACK
	parse_stats st;
	rec *r;
	size_t step;

	(void)state;
	for (step = 0; step <= 5; step += 5) {
		r = run(t, strlen(t), step, &st);
		assert_int_equal(r->ng, 3);
		assert_int_equal(r->truncated[0], 0);
		assert_true(r->g[1].flags & PARSE_G_NOSTACK);
		assert_false(r->g[1].flags & PARSE_G_TRUNCATED);
		assert_string_equal(r->g[1].created, "main.main@/a.go:9");
		assert_true(r->g[2].flags & PARSE_G_NOSTACK);
		assert_false(r->g[2].flags & PARSE_G_TRUNCATED);
		assert_false(r->g[0].flags & PARSE_G_NOSTACK);
		free(r);
	}
}

/* A line over PARSE_MAX_LINE inside a dump is skipped and counted the same
 * whether it arrives in one feed or split over many. */
static void test_long_line_any_chunking(void **state)
{
	size_t big = PARSE_MAX_LINE + 10, n = 0, h = strlen(debug2) / 2;
	char *t = malloc(big + 2 * sizeof debug2);
	static const size_t steps[] = {0, 4096, 65536, PARSE_MAX_LINE - 3};
	size_t i;

	(void)state;
	while (debug2[h] != '\n') /* cut the dump after a whole line */
		h++;
	memcpy(t, debug2, h + 1);
	n = h + 1;
	memset(t + n, 'x', big);
	n += big;
	t[n++] = '\n';
	memcpy(t + n, debug2 + h + 1, strlen(debug2) - h - 1);
	n += strlen(debug2) - h - 1;
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		parse_stats st;
		rec *r = run(t, n, steps[i], &st);

		assert_int_equal(st.long_lines, 1);
		assert_int_equal(r->dumps, 1);
		assert_int_equal(r->ng, 3);
		assert_string_equal(r->g[2].frames,
				    "sync.(*Mutex).Lock@sync/mutex.go:81");
		free(r);
	}
	free(t);
}

/* debug=1 counts past what a process can hold are capped, so neither the
 * parser's total nor any sum over the dump wraps. */
static void test_debug1_absurd_counts(void **state)
{
	const char *t =
		"goroutine profile: total 3\n"
		"18446744073709551615 @ 0x1 0x2\n"
		"#\t0x1\tmain.a+0x1\t/a.go:1\n\n"
		"99999999999999999999 @ 0x1 0x2\n"
		"#\t0x1\tmain.b+0x1\t/a.go:2\n\n"
		"9223372036854775809 @ 0x1 0x2\n#\t0x1\tmain.c+0x1\t/a.go:3\n\n"
		"5 @ 0x1 0x2\n#\t0x1\tmain.d+0x1\t/a.go:4\n\n";
	parse_stats st;
	rec *r = run(t, strlen(t), 0, &st);
	uint64_t sum = 0;
	int i;

	(void)state;
	assert_int_equal(r->ng, 4);
	assert_true(r->g[0].count == PARSE_MAX_GOROUTINES);
	for (i = 0; i < r->ng; i++) {
		assert_true(r->g[i].count >= 1);
		assert_true(sum + r->g[i].count > sum);
		sum += r->g[i].count;
	}
	assert_true(sum <= PARSE_MAX_GOROUTINES + (uint64_t)r->ng);
	assert_true(st.goroutines == sum);
	assert_int_equal(st.capped_counts, 4); /* all past the first cap */
	free(r);

	/* an ordinary count is left alone */
	t = "goroutine profile: total 5\n"
	    "5 @ 0x1 0x2\n#\t0x1\tmain.d+0x1\t/a.go:4\n\n";
	r = run(t, strlen(t), 0, &st);
	assert_int_equal(r->ng, 1);
	assert_int_equal(r->g[0].count, 5);
	assert_int_equal(st.capped_counts, 0);
	free(r);
}

/* A digest of everything a goroutine hands the sink, for stacks too deep
 * for rec. */
typedef struct digest {
	uint64_t h;
	size_t ng, nframes;
} digest;

static void mix(digest *d, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d->h = (d->h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	d->h = (d->h ^ 0xff) * 0x100000001b3ull;
}

static int d_g(void *ud, const parse_goroutine *g, gt_err *e)
{
	digest *d = ud;
	size_t i;

	(void)e;
	d->ng++;
	d->nframes += g->nframes;
	mix(d, g->state, g->state_len);
	if (g->labels)
		mix(d, g->labels, g->labels_len);
	for (i = 0; i < g->nframes; i++) {
		mix(d, g->frames[i].func, g->frames[i].func_len);
		if (g->frames[i].file)
			mix(d, g->frames[i].file, g->frames[i].file_len);
		d->h ^= g->frames[i].line;
	}
	if (g->created_by) {
		mix(d, g->created_by->func, g->created_by->func_len);
		mix(d, g->created_by->file, g->created_by->file_len);
	}
	return GT_OK;
}

/* A goroutine deeper than any chunk keeps every frame, its state, labels
 * and creator intact however the input is cut: the views carried over from
 * earlier chunks stay right as later ones are added. */
static void test_deep_stack_chunks(void **state)
{
	enum { DEPTH = 30000 };
	size_t cap = (size_t)DEPTH * 80 + 512, n = 0, i;
	char *t = malloc(cap);
	static const size_t steps[] = {0, 1, 7, 4096, 65536};
	digest want = {0, 0, 0};

	(void)state;
	n += (size_t)sprintf(t + n, "goroutine 5 [chan receive, 3 minutes]"
				    " {\"req\":\"a\"}:\n");
	for (i = 0; i < DEPTH; i++)
		n += (size_t)sprintf(t + n,
				     "main.f%zu(0x1)\n\t/src/f%zu.go:%zu +0x1\n",
				     i % 97, i % 13, i);
	n += (size_t)sprintf(t + n, "created by main.main in goroutine 1\n"
				    "\t/src/main.go:9 +0x25\n\n"
				    "goroutine 6 [select]:\n"
				    "main.g()\n\t/src/g.go:1 +0x1\n");
	assert_true(n < cap);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		digest d = {0xcbf29ce484222325ull, 0, 0};
		parse_sink sink = {&d, NULL, d_g, NULL};
		parse_ctx *p = parse_new(&sink);
		size_t off = 0, step = steps[i] ? steps[i] : n;
		gt_err e;

		while (off < n) {
			size_t k = n - off < step ? n - off : step;

			assert_int_equal(parse_feed(p, t + off, k, &e), GT_OK);
			off += k;
		}
		assert_int_equal(parse_finish(p, &e), GT_OK);
		parse_free(p);
		assert_int_equal(d.ng, 2);
		assert_int_equal(d.nframes, DEPTH + 1);
		if (i == 0)
			want = d;
		assert_true(d.h == want.h);
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debug2_frames),
		cmocka_unit_test(test_chunking),
		cmocka_unit_test(test_frame_args),
		cmocka_unit_test(test_header_variants),
		cmocka_unit_test(test_elided_and_ancestors),
		cmocka_unit_test(test_debug1),
		cmocka_unit_test(test_panic_in_log),
		cmocka_unit_test(test_test_timeout_and_signal),
		cmocka_unit_test(test_crash_text),
		cmocka_unit_test(test_crash_text_old),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_dump_times),
		cmocka_unit_test(test_log_line_after_dump),
		cmocka_unit_test(test_not_a_dump),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_concatenated_dumps),
		cmocka_unit_test(test_dump_writer_split),
		cmocka_unit_test(test_long_and_binary_lines),
		cmocka_unit_test(test_stack_unavailable),
		cmocka_unit_test(test_long_line_any_chunking),
		cmocka_unit_test(test_debug1_absurd_counts),
		cmocka_unit_test(test_deep_stack_chunks),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
