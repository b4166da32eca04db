/*
 * fuzz_heap.c - libFuzzer target for the heap profile reader: the input is
 * a whole profile, text ("heap profile: ...") or protobuf, plain or
 * gzip. Every site read back is walked so ASan checks its strings, and the
 * profile compared with itself must show no change.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "heap_diff.h"

/* Keeps the reads below from being optimised away. */
volatile size_t fuzz_heap_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	heap_profile *h;
	gt_err e = {{0}};
	size_t i, k, sum = 0;

	heap_diff *d;

	if (heap_parse_body(data, size, &h, &e) != GT_OK) {
		fuzz_heap_sink = strlen(e.msg);
		return 0;
	}
	for (i = 0; i < h->nsites; i++)
		for (k = 0; k < h->sites[i].nframes; k++) {
			sum += strlen(h->sites[i].frames[k].func);
			if (h->sites[i].frames[k].file)
				sum += strlen(h->sites[i].frames[k].file);
		}
	fuzz_heap_sink = sum + (size_t)h->inuse_bytes;
	d = heap_diff_new(h, h, 1);
	if (d->nflagged != 0 || d->count[DIFF_GROWN] || d->count[DIFF_SHRUNK])
		abort(); /* a profile against itself changes nothing */
	heap_diff_free(d);
	heap_free(h);
	return 0;
}
