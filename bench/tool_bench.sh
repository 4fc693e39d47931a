#!/bin/sh
# `gro coalesce` on a large capture against editcap copying it, and the
# floors of copying it at all: cat (an in-kernel copy, copy_file_range())
# and dd (read() and write() of 128 KiB, as gro uses); see
# docs/performance.md, "The tool on large captures".
#
#   sh bench/tool_bench.sh GRO BIGCAP DIR [OUT.md]
#
# BIGCAP (bench/bigcap.c) writes the capture, pcap and pcapng, into DIR,
# which is removed at the end. Every command runs RUNS times, the commands
# taking turns (each round starting one command further on), each writing
# a new file (removed, and the disk synced,
# before every run), with the input in the page cache (read once before the
# first run). Wall, user and system seconds come from /usr/bin/time; the
# table gives each command's median run by wall time. The goal: gro
# coalesce at least twice as fast as editcap copying the same capture.
#
# Environment: RUNS (5), SIZE_MB (the pcap's size, 4096), KEEP=1 leaves DIR,
# SETTLE=seconds to wait after the old output is removed and synced,
# before each run (0): on a virtual machine that hands freed memory back to
# its host, the pages a run writes into the page cache then all cost the
# same (see docs/performance.md),
# BASE=another gro binary (an earlier build) adds its coalesce rows, run in
# the same turns, for a before / after comparison.
set -u
GRO=$(realpath "$1")
BIGCAP=$(realpath "$2")
DIR=$3
OUT=${4:-}
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-4096}

for t in editcap /usr/bin/time; do
	command -v $t >/dev/null 2>&1 || { echo "tool-bench: $t is missing" >&2; exit 1; }
done
mkdir -p "$DIR" || exit 1
DIR=$(realpath "$DIR")
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

need=$((SIZE_MB * 4 + 1024))
avail=$(df -Pm "$DIR" | awk 'NR == 2 { print $4 }')
if [ "$avail" -lt "$need" ]; then
	echo "tool-bench: $DIR has $avail MB free, $need needed" >&2
	exit 1
fi
mem=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
[ "$mem" -ge $((SIZE_MB * 3)) ] || echo "tool-bench: warning: $mem MB of memory available:" \
	"the input may not stay in the page cache" >&2

IN=$DIR/big.pcap
"$BIGCAP" -m "$SIZE_MB" "$IN" || exit 1
"$BIGCAP" -m "$SIZE_MB" -F pcapng "$IN"ng || exit 1

# name|command: $IN is the capture, $O the output's path without extension.
set -- \
	"cat (copy_file_range)|cat \$IN >\$O.pcap" \
	"dd bs=128K (read, write)|dd if=\$IN of=\$O.pcap bs=128K status=none" \
	"editcap|editcap \$IN \$O.pcap" \
	"gro coalesce|$GRO coalesce \$IN \$O.pcap 2>\$O.txt" \
	"gro coalesce to /dev/null|$GRO coalesce \$IN /dev/null 2>\$O.txt" \
	"gro coalesce, from a pipe|cat \$IN | $GRO coalesce - \$O.pcap 2>\$O.txt" \
	"editcap, pcapng|editcap \${IN}ng \$O.pcapng" \
	"gro coalesce, pcapng|$GRO coalesce \${IN}ng \$O.pcapng 2>\$O.txt" \
	"editcap to /dev/null|editcap \$IN /dev/null"
if [ -n "${BASE:-}" ]; then
	BASE=$(realpath "$BASE")
	set -- "$@" \
		"BASE gro coalesce|$BASE coalesce \$IN \$O.pcap 2>\$O.txt" \
		"BASE gro coalesce, pcapng|$BASE coalesce \${IN}ng \$O.pcapng 2>\$O.txt"
fi

cat "$IN" "$IN"ng >/dev/null
O=$DIR/out
R=$DIR/results
: >"$R"
round=1
while [ $round -le "$RUNS" ]; do
	# Each round starts one command further on: a run's cost here
	# depends on what ran just before it (the page cache it freed).
	k=0
	while [ $k -lt $# ]; do
		i=$(((k + round - 1) % $# + 1))
		eval "c=\${$i}"
		k=$((k + 1))
		name=${c%%|*}
		cmd=${c#*|}
		rm -f "$O".*
		sync
		[ "${SETTLE:-0}" = 0 ] || sleep "$SETTLE"
		if ! IN=$IN O=$O /usr/bin/time -f "%e %U %S" -o "$DIR/time" sh -c "$cmd"; then
			echo "tool-bench: '$name' failed:" >&2
			cat "$O.txt" >&2 2>/dev/null
			exit 1
		fi
		echo "$i $(cat "$DIR/time")" >>"$R"
		echo "round $round/$RUNS: $name: $(cat "$DIR/time") (wall user sys)" >&2
	done
	round=$((round + 1))
done

# The syscalls of one gro run, by strace (if present): how the capture is
# read and written.
calls=""
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	rm -f "$O".*
	strace -f -c -e trace=read,write -o "$DIR/strace" "$GRO" coalesce -q "$IN" "$O.pcap"
	calls=$(awk -v outb="$(wc -c <"$O.pcap")" '
		$NF == "write" { w = sprintf("%s write() calls (%.0f KiB each on average)", $4, outb / $4 / 1024) }
		$NF == "read" { r = $4 }
		END { printf "%s, %d read() calls in all (the input is mapped)", w, r }' "$DIR/strace")
fi
rm -f "$O".*

median() { # median INDEX: "wall user sys" of command INDEX's median run
	awk -v i="$1" '$1 == i { print $2, $3, $4 }' "$R" | sort -n | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'
}
walls() { awk -v i="$1" '$1 == i { printf "%s%s", sep, $2; sep = " " }' "$R"; }

{
	echo "\`gro coalesce\` on a ${SIZE_MB} MiB capture ($(awk '/^model name/ { sub(/.*: /, ""); print; exit }' /proc/cpuinfo), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), Linux $(uname -r)); median of $RUNS runs, page cache warm$([ "${SETTLE:-0}" = 0 ] || echo ", ${SETTLE} s between a run and the removal of the output before it"):"
	echo
	echo "| command | wall s | user s | sys s | every run's wall s, in round order |"
	echo "| --- | ---: | ---: | ---: | --- |"
	i=1
	for c in "$@"; do
		set -- $(median $i)
		echo "| ${c%%|*} | $1 | $2 | $3 | $(walls $i) |"
		i=$((i + 1))
	done
	echo
	[ -n "$calls" ] && echo "gro coalesce (pcap), strace -c -f: $calls."
	awk -v R="$R" '
	function med(i,  k, m, v, t) {
		m = 0
		while ((getline line < R) > 0) { split(line, f, " "); if (f[1] == i) v[++m] = f[2] }
		close(R)
		for (k = 2; k <= m; k++) for (j = k; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return v[int((m + 1) / 2)]
	}
	function verdict(what, e, g,  r) {
		r = e / g
		if (r >= 2)
			printf "Goal (%s): gro coalesce %.2fx faster than editcap: met.\n", what, r
		else
			printf "Goal (%s): gro coalesce %.2fx faster than editcap: missed (%.2f s, the goal %.2f s or less: %.2f s over).\n", what, r, g, e / 2, g - e / 2
	}
	BEGIN {
		verdict("pcap", med(3), med(4))
		verdict("pcapng", med(7), med(8))
		printf "Their own work (pcap, written to /dev/null): gro coalesce %.2f s, editcap %.2f s.\n", med(5), med(9)
	}'
} >"$DIR/table.md"
cat "$DIR/table.md"
[ -z "$OUT" ] || cp "$DIR/table.md" "$OUT"
