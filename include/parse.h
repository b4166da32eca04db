/*
 * parse.h - push-style parser for text goroutine dumps.
 *
 * Feed it bytes in chunks of any size (a file read, a pipe, a libcurl write
 * callback); it finds dumps inside arbitrary log text, strips log-pipeline
 * prefixes, and calls the sink once per goroutine (or per debug=1 record)
 * and once at the start and end of every dump.
 *
 * Everything handed to the sink is a view into parser-owned memory that is
 * valid only for the duration of the callback: copy what you keep.
 * Memory use is bounded by the longest line and the deepest stack, never by
 * the input size.
 */
#ifndef GT_PARSE_H
#define GT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Longest line kept; longer lines are skipped as noise (counted). */
#define PARSE_MAX_LINE (1u << 20)

/* Most goroutines a dump can hold: each owns a stack of at least 2 KiB and
 * no 64-bit address space exceeds 2^57 bytes. debug=1 record counts that
 * would take a dump past it are capped (parse_stats.capped_counts), so
 * totals summed over a dump cannot wrap. */
#define PARSE_MAX_GOROUTINES ((uint64_t)1 << 46)

typedef enum parse_kind {
	PARSE_KIND_TRACEBACK, /* bare goroutine blocks: pprof debug=2, runtime.Stack */
	PARSE_KIND_DEBUG1,    /* pprof debug=1, already aggregated */
	PARSE_KIND_PANIC,     /* "panic: ..." */
	PARSE_KIND_FATAL,     /* "fatal error: ..." (not a deadlock) */
	PARSE_KIND_DEADLOCK,  /* "fatal error: all goroutines are asleep - deadlock!" */
	PARSE_KIND_SIGNAL,    /* "SIGQUIT: quit", "SIGABRT: abort", ... */
	PARSE_KIND_TEST_TIMEOUT, /* "panic: test timed out after ..." */
	PARSE_KIND_PROTO,     /* a profile.proto goroutine profile (pprof.h):
				 records shown as debug=1 shows them */
	PARSE_KIND_GOLEAK,    /* go.uber.org/goleak: "found unexpected
				 goroutines:", then its entries */
	PARSE_KIND__COUNT
} parse_kind;

const char *parse_kind_name(parse_kind k); /* "debug=2", "panic", ... */

typedef enum parse_prefix {
	PARSE_PREFIX_NONE,
	PARSE_PREFIX_CRI,     /* kubectl logs / containerd: "<RFC3339> stderr F " */
	PARSE_PREFIX_DOCKER_TS, /* docker logs -t: "<RFC3339> " */
	PARSE_PREFIX_JOURNALD, /* "Nov 20 10:00:00 host app[123]: " */
	PARSE_PREFIX_DOCKER_JSON, /* {"log":"...","stream":...} */
	PARSE_PREFIX_LITERAL, /* any other prefix repeated byte for byte */
	PARSE_PREFIX_GITHUB,  /* GitHub Actions log: "<RFC3339, 7 digits> " on
				 every line, blank ones too */
	PARSE_PREFIX__COUNT
} parse_prefix;

const char *parse_prefix_name(parse_prefix p);

typedef struct parse_frame {
	const char *func; /* "main.(*Pool).worker", arguments stripped */
	size_t func_len;
	const char *args; /* argument words between the parentheses, as
			     printed: "0xc000123456, 0x1, {0x0, 0x0}, ...";
			     "" when none (debug=1 has none) */
	size_t args_len;
	const char *file; /* "/src/app/pool.go"; NULL/0 if the line was missing */
	size_t file_len;
	unsigned line;    /* 0 if unknown */
} parse_frame;

/* Flags of a goroutine, from its header. */
enum {
	PARSE_G_LOCKED = 1u << 0,    /* ", locked to thread" */
	PARSE_G_LEAKED = 1u << 1,    /* "(leaked)" or state "leaked" */
	PARSE_G_DURABLE = 1u << 2,   /* "(durable)" / "(synctest)" */
	PARSE_G_SYNCTEST = 1u << 3,  /* ", synctest bubble N" / "synctest group" */
	PARSE_G_TRUNCATED = 1u << 4, /* input ended inside this goroutine */
	PARSE_G_NOSTACK = 1u << 5,   /* "stack unavailable" */
	PARSE_G_ELIDED = 1u << 6,    /* "...N frames elided..." seen */
	PARSE_G_RECORD = 1u << 7,    /* a debug=1 record: count > 1 possible, no id */
	PARSE_G_CRASHED = 1u << 8,   /* the goroutine the crash names: the one
					that panicked or threw, or the one a
					signal other than SIGQUIT arrived on */
	PARSE_G_GOLEAK = 1u << 9,    /* listed by goleak: outlived its test */
};

typedef struct parse_goroutine {
	uint64_t id;          /* goroutine id; 0 for debug=1 records */
	uint64_t count;       /* 1, or the record count for debug=1 */
	const char *state;    /* wait reason / status, without "(leaked)",
				 minutes and the rest: "chan receive" */
	size_t state_len;     /* 0 for debug=1 (no state printed) */
	int minutes;          /* -1 when not printed (< 1 minute) */
	unsigned flags;       /* PARSE_G_* */
	const parse_frame *frames; /* innermost first */
	size_t nframes;
	const parse_frame *created_by; /* NULL when absent */
	uint64_t created_in;  /* parent goroutine id, 0 when not printed */
	const char *labels;   /* "{...}" after the bracket or debug=1
				 "# labels:" text; NULL when absent */
	size_t labels_len;
	uint64_t lineno;      /* input line of the header */
	uint64_t runtime_sig; /* debug=1: a hash of the program counters that
				 pprof hides above the first frame shown (the
				 runtime's own frames), 0 if none; records
				 blocked the same way share it */
	uint64_t stack_tag;   /* 0, or a tag no other stack has in this
				 process: goroutines with the same tag have
				 the same frames and created_by, byte for
				 byte (not the same state or labels) */
} parse_goroutine;

/* A line of text: a view. */
typedef struct parse_text {
	const char *s;
	size_t len;
} parse_text;

/* Lines kept of a crash message and of a "running tests:" list. */
#define PARSE_CRASH_LINES 64

typedef struct parse_dump {
	parse_kind kind;
	const char *title;    /* panic / fatal / signal line, or NULL */
	size_t title_len;
	/* What a crash printed before its goroutines (panic, fatal error,
	 * deadlock, signal, test timeout; all empty for other dumps): */
	const parse_text *message; /* the title and its continuation lines:
				      "panic: a [recovered]", "\tpanic: b",
				      the lines of a multi-line message */
	size_t nmessage;
	parse_text signal;    /* "SIGSEGV: segmentation violation code=..."
				 of a "[signal ...]" line, or the title of a
				 signal dump; s is NULL when absent */
	const parse_text *tests; /* test timeout: the "running tests:"
				    entries, "TestX (5s)"; goleak: the test
				    whose check listed the goroutines, when
				    the log names it */
	size_t ntests;
	uint64_t crash_id;    /* id of the goroutine marked PARSE_G_CRASHED
				 (set once it is read), 0 when none */
	parse_prefix prefix;
	uint64_t lineno;      /* input line where the dump starts */
	uint64_t declared_total; /* debug=1 "total N", else 0 */
	int truncated;        /* on dump_end: the input ended inside the dump */
	uint64_t ancestors;   /* "[originating from goroutine N]" blocks skipped */
	double time;          /* seconds since the epoch from the log prefix of
				 the dump's first line (CRI, docker), else 0 */
} parse_dump;

typedef struct parse_sink {
	void *ud;
	int (*dump_begin)(void *ud, const parse_dump *d, gt_err *e);
	int (*goroutine)(void *ud, const parse_goroutine *g, gt_err *e);
	int (*dump_end)(void *ud, const parse_dump *d, gt_err *e);
} parse_sink;

typedef struct parse_stats {
	uint64_t bytes;
	uint64_t lines;
	uint64_t dumps;
	uint64_t goroutines;   /* goroutines + debug=1 record counts
				  (saturates at UINT64_MAX) */
	uint64_t race_reports; /* "WARNING: DATA RACE" blocks */
	uint64_t long_lines;   /* lines over PARSE_MAX_LINE, skipped */
	uint64_t capped_counts; /* debug=1 counts cut to PARSE_MAX_GOROUTINES */
	uint64_t nul_bytes;    /* NUL bytes seen (binary input) */
	uint64_t ctrl_bytes;   /* other non-text bytes */
	uint64_t foreign_lines; /* lines inside a dump that are no dump text
				   (an application's log line), skipped */
	uint64_t recognised;   /* goroutine bodies that repeated one read
				  before, not read again (parse_set_fast) */
} parse_stats;

typedef struct parse_ctx parse_ctx;

/* The sink is copied; sink callbacks returning GT_ERR stop the parse. */
parse_ctx *parse_new(const parse_sink *sink);
void parse_free(parse_ctx *p);

int parse_feed(parse_ctx *p, const char *buf, size_t len, gt_err *e);
/* End of input: flushes the last line and the open dump. */
int parse_finish(parse_ctx *p, gt_err *e);

const parse_stats *parse_get_stats(const parse_ctx *p);

/* Whether parsers skip reading a goroutine body that repeats one read
 * before (on by default; the result is the same either way). Set it
 * before any parser runs. */
void parse_set_fast(int on);

/* For records decoded elsewhere (a protobuf profile, see pprof.h): the sink
 * p feeds, and figures to add to p's stats. */
const parse_sink *parse_get_sink(const parse_ctx *p);
void parse_add_stats(parse_ctx *p, const parse_stats *add);

/* ---- reading one dump in chunks (parallel.h) ----------------------------
 *
 * A plain traceback dump can be cut where a goroutine header follows a
 * blank line; each piece is read by a parser of its own and the pieces are
 * joined in input order (merge.h). Whether a cut is good is only known
 * after the pieces are read: the reader before it must end between
 * goroutines of a plain dump (parse_between_goroutines), and the reader of
 * the piece must have stayed inside that dump. A piece that fails either
 * test is read again in order by the parser of the whole input. */

/* Offset of the first header at or after from that follows a blank line
 * and lies wholly in buf; len when there is none. */
size_t parse_boundary(const char *buf, size_t len, size_t from);

/* Makes p (new, or used before: it keeps its memory) a parser for a piece
 * that starts at such a header, inside a traceback dump whose start
 * another parser read: its sink, sink, sees one dump_begin (of a dump with
 * nothing else known) and never its end. offset is where the piece starts
 * in the input (the first bytes are sniffed for binary). */
int parse_inside(parse_ctx *p, const parse_sink *sink, uint64_t offset,
		 gt_err *e);

/* 1 if p has read up to a blank line between two goroutines of a plain
 * traceback dump (no log prefix, no crash tail, no open run of foreign
 * lines, no dump started since parse_inside), so that what follows a
 * header can be read by parse_inside and joined. */
int parse_between_goroutines(const parse_ctx *p);

/* Hands the goroutine read so far to the sink, as the next header would:
 * only when parse_between_goroutines(p). */
int parse_flush(parse_ctx *p, gt_err *e);

/* Counts what the parser of a joined piece read (every figure but dumps)
 * as read by p. */
void parse_skip(parse_ctx *p, const parse_ctx *piece);

#endif
