/*
 * heap.c - heap profiles (protobuf and legacy text) read into allocation
 * sites, and sites followed across snapshots with the growth test of
 * trend.c over in-use bytes (see heap.h).
 */
#define _GNU_SOURCE
#include "heap.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pprof.h"
#include "uthash.h"

/* ---- sites -------------------------------------------------------------- */

/* Function and file names repeat from site to site (100,000 sites may
 * share a few hundred names): each is kept once per profile. */
struct heap_str {
	UT_hash_handle hh;
	char s[]; /* NUL-terminated; the key is its bytes */
};

static char *intern(heap_profile *h, const char *p, size_t n)
{
	struct heap_str *e;

	HASH_FIND(hh, h->strings, p, n, e);
	if (e == NULL) {
		e = gt_malloc(sizeof *e + n + 1);
		memcpy(e->s, p, n);
		e->s[n] = '\0';
		HASH_ADD_KEYPTR(hh, h->strings, e->s, n, e);
	}
	return e->s;
}

typedef struct site_set {
	heap_profile *h;
	size_t cap;
	/* open addressing over h->sites by key: a profile has a few thousand
	 * sites, each added once per sample */
	size_t *slots; /* 1 + index, 0 empty */
	size_t nslots;
	int iin_b, iin_o, ial_b, ial_o; /* protobuf value indexes, -1 none */
} site_set;

static uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 1099511628211ull;
	return h;
}

/* The site of a stack: its functions and lines, not addresses, so a text
 * and a protobuf profile of one binary name a site alike. */
static uint64_t stack_hash(const parse_frame *f, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h = fnv64(h, f[i].func ? f[i].func : "?",
		          f[i].func ? f[i].func_len : 1);
		h = fnv64(h, &f[i].line, sizeof f[i].line);
		h = fnv64(h, "\n", 1);
	}
	return h;
}

static void grow_slots(site_set *s)
{
	size_t i, n = s->nslots ? s->nslots * 2 : 1024;
	size_t *slots = gt_calloc(n, sizeof *slots);

	for (i = 0; i < s->h->nsites; i++) {
		uint64_t k = strtoull(s->h->sites[i].key, NULL, 16);
		size_t j = (size_t)k & (n - 1);

		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = i + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
}

/* The site of frames[0..n), added when new. */
static heap_site *site_of(site_set *s, const parse_frame *f, size_t n)
{
	uint64_t k = stack_hash(f, n);
	char key[17];
	size_t j, i;
	heap_site *site;

	snprintf(key, sizeof key, "%016" PRIx64, k);
	if (2 * (s->h->nsites + 1) > s->nslots)
		grow_slots(s);
	for (j = (size_t)k & (s->nslots - 1); s->slots[j];
	     j = (j + 1) & (s->nslots - 1))
		if (strcmp(s->h->sites[s->slots[j] - 1].key, key) == 0)
			return &s->h->sites[s->slots[j] - 1];
	if (s->h->nsites == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->h->sites =
		    gt_realloc(s->h->sites, s->cap * sizeof *s->h->sites);
	}
	s->slots[j] = s->h->nsites + 1;
	site = &s->h->sites[s->h->nsites++];
	memset(site, 0, sizeof *site);
	memcpy(site->key, key, sizeof key);
	site->frames = gt_calloc(n ? n : 1, sizeof *site->frames);
	site->nframes = n;
	site->user = n;
	for (i = 0; i < n; i++) {
		parse_frame pf = f[i];

		group_frame *g = &site->frames[i];

		if (pf.func == NULL)
			pf.func = "?", pf.func_len = 1;
		g->func = intern(s->h, pf.func, pf.func_len);
		g->func_len = pf.func_len;
		g->file = pf.file ? intern(s->h, pf.file, pf.file_len) : NULL;
		g->file_len = pf.file ? pf.file_len : 0;
		g->line = pf.line;
		if (site->user == n && group_frame_is_user(&site->frames[i]))
			site->user = i;
	}
	return site;
}

static int by_inuse(const void *pa, const void *pb)
{
	const heap_site *a = pa, *b = pb;

	if (a->inuse_bytes != b->inuse_bytes)
		return a->inuse_bytes > b->inuse_bytes ? -1 : 1;
	if (a->alloc_bytes != b->alloc_bytes)
		return a->alloc_bytes > b->alloc_bytes ? -1 : 1;
	return strcmp(a->key, b->key);
}

static void finish(site_set *s)
{
	heap_profile *h = s->h;
	size_t i;

	h->inuse_bytes = h->inuse_objects = h->alloc_bytes = h->alloc_objects =
	    0;
	for (i = 0; i < h->nsites; i++) {
		h->inuse_bytes += h->sites[i].inuse_bytes;
		h->inuse_objects += h->sites[i].inuse_objects;
		h->alloc_bytes += h->sites[i].alloc_bytes;
		h->alloc_objects += h->sites[i].alloc_objects;
	}
	if (h->nsites > 1)
		qsort(h->sites, h->nsites, sizeof *h->sites, by_inuse);
	free(s->slots);
	s->slots = NULL;
}

void heap_scale(int64_t count, int64_t size, int64_t rate, int64_t *count_out,
                int64_t *size_out)
{
	double scale;

	if (count == 0 || size == 0) {
		*count_out = *size_out = 0;
		return;
	}
	if (rate <= 1) {
		*count_out = count;
		*size_out = size;
		return;
	}
	scale = 1 / (1 - exp(-((double)size / (double)count) / (double)rate));
	/* truncated as pprof's int64() does */
	*count_out = (int64_t)((double)count * scale);
	*size_out = (int64_t)((double)size * scale);
}

/* ---- text --------------------------------------------------------------- */

static const char text_magic[] = "heap profile:";

int heap_sniff_text(const void *buf, size_t len)
{
	size_t n = sizeof text_magic - 1;

	return len >= n && memcmp(buf, text_magic, n) == 0;
}

typedef struct cursor {
	const char *p, *end;
	size_t lineno;
} cursor;

/* The next line without its end, or NULL at the end of the buffer. */
static const char *next_line(cursor *c, size_t *len)
{
	const char *l = c->p, *nl;

	if (c->p >= c->end)
		return NULL;
	nl = memchr(l, '\n', (size_t)(c->end - l));
	*len = nl ? (size_t)(nl - l) : (size_t)(c->end - l);
	c->p = nl ? nl + 1 : c->end;
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
	heap_site *site = site_of(s, f, n);
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

static int read_text(const char *buf, size_t len, heap_profile *h, gt_err *e)
{
	cursor c = {buf, buf + len, 0};
	site_set s = {h, 0, NULL, 0, -1, -1, -1, -1};
	parse_frame *frames = gt_calloc(MAX_TEXT_FRAMES, sizeof *frames);
	size_t n, nf = 0;
	const char *l = next_line(&c, &n), *p, *end;
	int64_t hv[4], rate = 0, v[4];
	char kind[16];
	size_t kl = 0;
	int in_record = 0, rc = GT_OK;

	h->text = 1;
	p = l + sizeof text_magic - 1;
	end = l + n;
	if (four(&p, end, hv) != 0 || lit(&p, end, "@") != 0) {
		free(frames);
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
		return gt_errf(e,
		               "line 1: heap profile of unknown sampling "
		               "'%s'",
		               kind);
	}
	h->has_inuse = 1;
	/* as pprof: alloc figures that equal in-use ones are none */
	h->has_alloc =
	    (hv[2] != hv[0] && hv[2] != 0) || (hv[3] != hv[1] && hv[3] != 0);

	while ((l = next_line(&c, &n)) != NULL) {
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
	while (rc == GT_OK && (l = next_line(&c, &n)) != NULL)
		if (n > 2 && l[0] == '#')
			memstat_line(h, l, n);
	free(frames);
	finish(&s);
	return rc;
}

/* ---- protobuf ----------------------------------------------------------- */

static int str_is(pprof_str s, const char *w)
{
	return s.len == strlen(w) && memcmp(s.s, w, s.len) == 0;
}

static int proto_sample(void *ud, const pprof_sample *ps, gt_err *e)
{
	site_set *s = ud;
	heap_site *site;

	(void)e;
	site = site_of(s, ps->frames, ps->nframes);
	if (s->iin_b >= 0)
		site->inuse_bytes += ps->values[s->iin_b];
	if (s->iin_o >= 0)
		site->inuse_objects += ps->values[s->iin_o];
	if (s->ial_b >= 0)
		site->alloc_bytes += ps->values[s->ial_b];
	if (s->ial_o >= 0)
		site->alloc_objects += ps->values[s->ial_o];
	return GT_OK;
}

static int read_proto(const void *buf, size_t len, heap_profile *h, gt_err *e)
{
	pprof_profile *pp;
	site_set s = {h, 0, NULL, 0, -1, -1, -1, -1};
	const pprof_type *t;
	size_t nt, i;
	int rc;

	if (pprof_open(buf, len, &pp, e) != GT_OK)
		return GT_ERR;
	t = pprof_sample_types(pp, &nt);
	for (i = 0; i < nt; i++) {
		if (str_is(t[i].type, "inuse_space"))
			s.iin_b = (int)i;
		else if (str_is(t[i].type, "inuse_objects"))
			s.iin_o = (int)i;
		else if (str_is(t[i].type, "alloc_space"))
			s.ial_b = (int)i;
		else if (str_is(t[i].type, "alloc_objects"))
			s.ial_o = (int)i;
	}
	if (s.iin_b < 0 && s.ial_b < 0) {
		char types[256];
		size_t o = 0;

		types[0] = '\0';
		for (i = 0; i < nt && o < sizeof types - 1; i++)
			o += (size_t)snprintf(types + o, sizeof types - o,
			                      "%s%.*s/%.*s", i ? ", " : "",
			                      (int)t[i].type.len, t[i].type.s,
			                      (int)t[i].unit.len, t[i].unit.s);
		rc = gt_errf(e,
		             "a protobuf profile of %s, not a heap profile "
		             "(no inuse_space or alloc_space)",
		             nt ? types : "no sample type");
		pprof_free(pp);
		return rc;
	}
	h->has_inuse = s.iin_b >= 0;
	h->has_alloc = s.ial_b >= 0;
	h->time = (double)pprof_time_nanos(pp) / 1e9;
	rc = pprof_each_sample(pp, proto_sample, &s, e);
	pprof_free(pp);
	finish(&s);
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

int heap_parse(const void *buf, size_t len, heap_profile **out, gt_err *e)
{
	heap_profile *h = gt_calloc(1, sizeof *h);
	int rc;

	*out = NULL;
	if (heap_sniff_text(buf, len))
		rc = read_text(buf, len, h, e);
	else if (pprof_sniff(buf,
	                     len < PPROF_SNIFF_LEN ? len : PPROF_SNIFF_LEN))
		rc = read_proto(buf, len, h, e);
	else
		rc = gt_errf(e, "not a heap profile (neither profile.proto "
		                "nor \"heap profile:\" text)");
	if (rc != GT_OK) {
		heap_free(h);
		return GT_ERR;
	}
	*out = h;
	return GT_OK;
}

int heap_parse_body(const void *buf, size_t len, heap_profile **out,
                    gt_err *e)
{
	const unsigned char *b = buf;
	z_stream z;
	char *plain = NULL;
	size_t cap = 0, n = 0;
	int zr = Z_OK, rc;

	*out = NULL;
	if (len < 2 || b[0] != 0x1f || b[1] != 0x8b)
		return heap_parse(buf, len, out, e);
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return gt_errf(e, "zlib: cannot start inflating");
	z.next_in = (Bytef *)(uintptr_t)buf;
	z.avail_in = (uInt)(len < UINT32_MAX ? len : UINT32_MAX);
	while (zr == Z_OK) {
		if (cap - n < 65536) {
			if (cap >= HEAP_MAX_SIZE) {
				inflateEnd(&z);
				free(plain);
				return gt_errf(e, "larger than %zu MB inflated",
				               HEAP_MAX_SIZE >> 20);
			}
			cap = cap ? cap * 2 : len * 4 + 65536;
			plain = gt_realloc(plain, cap);
		}
		z.next_out = (Bytef *)plain + n;
		z.avail_out = (uInt)(cap - n);
		zr = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
	}
	inflateEnd(&z);
	if (zr != Z_STREAM_END) {
		free(plain);
		return gt_errf(e, "gzip data cut short or corrupt");
	}
	rc = heap_parse(plain, n, out, e);
	free(plain);
	return rc;
}

int heap_read_path(const char *path, heap_profile **out, gt_err *e)
{
	gzFile gz;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc, stdin_ = strcmp(path, "-") == 0;

	*out = NULL;
	gz = stdin_ ? gzdopen(0, "rb") : gzopen(path, "rb");
	if (gz == NULL)
		return gt_errf(e, "%s: %s", stdin_ ? "<stdin>" : path,
		               strerror(errno ? errno : ENOMEM));
	for (;;) {
		int n;

		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = gt_realloc(buf, cap);
		}
		n = gzread(gz, buf + len, (unsigned)(cap - len));
		if (n < 0) {
			int zerr;
			const char *m = gzerror(gz, &zerr);

			gzclose(gz);
			free(buf);
			return gt_errf(e, "%s: %s", path,
			               zerr == Z_ERRNO ? strerror(errno) : m);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > HEAP_MAX_SIZE) {
			gzclose(gz);
			free(buf);
			return gt_errf(e, "%s: larger than %zu MB inflated",
			               path, HEAP_MAX_SIZE >> 20);
		}
	}
	/* a gzip stream cut short reads as its end: say so */
	{
		int zerr;

		gzerror(gz, &zerr);
		gzclose(gz);
		if (zerr != Z_OK && zerr != Z_STREAM_END) {
			free(buf);
			return gt_errf(e, "%s: gzip data cut short or corrupt",
			               path);
		}
	}
	rc = heap_parse(buf, len, out, e);
	if (rc != GT_OK) {
		char msg[sizeof e->msg];

		snprintf(msg, sizeof msg, "%s", e->msg);
		gt_errf(e, "%s: %s", stdin_ ? "<stdin>" : path, msg);
	}
	free(buf);
	return rc;
}

void heap_free(heap_profile *h)
{
	struct heap_str *e, *tmp;
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nsites; i++)
		free(h->sites[i].frames);
	HASH_ITER(hh, h->strings, e, tmp)
	{
		HASH_DEL(h->strings, e);
		free(e);
	}
	free(h->sites);
	free(h->memstats);
	free(h);
}

int64_t heap_memstat(const heap_profile *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nmemstats; i++)
		if (strcmp(h->memstats[i].name, name) == 0)
			return (int64_t)h->memstats[i].value;
	return -1;
}

/* ---- series ------------------------------------------------------------- */

typedef struct order {
	double when;
	size_t i;
} order;

static int by_when(const void *pa, const void *pb)
{
	const order *a = pa, *b = pb;

	if (a->when != b->when && a->when > 0 && b->when > 0)
		return a->when < b->when ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

typedef struct site_ref {
	const heap_site *site;
	size_t snap;
} site_ref;

static int by_key(const void *pa, const void *pb)
{
	const site_ref *a = pa, *b = pb;
	int c = strcmp(a->site->key, b->site->key);

	if (c)
		return c;
	return a->snap < b->snap ? -1 : a->snap > b->snap;
}

static int series_order(const void *pa, const void *pb)
{
	const heap_series *a = pa, *b = pb;

	if (a->test.growing != b->test.growing)
		return a->test.growing ? -1 : 1;
	if (a->test.growing &&
	    a->test.growth_per_hour != b->test.growth_per_hour)
		return a->test.growth_per_hour > b->test.growth_per_hour ? -1
		                                                         : 1;
	if (a->latest->inuse_bytes != b->latest->inuse_bytes)
		return a->latest->inuse_bytes > b->latest->inuse_bytes ? -1 : 1;
	return strcmp(a->latest->key, b->latest->key);
}

heap_trend *heap_trend_new(const heap_profile *const *p, const double *when,
                           const char *const *label, size_t n,
                           const trend_opts *opts)
{
	heap_trend *t = gt_calloc(1, sizeof *t);
	order *ord = gt_calloc(n + 1, sizeof *ord);
	site_ref *refs;
	size_t i, k, j, r, total = 0;

	t->opts = *opts;
	t->n = n;
	t->profiles = gt_calloc(n + 1, sizeof *t->profiles);
	t->when = gt_calloc(n + 1, sizeof *t->when);
	t->labels = gt_calloc(n + 1, sizeof *t->labels);
	for (i = 0; i < n; i++)
		ord[i].when = when[i], ord[i].i = i;
	qsort(ord, n, sizeof *ord, by_when);
	for (i = 0; i < n; i++) {
		t->profiles[i] = p[ord[i].i];
		t->when[i] = ord[i].when;
		t->labels[i] =
		    gt_strndup(label[ord[i].i], strlen(label[ord[i].i]));
	}
	free(ord);
	/* every site of every snapshot, sorted by key then snapshot: each
	 * run of one key is a series (n log n in all sites, not quadratic) */
	for (i = 0; i < n; i++)
		total += t->profiles[i]->nsites;
	refs = gt_calloc(total + 1, sizeof *refs);
	for (i = 0, r = 0; i < n; i++)
		for (k = 0; k < t->profiles[i]->nsites; k++) {
			refs[r].site = &t->profiles[i]->sites[k];
			refs[r++].snap = i;
		}
	if (total > 1)
		qsort(refs, total, sizeof *refs, by_key);
	t->series = gt_calloc(total + 1, sizeof *t->series);
	for (r = 0; r < total; r++) {
		const heap_site *s = refs[r].site;
		heap_series *se;

		if (r == 0 || strcmp(refs[r - 1].site->key, s->key) != 0) {
			se = &t->series[t->nseries++];
			se->bytes = gt_calloc(n, sizeof *se->bytes);
		}
		se = &t->series[t->nseries - 1];
		se->latest = s; /* refs of a key are in snapshot order */
		se->bytes[refs[r].snap] +=
		    s->inuse_bytes > 0 ? (uint64_t)s->inuse_bytes : 0;
	}
	free(refs);
	for (j = 0; j < t->nseries; j++) {
		heap_series *se = &t->series[j];

		trend_test(&t->opts, se->bytes, t->when, n, 0, &se->test);
		if (se->test.growing)
			t->ngrowing++;
	}
	if (t->nseries > 1)
		qsort(t->series, t->nseries, sizeof *t->series, series_order);
	return t;
}

void heap_trend_free(heap_trend *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nseries; i++) {
		free(t->series[i].bytes);
		free(t->series[i].links);
	}
	for (i = 0; i < t->n; i++)
		free(t->labels[i]);
	free(t->series);
	free(t->labels);
	free(t->when);
	free(t->profiles);
	free(t);
}

