/*
 * report_diff.c - renders a diff_result (diff.h) as text, JSON (each group:
 * its change plus the group fields of the core schema) or markdown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diff.h"
#include "report_priv.h"

#define STUCK_IDS_SHOWN 10

/* The group an entry is shown with: the new one, or the old one if gone. */
static const group *shown_group(const diff_entry *e)
{
	return e->new_g ? e->new_g : e->old_g;
}

/* How many entries a report lists: changes (not DIFF_SAME unless
 * verbose), at most o->top when set. */
static size_t listed(const diff_result *r, const report_opts *o)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nentries; i++)
		if (r->entries[i].kind != DIFF_SAME || o->verbose)
			n++;
	return o->top && n > o->top ? o->top : n;
}

/* Entries with stuck goroutines, longest blocked first, then most. */
static int by_stuck(const void *pa, const void *pb)
{
	const diff_entry *a = *(const diff_entry *const *)pa;
	const diff_entry *b = *(const diff_entry *const *)pb;
	int ma = a->new_g->max_minutes, mb = b->new_g->max_minutes;

	if (ma != mb)
		return ma > mb ? -1 : 1;
	if (a->stuck != b->stuck)
		return a->stuck > b->stuck ? -1 : 1;
	return strcmp(a->fingerprint, b->fingerprint);
}

static size_t stuck_entries(const diff_result *r, const diff_entry ***out)
{
	size_t n = 0;

	*out = gt_malloc((r->nentries ? r->nentries : 1) * sizeof **out);
	for (size_t i = 0; i < r->nentries; i++)
		if (r->entries[i].stuck)
			(*out)[n++] = &r->entries[i];
	qsort(*out, n, sizeof **out, by_stuck);
	return n;
}

/* ---- text ----------------------------------------------------------------- */

typedef struct dtx {
	FILE *out;
	const diff_result *r;
	const report_opts *o;
	const group_opts *g;
	const char *bold, *red, *dim, *reset;
} dtx;

static void put_side(dtx *x, const char *what, const char *name,
		     const group_dump *d)
{
	char t[32];

	fprintf(x->out, "  %s ", what);
	report_put_clean(x->out, name);
	if (d == NULL) {
		fputs(": no dump\n", x->out);
		return;
	}
	fprintf(x->out, ": %" PRIu64 " %s, %zu %s, %zu flagged", d->total,
		report_plural(d->total, "goroutine", "goroutines"), d->ngroups,
		report_plural(d->ngroups, "group", "groups"), d->nflagged);
	if (report_time_sec(d->time, t, sizeof t)[0])
		fprintf(x->out, ", at %s", t);
	fputc('\n', x->out);
}

static void put_entry(dtx *x, const diff_entry *e)
{
	const group *g = shown_group(e);
	char buf[512];

	fprintf(x->out, "  %s%+7" PRId64 "%s  %6" PRIu64 " -> %-6" PRIu64
		"  %s%-6s%s  %-13s", e->flagged ? x->red : "", e->delta,
		e->flagged ? x->reset : "", e->old_count, e->new_count,
		e->flagged ? x->bold : "", diff_kind_name(e->kind),
		e->flagged ? x->reset : "", category_name(g->cat));
	report_put_frame(x->out, "  ", report_top_frame(g), x->dim, x->reset);
	fprintf(x->out, "   %sfp %s%s\n", x->dim, e->fingerprint, x->reset);
	if (!e->flagged)
		return;
	fprintf(x->out, "  %*s%sflagged:%s ", 7 + 2, "", x->red, x->reset);
	for (size_t k = 0, first = 1; k < report_nreason_bits; k++) {
		unsigned bit = report_reason_bits[k];

		if (!(g->reasons & bit))
			continue;
		group_reason_text(g, bit, x->r->new_d, x->g, buf, sizeof buf);
		fprintf(x->out, "%s%s", first ? "" : "; ", buf);
		first = 0;
	}
	fputc('\n', x->out);
}

static void put_stuck(dtx *x)
{
	const diff_entry **st;
	size_t n = stuck_entries(x->r, &st);
	char mins[32];

	if (n)
		fprintf(x->out, "\nstuck: %" PRIu64 " %s blocked at the same place "
			"in both (same goroutine id):\n", x->r->stuck,
			report_plural(x->r->stuck, "goroutine", "goroutines"));
	for (size_t i = 0; i < n; i++) {
		const diff_entry *e = st[i];
		const group *g = e->new_g;
		size_t k, shown = e->stuck < STUCK_IDS_SHOWN || x->o->verbose
					  ? e->stuck : STUCK_IDS_SHOWN;

		report_minutes(g, mins, sizeof mins);
		fprintf(x->out, "  %6" PRIu64 "  %-13s", e->stuck,
			category_name(g->cat));
		report_put_frame(x->out, "  ", report_top_frame(g), x->dim,
				 x->reset);
		if (mins[0])
			fprintf(x->out, "  %s%s %s", x->bold, mins,
				strcmp(mins, "1") == 0 ? "minute" : "minutes");
		else
			fprintf(x->out, "  %s< 1 minute", x->dim);
		fputs(x->reset, x->out);
		fputc('\n', x->out);
		fprintf(x->out, "          %sids ", x->dim);
		for (k = 0; k < shown; k++)
			fprintf(x->out, "%s%" PRIu64, k ? ", " : "", e->stuck_ids[k]);
		if (shown < e->stuck)
			fprintf(x->out, ", ... %" PRIu64 " more", e->stuck - shown);
		fprintf(x->out, "%s\n", x->reset);
	}
	free(st);
}

static int diff_text(FILE *out, const diff_result *r, const report_opts *o,
		     const group_opts *g, const char *old_name,
		     const char *new_name)
{
	dtx x = {out, r, o, g, "", "", "", ""};
	size_t n = listed(r, o), shown = 0;

	report_colors(o->color, &x.bold, &x.red, &x.dim, &x.reset);
	fputs("gtriage diff:\n", out);
	put_side(&x, "old", old_name, r->old_d);
	put_side(&x, "new", new_name, r->new_d);
	fprintf(out, "goroutines %" PRIu64 " -> %" PRIu64 " (%+" PRId64 "); "
		"groups: %zu new, %zu gone, %zu grown, %zu shrunk, %zu the same\n",
		r->old_total, r->new_total,
		(int64_t)r->new_total - (int64_t)r->old_total, r->count[DIFF_NEW],
		r->count[DIFF_GONE], r->count[DIFF_GROWN], r->count[DIFF_SHRUNK],
		r->count[DIFF_SAME]);

	if (n)
		fprintf(out, "\nchanges (largest first):\n  %7s  %6s    %-6s  "
			"%-6s  %-13s  %s\n", "delta", "old", "new", "change",
			"category", "top frame");
	for (size_t i = 0; i < r->nentries && shown < n && !ferror(out); i++) {
		if (r->entries[i].kind == DIFF_SAME && !o->verbose)
			continue;
		put_entry(&x, &r->entries[i]);
		shown++;
	}
	if (r->nentries - r->count[DIFF_SAME] > shown && !o->verbose)
		fprintf(out, "  ... %zu more %s not shown (-n 0 shows all)\n",
			r->nentries - r->count[DIFF_SAME] - shown,
			report_plural(r->nentries - r->count[DIFF_SAME] - shown,
				      "change", "changes"));
	put_stuck(&x);

	if (r->nflagged)
		fprintf(out, "\n%s%sprobable leak: %zu %s grew and %s flagged%s\n",
			x.bold, x.red, r->nflagged,
			report_plural(r->nflagged, "group", "groups"),
			report_plural(r->nflagged, "is", "are"), x.reset);
	else
		fputs("\nno growing group is flagged\n", out);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- JSON ----------------------------------------------------------------- */

static json_t *jside(const char *name, const group_dump *d)
{
	json_t *o = json_object();
	char t[32];

	json_object_set_new(o, "source", report_json_str(name));
	json_object_set_new(o, "goroutines",
			    json_integer(d ? (json_int_t)d->total : 0));
	json_object_set_new(o, "groups",
			    json_integer(d ? (json_int_t)d->ngroups : 0));
	json_object_set_new(o, "flagged_groups",
			    json_integer(d ? (json_int_t)d->nflagged : 0));
	json_object_set_new(o, "time",
			    d && report_time_sec(d->time, t, sizeof t)[0]
				    ? json_string(t)
				    : json_null());
	return o;
}

static json_t *jentry(const diff_result *r, const diff_entry *e,
		      const group_opts *gopts)
{
	const group *g = shown_group(e);
	json_t *o = json_object(), *core, *a, *v;
	const char *key;

	json_object_set_new(o, "fingerprint", json_string(e->fingerprint));
	json_object_set_new(o, "change", json_string(diff_kind_name(e->kind)));
	json_object_set_new(o, "old_count", json_integer((json_int_t)e->old_count));
	json_object_set_new(o, "new_count", json_integer((json_int_t)e->new_count));
	json_object_set_new(o, "delta", json_integer((json_int_t)e->delta));
	json_object_set_new(o, "flagged", json_boolean(e->flagged));
	json_object_set_new(o, "stuck", json_integer((json_int_t)e->stuck));
	a = json_array();
	for (size_t i = 0; i < e->stuck; i++)
		json_array_append_new(a, json_integer((json_int_t)e->stuck_ids[i]));
	json_object_set_new(o, "stuck_ids", a);
	core = report_json_group(g, e->new_g ? r->new_d : r->old_d, gopts);
	json_object_foreach(core, key, v)
	{
		if (strcmp(key, "fingerprint") != 0)
			json_object_set(o, key, v);
	}
	json_decref(core);
	return o;
}

static int diff_json(FILE *out, const diff_result *r, const report_opts *o,
		     const group_opts *g, const char *old_name,
		     const char *new_name)
{
	json_t *doc = json_object(), *c, *a;

	(void)o;
	json_object_set_new(doc, "schema", json_integer(DIFF_JSON_SCHEMA));
	json_object_set_new(doc, "tool", json_string("gtriage"));
	json_object_set_new(doc, "command", json_string("diff"));
	json_object_set_new(doc, "old", jside(old_name, r->old_d));
	json_object_set_new(doc, "new", jside(new_name, r->new_d));
	json_object_set_new(doc, "delta", json_integer((json_int_t)r->new_total -
						       (json_int_t)r->old_total));
	c = json_object();
	for (int k = DIFF_NEW; k <= DIFF_SAME; k++)
		json_object_set_new(c, diff_kind_name((diff_kind)k),
				    json_integer((json_int_t)r->count[k]));
	json_object_set_new(doc, "changes", c);
	json_object_set_new(doc, "flagged_groups",
			    json_integer((json_int_t)r->nflagged));
	json_object_set_new(doc, "stuck_goroutines",
			    json_integer((json_int_t)r->stuck));
	json_object_set_new(doc, "thresholds", report_json_thresholds(g));
	/* every group, unchanged ones too: a program reads this */
	a = json_array();
	for (size_t i = 0; i < r->nentries; i++)
		json_array_append_new(a, jentry(r, &r->entries[i], g));
	json_object_set_new(doc, "groups", a);
	return report_json_dump(out, doc);
}

/* ---- markdown ------------------------------------------------------------- */

static int diff_markdown(FILE *out, const diff_result *r, const report_opts *o,
			 const char *old_name, const char *new_name)
{
	const diff_entry **st;
	size_t n = listed(r, o), shown = 0, nst;
	char mins[32];

	fputs("## Goroutine diff: ", out);
	report_md_cell(out, old_name);
	fputs(" → ", out);
	report_md_cell(out, new_name);
	fprintf(out, "\n\nGoroutines %" PRIu64 " → %" PRIu64 " (%+" PRId64 "). "
		"Groups: %zu new, %zu gone, %zu grown, %zu shrunk, %zu the same. ",
		r->old_total, r->new_total,
		(int64_t)r->new_total - (int64_t)r->old_total, r->count[DIFF_NEW],
		r->count[DIFF_GONE], r->count[DIFF_GROWN], r->count[DIFF_SHRUNK],
		r->count[DIFF_SAME]);
	if (r->nflagged)
		fprintf(out, "**%zu %s grew and %s flagged as %s.**\n",
			r->nflagged,
			report_plural(r->nflagged, "group", "groups"),
			report_plural(r->nflagged, "is", "are"),
			report_plural(r->nflagged, "a probable leak",
				      "probable leaks"));
	else
		fputs("No growing group is flagged.\n", out);
	if (n)
		fputs("\n| delta | old | new | change | category | top frame | "
		      "fingerprint |\n|---:|---:|---:|---|---|---|---|\n", out);
	for (size_t i = 0; i < r->nentries && shown < n; i++) {
		const diff_entry *e = &r->entries[i];

		if (e->kind == DIFF_SAME && !o->verbose)
			continue;
		shown++;
		fprintf(out, "| %+" PRId64 " | %" PRIu64 " | %" PRIu64 " | %s%s%s"
			" | %s | ", e->delta, e->old_count, e->new_count,
			e->flagged ? "**" : "", diff_kind_name(e->kind),
			e->flagged ? ", flagged**" : "",
			category_name(shown_group(e)->cat));
		report_md_top_frame(out, shown_group(e));
		fprintf(out, " | `%s` |\n", e->fingerprint);
	}
	nst = stuck_entries(r, &st);
	if (nst)
		fprintf(out, "\n**Stuck:** %" PRIu64 " %s blocked at the same "
			"place in both snapshots.\n\n| goroutines | category | "
			"minutes | top frame |\n|---:|---|---:|---|\n", r->stuck,
			report_plural(r->stuck, "goroutine", "goroutines"));
	for (size_t i = 0; i < nst; i++) {
		fprintf(out, "| %" PRIu64 " | %s | %s | ", st[i]->stuck,
			category_name(st[i]->new_g->cat),
			report_minutes(st[i]->new_g, mins, sizeof mins));
		report_md_top_frame(out, st[i]->new_g);
		fputs(" |\n", out);
	}
	free(st);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- dispatch ------------------------------------------------------------- */

int diff_report(FILE *out, const diff_result *r, const report_opts *o,
		const group_opts *gopts, const char *old_name,
		const char *new_name, gt_err *e)
{
	int rc;

	errno = 0;
	switch (o->format) {
	case REPORT_TEXT:
		rc = diff_text(out, r, o, gopts, old_name, new_name);
		break;
	case REPORT_JSON:
		rc = diff_json(out, r, o, gopts, old_name, new_name);
		break;
	case REPORT_MARKDOWN:
		rc = diff_markdown(out, r, o, old_name, new_name);
		break;
	case REPORT_HTML:
		rc = report_html_diff(out, r, o, gopts, old_name, new_name);
		break;
	default:
		return gt_errf(e, "diff has no %s output (text, json, markdown "
			       "or html)", o->format == REPORT_PROM ? "prom"
				   : o->format == REPORT_FOLDED ? "folded"
								: "such");
	}
	return report_flush(out, rc, e);
}
