/*
 * parse_crash.c - the text a crash prints before its goroutines: the
 * panic, fatal error or signal title, the message's continuation lines,
 * the "[signal ...]" line and a test timeout's "running tests:" list;
 * goleak's "found unexpected goroutines:" and the lines go test prints
 * around them.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include "parse_priv.h"

#include <limits.h>
#include <stdlib.h>

/* ---- crash text ------------------------------------------------------ */

/* Longest crash line kept: a message is for people, not a data channel. */
#define CRASH_LINE_MAX 4096

static size_t ctext_put(parse_ctx *p, const char *s, size_t n)
{
	size_t at = p->ctext_len;

	if (n > CRASH_LINE_MAX)
		n = CRASH_LINE_MAX;
	parse_grow(&p->ctext, &p->ctext_cap, at + n + 1, 1);
	if (n)
		memcpy(p->ctext + at, s, n);
	p->ctext[at + n] = '\0';
	p->ctext_len = at + n + 1;
	return at;
}

/* A crash title starts the text anew. */
void parse_crash_start(parse_ctx *p, const char *s, size_t n)
{
	p->ctext_len = 0;
	p->nmsg = p->ntest = 0;
	p->has_sig = p->msg_done = p->in_tests = 0;
	p->msg_len[0] = n > CRASH_LINE_MAX ? CRASH_LINE_MAX : n;
	p->msg_off[p->nmsg++] = ctext_put(p, s, n);
}

/* A line between a crash title and the first goroutine. The message runs
 * to the first blank line: its continuation lines ("\tpanic: b" of a
 * [recovered] chain, the rest of a multi-line value, indented by Go 1.21+),
 * and for a test timeout the "running tests:" list. */
void parse_crash_line(parse_ctx *p, const char *s, size_t n)
{
	size_t t = 0;

	if (!p->has_sig && starts(s, n, "[signal ") && s[n - 1] == ']') {
		p->sig_len = n - 9 > CRASH_LINE_MAX ? CRASH_LINE_MAX : n - 9;
		p->sig_off = ctext_put(p, s + 8, n - 9);
		p->has_sig = 1;
		p->msg_done = 1;
		return;
	}
	if (p->msg_done)
		return;
	if (n == 0 || starts(s, n, "PC=") || starts(s, n, "runtime stack:") ||
	    starts(s, n, "signal arrived during") || starts(s, n, "goroutine ")) {
		p->msg_done = 1;
		return;
	}
	while (t < n && s[t] == '\t')
		t++;
	if (n - t == 14 && memcmp(s + t, "running tests:", 14) == 0) {
		p->in_tests = 1;
		return;
	}
	if (p->in_tests) {
		if (p->ntest < PARSE_CRASH_LINES) {
			p->test_len[p->ntest] =
				n - t > CRASH_LINE_MAX ? CRASH_LINE_MAX : n - t;
			p->test_off[p->ntest++] = ctext_put(p, s + t, n - t);
		}
		return;
	}
	if (p->nmsg < PARSE_CRASH_LINES) {
		p->msg_len[p->nmsg] = n > CRASH_LINE_MAX ? CRASH_LINE_MAX : n;
		p->msg_off[p->nmsg++] = ctext_put(p, s, n);
	}
}

/* The dump begins: the crash text becomes views (ctext no longer grows
 * until the dump is over). Dumps that are no crash have none. */
void parse_crash_views(parse_ctx *p, parse_kind kind)
{
	size_t i;
	int crash = kind != PARSE_KIND_TRACEBACK && kind != PARSE_KIND_DEBUG1 &&
		    p->dump.title_len > 0 && p->nmsg > 0;

	memset(&p->dump.signal, 0, sizeof p->dump.signal);
	p->dump.message = p->dump.tests = NULL;
	p->dump.nmessage = p->dump.ntests = 0;
	p->dump.crash_id = 0;
	p->crash_first = 0;
	if (!crash)
		return;
	for (i = 0; i < p->nmsg; i++) {
		p->msg_view[i].s = p->ctext + p->msg_off[i];
		p->msg_view[i].len = p->msg_len[i];
	}
	for (i = 0; i < p->ntest; i++) {
		p->test_view[i].s = p->ctext + p->test_off[i];
		p->test_view[i].len = p->test_len[i];
	}
	p->dump.message = p->msg_view;
	p->dump.nmessage = p->nmsg;
	p->dump.tests = p->ntest ? p->test_view : NULL;
	p->dump.ntests = p->ntest;
	if (p->has_sig) {
		p->dump.signal.s = p->ctext + p->sig_off;
		p->dump.signal.len = p->sig_len;
	} else if (kind == PARSE_KIND_SIGNAL) {
		p->dump.signal = p->msg_view[0];
	}
	/* the runtime prints the goroutine that panicked or threw first, and
	 * for a signal the one it arrived on; SIGQUIT is a request for a
	 * dump, a deadlock and a test timeout have no culprit goroutine */
	p->crash_first = kind == PARSE_KIND_PANIC || kind == PARSE_KIND_FATAL ||
			 (kind == PARSE_KIND_SIGNAL &&
			  !starts(p->msg_view[0].s, p->msg_view[0].len, "SIGQUIT:"));
}

/* "panic: ...", "fatal error: ...", "SIGQUIT: quit": the first line of a
 * crash. Returns 1 and sets *kind. */
int parse_title_line(const char *s, size_t n, parse_kind *kind)
{
	size_t i;

	if (starts(s, n, "panic: ")) {
		*kind = starts(s, n, "panic: test timed out after ")
				? PARSE_KIND_TEST_TIMEOUT
				: PARSE_KIND_PANIC;
		return 1;
	}
	if (starts(s, n, "fatal error: ")) {
		*kind = memmem(s, n, "all goroutines are asleep", 25)
				? PARSE_KIND_DEADLOCK
				: PARSE_KIND_FATAL;
		return 1;
	}
	/* goleak: "found unexpected goroutines:" after what names the check
	 * ("goleak: Errors on successful test run: ", "leak_test.go:42: ") */
	if (n >= 28 && s[n - 1] == ':' &&
	    memcmp(s + n - 28, "found unexpected goroutines:", 28) == 0) {
		*kind = PARSE_KIND_GOLEAK;
		return 1;
	}
	if (starts(s, n, "SIG")) {
		for (i = 3; i < n && s[i] >= 'A' && s[i] <= 'Z'; i++)
			;
		if (i > 4 && i + 1 < n && s[i] == ':' && s[i + 1] == ' ') {
			*kind = PARSE_KIND_SIGNAL;
			return 1;
		}
	}
	return 0;
}


void parse_crash_test(parse_ctx *p, const char *s, size_t n)
{
	if (p->ntest < PARSE_CRASH_LINES) {
		p->test_len[p->ntest] = n > CRASH_LINE_MAX ? CRASH_LINE_MAX : n;
		p->test_off[p->ntest++] = ctext_put(p, s, n);
	}
}

int parse_gotest_line(const char *s, size_t n, const char **name,
		      size_t *name_len)
{
	static const char *const named[] = {"=== RUN ", "=== CONT ",
					    "=== NAME ", "--- FAIL: "};
	static const char *const other[] = {"=== ",    "--- PASS: ", "--- SKIP: ",
					    "ok  \t",  "FAIL\t",     "?   \t",
					    "exit status "};
	size_t i, k;

	*name = NULL;
	*name_len = 0;
	if ((n == 4 && (memcmp(s, "PASS", 4) == 0 || memcmp(s, "FAIL", 4) == 0)))
		return 1;
	for (i = 0; i < sizeof named / sizeof named[0]; i++) {
		if (!starts(s, n, named[i]))
			continue;
		k = strlen(named[i]);
		while (k < n && s[k] == ' ')
			k++;
		*name = s + k;
		while (k < n && s[k] != ' ')
			k++;
		*name_len = (size_t)(s + k - *name);
		return 1;
	}
	for (i = 0; i < sizeof other / sizeof other[0]; i++)
		if (starts(s, n, other[i]))
			return 1;
	return 0;
}
