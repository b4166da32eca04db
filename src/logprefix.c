/*
 * logprefix.c - recognises and strips log-pipeline prefixes. The
 * timestamped kinds are PCRE2 patterns, compiled once with JIT; the docker
 * json-file kind is decoded with jansson.
 */
#define _GNU_SOURCE
#include "logprefix.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* A literal log prefix longer than this is not believed to be one. */
#define LITERAL_MAX 128

/* Tried in order; each must match exactly the bytes before the dump text.
 * A blank line may have lost the space after the prefix. */
static const struct {
	parse_prefix kind;
	const char *re;
} known[] = {
	{PARSE_PREFIX_CRI,
	 "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:\\d\\d)"
	 " (stdout|stderr) ([FP])(?: |$)"},
	{PARSE_PREFIX_DOCKER_TS,
	 "\\d{4}[-/]\\d\\d[-/]\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?"
	 "(?:Z|[+-]\\d\\d:?\\d\\d)?(?: |$)"},
	{PARSE_PREFIX_JOURNALD,
	 "[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\S+ [^\\s:\\[]+(?:\\[\\d+\\])?:(?: |$)"},
};
#define NKNOWN (sizeof known / sizeof known[0])

struct logprefix {
	pcre2_code *re[NKNOWN];
	pcre2_match_data *md;
	char lit[LITERAL_MAX];
	size_t lit_len;
	char stream[8];   /* "stdout"/"stderr" of the dump; "" until known */
	char *join;       /* CRI "P" records / docker partial lines so far */
	size_t join_len, join_cap;
	char *json;       /* the last docker json-file "log" value */
	size_t json_cap;
	double json_time; /* its "time" */
};

static void reserve(char **buf, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 256;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	*buf = gt_realloc(*buf, c);
	*cap = c;
}

logprefix *logprefix_new(void)
{
	logprefix *lp = gt_calloc(1, sizeof *lp);
	size_t i;

	for (i = 0; i < NKNOWN; i++) {
		int ec;
		PCRE2_SIZE off;

		lp->re[i] = pcre2_compile((PCRE2_SPTR)known[i].re,
					  PCRE2_ZERO_TERMINATED, PCRE2_ANCHORED,
					  &ec, &off, NULL);
		if (lp->re[i] == NULL)
			abort(); /* a constant pattern: a bug, not input */
		pcre2_jit_compile(lp->re[i], PCRE2_JIT_COMPLETE);
	}
	lp->md = pcre2_match_data_create(8, NULL);
	return lp;
}

void logprefix_free(logprefix *lp)
{
	size_t i;

	if (lp == NULL)
		return;
	for (i = 0; i < NKNOWN; i++)
		pcre2_code_free(lp->re[i]);
	pcre2_match_data_free(lp->md);
	free(lp->join);
	free(lp->json);
	free(lp);
}

void logprefix_reset(logprefix *lp)
{
	lp->join_len = 0;
}

int logprefix_owns(const logprefix *lp, const char *c)
{
	return c != NULL && (c == lp->join || c == lp->json);
}

/* The value of the nd digits at s, or -1 unless all are digits: fields of
 * a fixed width, so no run of digits can overflow. */
static long digits(const char *s, int nd)
{
	long v = 0;
	int i;

	for (i = 0; i < nd; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

double logprefix_parse_time(const char *s, size_t n)
{
	struct tm tm;
	double frac = 0, scale = 0.1;
	size_t i = 19;
	long off = 0, f[6];
	static const int at[6] = {0, 5, 8, 11, 14, 17};
	static const int nd[6] = {4, 2, 2, 2, 2, 2};
	int k;

	if (n < 19 || (s[4] != '-' && s[4] != '/') || s[13] != ':' ||
	    s[16] != ':')
		return 0;
	for (k = 0; k < 6; k++)
		if ((f[k] = digits(s + at[k], nd[k])) < 0)
			return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)f[0] - 1900;
	tm.tm_mon = (int)f[1] - 1;
	tm.tm_mday = (int)f[2];
	tm.tm_hour = (int)f[3];
	tm.tm_min = (int)f[4];
	tm.tm_sec = (int)f[5];
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
			frac += (s[i] - '0') * scale;
	}
	if (i + 5 < n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		long h = digits(s + i + 1, 2), m = digits(s + i + 4, 2);

		if (h >= 0 && m >= 0)
			off = (s[i] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	}
	return (double)(timegm(&tm) - off) + frac;
}

double logprefix_time(const logprefix *lp, parse_prefix kind, const char *s,
		      size_t n)
{
	switch (kind) {
	case PARSE_PREFIX_CRI:
	case PARSE_PREFIX_DOCKER_TS:
		return logprefix_parse_time(s, n);
	case PARSE_PREFIX_DOCKER_JSON:
		return lp->json_time;
	default:
		return 0;
	}
}

/* Matches known pattern i at the start of s[0..n); returns its length or
 * -1, and for CRI the stream and whether the record is partial. */
static long match(logprefix *lp, size_t i, const char *s, size_t n,
		  const char **stream, int *partial)
{
	PCRE2_SIZE *ov;

	if (pcre2_match(lp->re[i], (PCRE2_SPTR)s, n, 0, 0, lp->md, NULL) < 0)
		return -1;
	ov = pcre2_get_ovector_pointer(lp->md);
	if (known[i].kind == PARSE_PREFIX_CRI) {
		*stream = s[ov[2] + 3] == 'o' ? "stdout" : "stderr";
		*partial = s[ov[4]] == 'P';
	}
	return (long)ov[1];
}

parse_prefix logprefix_learn(logprefix *lp, const char *s, size_t n, size_t k,
			     int literal_ok)
{
	size_t i;

	lp->stream[0] = '\0';
	for (i = 0; i < NKNOWN; i++) {
		const char *stream = NULL;
		int partial = 0;

		/* match on the whole line so the CRI groups are captured, but
		 * the prefix must end exactly where the dump text starts */
		if (match(lp, i, s, k, &stream, &partial) == (long)k) {
			if (stream)
				snprintf(lp->stream, sizeof lp->stream, "%s",
					 stream);
			return known[i].kind;
		}
	}
	(void)n;
	/* an unknown prefix repeated verbatim, never inside quotes (a
	 * "stack" field of a structured log line) */
	if (literal_ok && k <= LITERAL_MAX && !memchr(s, '"', k) &&
	    !memchr(s, '\\', k)) {
		memcpy(lp->lit, s, k);
		lp->lit_len = k;
		return PARSE_PREFIX_LITERAL;
	}
	return PARSE_PREFIX_NONE;
}

/* Decodes a docker json-file line into lp->json; *stream is its stream. */
static int decode_json(logprefix *lp, const char *s, size_t n, const char **c,
		       size_t *cn, int *partial, const char **stream)
{
	json_t *root, *log, *st, *t;
	json_error_t je;
	size_t len;

	if (n == 0 || s[0] != '{' || (root = json_loadb(s, n, 0, &je)) == NULL)
		return 0;
	log = json_object_get(root, "log");
	st = json_object_get(root, "stream");
	t = json_object_get(root, "time");
	if (!json_is_string(log)) {
		json_decref(root);
		return 0;
	}
	lp->json_time = json_is_string(t)
				? logprefix_parse_time(json_string_value(t),
						       json_string_length(t))
				: 0;
	len = json_string_length(log);
	reserve(&lp->json, &lp->json_cap, len + 1);
	memcpy(lp->json, json_string_value(log), len);
	*partial = !(len > 0 && lp->json[len - 1] == '\n');
	if (!*partial)
		len--;
	*stream = json_is_string(st) && strcmp(json_string_value(st), "stdout") == 0
			  ? "stdout"
			  : "stderr";
	json_decref(root);
	*c = lp->json;
	*cn = len;
	return 1;
}

int logprefix_docker_json(logprefix *lp, const char *s, size_t n,
			  const char **c, size_t *cn, int *partial)
{
	const char *stream;

	if (!decode_json(lp, s, n, c, cn, partial, &stream))
		return 0;
	/* the first line of a dump decides the stream the dump is on */
	snprintf(lp->stream, sizeof lp->stream, "%s", stream);
	return 1;
}

/* Appends to the join buffer; an absurdly long line keeps its start only. */
static void join_put(logprefix *lp, const char *s, size_t n)
{
	/* an empty part adds nothing, and join may not exist yet */
	if (n == 0 || lp->join_len + n > PARSE_MAX_LINE)
		return;
	reserve(&lp->join, &lp->join_cap, lp->join_len + n);
	memcpy(lp->join + lp->join_len, s, n);
	lp->join_len += n;
}

/* s is the literal prefix without its trailing white space */
static int blank_of_literal(const logprefix *lp, const char *s, size_t n)
{
	size_t i;

	if (memcmp(s, lp->lit, n) != 0)
		return 0;
	for (i = n; i < lp->lit_len; i++)
		if (lp->lit[i] != ' ' && lp->lit[i] != '\t')
			return 0;
	return n > 0;
}

logprefix_result logprefix_strip(logprefix *lp, parse_prefix kind,
				 const char *s, size_t n, const char **c,
				 size_t *cn)
{
	const char *stream = NULL;
	int partial = 0;
	size_t i;
	long k;

	switch (kind) {
	case PARSE_PREFIX_NONE:
		*c = s, *cn = n;
		return LOGPREFIX_YES;
	case PARSE_PREFIX_LITERAL:
		if (n < lp->lit_len && blank_of_literal(lp, s, n)) {
			*c = s + n, *cn = 0; /* a blank line lost its trailing
						 blanks */
			return LOGPREFIX_YES;
		}
		if (n < lp->lit_len || memcmp(s, lp->lit, lp->lit_len) != 0)
			return LOGPREFIX_NO;
		*c = s + lp->lit_len, *cn = n - lp->lit_len;
		return LOGPREFIX_YES;
	case PARSE_PREFIX_DOCKER_JSON:
		if (!decode_json(lp, s, n, c, cn, &partial, &stream))
			return LOGPREFIX_NO;
		break;
	default:
		for (i = 0; i < NKNOWN && known[i].kind != kind; i++)
			;
		if (i == NKNOWN || (k = match(lp, i, s, n, &stream, &partial)) < 0)
			return LOGPREFIX_NO;
		*c = s + k, *cn = n - (size_t)k;
	}
	if (stream && lp->stream[0] && strcmp(stream, lp->stream) != 0)
		return LOGPREFIX_SKIP;
	if (stream)
		snprintf(lp->stream, sizeof lp->stream, "%s", stream);
	if (partial) {
		join_put(lp, *c, *cn);
		return LOGPREFIX_SKIP;
	}
	if (lp->join_len) {
		join_put(lp, *c, *cn);
		*c = lp->join, *cn = lp->join_len;
		lp->join_len = 0;
	}
	return LOGPREFIX_YES;
}

size_t logprefix_github(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddddddZ";
	size_t i;

	if (n < 28 || s[0] != '2')
		return 0;
	for (i = 0; i < 28; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return 0;
	return n > 28 && s[28] == ' ' ? 29 : n == 28 ? 28 : 0;
}

logprefix_result logprefix_cri_join(logprefix *lp, const char *s, size_t n,
				    const char **c, size_t *cn)
{
	const char *stream = NULL;
	int partial = 0;
	long k = match(lp, 0, s, n, &stream, &partial); /* known[0]: CRI */

	if (k < 0)
		return LOGPREFIX_NO;
	if (partial) {
		if (lp->join_len == 0)
			snprintf(lp->stream, sizeof lp->stream, "%s", stream);
		join_put(lp, s + k, n - (size_t)k);
		return LOGPREFIX_SKIP;
	}
	if (lp->join_len == 0 || strcmp(stream, lp->stream) != 0)
		return LOGPREFIX_NO;
	join_put(lp, s + k, n - (size_t)k);
	*c = lp->join, *cn = lp->join_len;
	lp->join_len = 0;
	return LOGPREFIX_YES;
}
