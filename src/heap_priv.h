/*
 * heap_priv.h - what the heap readers share: the set of allocation sites
 * being filled (heap.c) and the legacy text reader (heap_text.c), which
 * reads from memory or streams a file so that a large text profile is not
 * held whole.
 */
#ifndef GT_HEAP_PRIV_H
#define GT_HEAP_PRIV_H

#include <zlib.h>

#include "heap.h"

typedef struct site_set {
	heap_profile *h;
	size_t cap;
	/* open addressing over h->sites by key: a profile has a few thousand
	 * sites, each added once per sample */
	size_t *slots; /* 1 + index, 0 empty */
	size_t nslots;
	int iin_b, iin_o, ial_b, ial_o; /* protobuf value indexes, -1 none */
} site_set;

/* The site of frames[0..n), added when new; the names are copied. */
heap_site *heap_site_of(site_set *s, const parse_frame *f, size_t n);

/* Totals and order once every sample is in; frees the lookup table. */
void heap_sites_finish(site_set *s);

/* Reads a text profile from buf[0..len) into h. */
int heap_text_parse(const char *buf, size_t len, heap_profile *h, gt_err *e);

/* Reads a text profile from gz, whose first head_len bytes were read
 * already into head (the buffer is taken over, realloc'd as needed). Only
 * the lines of the record being read are held. */
int heap_text_stream(gzFile gz, char *head, size_t head_len, heap_profile *h,
                     gt_err *e);

#endif
