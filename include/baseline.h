/*
 * baseline.h - the goroutine groups of a known-good run, so that a triage
 * flags only what is new or grew beyond it.
 *
 * A baseline is read from a gtriage JSON report (-f json), a baseline file
 * (--write-baseline) or a plain list of fingerprints, one per line with an
 * optional count after it, '#' starting a comment. A flagged group whose
 * fingerprint the baseline knows keeps its flag only when its count exceeds
 * the known count by more than an allowance (BASELINE_MIN_RISE goroutines
 * and BASELINE_MIN_RATIO of the known count unless baseline_set_allowance
 * says otherwise); a fingerprint listed without a
 * count is known at any size. A baseline never flags a group by itself.
 */
#ifndef GT_BASELINE_H
#define GT_BASELINE_H

#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "group.h"

#define BASELINE_SCHEMA 1
#define BASELINE_MIN_RISE 5    /* goroutines above the known count */
#define BASELINE_MIN_RATIO 0.5 /* ... and this share of it */

/* Known count of a fingerprint listed without one. */
#define BASELINE_ANY UINT64_MAX

typedef struct baseline baseline;

baseline *baseline_new(void);
void baseline_free(baseline *b);

/* Reads a baseline (any of the three forms) from path. Errors name
 * path (and the line of a plain list). */
baseline *baseline_load(const char *path, gt_err *e);

/* Fingerprints known, and the --group-by they were taken with ("line",
 * "func", or NULL when the file does not say). */
size_t baseline_count(const baseline *b);
const char *baseline_group_by(const baseline *b);

/* Known count of fingerprint fp (16 hex digits), 0 when unknown. */
uint64_t baseline_known(const baseline *b, const char *fp);

/* Sets the allowance: a known group keeps its flag only when its count
 * exceeds the known count by more than rise goroutines and more than
 * ratio times the known count (ratio >= 0). */
void baseline_set_allowance(baseline *b, uint64_t rise, double ratio);

/* 1 if a group of count goroutines is within b's allowance of known. */
int baseline_within(const baseline *b, uint64_t known, uint64_t count);

/* Adds every group of s's last dump (largest count kept per fingerprint). */
void baseline_add_set(baseline *b, const group_set *s);

/* Writes b as a baseline document (JSON, see docs/json-schema.md). */
int baseline_write(FILE *out, const baseline *b, gt_err *e);

/* What baseline_apply() did. */
typedef struct baseline_result {
	size_t known;       /* flagged groups the baseline knew and cleared */
	uint64_t known_goroutines;
	size_t grown;       /* flagged groups it knew that grew beyond it */
} baseline_result;

/* Clears the flag of every flagged group of every dump of s that b knows
 * and that did not grow beyond it, then recounts and reorders the dump. */
void baseline_apply(const baseline *b, group_set *s, baseline_result *r);

#endif
