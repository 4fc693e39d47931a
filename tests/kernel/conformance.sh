#!/bin/sh
# The kernel conformance suite: Linux's GRO selftest cases and seeded random
# scenarios, through `gro coalesce` and through the live kernel (or, where
# no network namespace can be made, against the kernel's recorded outputs),
# compared frame by frame.
#
# usage: conformance.sh BUILD [SEED COUNT]    (default: the fixed suite, seed 1, 500)
#        conformance.sh --record BUILD        record the golden digests (live only)
#
# Scenarios are run in groups, each with its own receiver settings; a file
# name's prefix says its group:
#
#   group   files                       kgro                   gro coalesce
#   tcp     v4_* v6_* r* udpoff-*       (defaults)             (defaults)
#   udpl4   udpl4-*                     --udp=l4               --udp=l4
#   fl      udpfl-* tcpfl-*             --udp=fraglist         --udp=fraglist --fraglist
#   big     big-*                       --gro-max-size 200000  --max-size 199999
#   ipip    ipip-* sit-* 4in6-* 6in6-*  (defaults)             (defaults)
#   gre     gre-*                       (defaults)             (defaults)
#   vxlan   vxlan-*                     --vxlan-port 4789      --vxlan-port 4789
#   vxu     vxu-* (the vxlan-* inputs)  --vxlan-port 4789      --vxlan-port 4789
#                                       --udp=l4               --udp=l4
#   geneve  gnv-*                       --geneve-port 6081     --geneve-port 6081
#   vlan    vlan-*                      (defaults)             (defaults)
#
# (A kernel gro_max_size G keeps every merged IP packet below G bytes; the
# library's --max-size is the largest size allowed, so G - 1.) The UDP and
# BIG TCP groups get COUNT/2.5 random UDP scenarios per UDP mode (200 in the
# fixed suite) and COUNT/10 TCP ones through the fraglist receiver.
# The tunnel groups (no tunnel device: what the receiver merges anyway)
# get the tunnel selftest cases and COUNT/5 random scenarios per kind (100
# in the fixed suite). The vxlan group (a VXLAN device, `external dstport
# 4789`, on the receiver; UDP GRO otherwise off) gets the VXLAN selftest
# cases and COUNT random VXLAN scenarios; the vxu group the same inputs
# with UDP GRO on as well (rx-udp-gro-forwarding beside the VXLAN socket:
# a tunnel's datagrams must still go to the tunnel).
# CONF_GROUPS="tcp udpl4" (say) runs only those groups.
# `geneve` (GENEVE selftest cases and COUNT random scenarios) and `vlan`
# (the TCP selftest cases under 802.1Q, 802.1ad and QinQ tags, tag cases,
# and COUNT random scenarios) need a kernel with the geneve module and
# CONFIG_VLAN_8021Q: with CONF_QEMU=1 every kgro run happens inside a
# stock Debian kernel booted under QEMU (tests/kernel/qemu-run.sh, one
# boot for all groups), the rest on this machine (`make conformance-qemu`).
set -u
record=0
[ "${1:-}" = "--record" ] && { record=1; shift; }
B=$(realpath "$1")
SEED=${2:-1}
COUNT=${3:-500}
CONF_GROUPS=${CONF_GROUPS:-tcp udpl4 fl big ipip gre vxlan vxu}
UCOUNT=$((COUNT * 2 / 5))
TCOUNT=$((COUNT / 5))
HERE=$(cd "$(dirname "$0")" && pwd)
GOLDEN=$HERE/../golden/kernel/digests.txt
T=$(mktemp -d)
# CONF_KEEP=DIR keeps the inputs and both sides' outputs there.
trap '[ -n "${CONF_KEEP:-}" ] && mkdir -p "$CONF_KEEP" && cp -a "$T/." "$CONF_KEEP/"; rm -rf "$T" "$T.qemu.log"' EXIT

"$B/scenarios" selftest "$T" >/dev/null || exit 1
"$B/scenarios" random "$SEED" "$COUNT" "$T" >/dev/null || exit 1
"$B/scenarios" udp-selftest "$T" >/dev/null || exit 1
"$B/scenarios" random-udp "$SEED" "$UCOUNT" "$T" >/dev/null || exit 1
"$B/scenarios" big "$T" >/dev/null || exit 1
"$B/scenarios" tun-selftest "$T" >/dev/null || exit 1
"$B/scenarios" random-tun "$SEED" "$TCOUNT" "$T" >/dev/null || exit 1
"$B/scenarios" vxlan-selftest "$T" >/dev/null || exit 1
"$B/scenarios" random-vxlan "$SEED" "$COUNT" "$T" >/dev/null || exit 1
case " $CONF_GROUPS " in *" vxu "*)
	(cd "$T" && for f in vxlan-*.pcap; do ln "$f" "vxu-${f#vxlan-}" || exit 1; done) || exit 1
esac
case " $CONF_GROUPS " in *" geneve "*)
	"$B/scenarios" geneve-selftest "$T" >/dev/null || exit 1
	"$B/scenarios" random-geneve "$SEED" "$COUNT" "$T" >/dev/null || exit 1
esac
case " $CONF_GROUPS " in *" vlan "*)
	"$B/scenarios" vlan-selftest "$T" >/dev/null || exit 1
	"$B/scenarios" random-vlan "$SEED" "$COUNT" "$T" >/dev/null || exit 1
esac

# The inputs of each group, listed once before any output exists.
(cd "$T" && ls *.pcap) | sed 's/\.pcap$//' >"$T/inputs"
group_names() {
	case $1 in
	tcp) grep -v -e '^udpl4-' -e '^udpfl-' -e '^tcpfl-' -e '^big-' \
		-e '^ipip-' -e '^sit-' -e '^4in6-' -e '^6in6-' -e '^gre-' -e '^vxlan-' \
		-e '^vxu-' -e '^gnv-' -e '^vlan-' "$T/inputs" ;;
	udpl4) grep '^udpl4-' "$T/inputs" ;;
	fl) grep -e '^udpfl-' -e '^tcpfl-' "$T/inputs" ;;
	big) grep '^big-' "$T/inputs" ;;
	ipip) grep -e '^ipip-' -e '^sit-' -e '^4in6-' -e '^6in6-' "$T/inputs" ;;
	gre) grep '^gre-' "$T/inputs" ;;
	vxlan) grep '^vxlan-' "$T/inputs" ;;
	vxu) grep '^vxu-' "$T/inputs" ;;
	geneve) grep '^gnv-' "$T/inputs" ;;
	vlan) grep '^vlan-' "$T/inputs" ;;
	esac
}
kgro_opts() {
	case $1 in
	udpl4) echo "--udp=l4" ;;
	fl) echo "--udp=fraglist" ;;
	big) echo "--gro-max-size 200000" ;;
	vxlan) echo "--vxlan-port 4789" ;;
	vxu) echo "--vxlan-port 4789 --udp=l4" ;;
	geneve) echo "--geneve-port 6081" ;;
	esac
}
gro_opts() {
	case $1 in
	udpl4) echo "--udp=l4" ;;
	fl) echo "--udp=fraglist --fraglist" ;;
	big) echo "--max-size 199999" ;;
	vxlan) echo "--vxlan-port 4789" ;;
	vxu) echo "--vxlan-port 4789 --udp=l4" ;;
	geneve) echo "--geneve-port 6081" ;;
	esac
}

# Live when the harness can run; it says why when it cannot (exit 77).
mode=live
mkdir -p "$T/probe"
"$B/pcapgen" vlanprobe "$T/probe/probe_vlan.pcap"
total=0
for g in $CONF_GROUPS; do
	total=$((total + $(group_names $g | wc -l)))
done
if [ "${CONF_QEMU:-0}" = 1 ]; then
	# Every kgro run in one boot of the other kernel: the guest runs
	# run.sh in a copy of $T, and its outputs come back into $T.
	{
		echo 'uname -r >kernel-release'
		echo 'kgro probe probe/probe_vlan.pcap >probe.log 2>&1; echo $? >probe.rc'
		echo 'start=$(date +%s)'
		for g in $CONF_GROUPS; do
			echo "kgro $(kgro_opts $g) . \\"
			group_names $g | sed 's/$/.pcap \\/'
			echo ">kgro-$g.log 2>&1; echo \$? >kgro-$g.rc"
		done
		echo 'echo "kgro runs took $(( $(date +%s) - start )) s"'
	} >"$T/run.sh"
	qstart=$(date +%s)
	# (its log outside $T: the guest's copy of $T comes back over it)
	sh "$HERE/qemu-run.sh" "$B" "$T" "${CONF_QEMU_CACHE:-$B/qemu}" >"$T.qemu.log" 2>&1
	rc=$?
	cat "$T.qemu.log"
	rm -f "$T.qemu.log"
	[ $rc = 0 ] || { echo "conformance: the QEMU guest failed ($rc)"; exit 1; }
	echo "conformance: boot and kgro runs took $(( $(date +%s) - qstart )) s ($(tail -n 1 "$T/run.log"))"
	rc=$(cat "$T/probe.rc")
	kernel=$(cat "$T/kernel-release")
else
	"$B/kgro" "$T/probe" "$T/probe/probe_vlan.pcap" >"$T/probe.log" 2>&1
	rc=$?
	kernel=$(uname -r)
fi
if [ $rc = 77 ]; then
	mode=golden
	echo "conformance: no live kernel here ($(tail -n 1 "$T/probe.log")); comparing with recorded Linux outputs"
elif [ $rc != 0 ]; then
	cat "$T/probe.log"
	echo "conformance: the kernel harness failed"
	exit 1
fi

if [ $mode = live ]; then
	# Does this kernel merge VLAN-tagged frames (CONFIG_VLAN_8021Q)?
	vlan=off
	[ "$(wc -l <"$T/probe/probe_vlan.kernel.meta")" = 1 ] && vlan=on
	echo "conformance: live kernel $kernel, VLAN GRO $vlan; $total scenarios ($CONF_GROUPS)"
	for g in $CONF_GROUPS; do
		if [ "${CONF_QEMU:-0}" = 1 ]; then
			[ "$(cat "$T/kgro-$g.rc")" = 0 ] && continue
			tail -n 5 "$T/kgro-$g.log"
			echo "conformance: the kernel harness failed ($g)"
			exit 1
		fi
		# shellcheck disable=SC2046
		(cd "$T" && "$B/kgro" $(kgro_opts $g) "$T" $(group_names $g | sed 's/$/.pcap/')) \
			>"$T/kgro-$g.log" 2>&1 || {
			tail -n 5 "$T/kgro-$g.log"
			echo "conformance: the kernel harness failed ($g)"
			exit 1
		}
	done
else
	if [ "$SEED" != 1 ] || [ "$COUNT" != 500 ]; then
		echo "conformance: recorded outputs exist only for the fixed suite (seed 1, 500); skipped"
		exit 0
	fi
	vlan=$(sed -n 's/^# vlan=//p' "$GOLDEN")
	echo "conformance: recorded $(sed -n 's/^# kernel=//p' "$GOLDEN") outputs, VLAN GRO $vlan; $total scenarios ($CONF_GROUPS)"
fi

# A group whose options this gro does not take yet counts as failed as a
# whole, with one line saying so.
names=
unsupported=0
for g in $CONF_GROUPS; do
	gn=$(group_names $g)
	first=$(echo "$gn" | head -n 1)
	# shellcheck disable=SC2046
	if ! "$B/gro" coalesce -q --vlan=$vlan --csum=partial --flush-timeout 10000 $(gro_opts $g) \
		--meta "$T/$first.ours.meta" "$T/$first.pcap" "$T/$first.ours.pcap" 2>"$T/gro-$g.err"; then
		n=$(echo "$gn" | wc -l)
		echo "conformance: $g: gro coalesce $(gro_opts $g) failed ($(head -n 1 "$T/gro-$g.err")); its $n scenarios count as failed"
		unsupported=$((unsupported + n))
		continue
	fi
	for n in $gn; do
		# shellcheck disable=SC2046
		"$B/gro" coalesce -q --vlan=$vlan --csum=partial --flush-timeout 10000 $(gro_opts $g) \
			--meta "$T/$n.ours.meta" "$T/$n.pcap" "$T/$n.ours.pcap" || exit 1
	done
	names="$names $gn"
done

if [ $record = 1 ]; then
	[ $mode = live ] || { echo "conformance: recording needs the live kernel"; exit 1; }
	all=
	for g in $CONF_GROUPS; do all="$all $(group_names $g)"; done
	# shellcheck disable=SC2086
	"$B/kcompare" --record "$T/digests" "$T" $all || exit 1
	{ echo "# kernel=$(uname -r)"; echo "# vlan=$vlan"; cat "$T/digests"; } >"$GOLDEN"
	echo "conformance: recorded $(echo $all | wc -w) kernel outputs in $GOLDEN"
fi
if [ -z "$names" ]; then
	echo "conformance: 0 passed, $unsupported failed"
	exit 1
fi
# shellcheck disable=SC2086
if [ $mode = live ]; then
	"$B/kcompare" "$T" $names >"$T/kcompare.out"
else
	"$B/kcompare" --golden "$GOLDEN" "$T" $names >"$T/kcompare.out"
fi
rc=$?
sed '$d' "$T/kcompare.out"
# Per group: how many scenarios gave identical outputs.
sed -n 's/^\([^ ]*\): \(DIFFERENT\|ERROR\).*/\1/p' "$T/kcompare.out" | sort -u >"$T/failed"
for g in $CONF_GROUPS; do
	n=$(group_names $g | wc -l)
	# (grep -c prints nothing for an empty pattern file)
	d=$(group_names $g | grep -xF -f "$T/failed" | wc -l)
	echo "conformance: $g: $((n - d)) identical, $d different"
done
# CONF_RULES612=GRO: every scenario again through a gro built with Linux
# 6.12's rules (IPv4 ID, CWR; GRO_LINUX_612_RULES). A scenario that differs
# above but is identical under them shows a rule 6.12 and 6.18 do not
# share; one that differs under them too is listed (a libgro bug, or a
# rule of 6.12 the model lacks), and only those fail the run.
if [ -n "${CONF_RULES612:-}" ] && [ $mode = live ]; then
	for n in $names; do
		g=$(for x in $CONF_GROUPS; do group_names $x | grep -qxF "$n" && echo $x && break; done)
		for x in pcap meta; do mv "$T/$n.ours.$x" "$T/$n.618.$x"; done
		# shellcheck disable=SC2046
		"$CONF_RULES612" coalesce -q --vlan=$vlan --csum=partial --flush-timeout 10000 \
			$(gro_opts $g) --meta "$T/$n.ours.meta" "$T/$n.pcap" "$T/$n.ours.pcap" || exit 1
	done
	# shellcheck disable=SC2086
	"$B/kcompare" "$T" $names >"$T/kcompare612.out"
	sed -n 's/^\([^ ]*\): \(DIFFERENT\|ERROR\).*/\1/p' "$T/kcompare612.out" | sort -u >"$T/left612"
	for g in $CONF_GROUPS; do
		n=$(group_names $g | wc -l)
		d=$(group_names $g | grep -xF -f "$T/failed" | wc -l)
		l=$(group_names $g | grep -xF -f "$T/left612" | wc -l)
		echo "conformance: $g under 6.12's rules: $((n - l)) identical, $l different" \
		     "($((d - $(group_names $g | grep -xF -f "$T/failed" | grep -xF -f "$T/left612" | wc -l))) of the $d differences are 6.12's rules)"
	done
	grep -e DIFFERENT -e ERROR "$T/kcompare612.out" | sed 's/^/  6.12 rules: /'
	tail -n 1 "$T/kcompare.out"
	if [ -s "$T/left612" ]; then
		echo "conformance: $(wc -l <"$T/left612") scenarios differ from the 6.12 kernel under its own rules"
		exit 1
	fi
	echo "conformance: every difference from $kernel is a rule 6.12 and 6.18 do not share"
	exit 0
fi
if [ $unsupported = 0 ]; then
	tail -n 1 "$T/kcompare.out"
	exit $rc
fi
pass=$(tail -n 1 "$T/kcompare.out" | sed -n 's/^conformance: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
fail=$(tail -n 1 "$T/kcompare.out" | sed -n 's/^conformance: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
echo "conformance: ${pass:-0} passed, $((${fail:-0} + unsupported)) failed"
exit 1
