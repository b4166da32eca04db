/*
 * heap.c - heap profiles (protobuf and legacy text) read into allocation
 * sites, and sites followed across snapshots with the growth test of
 * trend.c over in-use bytes (see heap.h).
 */
#define _GNU_SOURCE
#include "heap_priv.h"

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
heap_site *heap_site_of(site_set *s, const parse_frame *f, size_t n)
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

void heap_sites_finish(site_set *s)
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
	site = heap_site_of(s, ps->frames, ps->nframes);
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
	heap_sites_finish(&s);
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

int heap_parse(const void *buf, size_t len, heap_profile **out, gt_err *e)
{
	heap_profile *h = gt_calloc(1, sizeof *h);
	int rc;

	*out = NULL;
	if (heap_sniff_text(buf, len))
		rc = heap_text_parse(buf, len, h, e);
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

/* A text profile is streamed (only the record being read is held); a
 * protobuf one is decoded whole. */
int heap_read_path(const char *path, heap_profile **out, gt_err *e)
{
	gzFile gz;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc, stdin_ = strcmp(path, "-") == 0, sniffed = 0;
	const char *name = stdin_ ? "<stdin>" : path;

	*out = NULL;
	gz = stdin_ ? gzdopen(0, "rb") : gzopen(path, "rb");
	if (gz == NULL)
		return gt_errf(e, "%s: %s", name,
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
			return gt_errf(e, "%s: %s", name,
			               zerr == Z_ERRNO ? strerror(errno) : m);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (!sniffed && len >= 64) {
			sniffed = 1;
			if (heap_sniff_text(buf, len))
				goto text;
		}
		if (len > HEAP_MAX_SIZE) {
			gzclose(gz);
			free(buf);
			return gt_errf(e, "%s: larger than %zu MB inflated",
			               name, HEAP_MAX_SIZE >> 20);
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
			               name);
		}
	}
	rc = heap_parse(buf, len, out, e);
	free(buf);
	goto done;
text:
	*out = gt_calloc(1, sizeof **out);
	rc = heap_text_stream(gz, buf, len, *out, e); /* takes buf */
	gzclose(gz);
	if (rc != GT_OK) {
		heap_free(*out);
		*out = NULL;
	}
done:
	if (rc != GT_OK) {
		char msg[sizeof e->msg];

		snprintf(msg, sizeof msg, "%s", e->msg);
		gt_errf(e, "%s: %s", name, msg);
	}
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
	size_t i, k, j, r, total = 0, moments;

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
	/* as for goroutine groups: three moments, when the times are known */
	moments = trend_moments(t->when, n);
	for (j = 0; j < t->nseries; j++) {
		heap_series *se = &t->series[j];

		trend_test(&t->opts, se->bytes, t->when, n, 0, &se->test);
		if (moments > 1 && moments < TREND_MIN_POINTS)
			se->test.growing = 0;
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

