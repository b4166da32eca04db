/*
 * fuzz_rules.c - libFuzzer target for the rule loader (rules_add_text):
 * any text either loads or is refused with a message and no rule kept; a
 * loaded set is then evaluated on a fixed subject so the compiled patterns
 * run too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const rules_frame frames[] = {
		{"sync.runtime_SemacquireMutex", 28,
		 "/usr/lib/go/src/runtime/sema.go", 31, 77},
		{"sync.(*Mutex).Lock", 18, NULL, 0, 0},
		{"example.com/shop/internal/cache.(*Store).Get", 44,
		 "cache/store.go", 14, 41},
	};
	static const rules_frame creator = {"net/http.(*Server).Serve", 24,
					    "net/http/server.go", 18, 3454};
	rules_subject sub = {
		.state = "sync.Mutex.Lock", .state_len = 15,
		.flags = PARSE_G_LOCKED, .frames = frames, .nframes = 3,
		.created_by = &creator, .id = 7, .count = 120,
		.max_minutes = 12,
	};
	const rules_diag *d[8];
	rules *r = rules_new();
	category cat;
	size_t n, i;
	gt_err e;

	if (rules_add_text(r, "fuzz.rules", (const char *)data, size, &e) !=
	    GT_OK) {
		/* refused: a message, and the set left unchanged */
		if (e.msg[0] == '\0' ||
		    memchr(e.msg, '\0', sizeof e.msg) == NULL ||
		    rules_count(r) != 0)
			abort();
		rules_free(r);
		return 0;
	}
	cat = rules_categorize(r, &sub);
	if ((unsigned)cat >= CAT__COUNT)
		abort();
	n = rules_diagnose(r, &sub, cat, d, 8);
	for (i = 0; i < n && i < 8; i++)
		if (d[i]->name == NULL || d[i]->cause == NULL ||
		    d[i]->fix == NULL)
			abort();
	rules_free(r);
	return 0;
}
