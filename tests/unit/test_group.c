/* Unit tests for the grouper: what splits a group, what does not, and how
 * groups are flagged and ordered. Rules come from small inline rule sets
 * so the tests do not depend on the built-in patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "group.h"
#include "parse.h"
#include "rules.h"

static const char rules_text[] =
	"category nil-chan\n"
	"    state ^chan (send|receive) \\(nil chan\\)$\n"
	"category chan-send\n"
	"    state ^chan send\n"
	"category chan-receive\n"
	"    state ^chan receive\n"
	"category select\n"
	"    frame ^net/http\\.\\(\\*persistConn\\)\\.readLoop$\n"
	"category mutex\n"
	"    state ^sync\\.Mutex\\.Lock$\n"
	"category running\n"
	"    state ^running$\n"
	"category io-wait\n"
	"    state ^IO wait$\n"
	"category chan-send\n"
	"    frame ^main\\.produce$\n"
	"diagnosis accept-loop\n"
	"    category io-wait\n"
	"    frame ^net\\.\\(\\*TCPListener\\)\\.Accept$\n"
	"    cause a listener waiting for connections\n"
	"    fix nothing to fix\n"
	"    healthy\n"
	"diagnosis stuck-handler\n"
	"    category chan-receive\n"
	"    frame ^main\\.handler$\n"
	"    cause a handler waits for an answer that never comes\n"
	"    fix time the wait out\n"
	"    leak-at 50\n"
	"diagnosis leaky-sender\n"
	"    category chan-send\n"
	"    frame ^main\\.fanout\n"
	"    cause fan-out sender with no receiver\n"
	"    fix buffer the channel\n"
	"    leak-at 3\n";

static rules *R;

static int setup(void **state)
{
	gt_err e;

	(void)state;
	R = rules_new();
	return rules_add_text(R, "test.rules", rules_text, strlen(rules_text),
			      &e) == GT_OK
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	(void)state;
	rules_free(R);
	return 0;
}

static group_set *triage(const char *text, const group_opts *o)
{
	group_set *s = group_set_new(R, o);
	parse_sink sink = group_sink(s);
	parse_ctx *p = parse_new(&sink);
	gt_err e;

	assert_int_equal(parse_feed(p, text, strlen(text), &e), GT_OK);
	assert_int_equal(parse_finish(p, &e), GT_OK);
	group_set_finish(s, parse_get_stats(p));
	parse_free(p);
	return s;
}

static const group *find(const group_dump *d, const char *func)
{
	size_t i;

	for (i = 0; i < d->ngroups; i++)
		if (d->groups[i]->nframes &&
		    strcmp(d->groups[i]->frames[0].func, func) == 0)
			return d->groups[i];
	return NULL;
}

/* Ids, argument values, pc offsets and minutes never split a group. */
static void test_same_stack_one_group(void **state)
{
	const char *t =
		"goroutine 7 [chan send, 3 minutes]:\n"
		"main.fanout(0xc000010000, 0x1)\n\t/app/main.go:10 +0x1d\n"
		"created by main.main in goroutine 1\n\t/app/main.go:16 +0x37\n\n"
		"goroutine 9 [chan send, 41 minutes]:\n"
		"main.fanout(0xc0000aa000, 0x2?)\n\t/app/main.go:10 +0x2f\n"
		"created by main.main in goroutine 1\n\t/app/main.go:16 +0x99\n\n"
		"goroutine 12 [chan send]:\n"
		"main.fanout(...)\n\t/app/main.go:10\n"
		"created by main.main in goroutine 1\n\t/app/main.go:16 +0x37\n";
	group_set *s = triage(t, NULL);
	const group_dump *d = group_set_last(s);
	const group *g;

	(void)state;
	assert_non_null(d);
	assert_int_equal(d->ngroups, 1);
	g = d->groups[0];
	assert_int_equal(g->count, 3);
	assert_int_equal(g->cat, CAT_CHAN_SEND);
	assert_int_equal(g->nids, 3);
	assert_int_equal(g->ids[0], 7);
	assert_int_equal(g->ids[2], 12);
	assert_int_equal(g->min_minutes, 0); /* goroutine 12 printed none */
	assert_int_equal(g->max_minutes, 41);
	assert_string_equal(g->created_by.func, "main.main");
	assert_int_equal(strlen(g->fingerprint), 16);
	group_set_free(s);
}

static const char two_lines[] =
	"goroutine 7 [chan receive]:\n"
	"main.worker()\n\t/app/main.go:10 +0x1d\n\n"
	"goroutine 8 [chan receive]:\n"
	"main.worker()\n\t/app/main.go:14 +0x1d\n";

static void test_group_by_levels(void **state)
{
	group_opts o;
	group_set *s;

	(void)state;
	s = triage(two_lines, NULL);
	assert_int_equal(group_set_last(s)->ngroups, 2);
	group_set_free(s);

	group_opts_default(&o);
	o.by = GROUP_BY_FUNC;
	s = triage(two_lines, &o);
	assert_int_equal(group_set_last(s)->ngroups, 1);
	assert_int_equal(group_set_last(s)->groups[0]->count, 2);
	group_set_free(s);
}

/* The same stack gets the same fingerprint in another snapshot, whatever
 * the order, ids and arguments; a different line does not. */
static void test_fingerprint_stable(void **state)
{
	const char *a = "goroutine 3 [chan receive]:\n"
			"main.worker(0x1)\n\t/app/main.go:10 +0x1d\n\n"
			"goroutine 4 [IO wait]:\n"
			"main.reader()\n\t/app/main.go:30 +0x1d\n";
	const char *b = "goroutine 90 [IO wait, 5 minutes]:\n"
			"main.reader()\n\t/app/main.go:30 +0x44\n\n"
			"goroutine 91 [chan receive]:\n"
			"main.worker(0x9)\n\t/app/main.go:10 +0x2\n";
	group_set *sa = triage(a, NULL), *sb = triage(b, NULL), *sc;
	const group *wa = find(group_set_last(sa), "main.worker");
	const group *wb = find(group_set_last(sb), "main.worker");
	const group *ra = find(group_set_last(sa), "main.reader");

	(void)state;
	assert_non_null(wa);
	assert_non_null(wb);
	assert_string_equal(wa->fingerprint, wb->fingerprint);
	assert_string_not_equal(wa->fingerprint, ra->fingerprint);
	sc = triage(two_lines, NULL);
	assert_string_not_equal(group_set_last(sc)->groups[0]->fingerprint,
				group_set_last(sc)->groups[1]->fingerprint);
	group_set_free(sa);
	group_set_free(sb);
	group_set_free(sc);
}

/* The fingerprint of the group whose first frame is func in text. */
static void fp_of(const char *text, const char *func, group_by by, char out[17])
{
	group_opts o;
	group_set *s;
	const group *g;

	group_opts_default(&o);
	o.by = by;
	s = triage(text, &o);
	g = find(group_set_last(s), func);
	assert_non_null(g);
	memcpy(out, g->fingerprint, 17);
	group_set_free(s);
}

/* One goroutine as pprof debug=2, a SIGQUIT with GOTRACEBACK=system, pprof
 * debug=1 and Go 1.19's SIGQUIT print it: one fingerprint. */
static void test_fingerprint_capture_methods(void **state)
{
	const char *debug2 =
		"goroutine 40 [chan receive, 3 minutes]:\n"
		"main.(*Pool).worker(0xc000010000)\n\t/app/pool.go:33 +0x4c\n"
		"main.rec(...)\n\t/app/pool.go:20\n"
		"main.rec(...)\n\t/app/pool.go:20\n"
		"created by main.NewPool in goroutine 1\n\t/app/pool.go:26 +0x5\n";
	const char *system =
		"goroutine 63 gp=0x1 m=nil [chan receive]:\n"
		"runtime.gopark(0x1?, 0x2?)\n\truntime/proc.go:462 +0xce fp=0x1 sp=0x2 pc=0x3\n"
		"runtime.chanrecv(0x1, 0x2, 0x1)\n\truntime/chan.go:667 +0x1\n"
		"main.(*Pool).worker(0x2878eb7c63c0)\n\t/app/pool.go:33 +0x4c\n"
		"main.rec(...)\n\t/app/pool.go:20\n"
		"main.rec(...)\n\t/app/pool.go:20\n"
		"main.rec(...)\n\t/app/pool.go:20\n"
		"main.NewPool.gowrap1()\n\t/app/pool.go:26 +0x17\n"
		"runtime.goexit({})\n\truntime/asm_amd64.s:1771 +0x1\n"
		"created by main.NewPool in goroutine 1\n\t/app/pool.go:26 +0x5\n";
	const char *debug1 =
		"goroutine profile: total 4\n"
		"4 @ 0x48808e 0x41896e 0x6ad805 0x48f7e1\n"
		"#\t0x6ad804\tmain.(*Pool).worker+0x124\t/app/pool.go:33\n"
		"#\t0x6ad805\tmain.rec+0x1\t/app/pool.go:20\n";
	/* before Go 1.21: no "in goroutine N", the wrapper is a closure */
	const char *old =
		"goroutine 63 [chan receive]:\n"
		"runtime.gopark(0x1?)\n\truntime/proc.go:363 +0xd6 fp=0x1 sp=0x2 pc=0x3\n"
		"main.(*Pool).worker(0xc000010000)\n\t/app/pool.go:33 +0x4c\n"
		"main.rec(...)\n\t/app/pool.go:20\n"
		"main.NewPool.func1()\n\t/app/pool.go:26 +0x26 fp=0x1 sp=0x2 pc=0x3\n"
		"runtime.goexit()\n\truntime/asm_amd64.s:1594 +0x1 fp=0x1 sp=0x2 pc=0x3\n"
		"created by main.NewPool\n\t/app/pool.go:26 +0x5\n";
	/* a closure that is user code, at another line, stays in */
	const char *closure =
		"goroutine 63 [chan receive]:\n"
		"main.(*Pool).worker(0xc000010000)\n\t/app/pool.go:33 +0x4c\n"
		"main.rec(...)\n\t/app/pool.go:20\n"
		"main.NewPool.func1()\n\t/app/pool.go:29 +0x26\n"
		"created by main.NewPool in goroutine 1\n\t/app/pool.go:26 +0x5\n";
	char a[17], b[17], c[17], d[17], e[17];

	(void)state;
	for (int by = 0; by < 2; by++) {
		fp_of(debug2, "main.(*Pool).worker", (group_by)by, a);
		fp_of(system, "runtime.gopark", (group_by)by, b);
		fp_of(debug1, "main.(*Pool).worker", (group_by)by, c);
		fp_of(old, "runtime.gopark", (group_by)by, d);
		fp_of(closure, "main.(*Pool).worker", (group_by)by, e);
		assert_string_equal(a, b);
		assert_string_equal(a, c);
		assert_string_equal(a, d);
		assert_string_not_equal(a, e);
	}
	/* the line enters with GROUP_BY_LINE only */
	fp_of("goroutine 1 [select]:\nmain.f()\n\t/a.go:1 +0x1\n", "main.f",
	      GROUP_BY_LINE, a);
	fp_of("goroutine 1 [select]:\nmain.f()\n\t/a.go:2 +0x1\n", "main.f",
	      GROUP_BY_LINE, b);
	fp_of("goroutine 1 [select]:\nmain.f()\n\t/a.go:1 +0x1\n", "main.f",
	      GROUP_BY_FUNC, c);
	fp_of("goroutine 1 [select]:\nmain.f()\n\t/a.go:2 +0x1\n", "main.f",
	      GROUP_BY_FUNC, d);
	assert_string_not_equal(a, b);
	assert_string_equal(c, d);
	/* runtime goroutines, all of whose frames are hidden, still differ */
	fp_of("goroutine 2 [force gc (idle)]:\nruntime.gopark(0x1)\n\t"
	      "runtime/proc.go:1 +0x1\nruntime.forcegchelper()\n\t"
	      "runtime/proc.go:2 +0x1\n", "runtime.gopark", GROUP_BY_LINE, a);
	fp_of("goroutine 3 [GC sweep wait]:\nruntime.gopark(0x1)\n\t"
	      "runtime/proc.go:1 +0x1\nruntime.bgsweep()\n\t"
	      "runtime/mgcsweep.go:2 +0x1\n", "runtime.gopark", GROUP_BY_LINE, b);
	assert_string_not_equal(a, b);
}

/* The goroutine that crashed is kept whole; a test timeout flags the
 * blocked goroutines of the running test and of those it started. */
static void test_crash_and_test_timeout(void **state)
{
	const char *panic_text =
		"panic: boom\n\n"
		"goroutine 21 [running]:\n"
		"main.fetch(0x0)\n\t/app/main.go:86 +0x1\n"
		"created by main.main in goroutine 1\n\t/app/main.go:50 +0x1\n\n"
		"goroutine 1 [select]:\n"
		"main.main()\n\t/app/main.go:60 +0x1\n";
	const char *timeout =
		"panic: test timed out after 5s\n"
		"\trunning tests:\n"
		"\t\tTestHang (5s)\n\n"
		"goroutine 5 [running]:\n"
		"testing.(*M).startAlarm.func1()\n\ttesting/testing.go:1 +0x1\n\n"
		"goroutine 1 [chan receive]:\n"
		"testing.(*T).Run(0x1)\n\ttesting/testing.go:2 +0x1\n"
		"testing.runTests.func1(0x1)\n\ttesting/testing.go:3 +0x1\n"
		"testing.tRunner(0x1, 0x2)\n\ttesting/testing.go:4 +0x1\n"
		"main.main()\n\t_testmain.go:5 +0x1\n\n"
		"goroutine 18 [chan receive]:\n"
		"app.(*R).Run(0x1)\n\t/app/r.go:27 +0x1\n"
		"app.TestHang(0x1)\n\t/app/r_test.go:11 +0x1\n"
		"testing.tRunner(0x1, 0x2)\n\ttesting/testing.go:4 +0x1\n"
		"created by testing.(*T).Run in goroutine 1\n\ttesting/testing.go:5 +0x1\n\n"
		"goroutine 19 [chan send]:\n"
		"app.(*R).match(0x1)\n\t/app/r.go:31 +0x1\n"
		"created by app.(*R).Run in goroutine 18\n\t/app/r.go:22 +0x1\n\n"
		"goroutine 30 [chan send]:\n"
		"app.(*R).match(0x1)\n\t/app/r.go:31 +0x1\n"
		"created by app.(*R).Run in goroutine 19\n\t/app/r.go:22 +0x1\n\n"
		"goroutine 20 [chan send]:\n"
		"app.(*R).match(0x1)\n\t/app/r.go:31 +0x1\n"
		"created by app.(*R).Run in goroutine 7\n\t/app/r.go:22 +0x1\n\n"
		"goroutine 22 [chan receive]:\n"
		"app.(*R).Run(0x1)\n\t/app/r.go:27 +0x1\n"
		"app.TestOther(0x1)\n\t/app/r_test.go:20 +0x1\n"
		"testing.tRunner(0x1, 0x2)\n\ttesting/testing.go:4 +0x1\n"
		"created by testing.(*T).Run in goroutine 1\n\ttesting/testing.go:5 +0x1\n";
	group_set *s = triage(panic_text, NULL);
	const group_dump *d = group_set_last(s);
	const group *g;

	(void)state;
	assert_int_equal(d->crash.nmessage, 1);
	assert_string_equal(d->crash.message[0], "panic: boom");
	assert_int_equal(d->crash.id, 21);
	assert_string_equal(d->crash.state, "running");
	assert_int_equal(d->crash.nframes, 1);
	assert_string_equal(d->crash.frames[0].func, "main.fetch");
	assert_string_equal(d->crash.created_by.func, "main.main");
	assert_int_equal(d->crash.created_in, 1);
	assert_ptr_equal(d->crash.group, find(d, "main.fetch"));
	assert_true(crash_dump_has(d));
	group_set_free(s);

	s = triage(timeout, NULL);
	d = group_set_last(s);
	assert_true(crash_dump_has(d));
	assert_int_equal(d->crash.id, 0);
	assert_null(d->crash.group);
	/* 18 runs the listed test, 19 and 30 descend from it; 20's parent is
	 * not a test goroutine and 22 runs a test that is not listed */
	assert_int_equal(d->crash.ntest_ids, 3);
	assert_true(crash_has_test_id(&d->crash, 18));
	assert_true(crash_has_test_id(&d->crash, 19));
	assert_true(crash_has_test_id(&d->crash, 30));
	assert_false(crash_has_test_id(&d->crash, 20));
	assert_false(crash_has_test_id(&d->crash, 22));
	g = find(d, "app.(*R).match");
	assert_int_equal(g->count, 3);
	assert_int_equal(g->ntest, 2);
	assert_true(g->reasons & GROUP_R_TEST_TIMEOUT);
	g = find(d, "testing.(*T).Run");
	assert_false(g->reasons & GROUP_R_TEST_TIMEOUT);
	assert_int_equal(d->crash.ngroups, 2);
	/* the flagged test groups come first */
	assert_true(d->groups[0]->reasons & GROUP_R_TEST_TIMEOUT);
	group_set_free(s);
}

/* Builds n goroutines of one stack with the given header state. */
static char *many(const char *state, const char *func, int n, int first_id)
{
	size_t cap = (size_t)n * 160 + 1, off = 0;
	char *t = malloc(cap);
	int i;

	for (i = 0; i < n; i++)
		off += (size_t)snprintf(t + off, cap - off,
					"goroutine %d [%s]:\n%s()\n\t/app/x.go:5 +0x1\n\n",
					first_id + i, state, func);
	return t;
}

static void test_flags(void **state)
{
	char *big = many("chan receive", "main.stuck", 150, 100);
	char *text = malloc(strlen(big) + 1024);
	group_opts o;
	group_set *s;
	const group_dump *d;
	const group *g;

	(void)state;
	sprintf(text,
		"%s"
		"goroutine 2 [chan receive (nil chan)]:\nmain.nilrecv()\n\t/app/x.go:9 +0x1\n\n"
		"goroutine 3 [sync.Mutex.Lock, 30 minutes]:\nmain.locker()\n\t/app/x.go:11 +0x1\n\n"
		"goroutine 4 [chan receive, 300 minutes]:\nmain.idle()\n\t/app/x.go:13 +0x1\n\n"
		"goroutine 5 [IO wait, 300 minutes]:\nnet.(*TCPListener).Accept()\n\t/app/x.go:15 +0x1\n\n"
		"goroutine 6 [running]:\nmain.main()\n\t/app/x.go:17 +0x1\n",
		big);
	group_opts_default(&o);
	s = triage(text, &o);
	d = group_set_last(s);
	assert_int_equal(d->total, 155);

	/* large and most of the dump, but one batch of ids and nothing else
	 * that says it accumulates: worth a look, no more */
	g = find(d, "main.stuck");
	assert_int_equal(g->verdict, VERDICT_SUSPECT);
	assert_int_equal(g->reasons, 0);
	assert_non_null(strstr(g->why, "150 goroutines"));
	g = find(d, "main.nilrecv");
	assert_int_equal(g->cat, CAT_NIL_CHAN);
	assert_true(g->reasons & GROUP_R_NIL_CHAN);
	/* one goroutine blocked long: age alone flags nothing */
	g = find(d, "main.locker");
	assert_int_equal(g->cat, CAT_MUTEX);
	assert_int_equal(g->reasons, 0);
	assert_false(group_is_leak(g));
	g = find(d, "main.idle"); /* a small idle receiver: not flagged */
	assert_int_equal(g->reasons, 0);
	g = find(d, "net.(*TCPListener).Accept"); /* healthy */
	assert_true(g->healthy);
	assert_int_equal(g->verdict, VERDICT_NORMAL);
	g = find(d, "main.main");
	assert_int_equal(g->reasons, 0);
	assert_int_equal(d->nflagged, 1);

	/* ordered by suspicion: the leak first, then the suspect */
	assert_string_equal(d->groups[0]->frames[0].func, "main.nilrecv");
	assert_string_equal(d->groups[1]->frames[0].func, "main.stuck");
	assert_int_equal(d->groups[2]->verdict, VERDICT_NORMAL);
	group_set_free(s);

	/* with size below the thresholds nothing is left to look at */
	o.min_count = 1000;
	o.min_share = 0.99;
	s = triage(text, &o);
	assert_int_equal(find(group_set_last(s), "main.stuck")->verdict,
			 VERDICT_NORMAL);
	group_set_free(s);
	free(big);
	free(text);
}

/* Age alone flags nothing, a healthy shape neither; suspects come before
 * normal groups. */
static void test_age_and_order(void **state)
{
	char *pool = many("IO wait, 30 minutes", "net.(*TCPListener).Accept", 20, 100);
	char *text = malloc(strlen(pool) + 512);
	group_set *s;
	const group_dump *d;

	(void)state;
	sprintf(text,
		"%s"
		"goroutine 2 [chan receive, 30 minutes]:\nmain.handler()\n\t/app/x.go:9 +0x1\n\n"
		"goroutine 3 [chan receive, 30 minutes]:\nmain.handler()\n\t/app/x.go:9 +0x1\n\n"
		"goroutine 4 [chan receive, 30 minutes]:\nmain.idle()\n\t/app/x.go:13 +0x1\n",
		pool);
	s = triage(text, NULL);
	d = group_set_last(s);
	assert_int_equal(find(d, "main.handler")->reasons, 0);
	assert_int_equal(find(d, "main.idle")->reasons, 0);
	assert_true(find(d, "net.(*TCPListener).Accept")->healthy);
	assert_int_equal(find(d, "net.(*TCPListener).Accept")->verdict,
			 VERDICT_NORMAL);
	assert_int_equal(d->nflagged, 0);
	/* the pool is bigger, but a verdict outranks size */
	for (size_t i = 1; i < d->ngroups; i++)
		assert_true(d->groups[i - 1]->verdict >= d->groups[i]->verdict);
	group_set_free(s);
	free(pool);
	free(text);
}

static void test_diagnosis_leak_at(void **state)
{
	char *two = many("chan send", "main.fanout", 2, 10);
	char *three = many("chan send", "main.fanout", 3, 10);
	group_set *s;
	const group *g;
	char buf[128];

	(void)state;
	s = triage(two, NULL);
	g = group_set_last(s)->groups[0];
	assert_int_equal(g->ndiags, 1);
	assert_string_equal(g->diags[0]->name, "leaky-sender");
	assert_int_equal(g->reasons, 0);
	group_set_free(s);

	s = triage(three, NULL);
	g = group_set_last(s)->groups[0];
	/* the rule's shape at its size is the evidence */
	assert_int_equal(g->verdict, VERDICT_LEAK);
	assert_int_equal(g->reasons, GROUP_R_EVIDENCE);
	group_reason_text(g, GROUP_R_EVIDENCE, group_set_last(s),
			  &s->opts, buf, sizeof buf);
	assert_non_null(strstr(buf, "leaky-sender (3 >= 3)"));
	group_set_free(s);
	free(two);
	free(three);
}

static void test_deadlock_and_leaked(void **state)
{
	const char *t =
		"fatal error: all goroutines are asleep - deadlock!\n\n"
		"goroutine 1 [chan receive]:\nmain.main()\n\t/app/x.go:5 +0x1\n\n"
		"goroutine 5 [chan send (leaked)]:\nmain.lost()\n\t/app/x.go:8 +0x1\n";
	group_set *s = triage(t, NULL);
	const group_dump *d = group_set_last(s);

	(void)state;
	assert_int_equal(d->kind, PARSE_KIND_DEADLOCK);
	assert_true(find(d, "main.main")->reasons & GROUP_R_DEADLOCK);
	assert_true(find(d, "main.lost")->reasons & GROUP_R_LEAKED);
	assert_int_equal(find(d, "main.lost")->nleaked, 1);
	group_set_free(s);
}

static void test_debug1_counts_and_dumps(void **state)
{
	const char *t =
		"goroutine profile: total 1004\n"
		"1000 @ 0x1 0x2\n#\t0x1\tmain.leak.func1+0x3c\t/app/main.go:12\n\n"
		"4 @ 0x1 0x2\n#\t0x1\tmain.serve+0x3c\t/app/main.go:40\n\n"
		"some log line\n"
		"goroutine 1 [running]:\nmain.main()\n\t/app/x.go:5 +0x1\n";
	group_set *s = triage(t, NULL);

	(void)state;
	assert_int_equal(s->ndumps, 2);
	assert_int_equal(s->dumps[0]->total, 1004);
	assert_int_equal(s->dumps[0]->declared_total, 1004);
	assert_int_equal(s->dumps[0]->groups[0]->count, 1000);
	assert_int_equal(s->dumps[0]->groups[0]->nids, 0);
	assert_int_equal(group_set_last(s)->total, 1);
	group_set_free(s);
}

/* debug=1 hides the runtime frames: a record takes the category of one
 * whose hidden frames are the same and whose visible frames tell. */
static void test_debug1_hidden_frames(void **state)
{
	const char *t =
		"goroutine profile: total 4\n"
		"2 @ 0x1000 0x2000 0x3001 0x9000\n"
		"#\t0x3000\tnet/http.(*persistConn).readLoop+0x0\tx.go:1\n\n"
		"1 @ 0x1000 0x2000 0x4001 0x9000\n"
		"#\t0x4000\tmain.wait+0x0\t/app/m.go:5\n\n"
		"1 @ 0x1000 0x2500 0x5001 0x9000\n"
		"#\t0x5000\tmain.other+0x0\t/app/m.go:9\n\n";
	group_set *s = triage(t, NULL);
	const group_dump *d = group_set_last(s);

	(void)state;
	assert_int_equal(find(d, "net/http.(*persistConn).readLoop")->cat, CAT_SELECT);
	assert_false(find(d, "net/http.(*persistConn).readLoop")->inferred);
	assert_int_equal(find(d, "main.wait")->cat, CAT_SELECT);
	assert_true(find(d, "main.wait")->inferred);
	assert_int_equal(find(d, "main.other")->cat, CAT_UNKNOWN);
	assert_int_equal(d->by_cat[CAT_SELECT], 3);
	group_set_free(s);
}

/* A NUL byte is data like any other: identical goroutines with one in
 * their state and labels form one group, and bytes after it still count. */
static void test_nul_in_state_and_labels(void **state)
{
	/* the rest of a header after "[chan receive": it holds NULs */
	static const char rest[] = "\0x] {\"t\":\"a\0b\"}:\n"
				   "main.leak()\n\t/app/x.go:9 +0x1\n\n";
	size_t n = 150, i, off = 0;
	char *text = malloc(n * (sizeof rest + 40)), *nul;
	group_set *s = group_set_new(R, NULL);
	parse_sink sink = group_sink(s);
	parse_ctx *pc = parse_new(&sink);
	const group *g;
	gt_err e;

	(void)state;
	for (i = 0; i < n; i++) {
		off += (size_t)sprintf(text + off, "goroutine %d [chan receive",
				       (int)i + 10);
		memcpy(text + off, rest, sizeof rest - 1);
		off += sizeof rest - 1;
	}
	/* the last goroutine's state differs after the NUL: its own group */
	nul = memchr(text + off - (sizeof rest - 1), '\0', sizeof rest - 1);
	nul[1] = 'y';
	assert_int_equal(parse_feed(pc, text, off, &e), GT_OK);
	assert_int_equal(parse_finish(pc, &e), GT_OK);
	group_set_finish(s, parse_get_stats(pc));
	assert_int_equal(group_set_last(s)->ngroups, 2);
	g = group_set_last(s)->groups[0];
	assert_int_equal(g->count, n - 1);
	assert_int_equal(g->cat, CAT_CHAN_RECEIVE);
	assert_int_equal(g->state_len, 14);
	assert_memory_equal(g->state, "chan receive\0x", 14);
	assert_int_equal(g->labels_len, 11);
	assert_memory_equal(g->labels, "{\"t\":\"a\0b\"}", 11);
	g = group_set_last(s)->groups[1];
	assert_int_equal(g->count, 1);
	assert_memory_equal(g->state, "chan receive\0y", 14);
	parse_free(pc);
	group_set_free(s);
	free(text);
}

/* Stacks that differ only in bytes a sampling hash skips (here the middle
 * of a 40-byte name, of a file or of the labels) hash apart: no two groups
 * share a bucket of the table. */
static void test_hash_reads_every_byte(void **state)
{
	enum { N = 64 };
	static const char *const shapes[] = {
		"goroutine %d [chan receive]:\n"
		"main.han%08ddler_of_all_the_requests()\n\t/app/x.go:9 +0x1\n\n",
		"goroutine %d [chan receive]:\n"
		"main.handler()\n\t/app/ser%08dvice/handler_of_it_xx.go:9 +0x1\n\n",
		"goroutine %d [chan receive] {\"req\":\"%08d\",\"pad\":\"-------------\"}:\n"
		"main.handler()\n\t/app/x.go:9 +0x1\n\n",
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
		char *text = malloc(N * 160), *q = text;
		group_set *s;
		const group_dump *d;
		size_t i;

		for (i = 0; i < N; i++)
			q += sprintf(q, shapes[k], (int)i + 10, (int)i);
		s = triage(text, NULL);
		d = group_set_last(s);
		assert_int_equal(d->ngroups, N);
		for (i = 0; i < d->ngroups; i++) {
			assert_int_equal(d->groups[i]->count, 1);
			assert_null(d->groups[i]->chain);
		}
		group_set_free(s);
		free(text);
	}
}

/* Each set draws its own table key, yet what a report shows does not move:
 * the same dump gives the same groups, order and fingerprints. */
static void test_key_changes_nothing_shown(void **state)
{
	char *text = many("chan receive", "main.stuck", 20, 100);
	char *all = malloc(strlen(text) + 512);
	group_set *a, *b;
	const group_dump *da, *db;
	size_t i;

	(void)state;
	sprintf(all, "%s%s", text,
		"goroutine 2 [IO wait]:\nmain.reader()\n\t/app/x.go:9 +0x1\n\n"
		"goroutine 3 [chan send]:\nmain.fanout()\n\t/app/x.go:3 +0x1\n\n"
		"goroutine 4 [chan send]:\nmain.fanout()\n\t/app/x.go:4 +0x1\n");
	a = triage(all, NULL);
	b = triage(all, NULL);
	assert_memory_not_equal(&a->key, &b->key, sizeof a->key);
	da = group_set_last(a);
	db = group_set_last(b);
	assert_int_equal(da->ngroups, 4);
	assert_int_equal(db->ngroups, da->ngroups);
	for (i = 0; i < da->ngroups; i++) {
		assert_string_equal(da->groups[i]->fingerprint,
				    db->groups[i]->fingerprint);
		assert_int_equal(da->groups[i]->count, db->groups[i]->count);
	}
	group_set_free(a);
	group_set_free(b);
	free(text);
	free(all);
}

/* Inference by hidden frames, the record that tells coming last: every
 * record of its signature takes its category, the first teller of a
 * signature wins, and a record never takes a category from one that was
 * itself inferred. */
static void test_debug1_infer_from_later_record(void **state)
{
	const char *t =
		"goroutine profile: total 6\n"
		"1 @ 0x1000 0x2000 0x4001 0x9000\n# labels: {\"r\":\"1\"}\n"
		"#\t0x4000\tmain.wait+0x0\t/app/m.go:5\n\n"
		"1 @ 0x1000 0x2000 0x4001 0x9000\n# labels: {\"r\":\"2\"}\n"
		"#\t0x4000\tmain.wait+0x0\t/app/m.go:5\n\n"
		"1 @ 0x1000 0x2500 0x6001 0x9000\n"
		"#\t0x6000\tmain.alone+0x0\t/app/m.go:7\n\n"
		"1 @ 0x1000 0x2000 0x3001 0x9000\n"
		"#\t0x3000\tnet/http.(*persistConn).readLoop+0x0\tx.go:1\n\n"
		"1 @ 0x1000 0x2000 0x5001 0x9000\n"
		"#\t0x5000\tmain.produce+0x0\t/app/m.go:3\n\n"
		"1 @ 0x1000 0x2000 0x7001 0x9000\n"
		"#\t0x7000\tmain.sleepy+0x0\t/app/m.go:9\n\n";
	group_set *s = triage(t, NULL);
	const group_dump *d = group_set_last(s);
	size_t i, inferred = 0;

	(void)state;
	assert_int_equal(d->ngroups, 6);
	for (i = 0; i < d->ngroups; i++) {
		const group *g = d->groups[i];

		if (strcmp(g->frames[0].func, "main.wait") == 0 ||
		    strcmp(g->frames[0].func, "main.sleepy") == 0) {
			assert_int_equal(g->cat, CAT_SELECT);
			assert_true(g->inferred);
			inferred++;
		}
	}
	assert_int_equal(inferred, 3);
	assert_int_equal(find(d, "main.produce")->cat, CAT_CHAN_SEND);
	assert_false(find(d, "main.produce")->inferred);
	assert_int_equal(find(d, "main.alone")->cat, CAT_UNKNOWN);
	assert_false(find(d, "main.alone")->inferred);
	assert_int_equal(d->by_cat[CAT_SELECT], 4);
	/* finishing again changes nothing */
	group_set_finish(s, NULL);
	assert_int_equal(d->by_cat[CAT_SELECT], 4);
	assert_int_equal(d->by_cat[CAT_UNKNOWN], 1);
	group_set_free(s);
}

static void test_user_frames(void **state)
{
	static const struct {
		const char *func;
		int user;
	} cases[] = {
		{"main.main", 1},
		{"example.com/shop/internal/x.(*T).M", 1},
		{"shop/internal/x.F", 1},
		{"net/http.(*persistConn).readLoop", 0},
		{"runtime.gopark", 0},
		{"internal/poll.runtime_pollWait", 0},
		{"sync.(*Mutex).Lock", 0},
		{"github.com/org/repo.Run.func1", 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		group_frame f = {(char *)cases[i].func, NULL, 0, strlen(cases[i].func), 0};

		assert_int_equal(group_frame_is_user(&f), cases[i].user);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_stack_one_group),
		cmocka_unit_test(test_group_by_levels),
		cmocka_unit_test(test_fingerprint_stable),
		cmocka_unit_test(test_fingerprint_capture_methods),
		cmocka_unit_test(test_crash_and_test_timeout),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_age_and_order),
		cmocka_unit_test(test_diagnosis_leak_at),
		cmocka_unit_test(test_deadlock_and_leaked),
		cmocka_unit_test(test_debug1_counts_and_dumps),
		cmocka_unit_test(test_debug1_hidden_frames),
		cmocka_unit_test(test_nul_in_state_and_labels),
		cmocka_unit_test(test_hash_reads_every_byte),
		cmocka_unit_test(test_key_changes_nothing_shown),
		cmocka_unit_test(test_debug1_infer_from_later_record),
		cmocka_unit_test(test_user_frames),
	};

	return cmocka_run_group_tests_name("group", tests, setup, teardown);
}
