/*
 * parse_goleak.c - go.uber.org/goleak's report of goroutines that outlived
 * a test: "found unexpected goroutines:", then "[Goroutine 7 in state chan
 * receive, with pkg.f on top of the stack:" and the goroutine's frames (up
 * to v1.1 its full "goroutine 7 [chan receive]:" record), the next entries
 * after " Goroutine ..." or a "-- " line, the list closed by "]". Each
 * entry becomes a goroutine marked PARSE_G_GOLEAK.
 */
#define _GNU_SOURCE /* memrchr */
#include "parse_priv.h"

#include <stdio.h>

/* "Goroutine 7 in state " after an optional "[" or space; returns the
 * offset of the id, or 0. */
static size_t entry_start(const char *s, size_t n)
{
	size_t at = n > 0 && (s[0] == '[' || s[0] == ' ') ? 1 : 0;

	return starts(s + at, n - at, "Goroutine ") ? at + 10 : 0;
}

int parse_goleak_entry(const char *s, size_t n)
{
	size_t at = entry_start(s, n);

	return at > 0 && n >= at + 21 &&
	       memcmp(s + n - 21, " on top of the stack:", 21) == 0;
}

int parse_goleak_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		      int *rc)
{
	size_t at, used, st, with;
	uint64_t id;
	int len;

	*rc = GT_OK;
	if (n == 1 && s[0] == ']') { /* the end of the list */
		*rc = parse_end_keep_prefix(p, e);
		return 1;
	}
	if (starts(s, n, "-- ") || (n == 2 && s[0] == '-' && s[1] == '-')) {
		*rc = parse_emit(p, e);
		return 1;
	}
	if (!parse_goleak_entry(s, n))
		return 0;
	at = entry_start(s, n);
	id = parse_u64(s + at, n - at, &used);
	st = at + used;
	if (used == 0 || !starts(s + st, n - st, " in state "))
		return 0;
	st += 10;
	/* the state runs to the last ", with ": a function name has no comma */
	for (with = n - 21; with > st && !starts(s + with, n - with, ", with ");
	     with--)
		;
	if (with <= st)
		return 0;
	if ((*rc = parse_emit(p, e)) != GT_OK)
		return 1;
	len = snprintf(p->synth, sizeof p->synth, "goroutine %llu [%.*s]:",
		       (unsigned long long)id, (int)(with - st), s + st);
	if (len <= 0 || (size_t)len >= sizeof p->synth)
		len = snprintf(p->synth, sizeof p->synth, "goroutine %llu [?]:",
			       (unsigned long long)id);
	if (parse_start_goroutine(p, p->synth, (size_t)len))
		p->g.flags |= PARSE_G_GOLEAK;
	return 1;
}
