/* Unit tests for the recognised-stack path (parse_fast.c): a body taken
 * from a template gives the sink what reading its lines gives, however the
 * input is cut, and its stack tag says which goroutines share a stack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Everything the sink is handed, one line per goroutine or dump. */
typedef struct out {
	char *s;
	size_t len, cap;
	uint64_t tags[256]; /* stack_tag of the first goroutines */
	size_t ng;
} out;

static void put(out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < o->cap - o->len)
			break;
		o->cap = o->cap * 2 + (size_t)n + 64;
		o->s = realloc(o->s, o->cap);
		assert_non_null(o->s);
	}
	o->len += (size_t)n;
}

static void put_frame(out *o, const parse_frame *f)
{
	put(o, " %.*s(%.*s)@%.*s:%u", (int)f->func_len, f->func,
	    (int)f->args_len, f->args_len ? f->args : "", (int)f->file_len,
	    f->file ? f->file : "-", f->line);
}

static int o_begin(void *ud, const parse_dump *d, gt_err *e)
{
	(void)e;
	put(ud, "begin %d %llu\n", (int)d->kind, (unsigned long long)d->lineno);
	return GT_OK;
}

static int o_end(void *ud, const parse_dump *d, gt_err *e)
{
	(void)e;
	put(ud, "end %d\n", d->truncated);
	return GT_OK;
}

static int o_g(void *ud, const parse_goroutine *g, gt_err *e)
{
	out *o = ud;
	size_t i;

	(void)e;
	put(o, "g %llu %llu [%.*s] %d %x %llu line %llu {%.*s}",
	    (unsigned long long)g->id, (unsigned long long)g->count,
	    (int)g->state_len, g->state, g->minutes, g->flags,
	    (unsigned long long)g->created_in, (unsigned long long)g->lineno,
	    (int)g->labels_len, g->labels ? g->labels : "");
	for (i = 0; i < g->nframes; i++)
		put_frame(o, &g->frames[i]);
	if (g->created_by) {
		put(o, " created");
		put_frame(o, g->created_by);
	}
	put(o, "\n");
	if (o->ng < 256)
		o->tags[o->ng] = g->stack_tag;
	o->ng++;
	return GT_OK;
}

/* Parses text fed in pieces of chunk bytes (0: whole) into o. */
static parse_stats run(const char *text, size_t chunk, int fast, out *o)
{
	parse_sink sink = {o, o_begin, o_g, o_end};
	parse_ctx *p;
	gt_err e = {{0}};
	size_t len = strlen(text), at = 0;
	parse_stats st;

	memset(o, 0, sizeof *o);
	put(o, "%s", "");
	parse_set_fast(fast);
	p = parse_new(&sink);
	while (at < len) {
		size_t n = chunk && len - at > chunk ? chunk : len - at;
		/* a buffer of its own: views past it would be caught by ASan */
		char *b = malloc(n);

		assert_non_null(b);
		memcpy(b, text + at, n);
		assert_int_equal(parse_feed(p, b, n, &e), GT_OK);
		free(b);
		at += n;
	}
	assert_int_equal(parse_finish(p, &e), GT_OK);
	st = *parse_get_stats(p);
	parse_free(p);
	parse_set_fast(1);
	return st;
}

static void add(char **s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char line[1024];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	*s = realloc(*s, *len + (size_t)n + 1);
	assert_non_null(*s);
	memcpy(*s + *len, line, (size_t)n + 1);
	*len += (size_t)n;
}

/* A worker goroutine: a stack of two frames and its creator. */
static void worker(char **s, size_t *len, const char *hdr, const char *arg,
                   const char *line, const char *off, const char *parent)
{
	add(s, len, "goroutine %s:\n", hdr);
	add(s, len, "main.recv(...)\n\t/app/main.go:%s\n", line);
	add(s, len, "main.worker(%s, 0x1)\n\t/app/main.go:40 +0x%s\n", arg,
	    off);
	if (parent)
		add(s, len,
		    "created by main.main in goroutine %s\n"
		    "\t/app/main.go:20 +0x55\n",
		    parent);
}

/* Repeated stacks and every way one may differ from them. */
static char *dump_text(void)
{
	char *s = NULL, hdr[64], parent[32];
	size_t len = 0;
	int i;

	add(&s, &len,
	    "goroutine 1 [running]:\nmain.main()\n"
	    "\t/app/main.go:30 +0x1d\n\n");
	for (i = 2; i < 40; i++) {
		snprintf(hdr, sizeof hdr, "%d [chan receive%s]", i,
		         i % 5 == 0 ? ", 7 minutes" : "");
		/* parent ids of 1 to 20 digits */
		snprintf(parent, sizeof parent, "%.*s", i % 20 + 1,
		         "98765432109876543210");
		worker(&s, &len, hdr, "0xc000010000", "12", "2a", parent);
		add(&s, &len, "\n");
	}
	worker(&s, &len, "40 [chan receive]", "0xc000099000", "12", "2a", "1");
	add(&s, &len, "\n");
	worker(&s, &len, "41 [chan receive]", "0xc000010000", "12", "2b", "1");
	add(&s, &len, "\n");
	worker(&s, &len, "42 [chan receive]", "0xc000010000", "13", "2a", "1");
	add(&s, &len, "\n");
	/* 21 digits: more than a parent id has */
	worker(&s, &len, "43 [chan receive]", "0xc000010000", "12", "2a",
	       "123456789012345678901");
	add(&s, &len, "\n");
	worker(&s, &len, "44 [chan receive (leaked)] {\"k\":\"v\"}",
	       "0xc000010000", "12", "2a", "7");
	add(&s, &len, "\n");
	/* no creator, twice, then once more with a frame after a blank line
	 * (a double-spaced log goes on after it) */
	for (i = 45; i < 48; i++) {
		snprintf(hdr, sizeof hdr, "%d [select]", i);
		worker(&s, &len, hdr, "0xc000010000", "12", "2a", NULL);
		add(&s, &len, "\n");
	}
	add(&s, &len, "main.extra()\n\t/app/extra.go:5 +0x1\n\n");
	/* frames elided, twice */
	for (i = 48; i < 50; i++) {
		snprintf(hdr, sizeof hdr, "%d [select]", i);
		worker(&s, &len, hdr, "0xc000010000", "12", "2a", NULL);
		add(&s, &len,
		    "...additional frames elided...\n"
		    "created by main.main in goroutine 1\n"
		    "\t/app/main.go:20 +0x55\n\n");
	}
	/* an application's log line inside a body */
	worker(&s, &len, "50 [chan receive]", "0xc000010000", "12", "2a", NULL);
	add(&s, &len, "level=info msg=hello\n\n");
	worker(&s, &len, "51 [chan receive]", "0xc000010000", "12", "2a", "1");
	add(&s, &len, "\n");
	/* the last one cut short by the end of the input */
	worker(&s, &len, "52 [chan receive]", "0xc000010000", "12", "2a", NULL);
	add(&s, &len, "main.worker(0xc0");
	return s;
}

static void test_same_as_line_by_line(void **state)
{
	static const size_t chunks[] = {0, 1, 7, 64, 333, 4096};
	char *text = dump_text();
	out ref, got;
	parse_stats rst, st;
	size_t i;

	(void)state;
	rst = run(text, 0, 0, &ref);
	assert_int_equal(rst.recognised, 0);
	assert_true(ref.ng > 45);
	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		st = run(text, chunks[i], 1, &got);
		assert_string_equal(got.s, ref.s);
		assert_int_equal(st.lines, rst.lines);
		assert_int_equal(st.goroutines, rst.goroutines);
		assert_int_equal(st.foreign_lines, rst.foreign_lines);
		if (chunks[i] == 0) /* not vacuous: bodies were skipped */
			assert_true(st.recognised >= 30);
		free(got.s);
		st = run(text, chunks[i], 0, &got);
		assert_string_equal(got.s, ref.s);
		free(got.s);
	}
	/* the parent ids were read, not taken from the template */
	assert_non_null(strstr(ref.s, " 9876543210987654321 line "));
	assert_non_null(strstr(ref.s, " 987 line "));
	free(ref.s);
	free(text);
}

static void test_tags(void **state)
{
	char *text = dump_text();
	out o;

	(void)state;
	run(text, 0, 1, &o);
	/* goroutines 2..39 (the 2nd to the 39th seen) share the stack and
	 * its tag, the first of them included */
	assert_true(o.tags[1] != 0 && o.tags[1] != o.tags[0]);
	for (size_t i = 2; i < 39; i++)
		assert_true(o.tags[i] == o.tags[1]);
	/* the arguments of 40, the offset of 41 are not the stack, but they
	 * are bytes a template compares: their tags are other ones */
	assert_true(o.tags[39] != o.tags[1] && o.tags[40] != o.tags[1]);
	/* another line, another stack */
	assert_true(o.tags[41] != o.tags[1]);
	free(o.s);
	run(text, 0, 0, &o);
	for (size_t i = 0; i < o.ng && i < 256; i++)
		assert_true(o.tags[i] == 0);
	free(o.s);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_line_by_line),
	    cmocka_unit_test(test_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
