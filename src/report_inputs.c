/*
 * report_inputs.c - a triage run over several inputs: each input's own
 * report, as the format writes it for one input, then a summary across
 * them. In JSON the document stays the report of one input (the last
 * readable one, as before) and gains an "inputs" array of them all, so
 * readers of the single-input schema keep working.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"

/* The figures of one input for the summary; ok is 0 when unreadable. */
typedef struct figures {
	int ok;
	uint64_t goroutines, groups, flagged;
} figures;

static figures figures_of(const report_input *in)
{
	figures f = {0, 0, 0, 0};
	const group_dump *d = in->set ? group_set_last(in->set) : NULL;

	if (d) {
		f.ok = 1;
		f.goroutines = d->total;
		f.groups = d->ngroups;
		f.flagged = d->nflagged;
	}
	return f;
}

/* The inputs with a dump and with a flagged group; totals into *sum. */
static void count_inputs(const report_input *in, size_t n, figures *sum,
			 size_t *nok, size_t *nleak)
{
	memset(sum, 0, sizeof *sum);
	*nok = *nleak = 0;
	for (size_t i = 0; i < n; i++) {
		figures f = figures_of(&in[i]);

		if (!f.ok)
			continue;
		(*nok)++;
		*nleak += f.flagged != 0;
		sum->goroutines += f.goroutines;
		sum->groups += f.groups;
		sum->flagged += f.flagged;
	}
}

static const char *error_of(const report_input *in)
{
	return in->error && in->error[0] ? in->error : "no goroutine dump";
}

typedef int (*one_report)(FILE *, const group_set *, const report_opts *);
typedef void (*one_error)(FILE *, const report_input *);

/* Each input's own report, or what stood in its way, one after another. */
static int each_input(FILE *out, const report_input *in, size_t n,
		      const report_opts *o, one_report report,
		      one_error unreadable)
{
	for (size_t i = 0; i < n; i++) {
		report_opts oi = *o;

		if (i)
			fputc('\n', out);
		oi.source = in[i].name;
		if (in[i].set) {
			if (report(out, in[i].set, &oi) != GT_OK)
				return GT_ERR;
		} else {
			unreadable(out, &in[i]);
		}
	}
	return GT_OK;
}

/* The summary's last sentence, capitalised for Markdown. */
static void conclusion(FILE *out, int capital, size_t n, size_t nok,
		       size_t nleak)
{
	if (nleak)
		fprintf(out, "%s leak in %zu of %zu inputs",
			capital ? "Probable" : "probable", nleak, n);
	else
		fprintf(out, "%s probable leak in %zu %s", capital ? "No" : "no",
			nok, report_plural(nok, "input", "inputs"));
	if (nok < n)
		fprintf(out, "; %zu unreadable", n - nok);
}

/* ---- text ----------------------------------------------------------------- */

static void text_summary(FILE *out, const report_input *in, size_t n)
{
	figures sum;
	size_t nok, nleak;

	count_inputs(in, n, &sum, &nok, &nleak);
	fprintf(out, "\nsummary of %zu inputs:\n", n);
	fputs("  goroutines     groups   flagged  input\n", out);
	for (size_t i = 0; i < n; i++) {
		figures f = figures_of(&in[i]);

		if (f.ok)
			fprintf(out, "  %10" PRIu64 " %10" PRIu64 " %9" PRIu64
				"  ", f.goroutines, f.groups, f.flagged);
		else
			fprintf(out, "  %10s %10s %9s  ", "-", "-", "-");
		report_put_clean(out, in[i].name);
		fputs(f.ok ? "\n" : "  (unreadable)\n", out);
	}
	fprintf(out, "  %10" PRIu64 " %10" PRIu64 " %9" PRIu64 "  total\n",
		sum.goroutines, sum.groups, sum.flagged);
	conclusion(out, 0, n, nok, nleak);
	fputc('\n', out);
}

/* the header line a report would have, with the error */
static void text_unreadable(FILE *out, const report_input *in)
{
	fputs("gtriage: ", out);
	report_put_clean(out, error_of(in));
	fputc('\n', out);
}

static int text_inputs(FILE *out, const report_input *in, size_t n,
		       const report_opts *o)
{
	if (each_input(out, in, n, o, report_text, text_unreadable) != GT_OK)
		return GT_ERR;
	text_summary(out, in, n);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- markdown ------------------------------------------------------------- */

static void md_num(FILE *out, const figures *f, uint64_t v)
{
	if (f->ok)
		fprintf(out, " %" PRIu64 " |", v);
	else
		fputs(" - |", out);
}

static void md_unreadable(FILE *out, const report_input *in)
{
	fputs("## Goroutine triage: ", out);
	report_md_cell(out, in->name);
	fputs("\n\nNot triaged: ", out);
	report_md_cell(out, error_of(in));
	fputs("\n", out);
}

static int md_inputs(FILE *out, const report_input *in, size_t n,
		     const report_opts *o)
{
	figures sum;
	size_t nok, nleak;

	if (each_input(out, in, n, o, report_markdown, md_unreadable) != GT_OK)
		return GT_ERR;
	count_inputs(in, n, &sum, &nok, &nleak);
	fprintf(out, "\n## Summary of %zu inputs\n\n", n);
	fputs("| input | goroutines | groups | flagged groups |\n"
	      "|---|---:|---:|---:|\n", out);
	for (size_t i = 0; i < n; i++) {
		figures f = figures_of(&in[i]);

		fputs("| ", out);
		report_md_cell(out, in[i].name);
		if (!f.ok)
			fputs(" (unreadable)", out);
		fputs(" |", out);
		md_num(out, &f, f.goroutines);
		md_num(out, &f, f.groups);
		md_num(out, &f, f.flagged);
		fputc('\n', out);
	}
	fprintf(out, "| **total** | %" PRIu64 " | %" PRIu64 " | %" PRIu64
		" |\n\n", sum.goroutines, sum.groups, sum.flagged);
	conclusion(out, 1, n, nok, nleak);
	fputs(".\n", out);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- json ------------------------------------------------------------------- */

/* A FILE that writes to another one with every line after the first
 * indented, holding back the last newline: a whole report object nests
 * in the "inputs" array while streamed, at no cost in memory. */
typedef struct indenter {
	FILE *to;
	int indent;
	int newline; /* a '\n' held back, written before the next byte */
} indenter;

static ssize_t indent_write(void *cookie, const char *buf, size_t n)
{
	indenter *d = cookie;

	for (size_t i = 0; i < n; i++) {
		if (d->newline) {
			fprintf(d->to, "\n%*s", d->indent, "");
			d->newline = 0;
		}
		if (buf[i] == '\n')
			d->newline = 1;
		else
			putc(buf[i], d->to);
	}
	return ferror(d->to) ? -1 : (ssize_t)n;
}

typedef struct json_job {
	const report_input *in;
	size_t n;
	const report_opts *o;
} json_job;

/* One element of "inputs", at column 4. */
static int json_input(FILE *out, const report_input *in, const report_opts *o)
{
	indenter d = {out, 4, 0};
	cookie_io_functions_t io = {NULL, indent_write, NULL, NULL};
	FILE *f = fopencookie(&d, "w", io);
	int rc = GT_OK;

	if (f == NULL)
		return GT_ERR;
	if (in->set) {
		report_opts oi = *o;

		oi.source = in->name;
		rc = report_json(f, in->set, &oi);
	} else {
		json_t *obj = json_object();

		json_object_set_new(obj, "source", report_json_str(in->name));
		json_object_set_new(obj, "error",
				    report_json_str(error_of(in)));
		rc = report_json_dump(f, obj);
	}
	if (fclose(f) != 0)
		rc = GT_ERR;
	return rc != GT_OK || ferror(out) ? GT_ERR : GT_OK;
}

static int json_more(FILE *out, void *ud)
{
	const json_job *j = ud;

	fputs("  \"inputs\": [\n", out);
	for (size_t i = 0; i < j->n; i++) {
		fputs("    ", out);
		if (json_input(out, &j->in[i], j->o) != GT_OK)
			return GT_ERR;
		fputs(i + 1 < j->n ? ",\n" : "\n", out);
	}
	fputs("  ]\n", out);
	return ferror(out) ? GT_ERR : GT_OK;
}

static int json_inputs(FILE *out, const report_input *in, size_t n,
		       const report_opts *o)
{
	json_job j = {in, n, o};
	report_opts last = *o;
	size_t k = n;

	/* the top level stays what one input gave: the last readable one */
	while (k > 0 && in[k - 1].set == NULL)
		k--;
	if (k == 0)
		return GT_ERR;
	last.source = in[k - 1].name;
	return report_json_more(out, in[k - 1].set, &last, json_more, &j);
}

/* ---- dispatch ----------------------------------------------------------------- */

int report_write_inputs(FILE *out, const report_input *in, size_t n,
			const report_opts *o, gt_err *e)
{
	size_t nok = 0;
	int rc;

	for (size_t i = 0; i < n; i++)
		nok += in[i].set != NULL;
	if (nok == 0)
		return gt_errf(e, "no input holds a goroutine dump");
	if (n == 1)
		return report_write(out, in[0].set, o, e);
	errno = 0;
	switch (o->format) {
	case REPORT_TEXT:
		rc = text_inputs(out, in, n, o);
		break;
	case REPORT_MARKDOWN:
		rc = md_inputs(out, in, n, o);
		break;
	case REPORT_JSON:
		rc = json_inputs(out, in, n, o);
		break;
	case REPORT_SARIF:
		rc = report_sarif_inputs(out, in, n, o);
		break;
	case REPORT_GITHUB:
		rc = report_github_inputs(out, in, n, o);
		break;
	default:
		return gt_errf(e, "the %s format takes one input",
			       o->format == REPORT_PROM     ? "prom"
			       : o->format == REPORT_HTML   ? "html"
			       : o->format == REPORT_FOLDED ? "folded"
							    : "chosen");
	}
	return report_flush(out, rc, e);
}
