/*
 * fuzz_parse.c - libFuzzer target for the whole pipeline: parse -> group ->
 * report.
 *
 * Input: a selector byte, a chunking seed byte, then text. The selector
 * picks the log-prefix style every line is rewritten with (none, CRI,
 * docker -t, journald, docker json-file, a literal prefix), whether long
 * records are split into partial ones with lines of the other stream mixed
 * in, the grouping key and the report format. The seed drives the sizes of
 * the chunks handed to parse_feed, so chunk boundaries are fuzzed too.
 * Without a prefix the input is read twice, with and without the
 * recognised-stack path (parse_set_fast), and the reports must be the same
 * bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_rules.h"
#include "group.h"
#include "parse.h"
#include "report.h"
#include "rules.h"

static rules *g_rules;

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static void put(buf *b, const void *s, size_t n)
{
	if (n == 0)
		return; /* b->p may still be NULL */
	if (b->len + n > b->cap) {
		size_t c = b->cap ? b->cap : 4096;

		while (c < b->len + n)
			c *= 2;
		b->p = gt_realloc(b->p, c);
		b->cap = c;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void puts_(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static uint32_t next(uint32_t *x)
{
	/* xorshift32: deterministic for a given input */
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* A JSON string body: quotes, backslashes and control bytes escaped, other
 * bytes as they are (invalid UTF-8 is for the decoder to refuse). */
static void put_json(buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[8];

		if (ch == '"' || ch == '\\') {
			esc[0] = '\\', esc[1] = (char)ch;
			put(b, esc, 2);
		} else if (ch < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", ch);
			put(b, esc, 6);
		} else {
			put(b, &s[i], 1);
		}
	}
}

/* One record of line s[0..n) in style pfx; partial: no end of line. */
static void record(buf *b, parse_prefix pfx, const char *s, size_t n,
		   int partial, const char *stream)
{
	switch (pfx) {
	case PARSE_PREFIX_CRI:
		puts_(b, "2026-11-20T10:00:00.123456789Z ");
		puts_(b, stream);
		puts_(b, partial ? " P " : " F ");
		put(b, s, n);
		break;
	case PARSE_PREFIX_DOCKER_TS:
		puts_(b, "2026-11-20T10:00:00.123456789Z ");
		put(b, s, n);
		break;
	case PARSE_PREFIX_JOURNALD:
		puts_(b, "Nov 20 10:00:00 web-1 shop[4121]: ");
		put(b, s, n);
		break;
	case PARSE_PREFIX_DOCKER_JSON:
		puts_(b, "{\"log\":\"");
		put_json(b, s, n);
		puts_(b, partial ? "\",\"stream\":\"" : "\\n\",\"stream\":\"");
		puts_(b, stream);
		puts_(b, "\",\"time\":\"2026-11-20T10:00:00.123456789Z\"}");
		break;
	case PARSE_PREFIX_LITERAL:
		puts_(b, "shop-1  | ");
		put(b, s, n);
		break;
	default:
		put(b, s, n);
	}
	put(b, "\n", 1);
}

/* Rewrites every line of text in style pfx. */
static void rewrite(buf *b, parse_prefix pfx, int split, uint32_t *x,
		    const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		int splittable = pfx == PARSE_PREFIX_CRI ||
				 pfx == PARSE_PREFIX_DOCKER_JSON;

		if (split && splittable && (next(x) & 15) == 0)
			record(b, pfx, "noise on the other stream", 25, 0,
			       "stdout");
		/* a quarter of the lines only, so that most dumps still
		 * start on a whole line and the joins happen inside them */
		if (split && splittable && len > 1 && (next(x) & 3) == 0) {
			size_t cut = 1 + next(x) % (len - 1);

			record(b, pfx, s, cut, 1, "stderr");
			record(b, pfx, s + cut, len - cut, 0, "stderr");
		} else {
			record(b, pfx, s, len, 0, "stderr");
		}
		s += len + (nl != NULL);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	gt_err e;
	size_t i;

	(void)argc, (void)argv;
	g_rules = rules_new();
	for (i = 0; i < builtin_rules_count; i++)
		if (rules_add_text(g_rules, builtin_rules[i].name,
				   builtin_rules[i].text, builtin_rules[i].len,
				   &e) != GT_OK) {
			fprintf(stderr, "fuzz_parse: %s\n", e.msg);
			abort();
		}
	return 0;
}

/* Parses in[0..n) fed in chunks drawn from x, groups it and writes the
 * report data[0] picks into *out (the caller frees it). Returns the
 * parse's status. */
static int pipeline(const uint8_t *data, const char *in, size_t n, uint32_t x,
		    char **out, size_t *outlen)
{
	static const report_format formats[] = {REPORT_TEXT, REPORT_JSON,
						REPORT_MARKDOWN, REPORT_PROM};
	group_opts go;
	group_set *s;
	parse_sink sink;
	parse_ctx *p;
	report_opts ro;
	size_t off = 0;
	gt_err e;
	int rc = GT_OK;
	FILE *f;

	group_opts_default(&go);
	if (data[0] & 0x80)
		go.by = GROUP_BY_FUNC;
	go.max_ids = 4;
	s = group_set_new(g_rules, &go);
	sink = group_sink(s);
	p = parse_new(&sink);
	while (off < n && rc == GT_OK) {
		uint32_t r = next(&x);
		size_t k;

		switch (r & 3) {
		case 0:
			k = 1 + (r >> 2) % 8;
			break;
		case 1:
			k = 1 + (r >> 2) % 512;
			break;
		case 2:
			k = 1 + (r >> 2) % 65536;
			break;
		default:
			k = n - off;
		}
		if (k > n - off)
			k = n - off;
		rc = parse_feed(p, in + off, k, &e);
		off += k;
	}
	if (rc == GT_OK)
		rc = parse_finish(p, &e);
	/* the parser accounts for every byte it was given */
	if (rc == GT_OK && parse_get_stats(p)->bytes != n)
		abort();
	group_set_finish(s, parse_get_stats(p));
	parse_free(p);

	*out = NULL;
	*outlen = 0;
	f = open_memstream(out, outlen);
	if (f == NULL)
		abort();
	if (rc == GT_OK && group_set_last(s) != NULL) {
		memset(&ro, 0, sizeof ro);
		ro.format = formats[(data[0] >> 4) & 3];
		ro.source = "fuzz";
		ro.verbose = (data[0] >> 6) & 1;
		if (report_write(f, s, &ro, &e) != GT_OK)
			abort();
	}
	fclose(f);
	group_set_free(s);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_prefix pfx;
	buf b = {0};
	const char *in;
	char *out, *plain;
	size_t n, outlen, plainlen;
	uint32_t x;
	int rc;

	if (size < 2)
		return 0;
	pfx = (parse_prefix)(data[0] % PARSE_PREFIX__COUNT);
	x = 0x9e3779b9u ^ data[1];
	if (pfx == PARSE_PREFIX_NONE) {
		in = (const char *)data + 2;
		n = size - 2;
	} else {
		rewrite(&b, pfx, data[0] & 0x08, &x, (const char *)data + 2,
			size - 2);
		in = b.p;
		n = b.len;
	}
	rc = pipeline(data, in, n, x, &out, &outlen);
	/* bodies that repeat one read before are taken whole only without a
	 * log prefix: there the report must be the one reading every line
	 * gives, byte for byte */
	if (pfx == PARSE_PREFIX_NONE) {
		parse_set_fast(0);
		if (pipeline(data, in, n, x, &plain, &plainlen) != rc ||
		    plainlen != outlen || memcmp(plain, out, outlen) != 0)
			abort();
		parse_set_fast(1);
		free(plain);
	}
	free(out);
	free(b.p);
	return 0;
}
