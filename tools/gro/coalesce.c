// SPDX-License-Identifier: MIT
/* gro coalesce IN OUT */
#include <stdlib.h>
#include <string.h>

#include "capfile.h"
#include "cli.h"

void cli_usage_common(FILE *f)
{
	fprintf(f,
		"  --burst N            frames per poll, Linux's NAPI weight (default 64)\n"
		"  --flush-timeout US   a poll only spans frames within US microseconds of\n"
		"                       its first (default 1000)\n"
		"  --max-flows N        hold up to N flows in one table (default: Linux's 8\n"
		"                       buckets of 8; a capture has no receive hash, so 8)\n"
		"  --max-size N         largest merged packet after the Ethernet header (65535)\n"
		"  --max-segs N         most segments per merged packet (default: no limit)\n"
		"  --rx-csum=verify|trust  verify TCP checksums (default) or trust them\n"
		"  --csum=full|partial  complete the merged TCP checksum (default) or keep\n"
		"                       Linux's pseudo-header seed (CHECKSUM_PARTIAL)\n"
		"  --vlan=on|off        merge VLAN-tagged frames (default on; off is a kernel\n"
		"                       built without CONFIG_VLAN_8021Q)\n"
		"  --meta FILE          write each packet's offload metadata (gso_type,\n"
		"                       gso_size, csum_start, ...) to FILE, one line each\n"
		"  --format=pcap|pcapng output format (default: pcapng if OUT ends in\n"
		"                       .pcapng, else pcap); pcapng records each merged\n"
		"                       packet's GSO metadata, for 'gro segment'\n"
		"  --json               print statistics as JSON on stdout\n"
		"  -q, --quiet          no summary\n");
}

int cli_parse_format(int *fmt, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *val;

	if (strncmp(a, "--format", 8) || (a[8] && a[8] != '='))
		return 0;
	val = a[8] == '=' ? a + 9 : (*i + 1 < argc ? argv[++*i] : NULL);
	if (!val) {
		fprintf(stderr, "gro: --format needs a value\n");
		return -1;
	}
	if (!strcmp(val, "pcap"))
		*fmt = CAP_PCAP;
	else if (!strcmp(val, "pcapng"))
		*fmt = CAP_PCAPNG;
	else {
		fprintf(stderr, "gro: --format: unknown value '%s' (pcap or pcapng)\n", val);
		return -1;
	}
	return 1;
}

static int num(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (!s || !*s || *s == '-')
		return -1;
	x = strtoull(s, &end, 10);
	if (*end || x > max)
		return -1;
	*v = x;
	return 0;
}

int cli_parse_common(struct cli_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *val = NULL;
	uint64_t v;
	const char *eq = strchr(a, '=');
	char name[32];
	size_t nl = eq ? (size_t)(eq - a) : strlen(a);

	if (nl >= sizeof(name))
		return 0;
	if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9))
		return cli_parse_format(&o->format, argc, argv, i);
	memcpy(name, a, nl);
	name[nl] = 0;
	if (!strcmp(name, "--json") || !strcmp(name, "-q") || !strcmp(name, "--quiet")) {
		if (name[2] == 'j')
			o->json = 1;
		else
			o->quiet = 1;
		return 1;
	}
	if (strcmp(name, "--burst") && strcmp(name, "--flush-timeout") && strcmp(name, "--max-flows") &&
	    strcmp(name, "--max-size") && strcmp(name, "--max-segs") && strcmp(name, "--rx-csum") &&
	    strcmp(name, "--csum") && strcmp(name, "--meta") && strcmp(name, "--vlan"))
		return 0;
	val = eq ? eq + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
	if (!val) {
		fprintf(stderr, "gro: %s needs a value\n", name);
		return -1;
	}
	if (!strcmp(name, "--vlan") && (!strcmp(val, "on") || !strcmp(val, "off"))) {
		o->no_vlan = !strcmp(val, "off");
		return 1;
	}
	if (!strcmp(name, "--meta")) {
		o->meta_path = val;
		return 1;
	}
	if (!strcmp(name, "--rx-csum") || !strcmp(name, "--csum")) {
		int full = !strcmp(val, "full"), part = !strcmp(val, "partial");
		int ver = !strcmp(val, "verify"), tru = !strcmp(val, "trust");

		if (name[2] == 'r' && (ver || tru)) {
			o->rx_trust = tru;
			return 1;
		}
		if (name[2] == 'c' && (full || part)) {
			o->csum_partial = part;
			return 1;
		}
		fprintf(stderr, "gro: %s: unknown value '%s'\n", name, val);
		return -1;
	}
	if (!strcmp(name, "--burst") && !num(val, 65536, &v) && v) {
		o->burst = (unsigned)v;
	} else if (!strcmp(name, "--flush-timeout") && !num(val, UINT64_MAX / 1000, &v)) {
		o->flush_timeout_us = v;
	} else if (!strcmp(name, "--max-flows") && !num(val, GRO_MAX_FLOWS, &v) && v) {
		o->max_flows = (uint32_t)v;
	} else if (!strcmp(name, "--max-size") && !num(val, GRO_MAX_SIZE, &v) && v >= 64) {
		o->max_size = (uint32_t)v;
	} else if (!strcmp(name, "--max-segs") && !num(val, 65535, &v)) {
		o->max_segs = (uint32_t)v;
	} else {
		fprintf(stderr, "gro: %s: invalid value '%s'\n", name, val);
		return -1;
	}
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: gro coalesce [options] IN OUT\n"
		   "Read the pcap or pcapng capture IN, merge TCP segments exactly as Linux's\n"
		   "GRO would on receive, and write the delivered frames to OUT in delivery\n"
		   "order: pcap, or pcapng (OUT ending in .pcapng, or --format=pcapng) with\n"
		   "each merged packet's GSO metadata, which 'gro segment' reads to restore\n"
		   "the original frames. A summary goes to stderr.\n\noptions:\n");
	cli_usage_common(f);
}

int cmd_coalesce(int argc, char **argv)
{
	struct cli_opts o;
	struct cli_result r;
	const char *pos[2];
	int npos = 0, i;

	cli_opts_init(&o);
	for (i = 1; i < argc; i++) {
		int c;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		c = cli_parse_common(&o, argc, argv, &i);
		if (c < 0)
			return 2;
		if (c)
			continue;
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "gro: unknown option '%s'\n", argv[i]);
			return 2;
		}
		if (npos == 2) {
			fprintf(stderr, "gro: too many arguments\n");
			return 2;
		}
		pos[npos++] = argv[i];
	}
	if (npos != 2) {
		usage(stderr);
		return 2;
	}
	if (cli_coalesce(pos[0], pos[1], &o, NULL, &r))
		return 1;
	if (o.json)
		cli_print_json(stdout, pos[0], pos[1], &r);
	else if (!o.quiet)
		cli_print_summary(stderr, pos[0], &r);
	return 0;
}
