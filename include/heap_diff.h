/*
 * heap_diff.h - two heap profiles of one program compared site by site
 * (the site key: the same stack in both): in-use bytes and objects
 * before and after, sites new, gone, grown and shrunk. Borrows the
 * profiles: they must outlive the result.
 */
#ifndef GT_HEAP_DIFF_H
#define GT_HEAP_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "diff.h"
#include "heap.h"

typedef struct heap_change {
	diff_kind kind;         /* new, gone, grown, shrunk, same (bytes) */
	const heap_site *old_s; /* NULL when new */
	const heap_site *new_s; /* NULL when gone */
	int64_t old_bytes, new_bytes, old_objects, new_objects;
	int64_t delta_bytes, delta_objects;
	int flagged; /* grew by at least min_growth bytes */
} heap_change;

typedef struct heap_diff {
	const heap_profile *old_p, *new_p;
	heap_change *changes; /* largest change in bytes first */
	size_t nchanges;
	size_t count[DIFF_SAME + 1];
	size_t nflagged;
	uint64_t min_growth; /* bytes */
} heap_diff;

/* Compares old_p with new_p; a site that grew by min_growth bytes or more
 * is flagged. */
heap_diff *heap_diff_new(const heap_profile *old_p, const heap_profile *new_p,
                         uint64_t min_growth);
void heap_diff_free(heap_diff *d);

/* 1 when the file at path (plain or gzip; not "-") starts as a heap
 * profile in text form, 2 when it is a protobuf profile of any type
 * (heap_read_path tells), 0 otherwise. Reads at most a few bytes. */
int heap_diff_sniff_path(const char *path);

#endif
