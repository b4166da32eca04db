/*
 * parallel.c - one input read on several threads: the pieces, the workers
 * and the join in input order (see parallel.h).
 *
 * A ring of pieces is shared under one mutex. The calling thread fills it
 * in input order (a regular file: offsets only; a pipe: a buffer read
 * whole), workers take the next piece in order, read and parse it, and the
 * calling thread joins or rereads each piece in order, then reuses its
 * slot. Memory is bounded by the ring: slots times the piece size, and
 * each piece's set of groups.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include "parallel.h"

#include "input.h"
#include "merge.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* How far back from a pipe buffer's end a cut is looked for at a time. */
#define FIND_STEP ((size_t)64 << 10)

unsigned parallel_cores(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof set, &set) == 0 &&
	    (n = CPU_COUNT(&set)) > 0)
		return (unsigned)n;
	n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

typedef struct piece {
	uint64_t off; /* where it starts in the input */
	size_t len;
	size_t tail; /* a pipe's: bytes past len, from a cut on, that
	                open the next piece */
	int at_cut;  /* starts at a header after a blank line */
	int to_cut;  /* ends where the next piece starts at one, or at
	                the end of the input: its last goroutine ends
	                with it (in a double-spaced log a blank line
	                alone does not tell) */
	char *mem;   /* its bytes once read (a file's: mapped) */
	size_t cap;  /* a pipe's buffer */
	char *map;   /* a file's mapping, of maplen bytes */
	size_t maplen;
	int read_rc;    /* file: 0, an errno of mmap, or -1: it shrank */
	int done;       /* the worker is through with it */
	parse_ctx *ctx; /* the parser of the pieces read in this slot */
	group_set *set; /* the piece's groups, when it can be joined */
} piece;

typedef struct par {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	piece *ring;
	size_t nring;
	uint64_t next_take; /* next piece a worker takes */
	uint64_t produced;  /* pieces put in the ring so far */
	int stop;
	int solo; /* the input is no text: parse nothing more */
	int fd;
	int file; /* pieces are mapped by the workers */
	const group_set *like;
	uint64_t start; /* where the input starts in the file */
} par;

static piece *slot(par *q, uint64_t i)
{
	return &q->ring[i % q->nring];
}

/* A file cut short while it is mapped (logrotate's copytruncate) faults
 * with SIGBUS past its new end, in whichever thread reads there. The
 * handler maps zero pages over the rest of that piece's window, so the
 * reader runs on to its end, and marks the piece: nothing of it is used
 * (input.c does the same for one window). */
#define WINDOWS (2 * PARALLEL_MAX_THREADS + 2)

static struct {
	char *volatile lo, *volatile hi;
	volatile sig_atomic_t hit;
} win[WINDOWS];
static uintptr_t page_size;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char *a = si->si_addr;
	size_t i;

	(void)uc;
	for (i = 0; i < WINDOWS; i++)
		if (win[i].lo && a >= win[i].lo && a < win[i].hi) {
			char *pg = (char *)((uintptr_t)a & ~(page_size - 1));

			if (mmap(pg, (size_t)(win[i].hi - pg), PROT_READ,
			         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			         0) != MAP_FAILED) {
				win[i].hit = 1;
				return;
			}
		}
	signal(sig, SIG_DFL); /* the fault repeats and takes its course */
}

/* Maps a piece of a regular file into window w. Returns 0 or an errno. */
static int map_piece(const par *q, piece *pc, size_t w)
{
	uint64_t base = pc->off & ~(uint64_t)(page_size - 1);
	char *m;

	pc->maplen = pc->len + (size_t)(pc->off - base);
	if (pc->len == 0)
		return 0;
	m = mmap(NULL, pc->maplen, PROT_READ, MAP_PRIVATE, q->fd, (off_t)base);
	if (m == MAP_FAILED)
		return errno;
	madvise(m, pc->maplen, MADV_SEQUENTIAL);
	pc->map = m;
	pc->mem = m + (pc->off - base);
	win[w].hit = 0;
	win[w].hi = m + pc->maplen;
	win[w].lo = m;
	return 0;
}

/* Unmaps it; -1 if the file shrank under it. */
static int unmap_piece(piece *pc, size_t w)
{
	int rc = win[w].hit ? -1 : 0;

	win[w].lo = win[w].hi = NULL;
	if (pc->map)
		munmap(pc->map, pc->maplen);
	pc->map = pc->mem = NULL;
	return rc;
}

/* Parses a piece that starts at a cut into a set of its own; keeps them
 * only when the piece stayed inside one plain dump. */
static void parse_piece(const par *q, piece *pc)
{
	group_set *s = group_set_new_piece(q->like);
	parse_sink sink = group_sink(s);
	gt_err e = {{0}};

	if (pc->ctx == NULL)
		pc->ctx = parse_new(&sink);
	/* the last goroutine may start a dump too (a dump's writer) */
	if (parse_inside(pc->ctx, &sink, pc->off - q->start, &e) == GT_OK &&
	    parse_feed(pc->ctx, pc->mem, pc->len, &e) == GT_OK &&
	    parse_between_goroutines(pc->ctx) &&
	    parse_flush(pc->ctx, &e) == GT_OK &&
	    parse_get_stats(pc->ctx)->dumps == 0) {
		pc->set = s;
		return;
	}
	group_set_free(s);
}

static void *worker(void *arg)
{
	par *q = arg;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		uint64_t i;
		piece *pc;
		int solo;

		while (!q->stop && q->next_take == q->produced)
			pthread_cond_wait(&q->work, &q->mu);
		if (q->stop)
			break;
		i = q->next_take++;
		pc = slot(q, i);
		solo = q->solo;
		pthread_mutex_unlock(&q->mu);

		if (q->file && pc->at_cut && pc->to_cut && !solo) {
			/* the calling thread maps it again if it has to */
			pc->read_rc = map_piece(q, pc, (size_t)(i % q->nring));
			if (pc->read_rc == 0)
				parse_piece(q, pc);
			if (unmap_piece(pc, (size_t)(i % q->nring)) < 0)
				pc->read_rc = -1;
		} else if (!q->file && pc->at_cut && pc->to_cut && !solo) {
			parse_piece(q, pc);
		}

		pthread_mutex_lock(&q->mu);
		pc->done = 1;
		pthread_cond_broadcast(&q->done);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* ---- cutting ---------------------------------------------------------- */

/* A regular file: the first cut at or after target, found by reading a
 * little there; size when there is none. */
static uint64_t file_cut(int fd, uint64_t target, uint64_t size, char *buf,
                         size_t cap)
{
	while (target < size) {
		/* from two bytes before: the blank line of a header at target
		 */
		uint64_t at = target - 2;
		ssize_t n = pread(fd, buf, cap, (off_t)at);
		size_t k;

		if (n <= 0)
			return size;
		k = parse_boundary(buf, (size_t)n, 0);
		if (k < (size_t)n)
			return at + k;
		if ((size_t)n < cap)
			return size;
		target = at + (size_t)n - 4096; /* a header across the end */
	}
	return size;
}

/* A pipe buffer: the last cut in its second half, len when none. */
static size_t last_cut(const char *b, size_t len)
{
	size_t from = len, best = len;

	while (best == len && from > len / 2) {
		size_t k;

		from = from - len / 2 > FIND_STEP ? from - FIND_STEP : len / 2;
		for (k = parse_boundary(b, len, from); k < len;
		     k = parse_boundary(b, len, k + 1))
			best = k;
	}
	return best;
}

/* Fills a pipe piece: what the one before left past its cut, then reads
 * up to chunk bytes and cuts there. Returns 0, or an errno. */
static int fill_pipe(const par *q, piece *pc, const piece *prev, size_t chunk,
                     int *eof)
{
	size_t c;

	if (pc->cap < chunk) {
		free(pc->mem);
		pc->mem = gt_malloc(chunk);
		pc->cap = chunk;
	}
	pc->len = 0;
	pc->at_cut = 0;
	if (prev && prev->tail) {
		memcpy(pc->mem, prev->mem + prev->len, prev->tail);
		pc->len = prev->tail;
		pc->at_cut = 1;
	}
	while (pc->len < chunk) {
		ssize_t n = read(q->fd, pc->mem + pc->len, chunk - pc->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0) {
			*eof = 1;
			break;
		}
		pc->len += (size_t)n;
	}
	pc->tail = 0;
	if (!*eof && (c = last_cut(pc->mem, pc->len)) < pc->len) {
		pc->tail = pc->len - c;
		pc->len = c;
	}
	return 0;
}

/* ---- the reader ------------------------------------------------------- */

/* Puts the next piece in the ring. Returns 0, or an errno. */
static int produce(par *q, size_t chunk, uint64_t *pos, uint64_t size,
                   char *probe, int *eof)
{
	piece *n = slot(q, q->produced);
	const piece *prev = q->produced ? slot(q, q->produced - 1) : NULL;
	int err = 0;

	n->off = *pos;
	n->done = 0;
	n->read_rc = 0;
	if (q->file) {
		uint64_t end =
		    *pos + chunk >= size
		        ? size
		        : file_cut(q->fd, *pos + chunk, size, probe, FIND_STEP);

		n->len = (size_t)(end - *pos);
		n->tail = 0;
		n->at_cut =
		    q->produced > 0; /* file_cut found where it starts */
		n->to_cut = 1;
		*eof = end >= size;
	} else {
		err = fill_pipe(q, n, prev, chunk, eof);
		n->to_cut = n->tail > 0 || *eof;
	}
	*pos += n->len;
	pthread_mutex_lock(&q->mu);
	q->produced++;
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->mu);
	return err;
}

static void release(piece *pc)
{
	if (pc->map)
		munmap(pc->map, pc->maplen);
	pc->map = NULL;
	group_set_free(pc->set);
	pc->set = NULL;
}

int parallel_read_path(const char *path, group_set *s, parse_ctx *p,
                       unsigned threads, size_t chunk, int *gzip_cut,
                       parallel_info *info, gt_err *e)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	par q;
	pthread_t tid[PARALLEL_MAX_THREADS];
	unsigned nt;
	input_stream *in = NULL;
	struct stat st;
	struct sigaction old_bus;
	uint64_t size = 0, pos = 0, i;
	char *probe = NULL;
	int eof = 0, rc = GT_ERR, err = 0;

	if (info)
		memset(info, 0, sizeof *info);
	if (threads <= 1)
		return input_read_path(path, p, gzip_cut, e);
	if (threads > PARALLEL_MAX_THREADS)
		threads = PARALLEL_MAX_THREADS;
	memset(&q, 0, sizeof q);
	if (!is_stdin && (q.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return gt_errf(e, "%s: %s", name, strerror(errno));
	if (fstat(q.fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t at = lseek(q.fd, 0, SEEK_CUR);

		q.file = 1;
		pos = q.start = at > 0 ? (uint64_t)at : 0;
		size = (uint64_t)st.st_size;
		eof = pos >= size;
		probe = gt_malloc(FIND_STEP);
	} else {
		/* a larger pipe: fewer wake-ups of the writer and of us (the
		 * default of 64 KiB makes a read per 16 pages) */
		(void)fcntl(q.fd, F_SETPIPE_SZ, 1 << 20);
	}
	if (chunk == 0)
		chunk = q.file ? PARALLEL_CHUNK : PARALLEL_PIPE_CHUNK;
	if (chunk < 64)
		chunk = 64;
	/* enough pieces in flight to keep every worker busy while the
	 * oldest is joined */
	q.nring = 2 * (size_t)threads + 2;
	q.ring = gt_calloc(q.nring, sizeof *q.ring);
	q.like = s;
	group_set_pieces(s);
	if (q.file) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
		sigaction(SIGBUS, &sa, &old_bus);
	}
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.work, NULL);
	pthread_cond_init(&q.done, NULL);
	for (nt = 0; nt < threads; nt++)
		if (pthread_create(&tid[nt], NULL, worker, &q) != 0)
			break;
	in = input_new(p);
	if (nt == 0) {
		gt_errf(e, "%s: cannot start a thread", name);
		goto out;
	}

	for (i = 0;; i++) {
		piece *pc;

		while (!eof && err == 0 && q.produced < i + q.nring)
			err = produce(&q, chunk, &pos, size, probe, &eof);
		if (err) {
			gt_errf(e, "%s: %s", name, strerror(err));
			goto out;
		}
		if (i == q.produced)
			break;
		pc = slot(&q, i);
		pthread_mutex_lock(&q.mu);
		while (!pc->done)
			pthread_cond_wait(&q.done, &q.mu);
		pthread_mutex_unlock(&q.mu);
		if (pc->read_rc) {
			if (pc->read_rc < 0)
				gt_errf(e,
				        "%s: the file shrank while it was "
				        "read (truncated or rotated)",
				        name);
			else
				gt_errf(e, "%s: %s", name,
				        strerror(pc->read_rc));
			goto out;
		}
		if (pc->set && input_is_text(in) &&
		    parse_between_goroutines(p) && merge_fits(s, pc->set)) {
			/* joined: the goroutine before it ends here */
			if (parse_flush(p, e) != GT_OK)
				goto named;
			merge_piece(s, pc->set);
			parse_skip(p, pc->ctx);
			if (info)
				info->joined++;
		} else if (pc->len) {
			int frc = GT_OK;

			if (q.file &&
			    (err = map_piece(&q, pc, (size_t)(i % q.nring)))) {
				gt_errf(e, "%s: mmap: %s", name, strerror(err));
				goto out;
			}
			frc = input_feed(in, pc->mem, pc->len, e);
			if (q.file &&
			    unmap_piece(pc, (size_t)(i % q.nring)) < 0) {
				gt_errf(e,
				        "%s: the file shrank while it was "
				        "read (truncated or rotated)",
				        name);
				goto out;
			}
			if (frc != GT_OK)
				goto named;
		}
		release(pc);
		if (i == 0 && !input_is_text(in)) {
			pthread_mutex_lock(&q.mu);
			q.solo = 1;
			pthread_mutex_unlock(&q.mu);
		}
	}
	if (info)
		info->pieces = q.produced;
	if (input_finish(in, gzip_cut, e) != GT_OK)
		goto named;
	rc = GT_OK;
	goto out;
named : {
	/* name the input in messages from the layers below */
	char tmp[sizeof e->msg];

	memcpy(tmp, e->msg, sizeof tmp);
	gt_errf(e, "%s: %s", name, tmp);
}
out:
	pthread_mutex_lock(&q.mu);
	q.stop = 1;
	pthread_cond_broadcast(&q.work);
	pthread_mutex_unlock(&q.mu);
	while (nt > 0)
		pthread_join(tid[--nt], NULL);
	for (i = 0; i < q.nring; i++) {
		release(&q.ring[i]);
		parse_free(q.ring[i].ctx);
		if (!q.file)
			free(q.ring[i].mem);
	}
	free(q.ring);
	free(probe);
	if (q.file)
		sigaction(SIGBUS, &old_bus, NULL);
	input_free(in);
	pthread_mutex_destroy(&q.mu);
	pthread_cond_destroy(&q.work);
	pthread_cond_destroy(&q.done);
	if (!is_stdin)
		close(q.fd);
	return rc;
}
