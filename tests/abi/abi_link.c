/* A program linked against libgro.so: the library it loads is the version
 * of the header it was built with, and the basic life cycle works through
 * the exported names. */
#include <stdio.h>

#include "gro.h"

static void nop_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	(void)arg;
	(void)pkts;
	(void)n;
}

int main(void)
{
	static const uint8_t in[12] = { 66, 9, 149, 187, 161, 142, 100, 80, 10, 234, 6, 230 };
	struct gro_config cfg;
	struct gro_ctx *gro;
	struct gro_rss *rss;
	uint32_t h;

	if (gro_version() != GRO_VERSION) {
		fprintf(stderr, "abi_link: library version %s (0x%x), header 0x%x\n",
			gro_version_string(), gro_version(), GRO_VERSION);
		return 1;
	}
	gro_config_init(&cfg);
	cfg.deliver = nop_deliver;
	if (gro_create(&cfg, &gro) != GRO_OK) {
		fprintf(stderr, "abi_link: gro_create: %s\n", gro_config_error());
		return 1;
	}
	gro_destroy(gro);
	if (gro_rss_create(NULL, 0, &rss) != GRO_OK) {
		fprintf(stderr, "abi_link: gro_rss_create failed\n");
		return 1;
	}
	/* Microsoft's first IPv4 verification vector, with ports. */
	h = gro_rss_hash(rss, in, sizeof(in));
	gro_rss_destroy(rss);
	if (h != 0x51ccc178) {
		fprintf(stderr, "abi_link: RSS hash 0x%08x, expected 0x51ccc178\n", h);
		return 1;
	}
	return 0;
}
