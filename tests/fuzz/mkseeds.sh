#!/bin/sh
# Seed candidates for the fuzz harnesses from the conformance scenarios:
#   mkseeds.sh BUILD OUTDIR
# writes OUTDIR/fuzz_receive/* (each capture under a few configurations)
# and OUTDIR/fuzz_pcap/* (small captures with option selectors, and pcapng).
set -eu
build=$1 out=$2
rm -rf "$out"
mkdir -p "$out/pcaps/selftest" "$out/pcaps/random" "$out/fuzz_receive" "$out/fuzz_pcap"
"$build/scenarios" selftest "$out/pcaps/selftest" >/dev/null
"$build/scenarios" random 1 200 "$out/pcaps/random" >/dev/null
# Header variants: Linux's defaults; checksums trusted, one bucket of 8,
# small pool; 2 flows, max_segs 4, vlan off, batch 3; small max_size; TCP
# fraglist with UDP lists; BIG TCP (max_size GRO_MAX_SIZE) with UDP L4.
i=0
for p in "$out"/pcaps/selftest/*.pcap "$out"/pcaps/random/*.pcap; do
	i=$((i + 1))
	b=$(basename "$p" .pcap)
	case $((i % 6)) in
	0) hdr=0000000000000000;;
	1) hdr=0605000000010001;;
	2) hdr=02030000830e0003;;
	3) hdr=0000010400000000;;
	4) hdr=6000000000000001;;
	5) hdr=9000000000000001;;
	esac
	"$build/mkseed" receive "$p" "$out/fuzz_receive/$b-$hdr"
	size=$(wc -c <"$p")
	if [ "$size" -le 16384 ]; then
		case $((i % 3)) in
		0) sel=00000000;;
		1) sel=08250a00;;
		2) sel=03dc0005;;
		esac
		"$build/mkseed" pcap "$p" "$out/fuzz_pcap/$b-$sel.pcap"
		[ $((i % 10)) = 0 ] && "$build/mkseed" pcapng "$p" "$out/fuzz_pcap/$b.pcapng"
	fi
done
rm -rf "$out/pcaps"
# The hand-written sequences (VLAN keys, limits, UDP, tunnels, misuse).
"$build/mkseed" synth "$out/fuzz_receive"
"$build/mkseed" synthpcap "$out/fuzz_pcap"
echo "mkseeds: $(ls "$out/fuzz_receive" | wc -l) fuzz_receive and $(ls "$out/fuzz_pcap" | wc -l) fuzz_pcap candidates in $out"
