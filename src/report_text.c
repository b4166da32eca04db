/*
 * report_text.c - the report for people: a header, totals by category, the
 * flagged groups with why/where/cause/fix, the other groups one per line,
 * and a verdict. Lines aim at 100 columns.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "crash.h"
#include "report_priv.h"
#include "verdict.h"

#define WIDTH 100
#define INDENT 4      /* group detail lines */
#define LABEL_W 7     /* "cause: " */
#define TEXT_COL (INDENT + LABEL_W)

typedef struct tx {
	FILE *out;
	const report_opts *o;
	const group_set *s;
	const group_dump *d;
	const char *bold, *red, *dim, *reset;
} tx;

/* ---- a growable string, for text that gets wrapped ----------------------- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = gt_realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- output helpers ------------------------------------------------------ */

/* Display width of n bytes of UTF-8: continuation bytes take no column. */
static size_t cols(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void spaces(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

static void put_clean_n(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
	}
}

/* Prints n bytes of words (separated by single spaces) at the current
 * column, wrapping at WIDTH with continuation lines at TEXT_COL. */
static size_t put_words(tx *t, const char *w, size_t n, size_t col)
{
	const char *end = w + n;

	while (w < end) {
		const char *e = memchr(w, ' ', (size_t)(end - w));
		size_t len = e ? (size_t)(e - w) : (size_t)(end - w);
		size_t wc = cols(w, len);

		if (col > TEXT_COL && col + 1 + wc > WIDTH) {
			fputc('\n', t->out);
			spaces(t->out, TEXT_COL);
			col = TEXT_COL;
		} else if (col > TEXT_COL) {
			fputc(' ', t->out);
			col++;
		}
		put_clean_n(t->out, w, len);
		col += wc;
		w += len + (e != NULL);
	}
	return col;
}

/* "    label: text", the text wrapped at WIDTH with continuation lines
 * starting under its first word. With keep_clauses, a line breaks only
 * after "; " (between reasons) unless a clause alone is too long. */
static void put_wrapped_ex(tx *t, const char *label, const char *text,
			   int keep_clauses)
{
	size_t col = TEXT_COL;
	char *norm = gt_malloc(strlen(text) + 1), *q = norm;
	const char *p;

	/* collapse runs of spaces so that words are one space apart */
	for (p = text; *p; p++)
		if (*p != ' ' || (q > norm && q[-1] != ' '))
			*q++ = *p;
	while (q > norm && q[-1] == ' ')
		q--;
	*q = '\0';

	spaces(t->out, INDENT);
	fprintf(t->out, "%-*s", LABEL_W, label);
	for (p = norm; *p;) {
		const char *semi = keep_clauses ? strstr(p, "; ") : NULL;
		size_t n = semi ? (size_t)(semi - p) + 1 : strlen(p);
		size_t wc = cols(p, n);

		if (keep_clauses && col > TEXT_COL && col + 1 + wc > WIDTH &&
		    TEXT_COL + wc <= WIDTH) {
			fputc('\n', t->out);
			spaces(t->out, TEXT_COL);
			col = TEXT_COL;
		}
		col = put_words(t, p, n, col);
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', t->out);
	free(norm);
}

static void put_wrapped(tx *t, const char *label, const char *text)
{
	put_wrapped_ex(t, label, text, 0);
}

/* "file:line" as shown: the last two path components unless verbose. */
static void loc_text(const tx *t, const group_frame *f, char *buf, size_t len)
{
	const char *file = f->file;

	if (file == NULL) {
		buf[0] = '\0';
		return;
	}
	if (!t->o->verbose)
		file = report_short_path(file);
	if (f->line)
		snprintf(buf, len, "%s:%u", file, f->line);
	else
		snprintf(buf, len, "%s", file);
}

/* ---- header ------------------------------------------------------------- */

static void put_dump_line(tx *t, size_t i)
{
	const group_dump *d = t->s->dumps[i];

	fprintf(t->out, "  dump %zu/%zu: %s at line %" PRIu64 ", %" PRIu64
		" %s, %zu %s, %zu flagged",
		i + 1, t->s->ndumps, parse_kind_name(d->kind), d->lineno,
		d->total, report_plural(d->total, "goroutine", "goroutines"),
		d->ngroups, report_plural(d->ngroups, "group", "groups"),
		d->nflagged);
	char when[40];

	if (report_time(d->time, when, sizeof when)[0])
		fprintf(t->out, ", logged %s", when);
	if (d->prefix != PARSE_PREFIX_NONE)
		fprintf(t->out, ", log prefix %s", parse_prefix_name(d->prefix));
	if (d->truncated)
		fputs(", truncated", t->out);
	fputc('\n', t->out);
}

static void put_header(tx *t)
{
	const group_dump *d = t->d;
	const group_set *s = t->s;
	const parse_stats *st = &s->stats;

	fputs("gtriage: ", t->out);
	report_put_clean(t->out, t->o->source ? t->o->source : "-");
	if (d == NULL) {
		fputs(": no goroutine dump found\n", t->out);
		return;
	}
	if (s->ndumps == 1)
		fprintf(t->out, ": 1 dump (%s), ", parse_kind_name(d->kind));
	else
		fprintf(t->out, ": %zu dumps, the last (%s, line %" PRIu64 "): ",
			s->ndumps, parse_kind_name(d->kind), d->lineno);
	fprintf(t->out, "%s%" PRIu64 "%s %s, %zu %s, ", t->bold, d->total,
		t->reset, report_plural(d->total, "goroutine", "goroutines"),
		d->ngroups, report_plural(d->ngroups, "group", "groups"));
	if (d->nflagged == 0)
		fputs("none flagged\n", t->out);
	else
		fprintf(t->out, "%s%s%zu flagged%s as %s (%" PRIu64 " %s)\n",
			t->bold, t->red, d->nflagged, t->reset,
			report_plural(d->nflagged, "a probable leak",
				      "probable leaks"),
			d->leaked_goroutines,
			report_plural(d->leaked_goroutines, "goroutine",
				      "goroutines"));
	if (d->title && !crash_dump_has(d)) {
		fputs("  ", t->out);
		report_put_clean(t->out, d->title);
		fputc('\n', t->out);
	}
	if (t->o->verbose)
		for (size_t i = 0; i < s->ndumps; i++)
			put_dump_line(t, i);

	if (d->truncated) {
		uint64_t cut = report_truncated_goroutines(d);

		fprintf(t->out, "warning: the dump is truncated: the input ends "
			"inside it");
		if (cut)
			fprintf(t->out, " (%" PRIu64 " %s cut short)", cut,
				report_plural(cut, "goroutine", "goroutines"));
		fputc('\n', t->out);
	}
	if (d->declared_total && d->declared_total != d->total)
		fprintf(t->out, "warning: the profile declares %" PRIu64
			" goroutines, %" PRIu64 " were read\n",
			d->declared_total, d->total);
	if (st->race_reports)
		fprintf(t->out, "note: the input holds %" PRIu64 " data race "
			"%s (WARNING: DATA RACE), not counted here\n",
			st->race_reports,
			report_plural(st->race_reports, "report", "reports"));
	if (st->capped_counts)
		fprintf(t->out, "warning: %" PRIu64 " debug=1 %s more "
			"goroutines than a process can hold (over 2^46), "
			"capped\n",
			st->capped_counts,
			report_plural(st->capped_counts, "record claims",
				      "records claim"));
	if (st->foreign_lines)
		fprintf(t->out, "note: %" PRIu64 " %s inside dumps %s no dump "
			"text (log output), skipped\n",
			st->foreign_lines,
			report_plural(st->foreign_lines, "line", "lines"),
			st->foreign_lines == 1 ? "was" : "were");
	if (t->o->verbose && st->long_lines)
		fprintf(t->out, "note: %" PRIu64 " overlong %s skipped\n",
			st->long_lines,
			report_plural(st->long_lines, "line", "lines"));
}

/* ---- categories ---------------------------------------------------------- */

static void put_categories(tx *t)
{
	category cats[CAT__COUNT];
	size_t n = report_cats_by_count(t->d->by_cat, cats), namew = 0;
	int countw = 1;

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(category_name(cats[i]));
		int w = snprintf(NULL, 0, "%" PRIu64, t->d->by_cat[cats[i]]);

		if (l > namew)
			namew = l;
		if (w > countw)
			countw = w;
	}
	fputs("\ngoroutines by category:\n", t->out);
	for (size_t i = 0; i < n; i++) {
		uint64_t c = t->d->by_cat[cats[i]];

		fprintf(t->out, "  %-*s  %*" PRIu64 "  %5.1f%%\n", (int)namew,
			category_name(cats[i]), countw, c,
			report_pct(c, t->d->total));
	}
}

/* ---- one group in full -------------------------------------------------- */

static void put_frame(tx *t, const char *lead, const group_frame *f,
		      size_t pad, int dim_func)
{
	char loc[1024];
	size_t fl = cols(f->func, strlen(f->func));

	loc_text(t, f, loc, sizeof loc);
	fputs(lead, t->out);
	if (dim_func)
		fputs(t->dim, t->out);
	report_put_clean(t->out, f->func);
	if (dim_func)
		fputs(t->reset, t->out);
	if (loc[0]) {
		spaces(t->out, (fl < pad ? pad - fl : 0) + 2);
		fprintf(t->out, "%s", t->dim);
		report_put_clean(t->out, loc);
		fputs(t->reset, t->out);
	}
	fputc('\n', t->out);
}

static void put_frames(tx *t, const group *g)
{
	size_t idx[REPORT_KEY_FRAMES], n, more = 0, pad = 0;
	size_t *shown;
	char loc[1024];
	char lead[TEXT_COL + 1];

	if (g->nframes == 0) {
		spaces(t->out, INDENT);
		fputs(g->flags & PARSE_G_NOSTACK ? "at:    (stack unavailable)\n"
						 : "at:    (no frames)\n",
		      t->out);
		return;
	}
	if (t->o->verbose) {
		n = g->nframes;
		shown = gt_malloc(n * sizeof *shown);
		for (size_t i = 0; i < n; i++)
			shown[i] = i;
	} else {
		n = report_key_frames(g, idx, &more);
		shown = idx;
	}
	/* Align the locations, except for functions too long to allow it. */
	for (size_t i = 0; i < n; i++) {
		const group_frame *f = &g->frames[shown[i]];
		size_t fl = cols(f->func, strlen(f->func));

		loc_text(t, f, loc, sizeof loc);
		if (TEXT_COL + fl + 2 + strlen(loc) <= WIDTH && fl > pad)
			pad = fl;
	}
	for (size_t i = 0; i < n; i++) {
		const group_frame *f = &g->frames[shown[i]];

		snprintf(lead, sizeof lead, "%*s%-*s", INDENT, "", LABEL_W,
			 i == 0 ? "at:" : "");
		put_frame(t, lead, f, pad,
			  t->o->verbose && !group_frame_is_user(f));
	}
	if (more)
		fprintf(t->out, "%*s%s... %zu more %s (-v shows all)%s\n",
			TEXT_COL, "", t->dim, more,
			report_plural(more, "frame", "frames"), t->reset);
	if (g->flags & PARSE_G_ELIDED)
		fprintf(t->out, "%*s%s(the runtime elided frames of this "
			"stack)%s\n", TEXT_COL, "", t->dim, t->reset);
	if (shown != idx)
		free(shown);
}

/* A healthy shape that is part of a leak finding is not called healthy. */
static int show_healthy(const tx *t, const group *g)
{
	return g->healthy &&
	       !(g->finding >= 0 && (size_t)g->finding < t->d->nfindings &&
		 t->d->findings[g->finding].verdict == VERDICT_LEAK);
}

static void put_group_head(tx *t, size_t num, const group *g, int flagged)
{
	char mins[32];

	report_minutes(g, mins, sizeof mins);
	fprintf(t->out, "%s[%zu]%s %s%" PRIu64 "%s %s  %s", flagged ? t->red : "",
		num, flagged ? t->reset : "", t->bold, g->count, t->reset,
		report_plural(g->count, "goroutine", "goroutines"),
		category_name(g->cat));
	if (g->state && g->state[0]) {
		fputs("  \"", t->out);
		report_put_clean(t->out, g->state);
		fputc('"', t->out);
		if (mins[0])
			fputs(",", t->out);
	} else if (mins[0]) {
		fputs(" ", t->out);
	}
	if (mins[0])
		fprintf(t->out, " %s %s", mins,
			strcmp(mins, "1") == 0 ? "minute" : "minutes");
	if (g->nlocked)
		fprintf(t->out, ", %" PRIu64 " locked to thread", g->nlocked);
	if (show_healthy(t, g))
		fputs("  healthy", t->out);
	fprintf(t->out, "   %sfp %s%s\n", t->dim, g->fingerprint, t->reset);
}

static void put_ids(tx *t, const group *g)
{
	sbuf b = {0};
	size_t n = g->nids < REPORT_IDS_SHOWN ? g->nids : REPORT_IDS_SHOWN;

	if (g->nids == 0)
		return;
	for (size_t i = 0; i < n; i++)
		sb_printf(&b, "%s%" PRIu64, i ? ", " : "", g->ids[i]);
	if (g->nids > n)
		sb_printf(&b, "; and %zu more", g->nids - n);
	if (g->count > g->nids)
		sb_printf(&b, "; %zu of %" PRIu64 " ids kept", g->nids, g->count);
	put_wrapped_ex(t, "ids:", b.p, 1);
	free(b.p);
}

static void put_group(tx *t, size_t num, const group *g)
{
	int flagged = group_is_leak(g);
	char rbuf[512], loc[1024];

	put_group_head(t, num, g, flagged);
	{
		sbuf b = {0};

		/* the verdict and its evidence line; reasons added later (a
		 * growth across snapshots) follow it */
		sb_printf(&b, "%s: %s", verdict_name(g->verdict),
			  g->why ? g->why : "");
		for (size_t i = 0; flagged && i < report_nreason_bits; i++) {
			unsigned bit = report_reason_bits[i];

			if (!(g->reasons & bit) || !(bit & GROUP_R_GROWING))
				continue;
			rbuf[0] = '\0';
			group_reason_text(g, bit, t->d, &t->s->opts, rbuf,
					  sizeof rbuf);
			sb_puts(&b, "; ");
			sb_puts(&b, rbuf[0] ? rbuf : report_reason_code(bit));
		}
		put_wrapped_ex(t, "why:", b.p, 1);
		free(b.p);
	}
	put_frames(t, g);
	if (g->created_by.func) {
		loc_text(t, &g->created_by, loc, sizeof loc);
		fprintf(t->out, "%*screated by ", INDENT, "");
		report_put_clean(t->out, g->created_by.func);
		if (loc[0]) {
			fprintf(t->out, "  %s", t->dim);
			report_put_clean(t->out, loc);
			fputs(t->reset, t->out);
		}
		fputc('\n', t->out);
	}
	for (size_t i = 0; i < g->ndiags; i++) {
		const rules_diag *dg = g->diags[i];

		if (dg->cause && dg->cause[0])
			put_wrapped(t, "cause:", dg->cause);
		if (dg->fix && dg->fix[0])
			put_wrapped(t, "fix:", dg->fix);
		if (t->o->verbose) {
			char rule[1200];

			if (dg->file)
				snprintf(rule, sizeof rule, "%s (%s:%u)",
					 dg->name ? dg->name : "?", dg->file,
					 dg->line);
			else
				snprintf(rule, sizeof rule, "%s",
					 dg->name ? dg->name : "?");
			put_wrapped(t, "rule:", rule);
		}
	}
	if (g->ntruncated)
		fprintf(t->out, "%*snote:  %" PRIu64 " %s cut short by the end "
			"of the input\n", INDENT, "", g->ntruncated,
			report_plural(g->ntruncated, "goroutine",
				      "goroutines"));
	if (t->o->verbose) {
		put_ids(t, g);
		if (g->labels)
			put_wrapped(t, "label:", g->labels);
	}
}

/* ---- the crash ---------------------------------------------------------- */

/* Groups listed in the crash section unless verbose. */
#define CRASH_GROUPS 10
/* Goroutine ids listed per group there. */
#define CRASH_IDS 8

static void put_crash_goroutine(tx *t)
{
	const group_dump *d = t->d;
	const group_crash *c = &d->crash;
	size_t n, num = report_group_number(d, c->group), pad = 0;
	size_t *idx = report_crash_frames(c, t->o->verbose, &n);
	char lead[32], loc[1024];

	fprintf(t->out, "  %sgoroutine %" PRIu64 "%s [", t->bold, c->id,
		t->reset);
	report_put_clean(t->out, c->state);
	fprintf(t->out, "] %s", report_crash_role(d));
	if (num)
		fprintf(t->out, " (group [%zu])", num);
	fputs(":\n", t->out);
	for (size_t i = 0; i < n; i++) {
		size_t fl = cols(c->frames[idx[i]].func,
				 strlen(c->frames[idx[i]].func));

		loc_text(t, &c->frames[idx[i]], loc, sizeof loc);
		if (6 + fl + 2 + strlen(loc) <= WIDTH && fl > pad)
			pad = fl;
	}
	snprintf(lead, sizeof lead, "    ");
	for (size_t i = 0; i < n; i++)
		put_frame(t, lead, &c->frames[idx[i]], pad, 0);
	if (n == 0)
		fputs("    (no frames)\n", t->out);
	free(idx);
	if (c->created_by.func) {
		fputs("    created by ", t->out);
		report_put_clean(t->out, c->created_by.func);
		if (c->created_in)
			fprintf(t->out, " in goroutine %" PRIu64, c->created_in);
		loc_text(t, &c->created_by, loc, sizeof loc);
		if (loc[0]) {
			fprintf(t->out, "  %s", t->dim);
			report_put_clean(t->out, loc);
			fputs(t->reset, t->out);
		}
		fputc('\n', t->out);
	}
}

/* One line per group the crash is about: what its goroutines wait on. */
static void put_crash_groups(tx *t)
{
	const group_dump *d = t->d;
	const group_crash *c = &d->crash;
	size_t shown = t->o->verbose || c->ngroups <= CRASH_GROUPS
			       ? c->ngroups
			       : CRASH_GROUPS;
	uint64_t total = 0, ids[CRASH_IDS];

	for (size_t i = 0; i < c->ngroups; i++)
		total += report_crash_count(d, c->groups[i]);
	if (d->kind == PARSE_KIND_DEADLOCK)
		fprintf(t->out, "  %" PRIu64 " blocked %s in %zu %s, each "
			"waiting:\n", total,
			report_plural(total, "goroutine", "goroutines"),
			c->ngroups, report_plural(c->ngroups, "group", "groups"));
	else if (c->ngroups)
		fprintf(t->out, "  %" PRIu64 " %s of the running %s in %zu "
			"%s:\n", total,
			report_plural(total, "goroutine", "goroutines"),
			c->ntests == 1 ? "test" : "tests", c->ngroups,
			report_plural(c->ngroups, "group", "groups"));
	else
		fputs("  no goroutine of the running tests found\n", t->out);
	for (size_t i = 0; i < shown; i++) {
		const group *g = c->groups[i];
		const group_frame *f = report_top_frame(g);
		size_t nid = report_crash_ids(d, g, ids, CRASH_IDS);
		uint64_t cnt = report_crash_count(d, g);

		fprintf(t->out, "    [%zu] %" PRIu64 " ",
			report_group_number(d, g), cnt);
		report_put_clean(t->out, g->state && g->state[0]
						 ? g->state
						 : category_name(g->cat));
		if (f) {
			fputs(" at ", t->out);
			report_put_frame(t->out, "", f, t->dim, t->reset);
		}
		for (size_t k = 0; k < nid; k++)
			fprintf(t->out, "%s%" PRIu64, k ? ", " : "; ids ", ids[k]);
		if (cnt > nid && nid)
			fputs(", ...", t->out);
		fputc('\n', t->out);
	}
	if (shown < c->ngroups)
		fprintf(t->out, "    ... %zu more (-v shows all)\n",
			c->ngroups - shown);
}

/* The crash comes first: the message, the signal, the goroutine that
 * crashed, and for a deadlock or a test timeout the goroutines involved. */
static void put_crash(tx *t)
{
	const group_dump *d = t->d;
	const group_crash *c = &d->crash;

	if (d == NULL || !crash_dump_has(d))
		return;
	/* SIGQUIT asks for a dump: nothing crashed, nothing to alarm */
	fprintf(t->out, "\n%s%scrash: %s%s\n", t->bold,
		c->group || d->kind != PARSE_KIND_SIGNAL ? t->red : "",
		parse_kind_name(d->kind), t->reset);
	for (size_t i = 0; i < c->nmessage; i++) {
		fputs("  ", t->out);
		report_put_clean(t->out, c->message[i]);
		fputc('\n', t->out);
	}
	if (c->signal && strcmp(c->signal, c->message[0]) != 0) {
		fputs("  [signal ", t->out);
		report_put_clean(t->out, c->signal);
		fputs("]\n", t->out);
	}
	if (c->ntests) {
		fputs(t->d->kind == PARSE_KIND_GOLEAK ? "  test:\n"
						       : "  running tests:\n",
		      t->out);
		for (size_t i = 0; i < c->ntests; i++) {
			fputs("    ", t->out);
			report_put_clean(t->out, c->tests[i]);
			fputc('\n', t->out);
		}
	}
	if (c->group)
		put_crash_goroutine(t);
	else if (d->kind == PARSE_KIND_SIGNAL)
		fputs("  a dump on request: no goroutine crashed\n", t->out);
	if (d->kind == PARSE_KIND_DEADLOCK || d->kind == PARSE_KIND_TEST_TIMEOUT)
		put_crash_groups(t);
}

/* ---- one group per line ------------------------------------------------- */

static void put_group_lines(tx *t, const size_t *idx, size_t n)
{
	int numw = 0, countw = 0;
	size_t catw = 0;
	char num[32], loc[1024];

	for (size_t i = 0; i < n; i++) {
		const group *g = t->d->groups[idx[i]];
		int w = snprintf(num, sizeof num, "[%zu]", idx[i] + 1);
		int cw = snprintf(NULL, 0, "%" PRIu64, g->count);
		size_t l = strlen(category_name(g->cat));

		if (w > numw)
			numw = w;
		if (cw > countw)
			countw = cw;
		if (l > catw)
			catw = l;
	}
	for (size_t i = 0; i < n; i++) {
		const group *g = t->d->groups[idx[i]];
		const group_frame *f = report_top_frame(g);

		snprintf(num, sizeof num, "[%zu]", idx[i] + 1);
		fprintf(t->out, "%-*s %s%*" PRIu64 "%s  %-*s", numw, num, t->bold,
			countw, g->count, t->reset, (int)catw,
			category_name(g->cat));
		if (f) {
			fputs("  ", t->out);
			report_put_clean(t->out, f->func);
			loc_text(t, f, loc, sizeof loc);
			if (loc[0]) {
				fprintf(t->out, "  %s", t->dim);
				report_put_clean(t->out, loc);
				fputs(t->reset, t->out);
			}
		}
		if (show_healthy(t, g))
			fputs("  (healthy)", t->out);
		/* every group's fingerprint, so any one can be followed */
		fprintf(t->out, "   %sfp %s%s\n", t->dim, g->fingerprint,
			t->reset);
		if (g->verdict == VERDICT_SUSPECT) {
			char why[600];

			snprintf(why, sizeof why, "suspect: %s",
				 g->why ? g->why : "");
			put_wrapped_ex(t, "why:", why, 1);
		}
	}
}

/* ---- findings -------------------------------------------------------------- */

static size_t group_number(const group_dump *d, const group *g)
{
	for (size_t i = 0; i < d->ngroups; i++)
		if (d->groups[i] == g)
			return i + 1;
	return 0;
}

/* The findings that join several groups and are worth a look. */
static void put_findings(tx *t)
{
	const group_dump *d = t->d;
	int head = 0;

	for (size_t i = 0; i < d->nfindings && !ferror(t->out); i++) {
		const group_finding *f = &d->findings[i];
		sbuf b = {0};
		char label[32];

		if (f->ngroups < 2 || f->verdict == VERDICT_NORMAL)
			continue;
		if (!head++)
			fprintf(t->out, "\n%sfindings (groups that are parts of "
				"one problem):%s\n", t->bold, t->reset);
		fprintf(t->out, "F%zu %s%s%s  %" PRIu64 " goroutines in %zu "
			"groups:", i + 1, f->verdict == VERDICT_LEAK ? t->red : "",
			verdict_name(f->verdict), t->reset, f->goroutines,
			f->ngroups);
		for (size_t k = 0; k < f->ngroups; k++) {
			const group_frame *top = report_top_frame(f->groups[k]);

			fprintf(t->out, "%s [%zu] ", k ? "," : "",
				group_number(d, f->groups[k]));
			report_put_clean(t->out, top ? top->func : "?");
		}
		fputc('\n', t->out);
		sb_puts(&b, f->why ? f->why : "");
		snprintf(label, sizeof label, "why:");
		put_wrapped_ex(t, label, b.p, 1);
		free(b.p);
	}
}

/* ---- the report --------------------------------------------------------- */

int report_text(FILE *out, const group_set *s, const report_opts *o)
{
	tx t = {out, o, s, group_set_last(s), "", "", "", ""};
	report_pick p;

	report_colors(o->color, &t.bold, &t.red, &t.dim, &t.reset);
	put_header(&t);
	if (t.d == NULL) {
		fputs("\nno probable leak found\n", out);
		return ferror(out) ? GT_ERR : GT_OK;
	}
	put_crash(&t);
	put_categories(&t);

	put_findings(&t);
	report_pick_groups(t.d, o, &p);
	if (p.nflagged || p.hidden_flagged)
		fprintf(out, "\n%s%sprobable leaks:%s\n", t.bold, t.red, t.reset);
	for (size_t i = 0; i < p.nflagged && !ferror(out); i++) {
		if (i)
			fputc('\n', out);
		put_group(&t, p.flagged[i] + 1, t.d->groups[p.flagged[i]]);
	}
	if (p.hidden_flagged)
		fprintf(out, "\n... %zu more flagged %s not shown (-n 0 shows "
			"all)\n", p.hidden_flagged,
			report_plural(p.hidden_flagged, "group", "groups"));

	if (p.nothers) {
		if (p.hidden_others)
			fprintf(out, "\nother groups (%zu largest of %zu):\n",
				p.nothers, p.nothers + p.hidden_others);
		else
			fputs("\nother groups:\n", out);
		if (o->verbose) {
			for (size_t i = 0; i < p.nothers && !ferror(out); i++) {
				if (i)
					fputc('\n', out);
				put_group(&t, p.others[i] + 1,
					  t.d->groups[p.others[i]]);
			}
		} else {
			put_group_lines(&t, p.others, p.nothers);
		}
	}
	if (p.hidden_others)
		fprintf(out, "%s... %zu other %s not shown (%s shows all)\n",
			p.nothers ? "" : "\n", p.hidden_others,
			report_plural(p.hidden_others, "group", "groups"),
			o->top ? "-n 0 -v" : "-v");
	report_pick_free(&p);

	if (t.d->nflagged)
		fprintf(out, "\n%s%sprobable leak: %zu %s, %" PRIu64 " %s "
			"(%.1f%%)%s\n", t.bold, t.red, t.d->nflagged,
			report_plural(t.d->nflagged, "group", "groups"),
			t.d->leaked_goroutines,
			report_plural(t.d->leaked_goroutines, "goroutine",
				      "goroutines"),
			report_pct(t.d->leaked_goroutines, t.d->total), t.reset);
	else
		fputs("\nno probable leak found\n", out);
	return ferror(out) ? GT_ERR : GT_OK;
}
