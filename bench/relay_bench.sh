#!/bin/sh
# gro relay against no GRO and against the kernel's own GRO, live, with
# iperf3 (see docs/performance.md, "Live: gro relay"):
#
#   S (iperf3 -c) s0 ==veth== r0  R (gro relay r0 tap:rb0)  rb0 -> D (iperf3 -s)
#   S (iperf3 -c) s0 ==veth== d0  D                       (the kernel anchor)
#
# s0 has TSO, GSO and checksum offload off, so the wire carries MTU-sized
# frames with complete checksums, as from a NIC. For every cell (parallel
# TCP streams x IPv4/IPv6 x MTU) and mode:
#   relay-gro   gro relay, GRO on
#   relay-off   gro relay --gro=off: every frame written into the TAP
#   kernel-gro  no relay: D's end of the veth with GRO on (NAPI)
# it reports the throughput iperf3's receiver saw, the packets per second
# D's IP layer received (/proc/net/snmp InReceives, snmp6 Ip6InReceives),
# and the relay's CPU time per GB received (utime + stime of its process).
#
#   sh bench/relay_bench.sh GRO [OUT.md]
#
# Environment: DURATION (seconds per cell, 5), STREAMS ("1 4 16"),
# FAMILIES ("4 6"), MTUS ("1500 9000"), MODES ("relay-gro relay-off
# kernel-gro"), RELAY_OPTS (more options for gro relay).
set -u
GRO=$1
OUT=${2:-}
DURATION=${DURATION:-5}
STREAMS=${STREAMS:-"1 4 16"}
FAMILIES=${FAMILIES:-"4 6"}
MTUS=${MTUS:-"1500 9000"}
MODES=${MODES:-"relay-gro relay-off kernel-gro"}
RELAY_OPTS=${RELAY_OPTS:-}
tag=grb$$
S=$tag-s R=$tag-r D=$tag-d
tmp=
relay_pid=
srv_pid=

cleanup() {
	[ -n "$relay_pid" ] && kill -TERM "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	for n in $S $R $D; do ip netns del "$n" 2>/dev/null; done
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

die() { echo "relay-bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
command -v iperf3 >/dev/null 2>&1 || die "needs iperf3"
tmp=$(mktemp -d) || exit 1
hz=$(getconf CLK_TCK)

for n in $S $R $D; do ip netns add "$n" || die "cannot make namespace $n"; done
ip netns exec $R sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec $R sysctl -qw net.ipv6.conf.default.disable_ipv6=1

# One path at a time: the relay's (s0 - r0, TAP in D) or the kernel's (s0 - d0).
setup_relay_path() {
	ip -n $S link del s0 2>/dev/null
	ip -n $S link add s0 type veth peer name r0 netns $R
	ip -n $R link set r0 up
}
setup_kernel_path() {
	ip -n $S link del s0 2>/dev/null
	ip -n $S link add s0 type veth peer name d0 netns $D
	ip netns exec $D ethtool -K d0 gro on >/dev/null
	ip -n $D addr add 10.202.0.2/24 dev d0
	ip -n $D addr add fd00:202::2/64 dev d0 nodad
	ip -n $D link set d0 up
}
sender_up() {
	ip netns exec $S ethtool -K s0 tso off gso off tx off >/dev/null
	ip -n $S addr add 10.202.0.1/24 dev s0
	ip -n $S addr add fd00:202::1/64 dev s0 nodad
	ip -n $S link set s0 up
}

# start_relay OPTS...: the relay in R, rb0 in D with the addresses.
start_relay() {
	ip netns exec $R "$GRO" relay --interval 0 --json "$@" $RELAY_OPTS r0 tap:rb0 \
		>"$tmp/relay.json" 2>"$tmp/relay.err" &
	relay_pid=$!
	i=0
	until ip -n $R link show rb0 >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 50 ] && die "the relay did not start: $(cat "$tmp/relay.err")"
		sleep 0.1
	done
	ip -n $R link set rb0 netns $D
	ip -n $D addr add 10.202.0.2/24 dev rb0
	ip -n $D addr add fd00:202::2/64 dev rb0 nodad
	ip -n $D link set rb0 up
}
stop_relay() {
	kill -INT $relay_pid
	wait $relay_pid
	relay_pid=
}

set_mtu() {
	for dev in s0; do ip -n $S link set $dev mtu $1; done
	ip -n $R link set r0 mtu $1 2>/dev/null
	ip -n $D link set rb0 mtu $1 2>/dev/null
	ip -n $D link set d0 mtu $1 2>/dev/null
}

# The packets D's IP layer has received so far.
ip_in() {
	if [ "$1" = 4 ]; then
		ip netns exec $D awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp
	else
		ip netns exec $D awk '$1 == "Ip6InReceives" { print $2 }' /proc/net/snmp6
	fi
}

cpu_ticks() {
	[ -n "$relay_pid" ] || { echo 0; return; }
	# utime and stime, after the command name (which may hold spaces).
	sed 's/.*) //' /proc/$relay_pid/stat | awk '{ print $12 + $13 }'
}

# cell MODE FAMILY MTU STREAMS: one iperf3 run, one result line.
cell() {
	addr=10.202.0.2
	[ "$2" = 6 ] && addr=fd00:202::2
	pkts0=$(ip_in $2)
	cpu0=$(cpu_ticks)
	ip netns exec $S iperf3 -c $addr -t $DURATION -P $4 -f m >"$tmp/iperf" 2>&1 ||
		{ echo "relay-bench: iperf3 failed: $(tail -1 "$tmp/iperf")" >&2; return; }
	cpu1=$(cpu_ticks)
	pkts1=$(ip_in $2)
	awk -v mode=$1 -v fam=$2 -v mtu=$3 -v p=$4 -v d=$DURATION -v pk=$((pkts1 - pkts0)) \
	    -v cpu=$((cpu1 - cpu0)) -v hz=$hz '
		/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") mbps = $i
			     for (i = 1; i < NF; i++) if ($(i + 1) ~ /Bytes$/) { b = $i; u = $(i + 1) } }
		END {
			gb = b * (u == "GBytes" ? 1 : u == "MBytes" ? 1 / 1024 : u == "KBytes" ? 1 / 1048576 : 0)
			gb = gb * 1.073741824	# GiB to GB
			cpugb = mode ~ /^relay/ && gb > 0 ? sprintf("%.2f", cpu / hz / gb) : "-"
			printf "| %s | IPv%s | %s | %s | %.0f | %.1f | %s |\n", mode, fam, mtu, p, mbps,
				pk / d / 1000, cpugb
		}' "$tmp/iperf"
}

{
echo "| mode | IP | MTU | streams | Mbit/s | receiver kpps | relay CPU s/GB |"
echo "| --- | --- | --- | --- | ---: | ---: | ---: |"
} | tee "$tmp/table"

for mode in $MODES; do
	case $mode in
	relay-gro) setup_relay_path; sender_up; start_relay ;;
	relay-off) setup_relay_path; sender_up; start_relay --gro=off ;;
	kernel-gro) setup_kernel_path; sender_up ;;
	*) die "unknown mode $mode" ;;
	esac
	ip netns exec $D iperf3 -s >/dev/null 2>&1 &
	srv_pid=$!
	sleep 0.5
	for mtu in $MTUS; do
		set_mtu $mtu
		for fam in $FAMILIES; do
			for p in $STREAMS; do
				cell $mode $fam $mtu $p | tee -a "$tmp/table"
			done
		done
	done
	kill $srv_pid 2>/dev/null
	wait $srv_pid 2>/dev/null
	srv_pid=
	if [ -n "$relay_pid" ]; then
		stop_relay
		grep '"event":"final"' "$tmp/relay.json" | awk '{
			n = split($0, kv, /[,{}]/)
			for (i = 1; i <= n; i++) { split(kv[i], q, ":"); gsub(/"/, "", q[1]); v[q[1]] = q[2] }
			printf "relay-bench: %s: %d frames in, %d packets out, %.2f segments per super-packet\n",
				m, v["frames_in"], v["frames_out"], v["mean_segments"] }' m=$mode >&2
	fi
done
[ -n "$OUT" ] && cp "$tmp/table" "$OUT"
exit 0
