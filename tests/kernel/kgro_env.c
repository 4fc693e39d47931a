/* Namespaces, veth pair and sockets for kgro, and their removal.
 *
 * Everything is created inside two private network namespaces so that the
 * harness can never disturb the host's interfaces: the veth pair is created
 * from within the sender namespace with its peer placed straight into the
 * receiver namespace.
 */
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
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "kgro.h"

#define NETNS_DIR "/run/netns"

/* State the signal handler and atexit() need; plain storage only. */
static char cleanup_path[2][PATH_MAX];
static volatile sig_atomic_t cleanup_armed[2];
static pid_t owner_pid;

static char ip_path[PATH_MAX];
static char ethtool_path[PATH_MAX];

/* Removing a named namespace is what `ip netns del` does: detach the bind
 * mount that pins it and remove the mount point. The namespace itself dies
 * when our last socket and fd on it are closed, at the latest when the
 * process exits. Only system calls are used, so this is safe in a signal
 * handler. */
static void remove_namespaces(void)
{
	int i;

	if (getpid() != owner_pid)
		return;
	for (i = 0; i < 2; i++) {
		if (!cleanup_armed[i])
			continue;
		umount2(cleanup_path[i], MNT_DETACH);
		unlink(cleanup_path[i]);
		cleanup_armed[i] = 0;
	}
}

static const int cleanup_sigs[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM,
};
#define NSIGS (sizeof(cleanup_sigs) / sizeof(cleanup_sigs[0]))

static void on_signal(int sig)
{
	remove_namespaces();
	_exit(128 + sig);
}

static void cleanup_sigset(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < NSIGS; i++)
		sigaddset(set, cleanup_sigs[i]);
}

static void install_cleanup(void)
{
	struct sigaction sa;
	size_t i;

	owner_pid = getpid();
	atexit(remove_namespaces);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	cleanup_sigset(&sa.sa_mask);
	for (i = 0; i < NSIGS; i++)
		sigaction(cleanup_sigs[i], &sa, NULL);
}

/* Block the clean-up signals around fork() so that a child never runs our
 * handler before it has reset it. */
static void block_signals(sigset_t *old)
{
	sigset_t set;

	cleanup_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void child_reset_signals(const sigset_t *old)
{
	size_t i;

	for (i = 0; i < NSIGS; i++)
		signal(cleanup_sigs[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Tools may live in sbin directories that a non-login PATH lacks. */
static bool find_tool(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	char dirs[4096];
	char *save = NULL, *dir;

	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/sbin:/usr/bin:/bin",
		 path ? path : "");
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		if (!*dir)
			continue;
		snprintf(out, outlen, "%s/%s", dir, name);
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/* First line of what a failed command printed, for a one-line message. */
static void first_line(int fd, char *msg, size_t len)
{
	ssize_t n;
	char *nl;

	msg[0] = '\0';
	if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return;
	n = read(fd, msg, len - 1);
	if (n <= 0) {
		msg[0] = '\0';
		return;
	}
	msg[n] = '\0';
	nl = strchr(msg, '\n');
	if (nl)
		*nl = '\0';
}

/* Run argv (argv[0] an absolute path), optionally inside a namespace.
 * Output is kept out of the way; the first line of stderr is returned in
 * msg so that failures can be reported on one line. */
static int run(int nsfd, char *const argv[], char *msg, size_t msglen)
{
	sigset_t old;
	int efd, status;
	pid_t pid;

	efd = memfd_create("kgro-stderr", MFD_CLOEXEC);
	block_signals(&old);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		child_reset_signals(&old);
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
		}
		if (efd >= 0)
			dup2(efd, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		snprintf(msg, msglen, "fork: %s", strerror(errno));
		if (efd >= 0)
			close(efd);
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	first_line(efd, msg, msglen);
	if (efd >= 0)
		close(efd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (!msg[0])
		snprintf(msg, msglen, "%s exited with status %d", argv[0],
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -1;
}

#define RUN(nsfd, msg, ...) \
	run(nsfd, (char *const[]){ __VA_ARGS__, NULL }, msg, sizeof(msg))

static int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, code == KGRO_EXIT_SKIP ? "kgro: skipped: " : "kgro: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* A value written to a sysctl or sysfs file, optionally read back. */
struct knob {
	const char *path;
	const char *value;
	bool optional;		/* absent is fine (e.g. IPv6 compiled out) */
	bool verify;
};

static int write_knob(const struct knob *k)
{
	char back[64];
	ssize_t n;
	int fd;

	fd = open(k->path, O_RDWR);
	if (fd < 0)
		return k->optional && errno == ENOENT ? 0 : -1;
	if (write(fd, k->value, strlen(k->value)) < 0) {
		close(fd);
		return -1;
	}
	if (k->verify) {
		n = pread(fd, back, sizeof(back) - 1, 0);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		back[n] = '\0';
		if (strtoul(back, NULL, 0) != strtoul(k->value, NULL, 0)) {
			close(fd);
			errno = EIO;
			return -1;
		}
	}
	close(fd);
	return 0;
}

/* sysfs shows the network devices of the namespace it was mounted in, and
 * /proc/sys/net those of the caller's namespace. A child therefore enters
 * the namespace, takes a private mount namespace and mounts a fresh sysfs
 * before writing; the host's mounts are never changed. */
static int write_knobs(int nsfd, const struct knob *k, size_t n)
{
	sigset_t old;
	int status;
	pid_t pid;

	block_signals(&old);
	pid = fork();
	if (pid == 0) {
		size_t i;

		child_reset_signals(&old);
		if (setns(nsfd, CLONE_NEWNET) < 0 || unshare(CLONE_NEWNS) < 0)
			_exit(2);
		if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			_exit(3);
		umount2("/sys", MNT_DETACH);
		if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
			_exit(4);
		for (i = 0; i < n; i++) {
			if (write_knob(&k[i]) < 0) {
				fprintf(stderr, "kgro: cannot set %s to %s: %s\n",
					k[i].path, k[i].value, strerror(errno));
				_exit(5);
			}
		}
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int create_namespace(struct kgro_env *env, int which)
{
	char msg[256];
	struct stat st;

	snprintf(cleanup_path[which], sizeof(cleanup_path[which]), "%s/%s",
		 NETNS_DIR, env->ns[which]);
	if (stat(cleanup_path[which], &st) == 0)
		return fail(1, "namespace %s already exists; not touching it",
			    env->ns[which]);
	if (RUN(-1, msg, ip_path, "netns", "add", env->ns[which]) < 0) {
		/* ip may have made the mount point before failing */
		if (stat(cleanup_path[which], &st) == 0)
			cleanup_armed[which] = 1;
		return fail(KGRO_EXIT_SKIP,
			    "cannot create a network namespace (ip netns add: %s)",
			    msg);
	}
	cleanup_armed[which] = 1;
	env->nsfd[which] = open(cleanup_path[which], O_RDONLY | O_CLOEXEC);
	if (env->nsfd[which] < 0)
		return fail(1, "open %s: %s", cleanup_path[which],
			    strerror(errno));
	return 0;
}

/* IPv6 off before the devices exist, so they never get a link-local
 * address and never send router or neighbour solicitations. */
static int quiet_namespace(struct kgro_env *env, int which)
{
	static const struct knob k[] = {
		{ "/proc/sys/net/ipv6/conf/all/disable_ipv6", "1", true, false },
		{ "/proc/sys/net/ipv6/conf/default/disable_ipv6", "1", true, false },
	};

	if (write_knobs(env->nsfd[which], k, 2) < 0)
		return fail(1, "cannot disable IPv6 in %s", env->ns[which]);
	return 0;
}

static int create_veth(struct kgro_env *env, int mtu)
{
	char msg[256], mtus[16];

	/* One queue per side: every frame lands in the same NAPI instance
	 * and nothing computes a flow hash for queue selection, so the
	 * receiver's GRO sees hash 0 and uses a single bucket. */
	if (RUN(-1, msg, ip_path, "-n", env->ns[KGRO_TX], "link", "add",
		KGRO_TX_DEV, "numtxqueues", "1", "numrxqueues", "1",
		"type", "veth", "peer", "name", KGRO_RX_DEV,
		"numtxqueues", "1", "numrxqueues", "1",
		"netns", env->ns[KGRO_RX]) < 0)
		return fail(KGRO_EXIT_SKIP, "cannot create a veth pair (%s)",
			    msg);
	snprintf(mtus, sizeof(mtus), "%d", mtu);
	if (RUN(-1, msg, ip_path, "-n", env->ns[KGRO_TX], "link", "set",
		KGRO_TX_DEV, "mtu", mtus) < 0 ||
	    RUN(-1, msg, ip_path, "-n", env->ns[KGRO_RX], "link", "set",
		KGRO_RX_DEV, "mtu", mtus) < 0)
		return fail(1, "cannot set MTU %d: %s", mtu, msg);
	return 0;
}

/* What --udp selects on the receiver, as `ethtool -K` arguments. */
static char *const udp_features[][4] = {
	[KGRO_UDP_OFF] = { "rx-udp-gro-forwarding", "off", "rx-gro-list", "off" },
	[KGRO_UDP_L4] = { "rx-udp-gro-forwarding", "on", "rx-gro-list", "off" },
	[KGRO_UDP_FRAGLIST] = { "rx-udp-gro-forwarding", "off", "rx-gro-list", "on" },
};

static int configure_offloads(struct kgro_env *env)
{
	const struct kgro_opts *o = env->opts;
	char *const *u = udp_features[o->udp];
	char msg[256];

	/* With TSO on, veth hands the sender's frames to the peer without
	 * going through its NAPI instance, and no GRO happens at all. */
	if (RUN(env->nsfd[KGRO_TX], msg, ethtool_path, "-K", KGRO_TX_DEV,
		"tso", "off", "gso", "off") < 0)
		return fail(1, "ethtool -K %s tso off gso off: %s",
			    KGRO_TX_DEV, msg);
	if (RUN(env->nsfd[KGRO_RX], msg, ethtool_path, "-K", KGRO_RX_DEV,
		"gro", "on") < 0)
		return fail(1, "ethtool -K %s gro on: %s", KGRO_RX_DEV, msg);
	/* Without --udp the device keeps its defaults (both off on veth),
	 * exactly as before these options existed. */
	if (o->udp_set &&
	    RUN(env->nsfd[KGRO_RX], msg, ethtool_path, "-K", KGRO_RX_DEV,
		u[0], u[1], u[2], u[3]) < 0)
		return fail(1, "ethtool -K %s %s %s %s %s: %s", KGRO_RX_DEV,
			    u[0], u[1], u[2], u[3], msg);
	return 0;
}

/* Not every iproute2 knows gro_ipv4_max_size (6.3+), so both sizes are
 * set with one RTM_NEWLINK request, from a child inside the namespace. */
#ifndef IFLA_GRO_IPV4_MAX_SIZE
#define IFLA_GRO_IPV4_MAX_SIZE 64
#endif

static void nl_put_u32(struct nlmsghdr *h, unsigned short type, uint32_t v)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(sizeof(v));
	memcpy(RTA_DATA(a), &v, sizeof(v));
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static int nl_set_gro_max_size(const char *dev, uint32_t size)
{
	union {
		struct nlmsghdr h;
		char b[256];
	} req, ack;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct ifinfomsg *ifi;
	struct nlmsgerr *e;
	ssize_t n;
	int fd;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	req.h.nlmsg_type = RTM_NEWLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.h.nlmsg_seq = 1;
	ifi = NLMSG_DATA(&req.h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)if_nametoindex(dev);
	if (!ifi->ifi_index)
		return -1;
	nl_put_u32(&req.h, IFLA_GRO_MAX_SIZE, size);
	nl_put_u32(&req.h, IFLA_GRO_IPV4_MAX_SIZE, size);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	n = recv(fd, &ack, sizeof(ack), 0);
	close(fd);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*e)) || ack.h.nlmsg_type != NLMSG_ERROR)
		return -1;
	e = NLMSG_DATA(&ack.h);
	if (e->error) {
		errno = -e->error;
		return -1;
	}
	return 0;
}

/* --gro-max-size: the limit for IPv6 (gro_max_size) and for IPv4
 * (gro_ipv4_max_size) on the receiving device. */
static int configure_gro_max_size(struct kgro_env *env)
{
	long size = env->opts->gro_max_size;
	sigset_t old;
	int status;
	pid_t pid;

	if (!size)
		return 0;
	block_signals(&old);
	pid = fork();
	if (pid == 0) {
		child_reset_signals(&old);
		if (setns(env->nsfd[KGRO_RX], CLONE_NEWNET) < 0)
			_exit(2);
		if (nl_set_gro_max_size(KGRO_RX_DEV, (uint32_t)size) < 0) {
			fprintf(stderr, "kgro: cannot set gro_max_size and "
				"gro_ipv4_max_size %ld on %s: %s\n", size,
				KGRO_RX_DEV, strerror(errno));
			_exit(3);
		}
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return fail(1, "fork: %s", strerror(errno));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail(1, "cannot set the receiver's gro_max_size");
	return 0;
}

/* --vxlan-port, --geneve-port: a tunnel device in collect-metadata mode
 * ("external"), up, in the receiver's namespace. Up, it opens a UDP
 * tunnel socket on the port for IPv4 and IPv6 with any address and VNI,
 * and udp_gro_receive hands datagrams to that port to the tunnel's GRO.
 * Nothing else is configured: decapsulated frames have nowhere to go. */
static int add_tunnel_dev(struct kgro_env *env, char *name, char *type, int port)
{
	char msg[256], ports[16];

	if (!port)
		return 0;
	snprintf(ports, sizeof(ports), "%d", port);
	if (RUN(-1, msg, ip_path, "-n", env->ns[KGRO_RX], "link", "add", name,
		"type", type, "external", "dstport", ports) < 0)
		return fail(KGRO_EXIT_SKIP, "cannot create a %s device (%s)", type, msg);
	if (RUN(-1, msg, ip_path, "-n", env->ns[KGRO_RX], "link", "set", name, "up") < 0)
		return fail(1, "cannot bring up %s: %s", name, msg);
	return 0;
}

static int add_tunnels(struct kgro_env *env)
{
	int err;

	char vx[] = KGRO_VXLAN_DEV, gnv[] = KGRO_GENEVE_DEV;
	char vxt[] = "vxlan", gnvt[] = "geneve";

	if ((err = add_tunnel_dev(env, vx, vxt, env->opts->vxlan_port)) ||
	    (err = add_tunnel_dev(env, gnv, gnvt, env->opts->geneve_port)))
		return err;
	return 0;
}

static int bring_up(struct kgro_env *env)
{
	char *const dev[2] = { KGRO_TX_DEV, KGRO_RX_DEV };
	char msg[256];
	int i;

	for (i = 0; i < 2; i++) {
		if (RUN(-1, msg, ip_path, "-n", env->ns[i], "link", "set",
			"lo", "up") < 0 ||
		    RUN(-1, msg, ip_path, "-n", env->ns[i], "link", "set",
			dev[i], "up") < 0)
			return fail(1, "cannot bring up links in %s: %s",
				    env->ns[i], msg);
	}
	return 0;
}

/* The receiver must hold flows across the whole replay: a flush timeout
 * makes NAPI completion flush only flows older than a jiffy, and deferring
 * hard interrupts keeps the NAPI instance asleep until the timer fires, so
 * the frames of one replay wait in the veth ring and are polled together. */
static int configure_receiver(struct kgro_env *env)
{
	const struct kgro_opts *o = env->opts;
	char timeout[32], defer[32];
	const struct knob rx[] = {
		{ "/proc/sys/net/ipv6/conf/" KGRO_RX_DEV "/disable_ipv6", "1",
		  true, false },
		{ "/sys/class/net/" KGRO_RX_DEV "/gro_flush_timeout", timeout,
		  false, true },
		{ "/sys/class/net/" KGRO_RX_DEV "/napi_defer_hard_irqs", defer,
		  false, true },
	};
	const struct knob tx[] = {
		{ "/proc/sys/net/ipv6/conf/" KGRO_TX_DEV "/disable_ipv6", "1",
		  true, false },
	};

	snprintf(timeout, sizeof(timeout), "%lu", o->flush_timeout_ns);
	snprintf(defer, sizeof(defer), "%u", o->defer_irqs);
	if (write_knobs(env->nsfd[KGRO_TX], tx, 1) < 0 ||
	    write_knobs(env->nsfd[KGRO_RX], rx, 3) < 0)
		return fail(1, "cannot configure the receiver's NAPI settings");
	return 0;
}

static int bind_packet(int fd, const char *dev, int proto)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = if_nametoindex(dev);
	if (!sll.sll_ifindex)
		return -1;
	return bind(fd, (struct sockaddr *)&sll, sizeof(sll));
}

static int big_buffer(int fd, int opt, int force_opt)
{
	int size = 64 << 20;

	if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof(size)) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

/* Protocol 0 on bind: the sending socket never receives anything. veth
 * has no qdisc (noqueue), so each send() reaches the driver directly and
 * in order; PACKET_QDISC_BYPASS would change nothing. The large buffer
 * keeps send() from blocking while a whole chunk waits in the veth ring. */
static int open_tx_socket(struct kgro_env *env)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	env->tx_sock = fd;
	big_buffer(fd, SO_SNDBUF, SO_SNDBUFFORCE);
	return bind_packet(fd, KGRO_TX_DEV, 0);
}

static int open_rx_socket(int *out, bool vnet)
{
	int one = 1;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (fd < 0)
		return -1;
	*out = fd;
	if (big_buffer(fd, SO_RCVBUF, SO_RCVBUFFORCE) < 0)
		return -1;
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (vnet) {
		if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one,
			       sizeof(one)) < 0)
			return -1;
	} else {
		/* tags the receive path moved out of the frame */
		if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one,
			       sizeof(one)) < 0)
			return -1;
	}
	return bind_packet(fd, KGRO_RX_DEV, ETH_P_ALL);
}

/* Frames handed to the receive path in one batch are passed to every tap
 * at once, except that the last tap on the device's list stands in for a
 * missing protocol handler: for a frame no protocol claims (our markers,
 * or any non-IP frame) its copy is queued behind the batch and so can
 * arrive after later frames. The list is newest first, so a tap bound
 * before the capture sockets takes that place; it filters out everything
 * and keeps the capture sockets' order exact. */
static int open_order_guard(struct kgro_env *env)
{
	struct sock_filter drop_all = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop_all };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (fd < 0)
		return -1;
	env->guard_sock = fd;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)) < 0)
		return -1;
	return bind_packet(fd, KGRO_RX_DEV, ETH_P_ALL);
}

/* Sockets keep the namespace they were created in, so the main thread
 * visits each namespace just long enough to open them. */
static int open_sockets(struct kgro_env *env)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (self < 0)
		return fail(1, "open /proc/self/ns/net: %s", strerror(errno));
	if (setns(env->nsfd[KGRO_TX], CLONE_NEWNET) < 0 ||
	    open_tx_socket(env) < 0)
		err = fail(1, "sender socket: %s", strerror(errno));
	else if (setns(env->nsfd[KGRO_RX], CLONE_NEWNET) < 0 ||
		 open_order_guard(env) < 0 ||
		 open_rx_socket(&env->rx_sock, false) < 0 ||
		 open_rx_socket(&env->vh_sock, true) < 0)
		err = fail(1, "capture socket: %s", strerror(errno));
	if (setns(self, CLONE_NEWNET) < 0) {
		/* staying in a test namespace would be worse than stopping */
		fprintf(stderr, "kgro: cannot return to the original namespace\n");
		exit(1);
	}
	close(self);
	return err;
}

int kgro_env_setup(struct kgro_env *env, const struct kgro_opts *o)
{
	int err;

	memset(env, 0, sizeof(*env));
	env->opts = o;
	env->nsfd[0] = env->nsfd[1] = -1;
	env->tx_sock = env->rx_sock = env->vh_sock = env->guard_sock = -1;
	env->tag = (uint32_t)getpid();
	snprintf(env->ns[KGRO_TX], sizeof(env->ns[0]), "lgro-tx-%d", getpid());
	snprintf(env->ns[KGRO_RX], sizeof(env->ns[1]), "lgro-rx-%d", getpid());

	if (geteuid() != 0)
		return fail(KGRO_EXIT_SKIP, "needs root to create network namespaces");
	if (!find_tool("ip", ip_path, sizeof(ip_path)))
		return fail(KGRO_EXIT_SKIP, "'ip' (iproute2) not found");
	if (!find_tool("ethtool", ethtool_path, sizeof(ethtool_path)))
		return fail(KGRO_EXIT_SKIP, "'ethtool' not found");
	env->buf = malloc(KGRO_BUF_SIZE);
	if (!env->buf)
		return fail(1, "out of memory");
	install_cleanup();

	if ((err = create_namespace(env, KGRO_TX)) ||
	    (err = create_namespace(env, KGRO_RX)) ||
	    (err = quiet_namespace(env, KGRO_TX)) ||
	    (err = quiet_namespace(env, KGRO_RX)) ||
	    (err = create_veth(env, o->mtu)) ||
	    (err = configure_offloads(env)) ||
	    (err = configure_gro_max_size(env)) ||
	    (err = bring_up(env)) ||
	    (err = add_tunnels(env)) ||
	    (err = configure_receiver(env)) ||
	    (err = open_sockets(env)))
		return err;
	return 0;
}

void kgro_env_teardown(struct kgro_env *env)
{
	int *fds[] = { &env->tx_sock, &env->rx_sock, &env->vh_sock,
		       &env->guard_sock,
		       &env->nsfd[0], &env->nsfd[1] };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	remove_namespaces();
	free(env->buf);
	env->buf = NULL;
}
