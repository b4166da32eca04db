/*
 * input.h - byte sources for the parser: files, stdin and any pushed stream
 * (libcurl), with gzip detected by its magic bytes and inflated on the fly.
 */
#ifndef GT_INPUT_H
#define GT_INPUT_H

#include <stddef.h>

#include "common.h"
#include "parse.h"

typedef struct input_stream input_stream;

/* Wraps parser p (not owned). */
input_stream *input_new(parse_ctx *p);
void input_free(input_stream *s);

/* Pushes raw bytes (possibly gzip) through to the parser. */
int input_feed(input_stream *s, const void *buf, size_t len, gt_err *e);

/* End of the raw stream: finishes the parser. *gzip_cut is set when a gzip
 * stream ended early (what arrived has been parsed). */
int input_finish(input_stream *s, int *gzip_cut, gt_err *e);

/* 1 once gzip was detected. */
int input_is_gzip(const input_stream *s);
/* 1 once the bytes were found to be plain text, going to the parser as
 * they are (no gzip, no protobuf profile). */
int input_is_text(const input_stream *s);

/* Reads a path ("-" for stdin) through a new stream into p, then finishes
 * the parse. Errors name the path; a regular file that shrinks while it is
 * read is one (what was parsed is then not to be reported). */
int input_read_path(const char *path, parse_ctx *p, int *gzip_cut, gt_err *e);

#endif
