/*
 * report_html_flame.c - the icicle of the HTML page: every goroutine of a
 * dump by stack, outermost frame on top, each frame as wide as the
 * goroutines under it, drawn from the groups sorted root first
 * (report_stack_order) so that each frame is one run of neighbours.
 * Tooltips (<title>) give the full name and count without script; the
 * page's script zooms on a click.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_priv.h"

/* Width of the icicle in SVG units (the page's script assumes it), height
 * of a row, narrowest frame drawn (narrower ones would be invisible; they
 * bound the page by the groups that matter, not by every stack). */
#define FLAME_W 1200.0
#define FLAME_ROW 18
#define FLAME_MIN_W 0.5

typedef struct flame {
	FILE *out;
	const group **gs;    /* root-first order */
	uint64_t *cum;       /* cum[i]: goroutines of gs[0..i-1] */
	uint64_t total;
	size_t maxdepth;
	int dry;             /* only measure maxdepth */
} flame;

/* A stable colour per function: warm for user code, grey-blue for the
 * runtime and standard library. */
static void flame_color(const char *fn, int user, char buf[8])
{
	uint32_t h = 2166136261u;

	for (const char *p = fn; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	if (user)
		snprintf(buf, 8, "#%02x%02x%02x", 230 + h % 25,
			 110 + (h >> 8) % 100, 50 + (h >> 16) % 40);
	else
		snprintf(buf, 8, "#%02x%02x%02x", 170 + h % 30,
			 185 + (h >> 8) % 30, 210 + (h >> 16) % 30);
}

static void flame_node(flame *f, const char *name, int user, uint64_t x,
		       uint64_t w, size_t depth)
{
	double px = FLAME_W * (double)x / (double)f->total;
	double pw = FLAME_W * (double)w / (double)f->total;
	size_t chars = pw > 6 ? (size_t)((pw - 6) / 7) : 0;
	/* the label drops the package path, which the tooltip keeps */
	const char *slash = strrchr(name, '/');
	const char *lab = slash && slash[1] ? slash + 1 : name;
	size_t len = strlen(lab);
	char col[8];

	if (depth + 1 > f->maxdepth)
		f->maxdepth = depth + 1;
	if (f->dry)
		return;
	flame_color(name, user, col);
	fprintf(f->out, "<g class=\"f\" data-x=\"%" PRIu64 "\" data-w=\"%"
		PRIu64 "\" data-d=\"%zu\"><title>", x, w, depth);
	html_escape(f->out, name);
	fprintf(f->out, "\n%" PRIu64 " %s (%.1f%%)</title><rect x=\"%.2f\" "
		"y=\"%zu\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>",
		w, report_plural(w, "goroutine", "goroutines"),
		report_pct(w, f->total), px, depth * FLAME_ROW, pw,
		FLAME_ROW - 1, col);
	fprintf(f->out, "<text x=\"%.2f\" y=\"%zu\">", px + 3,
		depth * FLAME_ROW + 13);
	if (chars >= 3) {
		/* cut on a character boundary: the label is text too */
		char cut[256];
		size_t n = len <= chars ? len : chars - 2;

		if (n >= sizeof cut)
			n = sizeof cut - 1;
		while (n > 0 && n < len && ((unsigned char)lab[n] & 0xc0) == 0x80)
			n--;
		memcpy(cut, lab, n);
		cut[n] = '\0';
		html_escape(f->out, cut);
		if (n < len)
			fputs("..", f->out);
	}
	fputs("</text></g>\n", f->out);
}

/* The frames at depth of gs[lo..hi), all sharing the frames above: one
 * node per run of equal names, then its children. */
static void flame_level(flame *f, size_t lo, size_t hi, size_t depth)
{
	size_t i = lo;

	/* groups whose stack ends above this depth come first */
	while (i < hi && report_stack_func(f->gs[i], depth, NULL) == NULL)
		i++;
	while (i < hi) {
		size_t len, jlen;
		const char *name = report_stack_func(f->gs[i], depth, &len);
		const group *g = f->gs[i];
		size_t j = i + 1;
		uint64_t w;
		int user;

		for (; j < hi; j++) {
			const char *o = report_stack_func(f->gs[j], depth, &jlen);

			if (report_stack_cmp(o, jlen, name, len) != 0)
				break;
		}
		w = f->cum[j] - f->cum[i];
		/* too narrow to see: it and all below it (rows only shrink) */
		if (FLAME_W * (double)w / (double)f->total >= FLAME_MIN_W) {
			user = g->nframes &&
			       group_frame_is_user(
				       &g->frames[g->nframes - 1 - depth]);
			flame_node(f, name, user, f->cum[i], w, depth + 1);
			flame_level(f, i, j, depth + 1);
		}
		i = j;
	}
}

void html_flame(FILE *out, const group_dump *d)
{
	flame f = {out, NULL, NULL, d->total, 1, 1};

	if (d->ngroups == 0 || d->total == 0)
		return;
	f.gs = report_stack_order(d);
	f.cum = gt_malloc((d->ngroups + 1) * sizeof *f.cum);
	f.cum[0] = 0;
	for (size_t i = 0; i < d->ngroups; i++)
		f.cum[i + 1] = f.cum[i] + f.gs[i]->count;
	f.total = f.cum[d->ngroups];
	fputs("<section id=\"flame\">\n<h2>Where the goroutines are</h2>\n"
	      "<p class=\"mut\">Every goroutine by stack, outermost frame on "
	      "top; width is the number of goroutines. Hover for counts; "
	      "click a frame to zoom, the top bar to zoom out.</p>\n", out);
	/* a first pass measures the height, the second draws */
	flame_level(&f, 0, d->ngroups, 0);
	f.dry = 0;
	fprintf(out, "<svg class=\"flame\" viewBox=\"0 0 1200 %zu\" "
		"width=\"1200\" height=\"%zu\">\n", f.maxdepth * FLAME_ROW,
		f.maxdepth * FLAME_ROW);
	flame_node(&f, "all goroutines", 0, 0, f.total, 0);
	flame_level(&f, 0, d->ngroups, 0);
	fputs("</svg>\n</section>\n", out);
	free(f.cum);
	free(f.gs);
}
