/*
 * report.c - picks the output module for a format and holds what the
 * modules share: frame selection, group selection, small formatting helpers.
 */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fingerprint.h"
#include "crash.h"
#include "report_priv.h"

int report_format_parse(const char *name, report_format *out)
{
	static const struct {
		const char *name;
		report_format f;
	} names[] = {
		{"text", REPORT_TEXT},
		{"json", REPORT_JSON},
		{"markdown", REPORT_MARKDOWN},
		{"md", REPORT_MARKDOWN},
		{"prom", REPORT_PROM},
		{"sarif", REPORT_SARIF},
		{"github", REPORT_GITHUB},
		{"html", REPORT_HTML},
		{"folded", REPORT_FOLDED},
	};

	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].f;
			return 0;
		}
	}
	return -1;
}

int report_write(FILE *out, const group_set *s, const report_opts *o,
		 gt_err *e)
{
	int rc;

	switch (o->format) {
	case REPORT_TEXT:
	case REPORT_JSON:
	case REPORT_MARKDOWN:
	case REPORT_PROM:
	case REPORT_SARIF:
	case REPORT_GITHUB:
	case REPORT_HTML:
	case REPORT_FOLDED:
		break;
	default:
		return gt_errf(e, "unknown report format %d", (int)o->format);
	}

	errno = 0;
	if (o->format == REPORT_JSON)
		rc = report_json(out, s, o);
	else if (o->format == REPORT_MARKDOWN)
		rc = report_markdown(out, s, o);
	else if (o->format == REPORT_PROM)
		rc = report_prom(out, s, o);
	else if (o->format == REPORT_SARIF)
		rc = report_sarif(out, s, o);
	else if (o->format == REPORT_GITHUB)
		rc = report_github(out, s, o);
	else if (o->format == REPORT_HTML)
		rc = report_html(out, s, o);
	else if (o->format == REPORT_FOLDED)
		rc = report_folded(out, s, o);
	else
		rc = report_text(out, s, o);
	return report_flush(out, rc, e);
}

int report_flush(FILE *out, int rc, gt_err *e)
{
	int saved = errno, flushed = fflush(out);

	if (flushed != 0)
		saved = errno;
	if (rc != GT_OK || flushed != 0 || ferror(out)) {
		if (saved == EPIPE)
			return gt_errf(e, "cannot write the report: the reader "
				       "went away (broken pipe)");
		return gt_errf(e, "cannot write the report: %s",
			       saved ? strerror(saved) : "write error");
	}
	return GT_OK;
}

/* ---- reasons ------------------------------------------------------------ */

static const struct {
	unsigned bit;
	const char *code;
} reason_codes[] = {
	{GROUP_R_NIL_CHAN, "nil-chan"},
	{GROUP_R_SELECT_FOREVER, "select-forever"},
	{GROUP_R_LEAKED, "leaked"},
	{GROUP_R_DEADLOCK, "deadlock"},
	{GROUP_R_COUNT, "count"},
	{GROUP_R_SHARE, "share"},
	{GROUP_R_MINUTES, "minutes"},
	{GROUP_R_DIAGNOSIS, "diagnosis"},
	{GROUP_R_GROWING, "growing"},
	{GROUP_R_TEST_TIMEOUT, "test-timeout"},
	{GROUP_R_EVIDENCE, "evidence"},
	{GROUP_R_GOLEAK, "goleak"},
};

const unsigned report_reason_bits[] = {
	GROUP_R_NIL_CHAN, GROUP_R_SELECT_FOREVER, GROUP_R_LEAKED,
	GROUP_R_DEADLOCK, GROUP_R_COUNT,          GROUP_R_SHARE,
	GROUP_R_MINUTES,  GROUP_R_DIAGNOSIS,      GROUP_R_GROWING,
	GROUP_R_TEST_TIMEOUT,
	GROUP_R_GOLEAK,
	GROUP_R_EVIDENCE,
};
const size_t report_nreason_bits =
	sizeof report_reason_bits / sizeof report_reason_bits[0];

const char *report_reason_code(unsigned bit)
{
	for (size_t i = 0; i < sizeof reason_codes / sizeof reason_codes[0];
	     i++)
		if (reason_codes[i].bit == bit)
			return reason_codes[i].code;
	return "?";
}

/* ---- frames ------------------------------------------------------------- */

int report_frame_is_runtime(const group_frame *f)
{
	const char *fn = f->func, *end, *slash = NULL, *dot;
	size_t n = f->func_len, pkglen;

	if (fn == NULL || n == 0)
		return 0;
	/* The package path ends at the first '.' after its last '/'; a
	 * '(' or '[' (receiver, type parameters) ends the search early.
	 * Bounded by func_len: a NUL from the dump is just a byte. */
	for (end = fn; end < fn + n && *end != '(' && *end != '[';
	     end++)
		if (*end == '/')
			slash = end;
	dot = memchr(slash ? slash : fn, '.', (size_t)(end - (slash ? slash : fn)));
	if (dot == NULL)
		return 0;
	pkglen = (size_t)(dot - fn);
	if ((pkglen == 7 && memcmp(fn, "runtime", 7) == 0) ||
	    (n >= 8 && memcmp(fn, "runtime/", 8) == 0) ||
	    (n >= 9 && memcmp(fn, "internal/", 9) == 0))
		return 1;
	/* Runtime hooks linked into other packages: sync.runtime_Semacquire,
	 * internal/poll.runtime_pollWait, ... */
	return (size_t)(fn + n - (dot + 1)) >= 8 &&
	       memcmp(dot + 1, "runtime_", 8) == 0;
}

size_t report_key_frames(const group *g, size_t idx[REPORT_KEY_FRAMES],
			 size_t *more)
{
	size_t n = 0, extra = 0;

	for (size_t i = 0; i < g->nframes; i++) {
		/* a go statement's wrapper is no user code, and only some
		 * captures print it */
		if (!group_frame_is_user(&g->frames[i]) ||
		    fingerprint_frame_hidden(&g->frames[i]))
			continue;
		if (n < REPORT_KEY_FRAMES)
			idx[n++] = i;
		else
			extra++;
	}
	if (more)
		*more = extra;
	if (n > 0 || g->nframes == 0)
		return n;
	for (size_t i = 0; i < g->nframes; i++) {
		if (!report_frame_is_runtime(&g->frames[i])) {
			idx[0] = i;
			return 1;
		}
	}
	/* only the runtime's frames: its entry function (gcBgMarkWorker,
	 * bgsweep, forcegchelper) tells one from another, gopark does not;
	 * goexit and the go statement's wrappers sit below it */
	for (size_t i = g->nframes; i-- > 0;) {
		const char *f = g->frames[i].func, *w = strstr(f, ".gowrap");

		if (strcmp(f, "runtime.goexit") == 0 ||
		    (w && strspn(w + 7, "0123456789") == strlen(w + 7)))
			continue;
		idx[0] = i;
		return 1;
	}
	idx[0] = 0;
	return 1;
}

const group_frame *report_top_frame(const group *g)
{
	size_t idx[REPORT_KEY_FRAMES];

	if (report_key_frames(g, idx, NULL) == 0)
		return NULL;
	return &g->frames[idx[0]];
}

/* ---- group selection ---------------------------------------------------- */

static const group_dump *sort_dump;

static int by_count_desc(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	uint64_t ca = sort_dump->groups[ia]->count;
	uint64_t cb = sort_dump->groups[ib]->count;

	if (ca != cb)
		return ca > cb ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

void report_pick_groups(const group_dump *d, const report_opts *o,
			report_pick *p)
{
	size_t nflag = 0, noth = 0, limit_f, limit_o;

	memset(p, 0, sizeof *p);
	if (d == NULL || d->ngroups == 0)
		return;
	p->flagged = gt_malloc(d->ngroups * sizeof *p->flagged);
	p->others = gt_malloc(d->ngroups * sizeof *p->others);
	for (size_t i = 0; i < d->ngroups; i++) {
		if (group_is_leak(d->groups[i]))
			p->flagged[nflag++] = i;
		else
			p->others[noth++] = i;
	}
	/* qsort is not stable; the index tie-break makes it so. Reports are
	 * written from one thread, so a file-scope comparison context is
	 * enough. */
	sort_dump = d;
	qsort(p->others, noth, sizeof *p->others, by_count_desc);
	sort_dump = NULL;

	if (o->top > 0) {
		limit_f = nflag < o->top ? nflag : o->top;
		limit_o = o->top - limit_f;
	} else {
		limit_f = nflag;
		limit_o = o->verbose ? noth : REPORT_OTHERS_DEFAULT;
	}
	if (limit_o > noth)
		limit_o = noth;
	p->nflagged = limit_f;
	p->hidden_flagged = nflag - limit_f;
	p->nothers = limit_o;
	p->hidden_others = noth - limit_o;
}

void report_pick_free(report_pick *p)
{
	free(p->flagged);
	free(p->others);
	memset(p, 0, sizeof *p);
}

/* ---- small formatting helpers ------------------------------------------- */

size_t report_cats_by_count(const uint64_t by_cat[CAT__COUNT],
			    category out[CAT__COUNT])
{
	size_t n = 0;

	for (int c = 0; c < CAT__COUNT; c++) {
		size_t j;

		if (by_cat[c] == 0)
			continue;
		/* insertion sort: stable, and there are only CAT__COUNT */
		for (j = n; j > 0 && by_cat[out[j - 1]] < by_cat[c]; j--)
			out[j] = out[j - 1];
		out[j] = (category)c;
		n++;
	}
	return n;
}

const char *report_minutes(const group *g, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if (g->max_minutes < 0)
		buf[0] = '\0';
	else if (g->min_minutes < 0 || g->min_minutes >= g->max_minutes)
		snprintf(buf, len, "%d", g->max_minutes);
	else
		snprintf(buf, len, "%d-%d", g->min_minutes, g->max_minutes);
	return buf;
}

double report_pct(uint64_t part, uint64_t total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}

const char *report_short_path(const char *file)
{
	const char *last = NULL, *prev = NULL;

	if (file == NULL)
		return "";
	for (const char *p = file; *p; p++) {
		if (*p == '/' || *p == '\\') {
			prev = last;
			last = p;
		}
	}
	return prev ? prev + 1 : file;
}

void report_put_clean(FILE *out, const char *s)
{
	const char *run = s;

	if (s == NULL)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f) {
			fwrite(run, 1, (size_t)(s - run), out);
			fputc('?', out);
			run = s + 1;
		}
	}
	fwrite(run, 1, (size_t)(s - run), out);
}

uint64_t report_truncated_goroutines(const group_dump *d)
{
	uint64_t n = 0;

	for (size_t i = 0; i < d->ngroups; i++)
		n += d->groups[i]->ntruncated;
	return n;
}

const char *report_time(double t, char *buf, size_t len)
{
	time_t secs;
	struct tm *tm;
	long ms;
	char base[32];

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (!(t > 0) || t > 253402300799.0) /* unknown, or past year 9999 */
		return buf;
	secs = (time_t)t;
	ms = (long)((t - (double)secs) * 1000.0 + 0.5);
	if (ms >= 1000) {
		secs++;
		ms = 0;
	}
	if ((tm = gmtime(&secs)) == NULL ||
	    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", tm) == 0)
		return buf;
	if (ms)
		snprintf(buf, len, "%s.%03ldZ", base, ms);
	else
		snprintf(buf, len, "%sZ", base);
	return buf;
}

const char *report_time_sec(double when, char *buf, size_t len)
{
	time_t s = (time_t)when;
	struct tm tm;

	buf[0] = '\0';
	if (when > 0 && gmtime_r(&s, &tm))
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

const char *report_plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void report_put_holds(FILE *out, const group_dump *d,
		      const char *const strong[2], const char *const warn[2])
{
	fprintf(out, "holds %s%" PRIu64 " %s%s in %zu distinct %s. ", strong[0],
		d->total, report_plural(d->total, "goroutine", "goroutines"),
		strong[1], d->ngroups,
		report_plural(d->ngroups, "stack", "stacks"));
	if (d->nflagged)
		fprintf(out, "%s%zu %s flagged as %s%s, holding %" PRIu64
			" %s (%.1f%%).",
			warn[0], d->nflagged,
			report_plural(d->nflagged, "group is", "groups are"),
			report_plural(d->nflagged, "a probable leak",
				      "probable leaks"),
			warn[1], d->leaked_goroutines,
			report_plural(d->leaked_goroutines, "goroutine",
				      "goroutines"),
			report_pct(d->leaked_goroutines, d->total));
	else
		fputs("No probable leak found.", out);
}

void report_colors(int color, const char **bold, const char **red,
		   const char **dim, const char **reset)
{
	*bold = *red = *dim = *reset = "";
	if (color) {
		*bold = "\033[1m";
		*red = "\033[31m";
		*dim = "\033[2m";
		*reset = "\033[0m";
	}
}

void report_put_frame(FILE *out, const char *lead, const group_frame *f,
		      const char *dim, const char *reset)
{
	if (f == NULL)
		return;
	fputs(lead, out);
	report_put_clean(out, f->func);
	if (f->file) {
		fprintf(out, "  %s", dim);
		report_put_clean(out, report_short_path(f->file));
		if (f->line)
			fprintf(out, ":%u", f->line);
		fputs(reset, out);
	}
}

size_t report_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* ---- markdown table cells, for the diff and trend reports --------------- */

void report_md_cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fputc(' ', out);
		else if (strchr("\\`*_[]<|#~&", c))
			fprintf(out, "\\%c", c);
		else
			fputc(c, out);
	}
}

void report_md_top_frame(FILE *out, const group *g)
{
	const group_frame *f = report_top_frame(g);

	if (f == NULL)
		return;
	fputc('`', out);
	for (const char *p = f->func; *p; p++)
		if (*p == '|')
			fputs("\\|", out);
		else if (*p != '`' && (unsigned char)*p >= 0x20)
			fputc(*p, out);
	fputc('`', out);
}

/* ---- crash -------------------------------------------------------------- */

size_t *report_crash_frames(const group_crash *c, int verbose, size_t *n)
{
	size_t *idx, k = 0, wrapper;

	*n = 0;
	if (c->nframes == 0)
		return NULL;
	idx = gt_malloc(c->nframes * sizeof *idx);
	wrapper = fingerprint_go_wrapper(c->frames, c->nframes, &c->created_by,
					 c->created_by.func && !c->created_in);
	for (size_t i = 0; i < c->nframes; i++)
		if (verbose || (group_frame_is_user(&c->frames[i]) &&
				!fingerprint_frame_hidden(&c->frames[i]) &&
				i != wrapper))
			idx[k++] = i;
	for (size_t i = 0; k == 0 && i < c->nframes; i++)
		if (!report_frame_is_runtime(&c->frames[i]))
			idx[k++] = i;
	*n = k;
	return idx;
}

const char *report_crash_role(const group_dump *d)
{
	switch (d->kind) {
	case PARSE_KIND_PANIC:
		return "panicked";
	case PARSE_KIND_FATAL:
		return "threw";
	case PARSE_KIND_SIGNAL:
		return "received the signal";
	default:
		return "crashed";
	}
}

size_t report_group_number(const group_dump *d, const group *g)
{
	for (size_t i = 0; g && i < d->ngroups; i++)
		if (d->groups[i] == g)
			return i + 1;
	return 0;
}

size_t report_crash_ids(const group_dump *d, const group *g, uint64_t *out,
			size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nids && n < max; i++)
		if (d->kind != PARSE_KIND_TEST_TIMEOUT ||
		    crash_has_test_id(&d->crash, g->ids[i]))
			out[n++] = g->ids[i];
	return n;
}

uint64_t report_crash_count(const group_dump *d, const group *g)
{
	return d->kind == PARSE_KIND_TEST_TIMEOUT ? g->ntest : g->count;
}
