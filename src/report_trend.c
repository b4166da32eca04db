/*
 * report_trend.c - renders a finished trend (trend.h): text with a
 * sparkline per group, JSON (each group: its series plus the group fields
 * of the core schema), markdown, and Prometheus through report_prom.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "report_priv.h"
#include "trend.h"

#define SPARK_MAX 40  /* sparkline columns; longer series are bucketed */
#define WIDTH 100     /* text lines wrap here */
#define TEXT_COL 11   /* "    cause: " */
#define SNAPS_SHOWN 12 /* snapshots listed unless verbose */

static size_t last_index(const trend *t)
{
	return t->npoints ? t->npoints - 1 : 0;
}

/* "25m", "2h05m", "3d04h", "40s". */
static const char *span_text(double secs, char *buf, size_t len)
{
	long s = (long)(secs + 0.5);

	if (s < 120)
		snprintf(buf, len, "%lds", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%ldh%02ldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%ldd%02ldh", s / 86400, s % 86400 / 3600);
	return buf;
}

static double span_seconds(const trend *t)
{
	double lo = 0, hi = 0;

	for (size_t i = 0; i < t->npoints; i++) {
		double w = t->points[i].when;

		if (w <= 0)
			continue;
		if (lo == 0 || w < lo)
			lo = w;
		if (w > hi)
			hi = w;
	}
	return hi - lo;
}

static int locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* The sparkline of counts: one column per snapshot (the largest count of
 * a bucket when there are more than SPARK_MAX), scaled from 0 to the
 * series' maximum; a blank where the group is absent. */
static void put_spark(FILE *out, const uint64_t *c, size_t n, int utf8)
{
	static const char *const blocks[8] = {"▁", "▂", "▃", "▄",
					      "▅", "▆", "▇", "█"};
	static const char ascii[8] = {'_', '.', ':', '-', '=', '+', '*', '#'};
	size_t w = n < SPARK_MAX ? n : SPARK_MAX;
	uint64_t max = 0;

	for (size_t i = 0; i < n; i++)
		if (c[i] > max)
			max = c[i];
	for (size_t col = 0; col < w; col++) {
		size_t lo = col * n / w, hi = (col + 1) * n / w;
		uint64_t v = 0;
		int level;

		for (size_t i = lo; i < hi; i++)
			if (c[i] > v)
				v = c[i];
		if (v == 0) {
			fputc(' ', out);
			continue;
		}
		level = (int)ceil((double)v * 8.0 / (double)max) - 1;
		if (level < 0)
			level = 0;
		if (level > 7)
			level = 7;
		if (utf8)
			fputs(blocks[level], out);
		else
			fputc(ascii[level], out);
	}
}

/* "+1440.0/h" or, without times, "+24" (the whole change). */
static const char *growth_text(const trend *t, const trend_series *s,
			       char *buf, size_t len)
{
	size_t last = last_index(t);

	/* fabs: no "-0.0" from rounding noise in a flat series */
	if (t->timed)
		snprintf(buf, len, "%+.1f/h", fabs(s->growth_per_hour) < 0.05
						     ? 0.0
						     : s->growth_per_hour);
	else
		snprintf(buf, len, "%+" PRId64,
			 (int64_t)s->counts[last] - (int64_t)s->counts[0]);
	return buf;
}

/* ---- text ----------------------------------------------------------------- */

typedef struct ttx {
	FILE *out;
	const trend *t;
	const report_opts *o;
	int utf8;
	const char *bold, *red, *dim, *reset;
} ttx;

static void put_header(ttx *x)
{
	const trend *t = x->t;
	char a[32], sp[32];
	size_t shown = t->npoints;

	fputs("gtriage trend: ", x->out);
	report_put_clean(x->out, x->o->source ? x->o->source : "-");
	fprintf(x->out, ": %zu %s", t->npoints,
		report_plural(t->npoints, "snapshot", "snapshots"));
	if (t->timed)
		fprintf(x->out, " over %s",
			span_text(span_seconds(t), sp, sizeof sp));
	fprintf(x->out, ", %zu %s, ", t->nseries,
		report_plural(t->nseries, "group", "groups"));
	if (t->ngrowing)
		fprintf(x->out, "%s%s%zu growing%s\n", x->bold, x->red,
			t->ngrowing, x->reset);
	else if (!trend_tested(t))
		fprintf(x->out, "growth not tested (%d snapshots%s needed)\n",
			TREND_MIN_POINTS,
			t->npoints >= TREND_MIN_POINTS ? " at different times"
						       : "");
	else
		fputs("none growing\n", x->out);

	if (!x->o->verbose && shown > SNAPS_SHOWN)
		shown = SNAPS_SHOWN;
	fputs("\nsnapshots:\n", x->out);
	for (size_t i = 0; i < t->npoints; i++) {
		const trend_point *p = &t->points[i];

		/* the first ones and the last ones when there are many */
		if (shown < t->npoints && i >= shown / 2 &&
		    i < t->npoints - shown / 2) {
			if (i == shown / 2)
				fprintf(x->out, "  ... %zu more (-v lists all)\n",
					t->npoints - shown / 2 * 2);
			continue;
		}
		fprintf(x->out, "  %3zu  %-20s  ", i + 1,
			report_time_sec(p->when, a, sizeof a)[0]
				? a
				: "(time unknown)");
		report_put_clean(x->out, p->label);
		fprintf(x->out, "  %" PRIu64 " %s\n", p->dump->total,
			report_plural(p->dump->total, "goroutine",
				      "goroutines"));
	}
	if (t->npoints < TREND_MIN_POINTS)
		fprintf(x->out, "note: the growth test needs at least %d "
			"snapshots; 'gtriage diff' compares two\n",
			TREND_MIN_POINTS);
	else if (!trend_tested(t))
		fprintf(x->out, "note: these snapshots were taken at only %zu "
			"different times; the growth test needs %d\n",
			t->ntimes, TREND_MIN_POINTS);
}

/* "    label: text" wrapped at WIDTH, continuation lines under the text;
 * control bytes shown as '?'. */
static void put_wrapped(FILE *out, const char *label, const char *text)
{
	size_t col = TEXT_COL;
	const char *w = text;

	fprintf(out, "    %-7s", label);
	while (*w) {
		size_t len = strcspn(w, " "), cols = 0;

		for (size_t i = 0; i < len; i++)
			cols += ((unsigned char)w[i] & 0xc0) != 0x80;
		if (col > TEXT_COL && col + 1 + cols > WIDTH) {
			fprintf(out, "\n%*s", TEXT_COL, "");
			col = TEXT_COL;
		} else if (col > TEXT_COL) {
			fputc(' ', out);
			col++;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)w[i];

			fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
		}
		col += cols;
		w += len;
		while (*w == ' ')
			w++;
	}
	fputc('\n', out);
}

static void put_counts(ttx *x, const trend_series *s)
{
	const trend *t = x->t;
	size_t n = t->npoints, from = 0;

	fprintf(x->out, "    counts: ");
	if (!x->o->verbose && n > 24) {
		from = n - 24;
		fprintf(x->out, "... ");
	}
	for (size_t i = from; i < n; i++)
		fprintf(x->out, "%s%" PRIu64, i > from ? " " : "", s->counts[i]);
	if (n >= TREND_MK_POINTS)
		fprintf(x->out, "   %sMann-Kendall S=%ld p=%.4f%s", x->dim,
			s->mk_s, s->p_value, x->reset);
	fputc('\n', x->out);
}

static void put_where(ttx *x, const group *g)
{
	size_t idx[REPORT_KEY_FRAMES], n = report_key_frames(g, idx, NULL);

	for (size_t i = 0; i < n; i++) {
		fprintf(x->out, "    %-7s", i ? "" : "at:");
		report_put_frame(x->out, "", &g->frames[idx[i]], x->dim,
				 x->reset);
		fputc('\n', x->out);
	}
	if (g->created_by.func) {
		fputs("    created by ", x->out);
		report_put_clean(x->out, g->created_by.func);
		fputc('\n', x->out);
	}
}

/* "[1] ▁▂▃▅▆█  4 -> 24  +480.0/h  chan-send  "chan send"  fp ..." */
static void put_series_head(ttx *x, size_t num, const trend_series *s)
{
	const trend *t = x->t;
	const group *g = s->latest;
	char gr[32];

	fprintf(x->out, "%s[%zu]%s ", s->flagged ? x->red : "", num,
		s->flagged ? x->reset : "");
	put_spark(x->out, s->counts, t->npoints, x->utf8);
	fprintf(x->out, "  %s%" PRIu64 " -> %" PRIu64 "%s  %s  %s",
		x->bold, s->counts[0], s->counts[last_index(t)], x->reset,
		growth_text(t, s, gr, sizeof gr), category_name(g->cat));
	if (g->state && g->state[0]) {
		fputs("  \"", x->out);
		report_put_clean(x->out, g->state);
		fputc('"', x->out);
	}
	if (g->max_minutes >= 0)
		fprintf(x->out, ", %d min", g->max_minutes);
	fprintf(x->out, "   %sfp %s%s\n", x->dim, s->fingerprint, x->reset);
}

static void put_series_full(ttx *x, size_t num, const trend_series *s)
{
	const group *g = s->latest;
	char buf[512];

	put_series_head(x, num, s);
	if (s->reasons & ~(unsigned)GROUP_R_GROWING) {
		fprintf(x->out, "    %-7s", "why:");
		for (size_t k = 0, first = 1; k < report_nreason_bits; k++) {
			unsigned bit = report_reason_bits[k];

			if (!(s->reasons & bit) || bit == GROUP_R_GROWING)
				continue;
			group_reason_text(g, bit, s->latest_dump,
					  &x->t->opts.group, buf, sizeof buf);
			fprintf(x->out, "%s", first ? "" : "; ");
			report_put_clean(x->out, buf);
			first = 0;
		}
		fputc('\n', x->out);
	}
	put_counts(x, s);
	put_where(x, g);
	for (size_t i = 0; i < g->ndiags; i++) {
		if (g->diags[i]->cause && g->diags[i]->cause[0])
			put_wrapped(x->out, "cause:", g->diags[i]->cause);
		if (g->diags[i]->fix && g->diags[i]->fix[0])
			put_wrapped(x->out, "fix:", g->diags[i]->fix);
	}
}

static void put_series_line(ttx *x, size_t num, const trend_series *s,
			    int numw)
{
	const trend *t = x->t;
	char nb[32], gr[32];

	snprintf(nb, sizeof nb, "[%zu]", num);
	fprintf(x->out, "%-*s ", numw, nb);
	put_spark(x->out, s->counts, t->npoints, x->utf8);
	fprintf(x->out, "  %4" PRIu64 " -> %-4" PRIu64 " %-8s %-13s",
		s->counts[0], s->counts[last_index(t)],
		growth_text(t, s, gr, sizeof gr), category_name(s->latest->cat));
	report_put_frame(x->out, "  ", report_top_frame(s->latest), x->dim,
			 x->reset);
	fputc('\n', x->out);
}

static int trend_text(FILE *out, const trend *t, const report_opts *o)
{
	ttx x = {out, t, o, locale_utf8(), "", "", "", ""};
	size_t ngrow = 0, nflag = 0, nother, shown, i;
	char sp[32];

	report_colors(o->color, &x.bold, &x.red, &x.dim, &x.reset);
	put_header(&x);
	for (i = 0; i < t->nseries; i++) {
		ngrow += t->series[i].growing != 0;
		nflag += t->series[i].flagged && !t->series[i].growing;
	}
	if (ngrow)
		fprintf(out, "\n%s%sgrowing steadily (probable leaks):%s\n",
			x.bold, x.red, x.reset);
	for (i = 0; i < ngrow; i++) {
		if (i)
			fputc('\n', out);
		put_series_full(&x, i + 1, &t->series[i]);
	}
	if (nflag)
		fprintf(out, "\n%sflagged in the last snapshot, %s:%s\n", x.bold,
			!trend_tested(t) ? "growth not tested"
						      : "not growing",
			x.reset);
	for (i = ngrow; i < ngrow + nflag; i++) {
		if (i > ngrow)
			fputc('\n', out);
		put_series_full(&x, i + 1, &t->series[i]);
	}
	nother = t->nseries - ngrow - nflag;
	shown = o->top ? (o->top > ngrow + nflag ? o->top - ngrow - nflag : 0)
		       : o->verbose ? nother : REPORT_OTHERS_DEFAULT;
	if (shown > nother)
		shown = nother;
	if (shown) {
		int numw = snprintf(NULL, 0, "[%zu]", ngrow + nflag + shown);

		if (shown < nother)
			fprintf(out, "\nother groups (%zu largest of %zu):\n",
				shown, nother);
		else
			fputs("\nother groups:\n", out);
		for (i = ngrow + nflag; i < ngrow + nflag + shown; i++)
			put_series_line(&x, i + 1, &t->series[i], numw);
	}
	if (shown < nother)
		fprintf(out, "... %zu other %s not shown (-v shows all)\n",
			nother - shown,
			report_plural(nother - shown, "group", "groups"));

	if (t->ngrowing) {
		double rate = 0;
		uint64_t now = 0;

		for (i = 0; i < ngrow; i++) {
			rate += t->series[i].growth_per_hour;
			now += t->series[i].counts[last_index(t)];
		}
		fprintf(out, "\n%s%sprobable leak: %zu %s growing steadily, %"
			PRIu64 " %s now", x.bold, x.red, t->ngrowing,
			report_plural(t->ngrowing, "group", "groups"), now,
			report_plural(now, "goroutine", "goroutines"));
		if (t->timed)
			fprintf(out, ", %+.1f per hour", rate);
		fprintf(out, "%s\n", x.reset);
	} else {
		fprintf(out, "\nno group grows steadily");
		if (t->timed)
			fprintf(out, " over %s",
				span_text(span_seconds(t), sp, sizeof sp));
		fputc('\n', out);
	}
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- JSON ----------------------------------------------------------------- */

/* Rounded to 1/scale; + 0.0 turns a negative zero into zero. */
static json_t *jnum(double v, double scale)
{
	return json_real(round(v * scale) / scale + 0.0);
}

static json_t *jtime(double when)
{
	char buf[32];

	return when > 0 ? json_string(report_time_sec(when, buf, sizeof buf))
			: json_null();
}

static json_t *jreasons(const trend *t, const trend_series *s)
{
	json_t *a = json_array();
	char buf[512];

	for (size_t k = 0; k < report_nreason_bits; k++) {
		unsigned bit = report_reason_bits[k];
		json_t *r;

		if (!(s->reasons & bit))
			continue;
		if (bit == GROUP_R_GROWING) {
			snprintf(buf, sizeof buf, "grows steadily from %" PRIu64
				 " to %" PRIu64 " over %zu snapshots",
				 s->counts[0], s->counts[last_index(t)],
				 t->npoints);
			if (t->timed)
				snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
					 " (%+.1f per hour)", s->growth_per_hour);
		} else {
			group_reason_text(s->latest, bit, s->latest_dump,
					  &t->opts.group, buf, sizeof buf);
		}
		r = json_object();
		json_object_set_new(r, "code", json_string(report_reason_code(bit)));
		json_object_set_new(r, "text", report_json_str(buf));
		json_array_append_new(a, r);
	}
	return a;
}

static json_t *jseries(const trend *t, const trend_series *s)
{
	const group *g = s->latest;
	json_t *o = json_object(), *core, *a, *v;
	const char *key;
	size_t last_seen = 0;

	for (size_t i = 0; i < t->npoints; i++)
		if (t->points[i].dump == s->latest_dump)
			last_seen = i + 1;
	json_object_set_new(o, "fingerprint", json_string(s->fingerprint));
	a = json_array();
	for (size_t i = 0; i < t->npoints; i++)
		json_array_append_new(a, json_integer((json_int_t)s->counts[i]));
	json_object_set_new(o, "counts", a);
	json_object_set_new(o, "growing", json_boolean(s->growing));
	json_object_set_new(o, "growth_per_hour",
			    t->timed ? jnum(s->growth_per_hour, 1000)
				     : json_null());
	json_object_set_new(o, "rise", jnum(s->rise, 1000));
	json_object_set_new(o, "mann_kendall_s", json_integer(s->mk_s));
	json_object_set_new(o, "p_value", jnum(s->p_value, 1e6));
	json_object_set_new(o, "last_seen", json_integer((json_int_t)last_seen));

	/* then the group fields of the core schema, for the group in the last
	 * snapshot that has it; "leak" and "reasons" are the series' own */
	core = report_json_group(g, s->latest_dump, &t->opts.group);
	json_object_foreach(core, key, v)
	{
		if (strcmp(key, "fingerprint") == 0)
			continue;
		if (strcmp(key, "leak") == 0)
			v = json_boolean(s->flagged);
		else if (strcmp(key, "reasons") == 0)
			v = jreasons(t, s);
		else
			json_incref(v);
		json_object_set_new(o, key, v);
	}
	json_decref(core);
	return o;
}

static json_t *jtrend(const trend *t, const report_opts *o)
{
	json_t *doc = json_object(), *a, *th, *gt;
	size_t nflag = 0;

	json_object_set_new(doc, "schema", json_integer(TREND_JSON_SCHEMA));
	json_object_set_new(doc, "tool", json_string("gtriage"));
	json_object_set_new(doc, "command", json_string("trend"));
	json_object_set_new(doc, "source",
			    report_json_str(o->source ? o->source : "-"));
	a = json_array();
	for (size_t i = 0; i < t->npoints; i++) {
		const trend_point *p = &t->points[i];
		json_t *s = json_object();

		json_object_set_new(s, "index", json_integer((json_int_t)i + 1));
		json_object_set_new(s, "label", report_json_str(p->label));
		json_object_set_new(s, "time", jtime(p->when));
		json_object_set_new(s, "kind",
				    json_string(parse_kind_name(p->dump->kind)));
		json_object_set_new(s, "goroutines",
				    json_integer((json_int_t)p->dump->total));
		json_object_set_new(s, "groups",
				    json_integer((json_int_t)p->dump->ngroups));
		json_object_set_new(s, "flagged_groups",
				    json_integer((json_int_t)p->dump->nflagged));
		json_object_set_new(s, "truncated",
				    json_boolean(p->dump->truncated));
		json_array_append_new(a, s);
	}
	json_object_set_new(doc, "snapshots", a);
	json_object_set_new(doc, "span_seconds",
			    t->timed ? jnum(span_seconds(t), 1000) : json_null());
	for (size_t i = 0; i < t->nseries; i++)
		nflag += t->series[i].flagged != 0;
	json_object_set_new(doc, "growing_groups",
			    json_integer((json_int_t)t->ngrowing));
	json_object_set_new(doc, "flagged_groups", json_integer((json_int_t)nflag));

	th = report_json_thresholds(&t->opts.group);
	gt = json_object();
	json_object_set_new(gt, "min_points", json_integer(TREND_MIN_POINTS));
	json_object_set_new(gt, "mann_kendall_points",
			    json_integer(TREND_MK_POINTS));
	json_object_set_new(gt, "min_growth",
			    json_integer((json_int_t)t->opts.min_growth));
	json_object_set_new(gt, "min_rise", json_real(t->opts.min_rise));
	json_object_set_new(gt, "max_p", json_real(t->opts.max_p));
	json_object_set_new(gt, "max_step", json_real(t->opts.max_step));
	json_object_set_new(th, "growth", gt);
	json_object_set_new(doc, "thresholds", th);

	a = json_array();
	for (size_t i = 0; i < t->nseries; i++)
		json_array_append_new(a, jseries(t, &t->series[i]));
	json_object_set_new(doc, "groups", a);
	return doc;
}

static int trend_json(FILE *out, const trend *t, const report_opts *o)
{
	return report_json_dump(out, jtrend(t, o));
}

/* ---- markdown ------------------------------------------------------------- */

static int trend_markdown(FILE *out, const trend *t, const report_opts *o)
{
	size_t shown = 0, limit = o->top ? o->top : o->verbose ? t->nseries : 20;
	char a[32], sp[32], gr[32];

	fputs("## Goroutine trend: ", out);
	report_md_cell(out, o->source ? o->source : "-");
	fprintf(out, "\n\n%zu %s", t->npoints,
		report_plural(t->npoints, "snapshot", "snapshots"));
	if (t->timed)
		fprintf(out, " over %s", span_text(span_seconds(t), sp, sizeof sp));
	fprintf(out, ", %zu %s. ", t->nseries,
		report_plural(t->nseries, "group", "groups"));
	if (t->ngrowing)
		fprintf(out, "**%zu %s steadily: %s.**\n", t->ngrowing,
			report_plural(t->ngrowing, "group grows", "groups grow"),
			report_plural(t->ngrowing, "a probable leak",
				      "probable leaks"));
	else
		fputs("No group grows steadily.\n", out);

	fputs("\n| # | time | snapshot | goroutines |\n|---:|---|---|---:|\n",
	      out);
	for (size_t i = 0; i < t->npoints; i++) {
		fprintf(out, "| %zu | %s | ", i + 1,
			report_time_sec(t->points[i].when, a, sizeof a));
		report_md_cell(out, t->points[i].label);
		fprintf(out, " | %" PRIu64 " |\n", t->points[i].dump->total);
	}

	fputs("\n| trend | first | last | growth | growing | category | "
	      "top frame | fingerprint |\n"
	      "|---|---:|---:|---:|---|---|---|---|\n", out);
	for (size_t i = 0; i < t->nseries; i++) {
		const trend_series *s = &t->series[i];

		if (!s->flagged && shown >= limit)
			continue;
		shown++;
		fputc('|', out);
		fputc(' ', out);
		put_spark(out, s->counts, t->npoints, 1);
		fprintf(out, " | %" PRIu64 " | %" PRIu64 " | %s | %s | %s | ",
			s->counts[0], s->counts[last_index(t)],
			growth_text(t, s, gr, sizeof gr),
			s->growing ? "**yes**" : s->flagged ? "flagged" : "no",
			category_name(s->latest->cat));
		report_md_top_frame(out, s->latest);
		fprintf(out, " | `%s` |\n", s->fingerprint);
	}
	if (shown < t->nseries)
		fprintf(out, "\n%zu other %s not shown.\n", t->nseries - shown,
			report_plural(t->nseries - shown, "group", "groups"));
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- dispatch ------------------------------------------------------------- */

int trend_report(FILE *out, const trend *t, const report_opts *o, gt_err *e)
{
	int rc;

	errno = 0;
	switch (o->format) {
	case REPORT_TEXT:
		rc = trend_text(out, t, o);
		break;
	case REPORT_JSON:
		rc = trend_json(out, t, o);
		break;
	case REPORT_MARKDOWN:
		rc = trend_markdown(out, t, o);
		break;
	case REPORT_PROM:
		rc = trend_prom(out, t, o);
		break;
	case REPORT_HTML:
		rc = report_html_trend(out, t, o);
		break;
	case REPORT_FOLDED:
		return gt_errf(e, "trend has no folded output: fold one snapshot "
			       "with 'gtriage -f folded'");
	default:
		return gt_errf(e, "unknown report format %d", (int)o->format);
	}
	return report_flush(out, rc, e);
}
