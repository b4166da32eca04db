/*
 * report_prom.c - the Prometheus text exposition format (version 0.0.4),
 * for node_exporter's textfile collector: goroutines by category, flagged
 * (and, for a trend, growing) groups, and the largest or most suspicious
 * groups labelled by fingerprint and top user function.
 *
 * Label cardinality stays bounded: at most report_opts.top groups
 * (REPORT_PROM_TOP when 0) get their own series, and the fingerprint is
 * stable, so a scrape series follows the same stack over time. Every
 * series carries a "source" label: node_exporter merges the files of one
 * directory, and two targets must not produce the same series.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uthash.h"

#include "report.h"
#include "report_priv.h"
#include "trend.h"

#define LABEL_MAX 200 /* bytes kept of a label value (function names) */

/* Families both outputs write share their HELP text: node_exporter merges
 * the files of its directory, and one name must have one help. */
#define HELP_GROUPS "Groups (distinct stacks) in the last dump."
#define HELP_FLAGGED_GROUPS                                                 \
	"Groups flagged as probable leaks in the last dump (for a trend: "  \
	"also the growing ones, not the steady ones flagged for their share)."
#define HELP_FLAGGED_GOROUTINES                                             \
	"Goroutines of the last dump in flagged groups."

typedef struct prom {
	FILE *out;
	char *source; /* label value: the input, URL credentials removed */
} prom;

/* ---- the format ----------------------------------------------------------- */

/* A label value: backslash, double quote and line feed escaped as the
 * format requires; other control bytes and invalid UTF-8 become '?';
 * cut at LABEL_MAX bytes on a character boundary. */
static void put_label_value(FILE *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u), i = 0, k;

	while (i < n) {
		k = report_utf8_len(u + i, n - i);
		if (i + (k ? k : 1) > LABEL_MAX)
			break;
		if (k == 0 || (k == 1 && (u[i] < 0x20 || u[i] == 0x7f))) {
			fputs(u[i] == '\n' ? "\\n" : "?", out);
			i++;
			continue;
		}
		if (u[i] == '\\' || u[i] == '"')
			fputc('\\', out);
		fwrite(u + i, 1, k, out);
		i += k;
	}
}

/* HELP and TYPE, once per family, before its samples. */
static void family(prom *p, const char *name, const char *help)
{
	fprintf(p->out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{source="...",k1="v1",...} */
static void series(prom *p, const char *name, const char *const *kv,
		   size_t nkv)
{
	fprintf(p->out, "%s{source=\"", name);
	put_label_value(p->out, p->source);
	fputc('"', p->out);
	for (size_t i = 0; i + 1 < nkv; i += 2) {
		fprintf(p->out, ",%s=\"", kv[i]);
		put_label_value(p->out, kv[i + 1]);
		fputc('"', p->out);
	}
	fputc('}', p->out);
}

static void sample_u(prom *p, const char *name, const char *const *kv,
		     size_t nkv, uint64_t v)
{
	series(p, name, kv, nkv);
	fprintf(p->out, " %" PRIu64 "\n", v);
}

static void sample_d(prom *p, const char *name, const char *const *kv,
		     size_t nkv, double v)
{
	series(p, name, kv, nkv);
	fprintf(p->out, " %.15g\n", v);
}

/* The source without "user:password@" in a URL. */
static char *clean_source(const char *src)
{
	const char *s = src ? src : "-", *scheme = strstr(s, "://"), *at, *end;
	size_t n = strlen(s);
	char *out;

	if (scheme == NULL)
		return gt_strndup(s, n);
	end = scheme + 3 + strcspn(scheme + 3, "/?#");
	at = memchr(scheme + 3, '@', (size_t)(end - scheme - 3));
	if (at == NULL)
		return gt_strndup(s, n);
	out = gt_malloc(n + 1);
	memcpy(out, s, (size_t)(scheme + 3 - s));
	strcpy(out + (scheme + 3 - s), at + 1);
	return out;
}

/* ---- shared families -------------------------------------------------------- */

static void put_categories(prom *p, const group_dump *d)
{
	family(p, "gtriage_goroutines",
	       "Goroutines in the last dump, by blocking category.");
	for (int c = 0; c < CAT__COUNT; c++) {
		const char *kv[] = {"category", category_name((category)c)};

		sample_u(p, "gtriage_goroutines", kv, 2, d ? d->by_cat[c] : 0);
	}
}

static void put_scalar(prom *p, const char *name, const char *help,
		       uint64_t v)
{
	family(p, name, help);
	sample_u(p, name, NULL, 0, v);
}

/* One labelled group: what the per-group families need. */
typedef struct top_group {
	char fp[17];
	const group *g;        /* the most suspicious one of its fingerprint */
	uint64_t count;
	int flagged, growing;
	int minutes;           /* -1: none printed */
	double per_hour;
	UT_hash_handle hh;
} top_group;

static const char *top_function(const group *g)
{
	const group_frame *f = report_top_frame(g);

	return f ? f->func : "";
}

static void put_groups(prom *p, const top_group *tg, size_t n, int trend,
		       int timed)
{
	static const struct {
		const char *name, *help;
		int kind; /* 0 count, 1 flagged, 2 minutes, 3 growing, 4 rate */
	} fams[] = {
		{"gtriage_group_goroutines",
		 "Goroutines in one of the top groups (by suspicion, then size).", 0},
		{"gtriage_group_flagged",
		 "1 if the group is flagged as a probable leak.", 1},
		{"gtriage_group_blocked_seconds",
		 "Longest time a goroutine of the group has been blocked, in "
		 "whole minutes as the runtime prints them (groups that "
		 "printed minutes only).", 2},
		{"gtriage_group_growing",
		 "1 if the group grows steadily across the snapshots.", 3},
		{"gtriage_group_growth_per_hour",
		 "Least-squares growth of the group, goroutines per hour.", 4},
	};

	for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++) {
		if ((fams[f].kind >= 3 && !trend) || (fams[f].kind == 4 && !timed))
			continue;
		family(p, fams[f].name, fams[f].help);
		for (size_t i = 0; i < n; i++) {
			const top_group *t = &tg[i];
			const char *kv[] = {"fingerprint", t->fp, "category",
					    category_name(t->g->cat), "function",
					    top_function(t->g)};

			switch (fams[f].kind) {
			case 0:
				sample_u(p, fams[f].name, kv, 6, t->count);
				break;
			case 1:
				sample_u(p, fams[f].name, kv, 6, t->flagged != 0);
				break;
			case 2:
				if (t->minutes >= 0)
					sample_u(p, fams[f].name, kv, 6,
						 60 * (uint64_t)t->minutes);
				break;
			case 3:
				sample_u(p, fams[f].name, kv, 6, t->growing != 0);
				break;
			default:
				sample_d(p, fams[f].name, kv, 6, t->per_hour);
			}
		}
	}
}

static size_t top_limit(const report_opts *o)
{
	return o->top ? o->top : REPORT_PROM_TOP;
}

/* ---- one dump ----------------------------------------------------------- */

int report_prom(FILE *out, const group_set *s, const report_opts *o)
{
	const group_dump *d = group_set_last(s);
	prom p = {out, clean_source(o->source)};
	top_group *tg = NULL, *table = NULL, *e, *tmp;
	size_t n = 0, limit = top_limit(o);

	put_categories(&p, d);
	put_scalar(&p, "gtriage_dumps", "Goroutine dumps found in the input.",
		   s->ndumps);
	put_scalar(&p, "gtriage_groups", HELP_GROUPS, d ? d->ngroups : 0);
	put_scalar(&p, "gtriage_flagged_groups", HELP_FLAGGED_GROUPS,
		   d ? d->nflagged : 0);
	put_scalar(&p, "gtriage_flagged_goroutines", HELP_FLAGGED_GOROUTINES,
		   d ? d->leaked_goroutines : 0);
	if (d && d->time > 0) {
		family(&p, "gtriage_dump_timestamp_seconds",
		       "Time of the last dump from its log prefix.");
		sample_d(&p, "gtriage_dump_timestamp_seconds", NULL, 0, d->time);
	}

	/* The dump's groups are most suspicious first; groups sharing a
	 * fingerprint (different labels or wait-reason spelling) add up, so
	 * that no series appears twice. */
	if (d && d->ngroups)
		tg = gt_calloc(limit < d->ngroups ? limit : d->ngroups, sizeof *tg);
	for (size_t i = 0; d && i < d->ngroups; i++) {
		const group *g = d->groups[i];

		HASH_FIND_STR(table, g->fingerprint, e);
		if (e == NULL) {
			if (n == limit)
				continue;
			e = &tg[n++];
			memcpy(e->fp, g->fingerprint, sizeof e->fp);
			e->g = g;
			e->minutes = -1;
			HASH_ADD_STR(table, fp, e);
		}
		e->count += g->count;
		e->flagged |= group_is_leak(g);
		if (g->max_minutes > e->minutes)
			e->minutes = g->max_minutes;
	}
	HASH_ITER(hh, table, e, tmp)
		HASH_DEL(table, e);
	put_groups(&p, tg, n, 0, 0);
	free(tg);
	free(p.source);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- a trend ------------------------------------------------------------ */

int trend_prom(FILE *out, const trend *t, const report_opts *o)
{
	const group_dump *d = t->npoints ? t->points[t->npoints - 1].dump : NULL;
	prom p = {out, clean_source(o->source)};
	size_t n = t->nseries < top_limit(o) ? t->nseries : top_limit(o);
	size_t nflag = 0, last = t->npoints ? t->npoints - 1 : 0;
	uint64_t flag_g = 0, grow_g = 0;
	top_group *tg = n ? gt_calloc(n, sizeof *tg) : NULL;

	for (size_t i = 0; i < t->nseries; i++) {
		const trend_series *s = &t->series[i];

		if (s->flagged) {
			nflag++;
			flag_g += s->counts[last];
		}
		if (s->growing)
			grow_g += s->counts[last];
	}
	put_categories(&p, d);
	put_scalar(&p, "gtriage_snapshots", "Snapshots in the trend.",
		   t->npoints);
	put_scalar(&p, "gtriage_groups", HELP_GROUPS, d ? d->ngroups : 0);
	put_scalar(&p, "gtriage_flagged_groups", HELP_FLAGGED_GROUPS, nflag);
	put_scalar(&p, "gtriage_flagged_goroutines", HELP_FLAGGED_GOROUTINES,
		   flag_g);
	put_scalar(&p, "gtriage_growing_groups", "Groups that grow steadily "
		   "across the snapshots.", t->ngrowing);
	put_scalar(&p, "gtriage_growing_goroutines", "Goroutines of the last "
		   "snapshot in growing groups.", grow_g);
	if (t->npoints && t->points[last].when > 0) {
		family(&p, "gtriage_snapshot_timestamp_seconds",
		       "Time of the last snapshot.");
		sample_d(&p, "gtriage_snapshot_timestamp_seconds", NULL, 0,
			 t->points[last].when);
	}
	/* the series are merged by fingerprint already, most suspicious
	 * first */
	for (size_t i = 0; i < n; i++) {
		const trend_series *s = &t->series[i];

		memcpy(tg[i].fp, s->fingerprint, sizeof tg[i].fp);
		tg[i].g = s->latest;
		tg[i].count = s->counts[last];
		tg[i].flagged = s->flagged;
		tg[i].growing = s->growing;
		tg[i].minutes = s->latest_dump == d ? s->latest->max_minutes : -1;
		/* three decimals: no float noise in the file */
		tg[i].per_hour = round(s->growth_per_hour * 1000) / 1000 + 0.0;
	}
	put_groups(&p, tg, n, 1, t->timed);
	free(tg);
	free(p.source);
	return ferror(out) ? GT_ERR : GT_OK;
}

/* ---- merging expositions ---------------------------------------------- */

static const char *next_line(const char *l)
{
	l += strcspn(l, "\n");
	return *l ? l + 1 : l;
}

/* The metric family a line of the Prometheus text format belongs to:
 * "# HELP name ...", "# TYPE name ..." or "name{...} value". */
static size_t family_of(const char *l, const char **name)
{
	if (strncmp(l, "# HELP ", 7) == 0 || strncmp(l, "# TYPE ", 7) == 0)
		l += 7;
	else if (l[0] == '#')
		return 0;
	*name = l;
	return strcspn(l, "{ \n");
}

/* Prometheus wants each metric family once, its HELP and TYPE lines then
 * all its samples: the expositions are merged family by family (families
 * in the order they first appear). */
void report_prom_merge(FILE *out, const char *const *docs, size_t n)
{
	const char **fam = NULL;
	size_t *flen = NULL, nfam = 0, cap = 0, i, f;

	for (i = 0; i < n; i++) {
		const char *l;

		for (l = docs[i]; *l; l = next_line(l)) {
			const char *name;
			size_t len = family_of(l, &name), k;

			if (len == 0)
				continue;
			for (k = 0; k < nfam; k++)
				if (flen[k] == len &&
				    memcmp(fam[k], name, len) == 0)
					break;
			if (k < nfam)
				continue;
			if (nfam == cap) {
				cap = cap ? cap * 2 : 32;
				fam = gt_realloc(fam, cap * sizeof *fam);
				flen = gt_realloc(flen, cap * sizeof *flen);
			}
			fam[nfam] = name;
			flen[nfam++] = len;
		}
	}
	for (f = 0; f < nfam; f++) {
		int help = 0, type = 0;

		for (i = 0; i < n; i++) {
			const char *l;

			for (l = docs[i]; *l; l = next_line(l)) {
				const char *name;
				size_t len = family_of(l, &name);
				int *seen = l[0] != '#' ? NULL
					    : l[2] == 'H' ? &help : &type;

				if (len != flen[f] ||
				    memcmp(name, fam[f], len) != 0)
					continue;
				if (seen && (*seen)++)
					continue;
				fwrite(l, 1, strcspn(l, "\n"), out);
				fputc('\n', out);
			}
		}
	}
	free(fam);
	free(flen);
}
