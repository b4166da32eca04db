/*
 * parallel.h - reads one input on several threads.
 *
 * The input is cut into pieces of about a chunk each, at goroutine headers
 * that follow a blank line (parse_boundary). Each worker reads whole
 * pieces, a regular file's mapped at their offsets, a pipe's from the
 * buffers the calling thread fills; each piece is parsed by a parser and
 * into a set of its own, never copied between threads. The calling thread
 * joins the pieces in input order: a piece is joined (merge.h) when the
 * input before it ended between two goroutines of a plain traceback dump
 * and its own parser stayed inside that dump; any other piece (the first,
 * a log prefix, a crash header, several dumps, gzip, a protobuf profile,
 * the end of the input) is read again in order by the caller's parser.
 * The result is the same as one thread's, whatever the cut.
 */
#ifndef GT_PARALLEL_H
#define GT_PARALLEL_H

#include <stddef.h>

#include "common.h"
#include "group.h"
#include "parse.h"

/* Default piece sizes: a file's are mapped by the worker reading them and
 * unmapped after, a pipe's are buffers of a ring that holds some 2 per
 * thread (the memory of the read). */
#define PARALLEL_CHUNK ((size_t)8 << 20)
#define PARALLEL_PIPE_CHUNK ((size_t)4 << 20)
#define PARALLEL_MAX_THREADS 64

/* The threads this process may run on (sched_getaffinity), at least 1. */
unsigned parallel_cores(void);

/* How a read went: pieces cut, and those joined rather than read again. */
typedef struct parallel_info {
	unsigned long long pieces, joined;
} parallel_info;

/* Like input_read_path (input.h) for path ("-" for stdin) into p, a
 * parser whose sink is group_sink(s), with threads workers (1: no thread
 * is started) and pieces of chunk bytes (0: PARALLEL_CHUNK for a file,
 * PARALLEL_PIPE_CHUNK for a pipe). info, when
 * not NULL, is filled in. */
int parallel_read_path(const char *path, group_set *s, parse_ctx *p,
                       unsigned threads, size_t chunk, int *gzip_cut,
                       parallel_info *info, gt_err *e);

#endif
