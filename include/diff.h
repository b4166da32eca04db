/*
 * diff.h - compares two snapshots of one program group by group
 * (fingerprints), and finds goroutines stuck at the same place in both.
 * Borrows the dumps: they must outlive the result.
 */
#ifndef GT_DIFF_H
#define GT_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "group.h"
#include "report.h"

typedef enum diff_kind { DIFF_NEW, DIFF_GONE, DIFF_GROWN, DIFF_SHRUNK,
			 DIFF_SAME } diff_kind;

/* "new", "gone", "grown", "shrunk", "same". */
const char *diff_kind_name(diff_kind k);

/* Groups of one dump that share a fingerprint (same category and stack,
 * different labels or wait-reason spelling) count as one. */
typedef struct diff_entry {
	diff_kind kind;
	char fingerprint[17];
	const group *old_g;   /* NULL for DIFF_NEW; the largest of its fingerprint */
	const group *new_g;   /* NULL for DIFF_GONE; likewise */
	uint64_t old_count, new_count;
	int64_t delta;
	uint64_t stuck;       /* ids present in both snapshots in this group */
	uint64_t *stuck_ids;  /* those ids, lowest (oldest) first */
	int flagged;          /* grown (or new) and flagged as a probable leak */
} diff_entry;

typedef struct diff_result {
	diff_entry *entries;  /* largest change first */
	size_t nentries;
	size_t count[DIFF_SAME + 1]; /* entries of each kind */
	uint64_t old_total, new_total;
	uint64_t stuck;       /* goroutines blocked at the same place in both */
	size_t nflagged;
	const group_dump *old_d, *new_d;
} diff_result;

diff_result *diff_dumps(const group_dump *old_d, const group_dump *new_d);
void diff_free(diff_result *r);

/* Writes the diff in o->format (text, json, markdown; prom is refused)
 * to out. gopts: the thresholds the dumps were flagged with (reason
 * texts). Returns GT_ERR with a message on a write error. */
int diff_report(FILE *out, const diff_result *r, const report_opts *o,
		const group_opts *gopts, const char *old_name,
		const char *new_name, gt_err *e);

/* JSON schema version of the diff document. */
#define DIFF_JSON_SCHEMA 2

#endif
