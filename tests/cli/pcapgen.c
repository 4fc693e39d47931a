// SPDX-License-Identifier: MIT
/*
 * Captures for the CLI tests.
 *   pcapgen linktype OUT   a valid pcap whose link type is not Ethernet
 *   pcapgen hostile OUT    Ethernet frames GRO must pass through unchanged:
 *                          truncated headers, impossible lengths, bad
 *                          checksums, unknown EtherTypes, options, fragments
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "pktbuild.h"

static int linktype(const char *out)
{
	pcap_t *p = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *d = p ? pcap_dump_open(p, out) : NULL;
	struct pcap_pkthdr h = { .caplen = 20, .len = 20 };
	uint8_t ip[20] = { 0x45 };

	if (!d)
		return 1;
	pcap_dump((u_char *)d, &h, ip);
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

static int hostile(const char *out)
{
	struct pb_list l = { 0 };
	struct pb_frame f;
	uint8_t buf[2048];
	size_t n;
	int i, v6;

	for (v6 = 0; v6 < 2; v6++) {
		pb_init(&f, v6);
		f.payload_len = 100;
		n = pb_build(&f, buf, sizeof(buf));
		/* Every truncation of a valid frame. */
		for (i = 0; i < (int)n - 100; i += 3)
			pb_list_add(&l, buf, (size_t)i);
		pb_init(&f, v6);
		f.payload_len = 64;
		f.bad_tcp_csum = 1;
		pb_list_add_frame(&l, &f);
		pb_init(&f, v6);
		f.payload_len = 64;
		f.tot_len_delta = 700;
		pb_list_add_frame(&l, &f);
		f.tot_len_delta = -30;
		pb_list_add_frame(&l, &f);
		pb_init(&f, v6);
		f.payload_len = 10;
		f.pad = 20;
		pb_list_add_frame(&l, &f);
		pb_init(&f, v6);
		f.tcp_opts_len = 0;
		buf[0] = 0;
		f.payload_len = 0;
		pb_list_add_frame(&l, &f);	/* pure ACK */
		pb_init(&f, v6);
		f.ethertype = 0x88b5;
		f.payload = (const uint8_t *)"hello";
		f.payload_len = 5;
		pb_list_add_frame(&l, &f);
	}
	pb_init(&f, 0);
	f.payload_len = 100;
	f.bad_ip_csum = 1;
	pb_list_add_frame(&l, &f);
	pb_init(&f, 0);
	f.payload_len = 100;
	f.ip_opts_len = 4;
	f.ip_opts[0] = 1;
	pb_list_add_frame(&l, &f);
	pb_init(&f, 0);
	f.payload_len = 96;
	f.frag = 0x2000;
	pb_list_add_frame(&l, &f);
	pb_init(&f, 1);
	f.payload_len = 50;
	pb_ext_add(&f, PB_EXT_FRAG, NULL, 0);
	pb_list_add_frame(&l, &f);
	/* A TCP header claiming more bytes than the frame has. */
	pb_init(&f, 0);
	f.payload_len = 8;
	n = pb_build(&f, buf, sizeof(buf));
	buf[14 + 20 + 12] = 0xf0;
	pb_list_add(&l, buf, n);
	i = pb_pcap_write(out, &l);
	pb_list_free(&l);
	return i ? 1 : 0;
}

/* Two consecutive segments of one 802.1Q-tagged flow: a kernel with VLAN
 * GRO merges them, one without passes both through. */
static int vlanprobe(const char *out)
{
	struct pb_list l = { 0 };
	struct pb_frame f;
	int i;

	pb_init(&f, 0);
	f.nvlan = 1;
	f.vlan_tpid[0] = 0x8100;
	f.vlan_tci[0] = 7;
	f.payload_len = 500;
	for (i = 0; i < 2; i++) {
		pb_list_add_frame(&l, &f);
		f.seq += f.payload_len;
		f.ip_id++;
	}
	i = pb_pcap_write(out, &l);
	pb_list_free(&l);
	return i ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "vlanprobe"))
		return vlanprobe(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "linktype"))
		return linktype(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "hostile"))
		return hostile(argv[2]);
	fprintf(stderr, "usage: pcapgen linktype|hostile OUT\n");
	return 2;
}
