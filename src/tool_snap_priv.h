/*
 * tool_snap_priv.h - the heap profiles of `gtriage snap --profile heap`
 * (tool_snap_heap.c): what tool_snap.c needs of them. Not part of the
 * public interface.
 */
#ifndef GT_TOOL_SNAP_PRIV_H
#define GT_TOOL_SNAP_PRIV_H

#include <stddef.h>

#include "heap.h"
#include "rules.h"
#include "store.h"
#include "trend.h"

/* A heap profile being fetched: kept in the store and in memory, where it
 * is read once the transfer is done (a gzip body stays gzip). */
typedef struct heap_body {
	store_writer *w;
	char *buf; /* owned */
	size_t len, cap;
} heap_body;

/* The fetch_job tee of a heap profile (ud: its heap_body): to the store,
 * and to memory, bounded by HEAP_MAX_SIZE. */
int snap_heap_tee(void *ud, const void *buf, size_t len, gt_err *e);

/* --profile LIST: sets *goroutine and *heap for "goroutine" and "heap",
 * comma-separated; -1 (message printed) for another word. */
int snap_profile_list(const char *arg, int *goroutine, int *heap);

/* The heap series of a target kept in dir: its kept files (nkept, oldest
 * first) read back but for the new one, final (its path, NULL when none
 * was kept this run), already read as hp at time when; their growth per
 * site with r's heap diagnoses, and the growing sites linked to the
 * growing groups of goroutines (its goroutine series' trend, or NULL).
 * *hold gets the profiles read back (nkept, NULL gaps; caller frees each
 * and the array). NULL when no profile could be read. */
heap_trend *snap_heap_trend(const char *dir, const char *series, char **kept,
                            size_t nkept, const char *final,
                            const heap_profile *hp, double when,
                            heap_profile ***hold, const trend *goroutines,
                            const rules *r);

#endif
