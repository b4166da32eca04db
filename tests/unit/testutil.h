/*
 * testutil.h - what the unit tests that build dumps as text share: the text
 * of a dump from a few stack specs, the built-in rules, a dump parsed into a
 * finished set, and a report read back from its FILE.
 */
#ifndef GT_TESTUTIL_H
#define GT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_rules.h"
#include "group.h"
#include "parse.h"
#include "rules.h"

/* n goroutines with one stack, ids from first_id, started by creator;
 * dump_text's salt changes what must not matter (arguments, pc offsets). */
typedef struct gspec {
	const char *state;
	const char *func;
	const char *file;
	unsigned line;
	const char *creator;
	uint64_t first_id;
	unsigned n;
	int minutes; /* -1: none */
} gspec;

/* printf onto the end of a growing string. */
static inline void append(char **buf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void append(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	*buf = gt_realloc(*buf, *len + (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
}

/* A debug=2 dump: main.main, then the goroutines of g[0..ng), created in
 * goroutine 1 (alive) or, where parents[i] is not 0, goroutine k of g[i]
 * in goroutine parents[i] + k (none of them in the dump: gone). */
static inline char *dump_text_parents(const gspec *g, size_t ng,
				      unsigned salt, const uint64_t *parents)
{
	char *b = NULL;
	size_t len = 0;

	append(&b, &len, "goroutine 1 [running]:\nmain.main()\n"
		"\t/src/app/main.go:20 +0x%x\n\n", 0x10 + salt);
	for (size_t i = 0; i < ng; i++)
		for (unsigned k = 0; k < g[i].n; k++) {
			append(&b, &len, "goroutine %llu [%s",
			       (unsigned long long)(g[i].first_id + k), g[i].state);
			if (g[i].minutes >= 0)
				append(&b, &len, ", %d minutes", g[i].minutes);
			append(&b, &len, "]:\n%s(0xc%06x, 0x%x)\n\t%s:%u +0x%x\n",
			       g[i].func, salt * 97 + k, salt, g[i].file,
			       g[i].line, 0x20 + salt);
			append(&b, &len, "created by %s in goroutine %llu\n"
			       "\t/src/app/main.go:%u +0x%x\n\n", g[i].creator,
			       parents && parents[i]
				       ? (unsigned long long)(parents[i] + k)
				       : 1ull,
			       30 + (unsigned)i, 0x40 + salt);
		}
	return b;
}

static inline char *dump_text(const gspec *g, size_t ng, unsigned salt)
{
	return dump_text_parents(g, ng, salt, NULL);
}

/* The built-in rules, as gtriage loads them without --rules. */
static inline rules *builtin(void)
{
	rules *r = rules_new();
	gt_err e = {{0}};

	for (size_t i = 0; i < builtin_rules_count; i++)
		assert_int_equal(rules_add_text(r, builtin_rules[i].name,
						builtin_rules[i].text,
						builtin_rules[i].len, &e),
				 GT_OK);
	return r;
}

/* text parsed and grouped with r into a finished set of one dump. */
static inline group_set *parse_set(const rules *r, const char *text)
{
	group_set *s = group_set_new(r, NULL);
	parse_sink k = group_sink(s);
	parse_ctx *p = parse_new(&k);
	gt_err e = {{0}};

	assert_int_equal(parse_feed(p, text, strlen(text), &e), GT_OK);
	assert_int_equal(parse_finish(p, &e), GT_OK);
	group_set_finish(s, parse_get_stats(p));
	parse_free(p);
	assert_int_equal(s->ndumps, 1);
	return s;
}

/* Everything written to f so far, NUL-terminated; f stays open. */
static inline char *slurp(FILE *f)
{
	long n;
	char *b;

	fflush(f);
	n = ftell(f);
	b = gt_malloc((size_t)n + 1);
	rewind(f);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	return b;
}

#endif
