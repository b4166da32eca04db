/* Temporary: subcommands not written yet. */
#include "tool.h"
static int todo(const char *n) { tool_warn("%s: not built in yet", n); return EXIT_TROUBLE; }
int tool_diff_main(int argc, char **argv) { (void)argc; return todo(argv[0]); }
int tool_trend_main(int argc, char **argv) { (void)argc; return todo(argv[0]); }
int tool_snap_main(int argc, char **argv) { (void)argc; return todo(argv[0]); }
int tool_watch_main(int argc, char **argv) { (void)argc; return todo(argv[0]); }
