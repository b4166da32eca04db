/*
 * verdict.c - weighs a group's evidence into leak / suspect / normal.
 *
 * What the runtime states is decisive: (leaked), a fatal deadlock, a nil
 * channel, select {} outside main. Everything else is a score: signs that
 * goroutines were created again and again and none finished (parents gone,
 * one object each, ids across the dump's range, many ages, a diagnosis
 * whose shape leaks, size, age) against signs of a standing part (one
 * shared object, parents alive, started together, a healthy shape). Size
 * and age add to the score but never decide alone.
 */
#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {"normal", "suspect", "leak"};

const char *verdict_name(verdict v)
{
	return (unsigned)v <= VERDICT_LEAK ? names[v] : "normal";
}

/* Score from which a group is a leak, and worth a look. */
enum { LEAK_SCORE = 3, SUSPECT_SCORE = 2 };

typedef struct line {
	char *buf;
	size_t len, used;
} line;

static void say(line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->used >= l->len)
		return;
	if (l->used) {
		n = snprintf(l->buf + l->used, l->len - l->used, "; ");
		l->used += n > 0 ? (size_t)n : 0;
		if (l->used >= l->len) {
			l->used = l->len;
			return;
		}
	}
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->used, l->len - l->used, fmt, ap);
	va_end(ap);
	l->used += n > 0 ? (size_t)n : 0;
	if (l->used > l->len)
		l->used = l->len;
}

/* Where one object shared by every goroutine is a queue the group serves
 * (a pool of receivers); senders, lock and WaitGroup waiters on one object
 * are a pile-up instead. */
static int queue_kind(evidence_obj_kind k, category c)
{
	return (k == EVIDENCE_OBJ_CHAN && c != CAT_CHAN_SEND) ||
	       k == EVIDENCE_OBJ_COND || k == EVIDENCE_OBJ_POLL;
}

/* Waiting on the outside world (a socket, a system call): serving a
 * client is the normal state, so evidence alone makes it worth a look, and
 * only a diagnosis that calls the shape a leak makes it one. */
static int outside_wait(category c)
{
	return c == CAT_IO_WAIT || c == CAT_SYSCALL;
}

static int idle_shape(category c)
{
	return c == CAT_CHAN_RECEIVE || c == CAT_SELECT || c == CAT_COND ||
	       c == CAT_IO_WAIT || c == CAT_SLEEP || c == CAT_SYSCALL ||
	       c == CAT_WAITGROUP;
}

static const rules_diag *leak_diag(const group *g, int reached)
{
	size_t i;

	for (i = 0; i < g->ndiags; i++)
		if (g->diags[i]->leak_at &&
		    (!reached || g->count >= g->diags[i]->leak_at))
			return g->diags[i];
	return NULL;
}

static const rules_diag *healthy_diag(const group *g)
{
	size_t i;

	for (i = 0; i < g->ndiags; i++)
		if (g->diags[i]->healthy)
			return g->diags[i];
	return NULL;
}

/* Size and diagnosis only: debug=1 records carry no ids, parents, ages or
 * arguments. */
static verdict judge_blind(const group *g, uint64_t floor_n, line *l)
{
	const rules_diag *h = healthy_diag(g), *d = leak_diag(g, 1);
	unsigned size = g->reasons & (GROUP_R_COUNT | GROUP_R_SHARE);

	if (h) {
		say(l, "healthy shape (%s); no per-goroutine evidence in this "
		       "format", h->name);
		return VERDICT_NORMAL;
	}
	/* a shape a standing pool shares says so with blind-leak-at: from
	 * leak-at to there only worth a look, nothing here telling the two
	 * apart */
	if (d && d->blind_leak_at && g->count < d->blind_leak_at) {
		say(l, "%s (%llu >= %llu, a standing pool's size until %llu); "
		       "no per-goroutine evidence in this format",
		    d->name, (unsigned long long)g->count,
		    (unsigned long long)d->leak_at,
		    (unsigned long long)d->blind_leak_at);
		return VERDICT_SUSPECT;
	}
	if (d) {
		say(l, "%s (%llu >= %llu); no per-goroutine evidence in this "
		       "format", d->name, (unsigned long long)g->count,
		    (unsigned long long)(d->blind_leak_at ? d->blind_leak_at
							  : d->leak_at));
		return VERDICT_LEAK;
	}
	if (size == (GROUP_R_COUNT | GROUP_R_SHARE) ||
	    (leak_diag(g, 0) && g->count >= floor_n)) {
		say(l, "%s; no per-goroutine evidence in this format: judged "
		       "on size and diagnosis",
		    size == (GROUP_R_COUNT | GROUP_R_SHARE) ? "large"
							    : leak_diag(g, 0)->name);
		return VERDICT_SUSPECT;
	}
	say(l, "no per-goroutine evidence in this format");
	return VERDICT_NORMAL;
}

verdict verdict_judge(const group *g, const group_dump *d,
		      const group_opts *o, char *buf, size_t len)
{
	const evidence *ev = &g->ev;
	line l = {buf, len, 0};
	line pro, con;
	char pbuf[256] = "", cbuf[256] = "";
	const rules_diag *h = healthy_diag(g), *ld;
	int score = 0, standing = 0, spread;
	/* nobody waits on a lock by design: pool signs do not apply */
	int lockwait = g->ev.obj_kind == EVIDENCE_OBJ_MUTEX ||
		       g->ev.obj_kind == EVIDENCE_OBJ_RWMUTEX;
	uint64_t floor_n = o->share_floor ? o->share_floor : 1;
	verdict v;

	buf[0] = '\0';
	if (g->reasons & GROUP_R_LEAKED) {
		say(&l, "%llu marked (leaked) by the runtime",
		    (unsigned long long)g->nleaked);
		return VERDICT_LEAK;
	}
	if (g->reasons & GROUP_R_DEADLOCK) {
		say(&l, "part of a fatal deadlock");
		return VERDICT_LEAK;
	}
	if (g->reasons & GROUP_R_GOLEAK) {
		say(&l, "goleak listed %llu: outlived %s",
		    (unsigned long long)g->count,
		    d && d->crash.ntests ? d->crash.tests[0] : "the tests");
		return VERDICT_LEAK;
	}
	if (g->reasons & GROUP_R_TEST_TIMEOUT) {
		say(&l, "%llu blocked in the test that timed out",
		    (unsigned long long)g->ntest);
		return VERDICT_LEAK;
	}
	if (g->reasons & GROUP_R_NIL_CHAN) {
		say(&l, "blocked on a nil channel: can never proceed");
		return VERDICT_LEAK;
	}
	if ((g->reasons & GROUP_R_SELECT_FOREVER) && !h) {
		say(&l, "select {} outside main: blocks forever");
		return VERDICT_LEAK;
	}
	if (!category_is_blocked(g->cat) || g->cat == CAT_SELECT_FOREVER) {
		if (h)
			say(&l, "healthy shape (%s)", h->name);
		else
			say(&l, "%s", g->cat == CAT_RUNTIME ? "the runtime's own"
							    : "not blocked");
		return VERDICT_NORMAL;
	}
	if (ev->nsample == 0)
		return judge_blind(g, floor_n, &l);

	pro = (line){pbuf, sizeof pbuf, 0};
	con = (line){cbuf, sizeof cbuf, 0};

	/* ids across the range, between those of goroutines that have
	 * finished (a dense run is a batch started together, however much
	 * of the range it covers) */
	spread = ev->nsample >= 3 && ev->id_span >= 0.25 &&
		 ev->id_cover >= 0.5 && ev->id_density < 0.5;

	/* parents: gone = spawned and abandoned; alive = owned */
	if (ev->parents_checked >= 2 &&
	    ev->parents_alive * 5 <= ev->parents_checked && ev->parents >= 2) {
		score += 2;
		say(&pro, "%llu parents, %llu of %llu gone",
		    (unsigned long long)ev->parents,
		    (unsigned long long)(ev->parents_checked - ev->parents_alive),
		    (unsigned long long)ev->parents_checked);
	} else if (ev->parents_checked && !lockwait &&
		   ev->parents_alive * 5 >= ev->parents_checked * 4) {
		/* a live parent that keeps making children that never end
		 * is no owner: many each, created throughout */
		if (ev->parents && ev->parents_checked >= 4 * ev->parents &&
		    spread) {
			/* parents are counted in the sample, children in
			 * the whole group */
			if (ev->parents == 1)
				say(&pro, "1 live parent spawning them all");
			else
				say(&pro, "%llu live parents spawning (about "
					  "%llu each)",
				    (unsigned long long)ev->parents,
				    (unsigned long long)(g->count /
							 ev->parents));
		} else {
			score -= 2;
			standing = 1;
			say(&con, "parent%s alive",
			    ev->parents == 1 ? "" : "s");
		}
	}

	/* the wait object */
	if (ev->objs_checked >= 2 && ev->objs * 5 >= ev->objs_checked * 4 &&
	    ev->obj_kind != EVIDENCE_OBJ_POLL) {
		score += 1;
		say(&pro, "each on its own %s",
		    evidence_obj_kind_name(ev->obj_kind));
	} else if (ev->objs_checked >= 2 && ev->objs == 1 &&
		   ev->obj_kind != EVIDENCE_OBJ_OWNER) {
		/* (one owner shared says nothing: a pool's workers share their
		 * pool, per-request loops their client) */
		if (queue_kind(ev->obj_kind, g->cat)) {
			score -= 2;
			standing = 1;
			say(&con, "all on one %s",
			    evidence_obj_kind_name(ev->obj_kind));
		} else if (ev->holder_id && g->holder &&
			   category_is_blocked(g->holder->cat)) {
			/* the holder waits too: the lock is not coming back
			 * until something else happens */
			score += 2;
			say(&pro, "all on one %s held by goroutine %llu, itself "
				  "blocked (%s)",
			    evidence_obj_kind_name(ev->obj_kind),
			    (unsigned long long)ev->holder_id,
			    category_name(g->holder->cat));
		} else if (ev->holder_id) {
			say(&pro, "all on one %s held by goroutine %llu",
			    evidence_obj_kind_name(ev->obj_kind),
			    (unsigned long long)ev->holder_id);
		} else {
			say(&pro, "all on one %s",
			    evidence_obj_kind_name(ev->obj_kind));
		}
	}

	/* ids: created throughout the process's life, or together */
	if (spread) {
		score += 1;
		say(&pro, "ids across %.0f%% of the range",
		    100.0 * ev->id_span);
	} else if (!lockwait && ev->nsample >= 2 && ev->id_span < 0.1 &&
		   ev->id_density >= 0.25 && ev->ages <= 1) {
		score -= 1;
		standing = 1;
		say(&con, "started together");
	}

	/* ages: waits that began at many different times and none ended */
	if (ev->ages >= 3) {
		score += 1;
		say(&pro, "%u different ages (%d-%d min)", ev->ages,
		    g->min_minutes, g->max_minutes);
	}
	if (o->min_minutes > 0 && g->max_minutes >= o->min_minutes) {
		score += 1;
		if (ev->ages < 3)
			say(&pro, "blocked %d min", g->max_minutes);
	}

	/* a small idle-shaped group is a pool or a server loop more often
	 * than a leak */
	if (g->count <= o->pool_max && idle_shape(g->cat) && !leak_diag(g, 0)) {
		score -= 1;
		standing = 1;
		say(&con, "small idle group (<= %llu)",
		    (unsigned long long)o->pool_max);
	}

	/* size, and the diagnosis rules */
	if (g->reasons & GROUP_R_COUNT) {
		score += 1;
		say(&pro, "%llu goroutines", (unsigned long long)g->count);
	}
	if (g->reasons & GROUP_R_SHARE) {
		score += 1;
		say(&pro, "%.0f%% of all",
		    d && d->total ? 100.0 * (double)g->count / (double)d->total
				  : 0.0);
	}
	/* a diagnosis whose shape is itself the evidence, at its size, makes
	 * a leak unless the evidence shows a standing group (owned by live
	 * parents, started together, a pool on its queue) idling in the
	 * process where standing parts idle (a receive, a select, a long
	 * poll), which a live owner can still end: then the size alone makes
	 * it worth a look, no more. Outside waits have only the diagnosis. */
	ld = leak_diag(g, 1);
	if (ld) {
		score += 1;
		say(&pro, "%s (%llu >= %llu)", ld->name,
		    (unsigned long long)g->count,
		    (unsigned long long)ld->leak_at);
	} else if ((ld = leak_diag(g, 0)) != NULL) {
		score += 1;
		say(&pro, "%s", ld->name);
	}

	if (h) {
		v = VERDICT_NORMAL;
		say(&l, "healthy shape (%s)", h->name);
	} else if (ld && g->count >= ld->leak_at &&
		   !(standing && idle_shape(g->cat) && !outside_wait(g->cat))) {
		v = VERDICT_LEAK;
	} else if (score >= LEAK_SCORE && g->count >= floor_n &&
		   !outside_wait(g->cat)) {
		v = VERDICT_LEAK;
	} else if (score >= LEAK_SCORE ||
		   (score >= SUSPECT_SCORE && !standing) ||
		   (ld && g->count >= ld->leak_at) ||
		   (ld && o->min_minutes > 0 &&
		    g->max_minutes >= o->min_minutes)) {
		/* a shape a rule calls leaky, stuck for long, is worth a
		 * look even below the rule's size */
		v = VERDICT_SUSPECT;
	} else {
		v = VERDICT_NORMAL;
	}
	if (v == VERDICT_NORMAL) {
		if (con.used)
			say(&l, "%s", cbuf);
		if (pro.used && !h)
			say(&l, "but %s", pbuf);
		if (!con.used && !pro.used && !h)
			say(&l, "no sign of accumulation");
	} else {
		say(&l, "%s", pbuf);
		if (con.used)
			say(&l, "but %s", cbuf);
	}
	/* what is missing, so a normal verdict is read for what it is */
	if (ev->nobj == 0 && ev->obj_kind > EVIDENCE_OBJ_SELECT &&
	    (ev->obj_inlined || ev->obj_noargs))
		say(&l, "wait object not shown (%s)",
		    ev->obj_inlined ? "inlined" : "no pointer argument");
	else if (ev->obj_imprecise * 2 > ev->nobj && ev->nobj)
		say(&l, "wait objects printed imprecise (?)");
	if (ev->nparent == 0 && g->created_by.func)
		say(&l, "no parent ids (printed from Go 1.21)");
	return v;
}
