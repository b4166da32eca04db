/*
 * heap_text.c - the legacy text heap profile (debug=1: "heap profile: N: N
 * [N: N] @ heap/R", records of "N: N [N: N] @ 0x..." with "#\t" frame
 * lines, and the "# runtime.MemStats" tail), from memory or streamed from
 * a file a buffer at a time. Values are scaled as pprof scales them.
 */
#define _GNU_SOURCE
#include "heap_priv.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char text_magic[] = "heap profile:";

int heap_sniff_text(const void *buf, size_t len)
{
	size_t n = sizeof text_magic - 1;

	return len >= n && memcmp(buf, text_magic, n) == 0;
}

/* Lines from memory, or from a gzip (or plain) stream through a buffer
 * that holds the current line and the frames of the record being read. */
typedef struct lines {
	gzFile gz; /* NULL: buf holds the whole input */
	char *buf;
	size_t cap, pos, end;
	size_t lineno;
	int eof;
	int zerr; /* a read error (Z_ERRNO: errno) */
} lines;

#define STREAM_CHUNK ((size_t)1 << 20)

/* Moves what is still needed (from the first pending frame's name, or the
 * current line) to the front and reads more; pending frames are pointed
 * at their bytes' new place. 0 at the end of the input or on error. */
static int fill(lines *c, parse_frame *fix, size_t nfix)
{
	size_t base = c->pos, i;
	int n;

	if (c->gz == NULL || c->eof)
		return 0;
	if (nfix && (size_t)(fix[0].func - c->buf) < base)
		base = (size_t)(fix[0].func - c->buf);
	/* as offsets while the buffer moves */
	for (i = 0; i < nfix; i++) {
		fix[i].func =
		    (const char *)(uintptr_t)(fix[i].func - c->buf - base);
		if (fix[i].file)
			fix[i].file =
			    (const char *)(uintptr_t)(fix[i].file - c->buf -
			                              base + 1);
	}
	memmove(c->buf, c->buf + base, c->end - base);
	c->pos -= base;
	c->end -= base;
	if (c->cap - c->end < STREAM_CHUNK / 2) {
		if (c->cap >= HEAP_MAX_SIZE) {
			c->zerr = Z_MEM_ERROR;
			c->eof = 1;
		} else {
			c->cap = c->cap < STREAM_CHUNK ? STREAM_CHUNK * 2
			                               : c->cap * 2;
			c->buf = gt_realloc(c->buf, c->cap);
		}
	}
	for (i = 0; i < nfix; i++) {
		fix[i].func = c->buf + (uintptr_t)fix[i].func;
		if (fix[i].file)
			fix[i].file = c->buf + (uintptr_t)fix[i].file - 1;
	}
	if (c->eof)
		return 0;
	n = gzread(c->gz, c->buf + c->end, (unsigned)(c->cap - c->end));
	if (n < 0) {
		gzerror(c->gz, &c->zerr);
		c->eof = 1;
		return 0;
	}
	if (n == 0) {
		c->eof = 1;
		return 0;
	}
	c->end += (size_t)n;
	return 1;
}

/* The next line without its end, or NULL at the end of the input. The
 * line stays valid until the next call; frames fix[0..nfix) that point
 * into earlier lines are kept valid too. */
static const char *next_line(lines *c, size_t *len, parse_frame *fix,
                             size_t nfix)
{
	const char *l, *nl;

	for (;;) {
		if (c->pos < c->end && (nl = memchr(c->buf + c->pos, '\n',
		                                    c->end - c->pos)) != NULL)
			break;
		if (!fill(c, fix, nfix)) {
			nl = NULL;
			break;
		}
	}
	if (c->pos >= c->end)
		return NULL;
	l = c->buf + c->pos;
	*len = nl ? (size_t)(nl - l) : c->end - c->pos;
	c->pos = nl ? (size_t)(nl + 1 - c->buf) : c->end;
	c->lineno++;
	if (*len > 0 && l[*len - 1] == '\r')
		(*len)--;
	return l;
}

/* A number at *s (within end), skipping blanks first; advances *s. */
static int num(const char **s, const char *end, int64_t *v)
{
	const char *p = *s;
	int neg = 0;
	uint64_t x = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '-')
		neg = 1, p++;
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	while (p < end && *p >= '0' && *p <= '9') {
		if (x > (UINT64_MAX - 9) / 10 ||
		    x * 10 + (uint64_t)(*p - '0') > (uint64_t)INT64_MAX)
			return -1;
		x = x * 10 + (uint64_t)(*p++ - '0');
	}
	*v = neg ? -(int64_t)x : (int64_t)x;
	*s = p;
	return 0;
}

static int lit(const char **s, const char *end, const char *w)
{
	const char *p = *s;
	size_t n = strlen(w);

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < n || memcmp(p, w, n) != 0)
		return -1;
	*s = p + n;
	return 0;
}

/* "a: b [c: d]": in-use objects and bytes, allocated objects and bytes. */
static int four(const char **s, const char *end, int64_t v[4])
{
	return num(s, end, &v[0]) || lit(s, end, ":") || num(s, end, &v[1]) ||
	               lit(s, end, "[") || num(s, end, &v[2]) ||
	               lit(s, end, ":") || num(s, end, &v[3]) ||
	               lit(s, end, "]")
	           ? -1
	           : 0;
}

/* "#\t0x4a1b2b\tmain.f+0x2b\t\tpkg/file.go:65": a frame of the record. */
static int frame_line(const char *l, size_t n, parse_frame *f)
{
	const char *end = l + n, *p = l + 1, *q, *colon;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || p[0] != '0' || p[1] != 'x')
		return -1;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	q = p;
	while (q < end && *q != ' ' && *q != '\t')
		q++;
	memset(f, 0, sizeof *f);
	f->func = p;
	f->func_len = (size_t)(q - p);
	/* "+0x2b": the offset is no part of the name */
	for (colon = q; colon > p; colon--)
		if (colon[-1] == '+') {
			f->func_len = (size_t)(colon - 1 - p);
			break;
		}
	if (f->func_len == 0)
		return -1;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	colon = end;
	while (colon > q && colon[-1] != ':')
		colon--;
	if (colon > q + 1) {
		const char *d = colon;
		int64_t ln;

		if (num(&d, end, &ln) == 0 && d == end && ln > 0 &&
		    ln < 100000000) {
			f->file = q;
			f->file_len = (size_t)(colon - 1 - q);
			f->line = (unsigned)ln;
		}
	}
	return 0;
}

/* "# Name = 123": a MemStats figure; arrays and text are left out. */
static void memstat_line(heap_profile *h, const char *l, size_t n)
{
	const char *end = l + n, *p = l + 1, *name;
	size_t nl;
	int64_t v;

	while (p < end && *p == ' ')
		p++;
	name = p;
	while (p < end && *p != ' ' && *p != '=')
		p++;
	nl = (size_t)(p - name);
	if (nl == 0 || nl >= sizeof h->memstats[0].name ||
	    lit(&p, end, "=") != 0 || num(&p, end, &v) != 0 || p != end ||
	    v < 0)
		return;
	h->memstats =
	    gt_realloc(h->memstats, (h->nmemstats + 1) * sizeof *h->memstats);
	memcpy(h->memstats[h->nmemstats].name, name, nl);
	h->memstats[h->nmemstats].name[nl] = '\0';
	h->memstats[h->nmemstats++].value = (uint64_t)v;
}

#define MAX_TEXT_FRAMES 1024

static int add_text_record(site_set *s, const int64_t v[4],
                           const parse_frame *f, size_t n)
{
	heap_profile *h = s->h;
	heap_site *site = heap_site_of(s, f, n);
	int64_t c, b;

	heap_scale(v[0], v[1], h->rate, &c, &b);
	site->inuse_objects += c;
	site->inuse_bytes += b;
	if (h->has_alloc) {
		heap_scale(v[2], v[3], h->rate, &c, &b);
		site->alloc_objects += c;
		site->alloc_bytes += b;
	}
	return GT_OK;
}

static int read_text(lines *cp, heap_profile *h, gt_err *e)
{
	lines c = *cp;
	site_set s = {h, 0, NULL, 0, -1, -1, -1, -1};
	parse_frame *frames = gt_calloc(MAX_TEXT_FRAMES, sizeof *frames);
	size_t n = 0, nf = 0;
	const char *l = next_line(&c, &n, NULL, 0), *p, *end;
	int64_t hv[4], rate = 0, v[4];
	char kind[16];
	size_t kl = 0;
	int in_record = 0, rc = GT_OK;

	h->text = 1;
	if (l == NULL || !heap_sniff_text(l, n)) {
		free(frames);
		*cp = c;
		return gt_errf(e, "line 1: not a heap profile header "
		                  "(\"heap profile: N: N [N: N] @ heap/R\")");
	}
	p = l + sizeof text_magic - 1;
	end = l + n;
	if (four(&p, end, hv) != 0 || lit(&p, end, "@") != 0) {
		free(frames);
		*cp = c;
		return gt_errf(e, "line 1: not a heap profile header "
		                  "(\"heap profile: N: N [N: N] @ heap/R\")");
	}
	while (p < end && *p == ' ')
		p++;
	while (p < end && kl < sizeof kind - 1 && *p != '/' && *p != ' ')
		kind[kl++] = *p++;
	kind[kl] = '\0';
	if (p < end && *p == '/') {
		p++;
		if (num(&p, end, &rate) != 0)
			rate = 0;
	}
	/* pprof: runtime/pprof writes 2*MemProfileRate after "heap/";
	 * "heap_v2" carries the rate itself; "heapprofile" is unsampled */
	if (strcmp(kind, "heap") == 0)
		h->rate = rate / 2;
	else if (strcmp(kind, "heap_v2") == 0 || strcmp(kind, "heapz_v2") == 0)
		h->rate = rate;
	else if (strcmp(kind, "heapprofile") == 0)
		h->rate = 1;
	else {
		free(frames);
		*cp = c;
		return gt_errf(e,
		               "line 1: heap profile of unknown sampling "
		               "'%s'",
		               kind);
	}
	h->has_inuse = 1;
	/* as pprof: alloc figures that equal in-use ones are none */
	h->has_alloc =
	    (hv[2] != hv[0] && hv[2] != 0) || (hv[3] != hv[1] && hv[3] != 0);

	while ((l = next_line(&c, &n, frames, in_record ? nf : 0)) != NULL) {
		if (n > 0 && l[0] == '#') {
			parse_frame f;

			if (n >= 18 && memcmp(l, "# runtime.MemStats", 18) == 0)
				break;
			if (in_record && nf < MAX_TEXT_FRAMES &&
			    frame_line(l, n, &f) == 0)
				frames[nf++] = f;
			continue;
		}
		if (in_record) {
			add_text_record(&s, v, frames, nf);
			in_record = 0;
		}
		if (n == 0)
			continue;
		p = l;
		end = l + n;
		if (four(&p, end, v) != 0 || lit(&p, end, "@") != 0 ||
		    v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0 ||
		    (v[0] == 0 && v[1] != 0) || (v[2] == 0 && v[3] != 0)) {
			rc = gt_errf(e,
			             "line %zu: not a heap profile record "
			             "(\"N: N [N: N] @ 0x...\")",
			             c.lineno);
			break;
		}
		nf = 0;
		in_record = 1;
	}
	if (rc == GT_OK && in_record)
		add_text_record(&s, v, frames, nf);
	while (rc == GT_OK && (l = next_line(&c, &n, NULL, 0)) != NULL)
		if (n > 2 && l[0] == '#')
			memstat_line(h, l, n);
	free(frames);
	heap_sites_finish(&s);
	*cp = c;
	return rc;
}

int heap_text_parse(const char *buf, size_t len, heap_profile *h, gt_err *e)
{
	lines c = {NULL, (char *)(uintptr_t)buf, len, 0, len, 0, 1, 0};

	return read_text(&c, h, e);
}

int heap_text_stream(gzFile gz, char *head, size_t head_len, heap_profile *h,
                     gt_err *e)
{
	lines c = {gz, head, head_len, 0, head_len, 0, 0, 0};
	int rc = read_text(&c, h, e);

	free(c.buf);
	if (rc != GT_OK)
		return rc;
	if (c.zerr == Z_MEM_ERROR)
		return gt_errf(e, "a line or record larger than %zu MB",
		               HEAP_MAX_SIZE >> 20);
	if (c.zerr == Z_ERRNO)
		return gt_errf(e, "%s", strerror(errno));
	if (c.zerr != Z_OK)
		return gt_errf(e, "gzip data cut short or corrupt");
	gzerror(gz, &c.zerr);
	/* a gzip stream cut short reads as its end: say so */
	if (c.zerr != Z_OK && c.zerr != Z_STREAM_END)
		return gt_errf(e, "gzip data cut short or corrupt");
	return GT_OK;
}
