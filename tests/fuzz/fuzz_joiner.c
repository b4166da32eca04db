/*
 * fuzz_joiner.c - libFuzzer target for the log-prefix layer on its own:
 * learning a prefix, decoding docker json-file lines and joining split
 * records (CRI "P" records, docker partial lines).
 *
 * Input: a selector byte (the prefix kind to strip), a byte giving where
 * the dump text starts on the first line, then lines. The first line is
 * learned (or decoded as docker json), every other line stripped as the
 * parser does inside a dump; an empty line drops a half-joined record as
 * the end of a dump does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logprefix.h"

/* Keeps the reads below from being optimised away. */
volatile unsigned fuzz_joiner_sink;

/* Reads every byte of a view so ASan checks its bounds. */
static unsigned touch(const char *c, size_t n)
{
	unsigned h = 0;
	size_t i;

	for (i = 0; i < n; i++)
		h = h * 31 + (unsigned char)c[i];
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_prefix kind;
	const char *s, *end;
	logprefix *lp;
	size_t k;
	int first = 1;

	if (size < 2)
		return 0;
	kind = (parse_prefix)(data[0] % PARSE_PREFIX__COUNT);
	k = data[1];
	s = (const char *)data + 2;
	end = (const char *)data + size;
	lp = logprefix_new();
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		const char *c = NULL;
		size_t cn = 0;
		int partial = 0;

		(void)logprefix_parse_time(s, n);
		if (first) {
			if (kind == PARSE_PREFIX_DOCKER_JSON) {
				if (logprefix_docker_json(lp, s, n, &c, &cn,
							  &partial))
					fuzz_joiner_sink = touch(c, cn);
			} else {
				int lit = kind == PARSE_PREFIX_LITERAL;

				(void)logprefix_learn(lp, s, n, k < n ? k : n,
						      lit);
			}
			first = 0;
		} else if (n == 0) {
			logprefix_reset(lp);
		} else if (logprefix_strip(lp, kind, s, n, &c, &cn) ==
			   LOGPREFIX_YES) {
			/* a view of the line itself, or of the join buffer */
			if (logprefix_owns(lp, c)) {
				if (cn > PARSE_MAX_LINE + n)
					abort();
			} else if (c < s || c + cn > s + n) {
				abort();
			}
			fuzz_joiner_sink = touch(c, cn);
			(void)logprefix_time(lp, kind, s, n);
		}
		s += n + (nl != NULL);
	}
	logprefix_free(lp);
	return 0;
}
