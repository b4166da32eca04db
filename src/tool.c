/*
 * tool.c - what the command-line tools share: common options, rule
 * loading, reading inputs (files, stdin, URLs) and atomic report writing.
 */
#define _GNU_SOURCE
#include "tool.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin_rules.h"
#include "input.h"
#include "parallel.h"
#include "redact.h"

enum {
	OPT_GROUP_BY = 256,
	OPT_MIN_COUNT,
	OPT_MIN_SHARE,
	OPT_SHARE_FLOOR,
	OPT_MIN_MINUTES,
	OPT_POOL_MAX,
	OPT_MAX_IDS,
	OPT_RULES,
	OPT_COLOR,
	OPT_CACERT,
	OPT_CONNECT_TIMEOUT,
	OPT_TIMEOUT,
	OPT_MAX_REDIRS,
	OPT_THREADS,
};

const struct option tool_longopts[] = {
	{"format", required_argument, NULL, 'f'},
	{"top", required_argument, NULL, 'n'},
	{"verbose", no_argument, NULL, 'v'},
	{"output", required_argument, NULL, 'o'},
	{"color", required_argument, NULL, OPT_COLOR},
	{"colour", required_argument, NULL, OPT_COLOR},
	{"group-by", required_argument, NULL, OPT_GROUP_BY},
	{"min-count", required_argument, NULL, OPT_MIN_COUNT},
	{"min-share", required_argument, NULL, OPT_MIN_SHARE},
	{"share-floor", required_argument, NULL, OPT_SHARE_FLOOR},
	{"min-minutes", required_argument, NULL, OPT_MIN_MINUTES},
	{"pool-max", required_argument, NULL, OPT_POOL_MAX},
	{"max-ids", required_argument, NULL, OPT_MAX_IDS},
	{"rules", required_argument, NULL, OPT_RULES},
	{"header", required_argument, NULL, 'H'},
	{"user", required_argument, NULL, 'u'},
	{"insecure", no_argument, NULL, 'k'},
	{"cacert", required_argument, NULL, OPT_CACERT},
	{"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
	{"max-time", required_argument, NULL, OPT_TIMEOUT},
	{"max-redirs", required_argument, NULL, OPT_MAX_REDIRS},
	{"threads", required_argument, NULL, OPT_THREADS},
	{NULL, 0, NULL, 0}};

const char tool_common_help[] =
	"Output:\n"
	"  -f, --format FMT      text (default), json, markdown, prom, sarif,\n"
	"                        github (workflow-command annotations), html (a\n"
	"                        self-contained page) or folded (flame graphs)\n"
	"  -n, --top N           show at most N groups (default: all flagged\n"
	"                        and the 10 largest others)\n"
	"  -v, --verbose         every group, every frame, goroutine ids\n"
	"  -o, --output FILE     write the report to FILE (replaced atomically)\n"
	"      --color WHEN      auto (default), always or never; NO_COLOR is honoured\n"
	"Grouping and flagging:\n"
	"      --group-by LEVEL  line (default: function and file:line) or func\n"
	"      --min-count N     flag blocked groups of at least N goroutines (100)\n"
	"      --min-share F     ... or holding at least this share of all (0.2)\n"
	"      --share-floor N   ... when they have at least N goroutines (10)\n"
	"      --min-minutes N   flag groups blocked at least N minutes (10)\n"
	"      --pool-max N      small idle pools up to N goroutines are not\n"
	"                        flagged for their age alone (8)\n"
	"      --max-ids N       goroutine ids kept per group (10000; 0 = all)\n"
	"      --rules PATH      add a *.rules file or directory, tried before the\n"
	"                        built-in rules (repeatable; also $GTRIAGE_RULES,\n"
	"                        colon separated)\n"
	"      --threads N       read a file or stdin on N threads (default: the\n"
	"                        cores this process may use); the report is the\n"
	"                        same for every N\n"
	"Fetching (inputs that are http:// or https:// URLs):\n"
	"  -H, --header 'N: V'   send a request header (repeatable)\n"
	"  -u, --user USER:PASS  basic authentication\n"
	"  -k, --insecure        do not verify the TLS certificate\n"
	"      --cacert FILE     CA certificates to verify the server with\n"
	"      --connect-timeout S  seconds to connect (10)\n"
	"      --max-time S      seconds for the whole transfer (60)\n"
	"      --max-redirs N    redirects followed (5)\n"
	"  Proxies come from http_proxy, https_proxy and no_proxy.\n";

void tool_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("gtriage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void tool_config_init(tool_config *c, int argc)
{
	memset(c, 0, sizeof *c);
	group_opts_default(&c->group);
	fetch_opts_default(&c->fetch);
	c->report.format = REPORT_TEXT;
	c->color = "auto";
	c->threads = parallel_cores();
	{
		/* the piece size, for tests that cut inputs finely */
		const char *chunk = getenv("GTRIAGE_CHUNK");

		if (chunk && *chunk)
			c->chunk = (size_t)strtoull(chunk, NULL, 10);
	}
	{
		/* every body read line by line, for the tests that compare */
		const char *fast = getenv("GTRIAGE_FAST");

		if (fast && strcmp(fast, "0") == 0)
			parse_set_fast(0);
	}
	c->rule_paths = gt_calloc((size_t)argc + 1, sizeof *c->rule_paths);
	c->fetch.headers = gt_calloc((size_t)argc + 1, sizeof *c->fetch.headers);
}

void tool_config_free(tool_config *c)
{
	free(c->rule_paths);
	free(c->fetch.headers);
}

int tool_number(const char *opt, const char *s, double lo, double hi,
		double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	/* NaN fails every comparison, so it must be caught by name; and an
	 * infinity would make the casts after this undefined */
	if (errno || end == s || *end != '\0' || !isfinite(v) || v < lo ||
	    v > hi) {
		tool_warn("%s: '%s' is not a number from %g to %g", opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int shared_option(tool_config *c, int ch, const char *arg);

int tool_option(tool_config *c, int ch, const char *arg, const char *cmd)
{
	switch (shared_option(c, ch, arg)) {
	case 0:
		/* the CI formats annotate the groups of one dump */
		if (ch == 'f' && strcmp(cmd, "gtriage") != 0 &&
		    (c->report.format == REPORT_SARIF ||
		     c->report.format == REPORT_GITHUB)) {
			tool_warn("%s: -f %s is for triage only (text, json, "
				  "markdown, prom)", cmd, arg);
			return -1;
		}
		return 0;
	case 1:
		fprintf(stderr, "Try '%s --help'.\n", cmd);
		/* fall through */
	default:
		return -1;
	}
}

/* Returns 0 if taken, 1 if ch is not a shared option, -1 on a bad value. */
static int shared_option(tool_config *c, int ch, const char *arg)
{
	double v;

	switch (ch) {
	case 'f':
		if (report_format_parse(arg, &c->report.format) != 0) {
			tool_warn("unknown format '%s' (text, json, markdown, prom, "
				  "sarif, github, html, folded)", arg);
			return -1;
		}
		return 0;
	case 'n':
		if (tool_number("--top", arg, 0, 1e9, &v))
			return -1;
		c->report.top = (size_t)v;
		return 0;
	case 'v':
		c->report.verbose = 1;
		return 0;
	case 'o':
		c->out_path = arg;
		return 0;
	case 'H':
		if (strchr(arg, ':') == NULL) {
			tool_warn("--header: '%s' is not 'Name: value'", arg);
			return -1;
		}
		c->fetch.headers[c->fetch.nheaders++] = arg;
		return 0;
	case 'u':
		c->fetch.userpwd = arg;
		return 0;
	case 'k':
		c->fetch.insecure = 1;
		return 0;
	case OPT_CACERT:
		c->fetch.cacert = arg;
		return 0;
	case OPT_CONNECT_TIMEOUT:
		if (tool_number("--connect-timeout", arg, 1, 86400, &v))
			return -1;
		c->fetch.connect_timeout = (long)v;
		return 0;
	case OPT_TIMEOUT:
		if (tool_number("--max-time", arg, 1, 86400, &v))
			return -1;
		c->fetch.timeout = (long)v;
		return 0;
	case OPT_MAX_REDIRS:
		if (tool_number("--max-redirs", arg, 0, 100, &v))
			return -1;
		c->fetch.max_redirs = (long)v;
		return 0;
	case OPT_COLOR:
		if (strcmp(arg, "auto") && strcmp(arg, "always") &&
		    strcmp(arg, "never")) {
			tool_warn("--color: '%s' is not auto, always or never", arg);
			return -1;
		}
		c->color = arg;
		return 0;
	case OPT_GROUP_BY:
		if (strcmp(arg, "line") == 0)
			c->group.by = GROUP_BY_LINE;
		else if (strcmp(arg, "func") == 0 || strcmp(arg, "function") == 0)
			c->group.by = GROUP_BY_FUNC;
		else {
			tool_warn("--group-by: '%s' is not line or func", arg);
			return -1;
		}
		return 0;
	case OPT_MIN_COUNT:
		if (tool_number("--min-count", arg, 1, 1e15, &v))
			return -1;
		c->group.min_count = (uint64_t)v;
		return 0;
	case OPT_MIN_SHARE:
		if (tool_number("--min-share", arg, 0, 1, &v))
			return -1;
		c->group.min_share = v;
		return 0;
	case OPT_SHARE_FLOOR:
		if (tool_number("--share-floor", arg, 1, 1e15, &v))
			return -1;
		c->group.share_floor = (uint64_t)v;
		return 0;
	case OPT_MIN_MINUTES:
		if (tool_number("--min-minutes", arg, 0, 1e9, &v))
			return -1;
		c->group.min_minutes = (int)v;
		return 0;
	case OPT_POOL_MAX:
		if (tool_number("--pool-max", arg, 0, 1e15, &v))
			return -1;
		c->group.pool_max = (uint64_t)v;
		return 0;
	case OPT_THREADS:
		if (tool_number("--threads", arg, 1, PARALLEL_MAX_THREADS, &v))
			return -1;
		c->threads = (unsigned)v;
		return 0;
	case OPT_MAX_IDS:
		if (tool_number("--max-ids", arg, 0, 1e15, &v))
			return -1;
		c->group.max_ids = (size_t)v;
		return 0;
	case OPT_RULES:
		c->rule_paths[c->nrule_paths++] = arg;
		return 0;
	}
	return 1;
}

void tool_options_merge(const struct option *own, struct option *buf,
			size_t cap)
{
	size_t n = 0, i;

	for (i = 0; own && own[i].name && n + 1 < cap; i++)
		buf[n++] = own[i];
	for (i = 0; tool_longopts[i].name && n + 1 < cap; i++)
		buf[n++] = tool_longopts[i];
	memset(&buf[n], 0, sizeof buf[n]);
}

void tool_config_finish(tool_config *c)
{
	const char *nc = getenv("NO_COLOR");

	if (strcmp(c->color, "always") == 0)
		c->report.color = 1;
	else if (strcmp(c->color, "auto") == 0)
		c->report.color = c->out_path == NULL && isatty(STDOUT_FILENO) &&
				  !(nc && *nc);
	else
		c->report.color = 0;
	if (nc && *nc && strcmp(c->color, "always") != 0)
		c->report.color = 0;
}

rules *tool_rules(const tool_config *c, gt_err *e)
{
	rules *r = rules_new();
	const char *env = getenv("GTRIAGE_RULES");
	size_t i;

	for (i = 0; i < c->nrule_paths; i++)
		if (rules_add_path(r, c->rule_paths[i], e) != GT_OK)
			goto fail;
	if (env && *env) {
		char *copy = gt_strndup(env, strlen(env)), *save = NULL, *tok;
		int rc = GT_OK;

		for (tok = strtok_r(copy, ":", &save); tok && rc == GT_OK;
		     tok = strtok_r(NULL, ":", &save))
			rc = rules_add_path(r, tok, e);
		free(copy);
		if (rc != GT_OK)
			goto fail;
	}
	for (i = 0; i < builtin_rules_count; i++)
		if (rules_add_text(r, builtin_rules[i].name, builtin_rules[i].text,
				   builtin_rules[i].len, e) != GT_OK)
			goto fail;
	return r;
fail:
	rules_free(r);
	return NULL;
}

int tool_read(group_set *s, const char *input, const tool_config *c, int *cut,
	      gt_err *e)
{
	parse_sink sink = group_sink(s);
	parse_ctx *p = parse_new(&sink);
	int rc;

	*cut = 0;
	if (fetch_is_url(input))
		rc = fetch_read(input, &c->fetch, p, cut, e);
	else {
		parallel_info pi;

		rc = parallel_read_path(input, s, p, c->threads, c->chunk, cut,
					&pi, e);
		/* for the tests that cut inputs finely: were pieces joined? */
		if (getenv("GTRIAGE_CHUNK_STATS"))
			fprintf(stderr,
				"gtriage: %llu pieces, %llu joined, %llu "
				"bodies recognised\n",
				pi.pieces, pi.joined,
				(unsigned long long)parse_get_stats(p)->recognised);
	}
	if (rc == GT_OK) {
		/* several inputs add up: the set's stats cover them all */
		const parse_stats *st = parse_get_stats(p);

		s->stats.bytes += st->bytes;
		s->stats.lines += st->lines;
		s->stats.dumps += st->dumps;
		s->stats.goroutines += st->goroutines;
		s->stats.race_reports += st->race_reports;
		s->stats.long_lines += st->long_lines;
		s->stats.capped_counts += st->capped_counts;
		s->stats.nul_bytes += st->nul_bytes;
		s->stats.ctrl_bytes += st->ctrl_bytes;
		s->stats.foreign_lines += st->foreign_lines;
	}
	parse_free(p);
	return rc;
}

char *tool_display_name(const char *input)
{
	if (strcmp(input, "-") == 0)
		return gt_strndup("<stdin>", 7);
	if (fetch_is_url(input))
		return redact_url(input);
	return gt_strndup(input, strlen(input));
}

int tool_check_output(const char *out, const char *const *inputs, size_t n,
		      gt_err *e)
{
	struct stat so, si;
	size_t i;

	if (out == NULL || strcmp(out, "-") == 0 || stat(out, &so) != 0)
		return GT_OK; /* stdout, or a new file: no input */
	/* writing to a terminal or a device that is also read loses nothing */
	if (!S_ISREG(so.st_mode))
		return GT_OK;
	for (i = 0; i < n; i++) {
		int got;

		if (fetch_is_url(inputs[i]))
			continue;
		got = strcmp(inputs[i], "-") == 0 ? fstat(STDIN_FILENO, &si)
						  : stat(inputs[i], &si);
		if (got == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino)
			return gt_errf(e, "%s: -o names an input of this run "
					  "(%s); refusing to overwrite it",
				       out,
				       strcmp(inputs[i], "-") == 0 ? "stdin"
								   : inputs[i]);
	}
	return GT_OK;
}

/* The file a path names once its symlinks are followed, even when the
 * last one dangles: -o writes there, never over the link itself. */
static char *resolve_links(const char *path, gt_err *e)
{
	char *cur = gt_strndup(path, strlen(path));
	int hops;

	for (hops = 0;; hops++) {
		char buf[PATH_MAX], *next, *slash;
		struct stat st;
		ssize_t n;
		size_t dl;

		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		if (hops == 40 || (n = readlink(cur, buf, sizeof buf - 1)) < 0) {
			gt_errf(e, "%s: %s", path,
				hops == 40 ? strerror(ELOOP) : strerror(errno));
			free(cur);
			return NULL;
		}
		buf[n] = '\0';
		slash = strrchr(cur, '/');
		dl = buf[0] == '/' || slash == NULL ? 0
						    : (size_t)(slash + 1 - cur);
		next = gt_malloc(dl + (size_t)n + 1);
		memcpy(next, cur, dl);
		memcpy(next + dl, buf, (size_t)n + 1);
		free(cur);
		cur = next;
	}
}

/* A device, FIFO or socket: written where it is, as "> path" would. */
static int write_in_place(const char *path,
			  int (*fn)(FILE *f, void *ud, gt_err *e), void *ud,
			  gt_err *e)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return gt_errf(e, "%s: %s", path, strerror(errno));
	if ((f = fdopen(fd, "w")) == NULL) {
		gt_errf(e, "%s: %s", path, strerror(errno));
		close(fd);
		return GT_ERR;
	}
	if (fn(f, ud, e) != GT_OK) {
		fclose(f);
		return GT_ERR;
	}
	if (fflush(f) != 0 || ferror(f)) {
		gt_errf(e, "%s: %s", path, strerror(errno));
		fclose(f);
		return GT_ERR;
	}
	if (fclose(f) != 0)
		return gt_errf(e, "%s: %s", path, strerror(errno));
	return GT_OK;
}

static int write_replacing(const char *path, const char *target, mode_t mode,
			   int (*fn)(FILE *f, void *ud, gt_err *e), void *ud,
			   gt_err *e)
{
	char tmp[4096];
	FILE *f;
	int fd;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", target) >=
	    (int)sizeof tmp)
		return gt_errf(e, "%s: path too long", path);
	if ((fd = mkstemp(tmp)) < 0)
		return gt_errf(e, "%s: %s", tmp, strerror(errno));
	/* mkstemp's 0600 is for the temporary name only */
	if (fchmod(fd, mode) != 0) {
		gt_errf(e, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return GT_ERR;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		gt_errf(e, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return GT_ERR;
	}
	if (fn(f, ud, e) != GT_OK) {
		fclose(f);
		unlink(tmp);
		return GT_ERR;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		gt_errf(e, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return GT_ERR;
	}
	if (fclose(f) != 0 || rename(tmp, target) != 0) {
		gt_errf(e, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return GT_ERR;
	}
	return GT_OK;
}

int tool_write_atomic(const char *path,
		      int (*fn)(FILE *f, void *ud, gt_err *e), void *ud,
		      gt_err *e)
{
	char *target;
	struct stat st;
	mode_t mode;
	int rc;

	/* stat() follows every link, the kernel's /proc/self/fd ones too */
	if (stat(path, &st) != 0) {
		mode_t mask = umask(0);

		umask(mask);
		mode = 0666 & ~mask;
	} else if (S_ISDIR(st.st_mode)) {
		return gt_errf(e, "%s: is a directory", path);
	} else if (!S_ISREG(st.st_mode)) {
		return write_in_place(path, fn, ud, e);
	} else {
		mode = st.st_mode & 07777;
	}
	if ((target = resolve_links(path, e)) == NULL)
		return GT_ERR;
	rc = write_replacing(path, target, mode, fn, ud, e);
	free(target);
	return rc;
}

struct report_job {
	const group_set *s;
	const report_opts *o;
};

static int write_job(FILE *f, void *ud, gt_err *e)
{
	struct report_job *j = ud;

	return report_write(f, j->s, j->o, e);
}

int tool_write_output(const char *path,
		      int (*fn)(FILE *f, void *ud, gt_err *e), void *ud,
		      gt_err *e)
{
	if (path && strcmp(path, "-") != 0)
		return tool_write_atomic(path, fn, ud, e);
	if (fn(stdout, ud, e) != GT_OK)
		return GT_ERR;
	if (fflush(stdout) != 0)
		return gt_errf(e, "stdout: %s", strerror(errno));
	return GT_OK;
}

int tool_write_report(const tool_config *c, const group_set *s, gt_err *e)
{
	struct report_job j = {s, &c->report};

	return tool_write_output(c->out_path, write_job, &j, e);
}

int tool_growth_option(int ch, const char *arg, double max_growth,
		       trend_opts *o)
{
	double v;

	switch (ch) {
	case TOOL_OPT_MIN_GROWTH:
		if (tool_number("--min-growth", arg, 1, max_growth, &v))
			return -1;
		o->min_growth = (uint64_t)v;
		return 1;
	case TOOL_OPT_MIN_RISE:
		if (tool_number("--min-rise", arg, 0, 1e6, &v))
			return -1;
		o->min_rise = v;
		return 1;
	case TOOL_OPT_MAX_STEP:
		if (tool_number("--max-step", arg, 0, 1, &v))
			return -1;
		o->max_step = v;
		return 1;
	case TOOL_OPT_MAX_P:
		if (tool_number("--max-p", arg, 0, 1, &v))
			return -1;
		o->max_p = v;
		return 1;
	}
	return 0;
}
