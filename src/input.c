/*
 * input.c - feeds the parser from files, stdin or pushed buffers, inflating
 * gzip (detected by magic bytes, multi-member streams included). The first
 * bytes after gzip are checked for the binary pprof formats (a protobuf
 * profile, an execution trace), which get an error saying how to get text.
 */
#include "input.h"

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
#define SNIFF 64

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
	unsigned char text[SNIFF]; /* first bytes after gzip */
	size_t ntext;
	int text_checked;
};

input_stream *input_new(parse_ctx *p)
{
	input_stream *s = gt_calloc(1, sizeof *s);

	s->p = p;
	return s;
}

void input_free(input_stream *s)
{
	if (s == NULL)
		return;
	if (s->z_open)
		inflateEnd(&s->z);
	free(s->out);
	free(s);
}

int input_is_gzip(const input_stream *s)
{
	return s->gzip;
}

/* Reads a protobuf varint at b[*i], n bytes long at most. */
static int varint(const unsigned char *b, size_t n, size_t *i, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; *i < n && shift < 64; shift += 7) {
		unsigned char c = b[(*i)++];

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 1;
	}
	return 0;
}

/* 1 if b starts like a pprof profile.proto: Go writes a ValueType message
 * first (sample_type, field 1, or since Go 1.2x period_type, field 11: tag
 * 0x0a or 0x5a, a short length, then the message's first varint 0x08), and
 * every top-level field in the head must be one of Profile's 14 with its
 * wire type. Text has no control byte in its second or third byte. */
static int is_pprof_proto(const unsigned char *b, size_t n)
{
	size_t i = 0;
	int fields = 0;

	if (n < 4 || (b[0] != 0x0a && b[0] != 0x5a) || b[1] >= 0x20 ||
	    b[2] != 0x08)
		return 0;
	while (i < n) {
		uint64_t tag, v;
		unsigned field, wire;

		if (!varint(b, n, &i, &tag))
			break; /* the head ends inside a field */
		field = (unsigned)(tag >> 3);
		wire = (unsigned)(tag & 7);
		if (field < 1 || field > 14)
			return 0;
		/* messages and strings are length-delimited (2); the scalars
		 * varints (0); comment (13) may be packed */
		if (wire == 2 && (field <= 6 || field == 11 || field == 13)) {
			if (!varint(b, n, &i, &v))
				break;
			if (v > n - i)
				break; /* the field goes on past the head */
			i += (size_t)v;
		} else if (wire == 0 && (field >= 7 && field != 11)) {
			if (!varint(b, n, &i, &v))
				break;
		} else {
			return 0;
		}
		fields++;
	}
	return fields >= 2;
}

/* The binary pprof formats by their first bytes, or NULL. */
static const char *binary_profile(const unsigned char *b, size_t n)
{
	/* "go 1.22 trace\0\0\0": a header padded with NULs */
	const unsigned char *nul = memchr(b, 0, n);

	if (n >= 14 && memcmp(b, "go 1.", 5) == 0 && nul && nul - b >= 12 &&
	    memcmp(nul - 6, " trace", 6) == 0)
		return "a Go execution trace";
	if (is_pprof_proto(b, n))
		return "a pprof protobuf profile";
	return NULL;
}

/* Checks the head of what the parser receives once SNIFF bytes (or all
 * there is) have arrived. */
static int check_head(input_stream *s, const unsigned char *b, size_t len,
		      int final, gt_err *e)
{
	const char *what;
	size_t take = SNIFF - s->ntext < len ? SNIFF - s->ntext : len;

	if (s->text_checked)
		return GT_OK;
	if (take)
		memcpy(s->text + s->ntext, b, take);
	s->ntext += take;
	if (s->ntext < SNIFF && !final)
		return GT_OK;
	s->text_checked = 1;
	if ((what = binary_profile(s->text, s->ntext)) != NULL)
		return gt_errf(e, "%s%s, not a text dump: fetch "
			       "/debug/pprof/goroutine?debug=2 (or debug=1) "
			       "for text",
			       what, s->gzip ? " (gzip)" : "");
	return GT_OK;
}

/* Every byte for the parser passes here. */
static int to_parser(input_stream *s, const void *b, size_t len, gt_err *e)
{
	if (!s->text_checked && check_head(s, b, len, 0, e) != GT_OK)
		return GT_ERR;
	return parse_feed(s->p, b, len, e);
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
		if (to_parser(s, s->out, CHUNK - s->z.avail_out, e) != GT_OK)
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
	return to_parser(s, s->head, s->nhead, e);
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
	return to_parser(s, b, len, e);
}

int input_finish(input_stream *s, int *gzip_cut, gt_err *e)
{
	if (gzip_cut)
		*gzip_cut = 0;
	if (!s->sniffed && s->nhead > 0 && start(s, e) != GT_OK)
		return GT_ERR;
	if (check_head(s, NULL, 0, 1, e) != GT_OK)
		return GT_ERR;
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
#define WINDOW ((size_t)8 << 20)
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
