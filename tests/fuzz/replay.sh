#!/bin/sh
# Replay fuzz inputs through a standalone harness driver.
#
#   replay.sh BIN HARNESS DISABLED DIR...
#       every file in the DIRs, except the regression inputs DISABLED lists
#       (lines "HARNESS/NAME  reason"), in one run; fails if BIN fails
#   replay.sh --known BIN HARNESS DISABLED
#       each disabled input of HARNESS on its own: reports which still fail
set -u
known=0
if [ "$1" = --known ]; then known=1; shift; fi
bin=$1 harness=$2 disabled=$3
shift 3
regress=tests/fuzz/regress

names() {
	[ -f "$disabled" ] || return 0
	sed -n "s|^$harness/\([^ 	#]*\).*|\1|p" "$disabled"
}

if [ $known = 1 ]; then
	for n in $(names); do
		f=$regress/$harness/$n
		if [ ! -f "$f" ]; then
			echo "fuzz-known: $harness/$n: missing"
		elif "$bin" "$f" >/dev/null 2>&1; then
			echo "fuzz-known: $harness/$n: passes now, enable it (remove it from $disabled)"
		else
			echo "fuzz-known: $harness/$n: still fails (known engine bug)"
		fi
	done
	exit 0
fi

list=$(mktemp)
log=$(mktemp)
trap 'rm -f "$list" "$log"' EXIT
skip=$(names)
nskip=0
for d in "$@"; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		[ -f "$f" ] || continue
		b=$(basename "$f")
		case "$d" in
		*/regress/*)
			if printf '%s\n' $skip | grep -qx -- "$b"; then
				nskip=$((nskip + 1))
				continue
			fi;;
		esac
		printf '%s\n' "$f" >>"$list"
	done
done
n=$(wc -l <"$list")
if [ "$n" -gt 0 ] && ! xargs "$bin" <"$list" >"$log" 2>&1; then
	tail -30 "$log"
	echo "fuzz-replay: $harness: FAILED (FUZZ_DRIVER_VERBOSE=1 names each input)"
	exit 1
fi
note=
[ "$nskip" -gt 0 ] && note=" ($nskip known-bug inputs disabled, see make fuzz-known)"
echo "fuzz-replay: $harness: $n inputs, no invariant violated$note"
