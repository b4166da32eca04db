/*
 * fuzz_heap.c - libFuzzer target for the heap profile reader: the input is
 * a whole profile, text ("heap profile: ...") or protobuf, already
 * inflated. Every site read back is walked so ASan checks its strings.
 */
#include <stdint.h>
#include <string.h>

#include "heap.h"

/* Keeps the reads below from being optimised away. */
volatile size_t fuzz_heap_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	heap_profile *h;
	gt_err e = {{0}};
	size_t i, k, sum = 0;

	if (heap_parse(data, size, &h, &e) != GT_OK) {
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
	heap_free(h);
	return 0;
}
