/*
 * fetch.h - http(s) inputs through libcurl: the body streams straight into
 * an input_stream (gzip and all), nothing is written to disk. Several
 * targets are fetched concurrently with the multi interface.
 */
#ifndef GT_FETCH_H
#define GT_FETCH_H

#include <stddef.h>
#include <stdio.h>

#include "common.h"
#include "parse.h"

typedef struct fetch_opts {
	const char **headers;  /* "Name: value", curl -H style */
	size_t nheaders;
	const char *userpwd;   /* "user:pass", curl -u style */
	const char *cacert;    /* CA bundle path */
	int insecure;          /* skip TLS verification (-k) */
	long connect_timeout;  /* seconds (default 10) */
	long timeout;          /* seconds for the whole transfer (default 60) */
	long max_redirs;       /* default 5 */
} fetch_opts;

void fetch_opts_default(fetch_opts *o);

/* 1 if s is an http:// or https:// URL. */
int fetch_is_url(const char *s);

/* The URL to fetch: adds debug=2 to a /debug/pprof/goroutine path that has
 * no debug parameter. Caller frees. */
char *fetch_normalize_url(const char *url);

/* Fetches url and feeds the body through a new input_stream into p, then
 * finishes the parse. *cut is set when the transfer broke off mid-body
 * (what arrived has been parsed). Errors say what happened: DNS, connect,
 * TLS, timeout, HTTP status, each with the URL. */
int fetch_read(const char *url, const fetch_opts *o, parse_ctx *p, int *cut,
	       gt_err *e);

#endif
