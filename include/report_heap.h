/*
 * report_heap.h - the heap reports: one profile's sites (text, JSON), two
 * profiles compared (text, JSON) and the sites followed across snapshots
 * (text, JSON, Prometheus).
 */
#ifndef GT_REPORT_HEAP_H
#define GT_REPORT_HEAP_H

#include <stdio.h>

#include "heap.h"
#include "heap_diff.h"
#include "report.h"
#include "trend.h"

/* Reports: one profile (text or json), or a trend (text, json, prom). */
typedef struct heap_report_opts {
	int format; /* REPORT_TEXT, REPORT_JSON, REPORT_PROM */
	const char *source;
	size_t top; /* sites shown in text (0: 20) */
} heap_report_opts;

int heap_report(FILE *out, const heap_profile *h, const heap_report_opts *o,
                gt_err *e);
int heap_trend_report(FILE *out, const heap_trend *t, const heap_report_opts *o,
                      gt_err *e);

/* Two profiles compared site by site (text or json); old_name and
 * new_name label them. */
int heap_diff_report(FILE *out, const heap_diff *d, const heap_report_opts *o,
                     const char *old_name, const char *new_name, gt_err *e);

/* A target's goroutine trend t (reported with ro) and its heap trend ht
 * beside it (with o, the same format): text and prom one after the other,
 * json the trend document with the heap trend's as its "heap" member. */
int heap_report_beside(FILE *out, const trend *t, const report_opts *ro,
                       const heap_trend *ht, const heap_report_opts *o,
                       gt_err *e);

#endif
