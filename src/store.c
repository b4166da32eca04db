/*
 * store.c - the snapshot store: names, the atomic write of a snapshot,
 * rotation and the listing of a series (see store.h).
 */
#define _GNU_SOURCE
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define TS_LEN 16 /* 20261122T040500Z */
#define PARTIAL ".partial."

/* ---- names -------------------------------------------------------------- */

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

char *store_target_name(const char *url)
{
	const char *a = strstr(url, "://"), *end, *at, *path, *q;
	char raw[512], *out;
	size_t n = 0, i, o = 0;

	a = a ? a + 3 : url;
	end = a + strcspn(a, "/?#");
	at = memchr(a, '@', (size_t)(end - a));
	if (at)
		a = at + 1; /* no credentials in file names */
	n = (size_t)(end - a) < 200 ? (size_t)(end - a) : 200;
	memcpy(raw, a, n);
	path = end;
	q = path + strcspn(path, "?#");
	if (q > path) {
		static const char profile[] = "/debug/pprof/goroutine";
		size_t plen = (size_t)(q - path);

		while (plen > 1 && path[plen - 1] == '/')
			plen--;
		if (!(plen == sizeof profile - 1 &&
		      memcmp(path, profile, plen) == 0) &&
		    !(plen == 1 && path[0] == '/')) {
			if (plen > 200)
				plen = 200;
			raw[n++] = '_';
			memcpy(raw + n, path, plen);
			n += plen;
		}
	}
	out = gt_malloc(n + 8);
	for (i = 0; i < n; i++) {
		char ch = name_char(raw[i]) ? raw[i] : '_';

		if (ch == '_' && (o == 0 || out[o - 1] == '_'))
			continue;
		out[o++] = ch;
	}
	while (o > 0 && out[o - 1] == '_')
		o--;
	if (o == 0 || out[0] == '.' || out[0] == '-')
		memmove(out + 1, out, o++), out[0] = 't';
	out[o] = '\0';
	return out;
}

int store_valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 200 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!name_char(s[i]))
			return 0;
	return 1;
}

char *store_series(const char *name, const char *kind)
{
	size_t n = strlen(name) + (kind ? strlen(kind) : 0) + 2;
	char *s = gt_malloc(n);

	if (kind && kind[0])
		snprintf(s, n, "%s-%s", name, kind);
	else
		snprintf(s, n, "%s", name);
	return s;
}

/* "YYYYMMDDTHHMMSSZ[_NN].{txt,pb}[.gz]": the time and sequence number. */
static int stamp_key(const char *p, time_t *t, long *seq)
{
	struct tm tm;
	const char *rest;
	char *end;

	memset(&tm, 0, sizeof tm);
	rest = strptime(p, "%Y%m%dT%H%M%SZ", &tm);
	if (rest == NULL || rest - p != TS_LEN)
		return -1;
	*seq = 0;
	if (*rest == '_') {
		if (rest[1] < '0' || rest[1] > '9')
			return -1;
		*seq = strtol(rest + 1, &end, 10);
		rest = end;
	}
	if (strcmp(rest, ".txt") != 0 && strcmp(rest, ".txt.gz") != 0 &&
	    strcmp(rest, ".pb") != 0 && strcmp(rest, ".pb.gz") != 0)
		return -1;
	*t = timegm(&tm);
	return 0;
}

int store_key(const char *file, const char *series, time_t *t, long *seq)
{
	size_t nl = strlen(series);

	if (strncmp(file, series, nl) != 0 || file[nl] != '-')
		return -1;
	return stamp_key(file + nl + 1, t, seq);
}

int store_split(const char *file, size_t *series_len, const char **kind)
{
	static const char *const kinds[] = {"leak", "heap"};
	const char *p;
	time_t t;
	long seq;

	/* the last '-' before a stamp: a target name may hold '-' */
	for (p = file + strlen(file); p > file; p--) {
		size_t i, n;

		if (p[-1] != '-' || p - 1 == file || stamp_key(p, &t, &seq))
			continue;
		n = (size_t)(p - 1 - file);
		*series_len = n;
		*kind = "";
		for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			size_t k = strlen(kinds[i]);

			if (n > k + 1 && file[n - k - 1] == '-' &&
			    memcmp(file + n - k, kinds[i], k) == 0)
				*kind = kinds[i];
		}
		return 0;
	}
	return -1;
}

/* ---- writing ------------------------------------------------------------ */

struct store_writer {
	char *dir;
	char *series;
	char *tmp; /* the temporary file */
	int fd;
	int want_gzip; /* compress a plain body */
	gzFile gz;     /* compressing */
	unsigned char head[2];
	size_t nhead;
	int sniffed;
	int raw_gzip; /* the body came gzip'd: kept as it came */
	int gzipped;  /* the file holds gzip, either way */
};

static int write_all(int fd, const void *buf, size_t len, gt_err *e)
{
	const char *b = buf;

	while (len > 0) {
		ssize_t n = write(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return gt_errf(e, "writing the snapshot: %s",
			               strerror(errno));
		b += n;
		len -= (size_t)n;
	}
	return GT_OK;
}

static int file_put(store_writer *f, const void *buf, size_t len, gt_err *e)
{
	if (len == 0)
		return GT_OK;
	if (f->gz) {
		if (gzwrite(f->gz, buf, (unsigned)len) != (int)len) {
			int zerr;
			const char *m = gzerror(f->gz, &zerr);

			return gt_errf(e, "writing the snapshot: %s",
			               zerr == Z_ERRNO ? strerror(errno) : m);
		}
		return GT_OK;
	}
	return write_all(f->fd, buf, len, e);
}

/* The first two bytes decide: a gzip body is kept as it came, a plain
 * one is compressed when asked. */
static int file_start(store_writer *f, gt_err *e)
{
	f->sniffed = 1;
	f->raw_gzip = f->nhead == 2 && f->head[0] == 0x1f && f->head[1] == 0x8b;
	if (f->want_gzip && !f->raw_gzip) {
		int dfd = dup(f->fd);

		if (dfd < 0 || (f->gz = gzdopen(dfd, "wb6")) == NULL) {
			if (dfd >= 0)
				close(dfd);
			return gt_errf(e, "writing the snapshot: cannot start "
			                  "gzip");
		}
	}
	return file_put(f, f->head, f->nhead, e);
}

int store_write(void *ud, const void *buf, size_t len, gt_err *e)
{
	store_writer *f = ud;
	const unsigned char *b = buf;

	if (!f->sniffed) {
		while (len > 0 && f->nhead < 2) {
			f->head[f->nhead++] = *b++;
			len--;
		}
		if (f->nhead < 2)
			return GT_OK;
		if (file_start(f, e) != GT_OK)
			return GT_ERR;
	}
	return file_put(f, b, len, e);
}

/* Flushes, sets the file's time to when the snapshot was taken
 * (sub-second, which the name is not) and makes it durable. */
static int file_close(store_writer *f, double when, gt_err *e)
{
	struct timespec ts[2];
	int rc = GT_OK;

	if (!f->sniffed && file_start(f, e) != GT_OK)
		rc = GT_ERR;
	f->gzipped = f->raw_gzip || f->gz;
	if (f->gz) {
		if (gzclose(f->gz) != Z_OK && rc == GT_OK)
			rc = gt_errf(e, "writing the snapshot: gzip failed");
		f->gz = NULL;
	}
	ts[0].tv_sec = (time_t)when;
	ts[0].tv_nsec = (long)((when - (double)ts[0].tv_sec) * 1e9);
	ts[1] = ts[0];
	if (rc == GT_OK && when > 0)
		futimens(f->fd, ts);
	if (rc == GT_OK && fsync(f->fd) != 0)
		rc = gt_errf(e, "writing the snapshot: %s", strerror(errno));
	if (close(f->fd) != 0 && rc == GT_OK)
		rc = gt_errf(e, "writing the snapshot: %s", strerror(errno));
	f->fd = -1;
	return rc;
}

/* Removes the series' temporary files left by killed writers: the lock a
 * live writer holds tells them apart. */
static void remove_orphans(const char *dir, const char *series)
{
	char prefix[300], path[4096];
	size_t pl;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	pl = (size_t)snprintf(prefix, sizeof prefix, ".%s" PARTIAL, series);
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int fd;

		if (strncmp(de->d_name, prefix, pl) != 0 ||
		    strlen(de->d_name) != pl + 6)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			continue;
		/* a few seconds' grace: a writer locks right after creating */
		if (fstat(fd, &st) == 0 && time(NULL) - st.st_mtime > 5 &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(path);
		close(fd);
	}
	closedir(d);
}

static mode_t umask_now(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

int store_open(const char *dir, const char *series, int gzip,
               store_writer **out, gt_err *e)
{
	size_t n = strlen(dir) + strlen(series) + 32;
	store_writer *w;
	int fd;

	*out = NULL;
	remove_orphans(dir, series);
	w = gt_calloc(1, sizeof *w);
	w->tmp = gt_malloc(n);
	snprintf(w->tmp, n, "%s/.%s" PARTIAL "XXXXXX", dir, series);
	if ((fd = mkostemp(w->tmp, O_CLOEXEC)) < 0) {
		gt_errf(e, "%s: %s", w->tmp, strerror(errno));
		free(w->tmp);
		free(w);
		return GT_ERR;
	}
	flock(fd, LOCK_EX);
	/* the mode a plain "> file" would give, not mkstemp's 0600 */
	fchmod(fd, 0666 & ~umask_now());
	w->fd = fd;
	w->want_gzip = gzip;
	w->dir = gt_strndup(dir, strlen(dir));
	w->series = gt_strndup(series, strlen(series));
	*out = w;
	return GT_OK;
}

void store_abort(store_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0) {
		if (w->gz)
			gzclose(w->gz);
		close(w->fd);
	}
	if (w->tmp)
		unlink(w->tmp);
	free(w->tmp);
	free(w->dir);
	free(w->series);
	free(w);
}

/* The final name is NAME-<UTC time>.txt[.gz] (.pb for a protobuf
 * profile); a second snapshot within the same second gets _01, _02, ...:
 * '_' sorts after '.', so names in ls or glob order stay in time order. */
int store_commit(store_writer *w, double when, int proto, char **out, gt_err *e)
{
	char ts[32], *path;
	struct tm tm;
	time_t sec = (time_t)when;
	const char *ext;
	size_t n = strlen(w->dir) + strlen(w->series) + 64;
	int seq;

	*out = NULL;
	if (file_close(w, when, e) != GT_OK) {
		store_abort(w);
		return GT_ERR;
	}
	ext = w->gzipped ? (proto ? ".pb.gz" : ".txt.gz")
	                 : (proto ? ".pb" : ".txt");
	gmtime_r(&sec, &tm);
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
	path = gt_malloc(n);
	for (seq = 0; seq < 100; seq++) {
		struct stat st;

		if (seq == 0)
			snprintf(path, n, "%s/%s-%s%s", w->dir, w->series, ts,
			         ext);
		else
			snprintf(path, n, "%s/%s-%s_%02d%s", w->dir, w->series,
			         ts, seq, ext);
		if (lstat(path, &st) != 0 && errno == ENOENT)
			break;
	}
	if (rename(w->tmp, path) != 0) {
		gt_errf(e, "%s: %s", path, strerror(errno));
		free(path);
		store_abort(w);
		return GT_ERR;
	}
	free(w->tmp);
	w->tmp = NULL;
	store_abort(w);
	*out = path;
	return GT_OK;
}

/* ---- the series --------------------------------------------------------- */

typedef struct kept_file {
	char *name;
	time_t t;
	long seq;
} kept_file;

static int by_age(const void *pa, const void *pb)
{
	const kept_file *a = pa, *b = pb;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return strcmp(a->name, b->name);
}

void store_rotate(const char *dir, const char *series, long keep, char ***kept,
                  size_t *nkept, void (*warn)(const char *path, int err))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	kept_file *files = NULL;
	size_t n = 0, cap = 0, i, first = 0;

	*kept = NULL;
	*nkept = 0;
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		time_t ts;
		long seq;

		if (store_key(de->d_name, series, &ts, &seq) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			files = gt_realloc(files, cap * sizeof *files);
		}
		files[n].name = gt_strndup(de->d_name, strlen(de->d_name));
		files[n].t = ts;
		files[n].seq = seq;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(files, n, sizeof *files, by_age);
	if (keep > 0 && n > (size_t)keep)
		first = n - (size_t)keep;
	for (i = 0; i < first; i++) {
		char path[4096];

		snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
		if (unlink(path) != 0 && errno != ENOENT && warn)
			warn(path, errno);
		free(files[i].name);
	}
	*nkept = n - first;
	*kept = gt_calloc(*nkept + 1, sizeof **kept);
	for (i = first; i < n; i++)
		(*kept)[i - first] = files[i].name;
	free(files);
}

double store_time(const char *dir, const char *file, const char *series)
{
	char path[4096];
	struct stat st;
	time_t t;
	long seq;
	double m;

	if (store_key(file, series, &t, &seq) != 0)
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (stat(path, &st) != 0)
		return (double)t;
	/* snap sets the mtime to when the snapshot was taken; a copy
	 * without -p loses it and the name still holds */
	m = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
	return m >= (double)t && m < (double)t + 1 ? m : (double)t;
}

void store_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}
