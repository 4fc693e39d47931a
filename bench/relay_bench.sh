#!/bin/sh
# gro relay against no GRO and against the kernel's own GRO, live, with
# iperf3 (see docs/performance.md, "Live: gro relay"). One path per mode,
# all built at once, so that the modes of a cell run back to back:
#
#   S s1 ==veth== r1  R  gro relay r1 tap:rb1            rb1 -> D  relay-gro
#   S s2 ==veth== r2  R  gro relay --gro=off r2 tap:rb2  rb2 -> D  relay-off
#   S s3 ==veth== d3                                         D  kernel-gro
#   S s4 ==veth== r4  R  gro relay --input=xdp r4 tap:rb4 rb4 -> D relay-xdp
#
# iperf3 -c runs in S, iperf3 -s in D. The s* ends have TSO, GSO and
# checksum offload off, so the wire carries MTU-sized frames with complete
# checksums, as from a NIC. kernel-gro is D's end of a veth with GRO on
# (NAPI), no relay: the kernel's own GRO on the same traffic. relay-xdp
# (not in the default MODES) needs an MTU up to 3500.
#
# For every cell (parallel TCP streams x IPv4/IPv6 x MTU) and mode: the
# throughput iperf3's receiver saw, the packets per second D's IP layer
# received (/proc/net/snmp InReceives, /proc/net/snmp6 Ip6InReceives), and
# the relay's CPU time per GB received (utime + stime from /proc/PID/stat;
# the TAP write runs D's receive path in the relay's system time).
# With ROUNDS > 1 every cell runs that many times, round after round, and
# the table gives the median of each figure.
#
#   sh bench/relay_bench.sh GRO [OUT.md]
#
# Environment: DURATION (seconds per run, 5), ROUNDS (1), STREAMS ("1 4
# 16"), FAMILIES ("4 6"), MTUS ("1500 9000"), MODES ("relay-gro relay-off
# kernel-gro"), RELAY_OPTS (more options for every relay).
set -u
GRO=$1
OUT=${2:-}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-1}
STREAMS=${STREAMS:-"1 4 16"}
FAMILIES=${FAMILIES:-"4 6"}
MTUS=${MTUS:-"1500 9000"}
MODES=${MODES:-"relay-gro relay-off kernel-gro"}
RELAY_OPTS=${RELAY_OPTS:-}
tag=grb$$
S=$tag-s R=$tag-r D=$tag-d
tmp=
pids=
srv_pid=

cleanup() {
	for p in $pids; do kill -TERM $p 2>/dev/null && wait $p 2>/dev/null; done
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

# path N PEER-NS PEER: veth sN in S, its peer in PEER-NS; 10.202.N.0/24.
path() {
	ip -n $S link add s$1 type veth peer name $3 netns $2
	ip netns exec $S ethtool -K s$1 tso off gso off tx off >/dev/null
	ip -n $S addr add 10.202.$1.1/24 dev s$1
	ip -n $S addr add fd00:202:$1::1/64 dev s$1 nodad
	ip -n $S link set s$1 up
	ip -n $2 link set $3 up
}
d_addr() {
	ip -n $D addr add 10.202.$1.2/24 dev $2
	ip -n $D addr add fd00:202:$1::2/64 dev $2 nodad
	ip -n $D link set $2 up
}

# relay N OPTS...: gro relay rN tap:rbN in R, the TAP moved to D.
relay() {
	n=$1
	shift
	ip netns exec $R "$GRO" relay --interval 0 --json "$@" $RELAY_OPTS r$n tap:rb$n \
		>"$tmp/relay$n.json" 2>"$tmp/relay$n.err" &
	eval relay_pid_$n=$!
	pids="$pids $!"
	i=0
	until ip -n $R link show rb$n >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 50 ] && die "the relay did not start: $(cat "$tmp/relay$n.err")"
		sleep 0.1
	done
	ip -n $R link set rb$n netns $D
	d_addr $n rb$n
}

for mode in $MODES; do
	case $mode in
	relay-gro) path 1 $R r1; relay 1 ;;
	relay-off) path 2 $R r2; relay 2 --gro=off ;;
	kernel-gro) path 3 $D d3; ip netns exec $D ethtool -K d3 gro on >/dev/null; d_addr 3 d3 ;;
	relay-xdp) path 4 $R r4; relay 4 --input=xdp ;;
	*) die "unknown mode $mode" ;;
	esac
done
ip netns exec $D iperf3 -s >/dev/null 2>&1 &
srv_pid=$!
sleep 0.5

num() { case $1 in relay-gro) echo 1 ;; relay-off) echo 2 ;; kernel-gro) echo 3 ;; relay-xdp) echo 4 ;; esac; }

# Every interface of the cell's path gets the MTU; 1 if one refuses it.
set_mtu() {
	n=$(num $1)
	ip -n $S link set s$n mtu $2 2>/dev/null || return 1
	if [ $n = 3 ]; then
		ip -n $D link set d3 mtu $2 2>/dev/null || return 1
	else
		ip -n $R link set r$n mtu $2 2>/dev/null && ip -n $D link set rb$n mtu $2 2>/dev/null || return 1
	fi
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
	eval pid=\${relay_pid_$1:-}
	[ -n "$pid" ] || { echo 0; return; }
	# utime and stime, after the command name (which may hold spaces).
	sed 's/.*) //' /proc/$pid/stat | awk '{ print $12 + $13 }'
}

# run MODE FAMILY MTU STREAMS: one iperf3 run, one raw line:
# mode family mtu streams Mbit/s kpps cpu-s/GB (- for none)
run() {
	n=$(num $1)
	addr=10.202.$n.2
	[ "$2" = 6 ] && addr=fd00:202:$n::2
	pkts0=$(ip_in $2)
	cpu0=$(cpu_ticks $n)
	ip netns exec $S iperf3 -c $addr -t $DURATION -P $4 -f m >"$tmp/iperf" 2>&1 ||
		{ echo "relay-bench: $*: iperf3 failed: $(tail -1 "$tmp/iperf")" >&2; return; }
	cpu1=$(cpu_ticks $n)
	pkts1=$(ip_in $2)
	awk -v mode=$1 -v fam=$2 -v mtu=$3 -v p=$4 -v d=$DURATION -v pk=$((pkts1 - pkts0)) \
	    -v cpu=$((cpu1 - cpu0)) -v hz=$hz '
		/receiver/ { for (i = 1; i < NF; i++) {
				if ($(i + 1) == "Mbits/sec") mbps = $i
				if ($(i + 1) ~ /Bytes$/) { b = $i; u = $(i + 1) } } }
		END {
			gib = b * (u == "GBytes" ? 1 : u == "MBytes" ? 1 / 1024 : u == "KBytes" ? 1 / 1048576 : 0)
			gb = gib * 1.073741824
			cpugb = mode ~ /^relay/ && gb > 0 ? sprintf("%.2f", cpu / hz / gb) : "-"
			printf "%s %s %s %s %.0f %.1f %s\n", mode, fam, mtu, p, mbps, pk / d / 1000, cpugb
		}' "$tmp/iperf"
}

: >"$tmp/raw"
round=1
while [ $round -le $ROUNDS ]; do
	for mtu in $MTUS; do
		for mode in $MODES; do
			set_mtu $mode $mtu || echo "$mode $mtu refused" >>"$tmp/refused"
		done
		for fam in $FAMILIES; do
			for p in $STREAMS; do
				for mode in $MODES; do
					grep -qx "$mode $mtu refused" "$tmp/refused" 2>/dev/null && continue
					run $mode $fam $mtu $p | tee -a "$tmp/raw" >&2
				done
			done
		done
	done
	round=$((round + 1))
done

# The table: the median of each figure over the rounds, cells in run order.
{
echo "| mode | IP | MTU | streams | Mbit/s | receiver kpps | relay CPU s/GB |"
echo "| --- | --- | --- | --- | ---: | ---: | ---: |"
awk '
	function median(list,   a, n, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		if (a[1] == "-") return "-"
		return n % 2 ? a[(n + 1) / 2] : sprintf("%.2f", (a[n / 2] + a[n / 2 + 1]) / 2)
	}
	{
		k = $1 " " $2 " " $3 " " $4
		if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
		mb[k] = mb[k] " " $5; kp[k] = kp[k] " " $6; cp[k] = cp[k] " " $7
	}
	END {
		for (i = 1; i <= nk; i++) {
			split(order[i], f, " ")
			printf "| %s | IPv%s | %s | %s | %.0f | %.1f | %s |\n", f[1], f[2], f[3], f[4],
				median(mb[order[i]]), median(kp[order[i]]), median(cp[order[i]])
		}
	}' "$tmp/raw"
} >"$tmp/table"
cat "$tmp/table"
[ -n "$OUT" ] && cp "$tmp/table" "$OUT"
exit 0
