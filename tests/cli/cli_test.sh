#!/bin/sh
# Tests of the gro command line: the main job, golden outputs, error paths.
# Usage: cli_test.sh GRO PCAPGEN
GRO=$(realpath "$1")
GEN=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
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
if [ -e "$T/bad-truncated.pcapng" ]; then
	expect_error "coalesce: truncated pcapng" 1 "bad-truncated.pcapng: truncated" "$T/s15.pcap" coalesce "$T/bad-truncated.pcapng" "$T/s15.pcap"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
