/*
 * trend.h - a series of snapshots of one program, matched group by group
 * through fingerprints, and the growth test that tells a leak (steady
 * growth) from noise, a one-off step or a steady pool.
 *
 * The trend borrows the group_dumps it is given: they must outlive it.
 *
 * Growth test, per group, on its counts c[0..n-1] in time order (0 where
 * the group is absent). It never looks at the level of the counts, only
 * at how they move, so a leak already at 10,000 that keeps rising is
 * growing and two series with the same rise and noise get one answer:
 *   - at least 3 snapshots (two points cannot tell a step from a trend:
 *     that is what diff is for);
 *   - it rose: c[n-1] > c[0], by at least min_growth goroutines: with 3-4
 *     snapshots c[n-1] - c[0], from 5 on the rise of the least-squares
 *     line across the window (growth per hour times the hours covered,
 *     or per snapshot without times), which a noisy end point cannot
 *     fake; a group flagged in the last snapshot needs a rise of 1;
 *   - not a single step: the largest rise between two neighbouring
 *     snapshots is at most max_step of c[n-1] - c[0];
 *   - steadily, against the noise of the series: with fewer than 5
 *     snapshots every count is larger than the one before (below 5
 *     points the Mann-Kendall p-value cannot go under 0.05 at all); from
 *     5 on, the Mann-Kendall statistic S is positive and its two-sided
 *     p-value (normal approximation, tie-corrected variance, continuity
 *     correction) is at most max_p. A pool that wobbles has S near 0;
 *   - optionally (min_rise > 0, off by default) c[n-1] - c[0] of at
 *     least min_rise * max(c[0], 1), the relative test of old.
 */
#ifndef GT_TREND_H
#define GT_TREND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "group.h"
#include "report.h"

/* Fewest snapshots the growth test runs on; below TREND_MK_POINTS it asks
 * for strictly increasing counts instead of the Mann-Kendall test. */
#define TREND_MIN_POINTS 3
#define TREND_MK_POINTS 5
/* Up to this many snapshots Mann-Kendall runs for every series (its cost
 * is quadratic); beyond, only for the series that pass the other checks,
 * the others keep p_value 1 and mk_s 0. */
#define TREND_MK_ALWAYS 200

typedef struct trend_opts {
	uint64_t min_growth;  /* rise needed to flag (default 5) */
	double min_rise;      /* and this rise relative to the first count
				 (default 0: off) */
	double max_p;         /* significance of the Mann-Kendall test (0.05) */
	double max_step;      /* largest single rise, as a share of the whole
				 growth (default 0.75) */
	group_opts group;     /* thresholds the dumps were grouped and flagged
				 with: for reason texts and the JSON report */
} trend_opts;

void trend_opts_default(trend_opts *o);

/* One snapshot. */
typedef struct trend_point {
	const group_dump *dump;
	double when;          /* seconds since the epoch; 0 when unknown */
	char *label;          /* file name, "dump 3 of log.txt", ... (owned) */
} trend_point;

/* One group followed across the snapshots. Groups of one dump that share
 * a fingerprint (same category and stack, different labels or wait-reason
 * spelling) are added up. */
typedef struct trend_series {
	char fingerprint[17];
	const group *latest;  /* the group in the last snapshot that has it
				 (the largest one when several share it) */
	const group_dump *latest_dump; /* the dump latest belongs to */
	uint64_t *counts;     /* one per snapshot, 0 where absent */
	int growing;          /* flagged: steady growth */
	unsigned reasons;     /* GROUP_R_* of the series: GROUP_R_GROWING, and
				 the reasons of latest when it is in the last
				 snapshot, less GROUP_R_SHARE for a steady
				 series (see trend_finish) */
	int flagged;          /* reasons != 0 */
	double growth_per_hour; /* least-squares slope over the snapshots with
				   a known time; 0 without two distinct times */
	double rise;          /* of the least-squares line across the window
				 (per snapshot when untimed) */
	double p_value;       /* Mann-Kendall, two-sided; 1 when not run
				 (see TREND_MK_ALWAYS) */
	long mk_s;            /* Mann-Kendall S */
} trend_series;

typedef struct trend {
	trend_opts opts;
	trend_point *points;  /* in time order after trend_finish() */
	size_t npoints;
	trend_series *series; /* most suspicious first after trend_finish() */
	size_t nseries;
	size_t ngrowing;
	int timed;            /* at least two distinct known times */
	size_t ntimes;        /* distinct known times */
	/* private */
	size_t cap;
} trend;

trend *trend_new(const trend_opts *o);
void trend_free(trend *t);

/* Adds a snapshot; label is copied. when: seconds since the epoch, 0 when
 * unknown. */
void trend_add(trend *t, const group_dump *d, double when, const char *label);

/* Orders the points by time (stable: equal times keep the order they were
 * added in; a point of unknown time stays right after the point added
 * before it), matches groups and runs the growth test. Call once.
 * A series of at least TREND_MIN_POINTS that does not grow loses the
 * share-of-all-goroutines reason: that rule stands in for growth when
 * there is a single snapshot, and a steady pool is no leak. */
void trend_finish(trend *t);

/* The distinct moments among the known times when[0..n) (0: unknown), in
 * time order: captures closer together than a hundredth of the span are
 * one (a debug=1 and a debug=2 fetched back to back say nothing about a
 * rise). */
size_t trend_moments(const double *when, size_t n);

/* 1 when the growth test ran: TREND_MIN_POINTS snapshots, at as many
 * distinct times when their times are known (two captures of one moment,
 * a debug=1 and a debug=2 say, are no rise over time). */
int trend_tested(const trend *t);

/* The growth test on one series of counts at times when[] (seconds since
 * the epoch, 0 where unknown; NULL: none known). flagged: the group is
 * flagged in the last snapshot by the single-snapshot rules. Fills
 * growing, growth_per_hour, rise, p_value and mk_s of out. Exposed for
 * tests. */
void trend_test(const trend_opts *o, const uint64_t *counts,
		const double *when, size_t n, int flagged, trend_series *out);

/* The time written in a file name, seconds since the epoch, or 0: the
 * first "20261122T040500" (as `gtriage snap` names its files) or
 * "2026-11-22T04:05:00" / "2026-11-22_04-05-00", read as UTC. */
double trend_name_time(const char *name);

/* Mann-Kendall S and two-sided p-value of x[0..n-1]. */
double trend_mann_kendall(const uint64_t *x, size_t n, long *s);

/* Writes the trend report in o->format (text, json, markdown, prom) to
 * out. Text sparklines use block characters when the current locale's
 * charset is UTF-8 (the tool calls setlocale(LC_CTYPE, "")), ASCII
 * otherwise. Returns GT_ERR with a message on a write error. */
int trend_report(FILE *out, const trend *t, const report_opts *o, gt_err *e);

/* The Prometheus text format for a trend (report_prom.c). */
int trend_prom(FILE *out, const trend *t, const report_opts *o);

/* JSON schema version of the trend document. */
#define TREND_JSON_SCHEMA 2

#endif
