#!/bin/sh
# gro relay, live: three network namespaces,
#
#   S (sender) s0 ==veth== r0  R (relay: gro relay r0 tap:rl0)
#                                   rl0, moved to  D (receiver)
#
# TCP transfers of seeded bytes from S to D, over IPv4 and IPv6 through a
# TAP, and over IPv4 through a TUN, a veth (AF_PACKET output) and from an
# AF_XDP input, each checked byte for byte by the receiver; the relay's
# final statistics must show merged super-packets.
# s0 sends MTU-sized frames with complete checksums (TSO, GSO and checksum
# offload off), as a wire would carry them.
#
#   sh tests/relay/relay_test.sh GRO RELAY_XFER
#
# Exit status 0, 1 on a failure, 77 (with one line saying why) when not
# root or without namespaces, veth or /dev/net/tun. The namespaces, and with
# them every interface, are removed on any exit the shell sees.
set -u
GRO=$1
XFER=$2
BYTES=${RELAY_BYTES:-8000000}
tag=grl$$
S=$tag-s R=$tag-r D=$tag-d
tmp=
relay_pid=
srv_pid=
failed=0

skip() { echo "relay: skipped: $*"; exit 77; }
fail() { echo "relay: FAIL: $*"; failed=1; }

cleanup() {
	[ -n "$relay_pid" ] && kill -TERM "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
	[ -n "$srv_pid" ] && kill -KILL "$srv_pid" 2>/dev/null
	for n in $S $R $D; do ip netns del "$n" 2>/dev/null; done
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

[ "$(id -u)" = 0 ] || skip "not root"
command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
command -v ethtool >/dev/null 2>&1 || skip "no ethtool"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
tmp=$(mktemp -d) || exit 1
for n in $S $R $D; do
	ip netns add "$n" 2>/dev/null || skip "cannot make network namespaces"
done
ip -n $S link add s0 type veth peer name r0 netns $R 2>/dev/null || skip "no veth"
# Nothing of the relay's own: no IPv6 (no router solicitations) in R.
ip netns exec $R sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec $R sysctl -qw net.ipv6.conf.default.disable_ipv6=1
ip -n $S link set s0 up
ip -n $R link set r0 up
ip netns exec $S ethtool -K s0 tso off gso off tx off >/dev/null 2>&1 ||
	skip "ethtool cannot turn offloads off on veth"
ip -n $S addr add 10.201.0.1/24 dev s0
ip -n $S addr add fd00:201::1/64 dev s0 nodad

# start_relay OUT DEV [OPTION...]: the relay in R, its device moved to D and up.
start_relay() {
	out=$1 dev=$2
	shift 2
	ip netns exec $R "$GRO" relay --json --interval 0 "$@" r0 "$out" >"$tmp/json" 2>"$tmp/err" &
	relay_pid=$!
	i=0
	until ip -n $R link show "$dev" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 $relay_pid 2>/dev/null; then
			fail "the relay did not create $dev: $(head -1 "$tmp/err")"
			relay_pid=
			return 1
		fi
		sleep 0.1
	done
	# The relay keeps its file descriptor: the device works in D too.
	ip -n $R link set "$dev" netns $D &&
	ip -n $D link set "$dev" up
}

# stop_relay DEV: SIGINT, a clean exit, the device gone.
stop_relay() {
	kill -INT $relay_pid
	wait $relay_pid
	rc=$?
	relay_pid=
	[ $rc = 0 ] || fail "the relay exited with status $rc: $(head -1 "$tmp/err")"
	ip -n $D link show "$1" >/dev/null 2>&1 && fail "$1 still exists after the relay stopped"
}

# xfer NAME ADDR PORT SEED: BYTES from S to D, checked in D.
xfer() {
	ip netns exec $D "$XFER" server "$2" "$3" $BYTES "$4" >"$tmp/srv" 2>&1 &
	srv_pid=$!
	if ! ip netns exec $S "$XFER" client "$2" "$3" $BYTES "$4" 2>"$tmp/cli"; then
		fail "$1: client: $(grep -m1 . "$tmp/cli")"
	fi
	wait $srv_pid
	rc=$?
	srv_pid=
	if [ $rc = 0 ] && grep -q "^ok $BYTES\$" "$tmp/srv"; then
		echo "relay: $1: $BYTES bytes arrived intact"
	else
		fail "$1: server: $(grep -v listening "$tmp/srv" | grep -m1 .)"
	fi
}

# merged NAME: the final statistics show super-packets of more than one segment.
merged() {
	line=$(grep '"event":"final"' "$tmp/json")
	if [ -z "$line" ]; then
		fail "$1: no final statistics"
		return
	fi
	echo "$line" | awk -v name="$1" '{
		n = split($0, kv, /[,{}]/)
		for (i = 1; i <= n; i++) {
			split(kv[i], p, ":")
			gsub(/"/, "", p[1])
			v[p[1]] = p[2]
		}
		printf "relay: %s: %d frames in, %d packets out, %d super-packets, %.2f segments each\n",
			name, v["frames_in"], v["frames_out"], v["super_packets"], v["mean_segments"]
		exit !(v["super_packets"] > 0 && v["mean_segments"] > 1 && v["frames_out"] < v["frames_in"])
	}' || fail "$1: GRO did not merge"
}

# TAP: IPv4 and IPv6.
if start_relay tap:rl0 rl0; then
	ip -n $D addr add 10.201.0.2/24 dev rl0
	ip -n $D addr add fd00:201::2/64 dev rl0 nodad
	xfer "tap ipv4" 10.201.0.2 5201 1
	xfer "tap ipv6" fd00:201::2 5202 2
	stop_relay rl0
	merged tap
fi

# TUN: no Ethernet on D's side, so S reaches D through a static neighbour
# (any address: the relay forwards every frame).
ip -n $S addr add 10.201.1.1/24 dev s0
ip -n $S neigh add 10.201.1.2 lladdr 02:00:00:00:01:02 dev s0
if start_relay tun:rl1 rl1; then
	ip -n $D addr add 10.201.1.2/24 dev rl1
	xfer "tun ipv4" 10.201.1.2 5203 3
	stop_relay rl1
	merged tun
fi

# Another interface through AF_PACKET: r1 in R, its veth peer d1 in D.
ip -n $R link add r1 type veth peer name d1 netns $D
ip -n $R link set r1 up
ip -n $S addr add 10.201.3.1/24 dev s0
ip -n $D addr add 10.201.3.2/24 dev d1
ip -n $D link set d1 up
ip netns exec $R "$GRO" relay --json --interval 0 r0 r1 >"$tmp/json" 2>"$tmp/err" &
relay_pid=$!
sleep 0.3
xfer "interface ipv4" 10.201.3.2 5205 5
kill -INT $relay_pid
wait $relay_pid || fail "the relay to r1 exited with status $?: $(head -1 "$tmp/err")"
relay_pid=
merged interface

# AF_XDP on r0 (native XDP on veth, copy mode), into a TAP again.
if "$GRO" relay --help | grep -q "xdp: not in this build"; then
	echo "relay: xdp: skipped: gro was built without libxdp (libxdp-dev, libbpf-dev)"
elif start_relay tap:rl2 rl2 --input=xdp; then
	ip -n $D addr add 10.201.2.2/24 dev rl2
	ip -n $S addr add 10.201.2.1/24 dev s0
	xfer "xdp ipv4" 10.201.2.2 5204 4
	stop_relay rl2
	merged xdp
fi

[ $failed = 0 ] && echo "relay: passed" && exit 0
exit 1
