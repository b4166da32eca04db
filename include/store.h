/*
 * store.h - the snapshot store: a directory of snapshot files named
 * NAME[-KIND]-YYYYMMDDTHHMMSSZ[_NN].{txt,pb}[.gz], one series per target
 * and kind (no KIND: goroutine dumps; "leak", "heap": other profiles).
 *
 * A snapshot is written to a hidden, locked temporary file in the
 * directory, fsync'd and renamed to its final name only once committed: a
 * killed writer never leaves a partial snapshot under a final name, and
 * the next writer of that series removes its orphaned temporary file.
 */
#ifndef GT_STORE_H
#define GT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common.h"

/* host_port[_path] of an http(s) URL: a file name, no credentials; the
 * path is left out when it is the goroutine profile. Caller frees. */
char *store_target_name(const char *url);

/* 1 if s[0..n) may name a target: letters, digits, '.', '-', '_'. */
int store_valid_name(const char *s, size_t n);

/* The file prefix of a series: "NAME" (kind NULL or "") or "NAME-KIND".
 * Caller frees. */
char *store_series(const char *name, const char *kind);

/* 0 with the time and same-second sequence number when file is one of
 * series' snapshots, -1 when it is not (another series, another kind, a
 * temporary file, anything else). */
int store_key(const char *file, const char *series, time_t *t, long *seq);

/* Splits a snapshot file name: the length of its series prefix and, when
 * that ends in a known kind ("-leak", "-heap"), the kind (a static
 * string, else ""). -1 for a name without a snapshot time. */
int store_split(const char *file, size_t *series_len, const char **kind);

typedef struct store_writer store_writer;

/* Starts a snapshot of series in dir (removing the series' orphaned
 * temporary files first). gzip: compress a plain body; a gzip body is
 * kept as it came. */
int store_open(const char *dir, const char *series, int gzip,
               store_writer **out, gt_err *e);

/* Appends to the snapshot; the fetch_job tee signature (ud: the writer). */
int store_write(void *ud, const void *buf, size_t len, gt_err *e);

/* Finishes the snapshot taken at `when` (its file time), makes it
 * durable and gives it its final name (.pb when proto, else .txt; .gz
 * when the file holds gzip); *path: that name in dir, caller frees. The
 * writer is freed, whatever the outcome. */
int store_commit(store_writer *w, double when, int proto, char **path,
                 gt_err *e);

/* Drops an unfinished snapshot and frees the writer; NULL is fine. */
void store_abort(store_writer *w);

/* Deletes series' snapshots beyond the newest keep (0: keep all) and
 * lists the file names left, oldest first (*kept: NULL-terminated, caller
 * frees each and the array). Other files are never touched. A file that
 * cannot be removed is reported through warn (may be NULL). */
void store_rotate(const char *dir, const char *series, long keep, char ***kept,
                  size_t *nkept, void (*warn)(const char *path, int err));

/* The time of a kept snapshot: the name's second, refined by the file's
 * modification time when that lies within it; 0 when file is not one of
 * series' snapshots. */
double store_time(const char *dir, const char *file, const char *series);

/* Makes the renames in dir durable. */
void store_sync(const char *dir);

#endif
