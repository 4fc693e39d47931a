#!/bin/sh
# make bench: instruction counts, then the timed run, then the plot.
#   sh bench/run.sh BIN OUTDIR [grobench options]
# BENCH_INSTR=0 skips the instruction counts (they take some minutes).
set -e
BIN=$1
OUT=$2
shift 2
mkdir -p "$OUT"

# One cell under callgrind, counting only between grobench's markers:
# prints "cell,engine,instructions,packets".
if [ "$1" = "--count-one" ]; then
	cell=$2
	eng=$3
	tmp="$OUT/cg.$cell.$eng"
	if valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp.out" \
		"$BIN" --instr "$cell" "$eng" > "$tmp.log" 2> "$tmp.err"; then
		ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$tmp.out" | head -n 1)
		pk=$(sed -n "s/^$cell,$eng,packets,//p" "$tmp.log")
		[ -n "$ir" ] && [ -n "$pk" ] && echo "$cell,$eng,$ir,$pk"
		echo "bench:   $cell $eng: $ir instructions / $pk packets" >&2
	else
		echo "bench:   $cell $eng: callgrind failed (see $tmp.err)" >&2
		exit 0
	fi
	rm -f "$tmp.out" "$tmp.log" "$tmp.err"
	exit 0
fi

# Instructions per packet: from the hardware counter when this machine has
# one (grobench reads it itself), else from callgrind on one run per cell,
# two at a time (counts do not depend on what else runs).
if [ "${BENCH_INSTR:-1}" != 0 ] && ! perf stat -e instructions true 2>&1 | grep -q '[0-9] *instructions'; then
	if command -v valgrind >/dev/null 2>&1; then
		echo "bench: no hardware instruction counter here; counting with callgrind" >&2
		"$BIN" --list-instr | xargs -P 2 -L 1 sh "$0" "$BIN" "$OUT" --count-one > "$OUT/instr.csv"
	fi
fi

"$BIN" --out "$OUT" --instr-file "$OUT/instr.csv" "$@" | tee "$OUT/results.md"

if command -v gnuplot >/dev/null 2>&1; then
	gnuplot -e "datafile='$OUT/plot.dat'; outfile='$OUT/ns_per_pkt.png'" bench/plot.gp
	echo "Plot: $OUT/ns_per_pkt.png"
fi
