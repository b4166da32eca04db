/*
 * report_markdown.c - the report as GitHub-flavoured markdown, for pasting
 * into an incident document: summary, category table, flagged-groups table,
 * then one section per flagged group with its cause, fix and stack.
 *
 * Everything taken from the input is escaped: text with backslashes before
 * markdown punctuation, code spans with a backtick fence longer than any run
 * inside, and '|' as "\|" inside tables (GFM removes that backslash before
 * it renders the cell, code spans included).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "crash.h"
#include "report_priv.h"
#include "verdict.h"

typedef struct md {
	FILE *out;
	const report_opts *o;
	const group_set *s;
	const group_dump *d;
} md;

/* s with line breaks as spaces, other control bytes as '?' and the bytes
 * in esc backslash-escaped: what inline text and code spans share. */
static void md_escaped(FILE *out, const char *s, const char *esc)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			fputc(' ', out);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', out);
		else if (strchr(esc, c))
			fprintf(out, "\\%c", c);
		else
			fputc(c, out);
	}
}

/* Inline text: markdown punctuation backslash-escaped, line breaks and
 * control bytes neutralised. */
static void md_text(FILE *out, const char *s)
{
	if (s != NULL)
		md_escaped(out, s, "\\`*_[]<|#~&");
}

static size_t longest_backtick_run(const char *s)
{
	size_t best = 0, run = 0;

	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* A code span; in_table escapes '|' for a GFM table cell. */
static void md_code(FILE *out, const char *s, int in_table)
{
	size_t fence, len;
	int pad;

	if (s == NULL || *s == '\0')
		return;
	fence = longest_backtick_run(s) + 1;
	len = strlen(s);
	/* A span that starts or ends with a backtick (or a space) needs a
	 * space of padding, which CommonMark strips again. */
	pad = s[0] == '`' || s[len - 1] == '`' || (s[0] == ' ' && s[len - 1] == ' ');
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	if (pad)
		fputc(' ', out);
	/* a backslash is literal inside a code span; only a table's '|'
	 * needs one (GFM strips it before the span is read) */
	md_escaped(out, s, in_table ? "|" : "");
	if (pad)
		fputc(' ', out);
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
}

static void md_loc(FILE *out, const group_frame *f, int verbose)
{
	if (f->file == NULL)
		return;
	fputc(' ', out);
	md_text(out, verbose ? f->file : report_short_path(f->file));
	if (f->line)
		fprintf(out, ":%u", f->line);
}

/* ---- summary ------------------------------------------------------------ */

static void put_summary(md *m)
{
	const group_dump *d = m->d;
	FILE *out = m->out;

	fputs("## Goroutine triage: ", out);
	md_text(out, m->o->source ? m->o->source : "-");
	fputs("\n\n", out);
	if (d == NULL) {
		fputs("No goroutine dump found in the input.\n", out);
		return;
	}
	if (m->s->ndumps == 1)
		fprintf(out, "One dump (%s) ", parse_kind_name(d->kind));
	else
		fprintf(out, "%zu dumps; this report describes the last one "
			"(%s, input line %" PRIu64 "), which ", m->s->ndumps,
			parse_kind_name(d->kind), d->lineno);
	report_put_holds(out, d, (const char *const[2]){"**", "**"},
			 (const char *const[2]){"**", "**"});
	fputc('\n', out);
	if (d->title && !crash_dump_has(d)) {
		fputs("\nThe process reported: ", out);
		md_code(out, d->title, 0);
		fputc('\n', out);
	}
	if (d->truncated)
		fputs("\n**Warning:** the dump is truncated: the input ends "
		      "inside it.\n", out);
	if (d->declared_total && d->declared_total != d->total)
		fprintf(out, "\n**Warning:** the profile declares %" PRIu64
			" goroutines; %" PRIu64 " were read.\n",
			d->declared_total, d->total);
	if (m->s->stats.race_reports)
		fprintf(out, "\nThe input also holds %" PRIu64 " data race %s "
			"(`WARNING: DATA RACE`), not counted here.\n",
			m->s->stats.race_reports,
			report_plural(m->s->stats.race_reports, "report",
				      "reports"));
}

static void put_categories(md *m)
{
	category cats[CAT__COUNT];
	size_t n = report_cats_by_count(m->d->by_cat, cats);

	if (n == 0)
		return;
	fputs("\n| category | goroutines | share |\n|---|---:|---:|\n", m->out);
	for (size_t i = 0; i < n; i++) {
		uint64_t c = m->d->by_cat[cats[i]];

		fprintf(m->out, "| %s | %" PRIu64 " | %.1f%% |\n",
			category_name(cats[i]), c, report_pct(c, m->d->total));
	}
}

/* ---- tables --------------------------------------------------------------- */

static void cell_top_frame(FILE *out, const group *g, int verbose)
{
	const group_frame *f = report_top_frame(g);

	if (f == NULL)
		return;
	md_code(out, f->func, 1);
	md_loc(out, f, verbose);
}

static void put_flagged_table(md *m, const report_pick *p)
{
	FILE *out = m->out;
	char mins[32];

	fputs("\n**Probable leaks**\n\n"
	      "| # | goroutines | category | state | minutes | top frame | "
	      "evidence | fingerprint |\n|---:|---:|---|---|---:|---|---|---|\n",
	      out);
	for (size_t i = 0; i < p->nflagged; i++) {
		const group *g = m->d->groups[p->flagged[i]];
		int first = 1;

		fprintf(out, "| %zu | %" PRIu64 " | %s | ", p->flagged[i] + 1,
			g->count, category_name(g->cat));
		md_code(out, g->state, 1);
		fprintf(out, " | %s | ", report_minutes(g, mins, sizeof mins));
		cell_top_frame(out, g, m->o->verbose);
		fputs(" | ", out);
		md_text(out, g->why ? g->why : "");
		for (size_t k = 0; k < report_nreason_bits; k++) {
			if (!(g->reasons & report_reason_bits[k] &
			      GROUP_R_GROWING))
				continue;
			fprintf(out, "%s%s", first ? "; " : ", ",
				report_reason_code(report_reason_bits[k]));
			first = 0;
		}
		fprintf(out, " | `%s` |\n", g->fingerprint);
	}
	if (p->hidden_flagged)
		fprintf(out, "\n%zu more flagged %s not shown.\n",
			p->hidden_flagged,
			report_plural(p->hidden_flagged, "group", "groups"));
}

static void put_others_table(md *m, const report_pick *p)
{
	FILE *out = m->out;

	if (p->nothers == 0)
		return;
	fputs("\n**Other groups**\n\n"
	      "| # | goroutines | category | state | top frame | verdict | "
	      "evidence | fingerprint |\n"
	      "|---:|---:|---|---|---|---|---|---|\n", out);
	for (size_t i = 0; i < p->nothers; i++) {
		const group *g = m->d->groups[p->others[i]];

		fprintf(out, "| %zu | %" PRIu64 " | %s | ", p->others[i] + 1,
			g->count, category_name(g->cat));
		md_code(out, g->state, 1);
		fputs(" | ", out);
		cell_top_frame(out, g, m->o->verbose);
		fprintf(out, " | %s | ", verdict_name(g->verdict));
		md_text(out, g->why ? g->why : "");
		fprintf(out, " | `%s` |\n", g->fingerprint);
	}
	if (p->hidden_others)
		fprintf(out, "\n%zu other %s not shown.\n", p->hidden_others,
			report_plural(p->hidden_others, "group", "groups"));
}

/* ---- one section per group ------------------------------------------------ */

/* The fence of a code block: longer than any backtick run in its lines. */
static size_t stack_fence(const group *g)
{
	size_t f = 3, r;

	for (size_t i = 0; i < g->nframes; i++) {
		if ((r = longest_backtick_run(g->frames[i].func)) >= f)
			f = r + 1;
		if (g->frames[i].file &&
		    (r = longest_backtick_run(g->frames[i].file)) >= f)
			f = r + 1;
	}
	if (g->created_by.func &&
	    (r = longest_backtick_run(g->created_by.func)) >= f)
		f = r + 1;
	if (g->created_by.file &&
	    (r = longest_backtick_run(g->created_by.file)) >= f)
		f = r + 1;
	if (g->state && (r = longest_backtick_run(g->state)) >= f)
		f = r + 1;
	return f;
}

static void put_frame_lines(FILE *out, const group_frame *f, const char *lead)
{
	fputs(lead, out);
	report_put_clean(out, f->func);
	fputc('\n', out);
	if (f->file) {
		fputc('\t', out);
		report_put_clean(out, f->file);
		if (f->line)
			fprintf(out, ":%u", f->line);
		fputc('\n', out);
	}
}

static void put_stack(md *m, const group *g)
{
	FILE *out = m->out;
	size_t idx[REPORT_KEY_FRAMES], n, more = 0, fence = stack_fence(g);
	char mins[32];

	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	fputc('\n', out);
	/* In the shape of a Go traceback, so it reads like the original. */
	fprintf(out, "%" PRIu64 " %s [", g->count,
		report_plural(g->count, "goroutine", "goroutines"));
	report_put_clean(out, g->state && g->state[0] ? g->state : "?");
	if (report_minutes(g, mins, sizeof mins)[0])
		fprintf(out, ", %s minutes", mins);
	fputs("]:\n", out);
	if (m->o->verbose) {
		for (size_t i = 0; i < g->nframes; i++)
			put_frame_lines(out, &g->frames[i], "");
	} else {
		n = report_key_frames(g, idx, &more);
		if (n && idx[0] > 0)
			fprintf(out, "... %zu runtime/library %s\n", idx[0],
				report_plural(idx[0], "frame", "frames"));
		for (size_t i = 0; i < n; i++) {
			if (i && idx[i] > idx[i - 1] + 1)
				fprintf(out, "... %zu %s\n", idx[i] - idx[i - 1] - 1,
					report_plural(idx[i] - idx[i - 1] - 1,
						      "frame", "frames"));
			put_frame_lines(out, &g->frames[idx[i]], "");
		}
		if (n && idx[n - 1] + 1 < g->nframes)
			fprintf(out, "... %zu more %s\n",
				g->nframes - idx[n - 1] - 1,
				report_plural(g->nframes - idx[n - 1] - 1,
					      "frame", "frames"));
	}
	if (g->created_by.func)
		put_frame_lines(out, &g->created_by, "created by ");
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	fputc('\n', out);
}

static void put_section(md *m, size_t num, const group *g)
{
	FILE *out = m->out;
	const group_frame *top = report_top_frame(g);
	char buf[512], mins[32];

	fprintf(out, "\n### %zu. %" PRIu64 " %s in %s", num, g->count,
		report_plural(g->count, "goroutine", "goroutines"),
		category_name(g->cat));
	if (top) {
		fputs(": ", out);
		md_code(out, top->func, 0);
	}
	fputs("\n\n", out);

	fputs("- **state:** ", out);
	if (g->state && g->state[0])
		md_code(out, g->state, 0);
	else
		fputs("not printed (debug=1)", out);
	if (report_minutes(g, mins, sizeof mins)[0])
		fprintf(out, ", %s minutes", mins);
	if (g->nlocked)
		fprintf(out, ", %" PRIu64 " locked to thread", g->nlocked);
	fputc('\n', out);
	fprintf(out, "- **verdict:** %s: ", verdict_name(g->verdict));
	md_text(out, g->why ? g->why : "");
	for (size_t k = 0; k < report_nreason_bits; k++) {
		unsigned bit = report_reason_bits[k];

		if (!(g->reasons & bit & GROUP_R_GROWING))
			continue;
		buf[0] = '\0';
		group_reason_text(g, bit, m->d, &m->s->opts, buf, sizeof buf);
		fputs("; ", out);
		md_text(out, buf[0] ? buf : report_reason_code(bit));
	}
	fputc('\n', out);
	for (size_t i = 0; i < g->ndiags; i++) {
		const rules_diag *dg = g->diags[i];

		fputs("- **cause", out);
		if (dg->name) {
			fputs(" (", out);
			md_text(out, dg->name);
			fputc(')', out);
		}
		fputs(":** ", out);
		md_text(out, dg->cause);
		fputs("\n- **fix:** ", out);
		md_text(out, dg->fix);
		fputc('\n', out);
	}
	if (g->healthy &&
	    !(g->finding >= 0 && (size_t)g->finding < m->d->nfindings &&
	      m->d->findings[g->finding].verdict == VERDICT_LEAK))
		fputs("- a known healthy shape\n", out);
	if (g->ntruncated)
		fprintf(out, "- %" PRIu64 " %s cut short by the end of the "
			"input\n", g->ntruncated,
			report_plural(g->ntruncated, "goroutine",
				      "goroutines"));
	if (m->o->verbose && g->labels) {
		fputs("- **labels:** ", out);
		md_code(out, g->labels, 0);
		fputc('\n', out);
	}
	fprintf(out, "- **fingerprint:** `%s`\n\n", g->fingerprint);
	put_stack(m, g);
}

/* ---- the crash ---------------------------------------------------------- */

#define CRASH_IDS 8

static size_t crash_fence(const group_crash *c)
{
	size_t f = 3, r;

#define FENCE(s)                                                            \
	do {                                                                \
		if ((s) && (r = longest_backtick_run(s)) >= f)              \
			f = r + 1;                                          \
	} while (0)
	for (size_t i = 0; i < c->nmessage; i++)
		FENCE(c->message[i]);
	for (size_t i = 0; i < c->ntests; i++)
		FENCE(c->tests[i]);
	FENCE(c->signal);
	FENCE(c->state);
	for (size_t i = 0; i < c->nframes; i++) {
		FENCE(c->frames[i].func);
		FENCE(c->frames[i].file);
	}
	FENCE(c->created_by.func);
	FENCE(c->created_by.file);
#undef FENCE
	return f;
}

/* The crash opens the report: message, signal and the goroutine that
 * crashed in the shape of the traceback, then for a deadlock or a test
 * timeout the goroutines involved. */
static void put_crash(md *m)
{
	const group_dump *d = m->d;
	const group_crash *c = &d->crash;
	FILE *out = m->out;
	size_t fence, n, *idx;
	uint64_t ids[CRASH_IDS];

	if (!crash_dump_has(d))
		return;
	fence = crash_fence(c);
	fprintf(out, "\n### Crash: %s\n\n", parse_kind_name(d->kind));
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	fputc('\n', out);
	for (size_t i = 0; i < c->nmessage; i++) {
		report_put_clean(out, c->message[i]);
		fputc('\n', out);
	}
	if (c->signal && strcmp(c->signal, c->message[0]) != 0) {
		fputs("[signal ", out);
		report_put_clean(out, c->signal);
		fputs("]\n", out);
	}
	if (c->ntests) {
		fputs(d->kind == PARSE_KIND_GOLEAK ? "test:\n" : "running tests:\n",
		      out);
		for (size_t i = 0; i < c->ntests; i++) {
			fputc('\t', out);
			report_put_clean(out, c->tests[i]);
			fputc('\n', out);
		}
	}
	if (c->group) {
		fprintf(out, "\ngoroutine %" PRIu64 " [", c->id);
		report_put_clean(out, c->state);
		fputs("]:\n", out);
		idx = report_crash_frames(c, m->o->verbose, &n);
		for (size_t i = 0; i < n; i++)
			put_frame_lines(out, &c->frames[idx[i]], "");
		free(idx);
		if (c->created_by.func) {
			fputs("created by ", out);
			report_put_clean(out, c->created_by.func);
			if (c->created_in)
				fprintf(out, " in goroutine %" PRIu64,
					c->created_in);
			fputc('\n', out);
			if (c->created_by.file) {
				fputc('\t', out);
				report_put_clean(out, c->created_by.file);
				if (c->created_by.line)
					fprintf(out, ":%u", c->created_by.line);
				fputc('\n', out);
			}
		}
	}
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	fputc('\n', out);
	if (c->group)
		fprintf(out, "\nGoroutine %" PRIu64 " %s; it is in group %zu.\n",
			c->id, report_crash_role(d),
			report_group_number(d, c->group));
	else if (d->kind == PARSE_KIND_SIGNAL)
		fputs("\nA dump on request: no goroutine crashed.\n", out);
	if (c->ngroups)
		fprintf(out, "\n%s\n\n",
			d->kind == PARSE_KIND_DEADLOCK
				? "Blocked goroutines, each waiting:"
			: d->kind == PARSE_KIND_GOLEAK
				? "Goroutines goleak found still running:"
				: "Goroutines of the running tests:");
	else if (d->kind == PARSE_KIND_TEST_TIMEOUT)
		fputs("\nNo goroutine of the running tests found.\n", out);
	for (size_t i = 0; i < c->ngroups; i++) {
		const group *g = c->groups[i];
		const group_frame *f = report_top_frame(g);
		size_t nid = report_crash_ids(d, g, ids, CRASH_IDS);
		uint64_t cnt = report_crash_count(d, g);

		fprintf(out, "- group %zu: **%" PRIu64 "** ",
			report_group_number(d, g), cnt);
		md_code(out, g->state && g->state[0] ? g->state
						      : category_name(g->cat), 0);
		if (f) {
			fputs(" at ", out);
			md_code(out, f->func, 0);
			md_loc(out, f, m->o->verbose);
		}
		for (size_t k = 0; k < nid; k++)
			fprintf(out, "%s%" PRIu64, k ? ", " : " (ids ", ids[k]);
		if (nid)
			fputs(cnt > nid ? ", ...)" : ")", out);
		fputc('\n', out);
	}
}

/* Findings that join several groups and are worth a look. */
static void put_findings(md *m)
{
	FILE *out = m->out;
	int head = 0;

	for (size_t i = 0; i < m->d->nfindings; i++) {
		const group_finding *f = &m->d->findings[i];

		if (f->ngroups < 2 || f->verdict == VERDICT_NORMAL)
			continue;
		if (!head++)
			fputs("\n**Findings** (groups that are parts of one "
			      "problem)\n\n| finding | verdict | goroutines | "
			      "groups | evidence |\n|---:|---|---:|---|---|\n",
			      out);
		fprintf(out, "| F%zu | %s | %" PRIu64 " | ", i + 1,
			verdict_name(f->verdict), f->goroutines);
		for (size_t k = 0; k < f->ngroups; k++) {
			fprintf(out, "%s", k ? ", " : "");
			cell_top_frame(out, f->groups[k], 0);
		}
		fputs(" | ", out);
		md_text(out, f->why ? f->why : "");
		fputs(" |\n", out);
	}
}

int report_markdown(FILE *out, const group_set *s, const report_opts *o)
{
	md m = {out, o, s, group_set_last(s)};
	report_pick p;

	put_summary(&m);
	if (m.d == NULL)
		return ferror(out) ? GT_ERR : GT_OK;
	put_crash(&m);
	put_categories(&m);
	put_findings(&m);
	report_pick_groups(m.d, o, &p);
	if (p.nflagged)
		put_flagged_table(&m, &p);
	put_others_table(&m, &p);
	for (size_t i = 0; i < p.nflagged && !ferror(out); i++)
		put_section(&m, p.flagged[i] + 1, m.d->groups[p.flagged[i]]);
	if (o->verbose)
		for (size_t i = 0; i < p.nothers && !ferror(out); i++)
			put_section(&m, p.others[i] + 1,
				    m.d->groups[p.others[i]]);
	report_pick_free(&p);
	return ferror(out) ? GT_ERR : GT_OK;
}
