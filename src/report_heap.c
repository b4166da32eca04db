/*
 * report_heap.c - heap reports (see report_heap.h): one profile's
 * allocation sites, or the sites followed across snapshots with their
 * growth in bytes per hour.
 */
#define _GNU_SOURCE
#include "report_heap.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"
#include "trend.h"

#define DEFAULT_TOP 20

static const char *human(double b, char *buf, size_t len)
{
	static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
	size_t u = 0;
	double a = fabs(b);

	while (a >= 1000 && u < 4)
		a /= 1000, b /= 1000, u++;
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
	return buf;
}

/* "main.readUpload (heapleak/main.go:65)": the first user frame, else
 * the innermost one. */
static void site_name(const heap_site *s, char *buf, size_t len)
{
	const group_frame *f;

	if (s->nframes == 0) {
		snprintf(buf, len, "(no stack)");
		return;
	}
	f = &s->frames[s->user < s->nframes ? s->user : 0];
	if (f->file)
		snprintf(buf, len, "%s (%s:%u)", f->func, f->file, f->line);
	else
		snprintf(buf, len, "%s", f->func);
}

/* The frames shown, as for goroutines: the runtime's own frames at the
 * top (the allocator) left out, all of them when nothing else is there;
 * what the program called (time.NewTicker) stays: it says which object. */
static size_t first_shown(const heap_site *s)
{
	size_t i;

	for (i = 0; i < s->nframes; i++)
		if (strncmp(s->frames[i].func, "runtime.", 8) != 0)
			return i;
	return 0;
}

static void text_frames(FILE *out, const heap_site *s)
{
	size_t i;

	for (i = first_shown(s); i < s->nframes; i++)
		fprintf(out, "        %s\n            %s:%u\n",
		        s->frames[i].func,
		        s->frames[i].file ? s->frames[i].file : "?",
		        s->frames[i].line);
}

static json_t *frames_json(const heap_site *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = first_shown(s); i < s->nframes; i++) {
		json_t *f = json_object();

		json_object_set_new(
		    f, "func",
		    json_stringn(s->frames[i].func, s->frames[i].func_len));
		if (s->frames[i].file) {
			json_object_set_new(
			    f, "file",
			    json_stringn(s->frames[i].file,
			                 s->frames[i].file_len));
			json_object_set_new(f, "line",
			                    json_integer(s->frames[i].line));
		}
		json_array_append_new(a, f);
	}
	return a;
}

/* As a goroutine group's diagnoses (docs/json-schema.md, diagnosis). */
static json_t *diags_json(const rules_diag *const *d, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(d[i]->name));
		json_object_set_new(o, "cause", json_string(d[i]->cause));
		json_object_set_new(o, "fix", json_string(d[i]->fix));
		json_object_set_new(o, "leak_at", json_null());
		json_object_set_new(o, "healthy", json_false());
		json_object_set_new(o, "rule_file", d[i]->file
		                                        ? json_string(d[i]->file)
		                                        : json_null());
		json_object_set_new(o, "rule_line",
		                    d[i]->file && d[i]->line
		                        ? json_integer(d[i]->line)
		                        : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static void text_diags(FILE *out, const rules_diag *const *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, "    diagnosis %s: %s\n    fix: %s\n", d[i]->name,
		        d[i]->cause, d[i]->fix);
}

static json_t *site_json(const heap_profile *h, const heap_site *s)
{
	json_t *o = json_object();
	char name[1024];

	site_name(s, name, sizeof name);
	json_object_set_new(o, "key", json_string(s->key));
	json_object_set_new(o, "site", json_string(name));
	json_object_set_new(o, "frames", frames_json(s));
	if (h->has_inuse) {
		json_object_set_new(o, "inuse_bytes",
		                    json_integer(s->inuse_bytes));
		json_object_set_new(o, "inuse_objects",
		                    json_integer(s->inuse_objects));
	}
	if (h->has_alloc) {
		json_object_set_new(o, "alloc_bytes",
		                    json_integer(s->alloc_bytes));
		json_object_set_new(o, "alloc_objects",
		                    json_integer(s->alloc_objects));
	}
	json_object_set_new(o, "diagnoses", diags_json(s->diags, s->ndiags));
	return o;
}

static json_t *totals_json(const heap_profile *h)
{
	json_t *o = json_object();
	size_t i;

	if (h->has_inuse) {
		json_object_set_new(o, "inuse_bytes",
		                    json_integer(h->inuse_bytes));
		json_object_set_new(o, "inuse_objects",
		                    json_integer(h->inuse_objects));
	}
	if (h->has_alloc) {
		json_object_set_new(o, "alloc_bytes",
		                    json_integer(h->alloc_bytes));
		json_object_set_new(o, "alloc_objects",
		                    json_integer(h->alloc_objects));
	}
	if (h->nmemstats) {
		json_t *m = json_object();

		for (i = 0; i < h->nmemstats; i++)
			json_object_set_new(
			    m, h->memstats[i].name,
			    json_integer((json_int_t)h->memstats[i].value));
		json_object_set_new(o, "memstats", m);
	}
	return o;
}

static int dump_json(FILE *out, json_t *doc, gt_err *e)
{
	int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(doc);
	if (rc != 0 || fputc('\n', out) == EOF)
		return gt_errf(e, "writing the report: %s", strerror(errno));
	return GT_OK;
}

/* The "sites" array is written a site at a time: a profile of 100,000
 * sites would otherwise sit in memory as a JSON tree many times its size. */
static int stream_json(FILE *out, json_t *doc,
                       json_t *(*item)(void *ud, size_t i), void *ud,
                       size_t n, gt_err *e)
{
	if (report_json_stream(out, doc, "sites", item, ud, n) != GT_OK)
		return gt_errf(e, "writing the report: %s", strerror(errno));
	return GT_OK;
}

static json_t *site_item(void *ud, size_t i)
{
	const heap_profile *h = ud;

	return site_json(h, &h->sites[i]);
}

static const char *objects(int64_t n)
{
	return n == 1 ? "object" : "objects";
}

static void text_header(FILE *out, const heap_profile *h, const char *source)
{
	char a[32], b[32];

	fprintf(out, "heap profile %s: %s in use in %" PRId64 " %s",
	        source ? source : "",
	        human((double)h->inuse_bytes, a, sizeof a), h->inuse_objects,
	        objects(h->inuse_objects));
	if (h->has_alloc)
		fprintf(out, ", %s allocated in %" PRId64 " %s",
		        human((double)h->alloc_bytes, b, sizeof b),
		        h->alloc_objects, objects(h->alloc_objects));
	fputc('\n', out);
	if (h->text && h->rate > 1)
		fprintf(out,
		        "sampled every %" PRId64 " bytes; figures scaled "
		        "as pprof scales them\n",
		        h->rate);
	if (h->nmemstats) {
		static const char *const shown[] = {
		    "HeapAlloc", "HeapInuse", "HeapObjects", "Sys", "NumGC"};
		size_t i;

		fputs("MemStats:", out);
		for (i = 0; i < sizeof shown / sizeof shown[0]; i++) {
			int64_t v = heap_memstat(h, shown[i]);

			if (v < 0)
				continue;
			if (strcmp(shown[i], "HeapObjects") == 0 ||
			    strcmp(shown[i], "NumGC") == 0)
				fprintf(out, " %s %" PRId64, shown[i], v);
			else
				fprintf(out, " %s %s", shown[i],
				        human((double)v, a, sizeof a));
		}
		fputc('\n', out);
	}
}

int heap_report(FILE *out, const heap_profile *h, const heap_report_opts *o,
                gt_err *e)
{
	size_t i, top = o->top ? o->top : DEFAULT_TOP;

	if (o->format == REPORT_JSON) {
		json_t *doc = json_object();

		json_object_set_new(doc, "schema",
		                    json_integer(REPORT_JSON_SCHEMA));
		json_object_set_new(doc, "kind", json_string("heap"));
		if (o->source)
			json_object_set_new(doc, "source",
			                    json_string(o->source));
		json_object_set_new(doc, "sampling_rate",
		                    json_integer(h->rate));
		json_object_set_new(doc, "totals", totals_json(h));
		json_object_set_new(doc, "sites", json_null());
		return stream_json(out, doc, site_item, (void *)h, h->nsites,
		                   e);
	}
	if (o->format != REPORT_TEXT)
		return gt_errf(e, "a heap profile is reported as text or json");
	text_header(out, h, o->source);
	fprintf(out, "\n%zu allocation sites; the top %zu by bytes in use:\n",
	        h->nsites, h->nsites < top ? h->nsites : top);
	for (i = 0; i < h->nsites && i < top; i++) {
		const heap_site *s = &h->sites[i];
		char a[32], b[32], name[1024];

		site_name(s, name, sizeof name);
		fprintf(out, "\n  %s in use in %" PRId64 " %s",
		        human((double)s->inuse_bytes, a, sizeof a),
		        s->inuse_objects, objects(s->inuse_objects));
		if (h->has_alloc)
			fprintf(out, " (%s allocated)",
			        human((double)s->alloc_bytes, b, sizeof b));
		fprintf(out, ": %s\n", name);
		text_frames(out, s);
		text_diags(out, s->diags, s->ndiags);
	}
	return ferror(out)
	           ? gt_errf(e, "writing the report: %s", strerror(errno))
	           : GT_OK;
}

/* ---- trend -------------------------------------------------------------- */

/* The growing goroutine groups a site shares a user function with. */
static json_t *links_json(const heap_series *se)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < se->nlinks; i++) {
		json_t *l = json_object();

		json_object_set_new(
		    l, "fingerprint",
		    json_string(se->links[i].group->fingerprint));
		json_object_set_new(l, "func", json_string(se->links[i].func));
		json_array_append_new(a, l);
	}
	return a;
}

/* One site of a trend: its figures in the last snapshot that has it, its
 * series, the growth test and what it shares with goroutine groups. */
static json_t *series_json(const heap_trend *t, size_t i)
{
	const heap_series *se = &t->series[i];
	json_t *s = site_json(t->profiles[t->n - 1], se->latest),
	       *b = json_array();
	size_t k;

	for (k = 0; k < t->n; k++)
		json_array_append_new(b, json_integer((json_int_t)se->bytes[k]));
	/* the series, and the figures of the last snapshot that has the site
	 * (not the last snapshot when it left) */
	json_object_set_new(s, "inuse_bytes_series", b);
	json_object_set_new(s, "growing", json_boolean(se->test.growing));
	json_object_set_new(s, "bytes_per_hour",
	                    json_real(se->test.growth_per_hour));
	json_object_set_new(s, "p_value", json_real(se->test.p_value));
	/* judged on the series (its growth), not the one site */
	json_object_set_new(s, "diagnoses", diags_json(se->diags, se->ndiags));
	if (se->test.growing)
		json_object_set_new(s, "shared_with_goroutines", links_json(se));
	return s;
}

static json_t *series_item(void *ud, size_t i)
{
	return series_json(ud, i);
}

/* The trend document; its "sites" a placeholder (null) to be streamed. */
static json_t *heap_trend_doc(const heap_trend *t, const heap_report_opts *o)
{
	json_t *doc = json_object(), *snaps = json_array();
	size_t i;

	json_object_set_new(doc, "schema", json_integer(REPORT_JSON_SCHEMA));
	json_object_set_new(doc, "kind", json_string("heap_trend"));
	if (o->source)
		json_object_set_new(doc, "source", json_string(o->source));
	for (i = 0; i < t->n; i++) {
		json_t *s = json_object();

		json_object_set_new(s, "label", json_string(t->labels[i]));
		json_object_set_new(s, "time", json_real(t->when[i]));
		json_object_set_new(s, "totals", totals_json(t->profiles[i]));
		json_array_append_new(snaps, s);
	}
	json_object_set_new(doc, "snapshots", snaps);
	json_object_set_new(doc, "growing",
	                    json_integer((json_int_t)t->ngrowing));
	json_object_set_new(doc, "sites", json_null());
	return doc;
}

static int heap_trend_json(FILE *out, const heap_trend *t,
                           const heap_report_opts *o, gt_err *e)
{
	return stream_json(out, heap_trend_doc(t, o), series_item, (void *)t,
	                   t->nseries, e);
}

static int heap_trend_prom(FILE *out, const heap_trend *t,
                           const heap_report_opts *o, gt_err *e)
{
	const heap_profile *last = t->profiles[t->n - 1];
	const char *src = o->source ? o->source : "";
	size_t i;

	fprintf(out,
	        "# HELP gtriage_heap_inuse_bytes Bytes in use in the "
	        "last heap profile.\n"
	        "# TYPE gtriage_heap_inuse_bytes gauge\n"
	        "gtriage_heap_inuse_bytes{source=\"%s\"} %" PRId64 "\n",
	        src, last->inuse_bytes);
	fprintf(out,
	        "# HELP gtriage_heap_sites_growing Allocation sites whose "
	        "bytes in use grow steadily.\n"
	        "# TYPE gtriage_heap_sites_growing gauge\n"
	        "gtriage_heap_sites_growing{source=\"%s\"} %zu\n",
	        src, t->ngrowing);
	fputs("# HELP gtriage_heap_site_growth_bytes_per_hour Growth of a "
	      "steadily growing allocation site.\n"
	      "# TYPE gtriage_heap_site_growth_bytes_per_hour gauge\n",
	      out);
	for (i = 0; i < t->nseries; i++) {
		char name[1024], *c;

		if (!t->series[i].test.growing)
			continue;
		site_name(t->series[i].latest, name, sizeof name);
		for (c = name; *c; c++)
			if (*c == '"' || *c == '\\' || *c == '\n')
				*c = '_';
		fprintf(out,
		        "gtriage_heap_site_growth_bytes_per_hour{source=\"%s\","
		        "site=\"%s\"} %.0f\n",
		        src, name, t->series[i].test.growth_per_hour);
	}
	return ferror(out)
	           ? gt_errf(e, "writing the report: %s", strerror(errno))
	           : GT_OK;
}

int heap_trend_report(FILE *out, const heap_trend *t, const heap_report_opts *o,
                      gt_err *e)
{
	size_t i, k, top = o->top ? o->top : DEFAULT_TOP, shown = 0;
	char a[32], b[32];

	if (o->format == REPORT_JSON)
		return heap_trend_json(out, t, o, e);
	if (o->format == REPORT_PROM)
		return heap_trend_prom(out, t, o, e);
	if (o->format != REPORT_TEXT)
		return gt_errf(e, "a heap trend is reported as text, json or "
		                  "prom");
	fprintf(out,
	        "heap trend %s: %zu snapshots over %.1f minutes, %zu "
	        "allocation sites, %zu growing\n",
	        o->source ? o->source : "", t->n,
	        t->n > 1 ? (t->when[t->n - 1] - t->when[0]) / 60 : 0.0,
	        t->nseries, t->ngrowing);
	fputs("in use:", out);
	for (i = 0; i < t->n; i++)
		fprintf(
		    out, " %s",
		    human((double)t->profiles[i]->inuse_bytes, a, sizeof a));
	fputc('\n', out);
	for (i = 0; i < t->nseries && shown < top; i++) {
		const heap_series *se = &t->series[i];
		char name[1024];

		if (!se->test.growing && se->bytes[t->n - 1] == 0)
			continue;
		shown++;
		site_name(se->latest, name, sizeof name);
		fprintf(out, "\n%s %s/h  %s\n   ",
		        se->test.growing ? "GROWING" : "steady ",
		        human(se->test.growth_per_hour, a, sizeof a), name);
		for (k = 0; k < t->n; k++)
			fprintf(out, " %s",
			        human((double)se->bytes[k], b, sizeof b));
		fputc('\n', out);
		if (!se->test.growing)
			continue;
		text_frames(out, se->latest);
		text_diags(out, se->diags, se->ndiags);
		for (k = 0; k < se->nlinks; k++)
			fprintf(out,
			        "    shares %s with the growing goroutine group "
			        "%s\n",
			        se->links[k].func,
			        se->links[k].group->fingerprint);
	}
	return ferror(out)
	           ? gt_errf(e, "writing the report: %s", strerror(errno))
	           : GT_OK;
}

/* ---- diff --------------------------------------------------------------- */

static const char *signed_human(int64_t v, char *buf, size_t len)
{
	char h[30];

	human((double)(v < 0 ? -v : v), h, sizeof h);
	snprintf(buf, len, "%c%s", v < 0 ? '-' : '+', h);
	return buf;
}

static int heap_diff_json(FILE *out, const heap_diff *d,
                          const heap_report_opts *o, const char *old_name,
                          const char *new_name, gt_err *e)
{
	json_t *doc = json_object(), *sites = json_array(), *side;
	size_t i;

	(void)o;
	json_object_set_new(doc, "schema", json_integer(REPORT_JSON_SCHEMA));
	json_object_set_new(doc, "kind", json_string("heap_diff"));
	side = json_object();
	json_object_set_new(side, "label", json_string(old_name));
	json_object_set_new(side, "totals", totals_json(d->old_p));
	json_object_set_new(doc, "old", side);
	side = json_object();
	json_object_set_new(side, "label", json_string(new_name));
	json_object_set_new(side, "totals", totals_json(d->new_p));
	json_object_set_new(doc, "new", side);
	json_object_set_new(doc, "min_growth",
	                    json_integer((json_int_t)d->min_growth));
	json_object_set_new(doc, "flagged",
	                    json_integer((json_int_t)d->nflagged));
	for (i = 0; i < d->nchanges; i++) {
		const heap_change *c = &d->changes[i];
		const heap_profile *p = c->new_s ? d->new_p : d->old_p;
		json_t *s = site_json(p, c->new_s ? c->new_s : c->old_s);

		/* the figures of both sides replace the one site's */
		json_object_del(s, "inuse_bytes");
		json_object_del(s, "inuse_objects");
		json_object_del(s, "alloc_bytes");
		json_object_del(s, "alloc_objects");
		json_object_del(s, "diagnoses");
		json_object_set_new(s, "change",
		                    json_string(diff_kind_name(c->kind)));
		json_object_set_new(s, "old_inuse_bytes",
		                    json_integer(c->old_bytes));
		json_object_set_new(s, "new_inuse_bytes",
		                    json_integer(c->new_bytes));
		json_object_set_new(s, "delta_inuse_bytes",
		                    json_integer(c->delta_bytes));
		json_object_set_new(s, "old_inuse_objects",
		                    json_integer(c->old_objects));
		json_object_set_new(s, "new_inuse_objects",
		                    json_integer(c->new_objects));
		json_object_set_new(s, "delta_inuse_objects",
		                    json_integer(c->delta_objects));
		json_object_set_new(s, "flagged", json_boolean(c->flagged));
		json_array_append_new(sites, s);
	}
	json_object_set_new(doc, "sites", sites);
	return dump_json(out, doc, e);
}

int heap_diff_report(FILE *out, const heap_diff *d, const heap_report_opts *o,
                     const char *old_name, const char *new_name, gt_err *e)
{
	size_t i, top = o->top ? o->top : DEFAULT_TOP, shown = 0;
	char a[32], b[32], c3[32];

	if (o->format == REPORT_JSON)
		return heap_diff_json(out, d, o, old_name, new_name, e);
	if (o->format != REPORT_TEXT)
		return gt_errf(e, "a heap diff is reported as text or json");
	fprintf(out, "heap diff %s -> %s: in use %s -> %s (%s), %" PRId64
	             " -> %" PRId64 " objects\n",
	        old_name, new_name,
	        human((double)d->old_p->inuse_bytes, a, sizeof a),
	        human((double)d->new_p->inuse_bytes, b, sizeof b),
	        signed_human(d->new_p->inuse_bytes - d->old_p->inuse_bytes, c3,
	                     sizeof c3),
	        d->old_p->inuse_objects, d->new_p->inuse_objects);
	fprintf(out,
	        "%zu sites: %zu new, %zu gone, %zu grown, %zu shrunk; %zu grew "
	        "by %s or more\n",
	        d->nchanges, d->count[DIFF_NEW], d->count[DIFF_GONE],
	        d->count[DIFF_GROWN], d->count[DIFF_SHRUNK], d->nflagged,
	        human((double)d->min_growth, a, sizeof a));
	for (i = 0; i < d->nchanges && shown < top; i++) {
		const heap_change *c = &d->changes[i];
		const heap_site *s = c->new_s ? c->new_s : c->old_s;
		char name[1024];

		if (c->kind == DIFF_SAME)
			continue;
		shown++;
		site_name(s, name, sizeof name);
		fprintf(out,
		        "\n%s %-6s %s  %s -> %s, %+" PRId64 " objects  %s\n",
		        c->flagged ? "GREW" : "    ", diff_kind_name(c->kind),
		        signed_human(c->delta_bytes, c3, sizeof c3),
		        human((double)c->old_bytes, a, sizeof a),
		        human((double)c->new_bytes, b, sizeof b),
		        c->delta_objects, name);
		if (c->flagged)
			text_frames(out, s);
	}
	return ferror(out)
	           ? gt_errf(e, "writing the report: %s", strerror(errno))
	           : GT_OK;
}

/* ---- beside a goroutine trend ------------------------------------------- */

int heap_report_beside(FILE *out, const trend *t, const report_opts *ro,
                       const heap_trend *ht, const heap_report_opts *o,
                       gt_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	json_t *doc;
	json_error_t je;
	int rc;

	if (o->format != REPORT_JSON) {
		/* text and prom: one after the other (prom families differ) */
		if (trend_report(out, t, ro, e) != GT_OK)
			return GT_ERR;
		if (o->format == REPORT_TEXT)
			fputc('\n', out);
		return heap_trend_report(out, ht, o, e);
	}
	/* json: the goroutine trend's document, the heap trend's as its
	 * "heap" member */
	if ((m = open_memstream(&buf, &len)) == NULL)
		return gt_errf(e, "report: %s", strerror(errno));
	rc = trend_report(m, t, ro, e);
	if (fclose(m) != 0 && rc == GT_OK)
		rc = gt_errf(e, "report: %s", strerror(errno));
	if (rc != GT_OK) {
		free(buf);
		return GT_ERR;
	}
	doc = json_loadb(buf, len, 0, &je);
	free(buf);
	if (doc == NULL)
		return gt_errf(e, "report: %s", je.text);
	{
		/* nested: built whole (a "heap" member is not streamed) */
		json_t *h = heap_trend_doc(ht, o), *sites = json_array();
		size_t i;

		for (i = 0; i < ht->nseries; i++)
			json_array_append_new(sites, series_json(ht, i));
		json_object_set_new(h, "sites", sites);
		json_object_set_new(doc, "heap", h);
	}
	return dump_json(out, doc, e);
}
