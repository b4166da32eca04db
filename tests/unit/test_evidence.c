/* Unit tests for the evidence of one dump (ages, ids, parents, wait
 * objects, lock holders), the verdicts it leads to, and findings. Dumps
 * are written here goroutine by goroutine, with the built-in rules. */
#include "testutil.h"

#include "evidence.h"
#include "verdict.h"

/* ---- building dumps --------------------------------------------------------- */

typedef struct dump {
	char *b;
	size_t len;
} dump;

/* One goroutine: state (and minutes, -1 none), the runtime frames of its
 * wait on obj (chan receive, chan send, mutex, select, sleep), a user
 * frame func(arg, arg2) and its creator in goroutine parent (0: none). */
static void g_add(dump *d, uint64_t id, const char *state, int minutes,
		  uint64_t obj, const char *func, uint64_t arg, uint64_t arg2,
		  uint64_t parent)
{
	append(&d->b, &d->len, "goroutine %llu [%s", (unsigned long long)id,
	       state);
	if (minutes >= 0)
		append(&d->b, &d->len, ", %d minutes", minutes);
	append(&d->b, &d->len, "]:\nruntime.gopark(0x0?, 0x0?, 0x0?)\n"
	       "\t/go/src/runtime/proc.go:435 +0xce\n");
	if (strcmp(state, "chan receive") == 0)
		append(&d->b, &d->len, "runtime.chanrecv1(0x%llx, 0x0)\n"
		       "\t/go/src/runtime/chan.go:506 +0x12\n",
		       (unsigned long long)obj);
	else if (strcmp(state, "chan send") == 0)
		append(&d->b, &d->len, "runtime.chansend1(0x%llx, 0xc0000a1f08)\n"
		       "\t/go/src/runtime/chan.go:161 +0x12\n",
		       (unsigned long long)obj);
	else if (strcmp(state, "sync.Mutex.Lock") == 0)
		append(&d->b, &d->len, "internal/sync.runtime_SemacquireMutex("
		       "0x0?, 0x0?, 0x0?)\n\t/go/src/runtime/sema.go:95 +0x25\n"
		       "internal/sync.(*Mutex).lockSlow(0x%llx)\n"
		       "\t/go/src/internal/sync/mutex.go:149 +0x15d\n"
		       "internal/sync.(*Mutex).Lock(...)\n"
		       "\t/go/src/internal/sync/mutex.go:70\n"
		       "sync.(*Mutex).Lock(...)\n\t/go/src/sync/mutex.go:46\n",
		       (unsigned long long)obj);
	else if (strcmp(state, "select") == 0)
		append(&d->b, &d->len, "runtime.selectgo(0xc000a1ef28, "
		       "0xc000a1ef00, 0x0?, 0x0, 0x0?, 0x1)\n"
		       "\t/go/src/runtime/select.go:351 +0x837\n");
	append(&d->b, &d->len, "%s(0x%llx, 0x%llx)\n\t/app/%s.go:10 +0x25\n",
	       func, (unsigned long long)arg, (unsigned long long)arg2, "app");
	if (parent)
		append(&d->b, &d->len, "created by main.start in goroutine "
		       "%llu\n\t/app/main.go:5 +0x30\n",
		       (unsigned long long)parent);
	append(&d->b, &d->len, "\n");
}

static void main_g(dump *d)
{
	append(&d->b, &d->len, "goroutine 1 [select, 30 minutes]:\n"
	       "runtime.gopark(0x0?, 0x0?, 0x0?)\n"
	       "\t/go/src/runtime/proc.go:435 +0xce\n"
	       "runtime.selectgo(0xc000a1ef28, 0xc000a1ef00, 0x0?, 0x0, 0x0?, "
	       "0x1)\n\t/go/src/runtime/select.go:351 +0x837\n"
	       "main.main()\n\t/app/main.go:20 +0x10\n\n");
}

static rules *rs;

static group_set *triage_text(const char *t, const group_opts *o)
{
	group_set *s = group_set_new(rs, o);
	parse_sink k = group_sink(s);
	parse_ctx *p = parse_new(&k);
	gt_err e = {{0}};

	assert_int_equal(parse_feed(p, t, strlen(t), &e), GT_OK);
	assert_int_equal(parse_finish(p, &e), GT_OK);
	group_set_finish(s, parse_get_stats(p));
	parse_free(p);
	return s;
}

static const group *by_func(const group_set *s, const char *func)
{
	const group_dump *d = group_set_last(s);

	for (size_t i = 0; i < d->ngroups; i++)
		for (size_t k = 0; k < d->groups[i]->nframes; k++)
			if (strcmp(d->groups[i]->frames[k].func, func) == 0)
				return d->groups[i];
	fail_msg("no group with %s", func);
	return NULL;
}

/* Filler goroutines that finished their work long ago would not be in a
 * dump; these are request goroutines in flight, each with its own id,
 * spreading the dump's id range. */
static void fillers(dump *d, uint64_t first, unsigned n, uint64_t step)
{
	for (unsigned i = 0; i < n; i++)
		g_add(d, first + i * step, "IO wait", -1, 0, "main.serve",
		      0xc000800000 + i * 0x100, 0x1, 1);
}

/* ---- argument words and wait objects ---------------------------------------- */

static void test_first_arg(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(evidence_first_arg("0xc000123456, 0x1", 17, &v),
			 EVIDENCE_ARG_OK);
	assert_true(v == 0xc000123456ull);
	assert_int_equal(evidence_first_arg("0xc000123456?, 0x1", 18, &v),
			 EVIDENCE_ARG_IMPRECISE);
	assert_true(v == 0xc000123456ull);
	assert_int_equal(evidence_first_arg("...", 3, &v), EVIDENCE_ARG_INLINED);
	assert_true(v == 0);
	/* small integers, structs and nothing at all are no pointers */
	assert_int_equal(evidence_first_arg("0x1, 0x2", 8, &v), EVIDENCE_ARG_NONE);
	assert_int_equal(evidence_first_arg("{0x0, 0x0}", 10, &v),
			 EVIDENCE_ARG_NONE);
	assert_int_equal(evidence_first_arg("", 0, &v), EVIDENCE_ARG_NONE);
}

static void test_wait_object(void **state)
{
	parse_frame mutex[] = {
		{"runtime.gopark", 14, "0x0?", 4, NULL, 0, 0},
		{"internal/sync.(*Mutex).lockSlow", 31, "0xc0000a2010", 12, NULL,
		 0, 0},
		{"sync.(*Mutex).Lock", 18, "...", 3, NULL, 0, 0},
		{"main.(*Store).Get", 17, "0xc0000a2010, 0x3", 17, NULL, 0, 0},
	};
	parse_frame sel[] = {
		{"runtime.gopark", 14, "0x0?", 4, NULL, 0, 0},
		{"runtime.selectgo", 16, "0xc000a1ef28, 0xc000a1ef00", 26, NULL,
		 0, 0},
		{"main.loop", 9, "", 0, NULL, 0, 0},
	};
	parse_frame user_chan[] = {
		/* a frame named like a wait, under user code, is not one */
		{"main.recv", 9, "0xc000111111", 12, NULL, 0, 0},
		{"runtime.chanrecv1", 17, "0xc000222222, 0x0", 17, NULL, 0, 0},
	};
	uint64_t a;
	evidence_arg how;

	(void)state;
	/* the inlined sync frame prints "...": the receiver comes from the
	 * lockSlow frame of the same mutex */
	assert_int_equal(evidence_wait_object(mutex, 4, &a, &how),
			 EVIDENCE_OBJ_MUTEX);
	assert_true(a == 0xc0000a2010ull);
	assert_int_equal(how, EVIDENCE_ARG_OK);
	/* every sync frame inlined or dead: the receiver of the caller
	 * stands for the lock it holds as a field */
	mutex[1].args = "...";
	mutex[1].args_len = 3;
	mutex[3].args = "0xc0000a3000?, 0x3";
	mutex[3].args_len = 18;
	assert_int_equal(evidence_wait_object(mutex, 4, &a, &how),
			 EVIDENCE_OBJ_MUTEX);
	assert_true(a == 0xc0000a3000ull);
	assert_int_equal(how, EVIDENCE_ARG_IMPRECISE);
	mutex[1].args = "0x0?";
	mutex[1].args_len = 4;
	assert_int_equal(evidence_wait_object(mutex, 4, &a, &how),
			 EVIDENCE_OBJ_MUTEX);
	assert_true(a == 0xc0000a3000ull);
	/* a caller without a pointer argument: nothing to name */
	mutex[1].args = "...";
	mutex[1].args_len = 3;
	mutex[3].args = "{0x6b2e10, 0x5}";
	mutex[3].args_len = 15;
	assert_int_equal(evidence_wait_object(mutex, 4, &a, &how),
			 EVIDENCE_OBJ_MUTEX);
	assert_true(a == 0);
	assert_int_equal(how, EVIDENCE_ARG_INLINED);

	assert_int_equal(evidence_wait_object(sel, 3, &a, &how),
			 EVIDENCE_OBJ_SELECT);
	assert_true(a == 0);
	assert_int_equal(evidence_wait_object(user_chan, 2, &a, &how),
			 EVIDENCE_OBJ_NONE);
}

/* The parser hands the argument words of each frame through. */
static void test_parser_args(void **state)
{
	dump d = {0};
	group_set *s;
	const group *g;

	(void)state;
	g_add(&d, 7, "chan receive", -1, 0xc000abc000, "main.wait", 0xc000def000,
	      0x2, 1);
	s = triage_text(d.b, NULL);
	g = by_func(s, "main.wait");
	assert_int_equal(g->ev.obj_kind, EVIDENCE_OBJ_CHAN);
	assert_int_equal(g->ev.nobj, 1);
	assert_true(g->ev.top_obj == 0xc000abc000ull);
	group_set_free(s);
	free(d.b);
}

/* ---- ages, ids, parents -------------------------------------------------------- */

static void test_ages(void **state)
{
	dump d = {0};
	group_set *s;

	(void)state;
	main_g(&d);
	for (unsigned i = 0; i < 6; i++) {
		g_add(&d, 10 + i, "chan send", 3 + (int)i, 0xc000100000 + i * 64,
		      "main.spread", 0, 0, 1);
		g_add(&d, 30 + i, "chan send", 7, 0xc000200000 + i * 64,
		      "main.together", 0, 0, 1);
	}
	/* minutes below one are not printed: the goroutine counts, its age
	 * does not */
	g_add(&d, 50, "chan send", -1, 0xc000300000, "main.spread", 0, 0, 1);
	s = triage_text(d.b, NULL);
	assert_int_equal(by_func(s, "main.spread")->ev.ages, 6);
	assert_int_equal(by_func(s, "main.spread")->ev.nminutes, 6);
	assert_int_equal(by_func(s, "main.together")->ev.ages, 1);
	group_set_free(s);
	free(d.b);
}

static void test_ids(void **state)
{
	dump d = {0};
	group_set *s;
	const group *spread, *start;

	(void)state;
	main_g(&d);
	for (unsigned i = 0; i < 8; i++)
		g_add(&d, 2 + i, "chan receive", -1, 0xc000100000, "main.early",
		      0, 0, 1);
	for (unsigned i = 0; i < 8; i++)
		g_add(&d, 100 + i * 120, "chan send", -1, 0xc000200000 + i * 64,
		      "main.late", 0, 0, 1);
	fillers(&d, 50, 20, 50);
	s = triage_text(d.b, NULL);
	start = by_func(s, "main.early");
	spread = by_func(s, "main.late");
	/* a contiguous run at the start of the range */
	assert_true(start->ev.id_span < 0.01);
	assert_true(start->ev.id_density > 0.99);
	/* across the range, hitting many of its buckets */
	assert_true(spread->ev.id_span > 0.8);
	assert_true(spread->ev.id_cover >= 0.75);
	assert_int_equal(group_set_last(s)->id_min, 1);
	assert_int_equal(group_set_last(s)->id_max, 1000);
	group_set_free(s);
	free(d.b);
}

static void test_parents(void **state)
{
	dump d = {0};
	group_set *s;
	const group *gone, *alive;

	(void)state;
	main_g(&d);
	/* a supervisor, alive, made the pool */
	append(&d.b, &d.len, "goroutine 5 [chan receive, 20 minutes]:\n"
	       "main.supervise(0xc000090000)\n\t/app/sup.go:3 +0x1\n"
	       "created by main.main in goroutine 1\n\t/app/main.go:9 +0x1\n\n");
	for (unsigned i = 0; i < 4; i++)
		g_add(&d, 6 + i, "chan receive", -1, 0xc000100000, "main.worker",
		      0, 0, 5);
	/* request goroutines, gone, each made one */
	for (unsigned i = 0; i < 4; i++)
		g_add(&d, 20 + i, "chan send", -1, 0xc000200000 + i * 64,
		      "main.handle.func1", 0, 0, 300 + i);
	s = triage_text(d.b, NULL);
	alive = by_func(s, "main.worker");
	gone = by_func(s, "main.handle.func1");
	assert_int_equal(alive->ev.parents, 1);
	assert_int_equal(alive->ev.parents_checked, 4);
	assert_int_equal(alive->ev.parents_alive, 4);
	assert_int_equal(gone->ev.parents, 4);
	assert_int_equal(gone->ev.parents_checked, 4);
	assert_int_equal(gone->ev.parents_alive, 0);
	group_set_free(s);
	free(d.b);
}

/* Alive parents are told the same whether the dump's ids are dense (kept
 * as a bitmap, here growing downwards too) or spread over a range far
 * larger than the dump (kept as a list). */
static void test_parents_sparse_ids(void **state)
{
	static const uint64_t base[] = {5000, (uint64_t)1 << 40};

	(void)state;
	for (size_t b = 0; b < 2; b++) {
		dump d = {0};
		group_set *s;
		const group *alive, *gone;

		main_g(&d);
		/* two supervisors, ids far apart when base is large; the
		 * second lower than the first */
		for (unsigned k = 0; k < 2; k++)
			append(&d.b, &d.len, "goroutine %llu [chan receive]:\n"
			       "main.supervise(0xc000090000)\n\t/app/sup.go:3 +0x1\n"
			       "created by main.main in goroutine 1\n"
			       "\t/app/main.go:9 +0x1\n\n",
			       (unsigned long long)(base[b] * (2 - k) + 7));
		for (unsigned i = 0; i < 6; i++)
			g_add(&d, 100 + i, "chan receive", -1, 0xc000100000,
			      "main.worker", 0, 0, base[b] * (1 + i % 2) + 7);
		for (unsigned i = 0; i < 3; i++)
			g_add(&d, 200 + i, "chan send", -1, 0xc000200000,
			      "main.handle.func1", 0, 0, base[b] * 3 + 7 + i);
		s = triage_text(d.b, NULL);
		alive = by_func(s, "main.worker");
		gone = by_func(s, "main.handle.func1");
		assert_int_equal(alive->ev.parents_checked, 6);
		assert_int_equal(alive->ev.parents_alive, 6);
		assert_int_equal(gone->ev.parents_checked, 3);
		assert_int_equal(gone->ev.parents_alive, 0);
		group_set_free(s);
		free(d.b);
	}
}

/* ---- wait objects and lock holders -------------------------------------------- */

static void test_wait_objects(void **state)
{
	dump d = {0};
	group_set *s;
	const group *shared, *own;

	(void)state;
	main_g(&d);
	for (unsigned i = 0; i < 5; i++) {
		g_add(&d, 2 + i, "chan receive", -1, 0xc000100000, "main.pool",
		      0, 0, 1);
		g_add(&d, 10 + i, "chan send", -1, 0xc000200000 + i * 64,
		      "main.oneshot", 0, 0, 1);
	}
	s = triage_text(d.b, NULL);
	shared = by_func(s, "main.pool");
	own = by_func(s, "main.oneshot");
	assert_int_equal(shared->ev.objs, 1);
	assert_int_equal(shared->ev.top_obj_count, 5);
	assert_true(shared->ev.top_obj == 0xc000100000ull);
	assert_int_equal(own->ev.objs, 5);
	assert_int_equal(own->ev.objs_checked, 5);
	group_set_free(s);
	free(d.b);
}

static void test_lock_holder(void **state)
{
	dump d = {0};
	group_set *s;
	const group *w, *h;

	(void)state;
	main_g(&d);
	/* the waiters come first in the dump; the holder waits on a channel
	 * inside a method of the store whose mutex is its first field: the
	 * same address */
	for (unsigned i = 0; i < 3; i++)
		g_add(&d, 50 + i, "sync.Mutex.Lock", -1, 0xc000a00000,
		      "main.(*Store).Get", 0xc000a00000, 0x2, 1);
	g_add(&d, 40, "chan receive", -1, 0xc000777000, "main.(*Store).Refresh",
	      0xc000a00000, 0x1, 1);
	s = triage_text(d.b, NULL);
	w = by_func(s, "main.(*Store).Get");
	h = by_func(s, "main.(*Store).Refresh");
	assert_int_equal(w->ev.obj_kind, EVIDENCE_OBJ_MUTEX);
	assert_int_equal(w->ev.objs, 1);
	/* the waiters hold the address too, but they wait on it */
	assert_int_equal(w->ev.holder_id, 40);
	assert_ptr_equal(w->holder, h);
	assert_non_null(strstr(w->why, "held by goroutine 40"));
	/* lock and holder are one finding */
	assert_true(w->finding >= 0);
	assert_int_equal(w->finding, h->finding);
	group_set_free(s);
	free(d.b);
}

/* Readers queued behind a writer on an RWMutex whose frames print no
 * address (RLock inlined, the semaphore and Lock frames "0x0?", as Go 1.17+
 * prints them): the receiver of the method that locks names the lock, and
 * a reader holding it while blocked elsewhere is found as its holder. */
static void rw_wait(dump *d, uint64_t id, const char *state, const char *sema,
		    const char *lock, const char *func, uint64_t recv,
		    uint64_t parent)
{
	append(&d->b, &d->len, "goroutine %llu [%s]:\n"
	       "sync.%s(0x0?, 0x0?, 0x0?)\n\t/go/src/runtime/sema.go:100 +0x25\n"
	       "sync.(*RWMutex).%s\n\t/go/src/sync/rwmutex.go:71\n"
	       "%s(0x%llx?, {0x748fef?, 0x8?})\n\t/app/app.go:39 +0x65\n"
	       "created by main.start in goroutine %llu\n"
	       "\t/app/main.go:5 +0x30\n\n",
	       (unsigned long long)id, state, sema, lock, func,
	       (unsigned long long)recv, (unsigned long long)parent);
}

static void test_rwmutex_inlined(void **state)
{
	dump d = {0};
	group_set *s;
	const group *r, *w, *h;

	(void)state;
	main_g(&d);
	for (unsigned i = 0; i < 4; i++)
		rw_wait(&d, 60 + i, "sync.RWMutex.RLock",
			"runtime_SemacquireRWMutexR", "RLock(...)",
			"main.(*Registry).Lookup", 0xc00006a000, 1);
	rw_wait(&d, 55, "sync.RWMutex.Lock", "runtime_SemacquireRWMutex",
		"Lock(0x0?)", "main.(*Registry).Reload", 0xc00006a000, 1);
	g_add(&d, 50, "chan receive", -1, 0xc000777000,
	      "main.(*Registry).Snapshot", 0xc00006a000, 0x1, 1);
	s = triage_text(d.b, NULL);
	r = by_func(s, "main.(*Registry).Lookup");
	w = by_func(s, "main.(*Registry).Reload");
	h = by_func(s, "main.(*Registry).Snapshot");
	assert_int_equal(r->ev.obj_kind, EVIDENCE_OBJ_RWMUTEX);
	assert_int_equal(r->ev.objs, 1);
	assert_int_equal(r->ev.objs_checked, 4);
	assert_true(r->ev.top_obj == 0xc00006a000ull);
	assert_int_equal(r->ev.obj_imprecise, 4);
	assert_int_equal(r->ev.holder_id, 50);
	assert_ptr_equal(r->holder, h);
	assert_null(strstr(r->why, "not shown"));
	assert_true(w->ev.top_obj == 0xc00006a000ull);
	assert_ptr_equal(w->holder, h);
	/* the readers, the writer and the holder are one problem */
	assert_true(r->finding >= 0);
	assert_int_equal(r->finding, h->finding);
	assert_int_equal(w->finding, h->finding);
	group_set_free(s);
	free(d.b);
}

/* ---- verdicts --------------------------------------------------------------------- */

/* A healthy service: a pool of 64 on one queue made by a live supervisor
 * at start-up, blocked for hours; nothing is flagged whatever its age. */
static void test_pool_is_normal(void **state)
{
	dump d = {0};
	group_set *s;
	const group *g;

	(void)state;
	main_g(&d);
	append(&d.b, &d.len, "goroutine 3 [select, 300 minutes]:\n"
	       "main.supervise(0xc000090000)\n\t/app/sup.go:3 +0x1\n"
	       "created by main.main in goroutine 1\n\t/app/main.go:9 +0x1\n\n");
	for (unsigned i = 0; i < 64; i++)
		g_add(&d, 4 + i, "chan receive", 100 + (int)i % 50, 0xc000100000,
		      "main.(*Pool).worker", 0xc000090000, 0, 3);
	fillers(&d, 200, 30, 40);
	s = triage_text(d.b, NULL);
	g = by_func(s, "main.(*Pool).worker");
	assert_int_equal(g->verdict, VERDICT_NORMAL);
	assert_non_null(strstr(g->why, "all on one chan"));
	assert_non_null(strstr(g->why, "parent alive"));
	assert_int_equal(group_set_last(s)->nflagged, 0);
	group_set_free(s);
	free(d.b);
}

/* The same shape made per request and abandoned: 15 goroutines, each on
 * its own channel, parents gone, ids and ages spread: a leak. With 5 it
 * is worth a look, and the decision can be turned by the evidence alone. */
static void accumulating(dump *d, unsigned n)
{
	main_g(d);
	fillers(d, 2, 40, 25);
	for (unsigned i = 0; i < n; i++)
		g_add(d, 10 + i * (900 / n), "chan send", 1 + (int)i,
		      0xc000400000 + i * 64, "main.(*Client).Lookup.func1",
		      0, 0, 5000 + i * 3);
}

static void test_accumulating_is_leak(void **state)
{
	dump d = {0}, small = {0};
	group_set *s;
	const group *g;

	(void)state;
	accumulating(&d, 15);
	s = triage_text(d.b, NULL);
	g = by_func(s, "main.(*Client).Lookup.func1");
	assert_int_equal(g->verdict, VERDICT_LEAK);
	assert_true(group_is_leak(g));
	assert_non_null(strstr(g->why, "15 parents, 15 of 15 gone"));
	assert_non_null(strstr(g->why, "each on its own chan"));
	group_set_free(s);

	accumulating(&small, 5);
	s = triage_text(small.b, NULL);
	g = by_func(s, "main.(*Client).Lookup.func1");
	assert_int_equal(g->verdict, VERDICT_SUSPECT);
	assert_false(group_is_leak(g));
	group_set_free(s);
	free(d.b);
	free(small.b);
}

/* --min-minutes and the size thresholds add to the evidence but do not
 * decide alone: a lone goroutine blocked for hours stays normal; a large
 * group with no other evidence is at most worth a look. */
static void test_thresholds_do_not_decide(void **state)
{
	dump d = {0};
	group_set *s;
	group_opts o;

	(void)state;
	main_g(&d);
	g_add(&d, 2, "chan receive", 600, 0xc000100000, "main.lonely", 0, 0, 1);
	for (unsigned i = 0; i < 120; i++)
		g_add(&d, 3 + i, "chan receive", 5, 0xc000200000, "main.big", 0, 0,
		      1);
	group_opts_default(&o);
	o.min_minutes = 1;
	s = triage_text(d.b, &o);
	assert_int_equal(by_func(s, "main.lonely")->verdict, VERDICT_NORMAL);
	assert_false(group_is_leak(by_func(s, "main.big")));
	assert_int_equal(group_set_last(s)->nflagged, 0);
	group_set_free(s);
	free(d.b);
}

/* debug=1 has no ids, parents or arguments: size and diagnosis decide and
 * the line says so. */
static void test_debug1_falls_back(void **state)
{
	const char *t =
		"goroutine profile: total 25\n"
		"25 @ 0x1 0x2 0x3\n"
		"#\t0x4a1b3c\tnet/http.(*persistConn).readLoop+0x3c\t"
		"/go/src/net/http/transport.go:2450\n\n";
	group_set *s = triage_text(t, NULL);
	const group *g = group_set_last(s)->groups[0];

	(void)state;
	assert_int_equal(g->verdict, VERDICT_LEAK);
	assert_non_null(strstr(g->why, "no per-goroutine evidence"));
	group_set_free(s);
}

/* A diagnosis whose shape a standing pool shares (blind-leak-at) is worth a
 * look from leak-at and a leak only from blind-leak-at when the format has
 * no per-goroutine evidence; in a debug=2 dump its evidence decides. */
static void test_debug1_standing_shape(void **state)
{
	static const char *fmt =
		"goroutine profile: total %u\n"
		"%u @ 0x1 0x2 0x3\n"
		"#\t0x4a1b3c\ttime.Sleep+0x3c\t/go/src/runtime/time.go:363\n"
		"#\t0x4a1b3d\tmain.work+0x27\t/app/main.go:90\n\n";
	unsigned counts[] = {100, 499, 500};
	verdict want[] = {VERDICT_SUSPECT, VERDICT_SUSPECT, VERDICT_LEAK};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char t[512];
		group_set *s;
		const group *g;

		snprintf(t, sizeof t, fmt, counts[i], counts[i]);
		s = triage_text(t, NULL);
		g = group_set_last(s)->groups[0];
		assert_int_equal(g->verdict, want[i]);
		assert_non_null(strstr(g->why, "sleep-loop"));
		assert_non_null(strstr(g->why, "no per-goroutine evidence"));
		group_set_free(s);
	}
}

/* ---- findings ------------------------------------------------------------------------ */

/* The read and write loops of the same leaked connections hold the same
 * connection pointers: one finding, verdict of the worst, and the member
 * that alone looks healthy is counted in it. */
static void test_findings_link_shared_objects(void **state)
{
	dump d = {0};
	group_set *s;
	const group *rd, *wr, *pool;
	const group_finding *f;

	(void)state;
	main_g(&d);
	fillers(&d, 2, 30, 30);
	for (unsigned i = 0; i < 12; i++) {
		uint64_t pc = 0xc000500000 + i * 0x1000;

		g_add(&d, 10 + i * 70, "select", 2 + (int)i, 0,
		      "net/http.(*persistConn).readLoop", pc, 0x1, 7000 + i);
		g_add(&d, 11 + i * 70, "select", 2 + (int)i, 0,
		      "net/http.(*persistConn).writeLoop", pc, 0x1, 7000 + i);
	}
	for (unsigned i = 0; i < 12; i++)
		g_add(&d, 990 + i, "chan receive", -1, 0xc000100000,
		      "main.(*Pool).worker", 0xc000090000, 0, 1);
	s = triage_text(d.b, NULL);
	rd = by_func(s, "net/http.(*persistConn).readLoop");
	wr = by_func(s, "net/http.(*persistConn).writeLoop");
	pool = by_func(s, "main.(*Pool).worker");
	assert_true(rd->finding >= 0);
	assert_int_equal(rd->finding, wr->finding);
	assert_true(pool->finding != rd->finding);
	f = &group_set_last(s)->findings[rd->finding];
	assert_int_equal(f->ngroups, 2);
	assert_int_equal(f->goroutines, 24);
	assert_true(f->links & EVIDENCE_LINK_OBJECT);
	assert_int_equal(f->verdict, rd->verdict > wr->verdict ? rd->verdict
							       : wr->verdict);
	assert_int_equal(f->verdict, VERDICT_LEAK);
	/* findings come in order of suspicion */
	assert_int_equal(rd->finding, 0);
	group_set_free(s);
	free(d.b);
}

/* A pool larger than the sample, started together at start-up and spanning
 * much of a young process's id range, is a dense run: the density counts
 * every goroutine, not the sampled ones. */
static void test_large_pool_dense(void **state)
{
	dump d = {0};
	group_set *s;
	const group *g;
	unsigned n = EVIDENCE_SAMPLE * 3;

	(void)state;
	main_g(&d);
	for (unsigned i = 0; i < n; i++)
		g_add(&d, 10 + i, "chan receive", -1, 0xc000100000,
		      "main.(*Pool).worker", 0xc000090000, 0, 1);
	fillers(&d, 10 + n, 20, 100);
	s = triage_text(d.b, NULL);
	g = by_func(s, "main.(*Pool).worker");
	assert_int_equal(g->ev.nsample, EVIDENCE_SAMPLE);
	assert_true(g->ev.id_span > 0.5);
	assert_true(g->ev.id_density > 0.99);
	assert_null(strstr(g->why, "ids across"));
	assert_int_equal(g->verdict, VERDICT_NORMAL);
	group_set_free(s);
	free(d.b);
}

/* An HTTP handler blocked in a select under a live server. */
static void handler_g(dump *d, uint64_t id, const char *func, uint64_t conn)
{
	append(&d->b, &d->len, "goroutine %llu [select]:\n"
	       "runtime.gopark(0x0?, 0x0?, 0x0?)\n"
	       "\t/go/src/runtime/proc.go:435 +0xce\n"
	       "runtime.selectgo(0xc000a1ef28, 0xc000a1ef00, 0x0?, 0x0, 0x0?, "
	       "0x1)\n\t/go/src/runtime/select.go:351 +0x837\n"
	       "%s(0x%llx, {0x7de9e0, 0xc0001a2000}, 0xc0001b4000)\n"
	       "\t/app/poll.go:20 +0x1a4\n"
	       "net/http.serverHandler.ServeHTTP({0xc0000a4000?}, "
	       "{0x7de9e0?, 0xc0001a2000?}, 0xc0001b4000)\n"
	       "\t/go/src/net/http/server.go:3340 +0x8e\n"
	       "net/http.(*conn).serve(0x%llx, {0x7dec50, 0xc0000b0000})\n"
	       "\t/go/src/net/http/server.go:2109 +0x665\n"
	       "created by net/http.(*Server).Serve in goroutine 5\n"
	       "\t/go/src/net/http/server.go:3493 +0x485\n\n",
	       (unsigned long long)id, func, (unsigned long long)conn + 8,
	       (unsigned long long)conn);
}

/* A diagnosis at its size does not decide alone against standing
 * evidence: handlers of connections opened together under a live server,
 * each in a select (long polls), are worth a look, not a leak; the same
 * shape made throughout the process's life is. */
static void test_diagnosis_needs_evidence(void **state)
{
	dump d = {0};
	group_set *s;
	const group *poll, *stuck;

	(void)state;
	main_g(&d);
	append(&d.b, &d.len, "goroutine 5 [IO wait]:\n"
	       "net/http.(*Server).Serve(0xc0000a4000, {0x7dd8f0, 0xc0000a8000})\n"
	       "\t/go/src/net/http/server.go:3463 +0x30c\n"
	       "created by main.main in goroutine 1\n\t/app/main.go:9 +0x1\n\n");
	for (unsigned i = 0; i < 24; i++)
		handler_g(&d, 10 + i, "main.(*Hub).poll",
			  0xc000300000 + i * 0x1000);
	for (unsigned i = 0; i < 24; i++)
		handler_g(&d, 100 + i * 120, "main.(*Hub).stuck",
			  0xc000600000 + i * 0x1000);
	fillers(&d, 150, 24, 120);
	s = triage_text(d.b, NULL);
	poll = by_func(s, "main.(*Hub).poll");
	stuck = by_func(s, "main.(*Hub).stuck");
	assert_true(poll->ndiags > 0);
	assert_true(poll->count >= poll->diags[0]->leak_at);
	assert_int_equal(poll->verdict, VERDICT_SUSPECT);
	assert_non_null(strstr(poll->why, "parent alive"));
	assert_int_equal(stuck->verdict, VERDICT_LEAK);
	assert_non_null(strstr(stuck->why, "spawning"));
	group_set_free(s);
	free(d.b);
}

/* Memory stays bounded by groups: a group samples a fixed number of
 * goroutines however large, and its facts still cover all of them. */
static void test_sample_bounded(void **state)
{
	dump d = {0};
	group_set *s;
	const group *g;
	unsigned n = EVIDENCE_SAMPLE * 3;

	(void)state;
	main_g(&d);
	for (unsigned i = 0; i < n; i++)
		g_add(&d, 2 + i, "chan send", -1, 0xc000400000 + (uint64_t)i * 64,
		      "main.many", 0, 0, 100000 + i);
	s = triage_text(d.b, NULL);
	g = by_func(s, "main.many");
	assert_int_equal(g->count, n);
	assert_int_equal(g->ev.nsample, EVIDENCE_SAMPLE);
	assert_true(g->ev.sample_cap <= EVIDENCE_SAMPLE);
	/* a uniform sample reaches the last ids too */
	assert_int_equal(g->ev.id_max, 1 + n);
	assert_true(g->ev.ids_hit == EVIDENCE_ID_BUCKETS);
	group_set_free(s);
	free(d.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_arg),
		cmocka_unit_test(test_wait_object),
		cmocka_unit_test(test_parser_args),
		cmocka_unit_test(test_ages),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_parents),
		cmocka_unit_test(test_parents_sparse_ids),
		cmocka_unit_test(test_wait_objects),
		cmocka_unit_test(test_lock_holder),
		cmocka_unit_test(test_rwmutex_inlined),
		cmocka_unit_test(test_pool_is_normal),
		cmocka_unit_test(test_accumulating_is_leak),
		cmocka_unit_test(test_thresholds_do_not_decide),
		cmocka_unit_test(test_debug1_falls_back),
		cmocka_unit_test(test_debug1_standing_shape),
		cmocka_unit_test(test_findings_link_shared_objects),
		cmocka_unit_test(test_sample_bounded),
		cmocka_unit_test(test_large_pool_dense),
		cmocka_unit_test(test_diagnosis_needs_evidence),
	};
	int rc;

	rs = builtin();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rules_free(rs);
	return rc;
}
