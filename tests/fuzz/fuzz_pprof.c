/*
 * fuzz_pprof.c - libFuzzer target for the profile.proto decoder: any bytes
 * are either refused with a message or walked sample by sample, and a
 * goroutine profile goes on through the grouper and a report, as from a
 * file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "pprof.h"
#include "report.h"

static int count_sample(void *ud, const pprof_sample *s, gt_err *e)
{
	(void)e;
	/* every frame a sample hands back lies within its own tables */
	for (size_t i = 0; i < s->nframes; i++)
		if (s->frame_loc[i] >= s->nlocs ||
		    (s->frames[i].func == NULL && s->frames[i].func_len))
			abort();
	(*(size_t *)ud)++;
	return GT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rules *r;
	pprof_profile *p = NULL;
	gt_err e = {{0}};
	size_t n = 0;

	if (r == NULL)
		r = rules_new(); /* no rules: the decoder is what is fuzzed */
	(void)pprof_sniff(data, size);
	if (pprof_open(data, size, &p, &e) != GT_OK) {
		if (e.msg[0] == '\0')
			abort(); /* refused without saying why */
		return 0;
	}
	if (pprof_each_sample(p, count_sample, &n, &e) == GT_OK) {
		group_set *s = group_set_new(r, NULL);
		parse_sink sink = group_sink(s);
		parse_stats st = {0};
		report_opts o = {.format = REPORT_JSON, .source = "fuzz"};
		FILE *out = fopen("/dev/null", "w");

		if (pprof_goroutines(p, &sink, &st, &e) == GT_OK) {
			group_set_finish(s, &st);
			if (out)
				(void)report_write(out, s, &o, &e);
		} else if (e.msg[0] == '\0') {
			abort();
		}
		if (out)
			fclose(out);
		group_set_free(s);
	} else if (e.msg[0] == '\0') {
		abort();
	}
	pprof_free(p);
	return 0;
}
