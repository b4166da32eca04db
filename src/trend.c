/*
 * trend.c - follows every group through a series of snapshots by its
 * fingerprint and runs the growth test (trend.h) on its counts.
 *
 * A leak shows as a group whose count keeps rising from snapshot to
 * snapshot; a worker pool stays flat, a burst of requests goes up and down,
 * a deploy or a cache warm-up is one step. The test asks for a rise that is
 * large enough in goroutines, not a single step, and monotonic enough not
 * to be noise; it never weighs the rise against the level, so a leak that
 * is already large cannot hide behind its own size.
 */
#include "trend.h"

#include "uthash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void trend_opts_default(trend_opts *o)
{
	memset(o, 0, sizeof *o);
	o->min_growth = 5;
	o->min_rise = 0; /* off: the test is level-free */
	o->max_p = 0.05;
	o->max_step = 0.75;
	group_opts_default(&o->group);
}

trend *trend_new(const trend_opts *o)
{
	trend *t = gt_calloc(1, sizeof *t);

	if (o)
		t->opts = *o;
	else
		trend_opts_default(&t->opts);
	return t;
}

void trend_free(trend *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->npoints; i++)
		free(t->points[i].label);
	for (i = 0; i < t->nseries; i++)
		free(t->series[i].counts);
	free(t->points);
	free(t->series);
	free(t);
}

void trend_add(trend *t, const group_dump *d, double when, const char *label)
{
	trend_point *p;

	if (t->npoints == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->points = gt_realloc(t->points, t->cap * sizeof *t->points);
	}
	p = &t->points[t->npoints++];
	p->dump = d;
	p->when = when > 0 ? when : 0;
	p->label = gt_strndup(label ? label : "", label ? strlen(label) : 0);
}

/* ---- the statistics ------------------------------------------------------ */

static int sign(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

double trend_mann_kendall(const uint64_t *x, size_t n, long *s_out)
{
	uint64_t *sorted;
	double nn = (double)n, var, z;
	long s = 0;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			s += sign(x[i], x[j]);
	if (s_out)
		*s_out = s;
	if (n < 2)
		return 1.0;

	/* tied values shrink the variance of S */
	var = nn * (nn - 1) * (2 * nn + 5);
	sorted = gt_malloc(n * sizeof *sorted);
	memcpy(sorted, x, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_u64);
	for (i = 0; i < n; i = j) {
		double tk;

		for (j = i + 1; j < n && sorted[j] == sorted[i]; j++)
			;
		tk = (double)(j - i);
		var -= tk * (tk - 1) * (2 * tk + 5);
	}
	free(sorted);
	var /= 18;
	if (var <= 0 || s == 0)
		return 1.0;
	/* continuity correction: S moves in steps of 2 */
	z = ((double)(s > 0 ? s - 1 : s + 1)) / sqrt(var);
	return erfc(fabs(z) / sqrt(2.0));
}

/* Least-squares slope of c: against time in hours over the points with a
 * known time when when is given, else against the snapshot index; *span
 * gets the x range those points cover. 0 without two distinct x. */
static double ls_slope(const uint64_t *c, const double *when, size_t n,
		       double *span)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0, t0 = 0, lo = 0, hi = 0;
	double den;
	size_t i;

	*span = 0;
	for (i = 0; i < n; i++) {
		double x, y = (double)c[i];

		if (when && when[i] <= 0)
			continue;
		/* hours from the first timed point: epoch seconds squared
		 * would lose precision */
		if (when && m == 0)
			t0 = when[i];
		x = when ? (when[i] - t0) / 3600.0 : (double)i;
		if (m == 0 || x < lo)
			lo = x;
		if (m == 0 || x > hi)
			hi = x;
		sx += x, sy += y, sxx += x * x, sxy += x * y, m++;
	}
	if (m < 2)
		return 0;
	den = m * sxx - sx * sx;
	if (fabs(den) < 1e-12)
		return 0;
	*span = hi - lo;
	return (m * sxy - sx * sy) / den;
}

/* The least-squares slope per hour over the points with a known time
 * (0 without two distinct times), and in *rise the rise of the line
 * across the window: over the timed points, or over the snapshots as if
 * evenly spaced when there are no two times. The rise is what the
 * absolute threshold looks at: unlike last less first, one noisy end
 * point barely moves it. */
static double slope_and_rise(const uint64_t *c, const double *when, size_t n,
			     double *rise)
{
	double span = 0, per_hour = when ? ls_slope(c, when, n, &span) : 0;

	*rise = per_hour * span;
	if (span <= 0) {
		*rise = ls_slope(c, NULL, n, &span) * span;
		per_hour = 0;
	}
	return per_hour;
}

void trend_test(const trend_opts *o, const uint64_t *c, const double *when,
		size_t n, int flagged, trend_series *out)
{
	uint64_t first, last, growth, step = 0, need;
	size_t i;
	int rising = 1;

	out->growing = 0;
	out->growth_per_hour = slope_and_rise(c, when, n, &out->rise);
	/* Mann-Kendall is quadratic in the points: on a long series it only
	 * runs for the groups that pass the cheap checks below */
	out->mk_s = 0;
	out->p_value = 1.0;
	if (n <= TREND_MK_ALWAYS)
		out->p_value = trend_mann_kendall(c, n, &out->mk_s);
	if (n < TREND_MIN_POINTS)
		return;
	first = c[0];
	last = c[n - 1];
	if (last <= first)
		return;
	growth = last - first;
	if (o->min_rise > 0 &&
	    (double)growth < o->min_rise * (double)(first ? first : 1))
		return;
	/* a group the single-snapshot rules already flag needs no size
	 * threshold: its steady rise is the confirmation */
	need = flagged ? 1 : o->min_growth;
	/* with 3-4 points the fitted line is no better than the two ends */
	if (n < TREND_MK_POINTS ? growth < need : out->rise < (double)need)
		return;
	for (i = 1; i < n; i++) {
		if (c[i] <= c[i - 1])
			rising = 0;
		else if (c[i] - c[i - 1] > step)
			step = c[i] - c[i - 1];
	}
	/* one jump is a deploy, a warm-up or a burst, not a leak */
	if ((double)step > o->max_step * (double)growth)
		return;
	if (n > TREND_MK_ALWAYS)
		out->p_value = trend_mann_kendall(c, n, &out->mk_s);
	if (n < TREND_MK_POINTS)
		out->growing = rising;
	else
		out->growing = out->mk_s > 0 && out->p_value <= o->max_p;
}

/* ---- matching groups across snapshots ----------------------------------- */

typedef struct fp_entry {
	char fp[17];
	size_t idx; /* into t->series */
	UT_hash_handle hh;
} fp_entry;

typedef struct keyed {
	double key;
	size_t order;
	trend_point p;
} keyed;

static int by_time(const void *pa, const void *pb)
{
	const keyed *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The series' group is flagged by the single-snapshot rules in the last
 * snapshot (growth aside). */
static int flagged_last(const trend *t, const trend_series *s)
{
	return s->latest_dump == t->points[t->npoints - 1].dump &&
	       (s->latest->reasons & ~(unsigned)GROUP_R_GROWING) != 0;
}

static unsigned series_reasons(const trend *t, const trend_series *s)
{
	unsigned r = 0;

	if (s->latest_dump == t->points[t->npoints - 1].dump)
		r = s->latest->reasons;
	/* the share rule guesses at growth from one snapshot; a series long
	 * enough to test that does not grow is a steady pool */
	if (trend_tested(t) && !s->growing)
		r &= ~(unsigned)GROUP_R_SHARE;
	if (s->growing)
		r |= GROUP_R_GROWING;
	return r;
}

/* qsort cannot pass a context; the last snapshot's index is the one piece
 * of the trend the order needs. Trends are finished from one thread. */
static size_t sort_last;

static double rise(const trend_series *s)
{
	return (double)s->counts[sort_last] - (double)s->counts[0];
}

/* Growing groups first, fastest first; then groups flagged in the last
 * snapshot; then by the last count. */
static int by_suspicion(const void *pa, const void *pb)
{
	const trend_series *a = pa, *b = pb;
	uint64_t ca = a->counts[sort_last], cb = b->counts[sort_last];

	if (a->growing != b->growing)
		return a->growing ? -1 : 1;
	if (a->flagged != b->flagged)
		return a->flagged ? -1 : 1;
	if (a->growing && a->growth_per_hour != b->growth_per_hour)
		return a->growth_per_hour > b->growth_per_hour ? -1 : 1;
	if (a->growing && rise(a) != rise(b))
		return rise(a) > rise(b) ? -1 : 1;
	if (ca != cb)
		return ca > cb ? -1 : 1;
	return strcmp(a->fingerprint, b->fingerprint);
}

size_t trend_moments(const double *when, size_t n)
{
	double first = 0, end = 0, last = 0, tol;
	size_t i, moments = 0;

	for (i = 0; i < n; i++)
		if (when[i] > 0) {
			first = first > 0 ? first : when[i];
			end = when[i];
		}
	tol = (end - first) / 100;
	for (i = 0; i < n; i++)
		if (when[i] > 0 && (moments == 0 || when[i] - last > tol)) {
			moments++;
			last = when[i];
		}
	return moments;
}

void trend_finish(trend *t)
{
	keyed *k;
	fp_entry *table = NULL, *fe, *tmp;
	double *when = NULL, prev = 0, known = 0;
	size_t i, j, cap = 0, distinct = 0;

	if (t->npoints == 0)
		return;

	/* order: a point of unknown time sorts right after the one added
	 * before it */
	k = gt_malloc(t->npoints * sizeof *k);
	for (i = 0; i < t->npoints; i++) {
		k[i].p = t->points[i];
		k[i].order = i;
		k[i].key = t->points[i].when > 0 ? t->points[i].when : prev;
		prev = k[i].key;
	}
	qsort(k, t->npoints, sizeof *k, by_time);
	when = gt_malloc(t->npoints * sizeof *when);
	for (i = 0; i < t->npoints; i++) {
		t->points[i] = k[i].p;
		when[i] = t->points[i].when;
		if (when[i] > 0 && when[i] != known) {
			distinct++;
			known = when[i];
		}
	}
	free(k);
	t->timed = distinct >= 2;
	t->ntimes = trend_moments(when, t->npoints);

	/* one series per fingerprint */
	for (i = 0; i < t->npoints; i++) {
		const group_dump *d = t->points[i].dump;

		for (j = 0; d && j < d->ngroups; j++) {
			const group *g = d->groups[j];
			trend_series *s;

			HASH_FIND_STR(table, g->fingerprint, fe);
			if (fe == NULL) {
				if (t->nseries == cap) {
					cap = cap ? cap * 2 : 64;
					t->series = gt_realloc(t->series,
							       cap * sizeof *t->series);
				}
				s = &t->series[t->nseries];
				memset(s, 0, sizeof *s);
				memcpy(s->fingerprint, g->fingerprint,
				       sizeof s->fingerprint);
				s->counts = gt_calloc(t->npoints, sizeof *s->counts);
				fe = gt_calloc(1, sizeof *fe);
				memcpy(fe->fp, g->fingerprint, sizeof fe->fp);
				fe->idx = t->nseries++;
				HASH_ADD_STR(table, fp, fe);
			}
			s = &t->series[fe->idx];
			s->counts[i] += g->count;
			if (s->latest_dump != d || g->count > s->latest->count) {
				s->latest = g;
				s->latest_dump = d;
			}
		}
	}
	HASH_ITER(hh, table, fe, tmp)
	{
		HASH_DEL(table, fe);
		free(fe);
	}

	t->ngrowing = 0;
	for (i = 0; i < t->nseries; i++) {
		trend_series *s = &t->series[i];

		trend_test(&t->opts, s->counts, t->timed ? when : NULL,
			   t->npoints, flagged_last(t, s), s);
		if (!trend_tested(t))
			s->growing = 0;
		s->reasons = series_reasons(t, s);
		s->flagged = s->reasons != 0;
		t->ngrowing += s->growing != 0;
	}
	free(when);
	sort_last = t->npoints - 1;
	if (t->nseries > 1)
		qsort(t->series, t->nseries, sizeof *t->series, by_suspicion);
}

int trend_tested(const trend *t)
{
	return t->npoints >= TREND_MIN_POINTS &&
	       (!t->timed || t->ntimes >= TREND_MIN_POINTS);
}

/* ---- times in file names ------------------------------------------------- */

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static double stamp_at(const char *s)
{
	/* a short tail ("dump1") must not be read past its end */
	size_t n = strnlen(s, 19);
	int y, mo, d, h, mi, sec, ext = n > 4 && s[4] == '-';
	struct tm tm;
	time_t t;

	if (ext) { /* 2026-11-22T04:05:00, 2026-11-22_04-05-00 */
		if (n < 19 || s[7] != '-' ||
		    (s[10] != 'T' && s[10] != '_' && s[10] != ' ') ||
		    (s[13] != ':' && s[13] != '-') || s[16] != s[13])
			return 0;
		y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
		h = digits(s + 11, 2), mi = digits(s + 14, 2);
		sec = digits(s + 17, 2);
	} else { /* 20261122T040500 */
		if (n < 15 || s[8] != 'T')
			return 0;
		y = digits(s, 4), mo = digits(s + 4, 2), d = digits(s + 6, 2);
		h = digits(s + 9, 2), mi = digits(s + 11, 2);
		sec = digits(s + 13, 2);
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	return t > 0 ? (double)t : 0;
}

double trend_name_time(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	for (const char *p = base; *p; p++) {
		double t;

		/* a stamp starts at a digit that does not continue a number */
		if (*p < '0' || *p > '9' || (p > base && p[-1] >= '0' && p[-1] <= '9'))
			continue;
		if ((t = stamp_at(p)) > 0)
			return t;
	}
	return 0;
}
