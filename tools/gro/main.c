// SPDX-License-Identifier: MIT
/* gro: the libgro command-line tool. One file per subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gro <command> [options]\n"
		"\n"
		"commands:\n"
		"  coalesce IN OUT   merge TCP segments of a capture as Linux's GRO does\n"
		"  segment IN OUT    cut merged packets back into their segments (GSO)\n"
		"  relay IN OUT      a live GRO datapath from interface IN to a TAP, TUN\n"
		"                    or interface OUT\n"
		"  demo [DIR]        make a sample capture, coalesce it, show what changed\n"
		"\n"
		"options:\n"
		"  -h, --help        this help\n"
		"  -V, --version     the version of gro and libgro\n"
		"\n"
		"'gro <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "coalesce"))
		return cmd_coalesce(argc - 1, argv + 1);
	if (!strcmp(argv[1], "segment"))
		return cmd_segment(argc - 1, argv + 1);
	if (!strcmp(argv[1], "relay"))
		return cmd_relay(argc - 1, argv + 1);
	if (!strcmp(argv[1], "demo"))
		return cmd_demo(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		cli_print_version();
		return 0;
	}
	fprintf(stderr, "gro: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
