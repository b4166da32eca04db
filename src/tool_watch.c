/*
 * tool_watch.c - `gtriage watch URL`: fetches a goroutine dump every
 * interval and follows the trend as it happens. On a terminal a live table
 * is redrawn in place; anywhere else each fetch prints one plain line, so
 * a log stays readable. Ctrl-C (SIGINT) or SIGTERM ends it cleanly with
 * the final trend report. --save keeps each snapshot in a snapshot store
 * directory, named as snap names them, so trend can read them again. Exit 1 when a group grows, 2 when no fetch
 * succeeded, else 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "tool.h"
#include "trend.h"

#define DEFAULT_WINDOW 120

enum { OPT_PROTO = 600, OPT_SAVE, OPT_KEEP };
#define SPARK_MAX 16

static const char usage[] =
	"usage: gtriage watch [options] URL\n"
	"Fetches URL (a pprof goroutine endpoint: debug=2 is added when\n"
	"missing) every interval and shows how each group of goroutines\n"
	"changes: a live table on a terminal, one line per fetch elsewhere.\n"
	"Ctrl-C ends it with the trend report over the snapshots taken.\n"
	"\n"
	"Watching:\n"
	"  -i, --interval T      time between fetches: 30s (default), 2m, 1h,\n"
	"                        or plain seconds (0.5 and up)\n"
	"  -c, --count N         stop after N fetches (default: until Ctrl-C)\n"
	"  -w, --window N        snapshots the trend looks at (120)\n"
	"      --proto           fetch the protobuf profile (debug=0): far\n"
	"                        cheaper than debug=2, no wait states or ages\n"
	"      --save DIR        keep each snapshot in DIR, named as snap names\n"
	"                        them, for `gtriage trend DIR` later\n"
	"      --keep N          with --save: the newest N snapshots of the\n"
	"                        target are kept (default: the window; 0: all)\n"
	"  -h, --help            this help\n"
	"\n";

static const char usage_tail[] =
	"\n"
	"Exit status: 0 no growing group, 1 a group grows, 2 no fetch\n"
	"succeeded (or bad usage).\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* "30s", "2m", "1h", "500ms", "45": seconds, or -1. */
static double parse_interval(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		v /= 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		v *= 60;
	else if (strcmp(end, "h") == 0)
		v *= 3600;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		return -1;
	return v >= 0.5 && v <= 7 * 86400 ? v : -1;
}

/* ---- one line of text, cut to the terminal's width ---------------------- */

typedef struct line {
	char buf[1024];
	size_t len;
	size_t cols;  /* display columns so far */
	size_t max;   /* columns allowed, 0: no limit */
} line;

static void put(line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(line *l, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	size_t i, n;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (r <= 0)
		return;
	n = (size_t)r < sizeof tmp ? (size_t)r : sizeof tmp - 1;
	for (i = 0; i < n && l->len + 1 < sizeof l->buf; i++) {
		int cont = ((unsigned char)tmp[i] & 0xc0) == 0x80;

		/* a line that wraps would break the redraw's line count */
		if (!cont && l->max && l->cols >= l->max)
			break;
		if (!cont)
			l->cols++;
		l->buf[l->len++] = tmp[i];
	}
	/* never leave half a UTF-8 sequence */
	while (i < n && ((unsigned char)tmp[i] & 0xc0) == 0x80 && l->len > 0 &&
	       l->len + 1 >= sizeof l->buf) {
		l->len--;
		i++;
	}
	l->buf[l->len] = '\0';
}

/* ---- the table ---------------------------------------------------------- */

typedef struct view {
	int tty;
	int utf8;
	size_t width;   /* terminal columns (tty) */
	size_t height;  /* terminal rows (tty) */
	size_t drawn;   /* lines of the last table, to move back over */
	size_t top;     /* rows wanted (-n), 0: fit the terminal */
} view;

static const char *where_of(const group *g, char *buf, size_t cap)
{
	size_t i;
	const group_frame *f = NULL;

	for (i = 0; i < g->nframes && f == NULL; i++)
		if (group_frame_is_user(&g->frames[i]))
			f = &g->frames[i];
	if (f == NULL && g->nframes)
		f = &g->frames[0];
	if (f == NULL) {
		snprintf(buf, cap, "(no stack)");
	} else if (f->file) {
		const char *base = strrchr(f->file, '/');

		snprintf(buf, cap, "%s %s:%u", f->func, base ? base + 1 : f->file,
			 f->line);
	} else {
		snprintf(buf, cap, "%s", f->func);
	}
	return buf;
}

static void spark(line *l, const trend *t, const trend_series *s, int utf8)
{
	static const char *blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
				       "\u2585", "\u2586", "\u2587", "\u2588"};
	static const char ascii[] = "_.-=^#";
	size_t n = t->npoints < SPARK_MAX ? t->npoints : SPARK_MAX;
	size_t from = t->npoints - n, i;
	uint64_t lo = UINT64_MAX, hi = 0;

	for (i = from; i < t->npoints; i++) {
		if (s->counts[i] < lo)
			lo = s->counts[i];
		if (s->counts[i] > hi)
			hi = s->counts[i];
	}
	for (i = from; i < t->npoints; i++) {
		double f = 0.5;

		if (hi > lo)
			f = (double)(s->counts[i] - lo) / (double)(hi - lo);

		if (utf8)
			put(l, "%s", blocks[(int)(f * 7 + 0.5)]);
		else
			put(l, "%c", ascii[(int)(f * 5 + 0.5)]);
	}
	for (; n < SPARK_MAX; n++)
		put(l, " ");
}

static void emit(view *v, line *l, size_t *nlines)
{
	fputs(l->buf, stdout);
	fputs(v->tty ? "\033[K\n" : "\n", stdout);
	(*nlines)++;
	l->len = l->cols = 0;
	l->buf[0] = '\0';
}

static void term_size(view *v)
{
	struct winsize ws;

	v->width = 100;
	v->height = 24;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 &&
	    ws.ws_row > 6) {
		v->width = ws.ws_col;
		v->height = ws.ws_row;
	}
}

static void draw_table(view *v, const char *url, double interval,
		       const trend *t, size_t taken, size_t failed,
		       const char *last_error)
{
	const trend_point *last = &t->points[t->npoints - 1];
	const group_dump *d = last->dump;
	line l = {{0}, 0, 0, 0};
	size_t nlines = 0, i, rows;
	char tbuf[32];
	time_t sec = (time_t)last->when;
	struct tm tm;

	term_size(v);
	l.max = v->width - 1;
	if (v->drawn)
		printf("\033[%zuA\r", v->drawn);
	gmtime_r(&sec, &tm);
	strftime(tbuf, sizeof tbuf, "%H:%M:%SZ", &tm);
	put(&l, "gtriage watch %s  every %gs  (Ctrl-C ends)", url, interval);
	emit(v, &l, &nlines);
	put(&l, "snapshot %zu at %s: %llu goroutines, %zu groups, %zu growing",
	    taken, tbuf, (unsigned long long)d->total, d->ngroups,
	    t->ngrowing);
	if (failed)
		put(&l, ", %zu fetch%s failed", failed, failed == 1 ? "" : "es");
	emit(v, &l, &nlines);
	if (last_error)
		put(&l, "last fetch: %s", last_error);
	emit(v, &l, &nlines);
	put(&l, "%8s %8s %10s  %-*s %-8s %-14s %s", "count", "change",
	    "per hour", SPARK_MAX, "trend", "", "category", "where");
	emit(v, &l, &nlines);
	rows = v->top ? v->top : v->height > 8 ? v->height - 6 : 2;
	for (i = 0; i < t->nseries && i < rows; i++) {
		const trend_series *s = &t->series[i];
		uint64_t c = s->counts[t->npoints - 1];
		long long change = (long long)c - (long long)s->counts[0];
		char where[512];

		put(&l, "%8llu %+8lld ", (unsigned long long)c, change);
		if (t->timed)
			put(&l, "%+10.0f  ", s->growth_per_hour);
		else
			put(&l, "%10s  ", "-");
		spark(&l, t, s, v->utf8);
		put(&l, " %-8s %-14s %s",
		    s->growing ? "GROWING" : s->flagged ? "flagged" : "",
		    category_name(s->latest->cat),
		    where_of(s->latest, where, sizeof where));
		emit(v, &l, &nlines);
	}
	if (t->nseries > rows) {
		put(&l, "... %zu more groups", t->nseries - rows);
		emit(v, &l, &nlines);
	}
	/* a table shorter than the last one: clear what is left below */
	fputs("\033[J", stdout);
	fflush(stdout);
	v->drawn = nlines;
}

/* One line per fetch when stdout is not a terminal. */
static void plain_line(const trend *t, size_t taken)
{
	const trend_point *last = &t->points[t->npoints - 1];
	const group_dump *d = last->dump;
	char tbuf[32], where[512];
	time_t sec = (time_t)last->when;
	struct tm tm;
	size_t i, shown = 0;

	gmtime_r(&sec, &tm);
	strftime(tbuf, sizeof tbuf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s snapshot %zu: %llu goroutines, %zu groups, %zu growing",
	       tbuf, taken, (unsigned long long)d->total, d->ngroups,
	       t->ngrowing);
	for (i = 0; i < t->nseries && shown < 3; i++) {
		const trend_series *s = &t->series[i];

		if (!s->growing)
			continue;
		printf("; %s %llu (%+lld",
		       where_of(s->latest, where, sizeof where),
		       (unsigned long long)s->counts[t->npoints - 1],
		       (long long)s->counts[t->npoints - 1] -
			       (long long)s->counts[0]);
		if (t->timed)
			printf(", %+.0f/h", s->growth_per_hour);
		printf(", growing)");
		shown++;
	}
	putchar('\n');
	fflush(stdout);
}

/* ---- the loop ----------------------------------------------------------- */

static void warn_unlink(const char *path, int err)
{
	tool_warn("%s: cannot remove: %s", path, strerror(err));
}

/* --save: commits the fetched snapshot w (of set s) under its final name
 * and rotates the series. A failure is told and the watch goes on. */
static void save_snapshot(const char *dir, const char *series, long keep,
			  store_writer *w, const group_set *s, double when)
{
	const group_dump *d = group_set_last(s);
	char *path = NULL, **kept = NULL;
	size_t i, nkept = 0;
	gt_err e = {{0}};

	if (store_commit(w, when, d && d->kind == PARSE_KIND_PROTO, &path,
			 &e) != GT_OK) {
		tool_warn("%s", e.msg);
		return;
	}
	free(path);
	store_sync(dir);
	store_rotate(dir, series, keep, &kept, &nkept, warn_unlink);
	for (i = 0; i < nkept; i++)
		free(kept[i]);
	free(kept);
}

typedef struct snapshot {
	group_set *set;
	double when;
	char label[64];
} snapshot;

static trend *make_trend(const tool_config *c, snapshot *win, size_t n)
{
	trend_opts to;
	trend *t;
	size_t i;

	trend_opts_default(&to);
	to.group = c->group;
	t = trend_new(&to);
	for (i = 0; i < n; i++)
		trend_add(t, group_set_last(win[i].set), win[i].when,
			  win[i].label);
	trend_finish(t);
	return t;
}

struct final_job {
	const trend *t;
	report_opts o;
};

static int write_final(FILE *f, void *ud, gt_err *e)
{
	struct final_job *j = ud;

	return trend_report(f, j->t, &j->o, e);
}

/* Sleeps until the deadline or a stop request, whichever comes first. */
static void wait_until(double deadline)
{
	while (!stop) {
		double left = deadline - now();
		struct timespec ts;

		if (left <= 0)
			return;
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
}

int tool_watch_main(int argc, char **argv)
{
	static const struct option own[] = {
		{"interval", required_argument, NULL, 'i'},
		{"count", required_argument, NULL, 'c'},
		{"window", required_argument, NULL, 'w'},
		{"proto", no_argument, NULL, OPT_PROTO},
		{"save", required_argument, NULL, OPT_SAVE},
		{"keep", required_argument, NULL, OPT_KEEP},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct option opts[64];
	tool_config c;
	gt_err e = {{0}};
	rules *r = NULL;
	snapshot *win = NULL;
	trend *t = NULL;
	view v;
	const char *url;
	char *shown = NULL, *proto_url = NULL, *series = NULL;
	const char *save = NULL;
	int proto = 0;
	long keep = -1; /* -1: the window */
	double interval = 30;
	long count = 0, window = DEFAULT_WINDOW;
	size_t nwin = 0, taken = 0, failed = 0, round;
	int rc = EXIT_TROUBLE, ch;
	char last_error[sizeof e.msg] = "";
	struct sigaction sa, old_int, old_term;

	tool_config_init(&c, argc);
	memset(&v, 0, sizeof v);
	tool_options_merge(own, opts, sizeof opts / sizeof opts[0]);
	while ((ch = getopt_long(argc, argv, TOOL_SHORTOPTS "i:c:w:h", opts,
				 NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'h':
			printf("%s%s%s", usage, tool_common_help, usage_tail);
			rc = EXIT_CLEAN;
			goto out;
		case 'i':
			if ((interval = parse_interval(optarg)) < 0) {
				tool_warn("--interval: '%s' is not a time such "
					  "as 30s, 2m, 1h or 10",
					  optarg);
				goto out;
			}
			break;
		case 'c':
		case 'w':
			errno = 0;
			if (ch == 'c')
				count = strtol(optarg, &end, 10);
			else
				window = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    (ch == 'c' ? count < 0 : window < 2)) {
				tool_warn("--%s: '%s' is not a count",
					  ch == 'c' ? "count" : "window", optarg);
				goto out;
			}
			break;
		case OPT_PROTO:
			proto = 1;
			break;
		case OPT_SAVE:
			save = optarg;
			break;
		case OPT_KEEP:
			errno = 0;
			keep = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || keep < 0) {
				tool_warn("--keep: '%s' is not a count", optarg);
				goto out;
			}
			break;
		default:
			if (tool_option(&c, ch, optarg, "gtriage watch") != 0)
				goto out;
		}
	}
	if (argc - optind != 1 || !fetch_is_url(argv[optind])) {
		tool_warn("watch: give one http:// or https:// URL");
		fputs("Try 'gtriage watch --help'.\n", stderr);
		goto out;
	}
	url = argv[optind];
	if (proto)
		url = proto_url = fetch_proto_url(url);
	shown = tool_display_name(url);
	if (save) {
		struct stat st;

		if (stat(save, &st) != 0 || !S_ISDIR(st.st_mode)) {
			tool_warn("%s: not a directory", save);
			goto out;
		}
		series = store_target_name(url);
		if (keep < 0)
			keep = window;
	} else if (keep >= 0) {
		tool_warn("--keep: only with --save");
		goto out;
	}
	tool_config_finish(&c);
	if ((r = tool_rules(&c, &e)) == NULL) {
		tool_warn("%s", e.msg);
		goto out;
	}
	setlocale(LC_CTYPE, "");
	v.tty = isatty(STDOUT_FILENO);
	v.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	v.top = c.report.top;
	win = gt_calloc((size_t)window, sizeof *win);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: sleeps end at once */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	stop = 0;

	for (round = 0; !stop && (count == 0 || round < (size_t)count);
	     round++) {
		double start = now();
		fetch_job job;
		fetch_hooks hooks = {NULL, NULL, &stop};
		group_set *s = group_set_new(r, &c.group);
		parse_sink sink = group_sink(s);
		parse_ctx *p = parse_new(&sink);
		store_writer *w = NULL;

		memset(&job, 0, sizeof job);
		job.url = url;
		job.p = p;
		if (save) {
			if (store_open(save, series, 0, &w, &e) != GT_OK) {
				tool_warn("%s", e.msg);
				group_set_free(s);
				parse_free(p);
				goto restore;
			}
			job.tee = store_write;
			job.tee_ud = w;
		}
		fetch_many(&job, 1, &c.fetch, &hooks, &e);
		if (job.rc != GT_OK)
			store_abort(w);
		if (stop && job.rc != GT_OK) {
			/* interrupted mid-fetch: that snapshot is dropped */
			group_set_free(s);
			parse_free(p);
			break;
		}
		if (job.rc != GT_OK) {
			/* a restarting server should not end the watch */
			failed++;
			snprintf(last_error, sizeof last_error, "%s",
				 job.err.msg);
			if (!v.tty)
				tool_warn("%s", job.err.msg);
			group_set_free(s);
			parse_free(p);
		} else {
			snapshot *sn;

			group_set_finish(s, parse_get_stats(p));
			parse_free(p);
			if (w)
				save_snapshot(save, series, keep, w, s, job.when);
			if (job.cut)
				tool_warn("%s: the connection broke mid-dump; "
					  "using what arrived",
					  shown);
			if (nwin == (size_t)window) {
				group_set_free(win[0].set);
				memmove(win, win + 1, (nwin - 1) * sizeof *win);
				nwin--;
			}
			sn = &win[nwin++];
			sn->set = s;
			sn->when = job.when;
			snprintf(sn->label, sizeof sn->label, "snapshot %zu",
				 ++taken);
			last_error[0] = '\0';
		}
		if (nwin > 0) {
			trend_free(t);
			t = make_trend(&c, win, nwin);
			if (v.tty)
				draw_table(&v, shown, interval, t, taken, failed,
					   last_error[0] ? last_error : NULL);
			else if (job.rc == GT_OK)
				plain_line(t, taken);
		} else if (v.tty) {
			tool_warn("%s", job.err.msg);
		}
		if (count == 0 || round + 1 < (size_t)count)
			wait_until(start + interval);
	}

	if (t == NULL) {
		tool_warn("watch: no snapshot taken%s", stop ? " (interrupted)"
							     : "");
		goto restore;
	}
	if (v.tty)
		putchar('\n');
	{
		struct final_job j = {t, c.report};

		j.o.source = shown;
		if (tool_write_output(c.out_path, write_final, &j, &e) !=
		    GT_OK) {
			tool_warn("%s", e.msg);
			goto restore;
		}
	}
	rc = t->ngrowing ? EXIT_LEAK : EXIT_CLEAN;
restore:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out:
	trend_free(t);
	while (nwin > 0)
		group_set_free(win[--nwin].set);
	free(win);
	rules_free(r);
	free(shown);
	free(proto_url);
	free(series);
	tool_config_free(&c);
	return rc;
}
