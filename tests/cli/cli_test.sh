#!/bin/sh
# Tests of the gro command line: the main job, golden outputs, error paths.
# Usage: cli_test.sh GRO PCAPGEN
GRO=$(realpath "$1")
GEN=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Whatever a wrong build writes to the working directory goes away too.
cd "$T" || exit 1
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check NAME COMMAND...: passes if the command succeeds
	name=$1; shift
	if "$@"; then ok; else bad "$name"; fi
}
# expect_error NAME EXIT PATTERN OUT -- gro args: exit code, one stderr line
# matching PATTERN, and no OUT left behind.
expect_error() {
	name=$1 code=$2 pat=$3 out=$4; shift 4
	"$GRO" "$@" 2>"$T/err" >/dev/null
	rc=$?
	[ "$rc" = "$code" ] || { bad "$name: exit $rc, expected $code"; return; }
	[ "$code" = 2 ] || [ "$(wc -l <"$T/err")" = 1 ] || { bad "$name: stderr not one line: $(cat "$T/err")"; return; }
	grep -q -- "$pat" "$T/err" || { bad "$name: stderr '$(cat "$T/err")' lacks '$pat'"; return; }
	[ -z "$out" ] || [ ! -e "$out" ] || { bad "$name: left $out behind"; return; }
	ls -a "$(dirname "${out:-$T/x}")" | grep -q '^\..*XXXXXX\|^\.[^.].*\.pcap\(ng\)\?\.' && { bad "$name: left a temporary file"; return; }
	ok
}
records() { tail -c +25 "$1"; }	# pcap records without the file header

# The main job on the built-in capture.
check "demo runs" "$GRO" demo "$T/demo" >"$T/demo.txt"
check "demo prints a per-flow table" grep -q "segs/merged" "$T/demo.txt"
check "demo merges" grep -q "super-packets: [1-9]" "$T/demo.txt"

# Golden: the outputs are byte-for-byte what they were when checked against
# the rules, and the same on every run.
"$GRO" coalesce -q "$T/demo/demo-in.pcap" "$T/a.pcap"
"$GRO" coalesce -q "$T/demo/demo-in.pcap" "$T/b.pcap"
check "coalesce is deterministic" cmp -s "$T/a.pcap" "$T/b.pcap"
for g in "$HERE"/../golden/cli/*.sha256; do
	[ -e "$g" ] || continue
	name=$(basename "$g" .sha256)
	case $name in
	demo-out) out=$T/a.pcap ;;
	demo-out-partial) out=$T/p.pcap
		"$GRO" coalesce -q --csum=partial "$T/demo/demo-in.pcap" "$out" ;;
	demo-out-maxflows2) out=$T/m.pcap; "$GRO" coalesce -q --max-flows 2 "$T/demo/demo-in.pcap" "$out" ;;
	*) continue ;;
	esac
	sum=$(sha256sum "$out" | cut -d' ' -f1)
	check "golden $name" [ "$sum" = "$(cat "$g")" ]
done

# Statistics as JSON.
"$GRO" coalesce --json "$T/demo/demo-in.pcap" "$T/j.pcap" >"$T/j.json"
check "json is valid" python3 -m json.tool "$T/j.json" >/dev/null
check "json counts frames" grep -q '"frames_in":968' "$T/j.json"

# Malformed frames inside a valid capture come out unchanged, in order.
"$GEN" hostile "$T/hostile.pcap"
check "hostile capture accepted" "$GRO" coalesce -q "$T/hostile.pcap" "$T/hostile-out.pcap"
records "$T/hostile.pcap" >"$T/h1"
records "$T/hostile-out.pcap" >"$T/h2"
check "hostile frames pass through unchanged" cmp -s "$T/h1" "$T/h2"

# Bad input and output: one line naming the file, non-zero exit, no output.
echo "this is not a capture" >"$T/text.pcap"
expect_error "not a capture" 1 "text.pcap: not a pcap" "$T/o1.pcap" coalesce "$T/text.pcap" "$T/o1.pcap"
expect_error "missing input" 1 "nope.pcap" "$T/o2.pcap" coalesce "$T/nope.pcap" "$T/o2.pcap"
size=$(wc -c <"$T/demo/demo-in.pcap")
head -c $((size - 700)) "$T/demo/demo-in.pcap" >"$T/trunc.pcap"
expect_error "truncated record" 1 "trunc.pcap: truncated" "$T/o3.pcap" coalesce "$T/trunc.pcap" "$T/o3.pcap"
"$GEN" linktype "$T/raw.pcap"
expect_error "link type" 1 "raw.pcap: unsupported link type" "$T/o4.pcap" coalesce "$T/raw.pcap" "$T/o4.pcap"

# A capture with no packet: an empty capture of its link type out, which
# libpcap reads (a pcapng needs an interface for that); a link type that
# cannot be read is refused even with no packet.
"$GEN" empty 1 "$T/empty.pcap"
for ext in pcap pcapng; do
	for cmd in coalesce segment; do
		rm -f "$T/e.$ext"
		check "empty $ext: $cmd succeeds" "$GRO" "$cmd" -q "$T/empty.pcap" "$T/e.$ext"
		check "empty $ext: $cmd output readable, no record" [ "$("$GEN" count "$T/e.$ext")" = 0 ]
	done
done
"$GEN" empty 101 "$T/emptyraw.pcap"
check "empty RAW capture coalesced" "$GRO" coalesce -q "$T/emptyraw.pcap" "$T/er.pcapng"
check "empty RAW capture: readable" [ "$("$GEN" count "$T/er.pcapng")" = 0 ]
"$GEN" empty 0x2587 "$T/emptybad.pcap"
expect_error "empty, link type" 1 "emptybad.pcap: unsupported link type" "$T/o5.pcapng" coalesce "$T/emptybad.pcap" "$T/o5.pcapng"
expect_error "empty, link type, pcap out" 1 "emptybad.pcap: unsupported link type" "$T/o5.pcap" coalesce "$T/emptybad.pcap" "$T/o5.pcap"
expect_error "segment: empty, link type" 1 "emptybad.pcap: unsupported link type" "$T/o6.pcap" segment "$T/emptybad.pcap" "$T/o6.pcap"
expect_error "unwritable output" 1 "no/such/dir/o.pcap: cannot write" "" coalesce "$T/demo/demo-in.pcap" "$T/no/such/dir/o.pcap"
mkdir "$T/isdir"
expect_error "output is a directory" 1 "isdir: cannot write" "" coalesce "$T/demo/demo-in.pcap" "$T/isdir"
expect_error "no arguments" 2 "usage" "" coalesce
expect_error "bad option value" 2 "burst" "" coalesce --burst x "$T/demo/demo-in.pcap" "$T/o5.pcap"
expect_error "unknown command" 2 "unknown command" "" frobnicate

# ---------------------------------------------------------------- GSO metadata
# coalesce to pcapng records each super-packet's GSO metadata; the frames
# are the same as in the pcap output.
"$GRO" coalesce -q "$T/demo/demo-in.pcap" "$T/c.pcapng"
check "pcapng output by extension" [ "$(head -c 4 "$T/c.pcapng" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a ]
check "pcapng holds the pcap output's frames" "$GEN" same "$T/a.pcap" "$T/c.pcapng"
"$GRO" coalesce -q --format=pcapng "$T/demo/demo-in.pcap" "$T/f.pcap"
check "--format=pcapng overrides the extension" cmp -s "$T/c.pcapng" "$T/f.pcap"
"$GRO" coalesce -q --format pcap "$T/demo/demo-in.pcap" "$T/g.pcapng"
check "--format=pcap overrides the extension" cmp -s "$T/a.pcap" "$T/g.pcapng"
if command -v tcpdump >/dev/null 2>&1; then
	check "tcpdump reads the pcapng" sh -c "tcpdump -nr '$T/c.pcapng' 2>/dev/null | wc -l | grep -qx 266"
fi
if command -v tshark >/dev/null 2>&1; then
	tshark -r "$T/c.pcapng" -V 2>/dev/null >"$T/tshark.txt"
	check "tshark shows the metadata comments" grep -q "gro: gso_size=1448 gso_segs=[0-9]* tcpv4" "$T/tshark.txt"
	check "tshark reads every packet" [ "$(grep -c '^Frame [0-9]*:' "$T/tshark.txt")" = 266 ]
fi

# segment restores the demo capture: every flow's frames, in order (the
# frame with a bad checksum, delivered early, may move within its flow).
"$GRO" segment -q "$T/c.pcapng" "$T/back.pcap"
check "coalesce + segment gives back every flow's frames" "$GEN" flowcmp "$T/demo/demo-in.pcap" "$T/back.pcap"
"$GRO" coalesce -q --csum=partial "$T/demo/demo-in.pcap" "$T/cp.pcapng"
"$GRO" segment -q "$T/cp.pcapng" "$T/backp.pcap"
check "the same with --csum=partial" "$GEN" same "$T/back.pcap" "$T/backp.pcap"
"$GRO" segment -q "$T/c.pcapng" "$T/back.pcapng"
check "segment writes pcapng by extension" "$GEN" same "$T/back.pcap" "$T/back.pcapng"
"$GRO" segment --json "$T/c.pcapng" "$T/j2.pcap" >"$T/s.json"
check "segment json is valid" python3 -m json.tool "$T/s.json" >/dev/null
check "segment json counts" grep -q '"frames_in":266,"frames_out":968,.*"segmented_by_metadata":170' "$T/s.json"
"$GRO" segment "$T/c.pcapng" "$T/j3.pcap" 2>"$T/s.txt"
check "segment prints a summary" grep -q "266 frames in, 968 out" "$T/s.txt"
"$GRO" segment -q "$T/demo/demo-in.pcap" "$T/plain.pcap"
check "frames without metadata pass through" "$GEN" same "$T/demo/demo-in.pcap" "$T/plain.pcap"
"$GRO" segment -q "$T/a.pcap" "$T/nometa.pcap"
check "a pcap of super-packets has no metadata: unchanged" "$GEN" same "$T/a.pcap" "$T/nometa.pcap"

# UDP: coalesce --udp writes UDP_L4 metadata (fraglist packets as UDP_L4
# too); segment gives every datagram back, byte for byte and in order.
"$GEN" udpcap "$T/u.pcap"
for mode in l4 fraglist; do
	for cs in full partial; do
		"$GRO" coalesce -q --udp=$mode --csum=$cs --format=pcapng "$T/u.pcap" "$T/u-$mode-$cs.out"
		"$GRO" segment -q "$T/u-$mode-$cs.out" "$T/u-$mode-$cs.back.pcap"
		check "UDP --udp=$mode --csum=$cs: coalesce + segment gives back every datagram" \
			"$GEN" same "$T/u.pcap" "$T/u-$mode-$cs.back.pcap"
	done
done
"$GRO" segment --json "$T/u-l4-full.out" "$T/u.j.pcap" >"$T/u.json"
check "UDP: segment cuts by the UDP_L4 metadata" grep -q '"frames_in":9,"frames_out":147,.*"segmented_by_metadata":7' "$T/u.json"

# Tunnels: TCP inside VXLAN and GENEVE merges on the configured ports
# only; GRE and IP-in-IP need no setting. segment gives every frame back.
"$GEN" tuncap "$T/tun.pcap"
"$GRO" coalesce --json "$T/tun.pcap" "$T/tun0.pcap" >"$T/tun0.json"
check "tunnels: without ports, only GRE and IP-in-IP merge" \
	grep -q '"segments":48,.*"not-tcp":120' "$T/tun0.json"
for cs in full partial; do
	"$GRO" coalesce --json --csum=$cs --vxlan-port 4789 --geneve-port=6081 --format=pcapng \
		"$T/tun.pcap" "$T/tun-$cs.out" >"$T/tun-$cs.json"
	check "tunnels --csum=$cs: every frame merged" grep -q '"segments":168,"mean_segments"' "$T/tun-$cs.json"
	"$GRO" segment -q "$T/tun-$cs.out" "$T/tun-$cs.back.pcap"
	check "tunnels --csum=$cs: coalesce + segment gives back every frame" \
		"$GEN" same "$T/tun.pcap" "$T/tun-$cs.back.pcap"
done
"$GRO" coalesce --json --vxlan-port 4789 "$T/tun.pcap" "$T/tun1.pcap" >"$T/tun1.json"
check "tunnels: a GENEVE port not configured is plain UDP" grep -q '"segments":120,.*"not-tcp":48' "$T/tun1.json"
expect_error "tunnel port twice" 2 "already a tunnel port" "" coalesce --vxlan-port 4789 --geneve-port 4789 "$T/tun.pcap" "$T/tun2.pcap"
expect_error "tunnel port 0" 2 "vxlan-port" "" coalesce --vxlan-port 0 "$T/tun.pcap" "$T/tun2.pcap"
expect_error "tunnel port too large" 2 "geneve-port" "" coalesce --geneve-port 65536 "$T/tun.pcap" "$T/tun2.pcap"
expect_error "five tunnel ports" 2 "at most 4" "" coalesce --vxlan-port 1 --vxlan-port 2 --vxlan-port 3 --geneve-port 4 --geneve-port 5 "$T/tun.pcap" "$T/tun2.pcap"

# Metadata written independently (both byte orders), cut as GSO would.
for order in le be; do
	"$GEN" metacap $order "$T/m$order.pcapng" "$T/m$order.exp.pcap"
	"$GRO" segment -q "$T/m$order.pcapng" "$T/m$order.back.pcap"
	check "hand-made metadata ($order) cut as GSO cuts" "$GEN" same "$T/m$order.exp.pcap" "$T/m$order.back.pcap"
done
"$GEN" pcapng-mixed "$T/mx.pcapng" "$T/mx.exp.pcap"
"$GRO" segment -q "$T/mx.pcapng" "$T/mx.back.pcap"
check "pcapng: sections of both byte orders, time units, skipped blocks, SPB/OPB" "$GEN" same-ts "$T/mx.exp.pcap" "$T/mx.back.pcap"
"$GEN" badmeta "$T/bm.pcapng"
"$GRO" segment --json "$T/bm.pcapng" "$T/bm.pcap" >"$T/bm.json"
check "wrong metadata: passed through and counted" grep -q '"segmented_by_metadata":1,.*"passed":4,"invalid_metadata":4' "$T/bm.json"

# --mss cuts plain oversized TCP frames whose IP lengths match the frame.
"$GEN" oversized "$T/ov.pcap" "$T/ov.exp.pcap"
"$GRO" segment -q --mss 1000 "$T/ov.pcap" "$T/ov.back.pcap"
check "--mss cuts oversized TCP frames" "$GEN" same "$T/ov.exp.pcap" "$T/ov.back.pcap"
"$GRO" segment -q "$T/ov.pcap" "$T/ov.none.pcap"
check "without --mss they pass" "$GEN" same "$T/ov.pcap" "$T/ov.none.pcap"

# Errors: one line naming the file, non-zero exit, no output.
expect_error "segment: not a capture" 1 "text.pcap: not a pcap" "$T/s1.pcap" segment "$T/text.pcap" "$T/s1.pcap"
expect_error "segment: missing input" 1 "nope.pcapng" "$T/s2.pcap" segment "$T/nope.pcapng" "$T/s2.pcap"
for k in truncated optlen blocklen trailer noif bom version; do
	"$GEN" pcapng-bad $k "$T/bad-$k.pcapng"
done
expect_error "segment: truncated pcapng block" 1 "bad-truncated.pcapng: truncated pcapng enhanced packet block at offset" "$T/s3.pcap" segment "$T/bad-truncated.pcapng" "$T/s3.pcap"
expect_error "segment: bad option length" 1 "bad-optlen.pcapng: .*option 1 has length 200, past the end" "$T/s4.pcap" segment "$T/bad-optlen.pcapng" "$T/s4.pcap"
expect_error "segment: block length" 1 "bad-blocklen.pcapng: .*invalid total length 30" "$T/s5.pcap" segment "$T/bad-blocklen.pcapng" "$T/s5.pcap"
expect_error "segment: trailing length" 1 "bad-trailer.pcapng: .*trailing length 12" "$T/s6.pcap" segment "$T/bad-trailer.pcapng" "$T/s6.pcap"
expect_error "segment: undescribed interface" 1 "bad-noif.pcapng: .*interface 1 was not described" "$T/s7.pcap" segment "$T/bad-noif.pcapng" "$T/s7.pcap"
expect_error "segment: byte-order magic" 1 "bad-bom.pcapng: .*byte-order magic" "$T/s8.pcap" segment "$T/bad-bom.pcapng" "$T/s8.pcap"
expect_error "segment: pcapng version" 1 "bad-version.pcapng: .*unsupported version 2.0" "$T/s9.pcapng" segment "$T/bad-version.pcapng" "$T/s9.pcapng"
expect_error "segment: truncated pcap record" 1 "trunc.pcap: truncated" "$T/s10.pcap" segment "$T/trunc.pcap" "$T/s10.pcap"
expect_error "segment: link type" 1 "raw.pcap: unsupported link type" "$T/s11.pcap" segment "$T/raw.pcap" "$T/s11.pcap"
expect_error "segment: unwritable output" 1 "no/such/dir/o.pcap: cannot write" "" segment "$T/c.pcapng" "$T/no/such/dir/o.pcap"
expect_error "segment: no arguments" 2 "usage" "" segment
expect_error "segment: bad --mss" 2 "mss" "" segment --mss 0 "$T/c.pcapng" "$T/s12.pcap"
expect_error "segment: bad --format" 2 "format" "" segment --format=pcapx "$T/c.pcapng" "$T/s13.pcap"
expect_error "coalesce: bad --format" 2 "format" "" coalesce --format=x "$T/demo/demo-in.pcap" "$T/s14.pcap"
expect_error "coalesce: pcapng to a directory" 1 "isdir: cannot write" "" coalesce "$T/demo/demo-in.pcap" "$T/isdir"
# A pcapng file is read in place, a pipe through a buffer: the same
# message either way, and the same packets.
for k in truncated optlen blocklen trailer noif bom version; do
	"$GRO" segment -q "$T/bad-$k.pcapng" "$T/s16.pcap" 2>"$T/bf.err"
	cat "$T/bad-$k.pcapng" | "$GRO" segment -q - "$T/s16.pcap" 2>"$T/bp.err"
	sed -i "s|^gro: [^:]*: ||" "$T/bf.err" "$T/bp.err"
	check "pcapng bad-$k: the same error from the file as from a pipe" cmp -s "$T/bf.err" "$T/bp.err"
done
"$GRO" coalesce -q - "$T/s17.pcapng" <"$T/c.pcapng"
cat "$T/c.pcapng" | "$GRO" coalesce -q - "$T/s18.pcapng"
check "pcapng: the same output from the file as from a pipe" cmp -s "$T/s17.pcapng" "$T/s18.pcapng"
if [ -e "$T/bad-truncated.pcapng" ]; then
	expect_error "coalesce: truncated pcapng" 1 "bad-truncated.pcapng: truncated" "$T/s15.pcap" coalesce "$T/bad-truncated.pcapng" "$T/s15.pcap"
fi

# ---------------------------------------------------------------- help for the user
# Variants of the demo capture: every TCP checksum wrong (a capture taken
# on a checksum-offloading host), every frame cut to 100 bytes (a short
# snapshot length), and nanosecond timestamps.
cat >"$T/variants.py" <<'PY'
import struct, sys
src, kind, out = sys.argv[1:4]
d = open(src, 'rb').read()
hdr, recs, o = bytearray(d[:24]), [], 24
while o < len(d):
    sec, usec, cap, wire = struct.unpack('<IIII', d[o:o + 16])
    recs.append([sec, usec, cap, wire, bytearray(d[o + 16:o + 16 + cap])])
    o += 16 + cap
for i, r in enumerate(recs):
    if kind == 'badcsum' and r[2] >= 52 and r[4][23] == 6:
        r[4][50] ^= 0x5a
    if kind == 'snap':
        r[4] = r[4][:100]
        r[2] = len(r[4])
    if kind == 'nano':
        r[1] = r[1] * 1000 + (i % 1000)
if kind == 'nano':
    hdr[0:4] = struct.pack('<I', 0xa1b23c4d)
with open(out, 'wb') as f:
    f.write(hdr)
    for sec, usec, cap, wire, b in recs:
        f.write(struct.pack('<IIII', sec, usec, cap, wire) + b)
PY
for v in badcsum snap nano; do
	python3 "$T/variants.py" "$T/demo/demo-in.pcap" $v "$T/v-$v.pcap"
done
"$GRO" coalesce "$T/v-badcsum.pcap" "$T/v1.pcap" 2>"$T/v1.txt"
check "wrong checksums: the summary says what to try" grep -q "hint: .*checksums are wrong.*--rx-csum=trust" "$T/v1.txt"
"$GRO" coalesce "$T/v-snap.pcap" "$T/v2.pcap" 2>"$T/v2.txt"
check "short snapshot length: the summary says so" grep -q "hint: .*cut short by the capture's snapshot length" "$T/v2.txt"
"$GRO" coalesce --json "$T/v-snap.pcap" "$T/v2.pcap" >"$T/v2.json"
check "short snapshot length: counted in the JSON" grep -q '"truncated":901,' "$T/v2.json"
"$GRO" coalesce "$T/demo/demo-in.pcap" "$T/v3.pcap" 2>"$T/v3.txt"
check "a good capture: no hint" sh -c "! grep -q hint '$T/v3.txt'"
"$GRO" coalesce -q --rx-csum=trust "$T/v-badcsum.pcap" "$T/v4.pcap"
"$GRO" coalesce -q "$T/v-nano.pcap" "$T/v5.pcap"
cat >"$T/nanocheck.py" <<'PY'
import struct, sys
def recs(path):
    d = open(path, 'rb').read()
    magic, o, out = struct.unpack('<I', d[:4])[0], 24, []
    while o < len(d):
        sec, frac, cap, wire = struct.unpack('<IIII', d[o:o + 16])
        out.append((sec, frac, d[o + 16:o + 16 + cap]))
        o += 16 + cap
    return magic, out
mi, a = recs(sys.argv[1])
mo, b = recs(sys.argv[2])
assert mi == mo == 0xa1b23c4d, (hex(mi), hex(mo))
# Every frame passed through keeps its timestamp to the nanosecond.
ts = {bytes(x[2]): (x[0], x[1]) for x in a}
kept = [p for p in b if bytes(p[2]) in ts]
assert kept and all(ts[bytes(p[2])] == (p[0], p[1]) for p in kept), "timestamps"
assert any(p[1] % 1000 for p in b), "sub-microsecond digits"
PY
check "nanosecond timestamps stay nanoseconds" python3 "$T/nanocheck.py" "$T/v-nano.pcap" "$T/v5.pcap"
# Comments of the input go out with their packets (pcapng-mixed's first
# packet has the comment "first").
"$GEN" pcapng-mixed "$T/cm.pcapng" "$T/cm.exp.pcap"
"$GRO" coalesce -q --format=pcapng "$T/cm.pcapng" "$T/cm.out.pcapng"
check "input comments are kept" grep -q "first" "$T/cm.out.pcapng"
check "pcapng output interfaces have names" grep -q "gro-EN10MB" "$T/cm.out.pcapng"

# --order=capture: the same packets, written at their first frames' places
# and times, so timestamps never go back (in delivery order, packets a
# held flow let pass come first: the demo has 28 such inversions).
"$GRO" coalesce -q "$T/demo/demo-in.pcap" "$T/od.pcap"
"$GRO" coalesce -q --order=capture --meta "$T/oc.meta" "$T/demo/demo-in.pcap" "$T/oc.pcap"
cat >"$T/ordercheck.py" <<'PY'
import struct, sys
def recs(path):
    d = open(path, 'rb').read()
    o, out = 24, []
    while o < len(d):
        s, u, c, w = struct.unpack('<IIII', d[o:o + 16])
        out.append((s * 1000000 + u, d[o + 16:o + 16 + c]))
        o += 16 + c
    return out
d, c = recs(sys.argv[1]), recs(sys.argv[2])
inv = lambda r: sum(1 for a, b in zip(r, r[1:]) if b[0] < a[0])
assert sorted(x[1] for x in d) == sorted(x[1] for x in c), "the same packets"
assert inv(d) > 0 and inv(c) == 0, (inv(d), inv(c))
meta = [l.split() for l in open(sys.argv[3])]
assert [int(m[0]) for m in meta] == list(range(len(c))), "meta lines in output order"
assert [int(m[1]) for m in meta] == [len(x[1]) for x in c], "meta lengths follow the packets"
PY
check "--order=capture: capture order, timestamps never go back" python3 "$T/ordercheck.py" "$T/od.pcap" "$T/oc.pcap" "$T/oc.meta"
expect_error "--order value" 2 "order" "" coalesce --order=random "$T/demo/demo-in.pcap" "$T/o9.pcap"

# ---------------------------------------------------------------- JSON
# coalesce and segment share their keys for the same things (README.md,
# "JSON statistics"), the common ones first and in the same order; a
# coalesce + segment round trip shows it.
"$GRO" coalesce --json "$T/demo/demo-in.pcap" "$T/jc.pcapng" >"$T/jc.json"
"$GRO" segment --json "$T/jc.pcapng" "$T/js.pcap" >"$T/js.json"
cat >"$T/jsoncheck.py" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
common = ["command", "input", "output", "format", "frames_in", "frames_out",
          "bytes_in", "bytes_out", "super_packets", "segments", "mean_segments"]
assert list(c)[:len(common)] == common, list(c)
assert list(s)[:len(common)] == common, list(s)
for k in ("passed", "seconds_total"):
    assert k in c and k in s, k
assert c["command"] == "coalesce" and s["command"] == "segment"
assert c["format"] == "pcapng" and s["format"] == "pcap"
assert c["output"] == s["input"]
# GRO and GSO undo each other: the same counts, the other way round.
assert (c["frames_in"], c["frames_out"]) == (s["frames_out"], s["frames_in"])
assert (c["bytes_in"], c["bytes_out"]) == (s["bytes_out"], s["bytes_in"])
for k in ("super_packets", "segments", "mean_segments", "passed"):
    assert c[k] == s[k], (k, c[k], s[k])
assert c["frames_out"] == c["super_packets"] + c["passed"]
assert s["frames_out"] == s["segments"] + s["passed"]
assert sum(c["reasons"].values()) == c["frames_out"]
assert "packets_out" not in c and "segments_merged" not in c
PY
check "coalesce and segment JSON share their keys" python3 "$T/jsoncheck.py" "$T/jc.json" "$T/js.json"

# ---------------------------------------------------------------- conventions
# getopt_long per subcommand: --, -h/--help, -V/--version, -q, options
# after the files, extra arguments refused with a one-line error + usage.
for c in coalesce segment demo relay; do
	"$GRO" $c --help >"$T/help" 2>&1
	check "$c --help: exit 0, usage on stdout" grep -q "^usage: gro $c" "$T/help"
	check "$c --help lists -V, --version" grep -q -- "-V, --version" "$T/help"
	"$GRO" $c -h >"$T/help2" 2>&1
	check "$c -h = --help" cmp -s "$T/help" "$T/help2"
	check "$c -V prints the version" sh -c "'$GRO' $c -V | grep -qx 'gro (libgro) [0-9]*\.[0-9]*'"
done
check "gro --version" sh -c "'$GRO' --version | grep -qx 'gro (libgro) [0-9]*\.[0-9]*'"
check "gro -V" sh -c "'$GRO' -V | grep -qx 'gro (libgro) [0-9]*\.[0-9]*'"
check "gro --help lists --version" sh -c "'$GRO' --help | grep -q -- '-V, --version'"
# Every reason the JSON can report is explained in coalesce --help.
"$GRO" coalesce --help >"$T/help"
python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["reasons"]))' "$T/j.json" >"$T/reasons"
check "the JSON has the reasons" [ "$(wc -l <"$T/reasons")" -ge 10 ]
while read -r reason; do
	check "coalesce --help explains '$reason'" grep -q "^  $reason  *[a-zA-Z]" "$T/help"
done <"$T/reasons"
for reason in not-tcp malformed ip-options push mismatch poll-end evict; do
	grep -qx "$reason" "$T/reasons" || bad "reason $reason is no longer reported"
done

# Extra or missing positional arguments: one error line, then usage.
for args in "coalesce a b c" "segment a b c" "demo a b"; do
	"$GRO" $args >/dev/null 2>"$T/err"
	rc=$?
	check "'$args': exit 2" [ $rc = 2 ]
	check "'$args': one error line" sh -c "head -1 '$T/err' | grep -q '^gro: .*too many arguments'"
	check "'$args': then usage" sh -c "sed -n 2p '$T/err' | grep -q '^usage: gro'"
	check "'$args': nothing else" [ "$(wc -l <"$T/err")" = 2 ]
done
expect_error "coalesce: OUT missing" 2 "OUT is missing" "" coalesce "$T/demo/demo-in.pcap"
expect_error "unknown long option" 2 "unknown option '--frobnicate'" "" coalesce --frobnicate "$T/demo/demo-in.pcap" "$T/o6.pcap"
expect_error "unknown short option" 2 "unknown option '-x'" "" segment -x "$T/c.pcapng" "$T/o6.pcap"
expect_error "value for a flag" 2 "--json=1 takes no value" "" coalesce --json=1 "$T/demo/demo-in.pcap" "$T/o6.pcap"
expect_error "missing value" 2 "--burst needs a value" "" coalesce "$T/demo/demo-in.pcap" "$T/o6.pcap" --burst
expect_error "OUT '-' and --json" 2 "both write to standard output" "" coalesce --json "$T/demo/demo-in.pcap" -
expect_error "segment: OUT '-' and --json" 2 "both write to standard output" "" segment --json "$T/c.pcapng" -
expect_error "--meta - and --json" 2 "both write to standard output" "" coalesce --json --meta - "$T/demo/demo-in.pcap" "$T/o6.pcap"

# -- ends the options: files whose names start with '-'.
mkdir "$T/dash"
cp "$T/demo/demo-in.pcap" "$T/dash/-in.pcap"
(cd "$T/dash" && "$GRO" coalesce -q -- -in.pcap -out.pcap)
check "-- then files named -in.pcap, -out.pcap" cmp -s "$T/a.pcap" "$T/dash/-out.pcap"
(cd "$T/dash" && "$GRO" segment -q -- -out.pcap -seg.pcap)
check "segment: -- then files named with '-'" cmp -s "$T/a.pcap" "$T/dash/-seg.pcap"
(cd "$T/dash" && "$GRO" coalesce -q -in.pcap x.pcap 2>/dev/null)
check "without --, -in.pcap is an option" [ $? = 2 ]
# Options after the files, -q quiet, --opt=value and --opt value alike.
"$GRO" coalesce -q --max-flows 2 "$T/demo/demo-in.pcap" "$T/early.pcap"
"$GRO" coalesce "$T/demo/demo-in.pcap" "$T/late.pcap" -q --max-flows=2 2>"$T/err"
check "options after the files" cmp -s "$T/early.pcap" "$T/late.pcap"
check "-q: nothing on stderr" [ ! -s "$T/err" ]
"$GRO" coalesce --burst=16 --flush-timeout 500 --json "$T/demo/demo-in.pcap" "$T/b16.pcap" >"$T/b16.json"
"$GRO" coalesce --burst 16 --flush-timeout=500 --json "$T/demo/demo-in.pcap" "$T/b16b.pcap" >"$T/b16b.json"
check "--opt=value and --opt value" cmp -s "$T/b16.pcap" "$T/b16b.pcap"

# ---------------------------------------------------------------- safe output
# OUT is replaced only by a complete file; what is not a regular file is
# written into, never replaced; OUT = IN is refused; a signal leaves
# nothing behind.
D=$T/safe
mkdir "$D"
IN=$T/demo/demo-in.pcap
no_tmp() { ! ls -a "$1" | grep -q '^\.[^.].*\.pcap\(ng\)\?\.\|^\.[^.].*\.meta\.'; }
if [ "$(id -u)" = 0 ] && mknod "$D/null" c 1 3 2>/dev/null; then
	# A private null device first: should the tool replace it, only the
	# copy is lost; the real /dev/null is tried only once that passed.
	"$GRO" coalesce -q "$IN" "$D/null"
	check "a device OUT (private null) is written into" [ $? = 0 ]
	if [ -c "$D/null" ]; then
		ok
		"$GRO" coalesce -q "$IN" /dev/null
		check "coalesce to /dev/null succeeds" [ $? = 0 ]
		check "/dev/null stays a character device" [ -c /dev/null ]
		"$GRO" segment -q "$T/c.pcapng" /dev/null
		check "segment to /dev/null: still a character device" [ -c /dev/null ]
	else
		bad "a device OUT (private null) stays a character device"
	fi
else
	"$GRO" coalesce -q "$IN" /dev/null
	check "coalesce to /dev/null succeeds" [ $? = 0 ]
	check "/dev/null stays a character device" [ -c /dev/null ]
fi

# A device that fails every write: a one-line error naming the cause. As
# root, a private copy of /dev/full, which a broken build may replace.
full=/dev/full
if [ "$(id -u)" = 0 ]; then
	full=$D/full
	mknod "$full" c 1 7 2>/dev/null
fi
if [ -c "$full" ]; then
	expect_error "a full device (pcap)" 1 "full: write failed: No space left on device" "" coalesce "$IN" "$full"
	expect_error "a full device (pcapng)" 1 "full: write failed: No space left on device" "" coalesce --format=pcapng "$IN" "$full"
	expect_error "segment: a full device" 1 "full: write failed: No space left on device" "" segment "$T/c.pcapng" "$full"
	check "a full device stays a character device" [ -c "$full" ]
fi

cp "$IN" "$D/in.pcap"
sum=$(sha256sum <"$D/in.pcap")
expect_error "OUT = IN refused" 1 "in.pcap: is the same file as the input" "" coalesce "$D/in.pcap" "$D/in.pcap"
ln "$D/in.pcap" "$D/hard.pcap"
expect_error "OUT a hard link to IN refused" 1 "hard.pcap: is the same file as the input" "" coalesce "$D/in.pcap" "$D/hard.pcap"
ln -s in.pcap "$D/sym.pcap"
expect_error "OUT a symlink to IN refused" 1 "sym.pcap: is the same file as the input" "" coalesce "$D/in.pcap" "$D/sym.pcap"
expect_error "IN a symlink to OUT refused" 1 "in.pcap: is the same file as the input" "" coalesce "$D/sym.pcap" "$D/in.pcap"
expect_error "segment: OUT = IN refused" 1 "is the same file as the input" "" segment "$D/in.pcap" "$D/in.pcap"
"$GRO" coalesce -q - "$D/in.pcap" <"$D/in.pcap" 2>"$T/err"
check "OUT = the file on stdin refused" grep -q "in.pcap: is the same file as the standard input" "$T/err"
expect_error "--meta = IN refused" 1 "in.pcap: is the same file as the input" "" coalesce --meta "$D/in.pcap" "$D/in.pcap" "$D/o.pcap"
check "the input is untouched" [ "$(sha256sum <"$D/in.pcap")" = "$sum" ]
check "... and still a regular file" [ -f "$D/in.pcap" ]
check "... with its two links" [ "$(stat -c %h "$D/in.pcap")" = 2 ]
check "... and no output was written" [ ! -e "$D/o.pcap" ]

echo old >"$D/target.pcap"
chmod 600 "$D/target.pcap"
ln -s target.pcap "$D/link.pcap"
"$GRO" coalesce -q "$IN" "$D/link.pcap"
check "a symlink OUT stays a symlink" [ -L "$D/link.pcap" ]
check "its target gets the output" cmp -s "$T/a.pcap" "$D/target.pcap"
check "the replaced target keeps its permissions" [ "$(stat -c %a "$D/target.pcap")" = 600 ]
mkdir "$D/sub" "$D/links"
ln -s ../sub/new.pcapng "$D/links/dangling"
"$GRO" coalesce -q "$IN" "$D/links/dangling"
check "a dangling symlink OUT creates its target (relative to the link)" cmp -s "$T/a.pcap" "$D/sub/new.pcapng"
check "... and stays a symlink" [ -L "$D/links/dangling" ]
check "no temporary file left by the symlink writes" no_tmp "$D"

mkfifo "$D/fifo"
cat "$D/fifo" >"$D/fifo.out" &
reader=$!
"$GRO" coalesce -q "$IN" "$D/fifo"
check "a FIFO OUT with a reader succeeds" [ $? = 0 ]
# A FIFO replaced by a file would leave the reader waiting forever.
[ -p "$D/fifo" ] || kill $reader
wait $reader
check "the reader receives the output" cmp -s "$T/a.pcap" "$D/fifo.out"
check "the FIFO stays a FIFO" [ -p "$D/fifo" ]

(cd "$D" && "$GRO" coalesce -q "$IN" - >"$D/stdout.pcap")
check "'-' as OUT writes to stdout" cmp -s "$T/a.pcap" "$D/stdout.pcap"
check "'-' as OUT creates no file named '-'" [ ! -e "$D/-" ]
"$GRO" coalesce -q --format=pcapng "$IN" - | cat >"$D/stdout.pcapng"
check "'-' as OUT into a pipe, pcapng" cmp -s "$T/c.pcapng" "$D/stdout.pcapng"
"$GRO" segment -q "$T/c.pcapng" - >"$D/seg-stdout.pcap"
check "segment: '-' as OUT" cmp -s "$T/back.pcap" "$D/seg-stdout.pcap"
cat "$IN" | "$GRO" coalesce -q - "$D/stdin.pcap"
check "'-' as IN reads stdin (coalesce, pipe)" cmp -s "$T/a.pcap" "$D/stdin.pcap"
cat "$T/c.pcapng" | "$GRO" segment -q - "$D/stdin-seg.pcap"
check "'-' as IN reads stdin (segment, pcapng from a pipe)" cmp -s "$T/back.pcap" "$D/stdin-seg.pcap"
cat "$IN" | "$GRO" segment -q - "$D/stdin-seg2.pcap"
check "'-' as IN reads stdin (segment, pcap from a pipe)" cmp -s "$IN" "$D/stdin-seg2.pcap"
"$GRO" segment -q - "$D/stdin-seg3.pcap" <"$T/c.pcapng"
check "'-' as IN reads stdin (segment, redirected file)" cmp -s "$T/back.pcap" "$D/stdin-seg3.pcap"
cat "$IN" | "$GRO" coalesce -q - - | cat >"$D/pipe-pipe.pcap"
check "'-' as IN and OUT: a filter" cmp -s "$T/a.pcap" "$D/pipe-pipe.pcap"
echo "not a capture" | "$GRO" segment -q - "$D/s.pcap" 2>"$T/err"
check "stdin that is not a capture: an error" grep -q "^gro: -: not a pcap" "$T/err"
check "... and no output" [ ! -e "$D/s.pcap" ]

# A capture file, pcap or pcapng, is read in place (mapped: no read() of
# it at all); a pipe through a 128 KiB buffer.
{ head -c 24 "$IN"; for i in 1 2 3 4; do tail -c +25 "$IN"; done; } >"$D/big.pcap"
"$GRO" segment -q "$D/big.pcap" "$D/big.pcapng"
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	for cmd in coalesce segment; do
		for f in big.pcap big.pcapng; do
			# Only the reads of the capture's descriptor count (a
			# sanitizer runtime reads files of its own; LeakSanitizer
			# cannot run under ptrace).
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
				strace -s 0 -e trace=openat,read,mmap -o "$T/strace" \
				"$GRO" $cmd -q "$D/$f" "$D/big-out.pcap"
			set -- $(awk -v f="/$f\"" '/^openat/ && index($0, f) { fd = $NF }
				fd != "" && index($0, "read(" fd ",") == 1 { n++ }
				fd != "" && /^mmap\(/ && index($0, "PROT_READ, MAP_PRIVATE, " fd ", 0)") { m++ }
				END { print n + 0, m + 0 }' "$T/strace")
			check "$cmd maps the 5 MB $f and reads it in place ($1 reads, $2 maps)" \
				[ "$1" = 0 -a "$2" = 1 ]
		done
	done
fi

# A pcap file is read in place, a pipe through libpcap: the two readers
# must agree, on the packets (the outputs are the same bytes) and on the
# errors (the same message). Variants of the demo capture: the other byte
# order, with nanoseconds, a file snapshot length below the records'
# (libpcap cuts them to it), versions and magic numbers only libpcap
# reads, and broken ones.
cat >"$T/pcapvar.py" <<'PY'
import struct, sys
src, kind, out = sys.argv[1:4]
d = open(src, 'rb').read()
magic, major, minor, zone, sig, snap, lt = struct.unpack('<IHHiIII', d[:24])
recs, o = [], 24
while o < len(d):
    sec, usec, cap, wire = struct.unpack('<IIII', d[o:o + 16])
    recs.append([sec, usec, cap, wire, d[o + 16:o + 16 + cap]])
    o += 16 + cap
e = '<'
if kind in ('swapped', 'swapped-nano'):
    e = '>'
if kind in ('nano', 'swapped-nano'):
    magic = 0xa1b23c4d
    for i, r in enumerate(recs):
        r[1] = r[1] * 1000 + i
if kind == 'snap':
    snap = 80
if kind == 'v23':
    minor = 3
if kind == 'huge':
    recs[5][2] = 300000
if kind == 'fcs':
    lt |= 0x14000000
tail = b''
if kind == 'trunc-hdr':
    tail = b'\0' * 9
b = bytearray(struct.pack(e + 'IHHiIII', magic, major, minor, zone, sig, snap, lt))
for sec, usec, cap, wire, data in recs:
    b += struct.pack(e + 'IIII', sec, usec, cap, wire) + data
if kind == 'trunc-data':
    b = b[:-30]
open(out, 'wb').write(b + tail)
PY
for v in swapped nano swapped-nano snap v23 fcs huge trunc-hdr trunc-data; do
	python3 "$T/pcapvar.py" "$T/demo/demo-in.pcap" $v "$T/pv-$v.pcap"
	"$GRO" coalesce -q "$T/pv-$v.pcap" "$T/pv-$v.out.pcapng" 2>"$T/pv-$v.err"
	a=$?
	cat "$T/pv-$v.pcap" | "$GRO" coalesce -q - "$T/pv-$v.pipe.pcapng" 2>"$T/pv-$v.perr"
	b=$?
	sed -i "s|^gro: [^:]*: ||" "$T/pv-$v.err" "$T/pv-$v.perr"
	case $v in
	huge|trunc-*)
		check "pcap $v: an error, from the file ($a) as from a pipe ($b)" [ $a = 1 -a $b = 1 ]
		check "pcap $v: the same message ($(cat "$T/pv-$v.err"))" cmp -s "$T/pv-$v.err" "$T/pv-$v.perr" ;;
	*)
		check "pcap $v: read from the file ($a) as from a pipe ($b)" [ $a = 0 -a $b = 0 ]
		check "pcap $v: the same output from the file as from a pipe" \
			cmp -s "$T/pv-$v.out.pcapng" "$T/pv-$v.pipe.pcapng" ;;
	esac
done
python3 "$T/pcapvar.py" "$T/demo/demo-in.pcap" plain "$T/pv-plain.pcap"
check "pcap variants: the writer of them is faithful" cmp -s "$T/pv-plain.pcap" "$T/demo/demo-in.pcap"
"$GRO" coalesce -q "$T/demo/demo-in.pcap" "$T/pv-plain.out.pcapng"
check "pcap variants: the other byte order gives the same packets" \
	cmp -s "$T/pv-plain.out.pcapng" "$T/pv-swapped.out.pcapng"

# Link types: each capture of a link type the tool reads, coalesced,
# gives what the same frames behind Ethernet give (the pseudo-header of
# each record kept, the packet after it merged), and segmenting that back
# gives the input, each flow in order; both read it through the one reader.
L="$T/link"
mkdir "$L"
for lt in raw ipv4 ipv6 sll sll2 null null-be loop; do
	"$GEN" linkcap $lt "$L/$lt.pcap" "$L/$lt-eth.pcap"
	"$GRO" coalesce -q "$L/$lt-eth.pcap" "$L/$lt-eth-out.pcap"
	check "link $lt: coalesce" "$GRO" coalesce -q "$L/$lt.pcap" "$L/$lt-out.pcap"
	check "link $lt: merged as behind Ethernet, pseudo-headers kept" \
		sh -c '"$1" toeth $2 "$3/$2-out.pcap" "$3/$2-back.pcap" && "$1" same-ts "$3/$2-eth-out.pcap" "$3/$2-back.pcap"' \
		- "$GEN" $lt "$L"
	check "link $lt: something merged" [ "$(records "$L/$lt-out.pcap" | wc -c)" -lt "$(records "$L/$lt.pcap" | wc -c)" ]
	check "link $lt: coalesce to pcapng" "$GRO" coalesce -q "$L/$lt.pcap" "$L/$lt-out.pcapng"
	check "link $lt: segment" "$GRO" segment -q "$L/$lt-out.pcapng" "$L/$lt-seg.pcap"
	check "link $lt: segmented back to the input" \
		sh -c '"$1" toeth $2 "$3/$2-seg.pcap" "$3/$2-seg-eth.pcap" && "$1" flowcmp "$3/$2-eth.pcap" "$3/$2-seg-eth.pcap"' \
		- "$GEN" $lt "$L"
done
# --mss cuts raw TCP frames too: a merged capture written as pcap (no
# metadata) cut at the segment size gives the input back.
check "link raw: segment --mss" "$GRO" segment -q --mss 1400 "$L/raw-out.pcap" "$L/raw-mss.pcap"
check "link raw: --mss gives the frames back" \
	sh -c '"$1" toeth raw "$2/raw-mss.pcap" "$2/raw-mss-eth.pcap" && "$1" flowcmp "$2/raw-eth.pcap" "$2/raw-mss-eth.pcap"' - "$GEN" "$L"
# A pcapng whose interfaces differ in link type and snapshot length: an
# interface per link type out, no flow merged across interfaces, and the
# round trip exact; pcap cannot hold several link types.
"$GEN" linkmix "$L/mix.pcapng"
check "link mix: coalesce" "$GRO" coalesce --json "$L/mix.pcapng" "$L/mix-out.pcapng" >"$L/mix.json"
check "link mix: merged" grep -q '"super_packets":[1-9]' "$L/mix.json"
check "link mix: segment" "$GRO" segment -q "$L/mix-out.pcapng" "$L/mix-seg.pcapng"
check "link mix: round trip" sh -c '"$1" toeth any "$2/mix.pcapng" "$2/mix-eth.pcap" &&
	"$1" toeth any "$2/mix-seg.pcapng" "$2/mix-seg-eth.pcap" && "$1" flowcmp "$2/mix-eth.pcap" "$2/mix-seg-eth.pcap"' - "$GEN" "$L"
expect_error "link mix: to pcap" 1 "mix-out.pcap: packets of link types .* which one pcap file cannot hold" "$L/mix-out.pcap" coalesce "$L/mix.pcapng" "$L/mix-out.pcap"
expect_error "link mix: segment to pcap" 1 "mix-seg.pcap: packets of link types" "$L/mix-seg.pcap" segment "$L/mix-out.pcapng" "$L/mix-seg.pcap"

# --napi-defer: Linux's deferred poll model. One flow, a segment every
# 300 us from a jiffy boundary; the segment counts of the packets out,
# worked out by hand from the rule (see run_defer() in tools/gro/run.c):
# - the usual model, polls of 1 ms from their first frame: 4 4 2;
# - gro_flush_timeout 20 ms, no deferred IRQs, HZ 1000: a poll per
#   segment, each ending with the flows of earlier jiffies completed:
#   the segment at 1.2 ms completes 0-4, at 2.1 ms 5-7, the timer the rest;
# - gro_flush_timeout 1 ms, 2 deferred IRQs: timer polls at 1, 2, 3 ms:
#   4 (age jiffy 1000, flushed at 1001), then 6 (held at 1002, flushed at 1003);
# - HZ 250: one jiffy for all of it: 10.
"$GEN" paced "$T/paced.pcap" 300 10
segs() { awk '{ if ($4 > 0) print int(($2 - $5 + $4 - 1) / $4); else print 1 }' "$1" | tr '\n' ' '; }
napi() { # napi EXPECTED OPTIONS...
	want=$1; shift
	"$GRO" coalesce -q --meta "$T/paced.meta" "$@" "$T/paced.pcap" "$T/paced-out.pcap" &&
		[ "$(segs "$T/paced.meta")" = "$want" ] || { echo "got $(segs "$T/paced.meta")"; return 1; }
}
check "poll model: usual" napi "4 4 2 "
check "poll model: deferred, HZ 1000" napi "5 3 2 " --napi-defer 20000 --hz 1000
check "poll model: deferred IRQs" napi "4 6 " --napi-defer 1000 --defer-hard-irqs 2 --hz 1000
check "poll model: deferred, HZ 250" napi "10 " --napi-defer 20000 --hz 250
check "poll model: deferred, default HZ 250" napi "10 " --napi-defer 20000
expect_error "bad --hz" 2 "hz" "" coalesce --hz 0 "$T/paced.pcap" "$T/p0.pcap"
expect_error "bad --napi-defer" 2 "napi-defer" "" coalesce --napi-defer x "$T/paced.pcap" "$T/p0.pcap"

# A signal while OUT is being written: the temporary file goes, an
# existing OUT stays as it was, the exit status is 128 + the signal. The
# input is a FIFO that delivers a few MB and then stalls, so the signal
# always comes while the tool holds a partly written temporary file.
if command -v timeout >/dev/null 2>&1; then
	for sig in INT:130:coalesce TERM:143:coalesce HUP:129:segment INT:130:meta; do
		sn=${sig%%:*} rest=${sig#*:}; code=${rest%%:*} cmd=${rest#*:}
		rm -f "$D/slow"
		mkfifo "$D/slow"
		{ head -c 24 "$IN"; for i in 1 2 3 4; do tail -c +25 "$IN"; done; sleep 2; } >"$D/slow" &
		writer=$!
		echo old >"$D/sig.pcap"
		echo old >"$D/sig.meta"
		extra=
		[ "$cmd" = meta ] && { cmd=coalesce; extra="--meta $D/sig.meta"; }
		timeout --preserve-status -s "$sn" 1 "$GRO" "$cmd" -q $extra "$D/slow" "$D/sig.pcap"
		rc=$?
		wait $writer 2>/dev/null
		check "SIG$sn ($cmd${extra:+ --meta}): exit $code" [ "$rc" = "$code" ]
		check "SIG$sn ($cmd${extra:+ --meta}): no temporary file left" no_tmp "$D"
		check "SIG$sn ($cmd${extra:+ --meta}): the existing OUT is unchanged" [ "$(cat "$D/sig.pcap")" = old ]
		check "SIG$sn ($cmd${extra:+ --meta}): the existing --meta file is unchanged" [ "$(cat "$D/sig.meta")" = old ]
	done
fi

# gro relay: usage errors before any device is touched, and one line for a
# missing interface (the live runs are tests/relay).
expect_error "relay: OUT missing" 2 "OUT is missing" "" relay lo
expect_error "relay: unknown --input" 2 "invalid value 'dpdk'" "" relay --input=dpdk lo tap:x
expect_error "relay: bad --gro" 2 "invalid value 'maybe'" "" relay --gro=maybe lo tap:x
expect_error "relay: --udp=fraglist refused" 2 "fraglist" "" relay --udp=fraglist lo tap:x
expect_error "relay: bad --threads" 2 "invalid value '0'" "" relay --threads 0 lo tap:x
expect_error "relay: --threads needs a TAP or TUN" 2 "TAP or TUN" "" relay --threads 2 lo lo
expect_error "relay: engine options checked" 2 "max-flows" "" relay --max-flows=0 lo tap:x
expect_error "relay: no such interface" 1 "no-such-if0: no such interface" "" relay no-such-if0 tap:x
check "relay --help lists --input and --gro" sh -c "'$GRO' relay --help | grep -q -- '--input=packet|xdp' && '$GRO' relay --help | grep -q -- '--gro=on|off'"
check "gro --help lists relay" sh -c "'$GRO' --help | grep -q '^  relay IN OUT'"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
