/* The network taptest builds, and removes, around a TAP device.
 *
 *   namespace SW:  tap0 (our fd) --+
 *                  va -------------+-- br0 (bridge, STP off, no learning)
 *                  vc -------------+
 *   namespace B:   vb, peer of va  (capture, injection, TCP client)
 *   namespace C:   vd, peer of vc  (capture, injection, TCP server)
 *
 * va and vc have checksum offload, TSO, USO, GSO and GRO off: whatever the
 * bridge sends through them is segmented and checksummed in software.
 * vb keeps TSO and USO, so a GSO packet sent from B crosses to the bridge
 * whole.
 * vb and vd have GRO off, so their captures show frames as sent.
 *
 * The namespaces have no names: they exist only while this process (and
 * the short-lived ip and ethtool children it runs in them) holds them, so
 * they and every interface in them disappear on any exit, including
 * SIGKILL. Nothing outside them is touched.
 */
#ifndef TAP_ENV_H
#define TAP_ENV_H

#include <stddef.h>
#include <stdint.h>

#define TAP_EXIT_SKIP	77

enum { NS_SW, NS_B, NS_C, NS_COUNT };

/* Link-layer addresses of our interfaces; test traffic must avoid them. */
extern const uint8_t tap_mac_br[6], tap_mac_tap[6], tap_mac_va[6],
	tap_mac_vb[6], tap_mac_vc[6], tap_mac_vd[6];

/* IPv4 addresses used by the TCP connection between B and C. */
#define TAP_ADDR_B	"10.199.77.1"
#define TAP_ADDR_C	"10.199.77.2"

#define TAP_MTU		9000

struct tap_env {
	int host_ns;		/* where we started */
	int ns[NS_COUNT];
	int tap;		/* the TAP device (non-blocking) */
	int cap_b, cap_d;	/* AF_PACKET captures on vb and vd */
	int inj_b;		/* AF_PACKET on vb with PACKET_VNET_HDR */
	int inj_d;		/* plain AF_PACKET on vd */
	int vnet_hdr_sz;	/* current TUNSETVNETHDRSZ */
	unsigned offload;	/* current TUNSETOFFLOAD flags */
	int cpu;		/* the CPU we are pinned to */
	char kernel[128];
};

/* Build everything. Returns 0, TAP_EXIT_SKIP (a precondition is missing;
 * one line saying which is printed) or 1 (error, printed). */
int tap_env_setup(struct tap_env *e);

/* Close everything; the namespaces go with the last reference. */
void tap_env_teardown(struct tap_env *e);

int tap_env_set_vnet_hdr_sz(struct tap_env *e, int sz);
int tap_env_set_offload(struct tap_env *e, unsigned flags);

/* Run a command (argv[0] "ip" or "ethtool") inside namespace @ns.
 * Returns 0 or -1 with the first line of its error output in @msg. */
int tap_env_run(struct tap_env *e, int ns, char *const argv[], char *msg, size_t msglen);
#define TAP_RUN(e, ns, msg, ...) \
	tap_env_run(e, ns, (char *const[]){ __VA_ARGS__, NULL }, msg, sizeof(msg))

/* Move the calling thread into namespace @ns (NS_COUNT: back home). New
 * sockets belong to the namespace they are created in. */
int tap_env_enter(struct tap_env *e, int ns);

#endif
