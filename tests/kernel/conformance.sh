#!/bin/sh
# The kernel conformance suite: Linux's GRO selftest cases and seeded random
# scenarios, through `gro coalesce` and through the live kernel (or, where
# no network namespace can be made, against the kernel's recorded outputs),
# compared frame by frame.
#
# usage: conformance.sh BUILD [SEED COUNT]    (default: the fixed suite, seed 1, 500)
#        conformance.sh --record BUILD        record the golden digests (live only)
set -u
record=0
[ "${1:-}" = "--record" ] && { record=1; shift; }
B=$(realpath "$1")
SEED=${2:-1}
COUNT=${3:-500}
HERE=$(cd "$(dirname "$0")" && pwd)
GOLDEN=$HERE/../golden/kernel/digests.txt
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$B/scenarios" selftest "$T" >/dev/null || exit 1
"$B/scenarios" random "$SEED" "$COUNT" "$T" >/dev/null || exit 1
names=$(cd "$T" && ls *.pcap | sed 's/\.pcap$//')

# Live when the harness can run; it says why when it cannot (exit 77).
mode=live
"$B/pcapgen" vlanprobe "$T/probe_vlan.pcap"
"$B/kgro" "$T/probe" "$T/probe_vlan.pcap" >"$T/probe.log" 2>&1
rc=$?
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
	echo "conformance: live kernel $(uname -r), VLAN GRO $vlan; $(echo "$names" | wc -l) scenarios"
	(cd "$T" && "$B/kgro" "$T" $(for n in $names; do echo "$n.pcap"; done)) >"$T/kgro.log" 2>&1 || {
		tail -n 5 "$T/kgro.log"
		echo "conformance: the kernel harness failed"
		exit 1
	}
else
	if [ "$SEED" != 1 ] || [ "$COUNT" != 500 ]; then
		echo "conformance: recorded outputs exist only for the fixed suite (seed 1, 500); skipped"
		exit 0
	fi
	vlan=$(sed -n 's/^# vlan=//p' "$GOLDEN")
	echo "conformance: recorded $(sed -n 's/^# kernel=//p' "$GOLDEN") outputs, VLAN GRO $vlan"
fi

for n in $names; do
	"$B/gro" coalesce -q --vlan=$vlan --csum=partial --flush-timeout 10000 \
		--meta "$T/$n.ours.meta" "$T/$n.pcap" "$T/$n.ours.pcap" || exit 1
done

if [ $record = 1 ]; then
	[ $mode = live ] || { echo "conformance: recording needs the live kernel"; exit 1; }
	"$B/kcompare" --record "$T/digests" "$T" $names || exit 1
	{ echo "# kernel=$(uname -r)"; echo "# vlan=$vlan"; cat "$T/digests"; } >"$GOLDEN"
	echo "conformance: recorded $(echo "$names" | wc -l) kernel outputs in $GOLDEN"
fi
if [ $mode = live ]; then
	"$B/kcompare" "$T" $names
else
	"$B/kcompare" --golden "$GOLDEN" "$T" $names
fi
