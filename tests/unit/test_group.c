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
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_age_and_order),
		cmocka_unit_test(test_diagnosis_leak_at),
		cmocka_unit_test(test_deadlock_and_leaked),
		cmocka_unit_test(test_debug1_counts_and_dumps),
		cmocka_unit_test(test_debug1_hidden_frames),
		cmocka_unit_test(test_user_frames),
	};

	return cmocka_run_group_tests_name("group", tests, setup, teardown);
}
