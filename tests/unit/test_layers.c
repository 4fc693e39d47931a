/* The layered engine's own machinery: fast-path kinds made from the layers,
 * the built-in kinds matching them, the one header walker, and the flow
 * key pieces the kinds and the layers share. */
#include <criterion/criterion.h>

#include "layer.h"
#include "pktbuild.h"

static void no_deliver(void *arg, const struct gro_pkt *p, unsigned n)
{
	(void)arg;
	(void)p;
	(void)n;
}

static struct gro_ctx *make_ctx(void)
{
	struct gro_config cfg;
	struct gro_ctx *ctx;

	gro_config_init(&cfg);
	cfg.deliver = no_deliver;
	cr_assert_eq(gro_create(&cfg, &ctx), GRO_OK);
	return ctx;
}

Test(layers, kinds_for_every_untagged_stack_and_all_built_in)
{
	struct gro_ctx *ctx = make_ctx();
	unsigned i;

	/* Ethernet + IPv4 + TCP and Ethernet + IPv6 + TCP, in table order,
	 * then the same without a MAC header (raw IP frames). */
	cr_assert_eq(ctx->nfast, 5, "four kinds made at creation, got %u", ctx->nfast - 1);
	cr_assert_eq(ctx->fast[1].stack[1], &gro_ipv4_layer);
	cr_assert_eq(ctx->fast[1].stack[2], &gro_tcp4_layer);
	cr_assert_eq(ctx->fast[2].stack[1], &gro_ipv6_layer);
	cr_assert_eq(ctx->fast[2].stack[2], &gro_tcp6_layer);
	cr_assert_eq(ctx->fast[3].stack[0], &gro_ipv4_layer);
	cr_assert_eq(ctx->fast[3].stack[1], &gro_tcp4_layer);
	cr_assert_eq(ctx->fast[3].link, GRO_LINK_IPV4);
	cr_assert_eq(ctx->fast[3].l4_off, 20);
	cr_assert_eq(ctx->fast[4].stack[0], &gro_ipv6_layer);
	cr_assert_eq(ctx->fast[4].link, GRO_LINK_IPV6);
	cr_assert_eq(ctx->fast[4].l4_off, 40);
	cr_assert_eq(ctx->fast[1].link, GRO_LINK_ETH);
	/* The library was built with them printed as constants: a kind the
	 * constants do not match byte for byte (a field the generator does
	 * not print, say) would silently take the slower generic loops. */
	cr_assert_eq(ctx->nbuiltin, ctx->nfast - 1, "built-in kinds matched: %u of %u",
		     ctx->nbuiltin, ctx->nfast - 1);
	for (i = 1; i < ctx->nfast; i++)
		cr_assert_eq(ctx->fast[i].builtin, i);
	gro_destroy(ctx);
}

/* With UDP GRO on, UDP's kinds follow TCP's, all built in; with lists
 * (fraglist) a transport has none. */
Test(layers, udp_kinds_follow_tcp_and_lists_have_none)
{
	struct gro_config cfg;
	struct gro_ctx *ctx;
	unsigned i;

	gro_config_init(&cfg);
	cfg.deliver = no_deliver;
	cfg.udp = GRO_UDP_L4;
	cr_assert_eq(gro_create(&cfg, &ctx), GRO_OK);
	cr_assert_eq(ctx->nfast, 9, "eight kinds, got %u", ctx->nfast - 1);
	cr_assert_eq(ctx->fast[5].stack[2], &gro_udp4_layer);
	cr_assert_eq(ctx->fast[6].stack[2], &gro_udp6_layer);
	cr_assert_eq(ctx->fast[7].stack[1], &gro_udp4_layer);
	cr_assert_eq(ctx->fast[8].stack[1], &gro_udp6_layer);
	cr_assert_eq(ctx->nbuiltin, 8, "built-in kinds matched: %u of 8", ctx->nbuiltin);
	for (i = 1; i < ctx->nfast; i++)
		cr_assert_eq(ctx->fast[i].builtin, i);
	gro_destroy(ctx);

	cfg.udp = GRO_UDP_FRAGLIST;
	cr_assert_eq(gro_create(&cfg, &ctx), GRO_OK);
	cr_assert_eq(ctx->nfast, 5, "UDP lists: TCP's kinds only");
	cr_assert_eq(ctx->nbuiltin, 4);
	gro_destroy(ctx);

	cfg.udp = GRO_UDP_L4;
	cfg.fraglist = 1;
	cr_assert_eq(gro_create(&cfg, &ctx), GRO_OK);
	cr_assert_eq(ctx->nfast, 5, "TCP lists: UDP's kinds only");
	cr_assert_eq(ctx->fast[1].stack[2], &gro_udp4_layer);
	gro_destroy(ctx);
}

/* The kind's key mask covers exactly the bytes of its key pieces, which are
 * the pieces the layers add in receive (so the fast path and the layered
 * path find the same flows). */
Test(layers, kind_key_is_the_layers_key)
{
	struct gro_ctx *ctx = make_ctx();
	unsigned i, j;

	for (i = 1; i < ctx->nfast; i++) {
		const struct gro_fast *k = &ctx->fast[i];
		struct gro_keyseg segs[GRO_KEY_MAX];
		unsigned n = 0, l;

		for (l = 0; l < k->nstack; l++) {
			uint32_t end = l + 1 < k->nstack ? k->soff[l + 1] : k->soff[l];

			n += k->stack[l]->key(segs + n, k->soff[l], end);
		}
		cr_assert_eq(n, k->nkey, "kind %u: %u pieces, layers give %u", i, k->nkey, n);
		for (j = 0; j < n; j++) {
			cr_assert_eq(segs[j].off, k->keyseg[j].off);
			cr_assert_eq(segs[j].len, k->keyseg[j].len);
			cr_assert_eq(segs[j].mask, k->keyseg[j].mask);
		}
	}
	gro_destroy(ctx);
}

Test(layers, walker_finds_tcp_behind_tags_options_and_exthdrs)
{
	struct pb_frame f;
	uint8_t buf[2048];
	struct gro_walk w;
	size_t len;

	pb_init(&f, 0);
	f.nvlan = 2;
	f.vlan_tpid[0] = 0x88a8;
	f.vlan_tpid[1] = 0x8100;
	f.ip_opts_len = 8;
	f.payload_len = 100;
	len = pb_build(&f, buf, sizeof(buf));
	cr_assert_gt(len, 0);
	cr_assert_eq(gro_walk(buf, (uint32_t)len, &w), 0);
	cr_assert_eq(w.ntags, 2);
	cr_assert_eq(w.l3, &gro_ipv4_layer);
	cr_assert_eq(w.l3_off, 14 + 8);
	cr_assert_eq(w.l4_off, 14 + 8 + 28);
	cr_assert_eq(w.hdr_len, 14 + 8 + 28 + 20);
	cr_assert_eq(w.l4, &gro_tcp4_layer);
	cr_assert_eq(w.l4proto, 6);
	cr_assert_eq(w.nfix, 2, "IPv4 and TCP rewrite their headers per segment");

	pb_init(&f, 1);
	f.ext[0] = 0;		/* next header: set by the builder */
	f.ext[1] = 0;		/* 8 bytes */
	f.ext_len = 8;
	f.ext_first_nh = PB_EXT_DEST;
	f.payload_len = 100;
	len = pb_build(&f, buf, sizeof(buf));
	cr_assert_gt(len, 0);
	cr_assert_eq(gro_walk(buf, (uint32_t)len, &w), 0);
	cr_assert_eq(w.l3, &gro_ipv6_layer);
	cr_assert_eq(w.l4_off, 14 + 40 + 8, "the extension header stepped over");
	cr_assert_eq(w.l4, &gro_tcp6_layer);

	/* A truncated TCP header: the walk stops, and says how far it got. */
	cr_assert_eq(gro_walk(buf, 14 + 40 + 8 + 10, &w), -1);
	cr_assert_eq(w.l3, &gro_ipv6_layer);
	cr_assert_null(w.l4);

	/* UDP: an 8-byte header. */
	pb_init(&f, 0);
	f.ip_proto = 17;
	f.payload_len = 20;
	len = pb_build(&f, buf, sizeof(buf));
	cr_assert_eq(gro_walk(buf, (uint32_t)len, &w), 0);
	cr_assert_eq(w.l4, &gro_udp4_layer);
	cr_assert_eq(w.hdr_len, 14 + 20 + 8);

	/* A protocol no layer carries (ICMP): no transport header. */
	pb_init(&f, 0);
	f.ip_proto = 1;
	f.payload_len = 20;
	len = pb_build(&f, buf, sizeof(buf));
	cr_assert_eq(gro_walk(buf, (uint32_t)len, &w), -1);
	cr_assert_eq(w.l3, &gro_ipv4_layer);
	cr_assert_eq(w.l4proto, 1);
}

/* A TCP segment over IPv4 from port @sport inside a tunnel: VXLAN
 * (@udp_tun, outer checksum 0), GRE (@gre, with a key if @key) or
 * IP-in-IP, behind @vlan VLAN tags; built into @buf. */
static struct gro_frame tunnelled(uint8_t *buf, size_t cap, int udp_tun, int gre, int key, int vlan,
				  uint16_t sport)
{
	struct pb_frame f;
	struct pb_tunnel *tn;
	struct gro_frame fr;

	pb_init(&f, 0);
	f.payload_len = 1000;
	f.sport = sport;
	tn = pb_tun_push(&f, 0, gre);
	tn->udp_tun = udp_tun;
	tn->udp_csum = 0;
	tn->gre_bits = key ? PB_GRE_K : 0;
	if (vlan) {
		f.nvlan = 1;
		f.vlan_tpid[0] = 0x8100;
		f.vlan_tci[0] = 5;
	}
	fr = (struct gro_frame){ .data = buf, .len = (uint32_t)pb_build(&f, buf, cap) };
	cr_assert_gt(fr.len, 0);
	return fr;
}

/* A context with the VXLAN port configured and UDP GRO @udp, holding one
 * tunnelled segment (as tunnelled() makes it). */
static struct gro_ctx *hold_tunnelled_udp(int udp_tun, int gre, int key, int vlan, int udp)
{
	static uint8_t buf[2048];
	struct gro_config cfg;
	struct gro_ctx *ctx;
	struct gro_frame fr;

	gro_config_init(&cfg);
	cfg.deliver = no_deliver;
	cfg.tunnels[0] = (struct gro_udp_tunnel){ 4789, GRO_TUNNEL_VXLAN };
	cfg.udp = udp;
	cr_assert_eq(gro_create(&cfg, &ctx), GRO_OK);
	fr = tunnelled(buf, sizeof(buf), udp_tun, gre, key, vlan, 1000);
	cr_assert_eq(gro_receive(ctx, &fr, 1, 0), GRO_OK);
	cr_assert_eq(gro_held(ctx), 1, "the tunnelled flow is held");
	return ctx;
}

static struct gro_ctx *hold_tunnelled(int udp_tun, int gre, int key, int vlan)
{
	return hold_tunnelled_udp(udp_tun, gre, key, vlan, GRO_UDP_OFF);
}

/* A held tunnelled flow makes a kind of its stack, outer headers, tunnel
 * header and inner headers: VXLAN with the outer UDP checksum 0 (a set one
 * is verified over the whole datagram, by the layers), GRE with a key,
 * IPIP. */
Test(layers, tunnel_flows_make_kinds)
{
	static const struct { int udp_tun, gre; const struct gro_layer *tun; unsigned at; } v[] = {
		{ PB_TUN_VXLAN, 0, &gro_vxlan_layer, 3 },
		{ 0, 1, &gro_gre_layer, 2 },
		{ 0, 0, &gro_ipip_layer, 2 },
	};
	unsigned t, i;

	for (t = 0; t < sizeof(v) / sizeof(v[0]); t++) {
		struct gro_ctx *ctx = hold_tunnelled(v[t].udp_tun, v[t].gre, v[t].gre, 0);
		bool found = false;

		for (i = ctx->nbuiltin + 1; i < ctx->nfast; i++)
			found |= ctx->fast[i].nstack > v[t].at && ctx->fast[i].stack[v[t].at] == v[t].tun;
		cr_assert(found, "variant %u: a kind with the tunnel layer", t);
		gro_flush(ctx, 0, GRO_FLUSH_ALL);
		gro_destroy(ctx);
	}
}

/* The usual tunnelled flows (TCP over IPv4 in IP-in-IP, in GRE without a
 * key, in VXLAN with the outer UDP checksum 0) take the built-in templates
 * of src/gen/mkkinds.c, the others kinds of their own: the kind made at
 * run time equals the one the build printed, so the constant code runs. */
Test(layers, usual_tunnel_flows_take_built_in_templates)
{
	static const struct { int udp_tun, gre, key, vlan; bool builtin; } v[] = {
		{ PB_TUN_VXLAN, 0, 0, 0, true },
		{ 0, 1, 0, 0, true },
		{ 0, 0, 0, 0, true },
		{ 0, 1, 1, 0, false },		/* GRE with a key: 8 bytes */
		{ 0, 0, 0, 1, false },		/* IP-in-IP behind a VLAN tag */
	};
	unsigned t;

	for (t = 0; t < sizeof(v) / sizeof(v[0]); t++) {
		struct gro_ctx *ctx = hold_tunnelled(v[t].udp_tun, v[t].gre, v[t].key, v[t].vlan);
		uint8_t kind = ctx->flows[ctx->last_flow].kind;

		cr_assert_gt(kind, ctx->nbuiltin, "variant %u: a kind made for the flow", t);
		if (v[t].builtin)
			cr_assert_gt(ctx->fast[kind].builtin, ctx->nbuiltin,
				     "variant %u: the kind is a built-in template", t);
		else
			cr_assert_eq(ctx->fast[kind].builtin, 0, "variant %u: no template", t);
		gro_flush(ctx, 0, GRO_FLUSH_ALL);
		gro_destroy(ctx);
	}
}

/* A tunnel's kind is tried first for a frame after one of it only if no
 * kind before it can match a frame it matches: then it is the kind the
 * search in kind order finds. So with UDP GRO on as well: UDP's kinds take
 * no datagram to a tunnel port, which VXLAN's kind takes only. Never for
 * the built-in kinds, which are tried first anyway. */
Test(layers, a_tunnel_kind_is_tried_first_only_if_no_kind_before_it_overlaps)
{
	static const struct { int udp_tun, gre, key, udp; bool first; } v[] = {
		{ PB_TUN_VXLAN, 0, 0, GRO_UDP_OFF, true },
		{ 0, 1, 0, GRO_UDP_OFF, true },
		{ 0, 1, 1, GRO_UDP_OFF, true },
		{ 0, 0, 0, GRO_UDP_OFF, true },
		{ PB_TUN_VXLAN, 0, 0, GRO_UDP_L4, true },
		{ 0, 1, 0, GRO_UDP_L4, true },
	};
	unsigned t, i;

	for (t = 0; t < sizeof(v) / sizeof(v[0]); t++) {
		struct gro_ctx *ctx = hold_tunnelled_udp(v[t].udp_tun, v[t].gre, v[t].key, 0, v[t].udp);
		uint8_t kind = ctx->flows[ctx->last_flow].kind;

		cr_assert_gt(kind, ctx->nbuiltin, "variant %u: a kind made for the flow", t);
		cr_assert_eq((ctx->fast_first >> kind) & 1, v[t].first, "variant %u", t);
		for (i = 1; i <= ctx->nbuiltin; i++)
			cr_assert_eq((ctx->fast_first >> i) & 1, 0, "variant %u: built-in kind %u", t, i);
		gro_flush(ctx, 0, GRO_FLUSH_ALL);
		gro_destroy(ctx);
	}
}

/* Hints made for several frames at once (the kind of the frame before
 * tried first) give each frame the kind and hash it has alone: frames of
 * the tunnels' kinds mixed with each other, with plain TCP, with a UDP
 * datagram, an ARP frame and a short one, with UDP GRO off and on. */
Test(layers, hints_in_a_batch_are_each_frames_own)
{
	enum { N = 16 };
	static uint8_t buf[N][2048];
	static const struct { int udp_tun, gre, key, vlan; } v[N] = {
		{ PB_TUN_VXLAN, 0, 0, 0 }, { PB_TUN_VXLAN, 0, 0, 0 }, { 0, 1, 0, 0 },
		{ PB_TUN_VXLAN, 0, 0, 0 }, { -1, 0, 0, 0 },           { PB_TUN_VXLAN, 0, 0, 0 },
		{ 0, 1, 1, 0 },            { 0, 1, 0, 0 },            { -2, 0, 0, 0 },
		{ 0, 0, 0, 0 },            { 0, 0, 0, 1 },            { -3, 0, 0, 0 },
		{ PB_TUN_VXLAN, 0, 0, 0 }, { -4, 0, 0, 0 },           { PB_TUN_VXLAN, 0, 0, 0 },
		{ -5, 0, 0, 0 },
	};
	unsigned udp, i;

	for (udp = 0; udp < 2; udp++) {
		struct gro_ctx *ctx = hold_tunnelled_udp(PB_TUN_VXLAN, 0, 0, 0,
							 udp ? GRO_UDP_L4 : GRO_UDP_OFF);
		struct gro_frame fr[N], g;
		struct gro_hint batch[N], one;

		/* Kinds for GRE with and without a key, IP-in-IP, and
		 * IP-in-IP behind a tag, each made by a flow held. */
		g = tunnelled(buf[0], sizeof(buf[0]), 0, 1, 0, 0, 2000);
		cr_assert_eq(gro_receive(ctx, &g, 1, 0), GRO_OK);
		g = tunnelled(buf[0], sizeof(buf[0]), 0, 1, 1, 0, 2001);
		cr_assert_eq(gro_receive(ctx, &g, 1, 0), GRO_OK);
		g = tunnelled(buf[0], sizeof(buf[0]), 0, 0, 0, 0, 2002);
		cr_assert_eq(gro_receive(ctx, &g, 1, 0), GRO_OK);
		g = tunnelled(buf[0], sizeof(buf[0]), 0, 0, 0, 1, 2003);
		cr_assert_eq(gro_receive(ctx, &g, 1, 0), GRO_OK);
		cr_assert_eq(gro_held(ctx), 5);
		cr_assert_gt(ctx->nfast, ctx->nbuiltin + 4, "kinds made for the tunnels");

		for (i = 0; i < N; i++) {
			struct pb_frame f;

			if (v[i].udp_tun >= 0) {
				fr[i] = tunnelled(buf[i], sizeof(buf[i]), v[i].udp_tun, v[i].gre,
						  v[i].key, v[i].vlan, (uint16_t)(3000 + i));
				continue;
			}
			pb_init(&f, 0);
			f.payload_len = 1000;
			if (v[i].udp_tun == -1 || v[i].udp_tun == -5) {
				f.udp = 1;	/* UDP, to the tunnel port if -5 */
				f.dport = v[i].udp_tun == -5 ? 4789 : 5000;
			}
			fr[i] = (struct gro_frame){ .data = buf[i],
						    .len = (uint32_t)pb_build(&f, buf[i], sizeof(buf[i])) };
			if (v[i].udp_tun == -2)
				buf[i][12] = 0x08, buf[i][13] = 0x06;	/* ARP */
			if (v[i].udp_tun == -4)
				fr[i].len = 20;			/* shorter than any kind */
		}
		gro_fast_hints(ctx, fr, N, batch);
		for (i = 0; i < N; i++) {
			gro_fast_hints(ctx, &fr[i], 1, &one);
			cr_assert_eq(batch[i].kind, one.kind, "udp %u, frame %u: kind %u in a batch, %u alone",
				     udp, i, batch[i].kind, one.kind);
			cr_assert_eq(batch[i].hashed, one.hashed, "udp %u, frame %u", udp, i);
			if (one.hashed)
				cr_assert_eq(batch[i].hash, one.hash, "udp %u, frame %u", udp, i);
		}
		/* The frames of a tunnel have their tunnel's kind, UDP GRO
		 * on or off; a datagram to the tunnel port that is no VXLAN
		 * frame has none, and one to another port is UDP's. */
		cr_assert_gt(batch[0].kind, ctx->nbuiltin, "udp %u", udp);
		cr_assert_eq(batch[15].kind, 0, "udp %u: kind %u", udp, batch[15].kind);
		cr_assert_eq(batch[4].kind, udp ? ctx->nbuiltin - 3 : 0, "udp %u: kind %u", udp,
			     batch[4].kind);
		cr_assert_eq(batch[0].kind, batch[1].kind, "udp %u", udp);
		cr_assert_neq(batch[2].kind, batch[0].kind, "udp %u", udp);
		cr_assert_gt(batch[2].kind, ctx->nbuiltin, "udp %u", udp);
		gro_flush(ctx, 0, GRO_FLUSH_ALL);
		gro_destroy(ctx);
	}
}
