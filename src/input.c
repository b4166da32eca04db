/*
 * input.c - feeds the parser from files, stdin or pushed buffers, inflating
 * gzip (detected by magic bytes, multi-member streams included). An input
 * whose first bytes read as a profile.proto is kept whole instead and
 * decoded at its end (pprof.h); an execution trace gets an error saying
 * how to get text.
 */
#include "input.h"
#include "pprof.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1u << 20)

struct input_stream {
	parse_ctx *p;
	int sniffed;      /* the first bytes have been looked at */
	unsigned char head[2];
	size_t nhead;
	int gzip;
	int z_open;
	int z_done;       /* the last member ended cleanly */
	z_stream z;
	unsigned char *out;
	int proto;        /* -1 undecided, 0 text, 1 a protobuf profile */
	char *pb;         /* the first bytes, or the whole protobuf profile */
	size_t pb_len, pb_cap;
};

input_stream *input_new(parse_ctx *p)
{
	input_stream *s = gt_calloc(1, sizeof *s);

	s->p = p;
	s->proto = -1;
	return s;
}

void input_free(input_stream *s)
{
	if (s == NULL)
		return;
	if (s->z_open)
		inflateEnd(&s->z);
	free(s->out);
	free(s->pb);
	free(s);
}

int input_is_gzip(const input_stream *s)
{
	return s->gzip;
}

int input_is_text(const input_stream *s)
{
	return s->proto == 0 && !s->gzip;
}

/* "go 1.22 trace\0\0\0": the header of an execution trace, padded with
 * NULs (/debug/pprof/trace). */
static int is_trace(const char *b, size_t n)
{
	const char *nul = memchr(b, 0, n);

	return n >= 14 && memcmp(b, "go 1.", 5) == 0 && nul && nul - b >= 12 &&
	       memcmp(nul - 6, " trace", 6) == 0;
}

/* Text goes to the parser as it comes; the first bytes are held until
 * they tell text from a protobuf profile, which is then held whole. */
static int decide(input_stream *s, gt_err *e)
{
	int rc;

	s->proto = pprof_sniff(s->pb, s->pb_len);
	if (s->proto)
		return GT_OK;
	if (is_trace(s->pb, s->pb_len))
		return gt_errf(e, "a Go execution trace%s, not a text dump: "
				  "fetch /debug/pprof/goroutine?debug=2 (or "
				  "debug=1) for text",
			       s->gzip ? " (gzip)" : "");
	rc = parse_feed(s->p, s->pb, s->pb_len, e);
	free(s->pb);
	s->pb = NULL;
	s->pb_len = s->pb_cap = 0;
	return rc;
}

static int keep(input_stream *s, const char *b, size_t n, gt_err *e)
{
	if (n == 0)
		return GT_OK;
	if (n > PPROF_MAX_SIZE - s->pb_len)
		return gt_errf(e, "protobuf profile larger than %zu MiB "
				  "(inflated): not read",
			       PPROF_MAX_SIZE >> 20);
	if (s->pb_len + n > s->pb_cap) {
		size_t cap = s->pb_cap ? s->pb_cap : 4096;

		while (cap < s->pb_len + n)
			cap = cap < PPROF_MAX_SIZE / 2 ? cap * 2 : PPROF_MAX_SIZE;
		s->pb = gt_realloc(s->pb, cap);
		s->pb_cap = cap;
	}
	memcpy(s->pb + s->pb_len, b, n);
	s->pb_len += n;
	return GT_OK;
}

static int deliver(input_stream *s, const char *b, size_t n, gt_err *e)
{
	if (s->proto < 0) {
		size_t take = PPROF_SNIFF_LEN - s->pb_len;

		take = take < n ? take : n;
		if (keep(s, b, take, e) != GT_OK)
			return GT_ERR;
		b += take;
		n -= take;
		if (s->pb_len < PPROF_SNIFF_LEN)
			return GT_OK;
		if (decide(s, e) != GT_OK)
			return GT_ERR;
	}
	if (n == 0)
		return GT_OK;
	return s->proto ? keep(s, b, n, e) : parse_feed(s->p, b, n, e);
}

/* The whole protobuf profile is in: its records go to the parser's sink. */
static int decode_proto(input_stream *s, gt_err *e)
{
	pprof_profile *pp;
	parse_stats st;
	int rc;

	if (pprof_open(s->pb, s->pb_len, &pp, e) != GT_OK)
		return GT_ERR;
	memset(&st, 0, sizeof st);
	rc = pprof_goroutines(pp, parse_get_sink(s->p), &st, e);
	parse_add_stats(s->p, &st);
	pprof_free(pp);
	return rc;
}

static int inflate_feed(input_stream *s, const unsigned char *buf, size_t len,
			gt_err *e)
{
	s->z.next_in = (unsigned char *)buf;
	s->z.avail_in = (uInt)len;
	while (s->z.avail_in > 0) {
		int zr;

		if (s->z_done) {
			/* another gzip member follows (cat a.gz b.gz) */
			if (inflateReset(&s->z) != Z_OK)
				return gt_errf(e, "gzip: cannot reset stream");
			s->z_done = 0;
		}
		s->z.next_out = s->out;
		s->z.avail_out = CHUNK;
		zr = inflate(&s->z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return gt_errf(e, "gzip: %s",
				       s->z.msg ? s->z.msg : "corrupt data");
		if (deliver(s, (const char *)s->out, CHUNK - s->z.avail_out,
			    e) != GT_OK)
			return GT_ERR;
		if (zr == Z_STREAM_END)
			s->z_done = 1;
		else if (zr == Z_BUF_ERROR && s->z.avail_in == 0)
			break;
	}
	return GT_OK;
}

static int start(input_stream *s, gt_err *e)
{
	s->sniffed = 1;
	if (s->nhead == 2 && s->head[0] == 0x1f && s->head[1] == 0x8b) {
		s->gzip = 1;
		if (inflateInit2(&s->z, 15 + 16) != Z_OK)
			return gt_errf(e, "gzip: cannot initialise zlib");
		s->z_open = 1;
		s->out = gt_malloc(CHUNK);
		return inflate_feed(s, s->head, 2, e);
	}
	return deliver(s, (const char *)s->head, s->nhead, e);
}

int input_feed(input_stream *s, const void *buf, size_t len, gt_err *e)
{
	const unsigned char *b = buf;

	if (!s->sniffed) {
		while (len > 0 && s->nhead < 2) {
			s->head[s->nhead++] = *b++;
			len--;
		}
		if (s->nhead < 2)
			return GT_OK;
		if (start(s, e) != GT_OK)
			return GT_ERR;
	}
	if (len == 0)
		return GT_OK;
	if (s->gzip)
		return inflate_feed(s, b, len, e);
	return deliver(s, (const char *)b, len, e);
}

int input_finish(input_stream *s, int *gzip_cut, gt_err *e)
{
	if (gzip_cut)
		*gzip_cut = 0;
	if (!s->sniffed && s->nhead > 0 && start(s, e) != GT_OK)
		return GT_ERR;
	if (s->proto < 0 && s->pb_len > 0 && decide(s, e) != GT_OK)
		return GT_ERR;
	if (s->proto == 1) {
		/* a cut protobuf cannot be read in part */
		if (s->gzip && !s->z_done)
			return gt_errf(e, "gzip stream cut short: the protobuf "
					  "profile in it is incomplete");
		if (decode_proto(s, e) != GT_OK)
			return GT_ERR;
	}
	if (s->gzip && !s->z_done && gzip_cut)
		*gzip_cut = 1;
	return parse_finish(s->p, e);
}

/* A file cut short while it is mapped (logrotate's copytruncate) faults
 * with SIGBUS on the pages past its new end. The handler maps zero pages
 * over the rest of the window, so the scan runs on without a jump out of
 * the parser, and the read then fails: nothing half-read is reported. A
 * fault elsewhere gets the default action. */
static char *volatile bus_lo, *volatile bus_hi;
static volatile sig_atomic_t bus_hit;
static uintptr_t bus_page;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char *a = si->si_addr;

	(void)uc;
	if (bus_lo && a >= bus_lo && a < bus_hi) {
		char *pg = (char *)((uintptr_t)a & ~(bus_page - 1));

		if (mmap(pg, (size_t)(bus_hi - pg), PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) != MAP_FAILED) {
			bus_hit = 1;
			return;
		}
	}
	signal(sig, SIG_DFL); /* the fault repeats and takes its course */
}

/* A regular file (stdin redirected from one included) is mapped a window
 * at a time: no copy through read(), and each window is unmapped once
 * parsed so the resident set stays small. Returns 1 when done, 0 when fd
 * is not a regular file, -1 on error. */
#define WINDOW ((size_t)4 << 20)
static int map_regular(int fd, input_stream *s, gt_err *e)
{
	struct stat st, now;
	struct sigaction sa, old;
	off_t off;
	int rc = 1;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	bus_page = (uintptr_t)sysconf(_SC_PAGESIZE);
	bus_hit = 0;
	sigaction(SIGBUS, &sa, &old);
	for (off = lseek(fd, 0, SEEK_CUR) > 0 ? lseek(fd, 0, SEEK_CUR) : 0;
	     off < st.st_size;) {
		off_t base = off & ~(off_t)(bus_page - 1);
		size_t len = (size_t)(st.st_size - base) < WINDOW
				     ? (size_t)(st.st_size - base)
				     : WINDOW;
		char *m;

		if (fstat(fd, &now) == 0 && now.st_size < base + (off_t)len) {
			bus_hit = 1; /* cut short since: do not even map it */
			break;
		}
		m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
			 base);
		if (m == MAP_FAILED) {
			rc = off == 0 ? 0
				      : gt_errf(e, "mmap: %s", strerror(errno));
			break;
		}
		madvise(m, len, MADV_SEQUENTIAL);
		bus_lo = m;
		bus_hi = m + len;
		rc = input_feed(s, m + (off - base), len - (size_t)(off - base), e);
		bus_lo = bus_hi = NULL;
		munmap(m, len);
		if (bus_hit || rc != GT_OK) {
			rc = -1;
			break;
		}
		rc = 1;
		off = base + (off_t)len;
	}
	sigaction(SIGBUS, &old, NULL);
	if (bus_hit)
		return gt_errf(e, "the file shrank while it was read "
				  "(truncated or rotated)");
	return rc;
}

int input_read_path(const char *path, parse_ctx *p, int *gzip_cut, gt_err *e)
{
	int fd = 0, rc = GT_ERR;
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	input_stream *s = input_new(p);
	char *buf = gt_malloc(CHUNK);

	if (!is_stdin && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		gt_errf(e, "%s: %s", name, strerror(errno));
		goto out;
	}
	{
		int m = map_regular(fd, s, e);

		if (m < 0)
			goto prefix;
		if (m > 0)
			goto done;
	}
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			gt_errf(e, "%s: %s", name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (input_feed(s, buf, (size_t)n, e) != GT_OK)
			goto prefix;
	}
done:
	if (input_finish(s, gzip_cut, e) != GT_OK)
		goto prefix;
	rc = GT_OK;
	goto out;
prefix: {
	/* name the input in messages from the layers below */
	char tmp[sizeof e->msg];

	memcpy(tmp, e->msg, sizeof tmp);
	gt_errf(e, "%s: %s", name, tmp);
}
out:
	if (!is_stdin && fd >= 0)
		close(fd);
	free(buf);
	input_free(s);
	return rc;
}
