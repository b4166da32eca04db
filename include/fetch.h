/*
 * fetch.h - http(s) inputs through libcurl: the body streams straight into
 * an input_stream (gzip and all), nothing is written to disk; a job may
 * instead hand the body only to its tee (a profile kept as it came).
 * Several targets are fetched concurrently with the multi interface.
 */
#ifndef GT_FETCH_H
#define GT_FETCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
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

/* 1 if s is an http:// or https:// URL (scheme in any case). */
int fetch_is_url(const char *s);

/* The URL to fetch: adds debug=2 to a /debug/pprof/goroutine (or
 * goroutineleak) path that has no debug parameter, and that whole path to
 * a URL that names only a host ("http://host:6060"). Caller frees. */
char *fetch_normalize_url(const char *url);

/* fetch_normalize_url() with debug=0 where it would ask for debug=2: a
 * profile's default protobuf form (snap and watch --proto). Caller frees. */
char *fetch_proto_url(const char *url);

/* Fetches url and feeds the body through a new input_stream into p, then
 * finishes the parse. *cut is set when the transfer broke off mid-body
 * (what arrived has been parsed). Errors say what happened: DNS, connect,
 * TLS, timeout, HTTP status, each with the URL as redact_url() shows
 * it, cut in the middle past 256 bytes so the reason always fits;
 * no credential of the URL, -u or an Authorization, Proxy-Authorization
 * or Cookie header is ever in a message; a body holding no
 * goroutine dump is an error too (naming an HTML page as such). */
int fetch_read(const char *url, const fetch_opts *o, parse_ctx *p, int *cut,
	       gt_err *e);

/* One transfer of fetch_many(). The caller fills the first part and reads
 * the results. */
typedef struct fetch_job {
	const char *url;      /* as given: normalised by fetch_many() */
	parse_ctx *p;         /* the body is parsed into this; NULL: tee only
				 (a profile kept as it came, not parsed here:
				 any non-empty body that is no HTML page is a
				 success, the tee's owner judges the bytes) */
	/* Optional (required without p): also gets the body as it arrives
	 * (after any Content-Encoding is undone, before gzip sniffing).
	 * GT_ERR stops this transfer with that error. */
	int (*tee)(void *ud, const void *buf, size_t len, gt_err *e);
	void *tee_ud;

	/* results */
	int rc;               /* GT_OK or GT_ERR (then err says why) */
	gt_err err;
	int cut;              /* broke off mid-body; what arrived was parsed */
	long status;          /* last HTTP status, 0 if none arrived */
	uint64_t bytes;       /* body bytes received */
	double when;          /* wall clock (epoch seconds) of the first body
				 byte: when the server took the dump */
	double seconds;       /* duration of the transfer */
} fetch_job;

/* Called about ten times a second while transfers run, and once after
 * each one ends. */
typedef void (*fetch_progress_fn)(void *ud, size_t done, size_t total,
				  uint64_t bytes);

typedef struct fetch_hooks {
	fetch_progress_fn progress; /* may be NULL */
	void *ud;
	/* Polled while transfers run: when it becomes nonzero the open
	 * transfers are abandoned ("interrupted"). May be NULL. */
	volatile sig_atomic_t *stop;
} fetch_hooks;

/* Runs the jobs concurrently, each to completion, error or stop, and
 * finishes each job's parse. Returns GT_OK when every job succeeded, else
 * GT_ERR (each job's rc and err tell which and why; e gets the first
 * failure). hooks may be NULL. */
int fetch_many(fetch_job *jobs, size_t n, const fetch_opts *o,
	       const fetch_hooks *hooks, gt_err *e);

#endif
