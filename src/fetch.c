/*
 * fetch.c - http(s) inputs through libcurl. Bodies stream from the write
 * callback through an input_stream into the parser, so a dump of any size
 * needs no temporary file; fetch_many() runs several transfers at once on
 * one multi handle. Failures become one-line messages naming the URL and
 * what went wrong in the words a user would check next.
 */
#include "fetch.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <curl/curl.h>

#include "input.h"
#include "redact.h"

#ifndef GTRIAGE_VERSION
#define GTRIAGE_VERSION "0.1.0"
#endif

/* Error bodies are kept this far, to quote the server's own reason. */
#define ERR_BODY_MAX 256

void fetch_opts_default(fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->connect_timeout = 10;
	o->timeout = 60;
	o->max_redirs = 5;
}

int fetch_is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	       strncasecmp(s, "https://", 8) == 0;
}

/* ---- what may be shown -------------------------------------------------- */

/* A URL's longest shown form in a message: a gt_err has room for it and
 * the reason after it. */
#define URL_SHOWN_MAX 256

/* The URL as messages show it: redacted, and cut in the middle when long
 * so the reason after it is never cut off. Caller frees. */
static char *shown_url(const char *url)
{
	char *d = redact_url(url);
	size_t n = strlen(d), head = URL_SHOWN_MAX * 2 / 3,
	       tail = URL_SHOWN_MAX - head - 3;

	if (n > URL_SHOWN_MAX) {
		memcpy(d + head, "...", 3);
		memmove(d + head + 3, d + n - tail, tail + 1);
	}
	return d;
}

/* Every message leaving this module: URLs in it redacted (libcurl's text
 * and a server's reason may quote one, with a redirect's userinfo), and
 * any credential given for the transfer blanked. */
static void clean_msg(gt_err *e, const char *url, const fetch_opts *o)
{
	redact_message(e->msg, sizeof e->msg, url, o->userpwd, o->headers,
		       o->nheaders);
}

/* ---- URL normalisation -------------------------------------------------- */

static int has_param(const char *q, size_t qlen, const char *name)
{
	size_t nlen = strlen(name), i = 0;

	while (i < qlen) {
		size_t j = i;

		while (j < qlen && q[j] != '&')
			j++;
		if (j - i >= nlen && memcmp(q + i, name, nlen) == 0 &&
		    (j - i == nlen || q[i + nlen] == '='))
			return 1;
		i = j + 1;
	}
	return 0;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

char *fetch_normalize_url(const char *url)
{
	const char *auth = strstr(url, "://"), *path, *query, *frag, *end;
	size_t plen, qlen, n = strlen(url);
	char *out;

	if (auth == NULL)
		return gt_strndup(url, n);
	auth += 3;
	end = url + n;
	frag = strchr(auth, '#');
	if (frag == NULL)
		frag = end;
	path = auth + strcspn(auth, "/?#");
	query = memchr(path, '?', (size_t)(frag - path));
	plen = (size_t)((query ? query : frag) - path);
	qlen = query ? (size_t)(frag - query - 1) : 0;

	if (plen == 0 && query == NULL) {
		/* only a host: the one page a debug server is sure to have */
		static const char def[] = "/debug/pprof/goroutine?debug=2";

		out = gt_malloc(n + sizeof def);
		memcpy(out, url, (size_t)(path - url));
		memcpy(out + (path - url), def, sizeof def - 1);
		strcpy(out + (path - url) + sizeof def - 1, frag);
		return out;
	}
	/* the default of these pages is debug=0, a gzip'd protobuf: the text
	 * form is what can be triaged */
	if ((ends_with(path, plen, "/debug/pprof/goroutine") ||
	     ends_with(path, plen, "/debug/pprof/goroutine/") ||
	     ends_with(path, plen, "/debug/pprof/goroutineleak") ||
	     ends_with(path, plen, "/debug/pprof/goroutineleak/")) &&
	    !(query && has_param(query + 1, qlen, "debug"))) {
		size_t head = (size_t)(frag - url);
		const char *sep = query == NULL ? "?" : qlen == 0 ? "" : "&";

		out = gt_malloc(n + 16);
		memcpy(out, url, head);
		snprintf(out + head, n + 16 - head, "%sdebug=2%s", sep, frag);
		return out;
	}
	return gt_strndup(url, n);
}

char *fetch_proto_url(const char *url)
{
	char *u = fetch_normalize_url(url), *p = strchr(u, '?');

	for (; p && *p && *p != '#'; p += strcspn(p + 1, "&#") + 1)
		if (strncmp(p + 1, "debug=2", 7) == 0 &&
		    (p[8] == '\0' || p[8] == '&' || p[8] == '#')) {
			p[7] = '0';
			break;
		}
	return u;
}

/* ---- one transfer ------------------------------------------------------- */

typedef struct xfer {
	fetch_job *job;
	CURL *h;
	char *url;             /* normalised */
	char *shown;           /* url as messages show it */
	input_stream *in;
	uint64_t dumps_before;
	char errbuf[CURL_ERROR_SIZE];
	char reason[96];       /* reason phrase of the last status line */
	int started;           /* the first body byte was seen */
	int http_failed;       /* status >= 400: the body is an error page */
	int stopped;           /* tee or parser failed: job->err says why */
	char errbody[ERR_BODY_MAX + 1];
	size_t nerrbody;
	int done;
	struct timeval t0;
} xfer;

static double now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n;

	/* "HTTP/1.1 404 Not Found\r\n": one per response, redirects included;
	 * the last one wins */
	if (len > 12 && strncmp(buf, "HTTP/", 5) == 0) {
		const char *sp = memchr(buf, ' ', len), *r = NULL;
		size_t rl;

		x->reason[0] = '\0';
		if (sp)
			r = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - buf));
		if (r) {
			r++;
			rl = len - (size_t)(r - buf);
			while (rl > 0 && (r[rl - 1] == '\r' || r[rl - 1] == '\n'))
				rl--;
			if (rl >= sizeof x->reason)
				rl = sizeof x->reason - 1;
			memcpy(x->reason, r, rl);
			x->reason[rl] = '\0';
		}
	}
	return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	fetch_job *j = x->job;
	size_t len = size * n;

	if (!x->started) {
		x->started = 1;
		j->when = now();
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &j->status);
		/* a final 3xx is a redirect that was not followed */
		x->http_failed = j->status >= 300;
	}
	if (x->http_failed) {
		/* keep the start of the error page for the message, then stop */
		size_t take = ERR_BODY_MAX - x->nerrbody;

		if (take > len)
			take = len;
		memcpy(x->errbody + x->nerrbody, buf, take);
		x->nerrbody += take;
		x->errbody[x->nerrbody] = '\0';
		return x->nerrbody < ERR_BODY_MAX ? len : 0;
	}
	j->bytes += len;
	if (j->tee && j->tee(j->tee_ud, buf, len, &j->err) != GT_OK) {
		x->stopped = 1;
		return 0;
	}
	if (x->in && input_feed(x->in, buf, len, &j->err) != GT_OK) {
		x->stopped = 1;
		return 0;
	}
	return len;
}

static struct curl_slist *make_headers(const fetch_opts *o)
{
	struct curl_slist *l = NULL;
	size_t i;

	for (i = 0; i < o->nheaders; i++) {
		struct curl_slist *t = curl_slist_append(l, o->headers[i]);

		if (t == NULL)
			break;
		l = t;
	}
	return l;
}

static int setup(xfer *x, const fetch_opts *o, struct curl_slist *hdrs,
		 gt_err *e)
{
	CURL *h = x->h;
	CURLcode rc = CURLE_OK;

#define SET(opt, val)                                                         \
	do {                                                                  \
		if (rc == CURLE_OK)                                           \
			rc = curl_easy_setopt(h, opt, val);                   \
	} while (0)
	SET(CURLOPT_URL, x->url);
	SET(CURLOPT_PRIVATE, x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	/* CURLOPT_NOSIGNAL stays off: libcurl then ignores SIGPIPE while it
	 * works, so a server closing mid-request cannot kill the process */
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, o->max_redirs > 0 ? 1L : 0L);
	SET(CURLOPT_MAXREDIRS, o->max_redirs);
	/* "" offers every encoding this libcurl can undo */
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_USERAGENT, "gtriage/" GTRIAGE_VERSION);
	SET(CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	SET(CURLOPT_TIMEOUT, o->timeout);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	if (hdrs)
		SET(CURLOPT_HTTPHEADER, hdrs);
	if (o->userpwd)
		SET(CURLOPT_USERPWD, o->userpwd);
	if (o->cacert)
		SET(CURLOPT_CAINFO, o->cacert);
	if (o->insecure) {
		SET(CURLOPT_SSL_VERIFYPEER, 0L);
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
	}
#undef SET
	if (rc != CURLE_OK)
		return gt_errf(e, "%s: libcurl: %s", x->shown,
			       curl_easy_strerror(rc));
	return GT_OK;
}

/* ---- messages ----------------------------------------------------------- */

static const char *std_reason(long status)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {
		{400, "Bad Request"}, {401, "Unauthorized"},
		{403, "Forbidden"}, {404, "Not Found"},
		{405, "Method Not Allowed"},
		{407, "Proxy Authentication Required"},
		{408, "Request Timeout"}, {410, "Gone"},
		{429, "Too Many Requests"}, {500, "Internal Server Error"},
		{501, "Not Implemented"}, {502, "Bad Gateway"},
		{503, "Service Unavailable"}, {504, "Gateway Timeout"},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].code == status)
			return t[i].text;
	return "";
}

/* The first line of a short plain-text error page ("missing token"), or
 * "" when there is nothing worth quoting. */
static void error_page_line(xfer *x, char *out, size_t cap)
{
	char *ct = NULL;
	size_t n = 0, i;

	out[0] = '\0';
	curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
	if (ct == NULL || strncasecmp(ct, "text/plain", 10) != 0)
		return;
	while (n < x->nerrbody && x->errbody[n] != '\n' && x->errbody[n] != '\r')
		n++;
	for (i = 0; i < n; i++)
		if (!isprint((unsigned char)x->errbody[i]))
			return;
	while (n > 0 && x->errbody[n - 1] == ' ')
		n--;
	if (n == 0 || n >= cap || n > 120)
		return;
	memcpy(out, x->errbody, n);
	out[n] = '\0';
}

static void http_error(xfer *x, gt_err *e)
{
	long st = x->job->status;
	const char *reason = x->reason[0] ? x->reason : std_reason(st);
	const char *hint = "";
	char said[128];

	if (st == 401)
		hint = " (credentials: -u USER:PASS or -H)";
	else if (st < 400)
		hint = " (a redirect not followed: see --max-redirs)";
	else if (st == 407)
		hint = " (the proxy from the *_proxy variables wants "
		       "credentials)";
	error_page_line(x, said, sizeof said);
	if (said[0] && strcasecmp(said, reason) != 0)
		gt_errf(e, "%s: HTTP %ld %s: %s%s", x->shown, st, reason, said,
			hint);
	else
		gt_errf(e, "%s: HTTP %ld%s%s%s", x->shown, st,
			*reason ? " " : "", reason, hint);
}

/* Host (and port) of the URL being fetched when it failed, for connect
 * and DNS errors: after a redirect that is not the URL given. */
static void where(xfer *x, int with_port, char *out, size_t cap)
{
	char *eff = NULL, *host = NULL, *port = NULL;
	CURLU *u = curl_url();

	snprintf(out, cap, "the server");
	curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &eff);
	if (u && curl_url_set(u, CURLUPART_URL, eff ? eff : x->url, 0) ==
			 CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
		    CURLUE_OK) {
		if (with_port)
			snprintf(out, cap, "%s port %s", host, port);
		else
			snprintf(out, cap, "'%s'", host);
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

static int is_tls_error(CURLcode c)
{
	switch (c) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
		return 1;
	default:
		return 0;
	}
}

/* A transfer that broke off after the body started: the dump is cut. */
static int is_cut(CURLcode c)
{
	switch (c) {
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

static const char *detail(xfer *x, CURLcode c)
{
	return x->errbuf[0] ? x->errbuf : curl_easy_strerror(c);
}

static void curl_error(xfer *x, CURLcode c, const fetch_opts *o, gt_err *e)
{
	fetch_job *j = x->job;
	char at[300];
	long oserr = 0;
	double connect = 0, total = 0;

	curl_easy_getinfo(x->h, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(x->h, CURLINFO_CONNECT_TIME, &connect);
	curl_easy_getinfo(x->h, CURLINFO_TOTAL_TIME, &total);
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
		where(x, 0, at, sizeof at);
		gt_errf(e, "%s: cannot resolve host %s (DNS)", x->shown, at);
		return;
	case CURLE_COULDNT_RESOLVE_PROXY:
		gt_errf(e, "%s: cannot resolve the proxy (DNS; from the *_proxy "
			   "variables): %s", x->shown, detail(x, c));
		return;
	case CURLE_COULDNT_CONNECT:
		where(x, 1, at, sizeof at);
		if (oserr == ECONNREFUSED)
			gt_errf(e, "%s: connection refused by %s (is the "
				   "program running and serving there?)",
				x->shown, at);
		else if (oserr)
			gt_errf(e, "%s: cannot connect to %s: %s", x->shown, at,
				strerror((int)oserr));
		else
			gt_errf(e, "%s: cannot connect to %s: %s", x->shown, at,
				detail(x, c));
		return;
	case CURLE_OPERATION_TIMEDOUT:
		if (connect <= 0 && (o->timeout <= 0 ||
				     total < (double)o->timeout - 0.5))
			gt_errf(e, "%s: no connection within %ld s "
				   "(--connect-timeout)", x->shown,
				o->connect_timeout);
		else if (connect <= 0)
			gt_errf(e, "%s: timed out after %ld s (--max-time) "
				   "while connecting", x->shown, o->timeout);
		else if (!x->started)
			gt_errf(e, "%s: timed out after %ld s (--max-time) "
				   "waiting for the response", x->shown,
				o->timeout);
		else
			gt_errf(e, "%s: timed out after %ld s (--max-time), "
				   "%llu bytes received", x->shown, o->timeout,
				(unsigned long long)j->bytes);
		return;
	case CURLE_TOO_MANY_REDIRECTS:
		gt_errf(e, "%s: more than %ld redirects (--max-redirs)",
			x->shown, o->max_redirs);
		return;
	case CURLE_GOT_NOTHING:
		gt_errf(e, "%s: the server closed the connection without a "
			   "response", x->shown);
		return;
	case CURLE_ABORTED_BY_CALLBACK:
		gt_errf(e, "%s: interrupted", x->shown);
		return;
	case CURLE_UNSUPPORTED_PROTOCOL:
		gt_errf(e, "%s: %s (only http and https are fetched)", x->shown,
			detail(x, c));
		return;
	case CURLE_URL_MALFORMAT:
		gt_errf(e, "%s: not a valid URL: %s", x->shown, detail(x, c));
		return;
	default:
		break;
	}
	if (c == CURLE_PEER_FAILED_VERIFICATION)
		gt_errf(e, "%s: TLS: the server's certificate cannot be trusted "
			   "(%s); give its CA with --cacert FILE, or -k to skip "
			   "the check", x->shown, detail(x, c));
	else if (is_tls_error(c))
		gt_errf(e, "%s: TLS: %s", x->shown, detail(x, c));
	else if (is_cut(c))
		gt_errf(e, "%s: the connection broke before the body: %s",
			x->shown, detail(x, c));
	else
		gt_errf(e, "%s: %s", x->shown, detail(x, c));
}

/* The body arrived but held no dump: say what it was. */
static void not_a_dump(xfer *x, gt_err *e)
{
	const parse_stats *st = parse_get_stats(x->job->p);
	char *ct = NULL;
	char what[160];

	curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
	if (ct && *ct)
		snprintf(what, sizeof what, ", Content-Type %s", ct);
	else
		what[0] = '\0';
	if (x->job->bytes == 0)
		gt_errf(e, "%s: empty response (HTTP %ld), no goroutine dump",
			x->shown, x->job->status);
	else if (ct && strncasecmp(ct, "text/html", 9) == 0)
		gt_errf(e, "%s: got an HTML page (%s, %llu bytes), not a "
			   "goroutine dump: a login page or a wrong path?",
			x->shown, ct, (unsigned long long)x->job->bytes);
	else if (st->nul_bytes || st->ctrl_bytes > st->bytes / 100 + 8)
		gt_errf(e, "%s: binary data (%llu bytes%s), not a text goroutine "
			   "dump (pprof's default debug=0 is a protobuf: ask "
			   "for ?debug=2)",
			x->shown, (unsigned long long)x->job->bytes, what);
	else
		gt_errf(e, "%s: no goroutine dump in the response (%llu lines, "
			   "%llu bytes%s)",
			x->shown, (unsigned long long)st->lines,
			(unsigned long long)x->job->bytes, what);
}

/* Messages from the layers below (parser, tee) get the URL in front. */
static void name_url(const xfer *x, gt_err *e)
{
	char tmp[sizeof e->msg];

	memcpy(tmp, e->msg, sizeof tmp);
	gt_errf(e, "%s: %s", x->shown, tmp);
}

/* A tee-only job: the bytes are the caller's to judge, but an empty body
 * or an HTML page (a login form, a proxy's error) is no profile. */
static void tee_only_settle(xfer *x)
{
	fetch_job *j = x->job;
	char *ct = NULL;

	curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
	if (j->bytes == 0)
		gt_errf(&j->err, "%s: empty response (HTTP %ld)", x->shown,
			j->status);
	else if (ct && strncasecmp(ct, "text/html", 9) == 0)
		gt_errf(&j->err, "%s: got an HTML page (%s, %llu bytes): a "
				 "login page or a wrong path?",
			x->shown, ct, (unsigned long long)j->bytes);
	else
		j->rc = GT_OK;
}

/* After the transfer: finish the parse and settle the job's result. */
static void settle(xfer *x, CURLcode c, const fetch_opts *o)
{
	fetch_job *j = x->job;
	int gzip_cut = 0;

	x->done = 1;
	j->seconds = now() - ((double)x->t0.tv_sec + x->t0.tv_usec / 1e6);
	if (j->status == 0)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &j->status);
	j->rc = GT_ERR;
	if (x->stopped) {
		/* the tee or the parser said why */
		name_url(x, &j->err);
		return;
	}
	if (x->http_failed || (c == CURLE_OK && j->status >= 300)) {
		http_error(x, &j->err);
		return;
	}
	if (c != CURLE_OK && !(is_cut(c) && j->bytes > 0)) {
		curl_error(x, c, o, &j->err);
		return;
	}
	if (c != CURLE_OK)
		j->cut = 1;
	if (j->p == NULL) {
		tee_only_settle(x);
		return;
	}
	if (input_finish(x->in, &gzip_cut, &j->err) != GT_OK) {
		name_url(x, &j->err);
		return;
	}
	if (gzip_cut)
		j->cut = 1;
	if (parse_get_stats(j->p)->dumps == x->dumps_before) {
		if (j->cut)
			gt_errf(&j->err, "%s: the %s broke after %llu bytes, "
					 "before any goroutine dump",
				x->shown,
				c == CURLE_OK ? "gzip stream" : "connection",
				(unsigned long long)j->bytes);
		else
			not_a_dump(x, &j->err);
		return;
	}
	j->rc = GT_OK;
}

/* ---- the multi loop ----------------------------------------------------- */

static int global_ready(gt_err *e)
{
	static int ready;

	if (!ready) {
		CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

		if (rc != CURLE_OK)
			return gt_errf(e, "libcurl: %s", curl_easy_strerror(rc));
		ready = 1;
	}
	return GT_OK;
}

static uint64_t body_bytes(const fetch_job *jobs, size_t n)
{
	uint64_t b = 0;
	size_t i;

	for (i = 0; i < n; i++)
		b += jobs[i].bytes;
	return b;
}

int fetch_many(fetch_job *jobs, size_t n, const fetch_opts *o,
	       const fetch_hooks *hooks, gt_err *e)
{
	struct curl_slist *hdrs = NULL;
	CURLM *m = NULL;
	xfer *xs = NULL;
	size_t i, ndone = 0;
	int running = 0, rc = GT_ERR;
	double last_progress = 0;

	for (i = 0; i < n; i++) {
		jobs[i].rc = GT_ERR;
		jobs[i].cut = 0;
		jobs[i].status = 0;
		jobs[i].bytes = 0;
		jobs[i].when = 0;
		jobs[i].seconds = 0;
		{
			char *d = shown_url(jobs[i].url);

			gt_errf(&jobs[i].err, "%s: not fetched", d);
			free(d);
		}
	}
	if (global_ready(e) != GT_OK)
		return GT_ERR;
	if ((m = curl_multi_init()) == NULL)
		return gt_errf(e, "libcurl: cannot create a multi handle");
	hdrs = make_headers(o);
	xs = gt_calloc(n, sizeof *xs);
	for (i = 0; i < n; i++) {
		xfer *x = &xs[i];

		x->job = &jobs[i];
		x->url = fetch_normalize_url(jobs[i].url);
		x->shown = shown_url(x->url);
		if (jobs[i].p) {
			x->in = input_new(jobs[i].p);
			x->dumps_before = parse_get_stats(jobs[i].p)->dumps;
		}
		gettimeofday(&x->t0, NULL);
		if ((x->h = curl_easy_init()) == NULL) {
			gt_errf(&jobs[i].err, "%s: libcurl: cannot create a "
					      "handle", x->shown);
			x->done = 1;
			continue;
		}
		if (setup(x, o, hdrs, &jobs[i].err) != GT_OK ||
		    curl_multi_add_handle(m, x->h) != CURLM_OK) {
			x->done = 1;
			continue;
		}
	}
	for (;;) {
		CURLMsg *msg;
		int left;
		double t;

		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			char *priv = NULL;
			xfer *x;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  &priv);
			x = (xfer *)priv;
			settle(x, msg->data.result, o);
			curl_multi_remove_handle(m, x->h);
			ndone++;
			if (hooks && hooks->progress)
				hooks->progress(hooks->ud, ndone, n,
						body_bytes(jobs, n));
		}
		if (running == 0)
			break;
		if (hooks && hooks->stop && *hooks->stop)
			break;
		/* short waits: a stop request is seen within 100 ms */
		if (curl_multi_poll(m, NULL, 0, 100, NULL) != CURLM_OK)
			break;
		t = now();
		if (hooks && hooks->progress && t - last_progress >= 0.1) {
			hooks->progress(hooks->ud, ndone, n, body_bytes(jobs, n));
			last_progress = t;
		}
	}
	rc = GT_OK;
	for (i = 0; i < n; i++) {
		xfer *x = &xs[i];

		if (x->h && !x->done) {
			/* stopped, or the multi handle failed */
			curl_multi_remove_handle(m, x->h);
			settle(x, CURLE_ABORTED_BY_CALLBACK, o);
		}
		clean_msg(&jobs[i].err, jobs[i].url, o);
		if (jobs[i].rc != GT_OK && rc == GT_OK) {
			rc = GT_ERR;
			if (e)
				*e = jobs[i].err;
		}
		if (x->h)
			curl_easy_cleanup(x->h);
		input_free(x->in);
		free(x->url);
		free(x->shown);
	}
	free(xs);
	curl_slist_free_all(hdrs);
	curl_multi_cleanup(m);
	return rc;
}

int fetch_read(const char *url, const fetch_opts *o, parse_ctx *p, int *cut,
	       gt_err *e)
{
	fetch_job j;
	int rc;

	memset(&j, 0, sizeof j);
	j.url = url;
	j.p = p;
	rc = fetch_many(&j, 1, o, NULL, e);
	if (cut)
		*cut = j.cut;
	return rc;
}
