/*
 * trend.h - a series of snapshots of one program, matched group by group
 * through fingerprints, and the growth test that tells a leak (steady
 * growth) from noise or a steady pool.
 *
 * The trend borrows the group_dumps it is given: they must outlive it.
 */
#ifndef GT_TREND_H
#define GT_TREND_H

#include <stddef.h>
#include <stdint.h>

#include "group.h"

typedef struct trend_opts {
	uint64_t min_growth;  /* growth (last - first) needed to flag (default 5) */
	double min_rise;      /* and this relative growth (default 0.2 = 20%) */
	double max_p;         /* significance of the Mann-Kendall test (0.05) */
} trend_opts;

void trend_opts_default(trend_opts *o);

/* One snapshot. */
typedef struct trend_point {
	const group_dump *dump;
	double when;          /* seconds since the epoch; 0 when unknown */
	char *label;          /* file name, "dump 3 of log.txt", ... (owned) */
} trend_point;

/* One group followed across the snapshots. */
typedef struct trend_series {
	char fingerprint[17];
	const group *latest;  /* the group in the last snapshot that has it */
	uint64_t *counts;     /* one per snapshot, 0 where absent */
	int growing;          /* flagged: steady growth */
	double growth_per_hour; /* least-squares slope; 0 without times */
	double p_value;       /* Mann-Kendall, two-sided */
} trend_series;

typedef struct trend {
	trend_opts opts;
	trend_point *points;  /* in time order after trend_finish() */
	size_t npoints;
	trend_series *series; /* most suspicious first after trend_finish() */
	size_t nseries;
	size_t ngrowing;
} trend;

trend *trend_new(const trend_opts *o);
void trend_free(trend *t);

/* Adds a snapshot; label is copied. */
void trend_add(trend *t, const group_dump *d, double when, const char *label);

/* Orders the points by time (stable: equal or unknown times keep the order
 * they were added in), matches groups and runs the growth test. */
void trend_finish(trend *t);

#endif
