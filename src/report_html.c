/*
 * report_html.c - the report as one self-contained page for a postmortem:
 * crash facts, a bar chart of categories, the groups most suspicious first
 * with their verdict, reasons, cause, fix and stack, and an icicle view of
 * every goroutine by stack (report_html_flame.c). Also the page parts the
 * diff and trend pages share (report_html_series.c).
 *
 * A dump is untrusted input: every string taken from it goes through
 * html_escape(), and the page's policy forbids any request and any script
 * but its own (by hash), so a name that slips through still runs nothing.
 * The page reads fully without script: the script only shows the filter
 * box, filters, zooms the icicle and opens folded parts for printing.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "report.h"
#include "report_priv.h"
#include "verdict.h"

/* Unflagged groups on the page unless -v or --top say otherwise. */
#define HTML_OTHERS_DEFAULT 100
/* Goroutine ids listed per group (g->ids is capped by --max-ids too). */
#define HTML_IDS_SHOWN 10000

/* The script, kept free of anything from the dump. Its zoom() takes the
 * icicle's width, FLAME_W of report_html_flame.c. Its SHA-256 (base64)
 * is in the page's policy: change one, change the other (tests/e2e
 * checks.sh checks they match). */
static const char page_script[] =
	"(function(){'use strict';var d=document;"
	"var box=d.getElementById('filter'),q=d.getElementById('q');"
	"var keys={func:'.fn',file:'.loc',cat:'.cat',label:'.lbl'};"
	"function text(e,sel){if(!sel)return e.textContent;var s='';"
	"e.querySelectorAll(sel).forEach(function(x){s+=' '+x.textContent;});"
	"return s;}"
	"function apply(v){v=(v||'').trim().toLowerCase();var sel=null;"
	"var m=/^(func|file|cat|label):(.*)$/.exec(v);"
	"if(m){sel=keys[m[1]];v=m[2].trim();}"
	"var n=0,all=d.querySelectorAll('.grp');"
	"all.forEach(function(e){var ok=!v||text(e,sel).toLowerCase()"
	".indexOf(v)>=0;e.hidden=!ok;if(ok)n++;});"
	"d.querySelectorAll('tr[data-g]').forEach(function(r){"
	"var g=d.getElementById(r.getAttribute('data-g'));"
	"r.hidden=g?g.hidden:false;});"
	"var c=d.getElementById('nshown');"
	"if(c)c.textContent=v?n+' of '+all.length+' groups match':'';}"
	"if(box&&q){box.hidden=false;"
	"q.addEventListener('input',function(){apply(q.value);});"
	"var h=/[#&]filter=([^&]*)/.exec(location.hash);"
	"if(h){try{q.value=decodeURIComponent(h[1]);}catch(x){q.value=h[1];}"
	"apply(q.value);}}"
	"function label(g,w){var t=g.querySelector('title'),x=g.querySelector"
	"('text');if(!t||!x)return;var n=t.textContent.split('\\n')[0];"
	"n=n.slice(n.lastIndexOf('/')+1)||n;"
	"var k=Math.floor((w-6)/7);x.textContent=k<3?'':n.length<=k?n:"
	"n.slice(0,k-2)+'..';}"
	"function zoom(svg,x0,w0,d0){var W=1200;"
	"svg.querySelectorAll('g.f').forEach(function(g){"
	"var x=+g.getAttribute('data-x'),w=+g.getAttribute('data-w'),"
	"dp=+g.getAttribute('data-d'),r=g.querySelector('rect'),"
	"t=g.querySelector('text'),nx,nw;"
	"if(dp<d0){if(x>x0||x+w<x0+w0){g.style.display='none';return;}"
	"nx=0;nw=W;}else if(x>=x0&&x+w<=x0+w0){nx=(x-x0)/w0*W;nw=w/w0*W;}"
	"else{g.style.display='none';return;}"
	"g.style.display='';r.setAttribute('x',nx.toFixed(2));"
	"r.setAttribute('width',nw.toFixed(2));"
	"if(t){t.setAttribute('x',(nx+3).toFixed(2));label(g,nw);}});}"
	"d.querySelectorAll('svg.flame').forEach(function(svg){"
	"svg.addEventListener('click',function(ev){"
	"var g=ev.target.closest('g.f');if(!g)return;"
	"zoom(svg,+g.getAttribute('data-x'),+g.getAttribute('data-w'),"
	"+g.getAttribute('data-d'));});"
	"svg.classList.add('live');"
	"var z=/[#&]zoom=(\\d+),(\\d+),(\\d+)/.exec(location.hash);"
	"if(z)zoom(svg,+z[1],+z[2],+z[3]);});"
	"window.addEventListener('beforeprint',function(){"
	"d.querySelectorAll('details').forEach(function(e){e.open=true;});});"
	"})();";

/* base64 SHA-256 of page_script, for the policy. */
#define PAGE_SCRIPT_SHA256 "vcVdPFOLACqNfxtUWvOqhW0M9HsEyZUD6FlYtIB6C4U="

static const char page_style[] =
	":root{--fg:#1d2230;--mut:#5b6275;--line:#d9dce3;--bg:#fff;"
	"--leak:#b3261e;--sus:#b26a00;--ok:#2e7d32;--acc:#1f5fbf}"
	"*{box-sizing:border-box}[hidden]{display:none!important}"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
	"color:var(--fg);background:var(--bg);margin:0 auto;max-width:1280px;"
	"padding:16px 24px}"
	"h1{font-size:20px;margin:4px 0 8px;word-break:break-all}"
	"h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid var(--line)}"
	"h3{font-size:14px;margin:0 0 6px;word-break:break-all}"
	"code,.st,.ids,.lbl{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}"
	".mut{color:var(--mut)}.warn{color:var(--leak);font-weight:600}"
	"#filter{position:sticky;top:0;background:var(--bg);padding:6px 0;"
	"z-index:2}#filter input{width:min(520px,100%);padding:4px 8px;"
	"font:inherit}"
	"table{border-collapse:collapse;margin:6px 0}td,th{padding:2px 8px;"
	"border-bottom:1px solid var(--line);text-align:left;"
	"vertical-align:top}td.n,th.n{text-align:right}"
	".grp{border:1px solid var(--line);border-left:5px solid var(--line);"
	"border-radius:4px;padding:8px 12px;margin:10px 0;break-inside:avoid}"
	".grp.leak{border-left-color:var(--leak)}"
	".badge{display:inline-block;font-size:11px;font-weight:700;"
	"padding:0 6px;border-radius:8px;margin-right:6px;color:#fff;"
	"background:var(--mut);text-transform:uppercase}"
	".badge.suspect{background:var(--sus)}.grp.suspect{border-left-color:"
	"var(--sus)}.badge.crashed,.badge.leak,.badge.new,.badge.grown,.badge.growing{"
	"background:var(--leak)}.badge.normal,.badge.gone,.badge.shrunk{background:"
	"var(--ok)}.badge.same{background:var(--mut)}"
	".grp.new,.grp.grown,.grp.growing{border-left-color:var(--leak)}"
	".grp.gone,.grp.shrunk{border-left-color:var(--ok)}"
	"ol.st{list-style:none;margin:4px 0;padding:0}"
	"ol.st li{padding:0 0 0 12px;word-break:break-all}"
	"ol.st li.user .fn{font-weight:700}ol.st .loc{color:var(--mut)}"
	"ol.st li.lib{color:var(--mut)}details>summary{cursor:pointer;"
	"color:var(--acc)}details.fold{margin-left:12px}"
	"dl{margin:4px 0}dt{font-weight:600;float:left;clear:left;"
	"width:70px}dd{margin:0 0 2px 76px}"
	".crash{border:2px solid var(--leak);border-radius:4px;"
	"padding:8px 12px;background:#fff5f4}"
	".crash h2{margin-top:4px}"
	"svg{display:block;max-width:100%}svg text{font:11px ui-monospace,"
	"Menlo,Consolas,monospace;fill:#1d2230;pointer-events:none}"
	"svg.flame rect{stroke:#fff;stroke-width:.5}"
	"svg.flame.live g.f{cursor:pointer}"
	".spark polyline{fill:none;stroke:var(--acc);stroke-width:1.5}"
	".spark circle{fill:var(--acc)}"
	"footer{margin:24px 0;color:var(--mut);font-size:12px}"
	"@media print{#filter{display:none}body{max-width:none;padding:0}"
	"details::details-content{content-visibility:visible;display:block}"
	"details>summary{color:var(--fg)}.grp{page-break-inside:avoid}}";

void html_escape(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return;
	while (*p) {
		size_t n;

		switch (*p) {
		case '&': fputs("&amp;", out); p++; continue;
		case '<': fputs("&lt;", out); p++; continue;
		case '>': fputs("&gt;", out); p++; continue;
		case '"': fputs("&quot;", out); p++; continue;
		case '\'': fputs("&#39;", out); p++; continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			/* a tab is text; CR, ESC and the like are noise */
			fputs(*p == '\t' ? " " : "\xef\xbf\xbd", out);
			p++;
			continue;
		}
		n = report_utf8_len(p, strnlen((const char *)p, 4));
		if (n == 0) {
			fputs("\xef\xbf\xbd", out);
			p++;
			continue;
		}
		fwrite(p, 1, n, out);
		p += n;
	}
}

void html_open(FILE *out, const char *what, const char *source)
{
	/* default-src 'none': no font, image, frame, fetch or form target
	 * can leave the file; only this page's own script may run. */
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\""
	      "default-src 'none'; style-src 'unsafe-inline'; "
	      "script-src 'sha256-" PAGE_SCRIPT_SHA256 "'; "
	      "base-uri 'none'; form-action 'none'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n"
	      "<title>",
	      out);
	fputs(what, out);
	fputs(": ", out);
	html_escape(out, source ? source : "-");
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n"
		"<h1>", page_style);
	fputs(what, out);
	fputs(": ", out);
	html_escape(out, source ? source : "-");
	fputs("</h1>\n</header>\n"
	      "<div id=\"filter\" hidden><input id=\"q\" type=\"search\" "
	      "placeholder=\"filter groups: text, or func:, file:, cat:, "
	      "label:\" aria-label=\"filter groups\"> <span id=\"nshown\" "
	      "class=\"mut\"></span></div>\n<main>\n",
	      out);
}

void html_close(FILE *out)
{
	fprintf(out, "</main>\n<footer>Written by gtriage %s. Folded parts "
		"open with a click; the filter box and icicle zoom need "
		"script.</footer>\n<script>%s</script>\n</body>\n</html>\n",
		GTRIAGE_VERSION, page_script);
}

/* ---- crash and summary --------------------------------------------------- */

/* The frames of a stack, innermost first, in an <ol class="st">. */
static void put_frames(FILE *out, const group_frame *frames, size_t n,
		       const group_frame *created_by, uint64_t created_in);

/* Up to this many ids per group the crash is about. */
#define CRASH_IDS 20

/* The crash opens the page: its message, signal, running tests and the
 * goroutine that crashed, then for a deadlock or a test timeout the
 * goroutines involved, each linked to its group. */
void html_crash(FILE *out, const group_dump *d)
{
	const group_crash *c = &d->crash;
	uint64_t ids[CRASH_IDS];

	if (!crash_dump_has(d))
		return;
	fprintf(out, "<section class=\"crash\" id=\"crash\">\n<h2>Crash: %s"
		"</h2>\n<pre><code>", parse_kind_name(d->kind));
	for (size_t i = 0; i < c->nmessage; i++) {
		html_escape(out, c->message[i]);
		fputc('\n', out);
	}
	if (c->signal && (c->nmessage == 0 ||
			  strcmp(c->signal, c->message[0]) != 0)) {
		fputs("[signal ", out);
		html_escape(out, c->signal);
		fputs("]\n", out);
	}
	if (c->ntests) {
		fputs("running tests:\n", out);
		for (size_t i = 0; i < c->ntests; i++) {
			fputc('\t', out);
			html_escape(out, c->tests[i]);
			fputc('\n', out);
		}
	}
	fputs("</code></pre>\n", out);
	if (c->group) {
		size_t num = report_group_number(d, c->group);

		fprintf(out, "<p>Goroutine <b>%" PRIu64 "</b> %s", c->id,
			report_crash_role(d));
		if (c->state) {
			fputs(" <code>[", out);
			html_escape(out, c->state);
			fputs("]</code>", out);
		}
		fprintf(out, "; it is in <a href=\"#g-%zu\">group %zu</a>.</p>\n",
			num, num);
		put_frames(out, c->frames, c->nframes, &c->created_by,
			   c->created_in);
	} else if (d->kind == PARSE_KIND_SIGNAL) {
		fputs("<p>A dump on request: no goroutine crashed.</p>\n", out);
	}
	if (c->ngroups)
		fprintf(out, "<p>%s</p>\n<ul>\n", d->kind == PARSE_KIND_DEADLOCK
			? "Blocked goroutines, each waiting:"
			: "Goroutines of the running tests:");
	else if (d->kind == PARSE_KIND_TEST_TIMEOUT)
		fputs("<p>No goroutine of the running tests found.</p>\n", out);
	for (size_t i = 0; i < c->ngroups; i++) {
		const group *g = c->groups[i];
		const group_frame *f = report_top_frame(g);
		size_t num = report_group_number(d, g);
		size_t nid = report_crash_ids(d, g, ids, CRASH_IDS);
		uint64_t cnt = report_crash_count(d, g);

		fprintf(out, "<li><a href=\"#g-%zu\">group %zu</a>: <b>%" PRIu64
			"</b> <code>", num, num, cnt);
		html_escape(out, g->state && g->state[0] ? g->state
							 : category_name(g->cat));
		fputs("</code>", out);
		if (f) {
			fputs(" at <code>", out);
			html_escape(out, f->func);
			fputs("</code>", out);
		}
		for (size_t k = 0; k < nid; k++)
			fprintf(out, "%s%" PRIu64, k ? ", " : " (ids ", ids[k]);
		if (nid)
			fputs(cnt > nid ? ", ...)" : ")", out);
		fputs("</li>\n", out);
	}
	if (c->ngroups)
		fputs("</ul>\n", out);
	fputs("</section>\n", out);
}

static void put_summary(FILE *out, const group_set *s, const group_dump *d)
{
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<p>", out);
	if (s->ndumps == 1)
		fprintf(out, "One dump (%s) ", parse_kind_name(d->kind));
	else
		fprintf(out, "%zu dumps; this page describes the last one (%s, "
			"input line %" PRIu64 "), which ", s->ndumps,
			parse_kind_name(d->kind), d->lineno);
	report_put_holds(out, d, (const char *const[2]){"<b>", "</b>"},
			 (const char *const[2]){"<b class=\"warn\">", "</b>"});
	fputs("</p>\n", out);
	if (d->truncated)
		fputs("<p class=\"warn\">The dump is truncated: the input ends "
		      "inside it.</p>\n", out);
	if (d->declared_total && d->declared_total != d->total)
		fprintf(out, "<p class=\"warn\">The profile declares %" PRIu64
			" goroutines; %" PRIu64 " were read.</p>\n",
			d->declared_total, d->total);
	if (s->stats.race_reports)
		fprintf(out, "<p>The input also holds %" PRIu64 " data race "
			"%s, not counted here.</p>\n", s->stats.race_reports,
			report_plural(s->stats.race_reports, "report",
				      "reports"));
	html_categories(out, d);
	fputs("</section>\n", out);
}

void html_categories(FILE *out, const group_dump *d)
{
	category cats[CAT__COUNT];
	size_t n = report_cats_by_count(d->by_cat, cats);
	uint64_t most = n ? d->by_cat[cats[0]] : 0;

	if (n == 0)
		return;
	fprintf(out, "<svg class=\"bars\" viewBox=\"0 0 640 %zu\" width=\"640\" "
		"height=\"%zu\" role=\"img\" aria-label=\"goroutines by "
		"category\">\n", n * 20, n * 20);
	for (size_t i = 0; i < n; i++) {
		uint64_t c = d->by_cat[cats[i]];
		double w = most ? 400.0 * (double)c / (double)most : 0;

		fprintf(out, "<g><title>%s: %" PRIu64 " (%.1f%%)</title>"
			"<text x=\"0\" y=\"%zu\">%s</text>"
			"<rect x=\"120\" y=\"%zu\" width=\"%.1f\" height=\"14\" "
			"fill=\"%s\"/><text x=\"%.1f\" y=\"%zu\">%" PRIu64
			" (%.1f%%)</text></g>\n",
			category_name(cats[i]), c, report_pct(c, d->total),
			i * 20 + 13, category_name(cats[i]), i * 20 + 2,
			w < 1 ? 1 : w,
			category_is_blocked(cats[i]) ? "#d1795c" : "#7ea6d8",
			120 + (w < 1 ? 1 : w) + 6, i * 20 + 13, c,
			report_pct(c, d->total));
	}
	fputs("</svg>\n", out);
}

/* ---- findings ------------------------------------------------------------ */

static void put_top_frame(FILE *out, const group *g)
{
	const group_frame *f = report_top_frame(g);

	if (f == NULL)
		return;
	fputs("<code>", out);
	html_escape(out, f->func);
	fputs("</code>", out);
}

static void put_reason_codes(FILE *out, const group *g)
{
	int first = 1;

	for (size_t k = 0; k < report_nreason_bits; k++) {
		if (!(g->reasons & report_reason_bits[k]))
			continue;
		fprintf(out, "%s%s", first ? "" : ", ",
			report_reason_code(report_reason_bits[k]));
		first = 0;
	}
}

/* Probable leaks, then the findings that join several groups into one
 * problem (they share objects or parents), each group linked. */
static void put_findings(FILE *out, const group_dump *d)
{
	size_t nleak = 0, nmulti = 0;

	fputs("<section id=\"findings\">\n<h2>Findings</h2>\n", out);
	for (size_t i = 0; i < d->ngroups; i++) {
		const group *g = d->groups[i];

		if (g->verdict != VERDICT_LEAK)
			continue;
		if (nleak++ == 0)
			fputs("<table>\n<tr><th class=\"n\">#</th><th class=\"n\">"
			      "goroutines</th><th>category</th><th>top frame"
			      "</th><th>evidence</th><th>cause</th></tr>\n",
			      out);
		fprintf(out, "<tr data-g=\"g-%zu\"><td class=\"n\"><a href=\"#g-"
			"%zu\">%zu</a></td><td class=\"n\">%" PRIu64 "</td>"
			"<td>%s</td><td>", i + 1, i + 1, i + 1, g->count,
			category_name(g->cat));
		put_top_frame(out, g);
		fputs("</td><td>", out);
		if (g->why)
			html_escape(out, g->why);
		else
			put_reason_codes(out, g);
		fputs("</td><td>", out);
		if (g->ndiags)
			html_escape(out, g->diags[0]->cause);
		fputs("</td></tr>\n", out);
	}
	if (nleak)
		fputs("</table>\n", out);
	else
		fputs("<p>No group is flagged as a probable leak.</p>\n", out);
	for (size_t i = 0; i < d->nfindings; i++) {
		const group_finding *f = &d->findings[i];

		if (f->ngroups < 2 || f->verdict == VERDICT_NORMAL)
			continue;
		if (nmulti++ == 0)
			fputs("<p>Groups that are parts of one problem:</p>\n"
			      "<table>\n<tr><th>finding</th><th>verdict</th>"
			      "<th class=\"n\">goroutines</th><th>groups</th>"
			      "<th>evidence</th></tr>\n", out);
		fprintf(out, "<tr><td>F%zu</td><td><span class=\"badge %s\">%s"
			"</span></td><td class=\"n\">%" PRIu64 "</td><td>", i + 1,
			verdict_name(f->verdict), verdict_name(f->verdict),
			f->goroutines);
		for (size_t k = 0; k < f->ngroups; k++) {
			size_t num = report_group_number(d, f->groups[k]);

			fprintf(out, "%s<a href=\"#g-%zu\">#%zu</a> ",
				k ? "<br>" : "", num, num);
			put_top_frame(out, f->groups[k]);
		}
		fputs("</td><td>", out);
		html_escape(out, f->why);
		fputs("</td></tr>\n", out);
	}
	if (nmulti)
		fputs("</table>\n", out);
	fputs("</section>\n", out);
}

/* ---- one group ----------------------------------------------------------- */

/* in: the goroutine that ran "created by" (0: not said). */
static void put_frame(FILE *out, const group_frame *f, const char *cls,
		      const char *lead, uint64_t in)
{
	fprintf(out, "<li class=\"%s\">%s<span class=\"fn\">", cls, lead);
	html_escape(out, f->func);
	fputs("</span>", out);
	if (in)
		fprintf(out, " in goroutine %" PRIu64, in);
	if (f->file) {
		fputs(" <span class=\"loc\">", out);
		html_escape(out, f->file);
		if (f->line)
			fprintf(out, ":%u", f->line);
		fputs("</span>", out);
	}
	fputs("</li>\n", out);
}

/* Innermost first, as Go prints it; each run of runtime and standard
 * library frames folded under a summary that says how many. */
static void put_frames(FILE *out, const group_frame *frames, size_t n,
		       const group_frame *created_by, uint64_t created_in)
{
	size_t i = 0;

	fputs("<ol class=\"st\">\n", out);
	while (i < n) {
		size_t j = i;

		if (group_frame_is_user(&frames[i])) {
			put_frame(out, &frames[i++], "user", "", 0);
			continue;
		}
		while (j < n && !group_frame_is_user(&frames[j]))
			j++;
		fprintf(out, "<li><details class=\"fold\"><summary>%zu "
			"runtime/library %s</summary><ol class=\"st\">\n",
			j - i, report_plural(j - i, "frame", "frames"));
		for (; i < j; i++)
			put_frame(out, &frames[i], "lib", "", 0);
		fputs("</ol></details></li>\n", out);
	}
	if (created_by && created_by->func) {
		put_frame(out, created_by,
			  group_frame_is_user(created_by) ? "user" : "lib",
			  "created by ", created_in);
	}
	fputs("</ol>\n", out);
}

static void put_ids(FILE *out, const group *g)
{
	size_t n = g->nids < HTML_IDS_SHOWN ? g->nids : HTML_IDS_SHOWN;

	if (g->nids == 0)
		return;
	fprintf(out, "<details><summary>goroutine ids (%zu%s)</summary>"
		"<p class=\"ids\">", g->nids,
		g->nids < g->count ? " kept" : "");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%" PRIu64, i ? " " : "", g->ids[i]);
	if (g->nids > n)
		fprintf(out, " and %zu more", g->nids - n);
	fputs("</p></details>\n", out);
}

void html_group(FILE *out, const group *g, verdict v, const char *why,
		unsigned reasons, const group_dump *d, const group_opts *go,
		size_t num, const char *mark,
		void (*extra)(FILE *out, const void *ud), const void *ud)
{
	const group_frame *top = report_top_frame(g);
	const char *verdict = verdict_name(v);
	char buf[512], mins[32];
	int first = 1;

	fprintf(out, "<section class=\"grp %s%s%s\" id=\"g-%zu\">\n<h3>", verdict,
		mark ? " " : "", mark ? mark : "", num);
	if (mark)
		fprintf(out, "<span class=\"badge %s\">%s</span>", mark, mark);
	if (d && d->crash.group == g)
		fputs("<span class=\"badge crashed\">crashed</span>", out);
	fprintf(out, "<span class=\"badge %s\">%s</span>#%zu: %" PRIu64
		" %s in <span class=\"cat\">%s</span>", verdict,
		v == VERDICT_LEAK      ? "probable leak"
		: v == VERDICT_SUSPECT ? "worth a look"
				       : "normal",
		num, g->count,
		report_plural(g->count, "goroutine", "goroutines"),
		category_name(g->cat));
	if (top) {
		fputs(": <code>", out);
		html_escape(out, top->func);
		fputs("</code>", out);
	}
	fputs("</h3>\n<dl>\n<dt>state</dt><dd>", out);
	if (g->state && g->state[0]) {
		fputs("<code>", out);
		html_escape(out, g->state);
		fputs("</code>", out);
	} else {
		fputs("not printed (debug=1)", out);
	}
	if (report_minutes(g, mins, sizeof mins)[0])
		fprintf(out, ", %s minutes", mins);
	if (g->nlocked)
		fprintf(out, ", %" PRIu64 " locked to thread", g->nlocked);
	fputs("</dd>\n", out);
	if (why) {
		fprintf(out, "<dt>verdict</dt><dd>%s: ", verdict_name(v));
		html_escape(out, why);
		fputs("</dd>\n", out);
	}
	for (size_t k = 0; k < report_nreason_bits; k++) {
		unsigned bit = report_reason_bits[k];

		if (!(reasons & bit))
			continue;
		buf[0] = '\0';
		if (go)
			group_reason_text(g, bit, d, go, buf, sizeof buf);
		fputs(first ? "<dt>why</dt><dd>" : "; ", out);
		html_escape(out, buf[0] ? buf : report_reason_code(bit));
		first = 0;
	}
	if (!first)
		fputs("</dd>\n", out);
	for (size_t i = 0; i < g->ndiags; i++) {
		const rules_diag *dg = g->diags[i];

		fputs("<dt>cause</dt><dd>", out);
		html_escape(out, dg->cause);
		if (dg->name) {
			fputs(" <span class=\"mut\">(", out);
			html_escape(out, dg->name);
			fputs(")</span>", out);
		}
		fputs("</dd>\n<dt>fix</dt><dd>", out);
		html_escape(out, dg->fix);
		fputs("</dd>\n", out);
	}
	if (g->healthy)
		fputs("<dt>shape</dt><dd>a known healthy shape</dd>\n", out);
	if (g->ntruncated)
		fprintf(out, "<dt>cut</dt><dd>%" PRIu64 " %s cut short by the "
			"end of the input</dd>\n", g->ntruncated,
			report_plural(g->ntruncated, "goroutine", "goroutines"));
	fprintf(out, "<dt>id</dt><dd><code>%s</code></dd>\n</dl>\n",
		g->fingerprint);
	if (extra)
		extra(out, ud);
	put_frames(out, g->frames, g->nframes, &g->created_by, 0);
	if (g->labels) {
		fputs("<details><summary>labels</summary><p class=\"lbl\">", out);
		html_escape(out, g->labels);
		fputs("</p></details>\n", out);
	}
	put_ids(out, g);
	fputs("</section>\n", out);
}

/* ---- the triage page ----------------------------------------------------- */

int report_html(FILE *out, const group_set *s, const report_opts *o)
{
	const group_dump *d = group_set_last(s);
	size_t shown = 0, normal = 0;

	html_open(out, "Goroutine triage", o->source);
	if (d == NULL) {
		fputs("<p>No goroutine dump found in the input.</p>\n", out);
		html_close(out);
		return ferror(out) ? GT_ERR : GT_OK;
	}
	html_crash(out, d);
	put_summary(out, s, d);
	put_findings(out, d);
	/* in the model's order (most suspicious first): every group with a
	 * verdict and more normal ones than a terminal takes, the filter box
	 * is there to find them; -n N: the first N, -v: all */
	fputs("<section id=\"groups\">\n<h2>Groups, most suspicious first"
	      "</h2>\n", out);
	for (size_t i = 0; i < d->ngroups && !ferror(out); i++) {
		const group *g = d->groups[i];

		if (o->top && shown >= o->top)
			break;
		if (!o->top && !o->verbose && g->verdict == VERDICT_NORMAL &&
		    normal++ >= HTML_OTHERS_DEFAULT)
			continue;
		html_group(out, g, g->verdict, g->why, g->reasons, d, &s->opts,
			   i + 1, NULL, NULL, NULL);
		shown++;
	}
	if (shown < d->ngroups)
		fprintf(out, "<p>%zu other %s not shown (-v shows all).</p>\n",
			d->ngroups - shown,
			report_plural(d->ngroups - shown, "group", "groups"));
	fputs("</section>\n", out);
	html_flame(out, d);
	html_close(out);
	return ferror(out) ? GT_ERR : GT_OK;
}
