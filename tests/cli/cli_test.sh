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
	ls -a "$(dirname "${out:-$T/x}")" | grep -q '^\..*XXXXXX\|^\.[^.].*\.pcap\.' && { bad "$name: left a temporary file"; return; }
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

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
