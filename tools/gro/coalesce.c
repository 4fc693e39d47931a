// SPDX-License-Identifier: MIT
/* gro coalesce IN OUT, and the option handling the subcommands share. */
#include <getopt.h>
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
		"  --max-size N         largest merged packet after the Ethernet header: Linux's\n"
		"                       gro_max_size minus one (65535); above, BIG TCP (IPv4)\n"
		"  --max-segs N         most segments per merged packet (default: no limit)\n"
		"  --udp=off|l4|fraglist  merge UDP datagrams: off (default, Linux without a\n"
		"                       UDP_GRO socket), l4 (UDP_GRO, rx-udp-gro-forwarding)\n"
		"                       or fraglist (rx-gro-list)\n"
		"  --fraglist           merge TCP as a list (rx-gro-list, forwarded TCP)\n"
		"  --vxlan-port N       UDP port N carries VXLAN: merge the TCP inside (as\n"
		"                       Linux with a VXLAN device, e.g. 4789); repeatable\n"
		"  --geneve-port N      the same for GENEVE (e.g. 6081); at most 4 ports in all\n"
		"  --rx-csum=verify|trust  verify TCP/UDP checksums (default) or trust them\n"
		"  --csum=full|partial  complete the merged TCP/UDP checksum (default) or keep\n"
		"                       Linux's pseudo-header seed (CHECKSUM_PARTIAL)\n"
		"  --vlan=on|off        merge VLAN-tagged frames (default on; off is a kernel\n"
		"                       built without CONFIG_VLAN_8021Q)\n"
		"  --napi-defer US      Linux's deferred poll model with gro_flush_timeout US:\n"
		"                       polls when the kernel would poll, each ending with\n"
		"                       only the flows of earlier jiffies completed\n"
		"  --defer-hard-irqs N  its napi_defer_hard_irqs (default 0, Linux's)\n"
		"  --hz N               the kernel's HZ, for jiffies (default 250)\n"
		"  --meta FILE          write each packet's offload metadata (gso_type,\n"
		"                       gso_size, csum_start, ...) to FILE, one line each\n"
		"  --format=pcap|pcapng output format (default: pcapng if OUT ends in\n"
		"                       .pcapng, else pcap); pcapng records each merged\n"
		"                       packet's GSO metadata, for 'gro segment'\n"
		"  --json               print statistics as JSON on stdout\n"
		"  -q, --quiet          no summary\n");
	cli_usage_tail(f);
}

void cli_usage_tail(FILE *f)
{
	fprintf(f,
		"  -h, --help           this help\n"
		"  -V, --version        the version of gro and libgro\n"
		"  --                   the end of the options (for file names starting\n"
		"                       with '-')\n"
		"\nIN may be '-' for standard input, OUT '-' for standard output. OUT is\n"
		"replaced only once complete (a device, a FIFO or '-' is written into; a\n"
		"symbolic link is followed); OUT that is IN is refused.\n");
}

void cli_print_version(void)
{
	printf("gro (libgro) %d.%d\n", GRO_VERSION_MAJOR, GRO_VERSION_MINOR);
}

int cli_bad_option(const char *cmd, int c, int optopt_, char **argv, int optind_)
{
	const char *a = optind_ > 0 ? argv[optind_ - 1] : "?";

	if (c == ':')
		fprintf(stderr, "gro: %s needs a value\n", a);
	else if (optopt_ > 0 && optopt_ < 128)
		fprintf(stderr, "gro: unknown option '-%c'\n", optopt_);
	else if (optopt_)
		fprintf(stderr, "gro: %s takes no value\n", a);	/* --json=x */
	else
		fprintf(stderr, "gro: unknown option '%s'\n", a);
	fprintf(stderr, "usage: gro %s [options] IN OUT ('gro %s --help' lists them)\n", cmd, cmd);
	return 2;
}

int cli_check_args(const char *cmd, int npos, int want)
{
	if (npos == want)
		return 0;
	if (npos > want)
		fprintf(stderr, "gro: %s: too many arguments\n", cmd);
	else
		fprintf(stderr, "gro: %s: %s\n", cmd, npos ? "OUT is missing" : "IN and OUT are missing");
	fprintf(stderr, "usage: gro %s [options] IN OUT ('gro %s --help' lists them)\n", cmd, cmd);
	return 2;
}

int cli_check_stdout(const char *out, int json, const char *meta)
{
	int n = !strcmp(out, "-") + !!json + (meta && !strcmp(meta, "-"));

	if (n < 2)
		return 0;
	fprintf(stderr, "gro: %s both write to standard output\n",
		!json ? "OUT '-' and --meta -" : !strcmp(out, "-") ? "OUT '-' and --json" :
		"--json and --meta -");
	return 2;
}

int cli_parse_format(int *fmt, const char *val)
{
	if (!strcmp(val, "pcap"))
		*fmt = CAP_PCAP;
	else if (!strcmp(val, "pcapng"))
		*fmt = CAP_PCAPNG;
	else {
		fprintf(stderr, "gro: --format: unknown value '%s' (pcap or pcapng)\n", val);
		return -1;
	}
	return 0;
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

enum {
	OPT_BURST = 256, OPT_FLUSH_TIMEOUT, OPT_MAX_FLOWS, OPT_MAX_SIZE, OPT_MAX_SEGS, OPT_RX_CSUM,
	OPT_CSUM, OPT_VLAN, OPT_META, OPT_FORMAT, OPT_JSON, OPT_UDP, OPT_FRAGLIST, OPT_VXLAN_PORT,
	OPT_GENEVE_PORT, OPT_NAPI_DEFER, OPT_DEFER_IRQS, OPT_HZ,
};

static const struct option coalesce_opts[] = {
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "flush-timeout", required_argument, NULL, OPT_FLUSH_TIMEOUT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "max-segs", required_argument, NULL, OPT_MAX_SEGS },
	{ "udp", required_argument, NULL, OPT_UDP },
	{ "fraglist", no_argument, NULL, OPT_FRAGLIST },
	{ "vxlan-port", required_argument, NULL, OPT_VXLAN_PORT },
	{ "geneve-port", required_argument, NULL, OPT_GENEVE_PORT },
	{ "napi-defer", required_argument, NULL, OPT_NAPI_DEFER },
	{ "defer-hard-irqs", required_argument, NULL, OPT_DEFER_IRQS },
	{ "hz", required_argument, NULL, OPT_HZ },
	{ "rx-csum", required_argument, NULL, OPT_RX_CSUM },
	{ "csum", required_argument, NULL, OPT_CSUM },
	{ "vlan", required_argument, NULL, OPT_VLAN },
	{ "meta", required_argument, NULL, OPT_META },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* One of coalesce_opts[] with its value: 0, or -1 after printing why not. */
static int set_opt(struct cli_opts *o, int id, const char *val)
{
	const char *name = NULL;
	uint64_t v;
	unsigned i;

	for (i = 0; coalesce_opts[i].name; i++)
		if (coalesce_opts[i].val == id)
			name = coalesce_opts[i].name;
	switch (id) {
	case OPT_VLAN:
		if (strcmp(val, "on") && strcmp(val, "off"))
			break;
		o->no_vlan = !strcmp(val, "off");
		return 0;
	case OPT_META:
		o->meta_path = val;
		return 0;
	case OPT_UDP:
		if (!strcmp(val, "off"))
			o->udp = GRO_UDP_OFF;
		else if (!strcmp(val, "l4"))
			o->udp = GRO_UDP_L4;
		else if (!strcmp(val, "fraglist"))
			o->udp = GRO_UDP_FRAGLIST;
		else
			break;
		return 0;
	case OPT_FRAGLIST:
		o->fraglist = 1;
		return 0;
	case OPT_FORMAT:
		return cli_parse_format(&o->format, val);
	case OPT_RX_CSUM:
	case OPT_CSUM:
		if (id == OPT_RX_CSUM && (!strcmp(val, "verify") || !strcmp(val, "trust"))) {
			o->rx_trust = !strcmp(val, "trust");
			return 0;
		}
		if (id == OPT_CSUM && (!strcmp(val, "full") || !strcmp(val, "partial"))) {
			o->csum_partial = !strcmp(val, "partial");
			return 0;
		}
		fprintf(stderr, "gro: --%s: unknown value '%s'\n", name, val);
		return -1;
	case OPT_BURST:
		if (num(val, 65536, &v) || !v)
			break;
		o->burst = (unsigned)v;
		return 0;
	case OPT_FLUSH_TIMEOUT:
		if (num(val, UINT64_MAX / 1000, &v))
			break;
		o->flush_timeout_us = v;
		return 0;
	case OPT_NAPI_DEFER:
		if (num(val, UINT64_MAX / 1000, &v))
			break;
		o->napi_defer = 1;
		o->napi_defer_us = v;
		return 0;
	case OPT_DEFER_IRQS:
		if (num(val, 1000000, &v))
			break;
		o->defer_irqs = (unsigned)v;
		return 0;
	case OPT_HZ:
		if (num(val, 100000, &v) || !v)
			break;
		o->hz = (unsigned)v;
		return 0;
	case OPT_MAX_FLOWS:
		if (num(val, GRO_MAX_FLOWS, &v) || !v)
			break;
		o->max_flows = (uint32_t)v;
		return 0;
	case OPT_MAX_SIZE:
		if (num(val, GRO_MAX_SIZE, &v) || v < 64)
			break;
		o->max_size = (uint32_t)v;
		return 0;
	case OPT_MAX_SEGS:
		if (num(val, 65535, &v))
			break;
		o->max_segs = (uint32_t)v;
		return 0;
	case OPT_VXLAN_PORT:
	case OPT_GENEVE_PORT:
		if (num(val, 65535, &v) || !v)
			break;
		for (i = 0; i < o->ntunnels; i++)
			if (o->tunnels[i].port == v) {
				fprintf(stderr, "gro: --%s: port %s is already a tunnel port\n", name, val);
				return -1;
			}
		if (o->ntunnels == GRO_UDP_TUNNELS) {
			fprintf(stderr, "gro: --%s: at most %d tunnel ports\n", name, GRO_UDP_TUNNELS);
			return -1;
		}
		o->tunnels[o->ntunnels].port = (uint16_t)v;
		o->tunnels[o->ntunnels++].type =
			id == OPT_VXLAN_PORT ? GRO_TUNNEL_VXLAN : GRO_TUNNEL_GENEVE;
		return 0;
	}
	fprintf(stderr, "gro: --%s: invalid value '%s'\n", name ? name : "?", val);
	return -1;
}

int cli_engine_opt(struct cli_opts *o, const char *name, const char *val)
{
	unsigned i;

	for (i = 0; coalesce_opts[i].name; i++)
		if (!strcmp(coalesce_opts[i].name, name))
			return set_opt(o, coalesce_opts[i].val, val);
	fprintf(stderr, "gro: --%s: not an engine option\n", name);
	return -1;
}

/*
 * What each reason of the summary's table means, in the words of
 * enum gro_reason (gro.h); the names come from gro_reason_name().
 */
static const char *const reason_help[GRO_R_COUNT] = {
	[GRO_R_UNHANDLED]	= "not Ethernet (+VLAN) + IPv4/IPv6 + TCP or UDP (--udp):\n"
				  "                   nothing to merge",
	[GRO_R_MALFORMED]	= "too short, or a length field that does not add up",
	[GRO_R_IP_OPTS]		= "IPv4 header with options (IHL != 5)",
	[GRO_R_IP_FRAG]		= "IPv4 fragment",
	[GRO_R_IP_CSUM]		= "bad IPv4 header checksum",
	[GRO_R_IP_LEN]		= "IP length differs from the frame (padding, snaplen cut)",
	[GRO_R_L4_CSUM]		= "bad TCP/UDP checksum (offloading NIC? try --rx-csum=trust),\n"
				  "                   or a UDP datagram without one",
	[GRO_R_FLAGS]		= "SYN, RST, URG, PSH or FIN, and nothing held to join",
	[GRO_R_NO_PAYLOAD]	= "no payload (a pure ACK, an empty datagram)",
	[GRO_R_MISMATCH_NEW]	= "could not join its held flow, and may not start one",
	[GRO_R_PUSH]		= "the segment just merged carries PSH, FIN, URG, RST or SYN",
	[GRO_R_SHORT]		= "the segment just merged is shorter than gso_size",
	[GRO_R_MISMATCH]	= "the next one differs (seq, ACK, flags, options, IP fields,\n"
				  "                   a longer datagram)",
	[GRO_R_SIZE]		= "the next one would exceed --max-size or --max-segs, or\n"
				  "                   64 segments (UDP, fraglist)",
	[GRO_R_EVICT]		= "the flow table was full: the oldest flow made room",
	[GRO_R_POLL_END]	= "its poll ended (--burst frames or --flush-timeout)",
	[GRO_R_TIMEOUT]		= "held past an age limit",
	[GRO_R_DESTROY]		= "still held when the engine was torn down",
};

static void usage(FILE *f)
{
	int i;

	fprintf(f, "usage: gro coalesce [options] IN OUT\n"
		   "Read the pcap or pcapng capture IN, merge TCP segments (and UDP datagrams,\n"
		   "with --udp) exactly as Linux's GRO would on receive, and write the delivered frames to OUT in delivery\n"
		   "order: pcap, or pcapng (OUT ending in .pcapng, or --format=pcapng) with\n"
		   "each merged packet's GSO metadata, which 'gro segment' reads to restore\n"
		   "the original frames. Link types: Ethernet, RAW, IPV4, IPV6, LINUX_SLL,\n"
		   "LINUX_SLL2 (tcpdump -i any), NULL, LOOP; each record keeps its\n"
		   "pseudo-header. A summary goes to stderr.\n\noptions:\n");
	cli_usage_common(f);
	fprintf(f, "\nThe summary counts the packets out by reason. Passed as they came:\n");
	for (i = 0; i < GRO_R_COUNT; i++) {
		if (i == GRO_R_PUSH)
			fprintf(f, "Held (merged or waiting for more), then completed because:\n");
		if (reason_help[i])
			fprintf(f, "  %-16s %s\n", gro_reason_name(i), reason_help[i]);
	}
}

int cmd_coalesce(int argc, char **argv)
{
	struct cli_opts o;
	struct cli_result r;
	int c;

	cli_opts_init(&o);
	optind = 0;	/* GNU getopt: start afresh */
	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":hqV", coalesce_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			cli_print_version();
			return 0;
		case 'q':
			o.quiet = 1;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case ':':
		case '?':
			return cli_bad_option("coalesce", c, optopt, argv, optind);
		default:
			if (set_opt(&o, c, optarg))
				return 2;
		}
	}
	if (cli_check_args("coalesce", argc - optind, 2))
		return 2;
	argv += optind;
	if (cli_check_stdout(argv[1], o.json, o.meta_path))
		return 2;
	if (cli_coalesce(argv[0], argv[1], &o, NULL, &r))
		return 1;
	if (o.json)
		cli_print_json(stdout, argv[0], argv[1], &r);
	else if (!o.quiet)
		cli_print_summary(stderr, argv[0], &r);
	return 0;
}
