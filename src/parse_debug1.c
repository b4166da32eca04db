/*
 * parse_debug1.c - pprof debug=1 profiles: "goroutine profile: total N",
 * then one record per distinct stack ("N @ 0x.. 0x..", "#\t0x..\tfunc+0x..
 * \tfile:line" frames, "# labels: {...}").
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include "parse_priv.h"

#include <limits.h>
#include <stdlib.h>

/* "goroutine profile: total N", or "goroutineleak profile: total N" from
 * Go 1.26's leak profile. Returns the length of the text before N, or 0. */
size_t parse_profile_line(const char *s, size_t n)
{
	if (starts(s, n, "goroutine profile: total "))
		return 25;
	if (starts(s, n, "goroutineleak profile: total "))
		return 29;
	return 0;
}

/* debug=1 lists a record's program counters, then shows its frames with
 * the runtime's own left out. The pcs before the first frame shown (pc + 1
 * is the return address listed) are the same for every goroutine blocked
 * the same way, e.g. gopark+selectgo: hashed, they let the grouper
 * classify a record by another one whose visible frames tell. */
static uint64_t hidden_sig(const parse_ctx *p, const char *pc, size_t n)
{
	size_t i;
	uint64_t first = parse_hex(pc, n, &i) + 1, h = 0xcbf29ce484222325ull;

	for (i = 0; i < p->rec_npcs && p->rec_pcs[i] != first; i++)
		h = (h ^ p->rec_pcs[i]) * 0x100000001b3ull;
	return i > 0 && i < p->rec_npcs ? h : 0;
}

static size_t skip_space(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == '\t' || s[i] == ' '))
		i++;
	return i;
}

/* "0x4a1b3c\tmain.leak.func1+0x3c\t/src/app/main.go:12" (after "#\t"):
 * columns split by tabs, which pprof pads with more tabs and a paste
 * turns into spaces; a function name has no white space, a path may. */
static void frame_line(parse_ctx *p, const char *s, size_t n)
{
	size_t pc, f, fe, file;
	const char *plus;

	for (pc = 0; pc < n && s[pc] != '\t' && s[pc] != ' '; pc++)
		;
	f = skip_space(s, pc, n);
	if (f == n)
		return;
	if (p->nslots == 0)
		p->g.runtime_sig = hidden_sig(p, s, pc);
	for (fe = f; fe < n && s[fe] != '\t' && s[fe] != ' '; fe++)
		;
	plus = memrchr(s + f, '+', fe - f);
	parse_add_func(p, s + f, plus ? (size_t)(plus - (s + f)) : fe - f, NULL,
		       0);
	file = skip_space(s, fe, n);
	if (file < n)
		parse_set_file(p, &p->slots[p->nslots - 1], s + file, n - file);
	p->want_file = WF_NONE;
}

/* One line of a debug=1 profile. Returns 1 if it belongs to the dump. */
int parse_debug1_line(parse_ctx *p, const char *s, size_t n, gt_err *e,
		       int *rc)
{
	size_t used;
	uint64_t count, room;

	*rc = GT_OK;
	if (n == 0) /* a record ends at the next one: some logs double-space */
		return 1;
	if (s[0] == '#') {
		if (!p->in_g)
			return 1;
		if (starts(s, n, "# labels: ")) {
			p->labels = parse_keep(p, s + 10, n - 10);
			p->kept &= ~(unsigned)K_LABELS;
			p->g.labels_len = n - 10;
			return 1;
		}
		s++, n--;
		while (n > 0 && (s[0] == '\t' || s[0] == ' '))
			s++, n--;
		if (starts(s, n, "0x"))
			frame_line(p, s, n);
		return 1;
	}
	if (p->in_g && starts(s, n, "0x")) {
		frame_line(p, s, n); /* a frame line that lost its "#" */
		return 1;
	}
	count = parse_u64(s, n, &used);
	if (used > 0 && starts(s + used, n - used, " @")) {
		const char *q = s + used + 2, *end = s + n;

		if ((*rc = parse_emit(p, e)) != GT_OK)
			return 1;
		for (p->rec_npcs = 0; q < end && p->rec_npcs < 8;) {
			size_t got;
			uint64_t pc;

			while (q < end && *q == ' ')
				q++;
			pc = parse_hex(q, (size_t)(end - q), &got);
			if (got == 0)
				break;
			p->rec_pcs[p->rec_npcs++] = pc;
			q += got;
		}
		room = p->dump_count < PARSE_MAX_GOROUTINES
			       ? PARSE_MAX_GOROUTINES - p->dump_count
			       : 0;
		if (count > room) {
			/* more than a process can hold: capped so that no
			 * total downstream can wrap, and counted */
			p->st.capped_counts++;
			count = room ? room : 1;
		}
		p->in_g = 1;
		p->g.count = count;
		p->g.flags = PARSE_G_RECORD | (p->leak_profile ? PARSE_G_LEAKED : 0);
		p->g.lineno = p->st.lines;
		return 1;
	}
	return 0;
}

