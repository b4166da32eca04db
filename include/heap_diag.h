/*
 * heap_diag.h - what a heap allocation site means: the heap diagnoses of a
 * rule set (rules.h) that hold for it, and, in a trend, the growing
 * goroutine groups of the same target it shares a user function with.
 */
#ifndef GT_HEAP_DIAG_H
#define GT_HEAP_DIAG_H

#include "heap.h"
#include "rules.h"
#include "trend.h"

/* The heap diagnoses of r that hold for each site of h, taken alone
 * (growing ones never do). r must outlive h's use of them. */
void heap_diagnose(heap_profile *h, const rules *r);

/* The heap diagnoses of r that hold for each series: its latest site,
 * growing or not as the growth test found. */
void heap_trend_diagnose(heap_trend *t, const rules *r);

/* Links each growing site to the growing groups of g (a goroutine trend
 * of the same target) that share a user function with its stack (a frame
 * of the group, or its creator): the innermost such function of the
 * site. g must outlive t. */
void heap_trend_link(heap_trend *t, const trend *g);

#endif
