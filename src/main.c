/*
 * main.c - picks the tool named by the first argument (triage when none
 * is named) and returns its exit status: 0 nothing flagged, 1 probable
 * leak flagged, 2 trouble.
 */
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
	};
	size_t i;

	if (argc > 1)
		for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
			if (strcmp(argv[1], cmds[i].name) == 0)
				return cmds[i].run(argc - 1, argv + 1);
	return tool_triage_main(argc, argv);
}
