/*
 * heap.h - heap profiles: what /debug/pprof/heap (and allocs) serves, in
 * protobuf (profile.proto) or the legacy text form of debug=1
 * ("heap profile: N: N [N: N] @ heap/R" and its "# runtime.MemStats"
 * tail), read into allocation sites and followed across snapshots.
 *
 * Text values are samples: they are scaled as pprof scales them (each
 * sample divided by its probability of being taken at the sampling rate
 * R/2 of the header), so figures match `go tool pprof` on the same file.
 * Protobuf values are scaled already by the runtime and are used as is.
 */
#ifndef GT_HEAP_H
#define GT_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "group.h"
#include "rules.h"
#include "trend.h"

/* Diagnoses kept per site. */
#define HEAP_MAX_DIAGS 4

/* Largest heap profile read (inflated). */
#define HEAP_MAX_SIZE ((size_t)1 << 30)

/* An allocation site: one stack, its samples added up. */
typedef struct heap_site {
	char key[17];        /* hex hash of the frames' functions and
	                        lines: the same site in every snapshot */
	group_frame *frames; /* innermost first, owned; the names are the
	                        profile's (heap_profile.strings) */
	size_t nframes;
	size_t user; /* index of the first user frame (nframes
	                when none) */
	int64_t inuse_bytes, inuse_objects;
	int64_t alloc_bytes, alloc_objects; /* 0 without has_alloc */
	const rules_diag *diags[HEAP_MAX_DIAGS]; /* heap_diagnose()
	                                            (heap_diag.h) */
	size_t ndiags;
} heap_site;

typedef struct heap_stat {
	char name[32]; /* "HeapAlloc", ... */
	uint64_t value;
} heap_stat;

typedef struct heap_profile {
	heap_site *sites; /* by in-use bytes, largest first */
	size_t nsites;
	int has_inuse, has_alloc; /* which values the profile holds */
	int text;                 /* read from the legacy text form */
	int64_t rate;             /* sampling rate (bytes), 0 when unknown */
	double time;              /* profile time (protobuf), 0 when unknown */
	int64_t inuse_bytes, inuse_objects, alloc_bytes, alloc_objects;
	heap_stat *memstats; /* "# runtime.MemStats" figures (text only) */
	size_t nmemstats;
	struct heap_str *strings; /* the sites' function and file names, each
	                             once (owned) */
} heap_profile;

/* 1 if buf (the start of an inflated input) is a heap profile in text
 * form; protobuf is told by pprof_sniff() and its sample types. */
int heap_sniff_text(const void *buf, size_t len);

/* Reads a heap profile from buf[0..len) (inflated), text or protobuf. A
 * profile of another kind, or a malformed one, is an error saying so. */
int heap_parse(const void *buf, size_t len, heap_profile **out, gt_err *e);

/* heap_parse of buf[0..len) as fetched or stored: plain or gzip (inflated
 * here, up to HEAP_MAX_SIZE). */
int heap_parse_body(const void *buf, size_t len, heap_profile **out,
                    gt_err *e);

/* Reads a file (plain or gzip; "-" is stdin) with heap_parse. */
int heap_read_path(const char *path, heap_profile **out, gt_err *e);

void heap_free(heap_profile *h);

/* A MemStats figure by name, or -1 when absent. */
int64_t heap_memstat(const heap_profile *h, const char *name);

/* pprof's scaling of a sampled (count, size) at rate: each of the count
 * objects of average size s was taken with probability 1-exp(-s/rate). */
void heap_scale(int64_t count, int64_t size, int64_t rate, int64_t *count_out,
                int64_t *size_out);

/* ---- series ------------------------------------------------------------- */

/* A growing goroutine group that runs through a user function of a
 * growing site's stack (its own frames or its creator). */
typedef struct heap_link {
	const trend_series *group; /* borrowed from the goroutine trend */
	const char *func;          /* the shared function (the site's frame) */
} heap_link;

/* One site followed across snapshots. */
typedef struct heap_series {
	const heap_site *latest; /* the site in the last snapshot holding it */
	uint64_t *bytes;         /* in-use bytes per snapshot, 0 where absent */
	trend_series test;       /* the growth test over bytes (trend_test):
	                            growing, growth_per_hour (bytes/h), ... */
	const rules_diag *diags[HEAP_MAX_DIAGS]; /* heap_trend_diagnose()
	                                            (heap_diag.h) */
	size_t ndiags;
	heap_link *links;        /* heap_trend_link() (heap_diag.h), owned */
	size_t nlinks;
} heap_series;

typedef struct heap_trend {
	const heap_profile **profiles; /* in time order (not owned) */
	double *when;
	char **labels; /* owned */
	size_t n;
	heap_series *series; /* growing first, then by last in-use bytes */
	size_t nseries;
	size_t ngrowing;
	trend_opts opts; /* min_growth in bytes */
} heap_trend;

/* Default growth threshold: a site must rise by this many bytes. */
#define HEAP_MIN_GROWTH ((uint64_t)64 << 10)

/* Follows the sites of n profiles (when[i]: their times, label[i]: their
 * names) through the growth test of opts (min_growth in bytes). Profiles
 * must outlive the trend. */
heap_trend *heap_trend_new(const heap_profile *const *p, const double *when,
                           const char *const *label, size_t n,
                           const trend_opts *opts);
void heap_trend_free(heap_trend *t);


#endif
