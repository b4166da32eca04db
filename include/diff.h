/*
 * diff.h - compares two snapshots of one program group by group
 * (fingerprints), and finds goroutines stuck at the same place in both.
 * Borrows the dumps: they must outlive the result.
 */
#ifndef GT_DIFF_H
#define GT_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "group.h"

typedef enum diff_kind { DIFF_NEW, DIFF_GONE, DIFF_GROWN, DIFF_SHRUNK,
			 DIFF_SAME } diff_kind;

typedef struct diff_entry {
	diff_kind kind;
	char fingerprint[17];
	const group *old_g;   /* NULL for DIFF_NEW */
	const group *new_g;   /* NULL for DIFF_GONE */
	uint64_t old_count, new_count;
	int64_t delta;
	uint64_t stuck;       /* ids present in both snapshots in this group */
	int flagged;          /* grown (or new) and flagged as a probable leak */
} diff_entry;

typedef struct diff_result {
	diff_entry *entries;  /* largest change first */
	size_t nentries;
	uint64_t old_total, new_total;
	uint64_t stuck;       /* goroutines blocked at the same place in both */
	size_t nflagged;
} diff_result;

diff_result *diff_dumps(const group_dump *old_d, const group_dump *new_d);
void diff_free(diff_result *r);

#endif
