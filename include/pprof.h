/*
 * pprof.h - reads pprof's profile.proto (the default form of every
 * /debug/pprof page, and what `go tool pprof` saves), already inflated.
 *
 * The buffer is walked field by field: locations, functions and the string
 * table are indexed (strings are views into the buffer), and each sample is
 * decoded on its own when it is visited (protobuf-c, code generated from
 * proto/profile.proto). Memory is the buffer plus those tables, never a
 * decoded copy of every sample. Any profile type can be walked; the
 * goroutine adapter turns a goroutine or goroutineleak profile into the
 * records a debug=1 profile of the same process gives the parser's sink.
 */
#ifndef GT_PPROF_H
#define GT_PPROF_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "parse.h"

/* Largest profile read (inflated): a goroutine profile of a million
 * distinct stacks is a few hundred MB. */
#define PPROF_MAX_SIZE ((size_t)1 << 30)

/* Bytes pprof_sniff() wants to see when the input has that many. */
#define PPROF_SNIFF_LEN 64

/* 1 if buf[0..len), the start of an inflated input, reads as the start of
 * a profile.proto message; 0 for text and other binary data. */
int pprof_sniff(const void *buf, size_t len);

typedef struct pprof_profile pprof_profile;

/* Indexes the profile in buf[0..len), which is not copied and must outlive
 * the profile. A buffer that is not a valid profile (truncated, a bad
 * varint, a string index out of range) is an error saying where. */
int pprof_open(const void *buf, size_t len, pprof_profile **out, gt_err *e);
void pprof_free(pprof_profile *p);

/* A string of the profile. */
typedef struct pprof_str {
	const char *s; /* not NUL-terminated */
	size_t len;
} pprof_str;

/* Sample value types, e.g. {"goroutine","count"} or
 * {"inuse_space","bytes"}; *n is set to their number. */
typedef struct pprof_type {
	pprof_str type, unit;
} pprof_type;
const pprof_type *pprof_sample_types(const pprof_profile *p, size_t *n);

/* time_nanos of the profile, 0 when absent. */
int64_t pprof_time_nanos(const pprof_profile *p);

/* Bytes of the buffer the profile was opened on. */
size_t pprof_size(const pprof_profile *p);

typedef struct pprof_label {
	pprof_str key;
	pprof_str str;  /* len 0 for a numeric label */
	int64_t num;
	int is_num;     /* no string, and a number or a unit */
	pprof_str unit; /* of a numeric label; may be empty */
} pprof_label;

/* One sample. Its frames are every line of every location, innermost
 * first, a location's inlined lines expanded in order (line[0] innermost);
 * a location without lines, or a line without a function name, gives a
 * frame with func NULL. frame_loc[i] is the index, in loc_addr, of the
 * location frames[i] comes from. Views valid during the callback only. */
typedef struct pprof_sample {
	const int64_t *values; /* one per sample type */
	size_t nvalues;
	const parse_frame *frames;
	const size_t *frame_loc;
	size_t nframes;
	const uint64_t *loc_addr; /* address of each location */
	size_t nlocs;
	const pprof_label *labels;
	size_t nlabels;
} pprof_sample;

typedef int (*pprof_sample_fn)(void *ud, const pprof_sample *s, gt_err *e);

/* Calls fn for each sample in profile order; stops at the first error
 * (fn's, or a sample that names a missing location). */
int pprof_each_sample(pprof_profile *p, pprof_sample_fn fn, void *ud,
		      gt_err *e);

/* (pprof_goroutine.c) Feeds a goroutine or goroutineleak profile to sink
 * as one dump of kind PARSE_KIND_PROTO: a record per sample, its count the
 * sample's value, its frames those debug=1 prints (runtime.goexit and the
 * runtime's frames above the first other one left out), its labels
 * formatted as debug=1's "# labels:". Adds what it fed to *st. A profile
 * of another type is an error naming it. */
int pprof_goroutines(pprof_profile *p, const parse_sink *sink,
		     parse_stats *st, gt_err *e);

#endif
