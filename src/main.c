/*
 * main.c - picks the tool named by the first argument (triage when none
 * is named) and returns its exit status: 0 nothing flagged, 1 probable
 * leak flagged, 2 trouble.
 */
#include <stdio.h>
#include <string.h>

#include "tool.h"

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} cmds[] = {
		{"diff", tool_diff_main},
		{"trend", tool_trend_main},
		{"snap", tool_snap_main},
		{"watch", tool_watch_main},
		{"heap", tool_heap_main},
	};
	static char name[] = "gtriage";
	static char sub[32];
	size_t i;

	/* getopt names argv[0] in its messages: never a path of this machine */
	argv[0] = name;
	if (argc > 1)
		for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
			if (strcmp(argv[1], cmds[i].name) == 0) {
				snprintf(sub, sizeof sub, "gtriage %s", cmds[i].name);
				argv[1] = sub;
				return cmds[i].run(argc - 1, argv + 1);
			}
	return tool_triage_main(argc, argv);
}
