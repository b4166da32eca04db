/*
 * test_report.c - the output modules (text, JSON, markdown) on a report
 * model built by hand, independent of the parser and the rules.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "group.h"
#include "report.h"
#include "../../src/report_priv.h"

/* ---- building a model by hand -------------------------------------------- */

typedef struct fr {
	const char *func, *file;
	unsigned line;
} fr;

static char *dup0(const char *s)
{
	return s ? gt_strndup(s, strlen(s)) : NULL;
}

static void set_frame(group_frame *f, const fr *src)
{
	f->func = dup0(src->func);
	f->func_len = src->func ? strlen(src->func) : 0;
	f->file = dup0(src->file);
	f->file_len = src->file ? strlen(src->file) : 0;
	f->line = src->line;
}

static group *mk_group(category cat, const char *state, uint64_t count,
		       int min_m, int max_m, const fr *frames, size_t n,
		       const fr *created, unsigned reasons, const char *fp)
{
	group *g = gt_calloc(1, sizeof *g);

	g->cat = cat;
	g->state = dup0(state);
	g->state_len = state ? strlen(state) : 0;
	g->count = count;
	g->min_minutes = min_m;
	g->max_minutes = max_m;
	g->frames = gt_calloc(n, sizeof *g->frames);
	g->nframes = n;
	for (size_t i = 0; i < n; i++)
		set_frame(&g->frames[i], &frames[i]);
	if (created)
		set_frame(&g->created_by, created);
	g->reasons = reasons;
	g->verdict = reasons ? VERDICT_LEAK : VERDICT_NORMAL;
	snprintf(g->fingerprint, sizeof g->fingerprint, "%s", fp);
	return g;
}

static void add_ids(group *g, uint64_t first, size_t n)
{
	g->ids = gt_realloc(g->ids, (g->nids + n) * sizeof *g->ids);
	for (size_t i = 0; i < n; i++)
		g->ids[g->nids++] = first + i;
	g->ids_cap = g->nids;
}

static void add_diag(group *g, const rules_diag *d)
{
	g->diags = gt_realloc(g->diags, (g->ndiags + 1) * sizeof *g->diags);
	g->diags[g->ndiags++] = d;
}

static group_dump *mk_dump(parse_kind kind, const char *title, uint64_t lineno,
			   group **groups, size_t n)
{
	group_dump *d = gt_calloc(1, sizeof *d);

	d->kind = kind;
	d->title = dup0(title);
	d->lineno = lineno;
	d->groups = gt_calloc(n, sizeof *d->groups);
	d->ngroups = n;
	for (size_t i = 0; i < n; i++) {
		group *g = groups[i];

		d->groups[i] = g;
		d->total += g->count;
		d->by_cat[g->cat] += g->count;
		if (group_is_leak(g)) {
			d->nflagged++;
			d->leaked_goroutines += g->count;
		}
	}
	return d;
}

static group_set *mk_set(group_dump **dumps, size_t n)
{
	group_set *s = gt_calloc(1, sizeof *s);

	group_opts_default(&s->opts);
	s->dumps = gt_calloc(n, sizeof *s->dumps);
	s->ndumps = n;
	for (size_t i = 0; i < n; i++)
		s->dumps[i] = dumps[i];
	s->stats.dumps = n;
	return s;
}

static void free_frame(group_frame *f)
{
	free(f->func);
	free(f->file);
}

static void free_set(group_set *s)
{
	for (size_t i = 0; i < s->ndumps; i++) {
		group_dump *d = s->dumps[i];

		for (size_t j = 0; j < d->ngroups; j++) {
			group *g = d->groups[j];

			for (size_t k = 0; k < g->nframes; k++)
				free_frame(&g->frames[k]);
			free(g->frames);
			free_frame(&g->created_by);
			free(g->state);
			free(g->labels);
			free(g->ids);
			free(g->diags);
			free(g->why);
			free(g);
		}
		free(d->groups);
		free(d->title);
		free(d);
	}
	free(s->dumps);
	free(s);
}

/* ---- the model most tests use -------------------------------------------- */

static const rules_diag diag_recv = {
	.name = "chan-recv-no-sender",
	.cause = "a channel receive with no sender: the producer returned "
		 "early (an error path or a cancelled context) and nothing "
		 "closes the channel, so every worker waits on it forever",
	.fix = "close the channel when the producer is done | select on "
	       "`ctx.Done()` in *every* worker",
	.leak_at = 50,
	.file = "patterns/20-chan.rules",
	.line = 12,
};

#define WEIRD_FUNC "example.com/shop/pipe.weird|name`tick"
#define BAD_FUNC "example.com/shop/bad\xff" "name"
#define TITLE "panic: runtime error: index out of range [5] with length 3"

/*
 * Last dump, in model order:
 *   [1] 1000 chan-receive, flagged (count, minutes, diagnosis)
 *   [2]    3 io-wait, standard library frames only
 *   [3]    5 nil-chan, flagged, '|' and '`' in a function name
 *   [4]  100 select, net/http only
 *   [5]    2 runtime, runtime frames only
 *   [6]    1 sleep, invalid UTF-8 in its function and file
 * With ndumps 2 an earlier debug=2 dump of one group comes first.
 */
/* The evidence line of the big group: clauses the text output wraps
 * between, never inside. */
#define SHOP_WHY                                                             \
	"1000 parents, 1000 of 1000 gone; each on its own chan; ids across "  \
	"97% of the range; 20 different ages (12-31 min); 1000 goroutines; "  \
	"fanout-stuck (1000 >= 20)"

static group_set *shop_set(size_t ndumps)
{
	static const fr fetch[] = {
		{"runtime.gopark", "/usr/local/go/src/runtime/proc.go", 398},
		{"runtime.chanrecv1", "/usr/local/go/src/runtime/chan.go", 442},
		{"example.com/shop/internal/fanout.(*Fetcher).worker",
		 "/src/shop/internal/fanout/fetch.go", 88},
		{"example.com/shop/internal/fanout.Run.func2",
		 "/src/shop/internal/fanout/fetch.go", 51},
	};
	static const fr fetch_cb = {"example.com/shop/internal/fanout.Run",
				    "/src/shop/internal/fanout/fetch.go", 47};
	static const fr io[] = {
		{"internal/poll.runtime_pollWait",
		 "/usr/local/go/src/runtime/netpoll.go", 343},
		{"internal/poll.(*FD).Read",
		 "/usr/local/go/src/internal/poll/fd_unix.go", 164},
		{"net.(*conn).Read", "/usr/local/go/src/net/net.go", 179},
	};
	static const fr weird[] = {
		{"runtime.gopark", "/usr/local/go/src/runtime/proc.go", 398},
		{WEIRD_FUNC, "/src/shop/pipe/p.go", 7},
		{"example.com/shop/pipe.nofile", NULL, 0},
	};
	static const fr sel[] = {
		{"runtime.gopark", "/usr/local/go/src/runtime/proc.go", 398},
		{"runtime.selectgo", "/usr/local/go/src/runtime/select.go", 327},
		{"net/http.(*persistConn).writeLoop",
		 "/usr/local/go/src/net/http/transport.go", 2421},
	};
	static const fr gc[] = {
		{"runtime.gopark", "/usr/local/go/src/runtime/proc.go", 398},
		{"runtime.gcBgMarkWorker", "/usr/local/go/src/runtime/mgc.go",
		 1293},
		{"runtime.gcBgMarkStartWorkers.gowrap1",
		 "/usr/local/go/src/runtime/mgc.go", 1695},
		{"runtime.goexit", "/usr/local/go/src/runtime/asm_amd64.s", 1700},
	};
	static const fr bad[] = {
		{BAD_FUNC, "/src/\xc3\x28.go", 9},
	};
	static const fr early[] = {
		{"main.main", "/src/shop/main.go", 20},
	};
	group *g[6];
	group_dump *d[2];
	size_t nd = 0;

	g[0] = mk_group(CAT_CHAN_RECEIVE, "chan receive", 1000, 12, 31, fetch,
			4, &fetch_cb, GROUP_R_EVIDENCE, "3f2a9c1e0b7d4a55");
	g[0]->why = dup0(SHOP_WHY);
	add_ids(g[0], 1, 1000);
	add_diag(g[0], &diag_recv);
	g[1] = mk_group(CAT_IO_WAIT, "IO wait", 3, -1, -1, io, 3, NULL, 0,
			"00000000000000a2");
	add_ids(g[1], 1001, 3);
	g[2] = mk_group(CAT_NIL_CHAN, "chan receive (nil chan)", 5, -1, -1,
			weird, 3, NULL, GROUP_R_NIL_CHAN, "bbbbbbbbbbbbbbbb");
	g[2]->why = dup0("blocked on a nil channel: can never proceed");
	add_ids(g[2], 2001, 5);
	g[2]->labels = dup0("{\"handler\": \"up|load\"}");
	g[2]->labels_len = strlen(g[2]->labels);
	g[2]->nlocked = 2;
	g[3] = mk_group(CAT_SELECT, "select", 100, -1, -1, sel, 3, NULL, 0,
			"cccccccccccccccc");
	g[4] = mk_group(CAT_RUNTIME, "GC worker (idle)", 2, -1, -1, gc, 4, NULL,
			0, "dddddddddddddddd");
	g[5] = mk_group(CAT_SLEEP, "sleep", 1, -1, -1, bad, 1, NULL, 0,
			"eeeeeeeeeeeeeeee");

	if (ndumps == 2) {
		group *e = mk_group(CAT_SLEEP, "sleep", 10, -1, -1, early, 1,
				    NULL, 0, "ffffffffffffffff");

		d[nd++] = mk_dump(PARSE_KIND_TRACEBACK, NULL, 1, &e, 1);
	}
	d[nd++] = mk_dump(PARSE_KIND_PANIC, TITLE, 42, g, 6);
	return mk_set(d, nd);
}

/* ---- rendering ----------------------------------------------------------- */

static char *render_src(const group_set *s, report_format f, int verbose,
			int color, size_t top, const char *source)
{
	report_opts o = {f, source, top, verbose, color};
	gt_err e = {{0}};
	FILE *fp = tmpfile();
	long n;
	char *buf;

	assert_non_null(fp);
	assert_int_equal(report_write(fp, s, &o, &e), GT_OK);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	buf = gt_malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static char *render(const group_set *s, report_format f, int verbose,
		    int color, size_t top)
{
	return render_src(s, f, verbose, color, top, "test.log");
}

/* Position of needle in hay; fails the test when absent. */
static size_t pos(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	if (p == NULL) {
		fprintf(stderr, "---\n%s---\n", hay);
		fail_msg("missing from the output above: \"%s\"", needle);
	}
	return (size_t)(p - hay);
}

static void absent(const char *hay, const char *needle)
{
	if (strstr(hay, needle)) {
		fprintf(stderr, "---\n%s---\n", hay);
		fail_msg("unexpected in the output above: \"%s\"", needle);
	}
}

/* t with wrapped continuation lines ("\n" and 11 spaces) joined back. */
static char *unwrap(const char *t)
{
	static const char cont[] = "\n           ";
	char *o = gt_malloc(strlen(t) + 1), *q = o;

	while (*t) {
		if (strncmp(t, cont, sizeof cont - 1) == 0) {
			*q++ = ' ';
			t += sizeof cont - 1;
		} else {
			*q++ = *t++;
		}
	}
	*q = '\0';
	return o;
}

static const char *reason(const group_set *s, size_t gi, unsigned bit,
			  char *buf, size_t len)
{
	const group_dump *d = s->dumps[s->ndumps - 1];

	return group_reason_text(d->groups[gi], bit, d, &s->opts, buf, len);
}

/* ---- JSON helpers ------------------------------------------------------- */

static json_t *load(const char *txt)
{
	json_error_t err;
	json_t *j = json_loads(txt, 0, &err);

	if (j == NULL)
		fail_msg("invalid JSON at line %d: %s\n---\n%s---", err.line,
			 err.text, txt);
	return j;
}

static void assert_keys(json_t *o, const char *const *keys, size_t n)
{
	size_t i = 0;
	const char *k;
	json_t *v;

	assert_true(json_is_object(o));
	json_object_foreach(o, k, v) {
		(void)v;
		if (i >= n)
			fail_msg("extra key \"%s\"", k);
		if (strcmp(k, keys[i]) != 0)
			fail_msg("key %zu is \"%s\", expected \"%s\"", i, k,
				 keys[i]);
		i++;
	}
	assert_int_equal(i, n);
}

static const char *str_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

static json_int_t int_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

/* ---- tests: dispatch ------------------------------------------------------ */

static void test_format_parse(void **state)
{
	report_format f = REPORT_TEXT;

	(void)state;
	assert_int_equal(report_format_parse("json", &f), 0);
	assert_int_equal(f, REPORT_JSON);
	assert_int_equal(report_format_parse("md", &f), 0);
	assert_int_equal(f, REPORT_MARKDOWN);
	assert_int_equal(report_format_parse("markdown", &f), 0);
	assert_int_equal(f, REPORT_MARKDOWN);
	assert_int_equal(report_format_parse("text", &f), 0);
	assert_int_equal(f, REPORT_TEXT);
	f = REPORT_JSON;
	assert_int_equal(report_format_parse("xml", &f), -1);
	assert_int_equal(f, REPORT_JSON); /* untouched on failure */
	assert_int_equal(report_format_parse("JSON", &f), -1);
}

/* ---- tests: text ---------------------------------------------------------- */

static void test_text_layout(void **state)
{
	group_set *s = shop_set(1);
	char *t = render(s, REPORT_TEXT, 0, 0, 0);
	char why[600], r1[256];
	size_t p_g1, p_g3, p_g4, p_g2, p_g5, p_g6;

	(void)state;
	/* header and title, exactly */
	assert_int_equal(pos(t, "gtriage: test.log: 1 dump (panic), 1111 "
			     "goroutines, 6 groups, 2 flagged as probable "
			     "leaks (1005 goroutines)\n  " TITLE "\n"), 0);
	absent(t, "\033");

	/* categories: only non-zero ones, largest first, with a share */
	assert_true(pos(t, "  chan-receive  1000   90.0%\n") <
		    pos(t, "  select         100    9.0%\n"));
	absent(t, "chan-send");
	absent(t, "mutex");

	/* flagged groups in model order, then the others by count */
	p_g1 = pos(t, "[1] 1000 goroutines  chan-receive  \"chan receive\", "
		   "12-31 minutes   fp 3f2a9c1e0b7d4a55\n");
	p_g3 = pos(t, "[3] 5 goroutines  nil-chan  \"chan receive (nil "
		   "chan)\", 2 locked to thread   fp bbbbbbbbbbbbbbbb\n");
	p_g4 = pos(t, "[4] 100  select   net/http.(*persistConn).writeLoop  "
		   "http/transport.go:2421   fp cccccccccccccccc\n");
	p_g2 = pos(t, "[2]   3  io-wait  net.(*conn).Read  net/net.go:179   "
		   "fp 00000000000000a2\n");
	/* the runtime's goroutines by their entry function, not gopark */
	p_g5 = pos(t, "[5]   2  runtime  runtime.gcBgMarkWorker  "
		   "runtime/mgc.go:1293   fp dddddddddddddddd\n");
	p_g6 = pos(t, "[6]   1  sleep    example.com/shop/bad");
	assert_true(p_g1 < p_g3);
	assert_true(p_g3 < pos(t, "other groups:\n"));
	assert_true(pos(t, "other groups:\n") < p_g4);
	assert_true(p_g4 < p_g2);
	assert_true(p_g2 < p_g5);
	assert_true(p_g5 < p_g6);

	/* why: the verdict and its evidence line */
	snprintf(why, sizeof why, "    why:   leak: %s\n",
		 reason(s, 0, GROUP_R_EVIDENCE, r1, sizeof r1));
	/* wrapped between clauses, never inside one */
	pos(t, "1000 parents, 1000 of 1000 gone;");
	pos(t, "20 different ages (12-31 min);");
	pos(t, "fanout-stuck (1000 >= 20)\n");
	{
		/* joined again where the text output wrapped it */
		char *flat = unwrap(t);

		pos(flat, why);
		free(flat);
	}
	pos(t, reason(s, 2, GROUP_R_NIL_CHAN, r1, sizeof r1));

	/* key user frames only, locations aligned and shortened */
	pos(t, "    at:    example.com/shop/internal/fanout.(*Fetcher).worker  "
	       "fanout/fetch.go:88\n"
	       "           example.com/shop/internal/fanout.Run.func2          "
	       "fanout/fetch.go:51\n"
	       "    created by example.com/shop/internal/fanout.Run  "
	       "fanout/fetch.go:47\n");
	pos(t, "    at:    " WEIRD_FUNC "  pipe/p.go:7\n"
	       "           example.com/shop/pipe.nofile\n");
	absent(t, "runtime.chanrecv1");
	absent(t, "runtime.selectgo");
	absent(t, "/src/shop/internal/fanout/fetch.go");

	/* cause and fix, wrapped under their first word */
	pos(t, "    cause: a channel receive with no sender: the producer");
	pos(t, "\n           ");
	pos(t, "    fix:   close the channel when the producer is done | "
	       "select on `ctx.Done()` in *every* worker\n");
	for (const char *l = t; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (strncmp(l, "    ", 4) == 0 && len > 100)
			fail_msg("detail line over 100 columns: %.*s", (int)len,
				 l);
		l += len + (nl != NULL);
	}

	/* verbose-only detail stays out */
	absent(t, "ids:");
	absent(t, "rule:");
	absent(t, "label:");
	absent(t, "dump 1/1");

	/* verdict last */
	assert_string_equal(t + strlen(t) -
				    strlen("\nprobable leak: 2 groups, 1005 "
					   "goroutines (90.5%)\n"),
			    "\nprobable leak: 2 groups, 1005 goroutines (90.5%)\n");
	free(t);
	free_set(s);
}

static void test_text_verbose(void **state)
{
	group_set *s = shop_set(1);
	char *t = render(s, REPORT_TEXT, 1, 0, 0);

	(void)state;
	pos(t, "  dump 1/1: panic at line 42, 1111 goroutines, 6 groups, "
	       "2 flagged\n");
	/* every frame, full paths */
	pos(t, "    at:    runtime.gopark");
	pos(t, "           runtime.chanrecv1");
	pos(t, "/src/shop/internal/fanout/fetch.go:88\n");
	pos(t, "runtime.selectgo");
	/* ids: the first 20 and a count of the rest */
	pos(t, "    ids:   1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, "
	       "16, 17, 18, 19, 20; and 980 more\n");
	pos(t, "    ids:   2001, 2002, 2003, 2004, 2005\n");
	pos(t, "    label: {\"handler\": \"up|load\"}\n");
	pos(t, "    rule:  chan-recv-no-sender (patterns/20-chan.rules:12)\n");
	/* all groups in full: unflagged ones get a block, not a line */
	pos(t, "[4] 100 goroutines  select  \"select\"   fp cccccccccccccccc\n");
	absent(t, "not shown");
	free(t);
	free_set(s);
}

static void test_text_color(void **state)
{
	group_set *s = shop_set(1);
	char *t = render(s, REPORT_TEXT, 0, 1, 0);

	(void)state;
	pos(t, "\033[1m1111\033[0m goroutines");
	pos(t, "\033[1m\033[31m2 flagged\033[0m as probable leaks");
	pos(t, "\033[31m[1]\033[0m \033[1m1000\033[0m goroutines");
	pos(t, "\033[2mfanout/fetch.go:88\033[0m");
	free(t);
	free_set(s);
}

static void test_text_control_bytes(void **state)
{
	group_set *s = shop_set(1);
	char *t;

	(void)state;
	free(s->dumps[0]->title);
	s->dumps[0]->title = dup0("panic: boom\033[2J\r");
	t = render_src(s, REPORT_TEXT, 1, 0, 0, "te\033]0;x\ast.log");
	absent(t, "\033");
	absent(t, "\r");
	absent(t, "\a");
	pos(t, "gtriage: te?]0;x?st.log: ");
	pos(t, "  panic: boom?[2J?\n");
	free(t);
	free_set(s);
}

static void test_text_top(void **state)
{
	group_set *s = shop_set(1);
	char *t = render(s, REPORT_TEXT, 0, 0, 1);

	(void)state;
	pos(t, "[1] 1000 goroutines");
	absent(t, "[3]");
	absent(t, "[4]");
	pos(t, "... 1 more flagged group not shown (-n 0 shows all)\n");
	pos(t, "... 4 other groups not shown (-n 0 -v shows all)\n");
	/* the verdict still counts every flagged group */
	pos(t, "probable leak: 2 groups, 1005 goroutines");
	free(t);

	t = render(s, REPORT_TEXT, 0, 0, 3);
	pos(t, "[1] 1000 goroutines");
	pos(t, "[3] 5 goroutines");
	pos(t, "other groups (1 largest of 4):\n[4] 100  select");
	absent(t, "[2]");
	absent(t, "flagged group not shown");
	pos(t, "... 3 other groups not shown");
	free(t);
	free_set(s);
}

static void test_text_default_limits_others(void **state)
{
	static const fr f[] = {{"main.work", "/src/app/main.go", 10}};
	group *g[13];
	group_dump *d;
	group_set *s;
	char *t, fp[17];

	(void)state;
	g[0] = mk_group(CAT_CHAN_SEND, "chan send", 500, -1, -1, f, 1, NULL,
			GROUP_R_COUNT, "aaaaaaaaaaaaaaaa");
	for (int i = 1; i < 13; i++) {
		snprintf(fp, sizeof fp, "%016x", i);
		g[i] = mk_group(CAT_SLEEP, "sleep", (uint64_t)i, -1, -1, f, 1,
				NULL, 0, fp);
	}
	d = mk_dump(PARSE_KIND_TRACEBACK, NULL, 1, g, 13);
	s = mk_set(&d, 1);
	t = render(s, REPORT_TEXT, 0, 0, 0);
	pos(t, "gtriage: test.log: 1 dump (debug=2), 578 goroutines, 13 groups, "
	       "1 flagged as a probable leak (500 goroutines)\n");
	pos(t, "other groups (10 largest of 12):\n[13] 12  sleep");
	pos(t, "\n[4]   3  sleep");
	absent(t, "[3] ");
	absent(t, "[2] ");
	pos(t, "... 2 other groups not shown (-v shows all)\n");
	pos(t, "probable leak: 1 group, 500 goroutines (86.5%)\n");
	free(t);
	free_set(s);
}

static void test_text_multi_dump(void **state)
{
	group_set *s = shop_set(2);
	group_dump *last = s->dumps[1];
	char *t;

	(void)state;
	s->dumps[0]->time = 1732096800.0;   /* 2024-11-20T10:00:00Z */
	last->time = 1732097400.25;
	last->truncated = 1;
	last->groups[0]->ntruncated = 1;
	s->stats.race_reports = 2;
	t = render(s, REPORT_TEXT, 0, 0, 0);
	assert_int_equal(pos(t, "gtriage: test.log: 2 dumps, the last (panic, "
			     "line 42): 1111 goroutines, 6 groups, 2 flagged"),
			 0);
	pos(t, "warning: the dump is truncated: the input ends inside it (1 "
	       "goroutine cut short)\n");
	pos(t, "note: the input holds 2 data race reports");
	pos(t, "    note:  1 goroutine cut short by the end of the input\n");
	absent(t, "dump 1/2");
	free(t);

	t = render(s, REPORT_TEXT, 1, 0, 0);
	assert_true(pos(t, "  dump 1/2: debug=2 at line 1, 10 goroutines, "
			"1 group, 0 flagged, logged 2024-11-20T10:00:00Z\n") <
		    pos(t, "  dump 2/2: panic at line 42, 1111 goroutines, "
			   "6 groups, 2 flagged, logged 2024-11-20T10:10:00.250Z, "
			   "truncated\n"));
	free(t);

	{
		json_t *j, *snaps;

		t = render(s, REPORT_JSON, 0, 0, 0);
		j = load(t);
		snaps = json_object_get(j, "snapshots");
		assert_string_equal(str_at(json_array_get(snaps, 0), "time"),
				    "2024-11-20T10:00:00Z");
		assert_string_equal(str_at(json_array_get(snaps, 1), "time"),
				    "2024-11-20T10:10:00.250Z");
		assert_true(json_is_true(json_object_get(j, "truncated")));
		assert_int_equal(int_at(j, "race_reports"), 2);
		json_decref(j);
		free(t);
	}
	free_set(s);
}

static void test_text_nothing(void **state)
{
	static const fr f[] = {{"main.main", "/src/app/main.go", 10}};
	group *g = mk_group(CAT_SLEEP, "sleep", 1, -1, -1, f, 1, NULL, 0,
			    "1111111111111111");
	group_dump *d = mk_dump(PARSE_KIND_TRACEBACK, NULL, 1, &g, 1);
	group_set *s = mk_set(&d, 1), *empty = mk_set(NULL, 0);
	char *t;

	(void)state;
	t = render(s, REPORT_TEXT, 0, 0, 0);
	pos(t, "1 goroutine, 1 group, none flagged\n");
	absent(t, "probable leaks:");
	assert_string_equal(t + strlen(t) - strlen("\nno probable leak found\n"),
			    "\nno probable leak found\n");
	free(t);

	t = render(empty, REPORT_TEXT, 0, 0, 0);
	assert_string_equal(t, "gtriage: test.log: no goroutine dump found\n"
			       "\nno probable leak found\n");
	free(t);
	free_set(s);
	free_set(empty);
}

/* ---- tests: JSON ---------------------------------------------------------- */

static void test_json_document(void **state)
{
	static const char *const top[] = {
		"schema",     "tool",           "source",
		"goroutines", "dumps",          "kind",
		"title",      "crash",          "truncated",      "race_reports",
		"foreign_lines",
		"flagged_groups", "flagged_goroutines", "by_category",
		"thresholds", "groups",         "findings",
		"snapshots",
	};
	static const char *const gkeys[] = {
		"fingerprint", "count",  "state",     "category",
		"min_minutes", "max_minutes", "locked_to_thread",
		"leaked_marked", "truncated", "frames", "created_by",
		"ids",         "labels", "leak",      "verdict",
		"evidence",    "finding", "facts",    "reasons",
		"diagnoses",   "healthy",
	};
	static const char *const order[] = {
		"3f2a9c1e0b7d4a55", "00000000000000a2", "bbbbbbbbbbbbbbbb",
		"cccccccccccccccc", "dddddddddddddddd", "eeeeeeeeeeeeeeee",
	};
	group_set *s = shop_set(2);
	char *t = render(s, REPORT_JSON, 0, 0, 0);
	json_t *j = load(t), *groups, *g, *fr0, *a, *bc, *th, *snaps;
	char rbuf[256];

	(void)state;
	assert_keys(j, top, sizeof top / sizeof top[0]);
	assert_int_equal(int_at(j, "schema"), REPORT_JSON_SCHEMA);
	assert_string_equal(str_at(j, "tool"), "gtriage");
	assert_string_equal(str_at(j, "source"), "test.log");
	assert_int_equal(int_at(j, "goroutines"), 1111);
	assert_int_equal(int_at(j, "dumps"), 2);
	assert_string_equal(str_at(j, "kind"), "panic");
	assert_string_equal(str_at(j, "title"), TITLE);
	/* a dump built without the crash text has no crash to report */
	assert_true(json_is_null(json_object_get(j, "crash")));
	assert_true(json_is_false(json_object_get(j, "truncated")));
	assert_int_equal(int_at(j, "race_reports"), 0);
	assert_int_equal(int_at(j, "flagged_groups"), 2);
	assert_int_equal(int_at(j, "flagged_goroutines"), 1005);

	bc = json_object_get(j, "by_category");
	assert_int_equal(json_object_size(bc), CAT__COUNT);
	for (int c = 0; c < CAT__COUNT; c++)
		assert_int_equal(int_at(bc, category_name((category)c)),
				 s->dumps[1]->by_cat[c]);

	th = json_object_get(j, "thresholds");
	assert_int_equal(int_at(th, "min_count"), s->opts.min_count);
	assert_true(json_is_real(json_object_get(th, "min_share")));
	assert_true(json_real_value(json_object_get(th, "min_share")) ==
		    s->opts.min_share);
	assert_int_equal(int_at(th, "share_floor"), s->opts.share_floor);
	assert_int_equal(int_at(th, "min_minutes"), s->opts.min_minutes);
	assert_int_equal(int_at(th, "pool_max"), s->opts.pool_max);
	assert_string_equal(str_at(th, "group_by"),
			    s->opts.by == GROUP_BY_FUNC ? "func" : "line");

	/* every group of the last dump, in the model's order */
	groups = json_object_get(j, "groups");
	assert_int_equal(json_array_size(groups), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(str_at(json_array_get(groups, i),
					   "fingerprint"), order[i]);

	g = json_array_get(groups, 0);
	assert_keys(g, gkeys, sizeof gkeys / sizeof gkeys[0]);
	assert_int_equal(int_at(g, "count"), 1000);
	assert_string_equal(str_at(g, "state"), "chan receive");
	assert_string_equal(str_at(g, "category"), "chan-receive");
	assert_int_equal(int_at(g, "min_minutes"), 12);
	assert_int_equal(int_at(g, "max_minutes"), 31);
	assert_true(json_is_true(json_object_get(g, "leak")));
	assert_true(json_is_false(json_object_get(g, "healthy")));
	assert_true(json_is_null(json_object_get(g, "labels")));
	/* all frames, runtime ones included, innermost first */
	a = json_object_get(g, "frames");
	assert_int_equal(json_array_size(a), 4);
	fr0 = json_array_get(a, 0);
	assert_string_equal(str_at(fr0, "func"), "runtime.gopark");
	assert_string_equal(str_at(fr0, "file"),
			    "/usr/local/go/src/runtime/proc.go");
	assert_int_equal(int_at(fr0, "line"), 398);
	assert_string_equal(str_at(json_array_get(a, 1), "func"),
			    "runtime.chanrecv1");
	assert_string_equal(str_at(json_object_get(g, "created_by"), "func"),
			    "example.com/shop/internal/fanout.Run");
	a = json_object_get(g, "ids");
	assert_int_equal(json_array_size(a), 1000);
	assert_int_equal(json_integer_value(json_array_get(a, 999)), 1000);
	assert_string_equal(str_at(g, "verdict"), "leak");
	assert_string_equal(str_at(g, "evidence"), SHOP_WHY);
	a = json_object_get(g, "reasons");
	assert_int_equal(json_array_size(a), 1);
	assert_string_equal(str_at(json_array_get(a, 0), "code"), "evidence");
	assert_string_equal(str_at(json_array_get(a, 0), "text"),
			    reason(s, 0, GROUP_R_EVIDENCE, rbuf, sizeof rbuf));
	a = json_object_get(g, "diagnoses");
	assert_int_equal(json_array_size(a), 1);
	assert_string_equal(str_at(json_array_get(a, 0), "name"),
			    "chan-recv-no-sender");
	assert_string_equal(str_at(json_array_get(a, 0), "fix"), diag_recv.fix);
	assert_int_equal(int_at(json_array_get(a, 0), "leak_at"), 50);

	/* nulls: minutes not printed, missing file and line, no creator */
	g = json_array_get(groups, 2);
	assert_true(json_is_null(json_object_get(g, "min_minutes")));
	assert_true(json_is_null(json_object_get(g, "max_minutes")));
	assert_true(json_is_null(json_object_get(g, "created_by")));
	assert_int_equal(int_at(g, "locked_to_thread"), 2);
	assert_string_equal(str_at(g, "labels"), "{\"handler\": \"up|load\"}");
	assert_string_equal(str_at(json_array_get(json_object_get(g, "frames"),
						  1), "func"), WEIRD_FUNC);
	fr0 = json_array_get(json_object_get(g, "frames"), 2);
	assert_true(json_is_null(json_object_get(fr0, "file")));
	assert_true(json_is_null(json_object_get(fr0, "line")));
	assert_string_equal(str_at(json_array_get(json_object_get(g, "reasons"),
						  0), "code"), "nil-chan");
	assert_true(json_is_false(json_object_get(json_array_get(groups, 3),
						  "leak")));
	assert_string_equal(str_at(json_array_get(groups, 3), "verdict"),
			    "normal");
	assert_int_equal(json_array_size(json_object_get(
				 json_array_get(groups, 3), "reasons")), 0);

	/* the object the diff and trend documents embed is the same */
	for (size_t i = 0; i < 6; i++) {
		json_t *one = report_json_group(s->dumps[1]->groups[i],
						s->dumps[1], &s->opts);

		assert_non_null(one);
		if (!json_equal(one, json_array_get(groups, i)))
			fail_msg("report_json_group() differs for group %zu", i);
		json_decref(one);
	}

	/* one snapshot per dump */
	snaps = json_object_get(j, "snapshots");
	assert_int_equal(json_array_size(snaps), 2);
	assert_int_equal(int_at(json_array_get(snaps, 0), "index"), 1);
	assert_string_equal(str_at(json_array_get(snaps, 0), "kind"), "debug=2");
	assert_true(json_is_null(json_object_get(json_array_get(snaps, 0),
						 "title")));
	assert_int_equal(int_at(json_array_get(snaps, 0), "goroutines"), 10);
	assert_int_equal(int_at(json_array_get(snaps, 1), "lineno"), 42);
	assert_true(json_is_null(json_object_get(json_array_get(snaps, 1),
						 "time")));
	assert_int_equal(int_at(json_array_get(snaps, 1), "flagged_groups"), 2);
	assert_int_equal(int_at(json_object_get(json_array_get(snaps, 1),
						"by_category"), "select"), 100);

	json_decref(j);
	free(t);
	free_set(s);
}

static void test_json_bad_utf8(void **state)
{
	group_set *s = shop_set(1);
	char *t;
	json_t *j, *f;

	(void)state;
	free(s->dumps[0]->title);
	s->dumps[0]->title = dup0("panic: \xed\xa0\x80 surrogate \xc0\xaf");
	t = render_src(s, REPORT_JSON, 0, 0, 0, "log\xfe.txt");
	j = load(t);
	f = json_array_get(json_object_get(json_array_get(
				   json_object_get(j, "groups"), 5), "frames"), 0);
	assert_string_equal(str_at(f, "func"), "example.com/shop/bad?name");
	assert_string_equal(str_at(f, "file"), "/src/?(.go");
	assert_string_equal(str_at(j, "title"), "panic: ??? surrogate ??");
	assert_string_equal(str_at(j, "source"), "log?.txt");
	json_decref(j);
	free(t);
	free_set(s);
}

/* Written member by member and group by group, the document must still be
 * exactly what jansson prints for the whole thing. */
static void test_json_stream_is_exact(void **state)
{
	group_set *s = shop_set(2), *empty = mk_set(NULL, 0);
	group_set *sets[] = {s, empty};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *t = render(sets[i], REPORT_JSON, 0, 0, 0);
		json_t *j = load(t);
		char *again = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						    JSON_REAL_PRECISION(15));

		assert_non_null(again);
		assert_int_equal(strlen(t), strlen(again) + 1);
		assert_memory_equal(t, again, strlen(again));
		assert_int_equal(t[strlen(t) - 1], '\n');
		if (i == 1) {
			assert_int_equal(int_at(j, "dumps"), 0);
			assert_true(json_is_null(json_object_get(j, "kind")));
			assert_int_equal(json_array_size(
						 json_object_get(j, "groups")), 0);
			assert_int_equal(json_array_size(
						 json_object_get(j, "snapshots")), 0);
		}
		free(again);
		json_decref(j);
		free(t);
	}
	free_set(s);
	free_set(empty);
}

/* ---- tests: markdown ------------------------------------------------------ */

/* The line of t starting with prefix (up to its newline), copied. */
static char *line_with(const char *t, const char *prefix)
{
	const char *p = t + pos(t, prefix), *nl = strchr(p, '\n');

	return gt_strndup(p, nl ? (size_t)(nl - p) : strlen(p));
}

static size_t cell_bars(const char *row)
{
	size_t n = 0;

	for (const char *p = row; *p; p++)
		if (*p == '|' && (p == row || p[-1] != '\\'))
			n++;
	return n;
}

static void test_markdown(void **state)
{
	group_set *s = shop_set(1);
	char *t = render(s, REPORT_MARKDOWN, 0, 0, 0), *row;

	(void)state;
	assert_int_equal(pos(t, "## Goroutine triage: test.log\n\n"), 0);
	pos(t, "holds **1111 goroutines** in 6 distinct stacks. **2 groups are "
	       "flagged as probable leaks**, holding 1005 goroutines (90.5%).");
	pos(t, "The process reported: `" TITLE "`\n");

	pos(t, "| category | goroutines | share |\n|---|---:|---:|\n"
	       "| chan-receive | 1000 | 90.0% |\n| select | 100 | 9.0% |\n");
	absent(t, "| mutex |");

	pos(t, "| # | goroutines | category | state | minutes | top frame | "
	       "evidence | fingerprint |\n");
	row = line_with(t, "| 1 | 1000 |");
	assert_string_equal(row, "| 1 | 1000 | chan-receive | `chan receive` | "
				 "12-31 | `example.com/shop/internal/fanout."
				 "(*Fetcher).worker` fanout/fetch.go:88 | "
				 "1000 parents, 1000 of 1000 gone; each on its "
				 "own chan; ids across 97% of the range; 20 "
				 "different ages (12-31 min); 1000 goroutines; "
				 "fanout-stuck (1000 >= 20) | `3f2a9c1e0b7d4a55` |");
	free(row);
	/* '|' escaped in the cell, a double-backtick span around the '`' */
	row = line_with(t, "| 3 | 5 |");
	assert_string_equal(row, "| 3 | 5 | nil-chan | `chan receive (nil "
				 "chan)` |  | ``example.com/shop/pipe.weird\\|"
				 "name`tick`` pipe/p.go:7 | blocked on a nil channel: "
				 "can never proceed | `bbbbbbbbbbbbbbbb` |");
	assert_int_equal(cell_bars(row), 9);
	free(row);
	row = line_with(t, "| 4 | 100 |");
	assert_int_equal(cell_bars(row), 9);
	assert_non_null(strstr(row, "| normal |"));
	free(row);

	/* one section per flagged group, none for the others */
	assert_true(pos(t, "\n### 1. 1000 goroutines in chan-receive: "
			"`example.com/shop/internal/fanout.(*Fetcher).worker`\n") <
		    pos(t, "\n### 3. 5 goroutines in nil-chan: "
			   "``example.com/shop/pipe.weird|name`tick``\n"));
	absent(t, "### 4.");
	pos(t, "- **cause (chan-recv-no-sender):** a channel receive");
	pos(t, "- **fix:** close the channel when the producer is done \\| "
	       "select on \\`ctx.Done()\\` in \\*every\\* worker\n");
	pos(t, "- **fingerprint:** `3f2a9c1e0b7d4a55`\n");

	/* the trimmed stack, raw inside its fence */
	pos(t, "```\n1000 goroutines [chan receive, 12-31 minutes]:\n"
	       "... 2 runtime/library frames\n"
	       "example.com/shop/internal/fanout.(*Fetcher).worker\n"
	       "\t/src/shop/internal/fanout/fetch.go:88\n"
	       "example.com/shop/internal/fanout.Run.func2\n"
	       "\t/src/shop/internal/fanout/fetch.go:51\n"
	       "created by example.com/shop/internal/fanout.Run\n"
	       "\t/src/shop/internal/fanout/fetch.go:47\n```\n");
	pos(t, "```\n5 goroutines [chan receive (nil chan)]:\n"
	       "... 1 runtime/library frame\n" WEIRD_FUNC "\n"
	       "\t/src/shop/pipe/p.go:7\nexample.com/shop/pipe.nofile\n```\n");
	absent(t, "runtime.chanrecv1");
	free(t);

	/* verbose: every frame in the block, sections for the others too */
	t = render(s, REPORT_MARKDOWN, 1, 0, 0);
	pos(t, "```\n1000 goroutines [chan receive, 12-31 minutes]:\n"
	       "runtime.gopark\n");
	pos(t, "\n### 4. 100 goroutines in select: "
	       "`net/http.(*persistConn).writeLoop`\n");
	pos(t, "- **labels:** `{\"handler\": \"up|load\"}`\n");
	free(t);
	free_set(s);
}

static void test_markdown_fence_and_text(void **state)
{
	static const fr f[] = {{"main.tick```s", "/src/a|b/x.go", 3}};
	group *g = mk_group(CAT_CHAN_SEND, "chan send", 200, -1, -1, f, 1, NULL,
			    GROUP_R_COUNT, "9999999999999999");
	group_dump *d = mk_dump(PARSE_KIND_TRACEBACK, NULL, 1, &g, 1);
	group_set *s = mk_set(&d, 1);
	char *t = render_src(s, REPORT_MARKDOWN, 0, 0, 0, "a_b*c|d.log");

	(void)state;
	pos(t, "## Goroutine triage: a\\_b\\*c\\|d.log\n");
	/* a file path in a cell is text: '|' escaped there as well */
	pos(t, "| 1 | 200 | chan-send | `chan send` |  | ````main.tick```s```` "
	       "a\\|b/x.go:3 |  | `9999999999999999` |\n");
	/* the block fence outgrows the run of three backticks */
	pos(t, "````\n200 goroutines [chan send]:\nmain.tick```s\n"
	       "\t/src/a|b/x.go:3\n````\n");
	free(t);
	free_set(s);
}

/* ---- tests: write errors -------------------------------------------------- */

static void test_write_error_full(void **state)
{
	group_set *s = shop_set(1);

	(void)state;
	static const report_format formats[] = {REPORT_TEXT, REPORT_JSON,
						REPORT_MARKDOWN};

	for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
		report_opts o = {formats[f], "test.log", 0, 1, 0};
		gt_err e = {{0}};
		FILE *fp = fopen("/dev/full", "w");

		if (fp == NULL)
			skip();
		assert_int_equal(report_write(fp, s, &o, &e), GT_ERR);
		pos(e.msg, "cannot write the report: ");
		pos(e.msg, strerror(ENOSPC));
		fclose(fp);
	}
	free_set(s);
}

static void test_write_error_pipe(void **state)
{
	group_set *s = shop_set(1);
	report_opts o = {REPORT_TEXT, "test.log", 0, 0, 0};
	gt_err e = {{0}};
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int fds[2];
	FILE *fp;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	fp = fdopen(fds[1], "w");
	assert_non_null(fp);
	assert_int_equal(report_write(fp, s, &o, &e), GT_ERR);
	pos(e.msg, "broken pipe");
	fclose(fp);
	signal(SIGPIPE, old);
	free_set(s);
}

static void test_unknown_format(void **state)
{
	group_set *s = shop_set(1);
	report_opts o = {REPORT__COUNT, "test.log", 0, 0, 0};
	gt_err e = {{0}};
	FILE *fp = tmpfile();

	(void)state;
	assert_int_equal(report_write(fp, s, &o, &e), GT_ERR);
	pos(e.msg, "unknown report format");
	assert_int_equal(ftell(fp), 0);
	fclose(fp);
	free_set(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_text_layout),
		cmocka_unit_test(test_text_verbose),
		cmocka_unit_test(test_text_color),
		cmocka_unit_test(test_text_control_bytes),
		cmocka_unit_test(test_text_top),
		cmocka_unit_test(test_text_default_limits_others),
		cmocka_unit_test(test_text_multi_dump),
		cmocka_unit_test(test_text_nothing),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_json_bad_utf8),
		cmocka_unit_test(test_json_stream_is_exact),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_markdown_fence_and_text),
		cmocka_unit_test(test_write_error_full),
		cmocka_unit_test(test_write_error_pipe),
		cmocka_unit_test(test_unknown_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
