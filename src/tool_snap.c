/*
 * tool_snap.c - `gtriage snap URL... --dir DIR`: the cron job in one line.
 * Fetches every target at once, keeps each body as a snapshot file, keeps
 * the last K per target, and reports each target's trend over what is
 * kept. Exit 2 when a target failed, else 1 when one has a growing group,
 * else 0.
 *
 * A snapshot is committed to the store (store.h) only once the body has
 * arrived and was found to hold a dump (or, for --profile heap, a heap
 * profile: that body is kept as it came and read back from memory).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "heap.h"
#include "input.h"
#include "report_heap.h"
#include "store.h"
#include "tool.h"
#include "tool_snap_priv.h"
#include "trend.h"

#define DEFAULT_KEEP 48

static const char usage[] =
	"usage: gtriage snap [options] [NAME=]URL... --dir DIR\n"
	"Fetches every URL at once (a pprof goroutine endpoint: debug=2 is\n"
	"added when missing), keeps each dump as DIR/NAME-YYYYMMDDTHHMMSSZ.txt\n"
	"(written atomically), keeps the last K per target and reports each\n"
	"target's trend over the snapshots kept. NAME defaults to host_port,\n"
	"with the path when it is not the goroutine profile.\n"
	"\n"
	"Snapshots:\n"
	"  -d, --dir DIR         where snapshots are kept (created if missing)\n"
	"  -K, --keep K          snapshots kept per target (48); 0 keeps all\n"
	"  -z, --gzip            compress snapshots (NAME-...Z.txt.gz)\n"
	"      --proto           fetch the protobuf goroutine profile (debug=0,\n"
	"                        kept as NAME-...Z.pb.gz): far cheaper than\n"
	"                        debug=2, but no wait states, minutes or ids\n"
	"      --leak-profile    also fetch /debug/pprof/goroutineleak (Go 1.26\n"
	"                        with GOEXPERIMENT=goroutineleakprofile) as the\n"
	"                        target NAME-leak (NAME-leak-...Z.pb.gz)\n"
	"      --profile LIST    profiles kept per target, comma-separated or\n"
	"                        repeated: goroutine (the default), heap\n"
	"                        (/debug/pprof/heap beside the goroutine page,\n"
	"                        kept as NAME-heap-...Z.pb.gz; its sites'\n"
	"                        growth is reported beside the goroutine trend)\n"
	"      --heap-gc         ask for the heap profile after a GC (gc=1):\n"
	"                        figures of live objects only, at the cost of\n"
	"                        a collection per snapshot\n"
	"  -q, --quiet           print the report only when a target failed or\n"
	"                        has a growing group (-o FILE is written always)\n"
	"  -h, --help            this help\n"
	"\n";

static const char usage_tail[] =
	"\n"
	"Exit status: 0 no growing group, 1 a target has a growing group (or\n"
	"heap site), 2 a target failed (unreachable, HTTP error, timeout, not a\n"
	"dump or heap profile).\n"
	"Every 10 minutes from cron(8):\n"
	"  */10 * * * * gtriage snap -q http://127.0.0.1:6060 --dir "
	"/var/lib/gtriage/api\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* ---- targets ------------------------------------------------------------ */

static uint32_t fnv32(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}


typedef struct target {
	const char *url;
	int heap;           /* a heap profile series (--profile heap) */
	heap_body hb;       /* its body while fetching */
	heap_profile *hp;   /* the new heap snapshot */
	heap_profile **hold; /* the kept ones read back (nkept, NULL gaps) */
	heap_trend *ht;
	char *url_owned;    /* url when made here (--proto, --leak-profile) */
	char *shown;        /* url without credentials, for messages */
	char *name;
	store_writer *w;    /* the snapshot while fetching, else NULL */
	group_set *set;     /* the new snapshot */
	parse_ctx *p;
	char *final;        /* its path once kept */
	double when;
	int fetched;        /* kept a new snapshot */
	int cut;
	char **kept;        /* file names kept after rotation, oldest first */
	size_t nkept;
	trend *tr;
	group_set *old;     /* the older snapshots, read back */
} target;

typedef struct snap_cfg {
	tool_config c;
	const char *dir;
	long keep;
	int gzip;
	int quiet;
	int proto;          /* --proto */
	int leak;           /* --leak-profile */
	int goroutine, heap; /* --profile */
	int heap_gc;        /* --heap-gc */
} snap_cfg;

/* Commits the fetched snapshot under its final name (.pb for a protobuf
 * profile). */
static int keep(target *t, gt_err *e)
{
	const group_dump *d = t->set ? group_set_last(t->set) : NULL;
	int pb = t->hp ? !t->hp->text : d && d->kind == PARSE_KIND_PROTO;
	store_writer *w = t->w;

	t->w = NULL;
	return store_commit(w, t->when, pb, &t->final, e);
}

static void warn_unlink(const char *path, int err)
{
	tool_warn("%s: cannot remove: %s", path, strerror(err));
}

/* Reads the kept snapshots back (the new one is already parsed) and
 * builds the target's trend. */
static void build_trend(const snap_cfg *sc, target *t, const rules *r)
{
	trend_opts to;
	size_t i, *last = gt_calloc(t->nkept + 1, sizeof *last);
	const char *newest = t->final ? strrchr(t->final, '/') + 1 : NULL;
	char path[4096];

	trend_opts_default(&to);
	to.group = sc->c.group;
	t->tr = trend_new(&to);
	t->old = group_set_new(r, &sc->c.group);
	/* last[i]: 1 + the index of file i's dump in the old set, 0 for none */
	for (i = 0; i < t->nkept; i++) {
		size_t before = t->old->ndumps;
		int cut = 0;
		gt_err e = {{0}};

		if (newest && strcmp(t->kept[i], newest) == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", sc->dir, t->kept[i]);
		if (tool_read(t->old, path, &sc->c, &cut, &e) != GT_OK)
			tool_warn("%s (skipped)", e.msg);
		else if (t->old->ndumps == before)
			tool_warn("%s: no goroutine dump (skipped)", path);
		else
			last[i] = t->old->ndumps; /* a file holds one dump */
	}
	group_set_finish(t->old, NULL);
	for (i = 0; i < t->nkept; i++) {
		if (newest && strcmp(t->kept[i], newest) == 0) {
			trend_add(t->tr, group_set_last(t->set), t->when,
				  t->kept[i]);
		} else if (last[i]) {
			trend_add(t->tr, t->old->dumps[last[i] - 1],
				  store_time(sc->dir, t->kept[i], t->name),
				  t->kept[i]);
		}
	}
	free(last);
	trend_finish(t->tr);
}

/* ---- progress ----------------------------------------------------------- */

static void progress(void *ud, size_t done, size_t total, uint64_t bytes)
{
	(void)ud;
	fprintf(stderr, "\rsnap: %zu of %zu done, %.1f MB received\033[K", done,
		total, (double)bytes / 1e6);
	fflush(stderr);
}

/* ---- the report --------------------------------------------------------- */

typedef struct report_job {
	const snap_cfg *sc;
	target *ts;
	size_t n;
} report_job;

/* One target's report: its goroutine trend, or its heap sites' trend. */
static int target_report(FILE *out, const target *t, const report_opts *o,
			 gt_err *e)
{
	heap_report_opts ho;

	if (!t->heap)
		return trend_report(out, t->tr, o, e);
	memset(&ho, 0, sizeof ho);
	ho.format = o->format;
	ho.source = o->source;
	ho.top = o->top;
	return heap_trend_report(out, t->ht, &ho, e);
}

static int write_reports(FILE *out, void *ud, gt_err *e)
{
	report_job *j = ud;
	report_opts o = j->sc->c.report;
	size_t i, shown = 0;
	int json = o.format == REPORT_JSON;
	int prom = o.format == REPORT_PROM;
	char **docs = prom ? gt_calloc(j->n + 1, sizeof *docs) : NULL;
	int rc = GT_OK;

	if (json && j->n > 1)
		fputs("[\n", out);
	for (i = 0; i < j->n && rc == GT_OK; i++) {
		target *t = &j->ts[i];
		char src[1024];

		if ((t->tr == NULL || t->tr->npoints == 0) && t->ht == NULL)
			continue;
		/* a metric label is best short: the name alone */
		snprintf(src, sizeof src, prom ? "%s" : "%s (%s)", t->name,
			 t->shown);
		o.source = src;
		if (prom) {
			size_t len;
			FILE *m = open_memstream(&docs[shown], &len);

			if (m == NULL)
				rc = gt_errf(e, "report: %s", strerror(errno));
			else if ((rc = target_report(m, t, &o, e)) == GT_OK &&
				 fclose(m) != 0)
				rc = gt_errf(e, "report: %s", strerror(errno));
			else if (rc != GT_OK)
				fclose(m);
			shown++;
			continue;
		}
		if (shown++ > 0)
			fputs(json ? ",\n" : "\n", out);
		rc = target_report(out, t, &o, e);
	}
	if (prom) {
		if (rc == GT_OK)
			report_prom_merge(out, (const char *const *)docs, shown);
		/* what the trend metrics cannot say: this run's fetch failed */
		fputs("# HELP gtriage_snap_ok 1 if this run fetched and kept a "
		      "snapshot of the target.\n"
		      "# TYPE gtriage_snap_ok gauge\n", out);
		for (i = 0; i < j->n; i++)
			fprintf(out, "gtriage_snap_ok{source=\"%s\"} %d\n",
				j->ts[i].name, j->ts[i].fetched);
		for (i = 0; i < shown; i++)
			free(docs[i]);
		free(docs);
	}
	if (rc != GT_OK)
		return GT_ERR;
	if (json && j->n > 1)
		fputs("]\n", out);
	if (ferror(out))
		return gt_errf(e, "writing the report: %s", strerror(errno));
	return GT_OK;
}

/* ---- main --------------------------------------------------------------- */

enum { OPT_PROTO = 600, OPT_LEAK, OPT_PROFILE, OPT_HEAP_GC };

/* Another profile beside the target's /debug/pprof/ (its query dropped),
 * or on its host: page is "/debug/pprof/goroutineleak?debug=0" or
 * "/debug/pprof/heap". Caller frees. */
static char *sibling_url(const char *url, const char *page)
{
	size_t plen = strlen(page);
	char *u = fetch_normalize_url(url), *out;
	char *at = strstr(u, "/debug/pprof/");
	size_t n;

	if (at == NULL) {
		char *a = strstr(u, "://");

		a = a ? a + 3 : u;
		at = a + strcspn(a, "/?#");
	}
	n = (size_t)(at - u);
	out = gt_malloc(n + plen + 1);
	memcpy(out, u, n);
	memcpy(out + n, page, plen + 1);
	free(u);
	return out;
}

/* --profile heap: a target per target, NAME-heap, at ts[0..n). */
static void add_heap_targets(const snap_cfg *sc, target *ts, const target *base,
			     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		target *t = &ts[i];

		t->heap = 1;
		t->url = t->url_owned = sibling_url(
			base[i].url, sc->heap_gc ? "/debug/pprof/heap?gc=1"
						 : "/debug/pprof/heap");
		t->name = store_series(base[i].name, "heap");
		t->shown = tool_display_name(t->url);
	}
}

/* --leak-profile: a second target per target, NAME-leak. */
static void add_leak_targets(target *ts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		target *t = &ts[n + i];

		t->url = t->url_owned = sibling_url(
			ts[i].url, "/debug/pprof/goroutineleak?debug=0");
		t->name = store_series(ts[i].name, "leak");
		t->shown = tool_display_name(t->url);
	}
}

static int parse_args(snap_cfg *sc, int argc, char **argv, int *done)
{
	static const struct option own[] = {
		{"dir", required_argument, NULL, 'd'},
		{"keep", required_argument, NULL, 'K'},
		{"gzip", no_argument, NULL, 'z'},
		{"quiet", no_argument, NULL, 'q'},
		{"proto", no_argument, NULL, OPT_PROTO},
		{"leak-profile", no_argument, NULL, OPT_LEAK},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"heap-gc", no_argument, NULL, OPT_HEAP_GC},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct option opts[64];
	int ch;

	*done = 0;
	tool_options_merge(own, opts, sizeof opts / sizeof opts[0]);
	while ((ch = getopt_long(argc, argv, TOOL_SHORTOPTS "d:K:zqh", opts,
				 NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'h':
			printf("%s%s%s", usage, tool_common_help, usage_tail);
			*done = 1;
			return 0;
		case 'd':
			sc->dir = optarg;
			break;
		case 'K':
			errno = 0;
			sc->keep = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || sc->keep < 0) {
				tool_warn("--keep: '%s' is not a count", optarg);
				return -1;
			}
			break;
		case 'z':
			sc->gzip = 1;
			break;
		case 'q':
			sc->quiet = 1;
			break;
		case OPT_PROTO:
			sc->proto = 1;
			break;
		case OPT_LEAK:
			sc->leak = 1;
			break;
		case OPT_PROFILE:
			if (snap_profile_list(optarg, &sc->goroutine,
					      &sc->heap) != 0)
				return -1;
			break;
		case OPT_HEAP_GC:
			sc->heap_gc = 1;
			break;
		default:
			if (tool_option(&sc->c, ch, optarg, "gtriage snap") != 0)
				return -1;
		}
	}
	if (optind >= argc) {
		tool_warn("snap: no URL given");
		fputs("Try 'gtriage snap --help'.\n", stderr);
		return -1;
	}
	if (sc->dir == NULL) {
		tool_warn("snap: --dir DIR is required");
		return -1;
	}
	if (!sc->goroutine && !sc->heap)
		sc->goroutine = 1;
	return 0;
}

/* NAME=URL or URL. */
static int parse_targets(target *ts, char **args, size_t n)
{
	size_t i, j;
	char *clash;

	for (i = 0; i < n; i++) {
		const char *a = args[i], *eq = strchr(a, '=');

		if (!fetch_is_url(a) && eq && fetch_is_url(eq + 1)) {
			if (!store_valid_name(a, (size_t)(eq - a))) {
				tool_warn("'%.*s': a target name is letters, "
					  "digits, '.', '-' and '_'",
					  (int)(eq - a), a);
				return -1;
			}
			ts[i].url = eq + 1;
			ts[i].name = gt_strndup(a, (size_t)(eq - a));
		} else if (fetch_is_url(a)) {
			ts[i].url = a;
			ts[i].name = store_target_name(a);
		} else {
			char *d = tool_display_name(a);

			tool_warn("'%s' is not an http:// or https:// URL", d);
			free(d);
			return -1;
		}
		ts[i].shown = tool_display_name(ts[i].url);
	}
	/* two targets on one host:port: tell them apart by their URL, the
	 * same way every run; by its shown form, so a file name owes
	 * nothing to a credential */
	clash = gt_calloc(n + 1, 1);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j && strcmp(ts[i].name, ts[j].name) == 0 &&
			    strcmp(ts[i].shown, ts[j].shown) != 0)
				clash[i] = 1;
	for (i = 0; i < n; i++) {
		size_t l = strlen(ts[i].name) + 16;
		char *nn;

		if (!clash[i])
			continue;
		nn = gt_malloc(l);
		snprintf(nn, l, "%s_%08x", ts[i].name,
			 (unsigned)fnv32(ts[i].shown));
		free(ts[i].name);
		ts[i].name = nn;
	}
	free(clash);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(ts[i].name, ts[j].name) == 0) {
				tool_warn("%s given twice", ts[i].shown);
				return -1;
			}
	return 0;
}

/* The kept snapshots are this run's inputs: -o onto one of them (a name
 * in DIR, a link to one) would replace a dump with a report. */
static int check_output(const snap_cfg *sc, const target *ts, size_t n)
{
	const char *out = sc->c.out_path;
	DIR *d;
	struct dirent *de;
	struct stat so, st;
	int rc = 0;

	if (out == NULL || strcmp(out, "-") == 0 || stat(out, &so) != 0 ||
	    !S_ISREG(so.st_mode) || (d = opendir(sc->dir)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char path[4096];
		time_t t;
		long seq;
		size_t i;

		for (i = 0; i < n; i++)
			if (store_key(de->d_name, ts[i].name, &t, &seq) == 0)
				break;
		if (i == n)
			continue;
		snprintf(path, sizeof path, "%s/%s", sc->dir, de->d_name);
		if (stat(path, &st) == 0 && st.st_dev == so.st_dev &&
		    st.st_ino == so.st_ino) {
			tool_warn("%s: -o names a snapshot kept in %s; refusing "
				  "to overwrite it",
				  out, sc->dir);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

int tool_snap_main(int argc, char **argv)
{
	snap_cfg sc;
	target *ts = NULL;
	fetch_job *jobs = NULL;
	rules *r = NULL;
	gt_err e = {{0}};
	size_t n = 0, i;
	int rc = EXIT_TROUBLE, done, failed = 0, growing = 0;
	struct sigaction sa, old_int, old_term;

	memset(&sc, 0, sizeof sc);
	tool_config_init(&sc.c, argc);
	sc.keep = DEFAULT_KEEP;
	setlocale(LC_CTYPE, "");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	stop = 0;

	if (parse_args(&sc, argc, argv, &done) != 0 || done) {
		rc = done ? EXIT_CLEAN : EXIT_TROUBLE;
		goto out;
	}
	tool_config_finish(&sc.c);
	n = (size_t)(argc - optind);
	ts = gt_calloc(3 * n, sizeof *ts);
	jobs = gt_calloc(3 * n, sizeof *jobs);
	if (parse_targets(ts, argv + optind, n) != 0)
		goto out;
	/* a page holds one trend: pages put end to end are no page */
	if (sc.heap && sc.c.report.format != REPORT_TEXT &&
	    sc.c.report.format != REPORT_JSON &&
	    sc.c.report.format != REPORT_PROM) {
		tool_warn("snap: --profile heap reports as text, json or prom");
		goto out;
	}
	if (sc.c.report.format == REPORT_HTML && (n > 1 || sc.leak)) {
		tool_warn("snap: -f html takes one target and no "
			  "--leak-profile, got %zu target%s%s", n,
			  n == 1 ? "" : "s", sc.leak ? " and --leak-profile" : "");
		goto out;
	}
	if (sc.c.report.format == REPORT_FOLDED) {
		tool_warn("snap: no folded output; fold a kept snapshot with "
			  "'gtriage -f folded'");
		goto out;
	}
	for (i = 0; sc.proto && i < n; i++)
		ts[i].url = ts[i].url_owned = fetch_proto_url(ts[i].url);
	{
		size_t total = n;

		if (sc.leak) {
			add_leak_targets(ts, n);
			total += n;
		}
		if (sc.heap) {
			add_heap_targets(&sc, ts + total, ts, n);
			total += n;
		}
		if (!sc.goroutine) {
			/* the goroutine targets named the others: drop them */
			for (i = 0; i < n; i++) {
				free(ts[i].name);
				free(ts[i].shown);
				free(ts[i].url_owned);
			}
			memmove(ts, ts + n, (total - n) * sizeof *ts);
			memset(ts + total - n, 0, n * sizeof *ts);
			total -= n;
		}
		n = total;
	}
	if (mkdir(sc.dir, 0777) != 0 && errno != EEXIST) {
		tool_warn("%s: %s", sc.dir, strerror(errno));
		goto out;
	}
	if (check_output(&sc, ts, n) != 0)
		goto out;
	if ((r = tool_rules(&sc.c, &e)) == NULL) {
		tool_warn("%s", e.msg);
		goto out;
	}

	for (i = 0; i < n; i++) {
		target *t = &ts[i];
		parse_sink sink;

		if (store_open(sc.dir, t->name, sc.gzip, &t->w, &e) != GT_OK) {
			tool_warn("%s", e.msg);
			goto out;
		}
		jobs[i].url = t->url;
		if (t->heap) {
			/* kept as it came, read once it is all there */
			t->hb.w = t->w;
			jobs[i].tee = snap_heap_tee;
			jobs[i].tee_ud = &t->hb;
			continue;
		}
		t->set = group_set_new(r, &sc.c.group);
		sink = group_sink(t->set);
		t->p = parse_new(&sink);
		jobs[i].p = t->p;
		jobs[i].tee = store_write;
		jobs[i].tee_ud = t->w;
	}
	{
		fetch_hooks hooks = {NULL, NULL, &stop};

		if (isatty(STDERR_FILENO) && n > 1)
			hooks.progress = progress;
		fetch_many(jobs, n, &sc.c.fetch, &hooks, &e);
		if (hooks.progress)
			fputs("\r\033[K", stderr);
	}
	if (stop) {
		tool_warn("snap: interrupted; no snapshot kept");
		goto out;
	}

	for (i = 0; i < n; i++) {
		target *t = &ts[i];

		if (jobs[i].rc != GT_OK) {
			/* not kept: an error page or half a login form is no
			 * snapshot */
			tool_warn("%s", jobs[i].err.msg);
			store_abort(t->w);
			t->w = NULL;
			failed = 1;
			continue;
		}
		t->when = jobs[i].when;
		t->cut = jobs[i].cut;
		if (t->heap &&
		    heap_parse_body(t->hb.buf, t->hb.len, &t->hp, &e) != GT_OK) {
			tool_warn("%s: %s", t->shown, e.msg);
			store_abort(t->w);
			t->w = NULL;
			failed = 1;
			continue;
		}
		if (!t->heap)
			group_set_finish(t->set, parse_get_stats(t->p));
		if (keep(t, &e) != GT_OK) {
			tool_warn("%s", e.msg);
			failed = 1;
			continue;
		}
		t->fetched = 1;
		if (t->cut)
			tool_warn("%s: the connection broke mid-dump; kept what "
				  "arrived as %s (truncated)",
				  t->shown, t->final);
	}
	store_sync(sc.dir);

	for (i = 0; i < n; i++) {
		store_rotate(sc.dir, ts[i].name, sc.keep, &ts[i].kept,
			     &ts[i].nkept, warn_unlink);
		if (ts[i].heap)
			continue;
		build_trend(&sc, &ts[i], r);
		if (ts[i].tr->ngrowing)
			growing = 1;
	}
	/* after the goroutine trends: a heap series names the growing
	 * groups of its target's goroutine series it shares a function with */
	for (i = 0; i < n; i++) {
		const trend *g = NULL;
		size_t k;

		if (!ts[i].heap)
			continue;
		for (k = 0; k < n; k++) {
			char *hn = ts[k].heap ? NULL
					      : store_series(ts[k].name, "heap");
			int same = hn && strcmp(hn, ts[i].name) == 0;

			free(hn);
			if (same)
				g = ts[k].tr;
		}
		ts[i].ht = snap_heap_trend(sc.dir, ts[i].name, ts[i].kept,
					   ts[i].nkept, ts[i].final, ts[i].hp,
					   ts[i].when, &ts[i].hold, g, r);
		if (ts[i].ht && ts[i].ht->ngrowing)
			growing = 1;
	}
	rc = failed ? EXIT_TROUBLE : growing ? EXIT_LEAK : EXIT_CLEAN;
	/* -q quiets the terminal only: an -o file (a textfile collector's)
	 * is refreshed on every run */
	if (sc.c.out_path && strcmp(sc.c.out_path, "-") != 0) {
		report_job j = {&sc, ts, n};

		if (tool_write_atomic(sc.c.out_path, write_reports, &j, &e) !=
		    GT_OK) {
			tool_warn("%s", e.msg);
			rc = EXIT_TROUBLE;
		}
	} else if (!sc.quiet || rc != EXIT_CLEAN) {
		report_job j = {&sc, ts, n};

		if (write_reports(stdout, &j, &e) != GT_OK ||
		    fflush(stdout) != 0) {
			tool_warn("%s", e.msg[0] ? e.msg : strerror(errno));
			rc = EXIT_TROUBLE;
		}
	}
out:
	for (i = 0; ts && i < n; i++) {
		target *t = &ts[i];
		size_t k;

		store_abort(t->w);
		heap_trend_free(t->ht);
		heap_free(t->hp);
		for (k = 0; t->hold && k < t->nkept; k++)
			heap_free(t->hold[k]);
		free(t->hold);
		free(t->hb.buf);
		trend_free(t->tr);
		group_set_free(t->old);
		group_set_free(t->set);
		parse_free(t->p);
		for (k = 0; k < t->nkept; k++)
			free(t->kept[k]);
		free(t->kept);
		free(t->final);
		free(t->name);
		free(t->shown);
		free(t->url_owned);
	}
	free(ts);
	free(jobs);
	rules_free(r);
	tool_config_free(&sc.c);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
