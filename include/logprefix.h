/*
 * logprefix.h - the prefixes a log pipeline puts before every line of a
 * dump: kubectl/CRI ("<RFC 3339> stderr F "), docker logs -t and Go's log
 * package (a timestamp), journald ("Nov 20 10:00:00 host app[123]: "),
 * docker json-file lines, or any prefix repeated byte for byte; and the
 * timestamp of a GitHub Actions job log, which stands before every line.
 *
 * The parser learns the prefix on the line where a dump starts and strips
 * it from every following line; which kind is in force is the caller's to
 * keep. Views handed out may point into buffers owned here that are reused
 * on the next call (logprefix_owns() tells).
 */
#ifndef GT_LOGPREFIX_H
#define GT_LOGPREFIX_H

#include <stddef.h>

#include "parse.h"

typedef struct logprefix logprefix;

typedef enum logprefix_result {
	LOGPREFIX_NO,   /* the line does not carry the prefix */
	LOGPREFIX_YES,  /* stripped: the content is in *c, *cn */
	LOGPREFIX_SKIP, /* another stream, or the first part of a split line */
} logprefix_result;

logprefix *logprefix_new(void);
void logprefix_free(logprefix *lp);

/* Drops a half-joined line (a dump ended). */
void logprefix_reset(logprefix *lp);

/* The kind of prefix that s[0..k) is, when dump text starts at s + k
 * (PARSE_PREFIX_NONE if none); a literal prefix is only believed when
 * literal_ok. Records the stream and the time of a CRI line. */
parse_prefix logprefix_learn(logprefix *lp, const char *s, size_t n, size_t k,
			     int literal_ok);

/* Decodes a docker json-file line outside a dump: the "log" value in *c,
 * *cn (its final newline removed; *partial when it had none); its stream
 * and time become those of a dump it may start. Returns 0 if s is not
 * one. */
int logprefix_docker_json(logprefix *lp, const char *s, size_t n,
			  const char **c, size_t *cn, int *partial);

/* Outside a dump: joins CRI "P" records (a runtime that writes a dump in
 * pieces, each a record) with the "F" record that ends them, so that a dump
 * whose first line came in pieces is still seen to start. SKIP for a "P"
 * record; YES on the "F" record that completes one, the joined text in *c,
 * *cn and its stream kept for the dump; NO otherwise. */
logprefix_result logprefix_cri_join(logprefix *lp, const char *s, size_t n,
				    const char **c, size_t *cn);

/* Strips a prefix of the given kind from a line, joining split lines and
 * skipping lines of another stream than the dump's. */
logprefix_result logprefix_strip(logprefix *lp, parse_prefix kind,
				 const char *s, size_t n, const char **c,
				 size_t *cn);

/* Seconds since the epoch in the prefix of line s under kind, or 0. */
double logprefix_time(const logprefix *lp, parse_prefix kind, const char *s,
		      size_t n);

/* 1 if c points into a buffer of lp's that the next call reuses. */
int logprefix_owns(const logprefix *lp, const char *c);

/* Length of the timestamp GitHub Actions puts before every line of a job
 * log, blank ones too: "2022-12-25T16:09:45.9555131Z " (seven fraction
 * digits; the space is missing on a blank line), or 0. */
size_t logprefix_github(const char *s, size_t n);

/* "2026-11-20T10:00:00.123456789Z" (or +hh:mm, or a space for the T) to
 * seconds since the epoch; 0 if s does not start with one. */
double logprefix_parse_time(const char *s, size_t n);

#endif
