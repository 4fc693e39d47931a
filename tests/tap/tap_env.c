/* Namespaces, bridge, veth pairs, TAP device and sockets for taptest; see
 * tap_env.h for the picture. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#include "tap_env.h"

const uint8_t tap_mac_br[6]  = { 0x0a, 0x54, 0x41, 0x50, 0x00, 0x01 };
const uint8_t tap_mac_tap[6] = { 0x0a, 0x54, 0x41, 0x50, 0x00, 0x02 };
const uint8_t tap_mac_va[6]  = { 0x0a, 0x54, 0x41, 0x50, 0x00, 0x03 };
const uint8_t tap_mac_vb[6]  = { 0x0a, 0x54, 0x41, 0x50, 0x00, 0x04 };
const uint8_t tap_mac_vc[6]  = { 0x0a, 0x54, 0x41, 0x50, 0x00, 0x05 };
const uint8_t tap_mac_vd[6]  = { 0x0a, 0x54, 0x41, 0x50, 0x00, 0x06 };

/* In a child, namespace i is also reachable as /proc/self/fd/(NSFD_BASE+i),
 * so that `ip ... netns` can name it without giving it a name. */
#define NSFD_BASE 200

static char ip_path[PATH_MAX], ethtool_path[PATH_MAX];
static volatile pid_t running_child;
static pid_t owner;

static const int cleanup_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM };
#define NSIGS (sizeof(cleanup_sigs) / sizeof(cleanup_sigs[0]))

/* Our namespaces die with our file descriptors; a child still running in
 * one of them is killed so that it does not keep it alive. */
static void on_signal(int sig)
{
	static const char msg[] = "tap: interrupted; the test namespaces go with this process\n";

	if (getpid() == owner) {
		if (running_child > 0)
			kill(running_child, SIGKILL);
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to do */
		}
	}
	_exit(128 + sig);
}

static void sigset_cleanup(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < NSIGS; i++)
		sigaddset(set, cleanup_sigs[i]);
}

static void install_handlers(void)
{
	struct sigaction sa;
	size_t i;

	owner = getpid();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigset_cleanup(&sa.sa_mask);
	for (i = 0; i < NSIGS; i++)
		sigaction(cleanup_sigs[i], &sa, NULL);
}

static int skip(const char *fmt, ...)
{
	va_list ap;

	fputs("tap: skipped: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return TAP_EXIT_SKIP;
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("tap: error: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return 1;
}

static int find_tool(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	char dirs[4096], *save = NULL, *dir;

	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/sbin:/usr/bin:/bin", path ? path : "");
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (!*dir)
			continue;
		snprintf(out, outlen, "%s/%s", dir, name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

static void read_back(int fd, char *buf, size_t len, int first_line_only)
{
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0 || !len || lseek(fd, 0, SEEK_SET) < 0)
		return;
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (first_line_only) {
		char *nl = strchr(buf, '\n');

		if (nl)
			*nl = '\0';
	}
}

/* Run argv inside namespace @ns; stdout goes to @out (if any), the first
 * line of stderr to @msg. */
static int run_full(struct tap_env *e, int ns, char *const argv[], char *out, size_t outlen,
		    char *msg, size_t msglen)
{
	const char *prog = !strcmp(argv[0], "ip") ? ip_path :
			   !strcmp(argv[0], "ethtool") ? ethtool_path : argv[0];
	int efd = memfd_create("tap-stderr", MFD_CLOEXEC);
	int ofd = out ? memfd_create("tap-stdout", MFD_CLOEXEC) : -1;
	sigset_t set, old;
	int status, i;
	pid_t pid;

	msg[0] = '\0';
	sigset_cleanup(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		size_t k;

		for (k = 0; k < NSIGS; k++)
			signal(cleanup_sigs[k], SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* never outlive the test, or a namespace would outlive it too */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != owner)
			_exit(125);
		for (i = 0; i < NS_COUNT; i++)
			if (dup2(e->ns[i], NSFD_BASE + i) < 0)
				_exit(124);
		if (setns(e->ns[ns], CLONE_NEWNET) < 0)
			_exit(126);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(ofd >= 0 ? ofd : devnull, STDOUT_FILENO);
		}
		if (efd >= 0)
			dup2(efd, STDERR_FILENO);
		execv(prog, argv);
		_exit(127);
	}
	if (pid > 0)
		running_child = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		snprintf(msg, msglen, "fork: %s", strerror(errno));
		status = -1;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		running_child = 0;
	}
	read_back(efd, msg, msglen, 1);
	if (out)
		read_back(ofd, out, outlen, 0);
	if (efd >= 0)
		close(efd);
	if (ofd >= 0)
		close(ofd);
	if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (!msg[0])
		snprintf(msg, msglen, "%s exited with status %d", argv[0],
			 pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -1;
}

int tap_env_run(struct tap_env *e, int ns, char *const argv[], char *msg, size_t msglen)
{
	return run_full(e, ns, argv, NULL, 0, msg, msglen);
}

int tap_env_enter(struct tap_env *e, int ns)
{
	return setns(ns < NS_COUNT ? e->ns[ns] : e->host_ns, CLONE_NEWNET);
}

/* Write a sysctl of the namespace we are in. */
static int write_proc(const char *path, const char *value, int optional)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return optional && errno == ENOENT ? 0 : -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -1 : 0;
}

static int read_proc_int(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoi(buf);
}

/* A fresh namespace: IPv6 off before any device exists (so no device ever
 * gets a link-local address or sends a solicitation), and no bridge
 * netfilter, which would check and even reassemble what it forwards. */
static int new_namespace(struct tap_env *e, int i)
{
	static const char *const quiet[] = {
		"/proc/sys/net/ipv6/conf/all/disable_ipv6",
		"/proc/sys/net/ipv6/conf/default/disable_ipv6",
		"/proc/sys/net/bridge/bridge-nf-call-iptables",
		"/proc/sys/net/bridge/bridge-nf-call-ip6tables",
		"/proc/sys/net/bridge/bridge-nf-call-arptables",
	};
	size_t k;

	if (unshare(CLONE_NEWNET) < 0)
		return skip("cannot create a network namespace (unshare: %s)", strerror(errno));
	e->ns[i] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (e->ns[i] < 0)
		return fail("open /proc/self/ns/net: %s", strerror(errno));
	for (k = 0; k < sizeof(quiet) / sizeof(quiet[0]); k++) {
		const char *v = k < 2 ? "1" : "0";

		if (write_proc(quiet[k], v, 1) < 0)
			return fail("cannot write %s in a test namespace: %s", quiet[k],
				    strerror(errno));
	}
	if (tap_env_enter(e, NS_COUNT) < 0) {
		/* staying in a test namespace would be worse than stopping */
		fprintf(stderr, "tap: cannot return to the original namespace\n");
		exit(1);
	}
	return 0;
}

static void mac_str(const uint8_t *m, char *s)
{
	sprintf(s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static int set_link(struct tap_env *e, int ns, char *dev, const uint8_t *mac,
		    char *txqlen)
{
	char msg[256], m[18], mtu[16];

	mac_str(mac, m);
	snprintf(mtu, sizeof(mtu), "%d", TAP_MTU);
	if (TAP_RUN(e, ns, msg, "ip", "link", "set", "dev", dev, "address", m, "mtu", mtu,
		    "txqueuelen", txqlen) < 0)
		return fail("ip link set %s: %s", dev, msg);
	return 0;
}

static int enslave(struct tap_env *e, char *dev)
{
	char msg[256];

	/* Without learning the bridge floods every unicast frame to all
	 * other ports, whatever addresses the test frames carry. */
	if (TAP_RUN(e, NS_SW, msg, "ip", "link", "set", "dev", dev, "master", "br0") < 0 ||
	    TAP_RUN(e, NS_SW, msg, "ip", "link", "set", "dev", dev, "type", "bridge_slave",
		    "learning", "off", "flood", "on", "mcast_flood", "on") < 0)
		return fail("cannot make %s a bridge port: %s", dev, msg);
	return 0;
}

/* Turn features off (or on) and check from `ethtool -k` that they are. */
static int features(struct tap_env *e, int ns, const char *dev, const char *const *names,
		    const char *const *kfeat, int n, const char *state)
{
	char msg[256], out[8192], want[128];
	char *argv[32];
	int a = 0, i;

	argv[a++] = "ethtool";
	argv[a++] = "-K";
	argv[a++] = (char *)dev;
	for (i = 0; i < n; i++) {
		argv[a++] = (char *)names[i];
		argv[a++] = (char *)state;
	}
	argv[a] = NULL;
	if (run_full(e, ns, argv, NULL, 0, msg, sizeof(msg)) < 0)
		return fail("ethtool -K %s: %s", dev, msg);
	argv[1] = "-k";
	argv[3] = NULL;
	if (run_full(e, ns, argv, out, sizeof(out), msg, sizeof(msg)) < 0)
		return fail("ethtool -k %s: %s", dev, msg);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "\n%s: %s", kfeat[i], state);
		if (!strstr(out, want))
			return fail("%s: %s did not turn %s", dev, kfeat[i], state);
	}
	return 0;
}

static int open_packet(int ifindex, int proto, int *out)
{
	struct sockaddr_ll sll;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(proto));

	*out = fd;
	if (fd < 0)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = ifindex;
	return bind(fd, (struct sockaddr *)&sll, sizeof(sll));
}

static int open_capture(const char *dev, int *out)
{
	int one = 1, size = 64 << 20;
	int idx = (int)if_nametoindex(dev);

	if (!idx || open_packet(idx, ETH_P_ALL, out) < 0)
		return -1;
	if (setsockopt(*out, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0 &&
	    setsockopt(*out, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		return -1;
	/* what the kernel delivers, never what we send ourselves */
	if (setsockopt(*out, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0)
		return -1;
	/* VLAN tags the receive path moved out of the frame */
	return setsockopt(*out, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
}

static int open_injector(const char *dev, int vnet, int *out)
{
	int one = 1, size = 16 << 20;
	int idx = (int)if_nametoindex(dev);

	/* protocol 0: this socket only sends */
	if (!idx || open_packet(idx, 0, out) < 0)
		return -1;
	setsockopt(*out, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	if (vnet && setsockopt(*out, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0)
		return -1;
	return 0;
}

static int open_sockets(struct tap_env *e)
{
	int err = 0;

	if (tap_env_enter(e, NS_B) < 0 || open_capture("vb", &e->cap_b) < 0 ||
	    open_injector("vb", 1, &e->inj_b) < 0)
		err = fail("sockets on vb: %s", strerror(errno));
	else if (tap_env_enter(e, NS_C) < 0 || open_capture("vd", &e->cap_d) < 0 ||
		 open_injector("vd", 0, &e->inj_d) < 0)
		err = fail("sockets on vd: %s", strerror(errno));
	if (tap_env_enter(e, NS_COUNT) < 0) {
		fprintf(stderr, "tap: cannot return to the original namespace\n");
		exit(1);
	}
	return err;
}

static int open_tap(struct tap_env *e)
{
	struct ifreq ifr;
	int err = 0;

	if (tap_env_enter(e, NS_SW) < 0)
		return fail("setns: %s", strerror(errno));
	/* a TUN/TAP file belongs to the namespace it was opened in */
	e->tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (e->tap < 0) {
		err = skip("no TAP support (/dev/net/tun: %s)", strerror(errno));
	} else {
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "tap0");
		if (ioctl(e->tap, TUNSETIFF, &ifr) < 0)
			err = skip("cannot create a TAP device with IFF_VNET_HDR (TUNSETIFF: %s)",
				   strerror(errno));
	}
	if (tap_env_enter(e, NS_COUNT) < 0) {
		fprintf(stderr, "tap: cannot return to the original namespace\n");
		exit(1);
	}
	if (err)
		return err;
	if (tap_env_set_vnet_hdr_sz(e, 12) < 0)
		return fail("TUNSETVNETHDRSZ 12: %s", strerror(errno));
	if (tap_env_set_offload(e, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0)
		return fail("TUNSETOFFLOAD: %s", strerror(errno));
	return 0;
}

int tap_env_set_vnet_hdr_sz(struct tap_env *e, int sz)
{
	if (ioctl(e->tap, TUNSETVNETHDRSZ, &sz) < 0)
		return -1;
	e->vnet_hdr_sz = sz;
	return 0;
}

int tap_env_set_offload(struct tap_env *e, unsigned flags)
{
	if (ioctl(e->tap, TUNSETOFFLOAD, (unsigned long)flags) < 0)
		return -1;
	e->offload = flags;
	return 0;
}

/* Every interface we made must have IPv6 off (they inherit it from the
 * namespace's default, set before they existed). */
static int check_ipv6_off(struct tap_env *e)
{
	static const struct { int ns; const char *dev; } devs[] = {
		{ NS_SW, "br0" }, { NS_SW, "tap0" }, { NS_SW, "va" }, { NS_SW, "vc" },
		{ NS_B, "vb" }, { NS_C, "vd" },
	};
	char path[128];
	size_t i;
	int v, bad = 0;

	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (tap_env_enter(e, devs[i].ns) < 0)
			bad = 1;
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", devs[i].dev);
		v = read_proc_int(path);
		if (v == 0)
			bad = 1;
	}
	if (tap_env_enter(e, NS_COUNT) < 0) {
		fprintf(stderr, "tap: cannot return to the original namespace\n");
		exit(1);
	}
	return bad ? fail("IPv6 is not disabled on every test interface") : 0;
}

int tap_env_setup(struct tap_env *e)
{
	static const char *const off_k[] = { "tx", "sg", "tso", "gso", "gro", "tx-udp-segmentation" };
	static const char *const off_f[] = {
		"tx-checksumming", "scatter-gather", "tcp-segmentation-offload",
		"generic-segmentation-offload", "generic-receive-offload", "tx-udp-segmentation",
	};
	static const char *const gro_k[] = { "gro" };
	static const char *const gro_f[] = { "generic-receive-offload" };
	static const char *const tso_k[] = { "tx", "sg", "tso", "gso", "tx-udp-segmentation" };
	static const char *const tso_f[] = {
		"tx-checksumming", "scatter-gather", "tcp-segmentation-offload",
		"generic-segmentation-offload", "tx-udp-segmentation",
	};
	struct utsname u;
	cpu_set_t cpus;
	char msg[256], peer[64];
	int i, err, fd;

	memset(e, 0, sizeof(*e));
	e->host_ns = e->tap = e->cap_b = e->cap_d = e->inj_b = e->inj_d = -1;
	for (i = 0; i < NS_COUNT; i++)
		e->ns[i] = -1;
	if (uname(&u) == 0)
		snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);

	/* preconditions, one line each */
	if (geteuid() != 0)
		return skip("needs root (it creates network namespaces and a TAP device)");
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return skip("no TAP support (/dev/net/tun: %s)", strerror(errno));
	close(fd);
	if (find_tool("ip", ip_path, sizeof(ip_path)) < 0)
		return skip("'ip' (iproute2) not found");
	if (find_tool("ethtool", ethtool_path, sizeof(ethtool_path)) < 0)
		return skip("'ethtool' not found");
	e->host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (e->host_ns < 0)
		return skip("no network namespaces (/proc/self/ns/net: %s)", strerror(errno));

	/* One CPU: every frame we send is then forwarded and delivered by
	 * the same CPU's softirq, in the order it was sent. */
	e->cpu = sched_getcpu();
	CPU_ZERO(&cpus);
	CPU_SET(e->cpu < 0 ? 0 : e->cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
		return fail("sched_setaffinity: %s", strerror(errno));

	install_handlers();
	for (i = 0; i < NS_COUNT; i++)
		if ((err = new_namespace(e, i)))
			return err;

	if (TAP_RUN(e, NS_SW, msg, "ip", "link", "add", "br0", "type", "bridge",
		    "stp_state", "0", "mcast_snooping", "0") < 0)
		return skip("no bridge support (ip link add type bridge: %s)", msg);
	snprintf(peer, sizeof(peer), "/proc/self/fd/%d", NSFD_BASE + NS_B);
	if (TAP_RUN(e, NS_SW, msg, "ip", "link", "add", "va", "numtxqueues", "1",
		    "numrxqueues", "1", "type", "veth", "peer", "name", "vb",
		    "numtxqueues", "1", "numrxqueues", "1", "netns", peer) < 0)
		return skip("no veth support (ip link add type veth: %s)", msg);
	snprintf(peer, sizeof(peer), "/proc/self/fd/%d", NSFD_BASE + NS_C);
	if (TAP_RUN(e, NS_SW, msg, "ip", "link", "add", "vc", "numtxqueues", "1",
		    "numrxqueues", "1", "type", "veth", "peer", "name", "vd",
		    "numtxqueues", "1", "numrxqueues", "1", "netns", peer) < 0)
		return fail("ip link add vc: %s", msg);
	if ((err = open_tap(e)))
		return err;

	if ((err = set_link(e, NS_SW, "br0", tap_mac_br, "1000")) ||
	    (err = set_link(e, NS_SW, "tap0", tap_mac_tap, "10000")) ||
	    (err = set_link(e, NS_SW, "va", tap_mac_va, "1000")) ||
	    (err = set_link(e, NS_SW, "vc", tap_mac_vc, "1000")) ||
	    (err = set_link(e, NS_B, "vb", tap_mac_vb, "1000")) ||
	    (err = set_link(e, NS_C, "vd", tap_mac_vd, "1000")) ||
	    (err = enslave(e, "tap0")) || (err = enslave(e, "va")) || (err = enslave(e, "vc")))
		return err;

	/* The bridge's egress ports segment and checksum in software; the
	 * outer ends keep TSO and USO (B sends GSO packets) but never merge. */
	if ((err = features(e, NS_SW, "va", off_k, off_f, 6, "off")) ||
	    (err = features(e, NS_SW, "vc", off_k, off_f, 6, "off")) ||
	    (err = features(e, NS_B, "vb", gro_k, gro_f, 1, "off")) ||
	    (err = features(e, NS_B, "vb", tso_k, tso_f, 5, "on")) ||
	    (err = features(e, NS_C, "vd", gro_k, gro_f, 1, "off")))
		return err;

	if (TAP_RUN(e, NS_SW, msg, "ip", "link", "set", "br0", "up") < 0 ||
	    TAP_RUN(e, NS_SW, msg, "ip", "link", "set", "tap0", "up") < 0 ||
	    TAP_RUN(e, NS_SW, msg, "ip", "link", "set", "va", "up") < 0 ||
	    TAP_RUN(e, NS_SW, msg, "ip", "link", "set", "vc", "up") < 0 ||
	    TAP_RUN(e, NS_B, msg, "ip", "link", "set", "vb", "up") < 0 ||
	    TAP_RUN(e, NS_C, msg, "ip", "link", "set", "vd", "up") < 0)
		return fail("cannot bring the links up: %s", msg);
	if ((err = check_ipv6_off(e)) || (err = open_sockets(e)))
		return err;
	return 0;
}

void tap_env_teardown(struct tap_env *e)
{
	int *fds[] = { &e->tap, &e->cap_b, &e->cap_d, &e->inj_b, &e->inj_d,
		       &e->ns[0], &e->ns[1], &e->ns[2], &e->host_ns };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}
