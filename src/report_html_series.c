/*
 * report_html_series.c - the HTML pages of a diff (two snapshots: new,
 * gone, grown and shrunk groups marked) and of a trend (a sparkline per
 * group, counts on hover), built from the page parts of report_html.c.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "report_priv.h"
#include "trend.h"
#include "verdict.h"

/* Unchanged (diff) or steady (trend) groups on a page unless -v or --top. */
#define SERIES_OTHERS_DEFAULT 100
/* Sparkline size in SVG units. */
#define SPARK_W 240.0
#define SPARK_H 40.0

/* ---- diff ---------------------------------------------------------------- */

static void diff_counts(FILE *out, const void *ud)
{
	const diff_entry *e = ud;

	fprintf(out, "<p>%" PRIu64 " &rarr; %" PRIu64 " goroutines (<b>%+"
		PRId64 "</b>)", e->old_count, e->new_count, e->delta);
	if (e->stuck)
		fprintf(out, "; %" PRIu64 " blocked here in both snapshots",
			e->stuck);
	fputs("</p>\n", out);
}

int report_html_diff(FILE *out, const diff_result *r, const report_opts *o,
		     const group_opts *go, const char *old_name,
		     const char *new_name)
{
	size_t shown = 0, same = 0, limit = o->top;
	char title[2048];

	snprintf(title, sizeof title, "%s \xe2\x86\x92 %s",
		 old_name ? old_name : "-", new_name ? new_name : "-");
	html_open(out, "Goroutine diff", title);
	fprintf(out, "<p>Goroutines %" PRIu64 " &rarr; %" PRIu64 " (%+" PRId64
		"). Groups: %zu new, %zu gone, %zu grown, %zu shrunk, %zu the "
		"same. ", r->old_total, r->new_total,
		(int64_t)r->new_total - (int64_t)r->old_total,
		r->count[DIFF_NEW], r->count[DIFF_GONE], r->count[DIFF_GROWN],
		r->count[DIFF_SHRUNK], r->count[DIFF_SAME]);
	if (r->nflagged)
		fprintf(out, "<b class=\"warn\">%zu %s grew and %s flagged as "
			"%s.</b>", r->nflagged,
			report_plural(r->nflagged, "group", "groups"),
			report_plural(r->nflagged, "is", "are"),
			report_plural(r->nflagged, "a probable leak",
				      "probable leaks"));
	else
		fputs("No growing group is flagged.", out);
	if (r->stuck)
		fprintf(out, " %" PRIu64 " %s blocked at the same place in both "
			"snapshots.", r->stuck,
			report_plural(r->stuck, "goroutine is",
				      "goroutines are"));
	fputs("</p>\n", out);
	if (r->new_d) {
		html_crash(out, r->new_d);
		fputs("<section id=\"summary\"><h2>The new snapshot by category"
		      "</h2>\n", out);
		html_categories(out, r->new_d);
		fputs("</section>\n", out);
	}
	fputs("<section id=\"groups\">\n<h2>Changes, largest first</h2>\n",
	      out);
	for (size_t i = 0; i < r->nentries && !ferror(out); i++) {
		const diff_entry *e = &r->entries[i];
		const group *g = e->new_g ? e->new_g : e->old_g;
		const group_dump *d = e->new_g ? r->new_d : r->old_d;

		if (limit && shown >= limit)
			break;
		if (e->kind == DIFF_SAME && !o->verbose &&
		    same++ >= SERIES_OTHERS_DEFAULT)
			continue;
		shown++;
		html_group(out, g, g->verdict, g->why, g->reasons, d, go, i + 1,
			   diff_kind_name(e->kind), diff_counts, e);
	}
	if (shown < r->nentries)
		fprintf(out, "<p>%zu other %s not shown (-v shows all).</p>\n",
			r->nentries - shown,
			report_plural(r->nentries - shown, "group", "groups"));
	fputs("</section>\n", out);
	if (r->new_d)
		html_flame(out, r->new_d);
	html_close(out);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- trend --------------------------------------------------------------- */

typedef struct spark {
	const trend *t;
	const trend_series *s;
} spark;

/* The counts of one series as a polyline, each point a circle whose
 * title gives the snapshot and its count (shown on hover). */
static void trend_spark(FILE *out, const void *ud)
{
	const spark *sp = ud;
	const trend *t = sp->t;
	const trend_series *s = sp->s;
	uint64_t lo = UINT64_MAX, hi = 0;
	double dx = t->npoints > 1 ? SPARK_W / (double)(t->npoints - 1) : 0;

	for (size_t i = 0; i < t->npoints; i++) {
		if (s->counts[i] < lo)
			lo = s->counts[i];
		if (s->counts[i] > hi)
			hi = s->counts[i];
	}
	fprintf(out, "<p>%" PRIu64 " &rarr; %" PRIu64 " goroutines over %zu "
		"snapshots", s->counts[0], s->counts[t->npoints - 1],
		t->npoints);
	if (s->growing)
		fputs(", <b class=\"warn\">growing steadily</b>", out);
	if (t->timed && s->growth_per_hour != 0)
		fprintf(out, ", %+.1f per hour", s->growth_per_hour);
	fputs("</p>\n", out);
	fprintf(out, "<svg class=\"spark\" viewBox=\"-4 -4 %.0f %.0f\" "
		"width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\""
		"goroutines per snapshot\">\n<polyline points=\"",
		SPARK_W + 8, SPARK_H + 8, SPARK_W + 8, SPARK_H + 8);
	for (size_t i = 0; i < t->npoints; i++) {
		double y = hi > lo ? SPARK_H * (double)(hi - s->counts[i]) /
					     (double)(hi - lo)
				   : SPARK_H / 2;

		fprintf(out, "%s%.1f,%.1f", i ? " " : "", dx * (double)i, y);
	}
	fputs("\"/>\n", out);
	for (size_t i = 0; i < t->npoints; i++) {
		double y = hi > lo ? SPARK_H * (double)(hi - s->counts[i]) /
					     (double)(hi - lo)
				   : SPARK_H / 2;

		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>",
			dx * (double)i, y);
		html_escape(out, t->points[i].label);
		fprintf(out, ": %" PRIu64 "</title></circle>\n", s->counts[i]);
	}
	fputs("</svg>\n", out);
}

int report_html_trend(FILE *out, const trend *t, const report_opts *o)
{
	const group_dump *last = t->npoints ? t->points[t->npoints - 1].dump
					    : NULL;
	size_t shown = 0, steady = 0, limit = o->top;
	char when[40];

	html_open(out, "Goroutine trend", o->source);
	fprintf(out, "<p>%zu snapshots, %zu groups followed; ", t->npoints,
		t->nseries);
	if (t->ngrowing)
		fprintf(out, "<b class=\"warn\">%zu %s steadily</b>.",
			t->ngrowing, report_plural(t->ngrowing, "grows",
						   "grow"));
	else
		fputs("no group grows steadily.", out);
	fputs("</p>\n", out);
	if (t->npoints) {
		fputs("<details><summary>snapshots</summary><ol>\n", out);
		for (size_t i = 0; i < t->npoints; i++) {
			fputs("<li>", out);
			html_escape(out, t->points[i].label);
			if (report_time_sec(t->points[i].when, when,
					    sizeof when)[0])
				fprintf(out, " <span class=\"mut\">%s</span>",
					when);
			fprintf(out, ": %" PRIu64 " goroutines</li>\n",
				t->points[i].dump->total);
		}
		fputs("</ol></details>\n", out);
	}
	if (last) {
		html_crash(out, last);
		fputs("<section id=\"summary\"><h2>The last snapshot by "
		      "category</h2>\n", out);
		html_categories(out, last);
		fputs("</section>\n", out);
	}
	fputs("<section id=\"groups\">\n<h2>Groups, most suspicious first"
	      "</h2>\n", out);
	for (size_t i = 0; i < t->nseries && !ferror(out); i++) {
		const trend_series *s = &t->series[i];
		spark sp = {t, s};

		if (limit && shown >= limit)
			break;
		if (!s->flagged && !o->verbose &&
		    steady++ >= SERIES_OTHERS_DEFAULT)
			continue;
		shown++;
		/* a series is judged by its growth, not one snapshot */
		html_group(out, s->latest,
			   s->flagged ? VERDICT_LEAK : VERDICT_NORMAL, NULL,
			   s->reasons, s->latest_dump,
			   &t->opts.group, i + 1, s->growing ? "growing" : NULL,
			   trend_spark, &sp);
	}
	if (shown < t->nseries)
		fprintf(out, "<p>%zu other %s not shown (-v shows all).</p>\n",
			t->nseries - shown,
			report_plural(t->nseries - shown, "group", "groups"));
	fputs("</section>\n", out);
	if (last)
		html_flame(out, last);
	html_close(out);
	return ferror(out) ? GT_ERR : GT_OK;
}
