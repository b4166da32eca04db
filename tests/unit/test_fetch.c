/* Unit tests for fetching: URL recognition and normalisation, and the
 * error messages and results of real transfers against a small forked
 * HTTP server on 127.0.0.1 that plays canned responses. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fetch.h"

/* ---- a counting sink ---------------------------------------------------- */

typedef struct counts {
	int dumps, goroutines, truncated;
} counts;

static int c_begin(void *ud, const parse_dump *d, gt_err *e)
{
	(void)d, (void)e;
	((counts *)ud)->dumps++;
	return GT_OK;
}

static int c_g(void *ud, const parse_goroutine *g, gt_err *e)
{
	(void)g, (void)e;
	((counts *)ud)->goroutines++;
	return GT_OK;
}

static int c_end(void *ud, const parse_dump *d, gt_err *e)
{
	(void)e;
	((counts *)ud)->truncated += d->truncated;
	return GT_OK;
}

/* ---- the canned server -------------------------------------------------- */

static const char dump_text[] =
	"goroutine 1 [running]:\n"
	"main.main()\n"
	"\t/src/app/main.go:10 +0x1d\n"
	"\n"
	"goroutine 7 [chan receive]:\n"
	"main.worker()\n"
	"\t/src/app/main.go:20 +0x2a\n"
	"created by main.main in goroutine 1\n"
	"\t/src/app/main.go:9 +0x3c\n"
	"\n"
	"goroutine 8 [chan receive]:\n"
	"main.worker()\n"
	"\t/src/app/main.go:20 +0x2a\n"
	"created by main.main in goroutine 1\n"
	"\t/src/app/main.go:9 +0x3c\n";

static pid_t server_pid;
static int server_port;

static void reply(int fd, const char *status, const char *type,
		  const char *extra, const char *body, size_t len,
		  size_t declared)
{
	char head[512];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\n%s"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, type, extra, declared);

	if (write(fd, head, (size_t)n) < 0 || write(fd, body, len) < 0)
		return;
}

static void serve_one(int fd, int *stalled, size_t *nstalled)
{
	char req[4096], path[256] = "", base[256];
	size_t got = 0;
	ssize_t n;

	while (got + 1 < sizeof req &&
	       (n = read(fd, req + got, sizeof req - 1 - got)) > 0) {
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[got] = '\0';
	sscanf(req, "GET %255s", path);
	memcpy(base, path, sizeof base);
	base[strcspn(base, "?")] = '\0';
	if (strncmp(path, "/debug/pprof/goroutine?debug=2", 30) == 0 ||
	    strcmp(base, "/dump") == 0) {
		reply(fd, "200 OK", "text/plain", "", dump_text,
		      sizeof dump_text - 1, sizeof dump_text - 1);
	} else if (strcmp(base, "/auth") == 0) {
		if (strstr(req, "Authorization: Basic dXNlcjpwYXNz") &&
		    strstr(req, "X-Token: t\r\n"))
			reply(fd, "200 OK", "text/plain", "", dump_text,
			      sizeof dump_text - 1, sizeof dump_text - 1);
		else
			reply(fd, "401 Unauthorized", "text/plain", "",
			      "bad credentials\n", 16, 16);
	} else if (strcmp(base, "/echo") == 0) {
		/* a careless server quoting the credentials it was sent */
		char body[1024];
		const char *h = strstr(req, "Authorization: ");
		int bl = snprintf(body, sizeof body, "rejected %.*s\n",
				  h ? (int)strcspn(h, "\r") : 0, h ? h : "");

		reply(fd, "403 Forbidden", "text/plain", "", body, (size_t)bl,
		      (size_t)bl);
	} else if (strcmp(base, "/missing") == 0) {
		reply(fd, "404 Not Found", "text/plain", "", "404 page not found\n",
		      19, 19);
	} else if (strcmp(base, "/html") == 0) {
		static const char page[] =
			"<html><body><form>login</form></body></html>\n";

		reply(fd, "200 OK", "text/html; charset=utf-8", "", page,
		      sizeof page - 1, sizeof page - 1);
	} else if (strcmp(base, "/empty") == 0) {
		reply(fd, "200 OK", "text/plain", "", "", 0, 0);
	} else if (strcmp(base, "/cut") == 0) {
		/* promises the whole dump, sends a bit more than half */
		reply(fd, "200 OK", "text/plain", "", dump_text, 100,
		      sizeof dump_text - 1);
	} else if (strcmp(base, "/loop") == 0) {
		reply(fd, "302 Found", "text/plain", "Location: /loop\r\n", "",
		      0, 0);
	} else if (strcmp(base, "/stall") == 0) {
		/* never answers: kept open until the server ends */
		if (*nstalled < 16) {
			stalled[(*nstalled)++] = fd;
			return;
		}
	} else {
		reply(fd, "500 Internal Server Error", "text/plain", "", "", 0, 0);
	}
	close(fd);
}

static int start_server(void **state)
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	(void)state;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(ls, 64) != 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) != 0)
		return -1;
	server_port = ntohs(a.sin_port);
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		int stalled[16];
		size_t nstalled = 0;

		alarm(60); /* never outlives a stuck test run */
		for (;;) {
			int fd = accept(ls, NULL, NULL);

			if (fd >= 0)
				serve_one(fd, stalled, &nstalled);
		}
	}
	close(ls);
	return 0;
}

static int stop_server(void **state)
{
	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
	}
	return 0;
}

static char *url(const char *path)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof buf[i], "http://127.0.0.1:%d%s", server_port,
		 path);
	return buf[i];
}

/* Fetches path into a fresh parser; returns rc, fills c, cut and e. */
static int get_url(const char *u, const fetch_opts *o, counts *c, int *cut,
		   gt_err *e)
{
	parse_sink sink = {c, c_begin, c_g, c_end};
	parse_ctx *p = parse_new(&sink);
	int rc;

	memset(c, 0, sizeof *c);
	rc = fetch_read(u, o, p, cut, e);
	parse_free(p);
	return rc;
}

static int get(const char *path, const fetch_opts *o, counts *c, int *cut,
	       gt_err *e)
{
	parse_sink sink = {c, c_begin, c_g, c_end};
	parse_ctx *p = parse_new(&sink);
	fetch_opts def;
	int rc;

	memset(c, 0, sizeof *c);
	if (o == NULL) {
		fetch_opts_default(&def);
		o = &def;
	}
	rc = fetch_read(url(path), o, p, cut, e);
	parse_free(p);
	return rc;
}

/* ---- URLs --------------------------------------------------------------- */

static void test_is_url(void **state)
{
	(void)state;
	assert_true(fetch_is_url("http://127.0.0.1:6060/x"));
	assert_true(fetch_is_url("https://host/"));
	assert_true(fetch_is_url("HTTP://host/"));
	assert_false(fetch_is_url("ftp://host/"));
	assert_false(fetch_is_url("dump.txt"));
	assert_false(fetch_is_url("-"));
	assert_false(fetch_is_url("http:/x"));
}

static void test_normalize(void **state)
{
	static const char *cases[][2] = {
		{"http://h:6060/debug/pprof/goroutine",
		 "http://h:6060/debug/pprof/goroutine?debug=2"},
		{"http://h:6060/debug/pprof/goroutine?debug=1",
		 "http://h:6060/debug/pprof/goroutine?debug=1"},
		{"http://h:6060/debug/pprof/goroutine?seconds=5",
		 "http://h:6060/debug/pprof/goroutine?seconds=5&debug=2"},
		{"http://h:6060/debug/pprof/goroutine?",
		 "http://h:6060/debug/pprof/goroutine?debug=2"},
		{"http://h:6060/debug/pprof/goroutine?xdebug=1",
		 "http://h:6060/debug/pprof/goroutine?xdebug=1&debug=2"},
		{"http://h:6060/debug/pprof/goroutine?a=1&debug",
		 "http://h:6060/debug/pprof/goroutine?a=1&debug"},
		{"http://h:6060/debug/pprof/goroutine#top",
		 "http://h:6060/debug/pprof/goroutine?debug=2#top"},
		{"https://h/app/debug/pprof/goroutine",
		 "https://h/app/debug/pprof/goroutine?debug=2"},
		{"http://h/debug/pprof/goroutineleak",
		 "http://h/debug/pprof/goroutineleak?debug=2"},
		{"http://h:6060", "http://h:6060/debug/pprof/goroutine?debug=2"},
		{"http://u:p@h:6060",
		 "http://u:p@h:6060/debug/pprof/goroutine?debug=2"},
		{"http://h:6060/", "http://h:6060/"},
		{"http://h:6060/debug/pprof/heap", "http://h:6060/debug/pprof/heap"},
		{"http://h:6060/dump.txt", "http://h:6060/dump.txt"},
		{"http://h:6060/x?path=/debug/pprof/goroutine",
		 "http://h:6060/x?path=/debug/pprof/goroutine"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = fetch_normalize_url(cases[i][0]);

		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("%s: got %s, want %s", cases[i][0], got,
				 cases[i][1]);
		free(got);
	}
}

/* ---- transfers ---------------------------------------------------------- */

static void test_closed_port(void **state)
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0), port, cut = 0;
	char u[128];
	gt_err e = {{0}};
	fetch_opts o;
	parse_sink sink = {NULL, NULL, NULL, NULL};
	parse_ctx *p;

	(void)state;
	/* a port that was free a moment ago: nothing listens there */
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	port = ntohs(a.sin_port);
	close(s);
	snprintf(u, sizeof u, "http://127.0.0.1:%d/debug/pprof/goroutine", port);
	fetch_opts_default(&o);
	p = parse_new(&sink);
	assert_int_equal(fetch_read(u, &o, p, &cut, &e), GT_ERR);
	parse_free(p);
	assert_non_null(strstr(e.msg, "connection refused"));
	assert_non_null(strstr(e.msg, "?debug=2: ")); /* the URL fetched */
	assert_int_equal(cut, 0);
}

static void test_dump(void **state)
{
	counts c;
	gt_err e = {{0}};
	int cut = 1;

	(void)state;
	assert_int_equal(get("/debug/pprof/goroutine", NULL, &c, &cut, &e),
			 GT_OK);
	assert_int_equal(c.dumps, 1);
	assert_int_equal(c.goroutines, 3);
	assert_int_equal(c.truncated, 0);
	assert_int_equal(cut, 0);
}

static void test_http_status(void **state)
{
	counts c;
	gt_err e = {{0}};
	int cut;
	char want[128];

	(void)state;
	assert_int_equal(get("/missing", NULL, &c, &cut, &e), GT_ERR);
	snprintf(want, sizeof want, "%s: HTTP 404 Not Found", url("/missing"));
	assert_non_null(strstr(e.msg, want));
	assert_int_equal(c.dumps, 0);
	assert_int_equal(get("/other", NULL, &c, &cut, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "HTTP 500 Internal Server Error"));
}

static void test_auth(void **state)
{
	counts c;
	gt_err e = {{0}};
	int cut;
	fetch_opts o;
	const char *hdrs[] = {"X-Token: t"};

	(void)state;
	fetch_opts_default(&o);
	assert_int_equal(get("/auth", &o, &c, &cut, &e), GT_ERR);
	/* the server's own words are quoted */
	assert_non_null(strstr(e.msg, "HTTP 401 Unauthorized: bad credentials"));
	o.userpwd = "user:pass";
	o.headers = hdrs;
	o.nheaders = 1;
	assert_int_equal(get("/auth", &o, &c, &cut, &e), GT_OK);
	assert_int_equal(c.goroutines, 3);
}

static void test_not_a_dump(void **state)
{
	counts c;
	gt_err e = {{0}};
	int cut;

	(void)state;
	assert_int_equal(get("/html", NULL, &c, &cut, &e), GT_ERR);
	assert_non_null(strstr(e.msg, url("/html")));
	assert_non_null(strstr(e.msg, "HTML page (text/html"));
	assert_int_equal(get("/empty", NULL, &c, &cut, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "empty response"));
}

static void test_cut(void **state)
{
	counts c;
	gt_err e = {{0}};
	int cut = 0;

	(void)state;
	assert_int_equal(get("/cut", NULL, &c, &cut, &e), GT_OK);
	assert_int_equal(cut, 1);
	assert_int_equal(c.dumps, 1);
	assert_true(c.goroutines >= 1);
	assert_int_equal(c.truncated, 1);
}

static void test_redirect_loop(void **state)
{
	counts c;
	gt_err e = {{0}};
	int cut;
	fetch_opts o;

	(void)state;
	fetch_opts_default(&o);
	o.max_redirs = 3;
	assert_int_equal(get("/loop", &o, &c, &cut, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "more than 3 redirects (--max-redirs)"));
}

static void test_timeout(void **state)
{
	counts c;
	gt_err e = {{0}};
	int cut;
	fetch_opts o;

	(void)state;
	fetch_opts_default(&o);
	o.timeout = 1;
	assert_int_equal(get("/stall", &o, &c, &cut, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "timed out after 1 s (--max-time)"));
}

/* Several transfers at once: each gets its own result. */
static void test_many(void **state)
{
	counts c[4];
	parse_ctx *p[4];
	fetch_job jobs[4];
	fetch_opts o;
	gt_err e = {{0}};
	const char *paths[4] = {"/dump", "/missing", "/html", "/dump"};
	size_t i;

	(void)state;
	fetch_opts_default(&o);
	memset(jobs, 0, sizeof jobs);
	for (i = 0; i < 4; i++) {
		parse_sink sink = {&c[i], c_begin, c_g, c_end};

		memset(&c[i], 0, sizeof c[i]);
		p[i] = parse_new(&sink);
		jobs[i].url = url(paths[i]);
		jobs[i].p = p[i];
	}
	assert_int_equal(fetch_many(jobs, 4, &o, NULL, &e), GT_ERR);
	assert_int_equal(jobs[0].rc, GT_OK);
	assert_int_equal(jobs[0].status, 200);
	assert_int_equal(jobs[0].bytes, sizeof dump_text - 1);
	assert_true(jobs[0].when > 1e9);
	assert_int_equal(c[0].goroutines, 3);
	assert_int_equal(jobs[1].rc, GT_ERR);
	assert_non_null(strstr(jobs[1].err.msg, "HTTP 404"));
	assert_int_equal(jobs[2].rc, GT_ERR);
	assert_non_null(strstr(jobs[2].err.msg, "HTML"));
	assert_int_equal(jobs[3].rc, GT_OK);
	assert_int_equal(c[3].goroutines, 3);
	for (i = 0; i < 4; i++)
		parse_free(p[i]);
}

typedef struct sink_buf {
	char buf[4096];
	size_t len;
} sink_buf;

static int to_buf(void *ud, const void *buf, size_t len, gt_err *e)
{
	sink_buf *b = ud;

	(void)e;
	if (b->len + len > sizeof b->buf)
		return gt_errf(e, "too much");
	memcpy(b->buf + b->len, buf, len);
	b->len += len;
	return GT_OK;
}

/* A tee-only job (no parser): any body is the tee's, byte for byte, even
 * one that holds no dump; an empty body, an HTML page or an HTTP error is
 * still a failure. */
static void test_tee_only(void **state)
{
	sink_buf b[4];
	fetch_job jobs[4];
	fetch_opts o;
	gt_err e = {{0}};
	const char *paths[4] = {"/dump", "/empty", "/html", "/missing"};
	size_t i;

	(void)state;
	fetch_opts_default(&o);
	memset(jobs, 0, sizeof jobs);
	memset(b, 0, sizeof b);
	for (i = 0; i < 4; i++) {
		jobs[i].url = url(paths[i]);
		jobs[i].tee = to_buf;
		jobs[i].tee_ud = &b[i];
	}
	assert_int_equal(fetch_many(jobs, 4, &o, NULL, &e), GT_ERR);
	assert_int_equal(jobs[0].rc, GT_OK);
	assert_int_equal(b[0].len, sizeof dump_text - 1);
	assert_memory_equal(b[0].buf, dump_text, sizeof dump_text - 1);
	assert_int_equal(jobs[1].rc, GT_ERR);
	assert_non_null(strstr(jobs[1].err.msg, "empty response"));
	assert_int_equal(jobs[2].rc, GT_ERR);
	assert_non_null(strstr(jobs[2].err.msg, "HTML page"));
	assert_int_equal(jobs[3].rc, GT_ERR);
	assert_non_null(strstr(jobs[3].err.msg, "HTTP 404"));
}

/* No credential in any message: not the URL's, not -u's, not a header's,
 * even when the server quotes them back. */
static void test_no_secret_in_errors(void **state)
{
	static const char *hdrs[] = {
		"Authorization: Bearer Hdr-s3cret",
		"Cookie: sid=Cookie-s3cret",
	};
	const char *paths[] = {"/echo", "/missing", "/html", "/loop"};
	counts c;
	gt_err e;
	fetch_opts o;
	int cut;
	size_t i;

	(void)state;
	fetch_opts_default(&o);
	o.headers = hdrs;
	o.nheaders = 2;
	o.userpwd = "user:User-s3cret";
	o.max_redirs = 2;
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char u[256];

		snprintf(u, sizeof u, "http://user:Url-s3cret@127.0.0.1:%d%s"
				      "?token=Tok-s3cret",
			 server_port, paths[i]);
		memset(&e, 0, sizeof e);
		assert_int_equal(get_url(u, &o, &c, &cut, &e), GT_ERR);
		if (strstr(e.msg, "s3cret"))
			fail_msg("%s: %s", paths[i], e.msg);
		assert_non_null(strstr(e.msg, "user:***@127.0.0.1"));
	}
	/* the server did quote it: the message says so, blanked */
	fetch_opts_default(&o);
	o.headers = hdrs;
	o.nheaders = 1;
	assert_int_equal(get("/echo", &o, &c, &cut, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "rejected Authorization: ***"));
}

/* A URL of any length leaves room for the reason. */
static void test_long_url(void **state)
{
	char u[4096];
	counts c;
	gt_err e = {{0}};
	fetch_opts o;
	int cut, n;

	(void)state;
	n = snprintf(u, sizeof u, "http://127.0.0.1:%d/missing?", server_port);
	memset(u + n, 'a', 3000);
	u[n + 3000] = '\0';
	fetch_opts_default(&o);
	assert_int_equal(get_url(u, &o, &c, &cut, &e), GT_ERR);
	assert_non_null(strstr(e.msg, "HTTP 404 Not Found"));
	assert_non_null(strstr(e.msg, "..."));
	assert_true(strlen(e.msg) < 400);
}

/* A stop request abandons open transfers promptly. */
static void test_stop(void **state)
{
	static volatile sig_atomic_t stop = 1;
	counts c;
	parse_sink sink = {&c, c_begin, c_g, c_end};
	parse_ctx *p = parse_new(&sink);
	fetch_job job;
	fetch_opts o;
	fetch_hooks hooks = {NULL, NULL, &stop};
	gt_err e = {{0}};

	(void)state;
	fetch_opts_default(&o);
	memset(&job, 0, sizeof job);
	job.url = url("/stall");
	job.p = p;
	assert_int_equal(fetch_many(&job, 1, &o, &hooks, &e), GT_ERR);
	assert_non_null(strstr(job.err.msg, "interrupted"));
	assert_true(job.seconds < 5);
	parse_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_url),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_closed_port),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_http_status),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_not_a_dump),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_redirect_loop),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_tee_only),
		cmocka_unit_test(test_no_secret_in_errors),
		cmocka_unit_test(test_long_url),
	};

	/* a closed connection must not kill the test */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, start_server, stop_server);
}
