// SPDX-License-Identifier: MIT
/*
 * fuzz_pcap: the input is a capture file, run through the code paths of
 * `gro coalesce` (cli_coalesce() in tools/gro/run.c, then the summary and
 * JSON reports) and `gro segment` (cli_segment()). Checked on every input:
 *  - each returns 0 or 1;
 *  - on 1, neither OUT nor the --meta file exists, and no temporary file
 *    is left beside them;
 *  - on 0, OUT is a capture libpcap reads back, with one record per
 *    packet written, and the statistics add up;
 *  - a pcapng written by coalesce, with its GSO metadata, is cut back by
 *    segment into as many frames as went in (unless segment reports
 *    metadata it could not use);
 *  - no file descriptor is left open (and, under LeakSanitizer, no memory
 *    is leaked).
 *
 * In a classic pcap header, the 4 bytes of the ignored "sigfigs" field
 * select the options: [12] burst (0: 64); [13] bits 0-1 max_flows (default,
 * 1, 7, 1000), bit 2 --rx-csum=trust, bit 3 --csum=partial, bit 4
 * --vlan=off, bit 5 --meta, bit 6 OUT named .pcapng, bit 7 --max-segs 3; [14] flush timeout
 * (0: 1000 us, else 10 us units), and segment's --mss (0: none, else
 * 40 + 4 n); [15] max_size (0: 65535, else 64 + 200 n). Always:
 * --vxlan-port 4789 --geneve-port 6081.
 */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char dir[64], in_path[96], pcap_path[96], ng_path[96], meta_path[96], seg_path[96], rt_path[96];
static FILE *devnull;

static void die(const char *what)
{
	fprintf(stderr, "fuzz_pcap: invariant violated: %s\n", what);
	abort();
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/gro-fuzz-pcap.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	snprintf(pcap_path, sizeof(pcap_path), "%s/out.pcap", dir);
	snprintf(ng_path, sizeof(ng_path), "%s/out.pcapng", dir);
	snprintf(meta_path, sizeof(meta_path), "%s/out.meta", dir);
	snprintf(seg_path, sizeof(seg_path), "%s/seg.pcap", dir);
	snprintf(rt_path, sizeof(rt_path), "%s/rt.pcap", dir);
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		exit(1);
}

static void cleanup(void)
{
	unlink(in_path);
	unlink(pcap_path);
	unlink(ng_path);
	unlink(meta_path);
	unlink(seg_path);
	unlink(rt_path);
	rmdir(dir);
}

/* A small quarantine: the tool allocates a 16 MB frame arena per run, and
 * cycling fresh pages through the default 256 MB one is slow. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Records in a capture libpcap can read, or -1. */
static long count_records(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *d;
	long n = 0;
	int got;

	if (!p)
		return -1;
	while ((got = pcap_next_ex(p, &h, &d)) == 1) {
		if (h->caplen > 262144)
			die("an output record is longer than the snapshot length");
		n++;
	}
	pcap_close(p);
	return got == PCAP_ERROR_BREAK ? n : -1;
}

static int run_coalesce(const char *out_path, const struct cli_opts *o, struct cli_result *res)
{
	int fds = count_entries("/proc/self/fd"), rc;

	rc = cli_coalesce(in_path, out_path, o, NULL, res);
	if (count_entries("/proc/self/fd") != fds)
		die("cli_coalesce left a file descriptor open");
	if (rc != 0 && rc != 1)
		die("cli_coalesce returned neither 0 nor 1");
	if (rc == 1) {
		if (!access(out_path, F_OK))
			die("a failed coalesce left its output file");
		if (!access(meta_path, F_OK))
			die("a failed coalesce left its --meta file");
		if (count_entries(dir) != 1)
			die("a failed coalesce left a temporary file");
		return 1;
	}
	if (count_records(out_path) != (long)res->st.pkts_out)
		die("coalesce output is unreadable, or its records differ from the packets delivered");
	if (res->st.pkts_out > res->st.frames_in || res->st.super_pkts > res->st.pkts_out ||
	    res->st.bytes_out > res->st.bytes_in)
		die("coalesce statistics do not add up");
	if ((o->meta_path != NULL) != !access(meta_path, F_OK))
		die("--meta file presence does not match the option");
	if (count_entries(dir) != 2 + (o->meta_path != NULL))
		die("a successful coalesce left a temporary file");
	cli_print_summary(devnull, in_path, res);
	cli_print_json(devnull, in_path, out_path, res);
	return 0;
}

static int run_segment(const char *from, const char *to, uint32_t mss, struct seg_result *sr)
{
	struct seg_opts so = { .mss = mss, .quiet = 1 };
	int fds = count_entries("/proc/self/fd"), before = count_entries(dir), rc;

	rc = cli_segment(from, to, &so, sr);
	if (count_entries("/proc/self/fd") != fds)
		die("cli_segment left a file descriptor open");
	if (rc != 0 && rc != 1)
		die("cli_segment returned neither 0 nor 1");
	if (count_entries(dir) != before + !rc)
		die("cli_segment left a temporary file, or no output");
	if (rc)
		return 1;
	if (count_records(to) != (long)sr->frames_out)
		die("segment output is unreadable, or its records differ from the frames written");
	if (sr->frames_out < sr->frames_in)
		die("segment wrote fewer frames than it read");
	cli_print_seg_summary(devnull, from, sr);
	cli_print_seg_json(devnull, from, to, sr);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli_opts o;
	struct cli_result res;
	struct seg_result sr;
	const char *out_path = pcap_path;
	uint32_t mss = 0;
	FILE *f;

	if (!devnull) {
		setup();
		atexit(cleanup);
	}
	f = fopen(in_path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
		perror(in_path);
		exit(1);
	}

	cli_opts_init(&o);
	o.quiet = 1;
	/* Always, as --vxlan-port 4789 --geneve-port 6081. */
	o.tunnels[0] = (struct gro_udp_tunnel){ GRO_VXLAN_PORT, GRO_TUNNEL_VXLAN };
	o.tunnels[1] = (struct gro_udp_tunnel){ GRO_GENEVE_PORT, GRO_TUNNEL_GENEVE };
	o.ntunnels = 2;
	if (size >= 16 && (!memcmp(data, "\xd4\xc3\xb2\xa1", 4) || !memcmp(data, "\xa1\xb2\xc3\xd4", 4) ||
			   !memcmp(data, "\x4d\x3c\xb2\xa1", 4) || !memcmp(data, "\xa1\xb2\x3c\x4d", 4))) {
		static const uint32_t flows[4] = { 0, 1, 7, 1000 };
		const uint8_t *sel = data + 12;

		o.burst = sel[0] ? sel[0] : 64;
		o.max_flows = flows[sel[1] & 3];
		o.rx_trust = !!(sel[1] & 4);
		o.csum_partial = !!(sel[1] & 8);
		o.no_vlan = !!(sel[1] & 16);
		o.meta_path = (sel[1] & 32) ? meta_path : NULL;
		out_path = (sel[1] & 64) ? ng_path : pcap_path;
		o.max_segs = (sel[1] & 128) ? 3 : 0;
		o.flush_timeout_us = sel[2] ? sel[2] * 10u : 1000;
		mss = sel[2] ? 40 + sel[2] * 4u : 0;
		o.max_size = sel[3] ? 64 + sel[3] * 200u : 65535;
	}

	if (!run_coalesce(out_path, &o, &res) && out_path == ng_path) {
		/* GRO's round trip through the files: segment cuts every
		 * super-packet back at its recorded gso_size. */
		if (run_segment(ng_path, rt_path, 0, &sr))
			die("segment refused a pcapng that coalesce wrote");
		if (sr.frames_in != res.st.pkts_out)
			die("segment read a different number of packets than coalesce wrote");
		if (!sr.bad_meta && !sr.truncated && !sr.too_big &&
		    (sr.frames_out != res.st.frames_in || sr.by_meta != res.st.super_pkts))
			die("segment(coalesce(capture)) does not give back as many frames as the capture has");
		unlink(rt_path);
	}
	unlink(out_path);
	unlink(meta_path);
	run_segment(in_path, seg_path, mss, &sr);
	unlink(seg_path);
	return 0;
}
